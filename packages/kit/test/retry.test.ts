import { backoffDelay, mapLimit, poll, retry } from '@switchyard/kit';
import { FakeClock } from '../../../test/support/fakes.js';

describe('backoffDelay', () => {
  const b = { initialDelayMs: 1000, maxDelayMs: 8000 };
  test.each([
    [1, 0.5, 1000],
    [2, 0.5, 2000],
    [3, 0.5, 4000],
    [4, 0.5, 8000],
    [9, 0.5, 8000],
    [1, 0, 900],
    [1, 1, 1100],
    [4, 1, 8000],
  ])('[%#] retry %d with random %d waits %d ms', (n, rnd, ms) => {
    expect(backoffDelay(n, b, () => rnd)).toBe(ms);
  });

  test('jitter spreads delays within ±10% by default', () => {
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(2, b)));
    expect(seen.size).toBeGreaterThan(5);
    for (const d of seen) expect(d >= 1800 && d <= 2200).toBe(true);
  });
});

describe('poll', () => {
  test('stops as soon as a result is done', async () => {
    const clock = new FakeClock();
    const out = await poll(
      async (n) => n,
      { attempts: 10, initialDelayMs: 100, maxDelayMs: 1000, jitter: 0, done: (n) => n === 3 },
      clock,
    );
    expect(out).toEqual({ result: 3, attempts: 3 });
    expect(clock.sleeps).toEqual([100, 200]);
  });

  test('stops at the attempt limit and returns the last result', async () => {
    const clock = new FakeClock();
    const out = await poll(
      async (n) => n,
      { attempts: 2, initialDelayMs: 10, maxDelayMs: 10, done: () => false },
      clock,
    );
    expect(out).toEqual({ result: 2, attempts: 2 });
  });

  test('never sleeps past the deadline and stops there', async () => {
    const clock = new FakeClock(0);
    const starts: number[] = [];
    const out = await poll(
      async () => {
        starts.push(clock.now());
        return false;
      },
      {
        attempts: Infinity,
        deadline: 2500,
        initialDelayMs: 1000,
        maxDelayMs: 1000,
        jitter: 0,
        done: (x) => x,
      },
      clock,
    );
    expect(starts).toEqual([0, 1000, 2000, 2500]);
    expect(out.attempts).toBe(4);
  });
});

describe('retry', () => {
  test('returns the first success and reports retries', async () => {
    const seen: number[] = [];
    const value = await retry(
      async (n) => {
        if (n < 3) throw new Error(`fail ${n}`);
        return 'ok';
      },
      {
        attempts: 5,
        initialDelayMs: 1,
        maxDelayMs: 1,
        onRetry: ({ attempt }) => seen.push(attempt),
      },
      new FakeClock(),
    );
    expect(value).toBe('ok');
    expect(seen).toEqual([1, 2]);
  });

  test('rethrows the last error when attempts run out', async () => {
    await expect(
      retry(
        async (n) => Promise.reject(new Error(`fail ${n}`)),
        { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 },
        new FakeClock(),
      ),
    ).rejects.toThrow('fail 3');
  });

  test('does not retry errors that retryIf rejects', async () => {
    let calls = 0;
    const fn = async (): Promise<never> => {
      calls++;
      throw new Error('401 unauthorized');
    };
    await expect(
      retry(
        fn,
        {
          attempts: 5,
          initialDelayMs: 1,
          maxDelayMs: 1,
          retryIf: (e) => !String(e).includes('401'),
        },
        new FakeClock(),
      ),
    ).rejects.toThrow('401');
    expect(calls).toBe(1);
  });
});

describe('mapLimit', () => {
  test('keeps order and never exceeds the limit', async () => {
    const clock = new FakeClock();
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([50, 10, 30, 20, 40], 2, async (ms, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await clock.sleep(ms);
      inFlight--;
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  test('handles an empty list', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
