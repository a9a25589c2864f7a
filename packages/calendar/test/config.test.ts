import { parseWindows } from '@switchyard/calendar';
import { InputError } from '@switchyard/kit';
import { parse } from 'yaml';

const PATH = 'environments.production.windows';

/** The `windows:` section as a user writes it, read by the same YAML library config uses. */
const EXAMPLE = `
time-zone: Europe/Berlin
allow:
  - days: mon-fri
    from: "09:00"
    to: "16:00"
  - days: sun
    from: 02:00
    to: 04:00
    time-zone: UTC
freeze:
  - from: 2026-12-20
    to: 2027-01-04
    reason: year-end freeze
  - cron: "0 17 * * 5"
    duration: 64h
    reason: weekend
`;

describe('parseWindows', () => {
  test('reads the documented example, unquoted times and dates included', () => {
    const calendar = parseWindows(PATH, parse(EXAMPLE));
    expect(calendar.timeZone).toBe('Europe/Berlin');
    expect(calendar.allow).toEqual([
      {
        days: [1, 2, 3, 4, 5],
        from: 540,
        to: 960,
        timeZone: 'Europe/Berlin',
        text: 'Mon–Fri 09:00–16:00 Europe/Berlin',
      },
      { days: [7], from: 120, to: 240, timeZone: 'UTC', text: 'Sun 02:00–04:00 UTC' },
    ]);
    expect(calendar.freezes).toEqual([
      {
        kind: 'dates',
        start: Date.parse('2026-12-19T23:00:00Z'),
        end: Date.parse('2027-01-04T23:00:00Z'),
        timeZone: 'Europe/Berlin',
        reason: 'year-end freeze',
        text: '2026-12-20 to 2027-01-04 Europe/Berlin',
      },
      {
        kind: 'cron',
        cron: '0 17 * * 5',
        durationMs: 64 * 3_600_000,
        timeZone: 'Europe/Berlin',
        reason: 'weekend',
        text: 'from "0 17 * * 5" Europe/Berlin for 64h',
      },
    ]);
  });

  test.each([
    ['Mon-Fri 09:00-16:00 Europe/Berlin', 'UTC', 'Mon–Fri 09:00–16:00 Europe/Berlin'],
    ['Sun 02:00-04:00 UTC', 'Europe/Berlin', 'Sun 02:00–04:00 UTC'],
    ['sat,sun 10:00–12:00', 'America/New_York', 'Sat, Sun 10:00–12:00 America/New_York'],
    ['fri-mon 22:00-02:00 europe/berlin', 'UTC', 'Mon, Fri–Sun 22:00–02:00 Europe/Berlin'],
    ['daily 00:00-24:00', 'UTC', 'daily 00:00–24:00 UTC'],
    ['mon,wed-fri 9:30-17:00 Asia/Kolkata', 'UTC', 'Mon, Wed–Fri 09:30–17:00 Asia/Kolkata'],
    ['Tuesday-Thursday 08:00-09:00', 'UTC', 'Tue–Thu 08:00–09:00 UTC'],
  ])('[%#] compact %j in a %s section reads as %j', (entry, zone, text) => {
    const calendar = parseWindows(PATH, { 'time-zone': zone, allow: [entry] });
    expect(calendar.allow?.map((w) => w.text)).toEqual([text]);
  });

  test('no section, or an empty one, allows deploys at any time', () => {
    expect(parseWindows(PATH, undefined)).toEqual({ timeZone: 'UTC', freezes: [] });
    expect(parseWindows(PATH, null)).toEqual({ timeZone: 'UTC', freezes: [] });
    expect(parseWindows(PATH, {})).toEqual({ timeZone: 'UTC', freezes: [] });
  });

  test('date-times with an offset keep it; without one they are in the zone', () => {
    const calendar = parseWindows(PATH, {
      'time-zone': 'America/New_York',
      freeze: [
        { from: '2026-07-03T18:00', to: '2026-07-06T06:00-04:00' },
        { from: '2026-11-26', to: '2026-11-27T12:00Z', 'time-zone': 'UTC', reason: 'Thanksgiving' },
      ],
    });
    expect(
      calendar.freezes.map((f) => (f.kind === 'dates' ? [f.start, f.end, f.reason] : [])),
    ).toEqual([
      [Date.parse('2026-07-03T22:00:00Z'), Date.parse('2026-07-06T10:00:00Z'), 'freeze'],
      [Date.parse('2026-11-26T00:00:00Z'), Date.parse('2026-11-27T12:00:00Z'), 'Thanksgiving'],
    ]);
  });
});

