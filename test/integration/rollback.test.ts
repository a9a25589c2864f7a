/**
 * rollback (and deploy-bluegreen action: retire), bundled, under Node 24, against the testbed's
 * Docker engine and HAProxy: the switch path under keep-alive load, the redeploy path after a
 * retire, `to:` two deploys back, no-ops, a broken previous color, bad input, and a killed run.
 */
import { pushAppVersion, type PushedApp } from '../support/app-versions.js';
import { containers, deployFixture, get, type DeployFixture } from '../support/deploy.js';
import { socketErrorTotal, startLoad } from '../support/load.js';
import { expectOk, runAction, type ActionRun, type RunOptions } from '../support/runner.js';
import { docker, pushPrivate, testbed } from '../support/testbed.js';

let v1: PushedApp;
let v2: PushedApp;
let v3: PushedApp;
const fixtures: DeployFixture[] = [];

beforeAll(async () => {
  const pushed = await Promise.all(
    ['1.0.0', '2.0.0', '3.0.0'].map((v) =>
      pushAppVersion(v, { repository: 'switchyard-e2e/rollback' }),
    ),
  );
  const [a, b, c] = pushed;
  if (!a || !b || !c) throw new Error('pushAppVersion returned nothing');
  [v1, v2, v3] = [a, b, c];
}, 120_000);

afterAll(async () => {
  for (const f of fixtures) await f.remove();
});

async function fixture(): Promise<DeployFixture> {
  const f = await deployFixture();
  fixtures.push(f);
  return f;
}

const rollback = (
  f: DeployFixture,
  inputs: Record<string, string> = {},
  opts: Omit<RunOptions, 'inputs' | 'workspace'> = {},
): Promise<ActionRun> =>
  runAction('rollback', {
    ...opts,
    workspace: f.workspace,
    inputs: { environment: f.environment, ...inputs },
  });

const liveVersion = async (f: DeployFixture): Promise<string | undefined> =>
  (await get(`${f.url}/`)).json?.version;

interface Entry {
  action: string;
  version: string;
  reason?: string;
  color: string;
}
const history = (r: ActionRun): Entry[] =>
  (JSON.parse(r.outputs.state ?? '{}') as { history: Entry[] }).history;

