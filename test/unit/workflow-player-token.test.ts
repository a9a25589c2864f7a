// The workflow player's GITHUB_TOKEN per job (minted from the job's effective permissions, as GitHub
// does), github.api_url / GITHUB_API_URL, and the job summary a step writes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { play, type Permissions, type PlayOptions } from '../support/workflow-player/index.js';

const WORKFLOW = `name: record
on: push
permissions:
  contents: read
jobs:
  plan:
    runs-on: ubuntu-24.04
    environment:
      name: staging-maintenance
      deployment: false
    steps:
      - id: show
        run: |
          echo "token=\${{ github.token == secrets.GITHUB_TOKEN }}" >> "$GITHUB_OUTPUT"
          echo "api=$GITHUB_API_URL" >> "$GITHUB_OUTPUT"
          printf '## Plan\\n\\nlive 1.4.2, next 1.4.3\\n' >> "$GITHUB_STEP_SUMMARY"
      - run: echo "- second step" >> "$GITHUB_STEP_SUMMARY"
  release:
    needs: plan
    runs-on: ubuntu-24.04
    permissions: { contents: read, deployments: write }
    environment:
      name: staging
      deployment: \${{ github.ref == 'refs/heads/main' }}
    steps:
      - id: login
        uses: docker/login-action@v3
        with:
          password: \${{ secrets.GITHUB_TOKEN }}
`;

let repo = '';
beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'workflow-player-token-'));
  mkdirSync(join(repo, '.github/workflows'), { recursive: true });
  writeFileSync(join(repo, '.github/workflows/record.yml'), WORKFLOW);
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const seen: { password?: string; api?: string }[] = [];
const base: PlayOptions = {
  repo: '',
  workflow: '.github/workflows/record.yml',
  event: { name: 'push', ref: 'refs/heads/main' },
  standIns: {
    'docker/login-action': (call) => {
      seen.push({ password: call.inputs.password, api: call.env.GITHUB_API_URL });
    },
  },
};

test('each job gets the token minted for its permissions, and GITHUB_API_URL from apiUrl', async () => {
  seen.length = 0;
  const asked: { id: string; permissions: Permissions }[] = [];
  const r = await play({
    ...base,
    repo,
    apiUrl: 'http://127.0.0.1:9/api',
    githubToken: (job) => {
      asked.push(job);
      return job.permissions.deployments === 'write' ? 'ghs_deploywrite1' : 'ghs_readonly0001';
    },
  });
  expect(r.conclusion).toBe('success');
  expect(asked.map((a) => [a.id, a.permissions.contents, a.permissions.deployments])).toEqual([
    ['plan', 'read', 'none'],
    ['release', 'read', 'write'],
  ]);
  expect(r.job('plan').steps[0]?.outputs).toEqual({
    token: 'true',
    api: 'http://127.0.0.1:9/api',
  });
  expect(r.plan.github.api_url).toBe('http://127.0.0.1:9/api');
  expect(seen).toEqual([{ password: 'ghs_deploywrite1', api: 'http://127.0.0.1:9/api' }]);
});

test('without githubToken the made-up token stays, and api.github.com is the API', async () => {
  seen.length = 0;
  const r = await play({ ...base, repo });
  expect(seen).toEqual([
    { password: 'ghs_workflowplayer0000000000000000000000', api: 'https://api.github.com' },
  ]);
  expect(r.job('plan').steps[0]?.outputs.api).toBe('https://api.github.com');
});

test('the job summary is its steps’ GITHUB_STEP_SUMMARY, in order', async () => {
  const r = await play({ ...base, repo });
  expect(r.job('plan').steps.map((s) => s.summary)).toEqual([
    '## Plan\n\nlive 1.4.2, next 1.4.3\n',
    '- second step\n',
  ]);
  expect(r.job('plan').summary).toBe('## Plan\n\nlive 1.4.2, next 1.4.3\n- second step\n');
  expect(r.job('release').summary).toBe('');
});

test('environment.deployment: false (a literal or an expression) is on the job result', async () => {
  const main = await play({ ...base, repo });
  expect(main.job('plan').environment).toEqual({ name: 'staging-maintenance', deployment: false });
  expect(main.job('release').environment).toEqual({ name: 'staging' });
  const tag = await play({ ...base, repo, event: { name: 'push', ref: 'refs/tags/v1.4.2' } });
  expect(tag.job('release').environment).toEqual({ name: 'staging', deployment: false });
});
