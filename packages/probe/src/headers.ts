/** Request headers: parsing, which values are secrets, and credentials carried in URLs. */
import { InputError } from '@switchyard/kit';

const SECRET_HEADER = /authorization|cookie|token|secret|password|api[-_]?key|credential/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Whether a header's value is treated as a secret. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}

/** The values of secret headers, each whole and by its words (`Bearer <token>` → the token too). */
export function secretValues(headers: Readonly<Record<string, string>>): string[] {
  return Object.entries(headers)
    .filter(([k]) => isSecretHeader(k))
    .flatMap(([, v]) => [v, ...v.split(/\s+/).slice(1)]);
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
    throw new InputError(at, v, 'is not a header map', 'Write a mapping of header names to values');
  }
  const out: Record<string, string> = {};
  for (const [k, val] of entries) {
    if (!HEADER_NAME.test(k))
      throw new InputError(
        `${at}.${k}`,
        k,
        'is not a valid header name',
        'Use letters, digits and -',
      );
    if (typeof val !== 'string' && typeof val !== 'number')
      throw new InputError(`${at}.${k}`, val, 'is not a header value', 'Give a string');
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
