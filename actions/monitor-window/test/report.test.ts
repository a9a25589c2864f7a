import type { Evaluation, MonitorReport, Reading } from '@switchyard/metrics';
import { chart, outputs, readingsJson, renderSummary } from '../src/report.js';
import type { MonitorResult, ReleaseContext } from '../src/run.js';
import { breach, builtin, evaluation, MIN, report, ruleReport, SEC, START } from './fixtures.js';

const ERR_Q =
  'sum(rate(http_requests_total{color="green",code=~"5.."}[1m])) / sum(rate(http_requests_total{color="green"}[1m]))';
const ERR_OLD = ERR_Q.replaceAll('green', 'blue');
const P95_Q =
  'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{color="green"}[1m])))';
const P95_OLD = P95_Q.replace('green', 'blue');
const CPU_Q = 'max(rate(process_cpu_seconds_total{color="green"}[1m])) / 1';
const TRAFFIC_Q = 'sum(increase(http_requests_total{color="green"}[1m]))';
const MEMORY_OFF =
  'needs $memory_limit: set resources.memory in the config file, or give the rule a query';

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

const reading = (rule: string, value: number | null, state: Reading['state'] = 'ok'): Reading => ({
  rule,
  value,
  state,
  ...(value === null && { note: 'no series matched' }),
});

/** The five built-ins as a failed window reports them: error-rate critical twice, p95 under its floor. */
function failedReport(over: Partial<MonitorReport> = {}): MonitorReport {
  const evaluations = [
    evaluation(
      30 * SEC,
      [
        reading('error-rate', 0.08, 'critical'),
        reading('p95-latency', 0.1),
        reading('cpu', 0.3),
        reading('health', 0),
      ],
      600,
    ),
    evaluation(
      60 * SEC,
      [
        reading('error-rate', 0.09, 'critical'),
        reading('p95-latency', 0.12),
        reading('cpu', null, 'no-data'),
        reading('health', 1, 'critical'),
      ],
      null,
    ),
  ];
  const decision = {
    verdict: 'failed' as const,
    rule: 'error-rate',
    reason: 'error-rate 9% > 5% (critical) in 2 consecutive evaluations',
  };
  return report({
    verdict: 'failed',
    reason: `${decision.reason}; query: ${ERR_Q}`,
    decision,
    query: ERR_Q,
    finishedAt: START + MIN,
    stoppedEarly: true,
    baselineWindow: { start: START - 12 * MIN, end: START - 2 * MIN },
    trafficQuery: TRAFFIC_Q,
    rules: [
      ruleReport(builtin('error-rate'), {
        query: ERR_Q,
        baselineQuery: ERR_OLD,
        baseline: 0.002,
        baselineNote: 'median of 20 points',
        min: 0.08,
        max: 0.09,
        last: 0.09,
        lastState: 'critical',
        worst: 'critical',
      }),
      ruleReport(builtin('p95-latency'), {
        query: P95_Q,
        baselineQuery: P95_OLD,
        baseline: 0.02,
        min: 0.1,
        max: 0.12,
        last: 0.12,
        lastState: 'ok',
        worst: 'ok',
      }),
      ruleReport(builtin('cpu'), {
        query: CPU_Q,
        baselineQuery: CPU_Q,
        baselineNote: 'no data in the baseline window',
        min: 0.3,
        max: 0.3,
        last: null,
        lastState: 'no-data',
        worst: 'no-data',
      }),
      ruleReport(builtin('memory'), { off: MEMORY_OFF }),
      ruleReport(builtin('health'), {
        min: 0,
        max: 1,
        last: 1,
        lastState: 'critical',
        worst: 'critical',
      }),
    ],
    evaluations,
    breaches: [
      breach(30 * SEC, { value: 0.08 }),
      breach(60 * SEC, { value: 0.09 }),
      breach(60 * SEC, {
        rule: 'health',
        value: 1,
        limit: 0,
        threshold: 'check failed',
      }),
    ],
    ...over,
  });
}

const result = (r: MonitorReport, release?: ReleaseContext): MonitorResult => ({
  report: r,
  failOn: 'failed',
  ...(release && { release }),
});

