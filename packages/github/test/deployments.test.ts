/**
 * The sequence of Deployments and statuses across a release's life, against the loopback GitHub fake
 * (every request and answer checked against GitHub's OpenAPI description) through the real client.
 */
import { jest } from '@jest/globals';
import { RecordingLogger } from '../../../test/support/fakes.js';
import { startGithubFake, type GithubFake } from '../../../test/support/github-fake/index.js';
import { createGithubClient } from '../src/client.js';
import { runContextFrom, type Env } from '../src/context.js';
import {
  createDeploymentRecorder,
  disabledRecorder,
  fitDescription,
  isProductionEnvironment,
  type DeploymentRecorder,
  type ReleaseInfo,
} from '../src/deployments.js';
import { DEPLOYMENTS_PERMISSIONS } from '../src/permissions.js';

jest.setTimeout(60_000);

const ENV = 'production';
const URL_LIVE = 'https://shop.example.test';
const COMMITS = Array.from({ length: 5 }, (_, i) => String(i + 1).repeat(40));

let fake: GithubFake | undefined;
/** The fake of the running test. */
const gh = (): GithubFake => {
  if (!fake) throw new Error('no fake started');
  return fake;
};
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The runner variables of run `runId` for `tag`. */
const runEnv = (runId: string, tag: string, sha: string): Env => ({
  GITHUB_API_URL: gh().url,
  GITHUB_REPOSITORY: 'octo-org/service',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: runId,
  GITHUB_SHA: sha,
  GITHUB_REF: `refs/tags/${tag}`,
  GITHUB_ACTOR: 'octo-dev',
  GITHUB_EVENT_NAME: 'push',
});

/** A run on the default branch of a fake with its default history. */
const mainEnv = (runId: string): Env => ({
  ...runEnv(runId, 'unused', gh().commits.at(-1) ?? ''),
  GITHUB_REF: 'refs/heads/main',
});

const release = (
  version: string,
  runId: string,
  color: string,
  previousVersion = '',
): ReleaseInfo => ({
  version,
  digest: `sha256:${version.replace(/\D/g, '').padEnd(64, '0')}`,
  color,
  target: 'docker',
  deployId: `https://github.com/octo-org/service/actions/runs/${runId}`,
  previousVersion,
});

function recorder(
  env: Env,
  extra: { deployId?: string; token?: string; retries?: number } = {},
): { rec: DeploymentRecorder; log: RecordingLogger } {
  const log = new RecordingLogger();
  const octokit = createGithubClient({
    token: extra.token ?? 'ghs_full',
    env,
    log,
    setSecret: () => undefined,
    ...(extra.retries === undefined ? {} : { retries: extra.retries }),
  });
  const rec = createDeploymentRecorder({
    octokit,
    context: runContextFrom(env),
    environment: ENV,
    log,
    ...(extra.deployId ? { deployId: extra.deployId } : {}),
  });
  return { rec, log };
}

/** What GitHub holds for the environment: one line per Deployment, oldest first. */
const history = (): string[] =>
  gh()
    .deploymentsOf(ENV)
    .map((d) => {
      const p = d.payload as Record<string, string>;
      return `${p.version ?? '?'}${p.rollbackOf ? ' (rollback)' : ''}: ${d.statuses.map((s) => s.state).join(' ')}`;
    });

const warnings = (log: RecordingLogger): string[] =>
  log.lines.filter((l) => l.level === 'warning').map((l) => l.message);

/** A fake with v1.1.0 at an older commit and v1.2.0 at the newest, and 1.1.0 already live. */
async function withLive110(): Promise<void> {
  fake = await startGithubFake({
    commits: COMMITS,
    refs: { main: COMMITS[4] ?? '', 'v1.1.0': COMMITS[2] ?? '', 'v1.2.0': COMMITS[4] ?? '' },
  });
  const { rec, log } = recorder(runEnv('100', 'v1.1.0', COMMITS[2] ?? ''));
  await rec.start(release('1.1.0', '100', 'blue'));
  await rec.live(URL_LIVE);
  expect(warnings(log)).toEqual([]);
}

