// examples/workflows/pipeline.yml (with release.yml) played as GitHub would run it, by the workflow
// player, in a fixture repository (test/support/scenario-repo.ts) on the testbed: a merge to main,
// a tag approved, a tag rejected, a caller without `deployments: write`, a tag whose monitor window
// fails in production. One app: each test starts from what the one before left live, and asserts on
// it with `switchyard status`, and on the Deployments GitHub (a loopback fake) holds for it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { get } from '../support/deploy.js';
import { startLoad, type LoadRun } from '../support/load.js';
import { someValue, testbedPrometheus, waitForQuery } from '../support/prometheus.js';
import {
  expectJobs,
  expectRecordMatchesTraffic,
  plainText,
  recorded,
  scenarioRepo,
  SECRETS,
  stepOf,
  type ScenarioRepo,
} from '../support/scenario-repo.js';
import { ROOT } from '../support/runner.js';
import { docker } from '../support/testbed.js';
import { REJECTED } from '../support/workflow-player/index.js';

let repo: ScenarioRepo;
let load: LoadRun | undefined;
/** The version the first test released to staging from main. */
let mainVersion = '';

beforeAll(async () => {
  repo = await scenarioRepo();
}, 60_000);

afterAll(async () => {
  await load?.stop();
  await repo?.remove();
});

/** `docker inspect` env of a container, as NAME=value lines. */
const containerEnv = async (name: string): Promise<string[]> =>
  (await docker('inspect', '-f', '{{range .Config.Env}}{{println .}}{{end}}', name))
    .split('\n')
    .filter(Boolean);

const tagPush = (tag: string) => ({ name: 'push' as const, ref: `refs/tags/${tag}` });

afterEach(() => {
  expect(repo.github.violations).toEqual([]);
});

test('a merge to main: gate, image and staging released; production skipped', async () => {
  const sha = repo.commit('feat: the checkout page');
  const r = await repo.play({
    workflow: 'pipeline',
    event: { name: 'push', ref: 'refs/heads/main' },
  });
  expectJobs(r, {
    gate: 'success',
    image: 'success',
    staging: 'success',
    'staging/plan': 'success',
    'staging/release': 'success',
    production: 'skipped',
  });
  expect(r.approvals).toEqual([]);
  // The gate ran the app's npm scripts for real and judged their reports.
  expect(stepOf(r, 'gate', 'quality-gate').outputs).toMatchObject({
    passed: 'true',
    coverage: '100',
    'tests-failed': '0',
  });
  const version = `sha-${sha.slice(0, 7)}`;
  mainVersion = version;
  const { 'image-ref': imageRef, version: built } = r.job('image').outputs;
  expect(built).toBe(version);
  expect(imageRef).toMatch(new RegExp(`^${repo.image}@sha256:[0-9a-f]{64}$`));
  const status = await repo.status();
  expect(status.staging).toMatchObject({ live: 'blue', version, digest: imageRef?.split('@')[1] });
  expect(status.production.live).toBeNull();
  // The version contract: build-image passed it as APP_VERSION, the app serves it.
  expect((await get(`${repo.staging.url}/healthz`)).json?.version).toBe(version);
  // switchyard.yml lists no secrets for staging: DATABASE_URL never reaches its container.
  expect((await containerEnv(`${repo.app}-staging-blue`)).join('\n')).not.toContain('DATABASE_URL');
  // GitHub's record: one Deployment of main, in_progress while blue started, success once live.
  expect(r.plan.job('staging/release').permissions).toMatchObject({ deployments: 'write' });
  expect(r.plan.job('staging/plan').permissions).toMatchObject({ deployments: 'read' });
  const [deployment, ...more] = repo.deployments('staging');
  expect(more).toEqual([]);
  expect(deployment && recorded(deployment)).toEqual({
    version,
    ref: 'main',
    states: ['in_progress', 'success'],
  });
  expect(deployment?.sha).toBe(sha);
  expect(deployment?.record.payload).toMatchObject({
    digest: imageRef?.split('@')[1],
    color: 'blue',
  });
  expect(deployment?.record.statuses.at(-1)?.logUrl).toBe(
    `https://github.com/acme/shop/actions/runs/${String(r.plan.github.run_id)}`,
  );
  expect(repo.deployments('production')).toEqual([]);
  expectRecordMatchesTraffic(repo, 'staging', status.staging);
});

