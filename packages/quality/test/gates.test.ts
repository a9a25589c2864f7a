import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNpmAudit } from '../src/audit.js';
import {
  DEFAULT_THRESHOLDS,
  evaluate,
  failedCases,
  type Gate,
  judgeVulnerabilities,
  type Thresholds,
  unusedAllowlist,
} from '../src/gates.js';
import type { CoverageReport, Problem, TestCase, Vulnerability } from '../src/model.js';
import type { Evidence } from '../src/reports.js';

const RECORDED = fileURLToPath(new URL('../../../test/fixtures/quality-reports/', import.meta.url));
const NPM_V2 = parseNpmAudit(
  'audit',
  'audit.json',
  readFileSync(`${RECORDED}npm-audit-v2.json`, 'utf8'),
);

const evidence = (e: Partial<Evidence>): Evidence => ({ files: [], missing: [], unread: [], ...e });
const t = (over: Partial<Thresholds> = {}): Thresholds => ({ ...DEFAULT_THRESHOLDS, ...over });
const only = (gates: Gate[], name: string): Gate => {
  const g = gates.filter((x) => x.name === name);
  expect(g).toHaveLength(1);
  return g[0]!;
};

const tc = (name: string, status: TestCase['status']): TestCase => ({ name, suite: 's', status });
const lines = (covered: number, total: number): CoverageReport => ({
  files: [{ file: 'src/a.ts', metrics: { lines: { covered, total } } }],
});
const problem = (severity: Problem['severity'], n = 1): Problem[] =>
  Array.from({ length: n }, (_, i) => ({ severity, message: `m${i}`, file: 'a.ts', line: i + 1 }));

describe('evaluate: tests', () => {
  test('no failures passes; skipped tests are not run tests', () => {
    const g = only(
      evaluate(
        evidence({
          tests: { cases: [tc('a', 'passed'), tc('b', 'passed'), tc('c', 'skipped')] },
        }),
        t(),
      ),
      'tests',
    );
    expect(g).toEqual({
      name: 'tests',
      kind: 'tests',
      value: 0,
      threshold: 0,
      op: '<=',
      status: 'passed',
      measured: '0 failed of 2 run (1 skipped)',
      limit: '≤ 0 failures',
    });
  });

  test('failed and error cases both count; max-failed-tests is inclusive', () => {
    const tests = { cases: [tc('a', 'failed'), tc('b', 'error'), tc('c', 'passed')] };
    expect(failedCases(tests.cases).map((c) => c.name)).toEqual(['a', 'b']);
    const strict = only(evaluate(evidence({ tests }), t()), 'tests');
    expect(strict).toMatchObject({ value: 2, status: 'failed', measured: '2 failed of 3 run' });
    expect(only(evaluate(evidence({ tests }), t({ maxFailedTests: 1 })), 'tests')).toMatchObject({
      status: 'failed',
      limit: '≤ 1 failure',
    });
    expect(only(evaluate(evidence({ tests }), t({ maxFailedTests: 2 })), 'tests').status).toBe(
      'passed',
    );
  });

  test('zero test cases fails, and so do only skipped ones', () => {
    expect(only(evaluate(evidence({ tests: { cases: [] } }), t()), 'tests')).toMatchObject({
      value: 0,
      status: 'failed',
      measured: 'no test cases in the reports',
    });
    expect(
      only(evaluate(evidence({ tests: { cases: [tc('a', 'skipped')] } }), t()), 'tests'),
    ).toMatchObject({ status: 'failed', measured: '0 failed of 0 run (1 skipped)' });
  });
});

