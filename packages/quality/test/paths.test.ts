import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expandGlobs, globToRegExp, workspacePath } from '../src/paths.js';

describe('globToRegExp', () => {
  test.each<[string, string[], string[]]>([
    ['*.xml', ['junit.xml', '.hidden.xml'], ['reports/junit.xml', 'junit.xml.bak', 'junit.json']],
    ['reports/*.xml', ['reports/a.xml'], ['reports/sub/a.xml', 'a.xml', 'reports/a.xmlx']],
    [
      'reports/**/*.xml',
      ['reports/a.xml', 'reports/x/a.xml', 'reports/x/y/z/a.xml'],
      ['a.xml', 'other/reports/a.xml', 'reports/a.json'],
    ],
    ['**/junit.xml', ['junit.xml', 'a/junit.xml', 'a/b/c/junit.xml'], ['a/xjunit.xml']],
    ['a/**/b', ['a/b', 'a/x/b', 'a/x/y/b'], ['a/xb', 'b', 'a/b/c']],
    ['coverage/**', ['coverage/lcov.info', 'coverage/a/b/c.json'], ['other/lcov.info']],
    [
      '{coverage,reports}/*.{info,xml}',
      ['coverage/lcov.info', 'reports/c.xml'],
      ['coverage/lcov.json', 'build/c.xml', 'coverage/a/lcov.info'],
    ],
    ['test-?.xml', ['test-1.xml', 'test-a.xml'], ['test-10.xml', 'test-/.xml']],
    ['r[0-9].xml', ['r1.xml', 'r9.xml'], ['ra.xml', 'r10.xml']],
    ['r[!0-9].xml', ['ra.xml'], ['r1.xml']],
    // Regex metacharacters in a glob are literal.
    ['a+b(1).xml', ['a+b(1).xml'], ['aab1.xml', 'a+b(1)xxml']],
    ['a.b', ['a.b'], ['axb']],
    // An unclosed bracket or brace is literal.
    ['a[b', ['a[b'], ['ab']],
    ['a{b', ['a{b'], ['ab']],
  ])('%s', (glob, matching, notMatching) => {
    const re = globToRegExp(glob);
    for (const p of matching) expect({ p, match: re.test(p) }).toEqual({ p, match: true });
    for (const p of notMatching) expect({ p, match: re.test(p) }).toEqual({ p, match: false });
  });
});

