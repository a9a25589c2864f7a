/**
 * Reading an environment's Deployments back: each with its newest status and the payload switchyard
 * wrote, as rows for `switchyard log` and the status table. What GitHub returns is untrusted: every
 * field is checked for its type and cut to a sane length, and a payload that is not ours reads as ''.
 */
import type { GithubClient } from './client.js';
import type { Repository } from './context.js';

/** Deployments per page when listing an environment (GitHub's maximum is 100). */
const PER_PAGE = 30;

/** The payload switchyard writes on each Deployment, as read back (missing fields are ''). */
export interface DeploymentPayload {
  readonly version: string;
  readonly digest: string;
  readonly color: string;
  readonly target: string;
  /** The deploy's id (its run URL): how a later job finds "the deployment of this release". */
  readonly deployId: string;
  readonly previousVersion: string;
  readonly actor: string;
  /** On a Deployment made by a rollback: the deploy id of the release rolled back from. */
  readonly rollbackOf: string;
}

/** One Deployment as listed, with its payload read leniently. */
export interface ListedDeployment {
  readonly id: number;
  readonly sha: string;
  readonly ref: string;
  readonly createdAt: string;
  readonly creator: string;
  readonly payload: DeploymentPayload;
}

/** One Deployment status. */
export interface ListedStatus {
  readonly id: number;
  readonly state: string;
  readonly description: string;
  readonly createdAt: string;
  readonly logUrl: string;
  readonly environmentUrl: string;
}

/** A row of the GitHub record for `switchyard log`. */
export interface DeploymentLogRow {
  readonly deploymentId: number;
  readonly version: string;
  readonly digest: string;
  /** The newest status: `success`, `failure`, `inactive`, `in_progress`, …; `none` without one. */
  readonly state: string;
  /** ISO time of the newest status (of the Deployment when it has none). */
  readonly when: string;
  /** Who deployed: the payload's actor, else the Deployment's creator. */
  readonly by: string;
  readonly description: string;
  /** The run that wrote the newest status. */
  readonly runUrl: string;
  readonly environmentUrl: string;
}

const text = (v: unknown, max = 300): string =>
  typeof v === 'string' ? (v.length > max ? `${v.slice(0, max - 1)}…` : v) : '';

const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** A Deployment's payload (an object, or JSON text on older ones) as ours; foreign ones read as ''. */
export function parsePayload(raw: unknown): DeploymentPayload {
  let o = record(raw);
  if (typeof raw === 'string' && raw.length <= 65_536) {
    try {
      o = record(JSON.parse(raw));
    } catch {
      o = {};
    }
  }
  return {
    version: text(o.version, 200),
    digest: text(o.digest, 200),
    color: text(o.color, 50),
    target: text(o.target, 100),
    deployId: text(o.deployId, 500),
    previousVersion: text(o.previousVersion, 200),
    actor: text(o.actor, 100),
    rollbackOf: text(o.rollbackOf, 500),
  };
}

/**
 * An environment's Deployments, newest first, `pages` pages of 30 at most (optionally only those for
 * `sha`). The bound keeps a long history from costing a deploy many calls.
 */
export async function listDeployments(
  octokit: GithubClient,
  repository: Repository,
  environment: string,
  options: { readonly pages?: number; readonly sha?: string } = {},
): Promise<ListedDeployment[]> {
  const found: ListedDeployment[] = [];
  const pages = Math.max(1, Math.min(10, options.pages ?? 1));
  for (let page = 1; page <= pages; page++) {
    const { data } = await octokit.rest.repos.listDeployments({
      ...repository,
      environment,
      ...(options.sha ? { sha: options.sha } : {}),
      per_page: PER_PAGE,
      page,
    });
    for (const d of Array.isArray(data) ? data : []) {
      if (typeof d.id !== 'number') continue;
      found.push({
        id: d.id,
        sha: text(d.sha, 64),
        ref: text(d.ref, 300),
        createdAt: text(d.created_at, 40),
        creator: text(d.creator?.login, 100),
        payload: parsePayload(d.payload),
      });
    }
    if (!Array.isArray(data) || data.length < PER_PAGE) break;
  }
  return found.sort((a, b) => b.id - a.id);
}

/** A Deployment's newest status (by id: GitHub's ids grow), or undefined when it has none. */
export async function latestStatus(
  octokit: GithubClient,
  repository: Repository,
  deploymentId: number,
): Promise<ListedStatus | undefined> {
  const { data } = await octokit.rest.repos.listDeploymentStatuses({
    ...repository,
    deployment_id: deploymentId,
    per_page: 30,
  });
  const statuses = (Array.isArray(data) ? data : []).filter((s) => typeof s.id === 'number');
  const newest = statuses.sort((a, b) => b.id - a.id)[0];
  if (!newest) return undefined;
  return {
    id: newest.id,
    state: text(newest.state, 30),
    description: text(newest.description, 200),
    createdAt: text(newest.created_at, 40),
    logUrl: text(newest.log_url, 500) || text(newest.target_url, 500),
    environmentUrl: text(newest.environment_url, 500),
  };
}

/**
 * The GitHub record of `environment` for `switchyard log`: its newest Deployments (at most `limit`,
 * 1 to 100, default 20), each with its newest status, newest first.
 */
export async function readDeploymentLog(
  octokit: GithubClient,
  repository: Repository,
  environment: string,
  limit = 20,
): Promise<DeploymentLogRow[]> {
  const n = Math.max(1, Math.min(100, Math.floor(limit)));
  const deployments = (
    await listDeployments(octokit, repository, environment, { pages: Math.ceil(n / PER_PAGE) })
  ).slice(0, n);
  const rows: DeploymentLogRow[] = [];
  for (const d of deployments) {
    const status = await latestStatus(octokit, repository, d.id);
    rows.push({
      deploymentId: d.id,
      version: d.payload.version,
      digest: d.payload.digest,
      state: status?.state || 'none',
      when: status?.createdAt || d.createdAt,
      by: d.payload.actor || d.creator,
      description: status?.description ?? '',
      runUrl: status?.logUrl ?? '',
      environmentUrl: status?.environmentUrl ?? '',
    });
  }
  return rows;
}
