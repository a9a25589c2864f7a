import { InputError } from '@switchyard/kit';
import {
  breaches,
  BUILTIN_RULES,
  formatThreshold,
  formatValue,
  parseRules,
  parseThreshold,
  TEMPLATE_VARIABLES,
  type Rule,
  type Threshold,
} from '@switchyard/metrics';

const VARS = TEMPLATE_VARIABLES;
const builtin = (name: string): Rule => BUILTIN_RULES.find((r) => r.name === name)!;
const byName = (rules: readonly Rule[], name: string): Rule | undefined =>
  rules.find((r) => r.name === name);

/** The InputError `fn` throws (fails the test otherwise). */
function inputError(fn: () => unknown): InputError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('parseThreshold', () => {
  test.each<[unknown, Threshold]>([
    ['5%', { kind: 'absolute', value: 0.05, text: '5%' }],
    [' 0.5 % ', { kind: 'absolute', value: 0.005, text: '0.5 %' }],
    ['1s', { kind: 'absolute', value: 1, text: '1s' }],
    ['500ms', { kind: 'absolute', value: 0.5, text: '500ms' }],
    ['1m', { kind: 'absolute', value: 60, text: '1m' }],
    ['0.8', { kind: 'absolute', value: 0.8, text: '0.8' }],
    ['120', { kind: 'absolute', value: 120, text: '120' }],
    ['1e3', { kind: 'absolute', value: 1000, text: '1e3' }],
    ['-1', { kind: 'absolute', value: -1, text: '-1' }],
    [0.8, { kind: 'absolute', value: 0.8, text: '0.8' }],
    [0, { kind: 'absolute', value: 0, text: '0' }],
    ['2x', { kind: 'baseline', factor: 2, text: '2x baseline' }],
    ['1.5x', { kind: 'baseline', factor: 1.5, text: '1.5x baseline' }],
    ['3 ×', { kind: 'baseline', factor: 3, text: '3x baseline' }],
  ])('%o → %o', (raw, expected) => {
    expect(parseThreshold('rules[0].critical', raw)).toEqual(expected);
  });

  test.each(['none', 'off', ' none '])('%o removes the threshold', (raw) => {
    expect(parseThreshold('rules[0].warning', raw)).toBeUndefined();
  });

  describe('relative to the baseline', () => {
    test.each<[unknown, number]>([
      ['2', 2],
      ['1.5', 1.5],
      [3, 3],
      ['2x', 2],
    ])('a bare number %o is a multiple (%d×)', (raw, factor) => {
      expect(parseThreshold('rules[0].critical', raw, true)).toMatchObject({
        kind: 'baseline',
        factor,
      });
    });

    test.each([
      ['5%', 0.05],
      ['1s', 1],
    ])('%o stays absolute', (raw, value) => {
      expect(parseThreshold('rules[0].critical', raw, true)).toEqual({
        kind: 'absolute',
        value,
        text: raw,
      });
    });

    // 0x is rejected as "not a positive multiple"; the same multiple written as a bare number under
    // relative-to: baseline must be too (0 × baseline makes any positive value critical).
    test.each<unknown>(['0', 0, '-2', -2])('a non-positive multiple %o is rejected', (raw) => {
      const e = inputError(() => parseThreshold('rules[0].critical', raw, true));
      expect(e.message).toMatch(/^input "rules\[0\]\.critical": .* is not a positive multiple/);
    });
  });

  test.each<[unknown, RegExp]>([
    ['0x', /"0x" is not a positive multiple\. Use e\.g\. 2x or 1\.5x$/],
    ['0.0x', /is not a positive multiple/],
    ['fast', /"fast" is not a threshold\. Use a number \(0\.8\), a percentage \(5%\)/],
    ['', /"" is not a threshold/],
    ['2xx', /"2xx" is not a threshold/],
    ['5%%', /is not a threshold/],
    ['1 s', /is not a threshold/],
    ['-2x', /is not a threshold/],
    // A ratio outside 0-100 % can never trip (the safety net silently off) or always does.
    ['200%', /"200%" is out of range\. Use a percentage from 0% to 100%/],
    ['-1%', /"-1%" is out of range/],
    ['100.5%', /is out of range/],
    [true, /true is not a threshold/],
    [['1s'], /is not a threshold/],
    [Number.NaN, /is not a finite number/],
    [Number.POSITIVE_INFINITY, /is not a finite number/],
  ])('%o is rejected', (raw, problem) => {
    const e = inputError(() => parseThreshold('rules[2].warning', raw));
    expect(e.input).toBe('rules[2].warning');
    expect(e.message).toMatch(/^input "rules\[2\]\.warning": /);
    expect(e.message).toMatch(problem);
  });
});

