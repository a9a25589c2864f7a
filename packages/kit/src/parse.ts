/**
 * Pure value parsers shared by action inputs and config files. Each takes the name to blame (an input
 * name or a path such as `checks[2].timeout`) and throws an {@link InputError} that names it, shows the
 * bad value and lists the accepted forms. Nothing is coerced silently.
 */
import { DURATION_FORMS, formatDuration, parseDurationMs } from './duration.js';
import { InputError, UNQUOTED } from './errors.js';

export interface Range {
  readonly min?: number;
  readonly max?: number;
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/** `true` / `false` in the spellings the GitHub runner accepts (YAML 1.2 core schema). */
export function parseBoolean(name: string, raw: string): boolean {
  const s = raw.trim();
  if (TRUE.includes(s)) return true;
  if (FALSE.includes(s)) return false;
  throw new InputError(name, raw, 'is not a boolean', 'Use true or false');
}

/** A whole number, optionally within a range. */
export function parseInteger(name: string, raw: string, range: Range = {}): number {
  const s = raw.trim();
  if (!/^[-+]?\d+$/.test(s))
    throw new InputError(
      name,
      raw,
      'is not a whole number',
      rangeText(range, 'Use a whole number'),
    );
  const n = Number(s);
  checkRange(name, raw, n, range, String);
  return n;
}

/**
 * The longest duration an input may give unless it sets its own maximum: 6 hours, the longest a
 * GitHub job may run. (Node fires a timer of 24.8 days or more after 1 ms, so an unbounded duration
 * would silently mean "at once".)
 */
export const MAX_DURATION_MS = 6 * 3_600_000;

/** The longest any duration may be: a week (keep-previous), well under Node's timer limit. */
export const MAX_LONG_DURATION_MS = 7 * 86_400_000;

/** A duration bound as people write one: `0s`, `100ms`, `6h`, `7d`. */
function showDuration(ms: number): string {
  if (ms === 0) return '0s';
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : formatDuration(ms);
}

/** A duration in milliseconds (`500ms`, `30s`, `15m`, `1h`), at most {@link MAX_DURATION_MS} unless `range.max` says otherwise. */
export function parseDuration(name: string, raw: string, range: Range = {}): number {
  const ms = parseDurationMs(raw);
  if (ms === undefined) throw new InputError(name, raw, 'is not a duration', DURATION_FORMS);
  const max = Math.min(range.max ?? MAX_DURATION_MS, MAX_LONG_DURATION_MS);
  checkRange(name, raw, ms, { ...range, max }, showDuration);
  return ms;
}

/** A percentage (`1%`, `0.5%`), returned as a fraction (0.01, 0.005). */
export function parsePercent(
  name: string,
  raw: string,
  range: Range = { min: 0, max: 100 },
): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(raw);
  if (!m)
    throw new InputError(
      name,
      raw,
      'is not a percentage',
      'Use a number followed by %, e.g. 1% or 0.5%',
    );
  const pct = Number(m[1]);
  checkRange(name, raw, pct, range, (v) => `${v}%`);
  return pct / 100;
}

/** A list: one item per line or comma-separated; items are trimmed, empty ones dropped. */
export function parseList(raw: string): string[] {
  return raw
    .split(/\r?\n|,/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A list of newline-separated items (for items that may themselves contain commas). */
export function parseLines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** One of a fixed set of values (case-sensitive, as written in the docs). */
export function parseEnum<T extends string>(name: string, raw: string, values: readonly T[]): T {
  const s = raw.trim();
  const found = values.find((v) => v === s);
  if (found === undefined)
    throw new InputError(name, raw, 'is not a valid value', `Use one of: ${values.join(', ')}`);
  return found;
}

/** An absolute URL with one of the given protocols (default http and https). */
export function parseUrl(
  name: string,
  raw: string,
  protocols: readonly string[] = ['http:', 'https:'],
): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new InputError(
      name,
      raw,
      'is not a valid URL',
      `Use an absolute URL such as ${protocols[0] ?? 'http:'}//host:port/path`,
    );
  }
  if (!protocols.includes(url.protocol)) {
    throw new InputError(
      name,
      raw,
      `has protocol ${url.protocol}`,
      `Use one of: ${protocols.join(', ')}`,
    );
  }
  return url;
}

/**
 * What a JSON syntax error says, without the text V8 quotes around it (`Unexpected token 'x',
 * "…secret…" is not valid JSON` → `Unexpected token 'x'`): the document may hold a secret.
 */
export function jsonErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '')
    .replace(/,\s*(?:\.\.\.)?".*$/, '')
    .replace(/ (?:in JSON )?at position \d+.*$/, '');
}

/** A JSON document; a syntax error is described, the document never quoted. */
export function parseJson(name: string, raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new InputError(
      name,
      UNQUOTED,
      `is not valid JSON (${jsonErrorText(error)})`,
      'Check quotes, commas and brackets',
    );
  }
}

/** `key=value` pairs, one per line (or comma-separated when `commas` is true). Values keep their `=`. */
export function parseKeyValues(name: string, raw: string, commas = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of commas ? parseList(raw) : parseLines(raw)) {
    const eq = item.indexOf('=');
    const key = eq > 0 ? item.slice(0, eq).trim() : '';
    if (key === '')
      throw new InputError(name, item, 'is not a key=value pair', 'Write one KEY=value per line');
    if (Object.hasOwn(out, key))
      throw new InputError(name, item, `repeats the key "${key}"`, 'Give each key once');
    // An own property even for keys such as __proto__ or constructor: every key is an ordinary name.
    Object.defineProperty(out, key, {
      value: item.slice(eq + 1).trim(),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function checkRange(
  name: string,
  raw: string,
  n: number,
  range: Range,
  show: (v: number) => string,
): void {
  if ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
    throw new InputError(name, raw, 'is out of range', rangeText(range, '', show));
  }
}

function rangeText(range: Range, lead: string, show: (v: number) => string = String): string {
  const { min, max } = range;
  const bounds =
    min !== undefined && max !== undefined
      ? `from ${show(min)} to ${show(max)}`
      : min !== undefined
        ? `of at least ${show(min)}`
        : max !== undefined
          ? `of at most ${show(max)}`
          : '';
  if (!bounds) return lead;
  return lead ? `${lead} ${bounds}` : `Use a value ${bounds}`;
}
