/**
 * `override-window: <reason>`: an emergency deploy outside the windows or during a freeze, let through
 * and recorded with its reason in the deploy record, the notifications and the job summary.
 */
import { InputError } from '@switchyard/kit';
import { oneLine, parseReason } from './text.js';

/** The longest name of who overrode, in characters (GitHub logins are at most 39). */
export const MAX_ACTOR = 100;

/** An override as recorded: why, who and when (ISO 8601, UTC). */
export interface OverrideRecord {
  readonly reason: string;
  readonly by: string;
  readonly at: string;
}

/**
 * The `override-window` input: non-empty, one line, at most 200 characters, no control characters.
 * `name` is the input to blame.
 */
export function parseOverrideReason(name: string, raw: string): string {
  return parseReason(name, raw, 'hotfix for INC-123, approved by the on-call lead');
}

/** The record of an override by `by` (e.g. the workflow's actor) at `now`. */
export function overrideRecord(reason: string, by: string, now: Date): OverrideRecord {
  const actor = oneLine(by, MAX_ACTOR);
  if (actor === '') throw new InputError('actor', by, 'is empty', 'Say who overrode the window');
  return { reason: oneLine(reason, 200), by: actor, at: now.toISOString() };
}

/**
 * What the log, the notifications and the summary say: `deploy window overridden by octocat:
 * hotfix for INC-123 (it was: outside the deploy windows (…); …)`.
 */
export function overrideMessage(record: OverrideRecord, closedBecause?: string): string {
  const was = closedBecause === undefined ? '' : ` (it was: ${closedBecause})`;
  return `deploy window overridden by ${record.by}: ${record.reason}${was}`;
}
