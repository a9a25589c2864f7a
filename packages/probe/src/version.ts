/**
 * Where a response reports its version, for expect-version: a JSON path in the body, a response
 * header, or the one capture group of a regex on the body.
 *
 * Written as a compact string (`json:$.build.version`, `header:X-App-Version`,
 * `regex:v(\d+\.\d+\.\d+)`) in the action's `version-from` input and in checks, or as a one-key
 * mapping in a check (`version-from: {header: X-App-Version}`). Parsing is strict: errors name the
 * input or `checks[i].version-from`. Bodies and headers are the server's: what is shown of them is
 * quoted and cut short.
 */
import { InputError, kindOf, UNQUOTED } from '@switchyard/kit';
import { isHeaderName } from './headers.js';
import { lookup, parseJsonPath, type PathSegment } from './jsonpath.js';

export const VERSION_SOURCES = ['json', 'header', 'regex'] as const;
export type VersionSourceKind = (typeof VERSION_SOURCES)[number];

/** Where a response reports its version (parsed from `version-from`). */
export type VersionSource =
  | { readonly kind: 'json'; readonly path: readonly PathSegment[]; readonly text: string }
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'regex'; readonly regex: RegExp };

/** `json:$.version`: the default. */
export const DEFAULT_VERSION_SOURCE: VersionSource = {
  kind: 'json',
  path: ['version'],
  text: '$.version',
};

/** What an extraction found: the version, or why there is none (naming where it looked). */
export type Extracted = { readonly version: string } | { readonly missing: string };

const FORMS =
  'Use json:<JSON path> (json:$.build.version), header:<name> (header:X-App-Version) or regex:<pattern with one capture group> (regex:v(\\d+\\.\\d+\\.\\d+))';

/** Longest piece of a body or a version that a message shows. */
const SHOWN = 80;

/**
 * Parses `version-from` at `at` (an input name or `checks[i].version-from`): a compact string
 * `<kind>:<value>`, or (in a checks document) a mapping with exactly one of json, header, regex.
 */
export function parseVersionFrom(at: string, value: unknown): VersionSource {
  if (typeof value === 'string') {
    const m = /^\s*([A-Za-z]+)\s*:(.*)$/s.exec(value);
    const kind = VERSION_SOURCES.find((k) => k === m?.[1]?.toLowerCase());
    if (!m || !kind) throw new InputError(at, value, 'is not a version source', FORMS);
    return sourceOf(at, kind, (m[2] ?? '').trim());
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    const [entry] = entries;
    if (entries.length !== 1 || !entry)
      throw new InputError(
        at,
        UNQUOTED,
        `has ${entries.length === 0 ? 'no keys' : `${entries.length} keys (${entries.map(([k]) => k).join(', ')})`}`,
        `Give exactly one of ${VERSION_SOURCES.join(', ')}. ${FORMS}`,
      );
    const [key, v] = entry;
    const kind = VERSION_SOURCES.find((k) => k === key);
    if (!kind)
      throw new InputError(
        `${at}.${key}`,
        key,
        'is not a version source',
        `Use one of ${VERSION_SOURCES.join(', ')}. ${FORMS}`,
      );
    if (typeof v !== 'string')
      throw new InputError(`${at}.${key}`, UNQUOTED, `is ${kindOf(v)}, not a string`, FORMS);
    return sourceOf(`${at}.${key}`, kind, v.trim());
  }
  throw new InputError(
    at,
    UNQUOTED,
    `is ${kindOf(value)}, not a version source`,
    `Give a string such as json:$.build.version, or a mapping with one of ${VERSION_SOURCES.join(', ')}`,
  );
}

function sourceOf(at: string, kind: VersionSourceKind, text: string): VersionSource {
  if (text === '')
    throw new InputError(at, text, `gives no ${kind === 'json' ? 'JSON path' : kind}`, FORMS);
  switch (kind) {
    case 'json':
      return { kind, path: parseJsonPath(at, text), text };
    case 'header':
      if (!isHeaderName(text))
        throw new InputError(
          at,
          text,
          'is not a valid header name',
          'Use letters, digits and -, e.g. header:X-App-Version',
        );
      return { kind, name: text };
    case 'regex':
      return { kind, regex: parseVersionRegex(at, text) };
  }
}

