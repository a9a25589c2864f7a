// Unit tests for the lock-file guard: node --test scripts/lib/lockfile.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  floatingKind,
  floatingSpecs,
  lockProblems,
  pinnedByOverride,
  unreviewedScripts,
} from './lockfile.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name) => JSON.parse(readFileSync(join(here, 'fixtures', name), 'utf8'));
const plainPackage = { dependencies: { yaml: '^2.9.1' }, devDependencies: { formatter: '^3.1.0' } };

describe('floatingKind', () => {
  const rows = [
    ['latest', 'dist-tag'],
    ['next', 'dist-tag'],
    ['beta', 'dist-tag'],
    ['*', 'wildcard'],
    ['x', 'wildcard'],
    ['X', 'wildcard'],
    ['', 'wildcard'],
    ['  ', 'wildcard'],
    ['x.x', 'wildcard'],
    ['^1.0.0 || *', 'wildcard'],
    ['npm:left-pad', 'dist-tag'],
    ['npm:left-pad@latest', 'dist-tag'],
    ['npm:@scope/pad@*', 'wildcard'],
    ['npm:left-pad@^1.3.0', null],
    ['^1.2.3', null],
    ['~1.2', null],
    ['1.2.3', null],
    ['v1.2.3', null],
    ['>=1.0.0 <2', null],
    ['1.x', null],
    ['1.2.3 - 2.0.0', null],
    ['https://example.invalid/pkg.tgz', null],
    ['git+ssh://git@example.invalid/a/b.git#abc', null],
    ['file:../pkg', null],
    ['owner/repo', null],
  ];
  for (const [spec, kind] of rows) {
    it(`${JSON.stringify(spec)} is ${kind ?? 'held by the lock'}`, () => {
      assert.equal(floatingKind(spec), kind);
    });
  }
});

describe('pinnedByOverride', () => {
  const root = { types: '^1.0.0', floaty: 'latest' };
  it('a top-level entry pins everywhere, with or without a version on its key', () => {
    assert.ok(pinnedByOverride({ chardet: '4.0.0' }, ['a', 'b'], 'chardet', root));
    assert.ok(pinnedByOverride({ 'chardet@4': '4.0.0' }, ['a'], 'chardet', root));
    assert.ok(pinnedByOverride({ '@s/chardet@4': { '.': '4.0.0' } }, ['a'], '@s/chardet', root));
  });
  it('a nested entry pins only inside that package, at any depth below it', () => {
    const o = { formatter: { chardet: '4.0.0' } };
    assert.ok(pinnedByOverride(o, ['tool', 'formatter'], 'chardet', root));
    assert.ok(pinnedByOverride(o, ['formatter', 'inner'], 'chardet', root));
    assert.equal(pinnedByOverride(o, ['other'], 'chardet', root), false);
  });
  it('a $reference pins when the root spec it names holds', () => {
    assert.ok(pinnedByOverride({ types: '$types' }, ['a'], 'types', root));
    assert.equal(pinnedByOverride({ floaty: '$floaty' }, ['a'], 'floaty', root), false);
    assert.equal(pinnedByOverride({ gone: '$gone' }, ['a'], 'gone', root), false);
  });
  it('an override that floats itself pins nothing', () => {
    assert.equal(pinnedByOverride({ chardet: 'latest' }, ['a'], 'chardet', root), false);
    assert.equal(pinnedByOverride({ chardet: { other: '1.0.0' } }, ['a'], 'chardet', root), false);
    assert.equal(pinnedByOverride(undefined, ['a'], 'chardet', root), false);
  });
});

