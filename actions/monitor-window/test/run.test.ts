import type { Matcher, MonitorReport, Verdict } from '@switchyard/metrics';
import type { HttpRequest } from '@switchyard/probe';
import {
  FakeClock,
  FakeExec,
  FakeHttp,
  RecordingLogger,
  type FakeAnswer,
} from '../../../test/support/fakes.js';
import type { FailOn, MonitorInputs } from '../src/inputs.js';
import {
  readRelease,
  run,
  selectors,
  stepFails,
  type MonitorDeps,
  type ReleaseContext,
} from '../src/run.js';
import { MIN, parse, report, SEC, START } from './fixtures.js';

const PROM = 'http://prom.test:9090';
const HEALTH = 'https://shop.test/healthz';

const m = (label: string, value: string, op: Matcher['op'] = '='): Matcher => ({
  label,
  op,
  value,
});

const RELEASE: ReleaseContext = {
  app: 'shop',
  environment: 'production',
  labels: { app: 'shop', environment: 'production' },
  live: 'green',
  previous: 'blue',
  version: '1.4.2',
  previousVersion: '1.4.1',
  switchedAt: '2025-12-31T23:58:00.000Z',
  url: 'https://shop.test',
};

/** Inputs as an environment would give them (no selector); `over` replaces parsed fields. */
function inputs(over: Partial<MonitorInputs> = {}): MonitorInputs {
  return { ...parse({ 'health-url': HEALTH }), ...over };
}

describe('selectors', () => {
  test('default: app and environment, the live color watched, the previous one as baseline', () => {
    expect(selectors(inputs(), RELEASE)).toEqual({
      selector: [m('app', 'shop'), m('environment', 'production'), m('color', 'green')],
      baseline: [m('app', 'shop'), m('environment', 'production'), m('color', 'blue')],
    });
  });

  test('a first deploy (no previous color) has no baseline selector', () => {
    expect(selectors(inputs(), { ...RELEASE, previous: null })).toEqual({
      selector: [m('app', 'shop'), m('environment', 'production'), m('color', 'green')],
      baseline: null,
    });
  });

  test('the color label is the one color-label names', () => {
    const { selector, baseline } = selectors(inputs({ colorLabel: 'slot' }), RELEASE);
    expect(selector.at(-1)).toEqual(m('slot', 'green'));
    expect(baseline?.at(-1)).toEqual(m('slot', 'blue'));
  });

  test('a user selector gets the color split too', () => {
    const i = inputs({ selector: [m('job', 'web')] });
    expect(selectors(i, RELEASE)).toEqual({
      selector: [m('job', 'web'), m('color', 'green')],
      baseline: [m('job', 'web'), m('color', 'blue')],
    });
  });

  test('a user selector that already constrains the color label is kept; the baseline still takes the previous color', () => {
    const own = [m('job', 'web'), m('color', 'green|blue', '=~')];
    expect(selectors(inputs({ selector: own }), RELEASE)).toEqual({
      selector: own,
      baseline: [m('job', 'web'), m('color', 'blue')],
    });
    expect(selectors(inputs({ selector: own }), { ...RELEASE, previous: null })).toEqual({
      selector: own,
      baseline: null,
    });
  });

  test('an explicit baseline-selector wins, with or without a previous color', () => {
    const old = [m('job', 'web-old')];
    expect(selectors(inputs({ baselineSelector: old }), RELEASE)).toEqual({
      selector: [m('app', 'shop'), m('environment', 'production'), m('color', 'green')],
      baseline: old,
    });
    expect(selectors(inputs({ baselineSelector: old }), { ...RELEASE, previous: null })).toEqual({
      selector: [m('app', 'shop'), m('environment', 'production'), m('color', 'green')],
      baseline: old,
    });
  });

  test("color-label '' (none): no split, the baseline is the same selector", () => {
    const sel = [m('app', 'shop'), m('environment', 'production')];
    expect(selectors(inputs({ colorLabel: '' }), RELEASE)).toEqual({
      selector: sel,
      baseline: sel,
    });
    expect(selectors(inputs({ colorLabel: '' }), { ...RELEASE, previous: null })).toEqual({
      selector: sel,
      baseline: sel,
    });
  });

  test('without a release: the given selector for both; none at all without one', () => {
    const own = [m('job', 'web')];
    expect(selectors(inputs({ selector: own }), undefined)).toEqual({
      selector: own,
      baseline: own,
    });
    expect(selectors(inputs(), undefined)).toEqual({ selector: [], baseline: [] });
  });
});

