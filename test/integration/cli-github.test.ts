/**
 * `switchyard log` and `switchyard github plan/apply` with both records real: the environment's
 * target on the testbed's Docker engine and GitHub as the fake on loopback (every request checked
 * against GitHub's OpenAPI description). The CLI runs from source in this process.
 */
import { appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '../../cli/src/cli.js';
import { packageRoot } from '../../cli/src/definitions.js';
import { STEPS } from '../../cli/src/steps.js';
import { pushAppVersion, type PushedApp } from '../support/app-versions.js';
import { deployFixture, type DeployFixture } from '../support/deploy.js';
import { startGithubFake, type GithubFake } from '../support/github-fake/index.js';

const ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
const TOKEN = 'ghs_full';

let v1: PushedApp;
let f: DeployFixture;
let fake: GithubFake;

/** Runs the CLI in the fixture's workspace with the fake GitHub's token, repository and URL. */
async function switchyard(
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(argv, {
    root: ROOT,
    cwd: f.workspace,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(process.env.DOCKER_HOST && { DOCKER_HOST: process.env.DOCKER_HOST }),
      ...(argv[0] !== 'deploy' && {
        GITHUB_TOKEN: TOKEN,
        GITHUB_REPOSITORY: 'octo-org/service',
        GITHUB_API_URL: fake.url,
      }),
    },
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    tty: { stdout: false, stderr: false },
    columns: 200,
    version: '0.0.0-test',
    steps: STEPS,
  });
  const r = { code, stdout: out.join(''), stderr: err.join('') };
  expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
  return r;
}

beforeAll(async () => {
  v1 = await pushAppVersion('1.0.0', { repository: 'switchyard-e2e/cli-github' });
  f = await deployFixture({ github: { reviewers: ['octo-dev'], 'wait-timer': '5m' } });
  fake = await startGithubFake();
  // From source: the config file has a github: section, which only a current build reads.
  const first = await switchyard('deploy', 'staging', '--image', v1.pinned);
  if (first.code !== 0) throw new Error(`the first deploy failed:\n${first.stderr}`);
}, 180_000);

afterAll(async () => {
  await fake.close();
  await f.remove();
});

afterEach(() => expect(fake.violations).toEqual([]));

describe('switchyard log and github, with GitHub', () => {
  test('log: the target’s history and GitHub’s Deployments side by side', async () => {
    const d = fake.state.createDeployment(
      {
        ref: 'main',
        environment: 'staging',
        payload: { version: '1.0.0' },
        auto_merge: false,
        required_contexts: [],
      },
      'github-actions[bot]',
    );
    if (!('id' in d)) throw new Error('not created');
    fake.state.addStatus(
      d.id,
      {
        state: 'success',
        description: '1.0.0 live on blue',
        log_url: 'https://github.com/octo-org/service/actions/runs/5',
      },
      'github-actions[bot]',
    );
    const r = await switchyard('log', 'staging');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/deploy\s+1\.0\.0\s+[0-9a-f]{12}/);
    expect(r.stdout).toMatch(/GitHub's Deployments \(octo-org\/service\)/);
    expect(r.stdout).toMatch(
      /1\.0\.0\s+success\s+.*1\.0\.0 live on blue\s+https:\/\/github\.com\/octo-org\/service\/actions\/runs\/5/,
    );
  });

  test('github plan, apply, apply again: the config file’s github: section made so', async () => {
    // A second environment without a github: section is left alone.
    appendFileSync(join(f.workspace, 'switchyard.yml'), 'production:\n  docker: { port: 1 }\n');
    const plan = await switchyard('github', 'plan');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/\+ reviewer octo-dev/);
    expect(plan.stdout).not.toContain('production');
    expect((await switchyard('github', 'apply')).code).toBe(0);
    expect(fake.state.environments.get('staging')).toBeDefined();
    const again = await switchyard('github', 'apply');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to change.');
  }, 60_000);
});
