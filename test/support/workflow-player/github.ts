/** The `github` context, the webhook payload and the runner's GITHUB_* variables for a played event. */
import type { PlanOptions, PlayEvent } from './types.js';

export const DEFAULT_REPOSITORY = 'acme/shop';
export const DEFAULT_SHA = '0123456789abcdef0123456789abcdef01234567';
/** The fake GITHUB_TOKEN every play hands out (`secrets.GITHUB_TOKEN`, `github.token`). */
export const FAKE_TOKEN = 'ghs_workflowplayer0000000000000000000000';

export interface RunIdentity {
  readonly repository: string;
  readonly sha: string;
  readonly actor: string;
  readonly runId: string;
  readonly workflowPath: string;
  readonly workflowName: string;
  readonly apiUrl: string;
}

let nextRunId = 4200;

export function identity(opts: PlanOptions, workflowName: string): RunIdentity {
  return {
    repository: opts.repository ?? DEFAULT_REPOSITORY,
    sha: opts.sha ?? DEFAULT_SHA,
    actor: opts.actor ?? 'octocat',
    runId: String(nextRunId++),
    workflowPath: opts.workflow.replace(/^\.\//, ''),
    workflowName,
    apiUrl: opts.apiUrl ?? 'https://api.github.com',
  };
}

export function eventRef(event: PlayEvent): string {
  return event.name === 'push' ? event.ref : (event.ref ?? 'refs/heads/main');
}

/** The webhook payload (`github.event`, GITHUB_EVENT_PATH). */
export function eventPayload(
  event: PlayEvent,
  id: RunIdentity,
  inputs: Readonly<Record<string, string | boolean | number>>,
): Record<string, unknown> {
  const [owner = '', name = ''] = id.repository.split('/');
  const repository = {
    full_name: id.repository,
    name,
    owner: { login: owner },
    default_branch: 'main',
  };
  const sender = { login: id.actor };
  switch (event.name) {
    case 'push':
      return {
        ref: event.ref,
        before: '0000000000000000000000000000000000000000',
        after: id.sha,
        head_commit: { id: id.sha },
        repository,
        sender,
      };
    case 'workflow_dispatch':
      return {
        ref: eventRef(event),
        inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)])),
        repository,
        sender,
        workflow: id.workflowPath,
      };
    case 'schedule':
      return { schedule: event.cron, repository };
  }
}

/** The `github` context of the run (the job-specific `job` key is added per job). */
export function githubContext(
  event: PlayEvent,
  id: RunIdentity,
  payload: Record<string, unknown>,
): Record<string, unknown> {
  const ref = eventRef(event);
  const tag = ref.startsWith('refs/tags/');
  return {
    event_name: event.name,
    event: payload,
    ref,
    ref_name: ref.replace(/^refs\/(heads|tags)\//, ''),
    ref_type: tag ? 'tag' : 'branch',
    sha: id.sha,
    repository: id.repository,
    repository_owner: id.repository.split('/')[0],
    actor: id.actor,
    triggering_actor: id.actor,
    run_id: id.runId,
    run_number: '1',
    run_attempt: '1',
    workflow: id.workflowName,
    workflow_ref: `${id.repository}/${id.workflowPath}@${ref}`,
    server_url: 'https://github.com',
    api_url: id.apiUrl,
    graphql_url: 'https://api.github.com/graphql',
    head_ref: '',
    base_ref: '',
    token: FAKE_TOKEN,
  };
}

/** The GITHUB_* variables the runner sets for a step of `job`. */
export function githubEnv(
  github: Readonly<Record<string, unknown>>,
  job: string,
): Record<string, string> {
  const s = (k: string): string => {
    const v = github[k];
    return typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);
  };
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: s('event_name'),
    GITHUB_REPOSITORY: s('repository'),
    GITHUB_REPOSITORY_OWNER: s('repository_owner'),
    GITHUB_REF: s('ref'),
    GITHUB_REF_NAME: s('ref_name'),
    GITHUB_REF_TYPE: s('ref_type'),
    GITHUB_SHA: s('sha'),
    GITHUB_RUN_ID: s('run_id'),
    GITHUB_RUN_NUMBER: s('run_number'),
    GITHUB_RUN_ATTEMPT: s('run_attempt'),
    GITHUB_JOB: job,
    GITHUB_ACTOR: s('actor'),
    GITHUB_TRIGGERING_ACTOR: s('triggering_actor'),
    GITHUB_WORKFLOW: s('workflow'),
    GITHUB_WORKFLOW_REF: s('workflow_ref'),
    GITHUB_SERVER_URL: s('server_url'),
    GITHUB_API_URL: s('api_url'),
    GITHUB_GRAPHQL_URL: s('graphql_url'),
    GITHUB_HEAD_REF: '',
    GITHUB_BASE_REF: '',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'workflow-player',
  };
}
