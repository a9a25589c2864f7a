/**
 * The schema of one environment section (and of `defaults:`): a reader per key that checks the type
 * and the value and returns it parsed. A section holds only the keys it sets, so sections can be
 * layered (defaults, environment, overrides) before defaults are filled in.
 */
import {
  InputError,
  MAX_LONG_DURATION_MS,
  parseDuration,
  parseEnum,
  parseInteger,
  parseUrl,
} from '@switchyard/kit';
import { parseAssertion, parseStatus } from '@switchyard/probe';
import { parseHealthPath } from './fields.js';
import { parseWindows } from '@switchyard/calendar/config';
import { parseGithubProtection } from '@switchyard/github/config';
import { parseNotify } from '@switchyard/notify/config';
import { DEFAULT_TARGET, TARGET_SCHEMAS, TARGET_SECTIONS } from './target-schemas.js';
import {
  METRICS_SOURCES,
  NO_DATA_POLICIES,
  type NoDataPolicy,
  parseLabelName,
  parseRules,
  parseSelector,
  TEMPLATE_VARIABLES,
} from '@switchyard/metrics';
import { ENV_NAME, TARGETS, type TargetName } from './types.js';
import {
  isMapping,
  join,
  kindOf,
  list,
  mapping,
  name,
  oneOrMany,
  readKeys,
  text,
  type Parsed,
  type Readers,
} from './values.js';

const ENV_RULE = 'letters, digits and _, not starting with a digit (e.g. DATABASE_URL)';
const duration =
  (min: number, max?: number) =>
  (p: string, v: unknown): number =>
    parseDuration(p, text(p, v, '30s'), { min, ...(max !== undefined && { max }) });
const httpUrl = (p: string, v: unknown): string => {
  const s = text(p, v, 'https://shop.example.com').trim();
  parseUrl(p, s);
  return s;
};

const HEALTH = {
  path: (p: string, v: unknown): string => parseHealthPath(p, text(p, v, '/healthz')),
  'expect-status': (p: string, v: unknown) => parseStatus(p, v),
  'expect-json': (p: string, v: unknown) =>
    oneOrMany(p, v, '[$.status == "ok"]').map((a, i) =>
      parseAssertion(Array.isArray(v) ? `${p}[${i}]` : p, a),
    ),
  'body-contains': (p: string, v: unknown): string[] => oneOrMany(p, v, '[ok]'),
  interval: duration(100),
  timeout: duration(100),
  headers: readHeaders,
} satisfies Readers;

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `health.headers`: Name: value pairs sent with every health request (Host, a probe marker, …). */
function readHeaders(path: string, v: unknown): Record<string, string> {
  if (!isMapping(v))
    throw new InputError(
      path,
      v,
      `is ${kindOf(v)}, not a mapping`,
      'Write Name: value pairs, e.g. {Host: shop.example.com}',
    );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(v)) {
    const at = join(path, name);
    if (!HEADER_NAME.test(name))
      throw new InputError(at, name, 'is not an HTTP header name', 'Use letters, digits and -');
    const text = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
    if (text === undefined || /[\r\n\0]/.test(text))
      throw new InputError(
        at,
        value,
        text === undefined ? `is ${kindOf(value)}, not a single value` : 'spans lines',
        'Give the header value on one line',
      );
    out[name] = text;
  }
  return out;
}

const count =
  (min: number, max: number) =>
  (p: string, v: unknown): number =>
    parseInteger(p, text(p, v, String(min)), { min, max });

/** The most warm-up requests, and the most in flight at once (sane bounds, not tuning advice). */
export const WARM_UP_MAX = { requests: 10_000, concurrency: 500 } as const;

const WARM_UP = {
  requests: count(0, WARM_UP_MAX.requests),
  concurrency: count(1, WARM_UP_MAX.concurrency),
  path: (p: string, v: unknown): string => parseHealthPath(p, text(p, v, '/')),
} satisfies Readers;

/** The parsed `warm-up:` settings: only the keys set (`requests: 0` is off). */
export type WarmUpSection = Parsed<typeof WARM_UP>;

/**
 * `warm-up:` — requests sent to the new color through the preview route just before the switch.
 * A mapping of {@link WARM_UP} keys, or `off` / `false` / `0`, read as `requests: 0` so that it
 * layers like any mapping (`off` in `defaults:` and `requests: 200` in a section turn it on).
 */
function readWarmUp(p: string, v: unknown): WarmUpSection {
  if (v === false || v === 0 || (typeof v === 'string' && /^\s*(off|false|0)\s*$/i.test(v)))
    return { requests: 0 };
  if (!isMapping(v))
    throw new InputError(
      p,
      v,
      `is ${kindOf(v)}, not a mapping or off`,
      'Write warm-up: {requests: 200, concurrency: 20, path: /} or warm-up: off',
    );
  return readKeys(p, v, WARM_UP, 'warm-up settings: {requests: 200, concurrency: 20, path: /}');
}

