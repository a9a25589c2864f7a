import { ActionError } from '@switchyard/kit';
import {
  BUILTIN_RULES,
  DEFAULT_METRICS,
  monitor,
  parseRules,
  parseSelector,
  pickValue,
  PrometheusError,
  prometheusClient,
  resolveRules,
  TEMPLATE_VARIABLES,
  type MonitorPlan,
  type MonitorReport,
  type Prometheus,
  type Rule,
  type Sample,
  type Series,
} from '@switchyard/metrics';
import { buildChecks, parseStatus, type CheckSpec, type HttpRequest } from '@switchyard/probe';
import { FakeClock, FakeHttp, RecordingLogger } from '../../../test/support/fakes.js';

const START = Date.UTC(2026, 0, 1); // FakeClock's default start
const SEC = 1000;
const MIN = 60 * SEC;
const PROM_URL = 'http://prometheus.test:9090';

/** The watched release (green) and the old one (blue), for the baseline. */
const SELECTOR = 'app="shop",color="green"';
const OLD = 'app="shop",color="blue"';

const ERR_Q =
  '(sum(rate(http_requests_total{app="shop",color="green",code=~"5.."}[1m])) or vector(0)) / sum(rate(http_requests_total{app="shop",color="green"}[1m]))';
const P95_Q =
  'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{app="shop",color="green"}[1m])))';
const P95_OLD_Q =
  'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{app="shop",color="blue"}[1m])))';
const CPU_Q = 'max(rate(process_cpu_seconds_total{app="shop",color="green"}[1m])) / 2';
const TRAFFIC_Q = 'sum(increase(http_requests_total{app="shop",color="green"}[1m]))';

type Kind = 'traffic' | 'error-rate' | 'p95-latency' | 'cpu' | 'memory' | 'other';

/** Which rule a query belongs to, from its text. */
function kindOf(promql: string): Kind {
  if (promql.startsWith('sum(increase(')) return 'traffic';
  if (promql.includes('"5.."')) return 'error-rate';
  if (promql.includes('histogram_quantile')) return 'p95-latency';
  if (promql.includes('process_cpu_seconds_total')) return 'cpu';
  if (promql.includes('process_resident_memory_bytes')) return 'memory';
  return 'other';
}

/** What the fake answers an instant query: one unlabelled value, samples, or an error to throw. */
type Answer = number | Sample[] | Error;

const HEALTHY: Readonly<Record<Kind, number>> = {
  traffic: 600,
  'error-rate': 0.002,
  'p95-latency': 0.12,
  cpu: 0.3,
  memory: 0.4,
  other: 1,
};

interface Scenario {
  /** The answer to an instant query of `kind`, evaluated `elapsedMs` after the window's start. */
  readonly value?: (kind: Kind, elapsedMs: number, promql: string) => Answer;
  /** The baseline's points (a range query), or an error to throw. */
  readonly baseline?: (kind: Kind, promql: string, attempt: number) => number[] | Error;
  /** Virtual time a query takes (advances the clock), by elapsed time of the query. */
  readonly slow?: (kind: Kind, elapsedMs: number) => number;
}

/** A {@link Prometheus} whose answers depend on the query text and the evaluation time. */
class FakePrometheus implements Prometheus {
  readonly url = PROM_URL;
  readonly queries: { promql: string; time: number }[] = [];
  readonly ranges: { promql: string; start: number; end: number; stepMs: number }[] = [];

  constructor(
    private readonly s: Scenario,
    private readonly clock: FakeClock,
  ) {}

  async query(promql: string, time: number): Promise<Sample[]> {
    this.queries.push({ promql, time });
    this.clock.advance(this.s.slow?.(kindOf(promql), time - START) ?? 0);
    const a = (this.s.value ?? ((k: Kind) => HEALTHY[k]))(kindOf(promql), time - START, promql);
    if (a instanceof Error) throw a;
    return typeof a === 'number' ? [{ labels: {}, value: a }] : a;
  }

  async queryRange(promql: string, start: number, end: number, stepMs: number): Promise<Series[]> {
    this.ranges.push({ promql, start, end, stepMs });
    const attempt = this.ranges.filter((r) => r.promql === promql).length;
    const points =
      this.s.baseline?.(kindOf(promql), promql, attempt) ??
      (kindOf(promql) === 'p95-latency' ? [0.1, 0.1, 0.1] : [HEALTHY[kindOf(promql)]]);
    if (points instanceof Error) throw points;
    if (points.length === 0) return [];
    return [
      {
        labels: {},
        points: points.map((v, i): [number, number] => [(start + i * stepMs) / 1000, v]),
      },
    ];
  }

  /** The times (ms after START) at which queries of `kind` were asked. */
  timesOf(kind: Kind): number[] {
    return this.queries.filter((q) => kindOf(q.promql) === kind).map((q) => q.time - START);
  }
}

const HEALTH_DEFAULTS = {
  headers: {},
  expectStatus: parseStatus('expect-status', '2xx'),
  timeoutMs: 5000,
  followRedirects: true,
};
const healthChecks = (...urls: string[]): CheckSpec[] =>
  buildChecks(urls, undefined, HEALTH_DEFAULTS).checks;

function makePlan(over: Partial<MonitorPlan> = {}): MonitorPlan {
  return {
    durationMs: 15 * MIN,
    intervalMs: 30 * SEC,
    rateWindowMs: MIN,
    baselineWindowMs: 10 * MIN,
    baselineEnd: START - 2 * MIN,
    selector: parseSelector('selector', SELECTOR),
    baselineSelector: parseSelector('baseline-selector', OLD),
    rules: BUILTIN_RULES,
    variables: { ...DEFAULT_METRICS, cpu_limit: '2' },
    minRequests: 10,
    verdict: { failureLimit: 3, maxNoData: 3, noData: 'inconclusive' },
    healthChecks: [],
    ...over,
  };
}

function setup(scenario: Scenario = {}, over: Partial<MonitorPlan> = {}) {
  const clock = new FakeClock();
  const log = new RecordingLogger();
  const prometheus = new FakePrometheus(scenario, clock);
  const http = new FakeHttp(() => ({ status: 200, body: 'ok' }), clock);
  const plan = makePlan(over);
  return {
    clock,
    log,
    prometheus,
    http,
    plan,
    run: () => monitor(plan, { prometheus, http, clock, log }),
  };
}

/** Ticks of a 30 s grid: [30 s, 60 s, …] × n (ms after START). */
const grid = (n: number, from = 1): number[] =>
  Array.from({ length: n }, (_, i) => (from + i) * 30 * SEC);

