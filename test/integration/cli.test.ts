/**
 * The `switchyard` CLI (dist/cli/index.js under Node 24) against the testbed's Docker engine and
 * HAProxy: deploy, deploy --no-promote + promote, status of every environment, smoke, rollback,
 * retire, and its exit codes (2 for bad usage or input, before any container starts).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushAppVersion, type PushedApp } from '../support/app-versions.js';
import { containers, deployFixture, get, type DeployFixture } from '../support/deploy.js';
import { CLI, runCli, type CliRun } from '../support/cli.js';
import { NODE24, ROOT } from '../support/runner.js';
import { freePort } from '../support/testbed.js';

/** Runs the bundled CLI in `cwd` with a clean environment; `secrets` must not appear in its output. */
function switchyard(cwd: string, args: string[], secrets: readonly string[] = []): Promise<CliRun> {
  return runCli(args, { cwd, secrets });
}

function ok(r: CliRun): CliRun {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r;
}

interface StatusJson {
  outputs: {
    environments: {
      environment: string;
      live: string | null;
      version?: string;
      previous: string | null;
      previousState?: string;
      warmUntil?: string;
      history: { action: string; version: string; reason?: string; actor: string }[];
    }[];
  };
}

let v1: PushedApp;
let v2: PushedApp;
let f: DeployFixture;
let productionPort: number;

beforeAll(async () => {
  [v1, v2] = (await Promise.all(
    ['1.0.0', '2.0.0'].map((v) => pushAppVersion(v, { repository: 'switchyard-e2e/cli' })),
  )) as [PushedApp, PushedApp];
  f = await deployFixture({ 'keep-previous': '30m' });
  copyFileSync(join(ROOT, 'examples/app/smoke.yml'), join(f.workspace, 'smoke.yml'));
  // A second environment in the same file, never deployed: status shows it as such.
  productionPort = await freePort();
  appendFileSync(
    join(f.workspace, 'switchyard.yml'),
    `production:\n  port: ${productionPort}\n  preview-port: ${productionPort + 1}\n  bind: 127.0.0.1\n`,
  );
}, 120_000);

afterAll(async () => {
  await f.remove();
});

