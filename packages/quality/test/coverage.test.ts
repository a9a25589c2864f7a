import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  detectCoverage,
  mergeCoverage as mergeWithHits,
  parseCobertura as parseCoberturaWithHits,
  parseIstanbulSummary,
  parseLcov as parseLcovWithHits,
  percent,
  totals,
} from '../src/coverage.js';
import type { CoverageReport } from '../src/model.js';
import { CTX, recorded, reportError, WS } from '../../../test/support/quality-reports.js';

/** A report without the per-line, branch and function hit maps (their effect is tested with the shards below). */
const plain = (r: CoverageReport): CoverageReport => ({
  ...r,
  files: r.files.map(({ hits: _hits, branchHits: _branches, functionHits: _functions, ...f }) => f),
});
const parseLcov = (...a: Parameters<typeof parseLcovWithHits>): CoverageReport =>
  plain(parseLcovWithHits(...a));
const parseCobertura = (...a: Parameters<typeof parseCoberturaWithHits>): CoverageReport =>
  plain(parseCoberturaWithHits(...a));
const mergeCoverage = (reports: readonly CoverageReport[]): CoverageReport =>
  plain(mergeWithHits(reports));

const LCOV = [
  'TN:',
  'SF:/ws/src/math.js',
  'FN:1,add',
  'FN:5,sub',
  'FNDA:3,add',
  'FNDA:0,sub',
  'FNF:2',
  'FNH:1',
  'DA:1,3',
  'DA:2,3',
  'DA:6,0',
  'DA:5,0',
  'LF:4',
  'LH:2',
  'BRDA:2,0,0,1',
  'BRDA:2,0,1,0',
  'BRF:2',
  'BRH:1',
  'end_of_record',
  'TN:',
  'SF:src/util.js',
  'DA:1,1',
  'DA:2,1,abcdef',
  'end_of_record',
  '',
].join('\n');

