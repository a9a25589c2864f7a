/**
 * The monitor window: resolve the rules' queries, check them against Prometheus once up front,
 * measure each rule's baseline on the old version, then evaluate every `interval` until the window
 * ends or the verdict machine decides. Time comes from an injected {@link Clock}, Prometheus and the
 * health probes from injected clients, so a 15-minute window runs in milliseconds in tests.
 */
import {
  ActionError,
  errorMessage,
  formatDuration,
  logProgress,
  retry,
  type Clock,
  type Logger,
} from '@switchyard/kit';
import { attemptCheck, type CheckSpec, type Http } from '@switchyard/probe';
import { PrometheusError, type Prometheus, type Sample } from './prometheus.js';
import {
  expandTemplate,
  promDuration,
  renderMatchers,
  templateVariables,
  type Matcher,
} from './promql.js';
import {
  formatValue,
  TRAFFIC_QUERIES,
  watches,
  type MetricSeries,
  type MetricsSource,
  type Rule,
} from './rules.js';
import {
  blindReading,
  classify,
  describeReading,
  VerdictMachine,
  type Decision,
  type Reading,
  type RuleState,
  type Verdict,
  type VerdictOptions,
} from './verdict.js';

/** Everything a window needs, parsed and validated. */
export interface MonitorPlan {
  readonly durationMs: number;
  readonly intervalMs: number;
  /** The range of `rate()` and friends (`$window`). */
  readonly rateWindowMs: number;
  readonly baselineWindowMs: number;
  /** End of the baseline window (ms since the epoch), e.g. the switch time; undefined: the window's start. */
  readonly baselineEnd?: number;
  /** Matchers for the release being watched (`$selector`). */
  readonly selector: readonly Matcher[];
  /** Matchers for the old version, for the baseline; undefined: `selector`; null: there is no old version (no baseline). */
  readonly baselineSelector?: readonly Matcher[] | null;
  /**
   * The proxy's series of the watched and the old color (rules with `metrics: proxy`); absent when
   * the target has no proxy that exports metrics (those rules are then off).
   */
  readonly proxy?: {
    readonly selector: readonly Matcher[];
    readonly baselineSelector: readonly Matcher[] | null;
  };
  /** Which built-in rules run (`monitor.metrics`); custom rules always run. Default `app`. */
  readonly source?: MetricsSource;
  readonly rules: readonly Rule[];
  /** Template variables besides `$selector` and `$window` (`requests`, `cpu_limit`, …); a missing one turns its rules off. */
  readonly variables: Readonly<Record<string, string>>;
  /** Variables with another value in a baseline query (`color`: the previous color). */
  readonly baselineVariables?: Readonly<Record<string, string>>;
  /** How a user supplies a missing variable (`memory_limit` → `set docker.resources.memory in the config file`). */
  readonly variableHints?: Readonly<Record<string, string>>;
  /** Fewer requests than this in the rate window read as no data for traffic rules; 0 turns the guard off. */
  readonly minRequests: number;
  readonly verdict: VerdictOptions;
  /** Probed on every evaluation by the `health` rule. */
  readonly healthChecks: readonly CheckSpec[];
}

export interface MonitorDeps {
  /** Absent when no Prometheus is configured: its rules are then off. */
  readonly prometheus?: Prometheus;
  readonly http: Http;
  readonly clock: Clock;
  readonly log: Logger;
}

/** A rule with its queries filled in, or the reason it is off. */
export interface ResolvedRule {
  readonly rule: Rule;
  /** Whose series it reads, and the watched selector rendered (for "no series matched {…}"). */
  readonly series?: MetricSeries;
  readonly selector?: string;
  readonly query?: string;
  readonly baselineQuery?: string;
  /** Why the rule is not evaluated. */
  readonly off?: string;
}

export interface Evaluation {
  /** ms since the epoch. */
  readonly at: number;
  readonly elapsedMs: number;
  /** Requests in the rate window (the traffic guard of the app's series), when measured. */
  readonly requests?: number | null;
  /** Requests in the rate window at the proxy (the traffic guard of the proxy's series), when measured. */
  readonly proxyRequests?: number | null;
  readonly readings: readonly Reading[];
}

