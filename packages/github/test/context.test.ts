import { ActionError } from '@switchyard/kit';
import { thrown } from '../../../test/support/thrown.js';
import { repositoryFrom, runContextFrom, serverUrlFrom, type Env } from '../src/context.js';

const SHA = 'a'.repeat(40);
const RUN: Env = {
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '9001',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SHA: SHA,
  GITHUB_REF: 'refs/tags/v1.4.0',
  GITHUB_ACTOR: 'octocat',
  GITHUB_WORKFLOW: 'pipeline',
  GITHUB_EVENT_NAME: 'push',
};

describe('runContextFrom (the run, from the runner variables)', () => {
  test('reads every field of a first attempt', () => {
    expect(runContextFrom(RUN)).toEqual({
      owner: 'acme',
      repo: 'shop',
      serverUrl: 'https://github.com',
      runId: '9001',
      runAttempt: 1,
      runUrl: 'https://github.com/acme/shop/actions/runs/9001',
      sha: SHA,
      ref: 'refs/tags/v1.4.0',
      actor: 'octocat',
      workflow: 'pipeline',
      eventName: 'push',
    });
  });

  test.each<[string, Env, Partial<ReturnType<typeof runContextFrom>>]>([
    [
      're-run: the URL names the attempt',
      { GITHUB_RUN_ATTEMPT: '3' },
      { runAttempt: 3, runUrl: 'https://github.com/acme/shop/actions/runs/9001/attempts/3' },
    ],
    ['attempt unset means 1', { GITHUB_RUN_ATTEMPT: undefined }, { runAttempt: 1 }],
    [
      'GitHub Enterprise Server, trailing slash dropped',
      { GITHUB_SERVER_URL: 'https://ghe.acme.test/' },
      {
        serverUrl: 'https://ghe.acme.test',
        runUrl: 'https://ghe.acme.test/acme/shop/actions/runs/9001',
      },
    ],
    [
      'server unset means github.com',
      { GITHUB_SERVER_URL: undefined },
      { serverUrl: 'https://github.com' },
    ],
    ['sha upper-case is normalised', { GITHUB_SHA: SHA.toUpperCase() }, { sha: SHA }],
    ['a 64-digit (SHA-256) commit id', { GITHUB_SHA: 'b'.repeat(64) }, { sha: 'b'.repeat(64) }],
    ['no workflow name is empty', { GITHUB_WORKFLOW: undefined }, { workflow: '' }],
  ])('[%s]', (_title, change, expected) => {
    expect(runContextFrom({ ...RUN, ...change })).toMatchObject(expected);
  });

  test.each<[Env, RegExp]>([
    [
      { GITHUB_REPOSITORY: undefined },
      /^GITHUB_REPOSITORY is not set: the repository as owner\/repo/,
    ],
    [{ GITHUB_REPOSITORY: '  ' }, /^GITHUB_REPOSITORY is not set/],
    [{ GITHUB_REPOSITORY: 'acme' }, /GITHUB_REPOSITORY is "acme", not owner\/repo/],
    [{ GITHUB_REPOSITORY: 'acme/shop/x' }, /not owner\/repo/],
    [{ GITHUB_REPOSITORY: 'acme/..' }, /not owner\/repo/],
    [{ GITHUB_REPOSITORY: 'ac me/shop' }, /not owner\/repo/],
    [{ GITHUB_RUN_ID: undefined }, /^GITHUB_RUN_ID is not set: the run id/],
    [{ GITHUB_RUN_ID: '12abc' }, /GITHUB_RUN_ID is "12abc", not the run id/],
    [{ GITHUB_RUN_ID: '0' }, /not the run id \(a whole number ≥ 1\)/],
    [{ GITHUB_RUN_ATTEMPT: '-1' }, /GITHUB_RUN_ATTEMPT is "-1"/],
    [{ GITHUB_SHA: undefined }, /^GITHUB_SHA is not set/],
    [{ GITHUB_SHA: 'main' }, /GITHUB_SHA is "main", not a commit id/],
    [{ GITHUB_REF: undefined }, /^GITHUB_REF is not set/],
    [{ GITHUB_REF: 'main' }, /GITHUB_REF is "main", not a git ref/],
    [{ GITHUB_REF: 'refs/heads/a\nb' }, /GITHUB_REF is "refs\/heads\/a\\nb"/],
    [{ GITHUB_ACTOR: '' }, /^GITHUB_ACTOR is not set/],
    [{ GITHUB_EVENT_NAME: undefined }, /^GITHUB_EVENT_NAME is not set/],
    [
      { GITHUB_SERVER_URL: 'ftp://ghe' },
      /GITHUB_SERVER_URL is "ftp:\/\/ghe": use an http\(s\) URL/,
    ],
    [{ GITHUB_SERVER_URL: 'not a url' }, /GITHUB_SERVER_URL is "not a url", not a URL/],
    [{ GITHUB_SERVER_URL: 'https://u:p@ghe' }, /no credentials/],
  ])('[%#] %o fails naming the variable', (change, message) => {
    const error = thrown(() => runContextFrom({ ...RUN, ...change }), ActionError);
    expect(error.message).toMatch(message);
  });

  test('a missing variable says it is set in every job', () => {
    expect(thrown(() => repositoryFrom({}), ActionError).message).toContain(
      'It is set in every GitHub Actions job',
    );
  });

  test('the server URL never echoes credentials', () => {
    expect(
      thrown(() => serverUrlFrom({ GITHUB_SERVER_URL: 'https://u:hunter2@ghe' }), ActionError)
        .message,
    ).not.toContain('hunter2');
  });
});
