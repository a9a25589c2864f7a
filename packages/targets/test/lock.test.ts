import { ActionError } from '@switchyard/kit';
import { dockerNames, DockerCli, DockerLock } from '@switchyard/targets/docker';
import { LABELS, type LockOptions } from '@switchyard/targets';
import {
  FakeClock,
  FakeExec,
  RecordingLogger,
  type ExecCall,
} from '../../../test/support/fakes.js';
import { TimedLogger } from './fake-target.js';

const T0 = Date.UTC(2026, 0, 1, 9);
const names = dockerNames('shop-production');
const LABELS_OF_APP = { [LABELS.app]: 'shop', [LABELS.environment]: 'production' };
const me = {
  deployId: 'https://github.test/acme/shop/actions/runs/42',
  actor: 'alice',
  token: 'c0ffee42',
};
const opts: LockOptions = { timeoutMs: 60_000, ttlMs: 15 * 60_000 };

interface LockContainer {
  readonly id: string;
  readonly labels: Record<string, string>;
}

/** The labels a `docker create` argv sets. */
const labelsOf = (args: readonly string[]): Record<string, string> =>
  Object.fromEntries(
    args.flatMap((a, i) => {
      if (args[i - 1] !== '--label') return [];
      const eq = a.indexOf('=');
      return [[a.slice(0, eq), a.slice(eq + 1)]];
    }),
  );

/** When another holder's run lets go of its lock: at a time, or just before our first look at it. */
type Release = { readonly at: number } | 'on-look' | 'never';

/**
 * A Docker host that knows one thing: the lock container. `create --name` conflicts while it
 * exists, `container inspect` shows its id and labels, `rm <id>` removes it.
 */
function lockHost(clock: FakeClock, holder?: LockContainer, release: Release = 'never') {
  let lock = holder;
  let created = 0;
  const exec = new FakeExec((call: ExecCall) => {
    const [verb] = call.args;
    if (lock === holder && typeof release === 'object' && clock.now() >= release.at)
      lock = undefined;
    if (lock === holder && release === 'on-look' && verb === 'container') lock = undefined;
    if (verb === 'create') {
      if (lock)
        return {
          exitCode: 1,
          stderr: `Error response from daemon: Conflict. The container name "/${names.lock}" is already in use by container "${lock.id}". You have to remove (or rename) that container to be able to reuse that name.\n`,
        };
      lock = { id: `mine${++created}`, labels: labelsOf(call.args) };
      return { stdout: `${lock.id}\n` };
    }
    if (verb === 'container' && call.args[1] === 'inspect')
      return lock
        ? { stdout: `${JSON.stringify(lock.id)} ${JSON.stringify(lock.labels)}\n` }
        : { exitCode: 1, stderr: `Error: No such container: ${names.lock}\n` };
    if (verb === 'rm') {
      if (lock && call.args.at(-1) === lock.id) lock = undefined;
      return {};
    }
    return { exitCode: 1, stderr: `unexpected docker ${call.args.join(' ')}` };
  });
  return { exec, current: () => lock };
}

const other = (expires: string): LockContainer => ({
  id: 'theirs',
  labels: {
    ...LABELS_OF_APP,
    [LABELS.role]: 'lock',
    [LABELS.deployId]: 'https://github.test/acme/shop/actions/runs/41',
    [LABELS.actor]: 'bob',
    [LABELS.createdAt]: new Date(T0 - 60_000).toISOString(),
    [LABELS.expires]: expires,
  },
});

function setup(holder?: LockContainer, release?: Release) {
  const clock = new FakeClock(T0);
  const log = new TimedLogger(clock);
  const host = lockHost(clock, holder, release);
  const lock = new DockerLock(
    new DockerCli(host.exec, { kind: 'local' }),
    names,
    'haproxy:3.0',
    LABELS_OF_APP,
    clock,
    log,
  );
  const waits = () => log.lines.filter((l) => l.message.startsWith('waiting for the deploy lock'));
  /** Seconds after T0 at which a "waiting" line was written. */
  const waitTimes = () => log.secondsOf(/^waiting for the deploy lock/, T0);
  return { clock, log, host, lock, waits, waitTimes };
}

