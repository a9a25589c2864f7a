/** Request headers: parsing, which values are secrets, and credentials carried in URLs. */
import { credentialsIn, InputError, kindOf, UNQUOTED } from '@switchyard/kit';

const SECRET_HEADER = /authorization|cookie|token|secret|password|api[-_]?key|credential/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Whether `name` is a valid HTTP header name (an RFC 9110 token). */
export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/** Whether a header's value is treated as a secret. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}

/** A secret value whole and by its words after the first (`Bearer <token>` → the token too). */
const secretWords = (v: string): string[] => [v, ...v.split(/\s+/).slice(1)];

/** The values of secret headers, each whole and by its words. */
export function secretValues(headers: Readonly<Record<string, string>>): string[] {
  return Object.entries(headers)
    .filter(([k]) => isSecretHeader(k))
    .flatMap(([, v]) => secretWords(v));
}

/**
 * Everything in a parsed checks document (or any value) that may be secret, found before the
 * document is validated, so that no error about it can show one: the values of secret-named keys
 * at any depth (each whole and by its words; all the text under one that is a mapping or a list),
 * and the passwords of URLs.
 */
export function secretsInDocument(value: unknown, underSecret = false): string[] {
  if (typeof value === 'string' || typeof value === 'number') {
    const s = String(value);
    return underSecret ? secretWords(s) : credentialsIn(s);
  }
  if (Array.isArray(value)) return value.flatMap((v) => secretsInDocument(v, underSecret));
  if (value && typeof value === 'object')
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      secretsInDocument(v, underSecret || isSecretHeader(k)),
    );
  return [];
}

/** The values of secret header lines of an input (`Name: value`), before they are parsed. */
export function secretsInHeaderLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .flatMap((line) => {
      const m = /^([^:=\s]+)\s*[:=]\s*(.*)$/.exec(line);
      // A line that does not parse is hidden in its error; mask it all the same.
      if (!m) return [line];
      return isSecretHeader(m[1] ?? '')
        ? secretValues({ [m[1] ?? '']: m[2] ?? '' })
        : credentialsIn(line);
    });
}

/**
 * fetch refuses URLs with credentials: moves `user:pass@` into an `Authorization: Basic` header
 * (unless one is set), clears them from the URL, and records the password as a secret.
 */
export function moveCredentials(
  url: URL,
  headers: Record<string, string>,
  secrets: string[],
): void {
  if (!url.password && !url.username) return;
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  if (pass) secrets.push(pass, url.password);
  headers.Authorization ??= `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  url.username = '';
  url.password = '';
}

/** Header maps from YAML (mapping) or an input (`Name: value` or `Name=value` lines). */
export function parseHeaders(at: string, v: unknown): Record<string, string> {
  if (v === undefined || v === null) return {};
  let entries: [string, unknown][];
  if (typeof v === 'string') {
    entries = v
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .map((line, i) => {
        const m = /^([^:=\s]+)\s*[:=]\s*(.*)$/.exec(line);
        // The value is not shown: a header line may hold a credential.
        if (!m)
          throw new InputError(
            `${at}[line ${i + 1}]`,
            '(hidden)',
            'is not a header line',
            'Write one "Name: value" per line',
          );
        return [m[1] as string, m[2]];
      });
  } else if (typeof v === 'object' && !Array.isArray(v)) {
    entries = Object.entries(v as Record<string, unknown>);
  } else {
    throw new InputError(
      at,
      UNQUOTED,
      `is ${kindOf(v)}, not a header map`,
      'Write a mapping of header names to values',
    );
  }
  const out: Record<string, string> = {};
  for (const [k, val] of entries) {
    if (!isHeaderName(k))
      throw new InputError(
        `${at}.${k}`,
        k,
        'is not a valid header name',
        'Use letters, digits and -',
      );
    if (typeof val !== 'string' && typeof val !== 'number')
      throw new InputError(
        `${at}.${k}`,
        UNQUOTED,
        `is ${kindOf(val)}, not a header value`,
        'Give a string',
      );
    const s = String(val);
    if (/[\r\n]/.test(s))
      throw new InputError(
        `${at}.${k}`,
        '(hidden)',
        'contains a line break',
        'Header values are one line',
      );
    out[k] = s;
  }
  return out;
}
