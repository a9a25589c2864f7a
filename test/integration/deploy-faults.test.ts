/**
 * deploy-bluegreen when things go wrong: a new color that crashes or never gets healthy, images
 * that can't be pulled, an unreachable daemon, a rejected proxy config, two deploys at once, a
 * stale lock, and a runner killed mid-deploy. In every case the live color keeps answering.
 */
import { CRASH_LINE, pushAppVersion, type PushedApp } from '../support/app-versions.js';
import { containers, deployFixture, get, watch, type DeployFixture } from '../support/deploy.js';
import { expectOk, type RunOptions } from '../support/runner.js';
import { docker, pushPrivate, testbed } from '../support/testbed.js';

const tb = testbed();
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

/** A fixture with v1 live on blue. */
async function liveV1(section: Record<string, unknown> = {}): Promise<DeployFixture> {
  const f = await deployFixture(section);
  fixtures.push(f);
  expectOk(await f.run({ image: v1.ref }));
  return f;
}

async function expectLiveV1(f: DeployFixture): Promise<void> {
  expect((await get(f.url)).json).toMatchObject({ version: '1.0.0', color: 'blue' });
}

describe('a new color that never gets ready leaves live traffic alone', () => {
  test('crashes on start: fails at once with its log lines, stopped', async () => {
    const f = await liveV1();
    const crash = await pushAppVersion('2.0.0-crash', { variant: 'crash' });
    const w = watch(f.url);
    const r = await f.run({ image: crash.ref });
    const watched = await w.stop();
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(
      /::error::deploy-bluegreen: the new green did not become ready: container (exited|restarting|crashed)/,
    );
    expect(r.log).toContain('Live traffic was not touched (it stays on blue); green was stopped');
    expect(r.log).toContain('::group::Last log lines of green');
    expect(r.log).toContain(CRASH_LINE.replace('<version>', '2.0.0-crash'));
    expect(r.outputs).toEqual({});
    expect(watched.bad).toEqual([]);
    await expectLiveV1(f);
    expect(await containers(f.app)).toMatchObject({ [`${f.app}-staging-green`]: 'exited' });
  });

  test('never healthy: fails after ready-timeout; keep-failed keeps it running', async () => {
    const f = await liveV1({ 'ready-timeout': '4s' });
    const sick = await pushAppVersion('2.0.0-sick', { variant: 'unhealthy' });
    const w = watch(f.url);
    const r = await f.run({ image: sick.ref, 'keep-failed': 'true' });
    const watched = await w.stop();
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(/did not become ready: not ready after 4s \(ready-timeout\)/);
    expect(r.log).toContain('green was kept running for inspection (keep-failed)');
    expect(watched.bad).toEqual([]);
    await expectLiveV1(f);
    expect(await containers(f.app)).toMatchObject({ [`${f.app}-staging-green`]: 'running' });
    // The next good deploy replaces the failed color.
    expectOk(await f.run({ image: v2.ref }));
    expect((await get(f.url)).json).toMatchObject({ version: '2.0.0', color: 'green' });
  });
});

describe('images, daemon and proxy config', () => {
  test('an image that does not exist: clear error, nothing changed', async () => {
    const f = await liveV1();
    const before = await containers(f.app);
    const r = await f.run({ image: `${tb.registry}/switchyard-e2e/app:9.9.9` });
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(
      /::error::deploy-bluegreen: could not pull .*app:9\.9\.9 on the local Docker daemon: .*(not found|manifest unknown)/,
    );
    expect(await containers(f.app)).toEqual(before);
    await expectLiveV1(f);
  });

  test('a private registry: denied without credentials, pulled with them (masked)', async () => {
    const f = await liveV1();
    const auth = tb.authRegistry;
    const ref = `${auth.host}/switchyard-e2e/private:2.0.0`;
    await pushPrivate(v2.ref, ref);
    const denied = await f.run({ image: ref });
    expect(denied.exitCode).toBe(1);
    expect(denied.log).toMatch(
      /could not pull .*private:2\.0\.0 .*(no basic auth credentials|unauthorized|denied)/i,
    );
    await expectLiveV1(f);
    const r = await f.run(
      { image: ref, 'registry-username': auth.user, 'registry-password': auth.password },
      { secrets: [auth.password] },
    );
    expectOk(r);
    expect((await get(f.url)).json).toMatchObject({ version: '2.0.0' });
    expect(r.tempFiles).toEqual([]);
  });

  test('an unreachable Docker daemon: error naming the host, before anything else', async () => {
    const f = await deployFixture();
    fixtures.push(f);
    const r = await f.run({ image: v1.ref, 'docker-host': 'tcp://127.0.0.1:1' });
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(
      /::error::deploy-bluegreen: cannot reach DOCKER_HOST tcp:\/\/127\.0\.0\.1:1: .*Check that dockerd runs there/,
    );
    expect(r.log).not.toContain('docker pull');
  });

  test('a proxy config HAProxy rejects: the old one stays in force, nothing started', async () => {
    const f = await liveV1();
    const cfgBefore = await docker(
      'exec',
      `${f.app}-staging-proxy`,
      'cat',
      '/var/lib/switchyard/haproxy.cfg',
    );
    f.writeConfig({ proxy: { image: tb.haproxyImage, defaults: ['no-such-keyword 42'] } });
    const r = await f.run({ image: v2.ref });
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(
      /HAProxy rejected the new proxy config, so the running one stays in force/,
    );
    expect(r.log).toMatch(/no-such-keyword/);
    expect(
      await docker('exec', `${f.app}-staging-proxy`, 'cat', '/var/lib/switchyard/haproxy.cfg'),
    ).toBe(cfgBefore);
    expect(Object.keys(await containers(f.app))).not.toContain(`${f.app}-staging-green`);
    await expectLiveV1(f);
    // A valid change is applied by a reload, without dropping the live color.
    f.writeConfig({ proxy: { image: tb.haproxyImage, defaults: ['timeout queue 5s'] } });
    const ok = await f.run({ image: v2.ref });
    expectOk(ok);
    expect(ok.log).toContain('proxy config changed: reloading');
    expect(
      await docker('exec', `${f.app}-staging-proxy`, 'cat', '/var/lib/switchyard/haproxy.cfg'),
    ).toContain('timeout queue 5s');
    expect((await get(f.url)).json).toMatchObject({ version: '2.0.0' });
  });
});

