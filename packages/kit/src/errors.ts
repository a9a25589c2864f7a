/**
 * One error policy for every action (STYLE.md §6):
 * - {@link InputError}: a bad input, found before any side effect; names the input and the fix.
 *   {@link ConfigError} is one found in a config file; it names the file and the key path.
 * - {@link ActionError}: an expected failure while doing the work (a check failed, a deploy timed out).
 * - anything else is a bug; {@link errorMessage} turns it into text without losing non-Error throws.
 */
import { redactCredentials } from './secrets.js';

/**
 * Give this as an {@link InputError}'s value to leave the value out of the message: for a document,
 * a mapping or anything else that may hold a secret. The message then says what is wrong with its
 * structure (`is a mapping, not a list`, a line and column), never what it holds.
 */
export const UNQUOTED: unique symbol = Symbol('unquoted');

/** How a parsed value is called in a message that must not quote it: `a mapping`, `a list`, … */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

/** A bad input value. The message names the input, shows the value and lists what is accepted. */
export class InputError extends Error {
  override readonly name: string = 'InputError';
  /** Input name, or a path inside it such as `checks[2].method`. */
  readonly input: string;
  readonly value: unknown;
  /**
   * The message after the input name: the value, the problem and the fix
   * (`"5x" is not a duration. Use ...`), so a caller can re-state it for another source.
   */
  readonly detail: string;

  constructor(input: string, value: unknown, problem: string, accepted?: string) {
    const shown = value === UNQUOTED ? '' : `${showValue(value)} `;
    const detail = `${shown}${problem}` + (accepted ? `. ${accepted}` : '');
    super(`input "${input}": ${detail}`);
    this.input = input;
    this.value = value;
    this.detail = detail;
  }
}

/**
 * A bad value in a config file: `<file>: <path>: <detail>`. It is an {@link InputError} (actions treat
 * it as bad input) whose `input` is the key path inside the file (`production.health.timeout`), or ''
 * for a problem with the file as a whole (then the message is `<file>: <detail>`).
 */
export class ConfigError extends InputError {
  override readonly name: string = 'ConfigError';
  override readonly detail: string;
  /** The config file, as the user knows it (`switchyard.yml`). */
  readonly file: string;

  /** `detail` is the whole explanation after the path, e.g. `"5x" is not a duration. Use ...`. */
  constructor(file: string, path: string, detail: string, value?: unknown) {
    super(path, value, detail);
    this.detail = detail;
    this.file = file;
    this.message = path === '' ? `${file}: ${detail}` : `${file}: ${path}: ${detail}`;
  }

  /** Re-states an {@link InputError} whose input is a key path in `file` (as kit's parsers throw). */
  static from(file: string, error: InputError): ConfigError {
    return new ConfigError(file, error.input, error.detail, error.value);
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

/**
 * Shows a value the way an error message should quote it: short and unambiguous, with the password
 * of any URL in it (`https://user:pass@host`) left out, since a value that failed to parse was never
 * registered as a secret.
 */
export function showValue(value: unknown): string {
  const text =
    typeof value === 'string'
      ? JSON.stringify(redactCredentials(value))
      : redactCredentials(safeJson(value));
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
