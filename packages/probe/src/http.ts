/** HTTP as a dependency: the real adapter over node:http, and the shapes a fake must return. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import * as tls from 'node:tls';
import type { Dispatcher } from 'undici';
import { redactCredentials } from '@switchyard/kit';
import { proxyFor, proxyLabel, readProxyEnv, type Env, type ProxyEnv } from './proxy-env.js';

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

/** A request that got no HTTP response: timeout, refused, reset, DNS, TLS, a proxy's refusal. */
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

/** What {@link createNodeHttp} reads its proxy settings from, and extra certificates to trust. */
export interface NodeHttpOptions {
  /** Where `HTTP(S)_PROXY` / `NO_PROXY` are read, once, at the first request; default `process.env`. */
  readonly env?: Env;
  /**
   * PEM certificates trusted on top of Node's defaults (its bundled roots, and `NODE_EXTRA_CA_CERTS`
   * from Node 22.15 on), e.g. a test CA.
   */
  readonly ca?: readonly string[];
}

/** One exchange, redirects aside: what a transport resolves with. */
interface Exchange {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly location?: string;
  readonly body: string;
}

/** Sends one request and reads the whole answer; rejects with TimeoutSignal past `deadline`. */
type Transport = (
  url: URL,
  method: string,
  headers: Readonly<Record<string, string>>,
  body: string | undefined,
  deadline: number,
) => Promise<Exchange>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

/**
 * The real {@link Http}, over `node:http` / `node:https`, one connection per request (no keep-alive
 * pool). Not fetch: loading undici costs ~70 ms on an action's first request and its idle sockets
 * ~90 ms more at exit, which a short action pays in full (bench/build-image-overhead). The timeout
 * covers the whole exchange, body included; redirects are followed like fetch does (303, and 301/302
 * after a POST, become a GET without body).
 *
 * Behind a proxy (`HTTPS_PROXY` / `HTTP_PROXY`, less what `NO_PROXY` lists; docs/http-proxy.md) a
 * request goes through undici's `ProxyAgent`, loaded only then: `http://` targets in absolute form,
 * `https://` ones through a `CONNECT` tunnel. A proxy's refusal is an {@link HttpError} naming the
 * proxy without its credentials.
 */
export function createNodeHttp(options: NodeHttpOptions = {}): Http {
  const ca = options.ca?.length ? [...defaultCertificates(), ...options.ca] : undefined;
  let proxies: ProxyEnv | Error | undefined | null = null; // null: not read yet
  const direct = directTransport(ca);
  const transportFor = (url: URL): Transport => {
    if (proxies === null) {
      try {
        proxies = readProxyEnv(options.env ?? process.env);
      } catch (error) {
        proxies = error instanceof Error ? error : new Error(String(error));
      }
    }
    if (proxies instanceof Error) throw proxies;
    const proxy = proxies && proxyFor(url, proxies);
    return proxy ? proxiedTransport(proxy, ca) : direct;
  };
  return {
    request(req) {
      const start = performance.now();
      const deadline = start + req.timeoutMs;
      const hop = async (
        url: URL,
        method: string,
        body: string | undefined,
        hops: number,
      ): Promise<Exchange> => {
        const res = await transportFor(url)(url, method, req.headers, body, deadline);
        if (!req.followRedirects || !REDIRECTS.has(res.status) || !res.location) return res;
        if (hops >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
        const toGet =
          res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST');
        return hop(
          new URL(res.location, url),
          toGet ? 'GET' : method,
          toGet ? undefined : body,
          hops + 1,
        );
      };
      return hop(new URL(req.url), req.method, req.body, 0).then(
        ({ status, headers, body }) => ({
          status,
          headers,
          body,
          latencyMs: performance.now() - start,
        }),
        (error: unknown) => {
          const latencyMs = performance.now() - start;
          if (error instanceof TimeoutSignal)
            // Timers have 1 ms resolution: never report less than the timeout that fired.
            throw new HttpError(
              'timeout',
              `no response within ${req.timeoutMs}ms${error.via}`,
              Math.max(latencyMs, req.timeoutMs),
            );
          throw new HttpError('network', networkReason(error), latencyMs);
        },
      );
    },
  };
}

/** {@link createNodeHttp} reading the proxy settings from `process.env`. */
export const nodeHttp: Http = createNodeHttp();

/** Node's default trust store; `getCACertificates` is missing before Node 22.15 (bundled roots then). */
function defaultCertificates(): readonly string[] {
  const node = tls as Partial<Pick<typeof tls, 'getCACertificates'>>;
  return node.getCACertificates?.('default') ?? tls.rootCertificates;
}

/** Straight to the target over node:http(s), no agent. */
function directTransport(ca: string[] | undefined): Transport {
  return (url, method, headers, body, deadline) =>
    new Promise<Exchange>((resolve, reject) => {
      const r =
        url.protocol === 'https:'
          ? httpsRequest(url, { method, headers, agent: false, ...(ca && { ca }) })
          : httpRequest(url, { method, headers, agent: false });
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
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('aborted', () => fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
        res.on('end', () => {
          clearTimeout(timer);
          if (!res.complete)
            return reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
          const answer = exchange(res.statusCode ?? 0, res.headers, Buffer.concat(chunks));
          resolve(answer);
        });
      });
      r.end(body);
    });
}

