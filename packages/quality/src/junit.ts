/**
 * JUnit XML (jest-junit, pytest, Maven surefire, Go's go-junit-report, …): every `<testcase>` with
 * its status, message, and the file and line of the failure, read from the `file`/`line` attributes
 * or, better, from the stack trace in the failure text.
 */
import { type Location, num, ReportError, type TestCase, type TestReport } from './model.js';
import { workspacePath } from './paths.js';
import { descendants, parseXml, type XmlElement } from './xml.js';

export interface PathContext {
  /** Where the tool ran: relative paths in the report start here. */
  readonly cwd: string;
  readonly workspace: string;
}

/** `at fn (/abs/file.ts:12:5)`, `at /abs/file.js:3:1` (JS); `tests/test_x.py:12: AssertionError` (pytest). */
const JS_FRAME = /(?:\(|\bat\s+)((?:file:\/\/)?[^\s()]+?\.[A-Za-z0-9]+):(\d+)(?::(\d+))?\)?/g;
const PY_FRAME = /^([^\s:]+\.py):(\d+):/gm;
/** vitest marks where a test failed as ` ❯ test/math.test.js:9:21` in the failure text. */
const VITEST_FRAME = /^\s*❯ ([^\s:]+\.[A-Za-z0-9]+):(\d+)(?::(\d+))?\s*$/gm;

/**
 * The frame of a failure text that points into the repository: the first one in `hint` (the test
 * file), else the first outside node_modules and inside the workspace.
 */
export function failureLocation(
  text: string,
  hint: string | undefined,
  ctx: PathContext,
): Location | undefined {
  const frames: { file: string; line: number; column?: number }[] = [];
  for (const re of [VITEST_FRAME, JS_FRAME, PY_FRAME]) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const raw = m[1] as string;
      if (raw.startsWith('node:') || raw.includes('node_modules/') || raw.startsWith('internal/'))
        continue;
      const file = workspacePath(raw, ctx.cwd, ctx.workspace);
      if (file.startsWith('/')) continue;
      const column = num(m[3]);
      frames.push({ file, line: Number(m[2]), ...(column !== undefined && { column }) });
    }
  }
  return (hint ? frames.find((f) => f.file === hint) : undefined) ?? frames[0];
}

function caseOf(
  tc: XmlElement,
  suite: string,
  suiteFile: string | undefined,
  ctx: PathContext,
): TestCase {
  const failure = tc.children.find((c) => c.name === 'failure' || c.name === 'error');
  const skipped = tc.children.some((c) => c.name === 'skipped');
  const status = failure
    ? failure.name === 'failure'
      ? 'failed'
      : 'error'
    : skipped
      ? 'skipped'
      : 'passed';
  const rawFile = tc.attrs.file ?? suiteFile;
  const file = rawFile ? workspacePath(rawFile, ctx.cwd, ctx.workspace) : undefined;
  const seconds = num(tc.attrs.time);
  const base = {
    // jest-junit's default name template puts a space before a test outside any describe block.
    name: (tc.attrs.name ?? '').trim() || '(unnamed)',
    suite: (tc.attrs.classname ?? suite).trim(),
    status,
    ...(seconds !== undefined && { timeMs: Math.round(seconds * 1000) }),
  } as const;
  if (!failure) return { ...base, ...(file !== undefined && { file }) };
  const details = failure.text;
  const message =
    doctestMessage(details) ||
    (failure.attrs.message ?? '').trim() ||
    details
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ||
    failure.attrs.type ||
    status;
  const at = failureLocation(details, file, ctx);
  const attrLine = num(tc.attrs.line);
  const location: Location = at ?? {
    ...(file !== undefined && { file }),
    ...(attrLine !== undefined && { line: attrLine }),
  };
  return { ...base, ...location, message, details };
}

/**
 * pytest's doctest failures start with the numbered source lines (`005 Return a + b.`): the message
 * is what was expected and what came instead.
 */
function doctestMessage(details: string): string | undefined {
  if (!/: DocTestFailure\s*$/.test(details)) return undefined;
  const m = /^Expected:\n([\s\S]*?)\nGot:\n([\s\S]*?)\n\s*\n/m.exec(details);
  if (!m) return 'Doctest failed';
  const oneLine = (s: string): string => s.trim().replace(/\s*\n\s*/g, ' ⏎ ');
  return `Doctest failed: expected ${oneLine(m[1] ?? '')}, got ${oneLine(m[2] ?? '')}`;
}

/** jest-junit's report of a suite that failed to run (reportTestSuiteErrors). */
const SUITE_FAILED = 'Test suite failed to run';

/** All test cases of one JUnit XML document. */
export function parseJunit(
  input: string,
  file: string,
  text: string,
  ctx: PathContext,
): TestReport {
  const root = parseXml(input, file, text);
  if (root.name !== 'testsuites' && root.name !== 'testsuite')
    throw new ReportError(
      input,
      file,
      `is not JUnit XML: the root element is <${root.name}>, not <testsuites> or <testsuite>`,
    );
  const cases: TestCase[] = [];
  const suites =
    root.name === 'testsuite'
      ? [root, ...descendants(root, 'testsuite')]
      : descendants(root, 'testsuite');
  for (const suite of suites) {
    const seen = new Set<string>();
    for (const tc of suite.children.filter((c) => c.name === 'testcase')) {
      // jest-junit writes a suite that failed to run as two cases (an <error> and a <failure> with
      // the same error as JSON): jest counts one failed suite, so one case is kept, its file the name.
      if (tc.attrs.classname === SUITE_FAILED) {
        if (seen.has(tc.attrs.name ?? '')) continue;
        seen.add(tc.attrs.name ?? '');
      }
      const own = suite.attrs.file ?? suite.attrs.filepath;
      const fallback = tc.attrs.classname === SUITE_FAILED ? tc.attrs.name : undefined;
      cases.push(caseOf(tc, suite.attrs.name ?? '', own ?? fallback, ctx));
    }
  }
  // Some writers put cases straight under <testsuites>.
  if (root.name === 'testsuites')
    for (const tc of root.children.filter((c) => c.name === 'testcase'))
      cases.push(caseOf(tc, '', undefined, ctx));
  return { cases };
}
