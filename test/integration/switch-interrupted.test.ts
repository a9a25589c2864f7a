/**
 * Issue 20, item 2, on the real Docker target: a deploy killed (SIGKILL, at a named failpoint) between
 * the proxy's runtime switch and saving it leaves runtime, map file and record either all old (when
 * the proxy restarts before the next run) or repaired to all new by the next run, which warns and
 * writes a `reconcile` history entry; a proxy restart after the repair keeps the new version.
 */
import { FAILPOINT_VARIABLE, FAILPOINTS } from '@switchyard/targets';
import { PROXY_FILES } from '@switchyard/targets/docker';
import { pushAppVersion, type PushedApp } from '../support/app-versions.js';
import { deployFixture, get, type DeployFixture } from '../support/deploy.js';
import { expectOk, type ActionRun } from '../support/runner.js';
import { docker } from '../support/testbed.js';

let v1: PushedApp;
let v2: PushedApp;
const fixtures: DeployFixture[] = [];

beforeAll(async () => {
  const [a, b] = await Promise.all([pushAppVersion('1.0.0'), pushAppVersion('2.0.0')]);
  if (!a || !b) throw new Error('pushAppVersion returned nothing');
  [v1, v2] = [a, b];
});

afterAll(async () => {
  for (const f of fixtures) await f.remove();
});

interface Record {
  live: string;
  history: { action: string; version: string }[];
}
const recordOf = (r: ActionRun): Record => JSON.parse(r.outputs.state ?? '{}') as Record;

/** What a restarted proxy would serve: its map file. */
const mapFile = (f: DeployFixture): Promise<string> =>
  docker('exec', `${f.app}-${f.environment}-proxy`, 'cat', PROXY_FILES.map);

async function restartProxy(f: DeployFixture): Promise<void> {
  await docker('restart', `${f.app}-${f.environment}-proxy`);
  for (let i = 0; i < 50; i++) {
    if ((await get(f.url, 1000).catch(() => undefined))?.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the proxy did not answer after its restart');
}

/** v1 live on blue, then a deploy of v2 killed at `point`. */
async function killedAt(point: string): Promise<DeployFixture> {
  const f = await deployFixture();
  fixtures.push(f);
  expectOk(await f.run({ image: v1.ref }));
  const killed = await f.run({ image: v2.ref }, { env: { [FAILPOINT_VARIABLE]: point } });
  expect(killed.exitCode).not.toBe(0);
  expect(killed.log).toContain(`failpoint ${point}: killing this process`);
  return f;
}

describe.each([
  ['after the runtime switch, before the map file', FAILPOINTS.routed],
  ['after the map file, before the record', FAILPOINTS.routesSaved],
])('a deploy killed %s', (_when, point) => {
  test('the next run repairs to all new, with a warning and a reconcile entry; a restart keeps it', async () => {
    const f = await killedAt(point);
    // The switch happened: live serves 2.0.0.
    expect((await get(f.url)).json).toMatchObject({ version: '2.0.0', color: 'green' });
    const again = await f.run({ image: v2.ref, 'lock-timeout': '5s' });
    expectOk(again);
    expect(again.annotations.map((a) => a.message)).toContainEqual(
      expect.stringMatching(/^repaired an interrupted switch on docker/),
    );
    const record = recordOf(again);
    expect(record.live).toBe('green');
    expect(record.history.map((h) => `${h.action} ${h.version}`).slice(0, 2)).toEqual([
      'reconcile 2.0.0',
      'deploy 1.0.0',
    ]);
    expect(await mapFile(f)).toMatch(/^live green$/m);
    await restartProxy(f);
    expect((await get(f.url)).json).toMatchObject({ version: '2.0.0', color: 'green' });
  }, 120_000);
});

test('killed after the runtime switch, then the proxy restarts: all old, and the re-run deploys for real', async () => {
  const f = await killedAt(FAILPOINTS.routed);
  await restartProxy(f);
  expect((await get(f.url)).json).toMatchObject({ version: '1.0.0', color: 'blue' });
  const status = await f.run({ action: 'status' });
  expectOk(status);
  expect(recordOf(status).live).toBe('blue');
  expect(status.log).not.toContain('repaired an interrupted switch');
  const again = await f.run({ image: v2.ref, 'lock-timeout': '5s' });
  expectOk(again);
  expect(recordOf(again).history.map((h) => `${h.action} ${h.version}`)).toEqual([
    'deploy 2.0.0',
    'deploy 1.0.0',
  ]);
  expect((await get(f.url)).json).toMatchObject({ version: '2.0.0', color: 'green' });
}, 120_000);

test('status repairs an interrupted switch when no deploy holds the lock', async () => {
  const f = await killedAt(FAILPOINTS.routed);
  const status = await f.run({ action: 'status', 'lock-timeout': '5s' });
  expectOk(status);
  expect(status.log).toContain('repaired an interrupted switch');
  expect(recordOf(status).live).toBe('green');
  expect(await mapFile(f)).toMatch(/^live green$/m);
}, 120_000);
