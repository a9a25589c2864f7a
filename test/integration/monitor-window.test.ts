/**
 * monitor-window, bundled, under Node 24, run as the runner runs it, against Debian's Prometheus
 * (a private instance per file, 1 s scrape) scraping the example app in Docker under wrk load.
 */
import { startLoad, type LoadRun } from '../support/load.js';
import {
  setKnobs,
  someValue,
  startPrometheus,
  waitForQuery,
  type PrivatePrometheus,
} from '../support/prometheus.js';
import { runAction, type ActionRun } from '../support/runner.js';
import { AppContainer, freePort, testbed } from '../support/testbed.js';

let app: AppContainer;
let prom: PrivatePrometheus;
let load: LoadRun;

/** Fast settings: 1 s evaluations over a 5 s rate window (TESTBED.md §4). */
const FAST = {
  interval: '1s',
  'rate-window': '5s',
  'baseline-window': '8s',
  selector: 'app="mon"',
};

beforeAll(async () => {
  testbed();
  app = await AppContainer.start({ version: '1.0.0', color: 'green' });
  prom = await startPrometheus({ targets: [`127.0.0.1:${app.port}`], labels: { app: 'mon' } });
  // Each request waits 5 ms: two connections stay under ~400 req/s, far from a core (the cpu rule
  // warns at 80%), with plenty of requests for the min-requests guard.
  load = startLoad(`${app.url}/?delay_ms=5`, {
    connections: 2,
    threads: 1,
    maxDurationMs: 600_000,
  });
  // Wait for traffic to show in Prometheus (first scrape 5–8 s after start), plus a baseline's worth.
  await waitForQuery(
    prom.url,
    'sum(rate(http_requests_total{app="mon"}[5s]))',
    someValue((v) => v > 10),
    30_000,
  );
  await new Promise((r) => setTimeout(r, 8000));
}, 60_000);

afterEach(async () => {
  await setKnobs(app.url, { error_rate: 0, delay_ms: 0, healthy: true });
  // Let an injected fault leave the 5 s rate window before the next test's window starts.
  await waitForQuery(
    prom.url,
    '((sum(rate(http_requests_total{app="mon",code=~"5.."}[5s])) or vector(0)) > 0) or (histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{app="mon"}[5s]))) > 0.05)',
    (samples) => samples.length === 0,
    30_000,
  );
}, 40_000);

afterAll(async () => {
  await load?.stop();
  await prom?.stop();
  await app?.remove();
});

const monitor = (inputs: Record<string, string>, secrets: string[] = []): Promise<ActionRun> =>
  runAction('monitor-window', {
    inputs: { 'prometheus-url': prom.url, ...FAST, ...inputs },
    secrets,
  });

/** Runs `fn` after `ms`, while the action runs. */
const after = (ms: number, fn: () => Promise<unknown>): Promise<unknown> =>
  new Promise((resolve, reject) => setTimeout(() => void fn().then(resolve, reject), ms));

const json = <T>(text: string | undefined): T => JSON.parse(text ?? 'null') as T;

interface ReadingOut {
  values: Record<string, number | null>;
  states: Record<string, string>;
  requests?: number;
}