const ruleOf = (report: MonitorReport, name: string) =>
  report.rules.find((r) => r.rule.name === name)!;
const warnings = (log: RecordingLogger) => log.lines.filter((l) => l.level === 'warning');
const readingsOf = (report: MonitorReport, rule: string) =>
  report.evaluations.map((e) => e.readings.find((r) => r.rule === rule));

/** The ActionError a promise rejects with. */
async function actionError(p: Promise<unknown>): Promise<ActionError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActionError);
  return error as ActionError;
}

describe('resolveRules', () => {
  it("fills each rule's query for the watched and the baseline selector", () => {
    const resolved = resolveRules(makePlan(), true);
    const by = (name: string) => resolved.find((r) => r.rule.name === name)!;
    expect(by('error-rate')).toEqual({
      rule: BUILTIN_RULES[0],
      series: 'app',
      selector: 'app="shop",color="green"',
      query: ERR_Q,
      baselineQuery: ERR_Q.replaceAll('color="green"', 'color="blue"'),
    });
    expect(by('p95-latency').query).toBe(P95_Q);
    expect(by('p95-latency').baselineQuery).toBe(P95_OLD_Q);
    expect(by('cpu').query).toBe(CPU_Q);
  });

  it('says why a rule is off', () => {
    const resolved = resolveRules(
      makePlan({
        variables: { ...DEFAULT_METRICS },
        variableHints: { memory_limit: 'set docker.resources.memory in the config file' },
        rules: parseRules('rules', [{ name: 'p95-latency', enabled: false }], TEMPLATE_VARIABLES),
      }),
      true,
    );
    expect(Object.fromEntries(resolved.map((r) => [r.rule.name, r.off]))).toEqual({
      'error-rate': undefined,
      'p95-latency': 'disabled',
      cpu: 'needs $cpu_limit: give the rule a query',
      memory:
        'needs $memory_limit: set docker.resources.memory in the config file, or give the rule a query',
      health: 'no health-url (and no live URL from the target)',
    });
    expect(resolved.find((r) => r.rule.name === 'memory')!.query).toBeUndefined();
  });

  it('turns the memory rule on once $memory_limit is known', () => {
    const memory = resolveRules(
      makePlan({ variables: { ...DEFAULT_METRICS, memory_limit: '536870912' } }),
      true,
    ).find((r) => r.rule.name === 'memory')!;
    expect(memory.off).toBeUndefined();
    expect(memory.query).toBe(
      'max(process_resident_memory_bytes{app="shop",color="green"}) / 536870912',
    );
  });

  it('without Prometheus only the health rule can run', () => {
    const resolved = resolveRules(
      makePlan({ healthChecks: healthChecks('http://shop.test/') }),
      false,
    );
    expect(resolved.map((r) => r.off)).toEqual([
      'no prometheus-url',
      'no prometheus-url',
      'no prometheus-url',
      'no prometheus-url',
      undefined,
    ]);
  });

  it('the baseline query is the watched one without a baseline selector', () => {
    const plan = makePlan({ baselineSelector: undefined });
    const p95 = resolveRules(plan, true).find((r) => r.rule.name === 'p95-latency')!;
    expect(p95.baselineQuery).toBe(P95_Q);
  });

  it('without a previous version (baselineSelector null) there is no baseline query', () => {
    const resolved = resolveRules(makePlan({ baselineSelector: null }), true);
    const p95 = resolved.find((r) => r.rule.name === 'p95-latency')!;
    expect(p95.query).toBe(P95_Q);
    expect(p95.baselineQuery).toBeUndefined();
    expect(resolved.every((r) => r.baselineQuery === undefined)).toBe(true);
  });

  it('an empty selector leaves valid PromQL', () => {
    const err = resolveRules(makePlan({ selector: [], baselineSelector: [] }), true)[0]!;
    expect(err.query).toBe(
      '(sum(rate(http_requests_total{code=~"5.."}[1m])) or vector(0)) / sum(rate(http_requests_total{}[1m]))',
    );
  });
});

describe('pickValue', () => {
  const ERR = BUILTIN_RULES[0]!;
  const below: Rule = { ...ERR, direction: 'below' };
  const s = (value: number, labels: Record<string, string> = {}): Sample => ({ labels, value });

  it('no series is no data', () => {
    expect(pickValue(ERR, [])).toEqual({ value: null, note: 'no series matched', empty: true });
    expect(pickValue(ERR, [], 'app="shop",color="green"')).toEqual({
      value: null,
      note: 'no series matched {app="shop",color="green"}',
      empty: true,
    });
  });
  it('only NaN (0/0) is no data', () => {
    expect(pickValue(ERR, [s(Number.NaN), s(Number.NaN)])).toEqual({
      value: null,
      note: 'NaN: no traffic in the rate window (0/0)',
    });
  });
  it('one series is its value', () => {
    expect(pickValue(ERR, [s(0.25, { instance: 'a' })])).toEqual({ value: 0.25 });
  });
  it('several series: the worst in the rule’s direction, naming its labels', () => {
    const samples = [
      s(0.1, { instance: 'a' }),
      s(Number.NaN, { instance: 'c' }),
      s(0.3, { instance: 'b', color: 'green' }),
    ];
    expect(pickValue(ERR, samples)).toEqual({
      value: 0.3,
      note: 'worst of 3 series: {instance="b",color="green"}',
    });
    expect(pickValue(below, samples)).toEqual({
      value: 0.1,
      note: 'worst of 3 series: {instance="a"}',
    });
  });
  it('+Inf is a value, and the worst one above', () => {
    expect(pickValue(ERR, [s(0.5), s(Number.POSITIVE_INFINITY)]).value).toBe(
      Number.POSITIVE_INFINITY,
    );
  });
});

