import {
  DEFAULT_THRESHOLDS,
  lineRanges,
  parseNpmAudit,
  renderSummary,
  resultsJson,
  type TestCase,
} from '@switchyard/quality';
import { qualityReport, recorded } from '../../../test/support/quality-reports.js';

const NPM_V2 = parseNpmAudit('audit', 'audit.json', recorded('npm-audit-v2.json'));

const report = qualityReport;

const tc = (over: Partial<TestCase> & { name: string }): TestCase => ({
  suite: '',
  status: 'passed',
  ...over,
});

describe('lineRanges', () => {
  test.each<[number[], string]>([
    [[], ''],
    [[7], '7'],
    [[3, 4, 5, 9], '3-5, 9'],
    [[1, 3, 5], '1, 3, 5'],
    [[10, 11, 20, 21, 22, 40], '10-11, 20-22, 40'],
  ])('%j → %s', (lines, text) => {
    expect(lineRanges(lines)).toBe(text);
  });

  test('more than max ranges end with …', () => {
    const odd = Array.from({ length: 12 }, (_, i) => i * 2 + 1); // 1, 3, …, 23
    expect(lineRanges(odd)).toBe('1, 3, 5, 7, 9, 11, 13, 15, …');
    expect(lineRanges(odd, 3)).toBe('1, 3, 5, …');
    expect(lineRanges([1, 2, 3, 5, 6, 8], 3)).toBe('1-3, 5-6, 8');
  });
});

describe('renderSummary: verdict and gate table', () => {
  const tests = {
    cases: [
      tc({ name: 'adds', suite: 'math', status: 'passed' }),
      tc({
        name: 'subtracts',
        suite: 'math',
        status: 'failed',
        message: 'Error: expect(received).toBe(expected)\nExpected: 3',
        file: 'test/math.test.js',
        line: 6,
        column: 23,
      }),
      tc({ name: 'math divides', suite: 'math', status: 'error', message: 'TypeError: x' }),
      tc({ name: 'skips', suite: 'math', status: 'skipped' }),
    ],
  };
  const coverage = {
    files: [{ file: 'src/a.ts', metrics: { lines: { covered: 7999, total: 10000 } } }],
  };

  test('a failing gate: the heading, one row per gate, the failed list', () => {
    const md = renderSummary(report({ tests, coverage }));
    expect(md.startsWith('## Quality gate: ❌ failed\n')).toBe(true);
    expect(md).toContain(
      [
        '| gate | measured | threshold | status |',
        '| --- | --- | --- | --- |',
        '| tests | 2 failed of 3 run (1 skipped) | ≤ 0 failures | ❌ failed |',
        '| coverage | 79.99% (7999/10000 lines) | ≥ 80.00% | ❌ failed |',
      ].join('\n'),
    );
    expect(md).toContain('**Failed:** `tests`, `coverage`');
  });

  test('passing: a green heading and no failed list', () => {
    const md = renderSummary(
      report({
        coverage: { files: [{ file: 'a.ts', metrics: { lines: { covered: 8, total: 10 } } }] },
      }),
    );
    expect(md.startsWith('## Quality gate: ✅ passed\n')).toBe(true);
    expect(md).toContain('| coverage | 80.00% (8/10 lines) | ≥ 80.00% | ✅ passed |');
    expect(md).not.toContain('**Failed:**');
  });

  test('warn mode says the step does not fail', () => {
    const md = renderSummary(report({ tests }, { mode: 'warn' }));
    expect(
      md.startsWith('## Quality gate: ⚠️ failed (mode: warn, so the step does not fail)\n'),
    ).toBe(true);
  });

  test('warnings are listed', () => {
    const md = renderSummary(
      report({ tests }, { warnings: ['the tests reports were not written by the "test" command'] }),
    );
    expect(md).toContain('- ⚠️ the tests reports were not written by the "test" command');
  });

  test('nothing checked: the heading and no gate table', () => {
    const md = renderSummary(report({}));
    expect(md).toBe('## Quality gate: ❌ failed\n');
  });
});

