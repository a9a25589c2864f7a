/** The deploy-bluegreen logic over the target (never imports the runner protocol). */
import type { Clock, Exec } from '@switchyard/kit';
import type { Http } from '@switchyard/probe';
import {
  deploy,
  openTarget,
  plan,
  promote,
  retire,
  status,
  type BlueGreenDeps,
  type BlueGreenResult,
  type DeployRequest,
  type LockHolder,
} from '@switchyard/targets';
import type { DeployInputs } from './inputs.js';

export interface RunDeps extends BlueGreenDeps {
  readonly exec: Exec;
  readonly clock: Clock;
  readonly http: Http;
  /** The step's environment (RUNNER_TEMP, HOME, …): where a target keeps a registry login private. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Told about a private folder (a registry login) the post step must remove if the run dies. */
  readonly onPrivateDir?: (dir: string) => void;
}

/** Runs the chosen action against the environment's target. */
export async function run(
  inputs: DeployInputs,
  holder: LockHolder,
  deps: RunDeps,
): Promise<BlueGreenResult> {
  const c = inputs.config;
  const settings = {
    health: c.health,
    readyTimeoutMs: c.readyTimeoutMs,
    keepPreviousMs: c.keepPreviousMs,
    warmUp: c.warmUp,
    lockTimeoutMs: inputs.lockTimeoutMs,
    holder,
  };
  const target = openTarget(
    c,
    {
      // A dry run pulls nothing, and so logs in nowhere.
      ...(inputs.credentials && !inputs.dryRun && { credentials: inputs.credentials }),
      ...(inputs.kubeconfig && { kubeconfig: inputs.kubeconfig }),
      secrets: inputs.secrets,
    },
    deps,
  );
  try {
    if (inputs.action === 'status') return await status(target, holder, deps);
    if (inputs.action === 'promote')
      return await promote(
        target,
        { ...settings, ...(inputs.expect && { expect: inputs.expect }) },
        deps,
      );
    if (inputs.action === 'retire')
      return await retire(target, { ...settings, force: inputs.force }, deps);
    const req: DeployRequest = {
      ...settings,
      image: inputs.image ?? '',
      pull: inputs.pull,
      ...(inputs.version && { version: inputs.version }),
      promote: inputs.promote,
      keepFailed: inputs.keepFailed,
      ...(inputs.ifLiveIs && { ifLiveIs: inputs.ifLiveIs }),
    };
    return inputs.dryRun ? await plan(target, req, deps) : await deploy(target, req, deps);
  } finally {
    await target.close();
  }
}
