/**
 * nodeHttp behind a real forward proxy (Debian's tinyproxy on loopback): http:// targets in absolute
 * form, https:// through CONNECT, NO_PROXY, credentials, and the proxy's refusals as clear errors.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  bypassesProxy,
  createNodeHttp,
  HttpError,
  readProxyEnv,
  type Env,
  type Http,
  type HttpRequest,
} from '@switchyard/probe';
import { startForwardProxy, type ForwardProxy } from '../support/forward-proxy.js';
import { freePort } from '../support/testbed.js';

const run = promisify(execFile);
const USER = 'deployer';
const PASSWORD = 'pr0xy.s3cret-9'; // tinyproxy's BasicAuth takes [-a-z0-9._] only
const IN_URL = `${USER}:${encodeURIComponent(PASSWORD)}`;

/** Answers with what it saw; `/redirect` → `/target`; `/stall-body` never ends its body. */
async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  if (req.url === '/redirect') return void res.writeHead(302, { Location: '/target' }).end();
  if (req.url === '/stall-body')
    return void res.writeHead(200, { 'Content-Length': '99' }).write('x');
  res.writeHead(200, { 'Content-Type': 'application/json', 'X-Answer': 'Yes' });
  const { method, url } = req;
  res.end(
    JSON.stringify({
      method,
      url,
      via: req.headers.via ?? null,
      token: req.headers['x-token'],
      body,
    }),
  );
}
const serve = (req: IncomingMessage, res: ServerResponse): void => void route(req, res);

/** What afterAll undoes, newest first; filled as beforeAll goes, so a failed start cleans up too. */
const cleanups: (() => Promise<void> | void)[] = [];
let cert: string;
let plain: Server;
let secure: Server;
let open: ForwardProxy; // no auth; CONNECT only to the https server's port
let guarded: ForwardProxy; // basic auth
let plainBase: string;
let secureBase: string;
let securePort: number;

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-proxy-test-'));
  cleanups.unshift(() => rmSync(dir, { recursive: true, force: true }));
  const [key, crt] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  await run('openssl', [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', crt],
  ]);
  cert = readFileSync(crt, 'utf8');
  plain = createServer(serve);
  secure = createHttpsServer({ key: readFileSync(key), cert }, serve);
  for (const server of [plain, secure])
    cleanups.unshift(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
  plainBase = `http://127.0.0.1:${await listen(plain)}`;
  securePort = await listen(secure);
  secureBase = `https://127.0.0.1:${securePort}`;
  open = await startForwardProxy({ connectPorts: [securePort] });
  cleanups.unshift(() => open.close());
  guarded = await startForwardProxy({ auth: { user: USER, password: PASSWORD } });
  cleanups.unshift(() => guarded.close());
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const request = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'GET',
  url,
  headers: {},
  timeoutMs: 10_000,
  followRedirects: false,
  ...extra,
});

/** A client reading `env` and trusting the test certificate. */
const client = (env: Env): Http => createNodeHttp({ env, ca: [cert] });

/** The HttpError the request rejects with (fails the test when it resolves). */
async function failure(env: Env, req: HttpRequest): Promise<HttpError> {
  const outcome = await client(env)
    .request(req)
    .then(
      (res) => new Error(`expected a rejection, got HTTP ${res.status}`),
      (error: unknown) => error,
    );
  expect(outcome).toBeInstanceOf(HttpError);
  return outcome as HttpError;
}

/** Whether the proxy's log holds a request for `target` (a full URL, or host:port for CONNECT). */
const saw = (proxy: ForwardProxy, target: string): boolean =>
  proxy.requests().some((r) => r.target === target);

/** What the target server saw, from its answer. */
interface Seen {
  method: string;
  url: string;
  via: string | null;
  token?: string;
  body: string;
}
const seen = (body: string): Seen => JSON.parse(body) as Seen;

let unique = 0;
/** A path no other test requests, so the proxy's log tells this request apart. */
const fresh = (): string => `/echo-${++unique}`;

