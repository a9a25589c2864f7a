/**
 * The fake GitHub REST API, driven by the real Octokit (with the retry and throttling plugins) over real
 * HTTP on loopback. Every test also asserts that nothing strayed from GitHub's OpenAPI description.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { startGithubFake, type GithubFake } from '../support/github-fake/index.js';
import { checkResponse, matchRoute } from '../support/github-fake/openapi.js';

const GithubClient = Octokit.plugin(retry, throttling);
type Client = InstanceType<typeof GithubClient>;

const owner = 'octo-org';
const repo = 'service';
const quiet = {
  debug: (): void => undefined,
  info: (): void => undefined,
  warn: (): void => undefined,
  error: (): void => undefined,
};
let clients = 0;

/** What the throttling plugin reported: one entry per rate limit it saw, with the retry-after it used. */
interface Throttled {
  secondary: number[];
  primary: number[];
}

function client(
  fake: GithubFake,
  token = 'ghs_full',
  throttled: Throttled = { secondary: [], primary: [] },
): Client {
  return new GithubClient({
    auth: token,
    baseUrl: fake.url,
    log: quiet,
    // Real retries; a short base so a retried 502 costs tens of milliseconds, not seconds.
    retry: { retryAfterBaseValue: 20 },
    throttle: {
      id: `github-fake-test-${++clients}`,
      onSecondaryRateLimit: (
        after: number,
        _options: unknown,
        _octokit: unknown,
        count: number,
      ) => {
        throttled.secondary.push(after);
        return count < 1;
      },
      onRateLimit: (after: number, _options: unknown, _octokit: unknown, count: number) => {
        throttled.primary.push(after);
        return count < 1;
      },
    },
  });
}

let fake: GithubFake;

beforeEach(async () => {
  fake = await startGithubFake({
    tokens: {
      ghs_full: { deployments: 'write', administration: 'write', contents: 'read' },
      ghs_nodeploy: { contents: 'read' },
    },
  });
});

afterEach(async () => {
  await fake.close();
});