describe('outputs', () => {
  test('every output, with JSON shapes in base units', () => {
    const out = outputs(result(failedReport()));
    expect(Object.keys(out).sort()).toEqual(
      [
        'verdict',
        'reason',
        'rule',
        'readings',
        'breaches',
        'baseline',
        'evaluations',
        'stopped-early',
        'elapsed',
        'rolled-back',
        'rollback-version',
      ].sort(),
    );
    expect(out).toMatchObject({
      'rolled-back': false,
      'rollback-version': '',
      verdict: 'failed',
      reason: `error-rate 9% > 5% (critical) in 2 consecutive evaluations; query: ${ERR_Q}`,
      rule: 'error-rate',
      evaluations: 2,
      'stopped-early': true,
      elapsed: 60,
    });
    expect(out.readings).toEqual([
      {
        at: '2026-01-01T00:00:30.000Z',
        elapsed: 30,
        requests: 600,
        values: { 'error-rate': 0.08, 'p95-latency': 0.1, cpu: 0.3, health: 0 },
        states: { 'error-rate': 'critical', 'p95-latency': 'ok', cpu: 'ok', health: 'ok' },
      },
      {
        at: '2026-01-01T00:01:00.000Z',
        elapsed: 60,
        requests: null,
        values: { 'error-rate': 0.09, 'p95-latency': 0.12, cpu: null, health: 1 },
        states: {
          'error-rate': 'critical',
          'p95-latency': 'ok',
          cpu: 'no-data',
          health: 'critical',
        },
      },
    ]);
    expect(out.breaches).toEqual([
      {
        at: '2026-01-01T00:00:30.000Z',
        elapsed: 30,
        rule: 'error-rate',
        severity: 'critical',
        value: 0.08,
        limit: 0.05,
        threshold: '5%',
      },
      {
        at: '2026-01-01T00:01:00.000Z',
        elapsed: 60,
        rule: 'error-rate',
        severity: 'critical',
        value: 0.09,
        limit: 0.05,
        threshold: '5%',
      },
      {
        at: '2026-01-01T00:01:00.000Z',
        elapsed: 60,
        rule: 'health',
        severity: 'critical',
        value: 1,
        limit: 0,
        threshold: 'check failed',
      },
    ]);
    // Only the Prometheus rules that ran have a baseline: null when none was measured.
    expect(out.baseline).toEqual({ 'error-rate': 0.002, 'p95-latency': 0.02, cpu: null });
  });

  test('a passed window: rule is empty, not stopped early, elapsed in whole seconds', () => {
    const out = outputs(result(report({ finishedAt: START + 15 * MIN + 400 })));
    expect(out).toMatchObject({
      verdict: 'passed',
      rule: '',
      evaluations: 0,
      'stopped-early': false,
      elapsed: 900,
      readings: [],
      breaches: [],
      baseline: {},
    });
  });

  test('evaluations without a traffic guard have no requests key', () => {
    const r = report({ evaluations: [evaluation(30 * SEC, [reading('health', 0)])] });
    expect(readingsJson(r)).toEqual([
      {
        at: '2026-01-01T00:00:30.000Z',
        elapsed: 30,
        values: { health: 0 },
        states: { health: 'ok' },
      },
    ]);
  });

  test("infinities are '+Inf' and '-Inf' strings, as Prometheus writes them", () => {
    const r = report({
      evaluations: [
        evaluation(30 * SEC, [
          reading('p95-latency', Number.POSITIVE_INFINITY, 'critical'),
          reading('drift', Number.NEGATIVE_INFINITY, 'critical'),
        ]),
      ],
      breaches: [
        breach(30 * SEC, {
          rule: 'p95-latency',
          value: Number.POSITIVE_INFINITY,
          limit: 0.2,
          threshold: '2x baseline',
        }),
      ],
    });
    const out = outputs(result(r));
    expect(out.readings).toEqual([
      expect.objectContaining({ values: { 'p95-latency': '+Inf', drift: '-Inf' } }),
    ]);
    expect(out.breaches).toEqual([expect.objectContaining({ value: '+Inf', limit: 0.2 })]);
    // And they survive JSON (a bare Infinity would become null).
    expect(JSON.parse(JSON.stringify(out.readings))).toEqual(out.readings);
  });
});

