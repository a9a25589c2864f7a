/** The `freeze:` entries of a `windows:` section: periods by date, and recurring freezes by cron. */
import { DURATION_FORMS, InputError, parseDurationMs } from '@switchyard/kit';
import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import { oneLine, parseReason } from './text.js';
import {
  type CronFreeze,
  type DateFreeze,
  type Freeze,
  MAX_CRON_FREEZE_MS,
  MAX_DATE_FREEZE_MS,
} from './types.js';
import { mapping, required, str, type Mapping, zoneAt } from './values.js';

const FREEZE_KEYS = ['from', 'to', 'cron', 'duration', 'reason', 'time-zone'] as const;

/** One `freeze:` entry: `from:`/`to:` (dates or date-times), or `cron:` with `duration:`. */
export function parseFreezeEntry(path: string, raw: unknown, sectionZone: string): Freeze {
  const m = mapping(path, raw, FREEZE_KEYS, 'from: and to:, or cron: and duration:, with reason:');
  const timeZone = zoneAt(`${path}.time-zone`, m['time-zone']) ?? sectionZone;
  const reasonRaw = m.reason;
  const reason =
    reasonRaw === undefined || reasonRaw === null
      ? 'freeze'
      : parseReason(
          `${path}.reason`,
          str(`${path}.reason`, reasonRaw, 'year-end freeze'),
          'year-end freeze',
        );
  const dated = m.from !== undefined || m.to !== undefined;
  const recurring = m.cron !== undefined || m.duration !== undefined;
  if (dated && recurring)
    throw new InputError(
      path,
      Object.keys(m).join(', '),
      'mixes from:/to: with cron:/duration:',
      'Give either from: and to: (a period) or cron: and duration: (a recurring freeze)',
    );
  if (recurring) return cronFreeze(path, m, timeZone, reason);
  if (!dated)
    throw new InputError(
      path,
      Object.keys(m).join(', '),
      'says neither when nor how often',
      'Give from: and to: (dates such as 2026-12-20, or date-times), or cron: and duration:',
    );
  return dateFreeze(path, m, timeZone, reason);
}

function dateFreeze(path: string, m: Mapping, timeZone: string, reason: string): DateFreeze {
  const start = instant(`${path}.from`, m.from, timeZone, 'start');
  const end = instant(`${path}.to`, m.to, timeZone, 'end');
  if (end.ms <= start.ms)
    throw new InputError(
      `${path}.to`,
      end.shown,
      `is not after from (${start.shown})`,
      'Swap them, or fix the date',
    );
  if (end.ms - start.ms > MAX_DATE_FREEZE_MS)
    throw new InputError(
      `${path}.to`,
      end.shown,
      'ends more than 366 days after from',
      'Split a longer freeze, or use the freeze switch (switchyard freeze <env>)',
    );
  const text = `${start.shown} to ${end.shown} ${timeZone}`;
  return { kind: 'dates', start: start.ms, end: end.ms, timeZone, reason, text };
}

/**
 * A freeze edge: a date (`2026-12-20`: the start of that day for `from`, the end of it for `to`) or a
 * date-time (`2026-12-20T18:00`, in the zone unless it carries an offset or `Z`).
 */
function instant(
  path: string,
  raw: unknown,
  zone: string,
  edge: 'start' | 'end',
): { ms: number; shown: string } {
  if (raw === undefined || raw === null)
    throw new InputError(
      path,
      '',
      'is required',
      `Give a date such as ${edge === 'start' ? '2026-12-20' : '2027-01-04'}`,
    );
  if (raw instanceof Date && !Number.isNaN(raw.getTime()))
    return { ms: raw.getTime(), shown: raw.toISOString() };
  const s = str(path, raw, '2026-12-20').trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(s);
  const dt = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)
    ? DateTime.fromISO(s.replace(' ', 'T'), { zone })
    : DateTime.invalid('format');
  if (!dt.isValid || dt.year < 2000 || dt.year > 2199)
    throw new InputError(
      path,
      raw,
      'is not a date or date-time',
      'Write 2026-12-20 (a whole day) or 2026-12-20T18:00 (in the time zone), in quotes if you like',
    );
  const ms = dateOnly && edge === 'end' ? dt.plus({ days: 1 }).toMillis() : dt.toMillis();
  return { ms, shown: s };
}

function cronFreeze(path: string, m: Mapping, timeZone: string, reason: string): CronFreeze {
  const cron = str(
    `${path}.cron`,
    required(path, 'cron', m, '"0 17 * * 5"'),
    '"0 17 * * 5"',
  ).trim();
  const cronForms =
    'Write five fields, minute hour day-of-month month day-of-week, e.g. "0 17 * * 5" (Fridays 17:00)';
  const fields = cron.split(/\s+/);
  if (fields.length !== 5 || cron.length > 100)
    throw new InputError(`${path}.cron`, cron, 'is not a five-field cron expression', cronForms);
  if (!/^\d{1,2}$/.test(fields[0] ?? ''))
    throw new InputError(
      `${path}.cron`,
      cron,
      'starts a freeze more often than once an hour',
      'Give one minute in the first field (e.g. "30 17 * * 5"); for a longer freeze raise duration:',
    );
  try {
    CronExpressionParser.parse(cron, { tz: timeZone, strict: false }).next();
  } catch (error) {
    const why = error instanceof Error ? oneLine(error.message, 100) : 'cannot be read';
    throw new InputError(
      `${path}.cron`,
      cron,
      `is not a valid cron expression (${why})`,
      cronForms,
    );
  }
  const durationRaw = str(`${path}.duration`, required(path, 'duration', m, '64h'), '64h');
  const durationMs = parseDurationMs(durationRaw);
  if (durationMs === undefined)
    throw new InputError(`${path}.duration`, durationRaw, 'is not a duration', DURATION_FORMS);
  if (durationMs < 60_000 || durationMs > MAX_CRON_FREEZE_MS)
    throw new InputError(
      `${path}.duration`,
      durationRaw,
      'is out of range',
      'Use a value from 1m to 31d',
    );
  const text = `from "${cron}" ${timeZone} for ${durationRaw.trim()}`;
  return { kind: 'cron', cron, durationMs, timeZone, reason, text };
}
