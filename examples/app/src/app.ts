/** The request handler: hello, health, metrics, and the test-only admin API. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from './config.js';
import { knobsToJson, parseKnobUpdate, parseRequestKnobs, type Knobs } from './knobs.js';
import { createMetrics, ROUTES, type AppMetrics, type Route } from './metrics.js';
import { KnobError } from './parse.js';

/** The `message` field of `GET /`. */
export const HELLO_MESSAGE = 'hello from switchyard example app';

/**
 * Header the image's own Docker HEALTHCHECK sends. Such a `/healthz` request answers from the
 * `healthy` knob alone: no delay, no `fail_next`, and no trace in `/admin/stats` or the metrics,
 * so the 1 s health poll cannot consume injected failures or break "sent no request" checks.
 */
export const PROBE_HEADER = 'x-switchyard-probe';
export const PROBE_VALUE = 'healthcheck';

/** A ready-to-serve app instance (exposed for in-process tests). */
export interface App {
  /** The node:http request listener. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
  readonly knobs: Readonly<Knobs>;
  readonly metrics: AppMetrics;
}

type Json = Record<string, unknown>;

/** Waits `ms` milliseconds; 0 answers at once instead of costing a timer tick. */
async function pause(ms: number): Promise<void> {
  if (ms > 0) await sleep(ms);
}

/** Builds the app: its knobs, counters and metrics live as long as the returned handler. */
export function createApp(config: AppConfig): App {
  const metrics = createMetrics(config.version, config.color);
  const knobs: Knobs = {
    errorRate: config.errorRate,
    delayMs: config.delayMs,
    healthy: true,
    failNext: 0,
  };
  const counts = new Map<Route, number>(ROUTES.map((route) => [route, 0]));
  let requests = 0;

  const send = (res: ServerResponse, status: number, body: Json, headers: Json = {}): void => {
    if (res.destroyed || res.writableEnded) return; // the client went away during a delay
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'X-App-Version': config.version,
      ...headers,
    });
    res.end(`${JSON.stringify(body)}\n`);
  };

  const methodNotAllowed = (res: ServerResponse, allow: string): void =>
    send(res, 405, { error: 'method not allowed', allow }, { Allow: allow });

  const isRead = (req: IncomingMessage): boolean => req.method === 'GET' || req.method === 'HEAD';

  const health = (res: ServerResponse): void => {
    const status = knobs.healthy ? 'healthy' : 'unhealthy';
    const body = { status, version: config.version, color: config.color };
    send(res, knobs.healthy ? 200 : 503, body);
  };

  /** `/admin`, `/admin/...` and `/metrics`: not counted, never delayed or failed. */
  const serveControl = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> => {
    if (url.pathname === '/metrics') {
      if (!isRead(req)) return methodNotAllowed(res, 'GET, HEAD');
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
      res.end(text);
      return;
    }
    if (url.pathname === '/admin') {
      if (!isRead(req) && req.method !== 'POST') return methodNotAllowed(res, 'GET, HEAD, POST');
      Object.assign(knobs, parseKnobUpdate(url.searchParams));
      return send(res, 200, { ...knobsToJson(knobs) });
    }
    if (url.pathname === '/admin/stats') {
      if (!isRead(req)) return methodNotAllowed(res, 'GET, HEAD');
      return send(res, 200, { requests, by_route: Object.fromEntries(counts) });
    }
    return send(res, 404, { error: 'not found', path: url.pathname });
  };

  /** Every other path: counted in /admin/stats and the http_* metrics. */
  const serveCounted = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    route: Route,
  ): Promise<void> => {
    if (knobs.failNext > 0) {
      knobs.failNext -= 1;
      return send(res, 503, { error: 'injected' });
    }
    if (route === 'other') {
      await pause(knobs.delayMs);
      return send(res, 404, { error: 'not found', path: url.pathname });
    }
    if (!isRead(req)) return methodNotAllowed(res, 'GET, HEAD');
    if (route === '/healthz') {
      await pause(knobs.delayMs);
      return health(res);
    }
    const own = parseRequestKnobs(url.searchParams);
    await pause(knobs.delayMs + own.delayMs);
    if (knobs.errorRate > 0 && Math.random() < knobs.errorRate) {
      return send(res, 500, { error: 'injected' });
    }
    const body = { message: HELLO_MESSAGE, version: config.version, color: config.color };
    return send(res, own.status ?? 200, body);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    const path = url.pathname;
    if (path === '/metrics' || path === '/admin' || path.startsWith('/admin/')) {
      return serveControl(req, res, url);
    }
    if (path === '/healthz' && req.headers[PROBE_HEADER] === PROBE_VALUE && isRead(req)) {
      return health(res);
    }
    const route: Route = path === '/' || path === '/healthz' ? path : 'other';
    requests += 1;
    counts.set(route, (counts.get(route) ?? 0) + 1);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observe(route, res.statusCode, seconds);
    });
    return serveCounted(req, res, url, route);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume(); // no endpoint reads a body; drain it so keep-alive works
    serve(req, res).catch((error: unknown) => {
      if (error instanceof KnobError) return send(res, 400, { error: error.message });
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`example-app: ${req.method ?? '?'} ${req.url ?? '?'}: ${message}\n`);
      return send(res, 500, { error: 'internal error' });
    });
  };

  return { handle, knobs, metrics };
}