describe('chart', () => {
  const ERR = ruleReport(builtin('error-rate'), { query: ERR_Q });
  const P95 = ruleReport(builtin('p95-latency'), { query: P95_Q, baseline: 0.02 });
  /** Evaluations every 30 s with these error-rate values. */
  const series = (values: (number | null)[], rule = 'error-rate'): Evaluation[] =>
    values.map((v, i) => evaluation((i + 1) * 30 * SEC, [reading(rule, v)]));
  /** The numbers of the chart's `line [...]` rows. */
  const lines = (text: string): number[][] =>
    [...text.matchAll(/^ {2}line \[(.*)\]$/gm)].map((m) => (m[1] ?? '').split(', ').map(Number));
  const xLabels = (text: string): string[] =>
    JSON.parse(`[${/x-axis "time since start" \[(.*)\]/.exec(text)?.[1] ?? ''}]`) as string[];
  const yTop = (text: string): number => Number(/ 0 --> (\S+)$/m.exec(text)?.[1]);

  test('no data: no chart', () => {
    expect(chart('error rate (%)', ERR, [], 100)).toBeUndefined();
    expect(chart('error rate (%)', ERR, series([null, null]), 100)).toBeUndefined();
    expect(chart('error rate (%)', ERR, series([0.1], 'cpu'), 100)).toBeUndefined();
    expect(chart('error rate (%)', ERR, series([Number.POSITIVE_INFINITY]), 100)).toBeUndefined();
  });

  test('one point per evaluation, absolute thresholds as flat lines, the y axis above the max', () => {
    const text = chart('error rate (%)', ERR, series([0.002, null, 0.07]), 100);
    expect(text).toBe(
      [
        'xychart-beta',
        '  title "error rate (%)"',
        '  x-axis "time since start" ["30s", "1m", "1m 30s"]',
        '  y-axis "error rate (%)" 0 --> 7.7',
        '  line [0.2, 0, 7]',
        '  line [1, 1, 1]',
        '  line [5, 5, 5]',
      ].join('\n'),
    );
  });

  test('the y axis reaches above the highest threshold too', () => {
    const text = chart('error rate (%)', ERR, series([0.001, 0.002]), 100)!;
    expect(yTop(text)).toBeCloseTo(5.5);
    expect(yTop(text)).toBeGreaterThan(Math.max(...lines(text).flat()));
  });

  test('more than 60 evaluations fold into at most 60 points, the max of each bucket', () => {
    // 120 evaluations (an hour at 30 s): 1% and 3% alternating, 9% once.
    const values = Array.from({ length: 120 }, (_, i) => (i === 101 ? 0.09 : i % 2 ? 0.01 : 0.03));
    const text = chart('error rate (%)', ERR, series(values), 100)!;
    const [data, warning, critical] = lines(text);
    expect(data).toHaveLength(60);
    expect(data).toEqual(Array.from({ length: 60 }, (_, k) => (k === 50 ? 9 : 3)));
    expect(warning).toEqual(Array(60).fill(1));
    expect(critical).toEqual(Array(60).fill(5));
    // Each bucket is labelled with its last evaluation's time.
    const labels = xLabels(text);
    expect(labels).toHaveLength(60);
    expect(labels.slice(0, 2)).toEqual(['1m', '2m']);
    expect(labels.at(-1)).toBe('1h');
    expect(yTop(text)).toBeCloseTo(9.9);
  });

  test.each([
    [60, 60],
    [61, 31],
    [150, 50],
    [1000, 59],
  ])('%d evaluations → %d points', (n, points) => {
    const text = chart('error rate (%)', ERR, series(Array<number>(n).fill(0.01)), 100)!;
    expect(lines(text)[0]).toHaveLength(points);
    expect(lines(text)[0]!.length).toBeLessThanOrEqual(60);
  });

  test('a baseline threshold is factor × max(baseline, baseline-min)', () => {
    // p95: warning 1s, critical 2x baseline; baseline 20ms is under the 50ms floor → 100ms.
    const floor = chart('p95 latency (ms)', P95, series([0.12, 0.13], 'p95-latency'), 1000)!;
    expect(lines(floor)).toEqual([
      [120, 130],
      [1000, 1000],
      [100, 100],
    ]);
    expect(yTop(floor)).toBeCloseTo(1100);
    // A baseline over the floor counts as is: 2 × 200ms.
    const above = chart(
      'p95 latency (ms)',
      { ...P95, baseline: 0.2 },
      series([0.12], 'p95-latency'),
      1000,
    )!;
    expect(lines(above)).toEqual([[120], [1000], [400]]);
  });

  test('without a baseline, a baseline threshold draws no line', () => {
    const text = chart(
      'p95 latency (ms)',
      { ...P95, baseline: null },
      series([0.12], 'p95-latency'),
      1000,
    )!;
    expect(lines(text)).toEqual([[120], [1000]]);
  });

  test('all zero without thresholds: the y axis still has a height', () => {
    const bare = ruleReport({ ...builtin('error-rate'), warning: undefined, critical: undefined });
    const text = chart('error rate (%)', bare, series([0, 0]), 100)!;
    expect(yTop(text)).toBe(1);
    expect(lines(text)).toEqual([[0, 0]]);
  });
});