export interface Breach {
  readonly at: number;
  readonly elapsedMs: number;
  readonly rule: string;
  readonly severity: 'warning' | 'critical';
  readonly value: number;
  readonly limit: number;
  readonly threshold: string;
}

export interface RuleReport extends ResolvedRule {
  readonly baseline: number | null;
  readonly baselineNote?: string;
  readonly min: number | null;
  readonly max: number | null;
  readonly last: number | null;
  readonly lastState?: RuleState;
  /** The worst state seen in the window. */
  readonly worst?: RuleState;
}

export interface MonitorReport {
  readonly verdict: Verdict;
  readonly reason: string;
  readonly decision: Decision;
  /** The query behind the deciding rule, when a Prometheus rule decided. */
  readonly query?: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly durationMs: number;
  /** True when the verdict came before the window's end. */
  readonly stoppedEarly: boolean;
  readonly selector: string;
  readonly baselineSelector: string;
  readonly baselineWindow: { readonly start: number; readonly end: number };
  readonly trafficQuery?: string;
  /** The proxy's series: the watched selector, and the traffic guard's query, when proxy rules ran. */
  readonly proxySelector?: string;
  readonly proxyTrafficQuery?: string;
  readonly rules: readonly RuleReport[];
  readonly evaluations: readonly Evaluation[];
  readonly breaches: readonly Breach[];
}

const SEVERITY: Readonly<Record<RuleState, number>> = {
  ok: 0,
  'no-data': 1,
  blind: 1,
  warning: 2,
  critical: 3,
};

/** The watched and the baseline matchers of a series; undefined when the plan has none for it. */
function seriesSelectors(
  plan: MonitorPlan,
  series: MetricSeries,
): { selector: readonly Matcher[]; baseline: readonly Matcher[] | null } | undefined {
  if (series === 'proxy')
    return plan.proxy && { selector: plan.proxy.selector, baseline: plan.proxy.baselineSelector };
  return {
    selector: plan.selector,
    baseline: plan.baselineSelector === null ? null : (plan.baselineSelector ?? plan.selector),
  };
}

/** The variables of a query on `matchers` (`baseline`: with the old color's values). */
function variablesFor(
  plan: MonitorPlan,
  matchers: readonly Matcher[],
  baseline: boolean,
): Record<string, string> {
  return {
    ...plan.variables,
    ...(baseline ? plan.baselineVariables : {}),
    selector: renderMatchers(matchers),
    window: promDuration(plan.rateWindowMs),
  };
}

/**
 * Fills every rule's query for the watched and the baseline selector; says why a rule is off. The
 * built-in rules of series the plan's `source` does not watch are left out.
 */
export function resolveRules(plan: MonitorPlan, hasPrometheus: boolean): ResolvedRule[] {
  const source = plan.source ?? 'app';
  // A built-in Prometheus rule runs when its series are watched; a custom one whenever it is given.
  const chosen = plan.rules.filter(
    (rule) => !rule.builtin || rule.source === 'health' || watches(source, rule.metrics ?? 'app'),
  );
  return chosen.map((rule): ResolvedRule => {
    if (!rule.enabled) return { rule, off: 'disabled' };
    if (rule.source === 'health')
      return plan.healthChecks.length
        ? { rule }
        : { rule, off: 'no health-url (and no live URL from the target)' };
    const series = rule.metrics ?? 'app';
    if (!hasPrometheus) return { rule, off: 'no prometheus-url' };
    const matchers = seriesSelectors(plan, series);
    if (!matchers)
      return {
        rule,
        off: "no proxy metrics: the environment's target has no proxy that exports them",
      };
    const watched = variablesFor(plan, matchers.selector, false);
    const old = matchers.baseline && variablesFor(plan, matchers.baseline, true);
    const template = rule.query ?? '';
    const missing = templateVariables(template).filter((v) => watched[v] === undefined);
    if (missing.length)
      return {
        rule,
        off: `needs ${missing.map((v) => `$${v}`).join(', ')}: ${[
          ...missing.flatMap((v) => plan.variableHints?.[v] ?? []),
          'give the rule a query',
        ].join(', or ')}`,
      };
    return {
      rule,
      series,
      selector: watched.selector,
      query: expandTemplate(template, watched),
      ...(old && { baselineQuery: expandTemplate(template, old) }),
    };
  });
}

