/**
 * Tag rules, one per line, in docker/metadata-action's syntax: `type=semver,pattern={{version}}`,
 * `type=ref,event=branch`, `type=sha`, `type=raw,value=stable`, `type=schedule,pattern=nightly`,
 * `type=edge`. A line without `type=` is a raw tag. Every rule takes `prefix`, `suffix` and `enable`.
 */
import { InputError } from '@switchyard/kit';

export type RefEvent = 'branch' | 'tag' | 'pr';

interface Common {
  readonly prefix: string;
  readonly suffix: string;
  /** `true`, `false` or an expression such as `{{is_default_branch}}`. */
  readonly enable: string;
  /** The line as written, for messages. */
  readonly source: string;
}

export type TagRule = Common &
  (
    | { readonly type: 'semver'; readonly pattern: string; readonly value?: string }
    | { readonly type: 'ref'; readonly event: RefEvent }
    | { readonly type: 'sha'; readonly format: 'short' | 'long' }
    | { readonly type: 'raw'; readonly value: string }
    | { readonly type: 'schedule'; readonly pattern: string }
    | { readonly type: 'edge'; readonly branch?: string }
  );

/** Placeholders of a semver pattern. */
export const SEMVER_PLACEHOLDERS = ['raw', 'version', 'major', 'minor', 'patch'] as const;
/** Expressions allowed in values, prefixes, suffixes, schedule patterns and `enable`. */
export const EXPRESSIONS = ['branch', 'tag', 'sha', 'base_ref', 'is_default_branch'] as const;

const KEYS: Record<TagRule['type'], readonly string[]> = {
  semver: ['pattern', 'value'],
  ref: ['event'],
  sha: ['format'],
  raw: ['value'],
  schedule: ['pattern'],
  edge: ['branch'],
};
const COMMON_KEYS = ['type', 'prefix', 'suffix', 'enable'];
const PLACEHOLDER = /\{\{\s*([a-z_]+)(?:\s+'([^']*)')?\s*\}\}/g;
const HAS_PLACEHOLDER = new RegExp(PLACEHOLDER.source);

/** Splits one rule line on commas outside double quotes; `"a,b"` keeps its comma. */
function splitFields(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      fields.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (quoted) throw new Error('has an unclosed double quote');
  fields.push(cur.trim());
  return fields.filter((f) => f !== '');
}

function checkExpressions(
  text: string,
  allowed: readonly string[],
  fail: (p: string) => never,
): void {
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (name === 'date') {
      if (m[2] === undefined) fail(`{{date}} needs a format, e.g. {{date 'YYYYMMDD'}}`);
      continue;
    }
    if (!allowed.includes(name))
      fail(
        `{{${name}}} is not a known placeholder here (known: ${allowed.map((a) => `{{${a}}}`).join(', ')}, {{date 'FORMAT'}})`,
      );
  }
  const stray = text.replace(PLACEHOLDER, '');
  if (stray.includes('{{') || stray.includes('}}')) fail(`"${text}" has an unbalanced {{ or }}`);
}