test('a v1.4.2 tag: staging, then production once the reviewers approve', async () => {
  repo.git('tag', 'v1.4.2');
  const r = await repo.play({
    workflow: 'pipeline',
    event: tagPush('v1.4.2'),
    approve: () => 'approve',
  });
  expectJobs(r, {
    gate: 'success',
    image: 'success',
    staging: 'success',
    'staging/plan': 'success',
    'staging/release': 'success',
    production: 'success',
    'production/plan': 'success',
    'production/release': 'success',
  });
  expect(r.approvals).toEqual([
    expect.objectContaining({ environment: 'production', job: 'production/release' }),
  ]);
  expect(r.job('production/release').startedAt).toBeGreaterThanOrEqual(
    r.job('staging/release').finishedAt,
  );
  expect(r.job('production/release').concurrencyGroup).toBe('release-production');
  const imageRef = r.job('image').outputs['image-ref'];
  // promote switches only to the digest this run deployed.
  expect(stepOf(r, 'production/release', 'promote').inputs).toMatchObject({
    action: 'promote',
    image: imageRef,
  });
  const digest = imageRef?.split('@')[1];
  const status = await repo.status();
  expect(status.staging).toMatchObject({
    live: 'green',
    version: '1.4.2',
    digest,
    previous: 'blue',
  });
  expect(status.production).toMatchObject({ live: 'blue', version: '1.4.2', digest });
  // deployment: false — GitHub makes no record of its own beside switchyard's (checked below).
  expect(r.job('production/release').environment).toEqual({
    name: 'production',
    url: repo.production.url,
    deployment: false,
  });
  // production lists DATABASE_URL under secrets: the release's env line put it in the container.
  expect(await containerEnv(`${repo.app}-production-blue`)).toContain(
    `DATABASE_URL=${SECRETS.DATABASE_URL}`,
  );
  // One Deployment per release: staging's main release is inactive once v1.4.2 replaced it.
  expect(repo.deployments('staging').map(recorded)).toEqual([
    {
      version: mainVersion,
      ref: 'main',
      states: ['in_progress', 'success', 'inactive'],
    },
    { version: '1.4.2', ref: 'v1.4.2', states: ['in_progress', 'success'] },
  ]);
  expect(repo.deployments('production').map(recorded)).toEqual([
    { version: '1.4.2', ref: 'v1.4.2', states: ['in_progress', 'success'] },
  ]);
  expectRecordMatchesTraffic(repo, 'staging', status.staging);
  expectRecordMatchesTraffic(repo, 'production', status.production);
  // The plan job ran before the reviewers were asked, without waiting for them itself.
  expect(r.job('production/plan').environment?.name).toBe('production-maintenance');
  expect(r.job('production/plan').finishedAt).toBeLessThanOrEqual(
    r.job('production/release').startedAt,
  );
  const plan = plainText(r.job('production/plan').summary);
  expect(plan).toContain('## Approve production: 1.4.2');
  expect(plan).toContain('First deployment: nothing is live');
});

