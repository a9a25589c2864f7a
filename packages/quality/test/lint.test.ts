import { detectLint, parseEslint, parseLintSarif, parseTsc } from '../src/lint.js';
import { ReportError } from '../src/model.js';
import { isSarif, parseSarif } from '../src/sarif.js';
import { CTX, recorded, reportError, WS } from '../../../test/support/quality-reports.js';

/** `eslint -f json` output (abridged to the fields that matter). */
const ESLINT_JSON = JSON.stringify([
  {
    filePath: '/ws/src/a.js',
    messages: [
      {
        ruleId: 'no-unused-vars',
        severity: 2,
        message: "'x' is assigned a value but never used.",
        line: 1,
        column: 7,
        nodeType: 'Identifier',
        messageId: 'unusedVar',
        endLine: 1,
        endColumn: 8,
      },
      {
        ruleId: 'prefer-const',
        severity: 1,
        message: "'y' is never reassigned. Use 'const' instead.",
        line: 2,
        column: 5,
      },
    ],
    suppressedMessages: [],
    errorCount: 1,
    fatalErrorCount: 0,
    warningCount: 1,
    fixableErrorCount: 0,
    fixableWarningCount: 1,
    usedDeprecatedRules: [],
  },
  {
    filePath: '/ws/src/b.js',
    messages: [
      {
        ruleId: null,
        fatal: true,
        severity: 2,
        message: 'Parsing error: Unexpected token }',
        line: 3,
        column: 1,
      },
    ],
    errorCount: 1,
    fatalErrorCount: 1,
    warningCount: 0,
  },
  { filePath: '/ws/src/clean.js', messages: [], errorCount: 0, warningCount: 0 },
  {
    filePath: '/ws/src/odd.js',
    messages: [{ fatal: true, message: 'fatal without a severity' }],
  },
]);

describe('parseEslint', () => {
  test('severity 2 is an error, 1 a warning, fatal an error; clean files add nothing', () => {
    expect(parseEslint('lint', 'eslint.json', ESLINT_JSON, CTX)).toEqual([
      {
        file: 'src/a.js',
        severity: 'error',
        message: "'x' is assigned a value but never used.",
        rule: 'no-unused-vars',
        line: 1,
        column: 7,
      },
      {
        file: 'src/a.js',
        severity: 'warning',
        message: "'y' is never reassigned. Use 'const' instead.",
        rule: 'prefer-const',
        line: 2,
        column: 5,
      },
      {
        file: 'src/b.js',
        severity: 'error',
        message: 'Parsing error: Unexpected token }',
        line: 3,
        column: 1,
      },
      { file: 'src/odd.js', severity: 'error', message: 'fatal without a severity' },
    ]);
  });

  test('an empty list is a clean run', () => {
    expect(parseEslint('lint', 'eslint.json', '[]', CTX)).toEqual([]);
  });

  test.each<[string, string, string]>([
    [
      'an object',
      '{"results": []}',
      'input "lint": eslint.json: is not ESLint JSON (a list of {filePath, messages}). Run eslint with -f json',
    ],
    [
      'an entry without messages',
      '[{"filePath": "/ws/a.js", "messages": []}, {"filePath": "/ws/b.js"}]',
      'input "lint": eslint.json: entry 1 has no filePath and messages: not ESLint JSON',
    ],
    ['an empty file', '', 'input "lint": eslint.json: is empty'],
  ])('%s: an error', (_what, text, message) => {
    expect(reportError(() => parseEslint('lint', 'eslint.json', text, CTX)).message).toBe(message);
  });

  test('invalid JSON: an error with the line', () => {
    const text = '[\n  {"filePath": "/ws/a.js",\n   "messages": [],}\n]';
    const e = reportError(() => parseEslint('lint', 'eslint.json', text, CTX));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^input "lint": eslint\.json:3: is not valid JSON/);
  });
});

const sarif = (results: unknown[], rules: unknown[] = [], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'Linter', rules } }, results, ...extra }],
  });
