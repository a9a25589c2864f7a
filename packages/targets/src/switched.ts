/**
 * Failures after live traffic moved (issue 20): whatever fails after a switch — saving the routes
 * or the record, reading the state back, writing the step's outputs — must not read like a deploy
 * that did not happen. Its message starts with what is live now and that the switch happened.
 */
import { ActionError, errorMessage } from '@switchyard/kit';
import type { Color } from './contract.js';
import type { TargetState } from './model.js';

/** What live traffic reaches after a switch. */
export interface LiveNow {
  readonly color: Color;
  /** The release's version, when known. */
  readonly version?: string;
}

/** `live traffic is on green (2.0.0) — the switch happened; then: ` */
export function switchedPrefix(live: LiveNow): string {
  return `live traffic is on ${live.color}${live.version ? ` (${live.version})` : ''} — the switch happened; then: `;
}

/** A failure after a switch: its message says that the switch happened and what is live, then what failed. */
export class AfterSwitchError extends ActionError {
  override readonly name = 'AfterSwitchError';

  constructor(
    readonly live: LiveNow,
    readonly failure: unknown,
  ) {
    super(`${switchedPrefix(live)}${errorMessage(failure)}`);
  }
}

/**
 * Runs work that follows a switch to `live` (undefined: no switch happened, errors pass as they
 * are). A failure is re-thrown as an {@link AfterSwitchError}; one that already is passes as is.
 */
export async function afterSwitch<T>(
  live: LiveNow | undefined,
  work: () => T | Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!live || error instanceof AfterSwitchError) throw error;
    throw new AfterSwitchError(live, error);
  }
}

/** What a run's result says is live, when the run switched (else undefined). */
export function switchedTo(result: {
  readonly switched: boolean;
  readonly after: TargetState;
}): LiveNow | undefined {
  const color = result.after.live;
  if (!result.switched || !color) return undefined;
  const version = result.after.colors[color]?.version;
  return { color, ...(version && { version }) };
}