/** The traffic guard's query of a series, when some active rule of that series needs it. */
function trafficQuery(
  plan: MonitorPlan,
  active: readonly ResolvedRule[],
  series: MetricSeries,
): string | undefined {
  if (plan.minRequests <= 0) return undefined;
  if (!active.some((r) => r.rule.traffic && r.query && r.series === series)) return undefined;
  const matchers = seriesSelectors(plan, series);
  if (!matchers) return undefined;
  try {
    return expandTemplate(TRAFFIC_QUERIES[series], variablesFor(plan, matchers.selector, false));
  } catch {
    return undefined;
  }
}

/** The value a rule reads from a query's samples: the worst finite one in its direction. */
export function pickValue(
  rule: Rule,
  samples: readonly Sample[],
  selector?: string,
): { value: number | null; note?: string; empty?: true } {
  if (samples.length === 0)
    return {
      value: null,
      note: `no series matched${selector === undefined ? '' : ` {${selector}}`}`,
      empty: true,
    };
  const usable = samples.filter((s) => !Number.isNaN(s.value));
  if (usable.length === 0) return { value: null, note: 'NaN: no traffic in the rate window (0/0)' };
  const worst = usable.reduce((a, b) =>
    rule.direction === 'above' ? (b.value > a.value ? b : a) : b.value < a.value ? b : a,
  );
  if (samples.length === 1) return { value: worst.value };
  const labels = Object.entries(worst.labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return { value: worst.value, note: `worst of ${samples.length} series: {${labels}}` };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const RETRY = { attempts: 2, initialDelayMs: 250, maxDelayMs: 250, jitter: 0 };

/** Runs the window and returns its report; throws before the window on a bad query or an unreachable Prometheus. */
export async function monitor(plan: MonitorPlan, deps: MonitorDeps): Promise<MonitorReport> {
  const { clock, log, prometheus } = deps;
  const resolved = resolveRules(plan, prometheus !== undefined);
  const active = resolved.filter((r) => r.off === undefined);
  if (active.length === 0)
    throw new ActionError(
      `no rule to evaluate: ${resolved.map((r) => `${r.rule.name} (${r.off ?? 'off'})`).join(', ')}`,
    );
  const traffic: Traffic = {
    app: trafficQuery(plan, active, 'app'),
    proxy: trafficQuery(plan, active, 'proxy'),
  };
  for (const r of resolved)
    if (r.off) log.info(`rule ${r.rule.name}: off (${r.off})`);
    else
      log.info(
        `rule ${r.rule.name}: ${r.query ?? `probing ${plan.healthChecks.map((c) => c.url).join(', ')}`}`,
      );

  const startedAt = clock.now();
  const baselineEnd = plan.baselineEnd ?? startedAt;
  const baselineStart = baselineEnd - plan.baselineWindowMs;

  if (prometheus) await preflight(prometheus, active, traffic, startedAt, log);

  const baselines = new Map<string, { value: number | null; note?: string }>();
  if (prometheus)
    await Promise.all(
      active
        .filter((r) => r.baselineQuery)
        .map(async (r) => {
          baselines.set(
            r.rule.name,
            await measureBaseline(prometheus, r, baselineStart, baselineEnd, plan, clock),
          );
        }),
    );
  for (const r of active) {
    const needs = r.rule.critical?.kind === 'baseline' || r.rule.warning?.kind === 'baseline';
    if (r.query && !r.baselineQuery && needs) {
      log.warning(
        `${r.rule.name}: no previous version to measure a baseline on, so its thresholds relative to the baseline are not evaluated`,
        { title: 'monitor-window: no baseline' },
      );
      baselines.set(r.rule.name, { value: null, note: 'no previous version' });
    }
    const b = baselines.get(r.rule.name);
    if (!b || !r.baselineQuery) continue;
    if (b.value === null && needs)
      log.warning(
        `${r.rule.name}: no baseline (${b.note ?? 'no data'}), so its thresholds relative to the baseline are not evaluated`,
        { title: 'monitor-window: no baseline' },
      );
    else if (b.value !== null)
      log.info(
        `baseline ${r.rule.name}: ${formatValue(r.rule.unit, b.value)}${b.note ? ` (${b.note})` : ''}`,
      );
  }

  const machine = new VerdictMachine(
    active.map((r) => r.rule),
    plan.verdict,
  );
  const evaluations: Evaluation[] = [];
  const breaches: Breach[] = [];
  const announced = new Set<string>();
  const end = startedAt + plan.durationMs;
  log.info(
    `Watching for ${formatDuration(plan.durationMs)}, evaluating every ${formatDuration(plan.intervalMs)}; ` +
      `fails after ${plan.verdict.failureLimit} consecutive critical evaluations of a rule, ` +
      `no-data policy ${plan.verdict.noData} after ${plan.verdict.maxNoData}`,
  );

  let decision: Decision | undefined;
  let k = 0;
  for (;;) {
    k = Math.max(k + 1, Math.floor((clock.now() - startedAt) / plan.intervalMs) + 1);
    const tick = Math.min(startedAt + k * plan.intervalMs, end);
    const wait = tick - clock.now();
    if (wait > 0) await clock.sleep(wait);
    const evaluation = await evaluate(plan, active, traffic, baselines, tick, startedAt, deps);
    evaluations.push(evaluation);
    for (const reading of evaluation.readings) {
      if ((reading.state === 'warning' || reading.state === 'critical') && reading.value !== null) {
        breaches.push({
          at: tick,
          elapsedMs: tick - startedAt,
          rule: reading.rule,
          severity: reading.state,
          value: reading.value,
          limit: reading.limit ?? Number.NaN,
          threshold: reading.threshold ?? '',
        });
        const key = `${reading.rule}:${reading.state}`;
        const rule = active.find((r) => r.rule.name === reading.rule)?.rule;
        if (rule && !announced.has(key)) {
          announced.add(key);
          log.warning(
            `${describeReading(rule, reading)} (${reading.state}) at ${formatDuration(tick - startedAt)}${reading.note ? `: ${reading.note}` : ''}`,
            { title: `monitor-window: ${reading.rule} ${reading.state}` },
          );
        }
      }
    }
    const wasBlind = machine.blind !== undefined;
    decision = machine.observe(evaluation.readings);
    const blind = machine.blind;
    if (!wasBlind && blind && !decision)
      log.warning(
        `${blind.reason}. The window can no longer pass; the rules that still see keep watching and can still fail it`,
        { title: 'monitor-window: blind' },
      );
    logProgress(log, progressLine(evaluation, active, plan.durationMs, decision));
    if (decision || tick >= end) break;
  }
  decision ??= machine.finish();
  const finishedAt = clock.now();
  const decider = active.find((r) => r.rule.name === decision.rule);
  const reason =
    decider?.query !== undefined ? `${decision.reason}; query: ${decider.query}` : decision.reason;
  return {
    verdict: decision.verdict,
    reason,
    decision,
    ...(decider?.query !== undefined && { query: decider.query }),
    startedAt,
    finishedAt,
    durationMs: plan.durationMs,
    stoppedEarly: evaluations.length > 0 && (evaluations.at(-1)?.at ?? end) < end,
    selector: renderMatchers(plan.selector),
    baselineSelector:
      plan.baselineSelector === null ? '' : renderMatchers(plan.baselineSelector ?? plan.selector),
    baselineWindow: { start: baselineStart, end: baselineEnd },
    ...(traffic.app !== undefined && { trafficQuery: traffic.app }),
    ...(plan.proxy &&
      active.some((r) => r.series === 'proxy') && {
        proxySelector: renderMatchers(plan.proxy.selector),
      }),
    ...(traffic.proxy !== undefined && { proxyTrafficQuery: traffic.proxy }),
    rules: resolved.map((r) => ruleReport(r, baselines.get(r.rule.name), evaluations)),
    evaluations,
    breaches,
  };
}

/** One query per rule before the window: bad PromQL, bad credentials or no Prometheus fail here. */
async function preflight(
  prometheus: Prometheus,
  active: readonly ResolvedRule[],
  traffic: Traffic,
  at: number,
  log: Logger,
): Promise<void> {
  const checks: { name: string; query: string }[] = [];
  for (const r of active) {
    if (r.query) checks.push({ name: `rule ${r.rule.name}`, query: r.query });
    if (r.baselineQuery && r.baselineQuery !== r.query)
      checks.push({ name: `rule ${r.rule.name} (baseline)`, query: r.baselineQuery });
  }
  if (traffic.app) checks.push({ name: 'the min-requests guard', query: traffic.app });
  if (traffic.proxy)
    checks.push({ name: "the min-requests guard (proxy's series)", query: traffic.proxy });
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        return { ...c, samples: await prometheus.query(c.query, at) };
      } catch (error) {
        return { ...c, error };
      }
    }),
  );
  for (const r of results) {
    if (!('error' in r)) continue;
    const e = r.error;
    if (!(e instanceof PrometheusError)) throw e;
    if (e.kind === 'query')
      throw new ActionError(
        `${r.name}: Prometheus rejected the query: ${e.message}\n  query: ${r.query}`,
      );
    if (e.kind === 'auth')
      throw new ActionError(
        `Prometheus refused the request (${e.message}). Check prometheus-token, or prometheus-username and prometheus-password, or prometheus-headers`,
      );
    throw new ActionError(
      `Prometheus at ${prometheus.url} cannot be queried before the window starts: ${e.message}. Check prometheus-url`,
    );
  }
  for (const r of results)
    if ('samples' in r && r.samples.length === 0)
      log.info(`note: ${r.name} has no data yet (no series match ${r.query})`);
}