describe('settings an existing proxy cannot take in place', () => {
  test('a changed container-port is refused before anything starts; live stays', async () => {
    const f = await liveV1();
    const before = await containers(f.app);
    f.writeConfig({ 'container-port': 9090 });
    const r = await f.run({ image: v2.ref });
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(
      /::error::deploy-bluegreen: the app's port changed from 8080 to 9090 \(docker\.container-port\); the live color still listens on 8080/,
    );
    expect(await containers(f.app)).toEqual(before);
    await expectLiveV1(f);
  });
});

describe('the deploy lock', () => {
  test('a second deploy waits for the first, or fails naming the holder', async () => {
    const f = await liveV1();
    const slow = await pushAppVersion('2.0.0-slow', { variant: 'slow-start' });
    const first = f.run(
      { image: slow.ref },
      { env: { GITHUB_RUN_ID: '111', GITHUB_ACTOR: 'alice' } },
    );
    await new Promise((res) => setTimeout(res, 1500));
    const impatient = await f.run(
      { image: v2.ref, 'lock-timeout': '1s' },
      { env: { GITHUB_RUN_ID: '222', GITHUB_ACTOR: 'bob' } },
    );
    expect(impatient.exitCode).toBe(1);
    expect(impatient.log).toMatch(
      /holds the lock: https:\/\/github\.com\/[^ ]+\/actions\/runs\/111 by alice, since .*Waited 1(\.\d+)?s \(lock-timeout\)/,
    );
    const patient = f.run(
      { image: v2.ref, 'lock-timeout': '60s' },
      { env: { GITHUB_RUN_ID: '333' } },
    );
    const [a, b] = await Promise.all([first, patient]);
    expectOk(a);
    expectOk(b);
    expect(b.log).toMatch(/waiting for the deploy lock, held by .*runs\/111 \(alice\)/);
    expect((await get(f.url)).json).toMatchObject({ version: '2.0.0' });
  }, 90_000);

  test('a stale lock (its holder died) is removed with a warning', async () => {
    const f = await liveV1();
    await docker(
      'create',
      '--name',
      `${f.app}-staging-lock`,
      '--label',
      `switchyard.app=${f.app}`,
      '--label',
      'switchyard.environment=staging',
      '--label',
      'switchyard.role=lock',
      '--label',
      'switchyard.deploy-id=https://example.test/runs/1',
      '--label',
      'switchyard.actor=ghost',
      '--label',
      'switchyard.lock.expires=2020-01-01T00:00:00.000Z',
      '--entrypoint',
      'haproxy',
      tb.haproxyImage,
    );
    const r = await f.run({ image: v2.ref, 'lock-timeout': '5s' });
    expectOk(r);
    expect(r.log).toMatch(
      /::warning::removing a stale deploy lock held by https:\/\/example\.test\/runs\/1 \(ghost\)/,
    );
  });
});

describe('a runner killed mid-deploy, then re-run, converges', () => {
  test.each<[string, RunOptions]>([
    ['just after taking the lock', { killOn: /took the deploy lock/ }],
    ['while the new color starts', { killOn: /\[command\] docker start e2e\S+-green/ }],
    // At the failpoint itself: a kill on the log line could land after the run already ended.
    [
      'right after the switch, before the record is written',
      { env: { SWITCHYARD_FAILPOINT: 'switch:routes-saved' } },
    ],
  ])(
    'killed %s',
    async (_when, kill) => {
      const f = await liveV1();
      const w = watch(f.url);
      const killed = await f.run({ image: v2.ref }, kill);
      expect(killed.exitCode).not.toBe(0);
      // The post step released the lock the dead main step held.
      expect(Object.keys(await containers(f.app))).not.toContain(`${f.app}-staging-lock`);
      const again = await f.run({ image: v2.ref, 'lock-timeout': '5s' });
      const watched = await w.stop();
      expectOk(again);
      expect(watched.bad).toEqual([]);
      expect(watched.ok).toBeGreaterThan(5);
      expect((await get(f.url)).json).toMatchObject({ version: '2.0.0', color: 'green' });
      const state = JSON.parse(again.outputs.state ?? '{}') as { live: string; previous: string };
      expect(state).toMatchObject({ live: 'green', previous: 'blue' });
    },
    60_000,
  );
});
