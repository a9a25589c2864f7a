/**
 * Typed reading of parsed YAML values. Every reader takes the key path to blame and throws an
 * {@link InputError} named by it; the document wraps those into {@link ConfigError}s with the file name.
 */
import { InputError } from '@switchyard/kit';

/** A parsed YAML mapping. */
export type Mapping = Record<string, unknown>;

/** What a YAML value is, for messages: `a list`, `a mapping`, `a boolean`, `empty`. */
export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'number') return 'a number';
  return 'a string';
}

/** Whether a value is a YAML mapping. */
export function isMapping(v: unknown): v is Mapping {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * A mapping whose keys are all in `keys`; `null` (a key with nothing under it) reads as `{}`.
 * An unknown key is an error at `path.key` that lists the valid keys, and suggests the nearest valid
 * one, or where a key that belongs elsewhere goes (`elsewhere`: key → its path, e.g. `<target>.host`).
 */
export function mapping(
  path: string,
  v: unknown,
  keys: readonly string[],
  what: string,
  elsewhere: Readonly<Record<string, string>> = {},
): Mapping {
  if (v === null) return {};
  if (!isMapping(v))
    throw new InputError(path, v, `is ${kindOf(v)}, not a mapping`, `Write ${what}`);
  for (const key of Object.keys(v)) {
    if (!keys.includes(key)) {
      const near = closest(key, [...keys, ...Object.keys(elsewhere)]);
      const hint = near === undefined ? undefined : (elsewhere[near] ?? near);
      throw new InputError(
        join(path, key),
        key,
        'is not a known key' + (hint ? ` (did you mean ${hint}?)` : ''),
        `Valid keys: ${keys.join(', ')}`,
      );
    }
  }
  return v;
}

/** A single value as text: a string, or a number written without quotes. */
export function text(path: string, v: unknown, example: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new InputError(
    path,
    v,
    `is ${kindOf(v)}, not a single value`,
    `Give a value such as ${example}`,
  );
}

/** A non-empty single-line string. */
export function line(path: string, v: unknown, example: string): string {
  const s = text(path, v, example).trim();
  if (s === '') throw new InputError(path, s, 'is empty', `Give a value such as ${example}`);
  if (/[\r\n]/.test(s))
    throw new InputError(path, s, 'spans several lines', 'Write it on a single line');
  return s;
}

/** A YAML list; each item read by `item` with its own path (`path[i]`). */
export function list<T>(
  path: string,
  v: unknown,
  example: string,
  item: (path: string, v: unknown) => T,
): T[] {
  if (!Array.isArray(v))
    throw new InputError(
      path,
      v,
      `is ${kindOf(v)}, not a list`,
      `Write a YAML list, e.g. ${example}`,
    );
  return (v as unknown[]).map((x, i) => item(`${path}[${i}]`, x));
}

/** One string or a list of them (numbers are taken as written). */
export function oneOrMany(path: string, v: unknown, example: string): string[] {
  return Array.isArray(v)
    ? list(path, v, example, (p, x) => text(p, x, example))
    : [text(path, v, example)];
}

/** A name matching `pattern`, at most `max` characters. */
export function name(
  path: string,
  v: unknown,
  pattern: RegExp,
  rule: string,
  max = Number.POSITIVE_INFINITY,
): string {
  const s = text(path, v, 'a name');
  if (!pattern.test(s)) throw new InputError(path, s, 'is not a valid name', `Use ${rule}`);
  if (s.length > max)
    throw new InputError(path, s, `is ${s.length} characters long`, `Use at most ${max}`);
  return s;
}

/** `a.b`, or `b` at the top level. */
export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The valid key nearest to a misspelt one, when it is close enough to be a likely typo. */
function closest(key: string, keys: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const k of keys) {
    const d = distance(key.toLowerCase(), k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** Reads one key's value (never null or undefined) at a path. */
export type Reader = (path: string, v: unknown) => unknown;
/** A reader per key of a mapping: a schema. */
export type Readers = Readonly<Record<string, Reader>>;
/** The keys a reader table sets, each parsed. */
export type Parsed<R extends Readers> = { -readonly [K in keyof R]?: ReturnType<R[K]> };

/**
 * Reads a mapping at `path` whose keys are all in `readers`, each with its reader; empty keys
 * (`port:`) read as not set. `what` says what the mapping is, for the error when it is not one.
 */
export function readKeys<R extends Readers>(
  path: string,
  v: unknown,
  readers: R,
  what: string,
): Parsed<R> {
  const m = mapping(path, v, Object.keys(readers), what);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(m)) {
    const read = readers[key];
    if (read && value !== null && value !== undefined) out[key] = read(join(path, key), value);
  }
  return out as Parsed<R>;
}
