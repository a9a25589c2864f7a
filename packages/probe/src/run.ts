/** Running checks: one attempt, retries until a deadline, many checks at once. */
import { mapLimit, poll, type Backoff, type Clock } from '@switchyard/kit';
import type { CheckSpec } from './check.js';
import { HttpError, type Http, type HttpResponse } from './http.js';
import { checkAssertion, type PathSegment } from './jsonpath.js';
import {
  DEFAULT_VERSION_SOURCE,
  excerpt,
  extractVersion,
  showVersion,
  type VersionSource,
} from './version.js';

/** The outcome of one request. */
export interface AttemptResult {
  readonly ok: boolean;
  readonly status?: number;
  readonly latencyMs: number;
  /** Why it failed (all reasons, joined with "; "). */
  readonly reason?: string;
  /** The version the response reported, when one was looked for. */
  readonly version?: string;
}

/** The outcome of a check after all its attempts. */
export interface CheckResult extends AttemptResult {
  readonly name: string;
  readonly method: string;
  readonly url: string;
  /** False when the check has continue-on-failure. */
  readonly required: boolean;
  readonly attempts: number;
  /** From the first attempt's start to the last attempt's end. */
  readonly elapsedMs: number;
}

export interface ProbeOptions {
  /** Checks in flight at once. */
  readonly concurrency: number;
  /** Most attempts per check (Infinity: until the deadline). */
  readonly attempts: number;
  /** Absolute clock time after which no new attempt starts. */
  readonly deadline?: number;
  readonly backoff: Backoff;
  /**
   * @deprecated Checks carry their own `versionFrom` (set by buildChecks). Where a check built
   * without one reads its version: a JSON path (default `$.version`).
   */
  readonly versionPath?: readonly PathSegment[];
  /** Told about every failed attempt that will be retried. */
  readonly onRetry?: (
    check: CheckSpec,
    attempt: number,
    delayMs: number,
    result: AttemptResult,
  ) => void;
  readonly random?: () => number;
}

/** Longest version a result reports (a longer one is cut, with …). */
const MAX_VERSION = 256;

/** Where `check` reads its version: its own source, else a legacy JSON path, else `$.version`. */
function sourceOf(check: CheckSpec, versionPath?: readonly PathSegment[]): VersionSource {
  if (check.versionFrom) return check.versionFrom;
  if (versionPath === undefined) return DEFAULT_VERSION_SOURCE;
  const text = `$${versionPath.map((s) => (typeof s === 'number' ? `[${s}]` : `[${JSON.stringify(s)}]`)).join('')}`;
  return { kind: 'json', path: versionPath, text };
}

/**
 * Every way a response falls short of a check (empty when it passes), and the version it reported
 * when the check expects one. `versionPath` (deprecated) is for checks without `versionFrom`.
 */
export function evaluateResponse(
  check: CheckSpec,
  res: HttpResponse,
  versionPath?: readonly PathSegment[],
): { failures: string[]; version?: string } {
  const failures: string[] = [];
  if (!check.expectStatus.matches(res.status))
    failures.push(`status ${res.status}, expected ${check.expectStatus.text}`);
  for (const text of check.bodyContains) {
    if (!res.body.includes(text)) failures.push(`body does not contain ${JSON.stringify(text)}`);
  }
  if (check.bodyRegex && !check.bodyRegex.test(res.body))
    failures.push(`body does not match ${String(check.bodyRegex)}`);
  let json: unknown;
  let parsed = false;
  const parse = (): boolean => {
    if (!parsed) {
      parsed = true;
      try {
        json = JSON.parse(res.body);
      } catch {
        json = undefined;
        return false;
      }
    }
    return json !== undefined;
  };
  if (check.json.length) {
    if (!parse()) failures.push(`body is not JSON: ${excerpt(res.body)}`);
    else
      for (const a of check.json) {
        const why = checkAssertion(a, json);
        if (why) failures.push(why);
      }
  }
  let version: string | undefined;
  if (check.expectVersion !== undefined) {
    const got = extractVersion(sourceOf(check, versionPath), res, () =>
      parse() ? { ok: true, value: json } : { ok: false },
    );
    if ('missing' in got) failures.push(got.missing);
    else {
      // Reported as found, unless the server sent a page of it.
      version =
        got.version.length > MAX_VERSION ? `${got.version.slice(0, MAX_VERSION)}…` : got.version;
      if (got.version !== check.expectVersion)
        failures.push(`version ${showVersion(version)}, expected ${check.expectVersion}`);
    }
  }
  if (check.maxLatencyMs !== undefined && res.latencyMs > check.maxLatencyMs) {
    failures.push(`latency ${Math.round(res.latencyMs)}ms over the ${check.maxLatencyMs}ms budget`);
  }
  return { failures, ...(version !== undefined && { version }) };
}

/** Sends the check's request once and judges the response. */
export async function attemptCheck(
  check: CheckSpec,
  http: Http,
  versionPath?: readonly PathSegment[],
): Promise<AttemptResult> {
  let res: HttpResponse;
  try {
    res = await http.request({
      method: check.method,
      url: check.url,
      headers: check.headers,
      ...(check.body !== undefined && { body: check.body }),
      timeoutMs: check.timeoutMs,
      followRedirects: check.followRedirects,
    });
  } catch (error) {
    if (error instanceof HttpError)
      return {
        ok: false,
        latencyMs: error.latencyMs,
        reason: error.kind === 'timeout' ? `timed out: ${error.message}` : error.message,
      };
    throw error;
  }
  const { failures, version } = evaluateResponse(check, res, versionPath);
  return {
    ok: failures.length === 0,
    status: res.status,
    latencyMs: res.latencyMs,
    ...(failures.length && { reason: failures.join('; ') }),
    ...(version !== undefined && { version }),
  };
}

/** Runs every check (bounded concurrency), each retried with backoff until it passes or time/attempts run out. */
export async function runChecks(
  checks: readonly CheckSpec[],
  opts: ProbeOptions,
  deps: { http: Http; clock: Clock },
): Promise<CheckResult[]> {
  return mapLimit(checks, opts.concurrency, async (check) => {
    const start = deps.clock.now();
    const { result, attempts } = await poll(
      () => attemptCheck(check, deps.http, opts.versionPath),
      {
        ...opts.backoff,
        attempts: opts.attempts,
        ...(opts.deadline !== undefined && { deadline: opts.deadline }),
        ...(opts.random && { random: opts.random }),
        done: (r) => r.ok,
        onRetry: ({ attempt, delayMs, result: r }) => opts.onRetry?.(check, attempt, delayMs, r),
      },
      deps.clock,
    );
    return {
      name: check.name,
      method: check.method,
      url: check.url,
      required: !check.continueOnFailure,
      attempts,
      elapsedMs: deps.clock.now() - start,
      ...result,
    };
  });
}
