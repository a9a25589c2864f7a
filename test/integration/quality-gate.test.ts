/**
 * quality-gate, bundled, under Node 24, run as the GitHub runner runs it, on a fixture project whose
 * reports come from the real tools (jest with coverage and jest-junit, ESLint -f json, tsc), and on
 * recorded outputs of npm audit and Trivy.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAction, type ActionRun } from '../support/runner.js';
import {
  qualityProject,
  RECORDED,
  removeProjects,
  REPORTS_ALL,
  RUN_ALL,
} from '../support/quality.js';

afterAll(removeProjects);

type Results = Record<
  string,
  { value: number; threshold: number | null; op: string; status: string }
>;
const results = (run: ActionRun): Results => JSON.parse(run.outputs.results ?? '{}') as Results;
const failedGates = (run: ActionRun): string[] =>
  JSON.parse(run.outputs['failed-gates'] ?? '[]') as string[];
const errors = (run: ActionRun) => run.annotations.filter((a) => a.level === 'error');

function gate(inputs: Record<string, string>, workspace: string): Promise<ActionRun> {
  return runAction('quality-gate', { inputs, workspace, timeoutMs: 110_000 });
}

describe('quality-gate on a real project', () => {
  test('the passing project passes every gate; commands run in folded groups', async () => {
    const ws = qualityProject();
    const run = await gate({ run: RUN_ALL, ...REPORTS_ALL }, ws);
    if (run.exitCode !== 0) console.log(run.log);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.outputs.coverage).toBe('100');
    expect(run.outputs['tests-failed']).toBe('0');
    expect(failedGates(run)).toEqual([]);
    expect(Object.keys(results(run))).toEqual([
      'tests',
      'coverage',
      'lint-errors',
      'lint-warnings',
      'types',
    ]);
    expect(results(run).tests).toEqual({ value: 0, threshold: 0, op: '<=', status: 'passed' });
    expect(results(run).coverage).toEqual({
      value: 100,
      threshold: 80,
      op: '>=',
      status: 'passed',
    });
    expect(run.log).toMatch(/^::group::test: npx jest --coverage$/m);
    expect(run.log).toMatch(/^::group::typecheck: npx tsc/m);
    expect(run.log).toContain('Tests:       5 passed, 5 total');
    expect(run.summary).toContain('## Quality gate: ✅ passed');
    expect(run.summary).toContain('| tests | 0 failed of 5 run | ≤ 0 failures | ✅ passed |');
    expect(run.summary).toContain('| coverage | 100.00% (7/7 lines) | ≥ 80.00% | ✅ passed |');
    expect(run.summary).toMatch(
      /\| test \| npx jest --coverage \| 0 \| [\d.]+s \| tests reports \|/,
    );
    expect(errors(run)).toEqual([]);
  });

  test('a failing test fails the tests gate, annotated at the assertion in the test file', async () => {
    const ws = qualityProject('failing-test');
    const run = await gate({ run: RUN_ALL, ...REPORTS_ALL }, ws);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(run.outputs['tests-failed']).toBe('1');
    expect(failedGates(run)).toEqual(['tests']);
    expect(results(run).tests).toEqual({ value: 1, threshold: 0, op: '<=', status: 'failed' });
    const [failure, ...others] = errors(run).filter((a) => a.props.includes('title=Test failed'));
    expect(others).toEqual([]);
    expect(failure?.props).toBe(
      'title=Test failed%3A math adds,file=test/math.test.js,line=6,col=23',
    );
    expect(failure?.message).toContain('Expected: 5');
    // The runner's own frames are left out of the annotation; the test's frame stays.
    expect(failure?.message).toContain('math.test.js:6:23');
    expect(failure?.message).not.toContain('node_modules');
    expect(run.log).toContain(
      '::error::quality-gate: quality gate failed: tests (1 failed of 5 run; threshold ≤ 0 failures)',
    );
    expect(run.summary).toContain('| tests | 1 failed of 5 run | ≤ 0 failures | ❌ failed |');
    expect(run.summary).toMatch(
      /\| math adds \| `test\/math.test.js:6` \| Error: expect\(received\)\.toBe\(expected\)/,
    );
    // Every command ran although the first failed (no fail-fast); jest is judged by its report.
    expect(run.summary).toMatch(
      /\| test \| npx jest --coverage \| 1 \| [\d.]+s \| tests reports \|/,
    );
    expect(run.summary).toMatch(/\| typecheck \| .* \| 0 \|/);
  });

  test('in a monorepo package (working-directory), annotations and the summary use paths from the repository root', async () => {
    const root = qualityProject();
    const pkg = join(root, 'packages/app');
    mkdirSync(pkg, { recursive: true });
    cpSync(qualityProject('failing-test', 'type-error'), pkg, { recursive: true });
    const run = await gate(
      { run: RUN_ALL, ...REPORTS_ALL, 'working-directory': 'packages/app' },
      root,
    );
    expect(failedGates(run)).toEqual(['tests', 'types']);
    const located = errors(run).filter((a) => a.props.includes('file='));
    expect(located.map((a) => a.props.replace(/^title=[^,]*,/, ''))).toEqual([
      'file=packages/app/test/math.test.js,line=6,col=23',
      'file=packages/app/src/math.js,line=10,col=9',
    ]);
    expect(run.summary).toContain('| packages/app/reports/junit.xml | junit |');
  });

  test('low coverage fails the coverage gate and lists the uncovered file first', async () => {
    const ws = qualityProject('low-coverage');
    const run = await gate(
      {
        run: 'test: npx jest --coverage',
        junit: REPORTS_ALL.junit,
        coverage: 'coverage/coverage-summary.json',
      },
      ws,
    );
    expect(run.exitCode).toBe(1);
    expect(failedGates(run)).toEqual(['coverage']);
    expect(run.outputs.coverage).toBe('25.92');
    expect(results(run).coverage).toEqual({
      value: 25.92,
      threshold: 80,
      op: '>=',
      status: 'failed',
    });
    expect(run.summary).toContain('| coverage | 25.92% (7/27 lines) | ≥ 80.00% | ❌ failed |');
    expect(run.summary).toMatch(
      /Top 1 files by uncovered lines:[\s\S]*\| src\/report.js \| 0.00% \| 20 \|/,
    );
  });

  test('lint errors fail the lint gate with annotations at file:line:column; warnings are annotated too', async () => {
    const ws = qualityProject('lint-error');
    const run = await gate({ run: RUN_ALL, ...REPORTS_ALL }, ws);
    expect(run.exitCode).toBe(1);
    expect(failedGates(run)).toEqual(['lint-errors']);
    expect(results(run)['lint-warnings']).toEqual({
      value: 1,
      threshold: null,
      op: '<=',
      status: 'passed',
    });
    const lint = run.annotations.filter((a) => a.props.includes('title=Lint'));
    expect(lint.map((a) => [a.level, a.props, a.message])).toEqual([
      [
        'error',
        'title=Lint error (no-unused-vars),file=src/strings.js,line=8,col=9',
        "'separator' is assigned a value but never used.",
      ],
      [
        'warning',
        'title=Lint warning (no-console),file=src/strings.js,line=9,col=3',
        'Unexpected console statement.',
      ],
    ]);
    // With a warning budget of 0 the warning fails its own gate.
    const strict = await gate({ lint: REPORTS_ALL.lint, 'max-warnings': '0' }, ws);
    expect(failedGates(strict)).toEqual(['lint-errors', 'lint-warnings']);
  });

  test('lint errors reported as SARIF (ESLint with the @microsoft/eslint-formatter-sarif formatter) fail the same gate', async () => {
    const ws = qualityProject('lint-error');
    const run = await gate(
      {
        run: 'lint: npx eslint -f @microsoft/eslint-formatter-sarif -o reports/eslint.sarif .',
        lint: 'reports/eslint.sarif',
      },
      ws,
    );
    expect(run.exitCode).toBe(1);
    expect(failedGates(run)).toEqual(['lint-errors']);
    expect(run.summary).toMatch(/\| lint \| .* \| 1 \| [\d.]+s \| lint reports \|/);
    expect(run.summary).toContain('| lint | reports/eslint.sarif | sarif |');
    const lint = run.annotations.filter((a) => a.props.includes('title=Lint'));
    expect(lint.map((a) => [a.level, a.props])).toEqual([
      ['error', 'title=Lint error (no-unused-vars),file=src/strings.js,line=8,col=9'],
      ['warning', 'title=Lint warning (no-console),file=src/strings.js,line=9,col=3'],
    ]);
  });

  test('a type error fails the types gate, annotated where tsc reported it', async () => {
    const ws = qualityProject('type-error');
    const run = await gate({ run: RUN_ALL, ...REPORTS_ALL }, ws);
    expect(run.exitCode).toBe(1);
    expect(failedGates(run)).toEqual(['types']);
    const types = run.annotations.filter((a) => a.props.includes('title=Type error'));
    expect(types.map((a) => [a.level, a.props, a.message])).toEqual([
      [
        'error',
        'title=Type error TS2322,file=src/math.js,line=10,col=9',
        "Type 'number' is not assignable to type 'string'.",
      ],
    ]);
    expect(run.summary).toContain('| types | 1 type error | ≤ 0 | ❌ failed |');
  });

  test('the failing variant (every fault) fails every gate in one run; fail-fast stops at the first command', async () => {
    const ws = qualityProject('failing-test', 'low-coverage', 'lint-error', 'type-error');
    const run = await gate({ run: RUN_ALL, ...REPORTS_ALL }, ws);
    expect(run.exitCode).toBe(1);
    expect(failedGates(run)).toEqual(['tests', 'coverage', 'lint-errors', 'types']);

    // Read again without commands, with one annotation per level: the summary states the cap.
    const capped = await gate({ ...REPORTS_ALL, 'max-annotations': '1' }, ws);
    expect(capped.annotations.filter((a) => a.props.includes('file=')).map((a) => a.level)).toEqual(
      ['error', 'warning'],
    );
    expect(capped.summary).toContain(
      'Annotated 1 of 3 errors and 1 of 1 warnings (max-annotations: 1 per level, shared across tests, types and lint; left out: 1 type error, 1 lint problem; the tables above list more).',
    );

    const fast = qualityProject('failing-test', 'lint-error');
    const stopped = await gate(
      { run: RUN_ALL, 'fail-fast': 'true', junit: REPORTS_ALL.junit },
      fast,
    );
    expect(stopped.exitCode).toBe(1);
    expect(failedGates(stopped)).toEqual(['tests', 'command:lint', 'command:typecheck']);
    expect(stopped.log).not.toMatch(/::group::lint/);
    expect(existsSync(join(fast, 'reports/eslint.json'))).toBe(false);
    expect(stopped.summary).toMatch(/\| lint \| .* \| skipped \(fail-fast\) \|/);
  });

  test('reads every coverage format the tools wrote: lcov, istanbul summary and Cobertura agree', async () => {
    const ws = qualityProject('low-coverage');
    const made = await gate(
      { run: 'test: npx jest --coverage', coverage: 'coverage/lcov.info', 'min-coverage': '0' },
      ws,
    );
    expect(made.outputs.coverage).toBe('25.92');
    for (const [file, format] of [
      ['coverage/coverage-summary.json', 'istanbul-summary'],
      ['coverage/cobertura-coverage.xml', 'cobertura'],
      ['coverage/lcov.info', 'lcov'],
    ] as const) {
      const run = await gate(
        {
          coverage: file,
          'coverage-format': format,
          'min-coverage': '25',
          'min-function-coverage': '30',
        },
        ws,
      );
      expect([
        file,
        run.exitCode,
        run.outputs.coverage,
        results(run)['coverage-functions']?.value,
      ]).toEqual([file, 0, '25.92', 33.33]);
    }
  });

  test('coverage delta: a drop of more than max-coverage-drop against the base report fails', async () => {
    const base = qualityProject();
    await gate(
      { run: 'test: npx jest --coverage', coverage: 'coverage/coverage-summary.json' },
      base,
    );
    const ws = qualityProject('low-coverage');
    const baseReport = join(ws, 'base-coverage-summary.json');
    writeFileSync(baseReport, readFileSync(join(base, 'coverage/coverage-summary.json')));
    const run = await gate(
      {
        run: 'test: npx jest --coverage',
        coverage: 'coverage/lcov.info',
        'coverage-base': 'base-coverage-summary.json',
        'min-coverage': '20',
      },
      ws,
    );
    expect(run.exitCode).toBe(1);
    expect(failedGates(run)).toEqual(['coverage-delta']);
    expect(results(run)['coverage-delta']).toEqual({
      value: -74.07,
      threshold: -0.5,
      op: '>=',
      status: 'failed',
    });
    expect(run.summary).toContain(
      '| coverage-delta | -74.07 points (100.00% → 25.92%) | drop ≤ 0.5 points | ❌ failed |',
    );
    // Against itself the delta is 0 and passes; a tolerance as large as the drop passes too.
    const same = await gate(
      {
        coverage: 'coverage/lcov.info',
        'coverage-base': 'coverage/cobertura-coverage.xml',
        'min-coverage': '20',
      },
      ws,
    );
    expect(results(same)['coverage-delta']?.status).toBe('passed');
    const tolerant = await gate(
      {
        coverage: 'coverage/lcov.info',
        'coverage-base': 'base-coverage-summary.json',
        'min-coverage': '20',
        'max-coverage-drop': '75',
      },
      ws,
    );
    expect(tolerant.exitCode).toBe(0);
  });

  test('mode warn reports a failing project without failing the step', async () => {
    const ws = qualityProject('failing-test', 'type-error');
    const run = await gate({ run: RUN_ALL, ...REPORTS_ALL, mode: 'warn' }, ws);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.passed).toBe('false');
    expect(failedGates(run)).toEqual(['tests', 'types']);
    expect(run.log).toContain('::warning::quality gate failed: tests');
    expect(run.summary).toContain(
      '## Quality gate: ⚠️ failed (mode: warn, so the step does not fail)',
    );
  });

  test('a report left by an earlier run does not judge a command that failed without writing one', async () => {
    const ws = qualityProject();
    await gate({ run: 'test: npx jest', junit: REPORTS_ALL.junit }, ws);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(join(ws, REPORTS_ALL.junit), old, old);
    const run = await gate(
      { run: 'test: echo jest crashed >&2; exit 3', junit: REPORTS_ALL.junit },
      ws,
    );
    expect(run.exitCode).toBe(1);
    expect(failedGates(run)).toEqual(['command:test']);
    expect(results(run)['command:test']).toEqual({
      value: 3,
      threshold: 0,
      op: '<=',
      status: 'failed',
    });
    expect(run.annotations.map((a) => a.message)).toContainEqual(
      expect.stringContaining('the tests reports were not written by the "test" command'),
    );
  });
});

describe('quality-gate on recorded audits', () => {
  /** A recorded report copied into the workspace (report paths stay inside it), as a relative path. */
  const recorded = (ws: string, name: string): string => {
    mkdirSync(join(ws, 'recorded'), { recursive: true });
    cpSync(join(RECORDED, name), join(ws, 'recorded', name));
    return `recorded/${name}`;
  };

  test('npm audit --json (npm 8): high and critical advisories fail; allowlisting them passes and shows them', async () => {
    const ws = qualityProject();
    const run = await gate({ audit: recorded(ws, 'npm-audit-v2.json') }, ws);
    expect(run.exitCode).toBe(1);
    expect(failedGates(run)).toEqual(['audit']);
    expect(run.outputs.vulnerabilities).toBe('5');
    expect(run.summary).toContain(
      '| audit | 5 vulnerabilities at high+ (11 found) | none at high or above | ❌ failed |',
    );
    expect(run.summary).toContain('| critical | 1 | 0 | 1 |');
    expect(run.summary).toContain('| high | 4 | 0 | 4 |');
    expect(run.summary).toMatch(
      /\| \[GHSA-jf85-cpcp-j695\]\(https:\/\/github.com\/advisories\/GHSA-jf85-cpcp-j695\) \| critical \| lodash \|.*❌ blocking \|/,
    );

    const allowed = await gate(
      {
        audit: recorded(ws, 'npm-audit-v2.json'),
        'allow-advisories':
          'GHSA-jf85-cpcp-j695, GHSA-35jh-r3h4-6jhm, 1006094\nGHSA-ww39-953v-wcq6\nghsa-cf4h-3jhx-xvhq',
      },
      ws,
    );
    expect(allowed.exitCode).toBe(0);
    expect(allowed.outputs.vulnerabilities).toBe('0');
    expect(allowed.summary).toContain(
      '| audit | 0 vulnerabilities at high+ (11 found, 5 allowlisted) | none at high or above | ✅ passed |',
    );
    expect(allowed.summary).toMatch(/GHSA-jf85-cpcp-j695.*allowlisted \(GHSA-jf85-cpcp-j695\)/);
    expect(allowed.summary).toMatch(/GHSA-p6mc-m468-83gw.*allowlisted \(1006094\)/);
    // A stricter severity makes the moderate ones block.
    const moderate = await gate(
      { audit: recorded(ws, 'npm-audit-v2.json'), 'fail-on-severity': 'medium' },
      ws,
    );
    expect(moderate.outputs.vulnerabilities).toBe('9');
  });

  test('Trivy SARIF: a critical CVE fails; allowlisted, it passes and is still listed', async () => {
    const ws = qualityProject();
    const run = await gate({ audit: recorded(ws, 'trivy.sarif') }, ws);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.vulnerabilities).toBe('1');
    expect(run.summary).toMatch(/CVE-2021-36159.* \| critical \| apk-tools \|.*❌ blocking/);
    const allowed = await gate(
      { audit: recorded(ws, 'trivy.sarif'), 'allow-advisories': 'CVE-2021-36159' },
      ws,
    );
    expect(allowed.exitCode).toBe(0);
    expect(allowed.summary).toMatch(/CVE-2021-36159.*allowlisted \(CVE-2021-36159\)/);
  });

  test('an npm audit that failed (no advisory endpoint) is rejected, not read as clean', async () => {
    const ws = qualityProject();
    const run = await gate({ audit: recorded(ws, 'npm-audit-offline-error.json') }, ws);
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(
      /::error title=Report not judged \(audit\)(,file=[^:]*)?::input "audit": .*npm-audit-offline-error.json: records a failed audit, not a result: 405 Method Not Allowed/,
    );
    expect(run.outputs.passed).toBe('false');
    expect(failedGates(run)).toEqual(['audit']);
  });
});

