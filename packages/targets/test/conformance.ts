/**
 * The Target conformance suite: what every kind of target must do, whatever runs the colors. It is
 * run against the in-memory target in the unit suite (memory-target.test.ts) and against the Docker
 * target on the testbed (test/integration/target-conformance.test.ts); a Kubernetes target runs the
 * same suite. Each test works on a fresh environment and, where it says "a fresh process", on a new
 * target instance that shares nothing with the first but the environment itself.
 */
import {
  EMPTY_RECORD,
  recordRetired,
  recordSwitch,
  type Color,
  type HistoryEntry,
  type LockHolder,
  type Release,
  type ResolvedImage,
  type Target,
} from '@switchyard/targets';

export interface ConformanceHarness {
  /** A new target instance on the test environment (every call: a fresh process). */
  target(): Target;
  /** Makes the environment empty again (nothing deployed, no lock). */
  reset(): Promise<void>;
  /** Two images the target can run, with different digests. */
  readonly images: readonly [string, string];
  /** Now, on the clock the target uses. */
  now(): number;
  /** Lets `ms` pass on that clock. */
  pass(ms: number): Promise<void>;
  /** The shortest lease the target's lock can have, for the stale-lock test. */
  readonly staleTtlMs: number;
}

const holder = (n: number): LockHolder => ({
  deployId: `run/${n}`,
  actor: `actor-${n}`,
  token: `token-${n}-${'x'.repeat(8)}`,
});

const release = (image: ResolvedImage, now: number): Release => ({
  image: image.ref,
  digest: image.digest,
  version: image.version ?? 'unknown',
  deployId: 'run/1',
  actor: 'actor-1',
  createdAt: new Date(now).toISOString(),
});

const entry = (color: Color, image: ResolvedImage, now: number): HistoryEntry => ({
  at: new Date(now).toISOString(),
  action: 'deploy',
  color,
  image: image.ref,
  digest: image.digest,
  version: image.version ?? 'unknown',
  deployId: 'run/1',
  actor: 'actor-1',
});

/** Starts `color` and waits (on the harness clock) until the target sees it running. */
async function startRunning(
  h: ConformanceHarness,
  t: Target,
  color: Color,
  image: ResolvedImage,
): Promise<void> {
  await t.start(color, image, release(image, h.now()));
  for (let i = 0; i < 100; i++) {
    if ((await t.readiness(color)).running) return;
    await h.pass(100);
  }
  throw new Error(`${color} never ran`);
}

