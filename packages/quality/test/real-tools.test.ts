/**
 * Reports written by the real tools (test/fixtures/quality-real, made by its make.sh): every count,
 * percentage and verdict here is the tool's own, as it printed it (the folder's README.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_THRESHOLDS,
  evaluate,
  failedCases,
  parseCobertura,
  parseEslint,
  parseIstanbulSummary,
  parseJunit,
  parseLcov,
  parseLintSarif,
  parseTsc,
  percent,
  ReportError,
  totals,
  type CoverageReport,
  type Evidence,
  type Problem,
  type TestReport,
} from '@switchyard/quality';
import { thrown } from '../../../test/support/thrown.js';

const ROOT = fileURLToPath(new URL('../../../test/fixtures/quality-real/', import.meta.url));
const text = (tool: string, file: string): string => readFileSync(join(ROOT, tool, file), 'utf8');
/** The scratch project each tool ran in: the reports' own paths start there. */
const ctx = (tool: string): { cwd: string; workspace: string } => ({
  cwd: `/tmp/qreal/${tool}`,
  workspace: `/tmp/qreal/${tool}`,
});
const evidence = (e: Partial<Evidence>): Evidence => ({
  files: [],
  missing: [],
  unread: [],
  ...e,
});
const verdict = (e: Partial<Evidence>): Record<string, string> =>
  Object.fromEntries(evaluate(evidence(e), DEFAULT_THRESHOLDS).map((g) => [g.name, g.status]));
const counts = (r: TestReport): { failed: number; total: number } => ({
  failed: failedCases(r.cases).length,
  total: r.cases.length,
});
const errorsAndWarnings = (ps: readonly Problem[]): [number, number] => [
  ps.filter((p) => p.severity === 'error').length,
  ps.filter((p) => p.severity === 'warning').length,
];
const caught = (fn: () => unknown): ReportError => thrown(fn, ReportError);

describe('jest 30 + jest-junit 17', () => {
  const junit = (f: string): TestReport => parseJunit('junit', f, text('jest', f), ctx('jest'));

  test('passing: Tests 4 passed / 4', () => {
    expect(counts(junit('junit-pass.xml'))).toEqual({ failed: 0, total: 4 });
  });

  test('failing (JEST_JUNIT_ADD_FILE_ATTRIBUTE): 2 failed of 5, each at its test file; names without the leading space', () => {
    const r = junit('junit-failing.xml');
    expect(counts(r)).toEqual({ failed: 2, total: 5 });
    for (const c of failedCases(r.cases)) expect(c.file).toMatch(/^failing\/.*\.test\.js$/);
    expect(r.cases.every((c) => c.name === c.name.trim())).toBe(true);
  });

  test('a suite that failed to run, reported (REPORT_TEST_SUITE_ERRORS): one failure, as jest counts one failed suite', () => {
    const r = junit('junit-suite-error-reported.xml');
    expect(counts(r)).toEqual({ failed: 1, total: 3 });
    const [broken] = failedCases(r.cases);
    expect(broken).toMatchObject({ status: 'error', file: 'suite-error/broken.test.js' });
    expect(verdict({ tests: r }).tests).toBe('failed');
  });

  test('the same run without REPORT_TEST_SUITE_ERRORS leaves the broken file out: the report alone looks green (the README asks for the option)', () => {
    expect(counts(junit('junit-suite-error.xml'))).toEqual({ failed: 0, total: 2 });
  });

  test('coverage of one run agrees in every format jest writes: lines 58.33 % (7/12), branches 3/6, functions 3/5', () => {
    const reports: [string, CoverageReport][] = [
      ['lcov', parseLcov('coverage', 'lcov.info', text('jest', 'lcov.info'), ctx('jest'))],
      [
        'json-summary',
        parseIstanbulSummary(
          'coverage',
          'coverage-summary.json',
          text('jest', 'coverage-summary.json'),
          ctx('jest'),
        ),
      ],
      [
        'cobertura',
        parseCobertura(
          'coverage',
          'cobertura-coverage.xml',
          text('jest', 'cobertura-coverage.xml'),
          ctx('jest'),
        ),
      ],
    ];
    for (const [, report] of reports) {
      const t = totals(report);
      expect(t.lines).toEqual({ covered: 7, total: 12 });
      expect(percent(t.lines!)).toBe(58.33);
    }
    expect(totals(reports[0]![1]).branches).toEqual({ covered: 3, total: 6 });
    expect(totals(reports[0]![1]).functions).toEqual({ covered: 3, total: 5 });
    expect(totals(reports[1]![1]).branches).toEqual({ covered: 3, total: 6 });
    // Cobertura per-line conditions add up to its own branches-valid / branches-covered.
    expect(totals(reports[2]![1]).branches).toEqual({ covered: 3, total: 6 });
  });

  test("Clover (jest's default reporter) is refused with advice, not read as broken Cobertura", () => {
    const e = caught(() =>
      parseCobertura('coverage', 'clover.xml', text('jest', 'clover.xml'), ctx('jest')),
    );
    expect(e.message).toMatch(/is Clover XML .* Give the lcov, json-summary or cobertura report/);
  });
});

