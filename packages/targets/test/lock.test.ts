import { ActionError } from '@switchyard/kit';
import {
  dockerNames,
  DockerCli,
  DockerLock,
  LEASE_FILE,
  tarFile,
  untarFirstFile,
} from '@switchyard/targets/docker';
import {
  BREAK_LOCK_ENV,
  confirmLease,
  describeState,
  EMPTY_RECORD,
  keepRenewed,
  LABELS,
  LEASE_TTL_MS,
  LeaseLostError,
  lockHolder,
  withLock,
  type Lease,
  type LeaseKeeper,
  type LockHolder,
  type LockOptions,
} from '@switchyard/targets';
import {
  FakeClock,
  FakeExec,
  FakeHttp,
  RecordingLogger,
  type ExecCall,
} from '../../../test/support/fakes.js';
import { GroupLogger, TimedLogger } from './fake-target.js';
import { emptyWorld, MemoryTarget } from './memory-target.js';

const T0 = Date.UTC(2026, 0, 1, 9);
const names = dockerNames('shop-production');
const LABELS_OF_APP = { [LABELS.app]: 'shop', [LABELS.environment]: 'production' };
const me = {
  deployId: 'https://github.test/acme/shop/actions/runs/42',
  actor: 'alice',
  token: 'c0ffee42',
};
const opts: LockOptions = { timeoutMs: 60_000, ttlMs: 45_000 };

interface LockContainer {
  readonly id: string;
  readonly labels: Record<string, string>;
  /** The lease file a renewal wrote (JSON), if any. */
  file?: string;
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
    if (verb === 'container' && call.args[1] === 'inspect') {
      const what = call.args.at(-1);
      return lock && (what === names.lock || what === lock.id)
        ? { stdout: `${JSON.stringify(lock.id)} ${JSON.stringify(lock.labels)}\n` }
        : { exitCode: 1, stderr: `Error: No such object: ${what}\n` };
    }
    if (verb === 'rm') {
      if (lock && call.args.at(-1) === lock.id) {
        lock = undefined;
        return {};
      }
      return { exitCode: 1, stderr: `Error: No such container: ${call.args.at(-1)}\n` };
    }
    if (verb === 'cp') {
      const [, from = '', to = ''] = call.args;
      const target = from === '-' ? to : from;
      const id = target.slice(0, target.indexOf(':'));
      // As docker 20.10 words it: `cp -` into a missing container blames the path.
      if (!lock || lock.id !== id)
        return from === '-'
          ? { exitCode: 1, stderr: `destination "${target}" must be a directory\n` }
          : { exitCode: 1, stderr: `Error response from daemon: No such container: ${id}\n` };
      if (from === '-') {
        lock.file = untarFirstFile(Buffer.from(call.options.input ?? '', 'utf8'));
        return {};
      }
      return lock.file === undefined
        ? {
            exitCode: 1,
            stderr: `Error: Could not find the file /${LEASE_FILE} in container ${id}\n`,
          }
        : { stdout: tarFile(LEASE_FILE, lock.file, 0).toString('utf8') };
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
    expect(await lock.acquire(me, opts)).toEqual({ id: 'mine1', expiresAt: T0 + opts.ttlMs });
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
    expect((await lock.acquire(me, opts)).id).toBe('mine1');
    expect(clock.now()).toBe(T0 + 25_000);
    // Polled every second (26 creates), reported at 0 s, 10 s and 20 s only.
    expect(host.exec.argvs().filter((a) => a[0] === 'create')).toHaveLength(26);
    expect(waitTimes()).toEqual([0, 10, 20]);
    expect(clock.sleeps.every((ms) => ms === 1000)).toBe(true);
    // Who holds it, since when, when it expires, and how to break it.
    expect(waits()[0]?.message).toContain(
      'held by https://github.test/acme/shop/actions/runs/41 (bob) since 2026-01-01T08:59:00.000Z, expires at 2026-01-01T10:00:00.000Z (in 1h) unless its holder renews it',
    );
    expect(waits().every((l) => l.message.includes('--break-lock'))).toBe(true);
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
    expect(message).toContain('re-run with --break-lock "<reason>"');
    expect(clock.now()).toBe(T0 + 30_000);
    expect(waitTimes()).toEqual([0, 10, 20]);
    expect(host.current()?.id).toBe('theirs');
  });

  test('a stale lock (expired): removed by its id, then taken', async () => {
    const { host, lock, log } = setup(other(new Date(T0 - 1).toISOString()));
    expect((await lock.acquire(me, opts)).id).toBe('mine1');
    // Its lease file is read (it never renewed: none), then it is removed by id.
    expect(host.exec.argvs().map((a) => a[0])).toEqual([
      'create',
      'container',
      'cp',
      'rm',
      'create',
    ]);
    expect(host.exec.argvs()[3]).toEqual(['rm', 'theirs']);
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
    await expect(lock.acquire(me, { ...opts, timeoutMs: 5_000 })).rejects.toThrow('never expires');
    expect(host.exec.argvs().some((a) => a[0] === 'rm')).toBe(false);
  });

  test('a lock released between our create and our look: tries again at once', async () => {
    const { host, lock, clock } = setup(other('2026-01-01T10:00:00.000Z'), 'on-look');
    expect((await lock.acquire(me, opts)).id).toBe('mine1');
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
    const { id } = await lock.acquire(me, opts);
    await lock.release(id);
    expect(host.exec.argvs().at(-1)).toEqual(['rm', '-f', 'mine1']);
    expect(host.exec.calls.at(-1)?.options).toMatchObject({ allowFailure: true });
    expect(host.current()).toBeUndefined();
  });
});