describe('parseLcov', () => {
  test('DA/LF/LH, FNF/FNH, BRF/BRH per file, uncovered lines sorted', () => {
    expect(parseLcov('coverage', 'coverage/lcov.info', LCOV, CTX)).toEqual({
      files: [
        {
          file: 'src/math.js',
          metrics: {
            lines: { covered: 2, total: 4 },
            functions: { covered: 1, total: 2 },
            branches: { covered: 1, total: 2 },
          },
          uncovered: [5, 6],
        },
        { file: 'src/util.js', metrics: { lines: { covered: 2, total: 2 } }, uncovered: [] },
      ],
    });
  });

  test('LF/LH win over the DA lines (lcov may list fewer DA lines than it counts)', () => {
    const text = 'SF:a.js\nDA:1,1\nDA:2,0\nLF:10\nLH:7\nend_of_record\n';
    const [f] = parseLcov('coverage', 'lcov.info', text, CTX).files;
    expect(f).toEqual({
      file: 'a.js',
      metrics: { lines: { covered: 7, total: 10 } },
      uncovered: [2],
    });
  });

  test('a line listed twice keeps its highest hit count; CRLF line ends; VER is ignored', () => {
    const text = 'VER:2\r\nSF:a.js\r\nDA:3,0\r\nDA:3,4\r\nDA:4,0\r\nend_of_record\r\n';
    expect(parseLcov('coverage', 'lcov.info', text, CTX).files[0]).toEqual({
      file: 'a.js',
      metrics: { lines: { covered: 1, total: 2 } },
      uncovered: [4],
    });
  });

  test('FNF without FNH counts no function as covered', () => {
    const text = 'SF:a.js\nDA:1,1\nFNF:3\nBRF:4\nend_of_record';
    expect(parseLcov('coverage', 'lcov.info', text, CTX).files[0]!.metrics).toEqual({
      lines: { covered: 1, total: 1 },
      functions: { covered: 0, total: 3 },
      branches: { covered: 0, total: 4 },
    });
  });

  test('paths from a subdirectory cwd are made relative to the workspace', () => {
    const text = 'SF:src/a.ts\nDA:1,1\nend_of_record\n';
    expect(
      parseLcov('coverage', 'lcov.info', text, { cwd: '/ws/packages/api', workspace: WS }).files[0]!
        .file,
    ).toBe('packages/api/src/a.ts');
  });

  test('a record without end_of_record (truncated): an error at the last line', () => {
    const text = 'TN:\nSF:/ws/src/a.js\nDA:1,1\nSF:/ws/src/b.js\nDA:1,0';
    const e = reportError(() => parseLcov('coverage', 'coverage/lcov.info', text, CTX));
    expect(e.line).toBe(5);
    expect(e.message).toBe(
      'input "coverage": coverage/lcov.info:5: the record of src/b.js has no end_of_record (truncated file?)',
    );
    // Trailing line ends and blank lines do not move the line past the file's last line.
    const trailing = reportError(() =>
      parseLcov('coverage', 'lcov.info', 'SF:a.js\nDA:1,1\n\n\n', CTX),
    );
    expect(trailing.line).toBe(2);
  });

  test.each<[string, string, number, string]>([
    [
      'a junk line',
      'TN:\nSF:a.js\n<html>oops</html>\nend_of_record\n',
      3,
      '"<html>oops</html>" is not an lcov line (KEY:value)',
    ],
    [
      'a key before SF',
      'TN:\nDA:1,1\nSF:a.js\nend_of_record\n',
      2,
      'DA: comes before any SF: record',
    ],
    ['end_of_record without SF', '\n\nend_of_record\n', 3, 'end_of_record without an SF: record'],
    ['a bad number', 'SF:a.js\nDA:1,1\nDA:x,1\nend_of_record\n', 3, 'DA:x,1 has a bad number "x"'],
    ['a negative count', 'SF:a.js\nLF:-2\nend_of_record\n', 2, 'LF:-2 has a bad number "-2"'],
    ['a missing hit count', 'SF:a.js\nDA:7\nend_of_record\n', 2, 'DA:7 has a bad number undefined'],
  ])('%s: an error with the line number', (_what, text, line, detail) => {
    const e = reportError(() => parseLcov('coverage', 'lcov.info', text, CTX));
    expect(e).toMatchObject({ input: 'coverage', file: 'lcov.info', line, detail });
    expect(e.message).toBe(`input "coverage": lcov.info:${line}: ${detail}`);
  });

  test('no SF: records at all', () => {
    const e = reportError(() => parseLcov('coverage', 'lcov.info', 'TN:\n\n', CTX));
    expect(e.message).toBe('input "coverage": lcov.info: has no SF: records');
  });
});

const summary = (entries: Record<string, unknown>): string => JSON.stringify(entries, null, 2);
const m = (covered: number, total: number, pct: number | string = 0) => ({
  total,
  covered,
  skipped: 0,
  pct,
});

