/** The git facts tags and labels are computed from, read once from the runner's environment. */

export interface GitContext {
  /** `GITHUB_EVENT_NAME`: push, pull_request, schedule, workflow_dispatch, release, … */
  readonly event: string;
  /** `GITHUB_REF`: refs/heads/main, refs/tags/v1.4.2, refs/pull/12/merge. */
  readonly ref: string;
  /** `GITHUB_SHA`, the full commit id. */
  readonly sha: string;
  /** The repository's default branch, from the event payload, when known. */
  readonly defaultBranch?: string;
  /** The pull request number on pull_request events. */
  readonly prNumber?: number;
  /** `GITHUB_BASE_REF`: the branch a pull request targets. */
  readonly baseRef?: string;
  /** Every git tag in the checkout, to tell whether a release is the newest (may be empty). */
  readonly existingTags: readonly string[];
  /** When the build started (labels, `{{date}}`). */
  readonly date: Date;
}

/** The branch name for refs/heads/… refs, else undefined. */
export function branchOf(ctx: Pick<GitContext, 'ref'>): string | undefined {
  return ctx.ref.startsWith('refs/heads/') ? ctx.ref.slice('refs/heads/'.length) : undefined;
}

/** The tag name for refs/tags/… refs, else undefined. */
export function tagOf(ctx: Pick<GitContext, 'ref'>): string | undefined {
  return ctx.ref.startsWith('refs/tags/') ? ctx.ref.slice('refs/tags/'.length) : undefined;
}

/** The pull request number, from the payload or from refs/pull/N/…. */
export function prOf(ctx: Pick<GitContext, 'ref' | 'prNumber'>): number | undefined {
  if (ctx.prNumber !== undefined) return ctx.prNumber;
  const m = /^refs\/pull\/(\d+)\//.exec(ctx.ref);
  return m ? Number(m[1]) : undefined;
}

/** True when the ref is the default branch (false when the default branch is unknown). */
export function isDefaultBranch(ctx: Pick<GitContext, 'ref' | 'defaultBranch'>): boolean {
  const branch = branchOf(ctx);
  return branch !== undefined && branch === ctx.defaultBranch;
}

/** What a GitHub event payload may tell about the repository (all optional). */
export interface RepositoryInfo {
  readonly defaultBranch?: string;
  readonly prNumber?: number;
  readonly htmlUrl?: string;
  readonly homepage?: string;
  readonly description?: string;
  /** SPDX id, when GitHub detected one (never `NOASSERTION`). */
  readonly license?: string;
  readonly name?: string;
}

function str(o: unknown, ...path: string[]): string | undefined {
  let cur: unknown = o;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === 'string' && cur !== ''
    ? cur
    : typeof cur === 'number'
      ? String(cur)
      : undefined;
}

/** Reads the fields we use from a webhook event payload of any event type; unknown shapes give {}. */
export function repositoryInfo(payload: unknown): RepositoryInfo {
  const pr = str(payload, 'pull_request', 'number');
  const license = str(payload, 'repository', 'license', 'spdx_id');
  return {
    defaultBranch: str(payload, 'repository', 'default_branch'),
    prNumber: pr === undefined ? undefined : Number(pr),
    htmlUrl: str(payload, 'repository', 'html_url'),
    homepage: str(payload, 'repository', 'homepage'),
    description: str(payload, 'repository', 'description'),
    license: license && license !== 'NOASSERTION' ? license : undefined,
    name: str(payload, 'repository', 'name'),
  };
}

/** The git context of this run from the runner's `GITHUB_*` variables and the event payload. */
export function gitContextFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  payload: unknown,
  date: Date,
): Omit<GitContext, 'existingTags'> {
  const repo = repositoryInfo(payload);
  return {
    event: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    ...(repo.defaultBranch ? { defaultBranch: repo.defaultBranch } : {}),
    ...(repo.prNumber !== undefined ? { prNumber: repo.prNumber } : {}),
    ...(env.GITHUB_BASE_REF ? { baseRef: env.GITHUB_BASE_REF } : {}),
    date,
  };
}
