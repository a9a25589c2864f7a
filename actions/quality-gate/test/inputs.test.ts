import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, InputReader } from '@switchyard/kit';
import { DEFAULT_THRESHOLDS } from '@switchyard/quality';
import { parseCommands, parseInputs, parsePercentage } from '../src/inputs.js';

let ws: string;
beforeAll(() => {
  ws = mkdtempSync(join(tmpdir(), 'switchyard-quality-inputs-'));
  mkdirSync(join(ws, 'packages/api'), { recursive: true });
  writeFileSync(join(ws, 'README.md'), 'not a directory\n');
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

/** A command, so that a plan has something to judge; a test sets run: '' to have none. */
const RUN = 'test: npm test';

const parse = (values: Record<string, string>) => {
  const all: Record<string, string> = { run: RUN, ...values };
  return parseInputs(new InputReader((n) => all[n] ?? ''), ws);
};

/** The InputError parseInputs throws for `values`. */
function inputError(values: Record<string, string>): InputError {
  try {
    parse(values);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('no InputError thrown');
}

/** The action.yml defaults, as the runner passes them. */
const RUNNER_DEFAULTS: Record<string, string> = {
  'fail-fast': 'false',
  'working-directory': '.',
  'coverage-format': 'auto',
  'lint-format': 'auto',
  'audit-format': 'auto',
  'if-missing': 'error',
  'min-coverage': '80',
  'max-coverage-drop': '0.5',
  'max-failed-tests': '0',
  'max-lint-errors': '0',
  'max-type-errors': '0',
  'fail-on-severity': 'high',
  mode: 'enforce',
  'max-annotations': '10',
};

describe('parseInputs: defaults', () => {
  test('only run set: no reports, the default thresholds', () => {
    expect(parse({})).toEqual({
      commands: [{ name: 'test', run: 'npm test' }],
      failFast: false,
      cwd: ws,
      workspace: ws,
      reports: {},
      ifMissing: 'error',
      thresholds: {
        maxFailedTests: 0,
        minCoverage: { lines: 80 },
        maxCoverageDrop: 0.5,
        maxLintErrors: 0,
        maxTypeErrors: 0,
        failOnSeverity: 'high',
        allow: [],
      },
      mode: 'enforce',
      maxAnnotations: 10,
    });
    expect(parse({}).thresholds).toEqual(DEFAULT_THRESHOLDS);
  });

  test('the runner passing the action.yml defaults gives the same plan', () => {
    expect(parse(RUNNER_DEFAULTS)).toEqual(parse({}));
  });

  test('nothing to judge (no run, no report input) is an error naming run', () => {
    const e = inputError({ ...RUNNER_DEFAULTS, run: '' });
    expect(e.input).toBe('run');
    expect(e.message).toMatch(/^input "run": "" is empty and no report input is set/);
    // A report input alone is enough.
    expect(parse({ run: '', junit: 'junit.xml' })).toMatchObject({
      commands: [],
      reports: { tests: { input: 'junit', patterns: ['junit.xml'], format: 'auto' } },
    });
  });
});

describe('parseInputs: commands', () => {
  test('a mapping of name: command, in order; strings and argument lists', () => {
    const run = [
      'lint: npm run lint',
      'test: |',
      '  npx jest --ci',
      '  echo done',
      'types: [npx, tsc, --noEmit, --maxNodeModuleJsDepth, 0]',
      'unit-tests.v2_b: make test',
    ].join('\n');
    expect(parse({ run }).commands).toEqual([
      { name: 'lint', run: 'npm run lint' },
      { name: 'test', run: 'npx jest --ci\necho done\n' },
      { name: 'types', run: ['npx', 'tsc', '--noEmit', '--maxNodeModuleJsDepth', '0'] },
      { name: 'unit-tests.v2_b', run: 'make test' },
    ]);
  });

  test('JSON works too', () => {
    expect(parseCommands('{"a": "echo a", "b": ["ls", "-l"]}')).toEqual([
      { name: 'a', run: 'echo a' },
      { name: 'b', run: ['ls', '-l'] },
    ]);
  });

  test.each<[string, string, string, RegExp | string]>([
    ['a list', '- npm test\n- npm run lint', 'run', 'is not a mapping of name: command'],
    ['a plain string', 'npm test', 'run', 'is not a mapping of name: command'],
    ['invalid YAML', 'lint: [npx, eslint', 'run', /is not valid YAML or JSON/],
    [
      'a name with a space',
      'unit tests: npm test',
      'run.unit tests',
      'is not a usable command name',
    ],
    ['a name starting with -', '-x: npm test', 'run.-x', 'is not a usable command name'],
    ['an empty command', 'lint: ""', 'run.lint', 'is not a command'],
    ['a blank command', "lint: '   '", 'run.lint', 'is not a command'],
    ['no command', 'lint:', 'run.lint', 'is not a command'],
    ['an empty list', 'lint: []', 'run.lint', 'is not a command'],
    ['a list holding a mapping', 'lint: [npx, {a: 1}]', 'run.lint', 'is not a command'],
    ['a mapping', 'lint: {cmd: eslint}', 'run.lint', 'is not a command'],
  ])('%s: an InputError naming %s', (_what, run, input, problem) => {
    const e = inputError({ run });
    expect(e.input).toBe(input);
    if (typeof problem === 'string') expect(e.detail).toContain(problem);
    else expect(e.detail).toMatch(problem);
    expect(e.message.startsWith(`input "${input}": `)).toBe(true);
  });
});

describe('parseInputs: working-directory', () => {
  test('commands run and globs start there', () => {
    expect(parse({ 'working-directory': 'packages/api' }).cwd).toBe(join(ws, 'packages/api'));
    expect(parse({ 'working-directory': './packages/api/' }).cwd).toBe(join(ws, 'packages/api'));
  });

  test.each(['missing', 'README.md'])('%s: not a directory', (dir) => {
    const e = inputError({ 'working-directory': dir });
    expect(e.input).toBe('working-directory');
    expect(e.message).toBe(
      `input "working-directory": "${dir}" is not a directory (${join(ws, dir)}). Give a directory relative to the workspace`,
    );
  });
});

describe('parseInputs: paths stay inside the workspace', () => {
  test.each([
    ['working-directory', '..'],
    ['working-directory', '/etc'],
    ['junit', '/etc/passwd'],
    ['junit', '../reports/*.xml'],
    ['coverage', '!../x/lcov.info'],
    ['lint', '/proc/self/environ'],
    ['types', 'packages/../../tsc.txt'],
  ])('%s: %s is refused, naming the input', (input, value) => {
    const e = inputError({ junit: 'junit.xml', [input]: value });
    expect(e.input).toBe(input);
    expect(e.message).toBe(
      `input "${input}": ${JSON.stringify(value)} is outside the workspace. Give a path inside the workspace ($GITHUB_WORKSPACE, the checkout); a symlink must point inside it too`,
    );
  });

  test('coverage-base outside the workspace is refused too', () => {
    const e = inputError({ coverage: 'coverage/lcov.info', 'coverage-base': '/tmp/base.info' });
    expect(e.input).toBe('coverage-base');
    expect(e.message).toContain('is outside the workspace');
  });
});

describe('parseInputs: reports', () => {
  test('each report input, its lines as patterns and its format', () => {
    const plan = parse({
      junit: 'reports/**/*.xml\n!reports/flaky/*.xml\n',
      coverage: 'coverage/lcov.info',
      'coverage-format': 'lcov',
      lint: 'eslint.sarif',
      'lint-format': 'sarif',
      types: 'tsc.txt',
      audit: 'audit.json\ntrivy.sarif',
      'coverage-base': 'base/lcov.info',
    });
    expect(plan.reports).toEqual({
      tests: {
        input: 'junit',
        patterns: ['reports/**/*.xml', '!reports/flaky/*.xml'],
        format: 'auto',
      },
      coverage: { input: 'coverage', patterns: ['coverage/lcov.info'], format: 'lcov' },
      lint: { input: 'lint', patterns: ['eslint.sarif'], format: 'sarif' },
      types: { input: 'types', patterns: ['tsc.txt'], format: 'auto' },
      audit: { input: 'audit', patterns: ['audit.json', 'trivy.sarif'], format: 'auto' },
    });
    expect(plan.coverageBase).toEqual({
      input: 'coverage-base',
      patterns: ['base/lcov.info'],
      format: 'auto',
    });
  });

  test.each<[Record<string, string>, string, string]>([
    [
      { coverage: 'c.xml', 'coverage-format': 'jacoco' },
      'coverage-format',
      'input "coverage-format": "jacoco" is not a valid value. Use one of: auto, lcov, istanbul-summary, cobertura',
    ],
    [
      { lint: 'l.json', 'lint-format': 'stylish' },
      'lint-format',
      'input "lint-format": "stylish" is not a valid value. Use one of: auto, eslint, sarif',
    ],
    [
      { audit: 'a.json', 'audit-format': 'yarn' },
      'audit-format',
      'input "audit-format": "yarn" is not a valid value. Use one of: auto, npm, sarif',
    ],
    [
      { 'coverage-format': 'lcov' },
      'coverage-format',
      'input "coverage-format": "lcov" is set but coverage is empty. Give the coverage report paths in coverage',
    ],
    [
      { 'audit-format': 'sarif' },
      'audit-format',
      'input "audit-format": "sarif" is set but audit is empty. Give the audit report paths in audit',
    ],
    [
      { junit: 'a.xml\n!' },
      'junit',
      'input "junit": "!" is not a path or glob. Use paths or globs such as reports/**/*.xml',
    ],
    [
      { 'coverage-base': 'base/lcov.info' },
      'coverage-base',
      'input "coverage-base": "base/lcov.info" is set but coverage is empty. Give the current coverage report in coverage to compare it with the base',
    ],
    [
      { 'if-missing': 'maybe' },
      'if-missing',
      'input "if-missing": "maybe" is not a valid value. Use one of: error, warn, ignore',
    ],
  ])('%j: an InputError naming %s', (values, input, message) => {
    const e = inputError(values);
    expect(e.input).toBe(input);
    expect(e.message).toBe(message);
  });

  test('if-missing warn and ignore', () => {
    expect(parse({ 'if-missing': 'warn' }).ifMissing).toBe('warn');
    expect(parse({ 'if-missing': 'ignore' }).ifMissing).toBe('ignore');
  });
});

describe('parseInputs: coverage thresholds', () => {
  test('min-coverage as 85 or 85%, with decimals; the other metrics when coverage is given', () => {
    expect(parse({ 'min-coverage': '85%' }).thresholds.minCoverage).toEqual({ lines: 85 });
    expect(parse({ 'min-coverage': '72.5' }).thresholds.minCoverage).toEqual({ lines: 72.5 });
    expect(parse({ 'min-coverage': '0' }).thresholds.minCoverage).toEqual({ lines: 0 });
    // A percentage, not a fraction: 0.8 is 0.8%.
    expect(parse({ 'min-coverage': '0.8' }).thresholds.minCoverage).toEqual({ lines: 0.8 });
    expect(
      parse({
        coverage: 'coverage/lcov.info',
        'min-coverage': '100',
        'min-branch-coverage': '60',
        'min-function-coverage': '70%',
        'min-statement-coverage': '75.25',
      }).thresholds.minCoverage,
    ).toEqual({ lines: 100, branches: 60, functions: 70, statements: 75.25 });
  });

  test.each<[Record<string, string>, string, string]>([
    [
      { 'min-coverage': '120' },
      'min-coverage',
      'input "min-coverage": "120" is above 100%. Use a number from 0 to 100, e.g. 80',
    ],
    [
      { 'min-coverage': 'abc' },
      'min-coverage',
      'input "min-coverage": "abc" is not a percentage. Use a number from 0 to 100, e.g. 80 or 80%',
    ],
    [
      { 'min-coverage': '-5' },
      'min-coverage',
      'input "min-coverage": "-5" is not a percentage. Use a number from 0 to 100, e.g. 80 or 80%',
    ],
    [
      { 'min-branch-coverage': '60' },
      'min-branch-coverage',
      'input "min-branch-coverage": "60" is set but coverage is empty. Give coverage report paths in coverage',
    ],
    [
      { 'min-function-coverage': '60' },
      'min-function-coverage',
      'input "min-function-coverage": "60" is set but coverage is empty. Give coverage report paths in coverage',
    ],
    [
      { coverage: 'lcov.info', 'min-branch-coverage': '101%' },
      'min-branch-coverage',
      'input "min-branch-coverage": "101%" is above 100%. Use a number from 0 to 100, e.g. 80',
    ],
    [
      { 'max-coverage-drop': '-1' },
      'max-coverage-drop',
      'input "max-coverage-drop": "-1" is not a number of percentage points. Use a number from 0 to 100, e.g. 0.5',
    ],
    [
      { 'max-coverage-drop': '1pt' },
      'max-coverage-drop',
      'input "max-coverage-drop": "1pt" is not a number of percentage points. Use a number from 0 to 100, e.g. 0.5',
    ],
    [
      { 'max-coverage-drop': '101' },
      'max-coverage-drop',
      'input "max-coverage-drop": "101" is not a number of percentage points. Use a number from 0 to 100, e.g. 0.5',
    ],
  ])('%j: an InputError naming %s', (values, input, message) => {
    const e = inputError(values);
    expect(e.input).toBe(input);
    expect(e.message).toBe(message);
  });

  test('max-coverage-drop: 0 and decimals', () => {
    expect(parse({ 'max-coverage-drop': '0' }).thresholds.maxCoverageDrop).toBe(0);
    expect(parse({ 'max-coverage-drop': '1.25' }).thresholds.maxCoverageDrop).toBe(1.25);
  });
});

describe('parseInputs: other thresholds', () => {
  test('counts', () => {
    expect(
      parse({
        'max-failed-tests': '2',
        'max-lint-errors': '3',
        'max-warnings': '25',
        'max-type-errors': '4',
        'max-annotations': '50',
      }),
    ).toMatchObject({
      thresholds: { maxFailedTests: 2, maxLintErrors: 3, maxWarnings: 25, maxTypeErrors: 4 },
      maxAnnotations: 50,
    });
  });

  test('max-warnings: empty and -1 mean no limit; 0 is a limit', () => {
    expect(parse({}).thresholds).not.toHaveProperty('maxWarnings');
    expect(parse({ 'max-warnings': '-1' }).thresholds).not.toHaveProperty('maxWarnings');
    expect(parse({ 'max-warnings': '0' }).thresholds.maxWarnings).toBe(0);
  });

  test.each<[Record<string, string>, string, string]>([
    [{ 'max-warnings': '-2' }, 'max-warnings', 'is out of range'],
    [{ 'max-warnings': 'many' }, 'max-warnings', 'is not a whole number'],
    [{ 'max-failed-tests': '-1' }, 'max-failed-tests', 'is out of range'],
    [{ 'max-failed-tests': '1.5' }, 'max-failed-tests', 'is not a whole number'],
    [{ 'max-lint-errors': 'x' }, 'max-lint-errors', 'is not a whole number'],
    [{ 'max-type-errors': '-3' }, 'max-type-errors', 'is out of range'],
    [{ 'max-annotations': '1001' }, 'max-annotations', 'is out of range'],
    [{ 'fail-fast': 'yes' }, 'fail-fast', 'is not a boolean'],
    [{ 'command-timeout': '10' }, 'command-timeout', 'is not a duration'],
    [{ 'command-timeout': '500ms' }, 'command-timeout', 'is out of range'],
    [{ mode: 'strict' }, 'mode', 'is not a valid value. Use one of: enforce, warn'],
  ])('%j: an InputError naming %s', (values, input, problem) => {
    const e = inputError(values);
    expect(e.input).toBe(input);
    expect(e.message).toContain(problem);
  });

  test('fail-fast, command-timeout, mode', () => {
    const plan = parse({ 'fail-fast': 'true', 'command-timeout': '20m', mode: 'warn' });
    expect(plan).toMatchObject({ failFast: true, commandTimeoutMs: 1_200_000, mode: 'warn' });
    expect(parse({})).not.toHaveProperty('commandTimeoutMs');
  });
});

describe('parseInputs: audit', () => {
  test.each<[string, string]>([
    ['critical', 'critical'],
    ['high', 'high'],
    ['moderate', 'moderate'],
    ['medium', 'moderate'],
    ['low', 'low'],
    ['info', 'info'],
    ['none', 'none'],
  ])('fail-on-severity %s → %s', (raw, severity) => {
    expect(parse({ 'fail-on-severity': raw }).thresholds.failOnSeverity).toBe(severity);
  });

  test('fail-on-severity "severe" is rejected', () => {
    const e = inputError({ 'fail-on-severity': 'severe' });
    expect(e.input).toBe('fail-on-severity');
    expect(e.message).toBe(
      'input "fail-on-severity": "severe" is not a valid value. Use one of: info, low, moderate, high, critical, medium, none',
    );
  });

  test('allow-advisories: one per line or comma-separated', () => {
    expect(
      parse({
        'allow-advisories':
          'GHSA-jf85-cpcp-j695, 1006231\nCVE-2021-36159\n\n  AVD-AWS-0086 \nnpm:1179,s3-bucket-logging',
      }).thresholds.allow,
    ).toEqual([
      'GHSA-jf85-cpcp-j695',
      '1006231',
      'CVE-2021-36159',
      'AVD-AWS-0086',
      'npm:1179',
      's3-bucket-logging',
    ]);
  });

  test('allow-advisories: an id with a space is rejected, naming the input', () => {
    const e = inputError({ 'allow-advisories': 'GHSA-jf85-cpcp-j695\nCVE 2021 36159' });
    expect(e.input).toBe('allow-advisories');
    expect(e.message).toBe(
      'input "allow-advisories": "CVE 2021 36159" is not an advisory id. List ids such as GHSA-xxxx-xxxx-xxxx, CVE-2024-1234 or an npm advisory number',
    );
  });
});

describe('parsePercentage', () => {
  test.each<[string, number]>([
    ['80', 80],
    ['80%', 80],
    [' 80 % ', 80],
    ['99.95', 99.95],
    ['100', 100],
    ['0', 0],
  ])('%j → %d', (raw, n) => {
    expect(parsePercentage('min-coverage', raw)).toBe(n);
  });

  test.each(['', '%', '80%%', '1e2', '.5', '80 percent'])('%j is rejected', (raw) => {
    let error: unknown;
    try {
      parsePercentage('min-coverage', raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('min-coverage');
  });
});
