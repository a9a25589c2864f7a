/** HTTP as a dependency: the real adapter over Node's fetch, and the shapes a fake must return. */

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly followRedirects: boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** From sending the request to the end of the body. */
  readonly latencyMs: number;
}

/** A request that got no HTTP response: timeout, refused, reset, DNS, TLS. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly kind: 'timeout' | 'network',
    message: string,
    readonly latencyMs: number,
  ) {
    super(message);
  }
}

export interface Http {
  /** Resolves with any HTTP status; rejects with {@link HttpError} when no response came. */
  request(req: HttpRequest): Promise<HttpResponse>;
}

/** The real {@link Http}, over the runtime's fetch (undici), with a per-request timeout covering the body. */
export const fetchHttp: Http = {
  async request(req) {
    const start = performance.now();
    try {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        redirect: req.followRedirects ? 'follow' : 'manual',
        signal: AbortSignal.timeout(req.timeoutMs),
      });
      const body = await res.text();
      return {
        status: res.status,
        headers: Object.fromEntries(res.headers),
        body,
        latencyMs: performance.now() - start,
      };
    } catch (error) {
      const latencyMs = performance.now() - start;
      const name = field(error, 'name');
      if (name === 'TimeoutError' || name === 'AbortError') {
        // Timers have 1 ms resolution: never report less than the timeout that fired.
        const waited = Math.max(latencyMs, req.timeoutMs);
        throw new HttpError('timeout', `no response within ${req.timeoutMs}ms`, waited);
      }
      throw new HttpError('network', networkReason(error), latencyMs);
    }
  },
};

/**
 * Reads a string property of a thrown value. Structural on purpose: fetch's errors may come from
 * another realm (a test runner's VM context), where `instanceof Error` is false.
 */
function field(value: unknown, key: 'name' | 'message' | 'code'): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

function networkReason(error: unknown): string {
  const cause =
    typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  const code = field(cause, 'code');
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE')
    return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  const causeMessage = field(cause, 'message');
  if (causeMessage) return code ? `${causeMessage} (${code})` : causeMessage;
  return field(error, 'message') ?? String(error);
}
