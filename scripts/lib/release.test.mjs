// Unit tests for the release plan: node --test scripts/lib/release.test.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  changelogDate,
  changelogSection,
  compareVersions,
  parseVersion,
  planRelease,
  releaseTags,
  tagNames,
} from './release.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const changelog = `# Changelog

All notable changes to this project are documented in this file.

## [Unreleased]

### Fixed

- something not released yet

## [1.1.0] - 2027-01-10

### Added

- a new input

## [1.0.1] - 2026-12-20

## [1.0.0] - 2026-12-07

### Added

- Six actions.
- The CLI.

[Unreleased]: https://github.com/org/switchyard/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/org/switchyard/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/org/switchyard/releases/tag/v1.0.0
`;

describe('parseVersion', () => {
  for (const [text, parsed] of [
    ['1.0.0', { major: 1, minor: 0, patch: 0 }],
    ['0.1.0', { major: 0, minor: 1, patch: 0 }],
    ['10.20.30', { major: 10, minor: 20, patch: 30 }],
    [' 1.4.2\n', { major: 1, minor: 4, patch: 2 }],
  ])
    it(`${JSON.stringify(text)} is a version`, () => assert.deepEqual(parseVersion(text), parsed));

  for (const text of [
    'v1.0.0',
    '1.0',
    '1',
    '1.0.0.0',
    '01.0.0',
    '1.00.0',
    '1.0.0-rc.1',
    '1.0.0+build',
    '1.0.x',
    '',
    ' ',
    undefined,
    '1.0.0\n2.0.0',
    '1.0.0; rm -rf /',
    '99999999999999999999.0.0',
  ])
    it(`${JSON.stringify(text)} is refused`, () => assert.throws(() => parseVersion(text)));
});

describe('compareVersions', () => {
  it('orders by major, then minor, then patch, numerically', () => {
    const sorted = ['1.10.0', '1.2.0', '0.9.9', '1.2.10', '1.2.9', '2.0.0']
      .map(parseVersion)
      .sort(compareVersions)
      .map((v) => `${v.major}.${v.minor}.${v.patch}`);
    assert.deepEqual(sorted, ['0.9.9', '1.2.0', '1.2.9', '1.2.10', '1.10.0', '2.0.0']);
  });
});

describe('tagNames', () => {
  it('vX.Y.Z and the moving vX', () => {
    assert.deepEqual(tagNames('1.4.2'), { release: 'v1.4.2', major: 'v1' });
    assert.deepEqual(tagNames('0.3.0'), { release: 'v0.3.0', major: 'v0' });
  });
});

describe('releaseTags', () => {
  it('keeps vX.Y.Z tags only', () => {
    const tags = releaseTags(['v1', 'v1.0.0', 'v1.2.0-rc.1', 'latest', '1.3.0', 'v2.0.0', '']);
    assert.deepEqual(
      tags.map((t) => t.tag),
      ['v1.0.0', 'v2.0.0'],
    );
  });
});

describe('changelogSection', () => {
  it('is the body under the heading, up to the next release', () => {
    assert.equal(changelogSection(changelog, '1.1.0'), '### Added\n\n- a new input');
  });
  it('the last section stops before the link definitions', () => {
    assert.equal(changelogSection(changelog, '1.0.0'), '### Added\n\n- Six actions.\n- The CLI.');
  });
  it('an empty section is an empty string, a missing one undefined', () => {
    assert.equal(changelogSection(changelog, '1.0.1'), '');
    assert.equal(changelogSection(changelog, '2.0.0'), undefined);
  });
  it('a version is matched whole: 1.0.0 is not 1.0.00 nor 11.0.0, and dots are not wildcards', () => {
    const text = '## [11.0.0]\n\neleven\n\n## [1x0x0]\n\nno\n';
    assert.equal(changelogSection(text, '1.0.0'), undefined);
    assert.equal(changelogSection(text, '11.0.0'), 'eleven');
  });
  it('reads CRLF files and headings without a date', () => {
    assert.equal(changelogSection('## [1.0.0]\r\n\r\n- one\r\n', '1.0.0'), '- one');
  });
  it('leaves out one-line HTML comments (editing hints)', () => {
    const text = '## [1.0.0]\n\n<!-- hint -->\n\n- one\n  <!-- another -->\n';
    assert.equal(changelogSection(text, '1.0.0'), '- one');
  });
  it('does not take a heading that merely mentions the version', () => {
    assert.equal(changelogSection('## Notes on [1.0.0]\n\n- no\n', '1.0.0'), undefined);
  });
});

describe('changelogDate', () => {
  it('reads the date of a heading', () => {
    assert.equal(changelogDate(changelog, '1.1.0'), '2027-01-10');
    assert.equal(changelogDate('## [1.0.0]\n', '1.0.0'), undefined);
  });
});

describe('planRelease', () => {
  const base = { changelog, tags: [], ref: 'refs/heads/main' };

  it('the first release: vX.Y.Z, v1 moves, Latest, notes from the changelog', () => {
    const p = planRelease({ ...base, version: '1.0.0' });
    assert.deepEqual(p, {
      ok: true,
      version: '1.0.0',
      tag: 'v1.0.0',
      majorTag: 'v1',
      moveMajor: true,
      latest: true,
      notes: '### Added\n\n- Six actions.\n- The CLI.',
    });
  });

  it('a newer minor moves v1', () => {
    const p = planRelease({ ...base, version: '1.1.0', tags: ['v1', 'v1.0.0'] });
    assert.equal(p.ok, true);
    assert.equal(p.moveMajor, true);
    assert.equal(p.latest, true);
  });

  it('a backport leaves v1 where it is and is not Latest', () => {
    const p = planRelease({
      changelog: '## [1.0.2]\n\n- fix\n',
      ref: 'refs/heads/release/1.0',
      version: '1.0.2',
      tags: ['v1', 'v1.0.0', 'v1.1.0'],
    });
    assert.equal(p.ok, true);
    assert.equal(p.moveMajor, false);
    assert.equal(p.latest, false);
  });

  it('the last 1.x after 2.0 moves v1 but is not Latest', () => {
    const p = planRelease({
      changelog: '## [1.2.0]\n\n- x\n',
      ref: 'refs/heads/release/1.x',
      version: '1.2.0',
      tags: ['v1', 'v1.1.0', 'v2', 'v2.0.0'],
    });
    assert.equal(p.moveMajor, true);
    assert.equal(p.latest, false);
    assert.equal(p.majorTag, 'v1');
  });

  it('refuses an existing tag, naming it', () => {
    const p = planRelease({ ...base, version: '1.0.0', tags: ['v1.0.0'] });
    assert.equal(p.ok, false);
    assert.match(p.problems.join('\n'), /v1\.0\.0 already exists/);
  });

  it('refuses a version without a changelog section, or with an empty one', () => {
    const missing = planRelease({ ...base, version: '2.0.0' });
    assert.equal(missing.ok, false);
    assert.match(missing.problems[0], /no "## \[2\.0\.0\]" section/);
    const empty = planRelease({ ...base, version: '1.0.1' });
    assert.equal(empty.ok, false);
    assert.match(empty.problems[0], /section is empty/);
  });

  it('refuses a run on a tag', () => {
    const p = planRelease({ ...base, version: '1.0.0', ref: 'refs/tags/v0.9.0' });
    assert.equal(p.ok, false);
    assert.match(p.problems[0], /from a branch, not refs\/tags\/v0\.9\.0/);
  });

  it('refuses a malformed version before anything else', () => {
    const p = planRelease({ ...base, version: 'v1.0.0' });
    assert.equal(p.ok, false);
    assert.equal(p.problems.length, 1);
    assert.match(p.problems[0], /not X\.Y\.Z/);
  });

  it('lists every problem at once', () => {
    const p = planRelease({ ...base, version: '3.0.0', tags: ['v3.0.0'], ref: 'refs/tags/x' });
    assert.equal(p.problems.length, 3);
  });
});

describe("this repository's CHANGELOG.md", () => {
  it('follows Keep a Changelog: an Unreleased section, and 1.0.0 with a date and notes', () => {
    const text = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
    assert.notEqual(changelogSection(text, 'Unreleased'), undefined);
    assert.match(changelogDate(text, '1.0.0') ?? '', /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(changelogSection(text, '1.0.0').length > 0);
  });
});