describe('monitor: a healthy window', () => {
  it('runs 15 minutes of 30 s evaluations in virtual time and passes', async () => {
    const { run, clock, prometheus, log } = setup();
    const report = await run();

    expect(report.verdict).toBe('passed');
    expect(report.reason).toBe('no rule breached its critical threshold');
    expect(report.evaluations).toHaveLength(30);
    expect(report.evaluations.map((e) => e.at - START)).toEqual(grid(30));
    expect(report.evaluations.map((e) => e.elapsedMs)).toEqual(grid(30));
    expect(report.startedAt).toBe(START);
    expect(report.finishedAt).toBe(START + 15 * MIN);
    expect(clock.sleeps).toEqual(Array(30).fill(30 * SEC));
    expect(report.stoppedEarly).toBe(false);
    expect(report.durationMs).toBe(15 * MIN);
    expect(report.breaches).toEqual([]);
    expect(report.query).toBeUndefined();

    // Every rule's query at every tick, at the tick's time, after one preflight query at the start.
    expect(prometheus.timesOf('error-rate')).toEqual([0, 0, ...grid(30)]);
    expect(prometheus.timesOf('p95-latency')).toEqual([0, 0, ...grid(30)]);
    expect(prometheus.timesOf('cpu')).toEqual([0, 0, ...grid(30)]);
    expect(prometheus.timesOf('traffic')).toEqual([0, ...grid(30)]);
    expect(prometheus.timesOf('memory')).toEqual([]);
    expect(new Set(prometheus.queries.map((q) => q.promql))).toEqual(
      new Set([
        ERR_Q,
        ERR_Q.replaceAll('green', 'blue'),
        P95_Q,
        P95_OLD_Q,
        CPU_Q,
        CPU_Q.replace('green', 'blue'),
        TRAFFIC_Q,
      ]),
    );

    expect(report.selector).toBe(SELECTOR);
    expect(report.baselineSelector).toBe(OLD);
    expect(report.baselineWindow).toEqual({ start: START - 12 * MIN, end: START - 2 * MIN });
    expect(report.trafficQuery).toBe(TRAFFIC_Q);
    expect(report.evaluations.every((e) => e.requests === 600)).toBe(true);
    expect(report.evaluations[0]!.readings.map((r) => [r.rule, r.state, r.value])).toEqual([
      ['error-rate', 'ok', 0.002],
      ['p95-latency', 'ok', 0.12],
      ['cpu', 'ok', 0.3],
    ]);

    expect(ruleOf(report, 'memory')).toMatchObject({
      off: 'needs $memory_limit: give the rule a query',
      baseline: null,
      min: null,
      max: null,
      last: null,
    });
    expect(ruleOf(report, 'error-rate')).toMatchObject({
      query: ERR_Q,
      baseline: 0.002,
      min: 0.002,
      max: 0.002,
      last: 0.002,
      lastState: 'ok',
      worst: 'ok',
    });

    expect(warnings(log)).toEqual([]);
    const info = log.lines.filter((l) => l.level === 'info').map((l) => l.message);
    expect(info).toContain(`rule error-rate: ${ERR_Q}`);
    expect(info).toContain('rule memory: off (needs $memory_limit: give the rule a query)');
    expect(info).toContain(
      'Watching for 15m, evaluating every 30s; fails after 3 consecutive critical evaluations of a rule, no-data policy inconclusive after 3',
    );
    expect(info).toContain(
      '[30s / 15m, 14m 30s left] error-rate 0.2% ok · p95-latency 120ms ok · cpu 30% ok → watching',
    );
    expect(info).toContain(
      '[15m / 15m, 0ms left] error-rate 0.2% ok · p95-latency 120ms ok · cpu 30% ok → watching',
    );
  });

  it('runs the same window against HTTP API responses (FakeHttp + prometheusClient)', async () => {
    const clock = new FakeClock();
    const api = new FakeHttp((req: HttpRequest) => {
      const form = new URLSearchParams(req.body);
      const query = form.get('query') ?? '';
      const t = Number(form.get('time') ?? form.get('start'));
      if (req.url.endsWith('/query_range'))
        return {
          body: JSON.stringify({
            status: 'success',
            data: {
              resultType: 'matrix',
              result: [
                {
                  metric: { color: 'blue' },
                  values: [
                    [t, '0.1'],
                    [t + 3, 'NaN'],
                    [t + 6, '0.1'],
                  ],
                },
              ],
            },
          }),
        };
      const value = String(HEALTHY[kindOf(query)]);
      return {
        body: JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [t, value] }] },
        }),
      };
    }, clock);
    const prometheus = prometheusClient(
      { url: `${PROM_URL}/`, headers: { Authorization: 'Bearer t' }, timeoutMs: 10_000 },
      api,
    );
    const log = new RecordingLogger();
    const http = new FakeHttp(() => ({ status: 200 }));
    const report = await monitor(makePlan(), { prometheus, http, clock, log });

    expect(report.verdict).toBe('passed');
    expect(report.evaluations.map((e) => e.at - START)).toEqual(grid(30));
    expect(ruleOf(report, 'p95-latency').baseline).toBe(0.1);
    expect(ruleOf(report, 'p95-latency').baselineNote).toBe('median of 2 points');
    // 7 preflight queries, 3 baselines, 4 queries per evaluation.
    const instant = api.requests.filter((r) => r.url === `${PROM_URL}/api/v1/query`);
    const range = api.requests.filter((r) => r.url === `${PROM_URL}/api/v1/query_range`);
    expect(instant).toHaveLength(7 + 30 * 4);
    expect(range).toHaveLength(3);
    expect(api.requests.every((r) => r.headers.Authorization === 'Bearer t')).toBe(true);
    const times = instant.map((r) => new URLSearchParams(r.body).get('time'));
    expect(times.slice(0, 7)).toEqual(Array(7).fill((START / 1000).toFixed(3)));
    expect(times.slice(-4)).toEqual(Array(4).fill(((START + 15 * MIN) / 1000).toFixed(3)));
    const p95Range = new URLSearchParams(
      range.find((r) => r.body?.includes('histogram_quantile'))!.body,
    );
    expect(Object.fromEntries(p95Range)).toEqual({
      query: P95_OLD_Q,
      start: ((START - 12 * MIN) / 1000).toFixed(3),
      end: ((START - 2 * MIN) / 1000).toFixed(3),
      step: '3.000',
      timeout: '9s',
    });
  });

  it('a window that is not a multiple of the interval ends with an evaluation at its end', async () => {
    const { run } = setup({}, { durationMs: 100 * SEC });
    const report = await run();
    expect(report.evaluations.map((e) => e.elapsedMs)).toEqual(
      [30, 60, 90, 100].map((s) => s * SEC),
    );
    expect(report.finishedAt).toBe(START + 100 * SEC);
    expect(report.stoppedEarly).toBe(false);
  });

  it('skips ticks that a slow evaluation overran, never evaluating in the past', async () => {
    // The request count at 1m takes 70 s: the 1m30s and 2m ticks are gone, the next one is 2m30s.
    const { run, clock } = setup({ slow: (k, t) => (k === 'traffic' && t === MIN ? 70 * SEC : 0) });
    const report = await run();
    const ats = report.evaluations.map((e) => e.elapsedMs);
    expect(ats.slice(0, 4)).toEqual([30 * SEC, 60 * SEC, 150 * SEC, 180 * SEC]);
    expect(ats).toHaveLength(28);
    expect(ats.at(-1)).toBe(15 * MIN);
    expect(clock.sleeps.every((ms) => ms > 0)).toBe(true);
    expect(report.verdict).toBe('passed');
  });
});