const at = (uri: string, startLine?: number, uriBaseId?: string) => [
  {
    physicalLocation: {
      artifactLocation: { uri, ...(uriBaseId && { uriBaseId }) },
      ...(startLine !== undefined && { region: { startLine } }),
    },
  },
];

describe('parseLintSarif', () => {
  test('the recorded ESLint SARIF: one error, no-unused-vars at 1:5 of a file:// URI', () => {
    const problems = parseLintSarif('lint', 'eslint.sarif', recorded('eslint.sarif'), CTX);
    expect(problems).toEqual([
      {
        severity: 'error',
        message: "'x' is assigned a value but never used.",
        rule: 'no-unused-vars',
        // A Windows file URI, outside the workspace: kept absolute.
        file: '/C:/dev/sarif/sarif-tutorials/samples/introduction-simple-example/simple-example.js',
        line: 1,
        column: 5,
      },
    ]);
  });

  test('the recorded ESLint SARIF, read in its own workspace: a relative path', () => {
    const ws = '/C:/dev/sarif/sarif-tutorials';
    const [p] = parseLintSarif('lint', 'eslint.sarif', recorded('eslint.sarif'), {
      cwd: ws,
      workspace: ws,
    });
    expect(p!.file).toBe('samples/introduction-simple-example/simple-example.js');
  });

  test('the level: the result, else the rule default, else warning; note is a warning, none is dropped', () => {
    const text = sarif(
      [
        { ruleId: 'r-error', level: 'error', message: { text: 'e' }, locations: at('src/a.js', 1) },
        { ruleId: 'r-default-error', message: { text: 'd' }, locations: at('src/a.js', 2) },
        { ruleId: 'r-plain', message: { text: 'w' }, locations: at('src/a.js', 3) },
        { ruleId: 'r-note', level: 'note', message: { text: 'n' } },
        { ruleId: 'r-none', level: 'none', message: { text: 'x' } },
        { ruleIndex: 0, message: { markdown: '**md**' } },
      ],
      [{ id: 'r-default-error', defaultConfiguration: { level: 'error' } }, { id: 'r-plain' }],
    );
    expect(parseLintSarif('lint', 'l.sarif', text, CTX)).toEqual([
      { severity: 'error', message: 'e', rule: 'r-error', file: 'src/a.js', line: 1 },
      { severity: 'error', message: 'd', rule: 'r-default-error', file: 'src/a.js', line: 2 },
      { severity: 'warning', message: 'w', rule: 'r-plain', file: 'src/a.js', line: 3 },
      { severity: 'warning', message: 'n', rule: 'r-note' },
      // ruleIndex 0 names the rule whose default level is error; the message has only markdown.
      { severity: 'error', message: '**md**' },
    ]);
  });

  test('uriBaseId resolves against originalUriBaseIds', () => {
    const text = sarif(
      [
        {
          ruleId: 'r',
          level: 'warning',
          message: { text: 'm' },
          locations: at('src/a.js', 4, 'SRC'),
        },
      ],
      [],
      { originalUriBaseIds: { SRC: { uri: 'file:///ws/packages/api' } } },
    );
    expect(parseLintSarif('lint', 'l.sarif', text, CTX)[0]).toMatchObject({
      file: 'packages/api/src/a.js',
      line: 4,
    });
  });

  test('not SARIF, a run without a driver, results not a list: errors', () => {
    expect(reportError(() => parseLintSarif('lint', 'l.sarif', '{"runs": []}', CTX)).message).toBe(
      'input "lint": l.sarif: is not SARIF (no "version" and "runs")',
    );
    expect(
      reportError(() => parseSarif('lint', 'l.sarif', '{"version": "2.1.0", "runs": [{}]}', CTX))
        .message,
    ).toBe('input "lint": l.sarif: runs[0] has no tool.driver');
    expect(
      reportError(() =>
        parseSarif(
          'lint',
          'l.sarif',
          '{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": {}}]}',
          CTX,
        ),
      ).message,
    ).toBe('input "lint": l.sarif: runs[0].results is not a list');
  });

  test('a run without results has none', () => {
    expect(
      parseSarif(
        'lint',
        'l.sarif',
        '{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}',
        CTX,
      ),
    ).toEqual([]);
    expect(isSarif({ $schema: 'x', runs: [] })).toBe(true);
    expect(isSarif({ runs: [] })).toBe(false);
  });
});