describe('parseIstanbulSummary', () => {
  test('totals only: the report keeps its totals; "pct": "Unknown" with total 0 is read', () => {
    const text = summary({
      total: {
        lines: m(80, 100, 80),
        statements: m(85, 110, 77.27),
        functions: m(9, 10, 90),
        branches: m(0, 0, 'Unknown'),
        branchesTrue: m(0, 0, 'Unknown'),
      },
    });
    const r = parseIstanbulSummary('coverage', 'coverage-summary.json', text, CTX);
    expect(r).toEqual({
      files: [],
      totals: {
        lines: { covered: 80, total: 100 },
        statements: { covered: 85, total: 110 },
        functions: { covered: 9, total: 10 },
        branches: { covered: 0, total: 0 },
      },
    });
    expect(percent(totals(r).branches!)).toBe(100);
  });

  test('per file: the files count and the totals are dropped (they are the same numbers)', () => {
    const text = summary({
      total: { lines: m(3, 5), statements: m(3, 5), functions: m(1, 2), branches: m(1, 2) },
      '/ws/src/a.js': {
        lines: m(2, 3),
        statements: m(2, 3),
        functions: m(1, 1),
        branches: m(1, 2),
      },
      '/ws/src/b.js': {
        lines: m(1, 2),
        statements: m(1, 2),
        functions: m(0, 1),
        branches: m(0, 0),
      },
    });
    const r = parseIstanbulSummary('coverage', 'coverage-summary.json', text, CTX);
    expect(r.totals).toBeUndefined();
    expect(r.files.map((f) => [f.file, f.metrics.lines])).toEqual([
      ['src/a.js', { covered: 2, total: 3 }],
      ['src/b.js', { covered: 1, total: 2 }],
    ]);
    expect(r.files[0]!.uncovered).toBeUndefined();
    expect(totals(r)).toEqual({
      lines: { covered: 3, total: 5 },
      branches: { covered: 1, total: 2 },
      functions: { covered: 1, total: 2 },
      statements: { covered: 3, total: 5 },
    });
  });

  test('numbers given as strings are read', () => {
    const text = '{"total": {"lines": {"total": "4", "covered": "3"}}}';
    expect(parseIstanbulSummary('coverage', 's.json', text, CTX).totals).toEqual({
      lines: { covered: 3, total: 4 },
    });
  });

  test.each<[string, string, string]>([
    [
      'no "total" key (coverage-final.json)',
      '{"/ws/src/a.js": {"path": "/ws/src/a.js", "s": {}}}',
      'input "coverage": s.json: is not an istanbul coverage-summary.json (no "total" key). Use the json-summary reporter',
    ],
    [
      'a list',
      '[]',
      'input "coverage": s.json: is not an istanbul coverage-summary.json (no "total" key). Use the json-summary reporter',
    ],
    [
      '"total" not an object',
      '{"total": 80}',
      'input "coverage": s.json: "total" is not an object of metrics',
    ],
    [
      'a metric without counts',
      '{"total": {"lines": {"pct": 80}}}',
      'input "coverage": s.json: "total".lines has no numeric total and covered',
    ],
    ['an empty file', '   ', 'input "coverage": s.json: is empty'],
  ])('%s: an error', (_what, text, message) => {
    expect(reportError(() => parseIstanbulSummary('coverage', 's.json', text, CTX)).message).toBe(
      message,
    );
  });

  test('invalid JSON: an error with the line', () => {
    const text = '{\n  "total": {\n    "lines": {"total": 4, "covered": 3,}\n  }\n}\n';
    const e = reportError(() => parseIstanbulSummary('coverage', 's.json', text, CTX));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^input "coverage": s\.json:3: is not valid JSON \(/);
  });
});

/** What istanbul's cobertura reporter writes: method lines repeat the class's lines. */
const ISTANBUL_COBERTURA = `<?xml version="1.0" ?>
<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">
<coverage lines-valid="6" lines-covered="3" line-rate="0.5" branches-valid="2" branches-covered="1" branch-rate="0.5" timestamp="1763790000000" complexity="0" version="0.1">
  <sources>
    <source>/ws</source>
  </sources>
  <packages>
    <package name="src" line-rate="0.5" branch-rate="0.5">
      <classes>
        <class name="math.js" filename="src/math.js" line-rate="0.5" branch-rate="0.5">
          <methods>
            <method name="add" hits="3" signature="()V">
              <lines>
                <line number="1" hits="3"/>
              </lines>
            </method>
            <method name="sub" hits="0" signature="()V">
              <lines>
                <line number="5" hits="0"/>
              </lines>
            </method>
            <method name="(anonymous_2)" signature="()V">
              <lines>
                <line number="8" hits="1"/>
              </lines>
            </method>
          </methods>
          <lines>
            <line number="1" hits="3" branch="false"/>
            <line number="2" hits="3" branch="true" condition-coverage="50% (1/2)"/>
            <line number="5" hits="0" branch="false"/>
            <line number="6" hits="0" branch="false"/>
            <line number="8" hits="1" branch="false"/>
            <line number="9" hits="0" branch="false"/>
          </lines>
        </class>
      </classes>
    </package>
  </packages>
</coverage>
`;

