/** Who holds the deploy lock: the run on GitHub, or the local user (a plain function of the environment). */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { LockHolder } from './lock.js';

/** Who deploys: the run URL and actor on GitHub, `local:user@host` elsewhere. */
export function lockHolder(env: Readonly<Record<string, string | undefined>>): LockHolder {
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
    };
  }
  const user = userInfo().username;
  return { deployId: `local:${user}@${hostname()}`, actor: user, token: randomUUID() };
}
