/**
 * Layers of settings (`defaults:`, the environment's section, the override inputs) and how a problem
 * is blamed on the layer that set the offending key: a key path in the file, or the override input.
 */
import { ConfigError, type InputError } from '@switchyard/kit';
import { join } from './values.js';

/** One source of settings, and how to blame it. */
export interface Layer<S extends object> {
  readonly section: S;
  /** The name to blame for a key: `production.port`, `defaults.port`, or the input `port`. */
  at(key: string): string;
  /** Turns an error named by {@link at} into what the caller throws. */
  wrap(error: InputError): InputError;
}

/**
 * A section of the file at `path` (`defaults`, `production`). `renamed` maps a key to the path
 * the user wrote it at, when that is not `path.key` (a key read from the flat, older form).
 */
export function fileLayer<S extends object>(
  file: string,
  path: string,
  section: S,
  renamed: Readonly<Record<string, string>> = {},
): Layer<S> {
  return {
    section,
    at: (key) => renamed[key] ?? join(path, key),
    wrap: (e) => ConfigError.from(file, e),
  };
}

/** Layers sections, later ones winning: mapping keys merge key by key, lists and values are replaced. */
export function merge<S extends object>(
  layers: readonly Layer<S>[],
  mappingKeys: readonly (keyof S)[],
): S {
  const out = Object.assign({}, ...layers.map((l) => l.section)) as S;
  for (const key of mappingKeys) {
    const parts = layers.map((l) => l.section[key]).filter((part) => part !== undefined);
    if (parts.length > 0) Object.assign(out, { [key]: Object.assign({}, ...parts) as object });
  }
  return out;
}

/** The last layer that sets `key`. */
export function origin<S extends object>(
  layers: readonly Layer<S>[],
  key: keyof S,
): Layer<S> | undefined {
  return layers.findLast((l) => l.section[key] !== undefined);
}
