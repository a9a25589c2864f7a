/** Reading parsed YAML values of the `windows:` section; every error is named by its key path. */
import { InputError, kindOf } from '@switchyard/kit';
import { parseTimeZone } from './text.js';
import { MAX_ENTRIES } from './types.js';

/** A parsed YAML mapping. */
export type Mapping = Readonly<Record<string, unknown>>;

/** A non-empty list of at most {@link MAX_ENTRIES} entries under `key`. */
export function entries(path: string, v: unknown, key: string): unknown[] {
  if (!Array.isArray(v))
    throw new InputError(
      path,
      v,
      `is ${kindOf(v)}, not a list`,
      `Write ${key}: as a YAML list (- …)`,
    );
  if (v.length === 0)
    throw new InputError(
      path,
      v,
      'is an empty list',
      key === 'allow'
        ? 'List at least one window, or remove allow: to allow deploys at any time'
        : 'List at least one freeze, or remove freeze:',
    );
  if (v.length > MAX_ENTRIES)
    throw new InputError(path, `${v.length} entries`, 'is too long', `List at most ${MAX_ENTRIES}`);
  return v as unknown[];
}

/** A mapping whose keys are all in `keys`; `what` says what to write instead. */
export function mapping(path: string, v: unknown, keys: readonly string[], what: string): Mapping {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date)
    throw new InputError(path, v, `is ${kindOf(v)}, not a mapping`, `Write ${what}`);
  for (const key of Object.keys(v))
    if (!keys.includes(key))
      throw new InputError(
        `${path}.${key}`,
        key,
        'is not a known key',
        `Valid keys: ${keys.join(', ')}`,
      );
  return v as Mapping;
}

/** The value of `key`, which must be set. */
export function required(path: string, key: string, m: Mapping, example: string): unknown {
  const v = m[key];
  if (v === undefined || v === null)
    throw new InputError(`${path}.${key}`, '', 'is required', `Give it, e.g. ${key}: ${example}`);
  return v;
}

/** Text; a number (an unquoted `540`) is refused with a hint to quote it. */
export function str(path: string, v: unknown, example: string): string {
  if (typeof v === 'string') return v;
  throw new InputError(
    path,
    v,
    `is ${kindOf(v)}, not text`,
    `Give a value such as ${example}` + (typeof v === 'number' ? ' (in quotes)' : ''),
  );
}

/** A time zone at `path`, or undefined when not set. */
export function zoneAt(path: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return parseTimeZone(path, str(path, v, 'Europe/Berlin'));
}
