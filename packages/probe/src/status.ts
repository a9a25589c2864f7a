/** Expected HTTP status: `200`, `2xx`, `200-299`, or a list of those (`200,204`, `[200, 3xx]`). */
import { InputError } from '@switchyard/kit';

export interface StatusMatcher {
  /** As the user wrote it, normalised (`2xx,404`). */
  readonly text: string;
  matches(status: number): boolean;
}

const FORMS = 'Use a code (200), a class (2xx), a range (200-299), or a list of those (200,204)';

/** Parses an expected-status value from an input string, a YAML number, or a YAML list. */
export function parseStatus(name: string, value: unknown): StatusMatcher {
  const items = Array.isArray(value)
    ? (value as unknown[])
    : typeof value === 'number'
      ? [value]
      : typeof value === 'string'
        ? value.split(',')
        : undefined;
  if (items === undefined || items.length === 0)
    throw new InputError(name, value, 'is not an HTTP status', FORMS);
  const parts = items.map((item) => parseOne(name, item));
  return {
    text: parts.map((p) => p.text).join(','),
    matches: (status) => parts.some((p) => status >= p.lo && status <= p.hi),
  };
}

function parseOne(name: string, item: unknown): { text: string; lo: number; hi: number } {
  const s = String(item).trim().toLowerCase();
  let m: RegExpExecArray | null;
  if ((m = /^([1-5])xx$/.exec(s))) {
    const c = Number(m[1]) * 100;
    return { text: s, lo: c, hi: c + 99 };
  }
  if ((m = /^(\d{3})$/.exec(s)) && valid(Number(m[1])))
    return { text: s, lo: Number(m[1]), hi: Number(m[1]) };
  if (
    (m = /^(\d{3})\s*-\s*(\d{3})$/.exec(s)) &&
    valid(Number(m[1])) &&
    valid(Number(m[2])) &&
    Number(m[1]) <= Number(m[2])
  ) {
    return { text: `${m[1]}-${m[2]}`, lo: Number(m[1]), hi: Number(m[2]) };
  }
  throw new InputError(name, item, 'is not an HTTP status', FORMS);
}

function valid(code: number): boolean {
  return code >= 100 && code <= 599;
}
