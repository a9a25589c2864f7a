/**
 * The deploy freeze switch: what `switchyard freeze <env> --reason …` stores on the target (Docker: the
 * proxy's state; Kubernetes: an annotation) and `switchyard unfreeze <env>` removes. Every deploy
 * refuses while it stands. The stored value is read back as untrusted: anyone who can write to the
 * target can write it.
 */
import { ActionError, InputError, jsonErrorText } from '@switchyard/kit';
import { instantText, oneLine, parseReason, waitText } from './text.js';
import { HORIZON_MS } from './types.js';
import { MAX_ACTOR } from './override.js';

/** A freeze that stands on a target. */
export interface FreezeSwitch {
  /** Who froze (a login or a name), one line, at most 100 characters. */
  readonly by: string;
  /** When. */
  readonly at: Date;
  /** Why, one line, at most 200 characters. */
  readonly reason: string;
  /** When it lifts by itself; unset: until someone runs `switchyard unfreeze`. */
  readonly until?: Date;
}

/** The version of the stored form; a record of another version is refused, not guessed at. */
export const FREEZE_RECORD_VERSION = 1;

/** The longest stored form read back, in characters. */
export const MAX_FREEZE_RECORD = 2048;

/**
 * A new freeze by `by` at `now`. `reason` is checked as the `--reason` option (non-empty, one line,
 * at most 200 characters); `until`, if given, must be after `now` and within 366 days.
 */
export function createFreeze(
  options: { readonly reason: string; readonly by: string; readonly until?: Date },
  now: Date,
): FreezeSwitch {
  const reason = parseReason('--reason', options.reason, '"incident INC-123"');
  const by = oneLine(options.by, MAX_ACTOR);
  if (by === '') throw new InputError('actor', options.by, 'is empty', 'Say who froze deploys');
  const { until } = options;
  if (until !== undefined) {
    const ms = until.getTime();
    if (!Number.isFinite(ms) || ms <= now.getTime() || ms > now.getTime() + HORIZON_MS)
      throw new InputError(
        '--until',
        Number.isFinite(ms) ? until.toISOString() : String(ms),
        'is not within the next 366 days',
        'Give a time in the future, or leave --until out and unfreeze by hand',
      );
  }
  return {
    by,
    at: new Date(now.getTime()),
    reason,
    ...(until && { until: new Date(until.getTime()) }),
  };
}

/** The stored form: one line of JSON. */
export function serialiseFreeze(freeze: FreezeSwitch): string {
  return JSON.stringify({
    version: FREEZE_RECORD_VERSION,
    by: freeze.by,
    at: freeze.at.toISOString(),
    reason: freeze.reason,
    ...(freeze.until && { until: freeze.until.toISOString() }),
  });
}

/**
 * Reads a stored freeze back. `source` says where it was read (`annotation switchyard.io/freeze on
 * service shop`), for errors. Control characters are stripped and text cut to its bounds; a value
 * that is not a freeze record throws an {@link ActionError} that names the source and the fix, so
 * deploys stay refused (fail closed) until someone looks.
 */
export function parseFreezeRecord(raw: string, source: string): FreezeSwitch {
  const fail = (problem: string): never => {
    throw new ActionError(
      `the freeze record in ${oneLine(source, 200)} ${problem}; deploys stay refused. ` +
        'Run `switchyard unfreeze <env>` to clear it, or `switchyard freeze <env> --reason …` to write it anew',
    );
  };
  if (raw.length > MAX_FREEZE_RECORD)
    fail(`is ${raw.length} characters long (at most ${MAX_FREEZE_RECORD})`);
  let doc: unknown;
  try {
    doc = JSON.parse(raw) as unknown;
  } catch (error) {
    return fail(`is not JSON (${jsonErrorText(error)})`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    return fail('is not a JSON object');
  const r = doc as Record<string, unknown>;
  if (r.version !== FREEZE_RECORD_VERSION)
    fail(
      `has version ${oneLine(JSON.stringify(r.version) ?? 'none', 20)}, not ${FREEZE_RECORD_VERSION} (written by another switchyard?)`,
    );
  const text = (key: string, max: number): string => {
    const v = r[key];
    const s = typeof v === 'string' ? oneLine(v, max) : '';
    return s === '' ? fail(`has no ${key}`) : s;
  };
  const time = (key: string): Date => {
    const v = r[key];
    const d = typeof v === 'string' && v.length <= 40 ? new Date(v) : new Date(Number.NaN);
    return Number.isNaN(d.getTime()) ? fail(`has no valid ${key} time`) : d;
  };
  const until = r.until === undefined || r.until === null ? undefined : time('until');
  return {
    by: text('by', MAX_ACTOR),
    at: time('at'),
    reason: text('reason', 200),
    ...(until && { until }),
  };
}

/** Whether the freeze still stands at `now` (no `until`, or `until` not reached). */
export function isFrozen(freeze: FreezeSwitch, now: Date): boolean {
  return freeze.until === undefined || now.getTime() < freeze.until.getTime();
}

/**
 * Why a deploy is refused: `deploys to production are frozen since Monday 2026-12-07 23:00 UTC by
 * octocat: incident INC-123. Run `switchyard unfreeze production` when it's over`.
 */
export function freezeMessage(
  environment: string,
  freeze: FreezeSwitch,
  now: Date,
  timeZone = 'UTC',
): string {
  const env = oneLine(environment, 63);
  const lifts =
    freeze.until === undefined
      ? ''
      : ` (it lifts by itself ${instantText(freeze.until, timeZone)}, in ${waitText(freeze.until.getTime() - now.getTime())})`;
  return (
    `deploys to ${env} are frozen since ${instantText(freeze.at, timeZone)} by ${freeze.by}: ${freeze.reason}. ` +
    `Run \`switchyard unfreeze ${env}\` when it's over${lifts}`
  );
}

/**
 * What `switchyard unfreeze <env>` reports, given the freeze it removes (undefined: there was none):
 * `production unfrozen by alice (frozen since … by octocat: incident INC-123)`.
 */
export function unfreezeMessage(
  environment: string,
  lifted: FreezeSwitch | undefined,
  by: string,
  timeZone = 'UTC',
): string {
  const env = oneLine(environment, 63);
  if (lifted === undefined) return `${env} was not frozen; nothing to do`;
  return (
    `${env} unfrozen by ${oneLine(by, MAX_ACTOR)} ` +
    `(frozen since ${instantText(lifted.at, timeZone)} by ${lifted.by}: ${lifted.reason})`
  );
}
