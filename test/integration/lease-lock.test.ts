/**
 * The deploy lock as a lease on a real Docker daemon (the testbed's): a live holder renews it past
 * its first expiry by writing the expiry into the lock container (docker cp), so nobody takes it
 * over; a holder that dies (no release, no more renewals: what SIGKILL leaves) strands the next
 * run for at most the ttl; `--break-lock` removes a live holder's lock at once, and the holder
 * learns it lost the lease. Each holder is its own DockerLock over its own docker CLI, as separate
 * processes would be. App name: lease-it (unique to this file).
 */
import { ProcessExec, Secrets, systemClock, type Clock, type Logger } from '@switchyard/kit';
import { keepRenewed, LABELS, LeaseLostError, type LockHolder } from '@switchyard/targets';
import { DockerCli, DockerLock, dockerNames } from '@switchyard/targets/docker';
import { docker, testbed } from '../support/testbed.js';

const tb = testbed();
const prefix = `lease-it-${process.pid}`;
const names = dockerNames(prefix);
/** Short, so the test takes seconds; the mechanism is the one withLock runs with LEASE_TTL_MS. */
const TTL_MS = 3_000;

interface LogLine {
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
}

class Lines implements Logger {
  readonly lines: LogLine[] = [];
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  debug(): void {}
  warning(message: string): void {
    this.lines.push({ level: 'warning', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
}

const quiet = new Lines();

/** A holder with its own docker CLI and log: another process, as far as the lock can tell. */
function holder(n: number, clock: Clock = systemClock) {
  const log = new Lines();
  const lock = new DockerLock(
    new DockerCli(new ProcessExec(quiet, new Secrets()), { kind: 'local' }),
    names,
    tb.haproxyImage,
    { [LABELS.app]: 'lease-it', [LABELS.environment]: 'test' },
    clock,
    log,
  );
  const who: LockHolder = { deployId: `lease-it/run/${n}`, actor: `actor-${n}`, token: `t${n}` };
  return { lock, log, who };
}

const pass = (ms: number): Promise<void> => systemClock.sleep(ms);

async function removeLock(): Promise<void> {
  await docker('rm', '-f', names.lock).catch(() => '');
}

beforeEach(removeLock);
afterAll(removeLock);

test('a live holder keeps its lease past the ttl; once it dies, the next run has the lock within the ttl', async () => {
  const first = holder(1);
  const lease = await first.lock.lease(first.who, { timeoutMs: 0, ttlMs: TTL_MS });
  const keeper = keepRenewed(lease, TTL_MS, { clock: systemClock, log: first.log });
  try {
    await pass(2 * TTL_MS);
    // Renewed in the container, not in the labels: a waiter reads the moved expiry.
    const second = holder(2);
    await expect(second.lock.acquire(second.who, { timeoutMs: 0, ttlMs: TTL_MS })).rejects.toThrow(
      /holds the lock: lease-it\/run\/1 by actor-1.*expires at .*--break-lock/s,
    );
    keeper.check();
  } finally {
    // Killed: the renewals stop and nothing releases the lock.
    await keeper.stop();
  }
  const second = holder(2);
  // lock-timeout = the ttl (plus a poll): the dead holder's lease lapses inside it.
  const taken = await second.lock.acquire(second.who, { timeoutMs: TTL_MS + 1_000, ttlMs: 60_000 });
  expect(second.log.lines.filter((l) => l.level === 'warning').map((l) => l.message)).toEqual([
    expect.stringMatching(/^removing a stale deploy lock held by lease-it\/run\/1 \(actor-1\)/),
  ]);
  expect(await docker('inspect', '--format', '{{.Id}}', names.lock)).toBe(taken.id);
  // The dead holder, were it to wake up, learns it lost the lease; its release leaves the lock alone.
  await expect(lease.renew()).rejects.toBeInstanceOf(LeaseLostError);
  await lease.release();
  expect(await docker('inspect', '--format', '{{.Id}}', names.lock)).toBe(taken.id);
}, 60_000);

test('two waiters for a lapsed lease: exactly one takes it', async () => {
  const dead = holder(1);
  await dead.lock.acquire(dead.who, { timeoutMs: 0, ttlMs: 1_000 });
  await pass(1_500);
  const [a, b] = [holder(2), holder(3)];
  const results = await Promise.allSettled([
    a.lock.acquire(a.who, { timeoutMs: 0, ttlMs: 60_000 }),
    b.lock.acquire(b.who, { timeoutMs: 0, ttlMs: 60_000 }),
  ]);
  const won = results.filter((r) => r.status === 'fulfilled');
  expect(won).toHaveLength(1);
  const winner = results[0]?.status === 'fulfilled' ? a.who : b.who;
  expect(
    await docker(
      'inspect',
      '--format',
      '{{index .Config.Labels "switchyard.deploy-id"}}',
      names.lock,
    ),
  ).toBe(winner.deployId);
}, 60_000);

test('--break-lock removes a live holder’s lock at once, says whose it was; the holder finds out at its next renewal', async () => {
  const first = holder(1);
  const lease = await first.lock.lease(first.who, { timeoutMs: 0, ttlMs: 60_000 });
  const second = holder(2);
  const taken = await second.lock.lease(
    { ...second.who, breakReason: 'run 1 is stuck' },
    { timeoutMs: 0, ttlMs: 60_000 },
  );
  expect(taken.broke).toMatchObject({
    reason: 'run 1 is stuck',
    held: { deployId: 'lease-it/run/1', actor: 'actor-1' },
  });
  await expect(lease.renew()).rejects.toThrow(/^lost the deploy lock lease-it-\d+-lock/);
  await taken.release();
}, 60_000);