/** Registers the suite under `describe(name)`. */
export function describeTargetConformance(name: string, h: ConformanceHarness): void {
  describe(`Target conformance: ${name}`, () => {
    let t: Target;
    let one: ResolvedImage;
    let two: ResolvedImage;

    beforeEach(async () => {
      await h.reset();
      t = h.target();
      one = await t.resolveImage(h.images[0], 'missing');
      two = await t.resolveImage(h.images[1], 'missing');
    });
    afterEach(() => t.close());

    test('connect says what answered; a new environment has nothing live', async () => {
      expect(await t.connect()).not.toBe('');
      const s = await t.status();
      expect(s).toMatchObject({ live: null, previous: null, history: [] });
      expect(Object.keys(s.colors)).toEqual([]);
      expect(t.words.setup).not.toBe('');
    });

    test('images resolve to a digest; the two test images differ', () => {
      expect(one.digest).not.toBe('');
      expect(two.digest).not.toBe(one.digest);
    });

    test('start runs a color without making it live; switchTo makes it live and a fresh process reads the same', async () => {
      await t.prepare();
      await startRunning(h, t, 'blue', one);
      expect((await t.status()).live).toBeNull();
      await t.switchTo('blue');
      await t.saveRecord(recordSwitch(EMPTY_RECORD, entry('blue', one, h.now()), h.now(), 60_000));
      const fresh = h.target();
      try {
        const s = await fresh.status();
        expect(s.live).toBe('blue');
        expect(s.colors.blue).toMatchObject({ running: true, digest: one.digest });
        expect(s.history.map((e) => e.digest)).toEqual([one.digest]);
      } finally {
        await fresh.close();
      }
    });

    test('start never touches the live color, and refuses to replace it', async () => {
      await t.prepare();
      await startRunning(h, t, 'blue', one);
      await t.switchTo('blue');
      await startRunning(h, t, 'green', two);
      const s = await t.status();
      expect(s.live).toBe('blue');
      expect(s.colors.blue).toMatchObject({ running: true, digest: one.digest });
      expect(s.colors.green).toMatchObject({ running: true, digest: two.digest });
      await expect(t.start('blue', two, release(two, h.now()))).rejects.toThrow(/live/);
      expect((await t.status()).colors.blue).toMatchObject({ running: true, digest: one.digest });
    });

    test('switchTo moves live traffic in one step; the old color keeps running (warm)', async () => {
      await t.prepare();
      await startRunning(h, t, 'blue', one);
      await t.switchTo('blue');
      await startRunning(h, t, 'green', two);
      const ms = await t.switchTo('green');
      expect(ms).toBeGreaterThanOrEqual(0);
      const s = await t.status();
      expect(s.live).toBe('green');
      expect(s.colors.blue?.running).toBe(true);
    });

    test('retiring the previous color stops it and keeps the record', async () => {
      await t.prepare();
      await startRunning(h, t, 'blue', one);
      await t.switchTo('blue');
      let record = recordSwitch(EMPTY_RECORD, entry('blue', one, h.now()), h.now(), 60_000);
      await startRunning(h, t, 'green', two);
      await t.switchTo('green');
      record = recordSwitch(record, entry('green', two, h.now()), h.now(), 60_000);
      await t.saveRecord(record);
      await t.stop('blue');
      await t.saveRecord(recordRetired(record, { previous: true, pending: false }));
      const s = await h.target().status();
      expect(s.live).toBe('green');
      expect(s.colors.blue?.running ?? false).toBe(false);
      expect(s.history.map((e) => e.color)).toEqual(['green', 'blue']);
      expect(s.retireAfter).toBeUndefined();
    });

    test('the lock excludes a second holder until the first releases it', async () => {
      await t.prepare();
      const first = await t.lock(holder(1), { timeoutMs: 0, ttlMs: 600_000 });
      const other = h.target();
      try {
        await expect(other.lock(holder(2), { timeoutMs: 0, ttlMs: 600_000 })).rejects.toThrow(
          /run\/1/,
        );
        await first.renew();
        await first.release();
        const second = await other.lock(holder(2), { timeoutMs: 0, ttlMs: 600_000 });
        expect(second.expiresAt).toBeGreaterThan(h.now());
        await second.release();
      } finally {
        await other.close();
      }
    });

    test('a stale lock is taken over, and its first holder learns it lost the lease', async () => {
      await t.prepare();
      const first = await t.lock(holder(1), { timeoutMs: 0, ttlMs: h.staleTtlMs });
      await h.pass(h.staleTtlMs + 1_000);
      const other = h.target();
      try {
        const second = await other.lock(holder(2), { timeoutMs: 0, ttlMs: 600_000 });
        await expect(first.renew()).rejects.toThrow(/lost/);
        // Releasing a lease already taken over leaves the new holder's lock alone.
        await first.release();
        await expect(h.target().lock(holder(3), { timeoutMs: 0, ttlMs: 600_000 })).rejects.toThrow(
          /run\/2/,
        );
        await second.release();
      } finally {
        await other.close();
      }
    });

    test('a renewed lease outlives its first expiry; once renewals stop, it lapses', async () => {
      await t.prepare();
      const ttlMs = 3 * h.staleTtlMs;
      const first = await t.lock(holder(1), { timeoutMs: 0, ttlMs });
      const firstExpiry = first.expiresAt;
      const other = h.target();
      try {
        // Past the first expiry (3 × staleTtlMs), renewed every staleTtlMs.
        for (let i = 0; i < 4; i++) {
          await h.pass(h.staleTtlMs);
          await first.renew();
        }
        expect(first.expiresAt).toBeGreaterThan(firstExpiry);
        expect(h.now()).toBeGreaterThan(firstExpiry);
        await expect(other.lock(holder(2), { timeoutMs: 0, ttlMs })).rejects.toThrow(/run\/1/);
        await h.pass(ttlMs + 1_000);
        const second = await other.lock(holder(2), { timeoutMs: 0, ttlMs: 600_000 });
        await expect(first.renew()).rejects.toThrow(/lost/);
        await second.release();
      } finally {
        await other.close();
      }
    });

    test('a held lock is broken with a reason; the lease says whose it was, and its holder learns it lost', async () => {
      await t.prepare();
      const first = await t.lock(holder(1), { timeoutMs: 0, ttlMs: 600_000 });
      const other = h.target();
      try {
        const second = await other.lock(
          { ...holder(2), breakReason: 'run/1 is stuck' },
          { timeoutMs: 0, ttlMs: 600_000 },
        );
        expect(second.broke).toMatchObject({
          reason: 'run/1 is stuck',
          held: { deployId: 'run/1', actor: 'actor-1' },
        });
        expect(second.broke?.held.expiresAt).toBeGreaterThan(h.now());
        await expect(first.renew()).rejects.toThrow(/lost/);
        await first.release();
        await expect(h.target().lock(holder(3), { timeoutMs: 0, ttlMs: 600_000 })).rejects.toThrow(
          /run\/2/,
        );
        await second.release();
        // Nothing held: a break takes the free lock and says it broke nothing.
        const third = await other.lock(
          { ...holder(3), breakReason: 'just in case' },
          { timeoutMs: 0, ttlMs: 600_000 },
        );
        expect(third.broke).toBeUndefined();
        await third.release();
      } finally {
        await other.close();
      }
    });

    test('the lock handle names its kind and the holder, as plain JSON', () => {
      const handle = t.lockHandle(holder(1));
      expect(typeof handle.kind).toBe('string');
      expect(handle.token).toBe(holder(1).token);
      expect(JSON.parse(JSON.stringify(handle))).toEqual(handle);
    });
  });
}
