// examples/workflows/hotfix.yml, rollback.yml and retire.yml played as GitHub would run them (the
// workflow player, test/support/scenario-repo.ts) on the testbed, and two releases started together
// that must queue on release.yml's per-environment group. One app, set up by a v1.4.2 tag through
// pipeline.yml; each test starts from what the one before left live.
import { containers, get } from '../support/deploy.js';
import { expectJobs, scenarioRepo, stepOf, type ScenarioRepo } from '../support/scenario-repo.js';
import { ConcurrencyGroups } from '../support/workflow-player/index.js';

let repo: ScenarioRepo;
/** The hotfix branch's commit, and main's newer one the hotfix must not take. */
let hotfixSha = '';
let mainSha = '';

const hotfix = (ref: string, reason: string) =>
  ({
    name: 'workflow_dispatch',
    ref: 'refs/heads/main',
    inputs: { ref, reason, 'rollback-plan': 'rollback workflow to 1.4.2' },
  }) as const;

const RELEASED = {
  gate: 'success',
  image: 'success',
  staging: 'success',
  'staging/release': 'success',
  production: 'success',
  'production/release': 'success',
} as const;

beforeAll(async () => {
  // staging's previous color may retire 1 s after a switch: the scheduled retire has work.
  repo = await scenarioRepo({ keepPrevious: { staging: '1s' } });
  repo.git('tag', 'v1.4.2');
  const r = await repo.play({
    workflow: 'pipeline',
    event: { name: 'push', ref: 'refs/tags/v1.4.2' },
    approve: () => 'approve',
  });
  expectJobs(r, RELEASED);
  repo.git('checkout', '--quiet', '-b', 'hotfix/1.4.3', 'v1.4.2');
  hotfixSha = repo.commit('fix: rounding of prices');
  repo.git('checkout', '--quiet', 'main');
  mainSha = repo.commit('feat: wishlist (not ready for production)');
}, 180_000);

afterAll(async () => {
  await repo?.remove();
});

test('a hotfix from a branch: gated, built from that branch, released to production after approval; staging untouched', async () => {
  const before = await repo.status();
  const r = await repo.play({
    workflow: 'hotfix',
    event: hotfix('hotfix/1.4.3', 'prices off by a cent'),
    approve: () => 'approve',
  });
  expectJobs(r, {
    gate: 'success',
    image: 'success',
    production: 'success',
    'production/release': 'success',
  });
  expect(r.plan.name).toBe('hotfix');
  expect(r.approvals).toEqual([expect.objectContaining({ environment: 'production' })]);
  // Tags, version and revision from the branch checked out, not from the run's GITHUB_SHA (main's).
  const version = `sha-${hotfixSha.slice(0, 7)}`;
  expect(r.plan.github.sha).toBe(mainSha);
  const build = stepOf(r, 'image', 'build');
  expect(build.outputs.version).toBe(version);
  expect(build.outputs.tags?.split('\n')).toEqual(
    expect.arrayContaining([`${repo.image}:hotfix-1.4.3`, `${repo.image}:${version}`]),
  );
  expect(build.outputs.tags).not.toContain(mainSha.slice(0, 7));
  expect(build.outputs.labels).toContain(`org.opencontainers.image.revision=${hotfixSha}`);
  const after = await repo.status();
  expect(after.production).toMatchObject({ live: 'green', version, previous: 'blue' });
  expect(after.staging).toEqual(before.staging);
  expect((await get(`${repo.production.url}/healthz`)).json?.version).toBe(version);
});

test('a manual rollback (rollback.yml) puts production back on 1.4.2, with the reason in the history', async () => {
  const r = await repo.play({
    workflow: 'rollback',
    event: {
      name: 'workflow_dispatch',
      inputs: { environment: 'production', reason: 'checkout 500s after the hotfix' },
    },
    approve: () => 'approve', // production's reviewers gate rollbacks too
  });
  expectJobs(r, { rollback: 'success' });
  expect(stepOf(r, 'rollback', 'rollback').outputs).toMatchObject({
    'rolled-back': 'true',
    method: 'switch',
    'to-version': '1.4.2',
    color: 'blue',
  });
  const status = await repo.status();
  expect(status.production).toMatchObject({ live: 'blue', version: '1.4.2' });
  expect(status.production.history[0]).toMatchObject({
    action: 'rollback',
    version: '1.4.2',
    reason: 'checkout 500s after the hotfix',
  });
});