describe('monitor: a failing window', () => {
  const errorJump = (at: number, rate = 0.2) => ({
    value: (k: Kind, t: number): Answer => (k === 'error-rate' && t >= at ? rate : HEALTHY[k]),
  });

  it('an error-rate jump at minute 5 fails after failure-limit evaluations and stops early', async () => {
    const { run, clock, log } = setup(errorJump(5 * MIN));
    const report = await run();

    expect(report.verdict).toBe('failed');
    expect(report.decision.rule).toBe('error-rate');
    expect(report.reason).toBe(
      `error-rate 20% > 5% (critical) in 3 consecutive evaluations; query: ${ERR_Q}`,
    );
    expect(report.query).toBe(ERR_Q);
    expect(report.evaluations).toHaveLength(12);
    expect(report.stoppedEarly).toBe(true);
    expect(report.finishedAt).toBe(START + 6 * MIN);
    expect(clock.sleeps).toHaveLength(12);
    expect(report.breaches).toEqual(
      [5 * MIN, 5.5 * MIN, 6 * MIN].map((t) => ({
        at: START + t,
        elapsedMs: t,
        rule: 'error-rate',
        severity: 'critical',
        value: 0.2,
        limit: 0.05,
        threshold: '5%',
      })),
    );
    expect(warnings(log)).toEqual([
      {
        level: 'warning',
        message: 'error-rate 20% > 5% (critical) at 5m',
        props: { title: 'monitor-window: error-rate critical' },
      },
    ]);
    expect(log.lines.at(-1)?.message).toMatch(/^\[6m \/ 15m, 9m left\] .* → verdict failed$/);
    expect(ruleOf(report, 'error-rate')).toMatchObject({
      worst: 'critical',
      lastState: 'critical',
    });
  });

  it('follows the plan’s failure-limit', async () => {
    const { run } = setup(errorJump(5 * MIN), {
      verdict: { failureLimit: 1, maxNoData: 3, noData: 'inconclusive' },
    });
    const report = await run();
    expect(report.evaluations).toHaveLength(10);
    expect(report.reason).toMatch(/^error-rate 20% > 5% \(critical\) in 1 consecutive evaluation;/);
  });

  it('an interrupted streak does not fail; a full one later does', async () => {
    // critical at 5m, 5m30s; ok at 6m; critical again from 6m30s → fails at 7m30s.
    const { run } = setup({
      value: (k, t) =>
        k !== 'error-rate' ? HEALTHY[k] : t >= 5 * MIN && t !== 6 * MIN ? 0.2 : 0.002,
    });
    const report = await run();
    expect(report.verdict).toBe('failed');
    expect(report.evaluations).toHaveLength(15);
    expect(report.breaches.map((b) => b.elapsedMs)).toEqual(
      [5, 5.5, 6.5, 7, 7.5].map((m) => m * MIN),
    );
  });

  it('a critical reading on the last evaluation is not an early stop, and does not fail below the limit', async () => {
    const { run } = setup(errorJump(14.5 * MIN));
    const report = await run();
    expect(report.verdict).toBe('passed');
    expect(report.evaluations).toHaveLength(30);
    expect(report.stoppedEarly).toBe(false);
    expect(report.breaches).toHaveLength(2);
  });

  it('judges the worst of several series, and says which', async () => {
    const { run } = setup({
      value: (k, t) =>
        k === 'error-rate' && t >= 5 * MIN
          ? [
              { labels: { instance: 'a:8080' }, value: 0.01 },
              { labels: { instance: 'b:8080' }, value: 0.3 },
            ]
          : HEALTHY[k],
    });
    const report = await run();
    expect(report.reason).toBe(
      `error-rate 30% > 5% (critical) in 3 consecutive evaluations: worst of 2 series: {instance="b:8080"}; query: ${ERR_Q}`,
    );
  });

  it('the progress line shows a "below" rule’s comparison the right way round', async () => {
    const throughput = parseRules(
      'rules',
      [
        {
          name: 'throughput',
          query: 'sum(rate($requests{$selector}[$window]))',
          critical: 10,
          direction: 'below',
        },
      ],
      TEMPLATE_VARIABLES,
      [],
    );
    const { run, log } = setup(
      { value: (k) => (k === 'other' ? 5 : HEALTHY[k]) },
      {
        rules: throughput,
        minRequests: 0,
        verdict: { failureLimit: 1, maxNoData: 3, noData: 'fail' },
      },
    );
    const report = await run();
    expect(report.reason).toBe(
      'throughput 5 < 10 (critical) in 1 consecutive evaluation; query: sum(rate(http_requests_total{app="shop",color="green"}[1m]))',
    );
    const progress = log.lines.find((l) => l.message.startsWith('[30s / 15m'))!.message;
    expect(progress).toContain('throughput 5 CRITICAL < 10');
    expect(progress).not.toContain('> 10');
  });
});

