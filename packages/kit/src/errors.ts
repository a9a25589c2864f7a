/**
 * One error policy for every action (STYLE.md §6):
 * - {@link InputError}: a bad input, found before any side effect; names the input and the fix.
 *   {@link ConfigError} is one found in a config file; it names the file and the key path.
 * - {@link ActionError}: an expected failure while doing the work (a check failed, a deploy timed out).
 * - anything else is a bug; {@link errorMessage} turns it into text without losing non-Error throws.
 */

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
    const detail = `${showValue(value)} ${problem}` + (accepted ? `. ${accepted}` : '');
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
