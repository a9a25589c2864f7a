import { InputError } from '@switchyard/kit';
import {
  computeTags,
  defaultTagRules,
  expand,
  formatDate,
  MAX_TAG_LENGTH,
  parseTagRules,
  sanitizeTag,
  type GitContext,
  type LatestMode,
} from '@switchyard/image';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const DATE = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));

/** A git context: a push to main unless the row says otherwise. */
const git = (over: Partial<GitContext> = {}): GitContext => ({
  event: 'push',
  ref: 'refs/heads/main',
  sha: SHA,
  defaultBranch: 'main',
  existingTags: [],
  date: DATE,
  ...over,
});

/** Rows name the default rules (as main.ts picks them) by these keys, to keep titles short. */
const D = 'defaultTagRules(true)';
const DN = 'defaultTagRules(false)';
const ruleText = (rules: string): string =>
  rules === D ? defaultTagRules(true) : rules === DN ? defaultTagRules(false) : rules;

const tagsFor = (rules: string, ctx: GitContext, latest: LatestMode = 'auto') =>
  computeTags(parseTagRules('tags', ruleText(rules)), ctx, latest);

const tag = (name: string): Partial<GitContext> => ({ ref: `refs/tags/${name}` });
const branch = (name: string): Partial<GitContext> => ({ ref: `refs/heads/${name}` });
const pr17: Partial<GitContext> = { event: 'pull_request', ref: 'refs/pull/17/merge' };
const RELEASE = ['1.4.2', '1.4', '1', 'latest', 'sha-0123456'];
const IS_DEFAULT = 'type=raw,value=stable,enable={{is_default_branch}}';

type Row = [string, Partial<GitContext>, string[], string, LatestMode?];

