/**
 * What one HTTP check is, and how checks are read from a URL list or a YAML/JSON document.
 * Parsing is pure and strict: every problem is an {@link InputError} naming `<input>[i].<key>`.
 */
import {
  InputError,
  kindOf,
  optional,
  parseBoolean,
  parseDuration,
  parseUrl,
  UNQUOTED,
} from '@switchyard/kit';
import { moveCredentials, parseHeaders, secretValues } from './headers.js';
import { parseAssertion, type JsonAssertion } from './jsonpath.js';
import { parseStatus, type StatusMatcher } from './status.js';
import { DEFAULT_VERSION_SOURCE, parseVersionFrom, type VersionSource } from './version.js';

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type Method = (typeof METHODS)[number];

export interface CheckSpec {
  readonly name: string;
  readonly method: Method;
  /** Without credentials (those move into an Authorization header). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly expectStatus: StatusMatcher;
  readonly bodyContains: readonly string[];
  readonly bodyRegex?: RegExp;
  readonly json: readonly JsonAssertion[];
  readonly maxLatencyMs?: number;
  readonly timeoutMs: number;
  /** A failure of this check is reported but does not fail the step. */
  readonly continueOnFailure: boolean;
  /** The version every response must report (read from `versionFrom`), if any. */
  readonly expectVersion?: string;
  /** Where the response reports its version; set by {@link buildChecks} whenever expectVersion is. */
  readonly versionFrom?: VersionSource;
  readonly followRedirects: boolean;
}

/** Values that apply to every check unless the check sets its own. */
export interface CheckDefaults {
  readonly baseUrl?: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly expectStatus: StatusMatcher;
  readonly timeoutMs: number;
  readonly maxLatencyMs?: number;
  readonly expectVersion?: string;
  /** Where responses report their version (default {@link DEFAULT_VERSION_SOURCE}). */
  readonly versionFrom?: VersionSource;
  readonly followRedirects: boolean;
}

export interface ParsedChecks {
  readonly checks: CheckSpec[];
  /** Values found in the checks that must be masked (credential headers, URL passwords). */
  readonly secrets: string[];
}

const KEYS = [
  'name',
  'url',
  'method',
  'headers',
  'body',
  'expect-status',
  'body-contains',
  'body-regex',
  'expect-json',
  'max-latency',
  'timeout',
  'continue-on-failure',
  'expect-version',
  'version-from',
  'follow-redirects',
] as const;
/**
 * Builds checks from plain URLs (input `urlsInput`) and from a parsed YAML/JSON value (input
 * `checksInput`: a list of URL strings or check objects).
 */
export function buildChecks(
  urls: readonly string[],
  doc: unknown,
  defaults: CheckDefaults,
  urlsInput = 'urls',
  checksInput = 'checks',
): ParsedChecks {
  const secrets: string[] = secretValues(defaults.headers);
  const checks: CheckSpec[] = urls.map((u, i) =>
    fromObject(`${urlsInput}[${i}]`, { url: u }, defaults, secrets),
  );
  if (doc !== undefined && doc !== null) {
    if (!Array.isArray(doc))
      throw new InputError(
        checksInput,
        UNQUOTED,
        `is ${kindOf(doc)}, not a list of checks`,
        isMappingLike(doc)
          ? 'Start each check with "- " (a YAML list item), e.g. "- url: http://host/healthz"'
          : 'Write a YAML list: each item a URL or a mapping with at least url:',
      );
    doc.forEach((item: unknown, i) => {
      const at = `${checksInput}[${i}]`;
      if (typeof item === 'string') checks.push(fromObject(at, { url: item }, defaults, secrets));
      else if (item && typeof item === 'object' && !Array.isArray(item))
        checks.push(fromObject(at, item as Record<string, unknown>, defaults, secrets));
      else
        throw new InputError(
          at,
          UNQUOTED,
          `is ${kindOf(item)}, not a check`,
          'Give a URL or a mapping with at least url:',
        );
    });
  }
  nameUniquely(checks);
  return { checks, secrets };
}