describe('DockerLock: a lease renewed by writing its expiry into the lock container', () => {
  test('renew writes the new expiry by container id; a waiter then sees it, not the label', async () => {
    const { host, lock, clock } = setup();
    const lease = await lock.lease(me, opts);
    expect(lease.expiresAt).toBe(T0 + opts.ttlMs);
    clock.advance(15_000);
    await lease.renew();
    expect(lease.expiresAt).toBe(T0 + 15_000 + opts.ttlMs);
    const write = host.exec.calls.at(-1)!;
    expect(write.args).toEqual(['cp', '-', 'mine1:/']);
    expect(JSON.parse(host.current()?.file ?? '{}')).toEqual({
      expires: new Date(T0 + 15_000 + opts.ttlMs).toISOString(),
      renewedAt: new Date(T0 + 15_000).toISOString(),
    });
    // At the label's expiry, but renewed: another waiter keeps waiting and says until when.
    clock.advance(opts.ttlMs - 15_000);
    const waiter = new DockerLock(
      new DockerCli(host.exec, { kind: 'local' }),
      names,
      'haproxy:3.0',
      LABELS_OF_APP,
      clock,
      new RecordingLogger(),
    );
    const error = await waiter
      .acquire({ ...me, token: 'other' }, { ...opts, timeoutMs: 0 })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      `expires at ${new Date(T0 + 15_000 + opts.ttlMs).toISOString()} (in 15s)`,
    );
    expect(host.current()?.id).toBe('mine1');
  });

  test('a lease taken over (its container gone): renew fails with LeaseLostError, release leaves the new holder alone', async () => {
    const { host, lock, clock } = setup();
    const lease = await lock.lease(me, opts);
    clock.advance(opts.ttlMs + 1);
    // A waiter finds it stale, removes it by id and creates its own.
    const waiter = new DockerLock(
      new DockerCli(host.exec, { kind: 'local' }),
      names,
      'haproxy:3.0',
      LABELS_OF_APP,
      clock,
      new RecordingLogger(),
    );
    expect((await waiter.acquire({ ...me, token: 'other' }, opts)).id).toBe('mine2');
    const error = await lease.renew().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect((error as Error).message).toMatch(/^lost the deploy lock shop-production-lock/);
    await lease.release();
    expect(host.current()?.id).toBe('mine2');
  });

  test('a daemon that fails a renewal is an error, not a lost lease', async () => {
    const clock = new FakeClock(T0);
    let creates = 0;
    const exec = new FakeExec((call) =>
      call.args[0] === 'create'
        ? { stdout: `mine${++creates}\n` }
        : { exitCode: 1, stderr: 'Error response from daemon: i/o timeout\n' },
    );
    const lock = new DockerLock(
      new DockerCli(exec, { kind: 'local' }),
      names,
      'haproxy:3.0',
      {},
      clock,
      new RecordingLogger(),
    );
    const lease = await lock.lease(me, opts);
    const error = await lease.renew().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect(error).not.toBeInstanceOf(LeaseLostError);
    expect(lease.expiresAt).toBe(T0 + opts.ttlMs);
  });
});

