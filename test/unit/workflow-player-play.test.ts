// The workflow player's runs, with `run:` steps in bash and stand-ins only (no Docker): outputs through
// GITHUB_OUTPUT into needs.*, job results and failure()/always(), step rules, environment approvals.
import { join } from 'node:path';
import {
  play,
  REJECTED,
  type PlayEvent,
  type PlayOptions,
  type StandInCall,
} from '../support/workflow-player/index.js';
import { ROOT } from '../support/runner.js';

const REPO = join(ROOT, 'test/fixtures/workflows/repo');
const TOKEN = 'ghs_workflowplayer0000000000000000000000';
const playOf = (name: string, event: PlayEvent, more: Partial<PlayOptions> = {}) =>
  play({ repo: REPO, workflow: `.github/workflows/${name}.yml`, event, ...more });
const dispatch = (inputs: Record<string, string | boolean> = {}): PlayEvent => ({
  name: 'workflow_dispatch',
  inputs,
});
const results = (r: Awaited<ReturnType<typeof play>>): Record<string, string> =>
  Object.fromEntries(Object.values(r.jobs).map((j) => [j.id, j.result]));

describe('jobs', () => {
  test('GITHUB_OUTPUT feeds job outputs and needs.<job>.outputs (direct needs only)', async () => {
    const r = await playOf('needs', dispatch());
    expect(r.conclusion).toBe('success');
    expect(results(r)).toEqual({
      prepare: 'success',
      unit: 'success',
      lint: 'success',
      package: 'success',
      cleanup: 'skipped',
      report: 'success',
    });
    expect(r.job('prepare').outputs).toEqual({ version: '1.4.2' });
    // package needs unit and lint, not prepare: needs.prepare is empty there, as on GitHub.
    expect(r.job('package').outputs).toEqual({ artifact: 'shop-none.tgz' });
    expect(r.job('unit').steps[0]?.log).toBe('unit tests of 1.4.2\n');
    expect(r.job('report').steps[0]?.log).toBe("package success, artifact 'shop-none.tgz'\n");
  });

  test('a failed job skips its dependants; failure() and always() jobs still run', async () => {
    const r = await playOf('needs', dispatch({ 'fail-lint': true }));
    expect(r.conclusion).toBe('failure');
    expect(results(r)).toEqual({
      prepare: 'success',
      unit: 'success',
      lint: 'failure',
      package: 'skipped',
      cleanup: 'success',
      report: 'success',
    });
    expect(r.job('lint').steps[0]?.log).toBe(
      'lint found 3 problems\nError: Process completed with exit code 3.\n',
    );
    expect(r.job('cleanup').steps[0]?.log).toBe('cleaning up after skipped\n');
    expect(r.job('report').steps[0]?.log).toBe("package skipped, artifact ''\n");
  });

  test('a workflow the event does not trigger runs nothing', async () => {
    const r = await playOf('filters', { name: 'push', ref: 'refs/heads/dev' });
    expect(r.conclusion).toBe('skipped');
    expect(r.jobs).toEqual({});
  });

  test('a schedule run sees its cron in github.event', async () => {
    const r = await playOf('schedule', { name: 'schedule', cron: '17 3 * * *' });
    expect(r.job('sweep').steps[0]?.log).toBe('event=schedule schedule=17 3 * * *\n');
  });
});

describe('steps', () => {
  test('env layers, GITHUB_ENV, working-directory, continue-on-error, timeout-minutes, failure()', async () => {
    const r = await playOf('steps', dispatch());
    const job = r.job('work');
    expect(job.result).toBe('failure');
    expect(job.outputs).toEqual({ seen: 'step/yes/src', after: 'exported/job' });
    const byId = Object.fromEntries(job.steps.map((s) => [s.id, s]));
    expect(byId.soft).toMatchObject({ outcome: 'failure', conclusion: 'success' });
    expect(byId.slow).toMatchObject({ outcome: 'failure', conclusion: 'failure' });
    expect(byId.slow?.log).toContain("The action 'Run sleep 20' has timed out after 0.02 minutes.");
    expect(byId.never).toMatchObject({ outcome: 'skipped', conclusion: 'skipped' });
    expect(byId.rescue?.outputs).toEqual({ soft: 'failure/success dir=workspace' });
    expect(r.workspace).toMatch(/workspace$/);
  }, 20_000);
});