/** `/pattern/flags` or a bare pattern, with exactly one capture group: the version. */
function parseVersionRegex(at: string, text: string): RegExp {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(text);
  const [source, flags] = m ? [m[1] ?? '', m[2] ?? ''] : [text, ''];
  const fix = 'Write one capture group around the version, e.g. regex:v(\\d+\\.\\d+\\.\\d+)';
  const bad = flags.replace(/[imsuv]/g, '');
  if (bad)
    throw new InputError(
      at,
      text,
      `has flags that do not apply here (${bad})`,
      `Use i, m, s, u or v. ${fix}`,
    );
  let regex: RegExp;
  try {
    regex = new RegExp(source, flags);
  } catch (e) {
    throw new InputError(
      at,
      text,
      `is not a valid regular expression (${(e as Error).message})`,
      fix,
    );
  }
  // An alternative that matches '' reports every group of the pattern.
  const groups = (new RegExp(`${source}|`, flags).exec('')?.length ?? 1) - 1;
  if (groups !== 1)
    throw new InputError(
      at,
      text,
      `has ${groups === 0 ? 'no capture group' : `${groups} capture groups`}`,
      `${fix}; group other parts with (?:…)`,
    );
  return regex;
}

/** The compact form of a source, as a user writes it (`header:X-App-Version`). */
export function describeVersionSource(source: VersionSource): string {
  switch (source.kind) {
    case 'json':
      return `json:${source.text}`;
    case 'header':
      return `header:${source.name}`;
    case 'regex':
      return `regex:${String(source.regex)}`;
  }
}

/** The parts of a response a version is read from. */
export interface VersionResponse {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Reads the version from a response. `json` is the body parsed once by the caller (undefined when
 * it is not JSON), so a check with JSON assertions does not parse it twice.
 */
export function extractVersion(
  source: VersionSource,
  res: VersionResponse,
  json: () => { ok: boolean; value?: unknown },
): Extracted {
  switch (source.kind) {
    case 'json': {
      const parsed = json();
      if (!parsed.ok)
        return { missing: `no version at ${source.text}: body is not JSON (${excerpt(res.body)})` };
      const found = lookup(parsed.value, source.path);
      if (!found.found) return { missing: `no version at ${source.text}: not found` };
      if (typeof found.value === 'string' || typeof found.value === 'number')
        return { version: String(found.value) };
      return {
        missing: `no version at ${source.text}: ${kindOf(found.value)}, not a string or number`,
      };
    }
    case 'header': {
      const wanted = source.name.toLowerCase();
      const entry = Object.entries(res.headers).find(([k]) => k.toLowerCase() === wanted);
      if (!entry) return { missing: `no version: no ${source.name} header in the response` };
      if (entry[1].trim() === '') return { missing: `no version: header ${source.name} is empty` };
      return { version: entry[1].trim() };
    }
    case 'regex': {
      const m = source.regex.exec(res.body);
      if (!m)
        return {
          missing: `no version: body does not match ${String(source.regex)} (${excerpt(res.body)})`,
        };
      const v = m.slice(1).find((g) => g !== undefined);
      if (!v) return { missing: `no version: ${String(source.regex)} matched, its group is empty` };
      return { version: v };
    }
  }
}

/**
 * A version as messages show it: as is when it is short and plain (`1.4.2`), else quoted and cut
 * (a server's value may hold line breaks, workflow commands or a whole page).
 */
export function showVersion(v: string): string {
  if (v.length <= SHOWN && /^[\x21-\x7e]+$/.test(v)) return v;
  return JSON.stringify(v.length > SHOWN ? `${v.slice(0, SHOWN)}…` : v);
}

/** A body as messages show it: whitespace folded, quoted, cut at {@link SHOWN} characters. */
export function excerpt(body: string): string {
  const s = body.replace(/\s+/g, ' ').trim();
  return JSON.stringify(s.length > SHOWN ? `${s.slice(0, SHOWN)}…` : s);
}