describe('through the proxy', () => {
  test('an http:// target goes in absolute form through HTTP_PROXY', async () => {
    const url = plainBase + fresh();
    const res = await client({ HTTP_PROXY: open.url }).request(request(url));
    expect(res.status).toBe(200);
    expect(seen(res.body).via).toMatch(/tinyproxy/); // the Via header the proxy added
    expect(open.requests()).toContainEqual({ method: 'GET', target: url });
  });

  test('an https:// target goes through a CONNECT tunnel to HTTPS_PROXY (lowercase form)', async () => {
    const path = fresh();
    const res = await client({ https_proxy: open.url }).request(request(secureBase + path));
    // A tunnel: the proxy sees only CONNECT, the server gets the request untouched (no Via).
    expect(seen(res.body)).toMatchObject({ url: path, via: null });
    expect(open.requests()).toContainEqual({
      method: 'CONNECT',
      target: `127.0.0.1:${securePort}`,
    });
  });

  test.each([
    ['http', () => plainBase],
    ['https', () => secureBase],
  ])('[%#] an %s POST keeps its method, headers and body through the proxy', async (_s, base) => {
    const env = { HTTP_PROXY: open.url, HTTPS_PROXY: open.url };
    const res = await client(env).request(
      request(base() + fresh(), { method: 'POST', headers: { 'X-Token': 't-1' }, body: 'a\nb' }),
    );
    expect(seen(res.body)).toMatchObject({ method: 'POST', token: 't-1', body: 'a\nb' });
    expect(res.headers['x-answer']).toBe('Yes');
  });

  test('redirects are followed through the proxy', async () => {
    const res = await client({ HTTP_PROXY: open.url }).request(
      request(`${plainBase}/redirect`, { followRedirects: true }),
    );
    expect(seen(res.body).url).toBe('/target');
    expect(saw(open, `${plainBase}/target`)).toBe(true);
  });

  test('the timeout covers the body through the proxy, and names it', async () => {
    const error = await failure(
      { HTTP_PROXY: open.url },
      request(`${plainBase}/stall-body`, { timeoutMs: 300 }),
    );
    expect({ kind: error.kind, message: error.message }).toEqual({
      kind: 'timeout',
      message: `no response within 300ms (via proxy ${open.url})`,
    });
    expect(error.latencyMs).toBeGreaterThanOrEqual(300);
  });

  test('an https:// target ignores HTTP_PROXY (no fallback, like curl and Go)', async () => {
    const before = open.requests().length;
    const res = await client({ HTTP_PROXY: open.url }).request(request(secureBase + fresh()));
    expect(res.status).toBe(200);
    expect(open.requests()).toHaveLength(before);
  });
});

describe('NO_PROXY', () => {
  /** The variables, and whether a request to the plain server (on 127.0.0.1) goes through. */
  const ROWS: [string, boolean, (port: number) => Env][] = [
    ['the host', false, () => ({ NO_PROXY: '127.0.0.1' })],
    ['the host and its port', false, (port) => ({ NO_PROXY: `example.com, 127.0.0.1:${port}` })],
    ['the host, another port', true, (port) => ({ NO_PROXY: `127.0.0.1:${port + 1}` })],
    ['*', false, () => ({ NO_PROXY: '*' })],
    ['lowercase no_proxy first', false, () => ({ no_proxy: '127.0.0.1', NO_PROXY: 'x.test' })],
    ['localhost: loopback is not special', true, () => ({ NO_PROXY: 'localhost,::1' })],
    ['unset', true, () => ({})],
  ];

  test.each(ROWS)('[%#] %s: through the proxy %p', async (_what, through, noProxy) => {
    const port = Number(new URL(plainBase).port);
    const url = plainBase + fresh();
    const res = await client({ HTTP_PROXY: open.url, ...noProxy(port) }).request(request(url));
    expect(res.status).toBe(200);
    expect(saw(open, url)).toBe(through);
    expect(/tinyproxy/.test(seen(res.body).via ?? '')).toBe(through);
  });

  test.each([{}, { NO_PROXY: 'example.com' }, { HTTP_PROXY: ' ', https_proxy: '' }])(
    '[%#] %o: no proxy at all (nodeHttp goes direct and never loads undici)',
    (env) => expect(readProxyEnv(env)).toBeUndefined(),
  );

  /** The matching rules, on names that need no DNS: [NO_PROXY, target, bypassed]. */
  test.each([
    ['example.com', 'https://example.com/', true],
    ['example.com', 'https://api.example.com/', true],
    ['example.com', 'https://badexample.com/', false],
    ['.example.com', 'https://api.example.com/', true],
    ['.example.com', 'https://example.com/', false],
    ['*.example.com', 'https://a.b.example.com/', true],
    ['*.example.com', 'https://example.com/', false],
    ['EXAMPLE.com', 'https://Example.COM./', true],
    ['example.com:443', 'https://example.com/', true],
    ['example.com:443', 'http://example.com/', false],
    ['example.com:8443', 'https://example.com:8443/', true],
    ['10.0.0.1', 'http://10.0.0.1:8080/', true],
    ['::1', 'http://[::1]:8080/', true],
    ['[::1]:8080', 'http://[::1]:8080/', true],
    ['[::1]:8080', 'http://[::1]:9090/', false],
    ['a.test b.test,,c.test', 'http://b.test/', true],
    ['', 'http://localhost/', false],
    ['foo, *', 'http://anything.test/', true],
  ])('[%#] NO_PROXY %p, %s: bypassed %p', (noProxy, target, bypassed) => {
    const proxies = readProxyEnv({ HTTPS_PROXY: 'proxy:3128', NO_PROXY: noProxy });
    expect(proxies && bypassesProxy(new URL(target), proxies)).toBe(bypassed);
  });
});

