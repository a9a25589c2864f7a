/** `wait-for-window:`: wait, with progress, for the deploy window to open instead of refusing. */
import type { Clock } from '@switchyard/kit';
import { instantText, waitText } from './text.js';
import type { Calendar } from './types.js';
import { checkWindow, type WindowCheck, type WindowClosed } from './windows.js';

/** How often progress is reported while waiting: every minute. */
export const PROGRESS_EVERY_MS = 60_000;

/** What a wait came to: open (after `waitedMs`), or still closed with the check that says why. */
export type WaitResult =
  | { readonly opened: true; readonly waitedMs: number; readonly check: WindowCheck }
  | { readonly opened: false; readonly waitedMs: number; readonly check: WindowClosed };

/**
 * Waits until `calendar` allows a deploy, if it will within `maxWaitMs` of now; otherwise returns at
 * once with `opened: false` and the closed check (whose message says when it opens). While waiting,
 * calls `onProgress` when the wait starts and then every {@link PROGRESS_EVERY_MS}:
 * `waiting for the deploy window: opens in 12 min (Monday 2027-01-04 09:00 CET)`. The calendar is
 * checked again after every sleep, so time taken elsewhere is accounted for. An aborted `signal`
 * ends the wait with `opened: false`.
 */
export async function waitForWindow(
  calendar: Calendar,
  clock: Clock,
  maxWaitMs: number,
  onProgress: (message: string, check: WindowClosed) => void,
  signal?: AbortSignal,
): Promise<WaitResult> {
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0)
    throw new RangeError(`maxWaitMs must be a finite number of at least 0, not ${maxWaitMs}`);
  const started = clock.now();
  const deadline = started + maxWaitMs;
  for (;;) {
    const now = clock.now();
    const check = checkWindow(calendar, new Date(now));
    if (check.open) return { opened: true, waitedMs: now - started, check };
    const opens = check.nextOpen?.getTime();
    if (opens === undefined || opens > deadline || signal?.aborted)
      return { opened: false, waitedMs: now - started, check };
    const zone = calendar.allow?.[0]?.timeZone ?? calendar.timeZone;
    onProgress(
      `waiting for the deploy window: opens in ${waitText(opens - now)} (${instantText(opens, zone)})`,
      check,
    );
    await clock.sleep(Math.min(PROGRESS_EVERY_MS, opens - now), signal);
  }
}
