import {
  DEFAULT_THRESHOLDS,
  evaluate,
  type Evidence,
  type Gate,
  parseNpmAudit,
  type QualityReport,
  type Thresholds,
} from '@switchyard/quality';
import { outputs } from '../src/outputs.js';
import { qualityReport, recorded } from '../../../test/support/quality-reports.js';

const NPM_V2 = parseNpmAudit('audit', 'audit.json', recorded('npm-audit-v2.json'));

/** A report as qualityGate makes it, from evidence, thresholds and extra (command) gates. */
const report = (
  evidence: Partial<Evidence>,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
  extra: Gate[] = [],
): QualityReport =>
  qualityReport(evidence, {
    thresholds,
    gates: [...evaluate({ files: [], missing: [], unread: [], ...evidence }, thresholds), ...extra],
  });

const commandGate = (name: string, exitCode: number): Gate => ({
  name: `command:${name}`,
  kind: 'command',
  value: exitCode,
  threshold: 0,
  op: '<=',
  status: exitCode === 0 ? 'passed' : 'failed',
  measured: `exit ${exitCode}`,
  limit: 'exit 0',
});

describe('outputs', () => {
  test('without any report: the kind-specific outputs are empty', () => {
    expect(outputs(report({}, DEFAULT_THRESHOLDS, [commandGate('build', 0)]))).toEqual({
      passed: true,
      results: { 'command:build': { value: 0, threshold: 0, op: '<=', status: 'passed' } },
      coverage: '',
      'tests-failed': '',
      vulnerabilities: '',
      'failed-gates': [],
    });
  });

  test('nothing checked: passed is false, no failed gates', () => {
    expect(outputs(report({}))).toMatchObject({ passed: false, results: {}, 'failed-gates': [] });
  });

  test('tests: the number of failed and errored cases', () => {
    const o = outputs(
      report({
        tests: {
          cases: [
            { name: 'a', suite: 's', status: 'failed' },
            { name: 'b', suite: 's', status: 'error' },
            { name: 'c', suite: 's', status: 'skipped' },
            { name: 'd', suite: 's', status: 'passed' },
          ],
        },
      }),
    );
    expect(o).toMatchObject({
      passed: false,
      'tests-failed': 2,
      coverage: '',
      vulnerabilities: '',
      'failed-gates': ['tests'],
    });
    expect(
      outputs(report({ tests: { cases: [{ name: 'a', suite: '', status: 'passed' }] } })),
    ).toMatchObject({ passed: true, 'tests-failed': 0 });
  });

  test('coverage: the line percentage, floored to two decimals', () => {
    const coverage = {
      files: [
        { file: 'a.ts', metrics: { lines: { covered: 2, total: 3 } } },
        { file: 'b.ts', metrics: { lines: { covered: 0, total: 0 } } },
      ],
    };
    expect(outputs(report({ coverage }))).toMatchObject({
      coverage: 66.66,
      'failed-gates': ['coverage'],
      results: { coverage: { value: 66.66, threshold: 80, op: '>=', status: 'failed' } },
    });
    expect(
      outputs(report({ coverage: { files: [], totals: { lines: { covered: 0, total: 0 } } } })),
    ).toMatchObject({ coverage: '', passed: false, 'failed-gates': ['coverage'] });
  });

  test('coverage without line counts: empty coverage output, a failed coverage gate', () => {
    const coverage = { files: [{ file: 'a.ts', metrics: { branches: { covered: 1, total: 2 } } }] };
    expect(outputs(report({ coverage }))).toMatchObject({
      coverage: '',
      'failed-gates': ['coverage'],
    });
  });

  test('audit: the blocking vulnerabilities, allowlisted ones left out', () => {
    expect(outputs(report({ audit: NPM_V2 }))).toMatchObject({
      vulnerabilities: 5,
      'failed-gates': ['audit'],
    });
    const allow = { ...DEFAULT_THRESHOLDS, allow: ['GHSA-jf85-cpcp-j695', '1005154'] };
    expect(outputs(report({ audit: NPM_V2 }, allow))).toMatchObject({ vulnerabilities: 3 });
    const none = { ...DEFAULT_THRESHOLDS, failOnSeverity: 'none' as const };
    expect(outputs(report({ audit: NPM_V2 }, none))).toMatchObject({
      vulnerabilities: 0,
      passed: true,
      results: { audit: { value: 0, threshold: null, op: '<=', status: 'passed' } },
    });
    expect(outputs(report({ audit: [] }))).toMatchObject({ vulnerabilities: 0 });
  });

  test('every kind at once: failed gates in gate order, command gates last', () => {
    const o = outputs(
      report(
        {
          tests: { cases: [{ name: 'a', suite: '', status: 'failed' }] },
          coverage: { files: [{ file: 'a.ts', metrics: { lines: { covered: 9, total: 10 } } }] },
          lint: [{ severity: 'error', message: 'x' }],
          types: [],
          audit: NPM_V2,
        },
        DEFAULT_THRESHOLDS,
        [commandGate('build', 2)],
      ),
    );
    expect(o).toEqual({
      passed: false,
      results: {
        tests: { value: 1, threshold: 0, op: '<=', status: 'failed' },
        coverage: { value: 90, threshold: 80, op: '>=', status: 'passed' },
        'lint-errors': { value: 1, threshold: 0, op: '<=', status: 'failed' },
        'lint-warnings': { value: 0, threshold: null, op: '<=', status: 'passed' },
        types: { value: 0, threshold: 0, op: '<=', status: 'passed' },
        audit: { value: 5, threshold: 0, op: '<=', status: 'failed' },
        'command:build': { value: 2, threshold: 0, op: '<=', status: 'failed' },
      },
      coverage: 90,
      'tests-failed': 1,
      vulnerabilities: 5,
      'failed-gates': ['tests', 'lint-errors', 'audit', 'command:build'],
    });
  });
});
