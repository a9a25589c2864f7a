/**
 * The repository and the run, read from the runner's environment (the `GITHUB_*` variables every
 * job gets). A pure function of an env record, so tests hand it a table and the CLI its own env.
 */
import { ActionError, CONTROL } from '@switchyard/kit';

/** The environment as a record of variables (`process.env` fits). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A repository on a GitHub server. */
export interface Repository {
  readonly owner: string;
  readonly repo: string;
}

/** The workflow run a step belongs to. */
export interface RunContext extends Repository {
  /** `https://github.com`, or a GitHub Enterprise Server's URL (no trailing `/`). */
  readonly serverUrl: string;
  readonly runId: string;
  /** 1 for the first attempt, 2 after one re-run, … */
  readonly runAttempt: number;
  /** The run's page: `<server>/<owner>/<repo>/actions/runs/<id>`, `/attempts/<n>` after a re-run. */
  readonly runUrl: string;
  /** The commit the run is for (40 or 64 hex digits). */
  readonly sha: string;
  /** `refs/heads/main`, `refs/tags/v1.2.3`, … */
  readonly ref: string;
  readonly actor: string;
  readonly workflow: string;
  /** `push`, `workflow_dispatch`, … */
  readonly eventName: string;
}

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

const missing = (name: string, what: string): ActionError =>
  new ActionError(
    `${name} is not set: ${what}. It is set in every GitHub Actions job; outside one, set it yourself`,
  );

/** A required variable, trimmed; an {@link ActionError} naming it when it is unset or blank. */
function required(env: Env, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) throw missing(name, what);
  return value;
}

/** `owner/repo` from `GITHUB_REPOSITORY`, checked against GitHub's naming rules. */
export function repositoryFrom(env: Env): Repository {
  const full = required(env, 'GITHUB_REPOSITORY', 'the repository as owner/repo');
  const [owner = '', repo = '', ...rest] = full.split('/');
  if (rest.length > 0 || !NAME.test(owner) || !NAME.test(repo) || repo === '.' || repo === '..')
    throw new ActionError(
      `GITHUB_REPOSITORY is ${JSON.stringify(full)}, not owner/repo (letters, digits, '-', '_', '.')`,
    );
  return { owner, repo };
}

/** The server's URL from `GITHUB_SERVER_URL` (default `https://github.com`), without a trailing `/`. */
export function serverUrlFrom(env: Env): string {
  const raw = env.GITHUB_SERVER_URL?.trim() || 'https://github.com';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ActionError(`GITHUB_SERVER_URL is ${JSON.stringify(raw)}, not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ActionError(`GITHUB_SERVER_URL is ${JSON.stringify(raw)}: use an http(s) URL`);
  if (url.username || url.password || url.search || url.hash)
    throw new ActionError(
      'GITHUB_SERVER_URL must be a plain server URL (no credentials, query or fragment)',
    );
  return url.href.replace(/\/+$/, '');
}

/** A whole number in a variable, checked against its range. */
function count(env: Env, name: string, what: string, min: number, fallback?: string): number {
  const raw = env[name]?.trim() || fallback;
  if (raw === undefined) throw missing(name, what);
  const n = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min))
    throw new ActionError(
      `${name} is ${JSON.stringify(raw)}, not ${what} (a whole number ≥ ${min})`,
    );
  return n;
}

/**
 * The run context from the runner's variables: `GITHUB_REPOSITORY`, `GITHUB_SERVER_URL`,
 * `GITHUB_RUN_ID`, `GITHUB_RUN_ATTEMPT` (default 1), `GITHUB_SHA`, `GITHUB_REF`, `GITHUB_ACTOR`,
 * `GITHUB_WORKFLOW`, `GITHUB_EVENT_NAME`. Throws an {@link ActionError} naming the first variable that is
 * missing or malformed.
 */
export function runContextFrom(env: Env): RunContext {
  const { owner, repo } = repositoryFrom(env);
  const serverUrl = serverUrlFrom(env);
  const runId = String(count(env, 'GITHUB_RUN_ID', 'the run id', 1));
  const runAttempt = count(env, 'GITHUB_RUN_ATTEMPT', 'the run attempt', 1, '1');
  const sha = required(env, 'GITHUB_SHA', 'the commit the run is for').toLowerCase();
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha))
    throw new ActionError(`GITHUB_SHA is ${JSON.stringify(sha)}, not a commit id (40 hex digits)`);
  const ref = required(env, 'GITHUB_REF', 'the ref the run is for (refs/heads/…, refs/tags/…)');
  if (!ref.startsWith('refs/') || /[\s\\~^:?*[]|\.\.|@\{/.test(ref) || CONTROL.test(ref))
    throw new ActionError(`GITHUB_REF is ${JSON.stringify(ref)}, not a git ref (refs/…)`);
  const attempt = runAttempt > 1 ? `/attempts/${runAttempt}` : '';
  return {
    owner,
    repo,
    serverUrl,
    runId,
    runAttempt,
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}${attempt}`,
    sha,
    ref,
    actor: required(env, 'GITHUB_ACTOR', 'who started the run'),
    workflow: env.GITHUB_WORKFLOW?.trim() ?? '',
    eventName: required(env, 'GITHUB_EVENT_NAME', 'the event that started the run'),
  };
}
