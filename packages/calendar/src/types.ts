/** The parsed `windows:` section of an environment: when deploys are allowed, and when they are frozen. */

/** A day of the week as luxon numbers it: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Minutes in a day; a window's `to` may be 24:00. */
export const DAY_MINUTES = 24 * 60;

/**
 * A recurring window in which deploys are allowed: on each of `days`, from `from` to `to` local time
 * in `timeZone`. A window whose `to` is not after its `from` crosses midnight and ends the next day
 * (`Fri 22:00–02:00` runs from Friday 22:00 to Saturday 02:00).
 */
export interface AllowWindow {
  readonly days: readonly Weekday[];
  /** Minutes after local midnight, 0–1439. */
  readonly from: number;
  /** Minutes after local midnight, 1–1440 (24:00). */
  readonly to: number;
  /** A canonical IANA zone name. */
  readonly timeZone: string;
  /** How people read it: `Mon–Fri 09:00–16:00 Europe/Berlin`. */
  readonly text: string;
}

/** A freeze between two instants (`from:`/`to:` dates or date-times). */
export interface DateFreeze {
  readonly kind: 'dates';
  /** Milliseconds since the epoch; the freeze starts here. */
  readonly start: number;
  /** Milliseconds since the epoch; the freeze is over here (exclusive). */
  readonly end: number;
  /** The zone its dates were read in, for messages. */
  readonly timeZone: string;
  readonly reason: string;
  readonly text: string;
}

/** A recurring freeze: starts at each occurrence of `cron` in `timeZone` and lasts `durationMs`. */
export interface CronFreeze {
  readonly kind: 'cron';
  /** Five fields: minute hour day-of-month month day-of-week. */
  readonly cron: string;
  readonly durationMs: number;
  readonly timeZone: string;
  readonly reason: string;
  readonly text: string;
}

export type Freeze = DateFreeze | CronFreeze;

/** An environment's deploy calendar. */
export interface Calendar {
  /** The section's zone (default UTC): for dates and messages. */
  readonly timeZone: string;
  /** The allowed windows; undefined when `allow:` is not set (deploys allowed at any time). */
  readonly allow?: readonly AllowWindow[];
  readonly freezes: readonly Freeze[];
}

/** A calendar that allows deploys at any time: what an environment without `windows:` gets. */
export const ALWAYS_OPEN: Calendar = { timeZone: 'UTC', freezes: [] };

/** How far ahead the next opening is looked for: 366 days. */
export const HORIZON_MS = 366 * 86_400_000;

/** The longest a recurring freeze may last: 31 days. */
export const MAX_CRON_FREEZE_MS = 31 * 86_400_000;

/** The longest a dated freeze may last: 366 days. */
export const MAX_DATE_FREEZE_MS = 366 * 86_400_000;

/** At most this many `allow:` windows and `freeze:` entries per environment. */
export const MAX_ENTRIES = 50;

/** The longest reason (of a freeze, a freeze switch or an override), in characters. */
export const MAX_REASON = 200;