describe('DockerLock.acquire', () => {
  test('a free lock: one create, labelled with who holds it and until when', async () => {
    const { host, lock, log } = setup();
    expect(await lock.acquire(me, opts)).toBe('mine1');
    expect(host.exec.argvs()).toHaveLength(1);
    const args = host.exec.argvs()[0]!;
    expect(args.slice(0, 3)).toEqual(['create', '--name', 'shop-production-lock']);
    expect(args.slice(-3)).toEqual(['--entrypoint', 'haproxy', 'haproxy:3.0']);
    expect(labelsOf(args)).toEqual({
      ...LABELS_OF_APP,
      [LABELS.role]: 'lock',
      [LABELS.deployId]: me.deployId,
      [LABELS.actor]: 'alice',
      [LABELS.token]: 'c0ffee42',
      [LABELS.createdAt]: new Date(T0).toISOString(),
      [LABELS.expires]: new Date(T0 + opts.ttlMs).toISOString(),
    });
    expect(log.text()).toContain('took the deploy lock shop-production-lock');
  });

  test('a live holder: waits, says so at most every 10 s, and takes the lock once it is released', async () => {
    const holder = other('2026-01-01T10:00:00.000Z');
    const { host, lock, clock, waits, waitTimes, log } = setup(holder, { at: T0 + 25_000 });
    expect(await lock.acquire(me, opts)).toBe('mine1');
    expect(clock.now()).toBe(T0 + 25_000);
    // Polled every second (26 creates), reported at 0 s, 10 s and 20 s only.
    expect(host.exec.argvs().filter((a) => a[0] === 'create')).toHaveLength(26);
    expect(waitTimes()).toEqual([0, 10, 20]);
    expect(clock.sleeps.every((ms) => ms === 1000)).toBe(true);
    expect(waits()[0]?.message).toContain(
      'held by https://github.test/acme/shop/actions/runs/41 (bob) since 2026-01-01T08:59:00.000Z',
    );
    expect(labelsOf(host.exec.argvs().at(-1)!)[LABELS.deployId]).toBe(me.deployId);
    expect(host.current()?.id).toBe('mine1');
    expect(log.lines.filter((l) => l.level === 'warning')).toEqual([]);
  });

  test('a holder past the timeout: fails naming the holder, its actor and the lock', async () => {
    const { host, lock, clock, waitTimes } = setup(other('2026-01-01T10:00:00.000Z'));
    const error = await lock.acquire(me, { ...opts, timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    const message = (error as Error).message;
    expect(message).toContain('https://github.test/acme/shop/actions/runs/41 by bob');
    expect(message).toContain('Waited 30s (lock-timeout)');
    expect(message).toContain('docker rm shop-production-lock');
    expect(message).toContain('expires at 2026-01-01T10:00:00.000Z');
    expect(clock.now()).toBe(T0 + 30_000);
    expect(waitTimes()).toEqual([0, 10, 20]);
    expect(host.current()?.id).toBe('theirs');
  });

  test('a stale lock (expired): removed by its id, then taken', async () => {
    const { host, lock, log } = setup(other(new Date(T0 - 1).toISOString()));
    expect(await lock.acquire(me, opts)).toBe('mine1');
    expect(host.exec.argvs().map((a) => a[0])).toEqual(['create', 'container', 'rm', 'create']);
    expect(host.exec.argvs()[2]).toEqual(['rm', 'theirs']);
    expect(log.lines.filter((l) => l.level === 'warning').map((l) => l.message)).toEqual([
      expect.stringContaining(
        'removing a stale deploy lock held by https://github.test/acme/shop/actions/runs/41 (bob)',
      ),
    ]);
  });

  test('a lock without an expiry label (not ours) never goes stale', async () => {
    const labels = Object.fromEntries(
      Object.entries(other('x').labels).filter(([k]) => k !== LABELS.expires),
    );
    const { host, lock } = setup({ id: 'theirs', labels });
    await expect(lock.acquire(me, { ...opts, timeoutMs: 5_000 })).rejects.toThrow('9999-12-31');
    expect(host.exec.argvs().some((a) => a[0] === 'rm')).toBe(false);
  });

  test('a lock released between our create and our look: tries again at once', async () => {
    const { host, lock, clock } = setup(other('2026-01-01T10:00:00.000Z'), 'on-look');
    expect(await lock.acquire(me, opts)).toBe('mine1');
    expect(host.exec.argvs().map((a) => a[0])).toEqual(['create', 'container', 'create']);
    expect(clock.sleeps).toEqual([]);
  });

  test('any other create failure fails at once with docker’s message', async () => {
    const exec = new FakeExec(() => ({
      exitCode: 1,
      stderr: 'Error: No such image: haproxy:3.0\n',
    }));
    const lock = new DockerLock(
      new DockerCli(exec, { kind: 'local' }),
      names,
      'haproxy:3.0',
      {},
      new FakeClock(T0),
      new RecordingLogger(),
    );
    await expect(lock.acquire(me, opts)).rejects.toThrow(
      'could not create the lock shop-production-lock: Error: No such image: haproxy:3.0',
    );
  });
});

describe('DockerLock.release', () => {
  test('removes the lock by its id (never by name: a newer holder keeps its lock)', async () => {
    const { host, lock } = setup();
    const id = await lock.acquire(me, opts);
    await lock.release(id);
    expect(host.exec.argvs().at(-1)).toEqual(['rm', '-f', 'mine1']);
    expect(host.exec.calls.at(-1)?.options).toMatchObject({ allowFailure: true });
    expect(host.current()).toBeUndefined();
  });
});
