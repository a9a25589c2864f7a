import {
  BUILTIN_RULES,
  classify,
  decides,
  describeReading,
  VerdictMachine,
  type Reading,
  type Rule,
  type RuleState,
  type VerdictOptions,
} from '@switchyard/metrics';

const builtin = (name: string): Rule => BUILTIN_RULES.find((r) => r.name === name)!;
const ERR = builtin('error-rate');
const P95 = builtin('p95-latency');
const CPU = builtin('cpu');
const HEALTH = builtin('health');

/** A custom "lower is worse" rule. */
const THROUGHPUT: Rule = {
  name: 'throughput',
  builtin: false,
  source: 'prometheus',
  query: 'sum(rate(x[1m]))',
  warning: { kind: 'baseline', factor: 0.8, text: '0.8x baseline' },
  critical: { kind: 'absolute', value: 10, text: '10' },
  direction: 'below',
  unit: 'number',
  traffic: false,
  enabled: true,
};

const RULES: Readonly<Record<string, Rule>> = Object.fromEntries(
  [ERR, P95, CPU, HEALTH, THROUGHPUT].map((r) => [r.name, r]),
);

describe('classify', () => {
  test.each<[string, number, number | null, RuleState, number | undefined, string | undefined]>([
    // error-rate: warning 1%, critical 5%, above.
    ['error-rate', 0.002, null, 'ok', undefined, undefined],
    ['error-rate', 0.01, null, 'ok', undefined, undefined],
    ['error-rate', 0.02, null, 'warning', 0.01, '1%'],
    ['error-rate', 0.05, null, 'warning', 0.01, '1%'],
    ['error-rate', 0.2, null, 'critical', 0.05, '5%'],
    ['error-rate', Number.POSITIVE_INFINITY, null, 'critical', 0.05, '5%'],
    // p95: warning 1 s, critical 2× baseline (floor 50 ms).
    ['p95-latency', 0.3, 0.1, 'critical', 0.2, '2x baseline'],
    ['p95-latency', 0.2, 0.1, 'ok', undefined, undefined],
    ['p95-latency', 1.5, 1, 'warning', 1, '1s'],
    ['p95-latency', 2.5, 1, 'critical', 2, '2x baseline'],
    // The baseline below baselineMin counts as baselineMin: 2 × 50 ms = 100 ms.
    ['p95-latency', 0.08, 0.01, 'ok', undefined, undefined],
    ['p95-latency', 0.12, 0.01, 'critical', 0.1, '2x baseline'],
    ['p95-latency', 0.12, 0, 'critical', 0.1, '2x baseline'],
    // No baseline: the relative threshold is not evaluated, the absolute one still is.
    ['p95-latency', 30, null, 'warning', 1, '1s'],
    ['p95-latency', 0.9, null, 'ok', undefined, undefined],
    // below: a warning relative to the baseline, a critical absolute floor.
    ['throughput', 100, 100, 'ok', undefined, undefined],
    ['throughput', 70, 100, 'warning', 80, '0.8x baseline'],
    ['throughput', 5, 100, 'critical', 10, '10'],
    ['throughput', 10, 100, 'warning', 80, '0.8x baseline'],
    ['throughput', 70, null, 'ok', undefined, undefined],
    ['health', 0, null, 'ok', undefined, undefined],
    ['health', 1, null, 'critical', 0, 'check failed'],
  ])('[%#] %s %d (baseline %o) → %s', (name, value, baseline, state, limit, threshold) => {
    const r = classify(RULES[name]!, value, baseline);
    expect(r).toEqual({
      rule: name,
      value,
      state,
      ...(limit !== undefined && { limit, threshold }),
    });
  });

  it('keeps the note on a value', () => {
    expect(classify(ERR, 0.2, null, 'worst of 2 series: {instance="a"}')).toEqual({
      rule: 'error-rate',
      value: 0.2,
      state: 'critical',
      limit: 0.05,
      threshold: '5%',
      note: 'worst of 2 series: {instance="a"}',
    });
    expect(classify(ERR, 0, null, 'n')).toEqual({
      rule: 'error-rate',
      value: 0,
      state: 'ok',
      note: 'n',
    });
  });

  test.each([
    [null, undefined, 'no data'],
    [Number.NaN, undefined, 'no data'],
    [null, 'no series matched', 'no series matched'],
    [Number.NaN, 'NaN: no traffic', 'NaN: no traffic'],
  ])('%o (note %o) is no data', (value, note, expectedNote) => {
    expect(classify(ERR, value, 0.5, note)).toEqual({
      rule: 'error-rate',
      value: null,
      state: 'no-data',
      note: expectedNote,
    });
  });
});