test('a tag the reviewers reject: staging gets it, production keeps what was live', async () => {
  repo.commit('feat: new prices');
  repo.git('tag', 'v1.4.3');
  const before = (await repo.status()).production;
  const r = await repo.play({
    workflow: 'pipeline',
    event: tagPush('v1.4.3'),
    approve: ({ environment }) => (environment === 'production' ? 'reject' : 'approve'),
  });
  expectJobs(
    r,
    {
      'staging/release': 'success',
      'production/plan': 'success',
      production: 'failure',
      'production/release': 'failure',
    },
    true, // only these jobs
  );
  expect(r.conclusion).toBe('failure');
  expect(r.job('production/release').errors).toEqual([REJECTED]);
  expect(r.job('production/release').steps).toEqual([]); // no step ran
  const after = await repo.status();
  expect(after.production).toEqual(before);
  expect(after.production).toMatchObject({ live: 'blue', version: '1.4.2' });
  expect(after.staging).toMatchObject({ live: 'blue', version: '1.4.3' });
  // What the reviewers read (the plan job's summary) before they rejected: 1.4.2 live, 1.4.3 next,
  // the commit between them, the target's dry-run steps, the monitor rules.
  const plan = r.job('production/plan');
  expect(plan.result).toBe('success');
  expect(plan.finishedAt).toBeLessThanOrEqual(r.job('production/release').startedAt);
  expect(plan.summary.trim()).toBe(stepOf(r, 'production/plan', 'plan').outputs.plan?.trim());
  const text = plainText(plan.summary);
  expect(text).toContain('## Approve production: 1.4.3');
  expect(text).toMatch(/^\| Version \| 1\.4\.2 \| 1\.4\.3 \|$/m);
  expect(text).toContain(`### Commits (1)\n\n- \`${repo.sha('v1.4.3').slice(0, 7)}\``);
  expect(text).toMatch(/^start \S+@sha256:[0-9a-f]{64} as green; blue stays untouched$/m);
  expect(text).toMatch(/^switch live traffic blue → green/m);
  expect(text).toContain('### Monitor rules');
  // Nothing reached production, so its record is unchanged; staging's has 1.4.3 live.
  expect(repo.deployments('production').map(recorded)).toEqual([
    { version: '1.4.2', ref: 'v1.4.2', states: ['in_progress', 'success'] },
  ]);
  expect(
    repo
      .deployments('staging')
      .map((d) => `${d.version} ${d.states.at(-1)}`)
      .slice(1),
  ).toEqual(['1.4.2 inactive', '1.4.3 success']);
  expectRecordMatchesTraffic(repo, 'staging', after.staging);
  expectRecordMatchesTraffic(repo, 'production', after.production);
});

test('a release job without deployments: write: staging is released, a warning names the permissions block, GitHub has no record of it', async () => {
  const sha = repo.commit('feat: gift cards');
  const before = repo.deployments('staging').map(recorded);
  const main = { name: 'push', ref: 'refs/heads/main' } as const;
  // A caller that doesn't grant what release.yml asks is refused by GitHub before anything runs.
  await expect(
    repo.play({
      workflow: 'pipeline',
      event: main,
      edit: { 'pipeline.yml': (text) => text.replaceAll(', deployments: write }', ' }') },
    }),
  ).rejects.toThrow(
    "The workflow is requesting 'deployments: write', but is only allowed 'deployments: none'",
  );
  // release.yml as it was before it asked for deployments: write: the job's token lacks it.
  const r = await repo.play({
    workflow: 'pipeline',
    event: main,
    edit: {
      'release.yml': (text) =>
        text.replace('  packages: read\n  deployments: write\n', '  packages: read\n'),
    },
  });
  expectJobs(r, { 'staging/release': 'success', production: 'skipped' }, true);
  expect(r.plan.job('staging/release').permissions).toMatchObject({ deployments: 'none' });
  const version = `sha-${sha.slice(0, 7)}`;
  const status = await repo.status();
  expect(status.staging).toMatchObject({ live: 'green', version });
  expect((await get(`${repo.staging.url}/healthz`)).json?.version).toBe(version);
  const deploy = stepOf(r, 'staging/release', 'deploy');
  expect(deploy.log).toMatch(
    /^::warning::.*the GitHub record was not written.*permissions:%0A {2}contents: read%0A {2}deployments: write/m,
  );
  expect(repo.deployments('staging').map(recorded)).toEqual(before);
  const refused = repo.github.requests.filter((q) => q.status === 403);
  expect(refused.length).toBeGreaterThan(0);
});