describe('deployments', () => {
  it('creates a deployment and its statuses as GitHub holds them', async () => {
    const octokit = client(fake);
    const head = fake.commits.at(-1);
    const created = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: 'main',
      environment: 'staging',
      auto_merge: false,
      required_contexts: [],
      payload: { color: 'green' },
      description: 'v1.2.3 to staging',
    });
    expect(created.status).toBe(201);
    if (!('id' in created.data)) throw new Error('expected a deployment, got a merge message');
    const deployment = created.data;
    expect(deployment).toMatchObject({
      sha: head,
      ref: 'main',
      environment: 'staging',
      task: 'deploy',
    });
    expect(deployment.production_environment).toBe(false);
    expect(deployment.payload).toEqual({ color: 'green' });

    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: deployment.id,
      state: 'in_progress',
    });
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: deployment.id,
      state: 'success',
      log_url: 'https://ci.example.test/runs/7',
      environment_url: 'https://staging.example.test',
    });

    const listed = await octokit.rest.repos.listDeploymentStatuses({
      owner,
      repo,
      deployment_id: deployment.id,
    });
    expect(listed.data.map((s) => s.state)).toEqual(['success', 'in_progress']);
    expect(listed.data[0]).toMatchObject({
      target_url: 'https://ci.example.test/runs/7',
      environment: 'staging',
    });
    const held = fake.deploymentsOf('staging');
    expect(held.map((d) => d.id)).toEqual([deployment.id]);
    expect(held[0]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(fake.state.environments.has('staging')).toBe(true);
    expect(fake.violations).toEqual([]);
  }, 20_000);

  it('marks earlier successful non-transient deployments of the environment inactive on success', async () => {
    const actor = 'octo-dev';
    const seed = (environment: string, transient = false): number => {
      const d = fake.state.createDeployment(
        { ref: 'main', environment, transient_environment: transient },
        actor,
      );
      if ('merged' in d) throw new Error('unexpected merge');
      fake.state.addStatus(d.id, { state: 'success' }, actor);
      return d.id;
    };
    const oldProduction = seed('production');
    const transient = seed('production', true);
    const staging = seed('staging');
    const fresh = fake.state.createDeployment({ ref: 'main', environment: 'production' }, actor);
    if ('merged' in fresh) throw new Error('unexpected merge');

    await client(fake).rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: fresh.id,
      state: 'success',
    });

    const latest = (id: number): string | undefined =>
      fake.state.deployment(id).statuses.at(-1)?.state;
    expect(latest(oldProduction)).toBe('inactive');
    expect(latest(transient)).toBe('success');
    expect(latest(staging)).toBe('success');
    expect(latest(fresh.id)).toBe('success');
    expect(fake.violations).toEqual([]);
  });

  it('pages over more than 100 deployments, newest first, with GitHub Link headers', async () => {
    for (let i = 0; i < 130; i++)
      fake.state.createDeployment({ ref: 'main', environment: 'preview' }, 'octo-dev');
    fake.state.createDeployment({ ref: 'main', environment: 'staging' }, 'octo-dev');
    const octokit = client(fake);

    const all = await octokit.paginate(octokit.rest.repos.listDeployments, {
      owner,
      repo,
      environment: 'preview',
      per_page: 100,
    });
    const expected = fake
      .deploymentsOf('preview')
      .map((d) => d.id)
      .reverse();
    expect(all.map((d) => d.id)).toEqual(expected);
    expect(
      fake.requests.filter((r) => r.path.endsWith('/deployments')).map((r) => r.query.page ?? '1'),
    ).toEqual(['1', '2']);

    const page2 = await octokit.rest.repos.listDeployments({
      owner,
      repo,
      environment: 'preview',
      per_page: 50,
      page: 2,
    });
    const at = (n: number): string =>
      `<${fake.url}/repos/${owner}/${repo}/deployments?environment=preview&per_page=50&page=${n}>`;
    expect(page2.headers.link).toBe(
      `${at(1)}; rel="prev", ${at(3)}; rel="next", ${at(3)}; rel="last", ${at(1)}; rel="first"`,
    );
    expect(page2.data.map((d) => d.id)).toEqual(expected.slice(50, 100));
    expect(fake.violations).toEqual([]);
  });

  it('refuses to delete an active deployment while others exist, deletes it once inactive', async () => {
    const first = fake.state.createDeployment({ ref: 'main', environment: 'staging' }, 'octo-dev');
    fake.state.createDeployment({ ref: 'main', environment: 'staging' }, 'octo-dev');
    if ('merged' in first) throw new Error('unexpected merge');
    fake.state.addStatus(first.id, { state: 'success' }, 'octo-dev');
    const octokit = client(fake);

    await expect(
      octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: first.id }),
    ).rejects.toMatchObject({ status: 422 });
    fake.state.addStatus(first.id, { state: 'inactive' }, 'octo-dev');
    const deleted = await octokit.rest.repos.deleteDeployment({
      owner,
      repo,
      deployment_id: first.id,
    });
    expect(deleted.status).toBe(204);
    expect(fake.deploymentsOf('staging')).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  }, 20_000);

  it('merges the default branch into a branch behind it (202), and checks commit statuses (409)', async () => {
    await fake.close();
    const commits = Array.from({ length: 5 }, (_, i) => (i + 1).toString(16).padStart(40, 'a'));
    const [, , feature, , head] = commits;
    fake = await startGithubFake({
      commits,
      refs: { main: head ?? '', feature: feature ?? '' },
      branches: ['feature'],
      commitStatuses: { [head ?? '']: { ci: 'success', 'security-scan': 'failure' } },
    });
    const octokit = client(fake);

    const merged = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: 'feature',
      required_contexts: [],
    });
    expect(merged.status).toBe(202);
    expect(merged.data).toEqual({ message: 'Auto-merged main into feature on deployment.' });
    await expect(
      octokit.rest.repos.createDeployment({ owner, repo, ref: 'main' }),
    ).rejects.toMatchObject({
      status: 409,
    });
    const deployed = await octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: 'feature',
      required_contexts: ['ci'],
    });
    expect(deployed.status).toBe(201);
    expect(deployed.data).toMatchObject({
      sha: head,
      ref: 'feature',
      environment: 'production',
      production_environment: true,
    });
    expect(fake.violations).toEqual([]);
  }, 20_000);
});