describe('stepFails', () => {
  const table: [FailOn, Verdict, boolean][] = [
    ['failed', 'passed', false],
    ['failed', 'failed', true],
    ['failed', 'inconclusive', false],
    ['inconclusive', 'passed', false],
    ['inconclusive', 'failed', true],
    ['inconclusive', 'inconclusive', true],
    ['never', 'passed', false],
    ['never', 'failed', false],
    ['never', 'inconclusive', false],
  ];
  test.each(table)('fail-on %s, verdict %s → %s', (failOn, verdict, fails) => {
    expect(stepFails({ report: report({ verdict }), failOn })).toBe(fails);
  });
});

describe('readRelease', () => {
  test('without an environment nothing is read from a target', async () => {
    const exec = new FakeExec();
    const deps: MonitorDeps = {
      exec,
      clock: new FakeClock(),
      http: new FakeHttp(() => ({})),
      log: new RecordingLogger(),
    };
    expect(await readRelease(inputs(), deps)).toBeUndefined();
    expect(exec.calls).toEqual([]);
  });
});

/** What the fake Prometheus answers for a query (by its text), as a sample value. */
function valueOf(query: string): string {
  if (query.startsWith('sum(increase(')) return '600';
  if (query.includes('"5.."')) return '0.002';
  if (query.includes('histogram_quantile')) return '0.12';
  if (query.includes('process_cpu_seconds_total')) return '0.3';
  return '1';
}

/** A fake network: the Prometheus HTTP API under PROM, and `health` for every other URL. */
function network(clock: FakeClock, health: (req: HttpRequest) => FakeAnswer) {
  return new FakeHttp((req) => {
    if (!req.url.startsWith(PROM)) return health(req);
    const form = new URLSearchParams(req.body);
    const query = form.get('query') ?? '';
    if (req.url === `${PROM}/api/v1/query_range`) {
      const start = Number(form.get('start'));
      return {
        body: JSON.stringify({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [
              {
                metric: { job: 'shop', color: 'blue' },
                values: [
                  [start, '0.1'],
                  [start + 60, '0.1'],
                  [start + 120, '0.1'],
                ],
              },
            ],
          },
        }),
      };
    }
    if (req.url === `${PROM}/api/v1/query`)
      return {
        body: JSON.stringify({
          status: 'success',
          data: {
            resultType: 'vector',
            result: [{ metric: {}, value: [Number(form.get('time')), valueOf(query)] }],
          },
        }),
      };
    return { status: 404, body: '404 page not found' };
  }, clock);
}

const WATCH = {
  'prometheus-url': `${PROM}/`,
  'prometheus-token': 'tok-1',
  selector: 'job="shop",color="green"',
  'baseline-selector': 'job="shop",color="blue"',
  'health-url': HEALTH,
  duration: '2m',
  interval: '30s',
};

async function watch(values: Record<string, string>, health: (req: HttpRequest) => FakeAnswer) {
  const clock = new FakeClock();
  const http = network(clock, health);
  const log = new RecordingLogger();
  const result = await run(parse(values), { exec: new FakeExec(), clock, http, log });
  const toProm = http.requests.filter((r) => r.url.startsWith(PROM));
  const toHealth = http.requests.filter((r) => !r.url.startsWith(PROM));
  return { result, log, toProm, toHealth };
}

const ruleOf = (r: MonitorReport, name: string) => r.rules.find((x) => x.rule.name === name)!;