describe('parseWindows: errors name the key and the fix', () => {
  test.each([
    [{ allow: 'Mon-Fri 09:00-16:00' }, `${PATH}.allow`, 'is a string, not a list'],
    [{ allow: [] }, `${PATH}.allow`, 'remove allow: to allow deploys at any time'],
    [
      { 'time-zone': 'Mars/Olympus' },
      `${PATH}.time-zone`,
      '"Mars/Olympus" is not a known time zone',
    ],
    [{ timezone: 'UTC' }, `${PATH}.timezone`, 'Valid keys: time-zone, allow, freeze'],
    [
      { allow: ['Mon-Fri 09:00-16:00', { days: 'mon', from: '9am', to: '16:00' }] },
      `${PATH}.allow[1].from`,
      '"9am" is not a time of day',
    ],
    [
      { allow: [{ days: 'mon', from: 540, to: '16:00' }] },
      `${PATH}.allow[0].from`,
      'is a number, not text. Give a value such as "09:00" (in quotes)',
    ],
    [
      { allow: [{ days: 'mon', from: '24:00', to: '16:00' }] },
      `${PATH}.allow[0].from`,
      'from "00:00" to "23:59"',
    ],
    [
      { allow: [{ days: 'mon', from: '09:00', to: '09:60' }] },
      `${PATH}.allow[0].to`,
      'is not a time of day',
    ],
    [
      { allow: [{ days: 'mon', from: '09:00', to: '09:00' }] },
      `${PATH}.allow[0].to`,
      'is the same time as from',
    ],
    [{ allow: [{ from: '09:00', to: '16:00' }] }, `${PATH}.allow[0].days`, 'is required'],
    [
      { allow: [{ days: 'mon-fry', from: '09:00', to: '16:00' }] },
      `${PATH}.allow[0].days`,
      'has "fry", not a day',
    ],
    [
      { allow: [{ days: 'mon', from: '09:00', to: '16:00', zone: 'UTC' }] },
      `${PATH}.allow[0].zone`,
      'Valid keys: days, from, to, time-zone',
    ],
    [
      { allow: [{ days: 'mon', from: '09:00', to: '16:00', 'time-zone': 'CEST' }] },
      `${PATH}.allow[0].time-zone`,
      '"CEST" is not a known time zone',
    ],
    [
      { allow: ['Mon-Fri 9-16'] },
      `${PATH}.allow[0]`,
      'is not a window. Write days, times and a zone',
    ],
    [
      { allow: ['Mon-Fri 09:00-16:00 Europe/Berlinn'] },
      `${PATH}.allow[0]`,
      '"Europe/Berlinn" is not a known time zone',
    ],
    [
      { allow: Array.from({ length: 51 }, () => 'daily 09:00-10:00') },
      `${PATH}.allow`,
      'List at most 50',
    ],
    [{ allow: [`Mon-Fri 09:00-16:00 ${'x'.repeat(300)}`] }, `${PATH}.allow[0]`, 'is not a window'],
    [{ 'time-zone': '../../etc/localtime' }, `${PATH}.time-zone`, 'is not a known time zone'],
    [
      { allow: [{ days: 'mon\u0000', from: '09:00', to: '16:00' }] },
      `${PATH}.allow[0].days`,
      'not a day',
    ],
    [{ freeze: [{ from: '2026-12-20' }] }, `${PATH}.freeze[0].to`, 'is required'],
    [
      { freeze: [{ from: '2027-01-04', to: '2026-12-20' }] },
      `${PATH}.freeze[0].to`,
      'is not after from (2027-01-04)',
    ],
    [
      { freeze: [{ from: '2026-12-32', to: '2027-01-04' }] },
      `${PATH}.freeze[0].from`,
      'is not a date or date-time',
    ],
    [
      { freeze: [{ from: '2026-01-01', to: '2027-06-01' }] },
      `${PATH}.freeze[0].to`,
      'ends more than 366 days after from',
    ],
    [{ freeze: [{ cron: '0 17 * * 5' }] }, `${PATH}.freeze[0].duration`, 'is required'],
    [
      { freeze: [{ cron: '0 17 * * 5', duration: '32d' }] },
      `${PATH}.freeze[0].duration`,
      'Use a value from 1m to 31d',
    ],
    [
      { freeze: [{ cron: '0 17 * * 5', duration: '30s' }] },
      `${PATH}.freeze[0].duration`,
      'is out of range',
    ],
    [
      { freeze: [{ cron: '0 17 * * 5', duration: 'a weekend' }] },
      `${PATH}.freeze[0].duration`,
      'is not a duration',
    ],
    [
      { freeze: [{ cron: '0 25 * * 5', duration: '1h' }] },
      `${PATH}.freeze[0].cron`,
      'is not a valid cron expression',
    ],
    [
      { freeze: [{ cron: '0 0 17 * * 5', duration: '1h' }] },
      `${PATH}.freeze[0].cron`,
      'is not a five-field cron expression',
    ],
    [
      { freeze: [{ cron: '*/5 17 * * 5', duration: '1h' }] },
      `${PATH}.freeze[0].cron`,
      'more often than once an hour',
    ],
    [
      { freeze: [{ cron: '0 17 * * 5', duration: '1h', from: '2026-12-20' }] },
      `${PATH}.freeze[0]`,
      'mixes from:/to: with cron:/duration:',
    ],
    [{ freeze: [{ reason: 'why not' }] }, `${PATH}.freeze[0]`, 'says neither when nor how often'],
    [
      { freeze: [{ from: '2026-12-20', to: '2026-12-21', reason: 'a\nb' }] },
      `${PATH}.freeze[0].reason`,
      'spans several lines',
    ],
    [
      { freeze: [{ from: '2026-12-20', to: '2026-12-21', reason: 'x'.repeat(201) }] },
      `${PATH}.freeze[0].reason`,
      'is 201 characters long',
    ],
  ])('[%#] %j fails at %s', (section, path, text) => {
    let error: unknown;
    try {
      parseWindows(PATH, section);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(path);
    expect((error as InputError).message).toContain(text);
  });
});
