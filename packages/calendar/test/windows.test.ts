import { checkWindow, parseWindows, type Calendar } from '@switchyard/calendar';

const cal = (windows: unknown): Calendar => parseWindows('production.windows', windows);

const berlinWeekdays = cal({ 'time-zone': 'Europe/Berlin', allow: ['Mon-Fri 09:00-16:00'] });
const newYorkWeekdays = cal({ allow: ['Mon-Fri 09:00-17:00 America/New_York'] });
const berlinNight = cal({ allow: ['daily 02:00-04:00 Europe/Berlin'] });
const newYorkNight = cal({ allow: ['daily 01:00-03:00 America/New_York'] });
const lordHowe = cal({ allow: ['daily 02:00-03:00 Australia/Lord_Howe'] });
const fridayNight = cal({ 'time-zone': 'Europe/Berlin', allow: ['Fri 22:00-02:00'] });
const sundayUtc = cal({
  'time-zone': 'Europe/Berlin',
  allow: [{ days: 'sun', from: '02:00', to: '04:00', 'time-zone': 'UTC' }],
});
const both = cal({
  'time-zone': 'Europe/Berlin',
  allow: [{ days: 'mon-fri', from: '09:00', to: '16:00' }, 'Sun 02:00-04:00 UTC'],
});
const yearEnd = cal({
  'time-zone': 'Europe/Berlin',
  allow: ['Mon-Fri 09:00-16:00'],
  freeze: [
    { from: '2026-12-20', to: '2027-01-04', reason: 'year-end freeze' },
    { from: '2026-12-14T09:00', to: '2026-12-14T12:00', reason: 'audit' },
  ],
});
const weekendFreeze = cal({
  'time-zone': 'Europe/Berlin',
  freeze: [{ cron: '0 17 * * 5', duration: '64h', reason: 'weekend' }],
});
const daytimeWithWeekendFreeze = cal({
  'time-zone': 'Europe/Berlin',
  allow: ['daily 08:00-20:00'],
  freeze: [{ cron: '0 17 * * 5', duration: '64h', reason: 'weekend' }],
});
const saturdaysFrozen = cal({
  allow: ['Sat 02:00-03:00 UTC'],
  freeze: [{ cron: '0 0 * * 6', duration: '1d', reason: 'no Saturdays' }],
});
const alwaysFrozen = cal({
  allow: ['Mon-Fri 09:00-16:00 UTC'],
  freeze: [{ cron: '0 0 * * *', duration: '25h', reason: 'moratorium' }],
});

const at = (iso: string): Date => new Date(iso);
/** An instant as ISO text, for comparing with the table's (`…:00Z`). */
const iso = (d: Date | null | undefined): string | null | undefined =>
  d && d.toISOString().replace('.000Z', 'Z');

describe('checkWindow: open now, and until when', () => {
  test.each([
    // [name, now, calendar, closesAt]
    ['Berlin Friday 15:59 CET', '2026-03-27T14:59:00Z', berlinWeekdays, '2026-03-27T15:00:00Z'],
    [
      'Berlin Monday 09:00 CEST, after spring forward',
      '2026-03-30T07:00:00Z',
      berlinWeekdays,
      '2026-03-30T14:00:00Z',
    ],
    [
      'Berlin Monday 09:00 CET, after fall back',
      '2026-10-26T08:00:00Z',
      berlinWeekdays,
      '2026-10-26T15:00:00Z',
    ],
    ['New York Monday 09:00 EDT', '2026-03-09T13:00:00Z', newYorkWeekdays, '2026-03-09T21:00:00Z'],
    [
      'Berlin 02:00–04:00 on spring-forward day: 03:30 CEST',
      '2026-03-29T01:30:00Z',
      berlinNight,
      '2026-03-29T02:00:00Z',
    ],
    [
      'Berlin 02:00–04:00 on fall-back day: first 02:30 (CEST)',
      '2026-10-25T00:30:00Z',
      berlinNight,
      '2026-10-25T03:00:00Z',
    ],
    [
      'Berlin 02:00–04:00 on fall-back day: second 02:30 (CET)',
      '2026-10-25T01:30:00Z',
      berlinNight,
      '2026-10-25T03:00:00Z',
    ],
    [
      'New York 01:00–03:00 on fall-back day: first 01:30 (EDT)',
      '2026-11-01T05:30:00Z',
      newYorkNight,
      '2026-11-01T08:00:00Z',
    ],
    [
      'Lord Howe 02:00–03:00 on its half-hour spring forward',
      '2026-10-03T15:45:00Z',
      lordHowe,
      '2026-10-03T16:00:00Z',
    ],
    [
      'Friday 22:00–02:00 crossing midnight, Saturday 01:30',
      '2026-12-12T00:30:00Z',
      fridayNight,
      '2026-12-12T01:00:00Z',
    ],
    [
      'Sun 02:00–04:00 UTC in a Berlin section',
      '2026-12-13T03:59:00Z',
      sundayUtc,
      '2026-12-13T04:00:00Z',
    ],
    [
      'inside a window, before a freeze starts the next week',
      '2026-12-18T14:00:00Z',
      yearEnd,
      '2026-12-18T15:00:00Z',
    ],
    [
      'no windows, a weekend freeze ahead',
      '2026-12-11T15:30:00Z',
      weekendFreeze,
      '2026-12-11T16:00:00Z',
    ],
    [
      'daytime window cut short by the weekend freeze',
      '2026-12-11T15:00:00Z',
      daytimeWithWeekendFreeze,
      '2026-12-11T16:00:00Z',
    ],
  ])('[%s] at %s', (_name, now, calendar, closesAt) => {
    const check = checkWindow(calendar, at(now));
    expect(check.open).toBe(true);
    if (check.open) expect(iso(check.closesAt)).toBe(closesAt);
  });

  test('a calendar with no windows and no freezes is open with no end', () => {
    const check = checkWindow(cal(null), at('2026-12-09T12:00:00Z'));
    expect(check).toEqual({ open: true, message: 'no deploy window applies' });
  });
});

