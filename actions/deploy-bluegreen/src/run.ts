/** The deploy-bluegreen logic over the target (never imports the runner protocol). */
import type { Clock, Exec } from '@switchyard/kit';
import { login, parseImageReference, removeDockerConfig } from '@switchyard/image';
import type { Http } from '@switchyard/probe';
import {
  createTarget,
  openRuntimeSession,
  deploy,
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
  /** RUNNER_TEMP, DOCKER_CONFIG, HOME: where a registry login's private config goes. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly onAuthDir?: (dir: string) => void;
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
    lockTimeoutMs: inputs.lockTimeoutMs,
    holder,
  };
  let authDir: string | undefined;
  try {
    if (inputs.credentials && inputs.image && inputs.action === 'deploy' && !inputs.dryRun) {
      const registry = parseImageReference('image', inputs.image).registry ?? 'docker.io';
      authDir = await login(registry, inputs.credentials, { kind: 'docker', version: '' }, false, {
        ...deps,
        ...(deps.onAuthDir && { onAuthDir: deps.onAuthDir }),
      });
    }
    const target = createTarget(c, {
      exec: deps.exec,
      clock: deps.clock,
      log: deps.log,
      ...(authDir && { pullEnv: { DOCKER_CONFIG: authDir } }),
      secretValues: inputs.secrets,
      runtimeSession: openRuntimeSession,
    });
    if (inputs.action === 'status') return await status(target, deps);
    if (inputs.action === 'promote') return await promote(target, settings, deps);
    if (inputs.action === 'retire')
      return await retire(target, { ...settings, force: inputs.force }, deps);
    const req: DeployRequest = {
      ...settings,
      image: inputs.image ?? '',
      pull: inputs.pull,
      ...(inputs.version && { version: inputs.version }),
      promote: inputs.promote,
      keepFailed: inputs.keepFailed,
    };
    return inputs.dryRun ? await plan(target, req, deps) : await deploy(target, req, deps);
  } finally {
    if (authDir) removeDockerConfig(authDir);
  }
}