describe('computeTags', () => {
  const rows: Row[] = [
    // Releases: every floating tag and latest go to the newest release.
    ['release', tag('v1.4.2'), RELEASE, D],
    [
      'release, newest of the existing tags',
      { ...tag('v1.4.2'), existingTags: ['v1.0.0', 'v1.4.1', 'v1.4.2'] },
      RELEASE,
      D,
    ],
    ['release event', { ...tag('v1.4.2'), event: 'release' }, RELEASE, D],
    ['tag without v', tag('1.4.2'), RELEASE, D],
    [
      'new major after 1.x',
      { ...tag('v2.0.0'), existingTags: ['v1.9.9', 'v1.10.0'] },
      ['2.0.0', '2.0', '2', 'latest', 'sha-0123456'],
      D,
    ],
    [
      'pre-releases among existing tags do not count',
      { ...tag('v1.4.2'), existingTags: ['v1.5.0-rc.1', 'v2.0.0-beta.1'] },
      RELEASE,
      D,
    ],
    [
      'non-semver existing tags are ignored',
      { ...tag('v1.4.2'), existingTags: ['nightly', 'release-9'] },
      RELEASE,
      D,
    ],
    [
      'build metadata: + becomes -',
      tag('v1.4.2+build.7'),
      ['1.4.2-build.7', '1.4', '1', 'latest', 'sha-0123456'],
      D,
    ],
    // Pre-releases: the exact version only.
    ['pre-release', tag('v1.3.0-rc.1'), ['1.3.0-rc.1', 'sha-0123456'], D],
    [
      'pre-release newer than every release',
      { ...tag('v1.3.0-rc.1'), existingTags: ['v1.2.0'] },
      ['1.3.0-rc.1', 'sha-0123456'],
      D,
    ],
    // Backports and newest-within-minor / major.
    [
      'backport to 1.2',
      { ...tag('v1.2.9'), existingTags: ['v1.2.8', 'v1.4.2'] },
      ['1.2.9', '1.2', 'sha-0123456'],
      D,
    ],
    [
      'older patch of the newest minor',
      { ...tag('v1.4.1'), existingTags: ['v1.4.2'] },
      ['1.4.1', 'sha-0123456'],
      D,
    ],
    [
      'patch of an older minor',
      { ...tag('v1.3.5'), existingTags: ['v1.3.4', 'v1.4.0'] },
      ['1.3.5', '1.3', 'sha-0123456'],
      D,
    ],
    [
      'newest 1.x while 2.0.0 exists',
      { ...tag('v1.5.0'), existingTags: ['v2.0.0', 'v1.4.0'] },
      ['1.5.0', '1.5', '1', 'sha-0123456'],
      D,
    ],
    [
      '1.10.0 is newer than 1.4.2 (numeric, not lexical)',
      { ...tag('v1.4.2'), existingTags: ['v1.10.0'] },
      ['1.4.2', '1.4', 'sha-0123456'],
      D,
    ],
    // Non-semver git tags.
    ['non-semver tag', tag('release-2024'), ['release-2024', 'sha-0123456'], DN],
    ['non-semver tag, sanitised', tag('Deploy/Prod'), ['deploy-prod', 'sha-0123456'], DN],
    // Branch pushes.
    ['push to main', {}, ['main', 'sha-0123456'], D],
    ['push to a feature branch', branch('Feature/Foo_Bar'), ['feature-foo_bar', 'sha-0123456'], D],
    [
      'dependabot branch',
      branch('dependabot/npm_and_yarn/lodash-4.17.21'),
      ['dependabot-npm_and_yarn-lodash-4.17.21', 'sha-0123456'],
      D,
    ],
    ['workflow_dispatch on main', { event: 'workflow_dispatch' }, ['main', 'sha-0123456'], D],
    ['type=ref,event=pr on a push', {}, [], 'type=ref,event=pr'],
    // Pull requests: pr-N, never the branch.
    ['pull request', pr17, ['pr-17', 'sha-0123456'], D],
    [
      'pull request with the payload number',
      { ...pr17, prNumber: 17 },
      ['pr-17', 'sha-0123456'],
      D,
    ],
    [
      'pull_request_target on the base branch',
      { event: 'pull_request_target', ref: 'refs/heads/main', prNumber: 17 },
      ['pr-17', 'sha-0123456'],
      D,
    ],
    ['pull request, own prefix', pr17, ['pull-17'], 'type=ref,event=pr,prefix=pull-'],
    [
      'pull request, base_ref',
      { ...pr17, baseRef: 'main' },
      ['base-main'],
      'type=raw,value=base-{{base_ref}}',
    ],
    // Schedule.
    ['schedule', { event: 'schedule' }, ['nightly', 'main', 'sha-0123456'], D],
    [
      'schedule, dated',
      { event: 'schedule' },
      ['20260102'],
      "type=schedule,pattern={{date 'YYYYMMDD'}}",
    ],
    [
      'schedule, date and time',
      { event: 'schedule' },
      ['nightly-2026.01.02-030405'],
      "type=schedule,pattern=nightly-{{date 'YYYY.MM.DD-HHmmss'}}",
    ],
    ['schedule rule on a push', {}, [], 'type=schedule'],
    // Raw values and expressions.
    ['raw with branch and sha', {}, ['main-0123456'], 'type=raw,value={{branch}}-{{sha}}'],
    ['bare line is raw', {}, ['stable'], 'stable'],
    ['raw {{tag}}', tag('v1.4.2'), ['v1.4.2'], 'type=raw,value={{tag}}'],
    [
      'raw {{branch}} on a tag: empty part, leading - dropped',
      tag('v1.4.2'),
      ['0123456'],
      'type=raw,value={{branch}}-{{sha}}',
    ],
    ['raw with a quoted comma', {}, ['a-b'], 'type=raw,value="a,b"'],
    // Prefix and suffix.
    [
      'semver prefix and suffix',
      tag('v1.4.2'),
      ['v1.4.2', '1.4-alpine', 'latest'],
      'type=semver,pattern={{version}},prefix=v\ntype=semver,pattern={{major}}.{{minor}},suffix=-alpine',
    ],
    [
      'prefix and suffix with expressions',
      {},
      ['20260102-main-0123456'],
      "type=ref,event=branch,prefix={{date 'YYYYMMDD'}}-,suffix=-{{sha}}",
    ],
    ['sha without prefix', {}, ['0123456'], 'type=sha,prefix='],
    ['sha with prefix and suffix', {}, ['git-0123456-x'], 'type=sha,prefix=git-,suffix=-x'],
    // enable.
    ['enable={{is_default_branch}} on main', {}, ['stable'], IS_DEFAULT],
    ['enable={{is_default_branch}} on dev', branch('dev'), [], IS_DEFAULT],
    [
      'enable={{is_default_branch}}, default branch unknown',
      { defaultBranch: undefined },
      [],
      IS_DEFAULT,
    ],
    ['enable=false', {}, ['x'], 'type=sha,enable=false\ntype=raw,value=x'],
    [
      'disabled semver rule makes no release',
      tag('v1.4.2'),
      ['sha-0123456'],
      'type=semver,pattern={{version}},enable=false\ntype=sha',
    ],
    // edge.
    ['edge on the default branch', {}, ['edge'], 'type=edge'],
    ['edge on another branch', branch('dev'), [], 'type=edge'],
    ['edge on a named branch', branch('develop'), ['edge'], 'type=edge,branch=develop'],
    ['edge, default branch unknown', { defaultBranch: undefined }, [], 'type=edge'],
    ['edge on a tag', tag('v1.4.2'), [], 'type=edge'],
    // sha format.
    ['long sha', {}, [`sha-${SHA}`], 'type=sha,format=long'],
    // latest modes.
    ['latest=false on a release', tag('v1.4.2'), ['1.4.2', '1.4', '1', 'sha-0123456'], D, 'false'],
    ['latest=true on a branch: at the end', {}, ['main', 'sha-0123456', 'latest'], D, 'true'],
    [
      'latest=true on a pre-release: after the semver tags',
      tag('v1.3.0-rc.1'),
      ['1.3.0-rc.1', 'latest', 'sha-0123456'],
      D,
      'true',
    ],
    [
      'latest=true on a backport',
      { ...tag('v1.2.9'), existingTags: ['v1.4.2'] },
      ['1.2.9', '1.2', 'latest', 'sha-0123456'],
      D,
      'true',
    ],
    ['latest=auto without semver rules', tag('v1.4.2'), ['sha-0123456'], 'type=sha'],
    [
      'raw latest is not doubled',
      tag('v1.4.2'),
      ['1.4.2', 'latest'],
      'type=semver,pattern={{version}}\ntype=raw,value=latest',
    ],
    // Semver from value= and other patterns.
    [
      'semver from value= on a branch',
      {},
      ['2.1.0', 'latest'],
      'type=semver,pattern={{version}},value=v2.1.0',
    ],
    ['{{raw}} keeps the v', tag('v1.4.2'), ['v1.4.2', 'latest'], 'type=semver,pattern={{raw}}'],
    [
      '{{major}}.{{minor}}.{{patch}} drops build metadata',
      tag('v1.4.2+build.7'),
      ['1.4.2', 'latest'],
      'type=semver,pattern={{major}}.{{minor}}.{{patch}}',
    ],
    [
      'semver pattern with a date',
      tag('v1.4.2'),
      ['1.4.2-20260102', 'latest'],
      "type=semver,pattern={{version}}-{{date 'YYYYMMDD'}}",
    ],
    // Length, sanitising, dedupe, nothing.
    [
      'a 140-character tag is cut to 128',
      {},
      ['a'.repeat(MAX_TAG_LENGTH)],
      `type=raw,value=${'a'.repeat(140)}`,
    ],
    [
      'a long prefix is cut with the tag',
      {},
      [`${'x'.repeat(125)}-ma`],
      `type=ref,event=branch,prefix=${'x'.repeat(125)}-`,
    ],
    ['leading dots are dropped', {}, ['hidden'], 'type=raw,value=..hidden'],
    ['a tag of only dashes is dropped', {}, [], 'type=raw,value=---'],
    [
      'duplicates are dropped',
      {},
      ['main'],
      'type=ref,event=branch\ntype=raw,value=main\ntype=raw,value=Main',
    ],
    ['two sha rules make one tag', {}, ['sha-0123456'], 'type=sha\ntype=sha,format=short'],
    ['no rule applies', {}, [], 'type=ref,event=tag\ntype=semver,pattern={{version}}'],
    ['no rules', {}, [], ''],
  ];

  // Every row gets its latest mode, so jest never mistakes the last parameter for `done`.
  const full = rows.map(
    ([label, over, tags, rules, latest]) => [label, over, tags, rules, latest ?? 'auto'] as const,
  );
  test.each(full)('[%#] %s: given %o returns %o', (_label, over, expected, rules, latest) => {
    expect(tagsFor(rules, git(over), latest).tags).toEqual(expected);
  });
});