describe('monitor-window against Prometheus and the example app', () => {
  test('a healthy window passes: every evaluation ok, outputs, summary table, chart and queries', async () => {
    const token = 'tok-3f9a2b7c-monitor';
    const run = await monitor(
      {
        duration: '5s',
        'health-url': `${app.url}/healthz`,
        'prometheus-token': token,
      },
      [token],
    );
    expect(run.exitCode).toBe(0);
    expect(run.outputs.verdict).toBe('passed');
    expect(run.outputs.rule).toBe('');
    expect(run.outputs['stopped-early']).toBe('false');
    const readings = json<ReadingOut[]>(run.outputs.readings);
    expect(readings).toHaveLength(5);
    for (const r of readings) {
      expect(r.states).toEqual({
        'error-rate': 'ok',
        'p95-latency': 'ok',
        cpu: 'ok',
        health: 'ok',
      });
      expect(r.values['error-rate']).toBe(0);
      expect(r.values['p95-latency']).toBeGreaterThan(0);
      expect(r.requests).toBeGreaterThan(10);
    }
    const baseline = json<Record<string, number | null>>(run.outputs.baseline);
    expect(baseline['error-rate']).toBe(0);
    expect(baseline['p95-latency']).toBeGreaterThan(0);
    expect(run.outputs.breaches).toBe('[]');
    expect(run.log).toMatch(/\[1s \/ 5s, 4s left\] error-rate 0% ok · p95-latency [\d.]+ms ok/);
    expect(run.summary).toContain('## Monitor window');
    expect(run.summary).toContain('**passed**');
    expect(run.summary).toMatch(/\| error-rate \| 1% \| 5% \| 0% \| 0% \| 0% \| 0% \| ✅ ok \|/);
    expect(run.summary).toContain('| memory |');
    expect(run.summary).toContain('```mermaid\nxychart-beta\n  title "error rate (%)"');
    expect(run.summary).toContain('http_requests_total{app="mon",code=~"5.."}[5s]');
  });

  test('a 20% error rate injected mid-window fails it early, naming error-rate, value, threshold and query', async () => {
    const started = Date.now();
    const [run] = await Promise.all([
      monitor({ duration: '60s' }),
      after(3000, () => setKnobs(app.url, { error_rate: 0.2 })),
    ]);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe('failed');
    expect(run.outputs.rule).toBe('error-rate');
    expect(run.outputs['stopped-early']).toBe('true');
    expect(run.outputs.reason).toMatch(
      /^error-rate [\d.]+% > 5% \(critical\) in 2 consecutive evaluations; query: \(sum\(rate\(http_requests_total\{app="mon",code=~"5\.\."\}\[5s\]\)\) or vector\(0\)\)/,
    );
    // Well before the 60 s window: the jump shows in 1–2 s, then two critical evaluations.
    expect(Date.now() - started).toBeLessThan(20_000);
    const breaches = json<{ rule: string; severity: string; value: number }[]>(
      run.outputs.breaches,
    );
    const critical = breaches.filter((b) => b.rule === 'error-rate' && b.severity === 'critical');
    expect(critical.length).toBe(2);
    expect(critical.every((b) => b.value > 0.05)).toBe(true);
    expect(
      run.annotations.some(
        (a) => a.level === 'error' && a.message.includes('verdict failed: error-rate'),
      ),
    ).toBe(true);
    expect(run.summary).toContain('❌ **failed**');
    expect(run.summary).toContain('(stopped early)');
  });

  test('added latency fires the baseline-relative p95 rule (critical 2x baseline) before the 1 s warning', async () => {
    const [run] = await Promise.all([
      monitor({ duration: '60s' }),
      after(2000, () => setKnobs(app.url, { delay_ms: 300 })),
    ]);
    expect(run.outputs.verdict).toBe('failed');
    expect(run.outputs.rule).toBe('p95-latency');
    expect(run.outputs.reason).toMatch(
      /^p95-latency [\d.]+ms > 2x baseline \([\d.]+ms\) \(critical\)/,
    );
    expect(run.outputs.reason).toContain('histogram_quantile(0.95');
    const breaches = json<{ rule: string; severity: string; threshold: string }[]>(
      run.outputs.breaches,
    );
    expect(
      breaches.filter((b) => b.rule === 'p95-latency').every((b) => b.severity === 'critical'),
    ).toBe(true);
    expect(breaches.some((b) => b.threshold === '1s')).toBe(false);
    expect(run.exitCode).toBe(1);
  });

  test('a selector that matches nothing is blind: inconclusive whatever no-data says, never passed', async () => {
    const base = {
      selector: 'app="nothing-here"',
      duration: '20s',
      'max-no-data': '2',
      rules: '- name: cpu\n  enabled: false',
    };
    const blind = await monitor(base);
    expect(blind.outputs.verdict).toBe('inconclusive');
    expect(blind.outputs.reason).toMatch(
      /^blind: (error-rate|p95-latency) could not be read in 2 consecutive evaluations \(max-no-data 2\): /,
    );
    expect(blind.outputs.reason).toContain('matched no series {app="nothing-here"}');
    // A blind window fails the step even with fail-on: failed: the release is not marked good.
    expect(blind.exitCode).toBe(1);

    const inconclusive = await monitor({ ...base, 'no-data': 'inconclusive' });
    expect(inconclusive.outputs.verdict).toBe('inconclusive');
    expect(inconclusive.exitCode).toBe(1);

    const pass = await monitor({ ...base, 'no-data': 'pass', duration: '3s' });
    expect(pass.outputs.verdict).toBe('inconclusive');
    expect(
      json<ReadingOut[]>(pass.outputs.readings).every((r) => r.states['error-rate'] === 'blind'),
    ).toBe(true);
  });

  test('Prometheus stopped mid-window: its rules are blind, the verdict inconclusive', async () => {
    const own = await startPrometheus({
      targets: [`127.0.0.1:${app.port}`],
      labels: { app: 'mon' },
    });
    try {
      await waitForQuery(
        own.url,
        'sum(rate(http_requests_total{app="mon"}[5s]))',
        someValue((v) => v > 0),
        30_000,
      );
      const [run] = await Promise.all([
        runAction('monitor-window', {
          inputs: { 'prometheus-url': own.url, ...FAST, duration: '60s', 'max-no-data': '2' },
        }),
        after(3500, () => own.kill()),
      ]);
      expect(run.outputs.verdict).toBe('inconclusive');
      expect(run.outputs.reason).toMatch(
        /^blind: .* could not be read in 2 consecutive evaluations/,
      );
      expect(run.outputs.reason).toMatch(/did not answer|ECONNREFUSED/);
      const readings = json<ReadingOut[]>(run.outputs.readings);
      expect(readings[0]?.states['error-rate']).toBe('ok');
      expect(readings.at(-1)?.states['error-rate']).toBe('blind');
      expect(run.exitCode).toBe(1);
    } finally {
      await own.stop();
    }
  });

  test('health-url alone: three failed checks in a row fail the window, two do not', async () => {
    const [run] = await Promise.all([
      runAction('monitor-window', {
        inputs: { 'health-url': `${app.url}/healthz`, duration: '30s', interval: '500ms' },
      }),
      after(1200, () => setKnobs(app.url, { healthy: false })),
    ]);
    expect(run.outputs.verdict).toBe('failed');
    expect(run.outputs.rule).toBe('health');
    expect(run.outputs.reason).toMatch(
      /^health 1 failed check \(critical\) in 3 consecutive evaluations: .*status 503/,
    );
    const states = json<ReadingOut[]>(run.outputs.readings).map((r) => r.states.health);
    expect(states.slice(-3)).toEqual(['critical', 'critical', 'critical']);
    expect(states[0]).toBe('ok');
  });

  test('a custom PromQL rule relative to the baseline: warning annotated, verdict passed', async () => {
    const run = await monitor({
      duration: '3s',
      rules: [
        '- name: request-rate',
        '  query: sum(rate(http_requests_total{$selector}[$window]))',
        '  relative-to: baseline',
        '  warning: 0.5',
        '  direction: above',
      ].join('\n'),
    });
    // Same traffic as the baseline: 1x is above 0.5x → warning every evaluation, never critical.
    expect(run.outputs.verdict).toBe('passed');
    const breaches = json<{ rule: string; severity: string }[]>(run.outputs.breaches);
    expect(breaches.filter((b) => b.rule === 'request-rate').map((b) => b.severity)).toEqual([
      'warning',
      'warning',
      'warning',
    ]);
    expect(
      run.annotations.filter((a) => a.level === 'warning' && a.message.startsWith('request-rate')),
    ).toHaveLength(1);
    expect(run.exitCode).toBe(0);
  });
});