describe('stand-ins', () => {
  test('an action with no stand-in is refused before anything runs, naming it', async () => {
    await expect(playOf('third-party', { name: 'push', ref: 'refs/heads/main' })).rejects.toThrow(
      "workflow-player: no stand-in for 'docker/login-action@v3' (job image, step login)",
    );
  });

  test('a registered stand-in gets the evaluated inputs and its outputs reach later steps', async () => {
    const calls: StandInCall[] = [];
    const r = await playOf(
      'third-party',
      { name: 'push', ref: 'refs/heads/main' },
      {
        standIns: {
          'docker/login-action': (call) => {
            calls.push(call);
            return {
              outputs: { user: call.inputs.username ?? '', registry: call.inputs.registry ?? '' },
            };
          },
        },
      },
    );
    expect(calls.map((c) => c.inputs)).toEqual([
      { registry: 'ghcr.io', username: 'octocat', password: TOKEN },
    ]);
    expect(r.job('image').steps.map((s) => s.conclusion)).toEqual([
      'success',
      'success',
      'success',
    ]);
    expect(r.job('image').steps[2]?.log).toBe('logged in as octocat to ghcr.io\n');
  });

  test('a stand-in that fails fails its step', async () => {
    const r = await playOf(
      'third-party',
      { name: 'push', ref: 'refs/heads/main' },
      { standIns: { 'docker/login-action': () => ({ failed: 'denied' }) } },
    );
    expect(r.job('image').result).toBe('failure');
    expect(r.job('image').steps.map((s) => s.outcome)).toEqual(['success', 'failure', 'skipped']);
    expect(r.job('image').steps[1]?.log).toContain('Error: denied');
  });
});

describe('reusable workflows and environments', () => {
  const setup: Partial<PlayOptions> = {
    secrets: { DEPLOY_KEY: 'staging-key-123', PROD_DEPLOY_KEY: 'prod-key-456' },
    environments: {
      staging: { vars: { REGION: 'eu-west' } },
      production: { requiredReviewers: true, vars: { REGION: 'us-east' } },
    },
  };
  const tag: PlayEvent = { name: 'push', ref: 'refs/tags/v1.4.2' };

  test('a tag goes to staging, then to production once its reviewers approve', async () => {
    const r = await playOf('release', tag, { ...setup, approve: () => 'approve' });
    expect(r.conclusion).toBe('success');
    expect(r.approvals).toEqual([
      {
        environment: 'production',
        job: 'production/deploy',
        workflow: '.github/workflows/deploy.yml',
        decision: 'approve',
      },
    ]);
    expect(r.job('staging/deploy').environment).toEqual({
      name: 'staging',
      url: 'https://staging.example.test/1.4.2',
    });
    expect(r.job('staging').outputs).toEqual({ url: 'https://staging.example.test/1.4.2' });
    expect(r.job('production/deploy').steps[1]?.log).toBe(
      'deploying 1.4.2 to production (dry run: false) from us-east\n',
    );
    expect(r.job('production/deploy').startedAt).toBeGreaterThanOrEqual(
      r.job('staging/deploy').finishedAt,
    );
    expect(r.job('production/deploy').concurrencyGroup).toBe('deploy-production');
    expect(r.job('announce').steps[0]?.log).toBe(
      'staging success at https://staging.example.test/1.4.2; production success\n',
    );
  });

  test('a rejected approval fails the production job with GitHub’s words and deploys nothing', async () => {
    const r = await playOf('release', tag, { ...setup, approve: () => 'reject' });
    expect(REJECTED).toBe("The deployment was rejected or didn't satisfy other protection rules");
    expect(r.job('production/deploy')).toMatchObject({
      result: 'failure',
      errors: [REJECTED],
      steps: [],
    });
    expect(r.job('production').result).toBe('failure');
    expect(r.job('staging').result).toBe('success');
    expect(r.job('announce').steps[0]?.log).toBe(
      'staging success at https://staging.example.test/1.4.2; production failure\n',
    );
    expect(r.conclusion).toBe('failure');
  });

  test('an environment with required reviewers needs a decision from the test', async () => {
    await expect(playOf('release', tag, setup)).rejects.toThrow(
      "environment 'production' has required reviewers",
    );
  });

  test('a push to main never asks production’s reviewers', async () => {
    const r = await playOf(
      'release',
      { name: 'push', ref: 'refs/heads/main' },
      {
        ...setup,
        approve: () => 'reject',
      },
    );
    expect(r.conclusion).toBe('success');
    expect(r.approvals).toEqual([]);
    expect(results(r)).toEqual({
      build: 'success',
      'staging/deploy': 'success',
      staging: 'success',
      production: 'skipped',
      announce: 'success',
    });
  });

  test('a missing secret of a called job fails it (secrets: inherit passes what the repository has)', async () => {
    const r = await playOf(
      'release',
      { name: 'push', ref: 'refs/heads/main' },
      {
        environments: setup.environments,
      },
    );
    expect(r.job('staging/deploy').result).toBe('failure');
    expect(r.job('staging/deploy').steps[1]?.log).toContain('no deploy key');
  });

  test('a with: value of the wrong type fails the caller job when it starts', async () => {
    const r = await playOf('bad-expression-type', { name: 'push', ref: 'refs/heads/main' }, setup);
    expect(r.job('staging')).toMatchObject({
      result: 'failure',
      errors: [
        "The template is not valid. .github/workflows/bad-expression-type.yml (Line: 9, Col: 16): Unexpected value 'main'",
      ],
    });
    expect(r.jobs['staging/deploy']).toBeUndefined();
  });
});