describe('parseCobertura', () => {
  test('istanbul style: method lines are not counted twice; methods give the functions', () => {
    expect(parseCobertura('coverage', 'cobertura.xml', ISTANBUL_COBERTURA, CTX)).toEqual({
      files: [
        {
          file: 'src/math.js',
          metrics: {
            lines: { covered: 3, total: 6 },
            branches: { covered: 1, total: 2 },
            // add (hits 3) and the anonymous one (no hits attribute, its line has 1 hit).
            functions: { covered: 2, total: 3 },
          },
          uncovered: [5, 6, 9],
        },
      ],
    });
  });

  test('recorded coverage.py 7.14.1: 8/8 lines, 2/4 branches, no functions', () => {
    const r = parseCobertura('coverage', 'coverage.xml', recorded('cobertura-coveragepy.xml'), {
      cwd: '/Users/foo/Projects/ec-dummy',
      workspace: '/Users/foo/Projects/ec-dummy',
    });
    expect(r).toEqual({
      files: [
        {
          file: 'foo.py',
          metrics: { lines: { covered: 8, total: 8 }, branches: { covered: 2, total: 4 } },
          uncovered: [],
        },
      ],
    });
  });

  test('recorded coverage.py: a <source> root from another machine places the file from the cwd', () => {
    const r = parseCobertura('coverage', 'coverage.xml', recorded('cobertura-coveragepy.xml'), CTX);
    expect(r.files.map((f) => f.file)).toEqual(['foo.py']);
  });

  test('several <source> roots: the file goes under the root that holds it', () => {
    const ws = mkdtempSync(join(tmpdir(), 'cobertura-'));
    mkdirSync(join(ws, 'lib/pkg'), { recursive: true });
    mkdirSync(join(ws, 'src'));
    writeFileSync(join(ws, 'lib/pkg/mod.py'), '');
    const xml = `<coverage><sources><source>${ws}/src</source><source>${ws}/lib</source></sources>
      <packages><package><classes>
        <class name="mod" filename="pkg/mod.py"><lines><line number="1" hits="1"/></lines></class>
        <class name="other" filename="pkg/other.py"><lines><line number="1" hits="0"/></lines></class>
      </classes></package></packages></coverage>`;
    const r = parseCobertura('coverage', 'c.xml', xml, { cwd: ws, workspace: ws });
    expect(r.files.map((f) => f.file)).toEqual(['lib/pkg/mod.py', 'src/pkg/other.py']);
  });

  test('recorded coverage.py 4.0.3 (no lines-valid, empty <source>): 9/10 lines, line 13 uncovered', () => {
    const r = parseCobertura(
      'coverage',
      'coverage.xml',
      recorded('cobertura-coveragepy-4.0.3.xml'),
      { cwd: '/ws/py', workspace: WS },
    );
    expect(r).toEqual({
      files: [
        { file: 'py/source.py', metrics: { lines: { covered: 9, total: 10 } }, uncovered: [13] },
      ],
    });
    expect(percent(totals(r).lines!)).toBe(90);
  });

  test('classes of one file (inner classes) add up per file', () => {
    const xml = `<coverage><packages><package name="p"><classes>
  <class name="A" filename="src/A.java"><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class>
  <class name="A$Inner" filename="src/A.java"><lines><line number="2" hits="2"/><line number="10" hits="0"/></lines></class>
  <class name="B" filename="src/B.java"><lines><line number="1" hits="0"/></lines></class>
</classes></package></packages></coverage>`;
    expect(parseCobertura('coverage', 'c.xml', xml, CTX).files).toEqual([
      { file: 'src/A.java', metrics: { lines: { covered: 2, total: 3 } }, uncovered: [10] },
      { file: 'src/B.java', metrics: { lines: { covered: 0, total: 1 } }, uncovered: [1] },
    ]);
  });

  test('a root with no classes but lines-valid gives totals only', () => {
    const xml =
      '<coverage lines-valid="200" lines-covered="150" line-rate="0.75"><packages/></coverage>';
    expect(parseCobertura('coverage', 'c.xml', xml, CTX)).toEqual({
      files: [],
      totals: { lines: { covered: 150, total: 200 } },
    });
  });

  test.each<[string, string, string]>([
    [
      'the wrong root',
      '<testsuites/>',
      'input "coverage": c.xml: is not Cobertura XML: the root element is <testsuites>, not <coverage>',
    ],
    [
      'no classes and no lines-valid',
      '<coverage line-rate="1"><packages/></coverage>',
      'input "coverage": c.xml: has no <class> elements and no lines-valid total',
    ],
    [
      'a class without filename',
      '<coverage><packages><package><classes><class name="Foo"/></classes></package></packages></coverage>',
      'input "coverage": c.xml: <class name="Foo"> has no filename attribute',
    ],
    [
      'a line without hits',
      '<coverage><packages><package><classes><class name="a" filename="a.py"><lines><line number="3"/></lines></class></classes></package></packages></coverage>',
      'input "coverage": c.xml: a <line> of a.py lacks a numeric number or hits attribute',
    ],
  ])('%s: an error', (_what, xml, message) => {
    expect(reportError(() => parseCobertura('coverage', 'c.xml', xml, CTX)).message).toBe(message);
  });

  test('malformed XML: an error with the line', () => {
    const e = reportError(() =>
      parseCobertura('coverage', 'c.xml', '<coverage>\n<packages>\n</coverage>\n', CTX),
    );
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^input "coverage": c\.xml:3: is not well-formed XML/);
  });
});