describe('evaluate: coverage', () => {
  test.each<[number, number, number, Gate['status'], number]>([
    [7999, 10000, 80, 'failed', 79.99],
    [79999, 100000, 80, 'failed', 79.99], // 79.999% is not rounded up to 80
    [8000, 10000, 80, 'passed', 80],
    [8001, 10000, 80, 'passed', 80.01],
    [0, 0, 80, 'failed', 0], // nothing measured: a failure to measure, never 100 %
    [0, 0, 0, 'failed', 0],
    [0, 10, 0, 'passed', 0],
    [10, 10, 100, 'passed', 100],
    [9999, 10000, 100, 'failed', 99.99],
  ])('%d/%d lines against %d%%: %s', (covered, total, min, status, value) => {
    const g = only(
      evaluate(evidence({ coverage: lines(covered, total) }), t({ minCoverage: { lines: min } })),
      'coverage',
    );
    expect(g).toMatchObject({ kind: 'coverage', op: '>=', threshold: min, status, value });
  });

  test('0/0 lines says that nothing was measured (c8 with nothing instrumented)', () => {
    expect(only(evaluate(evidence({ coverage: lines(0, 0) }), t()), 'coverage')).toMatchObject({
      status: 'failed',
      measured: expect.stringMatching(/^measured nothing \(0\/0 lines\)/) as unknown,
    });
  });

  test('measured and limit', () => {
    expect(
      only(evaluate(evidence({ coverage: lines(7999, 10000) }), t()), 'coverage'),
    ).toMatchObject({ measured: '79.99% (7999/10000 lines)', limit: '≥ 80.00%' });
  });

  test('each metric with a minimum is a gate; a set minimum with no counts fails', () => {
    const coverage: CoverageReport = {
      files: [
        {
          file: 'a.ts',
          metrics: {
            lines: { covered: 9, total: 10 },
            functions: { covered: 3, total: 4 },
            statements: { covered: 1, total: 1 },
          },
        },
      ],
    };
    const gates = evaluate(
      evidence({ coverage }),
      t({ minCoverage: { lines: 80, branches: 50, functions: 75 } }),
    );
    expect(gates.map((g) => [g.name, g.status, g.value])).toEqual([
      ['coverage', 'passed', 90],
      ['coverage-branches', 'failed', 0],
      ['coverage-functions', 'passed', 75],
    ]);
    expect(only(gates, 'coverage-branches')).toMatchObject({
      measured: 'no branches counts in the reports',
      limit: '≥ 50.00%',
      threshold: 50,
    });
  });

  test('no line counts at all fails the line gate too', () => {
    const coverage: CoverageReport = {
      files: [{ file: 'a.ts', metrics: { branches: { covered: 1, total: 2 } } }],
    };
    expect(only(evaluate(evidence({ coverage }), t()), 'coverage')).toMatchObject({
      status: 'failed',
      measured: 'no lines counts in the reports',
    });
  });

  test('totals-only coverage is judged by its totals', () => {
    const coverage: CoverageReport = { files: [], totals: { lines: { covered: 81, total: 100 } } };
    expect(only(evaluate(evidence({ coverage }), t()), 'coverage').status).toBe('passed');
  });
});

describe('evaluate: coverage-delta', () => {
  const delta = (now: [number, number], base: [number, number] | undefined, maxDrop = 0.5) =>
    evaluate(
      evidence({
        coverage: lines(...now),
        ...(base && { base: lines(...base) }),
      }),
      t({ maxCoverageDrop: maxDrop, minCoverage: { lines: 0 } }),
    ).find((g) => g.name === 'coverage-delta');

  test('a drop of exactly the maximum passes', () => {
    expect(delta([795, 1000], [800, 1000])).toEqual({
      name: 'coverage-delta',
      kind: 'coverage',
      value: -0.5,
      threshold: -0.5,
      op: '>=',
      status: 'passed',
      measured: '-0.50 points (80.00% → 79.50%)',
      limit: 'drop ≤ 0.5 points',
    });
  });

  test('a drop of more than the maximum fails', () => {
    expect(delta([794, 1000], [800, 1000])).toMatchObject({ value: -0.6, status: 'failed' });
    // 0.51 points: more than 0.5.
    expect(delta([7949, 10000], [8000, 10000])).toMatchObject({ value: -0.51, status: 'failed' });
  });

  test('a rise passes and shows a plus sign; with max 0 any drop fails', () => {
    expect(delta([810, 1000], [800, 1000])).toMatchObject({
      value: 1,
      status: 'passed',
      measured: '+1.00 points (80.00% → 81.00%)',
    });
    expect(delta([800, 1000], [800, 1000], 0)).toMatchObject({ status: 'passed', value: 0 });
    expect(delta([7999, 10000], [800, 1000], 0)).toMatchObject({ status: 'failed' });
  });

  test('no base report: no delta gate', () => {
    expect(delta([800, 1000], undefined)).toBeUndefined();
  });
});