describe('DockerLock: --break-lock', () => {
  const breaker = { ...me, breakReason: 'run 41 is stuck on a dead runner' };

  test('removes the held lock (not expired) by its id at once, takes it, and says whose it was', async () => {
    const { host, lock, clock, waits } = setup(other('2026-01-01T10:00:00.000Z'));
    const taken = await lock.acquire(breaker, opts);
    expect(taken.id).toBe('mine1');
    expect(taken.broke).toEqual({
      reason: 'run 41 is stuck on a dead runner',
      held: {
        deployId: 'https://github.test/acme/shop/actions/runs/41',
        actor: 'bob',
        since: '2026-01-01T08:59:00.000Z',
        expiresAt: Date.parse('2026-01-01T10:00:00.000Z'),
      },
    });
    expect(host.exec.argvs().find((a) => a[0] === 'rm')).toEqual(['rm', '-f', 'theirs']);
    expect(clock.sleeps).toEqual([]);
    expect(waits()).toEqual([]);
  });

  test('breaks only the lock it saw first: one taken in between is waited for', async () => {
    const clock = new FakeClock(T0);
    const third: LockContainer = { ...other('2026-01-01T10:00:00.000Z'), id: 'third' };
    let lock: LockContainer | undefined = other('2026-01-01T10:00:00.000Z');
    const exec = new FakeExec((call) => {
      const [verb] = call.args;
      if (verb === 'create')
        return lock
          ? { exitCode: 1, stderr: 'Conflict. The container name is already in use' }
          : { stdout: 'mine1\n' };
      if (verb === 'container')
        return lock ? { stdout: `"${lock.id}" ${JSON.stringify(lock.labels)}\n` } : { exitCode: 1 };
      if (verb === 'rm') {
        // Another run takes the lock the moment ours is broken; it lets go after 5 s.
        if (lock?.id === 'theirs' && call.args.at(-1) === 'theirs') lock = third;
        return {};
      }
      if (verb === 'cp') return { exitCode: 1, stderr: 'Could not find the file' };
      return {};
    });
    const docker = new DockerLock(
      new DockerCli(exec, { kind: 'local' }),
      names,
      'haproxy:3.0',
      {},
      clock,
      new RecordingLogger(),
    );
    const released = clock.sleep(5_000).then(() => (lock = undefined));
    const taken = await docker.acquire(breaker, opts);
    await released;
    expect(taken.broke?.held.deployId).toBe('https://github.test/acme/shop/actions/runs/41');
    expect(exec.argvs().filter((a) => a[0] === 'rm')).toEqual([['rm', '-f', 'theirs']]);
    expect(clock.now()).toBeGreaterThanOrEqual(T0 + 5_000);
  });

  test('a free lock: taken, nothing broken, and it says so', async () => {
    const { lock, log } = setup();
    const taken = await lock.acquire(breaker, opts);
    expect(taken.broke).toBeUndefined();
    expect(log.text()).toContain('--break-lock: the deploy lock was free, nothing was broken');
  });
});

/** A lease whose renewals answer from `answer` (by renewal number, from 1), recording when. */
function scriptedLease(
  clock: FakeClock,
  answer: (n: number) => Error | undefined = () => undefined,
) {
  const renewals: number[] = [];
  const lease: Lease = {
    id: 'lease-1',
    expiresAt: T0 + LEASE_TTL_MS,
    renew: () => {
      renewals.push((clock.now() - T0) / 1000);
      const error = answer(renewals.length);
      return error ? Promise.reject(error) : Promise.resolve();
    },
    release: () => Promise.resolve(),
  };
  return { lease, renewals };
}