describe('environments', () => {
  it('round-trips protection rules through PUT and GET, and keeps branch policies', async () => {
    const octokit = client(fake);
    await octokit.rest.repos.createOrUpdateEnvironment({
      owner,
      repo,
      environment_name: 'production',
      wait_timer: 30,
      prevent_self_review: true,
      reviewers: [
        { type: 'User', id: 1002 },
        { type: 'Team', id: 2001 },
      ],
      deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
    });
    await octokit.rest.repos.createDeploymentBranchPolicy({
      owner,
      repo,
      environment_name: 'production',
      name: 'v*.*.*',
      type: 'tag',
    });

    const env = (
      await octokit.rest.repos.getEnvironment({ owner, repo, environment_name: 'production' })
    ).data;
    const rules = env.protection_rules ?? [];
    expect(rules.map((r) => r.type)).toEqual(['wait_timer', 'required_reviewers', 'branch_policy']);
    expect(rules[0]).toMatchObject({ wait_timer: 30 });
    expect(rules[1]).toMatchObject({ prevent_self_review: true });
    const reviewers = (
      rules[1] as { reviewers?: { type?: string; reviewer?: { login?: string; slug?: string } }[] }
    ).reviewers;
    expect(reviewers?.map((r) => [r.type, r.reviewer?.login ?? r.reviewer?.slug])).toEqual([
      ['User', 'octo-lead'],
      ['Team', 'release-managers'],
    ]);
    const sameName = await octokit.rest.repos.getEnvironment({
      owner,
      repo,
      environment_name: 'Production',
    });
    expect(sameName.data.id).toBe(env.id);
    expect(env.deployment_branch_policy).toEqual({
      protected_branches: false,
      custom_branch_policies: true,
    });
    const policies = await octokit.rest.repos.listDeploymentBranchPolicies({
      owner,
      repo,
      environment_name: 'production',
    });
    expect(policies.data.branch_policies.map((p) => [p.name, p.type])).toEqual([['v*.*.*', 'tag']]);

    await expect(
      octokit.rest.repos.createOrUpdateEnvironment({
        owner,
        repo,
        environment_name: 'production',
        deployment_branch_policy: { protected_branches: true, custom_branch_policies: true },
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(fake.violations).toEqual([]);
  }, 20_000);
});

describe('contract and access', () => {
  it('records a request the OpenAPI description rejects, and answers 422 like GitHub', async () => {
    const res = await fetch(`${fake.url}/repos/${owner}/${repo}/deployments`, {
      method: 'POST',
      headers: { authorization: 'token ghs_full', 'content-type': 'application/json' },
      body: JSON.stringify({ environment: 'staging', auto_merge: 'no' }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { message: string; documentation_url: string };
    expect(body.message).toMatch(/^Invalid request\./);
    expect(body.documentation_url).toContain('docs.github.com/rest/deployments');
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]).toMatch(/POST \/repos\/octo-org\/service\/deployments: .*ref/);
    expect(fake.violations[0]).toMatch(/auto_merge/);
    expect(fake.state.deployments).toEqual([]);
  });

  it('answers 401 without a token and 404 with a violation on an undocumented route', async () => {
    const anonymous = await fetch(`${fake.url}/repos/${owner}/${repo}`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({
      message: 'Requires authentication',
      status: '401',
    });
    const wrong = await fetch(`${fake.url}/repos/${owner}/${repo}`, {
      headers: { authorization: 'token ghs_other' },
    });
    expect(await wrong.json()).toMatchObject({ message: 'Bad credentials' });
    expect(fake.violations).toEqual([]);
    const unknown = await fetch(`${fake.url}/repos/${owner}/${repo}/nonsense`, {
      headers: { authorization: 'Bearer ghs_full' },
    });
    expect(unknown.status).toBe(404);
    expect(fake.violations).toEqual([
      `GET /repos/${owner}/${repo}/nonsense: no documented operation has this path`,
    ]);
  });

  it('answers 403 when the token lacks the deployments permission, without retrying', async () => {
    const attempt = client(fake, 'ghs_nodeploy').rest.repos.createDeployment({
      owner,
      repo,
      ref: 'main',
      required_contexts: [],
    });
    await expect(attempt).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration'),
    });
    expect(fake.requests.map((r) => [r.method, r.status])).toEqual([['POST', 403]]);
    expect(fake.state.deployments).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('serves the repository, a comparison, a user and a team in their documented shapes', async () => {
    const octokit = client(fake);
    const [base, head] = [fake.commits[1] ?? '', fake.commits[4] ?? ''];
    expect((await octokit.rest.repos.get({ owner, repo })).data.default_branch).toBe('main');
    const compared = await octokit.rest.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${base}...main`,
    });
    expect(compared.data).toMatchObject({ status: 'ahead', ahead_by: 3 });
    expect(compared.data.commits.map((c) => c.sha)).toEqual(fake.commits.slice(2));
    expect(compared.data.commits.at(-1)?.sha).toBe(head);
    expect((await octokit.rest.users.getByUsername({ username: 'octo-dev' })).data.id).toBe(1001);
    expect(
      (await octokit.rest.teams.getByName({ org: owner, team_slug: 'release-managers' })).data.id,
    ).toBe(2001);
    expect(fake.violations).toEqual([]);
  });

  it('flags an answer of its own that strays from the documented response', () => {
    const route = matchRoute('GET', `/repos/${owner}/${repo}/deployments/1`);
    if (typeof route !== 'object') throw new Error('GET a deployment should be documented');
    expect(route.params).toEqual({ owner, repo, deployment_id: '1' });
    expect(checkResponse(route.operation, 200, { id: 'one' })).toEqual([
      expect.stringMatching(
        /^response 200 must have required property .*'url'.*\/id must be integer/,
      ),
    ]);
    expect(checkResponse(route.operation, 201, {})).toEqual(['status 201 is not documented']);
    expect(
      checkResponse(route.operation, 404, { message: 'Not Found', documentation_url: 'x' }),
    ).toEqual([]);
    expect(matchRoute('GET', `/repos/${owner}/${repo}/no-such-thing`)).toBeUndefined();
    expect(matchRoute('PATCH', `/repos/${owner}/${repo}/deployments/1`)).toBe('method');
  });
});

describe('faults', () => {
  it('answers a secondary rate limit that the throttling plugin waits out and retries', async () => {
    const throttled: Throttled = { secondary: [], primary: [] };
    fake.failNext({ method: 'GET', path: '/repos/{owner}/{repo}', answer: 'secondary-rate-limit' });
    const got = await client(fake, 'ghs_full', throttled).rest.repos.get({ owner, repo });
    expect(got.data.full_name).toBe(`${owner}/${repo}`);
    expect(throttled).toEqual({ secondary: [1], primary: [] });
    expect(fake.requests.map((r) => r.status)).toEqual([403, 200]);
    expect(fake.violations).toEqual([]);
  });

  it('holds a delayed request, then serves it normally', async () => {
    fake.failNext({ path: /^\/users\//, answer: { delay: 20 } });
    const user = await client(fake).rest.users.getByUsername({ username: 'octo-lead' });
    expect(user.data.login).toBe('octo-lead');
    expect(fake.requests.map((r) => [r.path, r.status])).toEqual([['/users/octo-lead', 200]]);
    expect(() => fake.failNext({ answer: { delay: -1 } })).toThrow(/delay must be 0–30000 ms/);
  });

  it('answers 502 twice, then the retry plugin gets the list', async () => {
    fake.failNext({
      method: 'GET',
      path: '/repos/{owner}/{repo}/deployments',
      times: 2,
      answer: 'bad-gateway',
    });
    const listed = await client(fake).rest.repos.listDeployments({ owner, repo });
    expect(listed.data).toEqual([]);
    expect(fake.requests.map((r) => r.status)).toEqual([502, 502, 200]);
    expect(fake.violations).toEqual([]);
  });
});
