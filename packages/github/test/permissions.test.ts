/**
 * What a refusal means, from real refusals: Octokit's errors for the loopback GitHub fake's answers
 * to a token without the permission, an unknown token, a missing repository, a bad ref, no server.
 */
import { RecordingLogger } from '../../../test/support/fakes.js';
import { startGithubFake, type GithubFake } from '../../../test/support/github-fake/index.js';
import { createGithubClient, type GithubClient } from '../src/client.js';
import {
  DEPLOYMENTS_PERMISSIONS,
  gotAnswer,
  permissionProblem,
  statusOf,
} from '../src/permissions.js';

let fake: GithubFake;
beforeAll(async () => {
  fake = await startGithubFake({
    tokens: {
      ghs_full: { deployments: 'write', administration: 'write', contents: 'read' },
      ghs_read: { contents: 'read' },
    },
  });
});
afterAll(() => fake.close());

const client = (token: string, url = fake.url): GithubClient =>
  createGithubClient({
    token,
    env: { GITHUB_API_URL: url },
    log: new RecordingLogger(),
    setSecret: () => undefined,
    retries: 0,
  });

/** The error a call throws (a test fails when it resolves). */
async function refusal(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call was not refused');
}

const deploy = (octokit: GithubClient, repo = 'service', ref = 'main'): Promise<unknown> =>
  octokit.rest.repos.createDeployment({
    owner: 'octo-org',
    repo,
    ref,
    environment: 'production',
    auto_merge: false,
    required_contexts: [],
  });

describe('permissionProblem', () => {
  test('403 "Resource not accessible by integration" on deployments: the exact permissions block', async () => {
    const error = await refusal(() => deploy(client('ghs_read')));
    expect(statusOf(error)).toBe(403);
    expect(permissionProblem(error, 'deployments')).toBe(
      'the token may not write deployments (403: Resource not accessible by integration). ' +
        'Give the job this block (under the job, beside environment:):\n' +
        'permissions:\n  contents: read\n  deployments: write',
    );
    expect(DEPLOYMENTS_PERMISSIONS).toBe('permissions:\n  contents: read\n  deployments: write');
  });

  test('a 404 on deployments (GitHub hides what the token may not see) gives the block too', async () => {
    const error = await refusal(() => deploy(client('ghs_full'), 'no-such-repo'));
    expect(statusOf(error)).toBe(404);
    expect(permissionProblem(error, 'deployments')).toMatch(
      /^the token may not write deployments, or cannot see the repository \(404: Not Found\)\. .*\npermissions:\n/,
    );
  });

  test('environments: says a job token can never manage them and which token to use', async () => {
    const octokit = client('ghs_read');
    const error = await refusal(() =>
      octokit.rest.repos.createOrUpdateEnvironment({
        owner: 'octo-org',
        repo: 'service',
        environment_name: 'production',
        wait_timer: 0,
      }),
    );
    expect(permissionProblem(error, 'environments')).toMatch(
      /^the token may not manage environments \(403: Resource not accessible by integration\)\. That needs "Administration: write" .*GITHUB_TOKEN can never have: pass a fine-grained personal access token or a GitHub App installation token/,
    );
  });

  test('an unknown token (401): says to check the token input', async () => {
    const error = await refusal(() => deploy(client('ghs_unknown')));
    expect(permissionProblem(error, 'deployments')).toMatch(
      /^GitHub refused the token \(401: .*\): it is expired, revoked or not a token; check the token input$/,
    );
  });

  test('not a permission problem: a ref GitHub does not know (422), and no server at all', async () => {
    const bad = await refusal(() => deploy(client('ghs_full'), 'service', 'no-such-branch'));
    expect(statusOf(bad)).toBe(422);
    expect(permissionProblem(bad, 'deployments')).toBeUndefined();

    const closed = await startGithubFake();
    const url = closed.url;
    await closed.close();
    const offline = await refusal(() => deploy(client('ghs_full', url)));
    expect(gotAnswer(offline)).toBe(false);
    expect(permissionProblem(offline, 'deployments')).toBeUndefined();
  });
});