describe('checkWindow: closed now, and when it opens', () => {
  test.each([
    // [name, now, calendar, reason, nextOpen, freeze until]
    [
      'Berlin Friday 16:00 CET (the end is exclusive)',
      '2026-03-27T15:00:00Z',
      berlinWeekdays,
      'outside-window',
      '2026-03-30T07:00:00Z',
      undefined,
    ],
    [
      'Berlin Monday 08:59 CEST: opens 07:00Z, not 08:00Z',
      '2026-03-30T06:59:00Z',
      berlinWeekdays,
      'outside-window',
      '2026-03-30T07:00:00Z',
      undefined,
    ],
    [
      'Berlin across fall back: Monday 09:00 CET',
      '2026-10-23T16:00:00Z',
      berlinWeekdays,
      'outside-window',
      '2026-10-26T08:00:00Z',
      undefined,
    ],
    [
      'New York across spring forward',
      '2026-03-07T12:00:00Z',
      newYorkWeekdays,
      'outside-window',
      '2026-03-09T13:00:00Z',
      undefined,
    ],
    [
      'New York across fall back',
      '2026-10-31T12:00:00Z',
      newYorkWeekdays,
      'outside-window',
      '2026-11-02T14:00:00Z',
      undefined,
    ],
    [
      'Berlin 02:00–04:00 on spring-forward day opens at 03:00 CEST',
      '2026-03-29T00:30:00Z',
      berlinNight,
      'outside-window',
      '2026-03-29T01:00:00Z',
      undefined,
    ],
    [
      'Berlin 02:00–04:00 the Sunday before opens at 02:00 CET',
      '2026-03-22T00:30:00Z',
      berlinNight,
      'outside-window',
      '2026-03-22T01:00:00Z',
      undefined,
    ],
    [
      'New York 01:00–03:00 on fall-back day opens at the first 01:00',
      '2026-11-01T04:59:00Z',
      newYorkNight,
      'outside-window',
      '2026-11-01T05:00:00Z',
      undefined,
    ],
    [
      'Lord Howe window opens at 02:30 (+11), the end of the gap',
      '2026-10-03T15:20:00Z',
      lordHowe,
      'outside-window',
      '2026-10-03T15:30:00Z',
      undefined,
    ],
    [
      'Friday 22:00–02:00 is over at Saturday 02:00',
      '2026-12-12T01:00:00Z',
      fridayNight,
      'outside-window',
      '2026-12-18T21:00:00Z',
      undefined,
    ],
    [
      'Sun 02:00–04:00 UTC from a Wednesday',
      '2026-12-09T12:00:00Z',
      sundayUtc,
      'outside-window',
      '2026-12-13T02:00:00Z',
      undefined,
    ],
    [
      'two windows: Sunday UTC comes before Monday Berlin',
      '2026-12-12T12:00:00Z',
      both,
      'outside-window',
      '2026-12-13T02:00:00Z',
      undefined,
    ],
    [
      'after the window on the last Friday, nextOpen skips the year-end freeze',
      '2026-12-18T16:00:00Z',
      yearEnd,
      'outside-window',
      '2027-01-05T08:00:00Z',
      undefined,
    ],
    [
      'inside the year-end freeze (to: is inclusive)',
      '2026-12-21T10:00:00Z',
      yearEnd,
      'freeze',
      '2027-01-05T08:00:00Z',
      '2027-01-04T23:00:00Z',
    ],
    [
      'a date-time freeze inside a window: opens when it ends',
      '2026-12-14T08:30:00Z',
      yearEnd,
      'freeze',
      '2026-12-14T11:00:00Z',
      '2026-12-14T11:00:00Z',
    ],
    [
      'weekend freeze by cron, no windows',
      '2026-12-12T12:00:00Z',
      weekendFreeze,
      'freeze',
      '2026-12-14T08:00:00Z',
      '2026-12-14T08:00:00Z',
    ],
    [
      'weekend freeze across fall back lasts 64 real hours (ends 08:00 CET)',
      '2026-10-24T12:00:00Z',
      weekendFreeze,
      'freeze',
      '2026-10-26T07:00:00Z',
      '2026-10-26T07:00:00Z',
    ],
    [
      'weekend freeze at its first instant',
      '2026-12-11T16:00:00Z',
      weekendFreeze,
      'freeze',
      '2026-12-14T08:00:00Z',
      '2026-12-14T08:00:00Z',
    ],
    [
      'cron freeze overlapping a daily window: opens Monday 09:00 CET',
      '2026-12-11T17:00:00Z',
      daytimeWithWeekendFreeze,
      'freeze',
      '2026-12-14T08:00:00Z',
      '2026-12-14T08:00:00Z',
    ],
    [
      'a freeze covering every window: none in a year',
      '2026-12-09T12:00:00Z',
      saturdaysFrozen,
      'outside-window',
      null,
      undefined,
    ],
  ])('[%s] at %s', (_name, now, calendar, reason, nextOpen, until) => {
    const check = checkWindow(calendar, at(now));
    expect(check.open).toBe(false);
    if (check.open) return;
    expect(check.reason).toBe(reason);
    expect(iso(check.nextOpen)).toBe(nextOpen);
    expect(iso(check.freeze?.until)).toBe(until);
  });

  test('a freeze that never ends within a year: nextOpen null, and the message says so', () => {
    const check = checkWindow(alwaysFrozen, at('2026-12-09T12:00:00Z'));
    expect(check).toMatchObject({ open: false, reason: 'freeze', nextOpen: null });
    expect(check.message).toMatch(
      /^in a deploy freeze \(moratorium\) until .*; no deploy window opens in the next 366 days$/,
    );
  });
});