describe('computeTags: version', () => {
  test.each([
    [tag('v1.4.2'), D, '1.4.2'],
    [tag('v1.3.0-rc.1'), D, '1.3.0-rc.1'],
    [tag('v1.4.2+build.7'), D, '1.4.2+build.7'],
    [{ ...tag('v1.2.9'), existingTags: ['v1.4.2'] }, D, '1.2.9'],
    [{}, D, 'sha-0123456'],
    [tag('release-2024'), DN, 'sha-0123456'],
    [pr17, D, 'sha-0123456'],
    [{}, 'type=raw,value=x\ntype=sha,prefix=', '0123456'],
    [{}, 'type=raw,value=stable\ntype=ref,event=branch', 'stable'],
    [tag('v1.3.0-rc.1'), 'type=semver,pattern={{major}}', '1.3.0-rc.1'],
    [tag('v1.4.2'), 'type=semver,pattern={{version}},enable=false\ntype=sha', 'sha-0123456'],
    [{}, 'type=ref,event=tag', ''],
  ])('[%#] given %o and %o returns version %o', (over, rules, version) => {
    expect(tagsFor(rules, git(over)).version).toBe(version);
  });

  test('the semver the tags came from is returned with them', () => {
    expect(tagsFor(D, git(tag('v1.4.2'))).semver).toMatchObject({
      major: 1,
      minor: 4,
      raw: 'v1.4.2',
    });
    expect(tagsFor(D, git()).semver).toBeUndefined();
  });
});

