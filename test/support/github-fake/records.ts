/**
 * The records the fake GitHub stores and the request bodies that change them (already checked against
 * the OpenAPI schema when they reach the state).
 */

/** An answer GitHub gives instead of the resource: status and message, in GitHub's error JSON. */
export class GithubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type DeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

/** One deployment status as stored. */
export interface StatusRecord {
  readonly id: number;
  readonly state: DeploymentState;
  readonly description: string;
  readonly environment: string;
  readonly logUrl: string;
  readonly environmentUrl: string;
  readonly creator: string;
  readonly createdAt: string;
}

/** One deployment as stored, its statuses oldest first. */
export interface DeploymentRecord {
  readonly id: number;
  readonly sha: string;
  readonly ref: string;
  readonly task: string;
  environment: string;
  readonly originalEnvironment: string;
  readonly payload: Record<string, unknown> | string;
  readonly description: string | null;
  readonly transient: boolean;
  readonly production: boolean;
  readonly creator: string;
  readonly createdAt: string;
  updatedAt: string;
  readonly statuses: StatusRecord[];
}

export interface BranchPolicyRecord {
  readonly id: number;
  name: string;
  readonly type: 'branch' | 'tag';
}

/** One environment as stored. */
export interface EnvironmentRecord {
  readonly id: number;
  readonly name: string;
  readonly createdAt: string;
  updatedAt: string;
  waitTimer: number;
  preventSelfReview: boolean;
  reviewers: { type: 'User' | 'Team'; id: number }[];
  branchPolicy: { protected_branches: boolean; custom_branch_policies: boolean } | null;
  canAdminsBypass: boolean;
  readonly policies: BranchPolicyRecord[];
}

/** The fields of POST /repos/{owner}/{repo}/deployments, already checked against the OpenAPI schema. */
export interface DeploymentRequest {
  ref: string;
  task?: string;
  auto_merge?: boolean;
  required_contexts?: string[];
  payload?: Record<string, unknown> | string;
  environment?: string;
  description?: string | null;
  transient_environment?: boolean;
  production_environment?: boolean;
}

/** The fields of POST .../deployments/{id}/statuses. */
export interface StatusRequest {
  state: DeploymentState;
  target_url?: string;
  log_url?: string;
  description?: string;
  environment?: string;
  environment_url?: string;
  auto_inactive?: boolean;
}

/** The fields of PUT .../environments/{name}. */
export interface EnvironmentRequest {
  wait_timer?: number;
  prevent_self_review?: boolean;
  reviewers?: { type?: 'User' | 'Team'; id?: number }[] | null;
  deployment_branch_policy?: {
    protected_branches: boolean;
    custom_branch_policies: boolean;
  } | null;
  can_admins_bypass?: boolean;
}

/** The repository the state works on: its linear history, refs, commit statuses, users and teams. */
export interface RepoSetup {
  readonly commits: readonly string[];
  readonly refs: Record<string, string>;
  /** Which of `refs` are branches (auto_merge applies to them only); the rest are tags. */
  readonly branches: ReadonlySet<string>;
  readonly defaultBranch: string;
  readonly commitStatuses: Record<string, Record<string, string>>;
  readonly userIds: ReadonlySet<number>;
  readonly teamIds: ReadonlySet<number>;
}