describe('parseRules', () => {
  test.each([
    [{ name: 'error-rate', critical: '150%' }, 'rules[0].critical', /"150%" is out of range/],
    [{ name: 'error-rate', warning: 2 }, 'rules[0].warning', /"2" is out of range for a ratio/],
    [{ name: 'cpu', warning: -0.1 }, 'rules[0].warning', /is out of range for a ratio/],
    [
      { name: 'x', query: 'sum(up)', unit: 'ratio', critical: '1.5' },
      'rules[0].critical',
      /is out of range for a ratio/,
    ],
  ])('[%#] a ratio threshold outside 0-100 %% is refused: %o', (item, input, problem) => {
    const e = inputError(() => parseRules('rules', [item], VARS));
    expect(e.input).toBe(input);
    expect(e.message).toMatch(problem);
  });

  test('a threshold of a rule in another unit may be any number', () => {
    const rules = parseRules('rules', [{ name: 'x', query: 'sum(up)', critical: '120' }], VARS);
    expect(rules.find((r) => r.name === 'x')?.critical).toMatchObject({ value: 120 });
  });

  it('returns the built-ins when no list is given', () => {
    expect(parseRules('rules', undefined, VARS)).toEqual(BUILTIN_RULES);
    expect(parseRules('rules', null, VARS)).toEqual(BUILTIN_RULES);
    expect(parseRules('rules', [], VARS)).toEqual(BUILTIN_RULES);
    expect(BUILTIN_RULES.map((r) => r.name)).toEqual([
      'error-rate',
      'p95-latency',
      'cpu',
      'memory',
      'health',
      'proxy-error-rate',
      'proxy-response-time',
      'proxy-requests',
    ]);
    // The proxy's rules read the proxy's series; the app's read the app's (no metrics key).
    expect(BUILTIN_RULES.filter((r) => r.metrics === 'proxy').map((r) => r.name)).toEqual([
      'proxy-error-rate',
      'proxy-response-time',
      'proxy-requests',
    ]);
  });

  it('does not change the built-ins it overrides', () => {
    const before = JSON.stringify(BUILTIN_RULES);
    parseRules('rules', [{ name: 'error-rate', critical: '10%', enabled: false }], VARS);
    expect(JSON.stringify(BUILTIN_RULES)).toBe(before);
  });

  it('overrides only the keys an item sets on a built-in, in place', () => {
    const rules = parseRules('rules', [{ name: 'error-rate', critical: '10%' }], VARS);
    expect(rules.map((r) => r.name)).toEqual(BUILTIN_RULES.map((r) => r.name));
    expect(byName(rules, 'error-rate')).toEqual({
      ...builtin('error-rate'),
      critical: { kind: 'absolute', value: 0.1, text: '10%' },
    });
    // The others are untouched.
    expect(byName(rules, 'p95-latency')).toEqual(builtin('p95-latency'));
  });

  it('overrides several keys of a built-in', () => {
    const rules = parseRules(
      'rules',
      [
        {
          name: 'p95-latency',
          warning: 'none',
          critical: '3',
          'relative-to': 'baseline',
          'failure-limit': 5,
          'baseline-min': '20ms',
          query: 'histogram_quantile(0.95, sum by (le) (rate(my_hist{$selector}[$window])))',
        },
      ],
      VARS,
    );
    const p95 = byName(rules, 'p95-latency')!;
    expect(p95.warning).toBeUndefined();
    expect(p95.critical).toMatchObject({ kind: 'baseline', factor: 3 });
    expect(p95.failureLimit).toBe(5);
    expect(p95.baselineMin).toBe(0.02);
    expect(p95.query).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(my_hist{$selector}[$window])))',
    );
    expect(p95).toMatchObject({
      builtin: true,
      source: 'prometheus',
      unit: 'seconds',
      direction: 'above',
      traffic: true,
      enabled: true,
      origin: builtin('p95-latency').origin,
    });
  });

  it('a bare number on a built-in without relative-to is absolute', () => {
    const rules = parseRules('rules', [{ name: 'p95-latency', critical: 3 }], VARS);
    expect(byName(rules, 'p95-latency')!.critical).toEqual({
      kind: 'absolute',
      value: 3,
      text: '3',
    });
  });

  test.each([
    [{ name: 'memory', enabled: false }, false],
    [{ name: 'memory', enabled: 'false' }, false],
    [{ name: 'cpu', enabled: 'true' }, true],
  ])('%o sets enabled to %s', (item, enabled) => {
    const rules = parseRules('rules', [item], VARS);
    expect(byName(rules, item.name)!.enabled).toBe(enabled);
    expect(rules).toHaveLength(BUILTIN_RULES.length);
  });

  it('adds a custom rule with defaults for the keys it leaves out', () => {
    const rules = parseRules(
      'rules',
      [{ name: 'queue-depth', query: ' max(queue_depth{$selector}) ', critical: 100 }],
      VARS,
    );
    expect(rules).toHaveLength(BUILTIN_RULES.length + 1);
    expect(rules.at(-1)).toEqual({
      name: 'queue-depth',
      builtin: false,
      source: 'prometheus',
      query: 'max(queue_depth{$selector})',
      critical: { kind: 'absolute', value: 100, text: '100' },
      direction: 'above',
      unit: 'number',
      traffic: false,
      enabled: true,
    });
  });

  it('reads every key of a custom rule', () => {
    const [rule] = parseRules(
      'rules',
      [
        {
          name: 'throughput',
          query: 'sum(rate($requests{$selector}[$window]))',
          warning: '0.8',
          critical: '0.5',
          'relative-to': 'baseline',
          direction: 'below',
          unit: 'number',
          'failure-limit': '4',
          'min-requests-guard': true,
          'baseline-min': 1,
          enabled: true,
        },
      ],
      VARS,
      [],
    );
    expect(rule).toEqual({
      name: 'throughput',
      builtin: false,
      source: 'prometheus',
      query: 'sum(rate($requests{$selector}[$window]))',
      warning: { kind: 'baseline', factor: 0.8, text: '0.8x baseline' },
      critical: { kind: 'baseline', factor: 0.5, text: '0.5x baseline' },
      direction: 'below',
      unit: 'number',
      failureLimit: 4,
      traffic: true,
      baselineMin: 1,
      enabled: true,
    });
  });

  it('accepts a disabled custom rule without thresholds', () => {
    const rules = parseRules(
      'rules',
      [{ name: 'later', query: 'up{$selector}', enabled: false }],
      VARS,
    );
    expect(byName(rules, 'later')).toMatchObject({ enabled: false });
  });

  it('baseline-min: none removes the floor of a built-in', () => {
    const rules = parseRules('rules', [{ name: 'p95-latency', 'baseline-min': 'none' }], VARS);
    expect(byName(rules, 'p95-latency')!.baselineMin).toBeUndefined();
  });

  test.each<[string, unknown, string, RegExp]>([
    ['not a list', 'error-rate', 'monitor-rules', /is not a list of rules/],
    ['not a list (mapping)', { name: 'x' }, 'monitor-rules', /is not a list of rules/],
    ['an item that is not a mapping', ['error-rate'], 'monitor-rules[0]', /is not a rule/],
    ['no name', [{ critical: '5%' }], 'monitor-rules[0].name', /is required/],
    [
      'a name that is not a rule name',
      [{ name: 'Error Rate', query: 'x', critical: 1 }],
      'monitor-rules[0].name',
      /"Error Rate" is not a rule name\. Use lowercase letters/,
    ],
    [
      'an unknown key',
      [{ name: 'error-rate', threshold: '5%' }],
      'monitor-rules[0].threshold',
      /"threshold" is not a rule setting\. Use: name, query, warning, critical, direction, relative-to, unit, failure-limit, min-requests-guard, baseline-min, enabled/,
    ],
    [
      'a rule listed twice',
      [{ name: 'cpu' }, { name: 'memory' }, { name: ' cpu ' }],
      'monitor-rules[2].name',
      /"cpu" is listed twice/,
    ],
    [
      'a custom rule without query',
      [{ name: 'queue-depth', critical: 100 }],
      'monitor-rules[0].query',
      /is required for the custom rule queue-depth\. Give a PromQL query, or use a built-in name: error-rate, p95-latency, cpu, memory, health/,
    ],
    [
      'an empty query',
      [{ name: 'queue-depth', query: '  ', critical: 100 }],
      'monitor-rules[0].query',
      /is empty/,
    ],
    [
      'a query that is not text',
      [{ name: 'queue-depth', query: { a: 1 }, critical: 100 }],
      'monitor-rules[0].query',
      /is not a single value/,
    ],
    [
      'one unknown variable',
      [{ name: 'queue-depth', query: 'max(q{$selector}) / $queue_limit', critical: 1 }],
      'monitor-rules[0].query',
      /uses \$queue_limit, which is not known\. Use \$selector, \$window, \$requests, \$histogram, \$status_label, \$cpu_limit, \$memory_limit, \$color, \$app, \$environment$/,
    ],
    [
      'two unknown variables',
      [{ name: 'error-rate', query: '$a{$selector} / $b + $a' }],
      'monitor-rules[0].query',
      /uses \$a, \$b, which are not known/,
    ],
    [
      'a custom rule with neither threshold',
      [{ name: 'queue-depth', query: 'max(q{$selector})' }],
      'monitor-rules[0]',
      /"queue-depth" has neither warning nor critical/,
    ],
    [
      'a custom rule whose thresholds are both none',
      [{ name: 'queue-depth', query: 'max(q{$selector})', warning: 'none', critical: 'off' }],
      'monitor-rules[0]',
      /has neither warning nor critical/,
    ],
    [
      'a bad threshold',
      [{ name: 'cpu', warning: 'high' }],
      'monitor-rules[0].warning',
      /"high" is not a threshold/,
    ],
    [
      'a bad direction',
      [{ name: 'cpu', direction: 'up' }],
      'monitor-rules[0].direction',
      /"up" is not one of above, below\. Use above or below/,
    ],
    [
      'a bad unit',
      [{ name: 'cpu', unit: 'percent' }],
      'monitor-rules[0].unit',
      /"percent" is not one of ratio, seconds, bytes, number/,
    ],
    [
      'a failure-limit of 0',
      [{ name: 'cpu', 'failure-limit': 0 }],
      'monitor-rules[0].failure-limit',
      /"0"/,
    ],
    [
      'a failure-limit that is not whole',
      [{ name: 'cpu', 'failure-limit': '2.5' }],
      'monitor-rules[0].failure-limit',
      /is not a whole number/,
    ],
    [
      'a failure-limit that is not a number',
      [{ name: 'cpu', 'failure-limit': 'twice' }],
      'monitor-rules[0].failure-limit',
      /is not a whole number/,
    ],
    [
      'a bad enabled',
      [{ name: 'cpu', enabled: 'yes' }],
      'monitor-rules[0].enabled',
      /"yes" is not a boolean/,
    ],
    [
      'a bad min-requests-guard',
      [{ name: 'cpu', 'min-requests-guard': 1 }],
      'monitor-rules[0].min-requests-guard',
      /1 is not a boolean/,
    ],
    [
      'a bad relative-to',
      [{ name: 'cpu', 'relative-to': 'previous' }],
      'monitor-rules[0].relative-to',
      /"previous" is not a reference\. Use relative-to: baseline/,
    ],
    [
      'a relative baseline-min',
      [{ name: 'p95-latency', 'baseline-min': '2x' }],
      'monitor-rules[0].baseline-min',
      /"2x" is not an absolute value/,
    ],
    [
      'a query on the health rule',
      [{ name: 'health', query: 'up{$selector}' }],
      'monitor-rules[0].query',
      /cannot be set on the health rule/,
    ],
  ])('rejects %s, naming %s', (_what, doc, at, problem) => {
    const e = inputError(() => parseRules('monitor-rules', doc, VARS));
    expect(e.input).toBe(at);
    expect(e.message.startsWith(`input "${at}": `)).toBe(true);
    expect(e.message).toMatch(problem);
  });

  it('only accepts the variables the caller can fill', () => {
    expect(() =>
      parseRules('rules', [{ name: 'x', query: 'a / $cpu_limit', critical: 1 }], ['selector']),
    ).toThrow(/uses \$cpu_limit, which is not known\. Use \$selector$/);
    expect(
      parseRules('rules', [{ name: 'x', query: 'a / $cpu_limit', critical: 1 }], ['cpu_limit']),
    ).toHaveLength(BUILTIN_RULES.length + 1);
  });
});

