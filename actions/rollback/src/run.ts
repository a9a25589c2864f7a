/** The rollback logic over the target (never imports the runner protocol), and its outputs. */
import { ActionError } from '@switchyard/kit';
import {
  createTarget,
  deployOutputs,
  openRuntimeSession,
  rollback,
  type BlueGreenDeps,
  type LockHolder,
  type RollbackResult,
} from '@switchyard/targets';
import type { Exec } from '@switchyard/kit';
import { login, parseImageReference, removeDockerConfig } from '@switchyard/image';
import type { RollbackInputs } from './inputs.js';

export interface RunDeps extends BlueGreenDeps {
  readonly exec: Exec;
  /** RUNNER_TEMP, DOCKER_CONFIG, HOME: where a registry login's private config goes. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly onAuthDir?: (dir: string) => void;
}

/** Rolls the environment back; a no-op fails only with fail-if-noop. */
export async function run(
  inputs: RollbackInputs,
  holder: LockHolder,
  deps: RunDeps,
): Promise<RollbackResult> {
  const c = inputs.config;
  // Filled by a registry login just before a redeploy pulls (the registry is known only then).
  const pullEnv: Record<string, string> = {};
  let authDir: string | undefined;
  const credentials = inputs.credentials;
  const beforePull = credentials
    ? async (ref: string): Promise<void> => {
        const registry = parseImageReference('to', ref).registry ?? 'docker.io';
        authDir = await login(registry, credentials, { kind: 'docker', version: '' }, false, {
          ...deps,
          ...(deps.onAuthDir && { onAuthDir: deps.onAuthDir }),
        });
        pullEnv.DOCKER_CONFIG = authDir;
      }
    : undefined;
  try {
    const target = createTarget(c, {
      exec: deps.exec,
      clock: deps.clock,
      log: deps.log,
      pullEnv,
      secretValues: inputs.secrets,
      runtimeSession: openRuntimeSession,
    });
    const result = await rollback(
      target,
      {
        health: c.health,
        readyTimeoutMs: c.readyTimeoutMs,
        keepPreviousMs: c.keepPreviousMs,
        lockTimeoutMs: inputs.lockTimeoutMs,
        holder,
        verifyTimeoutMs: inputs.verifyTimeoutMs,
        ...(inputs.to && { to: inputs.to }),
        ...(inputs.reason && { reason: inputs.reason }),
        ...(beforePull && { beforePull }),
      },
      deps,
    );
    if (!result.rolledBack && inputs.failIfNoop)
      throw new ActionError(`nothing was rolled back (fail-if-noop): ${result.message}`);
    return result;
  } finally {
    if (authDir) removeDockerConfig(authDir);
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