async function measureBaseline(
  prometheus: Prometheus,
  r: ResolvedRule,
  start: number,
  end: number,
  plan: MonitorPlan,
  clock: Clock,
): Promise<{ value: number | null; note?: string }> {
  const step = Math.max(1000, Math.ceil(plan.baselineWindowMs / 200 / 1000) * 1000);
  try {
    const series = await retry(
      () => prometheus.queryRange(r.baselineQuery as string, start, end, step),
      { ...RETRY, retryIf: (e) => !(e instanceof PrometheusError && e.kind === 'query') },
      clock,
    );
    const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter(Number.isFinite);
    const value = median(values);
    if (value === null) return { value: null, note: 'no data in the baseline window' };
    return { value, note: `median of ${values.length} points` };
  } catch (error) {
    return { value: null, note: `query failed: ${errorMessage(error)}` };
  }
}

/** The min-requests guard's queries, per series (undefined: no guard there). */
type Traffic = Readonly<Record<MetricSeries, string | undefined>>;

/** A guard's count, or why there is none (`blind`: the monitor could not see). */
interface Count {
  readonly count: number | null;
  readonly note?: string;
  readonly blind?: boolean;
}

async function evaluate(
  plan: MonitorPlan,
  active: readonly ResolvedRule[],
  traffic: Traffic,
  baselines: ReadonlyMap<string, { value: number | null }>,
  at: number,
  startedAt: number,
  deps: MonitorDeps,
): Promise<Evaluation> {
  const { prometheus, clock, http } = deps;
  const query = (q: string): Promise<Sample[]> =>
    retry(
      () => (prometheus as Prometheus).query(q, at),
      { ...RETRY, retryIf: (e) => !(e instanceof PrometheusError && e.kind === 'query') },
      clock,
    );
  const count = (series: MetricSeries): Promise<Count> | undefined => {
    const q = traffic[series];
    if (q === undefined) return undefined;
    const selector = active.find((r) => r.series === series)?.selector ?? '';
    return query(q).then(
      (samples): Count => {
        const v = samples.find((s) => Number.isFinite(s.value))?.value;
        if (v !== undefined) return { count: v };
        return samples.length === 0
          ? {
              count: null,
              blind: true,
              note: `the min-requests guard matched no series {${selector}}: ${q}`,
            }
          : { count: null, note: 'no requests counted' };
      },
      (error: unknown): Count => ({
        count: null,
        blind: true,
        note: `request count failed: ${errorMessage(error)}`,
      }),
    );
  };
  const counts: Partial<Record<MetricSeries, Promise<Count>>> = {
    ...optionalEntry('app', count('app')),
    ...optionalEntry('proxy', count('proxy')),
  };
  const readingsP = active.map(async (r): Promise<Reading> => {
    const baseline = baselines.get(r.rule.name)?.value ?? null;
    if (r.rule.source === 'health') return probeHealth(r.rule, plan.healthChecks, http);
    let picked: ReturnType<typeof pickValue>;
    try {
      picked = pickValue(r.rule, await query(r.query as string), r.selector);
    } catch (error) {
      // Prometheus unreachable, or a query that errors: the monitor can't see, the app is not at fault.
      return blindReading(r.rule, `query failed: ${errorMessage(error)}`);
    }
    const guard = r.rule.traffic && r.series ? counts[r.series] : undefined;
    if (guard) {
      const requests = await guard;
      if (requests.blind) return blindReading(r.rule, requests.note ?? 'no requests counted');
      if (requests.count === null || requests.count < plan.minRequests)
        return classify(
          r.rule,
          null,
          baseline,
          requests.count === null
            ? (requests.note ?? 'no requests counted')
            : `${formatValue('number', requests.count)} requests in the last ${promDuration(plan.rateWindowMs)}, fewer than min-requests ${plan.minRequests}`,
        );
    }
    if (picked.empty) return blindReading(r.rule, picked.note ?? 'no series matched');
    return classify(r.rule, picked.value, baseline, picked.note);
  });
  const readings = await Promise.all(readingsP);
  const requests = counts.app ? (await counts.app).count : undefined;
  const proxyRequests = counts.proxy ? (await counts.proxy).count : undefined;
  return {
    at,
    elapsedMs: at - startedAt,
    ...(requests !== undefined && { requests }),
    ...(proxyRequests !== undefined && { proxyRequests }),
    readings,
  };
}