describe('computeTags: notes', () => {
  test.each([
    [
      tag('v1.3.0-rc.1'),
      D,
      [
        '1.3.0-rc.1 is a pre-release: no "1.3" tag (type=semver,pattern={{major}}.{{minor}})',
        '1.3.0-rc.1 is a pre-release: no "1" tag (type=semver,pattern={{major}})',
        '1.3.0-rc.1 is a pre-release: no "latest" tag',
      ],
    ],
    [
      { ...tag('v1.2.9'), existingTags: ['v1.4.2'] },
      D,
      [
        '1.2.9 is older than v1.4.2: "1" stays with the newer release (type=semver,pattern={{major}})',
        '1.2.9 is older than v1.4.2: no "latest" tag',
      ],
    ],
    [
      { ...tag('v1.4.1'), existingTags: ['v1.4.2', 'v1.4.0'] },
      'type=semver,pattern={{major}}.{{minor}}',
      [
        '1.4.1 is older than v1.4.2: "1.4" stays with the newer release (type=semver,pattern={{major}}.{{minor}})',
      ],
    ],
    [
      branch('Feature/Foo_Bar'),
      'type=ref,event=branch',
      ['"Feature/Foo_Bar" became "feature-foo_bar" (tags are lower case [a-z0-9_.-], at most 128)'],
    ],
    [
      tag('release-2024'),
      'type=semver,pattern={{version}}',
      ['"release-2024" is not a semantic version: type=semver,pattern={{version}} made no tag'],
    ],
    [
      {},
      'type=raw,value=---',
      ['"---" has no character a tag may hold: type=raw,value=--- made no tag'],
    ],
    [tag('v1.4.2'), D, []],
    [{}, D, []],
  ])('[%#] given %o and %o notes %o', (over, rules, notes) => {
    expect(tagsFor(rules, git(over)).notes).toEqual(notes);
  });

  test('latest=false says nothing about latest', () => {
    expect(tagsFor(D, git(tag('v1.3.0-rc.1')), 'false').notes).not.toContainEqual(
      expect.stringContaining('"latest"'),
    );
  });
});

describe('computeTags: enable must come out as true or false', () => {
  test('an expression that evaluates to something else is an InputError naming tags', () => {
    const run = () => tagsFor('type=raw,value=x,enable={{branch}}', git());
    expect(run).toThrow(InputError);
    expect(run).toThrow(
      'input "tags": "type=raw,value=x,enable={{branch}}" enable evaluates to "main". enable must come out as true or false',
    );
  });
});

describe('sanitizeTag', () => {
  test.each([
    ['main', 'main'],
    ['Feature/Foo_Bar', 'feature-foo_bar'],
    ['1.4.2+build.7', '1.4.2-build.7'],
    ['.hidden', 'hidden'],
    ['-.-x', 'x'],
    ['_ok', '_ok'],
    ['a b\tc', 'a-b-c'],
    ['über', 'ber'],
    ['', ''],
    ['x'.repeat(200), 'x'.repeat(128)],
  ])('[%#] given %o returns %o', (raw, clean) => {
    expect(sanitizeTag(raw)).toBe(clean);
  });
});

describe('formatDate and expand', () => {
  test.each([
    ['YYYYMMDD', '20260102'],
    ['YYYY-MM-DD HH:mm:ss', '2026-01-02 03:04:05'],
    ['YY.MM', '26.01'],
    ['nightly', 'nightly'],
  ])('[%#] formatDate given %o returns %o', (format, text) => {
    expect(formatDate(DATE, format)).toBe(text);
  });

  test.each([
    ['{{branch}}', {}, 'main'],
    ['{{ branch }}', {}, 'main'],
    ['{{branch}}', tag('v1.4.2'), ''],
    ['{{tag}}', tag('v1.4.2'), 'v1.4.2'],
    ['{{sha}}', {}, '0123456'],
    ['{{base_ref}}', { ...pr17, baseRef: 'main' }, 'main'],
    ['{{is_default_branch}}', {}, 'true'],
    ['{{is_default_branch}}', branch('dev'), 'false'],
    ["v-{{date 'YYYYMMDD'}}", {}, 'v-20260102'],
    ['plain', {}, 'plain'],
  ])('[%#] expand given %o and %o returns %o', (text, over, out) => {
    expect(expand(text, git(over))).toBe(out);
  });
});
