import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ReportError } from '../src/model.js';
import { failureLocation, parseJunit } from '../src/junit.js';

const RECORDED = fileURLToPath(new URL('../../../test/fixtures/quality-reports/', import.meta.url));
const recorded = (name: string): string => readFileSync(`${RECORDED}${name}`, 'utf8');

const WS = '/ws';
const CTX = { cwd: WS, workspace: WS };

/** What jest-junit writes for a failing expect: the node_modules frames are jest's own. */
const JEST_STACK = [
  'Error: expect(received).toBe(expected) // Object.is equality',
  '',
  'Expected: 3',
  'Received: 2',
  '    at Object.toBe (/ws/test/math.test.js:6:23)',
  '    at Promise.then.completed (/ws/node_modules/jest-circus/build/utils.js:298:28)',
  '    at new Promise (&lt;anonymous&gt;)',
  '    at callAsyncCircusFn (/ws/node_modules/jest-circus/build/utils.js:231:10)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
].join('\n');

const JEST_JUNIT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="4" failures="1" errors="0" time="0.83">
  <testsuite name="math" errors="0" failures="1" skipped="1" timestamp="2026-11-22T05:00:00" time="0.41" tests="3">
    <testcase classname="math adds" name="math adds" time="0.002">
    </testcase>
    <testcase classname="math subtracts" name="math subtracts" time="0.0125">
      <failure>${JEST_STACK}</failure>
    </testcase>
    <testcase classname="math divides" name="math divides" time="0">
      <skipped/>
    </testcase>
  </testsuite>
  <testsuite name="strings" errors="0" failures="0" skipped="0" tests="1">
    <testcase classname="strings pads" name="strings pads" time="0.001"/>
  </testsuite>
