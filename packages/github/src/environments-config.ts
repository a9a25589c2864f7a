/**
 * The `github:` part of an environment in `switchyard.yml`: how GitHub protects the environment
 * (required reviewers, wait timer, which branches and tags may deploy, admin bypass), read into a
 * typed {@link DesiredProtection}. Pure: nothing here talks to GitHub.
 *
 * The file is the whole truth for the keys it manages: a key left out means GitHub's default (no
 * reviewers, no wait timer, any branch). `admin-bypass` is the exception: it is changed only when set,
 * as GitHub's OpenAPI description does not list the field.
 */
import {
  CONTROL,
  DURATION_FORMS,
  formatDuration,
  InputError,
  parseDurationMs,
} from '@switchyard/kit';

/** GitHub's limit on required reviewers per environment. */
export const MAX_REVIEWERS = 6;
/** GitHub's longest wait timer, in minutes (30 days). */
export const MAX_WAIT_TIMER_MINUTES = 43_200;

/** The keys of `github:`, in reference order. */
export const GITHUB_ENVIRONMENT_KEYS = [
  'reviewers',
  'prevent-self-review',
  'wait-timer',
  'branches',
  'tags',
  'protected-branches',
  'admin-bypass',
] as const;

/** A required reviewer as written: a user (`octocat`) or an organization's team (`@octo-org/team`). */
export type ReviewerName =
  | { readonly kind: 'user'; readonly login: string }
  | { readonly kind: 'team'; readonly org: string; readonly slug: string };

/** Which refs may deploy to the environment. */
export type DeploymentRefs =
  | { readonly kind: 'any' }
  | { readonly kind: 'protected' }
  | {
      readonly kind: 'custom';
      readonly branches: readonly string[];
      readonly tags: readonly string[];
    };

/** The protection an environment should have on GitHub. */
export interface DesiredProtection {
  readonly reviewers: readonly ReviewerName[];
  readonly preventSelfReview: boolean;
  readonly waitTimerMinutes: number;
  readonly refs: DeploymentRefs;
  /** Whether repository admins may bypass the rules; undefined leaves GitHub's setting as it is. */
  readonly adminBypass?: boolean;
}

/** A reviewer as people write it: `octocat` or `@octo-org/release-managers`. */
export function reviewerLabel(r: ReviewerName): string {
  return r.kind === 'user' ? r.login : `@${r.org}/${r.slug}`;
}

/** A wait timer as people write it: `0`, `10m`, `1h 30m`. */
export function waitTimerLabel(minutes: number): string {
  return minutes === 0 ? '0' : formatDuration(minutes * 60_000);
}

const EXAMPLE =
  'github: {reviewers: [octocat, "@octo-org/release-managers"], wait-timer: 10m, branches: [main]}';
/** A GitHub login or organization: letters, digits and hyphens (not first), at most 39 characters. */
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/;
/** A team slug: lowercase letters, digits, `-` and `_`. */
const TEAM_SLUG = /^[a-z0-9][a-z0-9_-]{0,99}$/;
const MAX_PATTERN = 255;

/**
 * Reads the `github:` value of one environment. `path` names it in messages
 * (`environments.production.github`); a problem throws an {@link InputError} at the key, with the fix.
 */
export function parseGithubProtection(path: string, raw: unknown): DesiredProtection {
  const m = readMapping(path, raw);
  const at = (key: string): string => `${path}.${key}`;
  const reviewers = m.reviewers == null ? [] : readReviewers(at('reviewers'), m.reviewers);
  const preventSelfReview = readBool(at('prevent-self-review'), m['prevent-self-review']) ?? false;
  if (preventSelfReview && reviewers.length === 0)
    throw new InputError(
      at('prevent-self-review'),
      true,
      'needs required reviewers',
      `List who approves under ${at('reviewers')}, or leave prevent-self-review out`,
    );
  const adminBypass = readBool(at('admin-bypass'), m['admin-bypass']);
  return {
    reviewers,
    preventSelfReview,
    waitTimerMinutes:
      m['wait-timer'] == null ? 0 : readWaitTimer(at('wait-timer'), m['wait-timer']),
    refs: readRefs(path, m),
    ...(adminBypass !== undefined && { adminBypass }),
  };
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}

function readMapping(path: string, v: unknown): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw new InputError(path, v, `is ${kindOf(v)}, not a mapping`, `Write ${EXAMPLE}`);
  const m = v as Record<string, unknown>;
  for (const key of Object.keys(m)) {
    if (!(GITHUB_ENVIRONMENT_KEYS as readonly string[]).includes(key))
      throw new InputError(
        `${path}.${key}`,
        key,
        'is not a known key',
        `Valid keys: ${GITHUB_ENVIRONMENT_KEYS.join(', ')}`,
      );
  }
  return m;
}