describe('keepRenewed: the live holder renews its lease in the background', () => {
  // A failed expectation must not leave a keeper ticking on the virtual clock.
  const running: LeaseKeeper[] = [];
  afterEach(async () => {
    for (const k of running.splice(0)) await k.stop();
  });
  const keep = (...args: Parameters<typeof keepRenewed>): LeaseKeeper => {
    const k = keepRenewed(...args);
    running.push(k);
    return k;
  };

  test('every third of the ttl while it works; nothing after stop', async () => {
    const clock = new FakeClock(T0);
    const { lease, renewals } = scriptedLease(clock);
    const keeper = keep(lease, LEASE_TTL_MS, { clock, log: new RecordingLogger() });
    await clock.sleep(100_000); // the holder's work
    keeper.check();
    await keeper.stop();
    await clock.sleep(60_000);
    expect(renewals).toEqual([15, 30, 45, 60, 75, 90]);
  });

  test('a lost lease: said at once, no more renewals, and check() throws it', async () => {
    const clock = new FakeClock(T0);
    const log = new RecordingLogger();
    const lost = new LeaseLostError('lost the deploy lock shop-production-lock: broken');
    const { lease, renewals } = scriptedLease(clock, (n) => (n === 2 ? lost : undefined));
    const keeper = keep(lease, LEASE_TTL_MS, { clock, log });
    await clock.sleep(100_000);
    expect(renewals).toEqual([15, 30]);
    expect(() => keeper.check()).toThrow(lost);
    await expect(keeper.confirm()).rejects.toThrow(lost);
    expect(log.lines.filter((l) => l.level === 'warning').map((l) => l.message)).toEqual([
      'lost the deploy lock shop-production-lock: broken. This run will not switch traffic under the new holder',
    ]);
    await keeper.stop();
  });

  test('renewals that fail to reach the target: retried; the lease lapses a ttl after the last one that worked', async () => {
    const clock = new FakeClock(T0);
    const log = new RecordingLogger();
    const { lease, renewals } = scriptedLease(clock, (n) =>
      n >= 2 ? new ActionError('cannot reach the docker daemon') : undefined,
    );
    const keeper = keep(lease, LEASE_TTL_MS, { clock, log });
    await clock.sleep(50_000);
    keeper.check(); // renewed at 15 s: held until 60 s
    await clock.sleep(10_500);
    expect(renewals).toEqual([15, 30, 45, 60]);
    expect(() => keeper.check()).toThrow(LeaseLostError);
    expect(() => keeper.check()).toThrow(/lapsed at 2026-01-01T09:01:00.000Z.*cannot reach/);
    expect(log.text()).toContain('could not renew the deploy lock lease-1');
    await keeper.stop();
  });

  test('confirm renews at once (the check before a switch), and finds a lease lost since the last renewal', async () => {
    const clock = new FakeClock(T0);
    let broken = false;
    const { lease, renewals } = scriptedLease(clock, () =>
      broken ? new LeaseLostError('lost the deploy lock: broken') : undefined,
    );
    const keeper = keep(lease, LEASE_TTL_MS, { clock, log: new RecordingLogger() });
    await clock.sleep(1_000);
    await keeper.confirm();
    broken = true;
    await expect(keeper.confirm()).rejects.toBeInstanceOf(LeaseLostError);
    expect(renewals).toEqual([1, 1]);
    await keeper.stop();
  });
});

