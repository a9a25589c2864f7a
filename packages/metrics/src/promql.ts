/**
 * Label selectors and query templates. A rule's query is a template: `$selector` becomes the label
 * matchers (without braces, so it can sit beside others: `http_requests_total{$selector,code=~"5.."}`),
 * `$window` the rate window, and other `$names` the variables the caller supplies (`$cpu_limit`).
 */
import { InputError } from '@switchyard/kit';

export const MATCH_OPS = ['=', '!=', '=~', '!~'] as const;
export type MatchOp = (typeof MATCH_OPS)[number];

export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SELECTOR_FORMS =
  'Write label matchers separated by commas, e.g. app="web",environment="production" (=, !=, =~, !~; quotes optional for simple values)';

/** Parses `app="web", color=~"blue|green"` (braces optional, values quoted or bare). */
export function parseSelector(name: string, raw: string): Matcher[] {
  let s = raw.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  const out: Matcher[] = [];
  let i = 0;
  const fail = (problem: string): never => {
    throw new InputError(name, raw, problem, SELECTOR_FORMS);
  };
  while (i < s.length) {
    const labelMatch = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*/.exec(s.slice(i));
    if (!labelMatch) {
      const rest = s.slice(i).trim();
      return fail(`has "${rest.slice(0, 20)}" where a label matcher (label="value") should be`);
    }
    const label = labelMatch[1] as string;
    const op = labelMatch[2] as MatchOp;
    i += labelMatch[0].length;
    let value: string;
    const quote = s[i];
    if (quote === '"' || quote === "'") {
      let j = i + 1;
      let v = '';
      for (; j < s.length && s[j] !== quote; j++) {
        if (s[j] === '\\' && j + 1 < s.length) {
          j++;
          const c = s[j] as string;
          // \" \' \\ \n \t as in PromQL; any other escape keeps its backslash (a regex's \d).
          v += c === 'n' ? '\n' : c === 't' ? '\t' : c === quote || c === '\\' ? c : `\\${c}`;
        } else v += s[j];
      }
      if (j >= s.length) fail(`has an unclosed quote after ${label}${op}`);
      value = v;
      i = j + 1;
    } else {
      const bare = /^(?:[^,\s"'{}=~!][^,\s"'{}]*)?/.exec(s.slice(i))?.[0] ?? '';
      if (bare === '') fail(`has no value after ${label}${op}`);
      value = bare;
      i += bare.length;
    }
    out.push({ label, op, value });
    const sep = /^\s*(,|$)\s*/.exec(s.slice(i));
    if (!sep) fail(`has "${s.slice(i).trim().slice(0, 20)}" after ${label}${op}"${value}"`);
    i += (sep as RegExpExecArray)[0].length;
  }
  return out;
}

/** A label name (for settings such as `color-label`). */
export function parseLabelName(name: string, raw: string): string {
  const s = raw.trim();
  if (!LABEL.test(s))
    throw new InputError(
      name,
      raw,
      'is not a Prometheus label name',
      'Use letters, digits and _, not starting with a digit (e.g. color)',
    );
  return s;
}

/** Quotes a label value for PromQL. */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `app="web",color="green"`: the matchers without braces. */
export function renderMatchers(matchers: readonly Matcher[]): string {
  return matchers.map((m) => `${m.label}${m.op}${quoteLabelValue(m.value)}`).join(',');
}

/** The matchers with `label` set to `=value` (replacing any matcher on that label). */
export function withLabel(matchers: readonly Matcher[], label: string, value: string): Matcher[] {
  return [...matchers.filter((m) => m.label !== label), { label, op: '=', value }];
}

/** A duration as PromQL writes it: `1m`, `30s`, `1500ms`. */
export function promDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${Math.round(ms)}ms`;
}

const VARIABLE = /\$([a-zA-Z_][a-zA-Z0-9_]*)/g;

/** The `$names` a template uses. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1] as string))];
}

/**
 * Fills a template. `vars` holds every known variable; a missing one throws, naming it. Commas left
 * dangling by an empty `$selector` are removed (`x{,code="500"}` → `x{code="500"}`).
 */
export function expandTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  // An empty value leaves a mark, so that only the commas beside it are cleaned up.
  const EMPTY = '\uE000';
  const filled = template.replace(VARIABLE, (_whole, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`unknown variable $${name}`);
    return v === '' ? EMPTY : v;
  });
  return filled
    .replace(/\{\s*\uE000\s*,\s*/g, '{')
    .replace(/\s*,\s*\uE000\s*\}/g, '}')
    .replace(/,\s*\uE000\s*,/g, ',')
    .replace(/\uE000/g, '');
}
