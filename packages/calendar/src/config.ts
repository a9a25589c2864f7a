/**
 * The `windows:` section of an environment in switchyard.yml, parsed (pure). Every error is an
 * {@link InputError} named by the key path under the `path` given (`production.windows.allow[1].from`),
 * which config re-states with the file name.
 */
import { InputError } from '@switchyard/kit';
import { parseFreezeEntry } from './freeze-entries.js';
import { daysText, parseDays, parseTimeOfDay, parseTimeZone, timeText } from './text.js';
import type { AllowWindow, Calendar } from './types.js';
import { entries, mapping, required, str, zoneAt } from './values.js';

const SECTION_KEYS = ['time-zone', 'allow', 'freeze'] as const;
const ALLOW_KEYS = ['days', 'from', 'to', 'time-zone'] as const;
const COMPACT_FORM = '"Mon-Fri 09:00-16:00 Europe/Berlin" or "Sun 02:00-04:00" (zone optional)';

/**
 * Parses a `windows:` section. `null` or `undefined` (no section) allows deploys at any time.
 * `path` is the section's key path, for errors (`production.windows`).
 */
export function parseWindows(path: string, raw: unknown): Calendar {
  if (raw === null || raw === undefined) return { timeZone: 'UTC', freezes: [] };
  const section = mapping(path, raw, SECTION_KEYS, 'a mapping with time-zone:, allow: and freeze:');
  const timeZone = zoneAt(`${path}.time-zone`, section['time-zone']) ?? 'UTC';
  const allowRaw = section.allow;
  const allow =
    allowRaw === undefined || allowRaw === null
      ? undefined
      : entries(`${path}.allow`, allowRaw, 'allow').map((v, i) =>
          parseAllow(`${path}.allow[${i}]`, v, timeZone),
        );
  const freezeRaw = section.freeze;
  const freezes =
    freezeRaw === undefined || freezeRaw === null
      ? []
      : entries(`${path}.freeze`, freezeRaw, 'freeze').map((v, i) =>
          parseFreezeEntry(`${path}.freeze[${i}]`, v, timeZone),
        );
  return { timeZone, ...(allow && { allow }), freezes };
}

/** One `allow:` entry: a mapping (days, from, to, time-zone) or the compact string form. */
export function parseAllow(path: string, raw: unknown, sectionZone: string): AllowWindow {
  if (typeof raw === 'string') return parseCompactWindow(path, raw, sectionZone);
  const m = mapping(
    path,
    raw,
    ALLOW_KEYS,
    `days:, from: and to:, or a string such as ${COMPACT_FORM}`,
  );
  const days = m.days;
  if (days === undefined || days === null)
    throw new InputError(`${path}.days`, '', 'is required', 'Say which days, e.g. days: mon-fri');
  const dayList =
    Array.isArray(days) && days.every((d) => typeof d === 'string')
      ? parseDays(`${path}.days`, days)
      : parseDays(`${path}.days`, str(`${path}.days`, days, 'mon-fri'));
  const from = parseTimeOfDay(
    `${path}.from`,
    str(`${path}.from`, required(path, 'from', m, '"09:00"'), '"09:00"'),
    false,
  );
  const to = parseTimeOfDay(
    `${path}.to`,
    str(`${path}.to`, required(path, 'to', m, '"16:00"'), '"16:00"'),
    true,
  );
  const timeZone = zoneAt(`${path}.time-zone`, m['time-zone']) ?? sectionZone;
  return window(path, dayList, from, to, timeZone, `${path}.to`);
}

/** `Mon-Fri 09:00-16:00 Europe/Berlin`, `Sun 02:00-04:00 UTC`, `daily 22:00-02:00`. */
export function parseCompactWindow(path: string, raw: string, sectionZone: string): AllowWindow {
  const m =
    raw.length > 200
      ? null
      : /^\s*(\S+)\s+(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})(?:\s+(\S+))?\s*$/.exec(raw);
  if (!m)
    throw new InputError(
      path,
      raw,
      'is not a window',
      `Write days, times and a zone: ${COMPACT_FORM}`,
    );
  const [, days = '', from = '', to = '', zone] = m;
  return window(
    path,
    parseDays(path, days),
    parseTimeOfDay(path, from, false),
    parseTimeOfDay(path, to, true),
    zone === undefined ? sectionZone : parseTimeZone(path, zone),
    path,
  );
}

function window(
  path: string,
  days: AllowWindow['days'],
  from: number,
  to: number,
  timeZone: string,
  toPath: string,
): AllowWindow {
  if (from === to)
    throw new InputError(
      toPath,
      timeText(to),
      'is the same time as from',
      'Give a window of some length; for a whole day use from: "00:00" and to: "24:00"',
    );
  const text = `${daysText(days)} ${timeText(from)}–${timeText(to)} ${timeZone}`;
  return { days, from, to, timeZone, text };
}
