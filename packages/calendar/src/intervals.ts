/**
 * A calendar as streams of instants: the occurrences of the allowed windows and of the freezes, each
 * in time order and merged where they overlap. luxon turns local times into instants (DST included),
 * cron-parser finds the recurrences; nothing here adds or subtracts offsets by hand.
 */
import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';
import type { AllowWindow, Freeze } from './types.js';
import { DAY_MINUTES } from './types.js';

/** `[start, end)` in milliseconds since the epoch, with what it came from. */
export interface Interval<T> {
  readonly start: number;
  readonly end: number;
  /** The entry whose occurrence starts the (merged) interval. */
  readonly source: T;
}

/**
 * The instant a local time falls on, on the day given. On the day clocks go back, a time in the
 * repeated hour happens twice: `first` picks the earlier (a window's start), else the later (its end),
 * so a window covers the whole repeated hour. On the day they go forward, a time in the skipped hour
 * moves forward by the gap (luxon's rule): 02:00–04:00 on 2026-03-29 in Berlin is 03:00–04:00 CEST.
 */
function localInstant(day: DateTime, minutes: number, first: boolean): number {
  if (minutes >= DAY_MINUTES)
    return localInstant(day.plus({ days: 1 }), minutes - DAY_MINUTES, first);
  const dt = DateTime.fromObject(
    {
      year: day.year,
      month: day.month,
      day: day.day,
      hour: Math.floor(minutes / 60),
      minute: minutes % 60,
    },
    { zone: day.zone },
  );
  const all = dt.getPossibleOffsets().map((d) => d.toMillis());
  return first ? Math.min(...all) : Math.max(...all);
}

/** The occurrences of one allowed window that end after `from`, in order, until one starts at or after `until`. */
export function* windowOccurrences(
  w: AllowWindow,
  from: number,
  until: number,
): Generator<Interval<AllowWindow>> {
  // Start a day early: yesterday's occurrence may cross midnight into today.
  let day = DateTime.fromMillis(from, { zone: w.timeZone }).startOf('day').minus({ days: 1 });
  for (;;) {
    if ((w.days as readonly number[]).includes(day.weekday)) {
      const start = localInstant(day, w.from, true);
      if (start >= until) return;
      const end = localInstant(day, w.to > w.from ? w.to : w.to + DAY_MINUTES, false);
      if (end > from && end > start) yield { start, end, source: w };
    } else if (localInstant(day, 0, true) >= until) return;
    day = day.plus({ days: 1 });
  }
}

/** The occurrences of one freeze that end after `from`, in order, until one starts at or after `until`. */
export function* freezeOccurrences(
  f: Freeze,
  from: number,
  until: number,
): Generator<Interval<Freeze>> {
  if (f.kind === 'dates') {
    if (f.end > from && f.start < until) yield { start: f.start, end: f.end, source: f };
    return;
  }
  // The latest start at or before `from` has the latest end of those before it (all last as long).
  const cron = CronExpressionParser.parse(f.cron, {
    tz: f.timeZone,
    currentDate: new Date(from + 1000),
  });
  let start = cron.prev().getTime();
  if (start > from) start = cron.prev().getTime();
  cron.reset(new Date(start));
  for (;;) {
    if (start >= until) return;
    if (start + f.durationMs > from) yield { start, end: start + f.durationMs, source: f };
    start = cron.next().getTime();
  }
}

/**
 * Several streams of intervals (each in start order) as one, in start order, with overlapping and
 * touching intervals merged. A merged interval keeps the source of its earliest occurrence.
 */
export function* merged<T>(streams: readonly Iterator<Interval<T>>[]): Generator<Interval<T>> {
  const heads = streams.map((s) => s.next());
  let current: Interval<T> | undefined;
  for (;;) {
    let pick = -1;
    heads.forEach((h, i) => {
      const best = pick < 0 ? undefined : heads[pick];
      if (!h.done && (best === undefined || best.done || h.value.start < best.value.start))
        pick = i;
    });
    const head = heads[pick];
    if (head === undefined || head.done) break;
    const next = head.value;
    heads[pick] = (streams[pick] as Iterator<Interval<T>>).next();
    if (current === undefined) current = next;
    else if (next.start <= current.end)
      current = { ...current, end: Math.max(current.end, next.end) };
    else {
      yield current;
      current = next;
    }
  }
  if (current !== undefined) yield current;
}
