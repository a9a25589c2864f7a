// examples/workflows/hotfix.yml, rollback.yml and retire.yml played as GitHub would run them (the
// workflow player, test/support/scenario-repo.ts) on the testbed, and two releases started together
// that must queue on release.yml's per-environment group. One app, set up by a v1.4.2 tag through
// pipeline.yml; each test starts from what the one before left live. GitHub is a loopback fake:
// each test also asserts the Deployments it holds against what happened to traffic.
import { containers, get } from '../support/deploy.js';
import {
  expectJobs,
  expectRecordMatchesTraffic,
  plainText,
  recorded,
  scenarioRepo,
  stepOf,
  type ScenarioRepo,
} from '../support/scenario-repo.js';
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
  'staging/plan': 'success',
  'staging/release': 'success',
  production: 'success',
  'production/plan': 'success',
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
  for (const env of ['staging', 'production'])
    expect(repo.deployments(env).map(recorded)).toEqual([
      { version: '1.4.2', ref: 'v1.4.2', states: ['in_progress', 'success'] },
    ]);
  repo.git('checkout', '--quiet', '-b', 'hotfix/1.4.3', 'v1.4.2');
  hotfixSha = repo.commit('fix: rounding of prices');
  repo.git('checkout', '--quiet', 'main');
  mainSha = repo.commit('feat: wishlist (not ready for production)');
}, 180_000);

afterEach(() => {
  expect(repo.github.violations).toEqual([]);
});

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
    'production/plan': 'success',
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
  // The reviewers read the plan with the hotfix's reason before they approved.
  const plan = plainText(r.job('production/plan').summary);
  expect(plan).toContain(`## Approve production: ${version}`);
  expect(plan).toContain('### Hotfix');
  expect(plan).toContain('prices off by a cent');
  expect(plan).toMatch(/1\.4\.2 stays warm on blue/);
  // GitHub's record: the hotfix's own Deployment is live, 1.4.2's became inactive; staging's unchanged.
  expect(repo.deployments('production').map((d) => [d.version, d.states])).toEqual([
    ['1.4.2', ['in_progress', 'success', 'inactive']],
    [version, ['in_progress', 'success']],
  ]);
  // It names the image the hotfix built from its branch (its digest), and the run that released it.
  const hotfixRecord = repo.deployments('production')[1]?.record;
  expect(hotfixRecord?.payload).toMatchObject({
    version,
    digest: build.outputs['image-ref']?.split('@')[1],
    previousVersion: '1.4.2',
  });
  // At the hotfix's own commit (its image's revision), never main's newer one the run started on.
  // (Which commits the plan lists between them is the fake's compare: a linear history, not git's.)
  expect(hotfixRecord).toMatchObject({ sha: hotfixSha, ref: hotfixSha });
  expect(plan).toMatch(
    new RegExp(`\\| Commit \\| \`[0-9a-f]{7}\` \\| \`${hotfixSha.slice(0, 7)}\` \\|`),
  );
  expect(hotfixRecord?.statuses.at(-1)?.logUrl).toMatch(
    new RegExp(`/actions/runs/${String(r.plan.github.run_id)}$`),
  );
  expect(repo.deployments('staging').map((d) => d.states.at(-1))).toEqual(['success']);
  expectRecordMatchesTraffic(repo, 'production', after.production);
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
  // GitHub's record: the hotfix's Deployment failed with the reason, 1.4.2 has a fresh success.
  const production = repo.deployments('production');
  expect(production.map((d) => [d.version, d.states])).toEqual([
    ['1.4.2', ['in_progress', 'success', 'inactive']],
    [expect.stringMatching(/^sha-/), ['in_progress', 'success', 'failure']],
    ['1.4.2', ['success']],
  ]);
  expect(production[1]?.record.statuses.at(-1)?.description).toContain(
    'checkout 500s after the hotfix',
  );
  expect(production[2]?.sha).toBe(repo.sha('v1.4.2'));
  expectRecordMatchesTraffic(repo, 'production', status.production);
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
    'production/plan': 'success',
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
  // GitHub's record in the same order: the first release replaced (inactive), the second live.
  expect(
    repo
      .deployments('production')
      .slice(-2)
      .map((d) => [d.version, d.states]),
  ).toEqual([
    [versions[firstName], ['in_progress', 'success', 'inactive']],
    [versions[secondName], ['in_progress', 'success']],
  ]);
  expectRecordMatchesTraffic(repo, 'production', status.production);
  expectRecordMatchesTraffic(repo, 'staging', status.staging);
});

test('the scheduled retire stops staging’s previous color (keep-previous 1s is up), not production’s', async () => {
  const before = await repo.status();
  const records = {
    staging: repo.deployments('staging'),
    production: repo.deployments('production'),
  };
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
  // Retiring an idle color changes no release: GitHub's record stays as it was.
  expect(repo.deployments('staging')).toEqual(records.staging);
  expect(repo.deployments('production')).toEqual(records.production);
});
