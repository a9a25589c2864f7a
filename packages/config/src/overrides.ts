/**
 * The action inputs that override the file: one table, input name → the key path it sets and its
 * parser. Every action that reads the config declares all of them, and the CLI takes them as flags;
 * `readOverrides` reads them, `overrideLayer` turns them into a layer over the file's sections.
 */
import type { InputError } from '@switchyard/kit';
import { MAX_LONG_DURATION_MS, parseDuration } from '@switchyard/kit';
import { parseAppName, parseHealthPath } from './fields.js';
import type { Layer } from './layer.js';
import type { Section } from './section.js';
import { TARGET_OVERRIDES } from './target-schemas.js';
import { TARGETS, type TargetName } from './types.js';

interface Override {
  /** Where the value goes in a section; `[]` for `app`, which is not a section setting. */
  readonly path: readonly string[];
  readonly parse: (name: string, raw: string) => unknown;
}

/** Prefixes a target's override paths with its section name. */
function under(
  target: TargetName,
  table: Readonly<Record<string, Override>>,
): Readonly<Record<string, Override>> {
  return Object.fromEntries(
    Object.entries(table).map(([input, o]) => [input, { ...o, path: [target, ...o.path] }]),
  );
}

/** The override inputs of every target's section. */
type TargetOverrideInput = {
  [T in TargetName]: keyof (typeof TARGET_OVERRIDES)[T];
}[TargetName];

/** The one table of override inputs: the common ones, then each target's. */
export const OVERRIDES = {
  app: { path: [], parse: parseAppName },
  'health-path': { path: ['health', 'path'], parse: parseHealthPath },
  'keep-previous': {
    path: ['keep-previous'],
    parse: (n: string, r: string) => parseDuration(n, r, { min: 0, max: MAX_LONG_DURATION_MS }),
  },
  'ready-timeout': {
    path: ['ready-timeout'],
    parse: (n: string, r: string) => parseDuration(n, r, { min: 1000 }),
  },
  ...(Object.fromEntries(
    TARGETS.flatMap((t) => Object.entries(under(t, TARGET_OVERRIDES[t]))),
  ) as Record<TargetOverrideInput, Override>),
} satisfies Readonly<Record<string, Override>>;

/** A value of {@link OVERRIDE_INPUTS}. */
export type OverrideInput = keyof typeof OVERRIDES;
/** The action inputs that override the file, by input name: the keys of {@link OVERRIDES}. */
export const OVERRIDE_INPUTS = Object.keys(OVERRIDES) as OverrideInput[];

/** Raw action-input strings by input name; a missing or '' value is not set. */
export type Overrides = Readonly<Partial<Record<OverrideInput, string>>>;

/**
 * The overrides an action or the CLI was given, read by one getter for every name of
 * {@link OVERRIDE_INPUTS}. Empty ones are left out.
 */
export function readOverrides(get: (input: OverrideInput) => string | undefined): Overrides {
  return Object.fromEntries(
    OVERRIDE_INPUTS.map((n) => [n, get(n) ?? ''] as const).filter(([, v]) => v !== ''),
  );
}

/** The input that sets the key at `path` (or a key under it), for blame; else the key itself. */
function inputAt(path: readonly string[]): string {
  const found = OVERRIDE_INPUTS.find((n) => path.every((p, i) => OVERRIDES[n].path[i] === p));
  return found ?? path.join('.');
}

/** Override inputs as a layer (plain {@link InputError}s naming the input); also returns `app`. */
export function overrideLayer(o: Overrides): {
  readonly layer: Layer<Section>;
  /** The same inputs' part for a target's section. */
  readonly targetLayer: (target: TargetName) => Layer<object>;
  readonly app?: string;
} {
  const section: Record<string, unknown> = {};
  let app: string | undefined;
  for (const input of OVERRIDE_INPUTS) {
    const raw = o[input]?.trim();
    if (raw === undefined || raw === '') continue;
    const { path, parse } = OVERRIDES[input];
    const value = parse(input, raw);
    if (path.length === 0) app = value as string;
    else setIn(section, path, value);
  }
  const layerAt = (prefix: readonly string[], s: object): Layer<object> => ({
    section: s,
    at: (key) => inputAt([...prefix, key]),
    wrap: (e: InputError) => e,
  });
  return {
    layer: layerAt([], section),
    targetLayer: (target) => layerAt([target], (section[target] as object | undefined) ?? {}),
    ...(app === undefined ? {} : { app }),
  };
}

function setIn(into: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) into[head] = value;
  else setIn((into[head] ??= {}) as Record<string, unknown>, rest, value);
}