/** Parses one rule line; `name` is the input to blame (e.g. `tags` line 3). */
export function parseTagRule(name: string, line: string): TagRule {
  const fail = (problem: string): never => {
    throw new InputError(
      name,
      line,
      problem,
      'Write rules like type=semver,pattern={{version}} / type=ref,event=branch / type=sha / type=raw,value=stable (see the build-image README)',
    );
  };
  let fields: string[];
  try {
    fields = splitFields(line);
  } catch (e) {
    return fail((e as Error).message);
  }
  if (
    !fields.some((f) => f.startsWith('type=')) &&
    fields.length === 1 &&
    !fields[0]?.includes('=')
  )
    fields = ['type=raw', `value=${fields[0] ?? ''}`];
  const kv = new Map<string, string>();
  for (const f of fields) {
    const eq = f.indexOf('=');
    if (eq <= 0) fail(`"${f}" is not key=value`);
    const key = f.slice(0, eq).trim();
    if (kv.has(key)) fail(`sets ${key} twice`);
    kv.set(key, f.slice(eq + 1).trim());
  }
  const type = kv.get('type') ?? 'raw';
  if (!(type in KEYS)) fail(`type "${type}" is unknown (known: ${Object.keys(KEYS).join(', ')})`);
  const t = type as TagRule['type'];
  for (const key of kv.keys())
    if (!COMMON_KEYS.includes(key) && !KEYS[t].includes(key))
      fail(
        `"${key}" is not an attribute of type=${t} (it takes ${[...KEYS[t], 'prefix', 'suffix', 'enable'].join(', ')})`,
      );
  const common: Common = {
    prefix: kv.get('prefix') ?? '',
    suffix: kv.get('suffix') ?? '',
    enable: kv.get('enable') ?? 'true',
    source: line,
  };
  for (const key of ['prefix', 'suffix', 'enable'] as const)
    checkExpressions(common[key], EXPRESSIONS, fail);
  if (!/^(true|false)$/.test(common.enable) && !HAS_PLACEHOLDER.test(common.enable))
    fail(`enable must be true, false or an expression such as {{is_default_branch}}`);
  switch (t) {
    case 'semver': {
      const pattern = kv.get('pattern');
      if (!pattern) return fail('type=semver needs a pattern, e.g. pattern={{version}}');
      checkExpressions(pattern, SEMVER_PLACEHOLDERS, fail);
      if (
        ![...pattern.matchAll(PLACEHOLDER)].some((m) => SEMVER_PLACEHOLDERS.includes(m[1] as never))
      )
        fail(
          `pattern "${pattern}" uses none of ${SEMVER_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
        );
      const value = kv.get('value');
      if (value !== undefined) checkExpressions(value, EXPRESSIONS, fail);
      return { ...common, type: t, pattern, ...(value ? { value } : {}) };
    }
    case 'ref': {
      const event = kv.get('event');
      if (event !== 'branch' && event !== 'tag' && event !== 'pr')
        return fail(
          `type=ref needs event=branch, event=tag or event=pr${event ? `, not "${event}"` : ''}`,
        );
      return {
        ...common,
        type: t,
        event,
        prefix: kv.get('prefix') ?? (event === 'pr' ? 'pr-' : ''),
      };
    }
    case 'sha': {
      const format = kv.get('format') ?? 'short';
      if (format !== 'short' && format !== 'long')
        return fail(`format must be short or long, not "${format}"`);
      return { ...common, type: t, format, prefix: kv.get('prefix') ?? 'sha-' };
    }
    case 'raw': {
      const value = kv.get('value');
      if (!value) return fail('type=raw needs a value, e.g. value=stable');
      checkExpressions(value, EXPRESSIONS, fail);
      return { ...common, type: t, value };
    }
    case 'schedule': {
      const pattern = kv.get('pattern') ?? 'nightly';
      checkExpressions(pattern, EXPRESSIONS, fail);
      return { ...common, type: t, pattern };
    }
    case 'edge': {
      const branch = kv.get('branch');
      return { ...common, type: t, ...(branch ? { branch } : {}) };
    }
  }
}

/** Parses the `tags` input: one rule per line; blank lines and `#` comments are skipped. */
export function parseTagRules(name: string, raw: string): TagRule[] {
  return raw
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'))
    .map(({ line, i }) => parseTagRule(`${name} (line ${i + 1})`, line));
}

/**
 * The rules used when `tags` is empty: semver tags for a semver git tag, the tag name for any other
 * git tag, the branch for branch builds, `pr-N` for pull requests, `sha-<7>` always, and `nightly`
 * on schedule events.
 */
export function defaultTagRules(gitTagIsSemver: boolean): string {
  return [
    'type=schedule',
    'type=semver,pattern={{version}}',
    'type=semver,pattern={{major}}.{{minor}}',
    'type=semver,pattern={{major}}',
    ...(gitTagIsSemver ? [] : ['type=ref,event=tag']),
    'type=ref,event=branch',
    'type=ref,event=pr',
    'type=sha',
  ].join('\n');
}
