import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExecError } from '@switchyard/kit';
import { DEFAULT_THRESHOLDS, type GatePlan, ownFrames, qualityGate } from '@switchyard/quality';
import {
  FakeClock,
  FakeExec,
  RecordingLogger,
  type ExecCall,
} from '../../../test/support/fakes.js';

const RECORDED = fileURLToPath(new URL('../../../test/fixtures/quality-reports/', import.meta.url));

/** A logger with folded groups, as the runner's. */
class GroupLogger extends RecordingLogger {
  readonly groups: string[] = [];
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.groups.push(title);
    this.info(`[group] ${title}`);
    const r = await fn();
    this.info('[endgroup]');
    return r;
  }
}

const T0 = Date.UTC(2026, 10, 22, 5, 0, 0);

let ws: string;
beforeEach(() => {
  ws = mkdtempSync(join(tmpdir(), 'switchyard-quality-gate-'));
});
afterEach(() => rmSync(ws, { recursive: true, force: true }));

/** Writes a report under the workspace with its modification time at `mtimeMs`. */
function report(rel: string, text: string, mtimeMs: number): void {
  const path = join(ws, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  utimesSync(path, mtimeMs / 1000, mtimeMs / 1000);
}

const plan = (over: Partial<GatePlan> = {}): GatePlan => ({
  commands: [],
  failFast: false,
  cwd: ws,
  workspace: ws,
  reports: {},
  ifMissing: 'error',
  thresholds: DEFAULT_THRESHOLDS,
  mode: 'enforce',
  maxAnnotations: 10,
  ...over,
});

/** Fakes whose exec takes 1.5 s of virtual time per command and answers by the script. */
function fakes(answer: (call: ExecCall, clock: FakeClock) => { exitCode?: number } = () => ({})) {
  const clock = new FakeClock(T0);
  const log = new GroupLogger();
  const exec = new FakeExec((call) => {
    clock.advance(1500);
    return answer(call, clock);
  });
  return { clock, log, exec };
}

const script = (call: ExecCall): string => call.args.at(-1) ?? '';

const PASSING_JUNIT = `<testsuites><testsuite name="math">
<testcase classname="math adds" name="math adds" time="0.01"/>
<testcase classname="math subtracts" name="math subtracts" time="0.01"/>
</testsuite></testsuites>`;

/** jest-junit's report of a failing test, its stack in the workspace `root`. */
const failingJunit = (root: string): string => `<testsuites><testsuite name="math">
<testcase classname="math adds" name="math adds" time="0.01"/>
<testcase classname="math subtracts" name="math subtracts" time="0.01"><failure>Error: expect(received).toBe(expected)

Expected: 3
Received: 2
    at Object.toBe (${root}/test/math.test.js:6:23)
    at Promise.then.completed (${root}/node_modules/jest-circus/build/utils.js:298:28)</failure></testcase>
</testsuite></testsuites>`;

describe('qualityGate: commands', () => {
  test('commands run in order, each in a group; all run by default even after a failure', async () => {
    const d = fakes((call) => ({ exitCode: script(call) === 'npm run lint' ? 1 : 0 }));
    const r = await qualityGate(
      plan({
        commands: [
          { name: 'lint', run: 'npm run lint' },
          { name: 'build', run: 'npm run build' },
          { name: 'docs', run: ['node', 'scripts/docs.mjs', '--check'] },
        ],
      }),
      d,
    );
    expect(d.log.groups).toEqual([
      'lint: npm run lint',
      'build: npm run build',
      'docs: node scripts/docs.mjs --check',
    ]);
    expect(r.commands.map((c) => [c.name, c.exitCode, c.durationMs, c.startedAt])).toEqual([
      ['lint', 1, 1500, T0],
      ['build', 0, 1500, T0 + 1500],
      ['docs', 0, 1500, T0 + 3000],
    ]);
    expect(r.gates.map((g) => [g.name, g.status, g.measured])).toEqual([
      ['command:lint', 'failed', 'exit 1'],
      ['command:build', 'passed', 'exit 0'],
      ['command:docs', 'passed', 'exit 0'],
    ]);
    expect(r.failed.map((g) => g.name)).toEqual(['command:lint']);
    expect(r.passed).toBe(false);
    expect(d.log.text()).toContain('info: lint: exit 1 after 1.5s');
  });

  test('a string goes to bash like a run: step; a list runs without a shell; cwd, timeout, allowFailure', async () => {
    const d = fakes();
    const cwd = join(ws, 'app');
    mkdirSync(cwd);
    await qualityGate(
      plan({
        cwd,
        commandTimeoutMs: 60_000,
        commands: [
          { name: 'test', run: 'npx jest --ci | tee out.txt' },
          { name: 'types', run: ['npx', 'tsc', '--noEmit', '--pretty', 'false'] },
        ],
      }),
      d,
    );
    expect(d.exec.calls.map((c) => [c.command, c.args])).toEqual([
      ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', 'npx jest --ci | tee out.txt']],
      ['npx', ['tsc', '--noEmit', '--pretty', 'false']],
    ]);
    for (const c of d.exec.calls)
      expect(c.options).toMatchObject({ cwd, allowFailure: true, timeoutMs: 60_000 });
  });

  test('no command timeout: none is passed to exec', async () => {
    const d = fakes();
    await qualityGate(plan({ commands: [{ name: 'a', run: 'true' }] }), d);
    expect(d.exec.calls[0]!.options.timeoutMs).toBeUndefined();
  });

  test('command output lines go to the log as they come', async () => {
    const d = fakes();
    const exec = {
      run: async (_c: string, _a: readonly string[], o: { onLine?: (l: string) => void } = {}) => {
        o.onLine?.('PASS test/math.test.js');
        o.onLine?.('Tests: 2 passed');
        return { exitCode: 0, stdout: '', stderr: '' };
      },
    };
    await qualityGate(plan({ commands: [{ name: 'a', run: 'x' }] }), { ...d, exec });
    const info = d.log.lines.filter((l) => l.level === 'info').map((l) => l.message);
    expect(info).toEqual([
      '[group] a: x',
      'PASS test/math.test.js',
      'Tests: 2 passed',
      'a: exit 0 after 0.0s',
      '[endgroup]',
    ]);
  });

  test('fail-fast: after the first failure the rest are not run, and fail as such', async () => {
    const d = fakes((call) => ({ exitCode: script(call) === 'b' ? 2 : 0 }));
    const r = await qualityGate(
      plan({
        failFast: true,
        commands: [
          { name: 'a', run: 'a' },
          { name: 'b', run: 'b' },
          { name: 'c', run: 'c' },
          { name: 'd', run: ['d', '--x'] },
        ],
      }),
      d,
    );
    expect(d.exec.calls.map(script)).toEqual(['a', 'b']);
    expect(d.log.groups).toEqual(['a: a', 'b: b']);
    expect(r.commands.map((c) => [c.name, c.exitCode, c.display])).toEqual([
      ['a', 0, 'a'],
      ['b', 2, 'b'],
      ['c', undefined, 'c'],
      ['d', undefined, 'd --x'],
    ]);
    expect(r.gates.map((g) => [g.name, g.status, g.measured])).toEqual([
      ['command:a', 'passed', 'exit 0'],
      ['command:b', 'failed', 'exit 2'],
      ['command:c', 'failed', 'not run (fail-fast)'],
      ['command:d', 'failed', 'not run (fail-fast)'],
    ]);
    expect(r.passed).toBe(false);
  });

  test('fail-fast with every command passing runs them all', async () => {
    const d = fakes();
    const r = await qualityGate(
      plan({
        failFast: true,
        commands: [
          { name: 'a', run: 'a' },
          { name: 'b', run: 'b' },
        ],
      }),
      d,
    );
    expect(d.exec.calls).toHaveLength(2);
    expect(r.passed).toBe(true);
  });

  test('a command that cannot start or times out: exit -1 with the reason', async () => {
    const d = fakes((call) => {
      if (call.command === 'missing-tool') throw new Error('spawn missing-tool ENOENT');
      throw new ExecError('sleep 999 timed out after 60s', {
        exitCode: -1,
        stdout: '',
        stderr: '',
      });
    });
    const r = await qualityGate(
      plan({
        commands: [
          { name: 'tool', run: ['missing-tool'] },
          { name: 'slow', run: 'sleep 999' },
        ],
      }),
      d,
    );
    expect(r.commands.map((c) => [c.exitCode, c.note])).toEqual([
      [-1, 'Error: spawn missing-tool ENOENT'],
      [-1, 'sleep 999 timed out after 60s'],
    ]);
    expect(r.gates.map((g) => [g.name, g.status, g.value, g.measured])).toEqual([
      ['command:tool', 'failed', -1, 'Error: spawn missing-tool ENOENT'],
      ['command:slow', 'failed', -1, 'sleep 999 timed out after 60s'],
    ]);
  });

  test('a failing command with no reports fails its own gate', async () => {
    const d = fakes(() => ({ exitCode: 1 }));
    const r = await qualityGate(plan({ commands: [{ name: 'test', run: 'npx jest' }] }), d);
    expect(r.gates).toEqual([
      {
        name: 'command:test',
        kind: 'command',
        value: 1,
        threshold: 0,
        op: '<=',
        status: 'failed',
        measured: 'exit 1',
        limit: 'exit 0',
      },
    ]);
    expect(r.commands[0]!.judgedBy).toBeUndefined();
  });
});

describe('qualityGate: commands judged by their reports', () => {
  const junit = { tests: { input: 'junit', patterns: ['reports/junit.xml'], format: 'auto' } };

  test('a test command that exits 0 with a fresh JUnit report is judged by it', async () => {
    const d = fakes((_call, clock) => {
      report('reports/junit.xml', PASSING_JUNIT, clock.now());
      return { exitCode: 0 };
    });
    const r = await qualityGate(
      plan({ commands: [{ name: 'test', run: 'npx jest' }], reports: junit }),
      d,
    );
    expect(r.commands[0]).toMatchObject({ name: 'test', exitCode: 0, judgedBy: 'tests' });
    expect(r.gates.map((g) => [g.name, g.status])).toEqual([['tests', 'passed']]);
    expect(r.passed).toBe(true);
    expect(r.warnings).toEqual([]);
  });

  test('a failed exit that the fresh report does not account for fails the command gate', async () => {
    // jest exits 1 (a crash after writing, or a coverage threshold of its own), yet all passed.
    const d = fakes((_call, clock) => {
      report('reports/junit.xml', PASSING_JUNIT, clock.now());
      return { exitCode: 1 };
    });
    const r = await qualityGate(
      plan({ commands: [{ name: 'test', run: 'npx jest' }], reports: junit }),
      d,
    );
    expect(r.commands[0]!.judgedBy).toBeUndefined();
    expect(r.gates.map((g) => [g.name, g.status, g.measured])).toEqual([
      ['tests', 'passed', '0 failed of 2 run'],
      ['command:test', 'failed', 'exit 1, but its tests reports show nothing wrong'],
    ]);
    expect(r.passed).toBe(false);
  });

  test('a fresh coverage report does not excuse a failed test command', async () => {
    const d = fakes((_call, clock) => {
      report('coverage/lcov.info', 'SF:src/a.js\nDA:1,1\nend_of_record\n', clock.now());
      return { exitCode: 1 };
    });
    const r = await qualityGate(
      plan({
        commands: [{ name: 'test', run: 'npx jest --coverage' }],
        reports: {
          coverage: { input: 'coverage', patterns: ['coverage/lcov.info'], format: 'auto' },
        },
      }),
      d,
    );
    expect(r.gates.map((g) => [g.name, g.status])).toEqual([
      ['coverage', 'passed'],
      ['command:test', 'failed'],
    ]);
    expect(r.passed).toBe(false);
  });

  test('a failing test in the fresh report fails the tests gate (and there is no command gate)', async () => {
    const d = fakes((_call, clock) => {
      report('reports/junit.xml', failingJunit(ws), clock.now());
      return { exitCode: 1 };
    });
    const r = await qualityGate(
      plan({ commands: [{ name: 'tests', run: 'npx jest' }], reports: junit }),
      d,
    );
    expect(r.commands[0]!.judgedBy).toBe('tests');
    expect(r.gates.map((g) => [g.name, g.status, g.measured])).toEqual([
      ['tests', 'failed', '1 failed of 2 run'],
    ]);
    expect(r.annotations).toHaveLength(1);
    expect(r.annotations[0]).toMatchObject({
      level: 'error',
      title: 'Test failed: math subtracts',
      file: 'test/math.test.js',
      line: 6,
      column: 23,
    });
    expect(r.annotations[0]!.message).toMatch(/^Error: expect\(received\)\.toBe\(expected\)\n/);
  });

  test('a report written just before the start (within the 1 s slack) is still fresh', async () => {
    report('reports/junit.xml', PASSING_JUNIT, T0 - 900);
    const d = fakes(() => ({ exitCode: 0 }));
    const r = await qualityGate(
      plan({ commands: [{ name: 'test', run: 'npx jest' }], reports: junit }),
      d,
    );
    expect(r.commands[0]!.judgedBy).toBe('tests');
    expect(r.warnings).toEqual([]);
  });

  test('a stale report (older than the command) gives a warning and the exit code decides', async () => {
    report('reports/junit.xml', PASSING_JUNIT, T0 - 3_600_000);
    const d = fakes(() => ({ exitCode: 1 }));
    const r = await qualityGate(
      plan({ commands: [{ name: 'test', run: 'npx jest' }], reports: junit }),
      d,
    );
    expect(r.commands[0]!.judgedBy).toBeUndefined();
    expect(r.gates.map((g) => [g.name, g.status])).toEqual([
      ['tests', 'passed'],
      ['command:test', 'failed'],
    ]);
    expect(r.passed).toBe(false);
    expect(r.warnings).toEqual([
      'the tests reports were not written by the "test" command (they are older than its start): they may be left from an earlier run, so its exit code decides',
    ]);
    expect(d.log.lines).toContainEqual({ level: 'warning', message: r.warnings[0] });
  });

  test('a stale report with a passing command: the command gate passes, the warning stays', async () => {
    report('reports/junit.xml', PASSING_JUNIT, T0 - 60_000);
    const d = fakes(() => ({ exitCode: 0 }));
    const r = await qualityGate(
      plan({ commands: [{ name: 'test', run: 'npx jest' }], reports: junit }),
      d,
    );
    expect(r.gates.map((g) => [g.name, g.status])).toEqual([
      ['tests', 'passed'],
      ['command:test', 'passed'],
    ]);
    expect(r.warnings).toHaveLength(1);
  });

  test('a command that did not finish is not judged by its reports', async () => {
    const d = fakes((_call, clock) => {
      report('reports/junit.xml', PASSING_JUNIT, clock.now());
      throw new ExecError('npx jest timed out after 10s', { exitCode: -1, stdout: '', stderr: '' });
    });
    const r = await qualityGate(
      plan({ commands: [{ name: 'test', run: 'npx jest' }], reports: junit }),
      d,
    );
    expect(r.commands[0]!.judgedBy).toBeUndefined();
    expect(r.failed.map((g) => g.name)).toEqual(['command:test']);
  });

  test('lint and typecheck commands are judged by their own reports only', async () => {
    const eslint = JSON.stringify([
      {
        filePath: join(ws, 'src/a.js'),
        messages: [{ ruleId: 'no-console', severity: 1, message: 'Unexpected console', line: 2 }],
      },
    ]);
    const d = fakes((call, clock) => {
      if (script(call).startsWith('eslint')) report('reports/eslint.json', eslint, clock.now());
      return { exitCode: 1 };
    });
    const r = await qualityGate(
      plan({
        commands: [
          { name: 'lint', run: 'eslint -f json -o reports/eslint.json .' },
          { name: 'typecheck', run: 'tsc --noEmit' },
        ],
        reports: { lint: { input: 'lint', patterns: ['reports/eslint.json'], format: 'auto' } },
      }),
      d,
    );
    expect(r.commands.map((c) => [c.name, c.judgedBy])).toEqual([
      ['lint', 'lint'],
      ['typecheck', undefined],
    ]);
    expect(r.gates.map((g) => [g.name, g.status])).toEqual([
      ['lint-errors', 'passed'],
      ['lint-warnings', 'passed'],
      ['command:typecheck', 'failed'],
    ]);
  });
});

describe('qualityGate: reports', () => {
  test('every kind read from the recorded reports and judged', async () => {
    const old = T0 - 10_000;
    report('reports/pytest.xml', readFileSync(`${RECORDED}pytest-junit.xml`, 'utf8'), old);
    report('coverage.xml', readFileSync(`${RECORDED}cobertura-coveragepy-4.0.3.xml`, 'utf8'), old);
    report('eslint.sarif', readFileSync(`${RECORDED}eslint.sarif`, 'utf8'), old);
    report('tsc.txt', "src/a.ts(1,7): error TS2322: Type 'string' is not assignable.\n", old);
    report('audit.json', readFileSync(`${RECORDED}npm-audit-v2.json`, 'utf8'), old);
    const d = fakes();
    const r = await qualityGate(
      plan({
        reports: {
          tests: { input: 'junit', patterns: ['reports/*.xml'], format: 'auto' },
          coverage: { input: 'coverage', patterns: ['coverage.xml'], format: 'auto' },
          lint: { input: 'lint', patterns: ['*.sarif'], format: 'auto' },
          types: { input: 'types', patterns: ['tsc.txt'], format: 'auto' },
          audit: { input: 'audit', patterns: ['audit.json'], format: 'auto' },
        },
      }),
      d,
    );
    expect(r.gates.map((g) => [g.name, g.value, g.status])).toEqual([
      ['tests', 8, 'failed'],
      ['coverage', 90, 'passed'],
      ['lint-errors', 1, 'failed'],
      ['lint-warnings', 0, 'passed'],
      ['types', 1, 'failed'],
      ['audit', 5, 'failed'],
    ]);
    expect(r.evidence.files.map((f) => [f.kind, f.input, f.file, f.format, f.mtimeMs])).toEqual([
      ['tests', 'junit', 'reports/pytest.xml', 'junit', old],
      ['coverage', 'coverage', 'coverage.xml', 'cobertura', old],
      ['lint', 'lint', 'eslint.sarif', 'sarif', old],
      ['types', 'types', 'tsc.txt', 'tsc', old],
      ['audit', 'audit', 'audit.json', 'npm', old],
    ]);
    expect(r.passed).toBe(false);
    expect(d.exec.calls).toEqual([]);
  });

  test('a report input that matches nothing fails its own gate, naming the input (if-missing: error); the others are still judged', async () => {
    report('tsc.txt', "src/a.ts(1,7): error TS2322: Type 'string' is not assignable.\n", T0);
    const r = await qualityGate(
      plan({
        reports: {
          tests: { input: 'junit', patterns: ['reports/*.xml'], format: 'auto' },
          types: { input: 'types', patterns: ['tsc.txt'], format: 'auto' },
        },
      }),
      fakes(),
    );
    expect(r.passed).toBe(false);
    expect(r.gates.map((g) => [g.name, g.status])).toEqual([
      ['tests', 'failed'],
      ['types', 'failed'],
    ]);
    expect(r.gates[0]?.measured).toMatch(
      /^not judged: "reports\/\*\.xml" matched no file\b.*if-missing: warn$/,
    );
    expect(r.evidence.types).toHaveLength(1);
    expect(r.annotations.map((a) => a.title)).toEqual([
      'Report not judged (junit)',
      'Type error TS2322',
    ]);
    expect(r.annotations[0]?.message).toMatch(/^input "junit": "reports\/\*\.xml" matched no file/);
  });

  test('if-missing: warn leaves the gate unchecked with a warning; ignore says nothing', async () => {
    const reports = {
      tests: { input: 'junit', patterns: ['reports/*.xml'], format: 'auto' },
      types: { input: 'types', patterns: ['tsc.txt'], format: 'auto' },
    };
    report('tsc.txt', '', T0);
    const warned = await qualityGate(plan({ reports, ifMissing: 'warn' }), fakes());
    expect(warned.gates.map((g) => g.name)).toEqual(['types']);
    expect(warned.evidence.missing).toEqual([{ input: 'junit', patterns: ['reports/*.xml'] }]);
    expect(warned.warnings).toHaveLength(1);
    expect(warned.warnings[0]).toMatch(
      /^input "junit": "reports\/\*\.xml" matched no file\b.*; that gate is not checked$/,
    );
    expect(warned.passed).toBe(true);
    const ignored = await qualityGate(plan({ reports, ifMissing: 'ignore' }), fakes());
    expect(ignored.warnings).toEqual([]);
    expect(ignored.evidence.missing).toHaveLength(1);
  });

  test('nothing checked (no command, no report read): not passed, with a warning', async () => {
    const d = fakes();
    const r = await qualityGate(
      plan({
        ifMissing: 'ignore',
        reports: { tests: { input: 'junit', patterns: ['none.xml'], format: 'auto' } },
      }),
      d,
    );
    expect(r.gates).toEqual([]);
    expect(r.passed).toBe(false);
    expect(r.warnings).toEqual([
      'nothing was checked: no report was read and no command ran. Give run and/or report inputs (junit, coverage, lint, types, audit)',
    ]);
  });

  test('mode warn is carried to the report; the verdict is unchanged', async () => {
    const r = await qualityGate(
      plan({ mode: 'warn', commands: [{ name: 'x', run: 'x' }] }),
      fakes(() => ({ exitCode: 1 })),
    );
    expect(r).toMatchObject({ mode: 'warn', passed: false });
  });
});

describe('qualityGate: annotations', () => {
  const lintReport = (errors: number, warnings: number): string =>
    JSON.stringify([
      {
        filePath: join(ws, 'src/a.js'),
        messages: [
          ...Array.from({ length: errors }, (_, i) => ({
            ruleId: 'no-undef',
            severity: 2,
            message: `'x${i}' is not defined.`,
            line: i + 1,
            column: 3,
          })),
          ...Array.from({ length: warnings }, (_, i) => ({
            ruleId: null,
            severity: 1,
            message: `warning ${i}`,
            line: 100 + i,
          })),
        ],
      },
      {
        filePath: '/elsewhere/b.js',
        messages: [{ ruleId: 'semi', severity: 2, message: 'Missing semicolon.', line: 1 }],
      },
    ]);

  test('capped per level, with the counts of what could have been annotated', async () => {
    report('eslint.json', lintReport(14, 12), T0);
    const r = await qualityGate(
      plan({
        maxAnnotations: 10,
        reports: { lint: { input: 'lint', patterns: ['eslint.json'], format: 'auto' } },
      }),
      fakes(),
    );
    expect(r.annotatable).toEqual({ error: 15, warning: 12 });
    expect(r.maxAnnotations).toBe(10);
    const errors = r.annotations.filter((a) => a.level === 'error');
    const warnings = r.annotations.filter((a) => a.level === 'warning');
    expect(errors).toHaveLength(10);
    expect(warnings).toHaveLength(10);
    expect(errors[0]).toEqual({
      level: 'error',
      title: 'Lint error (no-undef)',
      message: "'x0' is not defined.",
      file: 'src/a.js',
      line: 1,
      column: 3,
    });
    expect(warnings[0]).toEqual({
      level: 'warning',
      title: 'Lint warning',
      message: 'warning 0',
      file: 'src/a.js',
      line: 100,
    });
  });

  test('the cap is shared across kinds: many test failures leave room for type and lint errors; identical failures are one annotation', async () => {
    const failures = Array.from(
      { length: 26 },
      (_, i) =>
        `<testcase classname="suite" name="t${i}" file="src/t${i % 2}.test.ts"><failure message="boom ${i % 2 === 0 ? 'same' : i}">Error: boom ${i % 2 === 0 ? 'same' : i}</failure></testcase>`,
    ).join('');
    report(
      'junit.xml',
      `<testsuites><testsuite name="suite">${failures}</testsuite></testsuites>`,
      T0,
    );
    report('eslint.json', lintReport(3, 0), T0);
    report(
      'tsc.txt',
      Array.from({ length: 3 }, (_, i) => `src/a.ts(${i + 1},1): error TS2322: bad ${i}.`).join(
        '\n',
      ),
      T0,
    );
    const r = await qualityGate(
      plan({
        maxAnnotations: 10,
        reports: {
          tests: { input: 'junit', patterns: ['junit.xml'], format: 'auto' },
          types: { input: 'types', patterns: ['tsc.txt'], format: 'auto' },
          lint: { input: 'lint', patterns: ['eslint.json'], format: 'auto' },
        },
      }),
      fakes(),
    );
    const titles = r.annotations.map((a) => a.title);
    // 13 identical failures are one annotation; 13 distinct ones follow.
    expect(titles[0]).toBe('13 tests failed the same way: suite › t0, …');
    expect(r.annotations[0]?.message).toMatch(/Also: suite › t2; suite › t4; .*; and 7 more$/);
    expect(titles.filter((t) => t.startsWith('Type error'))).toHaveLength(3);
    expect(titles.filter((t) => t.startsWith('Lint error'))).toHaveLength(3);
    expect(titles.filter((t) => /^(Test failed|\d+ tests failed)/.test(t))).toHaveLength(4);
    expect(r.annotatable).toEqual({ error: 14 + 3 + 4, warning: 0 });
    expect(r.omitted).toEqual({ tests: 10, lint: 1 });
  });

  test('a file outside the workspace is not annotated with a path; max 0 annotates nothing', async () => {
    report('eslint.json', lintReport(0, 0), T0);
    const reports = { lint: { input: 'lint', patterns: ['eslint.json'], format: 'auto' } };
    const r = await qualityGate(plan({ reports }), fakes());
    expect(r.annotations).toEqual([
      { level: 'error', title: 'Lint error (semi)', message: 'Missing semicolon.', line: 1 },
    ]);
    const none = await qualityGate(plan({ reports, maxAnnotations: 0 }), fakes());
    expect(none.annotations).toEqual([]);
    expect(none.annotatable).toEqual({ error: 1, warning: 0 });
  });

  test('tests first, then type errors, then lint; a test message is cut at 20 lines', async () => {
    const longStack = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
    report(
      'junit.xml',
      `<testsuites><testsuite name="s"><testcase classname="api" name="returns 200"><failure>${longStack}</failure></testcase></testsuite></testsuites>`,
      T0,
    );
    report('tsc.txt', "src/x.ts(2,3): error TS2304: Cannot find name 'y'.\n", T0);
    report('eslint.json', lintReport(1, 0), T0);
    const r = await qualityGate(
      plan({
        reports: {
          tests: { input: 'junit', patterns: ['junit.xml'], format: 'auto' },
          lint: { input: 'lint', patterns: ['eslint.json'], format: 'auto' },
          types: { input: 'types', patterns: ['tsc.txt'], format: 'auto' },
        },
      }),
      fakes(),
    );
    expect(r.annotations.map((a) => a.title)).toEqual([
      'Test failed: api › returns 200',
      'Type error TS2304',
      'Lint error (no-undef)',
      'Lint error (semi)',
    ]);
    expect(r.annotations[0]!.message.split('\n')).toHaveLength(20);
    expect(r.annotations[1]).toMatchObject({ file: 'src/x.ts', line: 2, column: 3 });
  });
});

describe('ownFrames', () => {
  test("drops the test runner's frames and keeps the assertion and the repository's frames", () => {
    const details = [
      'Error: expect(received).toBe(expected)',
      '',
      'Expected: 5',
      '    at Object.toBe (/ws/test/math.test.js:6:23)',
      '    at Promise.finally.completed (/ws/node_modules/jest-circus/build/jestAdapterInit.js:1834:28)',
      '    at new Promise (<anonymous>)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:104:5)',
      '    at helper (/ws/test/helpers.js:3:9)',
    ].join('\n');
    expect(ownFrames(details)).toBe(
      [
        'Error: expect(received).toBe(expected)',
        '',
        'Expected: 5',
        '    at Object.toBe (/ws/test/math.test.js:6:23)',
        '    at helper (/ws/test/helpers.js:3:9)',
      ].join('\n'),
    );
  });
});
