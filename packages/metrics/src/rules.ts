/**
 * Rules: what is watched, and when a reading is a warning or critical. Five built-in rules carry the
 * seeds' defaults (error rate, p95 latency, CPU, memory, health); a `rules:` list overrides them by
 * name or adds custom PromQL rules. Parsing is strict: every problem names `<input>[i].<key>`.
 */
import { InputError, parseDurationMs, parseInteger } from '@switchyard/kit';
import { templateVariables } from './promql.js';

export type Direction = 'above' | 'below';
export const DIRECTIONS: readonly Direction[] = ['above', 'below'];

/** How values are shown; thresholds are compared in the base unit (ratio, seconds, bytes). */
export const UNITS = ['ratio', 'seconds', 'bytes', 'number'] as const;
export type Unit = (typeof UNITS)[number];

/** An absolute limit, or a multiple of the rule's baseline. */
export type Threshold =
  | { readonly kind: 'absolute'; readonly value: number; readonly text: string }
  | { readonly kind: 'baseline'; readonly factor: number; readonly text: string };

export type RuleSource = 'prometheus' | 'health';

/**
 * Whose series a Prometheus rule reads: the app's own (`app`), or the proxy's in front of the colors
 * (`proxy`: HAProxy's exporter on the Docker target). It picks the rule's `$selector` and its
 * min-requests guard.
 */
export const METRIC_SERIES = ['app', 'proxy'] as const;
export type MetricSeries = (typeof METRIC_SERIES)[number];

/** Which built-in rules an environment is judged by (`monitor.metrics`): the app's, the proxy's, or both. */
export const METRICS_SOURCES = ['app', 'proxy', 'both'] as const;
export type MetricsSource = (typeof METRICS_SOURCES)[number];

/** Whether the series of `series` are watched under `source`. */
export function watches(source: MetricsSource, series: MetricSeries): boolean {
  return source === 'both' || source === series;
}

export interface Rule {
  readonly name: string;
  readonly builtin: boolean;
  readonly source: RuleSource;
  /** Whose series a Prometheus rule reads (undefined: the app's). */
  readonly metrics?: MetricSeries;
  /** The PromQL template (`$selector`, `$window`, …); absent for the health rule. */
  readonly query?: string;
  readonly warning?: Threshold;
  readonly critical?: Threshold;
  readonly direction: Direction;
  readonly unit: Unit;
  /** Consecutive critical evaluations that fail the window; undefined: the global failure-limit. */
  readonly failureLimit?: number;
  /** Subject to the min-requests guard (too little traffic reads as no data). */
  readonly traffic: boolean;
  /** A baseline below this counts as this (so a 2 ms baseline does not make 5 ms a "2×" regression). */
  readonly baselineMin?: number;
  readonly enabled: boolean;
  /** Where the defaults come from, for the docs. */
  readonly origin?: string;
}

const THRESHOLD_FORMS =
  'Use a number (0.8), a percentage (5%), a duration (1s, 500ms) or a multiple of the baseline (2x); none removes it';

/** Parses a threshold: `5%`, `1s`, `500ms`, `0.8`, `120`, `2x` (× baseline). `relative` makes a bare number a multiple. */
export function parseThreshold(
  name: string,
  raw: unknown,
  relative = false,
): Threshold | undefined {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw))
      throw new InputError(name, raw, 'is not a finite number', THRESHOLD_FORMS);
    return relative
      ? multiple(name, raw, raw)
      : { kind: 'absolute', value: raw, text: String(raw) };
  }
  if (typeof raw !== 'string')
    throw new InputError(name, raw, 'is not a threshold', THRESHOLD_FORMS);
  const s = raw.trim();
  if (s === 'none' || s === 'off') return undefined;
  let m = /^(\d+(?:\.\d+)?)\s*[x×]$/.exec(s);
  if (m) return multiple(name, raw, Number(m[1]));
  m = /^(-?\d+(?:\.\d+)?)\s*%$/.exec(s);
  if (m) {
    const pct = Number(m[1]);
    // A ratio above 100% can never be crossed (the safety net silently off); below 0% always is.
    if (pct < 0 || pct > 100)
      throw new InputError(name, raw, 'is out of range', 'Use a percentage from 0% to 100%');
    return { kind: 'absolute', value: pct / 100, text: s };
  }
  if (/^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(s)) {
    const n = Number(s);
    return relative ? multiple(name, raw, n) : { kind: 'absolute', value: n, text: s };
  }
  const ms = parseDurationMs(s);
  if (ms !== undefined) return { kind: 'absolute', value: ms / 1000, text: s };
  throw new InputError(name, raw, 'is not a threshold', THRESHOLD_FORMS);
}

