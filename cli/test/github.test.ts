/**
 * `switchyard github plan|apply` against the fake GitHub (test/support/github-fake): real Octokit with
 * our retries and throttling, real HTTP on loopback, every request checked against GitHub's OpenAPI
 * description.
 */
import { startGithubFake, type GithubFake } from '../../test/support/github-fake/index.js';
import { workspace, type OwnRun } from './own-harness.js';

const CONFIG = `app: shop
production:
  github:
    reviewers: [octo-dev]
    wait-timer: 10m
staging: {}
`;

const ADMIN = 'ghs_admin_0123456789';
const DEPLOY_ONLY = 'ghs_deployonly_0123456789';

let fake: GithubFake;
beforeEach(async () => {
  fake = await startGithubFake({
    tokens: {
      [ADMIN]: { deployments: 'write', administration: 'write', contents: 'read' },
      [DEPLOY_ONLY]: { deployments: 'write', contents: 'read' },
    },
  });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const env = (token = ADMIN): Record<string, string> => ({
  GITHUB_TOKEN: token,
  GITHUB_REPOSITORY: 'octo-org/service',
  GITHUB_API_URL: fake.url,
});

function json(r: OwnRun): { ok: boolean; outputs: Record<string, unknown>; error?: string } {
  return JSON.parse(r.stdout) as { ok: boolean; outputs: Record<string, unknown>; error?: string };
}

const noToken = (r: OwnRun): void => {
  expect(`${r.stdout}${r.stderr}`).not.toContain(ADMIN);
  expect(`${r.stdout}${r.stderr}`).not.toContain(DEPLOY_ONLY);
};

describe('switchyard github', () => {
  test('plan lists the changes, apply makes them, then plan and apply have nothing to do', async () => {
    const w = workspace(CONFIG);
    const plan = await w.run(env(), 'github', 'plan');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^\s*production:$/m);
    expect(plan.stdout).toMatch(/^\s+\+ reviewer octo-dev$/m);
    expect(plan.stdout).toMatch(/wait timer/);
    expect(plan.stdout).not.toContain('staging');
    expect(plan.stdout).toContain('switchyard github apply');
    // A plan changes nothing.
    expect(fake.state.environments.get('production')).toBeUndefined();

    const apply = await w.run(env(), 'github', 'apply', '--json');
    const writes = (): number => fake.requests.filter((q) => q.method !== 'GET').length;
    const written = writes();
    expect(written).toBeGreaterThan(0);
    expect(apply.code).toBe(0);
    expect(json(apply)).toMatchObject({
      ok: true,
      outputs: { changed: 'true', applied: [expect.stringMatching(/^production: /)] },
    });
    const stored = fake.state.environments.get('production');
    expect(stored).toBeDefined();

    const again = await w.run(env(), 'github', 'plan');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes: the environments of octo-org/service match');
    const second = await w.run(env(), 'github', 'apply', '--json');
    expect(json(second)).toMatchObject({ ok: true, outputs: { changed: 'false' } });
    expect(writes()).toBe(written);
    [plan, apply, again, second].forEach(noToken);
  }, 30_000);

  test('the bare command plans; GH_TOKEN and --repo serve as well as GITHUB_*', async () => {
    const w = workspace(CONFIG);
    const r = await w.run(
      { GH_TOKEN: ADMIN, GITHUB_API_URL: fake.url },
      'github',
      '--repo',
      'octo-org/service',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s*production:$/m);
    expect(fake.state.environments.get('production')).toBeUndefined();
  });

  test('a token without administration rights: the permission message, exit 1', async () => {
    const w = workspace(CONFIG);
    const r = await w.run(env(DEPLOY_ONLY), 'github', 'apply');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/✖ switchyard github: .*may not manage environments/);
    expect(r.stderr).toContain('Administration: write');
    noToken(r);
  });

  test.each<[string, Record<string, string>, string[], RegExp]>([
    [
      'no token',
      { GITHUB_REPOSITORY: 'a/b' },
      [],
      /input "token": is not set\. Pass --token or set GITHUB_TOKEN \(or GH_TOKEN\)/,
    ],
    [
      'no repository',
      { GITHUB_TOKEN: 'ghs_x' },
      [],
      /input "repo": is not set\. Pass --repo owner\/name or set GITHUB_REPOSITORY/,
    ],
    [
      'a malformed --repo',
      { GITHUB_TOKEN: 'ghs_x' },
      ['--repo', 'a/b/c'],
      /input "repo": "a\/b\/c" is not owner\/name/,
    ],
    [
      'an unknown subcommand',
      {},
      ['destroy'],
      /"destroy" is not a github subcommand\. Use plan .* or apply/,
    ],
    [
      'an environment without github:',
      {},
      ['--environment', 'staging'],
      /"staging" has no github: section in switchyard\.yml/,
    ],
  ])('[%#] %s: exit 2, nothing asked of GitHub', async (_name, e, argv, message) => {
    const w = workspace(CONFIG);
    const r = await w.run({ ...e, GITHUB_API_URL: fake.url }, 'github', ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(fake.requests).toEqual([]);
  });

  test('a file without any github: section says how to add one', async () => {
    const w = workspace('app: shop\nstaging: {}\n');
    const r = await w.run(env(), 'github', 'plan');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no environment with a github: section/);
  });

  test('--help lists the subcommand and the GitHub options', async () => {
    const r = await workspace(CONFIG).run({}, 'github', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: switchyard github \[subcommand\] \[options\]/);
    for (const o of ['subcommand', 'config', 'environment', 'repo', 'token'])
      expect(r.stdout).toMatch(new RegExp(`^ {2}--${o} <value>`, 'm'));
  });
});
