/** The monitor-window inputs and the config file's `monitor:` section, parsed and checked before any query (STYLE.md §2). */
import {
  ConfigError,
  formatDuration,
  InputError,
  optional,
  parseUrl,
  type InputReader,
} from '@switchyard/kit';
import { readCredentials, type Credentials } from '@switchyard/image';
import { parseYaml } from '@switchyard/kit/yaml';
import {
  type ActionContext,
  CONFIG_FILE,
  containerSecrets,
  loadEnvironment,
  MONITOR_DEFAULTS,
  parseEnvironmentName,
  readMonitorInputs,
  readOverrides,
  type EnvironmentConfig,
  type MonitorSection,
} from '@switchyard/config';
import {
  BUILTIN_RULES,
  DEFAULT_METRICS,
  parseRules,
  parseSelector,
  TEMPLATE_VARIABLES,
  type Matcher,
  type MetricsSource,
  type NoDataPolicy,
  type Rule,
} from '@switchyard/metrics';
import { moveCredentials, parseHeaders, parseStatus, type StatusMatcher } from '@switchyard/probe';
import { telemetry, type Telemetry } from '@switchyard/targets';

export const FAIL_ON = ['failed', 'inconclusive', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** The defaults of what neither an input nor the file's `monitor:` sets (they live with the config). */
export { MONITOR_DEFAULTS };

export interface PrometheusInputs {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export interface HealthInputs {
  /** Explicit URLs; empty: the environment's live URL + health path (when an environment is given). */
  readonly urls: readonly string[];
  readonly timeoutMs: number;
  readonly expectStatus?: StatusMatcher;
}

/**
 * The series of the proxy in front of the colors, as the environment's target describes them
 * (`Telemetry.proxy`): the labels on every series of its exporter, and the label whose value names
 * a color's backend (`proxy="be_green"` on the Docker target).
 */
export interface ProxyTelemetry {
  readonly selector: Readonly<Record<string, string>>;
  readonly colorLabel: string;
  readonly colorValues: Readonly<Record<string, string>>;
}

/** The proxy's series of a target's telemetry, if it describes any (only the Docker target does). */
export function proxyTelemetry(workload: Telemetry | undefined): ProxyTelemetry | undefined {
  // Telemetry.proxy, read structurally: the Docker target describes its proxy there.
  const described: { readonly limitsFrom: string; readonly proxy?: ProxyTelemetry } | undefined =
    workload;
  return described?.proxy;
}

export interface MonitorInputs {
  /** The environment whose target state (colors, switch time, URL) fills the defaults. */
  readonly config?: EnvironmentConfig;
  /** A kubeconfig's content, for an environment on a Kubernetes target (masked by main). */
  readonly kubeconfig?: string;
  /** Which built-in rules judge the release: the app's series, the proxy's, or both (`metrics`). */
  readonly source: MetricsSource;
  /** The proxy's series, when the environment's target has a proxy that exports metrics. */
  readonly proxy?: ProxyTelemetry;
  readonly prometheus?: PrometheusInputs;
  /** undefined: derived from the environment (`app`, `environment` labels). */
  readonly selector?: Matcher[];
  readonly baselineSelector?: Matcher[];
  /** '' when colors are not told apart. */
  readonly colorLabel: string;
  /** ms since the epoch. */
  readonly baselineEnd?: number;
  readonly durationMs: number;
  readonly intervalMs: number;
  readonly rateWindowMs: number;
  readonly baselineWindowMs: number;
  readonly failureLimit: number;
  readonly maxNoData: number;
  readonly noData: NoDataPolicy;
  readonly minRequests: number;
  readonly rules: Rule[];
  readonly variables: Record<string, string>;
  /** How the user supplies a missing variable, for the summary of rules that are off. */
  readonly variableHints: Record<string, string>;
  readonly health: HealthInputs;
  readonly failOn: FailOn;
  /** On a failed verdict, roll the environment back (the rollback action's code path). */
  readonly rollback?: {
    readonly lockTimeoutMs: number;
    readonly verifyTimeoutMs: number;
    /** Secret container variables, in case the rollback redeploys. */
    readonly containerSecrets: Readonly<Record<string, string>>;
    /** Registry credentials, in case the rollback redeploys a private image gone from the host. */
    readonly credentials?: Credentials;
  };
  /** Values to mask. */
  readonly secrets: string[];
}

/** Parses every input; nothing is queried or probed here. */
export function parseInputs(r: InputReader, ctx: ActionContext): MonitorInputs {
  const secrets: string[] = [];
  const config = readConfig(r, ctx);
  // What the environment's target says of its workload (labels, limits): read once.
  const workload = config && telemetry(config);
  const file: MonitorSection = config?.monitor ?? {};

  // One layering for every key of monitor:: an input, else the file, else the default.
  const given = readMonitorInputs((n) => r.text(n));
  // metrics: is a mapping: the input (`metrics: proxy`) sets its source and keeps the file's names.
  const metrics = { ...file.metrics, ...given.metrics };
  const m: MonitorSection = { ...file, ...given, metrics };
  const source = metrics.source ?? 'app';
  const proxy = proxyTelemetry(workload);
  if (source !== 'app' && !proxy)
    throw new InputError(
      'metrics',
      source,
      config
        ? `needs a proxy that exports metrics, and the ${config.target.kind} target of ${config.environment} has none`
        : 'needs environment (the proxy and its colors come from the target)',
      config
        ? 'Use metrics: app (the Kubernetes equivalent, ingress controller metrics, goes in custom rules: see the README)'
        : 'Name the environment to watch, or use metrics: app with a selector',
    );
  const durationMs = m.duration ?? MONITOR_DEFAULTS.durationMs;
  const intervalMs = m.interval ?? MONITOR_DEFAULTS.intervalMs;
  if (intervalMs > durationMs) {
    // Blame an input the user set, else the file's monitor: section, else the default.
    const detail = `is longer than duration (${formatDuration(durationMs)})`;
    const fix = 'Make interval at most as long as duration, e.g. duration 15m with interval 30s';
    const fromInputs = given.interval !== undefined || given.duration !== undefined;
    if (!fromInputs && config && (file.interval !== undefined || file.duration !== undefined))
      throw new ConfigError(
        r.text('config') || CONFIG_FILE,
        `${config.environment}.monitor.${file.interval !== undefined ? 'interval' : 'duration'}`,
        `interval ${formatDuration(intervalMs)} ${detail}. ${fix}`,
      );
    throw new InputError(
      r.text('interval') ? 'interval' : 'duration',
      r.text('interval') || r.text('duration'),
      r.text('interval') ? detail : `is shorter than interval (${formatDuration(intervalMs)})`,
      fix,
    );
  }
  const rateWindowMs = m['rate-window'] ?? MONITOR_DEFAULTS.rateWindowMs;
  const baselineWindowMs = m['baseline-window'] ?? MONITOR_DEFAULTS.baselineWindowMs;

  const prometheus = readPrometheus(r, file, secrets);
  const selector = m.selector;
  const baselineText = r.text('baseline-selector');
  const baselineSelector = baselineText
    ? parseSelector('baseline-selector', baselineText)
    : undefined;
  const colorLabel = m['color-label'] ?? workload?.colorLabel ?? MONITOR_DEFAULTS.colorLabel;

  const variables = templateVariables(workload, m);
  const rulesText = r.text('rules');
  const rules = parseRules(
    'rules',
    rulesText
      ? parseYaml(
          'rules',
          rulesText,
          'Give a YAML list of rules, e.g. "- name: error-rate" with "critical: 2%"',
        )
      : undefined,
    TEMPLATE_VARIABLES,
    file.rules ?? BUILTIN_RULES,
  );
  const customWithoutProm = rules.find((x) => !x.builtin && x.enabled && !prometheus);
  if (customWithoutProm)
    throw new InputError(
      'prometheus-url',
      '',
      `is required for the rule ${customWithoutProm.name}`,
      'Give the Prometheus base URL, e.g. http://prometheus:9090',
    );

  const healthUrls = r.lines('health-url').map((u, i, all) => {
    const url = parseUrl(all.length > 1 ? `health-url[${i}]` : 'health-url', u);
    // A user:password@ becomes a Basic header when the check is built: mask the password now.
    moveCredentials(new URL(url.href), {}, secrets);
    return url.href;
  });
  const health: HealthInputs = {
    urls: healthUrls,
    timeoutMs: r.duration('health-timeout', {
      default: config?.health.timeoutMs ?? MONITOR_DEFAULTS.healthTimeoutMs,
      min: 1,
    }),
    ...(config && { expectStatus: config.health.expectStatus }),
    ...(r.text('health-expect-status') && {
      expectStatus: parseStatus('health-expect-status', r.text('health-expect-status')),
    }),
  };
  const healthFailures = r.integer('health-failures', { default: undefined, min: 1, max: 1000 });
  const withHealthLimit =
    healthFailures === undefined
      ? rules
      : rules.map((x) => (x.source === 'health' ? { ...x, failureLimit: healthFailures } : x));

  if (!config && !selector && prometheus)
    throw new InputError(
      'selector',
      '',
      'is required without environment',
      'Give label matchers for the release, e.g. job="web",color="green" (or set environment to read them from the target)',
    );
  if (!prometheus && health.urls.length === 0 && !config)
    throw new InputError(
      'prometheus-url',
      '',
      'and health-url are both empty',
      'Give a Prometheus URL (prometheus-url), health URLs (health-url), or an environment to watch',
    );

  const baselineEnd = readTime(r, 'baseline-end');
  const kubeconfig = r.text('kubeconfig');
  return {
    ...(config && { config }),
    ...(kubeconfig && { kubeconfig }),
    source,
    ...(proxy && { proxy }),
    ...(prometheus && { prometheus }),
    ...(selector && { selector }),
    ...(baselineSelector && { baselineSelector }),
    colorLabel,
    ...(baselineEnd !== undefined && { baselineEnd }),
    durationMs,
    intervalMs,
    rateWindowMs,
    baselineWindowMs,
    failureLimit: m['failure-limit'] ?? MONITOR_DEFAULTS.failureLimit,
    maxNoData: m['max-no-data'] ?? MONITOR_DEFAULTS.maxNoData,
    noData: m['no-data'] ?? MONITOR_DEFAULTS.noData,
    minRequests: m['min-requests'] ?? MONITOR_DEFAULTS.minRequests,
    rules: withHealthLimit,
    variables,
    variableHints: {
      memory_limit: workload
        ? `set ${workload.limitsFrom}.memory in the config file`
        : 'name an environment whose config sets a memory limit',
      color: 'name the environment to watch',
      app: 'name the environment to watch',
      environment: 'name the environment to watch',
    },
    health,
    failOn: r.enum('fail-on', FAIL_ON, { default: 'failed' as const }),
    ...(readRollback(r, config, ctx) ?? {}),
    secrets,
  };
}

/** `rollback-on-failure` and what a rollback needs, checked up front (it needs an environment). */
function readRollback(
  r: InputReader,
  config: EnvironmentConfig | undefined,
  ctx: ActionContext,
): Pick<MonitorInputs, 'rollback'> | undefined {
  if (!r.boolean('rollback-on-failure', { default: false })) return undefined;
  if (!config)
    throw new InputError(
      'rollback-on-failure',
      'true',
      'needs environment',
      'Name the environment to roll back (environment: production), or roll back in a later step',
    );
  return {
    rollback: {
      lockTimeoutMs: r.duration('lock-timeout', { default: 600_000, min: 0 }),
      verifyTimeoutMs: r.duration('verify-timeout', { default: 30_000, min: 0 }),
      containerSecrets: containerSecrets(r.keyValues('secrets'), config, ctx.env, true),
      ...optional('credentials', readCredentials(r, 'registry-username', 'registry-password')),
    },
  };
}

function readConfig(r: InputReader, ctx: ActionContext): EnvironmentConfig | undefined {
  const envText = r.text('environment');
  if (!envText) return undefined;
  const environment = parseEnvironmentName('environment', envText);
  return loadEnvironment({
    configInput: r.text('config'),
    environment,
    overrides: readOverrides((n) => r.text(n)),
    workspace: ctx.workspace,
    ...(ctx.readFile && { readFile: ctx.readFile }),
  });
}

function readPrometheus(
  r: InputReader,
  file: MonitorSection,
  secrets: string[],
): PrometheusInputs | undefined {
  const text = r.text('prometheus-url') || file['prometheus-url'] || '';
  if (!text) {
    for (const name of [
      'prometheus-token',
      'prometheus-username',
      'prometheus-password',
      'prometheus-headers',
    ])
      if (r.text(name))
        throw new InputError(
          name,
          '***',
          'is set without prometheus-url',
          'Give prometheus-url too, or drop it',
        );
    return undefined;
  }
  const name = r.text('prometheus-url') ? 'prometheus-url' : 'monitor.prometheus-url';
  const url = parseUrl(name, text);
  const headers: Record<string, string> = parseHeaders(
    'prometheus-headers',
    r.text('prometheus-headers'),
  );
  // Every header value may carry a tenant or a key: mask them all.
  for (const v of Object.values(headers)) secrets.push(v);
  moveCredentials(url, headers, secrets);
  const token = r.text('prometheus-token');
  const username = r.text('prometheus-username');
  const password = r.text('prometheus-password');
  if (token && (username || password))
    throw new InputError(
      'prometheus-token',
      '***',
      `is set together with prometheus-${username ? 'username' : 'password'}`,
      'Use a bearer token or basic auth, not both',
    );
  if (Boolean(username) !== Boolean(password))
    throw new InputError(
      username ? 'prometheus-password' : 'prometheus-username',
      '',
      'is required with the other Prometheus credential',
      'Give both prometheus-username and prometheus-password, or neither',
    );
  if (token) {
    secrets.push(token);
    headers.Authorization = `Bearer ${token}`;
  }
  if (username) {
    secrets.push(password);
    headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  if (headers.Authorization) secrets.push(headers.Authorization);
  return {
    url: url.toString().replace(/\/+$/, ''),
    headers,
    timeoutMs: r.duration('query-timeout', { default: MONITOR_DEFAULTS.queryTimeoutMs, min: 100 }),
  };
}

/** `$cpu_limit` (else one core) and `$memory_limit` from the target's limits, metric names from monitor.metrics. */
function templateVariables(
  limits: Telemetry | undefined,
  file: MonitorSection,
): Record<string, string> {
  return {
    requests: file.metrics?.requests ?? DEFAULT_METRICS.requests,
    histogram: file.metrics?.histogram ?? DEFAULT_METRICS.histogram,
    status_label: file.metrics?.['status-label'] ?? DEFAULT_METRICS.status_label,
    cpu_limit: String(limits?.cpuLimit ?? 1),
    ...(limits?.memoryLimitBytes !== undefined && {
      memory_limit: String(limits.memoryLimitBytes),
    }),
  };
}

/** An ISO 8601 time or unix seconds. */
function readTime(r: InputReader, name: string): number | undefined {
  const s = r.text(name);
  if (!s) return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  // A zone is required: a bare local time would be read in the runner's zone.
  const t = /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(s) ? Date.parse(s) : Number.NaN;
  if (Number.isNaN(t))
    throw new InputError(
      name,
      s,
      'is not a time',
      'Use an ISO 8601 time with a zone (2026-11-22T10:15:00Z) or unix seconds',
    );
  return t;
}