/** `{ [key]: value }` when value is defined, else `{}` (for spreading). */
function optionalEntry<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, V>>);
}

async function probeHealth(rule: Rule, checks: readonly CheckSpec[], http: Http): Promise<Reading> {
  const results = await Promise.all(checks.map((c) => attemptCheck(c, http, [])));
  const failed = results
    .map((r, i) => ({ r, check: checks[i] as CheckSpec }))
    .filter(({ r }) => !r.ok);
  const note = failed.length
    ? failed.map(({ r, check }) => `${check.url}: ${r.reason ?? 'failed'}`).join('; ')
    : undefined;
  return classify(rule, failed.length, null, note);
}

function progressLine(
  e: Evaluation,
  active: readonly ResolvedRule[],
  durationMs: number,
  decision: Decision | undefined,
): string {
  const parts = e.readings.map((reading) => {
    const rule = active.find((r) => r.rule.name === reading.rule)?.rule;
    if (!rule) return reading.rule;
    const state =
      reading.state === 'ok'
        ? 'ok'
        : reading.state === 'no-data'
          ? `no data (${reading.note ?? '?'})`
          : reading.state === 'blind'
            ? `BLIND (${reading.note ?? '?'})`
            : reading.state.toUpperCase();
    if (rule.source === 'health')
      return `${describeReading(rule, reading)}${reading.state === 'critical' ? ` CRITICAL (${reading.note ?? ''})` : ''}`;
    if (reading.state === 'no-data' || reading.state === 'blind') return `${rule.name} ${state}`;
    const op = rule.direction === 'above' ? '>' : '<';
    const limit = reading.threshold !== undefined ? ` ${op} ${reading.threshold}` : '';
    return `${rule.name} ${formatValue(rule.unit, reading.value)} ${state}${limit}`;
  });
  const left = Math.max(0, durationMs - e.elapsedMs);
  const verdict = decision ? `verdict ${decision.verdict}` : 'watching';
  return `[${formatDuration(e.elapsedMs)} / ${formatDuration(durationMs)}, ${formatDuration(left)} left] ${parts.join(' · ')} → ${verdict}`;
}

function ruleReport(
  r: ResolvedRule,
  baseline: { value: number | null; note?: string } | undefined,
  evaluations: readonly Evaluation[],
): RuleReport {
  const readings = evaluations.flatMap((e) => e.readings.filter((x) => x.rule === r.rule.name));
  const values = readings.map((x) => x.value).filter((v): v is number => v !== null);
  const worst = readings.reduce<RuleState | undefined>(
    (w, x) => (w === undefined || SEVERITY[x.state] > SEVERITY[w] ? x.state : w),
    undefined,
  );
  const last = readings.at(-1);
  return {
    ...r,
    baseline: baseline?.value ?? null,
    ...(baseline?.note !== undefined && { baselineNote: baseline.note }),
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
    last: last?.value ?? null,
    ...(last && { lastState: last.state }),
    ...(worst && { worst }),
  };
}