test('a production release whose monitor window fails is rolled back by monitor-window; the job fails', async () => {
  const prom = testbedPrometheus();
  // v1.5.0 answers every request 400 ms late: its smoke checks pass (under their 1 s budget),
  // staging (no Prometheus: the health rule only) passes it, production's p95 rule does not.
  const dockerfile = readFileSync(join(repo.dir, 'Dockerfile'), 'utf8');
  repo.commit('perf: the new price lookup', {
    Dockerfile: dockerfile.replace(/^(COPY server\.mjs .*)$/m, '$1\nENV DELAY_MS=400'),
  });
  repo.git('tag', 'v1.5.0');
  // Traffic on production's live color (1.4.2, blue) from now on: its p95 is the baseline.
  load = startLoad(`${repo.production.url}/?delay_ms=5`, {
    connections: 2,
    threads: 1,
    maxDurationMs: 240_000,
  });
  await waitForQuery(
    prom.url,
    `sum(rate(http_requests_total{app="${repo.app}",environment="production",color="blue"}[5s]))`,
    someValue((v) => v > 5),
    30_000,
  );
  const r = await repo.play({
    workflow: 'pipeline',
    event: tagPush('v1.5.0'),
    approve: () => 'approve',
    vars: { production: { PROMETHEUS_URL: prom.url, MONITOR_DURATION: '90s' } },
  });
  expectJobs(
    r,
    {
      'staging/release': 'success',
      'production/release': 'failure',
    },
    true, // only these jobs
  );
  const release = r.job('production/release');
  const monitor = release.steps.find((s) => s.id === 'monitor');
  expect(monitor).toMatchObject({ outcome: 'failure' });
  expect(monitor?.outputs).toMatchObject({
    verdict: 'failed',
    rule: 'p95-latency',
    'rolled-back': 'true',
    'rollback-version': '1.4.2',
  });
  expect(monitor?.inputs).toMatchObject({ duration: '90s', 'prometheus-url': prom.url });
  // monitor-window rolled back itself, so the workflow's own rollback step stays out.
  const last = release.steps.at(-1);
  expect([last?.uses, last?.outcome]).toEqual(['org/switchyard/actions/rollback@v1', 'skipped']);
  const status = await repo.status();
  expect(status.production).toMatchObject({ live: 'blue', version: '1.4.2' });
  expect(status.production.history[0]).toMatchObject({ action: 'rollback', version: '1.4.2' });
  expect(status.staging).toMatchObject({ version: '1.5.0' });
  expect((await get(`${repo.production.url}/healthz`)).json?.version).toBe('1.4.2');
  // GitHub's record: 1.5.0 failed its window (failure, with the verdict), and 1.4.2, live again,
  // has a fresh Deployment with success; the 1.4.2 replaced by 1.5.0 stays inactive.
  const production = repo.deployments('production');
  expect(production.map(recorded)).toEqual([
    { version: '1.4.2', ref: 'v1.4.2', states: ['in_progress', 'success', 'inactive'] },
    { version: '1.5.0', ref: 'v1.5.0', states: ['in_progress', 'success', 'failure', 'failure'] },
    { version: '1.4.2', ref: repo.sha('v1.4.2'), states: ['success'] },
  ]);
  // The verdict's failure, then the rollback's.
  expect(production[1]?.record.statuses.slice(2).map((s) => s.description)).toEqual([
    expect.stringMatching(/^monitor verdict failed: p95-latency/),
    expect.stringMatching(/^rolled back to 1\.4\.2: /),
  ]);
  expect(production[2]?.sha).toBe(repo.sha('v1.4.2'));
  expectRecordMatchesTraffic(repo, 'production', status.production);
  expectRecordMatchesTraffic(repo, 'staging', status.staging);
  const stats = await load.stop();
  load = undefined;
  expect(stats.requests).toBeGreaterThan(0);
});

test('the workflow excerpts in README.md and the actions’ READMEs are copied from the played files', () => {
  // Each ```yaml block after a `<!-- copied from <file> -->` line must be lines of that file, as
  // they are there (prettier may take away their common indent).
  const docs = ['README.md', 'actions/deploy-bluegreen/README.md'];
  let checked = 0;
  for (const doc of docs) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    for (const m of text.matchAll(/<!-- copied from (\S+) -->\s*```yaml\n([\s\S]*?)\n```/g)) {
      const [, file = '', block = ''] = m;
      const source = readFileSync(join(ROOT, file), 'utf8');
      const lines = block.split('\n');
      const found = [0, 2, 4, 6, 8].some((indent) =>
        source.includes(lines.map((l) => (l === '' ? '' : ' '.repeat(indent) + l)).join('\n')),
      );
      if (!found) throw new Error(`${doc}: the excerpt of ${file} is not in ${file}:\n${block}`);
      checked++;
    }
  }
  expect(checked).toBe(2);
});