const METRICS = {
  requests: (p: string, v: unknown): string =>
    parseMetricName(p, text(p, v, 'http_requests_total')),
  histogram: (p: string, v: unknown): string =>
    parseMetricName(p, text(p, v, 'http_request_duration_seconds_bucket')),
  'status-label': (p: string, v: unknown): string => parseLabelName(p, text(p, v, 'code')),
  source: (p: string, v: unknown) => parseEnum(p, text(p, v, 'proxy'), METRICS_SOURCES),
} satisfies Readers;

/** The parsed `monitor.metrics`: which series judge the release, and the app's metric names. */
export type MetricsSection = Parsed<typeof METRICS>;

/**
 * `monitor.metrics`: `app`, `proxy` or `both` (which built-in rules judge the release: the app's
 * own series, the proxy's, or both), or a mapping of {@link METRICS} keys (`source:` and the app's
 * metric names).
 */
function readMetrics(p: string, v: unknown): MetricsSection {
  if (typeof v === 'string') return { source: METRICS.source(p, v) };
  return readKeys(
    p,
    v,
    METRICS,
    'app, proxy or both, or metric names: {source: both, requests: http_requests_total}',
  );
}

/** `monitor:` — the monitor-window settings of an environment (inputs override them). */
const MONITOR = {
  'prometheus-url': httpUrl,
  selector: (p: string, v: unknown) => parseSelector(p, text(p, v, 'app="web"')),
  'color-label': (p: string, v: unknown): string => {
    const s = text(p, v, 'color').trim();
    return s === '' || s === 'none' ? '' : parseLabelName(p, s);
  },
  duration: duration(1000),
  interval: duration(100),
  'rate-window': duration(1000),
  'baseline-window': duration(1000),
  'failure-limit': count(1, 1000),
  'max-no-data': count(1, 1000),
  'min-requests': count(0, 1_000_000_000),
  'no-data': (p: string, v: unknown) => parseEnum(p, text(p, v, 'fail'), NO_DATA_POLICIES),
  rules: (p: string, v: unknown) => parseRules(p, v, TEMPLATE_VARIABLES),
  metrics: readMetrics,
} satisfies Readers;

/** The keys of `monitor:`, in reference order. */
export const MONITOR_KEYS = Object.keys(MONITOR) as (keyof typeof MONITOR)[];
/** The parsed `monitor:` settings: only the keys set. */
export type MonitorSection = Parsed<typeof MONITOR>;

/**
 * The monitor-window inputs that override `monitor:` key by key: each input is named as its key and
 * read by that key's reader, so a value means the same in the file and as an input.
 */
export const MONITOR_INPUTS = [
  'selector',
  'color-label',
  'duration',
  'interval',
  'rate-window',
  'baseline-window',
  'failure-limit',
  'max-no-data',
  'min-requests',
  'no-data',
  'metrics',
] as const satisfies readonly (keyof typeof MONITOR)[];

/** The monitor inputs given (`get` returns '' for an input not set), as a `monitor:` layer. */
export function readMonitorInputs(get: (input: string) => string): MonitorSection {
  const out: Record<string, unknown> = {};
  for (const key of MONITOR_INPUTS) {
    const raw = get(key).trim();
    if (raw !== '') out[key] = MONITOR[key](key, raw);
  }
  return out;
}

/** The defaults of `monitor:` (DESIGN.md §4, TESTBED.md §4), for a key neither an input nor the file sets. */
export const MONITOR_DEFAULTS = {
  durationMs: 15 * 60_000,
  intervalMs: 30_000,
  rateWindowMs: 60_000,
  baselineWindowMs: 10 * 60_000,
  failureLimit: 2,
  maxNoData: 3,
  noData: 'fail' as NoDataPolicy,
  minRequests: 10,
  healthTimeoutMs: 5000,
  queryTimeoutMs: 10_000,
  colorLabel: 'color',
} as const;

const SECTION = {
  target: (p: string, v: unknown) => parseEnum(p, text(p, v, DEFAULT_TARGET), TARGETS),
  ...TARGET_SECTIONS,
  url: httpUrl,
  'preview-url': httpUrl,
  health: (p: string, v: unknown) => readKeys(p, v, HEALTH, 'health settings'),
  env: readEnv,
  secrets: readSecrets,
  'keep-previous': duration(0, MAX_LONG_DURATION_MS),
  'ready-timeout': duration(1000),
  'warm-up': readWarmUp,
  monitor: (p: string, v: unknown) => readKeys(p, v, MONITOR, 'monitor settings'),
  // Each replaced whole by a later layer (an environment's `notify:` is its own, not merged).
  notify: (p: string, v: unknown) => parseNotify(p, v),
  windows: (p: string, v: unknown) => parseWindows(p, v),
  github: (p: string, v: unknown) => parseGithubProtection(p, v),
} satisfies Readers;