/** Through `proxy` with undici's ProxyAgent (imported on first use), one agent per exchange. */
function proxiedTransport(proxy: URL, ca: string[] | undefined): Transport {
  const via = ` (via proxy ${proxyLabel(proxy)})`;
  return async (url, method, headers, body, deadline) => {
    const { ProxyAgent, request } = await import('undici');
    const agent = new ProxyAgent({
      uri: proxy.href,
      proxyTunnel: false, // http:// targets in absolute form; https:// always tunnel
      ...(ca && { requestTls: { ca } }),
    });
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new TimeoutSignal(via)),
      Math.max(0, deadline - performance.now()),
    );
    try {
      const res = await request(url, {
        method: method as Dispatcher.HttpMethod, // any token; undici's type lists the common ones
        headers: { ...headers },
        body,
        dispatcher: agent,
        signal: controller.signal,
      });
      const bytes = Buffer.from(await res.body.arrayBuffer());
      return exchange(res.statusCode, res.headers, bytes);
    } catch (error) {
      if (controller.signal.aborted) throw new TimeoutSignal(via);
      throw new ProxiedFailure(proxy, url, error);
    } finally {
      clearTimeout(timer);
      await agent.destroy().catch(() => undefined);
    }
  };
}

/** Lower-cased, single-valued headers and the body as text. */
function exchange(
  status: number,
  raw: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer,
): Exchange {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw))
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return {
    status,
    headers,
    body: body.toString('utf8'),
    ...(headers.location && { location: headers.location }),
  };
}

/** Destroys a request whose deadline passed; `via` names the proxy it went through, if any. */
class TimeoutSignal extends Error {
  override readonly name = 'TimeoutSignal';
  constructor(readonly via = '') {
    super('timeout');
  }
}

/** A failure of a request sent through a proxy: the proxy refused it, or the connection failed. */
class ProxiedFailure extends Error {
  override readonly name = 'ProxiedFailure';
  constructor(proxy: URL, target: URL, cause: unknown) {
    super(proxiedReason(proxy, target, cause));
  }
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
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET')
    return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  const message = field(error, 'message') ?? String(error);
  return code ? `${message} (${code})` : message;
}

/** The proxy's answer to a tunnel or request it refused (undici words it so), else the network reason. */
function proxiedReason(proxy: URL, target: URL, error: unknown): string {
  const label = proxyLabel(proxy);
  const message = field(error, 'message') ?? '';
  const status = /^Proxy response \((\d{3})\)|^Proxy Authentication Required \((407)\)/.exec(
    message,
  );
  const answered = status?.[1] ?? status?.[2];
  // undici's own wording could quote the proxy URL: mask any password in it.
  if (answered === undefined)
    return redactCredentials(`${networkReason(error)} (via proxy ${label})`);
  const what =
    target.protocol === 'https:'
      ? `CONNECT ${target.hostname}:${target.port || 443}`
      : `${target.origin}`;
  // 407 is the standard answer; tinyproxy says 401 to wrong credentials (a CONNECT's 401 is the proxy's).
  const hint =
    answered === '407' || answered === '401'
      ? proxy.username
        ? ': it rejected the user and password in the proxy URL'
        : ': it wants a user and password (http://user:password@host:port)'
      : '';
  return `proxy ${label} refused ${what} with HTTP ${answered}${hint}`;
}