describe('monitor-window rejects bad input before the window starts', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['duration', { duration: '15 minutes' }, /input "duration": "15 minutes" is not a duration/],
    [
      'interval longer than duration',
      { duration: '10s', interval: '1m' },
      /input "interval": .* is longer than duration/,
    ],
    ['rate-window', { 'rate-window': '0s' }, /input "rate-window"/],
    ['selector', { selector: 'app=="web"' }, /input "selector": .*label matcher/],
    [
      'color-label',
      { 'color-label': '1color' },
      /input "color-label": .* is not a Prometheus label name/,
    ],
    [
      'prometheus-url scheme',
      { 'prometheus-url': 'ftp://prom:9090' },
      /input "prometheus-url": .* has protocol ftp:/,
    ],
    [
      'prometheus-url',
      { 'prometheus-url': 'not a url' },
      /input "prometheus-url": "not a url" is not a valid URL/,
    ],
    ['failure-limit', { 'failure-limit': '0' }, /input "failure-limit"/],
    ['no-data', { 'no-data': 'ignore' }, /input "no-data": "ignore"/],
    ['fail-on', { 'fail-on': 'always' }, /input "fail-on": "always"/],
    ['min-requests', { 'min-requests': '-1' }, /input "min-requests"/],
    [
      'threshold',
      { rules: '- name: error-rate\n  critical: five percent' },
      /input "rules\[0\]\.critical": "five percent" is not a threshold/,
    ],
    [
      'unknown rule key',
      { rules: '- name: error-rate\n  critcal: 2%' },
      /input "rules\[0\]\.critcal": "critcal" is not a rule setting/,
    ],
    [
      'custom rule without query',
      { rules: '- name: queue\n  critical: 10' },
      /input "rules\[0\]\.query": "" is required for the custom rule queue/,
    ],
    [
      'unknown template variable',
      { rules: '- name: q\n  query: max(x{$selectr})\n  critical: 1' },
      /uses \$selectr, which is not known/,
    ],
    [
      'rules YAML',
      { rules: '- name: [' },
      /input "rules": is not valid YAML or JSON \(.*, at line 1, column 10\)/,
    ],
    [
      'baseline-end',
      { 'baseline-end': 'yesterday' },
      /input "baseline-end": "yesterday" is not a time/,
    ],
    [
      'rollback-on-failure without environment',
      { 'rollback-on-failure': 'true' },
      /input "rollback-on-failure": "true" needs environment/,
    ],
    [
      'basic auth half',
      { 'prometheus-username': 'u' },
      /input "prometheus-password": "" is required with the other Prometheus credential/,
    ],
    [
      'health-url',
      { 'health-url': 'localhost/healthz', selector: 'app="x"' },
      /input "health-url": "localhost\/healthz" is not a valid URL/,
    ],
  ];
  test.each(cases)('%s', async (_name, inputs, message) => {
    const run = await runAction('monitor-window', {
      inputs: { 'prometheus-url': 'http://127.0.0.1:9', selector: 'app="x"', ...inputs },
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(message);
    expect(run.log).not.toContain('Watching for');
    expect(run.outputs.verdict).toBeUndefined();
  });

  test('no selector and no environment: the selector is required', async () => {
    const run = await runAction('monitor-window', {
      inputs: { 'prometheus-url': 'http://127.0.0.1:9' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/input "selector": "" is required without environment/);
  });

  test("invalid PromQL: one query up front, the error names the rule and shows Prometheus's message", async () => {
    const run = await runAction('monitor-window', {
      inputs: {
        'prometheus-url': prom.url,
        ...FAST,
        rules:
          '- name: broken\n  query: sum(rate(http_requests_total{$selector}[$window])\n  critical: 1',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/rule broken: Prometheus rejected the query: bad_data: .*parse error/);
    expect(run.log).not.toContain('Watching for');
  });

  test('an unreachable Prometheus fails before the window and names prometheus-url', async () => {
    const port = await freePort();
    const run = await runAction('monitor-window', {
      inputs: { 'prometheus-url': `http://127.0.0.1:${port}`, selector: 'app="x"' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(
      new RegExp(
        `Prometheus at http://127.0.0.1:${port} cannot be queried before the window starts: .*Check prometheus-url`,
      ),
    );
  });
});