describe('detectLint', () => {
  test.each<[string, string | undefined]>([
    ['[{"filePath": "a", "messages": []}]', 'eslint'],
    [recorded('eslint.sarif'), 'sarif'],
    ['{"version": "2.1.0", "runs": [', 'sarif'], // broken JSON: the SARIF reader names the line
    ['{"results": []}', undefined],
    ['src/a.ts(1,1): error TS1: x', undefined],
  ])('%#', (text, format) => {
    expect(detectLint(text)).toBe(format);
  });
});

describe('parseTsc', () => {
  test('--pretty false: one problem per diagnostic, indented continuation lines joined', () => {
    // Recorded from tsc 6 --noEmit --strict --pretty false.
    const text = [
      "src/c.ts(2,30): error TS2322: Type 'string' is not assignable to type 'number'.",
      "src/c.ts(3,40): error TS2322: Type 'number' is not assignable to type 'string'.",
      "src/d.ts(4,14): error TS2322: Type 'A' is not assignable to type 'B'.",
      "  The types of 'x.y' are incompatible between these types.",
      "    Type 'number' is not assignable to type 'string'.",
      '',
    ].join('\n');
    expect(parseTsc('types', 'tsc.txt', text, CTX)).toEqual([
      {
        file: 'src/c.ts',
        line: 2,
        column: 30,
        severity: 'error',
        rule: 'TS2322',
        message: "Type 'string' is not assignable to type 'number'.",
      },
      {
        file: 'src/c.ts',
        line: 3,
        column: 40,
        severity: 'error',
        rule: 'TS2322',
        message: "Type 'number' is not assignable to type 'string'.",
      },
      {
        file: 'src/d.ts',
        line: 4,
        column: 14,
        severity: 'error',
        rule: 'TS2322',
        message: [
          "Type 'A' is not assignable to type 'B'.",
          "The types of 'x.y' are incompatible between these types.",
          "Type 'number' is not assignable to type 'string'.",
        ].join('\n'),
      },
    ]);
  });

  test('a global error (no file), CRLF line ends', () => {
    expect(
      parseTsc('types', 'tsc.txt', "error TS5023: Unknown compiler option '--foo'.\r\n", CTX),
    ).toEqual([{ severity: 'error', rule: 'TS5023', message: "Unknown compiler option '--foo'." }]);
  });

  test('paths are taken from cwd and made relative to the workspace; absolute ones too', () => {
    const text = [
      "src/a.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      "/ws/packages/web/src/b.ts(9,1): error TS2304: Cannot find name 'foo'.",
    ].join('\n');
    expect(
      parseTsc('types', 'tsc.txt', text, { cwd: '/ws/packages/api', workspace: WS }).map((p) => [
        p.file,
        p.line,
        p.rule,
      ]),
    ).toEqual([
      ['packages/api/src/a.ts', 1, 'TS2322'],
      ['packages/web/src/b.ts', 9, 'TS2304'],
    ]);
  });

  test('pretty mode: `file:3:7 - error` lines with colours, code frames and the summary skipped', () => {
    // Recorded from tsc 6 --noEmit --strict --pretty true (ANSI colours included).
    const E = '\u001b';
    const text = [
      `${E}[96msrc/a.ts${E}[0m:${E}[93m3${E}[0m:${E}[93m7${E}[0m - ${E}[91merror${E}[0m${E}[90m TS2322: ${E}[0mType 'string' is not assignable to type 'number'.`,
      '',
      `${E}[7m3${E}[0m const x: number = 'a';`,
      `${E}[7m ${E}[0m ${E}[91m      ~${E}[0m`,
      '',
      `${E}[96msrc/b.ts${E}[0m:${E}[93m2${E}[0m:${E}[93m18${E}[0m - ${E}[91merror${E}[0m${E}[90m TS2741: ${E}[0mProperty 'y' is missing.`,
      '',
      `${E}[7m2${E}[0m const f: Foo = { x: 'no' };`,
      `${E}[7m ${E}[0m ${E}[91m                 ~${E}[0m`,
      '',
      '',
      'Found 2 errors in 2 files.',
      '',
    ].join('\n');
    expect(parseTsc('types', 'tsc.txt', text, CTX)).toEqual([
      {
        file: 'src/a.ts',
        line: 3,
        column: 7,
        severity: 'error',
        rule: 'TS2322',
        message: "Type 'string' is not assignable to type 'number'.",
      },
      {
        file: 'src/b.ts',
        line: 2,
        column: 18,
        severity: 'error',
        rule: 'TS2741',
        message: "Property 'y' is missing.",
      },
    ]);
  });

  test('a clean run (no output) has no problems; other lines around tsc output are ignored', () => {
    expect(parseTsc('types', 'tsc.txt', '', CTX)).toEqual([]);
    expect(parseTsc('types', 'tsc.txt', '\n\n', CTX)).toEqual([]);
    const text = [
      '> app@1.0.0 typecheck',
      '> tsc --noEmit --pretty false',
      '',
      "src/a.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    ].join('\n');
    expect(parseTsc('types', 'tsc.txt', text, CTX)).toHaveLength(1);
  });

  test('text that is not tsc output: an error with its first line number', () => {
    const text =
      '\n\nnpm ERR! Missing script: "typecheck"\nnpm ERR! To see a list of scripts, run:\n';
    const e = reportError(() => parseTsc('types', 'reports/tsc.txt', text, CTX));
    expect(e.line).toBe(3);
    expect(e.message).toBe(
      'input "types": reports/tsc.txt:3: is not tsc output (line 3 is no tsc diagnostic). Save the output of tsc --noEmit --pretty false',
    );
  });

  test("npm's header around tsc's output (npm run typecheck > tsc.txt) is no problem, errors or none", () => {
    const header = '\n> shop@1.0.0 typecheck\n> tsc --noEmit --pretty false\n\n';
    expect(parseTsc('types', 'tsc.txt', header, CTX)).toEqual([]);
    const errors = `${header}src/a.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.\n`;
    expect(parseTsc('types', 'tsc.txt', errors, CTX)).toHaveLength(1);
  });
});

describe('parseTsc: pretty output reads only the diagnostics', () => {
  test('code frames, related information and the files table are not appended', () => {
    const text = [
      'a.ts:2:7 - error TS2322: Type "string" is not assignable to type "number".',
      '',
      '2 const n: number = "x";',
      '        ~',
      '',
      'b.ts:1:17 - error TS2741: Property "x" is missing in type "{}" but required in type "Foo".',
      '',
      '1 const f: Foo = {};',
      '                  ~',
      '',
      '  b.ts:1:17',
      '    1 interface Foo { x: number }',
      '                      ~',
      '    "x" is declared here.',
      '',
      'Found 2 errors in 2 files.',
      '',
      'Errors  Files',
      '     1  a.ts:2',
      '     1  b.ts:1',
    ].join('\n');
    const problems = parseTsc('types', 'tsc.txt', text, { cwd: '/ws', workspace: '/ws' });
    expect(problems.map((p) => [p.file, p.line, p.column, p.rule, p.message])).toEqual([
      ['a.ts', 2, 7, 'TS2322', 'Type "string" is not assignable to type "number".'],
      ['b.ts', 1, 17, 'TS2741', 'Property "x" is missing in type "{}" but required in type "Foo".'],
    ]);
  });
});

describe('JSON reports: the line of a syntax error V8 gives no position for', () => {
  test('an unexpected token on line 3', () => {
    let error: unknown;
    try {
      parseEslint('lint', 'eslint.json', '[\n  {"filePath": "/ws/a.js",\n   "messages": [}\n]', {
        cwd: '/ws',
        workspace: '/ws',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReportError);
    expect((error as ReportError).line).toBe(3);
    expect((error as ReportError).message).toBe(
      `input "lint": eslint.json:3: is not valid JSON (Unexpected token '}')`,
    );
  });
});
