/**
 * What a refusal from GitHub means, said with the fix: the exact `permissions:` block a job needs,
 * or the kind of token an API wants that the job's `GITHUB_TOKEN` can never be.
 */
import { errorMessage } from '@switchyard/kit';

/** What a call needs from its token. */
export type Access = 'deployments' | 'environments';

/** The `permissions:` block a job that records deployments needs (and no more). */
export const DEPLOYMENTS_PERMISSIONS = [
  'permissions:',
  '  contents: read',
  '  deployments: write',
].join('\n');

/** An error's HTTP status, when it carries one (Octokit's `RequestError` does). */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Whether the call got an HTTP answer at all (Octokit reports a network failure or timeout as 500 without a response). */
export function gotAnswer(error: unknown): boolean {
  return !!(error as { response?: unknown } | null)?.response;
}

/** GitHub's message from a refusal, on one line and short. */
function githubSays(error: unknown): string {
  // Octokit appends " - <documentation_url>" to GitHub's message.
  const message = (errorMessage(error).split(/\r?\n/)[0] ?? '').replace(/ - https?:\/\/\S+$/, '');
  return message.length > 200 ? `${message.slice(0, 197)}...` : message;
}

/**
 * The explanation and fix for a refusal caused by the token's permissions, or `undefined` when
 * `error` is something else. A 403 "Resource not accessible by integration", or a 404 (GitHub answers
 * 404 where the token may not see the resource), on `access`'s endpoints.
 */
export function permissionProblem(error: unknown, access: Access): string | undefined {
  const status = statusOf(error);
  if (!gotAnswer(error)) return undefined;
  const said = githubSays(error);
  if (status === 401)
    return `GitHub refused the token (401: ${said}): it is expired, revoked or not a token; check the token input`;
  const refused =
    status === 404 || (status === 403 && /not accessible|must have|permission/i.test(said));
  if (!refused) return undefined;
  // GitHub answers 404 where the token may not see the resource; the repository may also be wrong.
  const orMissing = status === 404 ? ', or cannot see the repository' : '';
  if (access === 'deployments')
    return (
      `the token may not write deployments${orMissing} (${status}: ${said}). ` +
      `Give the job this block (under the job, beside environment:):\n${DEPLOYMENTS_PERMISSIONS}`
    );
  return (
    `the token may not manage environments${orMissing} (${status}: ${said}). That needs "Administration: write" ` +
    `on the repository, which a job's GITHUB_TOKEN can never have: pass a fine-grained personal ` +
    `access token or a GitHub App installation token with that permission as the token input`
  );
}
