/**
 * The client's transport against servers on loopback: a scripted stand-in for the API (these cases
 * are about HTTP, retries and proxies, not about what GitHub holds) and a real forward proxy.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { InputError, ActionError } from '@switchyard/kit';
import { RecordingLogger } from '../../../test/support/fakes.js';
import { thrown } from '../../../test/support/thrown.js';
import { apiUrlFrom, createGithubClient, type GithubClient } from '../src/client.js';
import type { Env } from '../src/context.js';

type Answer = (req: IncomingMessage, res: ServerResponse, n: number) => void;

interface Stub {
  readonly url: string;
  readonly seen: { method: string; path: string; auth: string; agent: string }[];
  close(): Promise<void>;
}

const sockets = new Set<Socket>();
const track = (server: Server): Server => server.on('connection', (s) => sockets.add(s));
const listen = (server: Server): Promise<number> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
const closing = (server: Server) => (): Promise<void> =>
  new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });

/** An API stand-in answering the n-th request (from 1) with `answer`. */
async function stub(answer: Answer): Promise<Stub> {
  const seen: Stub['seen'] = [];
  const server = track(
    createServer((req, res) => {
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        auth: String(req.headers.authorization ?? ''),
        agent: String(req.headers['user-agent'] ?? ''),
      });
      answer(req, res, seen.length);
    }),
  );
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/api/v3`, seen, close: closing(server) };
}

const json = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

const TOKEN = 'ghs_fakeTokenForTheLoopbackServer0001';

function client(
  env: Env,
  extra: { timeoutMs?: number; retries?: number } = {},
): {
  octokit: GithubClient;
  log: RecordingLogger;
  secrets: string[];
} {
  const log = new RecordingLogger();
  const secrets: string[] = [];
  const octokit = createGithubClient({
    token: TOKEN,
    env,
    log,
    setSecret: (s) => secrets.push(s),
    ...extra,
  });
  return { octokit, log, secrets };
}

const list = (octokit: GithubClient): Promise<unknown> =>
  octokit.rest.repos.listDeployments({ owner: 'acme', repo: 'shop', environment: 'production' });

let server: Stub | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createGithubClient', () => {
  test('masks the token first, then talks to GITHUB_API_URL with it (GitHub Enterprise Server path kept)', async () => {
    server = await stub((_q, res) => json(res, 200, []));
    const { octokit, secrets } = client({ GITHUB_API_URL: server.url });
    expect(secrets).toEqual([TOKEN]);
    const { data } = await octokit.rest.repos.listDeployments({
      owner: 'acme',
      repo: 'shop',
      environment: 'production',
    });
    expect(data).toEqual([]);
    expect(server.seen).toEqual([
      {
        method: 'GET',
        path: '/api/v3/repos/acme/shop/deployments?environment=production',
        auth: `token ${TOKEN}`,
        agent: expect.stringMatching(/^switchyard /) as string,
      },
    ]);
  });

  test('a 502 is retried, then the answer is used', async () => {
    server = await stub((_q, res, n) =>
      n === 1 ? json(res, 502, { message: 'Server Error' }) : json(res, 200, []),
    );
    const { octokit } = client({ GITHUB_API_URL: server.url });
    await expect(list(octokit)).resolves.toMatchObject({ status: 200, data: [] });
    expect(server.seen).toHaveLength(2);
  });

  test('5xx retries are bounded: with retries 1, the second 502 is the answer', async () => {
    server = await stub((_q, res) => json(res, 502, { message: 'Server Error' }));
    const { octokit } = client({ GITHUB_API_URL: server.url }, { retries: 1 });
    await expect(list(octokit)).rejects.toMatchObject({ status: 502 });
    expect(server.seen).toHaveLength(2);
  });

  test('a secondary rate limit is waited out as retry-after says, with a warning', async () => {
    server = await stub((_q, res, n) =>
      n === 1
        ? json(
            res,
            403,
            {
              message:
                'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            },
            { 'retry-after': '1' },
          )
        : json(res, 200, []),
    );
    const { octokit, log } = client({ GITHUB_API_URL: server.url });
    await expect(list(octokit)).resolves.toMatchObject({ status: 200 });
    expect(server.seen).toHaveLength(2);
    expect(log.lines).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(
        /^GitHub secondary rate limit on GET .*: retrying in 1 s$/,
      ) as string,
    });
  });

  test('a rate limit asking for more than 60 s is not waited out', async () => {
    server = await stub((_q, res) =>
      json(
        res,
        403,
        { message: 'You have exceeded a secondary rate limit.' },
        { 'retry-after': '3600' },
      ),
    );
    const { octokit, log } = client({ GITHUB_API_URL: server.url });
    await expect(list(octokit)).rejects.toMatchObject({ status: 403 });
    expect(server.seen).toHaveLength(1);
    expect(log.text()).toMatch(/not retrying \(asked to wait 3600 s, retry 1\)/);
  });

  test('an exhausted primary quota (429, x-ratelimit-remaining 0) is retried after the reset', async () => {
    server = await stub((_q, res, n) =>
      n === 1
        ? json(
            res,
            429,
            { message: 'API rate limit exceeded' },
            {
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)),
            },
          )
        : json(res, 200, []),
    );
    const { octokit, log } = client({ GITHUB_API_URL: server.url });
    await expect(list(octokit)).resolves.toMatchObject({ status: 200 });
    expect(server.seen).toHaveLength(2);
    expect(log.text()).toMatch(/GitHub rate limit on GET .*: retrying in \d s/);
  });

  test('a server that never answers: the request gives up after the timeout and says so', async () => {
    server = await stub(() => undefined);
    const { octokit } = client({ GITHUB_API_URL: server.url }, { timeoutMs: 1000, retries: 0 });
    await expect(list(octokit)).rejects.toThrow(/^127\.0\.0\.1:\d+ gave no answer within 1 s$/);
  });

  test('a closed port: the error names the host and the cause, after the bounded retries', async () => {
    const closed = await stub(() => undefined);
    const url = closed.url;
    await closed.close();
    const { octokit } = client({ GITHUB_API_URL: url }, { retries: 1 });
    await expect(list(octokit)).rejects.toThrow(
      /^could not reach 127\.0\.0\.1:\d+: fetch failed \(ECONNREFUSED\)$/,
    );
  });

  test.each<[string, Record<string, number>]>([
    ['timeoutMs', { timeoutMs: 0 }],
    ['timeoutMs', { timeoutMs: 600_000 }],
    ['retries', { retries: 9 }],
    ['retries', { retries: 1.5 }],
  ])('[%s] out of range: %o is an InputError', (name, extra) => {
    const error = thrown(() => client({}, extra), InputError);
    expect(error.input).toBe(name);
  });

  test('an empty token is an InputError', () => {
    const log = new RecordingLogger();
    expect(
      thrown(
        () => createGithubClient({ token: ' ', env: {}, log, setSecret: () => undefined }),
        InputError,
      ).message,
    ).toMatch(/^input "token": "" is empty/);
  });
});

describe('apiUrlFrom', () => {
  test.each<[Env, string]>([
    [{}, 'https://api.github.com'],
    [{ GITHUB_API_URL: '' }, 'https://api.github.com'],
    [{ GITHUB_API_URL: 'https://ghe.acme.test/api/v3/' }, 'https://ghe.acme.test/api/v3'],
  ])('[%#] %o → %s', (env, url) => expect(apiUrlFrom(env)).toBe(url));

  test.each<[Env, RegExp]>([
    [{ GITHUB_API_URL: 'ghe' }, /GITHUB_API_URL is "ghe", not a URL/],
    [{ GITHUB_API_URL: 'file:///etc' }, /use an http\(s\) URL without credentials/],
    [{ GITHUB_API_URL: 'https://u:secret@ghe/api' }, /without credentials/],
  ])('[%#] %o is refused', (env, message) => {
    const error = thrown(() => apiUrlFrom(env), ActionError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('secret');
  });
});

describe('through a forward proxy on loopback (HTTP_PROXY / NO_PROXY)', () => {
  let proxy: { url: string; seen: string[]; close: () => Promise<void> };

  beforeEach(async () => {
    const seen: string[] = [];
    const p = track(createServer());
    // Plain requests with an absolute URL are forwarded; CONNECT opens a tunnel (undici tunnels).
    p.on('request', (req: IncomingMessage, res: ServerResponse) => {
      seen.push(`${req.method} ${req.url}`);
      const up = httpRequest(req.url ?? '', { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    p.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      seen.push(`CONNECT ${req.url}`);
      const [host = '', port = ''] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    const port = await listen(p);
    proxy = { url: `http://127.0.0.1:${port}`, seen, close: closing(p) };
  });
  afterEach(() => proxy.close());

  test('requests go through the proxy when HTTP_PROXY is set', async () => {
    server = await stub((_q, res) => json(res, 200, []));
    const { octokit } = client({ GITHUB_API_URL: server.url, HTTP_PROXY: proxy.url });
    await expect(list(octokit)).resolves.toMatchObject({ status: 200 });
    const host = new URL(server.url).host;
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(proxy.seen.every((line) => line.includes(host))).toBe(true);
    expect(server.seen).toHaveLength(1);
  });

  test('NO_PROXY names the API host: the proxy sees nothing', async () => {
    server = await stub((_q, res) => json(res, 200, []));
    const { octokit } = client({
      GITHUB_API_URL: server.url,
      HTTP_PROXY: proxy.url,
      NO_PROXY: '127.0.0.1',
    });
    await expect(list(octokit)).resolves.toMatchObject({ status: 200 });
    expect(proxy.seen).toEqual([]);
    expect(server.seen).toHaveLength(1);
  });
});