describe('decides', () => {
  it('is true for rules with a critical threshold only', () => {
    expect(BUILTIN_RULES.filter(decides).map((r) => r.name)).toEqual([
      'error-rate',
      'p95-latency',
      'health',
      'proxy-error-rate',
      'proxy-response-time',
    ]);
  });
});

describe('describeReading', () => {
  test.each<[string, Reading, string]>([
    [
      'error-rate',
      { rule: 'error-rate', value: 0.214, state: 'critical', limit: 0.05, threshold: '5%' },
      'error-rate 21.4% > 5%',
    ],
    [
      'p95-latency',
      {
        rule: 'p95-latency',
        value: 0.412,
        state: 'critical',
        limit: 0.2,
        threshold: '2x baseline',
      },
      'p95-latency 412ms > 2x baseline (200ms)',
    ],
    [
      'throughput',
      { rule: 'throughput', value: 5, state: 'critical', limit: 10, threshold: '10' },
      'throughput 5 < 10',
    ],
    ['error-rate', { rule: 'error-rate', value: 0.002, state: 'ok' }, 'error-rate 0.2%'],
    ['error-rate', { rule: 'error-rate', value: null, state: 'no-data' }, 'error-rate no data'],
    ['health', { rule: 'health', value: null, state: 'no-data' }, 'health no data'],
    ['health', { rule: 'health', value: 0, state: 'ok' }, 'health ok'],
    [
      'health',
      { rule: 'health', value: 1, state: 'critical', limit: 0, threshold: 'check failed' },
      'health 1 failed check',
    ],
    [
      'health',
      { rule: 'health', value: 2, state: 'critical', limit: 0, threshold: 'check failed' },
      'health 2 failed checks',
    ],
  ])('[%#] %s', (name, reading, text) => {
    expect(describeReading(RULES[name]!, reading)).toBe(text);
  });
});

const OPTS: VerdictOptions = { failureLimit: 3, maxNoData: 3, noData: 'inconclusive' };

/** Readings for one evaluation: a value per rule (null: no data). */
function at(values: Readonly<Record<string, number | null>>, baseline = 0.1): Reading[] {
  return Object.entries(values).map(([name, v]) => classify(RULES[name]!, v, baseline));
}

/** Feeds evaluations; returns the 1-based index of the evaluation that decided, if any. */
function feed(machine: VerdictMachine, evaluations: readonly Reading[][]): number | undefined {
  for (const [i, e] of evaluations.entries()) if (machine.observe(e)) return i + 1;
  return undefined;
}

const times = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

