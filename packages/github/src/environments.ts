/**
 * Environments as code: {@link planEnvironments} compares the `github:` parts of `switchyard.yml`
 * with what GitHub has and lists the changes as `terraform plan` does (`+ reviewer octocat`,
 * `~ wait timer 0 → 10m`); {@link applyEnvironments} makes them so. A second plan after an apply is
 * empty. Changing an environment needs a token with "Administration: write" on the repository.
 */
import type { Octokit } from '@octokit/rest';
import { ActionError, errorMessage, visibleControls } from '@switchyard/kit';
import {
  reviewerLabel,
  waitTimerLabel,
  type DeploymentRefs,
  type DesiredProtection,
  type ReviewerName,
} from './environments-config.js';
import type { Repository } from './context.js';
import { permissionProblem, statusOf } from './permissions.js';

/** A reviewer as GitHub knows it: the id the API takes, the name people read. */
export interface ResolvedReviewer {
  readonly type: 'User' | 'Team';
  readonly id: number;
  readonly label: string;
}

/** A deployment branch or tag policy. */
export interface RefPattern {
  readonly name: string;
  readonly type: 'branch' | 'tag';
}

/** A policy GitHub holds, with the id to delete it by. */
export interface LivePolicy extends RefPattern {
  readonly id: number;
}

/** What to change in one environment. */
export interface EnvironmentPlan {
  readonly environment: string;
  readonly desired: DesiredProtection;
  /** The desired reviewers, resolved to GitHub ids. */
  readonly reviewers: readonly ResolvedReviewer[];
  /** Whether the environment must be created or its protection rewritten (one PUT). */
  readonly updateSettings: boolean;
  readonly addPolicies: readonly RefPattern[];
  readonly removePolicies: readonly LivePolicy[];
  /** The changes as people read them: `+ reviewer octocat`, `~ wait timer 0 → 10m`. */
  readonly lines: readonly string[];
}

/** The changes for every managed environment of a repository. */
export interface EnvironmentsPlan {
  readonly repo: Repository;
  readonly environments: readonly EnvironmentPlan[];
}

/** What {@link applyEnvironments} changed in one environment. */
export interface AppliedEnvironment {
  readonly environment: string;
  readonly settings: boolean;
  readonly added: readonly RefPattern[];
  readonly removed: readonly RefPattern[];
}

interface LiveEnvironment {
  readonly exists: boolean;
  readonly reviewers: readonly ResolvedReviewer[];
  readonly preventSelfReview: boolean;
  readonly waitTimerMinutes: number;
  readonly refs: DeploymentRefs['kind'];
  readonly policies: readonly LivePolicy[];
  readonly adminBypass: boolean;
}

/** GitHub's settings for an environment nobody has configured. */
const NEW_ENVIRONMENT: LiveEnvironment = {
  exists: false,
  reviewers: [],
  preventSelfReview: false,
  waitTimerMinutes: 0,
  refs: 'any',
  policies: [],
  adminBypass: true,
};

const REFS_LABEL: Readonly<Record<DeploymentRefs['kind'], string>> = {
  any: 'any branch',
  protected: 'protected branches',
  custom: 'selected branches and tags',
};

/** Whether applying the plan would change nothing. */
export function planIsEmpty(plan: EnvironmentsPlan): boolean {
  return plan.environments.every((e) => e.lines.length === 0);
}

/** The plan as text lines: each environment's name, then its changes indented. */
export function renderPlan(plan: EnvironmentsPlan): string[] {
  const where = `${clean(plan.repo.owner)}/${clean(plan.repo.repo)}`;
  if (planIsEmpty(plan)) return [`No changes: the environments of ${where} match switchyard.yml.`];
  return plan.environments.flatMap((e) =>
    e.lines.length === 0
      ? [`${clean(e.environment)}: no changes`]
      : [`${clean(e.environment)}:`, ...e.lines.map((l) => `  ${l}`)],
  );
}

/** Reads what GitHub has for each environment and lists what to change to reach `desired`. */
export async function planEnvironments(
  octokit: Octokit,
  repo: Repository,
  desired: ReadonlyMap<string, DesiredProtection>,
): Promise<EnvironmentsPlan> {
  const resolve = reviewerResolver(octokit);
  const environments: EnvironmentPlan[] = [];
  for (const [environment, want] of desired) {
    const live = await readEnvironment(octokit, repo, environment);
    const reviewers: ResolvedReviewer[] = [];
    for (const r of want.reviewers) reviewers.push(await resolve(r, environment));
    environments.push(diff(environment, want, reviewers, live));
  }
  return { repo, environments };
}