test('a tag and a hotfix started together: their production releases queue, one after the other', async () => {
  repo.git('tag', 'v1.4.4');
  repo.git('checkout', '--quiet', '-b', 'hotfix/1.4.5', 'v1.4.2');
  const fixSha = repo.commit('fix: tax rounding');
  repo.git('checkout', '--quiet', 'main');
  const groups = new ConcurrencyGroups();
  const [tag, fix] = await Promise.all([
    repo.play({
      workflow: 'pipeline',
      event: { name: 'push', ref: 'refs/tags/v1.4.4' },
      approve: () => 'approve',
      concurrency: groups,
    }),
    repo.play({
      workflow: 'hotfix',
      event: hotfix('hotfix/1.4.5', 'tax rounding'),
      approve: () => 'approve',
      concurrency: groups,
    }),
  ]);
  expectJobs(tag, RELEASED);
  expectJobs(fix, {
    gate: 'success',
    image: 'success',
    production: 'success',
    'production/release': 'success',
  });
  const a = tag.job('production/release');
  const b = fix.job('production/release');
  const [first, second] = a.startedAt <= b.startedAt ? [a, b] : [b, a];
  expect(second.startedAt).toBeGreaterThanOrEqual(first.finishedAt);
  const order = groups.events
    .filter((e) => e.group === 'release-production')
    .map((e) => `${e.event} ${e.label.replace(/^.*\/(\w+)\.yml#\d+\//, '$1 ')}`);
  const firstName = first === a ? 'pipeline' : 'hotfix';
  const secondName = first === a ? 'hotfix' : 'pipeline';
  expect(order.filter((e) => !e.startsWith('queued'))).toEqual([
    `started ${firstName} production/release`,
    `released ${firstName} production/release`,
    `started ${secondName} production/release`,
    `released ${secondName} production/release`,
  ]);
  // Consistent: the second release is live, the first is the warm previous color, and the history
  // has the first promote, then the second (a promote: false deploy records nothing until then).
  const versions = { pipeline: '1.4.4', hotfix: `sha-${fixSha.slice(0, 7)}` };
  const status = await repo.status();
  expect(status.production).toMatchObject({
    version: versions[secondName],
    previousVersion: versions[firstName],
    previousState: 'warm',
  });
  expect(status.production.history.slice(0, 2).map((h) => `${h.action} ${h.version}`)).toEqual([
    `promote ${versions[secondName]}`,
    `promote ${versions[firstName]}`,
  ]);
  expect((await get(`${repo.production.url}/healthz`)).json?.version).toBe(versions[secondName]);
  expect(status.staging).toMatchObject({ version: '1.4.4', previous: 'blue' });
});

test('the scheduled retire stops staging’s previous color (keep-previous 1s is up), not production’s', async () => {
  const before = await repo.status();
  const r = await repo.play({
    workflow: 'retire',
    event: { name: 'schedule', cron: '23 * * * *' },
  });
  expectJobs(r, {
    retire: 'success',
    'retire (staging)': 'success',
    'retire (production)': 'success',
  });
  expect(r.job('retire (staging)').environment?.name).toBe('staging-maintenance');
  expect(stepOf(r, 'retire (staging)', 'retire').outputs.retired).toBe(before.staging.previous);
  expect(stepOf(r, 'retire (production)', 'retire').outputs.retired).toBe('');
  const after = await repo.status();
  expect(after.staging).toMatchObject({ live: before.staging.live, previousState: 'retired' });
  expect(after.production).toMatchObject({ live: before.production.live, previousState: 'warm' });
  const states = await containers(repo.app);
  expect(states[`${repo.app}-staging-${before.staging.previous}`]).not.toBe('running');
  expect(states[`${repo.app}-staging-${before.staging.live}`]).toBe('running');
  expect(states[`${repo.app}-production-${before.production.previous}`]).toBe('running');
});