function fromObject(
  at: string,
  o: Record<string, unknown>,
  d: CheckDefaults,
  secrets: string[],
): CheckSpec {
  for (const key of Object.keys(o)) {
    if (!(KEYS as readonly string[]).includes(key))
      throw new InputError(
        `${at}.${key}`,
        key,
        'is not a check setting',
        `Use: ${KEYS.join(', ')}`,
      );
  }
  const str = (key: string): string | undefined => {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      throw new InputError(
        `${at}.${key}`,
        UNQUOTED,
        `is ${kindOf(v)}, not a single value`,
        'Give a string',
      );
    return String(v);
  };
  const rawUrl = str('url');
  if (rawUrl === undefined || rawUrl.trim() === '')
    throw new InputError(`${at}.url`, rawUrl ?? '', 'is required', 'Every check needs a url');
  const url = resolveUrl(`${at}.url`, rawUrl.trim(), d.baseUrl);
  const headers: Record<string, string> = {
    ...d.headers,
    ...parseHeaders(`${at}.headers`, o.headers),
  };
  moveCredentials(url, headers, secrets);
  secrets.push(...secretValues(headers));
  const methodText = str('method') ?? 'GET';
  const method = METHODS.find((m) => m === methodText.toUpperCase());
  if (!method)
    throw new InputError(
      `${at}.method`,
      methodText,
      'is not an HTTP method',
      `Use one of: ${METHODS.join(', ')}`,
    );
  const body = readBody(at, o.body, headers);
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new InputError(
      `${at}.body`,
      body,
      `is set on a ${method} check`,
      'GET and HEAD requests carry no body: set method to POST, PUT or PATCH',
    );
  }
  /** A setting's parsed value, or the fallback when the check does not set it. */
  const setting = <T>(key: string, parse: (name: string, raw: string) => T, fallback: T): T => {
    const raw = str(key);
    return raw === undefined ? fallback : parse(`${at}.${key}`, raw);
  };
  const duration = (name: string, raw: string): number => parseDuration(name, raw, { min: 1 });
  const ev = o['expect-version'];
  const expectVersion =
    ev === false
      ? undefined
      : ev === undefined || ev === true
        ? d.expectVersion
        : str('expect-version');
  // Parsed even when no version is expected, so that a bad one fails before any request.
  const ownSource =
    o['version-from'] === undefined || o['version-from'] === null
      ? undefined
      : parseVersionFrom(`${at}.version-from`, o['version-from']);
  return {
    name: str('name')?.trim() ?? '',
    method,
    url: url.toString(),
    headers,
    ...optional('body', body),
    expectStatus:
      o['expect-status'] === undefined
        ? d.expectStatus
        : parseStatus(`${at}.expect-status`, o['expect-status']),
    bodyContains: stringList(`${at}.body-contains`, o['body-contains']),
    ...optional('bodyRegex', setting('body-regex', parseRegex, undefined)),
    json: stringList(`${at}.expect-json`, o['expect-json']).map((a, i) =>
      parseAssertion(`${at}.expect-json[${i}]`, a),
    ),
    ...optional('maxLatencyMs', setting('max-latency', duration, d.maxLatencyMs)),
    timeoutMs: setting('timeout', duration, d.timeoutMs),
    continueOnFailure: setting('continue-on-failure', parseBoolean, false),
    // expect-version: false opts out, true (or unset) takes the default, a string sets this check's own.
    ...(expectVersion !== undefined && {
      expectVersion,
      versionFrom: ownSource ?? d.versionFrom ?? DEFAULT_VERSION_SOURCE,
    }),
    followRedirects: setting('follow-redirects', parseBoolean, d.followRedirects),
  };
}

function isMappingLike(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function resolveUrl(at: string, raw: string, base: URL | undefined): URL {
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw)) return parseUrl(at, raw);
  if (!base)
    throw new InputError(
      at,
      raw,
      'is a relative URL but no base-url is set',
      'Give an absolute URL (http://host:port/path) or set base-url',
    );
  const joined = new URL(base.toString());
  const [path = '', query] = raw.split('?', 2);
  joined.pathname = `${joined.pathname.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
  if (query !== undefined) joined.search = query;
  return parseUrl(at, joined.toString());
}

function readBody(at: string, v: unknown, headers: Record<string, string>): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') {
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
      headers['Content-Type'] = 'application/json';
    return JSON.stringify(v);
  }
  throw new InputError(
    `${at}.body`,
    v,
    'is not a request body',
    'Give a string, or a mapping to send as JSON',
  );
}

function stringList(at: string, v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? (v as unknown[]) : [v];
  return items.map((x, i) => {
    if (typeof x !== 'string' && typeof x !== 'number')
      throw new InputError(
        Array.isArray(v) ? `${at}[${i}]` : at,
        x,
        'is not a string',
        'Give a string or a list of strings',
      );
    return String(x);
  });
}

/** `/pattern/flags` or a bare pattern. */
export function parseRegex(at: string, text: string): RegExp {
  const m = /^\/(.*)\/([dgimsuvy]*)$/s.exec(text);
  try {
    return m ? new RegExp(m[1] ?? '', m[2]) : new RegExp(text);
  } catch (e) {
    throw new InputError(
      at,
      text,
      `is not a valid regular expression (${(e as Error).message})`,
      'Write a JavaScript regex, e.g. /ok|healthy/i',
    );
  }
}

function nameUniquely(checks: CheckSpec[]): void {
  const seen = new Set<string>();
  for (const c of checks) {
    if (!c.name) continue;
    if (seen.has(c.name))
      throw new InputError('checks', c.name, 'names two checks', 'Give every check its own name');
    seen.add(c.name);
  }
  checks.forEach((c, i) => {
    if (c.name) return;
    const u = new URL(c.url);
    let name = `${c.method} ${u.host}${u.pathname}`;
    for (let n = 2; seen.has(name); n++) name = `${c.method} ${u.host}${u.pathname} #${n}`;
    seen.add(name);
    checks[i] = { ...c, name };
  });
}