/** Makes GitHub match the plan: the full protection in one PUT, then the branch and tag policies. */
export async function applyEnvironments(
  octokit: Octokit,
  repo: Repository,
  plan: EnvironmentsPlan,
): Promise<AppliedEnvironment[]> {
  const applied: AppliedEnvironment[] = [];
  for (const env of plan.environments) {
    if (env.lines.length === 0) continue;
    const { environment, desired } = env;
    const at = { ...repo, environment_name: environment };
    if (env.updateSettings) {
      const body = { ...at, ...protectionBody(desired, env.reviewers) };
      await asAdmin(repo, `update environment "${environment}"`, () =>
        octokit.rest.repos.createOrUpdateEnvironment(body),
      );
    }
    // Reconciled with what GitHub holds now (not the plan's ids): policies may linger from an
    // earlier custom setting, or have changed since the plan.
    const { add, remove } =
      desired.refs.kind === 'custom'
        ? policyDiff(desired.refs, await listPolicies(octokit, repo, environment))
        : { add: [], remove: [] };
    for (const p of remove)
      await asAdmin(repo, `remove ${p.type} policy from "${environment}"`, () =>
        octokit.rest.repos.deleteDeploymentBranchPolicy({ ...at, branch_policy_id: p.id }),
      );
    for (const p of add)
      await asAdmin(repo, `add ${p.type} policy to "${environment}"`, () =>
        octokit.rest.repos.createDeploymentBranchPolicy({ ...at, name: p.name, type: p.type }),
      );
    applied.push({ environment, settings: env.updateSettings, added: add, removed: remove });
  }
  return applied;
}

/** The PUT body: the whole protection (`can_admins_bypass` only when the file sets it). */
function protectionBody(
  desired: DesiredProtection,
  reviewers: readonly ResolvedReviewer[],
): Record<string, unknown> {
  const refs = desired.refs.kind;
  return {
    wait_timer: desired.waitTimerMinutes,
    prevent_self_review: desired.preventSelfReview,
    reviewers: reviewers.map((r) => ({ type: r.type, id: r.id })),
    deployment_branch_policy:
      refs === 'any'
        ? null
        : { protected_branches: refs === 'protected', custom_branch_policies: refs === 'custom' },
    ...(desired.adminBypass !== undefined && { can_admins_bypass: desired.adminBypass }),
  };
}

function diff(
  environment: string,
  want: DesiredProtection,
  reviewers: readonly ResolvedReviewer[],
  live: LiveEnvironment,
): EnvironmentPlan {
  const lines: string[] = live.exists ? [] : [`+ environment ${clean(environment)}`];
  const key = (r: ResolvedReviewer): string => `${r.type}:${r.id}`;
  const liveKeys = new Set(live.reviewers.map(key));
  const wantKeys = new Set(reviewers.map(key));
  const added = reviewers.filter((r) => !liveKeys.has(key(r)));
  const dropped = live.reviewers.filter((r) => !wantKeys.has(key(r)));
  lines.push(...added.map((r) => `+ reviewer ${r.label}`));
  lines.push(...dropped.map((r) => `- reviewer ${r.label}`));
  const change = (what: string, from: string, to: string): void => {
    if (from !== to) lines.push(`~ ${what} ${from} → ${to}`);
  };
  change('prevent self-review', String(live.preventSelfReview), String(want.preventSelfReview));
  change(
    'wait timer',
    waitTimerLabel(live.waitTimerMinutes),
    waitTimerLabel(want.waitTimerMinutes),
  );
  if (want.adminBypass !== undefined)
    change('admin bypass', String(live.adminBypass), String(want.adminBypass));
  change('deployment refs', REFS_LABEL[live.refs], REFS_LABEL[want.refs.kind]);
  const settingsLines = lines.length;
  const { add, remove } =
    want.refs.kind === 'custom'
      ? policyDiff(want.refs, live.refs === 'custom' ? live.policies : [])
      : { add: [], remove: [] };
  lines.push(...add.map((p) => `+ ${p.type} ${clean(p.name)}`));
  lines.push(...remove.map((p) => `- ${p.type} ${clean(p.name)}`));
  return {
    environment,
    desired: want,
    reviewers,
    updateSettings: settingsLines > 0,
    addPolicies: add,
    removePolicies: remove,
    lines,
  };
}

function policyDiff(
  refs: Extract<DeploymentRefs, { kind: 'custom' }>,
  live: readonly LivePolicy[],
): { add: RefPattern[]; remove: LivePolicy[] } {
  const want: RefPattern[] = [
    ...refs.branches.map((name) => ({ name, type: 'branch' as const })),
    ...refs.tags.map((name) => ({ name, type: 'tag' as const })),
  ];
  const same = (a: RefPattern, b: RefPattern): boolean => a.name === b.name && a.type === b.type;
  return {
    add: want.filter((w) => !live.some((l) => same(l, w))),
    remove: live.filter((l) => !want.some((w) => same(l, w))),
  };
}

