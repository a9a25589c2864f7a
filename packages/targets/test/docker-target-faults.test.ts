/**
 * The Docker target's failures that used to mislead (issue 20, item 9): a `docker start` that fails
 * leaves no "Created" container behind to pass for a release, and a failure after the switch says
 * that the switch happened and what is live.
 */
import { AfterSwitchError, LABELS, type DeployRecord } from '@switchyard/targets';
import { DockerTarget, type DockerTargetSettings } from '@switchyard/targets/docker';
import {
  FakeClock,
  FakeExec,
  RecordingLogger,
  type ExecCall,
} from '../../../test/support/fakes.js';

const SETTINGS: DockerTargetSettings = {
  app: 'shop',
  environment: 'prod',
  host: { kind: 'local' },
  port: 8080,
  previewPort: 8081,
  bind: '127.0.0.1',
  proxyImage: 'haproxy:3.2',
  proxyDefaults: [],
  stopTimeoutMs: 2000,
  containerPort: 8080,
  env: {},
  volumes: [],
  resources: {},
};
const RELEASE = {
  image: 'registry.test/shop:2.0.0',
  digest: `sha256:${'2'.repeat(64)}`,
  version: '2.0.0',
  deployId: 'run-2',
  actor: 'alice',
  createdAt: '2026-01-01T00:00:00.000Z',
};
const IMAGE = {
  ref: RELEASE.image,
  pinned: `registry.test/shop@${RELEASE.digest}`,
  digest: RELEASE.digest,
};
const RECORD: DeployRecord = { live: 'green', previous: 'blue', history: [] };

/** Whether a call writes `file` into the proxy: `exec … sh -c 'cat > …' sh <path>` or `docker cp -` of a tar of it. */
const writes = (c: ExecCall, file: string): boolean =>
  (c.args[0] === 'exec' && c.args.at(-1)?.endsWith(`/${file}`) === true) ||
  (c.args[0] === 'cp' && c.args[1] === '-' && (c.options.input ?? '').startsWith(file));

/** A running proxy whose runtime map routes live=blue; `fail` picks calls that fail. */
function target(fail: (call: ExecCall) => string | undefined): { t: DockerTarget; exec: FakeExec } {
  let live = 'blue';
  const exec = new FakeExec((call) => {
    const a = call.args;
    const why = fail(call);
    if (why !== undefined) return { exitCode: 1, stderr: why };
    if (a[0] === 'container' && a.at(-1) === 'shop-prod-proxy')
      return {
        stdout: JSON.stringify({
          State: { Status: 'running', Running: true },
          Config: { Image: 'haproxy:3.2', Labels: { [LABELS.role]: 'proxy' } },
        }),
      };
    if (a.includes('socat')) {
      const input = call.options.input ?? '';
      const set = /set map \S+ live (\w+)/.exec(input);
      if (set?.[1]) live = set[1];
      if (input.startsWith('show map'))
        return { stdout: `0x1 live ${live}\n0x2 preview ${live === 'blue' ? 'green' : 'blue'}\n` };
    }
    return {};
  });
  const t = new DockerTarget(SETTINGS, {
    exec,
    clock: new FakeClock(),
    log: new RecordingLogger(),
  });
  return { t, exec };
}