function readBool(path: string, v: unknown): boolean | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim()))
    return v.trim().toLowerCase() === 'true';
  throw new InputError(path, v, 'is not a boolean', 'Use true or false');
}

function readList(path: string, v: unknown, example: string): unknown[] {
  if (Array.isArray(v)) return v as unknown[];
  if (typeof v === 'string') return [v];
  throw new InputError(
    path,
    v,
    `is ${kindOf(v)}, not a list`,
    `Write a YAML list, e.g. ${example}`,
  );
}

function readString(path: string, v: unknown, example: string): string {
  if (typeof v !== 'string' && typeof v !== 'number')
    throw new InputError(
      path,
      v,
      `is ${kindOf(v)}, not a single value`,
      `Give a value such as ${example}`,
    );
  const s = String(v).trim();
  if (s === '') throw new InputError(path, s, 'is empty', `Give a value such as ${example}`);
  if (CONTROL.test(s))
    throw new InputError(
      path,
      s,
      'holds a line break or control character',
      'Write it on one line',
    );
  return s;
}

function readReviewers(path: string, v: unknown): ReviewerName[] {
  const example = '[octocat, "@octo-org/release-managers"]';
  const items = readList(path, v, example);
  if (items.length > MAX_REVIEWERS)
    throw new InputError(
      path,
      items,
      `lists ${items.length} reviewers`,
      `GitHub allows at most ${MAX_REVIEWERS}: list a team instead of several of its members`,
    );
  const seen = new Set<string>();
  return items.map((item, i) => {
    const at = `${path}[${i}]`;
    const reviewer = readReviewer(at, readString(at, item, 'octocat'));
    const key = reviewerLabel(reviewer).toLowerCase();
    if (seen.has(key)) throw new InputError(at, item, 'is listed twice', 'Give each reviewer once');
    seen.add(key);
    return reviewer;
  });
}

function readReviewer(path: string, s: string): ReviewerName {
  const rule =
    'Write a user as octocat and a team as "@org/team-slug" (quote it: YAML reads a bare @ as reserved)';
  const name = s.startsWith('@') ? s.slice(1) : s;
  const slash = name.indexOf('/');
  if (slash < 0) {
    if (!LOGIN.test(name)) throw new InputError(path, s, 'is not a GitHub user name', rule);
    return { kind: 'user', login: name };
  }
  const org = name.slice(0, slash);
  const slug = name.slice(slash + 1);
  if (!LOGIN.test(org) || !TEAM_SLUG.test(slug))
    throw new InputError(
      path,
      s,
      'is not a team',
      `${rule}; a team slug is lowercase letters, digits, - and _ (as in the team's URL)`,
    );
  return { kind: 'team', org, slug };
}

function readWaitTimer(path: string, v: unknown): number {
  const accepted = `${DURATION_FORMS}, in whole minutes from 0 to 30d (GitHub's range)`;
  const s = readString(path, v, '10m');
  const ms = s === '0' ? 0 : parseDurationMs(s);
  if (ms === undefined) throw new InputError(path, s, 'is not a duration', accepted);
  if (ms % 60_000 !== 0)
    throw new InputError(path, s, 'is not a whole number of minutes', accepted);
  const minutes = ms / 60_000;
  if (minutes > MAX_WAIT_TIMER_MINUTES) throw new InputError(path, s, 'is out of range', accepted);
  return minutes;
}

function readPatterns(path: string, v: unknown, example: string): string[] {
  if (v === null || v === undefined) return [];
  const seen = new Set<string>();
  return readList(path, v, example).map((item, i) => {
    const at = `${path}[${i}]`;
    const s = readString(at, item, example);
    if (s.length > MAX_PATTERN)
      throw new InputError(at, s, `is ${s.length} characters long`, `Use at most ${MAX_PATTERN}`);
    if (seen.has(s)) throw new InputError(at, s, 'is listed twice', 'Give each pattern once');
    seen.add(s);
    return s;
  });
}

function readRefs(path: string, m: Record<string, unknown>): DeploymentRefs {
  const branches = readPatterns(`${path}.branches`, m.branches, '[main, "release/*"]');
  const tags = readPatterns(`${path}.tags`, m.tags, '["v*"]');
  const protectedOnly = readBool(`${path}.protected-branches`, m['protected-branches']) ?? false;
  if (protectedOnly && (branches.length > 0 || tags.length > 0))
    throw new InputError(
      `${path}.protected-branches`,
      true,
      `cannot be combined with ${branches.length > 0 ? 'branches' : 'tags'}`,
      'Use either protected-branches: true or lists of branches and tags, not both',
    );
  if (protectedOnly) return { kind: 'protected' };
  if (branches.length === 0 && tags.length === 0) return { kind: 'any' };
  return { kind: 'custom', branches, tags };
}