/** The environment as GitHub has it, or GitHub's defaults when it does not exist yet. */
async function readEnvironment(
  octokit: Octokit,
  repo: Repository,
  environment: string,
): Promise<LiveEnvironment> {
  let data: unknown;
  try {
    ({ data } = await octokit.rest.repos.getEnvironment({
      ...repo,
      environment_name: environment,
    }));
  } catch (error) {
    if (statusOf(error) === 404) return NEW_ENVIRONMENT;
    throw failure(repo, `read environment "${environment}"`, error);
  }
  if (!isRecord(data))
    throw new ActionError(
      `GitHub answered environment "${clean(environment)}" with ${typeof data}, not an object`,
    );
  const rules = Array.isArray(data.protection_rules) ? data.protection_rules : [];
  const rule = (type: string): Record<string, unknown> | undefined =>
    rules.find((r): r is Record<string, unknown> => isRecord(r) && r.type === type);
  const reviewing = rule('required_reviewers');
  const policy = isRecord(data.deployment_branch_policy) ? data.deployment_branch_policy : {};
  const refs: DeploymentRefs['kind'] =
    policy.custom_branch_policies === true
      ? 'custom'
      : policy.protected_branches === true
        ? 'protected'
        : 'any';
  const waitTimer = rule('wait_timer')?.wait_timer;
  return {
    exists: true,
    reviewers: liveReviewers(repo, reviewing?.reviewers),
    preventSelfReview: reviewing?.prevent_self_review === true,
    waitTimerMinutes: typeof waitTimer === 'number' ? waitTimer : 0,
    refs,
    policies: refs === 'custom' ? await listPolicies(octokit, repo, environment) : [],
    adminBypass: data.can_admins_bypass !== false,
  };
}

function liveReviewers(repo: Repository, raw: unknown): ResolvedReviewer[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item: unknown): ResolvedReviewer[] => {
    if (!isRecord(item) || !isRecord(item.reviewer) || typeof item.reviewer.id !== 'number')
      return [];
    const { id, login, slug } = item.reviewer;
    if (item.type === 'User')
      return [{ type: 'User', id, label: typeof login === 'string' ? clean(login) : `user ${id}` }];
    if (item.type === 'Team')
      return [
        {
          type: 'Team',
          id,
          label: typeof slug === 'string' ? `@${clean(repo.owner)}/${clean(slug)}` : `team ${id}`,
        },
      ];
    return [];
  });
}

async function listPolicies(
  octokit: Octokit,
  repo: Repository,
  environment: string,
): Promise<LivePolicy[]> {
  const items = await asAdmin(repo, `read the policies of "${environment}"`, () =>
    octokit.paginate(octokit.rest.repos.listDeploymentBranchPolicies, {
      ...repo,
      environment_name: environment,
      per_page: 100,
    }),
  );
  return (items as unknown[]).flatMap((p): LivePolicy[] =>
    isRecord(p) && typeof p.id === 'number' && typeof p.name === 'string'
      ? [{ id: p.id, name: p.name, type: p.type === 'tag' ? 'tag' : 'branch' }]
      : [],
  );
}

/** Resolves reviewer names to GitHub ids, each name once per plan. */
function reviewerResolver(
  octokit: Octokit,
): (r: ReviewerName, environment: string) => Promise<ResolvedReviewer> {
  const known = new Map<string, Promise<ResolvedReviewer>>();
  return (r, environment) => {
    const label = reviewerLabel(r);
    const found = known.get(label) ?? lookUp(octokit, r, label, environment);
    known.set(label, found);
    return found;
  };
}

async function lookUp(
  octokit: Octokit,
  r: ReviewerName,
  label: string,
  environment: string,
): Promise<ResolvedReviewer> {
  const where = `reviewer ${label} of environment "${environment}"`;
  try {
    if (r.kind === 'team') {
      const { data } = await octokit.rest.teams.getByName({ org: r.org, team_slug: r.slug });
      return { type: 'Team', id: data.id, label };
    }
    const { data } = await octokit.rest.users.getByUsername({ username: r.login });
    if (data.type === 'Organization')
      throw new ActionError(
        `${where} is an organization, not a user. Name one of its teams as "@${r.login}/team-slug"`,
      );
    return { type: 'User', id: data.id, label };
  } catch (error) {
    if (error instanceof ActionError) throw error;
    if (statusOf(error) === 404)
      throw new ActionError(
        r.kind === 'team'
          ? `${where}: GitHub has no such team, or the token can't see it. Check the slug in the team's URL; ` +
              `a token needs "Members: read" on the organization to see its teams`
          : `${where}: GitHub has no such user. Check the spelling in switchyard.yml`,
      );
    throw failure(undefined, `look up ${where}`, error);
  }
}

/** Runs a call that needs administration rights, turning a 403/404 into the fix. */
async function asAdmin<T>(repo: Repository, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw failure(repo, what, error);
  }
}

/** The error for a failed call: a refusal for lack of permission names the token that is needed. */
function failure(repo: Repository | undefined, what: string, error: unknown): ActionError {
  const problem = repo ? permissionProblem(error, 'environments') : undefined;
  const where = repo ? ` in ${clean(repo.owner)}/${clean(repo.repo)}` : '';
  return new ActionError(
    `Could not ${clean(what)}${where}: ${problem ?? clean(errorMessage(error)).slice(0, 300)}`,
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Text from GitHub or the file, made one visible line. */
function clean(s: string): string {
  return visibleControls(s);
}