describe('DockerTarget.start', () => {
  test('a docker start that fails: the new container is removed, the color’s warm container is never touched', async () => {
    const { t, exec } = target((c) =>
      c.args[0] === 'start'
        ? 'Error response from daemon: failed to create task: exec: "/app": permission denied'
        : undefined,
    );
    await expect(t.start('green', IMAGE, RELEASE)).rejects.toThrow(
      /^could not start shop-prod-green \(registry\.test\/shop:2\.0\.0\): Error response from daemon: .*permission denied\. The container was removed; live traffic was not touched \(it stays on blue\), and whatever green held before is still there$/,
    );
    const argvs = exec.argvs();
    const started = argvs.findIndex((a) => a[0] === 'start');
    expect(argvs[started]).toEqual(['start', 'shop-prod-green-next']);
    expect(argvs.slice(started + 1)).toEqual([['rm', '-f', 'shop-prod-green-next']]);
    // The warm green (a previous release) was neither removed nor replaced.
    expect(argvs.filter((a) => a.includes('shop-prod-green'))).toEqual([]);
  });

  test('the new container replaces the color only once it runs: create beside, start, then remove and rename', async () => {
    const { t, exec } = target(() => undefined);
    await t.start('green', IMAGE, RELEASE);
    const argvs = exec
      .argvs()
      .filter((a) => ['create', 'start', 'rm', 'rename'].includes(a[0] ?? ''));
    expect(argvs.map((a) => [a[0], a.find((x) => x.startsWith('shop-prod-green'))])).toEqual([
      ['rm', 'shop-prod-green-next'],
      ['create', 'shop-prod-green-next'],
      ['start', 'shop-prod-green-next'],
      ['rm', 'shop-prod-green'],
      ['rename', 'shop-prod-green-next'],
    ]);
    expect(argvs.at(-1)).toEqual(['rename', 'shop-prod-green-next', 'shop-prod-green']);
  });
});

describe('DockerTarget after a switch', () => {
  test('before a switch, a failing write is reported as it is (exec, then docker cp)', async () => {
    const { t } = target((c) => (writes(c, 'state.json') ? 'disk full' : undefined));
    const error = (await t.saveRecord(RECORD).catch((e: unknown) => e)) as Error;
    expect(error).not.toBeInstanceOf(AfterSwitchError);
    expect(error.message).toBe(
      'could not write /var/lib/switchyard/state.json into the proxy shop-prod-proxy (docker cp): disk full',
    );
  });

  test('a failing exec write falls back to docker cp', async () => {
    const { t, exec } = target((c) =>
      c.args[0] === 'exec' && writes(c, 'state.json') ? 'exec failed' : undefined,
    );
    await expect(t.saveRecord(RECORD)).resolves.toBeUndefined();
    expect(exec.argvs().map((a) => a[0])).toEqual(['exec', 'cp']);
  });

  test('a failing record write after the switch says the switch happened and what is live', async () => {
    let switched = false;
    const { t } = target((c) =>
      switched && writes(c, 'state.json') ? 'no space left on device' : undefined,
    );
    await t.start('green', IMAGE, RELEASE);
    await t.switchTo('green');
    switched = true;
    const error = (await t.saveRecord(RECORD).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(AfterSwitchError);
    expect(error.message).toBe(
      'live traffic is on green (2.0.0) — the switch happened; then: could not write /var/lib/switchyard/state.json into the proxy shop-prod-proxy (docker cp): no space left on device',
    );
  });

  test('a map file that cannot be saved: the switch happened, and a restart would route the old way', async () => {
    let started = false;
    const { t } = target((c) =>
      started && writes(c, 'colors.map') ? 'read-only file system' : undefined,
    );
    await t.start('green', IMAGE, RELEASE);
    started = true;
    await expect(t.switchTo('green')).rejects.toThrow(
      /^live traffic is on green \(2\.0\.0\) — the switch happened; then: could not save the routes in \/var\/lib\/switchyard\/colors\.map \(.*read-only file system\): a restart of the proxy would route the old way/,
    );
  });
});

describe('DockerTarget.start of a container that crashes at once', () => {
  test('a rename refused between two crashes: stopped, renamed, started again (readiness then sees the crash)', async () => {
    let renames = 0;
    const { t, exec } = target((c) =>
      c.args[0] === 'rename' && renames++ === 0
        ? 'Error response from daemon: sandbox 0bf3 not found\nError: failed to rename container named shop-prod-green-next'
        : undefined,
    );
    await t.start('green', IMAGE, RELEASE);
    const argvs = exec
      .argvs()
      .filter((a) => ['start', 'stop', 'rename'].includes(a[0] ?? ''))
      .map((a) => a.join(' '));
    expect(argvs).toEqual([
      'start shop-prod-green-next',
      'rename shop-prod-green-next shop-prod-green',
      'stop -t 0 shop-prod-green-next',
      'rename shop-prod-green-next shop-prod-green',
      'start shop-prod-green',
    ]);
  });
});