describe('monitor: baselines', () => {
  it('p95 relative to the baseline: the median of the old version’s range query, ending at baselineEnd', async () => {
    const { run, prometheus, log } = setup({
      value: (k, t) => (k === 'p95-latency' ? (t >= 4 * MIN ? 0.3 : 0.2) : HEALTHY[k]),
      baseline: (k) =>
        k === 'p95-latency'
          ? [0.08, 0.1, Number.NaN, 0.12, Number.POSITIVE_INFINITY, 0.5]
          : [HEALTHY[k]],
    });
    const report = await run();

    const p95Range = prometheus.ranges.filter((r) => kindOf(r.promql) === 'p95-latency');
    expect(p95Range).toEqual([
      { promql: P95_OLD_Q, start: START - 12 * MIN, end: START - 2 * MIN, stepMs: 3000 },
    ]);
    expect(prometheus.ranges.every((r) => r.promql.includes('color="blue"'))).toBe(true);
    expect(ruleOf(report, 'p95-latency')).toMatchObject({
      baseline: 0.11,
      baselineNote: 'median of 4 points',
    });
    expect(log.lines.map((l) => l.message)).toContain(
      'baseline p95-latency: 110ms (median of 4 points)',
    );

    // 2 × 110 ms = 220 ms: 200 ms is fine, 300 ms from minute 4 is critical → fails at 5m.
    expect(report.verdict).toBe('failed');
    expect(report.evaluations).toHaveLength(10);
    expect(report.reason).toBe(
      `p95-latency 300ms > 2x baseline (220ms) (critical) in 3 consecutive evaluations; query: ${P95_Q}`,
    );
    expect(report.breaches[0]).toMatchObject({
      rule: 'p95-latency',
      severity: 'critical',
      value: 0.3,
      threshold: '2x baseline',
    });
    expect(report.breaches[0]!.limit).toBeCloseTo(0.22, 10);
  });

  it('the baseline window ends at the window’s start when baselineEnd is not given', async () => {
    const plan = makePlan({ baselineEnd: undefined });
    const clock = new FakeClock();
    const prometheus = new FakePrometheus({}, clock);
    const report = await monitor(plan, {
      prometheus,
      clock,
      http: new FakeHttp(() => ({})),
      log: new RecordingLogger(),
    });
    expect(report.baselineWindow).toEqual({ start: START - 10 * MIN, end: START });
    expect(prometheus.ranges.every((r) => r.end === START && r.start === START - 10 * MIN)).toBe(
      true,
    );
  });

  test.each([
    // A 10 ms baseline counts as 50 ms: the limit is 100 ms, not 20 ms.
    [0.08, 'passed', 30],
    [0.12, 'failed', 3],
  ])('baselineMin floors a tiny baseline: p95 %d → %s', async (p95, verdict, evaluations) => {
    const { run } = setup({
      value: (k) => (k === 'p95-latency' ? p95 : HEALTHY[k]),
      baseline: (k) => (k === 'p95-latency' ? [0.01, 0.01, 0.01] : [HEALTHY[k]]),
    });
    const report = await run();
    expect(report.verdict).toBe(verdict);
    expect(report.evaluations).toHaveLength(evaluations);
    expect(ruleOf(report, 'p95-latency').baseline).toBe(0.01);
    if (verdict === 'failed')
      expect(report.reason).toMatch(
        /^p95-latency 120ms > 2x baseline \(100ms\) \(critical\) in 3 consecutive evaluations;/,
      );
  });

  it('without a baseline the relative threshold is not evaluated, and a warning says so', async () => {
    const { run, log } = setup({
      value: (k) => (k === 'p95-latency' ? 5 : HEALTHY[k]),
      baseline: (k) => (k === 'p95-latency' ? [] : [HEALTHY[k]]),
    });
    const report = await run();
    expect(report.verdict).toBe('passed');
    expect(ruleOf(report, 'p95-latency')).toMatchObject({
      baseline: null,
      baselineNote: 'no data in the baseline window',
      worst: 'warning',
    });
    expect(warnings(log)).toEqual([
      {
        level: 'warning',
        message:
          'p95-latency: no baseline (no data in the baseline window), so its thresholds relative to the baseline are not evaluated',
        props: { title: 'monitor-window: no baseline' },
      },
      {
        level: 'warning',
        message: 'p95-latency 5s > 1s (warning) at 30s',
        props: { title: 'monitor-window: p95-latency warning' },
      },
    ]);
  });

  it('without a previous version no baseline is measured, and relative thresholds are off', async () => {
    const { run, prometheus, log } = setup(
      { value: (k) => (k === 'p95-latency' ? 5 : HEALTHY[k]) },
      { baselineSelector: null },
    );
    const report = await run();
    expect(prometheus.ranges).toEqual([]);
    // Preflight checks only the watched queries and the guard.
    expect(prometheus.queries.filter((q) => q.time === START).map((q) => q.promql)).toEqual([
      ERR_Q,
      P95_Q,
      CPU_Q,
      TRAFFIC_Q,
    ]);
    expect(report.baselineSelector).toBe('');
    expect(ruleOf(report, 'p95-latency')).toMatchObject({
      baseline: null,
      baselineNote: 'no previous version',
      worst: 'warning',
    });
    expect(ruleOf(report, 'error-rate').baseline).toBeNull();
    // 5 s is only above the absolute 1 s warning: the 2x-baseline critical is not evaluated.
    expect(report.verdict).toBe('passed');
    expect(warnings(log)[0]).toEqual({
      level: 'warning',
      message:
        'p95-latency: no previous version to measure a baseline on, so its thresholds relative to the baseline are not evaluated',
      props: { title: 'monitor-window: no baseline' },
    });
    expect(
      warnings(log).filter((l) => l.props?.title === 'monitor-window: no baseline'),
    ).toHaveLength(1);
  });

  it('a baseline query that fails once is retried', async () => {
    const { run, prometheus } = setup({
      baseline: (k, _q, attempt) =>
        k === 'p95-latency' && attempt === 1
          ? new PrometheusError('unreachable', `${PROM_URL} did not answer: connection reset`)
          : [0.1],
    });
    const report = await run();
    expect(prometheus.ranges.filter((r) => r.promql === P95_OLD_Q)).toHaveLength(2);
    expect(ruleOf(report, 'p95-latency').baseline).toBe(0.1);
    // The retry's wait does not shift the evaluation grid.
    expect(report.evaluations.map((e) => e.elapsedMs)).toEqual(grid(30));
  });

  it('a baseline query Prometheus rejects is not retried', async () => {
    const { run, prometheus } = setup({
      baseline: (k) =>
        k === 'p95-latency'
          ? new PrometheusError('query', 'bad_data: query_range step too small', 400)
          : [HEALTHY[k]],
    });
    const report = await run();
    expect(prometheus.ranges.filter((r) => r.promql === P95_OLD_Q)).toHaveLength(1);
    expect(ruleOf(report, 'p95-latency').baselineNote).toBe(
      'query failed: bad_data: query_range step too small',
    );
  });

  it('a baseline query that keeps failing leaves no baseline, noting why', async () => {
    const { run, prometheus, log } = setup({
      baseline: (k) =>
        k === 'p95-latency'
          ? new PrometheusError('server', 'timeout: query timed out in query execution', 503)
          : [HEALTHY[k]],
    });
    const report = await run();
    expect(prometheus.ranges.filter((r) => r.promql === P95_OLD_Q)).toHaveLength(2);
    expect(ruleOf(report, 'p95-latency')).toMatchObject({
      baseline: null,
      baselineNote: 'query failed: timeout: query timed out in query execution',
    });
    expect(warnings(log)[0]!.message).toBe(
      'p95-latency: no baseline (query failed: timeout: query timed out in query execution), so its thresholds relative to the baseline are not evaluated',
    );
    expect(report.verdict).toBe('passed');
  });
});