describe('VerdictMachine: failure-limit', () => {
  it('fails after failure-limit consecutive critical evaluations, naming rule, value and threshold', () => {
    const m = new VerdictMachine([ERR, P95], OPTS);
    const decidedAt = feed(m, [
      at({ 'error-rate': 0.002, 'p95-latency': 0.1 }),
      at({ 'error-rate': 0.2, 'p95-latency': 0.1 }),
      at({ 'error-rate': 0.2, 'p95-latency': 0.1 }),
      at({ 'error-rate': 0.214, 'p95-latency': 0.1 }),
    ]);
    expect(decidedAt).toBe(4);
    expect(m.decision).toEqual({
      verdict: 'failed',
      rule: 'error-rate',
      reading: {
        rule: 'error-rate',
        value: 0.214,
        state: 'critical',
        limit: 0.05,
        threshold: '5%',
      },
      reason: 'error-rate 21.4% > 5% (critical) in 3 consecutive evaluations',
    });
  });

  it('does not fail before the limit', () => {
    const m = new VerdictMachine([ERR], OPTS);
    expect(feed(m, times(2, at({ 'error-rate': 0.2 })))).toBeUndefined();
    expect(m.decision).toBeUndefined();
  });

  test.each<[string, number | null]>([
    ['an ok reading', 0.001],
    ['a warning', 0.02],
    ['no data', null],
  ])('%s interrupts the streak', (_what, between) => {
    const m = new VerdictMachine([ERR], OPTS);
    const crit = at({ 'error-rate': 0.2 });
    expect(feed(m, [crit, crit, at({ 'error-rate': between }), crit, crit])).toBeUndefined();
    expect(m.observe(crit)?.verdict).toBe('failed');
  });

  it('a failure-limit of 1 fails on the first critical reading, saying "1 consecutive evaluation"', () => {
    const m = new VerdictMachine([ERR], { ...OPTS, failureLimit: 1 });
    expect(m.observe(at({ 'error-rate': 0.2 }))?.reason).toBe(
      'error-rate 20% > 5% (critical) in 1 consecutive evaluation',
    );
  });

  it("a rule's own failure-limit wins over the global one (health: 3)", () => {
    const m = new VerdictMachine([HEALTH, ERR], { ...OPTS, failureLimit: 1 });
    expect(feed(m, times(2, at({ health: 1, 'error-rate': 0 })))).toBeUndefined();
    const d = m.observe(at({ health: 1, 'error-rate': 0 }));
    expect(d?.verdict).toBe('failed');
    expect(d?.rule).toBe('health');
    expect(d?.reason).toBe('health 1 failed check (critical) in 3 consecutive evaluations');
  });

  it('a baseline threshold reads as such in the reason, with its limit', () => {
    const m = new VerdictMachine([P95], { ...OPTS, failureLimit: 2 });
    feed(m, times(2, at({ 'p95-latency': 0.3 }, 0.1)));
    expect(m.decision?.reason).toBe(
      'p95-latency 300ms > 2x baseline (200ms) (critical) in 2 consecutive evaluations',
    );
  });

  it("the reason carries the reading's note", () => {
    const m = new VerdictMachine([ERR], { ...OPTS, failureLimit: 1 });
    m.observe([classify(ERR, 0.3, null, 'worst of 2 series: {instance="b"}')]);
    expect(m.decision?.reason).toBe(
      'error-rate 30% > 5% (critical) in 1 consecutive evaluation: worst of 2 series: {instance="b"}',
    );
  });

  it('the first rule to reach its limit in an evaluation decides', () => {
    const m = new VerdictMachine([ERR, P95], { ...OPTS, failureLimit: 2 });
    feed(m, times(2, at({ 'p95-latency': 5, 'error-rate': 0.5 })));
    expect(m.decision?.rule).toBe('p95-latency');
  });

  it('a failure wins over a no-data decision in the same evaluation', () => {
    const m = new VerdictMachine([P95, ERR], { failureLimit: 2, maxNoData: 2, noData: 'fail' });
    feed(m, times(2, at({ 'p95-latency': null, 'error-rate': 0.5 })));
    expect(m.decision).toMatchObject({ verdict: 'failed', rule: 'error-rate' });
    expect(m.decision?.reason).toMatch(/^error-rate 50% > 5% \(critical\)/);
  });

  it('ignores readings of rules it does not know', () => {
    const m = new VerdictMachine([ERR], { ...OPTS, failureLimit: 1 });
    expect(m.observe(at({ throughput: 1 }))).toBeUndefined();
  });
});