describe('ESLint 10 (JSON, and SARIF from @microsoft/eslint-formatter-sarif 3.1.0)', () => {
  test('✖ 4 problems (3 errors, 1 warning): the parse error counts, the suppressed finding does not', () => {
    const json = parseEslint('lint', 'eslint.json', text('eslint', 'eslint.json'), ctx('eslint'));
    const sarif = parseLintSarif(
      'lint',
      'eslint.sarif',
      text('eslint', 'eslint.sarif'),
      ctx('eslint'),
    );
    expect(errorsAndWarnings(json)).toEqual([3, 1]);
    expect(errorsAndWarnings(sarif)).toEqual([3, 1]);
    const parseError = sarif.find((p) => p.file === 'src/broken.js');
    expect(parseError).toMatchObject({ severity: 'error', line: expect.any(Number) as unknown });
    expect(sarif.some((p) => p.file === 'src/suppressed.js')).toBe(false);
  });

  test('a clean run (ESLint exits 0; one suppressed finding) passes in both forms', () => {
    for (const [f, parse] of [
      ['eslint-clean.json', parseEslint],
      ['eslint-clean.sarif', parseLintSarif],
    ] as const) {
      const lint = parse('lint', f, text('eslint', f), ctx('eslint'));
      expect(lint).toEqual([]);
      expect(verdict({ lint })['lint-errors']).toBe('passed');
    }
  });
});

describe('tsc through npm run (npm 11, TypeScript 5.9)', () => {
  const tsc = (f: string): Problem[] => parseTsc('types', f, text('tsc', f), ctx('tsc'));

  test('2 type errors, with or without npm’s header', () => {
    expect(tsc('tsc-errors.txt').map((p) => p.rule)).toEqual(['TS2345', 'TS2322']);
    expect(tsc('tsc-errors-silent.txt')).toHaveLength(2);
  });

  test('clean code: npm’s header alone (or an empty file) is 0 errors, a pass', () => {
    for (const f of ['tsc-clean.txt', 'tsc-clean-silent.txt']) {
      expect(tsc(f)).toEqual([]);
      expect(verdict({ types: tsc(f) }).types).toBe('passed');
    }
  });
});

describe('c8 10 with nothing instrumented (0 of 0 measured)', () => {
  test('json-summary and Cobertura: a failure to measure, never 100 %', () => {
    const summary = parseIstanbulSummary(
      'coverage',
      'coverage-summary.json',
      text('c8', 'coverage-summary.json'),
      ctx('c8'),
    );
    const cobertura = parseCobertura(
      'coverage',
      'cobertura-coverage.xml',
      text('c8', 'cobertura-coverage.xml'),
      ctx('c8'),
    );
    for (const coverage of [summary, cobertura]) {
      const [g] = evaluate(evidence({ coverage }), DEFAULT_THRESHOLDS);
      expect(g).toMatchObject({ name: 'coverage', status: 'failed' });
      expect(g?.measured).toMatch(/^measured nothing \(0\/0 lines\)/);
    }
  });

  test('the empty lcov of the same run is refused', () => {
    expect(
      caught(() => parseLcov('coverage', 'lcov.info', text('c8', 'lcov.info'), ctx('c8'))).message,
    ).toMatch(/lcov\.info: (is empty|has no SF: records)/);
  });
});

describe('vitest 3 (+ @vitest/coverage-v8)', () => {
  const junit = (f: string): TestReport => parseJunit('junit', f, text('vitest', f), ctx('vitest'));

  test('passing: Tests 4 passed (4); lines 86.66 %', () => {
    expect(counts(junit('junit-pass.xml'))).toEqual({ failed: 0, total: 4 });
    const lcov = parseLcov('coverage', 'lcov.info', text('vitest', 'lcov.info'), ctx('vitest'));
    const summary = parseIstanbulSummary(
      'coverage',
      'coverage-summary.json',
      text('vitest', 'coverage-summary.json'),
      ctx('vitest'),
    );
    expect(percent(totals(lcov).lines!)).toBe(86.66);
    expect(percent(totals(summary).lines!)).toBe(86.66);
  });

  test('failing: 1 failed of 3, annotated at the line vitest marks with ❯', () => {
    const r = junit('junit-failing.xml');
    expect(counts(r)).toEqual({ failed: 1, total: 3 });
    expect(failedCases(r.cases)[0]).toMatchObject({
      file: 'test/failing/math.test.js',
      line: 9,
      column: 21,
    });
  });
});

describe("Node's test runner (node:test, junit reporter)", () => {
  test('tests 4, pass 3, fail 1', () => {
    const r = parseJunit('junit', 'junit.xml', text('node-test', 'junit.xml'), ctx('node-test'));
    expect(counts(r)).toEqual({ failed: 1, total: 4 });
  });
});

describe('pytest 7 + coverage.py 6.5 (Debian)', () => {
  test('2 failed, 3 passed (a doctest among them, its message what it expected and got)', () => {
    const r = parseJunit('junit', 'junit.xml', text('pytest', 'junit.xml'), ctx('pytest'));
    expect(counts(r)).toEqual({ failed: 2, total: 5 });
    const doctest = r.cases.find((c) => c.name === 'calc.ops.add');
    expect(doctest?.message).toBe('Doctest failed: expected 5, got 4');
    expect(doctest).toMatchObject({ file: 'calc/ops.py', line: 7 });
  });

  test("coverage xml: lines 7/10 and branches 2/4, the report's own totals", () => {
    const c = parseCobertura(
      'coverage',
      'coverage.xml',
      text('pytest', 'coverage.xml'),
      ctx('pytest'),
    );
    expect(totals(c).lines).toEqual({ covered: 7, total: 10 });
    expect(totals(c).branches).toEqual({ covered: 2, total: 4 });
  });

  test('coverage json is refused with the advice to write Cobertura or lcov', () => {
    const e = caught(() =>
      parseIstanbulSummary(
        'coverage',
        'coverage.json',
        text('pytest', 'coverage.json'),
        ctx('pytest'),
      ),
    );
    expect(e.message).toMatch(/is coverage\.py JSON, which is not read here\. Write Cobertura XML/);
  });
});