describe('expandGlobs', () => {
  let dir: string;
  const touch = (rel: string, text = 'x'): void => {
    const path = join(dir, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-quality-paths-'));
    touch('reports/junit.xml');
    touch('reports/unit/junit-a.xml');
    touch('reports/unit/junit-b.xml');
    touch('reports/e2e/deep/junit-c.xml');
    touch('reports/notes.txt');
    touch('coverage/lcov.info');
    touch('coverage/coverage-summary.json');
    touch('node_modules/pkg/junit.xml');
    touch('reports/node_modules/dep/junit.xml');
    touch('.git/junit.xml');
    touch('other/junit.xml');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const rel = (paths: string[]): string[] => paths.map((p) => p.slice(dir.length + 1));

  test('** matches any depth, sorted, as absolute paths; node_modules and .git are skipped', () => {
    const found = expandGlobs(['**/*.xml'], dir);
    expect(found.every((p) => p.startsWith(`${dir}/`))).toBe(true);
    expect(rel(found)).toEqual([
      'other/junit.xml',
      'reports/e2e/deep/junit-c.xml',
      'reports/junit.xml',
      'reports/unit/junit-a.xml',
      'reports/unit/junit-b.xml',
    ]);
  });

  test('the static prefix is the walk root: reports/**/*.xml finds nothing outside reports', () => {
    expect(rel(expandGlobs(['reports/**/*.xml'], dir))).toEqual([
      'reports/e2e/deep/junit-c.xml',
      'reports/junit.xml',
      'reports/unit/junit-a.xml',
      'reports/unit/junit-b.xml',
    ]);
  });

  test('* stays in one directory', () => {
    expect(rel(expandGlobs(['reports/*.xml'], dir))).toEqual(['reports/junit.xml']);
    expect(rel(expandGlobs(['reports/*/*.xml'], dir))).toEqual([
      'reports/unit/junit-a.xml',
      'reports/unit/junit-b.xml',
    ]);
  });

  test('{a,b} alternatives', () => {
    expect(rel(expandGlobs(['coverage/*.{info,json}'], dir))).toEqual([
      'coverage/coverage-summary.json',
      'coverage/lcov.info',
    ]);
    expect(rel(expandGlobs(['{other,reports}/junit.xml'], dir))).toEqual([
      'other/junit.xml',
      'reports/junit.xml',
    ]);
  });

  test('!pattern removes what earlier patterns matched; repeats are listed once', () => {
    expect(
      rel(
        expandGlobs(['reports/**/*.xml', 'reports/unit/*.xml', '!reports/unit/junit-b.xml'], dir),
      ),
    ).toEqual(['reports/e2e/deep/junit-c.xml', 'reports/junit.xml', 'reports/unit/junit-a.xml']);
    expect(rel(expandGlobs(['**/*.xml', '!reports/**'], dir))).toEqual(['other/junit.xml']);
  });

  test('a plain path names one file; ./ is dropped; a missing one matches nothing', () => {
    expect(expandGlobs(['coverage/lcov.info'], dir)).toEqual([join(dir, 'coverage/lcov.info')]);
    expect(expandGlobs(['./coverage/lcov.info'], dir)).toEqual([join(dir, 'coverage/lcov.info')]);
    expect(expandGlobs(['coverage/missing.info'], dir)).toEqual([]);
    // A directory is not a report file.
    expect(expandGlobs(['coverage'], dir)).toEqual([]);
  });

  test('a plain path into node_modules is still read when named explicitly', () => {
    expect(expandGlobs(['node_modules/pkg/junit.xml'], dir)).toEqual([
      join(dir, 'node_modules/pkg/junit.xml'),
    ]);
  });

  test('absolute patterns, and patterns relative to a subdirectory cwd', () => {
    expect(rel(expandGlobs([`${dir}/coverage/*.info`], '/'))).toEqual(['coverage/lcov.info']);
    expect(rel(expandGlobs(['../other/*.xml', 'unit/*-a.xml'], join(dir, 'reports')))).toEqual([
      'other/junit.xml',
      'reports/unit/junit-a.xml',
    ]);
  });

  test('a glob whose base directory does not exist matches nothing', () => {
    expect(expandGlobs(['missing/**/*.xml'], dir)).toEqual([]);
  });

  test('a symlink to a file counts as a file', () => {
    symlinkSync(join(dir, 'coverage/lcov.info'), join(dir, 'reports/link.info'));
    expect(rel(expandGlobs(['reports/*.info'], dir))).toEqual(['reports/link.info']);
  });
});

describe('workspacePath', () => {
  const ws = '/home/runner/work/app/app';

  test.each([
    ['absolute inside the workspace', `${ws}/src/a.ts`, ws, 'src/a.ts'],
    [
      'absolute outside the workspace stays absolute',
      '/usr/lib/node/x.js',
      ws,
      '/usr/lib/node/x.js',
    ],
    [
      'a sibling directory with the same prefix is outside',
      `${ws}-other/a.ts`,
      ws,
      `${ws}-other/a.ts`,
    ],
    ['relative to cwd (the workspace)', 'src/a.ts', ws, 'src/a.ts'],
    ['relative to a subdirectory cwd', 'src/a.ts', `${ws}/packages/api`, 'packages/api/src/a.ts'],
    ['.. from a subdirectory cwd', '../shared/b.ts', `${ws}/packages/api`, 'packages/shared/b.ts'],
    ['relative, leaving the workspace', '../../x.ts', ws, '/home/runner/work/x.ts'],
    ['file:// URI inside', `file://${ws}/src/a.ts`, '/', 'src/a.ts'],
    ['file:// URI with escapes', `file://${ws}/src/my%20file.ts`, '/', 'src/my file.ts'],
    ['file:// URI outside', 'file:///opt/lib/a.js', ws, '/opt/lib/a.js'],
    ['surrounding spaces are trimmed', `  ${ws}/src/a.ts\n`, ws, 'src/a.ts'],
  ])('%s', (_what, path, cwd, expected) => {
    expect(workspacePath(path, cwd, ws)).toBe(expected);
  });

  test('a pathToFileURL URI round-trips', () => {
    expect(workspacePath(pathToFileURL(`${ws}/src/ä b.ts`).href, '/', ws)).toBe('src/ä b.ts');
  });

  test('the workspace itself and its parent stay absolute', () => {
    expect(workspacePath(ws, ws, ws)).toBe(ws);
    expect(workspacePath('..', ws, ws)).toBe('/home/runner/work/app');
  });
});