describe('VerdictMachine: no data', () => {
  test.each([
    ['fail', 'failed'],
    ['inconclusive', 'inconclusive'],
  ] as const)('policy %s: %s after max-no-data evaluations', (noData, verdict) => {
    const m = new VerdictMachine([ERR, CPU], { failureLimit: 3, maxNoData: 4, noData });
    const none = [classify(ERR, null, null, 'no series matched'), classify(CPU, 0.1, null)];
    expect(feed(m, times(3, none))).toBeUndefined();
    expect(m.observe(none)).toEqual({
      verdict,
      rule: 'error-rate',
      reading: { rule: 'error-rate', value: null, state: 'no-data', note: 'no series matched' },
      reason: `error-rate had no data in 4 consecutive evaluations (max-no-data 4): no series matched (no-data: ${noData})`,
    });
  });

  it('policy pass never decides on missing data, and the window passes', () => {
    const m = new VerdictMachine([ERR], { failureLimit: 3, maxNoData: 1, noData: 'pass' });
    expect(feed(m, times(10, at({ 'error-rate': null })))).toBeUndefined();
    expect(m.finish()).toEqual({
      verdict: 'passed',
      reason: 'no critical breach; error-rate had no data (no-data: pass)',
    });
  });

  it('a reading with data resets the no-data count', () => {
    const m = new VerdictMachine([ERR], { failureLimit: 3, maxNoData: 3, noData: 'fail' });
    const none = at({ 'error-rate': null });
    const some = at({ 'error-rate': 0 });
    expect(feed(m, [none, none, some, none, none, some, none, none])).toBeUndefined();
    expect(m.observe(none)?.verdict).toBe('failed');
  });

  it('warning-only rules never meet the no-data policy', () => {
    const m = new VerdictMachine([CPU], { failureLimit: 1, maxNoData: 1, noData: 'fail' });
    expect(feed(m, times(20, at({ cpu: null })))).toBeUndefined();
    expect(m.finish()).toEqual({
      verdict: 'passed',
      reason: 'no rule breached its critical threshold',
    });
  });

  test.each([
    ['fail', 'failed'],
    ['inconclusive', 'inconclusive'],
  ] as const)(
    'policy %s: a deciding rule that never had data makes the end of the window %s',
    (noData, verdict) => {
      const m = new VerdictMachine([ERR, P95, CPU], { failureLimit: 3, maxNoData: 100, noData });
      feed(m, times(30, at({ 'error-rate': 0, 'p95-latency': null, cpu: null })));
      expect(m.decision).toBeUndefined();
      expect(m.finish()).toEqual({
        verdict,
        rule: 'p95-latency',
        reason: `p95-latency had no data during the whole window (no-data: ${noData})`,
      });
    },
  );

  it('lists every deciding rule that never had data', () => {
    const m = new VerdictMachine([ERR, P95], { failureLimit: 3, maxNoData: 100, noData: 'fail' });
    m.observe(at({ 'error-rate': null, 'p95-latency': null }));
    expect(m.finish().reason).toBe(
      'error-rate, p95-latency had no data during the whole window (no-data: fail)',
    );
  });

  it('a rule that had data once is not silent at the end, even without data since', () => {
    const m = new VerdictMachine([ERR], { failureLimit: 3, maxNoData: 100, noData: 'fail' });
    feed(m, [at({ 'error-rate': 0 }), ...times(20, at({ 'error-rate': null }))]);
    expect(m.finish().verdict).toBe('passed');
  });

  it('finish() without any evaluation: deciding rules never had data', () => {
    const m = new VerdictMachine([HEALTH], OPTS);
    expect(m.finish()).toMatchObject({ verdict: 'inconclusive', rule: 'health' });
  });
});

describe('VerdictMachine: the decision is sticky', () => {
  it('later evaluations and finish() keep the first decision', () => {
    const m = new VerdictMachine([ERR], { failureLimit: 1, maxNoData: 1, noData: 'fail' });
    const first = m.observe(at({ 'error-rate': 0.5 }));
    expect(first?.verdict).toBe('failed');
    expect(m.observe(at({ 'error-rate': 0 }))).toBe(first);
    expect(m.observe(at({ 'error-rate': null }))).toBe(first);
    expect(m.finish()).toBe(first);
    expect(m.decision).toBe(first);
  });

  it('finish() decides once: a critical reading after it changes nothing', () => {
    const m = new VerdictMachine([ERR], { ...OPTS, failureLimit: 1 });
    m.observe(at({ 'error-rate': 0 }));
    const end = m.finish();
    expect(end.verdict).toBe('passed');
    expect(m.observe(at({ 'error-rate': 0.9 }))).toBe(end);
    expect(m.finish()).toBe(end);
  });
});