/**
 * The variables a query template may use. `selector` and `window` come from the monitor's settings;
 * `requests`, `histogram` and `status_label` name the app's metrics (config `monitor.metrics`);
 * `cpu_limit` (cores) and `memory_limit` (bytes) come from the environment's `resources`; `color`
 * (the watched color, the previous one in a baseline query), `app` and `environment` from the
 * environment and its target's state.
 */
export const TEMPLATE_VARIABLES = [
  'selector',
  'window',
  'requests',
  'histogram',
  'status_label',
  'cpu_limit',
  'memory_limit',
  'color',
  'app',
  'environment',
] as const;

/** The metric names the built-in rules assume (prom-client's and most HTTP middlewares' defaults). */
export const DEFAULT_METRICS = {
  requests: 'http_requests_total',
  histogram: 'http_request_duration_seconds_bucket',
  status_label: 'code',
} as const;

/** A multiple of the baseline; only a positive factor makes sense. */
function multiple(name: string, raw: unknown, factor: number): Threshold {
  if (!(factor > 0))
    throw new InputError(name, raw, 'is not a positive multiple', 'Use e.g. 2x or 1.5x');
  return { kind: 'baseline', factor, text: `${factor}x baseline` };
}

/** The query of the traffic guard: requests in the rate window. */
export const TRAFFIC_QUERY = 'sum(increase($requests{$selector}[$window]))';

/**
 * HAProxy's exporter (built in since 2.0, `http-request use-service prometheus-exporter`): the
 * metrics the `proxy` rules read. Backend series carry `proxy="<backend>"`, and a color's backend
 * is `be_<color>` on the Docker target.
 */
export const HAPROXY_METRICS = {
  /** Counter of HTTP responses by class, `code="1xx"`…`"5xx"`/`"other"`, the proxy's own 502/503/504 included. */
  responses: 'haproxy_backend_http_responses_total',
  /** Counter of HTTP requests the backend received. */
  requests: 'haproxy_backend_http_requests_total',
  /**
   * Gauge: HAProxy's `rtime`, the mean time from the connection to the server until the response
   * headers came back, over the backend's last 1024 requests that got an answer. 1 ms resolution.
   */
  responseTime: 'haproxy_backend_response_time_average_seconds',
} as const;

/** The traffic guard's query per series (app: `$requests`; proxy: the backend's request counter). */
export const TRAFFIC_QUERIES: Readonly<Record<MetricSeries, string>> = {
  app: TRAFFIC_QUERY,
  proxy: `sum(increase(${HAPROXY_METRICS.requests}{$selector}[$window]))`,
};

