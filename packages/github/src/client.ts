/**
 * The GitHub client: Octokit (`@octokit/rest`) with `@octokit/plugin-retry` (5xx and network
 * failures, bounded) and `@octokit/plugin-throttling` (primary and secondary rate limits, honouring
 * `retry-after`, bounded), `GITHUB_API_URL` honoured (GitHub Enterprise Server), a timeout on every
 * request, and `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` honoured by the rules every client shares
 * (@switchyard/probe's `proxiedFetch`).
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { ActionError, InputError, errorMessage, type Logger } from '@switchyard/kit';
import { proxiedFetch } from '@switchyard/probe';
import type { Env } from './context.js';

const GithubOctokit = Octokit.plugin(retry, throttling);

/** The client every part of this package takes: Octokit with retries and throttling. */
export type GithubClient = InstanceType<typeof GithubOctokit>;

/** Options of {@link createGithubClient}. */
export interface GithubClientOptions {
  /** The token (the action's `token` input, `github.token` by default). */
  readonly token: string;
  /** `GITHUB_API_URL` and the proxy variables are read from here. */
  readonly env: Env;
  /** Warnings (rate limits, retries) go here. */
  readonly log: Logger;
  /** Registers a secret with the log masking; called with the token before anything else. */
  readonly setSecret: (value: string) => void;
  readonly userAgent?: string;
  /** Per request, from sending to the response headers: 1 s to 120 s, default 10 s. */
  readonly timeoutMs?: number;
  /** Retries of a 5xx or network failure (1 s, 4 s, 9 s apart): 0 to 3, default 2. */
  readonly retries?: number;
}

/** Retries after a rate limit, at most. */
const RATE_LIMIT_RETRIES = 2;
/** A rate limit that asks for a longer wait than this (seconds) is not waited out: the call fails. */
const MAX_RATE_LIMIT_WAIT_S = 60;
const DEFAULT_API_URL = 'https://api.github.com';

/** The REST API's base URL from `GITHUB_API_URL` (GitHub Enterprise Server: `https://host/api/v3`). */
export function apiUrlFrom(env: Env): string {
  const raw = env.GITHUB_API_URL?.trim() || DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ActionError(`GITHUB_API_URL is ${JSON.stringify(raw)}, not a URL`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
    throw new ActionError(
      `GITHUB_API_URL is ${JSON.stringify(url.protocol)}…: use an http(s) URL without credentials`,
    );
  return url.href.replace(/\/+$/, '');
}

type Fetch = typeof globalThis.fetch;

/**
 * A `fetch` that gives up after `timeoutMs` and says why a request got no answer (`fetch failed`
 * alone names neither the host nor the cause); through a proxy when `env`'s proxy variables send
 * the request to one (`proxiedFetch`).
 */
function boundedFetch(timeoutMs: number, env: Env): Fetch {
  const base = proxiedFetch(env);
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const host = new URL(input instanceof Request ? input.url : String(input)).host;
    try {
      return await base(input, { ...init, signal });
    } catch (error) {
      if (timeout.aborted)
        throw new Error(`${host} gave no answer within ${timeoutMs / 1000} s`, { cause: error });
      // fetch's TypeError may come from another realm (a test's VM): read its fields, not instanceof.
      const e = error as {
        message?: unknown;
        cause?: { code?: unknown; message?: unknown };
      } | null;
      const said = typeof e?.message === 'string' ? e.message : errorMessage(error);
      const why = typeof e?.cause?.code === 'string' ? e.cause.code : e?.cause?.message;
      const because = typeof why === 'string' ? ` (${why})` : '';
      throw new Error(`could not reach ${host}: ${said}${because}`, { cause: error });
    }
  };
}

/** A whole number option checked against its range (an {@link InputError} names it). */
function ranged(
  name: string,
  value: number | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InputError(
      name,
      value,
      `is out of range`,
      `Use a whole number from ${min} to ${max}`,
    );
  return value;
}

/**
 * The GitHub client for `token`. The token is registered as a secret first. Every request has a
 * timeout; 5xx answers and network failures are retried `retries` times; rate limits (403/429 with
 * `retry-after` or an exhausted quota) are waited out twice at most, and never longer than 60 s, with
 * a warning each time.
 */
export function createGithubClient(options: GithubClientOptions): GithubClient {
  const token = options.token.trim();
  options.setSecret(token);
  if (!token)
    throw new InputError('token', '', 'is empty', 'Pass a token (github.token by default)');
  const timeoutMs = ranged('timeoutMs', options.timeoutMs, 1_000, 120_000, 10_000);
  const retries = ranged('retries', options.retries, 0, 3, 2);
  const { log } = options;
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _o: unknown,
      retryCount: number,
    ): boolean => {
      const what = `GitHub ${kind} on ${request.method} ${request.url}`;
      if (retryCount >= RATE_LIMIT_RETRIES || retryAfter > MAX_RATE_LIMIT_WAIT_S) {
        log.warning(
          `${what}: not retrying (asked to wait ${retryAfter} s, retry ${retryCount + 1})`,
        );
        return false;
      }
      log.warning(`${what}: retrying in ${retryAfter} s`);
      return true;
    };
  return new GithubOctokit({
    auth: token,
    baseUrl: apiUrlFrom(options.env),
    userAgent: options.userAgent ?? 'switchyard',
    // Not `request.retries`: plugin-retry would then retry every failure, 403 and 404 included.
    request: { fetch: boundedFetch(timeoutMs, options.env) },
    // 429 is the throttling plugin's (it honours the reset time); plugin-retry would retry it after 1 s.
    retry: { retries, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: {
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
    },
    log: {
      debug: (m: string) => log.debug(m),
      info: (m: string) => log.debug(m),
      warn: (m: string) => log.warning(m),
      // Octokit logs every refused request as an error; what a refusal means is the caller's to say.
      error: (m: string) => log.debug(m),
    },
  });
}
