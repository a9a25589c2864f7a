/** HTTP as a dependency: the real adapter over node:http, and the shapes a fake must return. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

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

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

/**
 * The real {@link Http}, over `node:http` / `node:https`, one connection per request (no keep-alive
 * pool). Not fetch: loading undici costs ~70 ms on an action's first request and its idle sockets
 * ~90 ms more at exit, which a short action pays in full (bench/build-image-overhead). The timeout
 * covers the whole exchange, body included; redirects are followed like fetch does (303, and 301/302
 * after a POST, become a GET without body).
 */
export const nodeHttp: Http = {
  request(req) {
    const start = performance.now();
    const deadline = start + req.timeoutMs;
    const once = (
      url: URL,
      method: string,
      body: string | undefined,
      hops: number,
    ): Promise<HttpResponse> =>
      new Promise<HttpResponse>((resolve, reject) => {
        const client = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const r = client(url, { method, headers: req.headers, agent: false });
        const timer = setTimeout(
          () => r.destroy(new TimeoutSignal()),
          Math.max(0, deadline - performance.now()),
        );
        const fail = (error: Error): void => {
          clearTimeout(timer);
          reject(error);
        };
        r.on('error', fail);
        r.on('response', (res) => {
          const location = res.headers.location;
          if (req.followRedirects && REDIRECTS.has(res.statusCode ?? 0) && location) {
            res.resume();
            clearTimeout(timer);
            if (hops >= MAX_REDIRECTS)
              return reject(new Error(`more than ${MAX_REDIRECTS} redirects`));
            const toGet =
              res.statusCode === 303 ||
              ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST');
            return resolve(
              once(
                new URL(location, url),
                toGet ? 'GET' : method,
                toGet ? undefined : body,
                hops + 1,
              ),
            );
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', fail);
          res.on('aborted', () =>
            fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })),
          );
          res.on('end', () => {
            clearTimeout(timer);
            if (!res.complete)
              return reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
            resolve({
              status: res.statusCode ?? 0,
              headers,
              body: Buffer.concat(chunks).toString('utf8'),
              latencyMs: performance.now() - start,
            });
          });
        });
        r.end(body);
      });
    return once(new URL(req.url), req.method, req.body, 0).catch((error: unknown) => {
      const latencyMs = performance.now() - start;
      if (error instanceof TimeoutSignal)
        // Timers have 1 ms resolution: never report less than the timeout that fired.
        throw new HttpError(
          'timeout',
          `no response within ${req.timeoutMs}ms`,
          Math.max(latencyMs, req.timeoutMs),
        );
      throw new HttpError('network', networkReason(error), latencyMs);
    });
  },
};

/** Destroys a request whose deadline passed. */
class TimeoutSignal extends Error {
  override readonly name = 'TimeoutSignal';
}

/** Reads a string property of a thrown value (structural: it may come from another realm). */
function field(value: unknown, key: 'name' | 'message' | 'code'): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = (value as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

function networkReason(error: unknown): string {
  const code = field(error, 'code');
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  const message = field(error, 'message') ?? String(error);
  return code ? `${message} (${code})` : message;
}
