/**
 * One error policy for every action (STYLE.md §6):
 * - {@link InputError}: a bad input, found before any side effect; names the input and the fix.
 * - {@link ActionError}: an expected failure while doing the work (a check failed, a deploy timed out).
 * - anything else is a bug; {@link errorMessage} turns it into text without losing non-Error throws.
 */

/** A bad input value. The message names the input, shows the value and lists what is accepted. */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** Input name, or a path inside it such as `checks[2].method`. */
  readonly input: string;
  readonly value: unknown;

  constructor(input: string, value: unknown, problem: string, accepted?: string) {
    super(`input "${input}": ${showValue(value)} ${problem}` + (accepted ? `. ${accepted}` : ''));
    this.input = input;
    this.value = value;
  }
}

/** An expected failure of the work itself (not a bug, not a bad input). */
export class ActionError extends Error {
  override readonly name: string = 'ActionError';
}

/** The message of anything thrown, `Error` or not. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return `non-error thrown: ${JSON.stringify(error)}`;
  } catch {
    return `non-error thrown: ${String(error)}`;
  }
}

/** Shows a value the way an error message should quote it: short and unambiguous. */
export function showValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : safeJson(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function safeJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