</testsuites>
`;

describe('parseJunit: jest-junit', () => {
  const { cases } = parseJunit('junit', 'reports/junit.xml', JEST_JUNIT, CTX);

  test('every case of every suite, with its status and time', () => {
    expect(cases.map((c) => [c.suite, c.name, c.status, c.timeMs])).toEqual([
      ['math adds', 'math adds', 'passed', 2],
      ['math subtracts', 'math subtracts', 'failed', 13],
      ['math divides', 'math divides', 'skipped', 0],
      ['strings pads', 'strings pads', 'passed', 1],
    ]);
  });

  test('the failure: its first line as message, the stack as details, the test file frame as location', () => {
    const failed = cases[1]!;
    expect(failed.message).toBe('Error: expect(received).toBe(expected) // Object.is equality');
    expect(failed.details).toContain('Received: 2');
    expect(failed.details).toContain('at new Promise (<anonymous>)');
    expect(failed).toMatchObject({ file: 'test/math.test.js', line: 6, column: 23 });
  });

  test('passing and skipped cases carry no message or location', () => {
    expect(cases[0]).toEqual({
      name: 'math adds',
      suite: 'math adds',
      status: 'passed',
      timeMs: 2,
    });
    expect(cases[2]!.message).toBeUndefined();
  });
});

describe('failureLocation', () => {
  test('skips node_modules, node: and internal frames', () => {
    const text = [
      'Error: boom',
      '    at Object.<anonymous> (/ws/node_modules/expect/build/index.js:315:21)',
      '    at internal/process/task_queues.js:95:5',
      '    at node:internal/modules/cjs/loader.js:1:1',
      '    at Object.toBe (/ws/test/math.test.js:6:23)',
    ].join('\n');
    expect(failureLocation(text, undefined, CTX)).toEqual({
      file: 'test/math.test.js',
      line: 6,
      column: 23,
    });
  });

  test('skips frames outside the workspace', () => {
    const text = '    at f (/usr/lib/x.js:1:2)\n    at g (/ws/src/g.ts:10:4)';
    expect(failureLocation(text, undefined, CTX)).toEqual({
      file: 'src/g.ts',
      line: 10,
      column: 4,
    });
  });

  test('prefers the frame in the hinted test file over an earlier source frame', () => {
    const text = [
      'Error: bad sum',
      '    at add (/ws/src/math.js:2:10)',
      '    at Object.toBe (/ws/test/math.test.js:6:23)',
    ].join('\n');
    expect(failureLocation(text, 'test/math.test.js', CTX)).toEqual({
      file: 'test/math.test.js',
      line: 6,
      column: 23,
    });
    expect(failureLocation(text, undefined, CTX)).toEqual({
      file: 'src/math.js',
      line: 2,
      column: 10,
    });
    // A hint no frame names: the first usable frame.
    expect(failureLocation(text, 'test/other.test.js', CTX)).toMatchObject({ file: 'src/math.js' });
  });

  test('a bare `at path:line:col` frame and a file:// frame (ESM)', () => {
    expect(failureLocation('    at /ws/src/a.mjs:3:1', undefined, CTX)).toEqual({
      file: 'src/a.mjs',
      line: 3,
      column: 1,
    });
    expect(failureLocation('    at file:///ws/src/b.mjs:4:2', undefined, CTX)).toEqual({
      file: 'src/b.mjs',
      line: 4,
      column: 2,
    });
  });

  test('relative frames are taken from cwd', () => {
    expect(
      failureLocation('at t (test/a.test.ts:9:1)', undefined, { cwd: '/ws/api', workspace: WS }),
    ).toEqual({ file: 'api/test/a.test.ts', line: 9, column: 1 });
  });

  test('pytest frames: `path.py:line:` at the start of a line, no column', () => {
    const text = 'def test_x():\n>       assert 1 == 2\n\ntests/test_x.py:12: AssertionError';
    expect(failureLocation(text, undefined, CTX)).toEqual({ file: 'tests/test_x.py', line: 12 });
  });

  test('nothing usable: undefined', () => {
    expect(failureLocation('AssertionError: nope', undefined, CTX)).toBeUndefined();
    expect(failureLocation('at x (/elsewhere/a.js:1:1)', undefined, CTX)).toBeUndefined();
  });
});

describe('parseJunit: attributes and layouts', () => {
  test('file and line attributes locate a failure whose text has no frame', () => {
    const xml = `<testsuite name="go" tests="1">
  <testcase name="TestAdd" classname="calc" file="/ws/calc/add_test.go" line="14" time="0.01">
    <failure message="want 3, got 2" type="assert">add_test.go: want 3, got 2</failure>
  </testcase>
</testsuite>`;
    const { cases } = parseJunit('junit', 'r.xml', xml, CTX);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toEqual({
      name: 'TestAdd',
      suite: 'calc',
      status: 'failed',
      timeMs: 10,
      file: 'calc/add_test.go',
      line: 14,
      message: 'want 3, got 2',
      details: 'add_test.go: want 3, got 2',
    });
  });

  test('the file attribute of a case is the hint for its stack frames', () => {
    const xml = `<testsuites><testsuite name="s">
  <testcase name="t" classname="s" file="test/math.test.js"><failure>Error: x
    at add (/ws/src/math.js:2:10)
    at Object.toBe (/ws/test/math.test.js:6:23)</failure></testcase>
</testsuite></testsuites>`;
    expect(parseJunit('junit', 'r.xml', xml, CTX).cases[0]).toMatchObject({
      file: 'test/math.test.js',
      line: 6,
      column: 23,
    });
  });

  test('a suite file attribute applies to its cases', () => {
    const xml = `<testsuites><testsuite name="s" file="/ws/test/a.test.ts">
  <testcase name="ok"/>