describe('checkWindow: messages', () => {
  test('outside the windows: which windows, when the next opens, in how long', () => {
    const check = checkWindow(berlinWeekdays, at('2027-01-01T18:00:00Z'));
    expect(check.message).toBe(
      'outside the deploy windows (Mon–Fri 09:00–16:00 Europe/Berlin); the next opens Monday 2027-01-04 09:00 CET (in 2 d 14 h)',
    );
  });

  test('two windows are listed with "or"; the next opening is shown in its own zone', () => {
    expect(checkWindow(both, at('2026-12-12T12:00:00Z')).message).toBe(
      'outside the deploy windows (Mon–Fri 09:00–16:00 Europe/Berlin or Sun 02:00–04:00 UTC); the next opens Sunday 2026-12-13 02:00 UTC (in 14 h)',
    );
  });

  test('in a freeze: its reason, its end, and the next opening when later', () => {
    expect(checkWindow(yearEnd, at('2026-12-21T10:00:00Z')).message).toBe(
      'in a deploy freeze (year-end freeze) until Tuesday 2027-01-05 00:00 CET (in 14 d 13 h); the next opens Tuesday 2027-01-05 09:00 CET (in 14 d 22 h)',
    );
    expect(checkWindow(weekendFreeze, at('2026-12-12T12:00:00Z')).message).toBe(
      'in a deploy freeze (weekend) until Monday 2026-12-14 09:00 CET (in 1 d 20 h)',
    );
  });

  test('open: until when, or which freeze is next', () => {
    expect(checkWindow(newYorkWeekdays, at('2026-03-09T13:00:00Z')).message).toBe(
      'inside the deploy window (Mon–Fri 09:00–17:00 America/New_York) until Monday 2026-03-09 17:00 EDT (in 8 h)',
    );
    expect(checkWindow(weekendFreeze, at('2026-12-11T15:30:00Z')).message).toBe(
      'no deploy window applies; a freeze (weekend) starts Friday 2026-12-11 17:00 CET (in 30 min)',
    );
  });
});