describe('proxy credentials', () => {
  test.each([
    ['http', () => plainBase],
    ['https', () => secureBase],
  ])('[%#] an %s target through a proxy that wants them', async (scheme, base) => {
    const proxy = `http://${IN_URL}@127.0.0.1:${guarded.port}`;
    const url = base() + fresh();
    const res = await client({ HTTP_PROXY: proxy, HTTPS_PROXY: proxy }).request(request(url));
    expect(res.status).toBe(200);
    const target = scheme === 'https' ? new URL(url).host : url;
    expect(saw(guarded, target)).toBe(true);
  });

  test.each([
    // tinyproxy answers 401 to wrong credentials, 407 to none
    [`http://${USER}:wrong@`, 401, 'it rejected the user and password in the proxy URL'],
    ['http://', 407, 'it wants a user and password (http://user:password@host:port)'],
  ])(
    '[%#] a CONNECT refused (%s…) with %d names the proxy, never the password',
    async (prefix, status, hint) => {
      const error = await failure(
        { HTTPS_PROXY: `${prefix}127.0.0.1:${guarded.port}` },
        request(`${secureBase}/`),
      );
      expect({ kind: error.kind, message: error.message }).toEqual({
        kind: 'network',
        message: `proxy ${guarded.url} refused CONNECT 127.0.0.1:${securePort} with HTTP ${status}: ${hint}`,
      });
      expect(error.message).not.toContain('wrong');
    },
  );
});

describe('the proxy refusing or failing', () => {
  test('a CONNECT to a port the proxy forbids: 403, naming the proxy', async () => {
    const port = await freePort();
    const error = await failure({ HTTPS_PROXY: open.url }, request(`https://127.0.0.1:${port}/`));
    expect({ kind: error.kind, message: error.message }).toEqual({
      kind: 'network',
      message: `proxy ${open.url} refused CONNECT 127.0.0.1:${port} with HTTP 403`,
    });
    expect(saw(open, `127.0.0.1:${port}`)).toBe(true);
  });

  test('a proxy that is down: connection refused, naming it without its password', async () => {
    const port = await freePort();
    const error = await failure(
      { HTTP_PROXY: `http://${IN_URL}@127.0.0.1:${port}` },
      request(`${plainBase}/`),
    );
    expect({ kind: error.kind, message: error.message }).toEqual({
      kind: 'network',
      message: `connection refused (via proxy http://127.0.0.1:${port})`,
    });
  });

  test.each([
    ['HTTPS_PROXY', `socks5://${IN_URL}@127.0.0.1:1080`, 'uses socks5, which is not supported'],
    ['http_proxy', `http://${IN_URL}@[bad`, 'is not a URL'],
  ])(
    '[%#] %s set to a bad value: every request fails, the password masked',
    async (name, value, why) => {
      const error = await failure({ [name]: value }, request(`${plainBase}/`));
      expect(error.kind).toBe('network');
      expect(error.message).toMatch(new RegExp(`^${name} ".*\\*\\*\\*.*" ${why}`));
      for (const secret of [PASSWORD, encodeURIComponent(PASSWORD)])
        expect(error.message).not.toContain(secret);
    },
  );
});