describe('switchyard CLI against the testbed', () => {
  test('deploy v1: the first release goes live on blue; the summary is rendered for a terminal', async () => {
    const r = ok(await switchyard(f.workspace, ['deploy', 'staging', '--image', v1.pinned]));
    expect((await get(f.url)).json).toMatchObject({ version: '1.0.0', color: 'blue' });
    // The same summary as the action's, as aligned text: no markdown table rules.
    expect(r.stdout).toMatch(/deploy-bluegreen: .* \(staging\)/);
    expect(r.stdout).toMatch(/live color\s+none\s+blue/);
    expect(r.stdout).not.toMatch(/\| --- \|/);
    expect(r.stderr).toMatch(/✔ switchyard deploy: done/);
  });

  test('deploy --no-promote, smoke the preview, promote: outputs as JSON with --json', async () => {
    const d = ok(
      await switchyard(f.workspace, [
        'deploy',
        'staging',
        '--image',
        v2.pinned,
        '--no-promote',
        '--json',
      ]),
    );
    const out = JSON.parse(d.stdout) as { ok: boolean; outputs: Record<string, unknown> };
    expect(out).toMatchObject({
      ok: true,
      outputs: { color: 'green', version: '2.0.0', changed: 'true' },
    });
    expect((await get(f.url)).json).toMatchObject({ version: '1.0.0' });
    ok(
      await switchyard(f.workspace, [
        'smoke',
        String(out.outputs['preview-url']),
        // File options stay inside the workspace (the current directory): copied in as a user would.
        '--checks-file',
        'smoke.yml',
        '--expect-version',
        '2.0.0',
      ]),
    );
    ok(await switchyard(f.workspace, ['promote', 'staging']));
    expect((await get(f.url)).json).toMatchObject({ version: '2.0.0', color: 'green' });
  });

  test('status: every environment of the file, live and warm colors, history newest first', async () => {
    const r = ok(await switchyard(f.workspace, ['status', '--json']));
    const envs = (JSON.parse(r.stdout) as StatusJson).outputs.environments;
    expect(envs.map((e) => e.environment)).toEqual(['staging', 'production']);
    const [staging, production] = envs;
    expect(staging).toMatchObject({
      live: 'green',
      version: '2.0.0',
      previous: 'blue',
      previousState: 'warm',
    });
    expect(Date.parse(staging?.warmUntil ?? '')).toBeGreaterThan(Date.now() + 25 * 60_000);
    expect(staging?.history.map((h) => `${h.action} ${h.version}`)).toEqual([
      'promote 2.0.0',
      'deploy 1.0.0',
    ]);
    expect(production).toMatchObject({ live: null, history: [] });
    const human = ok(await switchyard(f.workspace, ['status', '--no-color']));
    expect(human.stdout).toMatch(/staging\s+green \(healthy\)\s+2\.0\.0/);
    expect(human.stdout).toMatch(/production\s+nothing live/);
    expect(human.stdout).toMatch(/blue 1\.0\.0, warm \((29|30)m left\)/);
  });

  test('a failed smoke check exits 1; the secret header it sent is never printed', async () => {
    const token = 'cli-s3cret-"token\\x';
    const args = ['smoke', f.url, '--urls', '/', '--expect-version', '9.9.9', '--timeout', '1s'];
    const headers = ['--headers', `Authorization: Bearer ${token}`, '--verbose'];
    const r = await switchyard(f.workspace, [...args, ...headers], [token]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/✖ switchyard smoke: .*required checks failed/);
    const json = await switchyard(f.workspace, [...args, ...headers, '--json'], [token]);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 1 });
  });

  test('rollback with a reason puts v1 back; status records it', async () => {
    ok(await switchyard(f.workspace, ['rollback', 'staging', '--reason', 'p95 doubled']));
    expect((await get(f.url)).json).toMatchObject({ version: '1.0.0', color: 'blue' });
    const r = ok(await switchyard(f.workspace, ['status', 'staging', '--json']));
    const [staging] = (JSON.parse(r.stdout) as StatusJson).outputs.environments;
    expect(staging?.history[0]).toMatchObject({
      action: 'rollback',
      version: '1.0.0',
      reason: 'p95 doubled',
    });
  });

  test('retire --force stops the warm color at once', async () => {
    ok(await switchyard(f.workspace, ['retire', 'staging', '--force']));
    const states = await containers(f.app);
    expect(states[`${f.app}-staging-blue`]).toBe('running');
    expect(states[`${f.app}-staging-green`]).not.toBe('running');
    const r = ok(await switchyard(f.workspace, ['status', 'staging', '--json']));
    expect((JSON.parse(r.stdout) as StatusJson).outputs.environments[0]).toMatchObject({
      previousState: 'retired',
    });
  });

  test('Ctrl-C during a deploy runs the post step: the deploy lock is freed at once, exit 130', async () => {
    const other = await deployFixture({ 'ready-timeout': '60s' });
    try {
      const bad = await pushAppVersion('6.6.6', {
        repository: 'switchyard-e2e/cli',
        variant: 'unhealthy',
      });
      const child = spawn(NODE24, [CLI, 'deploy', 'staging', '--image', bad.pinned], {
        cwd: other.workspace,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' },
      });
      let stderr = '';
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await new Promise<void>((resolve) =>
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (/waiting for blue/.test(stderr)) resolve();
        }),
      );
      expect(await containers(other.app)).toHaveProperty(`${other.app}-staging-lock`);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toMatch(/interrupted: running the cleanup/);
      expect(stdout).toMatch(/Released the deploy lock/);
      expect(await containers(other.app)).not.toHaveProperty(`${other.app}-staging-lock`);
      // The next deploy takes the lock without waiting for it to go stale.
      const next = ok(
        await switchyard(other.workspace, ['deploy', 'staging', '--image', v1.pinned]),
      );
      expect(next.stderr).not.toMatch(/waiting for the deploy lock/);
    } finally {
      await other.remove();
    }
  });

  test('bad input exits 2 with the action message and the option, before any container', async () => {
    const other = await deployFixture();
    try {
      const r = await switchyard(other.workspace, [
        'deploy',
        'staging',
        '--image',
        v1.pinned,
        '--keep-previous',
        '5x',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /input "keep-previous": "5x" is not a duration.*\(option --keep-previous\)/,
      );
      const typo = await switchyard(other.workspace, ['deploy', 'staging', '--keep-previus', '5m']);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toMatch(/unknown option --keep-previus .*Did you mean --keep-previous\?/);
      const hidden = await switchyard(other.workspace, ['promote', 'staging', '--image', 'x']);
      expect(hidden.code).toBe(2);
      expect(await containers(other.app)).toEqual({});
    } finally {
      await other.remove();
    }
  });
});
