/** The rollback logic over the target (never imports the runner protocol), and its outputs. */
import { ActionError } from '@switchyard/kit';
import {
  deployOutputs,
  openTarget,
  rollback,
  type BlueGreenDeps,
  type LockHolder,
  type RollbackResult,
  type StoredThread,
} from '@switchyard/targets';
import type { Exec, Secrets } from '@switchyard/kit';
import { announcing } from '@switchyard/announce';
import type { RollbackInputs } from './inputs.js';

export interface RunDeps extends BlueGreenDeps {
  readonly exec: Exec;
  /** The step's secrets (the GitHub token and notify's secrets are added as they are read). */
  readonly secrets: Secrets;
  /** The step's environment (RUNNER_TEMP, HOME, …): where a target keeps a registry login private. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Told about a private folder (a registry login) the post step must remove if the run dies. */
  readonly onPrivateDir?: (dir: string) => void;
}

/** Rolls the environment back; a no-op fails only with fail-if-noop. */
export async function run(
  inputs: RollbackInputs,
  holder: LockHolder,
  deps: RunDeps,
): Promise<RollbackResult> {
  const c = inputs.config;
  const extras: { of?: () => { slackThread?: StoredThread } } = {};
  const target = openTarget(
    c,
    {
      ...(inputs.credentials && { credentials: inputs.credentials }),
      ...(inputs.kubeconfig && { kubeconfig: inputs.kubeconfig }),
      secrets: inputs.secrets,
    },
    { ...deps, recordExtras: () => extras.of?.() ?? {} },
  );
  const told = announcing({
    config: c,
    target: target.description,
    env: deps.env,
    githubToken: inputs.githubToken,
    secrets: deps.secrets,
    log: deps.log,
    clock: deps.clock,
    http: deps.http,
  });
  extras.of = told.recordExtras;
  deps = { ...deps, announce: told.announce };
  try {
    const result = await rollback(
      target,
      {
        health: c.health,
        readyTimeoutMs: c.readyTimeoutMs,
        keepPreviousMs: c.keepPreviousMs,
        warmUp: c.warmUp,
        lockTimeoutMs: inputs.lockTimeoutMs,
        holder,
        verifyTimeoutMs: inputs.verifyTimeoutMs,
        ...(inputs.to && { to: inputs.to }),
        ...(inputs.reason && { reason: inputs.reason }),
      },
      deps,
    );
    if (!result.rolledBack && inputs.failIfNoop)
      throw new ActionError(`nothing was rolled back (fail-if-noop): ${result.message}`);
    return result;
  } finally {
    await target.close();
  }
}

/** The rollback outputs (names as in action.yml). */
export function outputs(r: RollbackResult): Record<string, string> {
  const deploy = deployOutputs(r);
  return {
    'rolled-back': String(r.rolledBack),
    method: r.method ?? '',
    'from-image': r.from?.image ?? '',
    'from-version': r.from?.version ?? '',
    'to-image': r.to?.image ?? '',
    'to-version': r.to?.version ?? '',
    color: r.after.live ?? '',
    duration: r.durationMs === undefined ? '' : (r.durationMs / 1000).toFixed(2),
    url: r.url,
    state: deploy.state ?? '',
  };
}

/** The summary's extra facts: method, reason, verification. */
export function facts(r: RollbackResult): [string, string][] {
  const out: [string, string][] = [];
  if (r.method) out.push(['method', r.method]);
  if (r.from && r.to) out.push(['rolled back', `${r.from.version} → ${r.to.version}`]);
  if (r.reason) out.push(['reason', r.reason]);
  if (r.verified)
    out.push([
      'verified',
      `${r.verified.ok ? '✅' : '❌'} ${r.verified.detail} (${r.verified.attempts} attempt${r.verified.attempts === 1 ? '' : 's'})`,
    ]);
  if (r.durationMs !== undefined) out.push(['took', `${(r.durationMs / 1000).toFixed(2)}s`]);
  return out;
}
