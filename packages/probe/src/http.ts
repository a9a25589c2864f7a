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
      if (
        error instanceof Error &&
        (error.name === 'TimeoutError' || error.name === 'AbortError')
      ) {
        throw new HttpError('timeout', `no response within ${req.timeoutMs}ms`, latencyMs);
      }
      throw new HttpError('network', networkReason(error), latencyMs);
    }
  },
};

function networkReason(error: unknown): string {
  const cause =
    error instanceof Error
      ? (error.cause as { code?: string; message?: string } | undefined)
      : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET') return 'connection reset';
  if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return 'host not found';
  if (cause?.message) return cause.code ? `${cause.message} (${cause.code})` : cause.message;
  return error instanceof Error ? error.message : String(error);
}