/** The built-in rules with the seeds' defaults (DESIGN.md §4). */
export const BUILTIN_RULES: readonly Rule[] = [
  {
    name: 'error-rate',
    builtin: true,
    source: 'prometheus',
    query:
      '(sum(rate($requests{$selector,$status_label=~"5.."}[$window])) or vector(0)) / sum(rate($requests{$selector}[$window]))',
    warning: { kind: 'absolute', value: 0.01, text: '1%' },
    critical: { kind: 'absolute', value: 0.05, text: '5%' },
    direction: 'above',
    unit: 'ratio',
    traffic: true,
    enabled: true,
    origin: 'seeds: error rate > 1% warning, > 5% critical',
  },
  {
    name: 'p95-latency',
    builtin: true,
    source: 'prometheus',
    query: 'histogram_quantile(0.95, sum by (le) (rate($histogram{$selector}[$window])))',
    warning: { kind: 'absolute', value: 1, text: '1s' },
    critical: { kind: 'baseline', factor: 2, text: '2x baseline' },
    direction: 'above',
    unit: 'seconds',
    traffic: true,
    baselineMin: 0.05,
    enabled: true,
    origin: 'seeds: p95 > 1 s warning, > 2× baseline critical',
  },
  {
    name: 'cpu',
    builtin: true,
    source: 'prometheus',
    query: 'max(rate(process_cpu_seconds_total{$selector}[$window])) / $cpu_limit',
    warning: { kind: 'absolute', value: 0.8, text: '80%' },
    direction: 'above',
    unit: 'ratio',
    traffic: false,
    enabled: true,
    origin: 'seeds: CPU > 80% warning (of the target CPU limit, else of one core)',
  },
  {
    name: 'memory',
    builtin: true,
    source: 'prometheus',
    query: 'max(process_resident_memory_bytes{$selector}) / $memory_limit',
    warning: { kind: 'absolute', value: 0.85, text: '85%' },
    direction: 'above',
    unit: 'ratio',
    traffic: false,
    enabled: true,
    origin: 'seeds: memory > 85% warning (of the target memory limit)',
  },
  {
    name: 'health',
    builtin: true,
    source: 'health',
    critical: { kind: 'absolute', value: 0, text: 'check failed' },
    direction: 'above',
    unit: 'number',
    failureLimit: 3,
    traffic: false,
    enabled: true,
    origin: 'seeds: health check every 30 s, 5 s timeout, 3 consecutive failures',
  },
  {
    name: 'proxy-error-rate',
    builtin: true,
    source: 'prometheus',
    metrics: 'proxy',
    query: `(sum(rate(${HAPROXY_METRICS.responses}{$selector,code="5xx"}[$window])) or vector(0)) / sum(rate(${HAPROXY_METRICS.responses}{$selector}[$window]))`,
    warning: { kind: 'absolute', value: 0.01, text: '1%' },
    critical: { kind: 'absolute', value: 0.05, text: '5%' },
    direction: 'above',
    unit: 'ratio',
    traffic: true,
    enabled: true,
    origin: "seeds' error rate, read at the proxy: 5xx share of the color's backend",
  },
  {
    name: 'proxy-response-time',
    builtin: true,
    source: 'prometheus',
    metrics: 'proxy',
    query: `max(${HAPROXY_METRICS.responseTime}{$selector})`,
    warning: { kind: 'absolute', value: 1, text: '1s' },
    critical: { kind: 'baseline', factor: 2, text: '2x baseline' },
    direction: 'above',
    unit: 'seconds',
    traffic: true,
    baselineMin: 0.05,
    enabled: true,
    origin:
      "seeds' latency thresholds on what HAProxy measures: the mean server response time over the backend's last 1024 requests (not a p95)",
  },
  {
    name: 'proxy-requests',
    builtin: true,
    source: 'prometheus',
    metrics: 'proxy',
    query: `sum(rate(${HAPROXY_METRICS.requests}{$selector}[$window]))`,
    warning: { kind: 'baseline', factor: 0.5, text: '0.5x baseline' },
    direction: 'below',
    unit: 'number',
    traffic: false,
    enabled: true,
    origin:
      'request volume per color: a warning when the new color gets under half the old one’s requests/s',
  },
];

const RULE_NAME = /^[a-z0-9][a-z0-9_.-]*$/;
const KEYS = [
  'name',
  'query',
  'warning',
  'critical',
  'direction',
  'relative-to',
  'unit',
  'failure-limit',
  'min-requests-guard',
  'baseline-min',
  'enabled',
  'metrics',
] as const;

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(at: string, v: unknown, example: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new InputError(at, v, 'is not a single value', `Give a string, e.g. ${example}`);
}

function bool(at: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new InputError(at, v, 'is not a boolean', 'Use true or false');
}

/**
 * The rules after a `rules:` list (already parsed YAML) is applied to the built-ins: an item whose
 * name is a built-in overrides the keys it sets; any other item is a custom rule and needs a query.
 * `variables` lists the template variables the caller can fill, to reject an unknown `$name` up front.
 */
