/** Strict parsers shared by the env config and the runtime knobs; each error names its key. */

/** An invalid value for a config variable, an admin knob or a request knob. */
export class KnobError extends Error {
  override readonly name = 'KnobError';
}

const INTEGER = /^\d+$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

/** Parses a fraction in [0, 1], e.g. `0.25`. */
export function parseRate(key: string, raw: string): number {
  const value = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= 1)) {
    throw new KnobError(`${key} must be a number from 0 to 1, got '${raw}'`);
  }
  return value;
}

/** Parses a whole number in [min, max], e.g. `300`. */
export function parseInteger(key: string, raw: string, min: number, max: number): number {
  const value = INTEGER.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new KnobError(`${key} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** Parses `true`/`false` (or `1`/`0`). */
export function parseBoolean(key: string, raw: string): boolean {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new KnobError(`${key} must be true or false, got '${raw}'`);
}

/** Returns the single value of `key`, or undefined when absent; a repeated key is an error. */
export function single(params: URLSearchParams, key: string): string | undefined {
  const values = params.getAll(key);
  if (values.length > 1) throw new KnobError(`${key} is given ${values.length} times`);
  return values[0];
}