describe('monitor: the min-requests guard', () => {
  it('too little traffic turns traffic rules into no data (not a failure), then the policy', async () => {
    const { run } = setup({
      value: (k) => (k === 'traffic' ? 5 : k === 'error-rate' ? 0.5 : HEALTHY[k]),
    });
    const report = await run();
    const note = '5 requests in the last 1m, fewer than min-requests 10';
    expect(report.evaluations[0]!.requests).toBe(5);
    expect(report.evaluations[0]!.readings).toEqual([
      { rule: 'error-rate', value: null, state: 'no-data', note },
      { rule: 'p95-latency', value: null, state: 'no-data', note },
      { rule: 'cpu', value: 0.3, state: 'ok' },
    ]);
    expect(report.verdict).toBe('inconclusive');
    expect(report.evaluations).toHaveLength(3);
    expect(report.stoppedEarly).toBe(true);
    expect(report.reason).toBe(
      `error-rate had no data in 3 consecutive evaluations (max-no-data 3): ${note} (no-data: inconclusive); query: ${ERR_Q}`,
    );
    expect(report.breaches).toEqual([]);
  });

  it('exactly min-requests is enough traffic', async () => {
    const { run } = setup({ value: (k) => (k === 'traffic' ? 10 : HEALTHY[k]) });
    const report = await run();
    expect(report.evaluations[0]!.readings.map((r) => r.state)).toEqual(['ok', 'ok', 'ok']);
    expect(report.verdict).toBe('passed');
  });

  it('enough traffic lets the same error rate fail the window', async () => {
    const { run } = setup({ value: (k) => (k === 'error-rate' ? 0.5 : HEALTHY[k]) });
    expect((await run()).verdict).toBe('failed');
  });

  it('a guard that matches no series (empty vector) is blind, not no traffic → inconclusive', async () => {
    const { run } = setup(
      { value: (k) => (k === 'traffic' ? [] : HEALTHY[k]) },
      { verdict: { failureLimit: 3, maxNoData: 2, noData: 'fail' } },
    );
    const report = await run();
    expect(report.verdict).toBe('inconclusive');
    expect(report.decision.blind).toBe(true);
    expect(report.evaluations).toHaveLength(2);
    expect(report.evaluations[0]!.requests).toBeNull();
    expect(report.reason).toMatch(
      /^blind: error-rate could not be read in 2 consecutive evaluations \(max-no-data 2\): the min-requests guard matched no series \{app="shop",color="green"\}: sum\(increase\(http_requests_total\{app="shop",color="green"\}\[1m\]\)\); no rule that can fail the window is left that can see; query: /,
    );
  });

  it('a guard that counts zero requests is no traffic: the no-data policy (fail) decides', async () => {
    const { run } = setup(
      { value: (k) => (k === 'traffic' ? 0 : HEALTHY[k]) },
      { verdict: { failureLimit: 3, maxNoData: 2, noData: 'fail' } },
    );
    const report = await run();
    expect(report.verdict).toBe('failed');
    expect(report.decision.blind).toBeUndefined();
    expect(report.reason).toMatch(
      /^error-rate had no data in 2 consecutive evaluations \(max-no-data 2\): 0 requests in the last 1m, fewer than min-requests 10 \(no-data: fail\)/,
    );
  });

  it('policy pass: a quiet window passes, saying which rules had no data', async () => {
    const { run } = setup(
      { value: (k) => (k === 'traffic' ? 0 : HEALTHY[k]) },
      { verdict: { failureLimit: 3, maxNoData: 3, noData: 'pass' } },
    );
    const report = await run();
    expect(report.verdict).toBe('passed');
    expect(report.evaluations).toHaveLength(30);
    expect(report.reason).toBe(
      'no critical breach; error-rate, p95-latency had no data (no-data: pass)',
    );
  });

  it('min-requests 0 turns the guard off: no traffic query', async () => {
    const { run, prometheus } = setup(
      { value: (k) => (k === 'traffic' ? 0 : HEALTHY[k]) },
      { minRequests: 0 },
    );
    const report = await run();
    expect(prometheus.timesOf('traffic')).toEqual([]);
    expect(report.trafficQuery).toBeUndefined();
    expect(report.evaluations[0]!.requests).toBeUndefined();
    expect(report.verdict).toBe('passed');
  });

  it('a failing request count reads as blind, saying why', async () => {
    const { run } = setup({
      value: (k, t) =>
        k === 'traffic' && t > 0
          ? new PrometheusError('server', 'internal: boom', 500)
          : HEALTHY[k],
    });
    const report = await run();
    expect(report.evaluations[0]!.readings[0]).toEqual({
      rule: 'error-rate',
      value: null,
      state: 'blind',
      note: 'request count failed: internal: boom',
    });
  });

  it('the no-data note does not round a count up to the minimum', async () => {
    // increase() extrapolates: 9.6 requests is below min-requests 10, and must not read "10 requests".
    const { run } = setup({ value: (k) => (k === 'traffic' ? 9.6 : HEALTHY[k]) });
    const report = await run();
    const note = report.evaluations[0]!.readings[0]!.note!;
    expect(note).toMatch(/ requests in the last 1m, fewer than min-requests 10$/);
    expect(note).not.toMatch(/^10 requests/);
  });
});

