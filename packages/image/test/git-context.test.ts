import {
  branchOf,
  gitContextFromEnv,
  isDefaultBranch,
  prOf,
  repositoryInfo,
  tagOf,
  type GitContext,
} from '@switchyard/image';

const DATE = new Date(Date.UTC(2026, 0, 2));
const git = (over: Partial<GitContext>): GitContext => ({
  event: 'push',
  ref: 'refs/heads/main',
  sha: 'abc',
  defaultBranch: 'main',
  existingTags: [],
  date: DATE,
  ...over,
});

describe('ref helpers', () => {
  test.each([
    [{}, 'main', undefined, undefined, true],
    [{ ref: 'refs/heads/feature/x' }, 'feature/x', undefined, undefined, false],
    [{ ref: 'refs/tags/v1.4.2' }, undefined, 'v1.4.2', undefined, false],
    [{ ref: 'refs/pull/17/merge' }, undefined, undefined, 17, false],
    [{ ref: 'refs/pull/17/head' }, undefined, undefined, 17, false],
    [{ ref: 'refs/pull/17/merge', prNumber: 18 }, undefined, undefined, 18, false],
    [{ defaultBranch: undefined }, 'main', undefined, undefined, false],
    [{ ref: '' }, undefined, undefined, undefined, false],
  ])(
    '[%#] given %o: branch %o, tag %o, pr %o, default branch %o',
    (over, branch, tag, pr, isDefault) => {
      const ctx = git(over);
      expect([branchOf(ctx), tagOf(ctx), prOf(ctx), isDefaultBranch(ctx)]).toEqual([
        branch,
        tag,
        pr,
        isDefault,
      ]);
    },
  );
});

describe('repositoryInfo', () => {
  test('reads a pull_request payload', () => {
    expect(
      repositoryInfo({
        pull_request: { number: 17 },
        repository: {
          default_branch: 'main',
          html_url: 'https://github.com/acme/shop',
          homepage: '',
          description: 'The shop',
          license: { spdx_id: 'Apache-2.0' },
          name: 'shop',
        },
      }),
    ).toEqual({
      defaultBranch: 'main',
      prNumber: 17,
      htmlUrl: 'https://github.com/acme/shop',
      homepage: undefined,
      description: 'The shop',
      license: 'Apache-2.0',
      name: 'shop',
    });
  });

  test.each([
    [{}, {}],
    [null, {}],
    ['not an object', {}],
    [{ repository: { license: { spdx_id: 'NOASSERTION' } } }, { license: undefined }],
    [{ repository: { license: null } }, { license: undefined }],
    [{ repository: { default_branch: 42 } }, { defaultBranch: '42' }],
    [{ repository: { description: null } }, { description: undefined }],
  ])('[%#] given %o returns %o', (payload, expected) => {
    expect(repositoryInfo(payload)).toMatchObject(expected);
  });
});

describe('gitContextFromEnv', () => {
  test('a pull request run', () => {
    expect(
      gitContextFromEnv(
        {
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_REF: 'refs/pull/17/merge',
          GITHUB_SHA: 'abc',
          GITHUB_BASE_REF: 'main',
        },
        { pull_request: { number: 17 }, repository: { default_branch: 'main' } },
        DATE,
      ),
    ).toEqual({
      event: 'pull_request',
      ref: 'refs/pull/17/merge',
      sha: 'abc',
      defaultBranch: 'main',
      prNumber: 17,
      baseRef: 'main',
      date: DATE,
    });
  });

  test('an empty environment leaves out what it does not know', () => {
    expect(gitContextFromEnv({ GITHUB_BASE_REF: '' }, {}, DATE)).toEqual({
      event: '',
      ref: '',
      sha: '',
      date: DATE,
    });
  });
});