describe('renderSummary', () => {
  /** The markdown table rows (cells trimmed) of the rules table. */
  const rulesTable = (md: string): string[][] => {
    const start = md.indexOf('| Rule | Warning |');
    const block = md.slice(start, md.indexOf('\n\n', start));
    return block
      .split('\n')
      .slice(2)
      .map((l) =>
        l
          .slice(2, -2)
          .split(' | ')
          .map((c) => c.trim()),
      );
  };
  const row = (md: string, name: string) => rulesTable(md).find((r) => r[0] === name);

  test('a failed window: headline, release, rules table, charts, breaches, queries', () => {
    const md = renderSummary(result(failedReport(), RELEASE));
    expect(md.startsWith('## Monitor window\n\n')).toBe(true);
    expect(md).toContain(
      '❌ **failed** after 1m of 15m (stopped early), 2 evaluations: error-rate 9% &gt; 5% (critical) in 2 consecutive evaluations\n',
    );
    expect(md).toContain(
      'shop/production: **green** live (1.4.2) since 2025-12-31T23:58:00.000Z; baseline from blue (1.4.1).',
    );
    expect(md).toContain('| Rule | Warning | Critical | Baseline | Min | Max | Last | State |');
    expect(rulesTable(md)).toEqual([
      ['error-rate', '1%', '5%', '0.2%', '8%', '9%', '9%', '❌ critical'],
      [
        'p95-latency',
        '1s',
        '2x baseline (100ms)',
        '20ms (floor 50ms)',
        '100ms',
        '120ms',
        '120ms',
        '✅ ok',
      ],
      [
        'cpu',
        '80%',
        '–',
        '– (no data in the baseline window)',
        '30%',
        '30%',
        'no data',
        '◻️ no data',
      ],
      ['memory', '85%', '–', '–', '–', '–', '–', `off (${MEMORY_OFF})`],
      ['health', '–', '3 failed checks in a row', '–', '0', '1', '1', '❌ critical'],
    ]);
    // The error-rate chart; p95 has a chart too.
    expect(md).toContain('```mermaid\nxychart-beta\n  title "error rate (%)"');
    expect(md).toContain('  title "p95 latency (ms)"');
    expect(md).toContain('<details><summary>Breaches (3)</summary>');
    expect(md).toContain('| 30s | error-rate | critical | 8% | 5% |');
    expect(md).toContain('| 1m | health | critical | 1 | check failed |');
  });

  test.each([
    [
      'passed',
      {},
      '✅ **passed** after 15m of 15m, 30 evaluations: no rule breached its critical threshold',
    ],
    [
      'inconclusive',
      {
        verdict: 'inconclusive' as const,
        decision: {
          verdict: 'inconclusive' as const,
          rule: 'p95-latency',
          reason: 'p95-latency had no data in 3 consecutive evaluations (no-data: inconclusive)',
        },
        finishedAt: START + 90 * SEC,
        stoppedEarly: true,
        evaluations: 3,
      },
      '⚠️ **inconclusive** after 1m 30s of 15m (stopped early), 3 evaluations: p95-latency had no data in 3 consecutive evaluations (no-data: inconclusive)',
    ],
    [
      'failed after one evaluation',
      {
        verdict: 'failed' as const,
        decision: { verdict: 'failed' as const, rule: 'health', reason: 'health 1 failed check' },
        finishedAt: START + 30 * SEC,
        stoppedEarly: true,
        evaluations: 1,
      },
      '❌ **failed** after 30s of 15m (stopped early), 1 evaluation: health 1 failed check',
    ],
  ])('headline: %s', (_name, over, headline) => {
    const { evaluations: n, ...rest } = { evaluations: 30, ...over };
    const evaluations = Array.from({ length: n }, (_, i) =>
      evaluation((i + 1) * 30 * SEC, [reading('health', 0)]),
    );
    const md = renderSummary(result(report({ ...rest, evaluations })));
    expect(md.split('\n\n')[1]).toBe(headline);
  });

  test('the release line only with a release; a first deploy names no baseline color', () => {
    expect(renderSummary(result(report()))).not.toContain('live');
    const first = renderSummary(
      result(report(), {
        app: 'shop',
        environment: 'staging',
        labels: { app: 'shop', environment: 'staging' },
        live: 'blue',
        previous: null,
        version: '1.0.0',
        url: 'https://staging.shop.test',
      }),
    );
    expect(first).toContain('\n\nshop/staging: **blue** live (1.0.0).\n\n');
    const bare = renderSummary(
      result(report(), {
        app: 'shop',
        environment: 'staging',
        labels: { app: 'shop', environment: 'staging' },
        live: 'blue',
        previous: 'green',
        url: 'x',
      }),
    );
    expect(bare).toContain('shop/staging: **blue** live; baseline from green.');
  });

  test('a baseline over its floor has no floor note; a missing one shows its note', () => {
    const md = renderSummary(
      result(
        report({
          rules: [
            ruleReport(builtin('p95-latency'), { query: P95_Q, baseline: 0.2, worst: 'ok' }),
            ruleReport(builtin('error-rate'), {
              query: ERR_Q,
              baselineNote: 'no previous version',
              worst: 'ok',
            }),
          ],
        }),
      ),
    );
    expect(row(md, 'p95-latency')?.slice(1, 4)).toEqual(['1s', '2x baseline (400ms)', '200ms']);
    expect(row(md, 'error-rate')?.slice(1, 4)).toEqual(['1%', '5%', '– (no previous version)']);
  });

  test('a baseline threshold without a baseline is shown as the factor', () => {
    const md = renderSummary(
      result(report({ rules: [ruleReport(builtin('p95-latency'), { query: P95_Q })] })),
    );
    expect(row(md, 'p95-latency')?.slice(1, 4)).toEqual(['1s', '2x baseline', '– (none)']);
  });

  test('health-failures shows in the health row; off reasons in the state column', () => {
    const md = renderSummary(
      result(
        report({
          rules: [
            ruleReport(
              { ...builtin('health'), failureLimit: 5 },
              { min: 0, max: 0, last: 0, worst: 'ok' },
            ),
            ruleReport(builtin('cpu'), { off: 'disabled' }),
            ruleReport(builtin('error-rate'), { off: 'no prometheus-url' }),
          ],
        }),
      ),
    );
    expect(rulesTable(md)).toEqual([
      ['health', '–', '5 failed checks in a row', '–', '0', '0', '0', '✅ ok'],
      ['cpu', '80%', '–', '–', '–', '–', '–', 'off (disabled)'],
      ['error-rate', '1%', '5%', '–', '–', '–', '–', 'off (no prometheus-url)'],
    ]);
    // Off rules get no chart, and no query.
    expect(md).not.toContain('mermaid');
    expect(md).not.toContain('Resolved queries');
  });

  test('breaches are capped at 50 rows, with the count', () => {
    const many = Array.from({ length: 75 }, (_, i) => breach((i + 1) * 30 * SEC));
    const rules = [ruleReport(builtin('error-rate'), { off: 'disabled' })];
    const md = renderSummary(result(report({ rules, breaches: many })));
    expect(md).toContain('<details><summary>Breaches (75, first 50)</summary>');
    const block = md.slice(md.indexOf('Breaches ('), md.indexOf('</details>'));
    const rows = block.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| At'));
    expect(rows).toHaveLength(51); // the separator row and 50 breaches
    expect(rows[1]).toBe('| 30s | error-rate | critical | 8% | 5% |');
    expect(rows.at(-1)).toBe('| 25m | error-rate | critical | 8% | 5% |');

    const fifty = renderSummary(result(report({ rules, breaches: many.slice(0, 50) })));
    expect(fifty).toContain('<details><summary>Breaches (50)</summary>');
    expect(renderSummary(result(report()))).not.toContain('Breaches');
    // A breach of a rule the report does not list shows its value as a plain number.
    const unknown = renderSummary(
      result(report({ breaches: [breach(30 * SEC, { rule: 'gone' })] })),
    );
    expect(unknown).toContain('| 30s | gone | critical | 0.08 | 5% |');
  });

  test('resolved queries: each rule’s, its baseline’s when it differs, and the min-requests guard', () => {
    const md = renderSummary(result(failedReport()));
    const start = md.indexOf('<details><summary>Resolved queries</summary>');
    expect(start).toBeGreaterThan(-1);
    expect(md.slice(start)).toBe(
      [
        '<details><summary>Resolved queries</summary>',
        '',
        '```promql',
        '# error-rate',
        ERR_Q,
        '# error-rate baseline (2025-12-31T23:48:00.000Z → 2025-12-31T23:58:00.000Z)',
        ERR_OLD,
        '',
        '# p95-latency',
        P95_Q,
        '# p95-latency baseline (2025-12-31T23:48:00.000Z → 2025-12-31T23:58:00.000Z)',
        P95_OLD,
        '',
        '# cpu',
        CPU_Q,
        '',
        '# min-requests guard',
        TRAFFIC_Q,
        '```',
        '',
        '',
        '</details>',
        '',
      ].join('\n'),
    );
  });

  test('text from outside (versions, reasons) cannot break the markdown', () => {
    const md = renderSummary(
      result(
        report({
          decision: { verdict: 'passed', reason: 'a <b>bold</b> | claim' },
        }),
        { ...RELEASE, version: '<img src=x>' },
      ),
    );
    expect(md).toContain('a &lt;b&gt;bold&lt;/b&gt; \\| claim');
    expect(md).toContain('(&lt;img src=x&gt;)');
    expect(md).not.toContain('<img');
  });
});

describe('renderSummary: gaps in a chart', () => {
  test('evaluations without a finite value are counted under the chart that draws them at 0', () => {
    const rule = ruleReport(builtin('error-rate'), { min: 0.01, max: 0.02, last: 0.02 });
    const evaluations = [
      evaluation(30 * SEC, [reading('error-rate', 0.01)]),
      evaluation(60 * SEC, [reading('error-rate', null)]),
      evaluation(90 * SEC, [reading('error-rate', 0.02)]),
    ];
    const md = renderSummary(result(report({ rules: [rule], evaluations })));
    expect(md).toContain('line [1, 0, 2]');
    expect(md).toContain(
      '_error rate (%): 1 evaluation without a finite value (no data or +Inf) drawn at 0; the table and the readings output have them._',
    );
  });

  test('no note when every point has a value', () => {
    const rule = ruleReport(builtin('error-rate'), { min: 0.01, max: 0.01, last: 0.01 });
    const md = renderSummary(
      result(
        report({
          rules: [rule],
          evaluations: [evaluation(30 * SEC, [reading('error-rate', 0.01)])],
        }),
      ),
    );
    expect(md).toContain('xychart-beta');
    expect(md).not.toContain('drawn at 0');
  });
});