</testsuite></testsuites>`;
    expect(parseJunit('junit', 'r.xml', xml, CTX).cases[0]).toMatchObject({
      suite: 's',
      file: 'test/a.test.ts',
      status: 'passed',
    });
  });

  test('<error> is status error; an empty failure falls back to the type, then the status', () => {
    const xml = `<testsuites><testsuite name="s">
  <testcase name="a"><error type="java.lang.NullPointerException"/></testcase>
  <testcase name="b"><failure/></testcase>
  <testcase name="c"><failure message="  "><![CDATA[

   first real line
   second]]></failure></testcase>
</testsuite></testsuites>`;
    expect(
      parseJunit('junit', 'r.xml', xml, CTX).cases.map((c) => [c.name, c.status, c.message]),
    ).toEqual([
      ['a', 'error', 'java.lang.NullPointerException'],
      ['b', 'failed', 'failed'],
      ['c', 'failed', 'first real line'],
    ]);
  });

  test('nested suites, cases straight under <testsuites>, a case without a name', () => {
    const xml = `<testsuites>
  <testsuite name="outer"><testsuite name="inner"><testcase name="deep"/></testsuite></testsuite>
  <testcase/>
</testsuites>`;
    expect(parseJunit('junit', 'r.xml', xml, CTX).cases.map((c) => [c.suite, c.name])).toEqual([
      ['inner', 'deep'],
      ['', '(unnamed)'],
    ]);
  });

  test('an empty <testsuites> has no cases', () => {
    expect(parseJunit('junit', 'r.xml', '<testsuites/>', CTX).cases).toEqual([]);
  });
});

describe('parseJunit: recorded reports', () => {
  test('Maven surefire: a <testsuite> root with 2 failures, names with spaces', () => {
    const { cases } = parseJunit('junit', 'surefire.xml', recorded('surefire.xml'), CTX);
    // A <testsuite> root: each case once.
    expect(cases.map((c) => [c.suite, c.name, c.status])).toEqual([
      ['action.surefire.report.calc.CalcUtilsTest', 'test error handling', 'failed'],
      ['action.surefire.report.calc.CalcUtilsTest', 'test scale', 'failed'],
    ]);
    expect(cases.every((c) => c.status === 'failed')).toBe(true);
    expect(cases[0]!.message).toBe(
      'unexpected exception type thrown; expected:<java.lang.IllegalStateException> but was:<java.lang.IllegalArgumentException>',
    );
    expect(cases[0]!.details).toMatch(/^java\.lang\.AssertionError: unexpected exception/);
    expect(cases[0]!.details).toContain('Caused by: java.lang.IllegalArgumentException');
    // The frames name the source file relative to the package root.
    expect(cases[0]).toMatchObject({ file: 'CalcUtilsTest.kt', line: 27 });
    expect(cases[0]!.column).toBeUndefined();
    expect(cases[1]).toMatchObject({ file: 'CalcUtilsTest.kt', line: 15 });
    expect(cases[1]!.details).toContain('Expected: <100.10>\n     but: was <100.11>');
    // Numeric character references in attributes are decoded (&#10; is a newline).
    expect(cases[1]!.message).not.toContain('&#10;');
    expect(cases[1]!.message).toContain('\n');
    expect(cases.slice(0, 2).map((c) => c.timeMs)).toEqual([0, 1]);
  });

  test('pytest: 10 tests, 7 failures, 1 error, 1 skipped, 1 passed', () => {
    const { cases } = parseJunit('junit', 'pytest.xml', recorded('pytest-junit.xml'), CTX);
    expect(cases).toHaveLength(10);
    const count = (s: string): number => cases.filter((c) => c.status === s).length;
    expect([count('failed'), count('error'), count('skipped'), count('passed')]).toEqual([
      7, 1, 1, 1,
    ]);
    const byName = (n: string) => cases.find((c) => c.name === n)!;
    expect(byName('test_uses_broken_fixture')).toMatchObject({
      suite: 'tests.test_fixture_error',
      status: 'error',
      message: 'failed on setup with "RuntimeError: database is unreachable"',
      file: 'tests/test_fixture_error.py',
      line: 6,
    });
    expect(byName('test_not_implemented')).toMatchObject({ status: 'skipped' });
    expect(byName('test_not_implemented').file).toBeUndefined();
    expect(byName('test_get_post_ok').status).toBe('passed');
    expect(byName('test_wrong_title')).toMatchObject({
      file: 'tests/test_service.py',
      line: 12,
      status: 'failed',
    });
    expect(byName('test_wrong_title').message).toMatch(
      /^AssertionError: assert 'first post' == 'my first post'/,
    );
    expect(byName('test_wrong_title').details).toContain('E         - my first post\n');
    // The test's own line, not the helper's (post_service.py:15), comes first in the text.
    expect(byName('test_type_error')).toMatchObject({ file: 'tests/test_service.py', line: 20 });
    expect(byName('test_helper_failure')).toMatchObject({
      file: 'tests/test_service.py',
      line: 25,
    });
    expect(byName('test_status_code')).toMatchObject({
      suite: 'tests.test_service.TestPostService',
      line: 36,
    });
    // Entities in the name attribute are decoded.
    expect(byName(`test_escaping[<b>bold</b> & 'quoted']`)).toMatchObject({
      status: 'failed',
      line: 41,
    });
    expect(byName('test_backticks').details).toContain('```python');
  });

  test('pytest run from a subdirectory: locations are relative to the workspace', () => {
    const { cases } = parseJunit('junit', 'pytest.xml', recorded('pytest-junit.xml'), {
      cwd: '/ws/api',
      workspace: WS,
    });
    expect(cases.find((c) => c.name === 'test_wrong_title')!.file).toBe(
      'api/tests/test_service.py',
    );
  });
});