describe('DeploymentRecorder against the GitHub fake', () => {
  test('release passes: in_progress → success with the live URL and the run; the previous one inactive', async () => {
    await withLive110();
    const { rec, log } = recorder(runEnv('200', 'v1.2.0', COMMITS[4] ?? ''));
    const started = await rec.start(release('1.2.0', '200', 'green', '1.1.0'));
    expect(started).toEqual({ written: true, deploymentId: expect.any(Number) as number });
    expect(await rec.live(URL_LIVE)).toEqual(started);

    expect(history()).toEqual([
      '1.1.0: in_progress success inactive',
      '1.2.0: in_progress success',
    ]);
    const d = gh().deploymentsOf(ENV)[1];
    expect(d).toMatchObject({
      id: started.deploymentId,
      sha: COMMITS[4],
      ref: 'v1.2.0',
      task: 'deploy',
      production: true,
      payload: {
        version: '1.2.0',
        digest: release('1.2.0', '200', 'green').digest,
        color: 'green',
        target: 'docker',
        deployId: 'https://github.com/octo-org/service/actions/runs/200',
        previousVersion: '1.1.0',
        actor: 'octo-dev',
      },
    });
    expect(d?.statuses.at(-1)).toMatchObject({
      state: 'success',
      environmentUrl: URL_LIVE,
      logUrl: 'https://github.com/octo-org/service/actions/runs/200',
      description: '1.2.0 live on green',
    });
    expect(warnings(log)).toEqual([]);
    expect(gh().violations).toEqual([]);
  });

  test('a hotfix built from another commit than the run is recorded at that commit (the image revision), not the run ref', async () => {
    await withLive110();
    const { rec } = recorder(mainEnv('300'));
    const hotfix = COMMITS[3] ?? '';
    await rec.start({ ...release('1.1.1', '300', 'green', '1.1.0'), revision: hotfix });
    const d = gh().deploymentsOf(ENV).at(-1);
    expect(d).toMatchObject({ sha: hotfix, ref: hotfix, payload: { version: '1.1.1' } });
    // Built from the run's own commit: the run's ref by name, as without a revision.
    const same = recorder(mainEnv('301')).rec;
    await same.start({ ...release('1.1.2', '301', 'blue', '1.1.1'), revision: COMMITS[4] ?? '' });
    expect(gh().deploymentsOf(ENV).at(-1)).toMatchObject({ ref: 'main', sha: COMMITS[4] });
    expect(gh().violations).toEqual([]);
  });

  test('release fails its monitor window and rolls back (another job): failure on the new one, a fresh success for the old', async () => {
    await withLive110();
    const deploy = recorder(runEnv('200', 'v1.2.0', COMMITS[4] ?? ''));
    const r120 = release('1.2.0', '200', 'green', '1.1.0');
    await deploy.rec.start(r120);
    await deploy.rec.live(URL_LIVE);

    // The monitor job knows the release by its deploy id only.
    const monitor = recorder(runEnv('200', 'v1.2.0', COMMITS[4] ?? ''), {
      deployId: r120.deployId,
    });
    const verdict = await monitor.rec.verdictFailed('error rate 7.1% > 5% for 3 checks');
    const back = await monitor.rec.rolledBack(
      'monitor verdict failed',
      release('1.1.0', '100', 'blue'),
      URL_LIVE,
    );

    expect(verdict.written && back.written).toBe(true);
    expect(history()).toEqual([
      '1.1.0: in_progress success inactive',
      '1.2.0: in_progress success failure failure',
      '1.1.0 (rollback): success',
    ]);
    const [old, bad, again] = gh().deploymentsOf(ENV);
    expect(verdict.deploymentId).toBe(bad?.id);
    expect(bad?.statuses.slice(-2).map((s) => s.description)).toEqual([
      'monitor verdict failed: error rate 7.1% > 5% for 3 checks',
      'rolled back to 1.1.0: monitor verdict failed',
    ]);
    // The version live again is recorded at its own commit, found from its earlier Deployment.
    expect(again).toMatchObject({
      id: back.deploymentId,
      sha: old?.sha,
      payload: { version: '1.1.0', previousVersion: '1.2.0', rollbackOf: r120.deployId },
    });
    expect(again?.statuses[0]).toMatchObject({
      environmentUrl: URL_LIVE,
      description: '1.1.0 live again: rollback from 1.2.0',
    });
    expect(warnings(monitor.log)).toEqual([]);
    expect(gh().violations).toEqual([]);
  });

  test('manual rollback from another run, the bad release never recorded: the version live again is still recorded', async () => {
    await withLive110();
    const unknown = 'https://github.com/octo-org/service/actions/runs/999';
    const { rec, log } = recorder(runEnv('1000', 'v1.1.0', COMMITS[2] ?? ''), {
      deployId: unknown,
    });
    const back = await rec.rolledBack(
      'manual rollback: checkout broken',
      release('1.1.0', '100', 'blue'),
      URL_LIVE,
    );
    expect(back.written).toBe(true);
    expect(history()).toEqual(['1.1.0: in_progress success inactive', '1.1.0 (rollback): success']);
    expect(gh().deploymentsOf(ENV)[1]?.statuses[0]?.description).toBe(
      '1.1.0 live again after a rollback',
    );
    expect(warnings(log)).toEqual([
      `the GitHub record was not written for the release rolled back from: no Deployment of production has deploy id ${unknown} among its 90 newest`,
    ]);
    expect(gh().violations).toEqual([]);
  });

  test('deploy fails before traffic: failure, and the live release stays success', async () => {
    await withLive110();
    const { rec } = recorder(runEnv('300', 'v1.2.0', COMMITS[4] ?? ''));
    await rec.start(release('1.2.0', '300', 'green', '1.1.0'));
    const failed = await rec.failed('green not ready after 120 s: health check 503');
    expect(failed.written).toBe(true);
    expect(history()).toEqual(['1.1.0: in_progress success', '1.2.0: in_progress failure']);
    expect(gh().deploymentsOf(ENV)[1]?.statuses.at(-1)?.description).toBe(
      'never got traffic: green not ready after 120 s: health check 503',
    );
    expect(gh().violations).toEqual([]);
  });

  test('a long reason fits GitHub’s 140 characters, cut with an ellipsis', async () => {
    fake = await startGithubFake();
    const { rec } = recorder(mainEnv('300'));
    await rec.start(release('1.2.0', '300', 'green'));
    const reason = `smoke check failed:\n${'x'.repeat(300)}`;
    expect((await rec.failed(reason)).written).toBe(true);
    const description = gh().deploymentsOf(ENV)[0]?.statuses.at(-1)?.description ?? '';
    expect(Array.from(description)).toHaveLength(140);
    expect(description).toMatch(/^never got traffic: smoke check failed: x+…$/);
  });

  test('permission missing: a warning with the permissions block, later calls skipped, nothing thrown', async () => {
    fake = await startGithubFake({ tokens: { ghs_read: { contents: 'read' } } });
    const { rec, log } = recorder(mainEnv('400'), {
      token: 'ghs_read',
    });
    const started = await rec.start(release('1.0.0', '400', 'blue'));
    expect(started.written).toBe(false);
    expect(started.warning).toContain(
      'the GitHub record was not written (start of 1.0.0): the token may not write deployments (403: Resource not accessible by integration)',
    );
    expect(started.warning).toContain(DEPLOYMENTS_PERMISSIONS);
    const served = gh().requests.length;
    const live = await rec.live(URL_LIVE);
    expect(live).toMatchObject({
      written: false,
      warning: expect.stringMatching(/skipped, the token may not write deployments/) as string,
    });
    expect(gh().requests).toHaveLength(served);
    expect(gh().deploymentsOf(ENV)).toEqual([]);
    expect(warnings(log)).toHaveLength(2);
  });

  test('a 502 on create is retried: one Deployment, no duplicate', async () => {
    fake = await startGithubFake();
    gh().failNext({
      method: 'POST',
      path: '/repos/{owner}/{repo}/deployments',
      answer: 'bad-gateway',
    });
    const { rec, log } = recorder(mainEnv('500'));
    await rec.start(release('1.0.0', '500', 'blue'));
    expect(history()).toEqual(['1.0.0: in_progress']);
    expect(
      gh()
        .requests.filter((r) => r.method === 'POST' && r.path.endsWith('/deployments'))
        .map((r) => r.status),
    ).toEqual([502, 201]);
    expect(warnings(log)).toEqual([]);
  });

  test('a secondary rate limit on a status is waited out, with a warning, and the status written', async () => {
    fake = await startGithubFake();
    gh().failNext({
      method: 'POST',
      path: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      answer: 'secondary-rate-limit',
    });
    const { rec, log } = recorder(mainEnv('600'));
    expect((await rec.start(release('1.0.0', '600', 'blue'))).written).toBe(true);
    expect(history()).toEqual(['1.0.0: in_progress']);
    expect(warnings(log)).toEqual([
      expect.stringMatching(/^GitHub secondary rate limit on POST .*\/statuses: retrying in 1 s$/),
    ]);
  });

  test('GitHub unreachable: a warning after bounded retries, later calls skipped at once', async () => {
    fake = await startGithubFake();
    const env = mainEnv('700');
    await gh().close();
    fake = undefined;
    const { rec, log } = recorder(env);
    const started = await rec.start(release('1.0.0', '700', 'blue'));
    expect(started.written).toBe(false);
    expect(started.warning).toMatch(
      /^the GitHub record was not written \(start of 1\.0\.0\): could not reach 127\.0\.0\.1:\d+: fetch failed \(ECONNREFUSED\)$/,
    );
    const rolled = await rec.rolledBack('verdict failed', release('0.9.0', '1', 'green'));
    expect(rolled.warning).toMatch(/skipped, GitHub was unreachable/);
    expect(warnings(log)).toHaveLength(2);
  });

  test('a Deployment GitHub made for this job: one warning to set deployment: false', async () => {
    fake = await startGithubFake();
    const sha = gh().commits.at(-1) ?? '';
    const env = { ...runEnv('800', 'v1.0.0', sha), GITHUB_REF: 'refs/heads/main' };
    const log = new RecordingLogger();
    const octokit = createGithubClient({ token: 'ghs_full', env, log, setSecret: () => undefined });
    // What GitHub creates for a job with `environment: production`: no payload, a status on the job.
    const { data } = await octokit.rest.repos.createDeployment({
      owner: 'octo-org',
      repo: 'service',
      ref: 'main',
      environment: ENV,
      auto_merge: false,
      required_contexts: [],
    });
    const id = 'id' in data ? data.id : 0;
    await octokit.rest.repos.createDeploymentStatus({
      owner: 'octo-org',
      repo: 'service',
      deployment_id: id,
      state: 'in_progress',
      log_url: 'https://github.com/octo-org/service/actions/runs/800/job/1',
    });

    const { rec, log: recLog } = recorder(env);
    await rec.start(release('1.0.0', '800', 'blue'));
    await rec.live(URL_LIVE);
    expect(warnings(recLog)).toEqual([
      `GitHub created Deployment ${id} for this job's environment "production" as well as the one switchyard records: set "environment: { name: production, deployment: false }" on the job so each release has one Deployment`,
    ]);
  });
});