describe('monitor: Prometheus trouble', () => {
  const down = new PrometheusError('unreachable', `${PROM_URL} did not answer: connection refused`);

  it('unreachable mid-window: blind, retried once, then inconclusive (not failed) even under no-data: fail', async () => {
    const { run, prometheus, clock } = setup(
      { value: (k, t) => (t >= 3 * MIN ? down : HEALTHY[k]) },
      { verdict: { failureLimit: 3, maxNoData: 3, noData: 'fail' } },
    );
    const report = await run();
    expect(report.verdict).toBe('inconclusive');
    expect(report.decision.blind).toBe(true);
    expect(report.decision.rule).toBe('error-rate');
    expect(report.reason).toBe(
      `blind: error-rate could not be read in 3 consecutive evaluations (max-no-data 3): query failed: ${PROM_URL} did not answer: connection refused; no rule that can fail the window is left that can see; query: ${ERR_Q}`,
    );
    expect(report.evaluations.map((e) => e.elapsedMs)).toEqual(grid(8));
    expect(report.stoppedEarly).toBe(true);
    // Each failing query was asked twice at its tick, 250 ms apart in virtual time.
    expect(prometheus.timesOf('error-rate').filter((t) => t === 3 * MIN)).toHaveLength(2);
    expect(prometheus.timesOf('traffic').filter((t) => t === 3 * MIN)).toHaveLength(2);
    expect(clock.sleeps.filter((ms) => ms === 250).length).toBeGreaterThan(0);
    expect(report.finishedAt).toBe(START + 4 * MIN + 250);
    expect(report.evaluations[5]!.readings.map((r) => r.state)).toEqual([
      'blind',
      'blind',
      'blind',
    ]);
  });

  it('a short outage does not decide anything', async () => {
    const { run } = setup(
      { value: (k, t) => (t === 3 * MIN || t === 3.5 * MIN ? down : HEALTHY[k]) },
      { verdict: { failureLimit: 3, maxNoData: 3, noData: 'fail' } },
    );
    const report = await run();
    expect(report.verdict).toBe('passed');
    expect(report.evaluations).toHaveLength(30);
    expect(ruleOf(report, 'error-rate').worst).toBe('blind');
  });

  it('a query error mid-window is not retried', async () => {
    const bad = new PrometheusError('query', 'bad_data: many-to-many matching not allowed', 400);
    const { run, prometheus } = setup({
      value: (k, t) => (k === 'p95-latency' && t >= MIN ? bad : HEALTHY[k]),
    });
    const report = await run();
    expect(prometheus.timesOf('p95-latency').filter((t) => t === MIN)).toHaveLength(1);
    expect(report.verdict).toBe('inconclusive');
    expect(report.decision.rule).toBe('p95-latency');
    expect(report.decision.blind).toBe(true);
    // error-rate still sees: it watches to the end, and the window can't pass.
    expect(report.evaluations).toHaveLength(30);
    expect(report.reason).toContain(
      ': query failed: bad_data: many-to-many matching not allowed; error-rate kept watching to the end of the window and did not fail it',
    );
  });

  /** A Prometheus API over FakeHttp that rejects the PromQL for which `reject` is true. */
  function rejectingApi(reject: (query: string) => boolean) {
    return new FakeHttp((req) => {
      const form = new URLSearchParams(req.body);
      const query = form.get('query') ?? '';
      if (reject(query))
        return {
          status: 400,
          body: JSON.stringify({
            status: 'error',
            errorType: 'bad_data',
            error: 'invalid parameter "query": 1:18: parse error: unexpected identifier "by"',
          }),
        };
      return {
        body: JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [0, '0.1'] }] },
        }),
      };
    });
  }

  it('bad PromQL fails before the window: ActionError naming the rule, the message and the query', async () => {
    const clock = new FakeClock();
    const api = rejectingApi((q) => q === P95_Q);
    const prometheus = prometheusClient({ url: PROM_URL, headers: {}, timeoutMs: 10_000 }, api);
    const e = await actionError(
      monitor(makePlan(), { prometheus, http: api, clock, log: new RecordingLogger() }),
    );
    expect(e.message).toBe(
      `rule p95-latency: Prometheus rejected the query: bad_data: invalid parameter "query": 1:18: parse error: unexpected identifier "by"\n  query: ${P95_Q}`,
    );
    // Nothing else happened: no baseline, no evaluation, no time passed.
    expect(clock.now()).toBe(START);
    expect(clock.sleeps).toEqual([]);
    expect(api.requests.every((r) => r.url.endsWith('/api/v1/query'))).toBe(true);
    expect(api.requests.map((r) => new URLSearchParams(r.body).get('time'))).toEqual(
      Array(7).fill((START / 1000).toFixed(3)),
    );
  });

  it('a bad baseline query is named as such', async () => {
    const clock = new FakeClock();
    const api = rejectingApi((q) => q === P95_OLD_Q);
    const prometheus = prometheusClient({ url: PROM_URL, headers: {}, timeoutMs: 10_000 }, api);
    const e = await actionError(
      monitor(makePlan(), { prometheus, http: api, clock, log: new RecordingLogger() }),
    );
    expect(e.message).toMatch(/^rule p95-latency \(baseline\): Prometheus rejected the query: /);
    expect(e.message).toContain(`\n  query: ${P95_OLD_Q}`);
  });

  it('a bad min-requests guard query is named as such', async () => {
    const clock = new FakeClock();
    const api = rejectingApi((q) => q === TRAFFIC_Q);
    const prometheus = prometheusClient({ url: PROM_URL, headers: {}, timeoutMs: 10_000 }, api);
    const e = await actionError(
      monitor(makePlan(), { prometheus, http: api, clock, log: new RecordingLogger() }),
    );
    expect(e.message).toMatch(/^the min-requests guard: Prometheus rejected the query: /);
  });

  it('unreachable at the start: ActionError naming prometheus-url, before any evaluation', async () => {
    const clock = new FakeClock();
    const api = new FakeHttp(() => ({ fail: 'network' }));
    const prometheus = prometheusClient({ url: PROM_URL, headers: {}, timeoutMs: 10_000 }, api);
    const e = await actionError(
      monitor(makePlan(), { prometheus, http: api, clock, log: new RecordingLogger() }),
    );
    expect(e.message).toBe(
      `Prometheus at ${PROM_URL} cannot be queried before the window starts: ${PROM_URL} did not answer: connection refused. Check prometheus-url`,
    );
    expect(clock.sleeps).toEqual([]);
  });

  it('refused credentials at the start: ActionError naming the auth inputs', async () => {
    const clock = new FakeClock();
    const api = new FakeHttp(() => ({ status: 401, body: 'Unauthorized' }));
    const prometheus = prometheusClient({ url: PROM_URL, headers: {}, timeoutMs: 10_000 }, api);
    const e = await actionError(
      monitor(makePlan(), { prometheus, http: api, clock, log: new RecordingLogger() }),
    );
    expect(e.message).toBe(
      `Prometheus refused the request (${PROM_URL} answered 401). Check prometheus-token, or prometheus-username and prometheus-password, or prometheus-headers`,
    );
  });

  it('a preflight query without series is only a note', async () => {
    const { run, log } = setup({ value: (k, t) => (k === 'cpu' && t === 0 ? [] : HEALTHY[k]) });
    const report = await run();
    expect(report.verdict).toBe('passed');
    expect(log.lines.map((l) => l.message)).toContain(
      `note: rule cpu has no data yet (no series match ${CPU_Q})`,
    );
  });
});