describe('parseJunit: bad documents', () => {
  const error = (text: string): ReportError => {
    try {
      parseJunit('junit', 'reports/junit.xml', text, CTX);
    } catch (e) {
      if (e instanceof ReportError) return e;
      throw e;
    }
    throw new Error('no error');
  };

  test('malformed XML: the file and the line of the fault', () => {
    const e = error(
      '<?xml version="1.0"?>\n<testsuites>\n  <testsuite name="a">\n    <testcase name="x">\n  </testsuite>\n</testsuites>\n',
    );
    expect(e.input).toBe('junit');
    expect(e.line).toBe(5);
    expect(e.message).toMatch(/^input "junit": reports\/junit\.xml:5: is not well-formed XML \(/);
  });

  test('a truncated document says it is cut off, at its last line', () => {
    const e = error('<testsuites>\n<testsuite name="a">\n<testcase name="x"/>\n');
    expect(e.message).toBe(
      'input "junit": reports/junit.xml:3: is cut off: it ends before its <testsuites> element is closed (was the run killed while writing it?)',
    );
    expect(e.line).toBe(3);
    const header = error(
      '<?xml version="1.0"?>\n<!-- jest -->\n<testsuites name="jest">\n<testsuite',
    );
    expect(header.message).toMatch(/is cut off: it ends before its <testsuites> element is closed/);
  });

  test('test names lose the space jest-junit puts before a test outside describe blocks', () => {
    const r = parseJunit(
      'junit',
      'j.xml',
      '<testsuites><testsuite name="s"><testcase classname=" adds" name=" adds"/></testsuite></testsuites>',
      CTX,
    );
    expect(r.cases[0]).toMatchObject({ name: 'adds', suite: 'adds' });
  });

  test('the wrong root element', () => {
    const e = error('<?xml version="1.0"?>\n<coverage line-rate="1"></coverage>');
    expect(e.message).toBe(
      'input "junit": reports/junit.xml: is not JUnit XML: the root element is <coverage>, not <testsuites> or <testsuite>',
    );
    expect(e.line).toBeUndefined();
  });

  test('an empty file', () => {
    expect(error('  \n').message).toBe('input "junit": reports/junit.xml: is empty');
  });
});