describe('detectCoverage', () => {
  test.each<[string, string | undefined]>([
    ['  {"total": {}}', 'istanbul-summary'],
    ['<?xml version="1.0"?><coverage/>', 'cobertura'],
    ['TN:\nSF:a.js\n', 'lcov'],
    ['SF:a.js\nend_of_record', 'lcov'],
    ['hello', undefined],
    ['', undefined],
  ])('%j → %s', (text, format) => {
    expect(detectCoverage(text)).toBe(format);
  });
});

const file = (name: string, covered: number, total: number, extra = {}) => ({
  file: name,
  metrics: { lines: { covered, total }, ...extra },
});

describe('mergeCoverage', () => {
  test('the same file from two reports is counted once: the larger (or better covered) one wins', () => {
    const lcov: CoverageReport = {
      files: [
        file('src/a.js', 8, 10, { functions: { covered: 2, total: 3 } }),
        file('src/b.js', 1, 4),
      ],
    };
    const cobertura: CoverageReport = {
      files: [
        file('src/a.js', 9, 10, { branches: { covered: 1, total: 2 } }),
        file('src/b.js', 2, 3),
        file('src/c.js', 0, 2),
      ],
    };
    const merged = mergeCoverage([lcov, cobertura]);
    expect(merged.files.map((f) => f.file)).toEqual(['src/a.js', 'src/b.js', 'src/c.js']);
    // a: same size, more covered wins; the metrics of both are kept.
    expect(merged.files[0]!.metrics).toEqual({
      lines: { covered: 9, total: 10 },
      functions: { covered: 2, total: 3 },
      branches: { covered: 1, total: 2 },
    });
    // b: more lines wins.
    expect(merged.files[1]!.metrics.lines).toEqual({ covered: 1, total: 4 });
    expect(totals(merged).lines).toEqual({ covered: 10, total: 16 });
  });

  test('one report read twice is not double counted', () => {
    const r = parseLcov('coverage', 'lcov.info', LCOV, CTX);
    expect(totals(mergeCoverage([r, r]))).toEqual(totals(r));
    expect(totals(r).lines).toEqual({ covered: 4, total: 6 });
  });

  test('totals-only reports add their totals to the files', () => {
    const merged = mergeCoverage([
      { files: [file('src/a.js', 5, 10)] },
      { files: [], totals: { lines: { covered: 150, total: 200 } } },
      {
        files: [],
        totals: { lines: { covered: 10, total: 10 }, functions: { covered: 1, total: 2 } },
      },
    ]);
    expect(merged.totals).toEqual({
      lines: { covered: 160, total: 210 },
      functions: { covered: 1, total: 2 },
    });
    expect(totals(merged)).toEqual({
      lines: { covered: 165, total: 220 },
      functions: { covered: 1, total: 2 },
    });
  });

  test('no reports: no files, no totals', () => {
    expect(mergeCoverage([])).toEqual({ files: [] });
    expect(totals({ files: [] })).toEqual({});
  });
});

describe('totals', () => {
  test('a metric that no file reports is absent; one that some files report sums those', () => {
    expect(
      totals({
        files: [file('a', 1, 2, { branches: { covered: 1, total: 4 } }), file('b', 3, 3)],
      }),
    ).toEqual({ lines: { covered: 4, total: 5 }, branches: { covered: 1, total: 4 } });
  });
});