/** The keys of an environment section, in reference order. */
export const SECTION_KEYS = Object.keys(SECTION) as (keyof typeof SECTION)[];

/** One parsed layer of settings: only the keys it sets. */
export type Section = Parsed<typeof SECTION>;
/** The section keys whose values are mappings, merged key by key when layered. */
export const MAPPING_KEYS = ['health', 'env', 'warm-up', 'monitor'] as const;

/** A target key written at the top of a section, in the older flat form. */
export interface FlatKey {
  readonly target: TargetName;
  /** The key in the target's section. */
  readonly key: string;
  /** Where it was written (`production.port`). */
  readonly at: string;
}

/** A section as read: its settings, and the target keys it wrote in the older flat form. */
export interface ReadSection {
  readonly section: Section;
  readonly flat: readonly FlatKey[];
}

/** Flat name → the target and key it is read as. */
const FROM_FLAT = new Map(
  TARGETS.flatMap((target) =>
    Object.entries(TARGET_SCHEMAS[target].flatKeys).map(
      ([key, flat]) => [flat, { target, key }] as const,
    ),
  ),
);

/** The flat names of target keys (not environment names, not keys of another meaning). */
export const FLAT_KEYS: readonly string[] = [...FROM_FLAT.keys()];

/** Where a key of a target's section belongs, for "did you mean" (`host` → `<target>.host`). */
const ELSEWHERE = Object.fromEntries(
  TARGETS.flatMap((t) => Object.keys(TARGET_SCHEMAS[t].section).map((k) => [k, `${t}.${k}`])),
);

/**
 * Reads and validates an environment section (or `defaults:`) at `path`. An empty section (`staging:`
 * with nothing under it) and empty keys (`port:`) read as not set. Target settings written at the
 * top of the section, as before targets had their own part, are read into the target's section.
 */
export function readSection(path: string, v: unknown): ReadSection {
  const what = 'an environment section: a mapping of settings such as health: {path: /healthz}';
  const m = isMapping(v) ? v : {};
  const own = Object.fromEntries(Object.entries(m).filter(([k]) => !FROM_FLAT.has(k)));
  mapping(path, isMapping(v) ? own : v, SECTION_KEYS, what, ELSEWHERE);
  const section = readKeys(path, own, SECTION, what);
  const flat: FlatKey[] = [];
  for (const [written, value] of Object.entries(m)) {
    const found = FROM_FLAT.get(written);
    if (found === undefined || value === null || value === undefined) continue;
    const { target, key } = found;
    const at = join(path, written);
    const part: Record<string, unknown> = { ...section[target] };
    if (part[key] !== undefined)
      throw new InputError(
        at,
        written,
        `is also set as ${join(path, `${target}.${key}`)}`,
        `Keep only ${target}.${key}: ${target} settings belong under ${target}:`,
      );
    const read = TARGET_SCHEMAS[target].section[key] as (p: string, v: unknown) => unknown;
    section[target] = { ...part, [key]: read(at, value) };
    flat.push({ target, key, at });
  }
  return { section, flat };
}

function readEnv(path: string, v: unknown): Record<string, string> {
  if (!isMapping(v))
    throw new InputError(path, v, `is ${kindOf(v)}, not a mapping`, 'Write NAME: value pairs');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(v)) {
    const at = join(path, key);
    if (!ENV_NAME.test(key))
      throw new InputError(at, key, 'is not a valid variable name', `Use ${ENV_RULE}`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw new InputError(
        at,
        value,
        value === null ? 'is not a value' : `is ${kindOf(value)}`,
        'Give a string, number or boolean (write "" for an empty value)',
      );
    out[key] = String(value);
  }
  return out;
}

function readSecrets(path: string, v: unknown): string[] {
  const seen = new Set<string>();
  return list(path, v, '[DATABASE_URL, API_TOKEN]', (at, x) => {
    const s = name(at, x, ENV_NAME, ENV_RULE);
    if (seen.has(s)) throw new InputError(at, s, 'is listed twice', 'List each secret once');
    seen.add(s);
    return s;
  });
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function parseMetricName(path: string, raw: string): string {
  const s = raw.trim();
  if (!METRIC_NAME.test(s))
    throw new InputError(
      path,
      raw,
      'is not a Prometheus metric name',
      'Use letters, digits, _ and :, not starting with a digit',
    );
  return s;
}