export function parseRules(
  input: string,
  doc: unknown,
  variables: readonly string[],
  base: readonly Rule[] = BUILTIN_RULES,
): Rule[] {
  const rules = [...base];
  if (doc === undefined || doc === null) return rules;
  if (!Array.isArray(doc))
    throw new InputError(
      input,
      doc,
      'is not a list of rules',
      'Write a YAML list; each item has name: and, for a custom rule, query:, warning: and/or critical:',
    );
  const seen = new Set<string>();
  doc.forEach((item: unknown, i) => {
    const at = `${input}[${i}]`;
    if (!isMapping(item))
      throw new InputError(at, item, 'is not a rule', 'Give a mapping with at least name:');
    for (const key of Object.keys(item))
      if (!(KEYS as readonly string[]).includes(key))
        throw new InputError(
          `${at}.${key}`,
          key,
          'is not a rule setting',
          `Use: ${KEYS.join(', ')}`,
        );
    const nameRaw = item.name;
    if (nameRaw === undefined || nameRaw === null)
      throw new InputError(`${at}.name`, '', 'is required', 'Name the rule, e.g. name: error-rate');
    const name = str(`${at}.name`, nameRaw, 'queue-depth').trim();
    if (!RULE_NAME.test(name))
      throw new InputError(
        `${at}.name`,
        nameRaw,
        'is not a rule name',
        'Use lowercase letters, digits, - _ and .',
      );
    if (seen.has(name))
      throw new InputError(`${at}.name`, name, 'is listed twice', 'List each rule once');
    seen.add(name);
    const index = rules.findIndex((r) => r.name === name);
    const existing = index >= 0 ? rules[index] : undefined;
    const rule = readRule(at, item, name, existing, variables);
    if (index >= 0) rules[index] = rule;
    else rules.push(rule);
  });
  return rules;
}

function readRule(
  at: string,
  o: Record<string, unknown>,
  name: string,
  existing: Rule | undefined,
  variables: readonly string[],
): Rule {
  const has = (k: string): boolean => o[k] !== undefined && o[k] !== null;
  const relativeRaw = has('relative-to')
    ? str(`${at}.relative-to`, o['relative-to'], 'baseline')
    : '';
  if (relativeRaw !== '' && relativeRaw !== 'baseline')
    throw new InputError(
      `${at}.relative-to`,
      relativeRaw,
      'is not a reference',
      'Use relative-to: baseline (thresholds are then multiples of the baseline), or leave it out',
    );
  const relative = relativeRaw === 'baseline';
  if (existing?.source === 'health' && has('query'))
    throw new InputError(
      `${at}.query`,
      o.query,
      'cannot be set on the health rule',
      'The health rule probes health-url; give a custom rule another name',
    );
  let query = existing?.query;
  if (has('query')) {
    query = str(`${at}.query`, o.query, 'max(queue_depth{$selector})').trim();
    if (query === '')
      throw new InputError(`${at}.query`, o.query, 'is empty', 'Give a PromQL query');
    const unknown = templateVariables(query).filter((v) => !variables.includes(v));
    if (unknown.length)
      throw new InputError(
        `${at}.query`,
        query,
        `uses ${unknown.map((v) => `$${v}`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not known`,
        `Use ${variables.map((v) => `$${v}`).join(', ')}`,
      );
  }
  if (!existing && query === undefined)
    throw new InputError(
      `${at}.query`,
      '',
      `is required for the custom rule ${name}`,
      `Give a PromQL query, or use a built-in name: ${BUILTIN_RULES.map((r) => r.name).join(', ')}`,
    );
  const threshold = (key: 'warning' | 'critical'): Threshold | undefined =>
    has(key) ? parseThreshold(`${at}.${key}`, o[key], relative) : existing?.[key];
  const warning = threshold('warning');
  const critical = threshold('critical');
  const enabled = has('enabled') ? bool(`${at}.enabled`, o.enabled) : (existing?.enabled ?? true);
  if (has('metrics') && existing?.source === 'health')
    throw new InputError(
      `${at}.metrics`,
      o.metrics,
      'cannot be set on the health rule',
      'The health rule probes health-url; metrics: is for rules with a query',
    );
  const metrics = has('metrics')
    ? parseOne(`${at}.metrics`, str(`${at}.metrics`, o.metrics, 'proxy'), METRIC_SERIES)
    : existing?.metrics;
  if (enabled && !existing && !warning && !critical)
    throw new InputError(
      at,
      name,
      'has neither warning nor critical',
      'Give a warning: and/or critical: threshold, e.g. critical: 5%',
    );
  const direction = has('direction')
    ? parseOne(`${at}.direction`, str(`${at}.direction`, o.direction, 'above'), DIRECTIONS)
    : (existing?.direction ?? 'above');
  const unit = has('unit')
    ? parseOne(`${at}.unit`, str(`${at}.unit`, o.unit, 'ratio'), UNITS)
    : (existing?.unit ?? 'number');
  if (unit === 'ratio')
    for (const key of ['warning', 'critical'] as const) {
      const t = key === 'warning' ? warning : critical;
      if (t?.kind === 'absolute' && (t.value < 0 || t.value > 1))
        throw new InputError(
          `${at}.${key}`,
          t.text,
          'is out of range for a ratio',
          'Use a percentage from 0% to 100% (or a fraction from 0 to 1)',
        );
    }
  const failureLimit = has('failure-limit')
    ? parseInteger(`${at}.failure-limit`, str(`${at}.failure-limit`, o['failure-limit'], '2'), {
        min: 1,
        max: 1000,
      })
    : existing?.failureLimit;
  const traffic = has('min-requests-guard')
    ? bool(`${at}.min-requests-guard`, o['min-requests-guard'])
    : (existing?.traffic ?? false);
  let baselineMin = existing?.baselineMin;
  if (has('baseline-min')) {
    const t = parseThreshold(`${at}.baseline-min`, o['baseline-min']);
    if (t?.kind !== 'absolute' && t !== undefined)
      throw new InputError(
        `${at}.baseline-min`,
        o['baseline-min'],
        'is not an absolute value',
        'Use e.g. 50ms or 0.01',
      );
    baselineMin = t?.value;
  }
  return {
    name,
    builtin: existing?.builtin ?? false,
    source: existing?.source ?? 'prometheus',
    ...(metrics !== undefined && { metrics }),
    ...(query !== undefined && { query }),
    ...(warning && { warning }),
    ...(critical && { critical }),
    direction,
    unit,
    ...(failureLimit !== undefined && { failureLimit }),
    traffic,
    ...(baselineMin !== undefined && { baselineMin }),
    enabled,
    ...(existing?.origin !== undefined && { origin: existing.origin }),
  };
}

