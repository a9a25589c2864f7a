/**
 * The runner's git context variables for a local build, from the checkout: as if this commit had
 * been pushed (GITHUB_EVENT_NAME=push, GITHUB_REF = the tag on HEAD or the branch, GITHUB_SHA).
 * Variables already set win; outside a git checkout nothing is added.
 */
import { spawnSync } from 'node:child_process';

function git(cwd: string, ...args: string[]): string | undefined {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** GITHUB_EVENT_NAME, GITHUB_REF and GITHUB_SHA for the checkout at `cwd`, unless `env` has them. */
export function gitEnv(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  if (env.GITHUB_SHA) return {};
  const sha = git(cwd, 'rev-parse', 'HEAD');
  if (!sha) return {};
  const tag = git(cwd, 'describe', '--tags', '--exact-match', 'HEAD');
  const branch = git(cwd, 'symbolic-ref', '--short', '-q', 'HEAD');
  const ref = tag ? `refs/tags/${tag}` : branch ? `refs/heads/${branch}` : '';
  return {
    GITHUB_EVENT_NAME: env.GITHUB_EVENT_NAME ?? 'push',
    GITHUB_SHA: sha,
    ...(ref && !env.GITHUB_REF && { GITHUB_REF: ref }),
  };
}
