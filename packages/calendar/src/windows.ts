/**
 * Is a deploy allowed now, and if not, when? Pure: the instant comes in (from the Clock), the answer
 * goes out with the message people read.
 */
import { freezeOccurrences, merged, windowOccurrences, type Interval } from './intervals.js';
import { instantText, waitText } from './text.js';
import { type AllowWindow, type Calendar, type Freeze, HORIZON_MS } from './types.js';

/** Deploys are allowed now. */
export interface WindowOpen {
  readonly open: true;
  /** When the window closes or a freeze starts, if within the next 366 days. */
  readonly closesAt?: Date;
  /** `inside the deploy window (Mon–Fri 09:00–16:00 Europe/Berlin) until Friday 2026-12-11 16:00 CET (in 3 h)`. */
  readonly message: string;
}

/** Deploys are not allowed now. */
export interface WindowClosed {
  readonly open: false;
  /** `freeze` when a freeze covers now (even outside the windows), else `outside-window`. */
  readonly reason: 'outside-window' | 'freeze';
  /** The freeze that covers now, and when the freezes (chained) are over. */
  readonly freeze?: { readonly reason: string; readonly until: Date };
  /** The next instant inside a window and outside every freeze; null when none in the next 366 days. */
  readonly nextOpen: Date | null;
  /** `outside the deploy windows (Mon–Fri 09:00–16:00 Europe/Berlin); the next opens …`. */
  readonly message: string;
}

export type WindowCheck = WindowOpen | WindowClosed;

type Open = Interval<AllowWindow | undefined>;

/** The allowed stretches from `t` on: the merged window occurrences, or all time when `allow:` is unset. */
function allowed(calendar: Calendar, t: number, until: number): Iterator<Open> {
  if (calendar.allow === undefined)
    return [{ start: t, end: until, source: undefined } as Open][Symbol.iterator]();
  return merged<AllowWindow | undefined>(calendar.allow.map((w) => windowOccurrences(w, t, until)));
}

function frozen(calendar: Calendar, t: number, until: number): Generator<Interval<Freeze>> {
  return merged(calendar.freezes.map((f) => freezeOccurrences(f, t, until)));
}

/**
 * The first instant at or after `t` inside an allowed stretch and outside every freeze, with the
 * stretch it is in; undefined when there is none before `t` + 366 days.
 */
function firstOpen(calendar: Calendar, t: number): { at: number; stretch: Open } | undefined {
  const until = t + HORIZON_MS;
  const stretches = allowed(calendar, t, until);
  const freezes = frozen(calendar, t, until);
  let freeze = freezes.next();
  for (let s = stretches.next(); !s.done; s = stretches.next()) {
    let at = Math.max(s.value.start, t);
    while (at < s.value.end) {
      while (!freeze.done && freeze.value.end <= at) freeze = freezes.next();
      if (freeze.done || freeze.value.start > at)
        return at < until ? { at, stretch: s.value } : undefined;
      at = freeze.value.end;
    }
  }
  return undefined;
}

/**
 * Whether a deploy may start at `now` under `calendar`, and when it may if not. A freeze wins over a
 * window; the next opening is the first instant inside a window and outside every freeze, looked for
 * up to 366 days ahead.
 */
export function checkWindow(calendar: Calendar, now: Date): WindowCheck {
  const t = now.getTime();
  const until = t + HORIZON_MS;
  const first = frozen(calendar, t, until).next();
  const covering = !first.done && first.value.start <= t ? first.value : undefined;
  const open = covering ? undefined : firstOpen(calendar, t);
  const windows = (calendar.allow ?? []).map((w) => w.text).join(' or ');
  if (open !== undefined && open.at === t) {
    const stretchEnd = calendar.allow === undefined ? undefined : open.stretch.end;
    const freezeStart = first.done ? undefined : first.value.start;
    const closes = Math.min(stretchEnd ?? Infinity, freezeStart ?? Infinity);
    const zone = open.stretch.source?.timeZone ?? calendar.timeZone;
    const inside =
      calendar.allow === undefined
        ? 'no deploy window applies'
        : `inside the deploy window (${windows})`;
    const closing = !Number.isFinite(closes)
      ? ''
      : closes === freezeStart
        ? `; a freeze (${first.done ? '' : first.value.source.reason}) starts ${when(closes, zone, t)}`
        : ` until ${when(closes, zone, t)}`;
    return {
      open: true,
      ...(Number.isFinite(closes) && { closesAt: new Date(closes) }),
      message: inside + closing,
    };
  }
  const found = covering ? firstOpen(calendar, covering.end) : open;
  const next = found !== undefined && found.at < until ? found : undefined;
  const nextOpen = next === undefined ? null : new Date(next.at);
  const nextZone = next?.stretch.source?.timeZone ?? calendar.timeZone;
  const nextText =
    next === undefined
      ? `; no deploy window opens in the next 366 days`
      : `; the next opens ${when(next.at, nextZone, t)}`;
  if (covering) {
    const f = covering.source;
    const freezeEnd = `until ${when(covering.end, f.timeZone, t)}`;
    const after = next === undefined || next.at !== covering.end ? nextText : '';
    return {
      open: false,
      reason: 'freeze',
      freeze: { reason: f.reason, until: new Date(covering.end) },
      nextOpen,
      message: `in a deploy freeze (${f.reason}) ${freezeEnd}${after}`,
    };
  }
  return {
    open: false,
    reason: 'outside-window',
    nextOpen,
    message: `outside the deploy windows (${windows})${nextText}`,
  };
}

/** `Monday 2027-01-04 09:00 CET (in 2 d 14 h)`. */
function when(at: number, zone: string, now: number): string {
  return `${instantText(at, zone)} (in ${waitText(at - now)})`;
}