describe('renderSummary: sections', () => {
  test('the failing tests table: suite › name, where, the first line of the message', () => {
    const md = renderSummary(
      report({
        tests: {
          cases: [
            tc({
              name: 'subtracts',
              suite: 'math',
              status: 'failed',
              message: 'Error: expect(received).toBe(expected)\nExpected: 3',
              file: 'test/math.test.js',
              line: 6,
            }),
            // jest-junit's default: the name already holds the suite.
            tc({ name: 'math divides', suite: 'math', status: 'error', message: 'TypeError: x' }),
            tc({ name: 'ok', suite: 'math' }),
          ],
        },
      }),
    );
    expect(md).toContain(
      [
        '### Tests: 2 failed of 3 run',
        '',
        '| test | where | message |',
        '| --- | --- | --- |',
        '| math › subtracts | `test/math.test.js:6` | Error: expect(received).toBe(expected) |',
        '| math divides | – | TypeError: x |',
      ].join('\n'),
    );
  });

  test('more than 20 failures: 20 rows and "… and N more"', () => {
    const cases = Array.from({ length: 23 }, (_, i) =>
      tc({ name: `t${i}`, status: 'failed', message: 'boom' }),
    );
    const md = renderSummary(report({ tests: { cases } }));
    expect(md).toContain('| t19 | – | boom |');
    expect(md).not.toContain('| t20 |');
    expect(md).toContain('| … and 3 more | – | – |');
  });

  test('coverage: totals per metric, then the files with most uncovered lines', () => {
    const md = renderSummary(
      report(
        {
          coverage: {
            files: [
              {
                file: 'src/full.ts',
                metrics: { lines: { covered: 10, total: 10 } },
                uncovered: [],
              },
              {
                file: 'src/b.ts',
                metrics: { lines: { covered: 6, total: 10 }, branches: { covered: 1, total: 4 } },
                uncovered: [3, 4, 5, 9],
              },
              { file: 'src/a.ts', metrics: { lines: { covered: 16, total: 20 } } },
              {
                file: 'src/c.ts',
                metrics: { lines: { covered: 0, total: 6 } },
                uncovered: [1, 2, 3, 4, 5, 6],
              },
            ],
          },
        },
        { thresholds: { ...DEFAULT_THRESHOLDS, minCoverage: { lines: 80, branches: 50 } } },
      ),
    );
    expect(md).toContain(
      [
        '### Coverage',
        '',
        '| metric | covered | total | % | minimum |',
        '| --- | --- | --- | --- | --- |',
        '| lines | 32 | 46 | 69.56% | 80% |',
        '| branches | 1 | 4 | 25.00% | 50% |',
      ].join('\n'),
    );
    expect(md).toContain(
      [
        'Top 3 files by uncovered lines:',
        '',
        '| file | lines | uncovered | uncovered lines |',
        '| --- | --- | --- | --- |',
        '| src/c.ts | 0.00% | 6 | 1-6 |',
        '| src/a.ts | 80.00% | 4 | – |',
        '| src/b.ts | 60.00% | 4 | 3-5, 9 |',
      ].join('\n'),
    );
  });

  test('at most 10 files are listed', () => {
    const files = Array.from({ length: 12 }, (_, i) => ({
      file: `src/f${String(i).padStart(2, '0')}.ts`,
      metrics: { lines: { covered: 0, total: 12 - i } },
    }));
    const md = renderSummary(report({ coverage: { files } }));
    expect(md).toContain('Top 10 files by uncovered lines:');
    expect(md).toContain('| src/f09.ts |');
    expect(md).not.toContain('| src/f10.ts |');
  });

  test('lint and type errors: errors first, rule and place', () => {
    const md = renderSummary(
      report({
        lint: [
          {
            severity: 'warning',
            message: 'Unexpected console',
            rule: 'no-console',
            file: 'a.js',
            line: 2,
          },
          {
            severity: 'error',
            message: "'x' is not defined.\nmore",
            rule: 'no-undef',
            file: 'a.js',
            line: 1,
          },
          { severity: 'warning', message: 'odd' },
        ],
        types: [
          {
            severity: 'error',
            message: "Cannot find name 'y'.",
            rule: 'TS2304',
            file: 'src/x.ts',
            line: 2,
          },
        ],
      }),
    );
    expect(md).toContain(
      [
        '### Lint: 1 error, 2 warnings',
        '',
        '| severity | where | rule | message |',
        '| --- | --- | --- | --- |',
        "| error | `a.js:1` | no-undef | 'x' is not defined. |",
        '| warning | `a.js:2` | no-console | Unexpected console |',
        '| warning | – | – | odd |',
      ].join('\n'),
    );
    expect(md).toContain('### Type errors: 1 error, 0 warnings');
    expect(md).toContain("| error | `src/x.ts:2` | TS2304 | Cannot find name 'y'. |");
  });

  test('a clean lint report: the heading, no table', () => {
    const md = renderSummary(report({ lint: [] }));
    expect(md).toContain('### Lint: 0 errors, 0 warnings\n');
    expect(md).not.toContain('| severity | where | rule | message |');
  });

  test('vulnerabilities: counts by severity, blocking and allowlisted rows, unused allowlist entries', () => {
    const thresholds = {
      ...DEFAULT_THRESHOLDS,
      allow: ['1006231', 'GHSA-ww39-953v-wcq6', 'CVE-2000-1'],
    };
    const md = renderSummary(report({ audit: NPM_V2 }, { thresholds }));
    expect(md).toContain(
      [
        '### Vulnerabilities: 3 blocking of 11',
        '',
        '| severity | found | allowlisted | blocking |',
        '| --- | --- | --- | --- |',
        '| critical | 1 | 1 | 0 |',
        '| high | 4 | 1 | 3 |',
        '| moderate | 4 | 0 | 0 |',
        '| low | 2 | 0 | 0 |',
        '| info | 0 | 0 | 0 |',
      ].join('\n'),
    );
    expect(md).toContain(
      [
        '| advisory | severity | package | title | status |',
        '| --- | --- | --- | --- | --- |',
        '| [GHSA-jf85-cpcp-j695](https://github.com/advisories/GHSA-jf85-cpcp-j695) | critical | lodash | Prototype Pollution in lodash | allowlisted (1006231) |',
      ].join('\n'),
    );
    expect(md).toContain(
      '| [GHSA-35jh-r3h4-6jhm](https://github.com/advisories/GHSA-35jh-r3h4-6jhm) | high | lodash | Command Injection in lodash | ❌ blocking |',
    );
    expect(md).toContain(
      '| [GHSA-ww39-953v-wcq6](https://github.com/advisories/GHSA-ww39-953v-wcq6) | high | glob-parent | Regular expression denial of service | allowlisted (GHSA-ww39-953v-wcq6) |',
    );
    // Not blocking and not allowlisted: counted, not listed.
    expect(md).not.toContain('GHSA-x5rq-j2xg-h7qm');
    expect(md).toContain('Allowlist entries that matched nothing: `CVE-2000-1`');
  });

  test('no vulnerabilities: only the counts', () => {
    const md = renderSummary(report({ audit: [] }));
    expect(md).toContain('### Vulnerabilities: 0 blocking of 0');
    expect(md).not.toContain('| advisory |');
    expect(md).not.toContain('Allowlist entries');
  });

  test('the annotation cap sentence appears only when a level went over the cap', () => {
    const over = renderSummary(
      report(
        { lint: [] },
        {
          annotatable: { error: 15, warning: 12 },
          maxAnnotations: 10,
          omitted: { tests: 3, lint: 4 },
        },
      ),
    );
    expect(over).toContain(
      'Annotated 10 of 15 errors and 10 of 12 warnings (max-annotations: 10 per level, shared across tests, types and lint; left out: 3 test failures, 4 lint problems; the tables above list more).',
    );
    const one = renderSummary(
      report({ lint: [] }, { annotatable: { error: 3, warning: 40 }, maxAnnotations: 10 }),
    );
    expect(one).toContain('Annotated 3 of 3 errors and 10 of 40 warnings');
    const under = renderSummary(
      report({ lint: [] }, { annotatable: { error: 10, warning: 10 }, maxAnnotations: 10 }),
    );
    expect(under).not.toContain('Annotated');
  });

  test('commands: how each ran and what judged it', () => {
    const md = renderSummary(
      report(
        {},
        {
          gates: [],
          commands: [
            {
              name: 'test',
              display: 'npx jest',
              exitCode: 1,
              durationMs: 12_340,
              startedAt: 0,
              judgedBy: 'tests',
            },
            { name: 'lint', display: 'npm run lint', exitCode: 0, durationMs: 1500, startedAt: 0 },
            {
              name: 'slow',
              display: 'sleep 999',
              exitCode: -1,
              durationMs: 60_000,
              startedAt: 0,
              note: 'timed out after 60s',
            },
            { name: 'docs', display: 'node docs.mjs', durationMs: 0, startedAt: 0 },
          ],
        },
      ),
    );
    expect(md).toContain(
      [
        '### Commands',
        '',
        '| command | ran | exit | time | judged by |',
        '| --- | --- | --- | --- | --- |',
        '| test | npx jest | 1 | 12.3s | tests reports |',
        '| lint | npm run lint | 0 | 1.5s | exit code |',
        '| slow | sleep 999 | timed out after 60s | 60.0s | exit code |',
        '| docs | node docs.mjs | skipped (fail-fast) | 0.0s | exit code |',
      ].join('\n'),
    );
  });

  test('the reports read, folded', () => {
    const md = renderSummary(
      report({
        lint: [],
        files: [
          {
            kind: 'lint',
            input: 'lint',
            file: 'reports/eslint.json',
            format: 'eslint',
            mtimeMs: 0,
          },
          {
            kind: 'coverage-base',
            input: 'coverage-base',
            file: 'base/lcov.info',
            format: 'lcov',
            mtimeMs: 0,
          },
        ],
      }),
    );
    expect(md).toContain('<details><summary>Reports read (2)</summary>');
    expect(md).toContain('| lint | reports/eslint.json | eslint |');
    expect(md).toContain('| coverage-base | base/lcov.info | lcov |');
  });
});

describe('resultsJson', () => {
  test('per gate: value, threshold, op and status', () => {
    const r = report({
      tests: { cases: [tc({ name: 'a', status: 'failed' })] },
      lint: [{ severity: 'warning', message: 'w' }],
    });
    expect(resultsJson(r)).toEqual({
      tests: { value: 1, threshold: 0, op: '<=', status: 'failed' },
      'lint-errors': { value: 0, threshold: 0, op: '<=', status: 'passed' },
      'lint-warnings': { value: 1, threshold: null, op: '<=', status: 'passed' },
    });
    expect(resultsJson(report({}))).toEqual({});
  });
});