describe('withLock over a target: a dead holder strands no one', () => {
  const setupWorld = () => {
    const clock = new FakeClock(T0);
    const world = emptyWorld([]);
    const log = new GroupLogger();
    const deps = { clock, log, http: new FakeHttp(() => ({})) };
    return { clock, world, log, deps, target: () => new MemoryTarget(world, clock) };
  };
  const bob = { deployId: 'local:bob@build-box pid 4242', actor: 'bob', token: 'b0b' };

  test('a holder that works past the ttl keeps its lock; it is free when the holder is done', async () => {
    const { clock, world, deps, target } = setupWorld();
    await withLock(target(), { holder: me, lockTimeoutMs: 0 }, deps, async () => {
      await clock.sleep(5 * 60_000);
      await expect(target().lock(bob, { timeoutMs: 0, ttlMs: LEASE_TTL_MS })).rejects.toThrow(
        /runs\/42 by alice/,
      );
    });
    expect(world.lock).toBeUndefined();
  });

  test('a dead holder (took the lock, never renewed it): the next run gets it within the ttl, well inside lock-timeout', async () => {
    const { clock, deps, target } = setupWorld();
    await target().lock(bob, { timeoutMs: 0, ttlMs: LEASE_TTL_MS });
    const start = clock.now();
    let waited = -1;
    await withLock(target(), { holder: me, lockTimeoutMs: 10 * 60_000 }, deps, () => {
      waited = clock.now() - start;
      return Promise.resolve();
    });
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(LEASE_TTL_MS);
  });

  test('--break-lock: the held lock is taken at once, with a warning naming its holder and the reason', async () => {
    const { clock, log, deps, target } = setupWorld();
    await target().lock(bob, { timeoutMs: 0, ttlMs: LEASE_TTL_MS });
    const start = clock.now();
    await withLock(
      target(),
      { holder: { ...me, breakReason: 'bob’s laptop went to sleep' }, lockTimeoutMs: 0 },
      deps,
      () => Promise.resolve(),
    );
    expect(clock.now()).toBe(start);
    expect(log.lines.filter((l) => l.level === 'warning').map((l) => l.message)).toEqual([
      `broke the deploy lock held by local:bob@build-box pid 4242 (bob) since ${new Date(T0).toISOString()}, expires at ${new Date(T0 + LEASE_TTL_MS).toISOString()} (in 45s) unless its holder renews it, for ${me.deployId} (alice): bob’s laptop went to sleep`,
    ]);
  });

  test('--break-lock is recorded: the record keeps who broke whose lock, when and why; status shows the last one', async () => {
    const { world, log, deps, target } = setupWorld();
    world.exists = true;
    world.record = { ...EMPTY_RECORD, history: [] };
    await target().lock(bob, { timeoutMs: 0, ttlMs: LEASE_TTL_MS });
    const breaker = { ...me, breakReason: 'bob’s laptop went to sleep' };
    await withLock(target(), { holder: breaker, lockTimeoutMs: 0 }, deps, () => Promise.resolve());
    expect(world.record.lockBreaks).toEqual([
      {
        at: new Date(T0).toISOString(),
        by: me.deployId,
        actor: 'alice',
        held: expect.stringMatching(/^local:bob@build-box pid 4242 \(bob\) since /) as unknown,
        reason: 'bob’s laptop went to sleep',
      },
    ]);
    const shown = describeState(await target().status());
    expect(shown.at(-1)).toMatch(
      /^last lock break: .* by .* \(alice\), "bob’s laptop went to sleep"; the lock was held by local:bob@build-box/,
    );
    expect(log.text()).not.toContain('not in the deploy record');
  });

  test('--break-lock where nothing is deployed yet: in the log only, which says so', async () => {
    const { world, log, deps, target } = setupWorld();
    await target().lock(bob, { timeoutMs: 0, ttlMs: LEASE_TTL_MS });
    await withLock(
      target(),
      { holder: { ...me, breakReason: 'stuck' }, lockTimeoutMs: 0 },
      deps,
      () => Promise.resolve(),
    );
    expect(world.record.lockBreaks).toBeUndefined();
    expect(log.text()).toContain(
      'the lock break is not in the deploy record: nothing is deployed here yet',
    );
  });

  test('a holder whose lock was broken meanwhile fails the check before its switch, and leaves the new lock alone', async () => {
    const { clock, world, log, deps, target } = setupWorld();
    const mine = target();
    const error = await withLock(mine, { holder: me, lockTimeoutMs: 0 }, deps, async () => {
      await target().lock(
        { ...bob, breakReason: 'alice is stuck' },
        { timeoutMs: 0, ttlMs: LEASE_TTL_MS },
      );
      await clock.sleep(1_000);
      await confirmLease(mine);
      return 'switched';
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(world.lock?.holder.deployId).toBe(bob.deployId);
    expect(log.text()).toContain('This run will not switch traffic under the new holder');
  });
});

describe('lockHolder: who and where', () => {
  const box = () => ({ user: 'alice', host: 'build-box', pid: 4242 });
  test.each<[string, Record<string, string>, Partial<LockHolder>]>([
    [
      'a run on GitHub: its URL',
      {
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_RUN_ID: '42',
        GITHUB_ACTOR: 'alice',
      },
      { deployId: 'https://github.com/acme/shop/actions/runs/42', actor: 'alice' },
    ],
    [
      'a re-run attempt',
      {
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
      },
      { deployId: 'https://github.com/acme/shop/actions/runs/42/attempts/2', actor: 'unknown' },
    ],
    [
      'the CLI: user@host and pid',
      {},
      { deployId: 'local:alice@build-box pid 4242', actor: 'alice' },
    ],
    [
      'the CLI with --break-lock',
      { [BREAK_LOCK_ENV]: '  run 41 is stuck ' },
      { deployId: 'local:alice@build-box pid 4242', breakReason: 'run 41 is stuck' },
    ],
  ])('%s', (_title, env, expected) => {
    const holder = lockHolder(env, box);
    expect(holder).toMatchObject(expected);
    if (!expected.breakReason) expect(holder.breakReason).toBeUndefined();
    expect(holder.token).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a blank break reason breaks nothing', () => {
    expect(lockHolder({ [BREAK_LOCK_ENV]: '  ' }, box).breakReason).toBeUndefined();
  });
});
