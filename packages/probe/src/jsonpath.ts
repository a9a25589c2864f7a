/**
 * A small, strict JSONPath subset for assertions on response bodies:
 * `$`, `.name`, `['name']`, `["name"]`, `[0]`, `[-1]`, then an optional comparison:
 * `$.status == "healthy"`, `$.items[0].count >= 3`, `$.version != "1.0.0"`, `$.name =~ /^shop-/i`;
 * a bare path asserts that the value exists. Values are JSON literals (quote strings).
 */
import { InputError, showValue } from '@switchyard/kit';

export type PathSegment = string | number;

export const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '=~'] as const;
export type Operator = (typeof OPERATORS)[number] | 'exists';

export interface JsonAssertion {
  readonly text: string;
  readonly path: readonly PathSegment[];
  readonly pathText: string;
  readonly op: Operator;
  readonly value?: unknown;
  readonly regex?: RegExp;
}

const FORMS =
  'Write a path from $ with an optional comparison, e.g. $.status == "healthy", $.items[0].count >= 3, $.name =~ /^shop/';

/** Parses a JSONPath (no comparison). Returns the segments. */
export function parseJsonPath(name: string, text: string): PathSegment[] {
  const { path, rest } = readPath(name, text.trim());
  if (rest.trim() !== '')
    throw new InputError(
      name,
      text,
      `has unexpected text after the path: ${showValue(rest.trim())}`,
      FORMS,
    );
  return path;
}

/** Parses an assertion such as `$.status == "healthy"`. */
export function parseAssertion(name: string, text: string): JsonAssertion {
  const src = text.trim();
  const { path, rest, pathText } = readPath(name, src);
  const tail = rest.trim();
  if (tail === '') return { text: src, path, pathText, op: 'exists' };
  const op = OPERATORS.find((o) => tail.startsWith(o));
  if (!op)
    throw new InputError(
      name,
      text,
      `has no valid operator after ${pathText}`,
      `Use one of ${OPERATORS.join(' ')}. ${FORMS}`,
    );
  const valueText = tail.slice(op.length).trim();
  if (op === '=~') {
    const m = /^\/(.*)\/([a-z]*)$/s.exec(valueText);
    if (!m) throw new InputError(name, text, 'needs a /regex/ after =~', FORMS);
    try {
      return { text: src, path, pathText, op, regex: new RegExp(m[1] ?? '', m[2]) };
    } catch (e) {
      throw new InputError(name, text, `has an invalid regex (${(e as Error).message})`, FORMS);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(valueText);
  } catch {
    throw new InputError(
      name,
      text,
      `compares with ${showValue(valueText)}, which is not a JSON value`,
      'Quote strings: $.status == "healthy"',
    );
  }
  if (['<', '<=', '>', '>='].includes(op) && typeof value !== 'number') {
    throw new InputError(
      name,
      text,
      `uses ${op} with a non-number`,
      'Compare numbers with < <= > >=',
    );
  }
  return { text: src, path, pathText, op, value };
}

/** Looks a path up in a parsed JSON value. */
export function lookup(
  root: unknown,
  path: readonly PathSegment[],
): { found: boolean; value?: unknown } {
  let cur: unknown = root;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return { found: false };
      const i = seg < 0 ? cur.length + seg : seg;
      if (i < 0 || i >= cur.length) return { found: false };
      cur = cur[i] as unknown;
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, seg))
        return { found: false };
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return { found: true, value: cur };
}

/** Checks an assertion against a parsed body; returns a failure reason or undefined when it holds. */
export function checkAssertion(a: JsonAssertion, body: unknown): string | undefined {
  const { found, value } = lookup(body, a.path);
  if (!found) return `${a.pathText} not found`;
  const actual = showValue(value);
  switch (a.op) {
    case 'exists':
      return undefined;
    case '==':
      return deepEqual(value, a.value)
        ? undefined
        : `${a.pathText} is ${actual}, expected ${showValue(a.value)}`;
    case '!=':
      return !deepEqual(value, a.value)
        ? undefined
        : `${a.pathText} is ${actual}, expected anything else`;
    case '=~':
      return typeof value === 'string' && a.regex?.test(value)
        ? undefined
        : `${a.pathText} is ${actual}, expected a match of ${String(a.regex)}`;
    default: {
      const n = a.value as number;
      if (typeof value !== 'number')
        return `${a.pathText} is ${actual}, expected a number ${a.op} ${n}`;
      const ok =
        a.op === '<'
          ? value < n
          : a.op === '<='
            ? value <= n
            : a.op === '>'
              ? value > n
              : value >= n;
      return ok ? undefined : `${a.pathText} is ${actual}, expected ${a.op} ${n}`;
    }
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  }
  return v;
}

function readPath(
  name: string,
  src: string,
): { path: PathSegment[]; rest: string; pathText: string } {
  if (!src.startsWith('$')) throw new InputError(name, src, 'does not start with $', FORMS);
  const path: PathSegment[] = [];
  let i = 1;
  for (;;) {
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\.([A-Za-z_$][\w$-]*)/.exec(rest))) path.push(m[1] as string);
    else if ((m = /^\[\s*(-?\d+)\s*\]/.exec(rest))) path.push(Number(m[1]));
    else if (
      (m = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest)) ||
      (m = /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest))
    )
      path.push((m[1] as string).replace(/\\(.)/g, '$1'));
    else if (/^(\.|\[)/.test(rest))
      throw new InputError(name, src, `has an invalid path segment at ${showValue(rest)}`, FORMS);
    else return { path, rest, pathText: src.slice(0, i) };
    i += m[0].length;
  }
}
