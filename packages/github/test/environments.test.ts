/**
 * Environments as code against the fake GitHub (test/support/github-fake): real Octokit, real HTTP
 * on loopback, every request and answer checked against GitHub's OpenAPI description. The round trip
 * uses our client (retries, throttling); as plugin-throttling spaces writes a second apart, as GitHub
 * asks, the other cases use a plain Octokit to stay quick.
 */
import { Octokit } from '@octokit/rest';
import { ActionError } from '@switchyard/kit';
import { RecordingLogger } from '../../../test/support/fakes.js';
import { startGithubFake, type GithubFake } from '../../../test/support/github-fake/index.js';
import { createGithubClient, type GithubClient } from '../src/client.js';
import type { DesiredProtection } from '../src/environments-config.js';
import {
  applyEnvironments,
  planEnvironments,
  planIsEmpty,
  renderPlan,
} from '../src/environments.js';

const REPO = { owner: 'octo-org', repo: 'service' };
const DEPLOY_ONLY = 'ghs_deploy_only';

let fake: GithubFake;
beforeEach(async () => {
  fake = await startGithubFake({
    tokens: {
      ghs_full: { deployments: 'write', administration: 'write', contents: 'read' },
      [DEPLOY_ONLY]: { deployments: 'write', contents: 'read' },
    },
  });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

function client(token = 'ghs_full'): Octokit {
  return new Octokit({
    auth: token,
    baseUrl: fake.url,
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

function realClient(): GithubClient {
  return createGithubClient({
    token: 'ghs_full',
    env: { GITHUB_API_URL: fake.url },
    log: new RecordingLogger(),
    setSecret: () => undefined,
    retries: 0,
  });
}

const NONE: DesiredProtection = {
  reviewers: [],
  preventSelfReview: false,
  waitTimerMinutes: 0,
  refs: { kind: 'any' },
};

const PRODUCTION: DesiredProtection = {
  reviewers: [
    { kind: 'user', login: 'octo-dev' },
    { kind: 'team', org: 'octo-org', slug: 'release-managers' },
  ],
  preventSelfReview: true,
  waitTimerMinutes: 10,
  refs: { kind: 'custom', branches: ['main', 'release/*'], tags: ['v*'] },
};

const desired = (production: DesiredProtection): Map<string, DesiredProtection> =>
  new Map([
    ['staging', { ...NONE, refs: { kind: 'protected' } }],
    ['production', production],
  ]);

describe('planEnvironments / applyEnvironments', () => {
  test('the first plan lists every change, apply makes it so, the second plan is empty', async () => {
    const octokit = realClient();
    const first = await planEnvironments(octokit, REPO, desired(PRODUCTION));
    expect(renderPlan(first)).toEqual([
      'staging:',
      '  + environment staging',
      '  ~ deployment refs any branch → protected branches',
      'production:',
      '  + environment production',
      '  + reviewer octo-dev',
      '  + reviewer @octo-org/release-managers',
      '  ~ prevent self-review false → true',
      '  ~ wait timer 0 → 10m',
      '  ~ deployment refs any branch → selected branches and tags',
      '  + branch main',
      '  + branch release/*',
      '  + tag v*',
    ]);
    expect(fake.state.environments.size).toBe(0); // planning changes nothing

    const applied = await applyEnvironments(octokit, REPO, first);
    expect(applied.map((a) => [a.environment, a.settings, a.added.length])).toEqual([
      ['staging', true, 0],
      ['production', true, 3],
    ]);
    const prod = fake.state.environment('production');
    expect(prod.reviewers).toEqual([
      { type: 'User', id: 1001 },
      { type: 'Team', id: 2001 },
    ]);
    expect([prod.waitTimer, prod.preventSelfReview, prod.canAdminsBypass]).toEqual([
      10,
      true,
      true,
    ]);
    expect(prod.branchPolicy).toEqual({ protected_branches: false, custom_branch_policies: true });
    expect(prod.policies.map((p) => `${p.type} ${p.name}`)).toEqual([
      'branch main',
      'branch release/*',
      'tag v*',
    ]);
    expect(fake.state.environment('staging').branchPolicy).toEqual({
      protected_branches: true,
      custom_branch_policies: false,
    });

    const second = await planEnvironments(octokit, REPO, desired(PRODUCTION));
    expect(planIsEmpty(second)).toBe(true);
    expect(renderPlan(second)).toEqual([
      'No changes: the environments of octo-org/service match switchyard.yml.',
    ]);
    const writes = fake.requests.filter((r) => r.method !== 'GET').length;
    expect(await applyEnvironments(octokit, REPO, second)).toEqual([]);
    expect(fake.requests.filter((r) => r.method !== 'GET').length).toBe(writes);
  }, 30_000);

  test('removing a reviewer and a pattern, and the wait timer, is planned and applied', async () => {
    const octokit = client();
    await applyEnvironments(
      octokit,
      REPO,
      await planEnvironments(octokit, REPO, desired(PRODUCTION)),
    );
    const smaller: DesiredProtection = {
      ...PRODUCTION,
      reviewers: [{ kind: 'team', org: 'octo-org', slug: 'release-managers' }],
      waitTimerMinutes: 0,
      refs: { kind: 'custom', branches: ['main'], tags: ['v*', 'hotfix-*'] },
    };
    const plan = await planEnvironments(octokit, REPO, desired(smaller));
    expect(renderPlan(plan)).toEqual([
      'staging: no changes',
      'production:',
      '  - reviewer octo-dev',
      '  ~ wait timer 10m → 0',
      '  + tag hotfix-*',
      '  - branch release/*',
    ]);
    await applyEnvironments(octokit, REPO, plan);
    const prod = fake.state.environment('production');
    expect(prod.reviewers).toEqual([{ type: 'Team', id: 2001 }]);
    expect(prod.waitTimer).toBe(0);
    expect(prod.policies.map((p) => `${p.type} ${p.name}`).sort()).toEqual([
      'branch main',
      'tag hotfix-*',
      'tag v*',
    ]);
    expect(planIsEmpty(await planEnvironments(octokit, REPO, desired(smaller)))).toBe(true);
  });

  test('policies already on GitHub are kept or removed when custom policies are turned on', async () => {
    fake.state.putEnvironment('production', {
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    });
    fake.state.addPolicy('production', 'main', 'branch');
    fake.state.addPolicy('production', 'old\n::set-output name=x::y', 'branch');
    const octokit = client();
    const plan = await planEnvironments(octokit, REPO, new Map([['production', PRODUCTION]]));
    // GitHub's text is shown on one line, its control characters visible.
    expect(plan.environments[0]?.lines).toContain('- branch old\\n::set-output name=x::y');
    expect(plan.environments[0]?.lines).not.toContain('+ branch main');
    await applyEnvironments(octokit, REPO, plan);
    expect(fake.state.environment('production').policies.map((p) => p.name)).toEqual([
      'main',
      'release/*',
      'v*',
    ]);
  });

  test('admin bypass is planned only when the file sets it', async () => {
    fake.state.putEnvironment('production', {});
    const octokit = client();
    const unset = await planEnvironments(octokit, REPO, new Map([['production', NONE]]));
    expect(planIsEmpty(unset)).toBe(true);
    const off = await planEnvironments(
      octokit,
      REPO,
      new Map([['production', { ...NONE, adminBypass: false }]]),
    );
    expect(off.environments[0]?.lines).toEqual(['~ admin bypass true → false']);
  });

  test('a token without administration rights gets the fix, and nothing is changed', async () => {
    const octokit = client(DEPLOY_ONLY);
    const plan = await planEnvironments(octokit, REPO, desired(PRODUCTION));
    const error = await applyEnvironments(octokit, REPO, plan).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ActionError);
    const message = (error as ActionError).message;
    expect(message).toMatch(/update environment "staging" in octo-org\/service/);
    expect(message).toMatch(/"Administration: write"/);
    expect(message).toMatch(/GITHUB_TOKEN can never have/);
    expect(message).toMatch(/fine-grained personal access token or a GitHub App/);
    expect(fake.state.environments.size).toBe(0);
  });

  test.each([
    [{ kind: 'user', login: 'nobody-here' } as const, /reviewer nobody-here .*no such user/],
    [
      { kind: 'team', org: 'octo-org', slug: 'ghosts' } as const,
      /reviewer @octo-org\/ghosts .*no such team.*Members: read/,
    ],
  ])('an unknown reviewer %o is named', async (reviewer, message) => {
    const plan = planEnvironments(
      client(),
      REPO,
      new Map([['production', { ...NONE, reviewers: [reviewer] }]]),
    );
    await expect(plan).rejects.toThrow(message);
  });
});