describe('run without an environment', () => {
  test('watches the selector through Prometheus and the health URL, and passes', async () => {
    const { result, log, toProm, toHealth } = await watch(
      { ...WATCH, 'baseline-end': '2025-12-31T23:50:00Z', 'health-expect-status': '204' },
      () => ({ status: 204 }),
    );
    const r = result.report;
    expect(result.release).toBeUndefined();
    expect(result.failOn).toBe('failed');
    expect(r.verdict).toBe('passed');
    expect(r.evaluations.map((e) => e.elapsedMs)).toEqual([30, 60, 90, 120].map((s) => s * SEC));
    expect(r.durationMs).toBe(2 * MIN);
    expect(r.selector).toBe('job="shop",color="green"');
    expect(r.baselineSelector).toBe('job="shop",color="blue"');

    // The baseline window ends at baseline-end and is baseline-window (10m) long.
    const end = Date.UTC(2025, 11, 31, 23, 50);
    expect(r.baselineWindow).toEqual({ start: end - 10 * MIN, end });
    const ranges = toProm.filter((q) => q.url.endsWith('/query_range'));
    expect(ranges.length).toBeGreaterThan(0);
    for (const q of ranges) {
      const form = new URLSearchParams(q.body);
      expect(form.get('end')).toBe((end / 1000).toFixed(3));
      expect(form.get('start')).toBe(((end - 10 * MIN) / 1000).toFixed(3));
      expect(form.get('query')).toContain('color="blue"');
    }
    expect(ruleOf(r, 'p95-latency').baseline).toBe(0.1);

    // Prometheus: the token as a bearer header on every request, the URL without its slash.
    expect(toProm.every((q) => q.headers.Authorization === 'Bearer tok-1')).toBe(true);
    expect(toProm.every((q) => q.method === 'POST')).toBe(true);
    expect(log.text()).toContain(
      `Prometheus ${PROM}; selector {job="shop",color="green"}, baseline {job="shop",color="blue"}`,
    );

    // Health: one GET of the health URL per evaluation, judged by health-expect-status.
    expect(toHealth).toHaveLength(4);
    expect(toHealth.every((q) => q.url === HEALTH && q.method === 'GET')).toBe(true);
    expect(toHealth[0]!.headers['User-Agent']).toBe('switchyard-monitor');
    expect(toHealth[0]!.timeoutMs).toBe(5000);
    expect(
      r.evaluations.every((e) => e.readings.some((x) => x.rule === 'health' && x.state === 'ok')),
    ).toBe(true);

    // memory needs resources.memory, which only an environment gives.
    expect(ruleOf(r, 'memory').off).toContain('needs $memory_limit');
    expect(ruleOf(r, 'cpu').query).toBe(
      'max(rate(process_cpu_seconds_total{job="shop",color="green"}[1m])) / 1',
    );
  });

  test('the health check fails on a status outside health-expect-status', async () => {
    const { result } = await watch({ ...WATCH, 'health-expect-status': '204' }, () => ({
      status: 200,
    }));
    const r = result.report;
    expect(r.verdict).toBe('failed');
    expect(r.decision.rule).toBe('health');
    // The health rule's own failure limit: 3 evaluations in a row.
    expect(r.evaluations).toHaveLength(3);
    expect(r.stoppedEarly).toBe(true);
    expect(r.reason).toContain(`${HEALTH}: status 200, expected 204`);
  });

  test('health-failures sets how many failed checks in a row fail the window', async () => {
    const { result } = await watch({ ...WATCH, 'health-failures': '2' }, () => ({ status: 503 }));
    expect(result.report.verdict).toBe('failed');
    expect(result.report.evaluations).toHaveLength(2);
  });

  test('without baseline-end the baseline window ends at the start of the window', async () => {
    const { result } = await watch(WATCH, () => ({ status: 200 }));
    expect(result.report.baselineWindow).toEqual({ start: START - 10 * MIN, end: START });
  });

  test('without prometheus-url only the health rule runs; nothing is queried', async () => {
    const { result, toProm, toHealth } = await watch(
      { 'health-url': HEALTH, duration: '1m', interval: '30s', 'fail-on': 'never' },
      () => ({ status: 200 }),
    );
    const r = result.report;
    expect(result.failOn).toBe('never');
    expect(r.verdict).toBe('passed');
    expect(toProm).toEqual([]);
    expect(toHealth).toHaveLength(2);
    expect(r.rules.map((x) => [x.rule.name, x.off])).toEqual([
      ['error-rate', 'no prometheus-url'],
      ['p95-latency', 'no prometheus-url'],
      ['cpu', 'no prometheus-url'],
      ['memory', 'no prometheus-url'],
      ['health', undefined],
    ]);
    expect(r.trafficQuery).toBeUndefined();
  });

  test('the default health status is 200-399', async () => {
    const { result } = await watch(
      { 'health-url': HEALTH, duration: '1m', interval: '30s' },
      () => ({ status: 302, headers: { location: '/elsewhere' } }),
    );
    expect(result.report.verdict).toBe('passed');
  });

  test('rules, variables and the verdict options reach the plan', async () => {
    const { result, toProm } = await watch(
      {
        ...WATCH,
        'health-url': '',
        'rate-window': '2m',
        'min-requests': '1000',
        'max-no-data': '2',
        'no-data': 'inconclusive',
        rules: '- name: cpu\n  enabled: false',
      },
      () => ({ status: 200 }),
    );
    const r = result.report;
    // 600 requests < min-requests 1000: error-rate and p95 read no data, twice in a row.
    expect(r.verdict).toBe('inconclusive');
    expect(r.evaluations).toHaveLength(2);
    expect(r.trafficQuery).toBe('sum(increase(http_requests_total{job="shop",color="green"}[2m]))');
    expect(ruleOf(r, 'cpu').off).toBe('disabled');
    expect(ruleOf(r, 'health').off).toBe('no health-url (and no live URL from the target)');
    expect(toProm.some((q) => new URLSearchParams(q.body).get('query')?.includes('[2m]'))).toBe(
      true,
    );
  });
});
