/**
 * The one question deploy-bluegreen and promote ask before any side effect: may a deploy start now?
 * The freeze switch, then the calendar; an override lets a deploy through either, and says what it
 * overrode. Rollback never asks.
 */
import { freezeMessage, isFrozen, type FreezeSwitch } from './freeze.js';
import { overrideMessage, type OverrideRecord } from './override.js';
import type { Calendar } from './types.js';
import { checkWindow } from './windows.js';

/** What the gate decided, with the line to log and to put in the summary. */
export type GateDecision =
  | {
      readonly allowed: true;
      /** Set when the deploy goes through only because of `override-window`. */
      readonly override?: OverrideRecord;
      readonly message: string;
    }
  | {
      readonly allowed: false;
      readonly reason: 'freeze-switch' | 'outside-window' | 'freeze';
      /** When deploys may start again: null when not within 366 days, or a freeze switch with no `until`. */
      readonly nextOpen: Date | null;
      readonly message: string;
    };

export interface GateInput {
  readonly environment: string;
  readonly calendar: Calendar;
  readonly now: Date;
  /** The freeze switch read from the target, if one is recorded. */
  readonly freezeSwitch?: FreezeSwitch;
  /** The `override-window` record, if the input is set. */
  readonly override?: OverrideRecord;
}

/**
 * Decides whether a deploy may start at `now`. A freeze switch that stands refuses first (its message
 * says who froze, why and how to lift it); then the calendar. With an override, a refusal becomes an
 * allowed deploy carrying the override; an override when nothing was closed is not recorded.
 */
export function deployGate(input: GateInput): GateDecision {
  const { environment, calendar, now, freezeSwitch, override } = input;
  if (freezeSwitch === undefined || !isFrozen(freezeSwitch, now)) {
    const window = checkWindow(calendar, now);
    if (window.open) return { allowed: true, message: window.message };
    if (override)
      return { allowed: true, override, message: overrideMessage(override, window.message) };
    return {
      allowed: false,
      reason: window.reason,
      nextOpen: window.nextOpen,
      message: window.message,
    };
  }
  const message = freezeMessage(environment, freezeSwitch, now, calendar.timeZone);
  if (override) return { allowed: true, override, message: overrideMessage(override, message) };
  const { until } = freezeSwitch;
  const after = until === undefined ? undefined : checkWindow(calendar, until);
  return {
    allowed: false,
    reason: 'freeze-switch',
    nextOpen:
      after === undefined || until === undefined ? null : after.open ? until : after.nextOpen,
    message,
  };
}
