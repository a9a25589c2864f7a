/** nodeHttp, the real Http adapter, against loopback servers: answers, redirects, timeouts, failures. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { nodeHttp, HttpError, type HttpRequest } from '@switchyard/probe';

const BIG_BODY = `${'0123456789'.repeat(10_000)}-end`; // 100 kB, sent in several writes

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

/** The HTTP server: each path is one behaviour. */
async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  switch (req.url) {
    case '/ok':
      res.writeHead(200, {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Custom-Header': 'Value',
      });
      for (let i = 0; i < BIG_BODY.length; i += 16_384) res.write(BIG_BODY.slice(i, i + 16_384));
      return void res.end();
    case '/fail':
      res.writeHead(500, { 'Content-Type': 'text/plain', 'Retry-After': '5' });
      return void res.end('boom');
    case '/echo':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
    case '/redirect':
      res.writeHead(302, { Location: '/target' });
      return void res.end('moved');
    case '/target':
      return void res.end('target reached');
    case '/stall-body':
      res.writeHead(200, { 'Content-Length': '1000' });
      return void res.write('only the first bytes'); // and never the rest
    default:
      res.writeHead(404);
      return void res.end();
  }
}

const sockets = new Set<Socket>();
const track = (socket: Socket): void => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
};
let http: Server;
let silent: ReturnType<typeof createNetServer>; // accepts, never answers
let resetter: ReturnType<typeof createNetServer>; // how it drops the socket depends on the path
let closedPort = 0;

const listen = async (server: Server | ReturnType<typeof createNetServer>): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
const close = (server: Server | ReturnType<typeof createNetServer>): Promise<void> =>
  new Promise((resolve) => server.close(() => resolve()));
const base = (server: Server | ReturnType<typeof createNetServer>): string =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  http = createServer((req, res) => void route(req, res));
  http.on('connection', track);
  silent = createNetServer(track);
  resetter = createNetServer((socket) => {
    track(socket);
    socket.once('data', (data) => {
      const path = String(data).split(' ')[1];
      if (path === '/rst') return void socket.resetAndDestroy();
      if (path === '/mid-body') {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial');
        return void setTimeout(() => socket.destroy(), 50);
      }
      socket.destroy();
    });
  });
  await Promise.all([listen(http), listen(silent), listen(resetter)]);
  const gone = createNetServer();
  closedPort = await listen(gone);
  await close(gone);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  http.closeAllConnections();
  await Promise.all([close(http), close(silent), close(resetter)]);
});

const request = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'GET',
  url,
  headers: {},
  timeoutMs: 5_000,
  followRedirects: false,
  ...extra,
});

/** The HttpError the request rejects with (fails the test when it resolves). */
async function failure(req: HttpRequest): Promise<HttpError> {
  const outcome = await nodeHttp.request(req).then(
    (res) => new Error(`expected a rejection, got HTTP ${res.status}`),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(HttpError);
  return outcome as HttpError;
}

/** kind and message (an Error's message is not enumerable, so toMatchObject skips it). */
function reason(error: HttpError): { kind: string; message: string } {
  return { kind: error.kind, message: error.message };
}

describe('answers', () => {
  test.each([
    [
      '/ok',
      200,
      BIG_BODY,
      { 'content-type': 'text/plain; charset=utf-8', 'x-custom-header': 'Value' },
    ],
    ['/fail', 500, 'boom', { 'content-type': 'text/plain', 'retry-after': '5' }],
  ])(
    '[%#] %s resolves with status %d, lower-cased headers, the whole body',
    async (path, status, body, headers) => {
      const res = await nodeHttp.request(request(base(http) + path));
      expect(res.status).toBe(status);
      expect(res.body).toBe(body);
      expect(res.headers).toMatchObject(headers);
      for (const name of Object.keys(res.headers)) expect(name).toBe(name.toLowerCase());
      expect(res.latencyMs).toBeGreaterThan(0);
    },
  );

  test.each([
    ['POST', { 'Content-Type': 'application/json', 'X-Token': 'abc' }, '{"a":1}'],
    ['PUT', { 'X-Trace': 't-1' }, 'plain body\nline 2'],
    ['DELETE', { Accept: 'text/plain' }, undefined],
    ['GET', { 'X-Token': 'xyz' }, undefined],
  ])('[%#] sends %s with the given headers and body', async (method, headers, body) => {
    const res = await nodeHttp.request(request(`${base(http)}/echo`, { method, headers, body }));
    const seen = JSON.parse(res.body) as { method: string; headers: object; body: string };
    expect(seen.method).toBe(method);
    const lowered = Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]);
    expect(seen.headers).toMatchObject(Object.fromEntries(lowered) as object);
    expect(seen.body).toBe(body ?? '');
  });
});

describe('redirects', () => {
  test('followRedirects: true answers with the target', async () => {
    const res = await nodeHttp.request(
      request(`${base(http)}/redirect`, { followRedirects: true }),
    );
    expect(res).toMatchObject({ status: 200, body: 'target reached' });
  });

  test('followRedirects: false answers with the 302 itself and its location', async () => {
    const res = await nodeHttp.request(request(`${base(http)}/redirect`));
    expect(res).toMatchObject({ status: 302, body: 'moved' });
    expect(res.headers.location).toBe('/target');
  });
});

/** The failures: what the server does, the outcome, the timeout, the URL (known once listening). */
const FAILURES: ['timeout' | 'network', string, string, number, () => string][] = [
  ['timeout', 'no response within 300ms', 'never answers', 300, () => `${base(silent)}/`],
  ['timeout', 'no response within 300ms', 'stalls the body', 300, () => `${base(http)}/stall-body`],
  ['network', 'connection refused', 'is closed', 5_000, () => `http://127.0.0.1:${closedPort}/`],
  ['network', 'connection reset', 'closes on the request', 5_000, () => `${base(resetter)}/fin`],
  ['network', 'connection reset', 'resets on the request', 5_000, () => `${base(resetter)}/rst`],
  ['network', 'connection reset', 'closes mid-body', 5_000, () => `${base(resetter)}/mid-body`],
];

describe('failures reject with HttpError', () => {
  test.each(FAILURES)(
    '[%#] %s %o is an HttpError, timed right: a server that %s, timeoutMs %d',
    async (kind, _message, _what, timeoutMs, url) => {
      const error = await failure(request(url(), { timeoutMs }));
      // A timeout never reports less than its timeout (the adapter rounds up the 1 ms timer slack);
      // a network failure comes long before its timeout.
      if (kind === 'timeout') expect(error.latencyMs).toBeGreaterThanOrEqual(timeoutMs);
      else expect(error.latencyMs).toBeLessThan(timeoutMs);
      expect(error.latencyMs).toBeGreaterThan(0);
    },
    10_000,
  );

  // Exact classification. Under jest, node's errors may come from another realm (instanceof Error
  // can be false); the adapter reads them structurally, so this holds there as in plain Node.
  test.each(FAILURES)(
    '[%#] HttpError %s %o: a server that %s',
    async (kind, message, _what, timeoutMs, url) => {
      const error = await failure(request(url(), { timeoutMs }));
      expect(reason(error)).toEqual({ kind, message });
    },
    10_000,
  );
});
