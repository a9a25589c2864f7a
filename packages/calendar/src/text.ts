/**
 * Small pure pieces shared by the calendar's parsers and messages: one-line text, time zones, days
 * and times of day, and how instants and waits are shown to people.
 */
import { CONTROL, InputError, showValue } from '@switchyard/kit';
import { DateTime, IANAZone } from 'luxon';
import { DAY_MINUTES, MAX_REASON, type Weekday } from './types.js';

const CONTROLS = new RegExp(CONTROL.source, 'g');

/**
 * Untrusted text made safe for one line of a message: control characters (newlines, escapes, bidi
 * overrides) become spaces, runs of white space one space, and text over `max` characters is cut
 * with `…`.
 */
export function oneLine(text: string, max: number): string {
  const s = text.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * A reason people write (`override-window:`, `--reason`, a freeze's `reason:`): trimmed, non-empty,
 * one line, no control characters, at most {@link MAX_REASON} characters.
 */
export function parseReason(name: string, raw: string, example: string): string {
  const s = raw.trim();
  if (s === '') throw new InputError(name, raw, 'is empty', `Say why, e.g. ${example}`);
  if (/[\r\n\u2028\u2029]/.test(s))
    throw new InputError(name, raw, 'spans several lines', 'Write it on a single line');
  if (CONTROL.test(s))
    throw new InputError(name, raw, 'holds control characters', 'Use plain text');
  if (s.length > MAX_REASON)
    throw new InputError(
      name,
      `${s.slice(0, 40)}…`,
      `is ${s.length} characters long`,
      `Use at most ${MAX_REASON}`,
    );
  return s;
}

/** An IANA time zone (`Europe/Berlin`, `UTC`), its case as the zone database writes it. */
export function parseTimeZone(name: string, raw: string): string {
  const s = raw.trim();
  if (s === '' || !/^[A-Za-z0-9_+\-/]+$/.test(s) || !IANAZone.isValidZone(s))
    throw new InputError(
      name,
      raw,
      'is not a known time zone',
      'Use an IANA zone name such as Europe/Berlin, America/New_York or UTC',
    );
  // ICU's canonical name fixes the case (europe/berlin), but may be an older name (Asia/Calcutta
  // for Asia/Kolkata): take it only when it is the same name.
  const canonical = new Intl.DateTimeFormat('en-US', { timeZone: s }).resolvedOptions().timeZone;
  return canonical.toLowerCase() === s.toLowerCase() ? canonical : s;
}

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_LABELS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const DAYS_FORMS =
  'Use day names or ranges such as mon-fri, sat,sun, fri-mon or daily (mon tue wed thu fri sat sun)';

function dayNumber(name: string, raw: string, word: string): Weekday {
  const w = word.trim().toLowerCase();
  const i = DAY_NAMES.findIndex((d) => w === d || (w.length > 3 && fullName(d).startsWith(w)));
  if (i < 0)
    throw new InputError(name, raw, `has ${showValue(word.trim())}, not a day`, DAYS_FORMS);
  return (i + 1) as Weekday;
}

function fullName(short: string): string {
  const full: Readonly<Record<string, string>> = {
    mon: 'monday',
    tue: 'tuesday',
    wed: 'wednesday',
    thu: 'thursday',
    fri: 'friday',
    sat: 'saturday',
    sun: 'sunday',
  };
  return full[short] ?? short;
}

/**
 * Days of the week: `mon-fri`, `sat,sun`, `fri-mon` (a range may wrap past Sunday), `daily`, or a
 * list of those. Returned sorted, each day once.
 */
export function parseDays(name: string, raw: string | readonly string[]): Weekday[] {
  const parts = (typeof raw === 'string' ? [raw] : raw).flatMap((s) => s.split(','));
  const days = new Set<Weekday>();
  const shown = typeof raw === 'string' ? raw : raw.join(',');
  for (const part of parts) {
    const p = part.trim().toLowerCase();
    if (p === '') throw new InputError(name, shown, 'has an empty day', DAYS_FORMS);
    if (p === 'daily' || p === '*') {
      for (let d = 1; d <= 7; d++) days.add(d as Weekday);
      continue;
    }
    const [a = '', b, ...rest] = p.split(/\s*[-–]\s*/);
    if (rest.length > 0)
      throw new InputError(name, shown, `has ${showValue(p)}, not a day range`, DAYS_FORMS);
    const first = dayNumber(name, shown, a);
    const last = b === undefined ? first : dayNumber(name, shown, b);
    for (let d = first; ; d = ((d % 7) + 1) as Weekday) {
      days.add(d);
      if (d === last) break;
    }
  }
  return [...days].sort((x, y) => x - y);
}

/** `Mon–Fri`, `Sat, Sun`, `Mon, Wed–Fri`, `daily`. */
export function daysText(days: readonly Weekday[]): string {
  if (days.length === 7) return 'daily';
  const runs: string[] = [];
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && (days[j + 1] ?? 0) === (days[j] ?? 0) + 1) j++;
    const a = DAY_LABELS[(days[i] ?? 1) - 1] ?? '';
    const b = DAY_LABELS[(days[j] ?? 1) - 1] ?? '';
    if (j - i >= 2) runs.push(`${a}–${b}`);
    else runs.push(...days.slice(i, j + 1).map((d) => DAY_LABELS[d - 1] ?? ''));
    i = j + 1;
  }
  return runs.join(', ');
}

/** A time of day `HH:MM` (00:00–23:59, or 24:00 when `allowMidnight`), as minutes after midnight. */
export function parseTimeOfDay(name: string, raw: string, allowMidnight: boolean): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(raw.trim());
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
  const ok =
    m !== null &&
    Number(m[2]) < 60 &&
    (minutes < DAY_MINUTES || (allowMidnight && minutes === DAY_MINUTES));
  if (!ok)
    throw new InputError(
      name,
      raw,
      'is not a time of day',
      `Write HH:MM in quotes, from "00:00" to "${allowMidnight ? '24:00' : '23:59'}"`,
    );
  return minutes;
}

/** Minutes after midnight as `HH:MM`. */
export function timeText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  return `${String(h).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * An instant as people read it in a zone: `Monday 2027-01-04 09:00 CET`. The zone's short name comes
 * from the en-GB locale, which names European zones (CET, BST) where en-US says GMT+1; elsewhere the
 * en-US name (EST, PDT), else the offset.
 */
export function instantText(at: Date | number, timeZone: string): string {
  const dt = DateTime.fromMillis(+at, { zone: timeZone });
  const gb = dt.setLocale('en-GB').offsetNameShort ?? '';
  const us = dt.setLocale('en-US').offsetNameShort ?? '';
  const zone = /^(GMT|UTC)[+-]/.test(gb) && !/^(GMT|UTC)[+-]/.test(us) ? us : gb || us;
  return `${dt.setLocale('en-US').toFormat('cccc yyyy-MM-dd HH:mm')} ${zone}`;
}

/** A wait as people read it, to the minute (rounded up): `2 d 14 h`, `3 h 5 min`, `12 min`. */
export function waitText(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 60_000));
  if (total === 0) return 'less than a minute';
  const d = Math.floor(total / DAY_MINUTES);
  const h = Math.floor((total % DAY_MINUTES) / 60);
  const min = total % 60;
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return min > 0 ? `${h} h ${min} min` : `${h} h`;
  return `${min} min`;
}