describe('quality-gate rejects bad input before any command runs', () => {
  const marker = 'marker: touch ran.txt';
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'run is not a mapping',
      { run: '- npm test' },
      /input "run": .* is not a mapping of name: command/,
    ],
    [
      'a command name with spaces',
      { run: 'unit tests!: npm test' },
      /input "run\.unit tests!": .* is not a usable command name/,
    ],
    ['an empty command', { run: 'lint: ""' }, /input "run\.lint": "" is not a command/],
    [
      'an unknown coverage format',
      { coverage: 'coverage/*.xml', 'coverage-format': 'clover' },
      /input "coverage-format": "clover" is not a valid value/,
    ],
    [
      'an unknown severity',
      { audit: 'audit.json', 'fail-on-severity': 'severe' },
      /input "fail-on-severity": "severe" is not a valid value/,
    ],
    [
      'coverage above 100%',
      { coverage: 'lcov.info', 'min-coverage': '120' },
      /input "min-coverage": "120" is above 100%/,
    ],
    [
      'a negative warning budget',
      { lint: 'eslint.json', 'max-warnings': '-5' },
      /input "max-warnings": "-5"/,
    ],
    [
      'branch coverage without a coverage report',
      { 'min-branch-coverage': '70' },
      /input "min-branch-coverage": "70" is set but coverage is empty/,
    ],
    [
      'a base without a current report',
      { 'coverage-base': 'base.json' },
      /input "coverage-base": .* is set but coverage is empty/,
    ],
    [
      'a missing working directory',
      { 'working-directory': 'no/such/dir' },
      /input "working-directory": "no\/such\/dir" is not a directory/,
    ],
    ['an unknown mode', { mode: 'strict' }, /input "mode": "strict" is not a valid value/],
    [
      'nothing to run and no report',
      { run: '' },
      /input "run": "" is empty and no report input is set: there is nothing to judge/,
    ],
    [
      'an unknown if-missing',
      { 'if-missing': 'maybe', junit: 'x.xml' },
      /input "if-missing": "maybe" is not a valid value/,
    ],
    [
      'an allowlist id with a space',
      { audit: 'a.json', 'allow-advisories': 'GHSA 1234' },
      /input "allow-advisories": "GHSA 1234" is not an advisory id/,
    ],
  ];
  test.each(cases)('%s', async (_name, inputs, error) => {
    const ws = qualityProject();
    const run = await gate({ run: marker, ...inputs }, ws);
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(new RegExp(`::error::quality-gate: ${error.source}`));
    expect(existsSync(join(ws, 'ran.txt'))).toBe(false);
    expect(run.outputs).toEqual({});
  });
});