describe('disabledRecorder', () => {
  test('writes nothing and says why once', async () => {
    const log = new RecordingLogger();
    const rec = disabledRecorder(log);
    expect(await rec.start(release('1.0.0', '1', 'blue'))).toEqual({
      written: false,
      warning: 'the GitHub record was not written: no GitHub token',
    });
    expect((await rec.live(URL_LIVE)).written).toBe(false);
    expect(warnings(log)).toEqual(['the GitHub record was not written: no GitHub token']);
  });
});

describe('fitDescription / isProductionEnvironment', () => {
  test.each<[string, string]>([
    ['short', 'short'],
    ['two\nlines\r\nand\ttab', 'two lines and tab'],
    ['bidi \u202e override and \u2028 separator', 'bidi override and separator'],
    ['x'.repeat(140), 'x'.repeat(140)],
    ['x'.repeat(141), `${'x'.repeat(139)}…`],
    ['é'.repeat(200), `${'é'.repeat(139)}…`],
    ['😀'.repeat(150), `${'😀'.repeat(139)}…`],
  ])('[%#] %j', (text, fitted) => {
    expect(fitDescription(text)).toBe(fitted);
    expect(Array.from(fitDescription(text)).length).toBeLessThanOrEqual(140);
  });

  test.each<[string, boolean]>([
    ['production', true],
    ['Production', true],
    ['prod', true],
    ['prod-eu', true],
    ['production/us', true],
    ['staging', false],
    ['products', false],
    ['preprod', false],
  ])('[%s] production: %s', (name, yes) => expect(isProductionEnvironment(name)).toBe(yes));
});
