/**
 * Issue 20 item 9 on the testbed's Docker engine and HAProxy: a crash-looping proxy (garbage in its
 * haproxy.cfg, then restarted) is repaired by the next deploy or rollback, and status says what is
 * wrong instead of a raw "docker exec … exited with 126"; a changed proxy.image re-creates the
 * proxy (saying it is a restart); a failed `docker start` leaves no "Created" container to pass
 * for a release; an unwritable GITHUB_OUTPUT after the switch says that the switch happened.
 *
 * The commands run in process from source (the CLI's own entry, and deploy-bluegreen's step with
 * the runner's IO), so this suite checks the code as it is, not the last bundle in dist/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction as runStep } from '@switchyard/kit';
import { actionsIO } from '@switchyard/kit/actions';
import type { CliRun } from '../support/cli.js';
import { cliOk, switchyard as run } from '../support/cli-source.js';
import { pushAppVersion, type PushedApp } from '../support/app-versions.js';
import { containers, deployFixture, get, type DeployFixture } from '../support/deploy.js';
import { docker, testbed } from '../support/testbed.js';
import { step as deployStep } from '../../actions/deploy-bluegreen/src/step.js';

let v1: PushedApp;
let v2: PushedApp;
const fixtures: DeployFixture[] = [];
const tags: string[] = [];

beforeAll(async () => {
  [v1, v2] = (await Promise.all(
    ['1.0.0', '2.0.0'].map((v) => pushAppVersion(v, { repository: 'switchyard-e2e/proxy-repair' })),
  )) as [PushedApp, PushedApp];
}, 120_000);

afterAll(async () => {
  for (const f of fixtures) await f.remove();
  for (const t of tags) await docker('rmi', t).catch(() => '');
});

const switchyard = (cwd: string, args: string[]): Promise<CliRun> =>
  run(cwd, args, { columns: 160 });
const ok = cliOk;

const proxyOf = (f: DeployFixture): string => `${f.app}-${f.environment}-proxy`;

/** Writes garbage into the proxy's haproxy.cfg (docker cp) and restarts it: a crash loop. */
async function breakProxy(f: DeployFixture): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-broken-'));
  try {
    writeFileSync(join(dir, 'haproxy.cfg'), 'garbage here\n');
    await docker('cp', join(dir, 'haproxy.cfg'), `${proxyOf(f)}:/var/lib/switchyard/haproxy.cfg`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await docker('restart', proxyOf(f));
  for (let i = 0; i < 50; i++) {
    const state = await docker('inspect', '--format', '{{.State.Status}}', proxyOf(f));
    if (state.trim() === 'restarting') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proxyOf(f)} did not start crash-looping`);
}

test('a crash-looping proxy: status says so, deploy and rollback repair it and switch', async () => {
  const f = await deployFixture({ 'keep-previous': '30m' });
  fixtures.push(f);
  ok(await switchyard(f.workspace, ['deploy', 'staging', '--image', v1.pinned]));
  await breakProxy(f);
  expect((await get(f.url, 1000)).status).not.toBe(200);

  const status = await switchyard(f.workspace, ['status', 'staging']);
  const said = `${status.stdout}${status.stderr}`;
  // It serves nothing: status fails, saying what is missing.
  expect(status.code).not.toBe(0);
  expect(status.stderr).toMatch(
    /staging: the proxy \S+-proxy is crash-looping \(restarted \d+ times?\): live traffic reaches nothing/,
  );
  expect(said).toMatch(
    /the proxy \S+-proxy is crash-looping \(restarted \d+ times?\): nothing is served/,
  );
  expect(said).toContain("unknown keyword 'garbage'");
  expect(said).toContain('A deploy or rollback repairs it');
  expect(said).not.toMatch(/exited with 12[56]/);

  const deployed = ok(await switchyard(f.workspace, ['deploy', 'staging', '--image', v2.pinned]));
  expect(deployed.stderr).toMatch(
    /was crash-looping \(restarted \d+ times?\): wrote a valid config and restarting it[\s\S]*HAProxy said:\n.*unknown keyword 'garbage'/,
  );
  expect((await get(f.url)).json).toMatchObject({ version: '2.0.0', color: 'green' });
  expect(await docker('inspect', '--format', '{{.State.Status}}', proxyOf(f))).toBe('running');

  // Broken again: a rollback repairs it too, then switches back to the warm v1.
  await breakProxy(f);
  const rolled = ok(await switchyard(f.workspace, ['rollback', 'staging', '--json']));
  expect(JSON.parse(rolled.stdout)).toMatchObject({
    outputs: { 'rolled-back': 'true', method: 'switch', 'to-version': '1.0.0' },
  });
  expect(rolled.stderr).not.toMatch(/exited with 12[56]/);
  expect((await get(f.url)).json).toMatchObject({ version: '1.0.0', color: 'blue' });
});

test('a changed proxy.image re-creates the proxy, saying it is a restart; routes and record kept', async () => {
  const tb = testbed();
  const f = await deployFixture();
  fixtures.push(f);
  ok(await switchyard(f.workspace, ['deploy', 'staging', '--image', v1.pinned]));
  const tag = `${tb.haproxyImage.replace(/:[^:/]+$/, '')}:repair-${f.app}`;
  await docker('tag', tb.haproxyImage, tag);
  tags.push(tag);
  f.writeConfig({ proxy: { image: tag } });

  const status = await switchyard(f.workspace, ['status', 'staging']);
  expect(`${status.stdout}${status.stderr}`).toContain(
    `the proxy runs ${tb.haproxyImage} but proxy.image is ${tag}: the next deploy or rollback re-creates it`,
  );
  const r = ok(await switchyard(f.workspace, ['deploy', 'staging', '--image', v2.pinned]));
  expect(r.stderr).toContain(
    `proxy.image changed from ${tb.haproxyImage} to ${tag}: re-creating the proxy ${proxyOf(f)}. This restarts HAProxy; it is not a no-drop switch`,
  );
  expect(await docker('inspect', '--format', '{{.Config.Image}}', proxyOf(f))).toBe(tag);
  expect((await get(f.url)).json).toMatchObject({ version: '2.0.0', color: 'green' });
  expect(Object.keys(await containers(f.app))).not.toContain(`${proxyOf(f)}-next`);
  // The record came through the re-create: the history names both deploys.
  const after = JSON.parse(
    ok(await switchyard(f.workspace, ['status', 'staging', '--json'])).stdout,
  ) as {
    outputs: { environments: { live: string; history: { version: string }[] }[] };
  };
  expect(after.outputs.environments[0]).toMatchObject({
    live: 'green',
    history: [{ version: '2.0.0' }, { version: '1.0.0' }],
  });
});

test('a docker start that fails leaves no "Created" container; status shows no such release', async () => {
  const f = await deployFixture({ 'keep-previous': '30m' });
  fixtures.push(f);
  ok(await switchyard(f.workspace, ['deploy', 'staging', '--image', v1.pinned]));
  f.writeConfig({ 'keep-previous': '30m', command: ['/no/such/binary'] });
  const r = await switchyard(f.workspace, ['deploy', 'staging', '--image', v2.pinned]);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(
    /could not start \S+-staging-green \(.*\): .*no such file or directory.*The container was removed; live traffic was not touched \(it stays on blue\)/,
  );
  expect(Object.keys(await containers(f.app))).not.toContain(`${f.app}-staging-green`);
  expect((await get(f.url)).json).toMatchObject({ version: '1.0.0', color: 'blue' });
  const s = JSON.parse(
    ok(await switchyard(f.workspace, ['status', 'staging', '--json'])).stdout,
  ) as {
    outputs: { environments: { live: string; version: string; previousVersion?: string }[] };
  };
  expect(s.outputs.environments[0]).toMatchObject({ live: 'blue', version: '1.0.0' });
  expect(s.outputs.environments[0]?.previousVersion).toBeUndefined();
});

test('a new color that fails to start leaves the warm previous color in place: a rollback is still a switch', async () => {
  const f = await deployFixture({ 'keep-previous': '30m' });
  fixtures.push(f);
  ok(await switchyard(f.workspace, ['deploy', 'staging', '--image', v1.pinned]));
  ok(await switchyard(f.workspace, ['deploy', 'staging', '--image', v2.pinned]));
  // green live (2.0.0), blue warm (1.0.0); the next deploy goes to blue and fails to start.
  f.writeConfig({ 'keep-previous': '30m', command: ['/no/such/binary'] });
  const r = await switchyard(f.workspace, ['deploy', 'staging', '--image', v1.ref]);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain('whatever blue held before is still there');
  const running = await containers(f.app);
  expect(running[`${f.app}-staging-blue`]).toBe('running');
  expect(Object.keys(running)).not.toContain(`${f.app}-staging-blue-next`);
  f.writeConfig({ 'keep-previous': '30m' });
  const back = ok(await switchyard(f.workspace, ['rollback', 'staging', '--json']));
  expect(JSON.parse(back.stdout)).toMatchObject({ outputs: { method: 'switch' } });
  expect((await get(f.url)).json).toMatchObject({ version: '1.0.0', color: 'blue' });
});

test('an unwritable GITHUB_OUTPUT after the switch: the failure says the switch happened and what is live', async () => {
  const f = await deployFixture();
  fixtures.push(f);
  ok(await switchyard(f.workspace, ['deploy', 'staging', '--image', v1.pinned]));
  const outDir = mkdtempSync(join(tmpdir(), 'switchyard-output-'));
  const lines: string[] = [];
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    GITHUB_WORKSPACE: f.workspace,
    // A directory where the file should be: every append fails, as on a read-only file.
    GITHUB_OUTPUT: outDir,
    INPUT_ENVIRONMENT: 'staging',
    INPUT_IMAGE: v2.pinned,
  };
  const { io, secrets } = actionsIO(env, (l) => lines.push(l));
  const exitCode = process.exitCode;
  try {
    await runStep('deploy-bluegreen', io, () => deployStep(io, secrets, env));
  } finally {
    process.exitCode = exitCode;
    rmSync(outDir, { recursive: true, force: true });
  }
  const error = lines.find((l) => l.startsWith('::error::'));
  expect(error).toMatch(
    /^::error::deploy-bluegreen: live traffic is on green \(2\.0\.0\) — the switch happened; then: could not write "color" to GITHUB_OUTPUT \(.*\): EISDIR/,
  );
  expect((await get(f.url)).json).toMatchObject({ version: '2.0.0', color: 'green' });
});