describe('percent', () => {
  test.each<[number, number, number]>([
    [79999, 100000, 79.99], // floored, not rounded to 80
    [7999, 10000, 79.99],
    [8000, 10000, 80],
    [2, 3, 66.66],
    [1, 3, 33.33],
    [1, 1, 100],
    [0, 5, 0],
    [0, 0, 100], // nothing to cover
  ])('%d/%d → %d', (covered, total, expected) => {
    expect(percent({ covered, total })).toBe(expected);
  });
});

describe('merging the shards of one test run', () => {
  const shard = (hits: string): string =>
    ['SF:/ws/src/a.js', ...hits.split(',').map((h, i) => `DA:${i + 1},${h}`), 'end_of_record'].join(
      '\n',
    );

  test('line hits add up: a line covered by either shard is covered', () => {
    const one = parseLcovWithHits('coverage', 'shard1/lcov.info', shard('1,0,0,0'), CTX);
    const two = parseLcovWithHits('coverage', 'shard2/lcov.info', shard('0,2,0,0'), CTX);
    const merged = mergeWithHits([one, two]);
    expect(merged.files[0]!.metrics.lines).toEqual({ covered: 2, total: 4 });
    expect(merged.files[0]!.uncovered).toEqual([3, 4]);
    expect(totals(merged).lines).toEqual({ covered: 2, total: 4 });
  });

  test('branch and function hits add up as lcov -a adds them, not the larger count', () => {
    const record = (brda: string[], fnda: string[]): string =>
      [
        'SF:/ws/src/a.js',
        'FN:1,f',
        'FN:5,g',
        ...fnda,
        'FNF:2',
        `FNH:${fnda.filter((l) => !l.startsWith('FNDA:0,')).length}`,
        ...brda,
        `BRF:${brda.length}`,
        `BRH:${brda.filter((l) => !/,(0|-)$/.test(l)).length}`,
        'DA:1,1',
        'end_of_record',
      ].join('\n');
    const one = parseLcovWithHits(
      'coverage',
      '1.info',
      record(
        ['BRDA:2,0,0,1', 'BRDA:2,0,1,0', 'BRDA:6,1,0,-', 'BRDA:6,1,1,-'],
        ['FNDA:1,f', 'FNDA:0,g'],
      ),
      CTX,
    );
    const two = parseLcovWithHits(
      'coverage',
      '2.info',
      record(
        ['BRDA:2,0,0,0', 'BRDA:2,0,1,3', 'BRDA:6,1,0,2', 'BRDA:6,1,1,-'],
        ['FNDA:0,f', 'FNDA:4,g'],
      ),
      CTX,
    );
    expect(totals(one).branches).toEqual({ covered: 1, total: 4 });
    expect(totals(two).branches).toEqual({ covered: 2, total: 4 });
    const merged = totals(mergeWithHits([one, two]));
    // lcov -a: 3 of 4 branches and both functions hit somewhere (the larger count said 2/4 and 1/2).
    expect(merged.branches).toEqual({ covered: 3, total: 4 });
    expect(merged.functions).toEqual({ covered: 2, total: 2 });
  });

  test('a report without lines (istanbul summary) and one with lines: the larger count wins', () => {
    const lcov = parseLcovWithHits('coverage', 'lcov.info', shard('1,1,0,0'), CTX);
    const summary = parseIstanbulSummary(
      'coverage',
      's.json',
      JSON.stringify({
        total: { lines: { total: 4, covered: 3 } },
        '/ws/src/a.js': { lines: { total: 4, covered: 3 } },
      }),
      CTX,
    );
    expect(totals(mergeWithHits([lcov, summary])).lines).toEqual({ covered: 3, total: 4 });
  });
});

describe('percent: exact where the ratio is exact', () => {
  test.each([
    [57, 100, 57],
    [69, 100, 69],
    [7, 27, 25.92],
    [2, 3, 66.66],
  ])('%i of %i is %d', (covered, total, expected) => {
    expect(percent({ covered, total })).toBe(expected);
  });
});