describe('evaluate: lint and types', () => {
  test('lint errors against max-lint-errors; warnings have no limit by default', () => {
    const lint = [...problem('error'), ...problem('warning', 5)];
    const gates = evaluate(evidence({ lint }), t());
    expect(only(gates, 'lint-errors')).toMatchObject({
      kind: 'lint',
      value: 1,
      threshold: 0,
      status: 'failed',
      measured: '1 error',
      limit: '≤ 0',
    });
    expect(only(gates, 'lint-warnings')).toMatchObject({
      value: 5,
      threshold: null,
      status: 'passed',
      measured: '5 warnings',
      limit: 'no limit',
    });
    expect(only(evaluate(evidence({ lint }), t({ maxLintErrors: 1 })), 'lint-errors').status).toBe(
      'passed',
    );
  });

  test('max-warnings: at the limit passes, one above fails', () => {
    const lint = problem('warning', 5);
    expect(
      only(evaluate(evidence({ lint }), t({ maxWarnings: 5 })), 'lint-warnings'),
    ).toMatchObject({ status: 'passed', threshold: 5, limit: '≤ 5' });
    expect(only(evaluate(evidence({ lint }), t({ maxWarnings: 4 })), 'lint-warnings').status).toBe(
      'failed',
    );
    expect(
      only(evaluate(evidence({ lint: [] }), t({ maxWarnings: 0 })), 'lint-warnings'),
    ).toMatchObject({ status: 'passed', measured: '0 warnings' });
  });

  test('type errors count; warnings among them do not', () => {
    const types = [...problem('error', 2), ...problem('warning')];
    expect(only(evaluate(evidence({ types }), t()), 'types')).toMatchObject({
      kind: 'types',
      value: 2,
      status: 'failed',
      measured: '2 type errors',
    });
    expect(only(evaluate(evidence({ types }), t({ maxTypeErrors: 2 })), 'types').status).toBe(
      'passed',
    );
    expect(only(evaluate(evidence({ types: [] }), t()), 'types')).toMatchObject({
      status: 'passed',
      measured: '0 type errors',
    });
  });
});