describe('quality-gate fails a missing or malformed report in its own gate, naming the input, file and line', () => {
  const cases: [string, Record<string, string>, Record<string, string>, RegExp][] = [
    [
      'a glob that matches nothing',
      { junit: 'reports/*.xml' },
      {},
      /input "junit": "reports\/\*\.xml" matched no file in "\." \(globs start at working-directory\)\. .*set if-missing: warn/,
    ],
    [
      'XML that is not well-formed',
      { junit: 'junit.xml' },
      {
        'junit.xml':
          '<testsuites>\n  <testsuite name="a">\n    <testcase name="x">\n  </testsuite>\n</testsuites>\n',
      },
      /input "junit": junit\.xml:4: is not well-formed XML \(Expected closing tag 'testcase'/,
    ],
    [
      'XML that is not JUnit',
      { junit: 'junit.xml' },
      { 'junit.xml': '<coverage line-rate="1"/>' },
      /input "junit": junit\.xml: is not JUnit XML: the root element is <coverage>/,
    ],
    [
      'a truncated lcov file',
      { coverage: 'lcov.info' },
      { 'lcov.info': 'TN:\nSF:src/a.js\nDA:1,1\nDA:2,0\n' },
      /input "coverage": lcov\.info:4: the record of src\/a\.js has no end_of_record/,
    ],
    [
      'a junk line in lcov',
      { coverage: 'lcov.info', 'coverage-format': 'lcov' },
      { 'lcov.info': 'SF:src/a.js\nDA:1,1\nthis is not lcov\nend_of_record\n' },
      /input "coverage": lcov\.info:3: "this is not lcov" is not an lcov line/,
    ],
    [
      'a coverage file in no known format',
      { coverage: 'cov.txt' },
      { 'cov.txt': 'coverage: 91%\n' },
      /input "coverage": cov\.txt: is in no coverage format known here \(lcov, istanbul-summary, cobertura\); set coverage-format/,
    ],
    [
      'ESLint JSON cut short',
      { lint: 'eslint.json' },
      { 'eslint.json': '[\n  {"filePath": "/w/a.js",\n   "messages": [\n' },
      /input "lint": eslint\.json:3: is not valid JSON/,
    ],
    [
      'ESLint JSON of another shape',
      { lint: 'eslint.json', 'lint-format': 'eslint' },
      { 'eslint.json': '{"results": []}' },
      /input "lint": eslint\.json: is not ESLint JSON/,
    ],
    [
      'text that is not tsc output',
      { types: 'tsc.txt' },
      { 'tsc.txt': '\nsrc/a.ts line 3: wrong\n' },
      /input "types": tsc\.txt:2: is not tsc output \(line 2 is no tsc diagnostic\)/,
    ],
    [
      'a SARIF file that is not SARIF',
      { audit: 'trivy.sarif', 'audit-format': 'sarif' },
      { 'trivy.sarif': '{"vulnerabilities": []}' },
      /input "audit": trivy\.sarif: is not SARIF/,
    ],
    [
      'an empty report',
      { audit: 'audit.json' },
      { 'audit.json': '' },
      /input "audit": audit\.json: is empty/,
    ],
  ];
  test.each(cases)('%s', async (_name, inputs, files, error) => {
    const ws = qualityProject();
    for (const [name, text] of Object.entries(files)) writeFileSync(join(ws, name), text);
    const run = await gate(inputs, ws);
    expect(run.exitCode).toBe(1);
    // An annotation of its own; the step's verdict names the gate it failed, and passed is written.
    expect(run.log).toMatch(new RegExp(`::error title=Report not judged [^:]*::${error.source}`));
    expect(run.outputs.passed).toBe('false');
    expect(run.log).toMatch(/::error::quality-gate: quality gate failed: [\w-]+ \(not judged: /);
  });

  test('a missing coverage report (vitest writes none when a test fails) fails coverage only: the test failures are still judged, annotated and output', async () => {
    const ws = qualityProject('failing-test', 'lint-error');
    const run = await gate(
      {
        run: RUN_ALL.replace('npx jest --coverage', 'npx jest'),
        ...REPORTS_ALL,
        coverage: 'coverage-missing/lcov.info',
      },
      ws,
    );
    expect(run.exitCode).toBe(1);
    expect(failedGates(run)).toEqual(['coverage', 'tests', 'lint-errors']);
    expect(run.outputs['tests-failed']).toBe('1');
    expect(run.outputs.passed).toBe('false');
    const titles = errors(run).map((a) => a.props.split(',')[0]);
    expect(titles).toContain('title=Report not judged (coverage)');
    expect(titles).toContain('title=Test failed%3A math adds');
    expect(titles.some((t) => t?.startsWith('title=Lint error'))).toBe(true);
    expect(run.summary).toMatch(
      /\| coverage \| not judged: "coverage-missing\/lcov\.info" matched no file/,
    );
  });

  test('a test file that fails to import fails the tests gate, with the README’s jest-junit setup, whether the gate ran jest or an earlier step did', async () => {
    const ws = qualityProject('suite-error');
    const ran = await gate({ run: 'test: npx jest', junit: 'reports/junit.xml' }, ws);
    expect(ran.exitCode).toBe(1);
    expect(failedGates(ran)).toEqual(['tests']);
    expect(errors(ran).map((a) => a.props)).toContainEqual(
      expect.stringMatching(/^title=Test failed%3A .*,file=test\/broken\.test\.js/) as unknown,
    );
    // Reading the report an earlier step wrote (the gate never saw jest's exit code).
    const read = await gate({ junit: 'reports/junit.xml' }, ws);
    expect(read.exitCode).toBe(1);
    expect(failedGates(read)).toEqual(['tests']);
    expect(read.outputs['tests-failed']).toBe('1');
  });

  test('if-missing: warn annotates the missing input and judges the rest', async () => {
    const ws = qualityProject();
    writeFileSync(join(ws, 'tsc.txt'), '');
    const run = await gate({ junit: 'reports/*.xml', types: 'tsc.txt', 'if-missing': 'warn' }, ws);
    expect(run.exitCode).toBe(0);
    expect(Object.keys(results(run))).toEqual(['types']);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(
          /input "junit": "reports\/\*\.xml" matched no file.*that gate is not checked/,
        ) as unknown,
      }),
    );
  });

  test('nothing to check fails the step', async () => {
    const ws = qualityProject();
    const run = await gate({ junit: 'reports/*.xml', 'if-missing': 'ignore' }, ws);
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('::error::quality-gate: quality gate nothing was checked');
  });
});

describe('quality-gate command timeout', () => {
  test('a command past command-timeout is killed with its children, and fails its gate', async () => {
    const ws = qualityProject();
    const started = Date.now();
    const run = await gate(
      { run: 'slow: sleep 47; echo finished\nquick: echo ok', 'command-timeout': '2s' },
      ws,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.exitCode).toBe(1);
    expect(failedGates(run)).toEqual(['command:slow']);
    expect(results(run)['command:slow']).toEqual({
      value: -1,
      threshold: 0,
      op: '<=',
      status: 'failed',
    });
    expect(run.summary).toMatch(/\| slow \| sleep 47; echo finished \| .*timed out after 2000ms/);
    expect(run.log).not.toMatch(/^finished$/m);
    // The shell's child (sleep) went with it.
    const left = spawnSync('pgrep', ['-f', 'sleep 47'], { encoding: 'utf8' });
    expect(left.stdout.trim()).toBe('');
  });
});
