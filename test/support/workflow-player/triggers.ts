/**
 * Does a workflow run for an event? `on:` filters for push (branches, tags, paths and their -ignore
 * forms), schedule and workflow_dispatch (with its inputs validated as the dispatch API does).
 *
 * workflow-parser converts `on:` (EventsConfig) but has no filter matcher, so the glob matcher here is
 * ours, written to GitHub's "Filter pattern cheat sheet": `*` any run of characters except `/`, `**`
 * any run of characters (before a slash: none or more folders), `?` zero or one of the preceding character, `+` one or more of it, `[…]` one
 * character of a set or range, `\` escapes, and a leading `!` excludes what earlier patterns matched
 * (patterns are read in order, the last match wins).
 */
import type { EventsConfig, InputConfig } from '@actions/workflow-parser/model/workflow-template';
import type { PlayEvent } from './types.js';

/** An event GitHub rejects before any run starts (a workflow_dispatch call with bad inputs). */
export class DispatchError extends Error {
  override name = 'DispatchError';
}

/** One GitHub filter pattern as an anchored regular expression. */
export function patternToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '\\') {
      re += escapeChar(pattern[++i] ?? '\\');
    } else if (c === '*') {
      if (pattern[i + 1] === '*' && pattern[i + 2] === '/') {
        re += '(?:.*/)?'; // `**/` also matches no folder at all
        i += 2;
      } else if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?' || c === '+') {
      re += c;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += escapeChar(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeChar(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** Whether `value` is included by an ordered list of patterns where `!pattern` excludes. */
export function matchesFilters(value: string, patterns: readonly string[]): boolean {
  let included = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (patternToRegExp(p.slice(1)).test(value)) included = false;
    } else if (patternToRegExp(p).test(value)) included = true;
  }
  return included;
}

export interface TriggerDecision {
  readonly triggered: boolean;
  readonly reason: string;
}

function filterRef(
  kind: 'branches' | 'tags',
  name: string,
  include: readonly string[] | undefined,
  ignore: readonly string[] | undefined,
): TriggerDecision {
  if (include && !matchesFilters(name, include))
    return {
      triggered: false,
      reason: `${kind} filter [${include.join(', ')}] does not match ${name}`,
    };
  if (ignore && matchesFilters(name, ignore))
    return { triggered: false, reason: `${kind}-ignore [${ignore.join(', ')}] matches ${name}` };
  return { triggered: true, reason: `push to ${name} matches on.push` };
}

function decidePush(
  events: EventsConfig,
  event: Extract<PlayEvent, { name: 'push' }>,
): TriggerDecision {
  const push = events.push;
  if (!push) return { triggered: false, reason: 'the workflow has no on.push' };
  const tag = /^refs\/tags\/(.+)$/.exec(event.ref)?.[1];
  const branch = /^refs\/heads\/(.+)$/.exec(event.ref)?.[1];
  const hasBranchFilter = push.branches !== undefined || push['branches-ignore'] !== undefined;
  const hasTagFilter = push.tags !== undefined || push['tags-ignore'] !== undefined;
  let ref: TriggerDecision;
  if (tag !== undefined) {
    // Only branch filters: tag pushes don't run it (and the other way round).
    if (hasBranchFilter && !hasTagFilter)
      return { triggered: false, reason: `on.push filters branches only; ${event.ref} is a tag` };
    ref = filterRef('tags', tag, push.tags, push['tags-ignore']);
    return ref; // path filters are not evaluated for tag pushes
  }
  if (branch === undefined)
    throw new Error(`workflow-player: push ref ${event.ref} is neither a branch nor a tag`);
  if (hasTagFilter && !hasBranchFilter)
    return { triggered: false, reason: `on.push filters tags only; ${event.ref} is a branch` };
  ref = filterRef('branches', branch, push.branches, push['branches-ignore']);
  if (!ref.triggered) return ref;
  const paths = push.paths;
  const ignore = push['paths-ignore'];
  if (paths === undefined && ignore === undefined) return ref;
  const changed = event.changedFiles;
  if (!changed)
    throw new Error(
      'workflow-player: on.push has path filters; the push event must list its changedFiles',
    );
  if (paths && !changed.some((f) => matchesFilters(f, paths)))
    return { triggered: false, reason: `no changed file matches paths [${paths.join(', ')}]` };
  if (ignore && changed.every((f) => matchesFilters(f, ignore)))
    return {
      triggered: false,
      reason: `every changed file matches paths-ignore [${ignore.join(', ')}]`,
    };
  return ref;
}

/** Whether the workflow runs for the event, and why (not). */
export function decideTrigger(events: EventsConfig, event: PlayEvent): TriggerDecision {
  switch (event.name) {
    case 'push':
      return decidePush(events, event);
    case 'schedule': {
      const crons = (events.schedule ?? []).map((s) => s.cron);
      return crons.includes(event.cron)
        ? { triggered: true, reason: `on.schedule has ${event.cron}` }
        : { triggered: false, reason: `on.schedule [${crons.join(', ')}] has no ${event.cron}` };
    }
    case 'workflow_dispatch':
      return events.workflow_dispatch
        ? { triggered: true, reason: 'on.workflow_dispatch' }
        : { triggered: false, reason: 'the workflow has no on.workflow_dispatch' };
  }
}

/**
 * The `inputs` of a workflow_dispatch run, checked as the dispatch API checks them (HTTP 422 with these
 * messages): unknown names, required inputs without a value, choice/boolean values outside their
 * options. Booleans become booleans and numbers numbers in the `inputs` context.
 */
export function dispatchInputs(
  definitions: Readonly<Record<string, InputConfig>> | undefined,
  given: Readonly<Record<string, string | boolean | number>>,
): Record<string, string | boolean | number> {
  const defs = definitions ?? {};
  const unexpected = Object.keys(given).filter((k) => !(k in defs));
  if (unexpected.length > 0)
    throw new DispatchError(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  const out: Record<string, string | boolean | number> = {};
  for (const [name, def] of Object.entries(defs)) {
    const type: string = def.type;
    const raw = given[name] ?? def.default;
    if (raw === undefined || raw === '') {
      if (def.required) throw new DispatchError(`Required input '${name}' not provided`);
      if (raw === undefined) {
        out[name] = type === 'boolean' ? false : '';
        continue;
      }
    }
    const text = String(raw);
    const allowed =
      type === 'boolean' ? ['true', 'false'] : type === 'choice' ? (def.options ?? []) : undefined;
    if (allowed && !allowed.includes(text))
      throw new DispatchError(
        `Provided value '${text}' for input '${name}' not in the list of allowed values`,
      );
    out[name] = type === 'boolean' ? text === 'true' : type === 'number' ? Number(text) : text;
  }
  return out;
}
