/**
 * The stored records in GitHub's JSON shapes: deployments, deployment statuses, environments (with their
 * protection rules as GitHub lists them) and branch policies.
 */
import { nodeId, simpleUser, team, type Account, type Site, type TeamAccount } from './objects.js';
import type {
  BranchPolicyRecord,
  DeploymentRecord,
  EnvironmentRecord,
  StatusRecord,
} from './records.js';

/** What rendering needs: where the fake lives, and the accounts it knows. */
export interface RenderContext {
  readonly site: Site;
  readonly actor: Account;
  readonly users: readonly Account[];
  readonly teams: readonly TeamAccount[];
  readonly created: string;
}

/** `<api>/repos/<owner>/<repo>`. */
export const repoBase = (s: Site): string => `${s.api}/repos/${s.owner}/${s.repo}`;

/** The `deployment` shape. */
export function renderDeployment(c: RenderContext, d: DeploymentRecord): Record<string, unknown> {
  const url = `${repoBase(c.site)}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: nodeId('Deployment', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.originalEnvironment,
    environment: d.environment,
    description: d.description,
    creator: simpleUser(c.site, account(c, d.creator)),
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    statuses_url: `${url}/statuses`,
    repository_url: repoBase(c.site),
    transient_environment: d.transient,
    production_environment: d.production,
  };
}

/** The `deployment-status` shape. */
export function renderStatus(
  c: RenderContext,
  d: DeploymentRecord,
  s: StatusRecord,
): Record<string, unknown> {
  const deploymentUrl = `${repoBase(c.site)}/deployments/${d.id}`;
  return {
    url: `${deploymentUrl}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DeploymentStatus', s.id),
    state: s.state,
    creator: simpleUser(c.site, account(c, s.creator)),
    description: s.description,
    environment: s.environment,
    target_url: s.logUrl,
    log_url: s.logUrl,
    environment_url: s.environmentUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: deploymentUrl,
    repository_url: repoBase(c.site),
  };
}

/** The `environment` shape. */
export function renderEnvironment(c: RenderContext, e: EnvironmentRecord): Record<string, unknown> {
  const rules: Record<string, unknown>[] = [];
  const rule = (kind: string, offset: number): { id: number; node_id: string; type: string } => ({
    id: e.id * 10 + offset,
    node_id: nodeId('Gate', e.id * 10 + offset),
    type: kind,
  });
  if (e.waitTimer > 0) rules.push({ ...rule('wait_timer', 1), wait_timer: e.waitTimer });
  if (e.reviewers.length > 0) {
    const reviewers = e.reviewers.map((r) => {
      const found =
        r.type === 'Team' ? c.teams.find((t) => t.id === r.id) : c.users.find((u) => u.id === r.id);
      const reviewer =
        r.type === 'Team'
          ? team(c.site, found as TeamAccount, c.created)
          : simpleUser(c.site, found as Account);
      return { type: r.type, reviewer };
    });
    rules.push({
      ...rule('required_reviewers', 2),
      prevent_self_review: e.preventSelfReview,
      reviewers,
    });
  }
  if (e.branchPolicy) rules.push(rule('branch_policy', 3));
  return {
    id: e.id,
    node_id: nodeId('Environment', e.id),
    name: e.name,
    url: `${repoBase(c.site)}/environments/${encodeURIComponent(e.name)}`,
    html_url: `https://github.com/${c.site.owner}/${c.site.repo}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
    can_admins_bypass: e.canAdminsBypass,
    protection_rules: rules,
    deployment_branch_policy: e.branchPolicy,
  };
}

function account(c: RenderContext, login: string): Account {
  return (
    c.users.find((u) => u.login === login) ?? (login === c.actor.login ? c.actor : { login, id: 1 })
  );
}

/** The `deployment-branch-policy` shape. */
export function renderPolicy(p: BranchPolicyRecord): Record<string, unknown> {
  return { id: p.id, node_id: nodeId('GateBranchPolicy', p.id), name: p.name, type: p.type };
}