function parseOne<T extends string>(at: string, raw: string, values: readonly T[]): T {
  const s = raw.trim();
  const found = values.find((v) => v === s);
  if (found === undefined)
    throw new InputError(
      at,
      raw,
      `is not one of ${values.join(', ')}`,
      `Use ${values.join(' or ')}`,
    );
  return found;
}

/** Whether `value` breaches `limit` in the rule's direction. */
export function breaches(direction: Direction, value: number, limit: number): boolean {
  return direction === 'above' ? value > limit : value < limit;
}

/** A value for people, in the rule's unit. */
export function formatValue(unit: Unit, value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'no data';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'ratio':
      return `${round(value * 100)}%`;
    case 'seconds':
      return round(value * 1000) < 1000 ? `${round(value * 1000)}ms` : `${round(value)}s`;
    case 'bytes': {
      const [factor, unitName] =
        value >= 1024 ** 3
          ? [1024 ** 3, 'GiB']
          : value >= 1024 ** 2
            ? [1024 ** 2, 'MiB']
            : value >= 1024
              ? [1024, 'KiB']
              : [1, 'B'];
      return `${round(value / factor)}${unitName}`;
    }
    default:
      return String(round(value));
  }
}

function round(n: number): number {
  const a = Math.abs(n);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return Number(n.toFixed(digits));
}

/** Shows a threshold in the rule's unit (`5%`, `1s`, `2x baseline (= 180ms)`). */
export function formatThreshold(
  unit: Unit,
  t: Threshold | undefined,
  baseline?: number | null,
): string {
  if (!t) return '–';
  if (t.kind === 'absolute') return formatValue(unit, t.value);
  return baseline === null || baseline === undefined
    ? `${t.factor}x baseline`
    : `${t.factor}x baseline (${formatValue(unit, t.factor * baseline)})`;
}