describe('evaluate: audit', () => {
  test('the recorded npm v2 report at the default (high): 5 blocking of 11', () => {
    expect(only(evaluate(evidence({ audit: NPM_V2 }), t()), 'audit')).toEqual({
      name: 'audit',
      kind: 'audit',
      value: 5,
      threshold: 0,
      op: '<=',
      status: 'failed',
      measured: '5 vulnerabilities at high+ (11 found)',
      limit: 'none at high or above',
    });
  });

  test.each<[Thresholds['failOnSeverity'], number]>([
    ['critical', 1],
    ['high', 5],
    ['moderate', 9],
    ['low', 11],
    ['info', 11],
  ])('fail-on-severity %s: %d blocking', (failOnSeverity, blocking) => {
    expect(only(evaluate(evidence({ audit: NPM_V2 }), t({ failOnSeverity })), 'audit').value).toBe(
      blocking,
    );
  });

  test('fail-on-severity none reports only', () => {
    expect(
      only(evaluate(evidence({ audit: NPM_V2 }), t({ failOnSeverity: 'none' })), 'audit'),
    ).toMatchObject({
      value: 0,
      threshold: null,
      status: 'passed',
      measured: '0 vulnerabilities at – (11 found)',
      limit: 'report only',
    });
  });

  test('allowlist by GHSA, by npm number alias, case-insensitively', () => {
    const allow = ['GHSA-jf85-cpcp-j695', '1005154', 'ghsa-CF4H-3JHX-XVHQ'];
    const gate = only(evaluate(evidence({ audit: NPM_V2 }), t({ allow })), 'audit');
    expect(gate).toMatchObject({
      value: 2,
      status: 'failed',
      measured: '2 vulnerabilities at high+ (11 found, 3 allowlisted)',
    });
    const judged = judgeVulnerabilities(NPM_V2, t({ allow }));
    expect(judged.filter((v) => v.allowedBy).map((v) => [v.package, v.allowedBy])).toEqual([
      ['glob-parent', '1005154'],
      ['lodash', 'GHSA-jf85-cpcp-j695'],
      ['underscore', 'GHSA-cf4h-3jhx-xvhq'],
    ]);
    expect(judged.filter((v) => v.blocking).map((v) => v.id)).toEqual([
      'GHSA-35jh-r3h4-6jhm',
      'GHSA-p6mc-m468-83gw',
    ]);
  });

  test('allowing every blocking advisory passes; an allowlisted low one is not blocking either way', () => {
    const allow = [
      'GHSA-35jh-r3h4-6jhm',
      'GHSA-p6mc-m468-83gw',
      '1006231',
      '1005154',
      '1005367',
      'GHSA-g95f-p29q-9xw4',
    ];
    const gate = only(evaluate(evidence({ audit: NPM_V2 }), t({ allow })), 'audit');
    expect(gate).toMatchObject({
      value: 0,
      status: 'passed',
      measured: '0 vulnerabilities at high+ (11 found, 6 allowlisted)',
    });
    const braces = judgeVulnerabilities(NPM_V2, t({ allow })).find((v) => v.package === 'braces');
    expect(braces).toMatchObject({ blocking: false, allowedBy: 'GHSA-g95f-p29q-9xw4' });
  });

  test('no findings passes', () => {
    expect(only(evaluate(evidence({ audit: [] }), t()), 'audit')).toMatchObject({
      status: 'passed',
      measured: '0 vulnerabilities at high+ (0 found)',
    });
  });
});

describe('unusedAllowlist', () => {
  const vulns: Vulnerability[] = [
    {
      id: 'GHSA-38f5-ghc2-fcmv',
      aliases: ['1039985', 'CVE-2018-3784'],
      severity: 'high',
      title: 'x',
    },
  ];
  test('entries matching no id or alias, in the given spelling', () => {
    expect(
      unusedAllowlist(
        vulns,
        t({ allow: ['cve-2018-3784', 'GHSA-xxxx-yyyy-zzzz', '1039985', '42'] }),
      ),
    ).toEqual(['GHSA-xxxx-yyyy-zzzz', '42']);
    expect(unusedAllowlist([], t({ allow: ['1'] }))).toEqual(['1']);
    expect(unusedAllowlist(vulns, t())).toEqual([]);
  });
});

describe('evaluate: the whole set', () => {
  test('gates come in a fixed order; no evidence, no gates', () => {
    const gates = evaluate(
      evidence({
        audit: [],
        types: [],
        lint: [],
        coverage: lines(1, 1),
        base: lines(1, 1),
        tests: { cases: [tc('a', 'passed')] },
      }),
      t(),
    );
    expect(gates.map((g) => g.name)).toEqual([
      'tests',
      'coverage',
      'coverage-delta',
      'lint-errors',
      'lint-warnings',
      'types',
      'audit',
    ]);
    expect(gates.every((g) => g.status === 'passed')).toBe(true);
    expect(evaluate(evidence({}), t())).toEqual([]);
  });
});
