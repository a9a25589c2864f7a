/** Who holds the deploy lock: the run on GitHub, or the local user (a plain function of the environment). */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { LockHolder } from './lock.js';

/**
 * Set by the CLI's `--break-lock <reason>` for the step it runs: the holder breaks a lock it finds
 * held (see {@link LockHolder.breakReason}). The CLI never passes on a value it inherited.
 */
export const BREAK_LOCK_ENV = 'SWITCHYARD_BREAK_LOCK';

/** Where a local holder runs: the defaults are this process's. */
export interface LocalProcess {
  readonly user: string;
  readonly host: string;
  readonly pid: number;
}

const thisProcess = (): LocalProcess => ({
  user: userInfo().username,
  host: hostname(),
  pid: process.pid,
});

/**
 * Who deploys: the run URL and actor on GitHub; `local:user@host pid N` elsewhere (the pid tells
 * a waiter on the same machine, as the same user, whether the holder still runs).
 */
export function lockHolder(
  env: Readonly<Record<string, string | undefined>>,
  local: () => LocalProcess = thisProcess,
): LockHolder {
  const breakReason = env[BREAK_LOCK_ENV]?.trim();
  const breaking = breakReason ? { breakReason } : {};
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  if (server && repo && id) {
    const attempt =
      env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1'
        ? `/attempts/${env.GITHUB_RUN_ATTEMPT}`
        : '';
    return {
      deployId: `${server}/${repo}/actions/runs/${id}${attempt}`,
      actor: env.GITHUB_ACTOR ?? 'unknown',
      token: randomUUID(),
      ...breaking,
    };
  }
  const me = local();
  return {
    deployId: `local:${me.user}@${me.host} pid ${me.pid}`,
    actor: me.user,
    token: randomUUID(),
    ...breaking,
  };
}