describe('breaches', () => {
  test.each([
    ['above', 2, 1, true],
    ['above', 1, 1, false],
    ['above', 0.5, 1, false],
    ['below', 0.5, 1, true],
    ['below', 1, 1, false],
    ['below', 2, 1, false],
  ] as const)('%s: %d vs %d → %s', (direction, value, limit, yes) => {
    expect(breaches(direction, value, limit)).toBe(yes);
  });
});

describe('formatValue', () => {
  test.each<[Rule['unit'], number | null | undefined, string]>([
    ['ratio', 0.05, '5%'],
    ['ratio', 0.214, '21.4%'],
    ['ratio', 0.00123, '0.123%'],
    ['ratio', 1, '100%'],
    ['ratio', 0, '0%'],
    ['seconds', 0.412, '412ms'],
    ['seconds', 0.0005, '0.5ms'],
    ['seconds', 1, '1s'],
    ['seconds', 1.5, '1.5s'],
    ['seconds', 125, '125s'],
    ['seconds', 0.9999, '1s'],
    ['bytes', 512, '512B'],
    ['bytes', 2048, '2KiB'],
    ['bytes', 5 * 1024 ** 2, '5MiB'],
    ['bytes', 1.5 * 1024 ** 3, '1.5GiB'],
    ['number', 3, '3'],
    ['number', 1234.567, '1235'],
    ['number', 12.345, '12.3'],
    ['number', 0.12345, '0.123'],
    ['number', -2.5, '-2.5'],
    ['ratio', null, 'no data'],
    ['ratio', undefined, 'no data'],
    ['seconds', Number.NaN, 'no data'],
    ['seconds', Number.POSITIVE_INFINITY, '+Inf'],
    ['number', Number.NEGATIVE_INFINITY, '-Inf'],
  ])('%s %o → %s', (unit, value, text) => {
    expect(formatValue(unit, value)).toBe(text);
  });
});

describe('formatThreshold', () => {
  it('shows absolute thresholds in the unit', () => {
    expect(formatThreshold('ratio', { kind: 'absolute', value: 0.05, text: '0.05' })).toBe('5%');
    expect(formatThreshold('seconds', { kind: 'absolute', value: 1, text: '1000ms' })).toBe('1s');
  });
  it('shows a baseline threshold with its limit once the baseline is known', () => {
    const t: Threshold = { kind: 'baseline', factor: 2, text: '2x baseline' };
    expect(formatThreshold('seconds', t)).toBe('2x baseline');
    expect(formatThreshold('seconds', t, null)).toBe('2x baseline');
    expect(formatThreshold('seconds', t, 0.09)).toBe('2x baseline (180ms)');
  });
  it('shows a missing threshold as a dash', () => {
    expect(formatThreshold('ratio', undefined)).toBe('–');
  });
});