describe('floatingSpecs', () => {
  it('a clean lock has none', () => {
    assert.deepEqual(floatingSpecs(fixture('lock-clean.json'), plainPackage), []);
  });

  it('names each floating spec, the package that asks and the path to it', () => {
    const found = floatingSpecs(fixture('lock-latest.json'), plainPackage);
    assert.deepEqual(found, [
      {
        name: 'chardet',
        spec: 'latest',
        kind: 'dist-tag',
        field: 'dependencies',
        by: 'formatter@3.1.0',
        chain: ['formatter', 'chardet'],
      },
      {
        name: 'types',
        spec: '*',
        kind: 'wildcard',
        field: 'dependencies',
        by: 'yaml@2.9.1',
        chain: ['yaml', 'types'],
      },
    ]);
  });

  it('overrides that pin them silence both', () => {
    assert.deepEqual(
      floatingSpecs(fixture('lock-latest.json'), fixture('package-pinned.json')),
      [],
    );
  });

  it('the root package itself cannot be excused by an override', () => {
    const lock = { packages: { '': { devDependencies: { tool: 'next' } } } };
    const found = floatingSpecs(lock, {
      devDependencies: { tool: 'next' },
      overrides: { tool: '1.0.0' },
    });
    assert.equal(found.length, 1);
    assert.equal(found[0].by, 'the root package');
  });

  it('an optional peer that is not installed is not a problem; one that is installed is', () => {
    const lock = {
      packages: {
        '': { devDependencies: { eslint: '^10.0.0' } },
        'node_modules/eslint': {
          version: '10.0.0',
          peerDependencies: { jiti: '*' },
          peerDependenciesMeta: { jiti: { optional: true } },
        },
      },
    };
    assert.deepEqual(floatingSpecs(lock, {}), []);
    lock.packages['node_modules/jiti'] = { version: '2.0.0' };
    assert.equal(floatingSpecs(lock, {})[0]?.name, 'jiti');
  });
});

describe('unreviewedScripts', () => {
  const lock = {
    packages: {
      '': {},
      'node_modules/a': { version: '1.0.0', hasInstallScript: true },
      'node_modules/b': { version: '2.0.0', hasInstallScript: true },
      'node_modules/c': { version: '3.0.0' },
    },
  };
  it('lists install scripts that allowScripts neither allows nor denies', () => {
    assert.deepEqual(
      unreviewedScripts(lock, {}).map((s) => s.name),
      ['a', 'b'],
    );
  });
  it('a name, or a name pinned to the installed version, reviews one', () => {
    assert.deepEqual(unreviewedScripts(lock, { allowScripts: { a: false, 'b@2.0.0': true } }), []);
    assert.deepEqual(
      unreviewedScripts(lock, { allowScripts: { a: false, 'b@1.0.0': true } }).map((s) => s.name),
      ['b'],
    );
  });
});

describe('lockProblems and scripts/check-lock.mjs', () => {
  it('says how to fix what it finds', () => {
    const lines = lockProblems(fixture('lock-latest.json'), plainPackage);
    assert.match(
      lines[0],
      /^chardet "latest" is a dist-tag in dependencies of formatter@3\.1\.0 \(formatter > chardet\)$/,
    );
    assert.match(lines.at(-1), /^fix: pin each one with an "overrides" entry/);
  });

  const run = (lock, pkg) => {
    const dir = mkdtempSync(join(tmpdir(), 'check-lock-'));
    try {
      writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
      writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
      execFileSync(process.execPath, [join(here, '..', 'check-lock.mjs'), dir], { stdio: 'pipe' });
      return { code: 0, stderr: '' };
    } catch (e) {
      return { code: e.status, stderr: String(e.stderr) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('exits 1 on a lock with a floating spec, naming it', () => {
    const r = run(fixture('lock-latest.json'), plainPackage);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /chardet "latest" is a dist-tag/);
  });

  it('exits 0 on the same lock pinned by overrides', () => {
    assert.equal(run(fixture('lock-latest.json'), fixture('package-pinned.json')).code, 0);
  });

  it("exits 0 on this repository's own lock", () => {
    const repo = join(here, '..', '..');
    const dir = mkdtempSync(join(tmpdir(), 'check-lock-repo-'));
    try {
      for (const f of ['package.json', 'package-lock.json']) cpSync(join(repo, f), join(dir, f));
      execFileSync(process.execPath, [join(here, '..', 'check-lock.mjs'), dir], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
