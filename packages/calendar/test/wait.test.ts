import { parseWindows, waitForWindow } from '@switchyard/calendar';
import { FakeClock } from '../../../test/support/fakes.js';

const calendar = parseWindows('windows', {
  'time-zone': 'Europe/Berlin',
  allow: ['Mon-Fri 09:00-16:00'],
});
// Monday 2026-12-14 08:48 CET: the window opens in 12 minutes.
const MONDAY_0848 = Date.parse('2026-12-14T07:48:00Z');

describe('waitForWindow', () => {
  test('waits in virtual time, reporting every minute, and returns when the window opens', async () => {
    const clock = new FakeClock(MONDAY_0848);
    const messages: string[] = [];
    const result = await waitForWindow(calendar, clock, 15 * 60_000, (m) => messages.push(m));
    expect(result).toMatchObject({ opened: true, waitedMs: 12 * 60_000 });
    expect(clock.now()).toBe(Date.parse('2026-12-14T08:00:00Z'));
    expect(messages).toHaveLength(12);
    expect(messages[0]).toBe(
      'waiting for the deploy window: opens in 12 min (Monday 2026-12-14 09:00 CET)',
    );
    expect(messages[11]).toBe(
      'waiting for the deploy window: opens in 1 min (Monday 2026-12-14 09:00 CET)',
    );
  });

  test('sleeps only until the opening when it is less than a minute away', async () => {
    const clock = new FakeClock(Date.parse('2026-12-14T07:59:20Z'));
    const result = await waitForWindow(calendar, clock, 60_000, () => undefined);
    expect(result.opened).toBe(true);
    expect(clock.sleeps).toEqual([40_000]);
  });

  test('returns at once, closed, when the window opens later than the longest wait', async () => {
    const clock = new FakeClock(MONDAY_0848);
    const messages: string[] = [];
    const result = await waitForWindow(calendar, clock, 11 * 60_000, (m) => messages.push(m));
    expect(result.opened).toBe(false);
    expect(result.waitedMs).toBe(0);
    expect(messages).toEqual([]);
    expect(clock.sleeps).toEqual([]);
    if (!result.opened)
      expect(result.check.nextOpen?.toISOString()).toBe('2026-12-14T08:00:00.000Z');
  });

  test('returns at once when already open', async () => {
    const clock = new FakeClock(Date.parse('2026-12-14T10:00:00Z'));
    const result = await waitForWindow(calendar, clock, 0, () => undefined);
    expect(result).toMatchObject({ opened: true, waitedMs: 0 });
  });

  test('an aborted signal ends the wait closed', async () => {
    const clock = new FakeClock(MONDAY_0848);
    const stop = new AbortController();
    const result = await waitForWindow(
      calendar,
      clock,
      3_600_000,
      () => {
        if (clock.sleeps.length === 2) stop.abort();
      },
      stop.signal,
    );
    expect(result.opened).toBe(false);
    expect(result.waitedMs).toBe(3 * 60_000);
  });

  test('a negative or infinite wait is a bug, refused', async () => {
    const clock = new FakeClock(MONDAY_0848);
    await expect(waitForWindow(calendar, clock, -1, () => undefined)).rejects.toThrow(RangeError);
    await expect(waitForWindow(calendar, clock, Infinity, () => undefined)).rejects.toThrow(
      RangeError,
    );
  });
});