describe('VerdictMachine: blind (ADR 0018)', () => {
  const OPTS: VerdictOptions = { failureLimit: 2, maxNoData: 2, noData: 'fail' };
  const blind = (rule: string, note = 'query failed: connection refused'): Reading => ({
    rule,
    value: null,
    state: 'blind',
    note,
  });
  const ok = (rule: string): Reading => ({ rule, value: 0, state: 'ok' });
  const critical = (rule: string): Reading => ({ rule, value: 1, state: 'critical', note: 'x' });
  const noData = (rule: string): Reading => ({ rule, value: null, state: 'no-data' });

  // Rows: the evaluations (readings of error-rate and health), then the verdict, whether it is a
  // blind one, and after how many evaluations it came (undefined: only at finish()).
  test.each<[string, Reading[][], string, boolean, number | undefined]>([
    [
      'Prometheus gone, no health rule that can see: inconclusive at once',
      [[blind('error-rate')], [blind('error-rate')]],
      'inconclusive',
      true,
      2,
    ],
    [
      'a query that errors is blind under no-data: fail too',
      [[ok('error-rate')], [blind('error-rate')], [blind('error-rate')]],
      'inconclusive',
      true,
      3,
    ],
    [
      'no traffic (no-data) keeps its meaning: the policy fails it',
      [[noData('error-rate')], [noData('error-rate')]],
      'failed',
      false,
      2,
    ],
    [
      'a gap with a blind reading in it is blind',
      [[noData('error-rate')], [blind('error-rate')]],
      'inconclusive',
      true,
      2,
    ],
    [
      'a short outage decides nothing',
      [[blind('error-rate')], [ok('error-rate')], [blind('error-rate')], [ok('error-rate')]],
      'passed',
      false,
      undefined,
    ],
  ])('%s', (_title, evaluations, verdict, isBlind, decidedAt) => {
    const m = new VerdictMachine([ERR], OPTS);
    const n = feed(m, evaluations);
    const d = m.finish();
    expect(d.verdict).toBe(verdict);
    expect(d.blind ?? false).toBe(isBlind);
    expect(n).toBe(decidedAt);
  });

  test('health still sees: the window goes on, and a failing health check fails it (rollback)', () => {
    const m = new VerdictMachine([ERR, HEALTH], OPTS);
    expect(m.observe([blind('error-rate'), ok('health')])).toBeUndefined();
    expect(m.observe([blind('error-rate'), ok('health')])).toBeUndefined();
    expect(m.blind?.reason).toBe(
      'blind: error-rate could not be read in 2 consecutive evaluations (max-no-data 2): query failed: connection refused',
    );
    expect(m.observe([blind('error-rate'), critical('health')])).toBeUndefined();
    expect(m.observe([blind('error-rate'), critical('health')])).toBeUndefined();
    const d = m.observe([blind('error-rate'), critical('health')]);
    expect(d?.verdict).toBe('failed');
    expect(d?.rule).toBe('health');
    expect(d?.blind).toBeUndefined();
  });

  test('health still sees and stays ok: inconclusive at the end, saying who kept watching', () => {
    const m = new VerdictMachine([ERR, HEALTH], OPTS);
    feed(m, [
      [blind('error-rate'), ok('health')],
      [blind('error-rate'), ok('health')],
      [ok('error-rate'), ok('health')],
    ]);
    expect(m.decision).toBeUndefined();
    const d = m.finish();
    expect(d.verdict).toBe('inconclusive');
    expect(d.blind).toBe(true);
    expect(d.reason).toBe(
      'blind: error-rate could not be read in 2 consecutive evaluations (max-no-data 2): query failed: connection refused; health kept watching to the end of the window and did not fail it',
    );
  });

  test('a critical breach wins over blindness in the same evaluation', () => {
    const m = new VerdictMachine([ERR, P95], OPTS);
    feed(m, [[blind('error-rate'), critical('p95-latency')]]);
    const d = m.observe([blind('error-rate'), critical('p95-latency')]);
    expect(d?.verdict).toBe('failed');
    expect(d?.rule).toBe('p95-latency');
  });

  test('never read in a short window: inconclusive (blind) at finish, unless no-data failed it', () => {
    const opts: VerdictOptions = { failureLimit: 2, maxNoData: 5, noData: 'fail' };
    const unseen = new VerdictMachine([ERR], opts);
    feed(unseen, [[blind('error-rate')]]);
    expect(unseen.finish()).toMatchObject({
      verdict: 'inconclusive',
      blind: true,
      reason: 'blind: error-rate could not be read during the whole window',
    });
    const quiet = new VerdictMachine([ERR, P95], opts);
    feed(quiet, [[noData('error-rate'), blind('p95-latency')]]);
    expect(quiet.finish()).toMatchObject({ verdict: 'failed', rule: 'error-rate' });
  });

  test('no-data: pass does not pass a blind window', () => {
    const m = new VerdictMachine([ERR], { ...OPTS, noData: 'pass' });
    feed(m, [[blind('error-rate')], [blind('error-rate')]]);
    expect(m.finish()).toMatchObject({ verdict: 'inconclusive', blind: true });
  });

  test('rules without a critical threshold never make it blind', () => {
    const m = new VerdictMachine([ERR, CPU], OPTS);
    feed(m, [
      [ok('error-rate'), blind('cpu')],
      [ok('error-rate'), blind('cpu')],
      [ok('error-rate'), blind('cpu')],
    ]);
    expect(m.blind).toBeUndefined();
    expect(m.finish().verdict).toBe('passed');
  });
});
