/**
 * Tags from rules and the git context: a pure function, table-tested. Past metadata-action:
 * `latest`, `{{major}}` and `{{major}}.{{minor}}` go only to the newest release that they cover, and
 * never to a pre-release, so a backported `v1.2.9` does not steal `latest` or `1` from `v1.4.2`.
 */
import { InputError } from '@switchyard/kit';
import { branchOf, isDefaultBranch, prOf, tagOf, type GitContext } from './git-context.js';
import { compareSemver, formatSemver, isPrerelease, parseSemver, type SemVer } from './semver.js';
import type { TagRule } from './tag-rules.js';

export type LatestMode = 'auto' | 'true' | 'false';

export interface TagResult {
  /** Tag names (no repository), sanitised, in rule order, without duplicates. */
  readonly tags: readonly string[];
  /** The release version (semver without `v`), else the sha tag, else the first tag. */
  readonly version: string;
  /** The semver the tags came from, when one did. */
  readonly semver?: SemVer;
  /** Why a rule made no tag, or how a tag was changed; for the log. */
  readonly notes: readonly string[];
}

/** Longest tag the OCI distribution spec allows. */
export const MAX_TAG_LENGTH = 128;

/** Lower case, `[a-z0-9_.-]` only, not starting with `.` or `-`, at most 128 characters. */
export function sanitizeTag(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9_.-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, MAX_TAG_LENGTH);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Formats a date in UTC with the tokens YYYY, YY, MM, DD, HH, mm, ss. */
export function formatDate(date: Date, format: string): string {
  const parts: Record<string, string> = {
    YYYY: String(date.getUTCFullYear()),
    YY: pad(date.getUTCFullYear() % 100),
    MM: pad(date.getUTCMonth() + 1),
    DD: pad(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
  };
  return format.replace(/YYYY|YY|MM|DD|HH|mm|ss/g, (t) => parts[t] ?? t);
}

/** Replaces `{{branch}}`, `{{tag}}`, `{{sha}}`, `{{base_ref}}`, `{{is_default_branch}}`, `{{date 'F'}}`. */
export function expand(text: string, ctx: GitContext): string {
  return text.replace(
    /\{\{\s*([a-z_]+)(?:\s+'([^']*)')?\s*\}\}/g,
    (_, name: string, fmt?: string) => {
      switch (name) {
        case 'branch':
          return branchOf(ctx) ?? '';
        case 'tag':
          return tagOf(ctx) ?? '';
        case 'sha':
          return ctx.sha.slice(0, 7);
        case 'base_ref':
          return ctx.baseRef ?? '';
        case 'is_default_branch':
          return String(isDefaultBranch(ctx));
        case 'date':
          return formatDate(ctx.date, fmt ?? 'YYYYMMDD');
        default:
          return '';
      }
    },
  );
}

type Floating = 'none' | 'minor' | 'major';

/** Which release line a semver pattern follows: exact (`{{version}}`), `{{major}}.{{minor}}`, `{{major}}`. */
function floating(pattern: string): Floating {
  if (/\{\{\s*(version|raw|patch)\s*\}\}/.test(pattern)) return 'none';
  if (/\{\{\s*minor\s*\}\}/.test(pattern)) return 'minor';
  return 'major';
}

function renderSemver(pattern: string, v: SemVer): string {
  const values: Record<string, string> = {
    raw: v.raw,
    version: formatSemver(v),
    major: String(v.major),
    minor: String(v.minor),
    patch: String(v.patch),
  };
  return pattern.replace(/\{\{\s*([a-z]+)\s*\}\}/g, (m, k: string) => values[k] ?? m);
}

/** The newer stable release that keeps `v` from a floating tag, if any. */
function newerRelease(
  v: SemVer,
  scope: 'all' | 'major' | 'minor',
  ctx: GitContext,
): SemVer | undefined {
  return ctx.existingTags
    .map(parseSemver)
    .filter((e): e is SemVer => e !== undefined && !isPrerelease(e))
    .filter(
      (e) => scope === 'all' || (e.major === v.major && (scope === 'major' || e.minor === v.minor)),
    )
    .filter((e) => compareSemver(e, v) > 0)
    .sort(compareSemver)
    .at(-1);
}

interface RuleOutcome {
  readonly value?: string;
  readonly semver?: SemVer;
  readonly note?: string;
}

function semverOutcome(rule: Extract<TagRule, { type: 'semver' }>, ctx: GitContext): RuleOutcome {
  const source = rule.value !== undefined ? expand(rule.value, ctx) : tagOf(ctx);
  if (!source) return {};
  const v = parseSemver(source);
  if (!v) return { note: `"${source}" is not a semantic version: ${rule.source} made no tag` };
  const kind = floating(rule.pattern);
  if (kind !== 'none') {
    const what = kind === 'major' ? `${v.major}` : `${v.major}.${v.minor}`;
    if (isPrerelease(v))
      return {
        semver: v,
        note: `${formatSemver(v)} is a pre-release: no "${renderSemver(rule.pattern, v)}" tag (${rule.source})`,
      };
    const newer = newerRelease(v, kind, ctx);
    if (newer)
      return {
        semver: v,
        note: `${formatSemver(v)} is older than ${newer.raw}: "${what}" stays with the newer release (${rule.source})`,
      };
  }
  // The parser allows {{date 'F'}} in a semver pattern too; renderSemver leaves it for expand.
  return { semver: v, value: expand(renderSemver(rule.pattern, v), ctx) };
}

function ruleOutcome(rule: TagRule, ctx: GitContext): RuleOutcome {
  switch (rule.type) {
    case 'semver':
      return semverOutcome(rule, ctx);
    case 'ref': {
      if (rule.event === 'tag') return { value: tagOf(ctx) };
      if (rule.event === 'branch')
        return ctx.event.startsWith('pull_request') ? {} : { value: branchOf(ctx) };
      const pr = prOf(ctx);
      return pr === undefined ? {} : { value: String(pr) };
    }
    case 'sha':
      return { value: rule.format === 'long' ? ctx.sha : ctx.sha.slice(0, 7) };
    case 'raw':
      return { value: expand(rule.value, ctx) };
    case 'schedule':
      return ctx.event === 'schedule' ? { value: expand(rule.pattern, ctx) } : {};
    case 'edge': {
      const branch = rule.branch ?? ctx.defaultBranch;
      return branch !== undefined && branchOf(ctx) === branch ? { value: 'edge' } : {};
    }
  }
}

function enabled(rule: TagRule, ctx: GitContext): boolean {
  const value = expand(rule.enable, ctx).trim();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InputError(
    'tags',
    rule.source,
    `enable evaluates to "${value}"`,
    'enable must come out as true or false',
  );
}

/** Computes the image tags for a build. */
export function computeTags(
  rules: readonly TagRule[],
  ctx: GitContext,
  latest: LatestMode = 'auto',
): TagResult {
  const tags: string[] = [];
  const notes: string[] = [];
  let release: SemVer | undefined;
  let latestAt = -1;
  let shaTag: string | undefined;
  for (const rule of rules) {
    if (!enabled(rule, ctx)) continue;
    const out = ruleOutcome(rule, ctx);
    if (out.note) notes.push(out.note);
    if (out.semver && !release) release = out.semver;
    if (out.value === undefined || out.value === '') continue;
    const raw = `${expand(rule.prefix, ctx)}${out.value}${expand(rule.suffix, ctx)}`;
    const tag = sanitizeTag(raw);
    if (tag === '') {
      notes.push(`"${raw}" has no character a tag may hold: ${rule.source} made no tag`);
      continue;
    }
    if (tag !== raw)
      notes.push(
        `"${raw}" became "${tag}" (tags are lower case [a-z0-9_.-], at most ${MAX_TAG_LENGTH})`,
      );
    if (tags.includes(tag)) continue;
    tags.push(tag);
    if (rule.type === 'semver') latestAt = tags.length;
    if (rule.type === 'sha' && shaTag === undefined) shaTag = tag;
  }
  const wantLatest =
    latest === 'true' ||
    (latest === 'auto' &&
      release !== undefined &&
      latestAt >= 0 &&
      !isPrerelease(release) &&
      !newerRelease(release, 'all', ctx));
  if (latest === 'auto' && release && latestAt >= 0 && !wantLatest) {
    const newer = newerRelease(release, 'all', ctx);
    notes.push(
      isPrerelease(release)
        ? `${formatSemver(release)} is a pre-release: no "latest" tag`
        : `${formatSemver(release)} is older than ${newer?.raw ?? 'another release'}: no "latest" tag`,
    );
  }
  if (wantLatest && !tags.includes('latest'))
    tags.splice(latestAt >= 0 ? latestAt : tags.length, 0, 'latest');
  const version = release ? formatSemver(release) : (shaTag ?? tags[0] ?? '');
  return { tags, version, ...(release ? { semver: release } : {}), notes };
}