describe('rollback', () => {
  test('deploy v1, v2, rollback → v1 by a switch to the warm color, no failed request under keep-alive load', async () => {
    const f = await fixture();
    expectOk(await f.run({ image: v1.ref }));
    expectOk(await f.run({ image: v2.ref }));
    expect(await liveVersion(f)).toBe('2.0.0');
    const load = startLoad(`${f.url}/`, { connections: 50, threads: 2, maxDurationMs: 60_000 });
    await new Promise((r) => setTimeout(r, 1000));
    const r = await rollback(f, { reason: 'error rate 7% after v2' });
    await new Promise((res) => setTimeout(res, 1000));
    const result = await load.stop();
    expectOk(r);
    expect(r.outputs).toMatchObject({
      'rolled-back': 'true',
      method: 'switch',
      'from-image': v2.ref,
      'from-version': '2.0.0',
      'to-image': v1.ref,
      'to-version': '1.0.0',
      color: 'blue',
    });
    expect(Number(r.outputs.duration)).toBeLessThan(10);
    expect(r.log).toMatch(/Switched live traffic green → blue in \d+(\.\d+)?ms/);
    expect(r.log).toMatch(/verify: GET http:\/\/127\.0\.0\.1:\d+\/healthz: 200/);
    expect(result.requests).toBeGreaterThan(100);
    expect(result.non2xx).toBe(0);
    expect(socketErrorTotal(result)).toBe(0);
    expect(await liveVersion(f)).toBe('1.0.0');
    expect(history(r)[0]).toMatchObject({
      action: 'rollback',
      version: '1.0.0',
      reason: 'error rate 7% after v2',
      color: 'blue',
    });
    expect(r.summary).toContain('## rollback:');
    expect(r.summary).toContain('| method | switch |');
    expect(r.summary).toContain('| reason | error rate 7% after v2 |');
    // v2 (rolled back from) stays warm on green for inspection.
    expect(await containers(f.app)).toMatchObject({ [`${f.app}-staging-green`]: 'running' });

    // Again: v2 was rolled back from, and there is nothing older than v1: a no-op, never back to v2.
    const again = await rollback(f);
    expectOk(again);
    expect(again.outputs['rolled-back']).toBe('false');
    expect(again.log).toContain('no earlier release to roll back to');
    expect(await liveVersion(f)).toBe('1.0.0');
    const strict = await rollback(f, { 'fail-if-noop': 'true' });
    expect(strict.exitCode).toBe(1);
    expect(strict.log).toMatch(/nothing was rolled back \(fail-if-noop\)/);
  });

  test('to: a version two deploys back is redeployed by digest; already on it is a no-op', async () => {
    const f = await fixture();
    for (const v of [v1, v2, v3]) expectOk(await f.run({ image: v.ref }));
    // live v3 on blue, v2 warm on green; v1 was replaced.
    const r = await rollback(f, { to: '1.0.0', reason: 'back to the last known good' });
    expectOk(r);
    expect(r.outputs).toMatchObject({
      'rolled-back': 'true',
      method: 'redeploy',
      'to-version': '1.0.0',
      'from-version': '3.0.0',
      color: 'green',
    });
    expect(r.log).toMatch(/Pull \S*switchyard-e2e\/rollback@sha256:[0-9a-f]{64}/);
    expect(await liveVersion(f)).toBe('1.0.0');
    const noop = await rollback(f, { to: v1.digest.slice(7, 19) });
    expectOk(noop);
    expect(noop.outputs['rolled-back']).toBe('false');
    expect(noop.log).toMatch(/1\.0\.0 \([0-9a-f]{12}\) is already live on green/);
  });

  test('retire: nothing before retire-after, force stops the idle color but never the live one; rollback then redeploys', async () => {
    const f = await fixture();
    expectOk(await f.run({ image: v1.ref }));
    expectOk(await f.run({ image: v2.ref }));
    const early = await f.run({ action: 'retire' });
    expectOk(early);
    expect(early.outputs.retired).toBe('');
    expect(early.log).toMatch(/blue: kept: it stays warm until/);
    expect(await containers(f.app)).toMatchObject({ [`${f.app}-staging-blue`]: 'running' });
    const forced = await f.run({ action: 'retire', force: 'true' });
    expectOk(forced);
    expect(forced.outputs.retired).toBe('blue');
    expect(await containers(f.app)).toMatchObject({
      [`${f.app}-staging-blue`]: 'exited',
      [`${f.app}-staging-green`]: 'running',
    });
    expect(await liveVersion(f)).toBe('2.0.0');
    const twice = await f.run({ action: 'retire', force: 'true' });
    expectOk(twice);
    expect(twice.outputs.retired).toBe('');

    const r = await rollback(f);
    expectOk(r);
    expect(r.outputs).toMatchObject({ method: 'redeploy', 'to-version': '1.0.0', color: 'blue' });
    expect(await liveVersion(f)).toBe('1.0.0');
  });

  test('the previous color killed: rollback redeploys it instead of switching to a dead container', async () => {
    const f = await fixture();
    expectOk(await f.run({ image: v1.ref }));
    expectOk(await f.run({ image: v2.ref }));
    await docker('kill', `${f.app}-staging-blue`);
    const r = await rollback(f);
    expectOk(r);
    expect(r.outputs.method).toBe('redeploy');
    expect(await liveVersion(f)).toBe('1.0.0');
  });

  test('bad input and missing state: clear errors, nothing changed', async () => {
    const f = await fixture();
    const none = await rollback(f);
    expect(none.exitCode).toBe(1);
    expect(none.log).toContain('nothing was ever deployed to this environment here');
    expectOk(await f.run({ image: v1.ref }));
    expectOk(await f.run({ image: v2.ref }));
    const unknown = await rollback(f, { to: '9.9.9' });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.log).toMatch(
      /to: "9\.9\.9" is not in the history of this environment\. It holds: 2\.0\.0 \([0-9a-f]{12}\), 1\.0\.0/,
    );
    expect(await liveVersion(f)).toBe('2.0.0');
    const env = await rollback(f, { environment: 'Prod!' });
    expect(env.exitCode).toBe(1);
    expect(env.log).toMatch(/input "environment": "Prod!" is not an environment name/);
    const timeout = await rollback(f, { 'verify-timeout': 'soon' });
    expect(timeout.exitCode).toBe(1);
    expect(timeout.log).toMatch(/input "verify-timeout": "soon" is not a duration/);
  });

  test('killed mid-rollback: the post step frees the lock and a re-run converges on the old version', async () => {
    const f = await fixture();
    expectOk(await f.run({ image: v1.ref }));
    expectOk(await f.run({ image: v2.ref }));
    expectOk(await f.run({ action: 'retire', force: 'true' }));
    const killed = await rollback(f, {}, { killOn: /Start blue:/ });
    expect(killed.exitCode).not.toBe(0);
    expect(killed.post?.log ?? '').toContain('Released the deploy lock');
    expect(await liveVersion(f)).toBe('2.0.0');
    const r = await rollback(f);
    expectOk(r);
    expect(r.outputs['to-version']).toBe('1.0.0');
    expect(await liveVersion(f)).toBe('1.0.0');
  });

  test('a deploy holding the lock: rollback waits lock-timeout, then fails naming the holder; nothing changed', async () => {
    const f = await fixture();
    expectOk(await f.run({ image: v1.ref }));
    expectOk(await f.run({ image: v2.ref }));
    const slow = await pushAppVersion('3.0.0-slow', {
      repository: 'switchyard-e2e/rollback',
      variant: 'slow-start',
    });
    const deploying = f.run(
      { image: slow.ref },
      { env: { GITHUB_RUN_ID: '333', GITHUB_ACTOR: 'carol' } },
    );
    await new Promise((res) => setTimeout(res, 1500));
    const r = await rollback(
      f,
      { 'lock-timeout': '1s' },
      { env: { GITHUB_RUN_ID: '444', GITHUB_ACTOR: 'dave' } },
    );
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(
      /holds the lock: https:\/\/github\.com\/[^ ]+\/actions\/runs\/333 by carol, since .*Waited 1(\.\d+)?s \(lock-timeout\)/,
    );
    expect(r.outputs['rolled-back']).toBeUndefined();
    expectOk(await deploying);
    expect(await liveVersion(f)).toBe('3.0.0-slow');
  });

  test('killed right after the switch: a re-run converges on the old version and never switches back', async () => {
    const f = await fixture();
    expectOk(await f.run({ image: v1.ref }));
    expectOk(await f.run({ image: v2.ref }));
    const killed = await rollback(f, {}, { killOn: /Switched live traffic green → blue/ });
    expect(killed.exitCode).not.toBe(0);
    expect(await liveVersion(f)).toBe('1.0.0');
    const again = await rollback(f);
    expectOk(again);
    expect(again.log).not.toContain('Switched live traffic');
    expect(again.outputs['rolled-back']).toBe('false');
    expect(await liveVersion(f)).toBe('1.0.0');
  });

  test('a private image no longer on the host: the redeploy logs in to its registry first (masked, config removed)', async () => {
    const f = await fixture();
    const auth = testbed().authRegistry;
    const ref = `${auth.host}/switchyard-e2e/rollback-private:1.0.0`;
    await pushPrivate(v1.ref, ref);
    // Deploy it with the credentials (deploy-bluegreen logs in the same way), then v2 over it.
    expectOk(
      await f.run(
        { image: ref, 'registry-username': auth.user, 'registry-password': auth.password },
        { secrets: [auth.password] },
      ),
    );
    expectOk(await f.run({ image: v2.ref }));
    // Retired and gone from the host: only the registry has it now.
    expectOk(await f.run({ action: 'retire', force: 'true' }));
    await docker('rm', '-f', `${f.app}-staging-blue`);
    const id = (
      await docker('image', 'inspect', '--format', '{{.Id}}', ref).catch(() => '')
    ).trim();
    const tags = (
      await docker('image', 'inspect', '--format', '{{join .RepoDigests " "}}', ref).catch(() => '')
    ).trim();
    for (const name of [ref, ...tags.split(' ').filter(Boolean)])
      await docker('image', 'rm', name).catch(() => '');
    expect(id).not.toBe('');
    const r = await rollback(
      f,
      { 'registry-username': auth.user, 'registry-password': auth.password },
      { secrets: [auth.password] },
    );
    expectOk(r);
    expect(r.outputs).toMatchObject({ method: 'redeploy', 'to-version': '1.0.0' });
    // The login to the image's own registry, before the pull of its pinned digest.
    const loginAt = r.log.indexOf(`docker --config`);
    const pullAt = r.log.search(/docker pull \S*rollback-private@sha256:[0-9a-f]{64}/);
    expect(r.log).toMatch(new RegExp(`login .*${auth.host.replace(/[.:]/g, '\\$&')}`));
    expect(loginAt === -1 || loginAt < pullAt).toBe(true);
    expect(pullAt).toBeGreaterThan(-1);
    expect(await liveVersion(f)).toBe('1.0.0');
    expect(r.tempFiles).toEqual([]);
  });
});
