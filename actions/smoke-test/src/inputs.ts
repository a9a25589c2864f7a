/** The smoke-test inputs, parsed and validated once, before any request (STYLE.md §2). */
import { InputError, optional, type InputReader } from '@switchyard/kit';
import { parseYaml } from '@switchyard/kit/yaml';
import {
  buildChecks,
  DEFAULT_VERSION_SOURCE,
  parseHeaders,
  parseJsonPath,
  parseStatus,
  parseVersionFrom,
  secretsInDocument,
  secretsInHeaderLines,
  type CheckSpec,
  type VersionSource,
} from '@switchyard/probe';

export interface SmokeInputs {
  readonly checks: readonly CheckSpec[];
  /** Values to mask in every log line. */
  readonly secrets: readonly string[];
  /** Overall deadline for retries; undefined = bounded by attempts only. */
  readonly timeoutMs?: number;
  readonly attempts: number;
  readonly intervalMs: number;
  readonly maxIntervalMs: number;
  readonly concurrency: number;
  /** Where responses report their version, unless a check says otherwise (version-from). */
  readonly versionFrom: VersionSource;
  readonly expectVersion?: string;
}

/** How to read a checks file (a path relative to the workspace). */
export type ReadFile = (path: string) => string;

/** Parses a YAML or JSON document given in input `name`. */
export function parseDocument(name: string, text: string): unknown {
  return parseYaml(name, text, 'Give a YAML list of checks, e.g. "- url: http://host/healthz"');
}

export function parseInputs(r: InputReader, readFile: ReadFile): SmokeInputs {
  // Secret header values are masked before anything is parsed: no error below can show one.
  const headerText = r.text('headers');
  secretsInHeaderLines(headerText).forEach((v) => r.addSecret(v));
  const timeoutMs = r.duration('timeout', { default: undefined, min: 1 });
  const attempts = r.integer('attempts', {
    default: timeoutMs === undefined ? 1 : Number.POSITIVE_INFINITY,
    min: 1,
    max: 1000,
  });
  const intervalMs = r.duration('interval', { default: 1000, min: 1 });
  const maxIntervalMs = r.duration('max-interval', { default: 10_000, min: 1 });
  if (maxIntervalMs < intervalMs)
    throw new InputError(
      'max-interval',
      r.text('max-interval'),
      `is shorter than interval (${r.text('interval') || '1s'})`,
      'Make max-interval at least as long as interval',
    );
  const concurrency = r.integer('concurrency', { default: 10, min: 1, max: 256 });
  const versionFrom = versionSource(r);
  const expectVersion = r.text('expect-version') || undefined;
  const baseUrl = r.url('base-url', { default: undefined });

  const defaults = {
    ...(baseUrl && { baseUrl }),
    headers: parseHeaders('headers', headerText),
    expectStatus: parseStatus('expect-status', r.text('expect-status') || '2xx'),
    timeoutMs: r.duration('request-timeout', { default: 5000, min: 1 }),
    ...optional('maxLatencyMs', r.duration('max-latency', { default: undefined, min: 1 })),
    ...(expectVersion !== undefined && { expectVersion }),
    versionFrom,
    followRedirects: r.boolean('follow-redirects', { default: true }),
  };

  const urls = r.lines('urls');
  const inline = r.text('checks');
  const file = r.text('checks-file');
  if (inline && file)
    throw new InputError(
      'checks-file',
      file,
      'is set together with checks',
      'Give the checks inline (checks) or in a file (checks-file), not both',
    );
  let doc: unknown;
  let docInput = 'checks';
  if (inline) doc = parseDocument('checks', inline);
  if (file) {
    docInput = 'checks-file';
    let text: string;
    try {
      text = readFile(file);
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(
        'checks-file',
        file,
        `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
        'Give a path relative to the workspace',
      );
    }
    doc = parseDocument('checks-file', text);
  }
  secretsInDocument(doc).forEach((v) => r.addSecret(v));
  const { checks, secrets } = buildChecks(urls, doc, defaults, 'urls', docInput);
  if (checks.length === 0)
    throw new InputError(
      'urls',
      '',
      'and checks are both empty',
      'Give at least one URL (urls), or checks / checks-file',
    );
  return {
    checks,
    secrets,
    ...(timeoutMs !== undefined && { timeoutMs }),
    attempts,
    intervalMs,
    maxIntervalMs,
    concurrency,
    versionFrom,
    ...(expectVersion !== undefined && { expectVersion }),
  };
}

/** Input version-from, or version-path (its older form: a JSON path), or `json:$.version`. */
function versionSource(r: InputReader): VersionSource {
  const from = r.text('version-from');
  const path = r.text('version-path');
  if (from && path)
    throw new InputError(
      'version-path',
      path,
      'is set together with version-from',
      `version-path is the older form of version-from: json:<path>. Remove version-path (or write version-from: json:${path.trim()})`,
    );
  if (path) return { kind: 'json', path: parseJsonPath('version-path', path), text: path.trim() };
  return from ? parseVersionFrom('version-from', from) : DEFAULT_VERSION_SOURCE;
}