describe('monitor: the health rule', () => {
  const URL_ = 'http://shop.test/healthz';

  function healthRun(failing: ReadonlySet<number>, failureLimit = 2) {
    const clock = new FakeClock();
    const log = new RecordingLogger();
    const http = new FakeHttp(
      (_req, nth) => (failing.has(nth) ? { status: 503, body: 'down' } : { status: 200 }),
      clock,
    );
    const plan = makePlan({
      healthChecks: healthChecks(URL_),
      verdict: { failureLimit, maxNoData: 3, noData: 'fail' },
    });
    return { http, log, report: monitor(plan, { http, clock, log }) };
  }

  it('3 consecutive failed probes fail the window (its own failure-limit, not the global 2)', async () => {
    const { report: p, http } = healthRun(new Set([4, 5, 6]));
    const report = await p;
    expect(report.verdict).toBe('failed');
    expect(report.decision.rule).toBe('health');
    expect(report.reason).toBe(
      `health 1 failed check (critical) in 3 consecutive evaluations: ${URL_}: status 503, expected 2xx`,
    );
    expect(report.query).toBeUndefined();
    expect(report.evaluations).toHaveLength(6);
    expect(report.stoppedEarly).toBe(true);
    expect(http.requests.map((r) => [r.method, r.url])).toEqual(Array(6).fill(['GET', URL_]));
    expect(report.evaluations.map((e) => e.elapsedMs)).toEqual(grid(6));
    // Only the health rule ran: the others are off without Prometheus.
    expect(report.rules.filter((r) => r.off === 'no prometheus-url')).toHaveLength(4);
    expect(report.trafficQuery).toBeUndefined();
  });

  it('2 consecutive failures, twice, do not', async () => {
    const { report: p, log } = healthRun(new Set([4, 5, 7, 8]));
    const report = await p;
    expect(report.verdict).toBe('passed');
    expect(report.evaluations).toHaveLength(30);
    expect(report.breaches.map((b) => b.elapsedMs)).toEqual([4, 5, 7, 8].map((k) => k * 30 * SEC));
    expect(warnings(log)).toEqual([
      {
        level: 'warning',
        message: `health 1 failed check (critical) at 2m: ${URL_}: status 503, expected 2xx`,
        props: { title: 'monitor-window: health critical' },
      },
    ]);
  });

  it('a probe without a response is a failed check', async () => {
    const clock = new FakeClock();
    const http = new FakeHttp(() => ({ fail: 'network' }), clock);
    const report = await monitor(makePlan({ healthChecks: healthChecks(URL_) }), {
      http,
      clock,
      log: new RecordingLogger(),
    });
    expect(report.verdict).toBe('failed');
    expect(report.evaluations).toHaveLength(3);
    expect(report.reason).toBe(
      `health 1 failed check (critical) in 3 consecutive evaluations: ${URL_}: connection refused`,
    );
  });
});

describe('monitor: nothing to evaluate', () => {
  it('no active rule is an ActionError listing why each is off, before any waiting', async () => {
    const clock = new FakeClock();
    const e = await actionError(
      monitor(makePlan(), { http: new FakeHttp(() => ({})), clock, log: new RecordingLogger() }),
    );
    expect(e.message).toBe(
      'no rule to evaluate: error-rate (no prometheus-url), p95-latency (no prometheus-url), cpu (no prometheus-url), memory (no prometheus-url), health (no health-url (and no live URL from the target))',
    );
    expect(clock.sleeps).toEqual([]);
  });

  it('every rule disabled is the same error', async () => {
    const rules = parseRules(
      'rules',
      BUILTIN_RULES.map((r) => ({ name: r.name, enabled: false })),
      TEMPLATE_VARIABLES,
    );
    const { run, prometheus } = setup({}, { rules });
    const e = await actionError(run());
    expect(e.message).toMatch(
      /^no rule to evaluate: error-rate \(disabled\), p95-latency \(disabled\)/,
    );
    expect(prometheus.queries).toEqual([]);
  });
});

describe('monitor: breaches and annotations', () => {
  it('lists every breach, but annotates each rule and state once', async () => {
    // error-rate: warning at 2m–2m30s, critical at 3m–3m30s (2 < failure-limit 3), warning to 5m30s.
    // cpu (warning only) above 80% from 10m.
    const { run, log } = setup({
      value: (k, t) => {
        if (k === 'cpu') return t >= 10 * MIN ? 0.9 : 0.3;
        if (k !== 'error-rate') return HEALTHY[k];
        if (t >= 2 * MIN && t < 3 * MIN) return 0.02;
        if (t >= 3 * MIN && t < 4 * MIN) return 0.2;
        if (t >= 4 * MIN && t < 6 * MIN) return 0.02;
        return 0.002;
      },
    });
    const report = await run();
    expect(report.verdict).toBe('passed');
    expect(report.evaluations).toHaveLength(30);

    const errBreaches = report.breaches.filter((b) => b.rule === 'error-rate');
    expect(
      errBreaches.map((b) => [b.elapsedMs / SEC, b.severity, b.value, b.limit, b.threshold]),
    ).toEqual([
      [120, 'warning', 0.02, 0.01, '1%'],
      [150, 'warning', 0.02, 0.01, '1%'],
      [180, 'critical', 0.2, 0.05, '5%'],
      [210, 'critical', 0.2, 0.05, '5%'],
      [240, 'warning', 0.02, 0.01, '1%'],
      [270, 'warning', 0.02, 0.01, '1%'],
      [300, 'warning', 0.02, 0.01, '1%'],
      [330, 'warning', 0.02, 0.01, '1%'],
    ]);
    expect(report.breaches.filter((b) => b.rule === 'cpu')).toHaveLength(11);
    expect(report.breaches.every((b) => b.at === START + b.elapsedMs)).toBe(true);

    expect(warnings(log)).toEqual([
      {
        level: 'warning',
        message: 'error-rate 2% > 1% (warning) at 2m',
        props: { title: 'monitor-window: error-rate warning' },
      },
      {
        level: 'warning',
        message: 'error-rate 20% > 5% (critical) at 3m',
        props: { title: 'monitor-window: error-rate critical' },
      },
      {
        level: 'warning',
        message: 'cpu 90% > 80% (warning) at 10m',
        props: { title: 'monitor-window: cpu warning' },
      },
    ]);

    expect(ruleOf(report, 'error-rate')).toMatchObject({
      min: 0.002,
      max: 0.2,
      last: 0.002,
      lastState: 'ok',
      worst: 'critical',
    });
    expect(ruleOf(report, 'cpu')).toMatchObject({
      max: 0.9,
      lastState: 'warning',
      worst: 'warning',
    });
    expect(readingsOf(report, 'error-rate')[6]).toEqual({
      rule: 'error-rate',
      value: 0.2,
      state: 'critical',
      limit: 0.05,
      threshold: '5%',
    });
  });
});
