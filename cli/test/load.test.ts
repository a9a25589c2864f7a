import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  isLoopback,
  KeepAliveLoad,
  lastAnswerFrom,
  tally,
  type Sample,
  type Tally,
} from '../src/load.js';

const T = 1_000_000;
const sample = (at: number, over: Partial<Sample> = {}): Sample => ({ at, ms: 3, ...over });

describe('tally', () => {
  test.each<[string, Sample, Partial<Tally>]>([
    ['a 200 from the app is served', sample(T, { status: 200, version: '1.0.0' }), { served: 1 }],
    ['a 304 is served', sample(T, { status: 304, version: '1.0.0' }), { served: 1 }],
    [
      'a 500 the app gave (it has a version) is an app error',
      sample(T, { status: 500, version: '3.0.0' }),
      { appErrors: 1 },
    ],
    [
      'a 404 from the app is an app error',
      sample(T, { status: 404, version: '3.0.0' }),
      { appErrors: 1 },
    ],
    ['a 503 without a version (the proxy’s) failed', sample(T, { status: 503 }), { failed: 1 }],
    ['a socket error failed', sample(T, { error: 'ECONNRESET' }), { failed: 1 }],
    ['a timeout failed', sample(T, { error: 'timeout' }), { failed: 1 }],
  ])('[%#] %s', (_title, s, expected) => {
    const zero = { requests: 1, served: 0, failed: 0, appErrors: 0 };
    expect(tally([s])).toMatchObject({ ...zero, ...expected });
  });

  test('counts answers per version, whatever their status', () => {
    const t = tally([
      sample(T, { status: 200, version: '2.0.0' }),
      sample(T + 1, { status: 200, version: '3.0.0' }),
      sample(T + 2, { status: 500, version: '3.0.0' }),
      sample(T + 3, { status: 502 }),
      sample(T + 4, { error: 'ECONNREFUSED' }),
    ]);
    expect(t).toEqual({
      requests: 5,
      served: 2,
      failed: 2,
      appErrors: 1,
      versions: { '2.0.0': 1, '3.0.0': 2 },
    });
  });

  test('nothing to count', () => {
    expect(tally([])).toEqual({ requests: 0, served: 0, failed: 0, appErrors: 0, versions: {} });
  });

  test.each<[string, number, number, number[]]>([
    ['both bounds are inclusive', T, T + 2000, [T, T + 1000, T + 2000]],
    ['a window that holds nothing', T + 1, T + 999, []],
    ['one instant', T + 1000, T + 1000, [T + 1000]],
    ['open below', -Infinity, T, [T - 1, T]],
  ])('[%#] window: %s', (_title, from, to, counted) => {
    const all = [T - 1, T, T + 1000, T + 2000, T + 2001].map((at) =>
      sample(at, { status: 200, version: String(at) }),
    );
    const t = tally(all, from, to);
    expect(t.requests).toBe(counted.length);
    expect(
      Object.keys(t.versions)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(counted);
  });
});

describe('lastAnswerFrom', () => {
  const samples = [
    sample(T + 30, { status: 200, version: '3.0.0' }),
    sample(T + 50, { status: 500, version: '3.0.0' }),
    // Samples are pushed when they finish: a later start may come first.
    sample(T + 40, { status: 200, version: '3.0.0' }),
    sample(T + 60, { status: 200, version: '2.0.0' }),
    sample(T + 70, { error: 'timeout' }),
  ];
  test.each([
    ['3.0.0', T + 50],
    ['2.0.0', T + 60],
    ['1.0.0', undefined],
  ])('[%#] %s → %s', (version, at) => expect(lastAnswerFrom(samples, version)).toBe(at));
});

describe('isLoopback', () => {
  test.each([
    ['http://127.0.0.1:8080/', true],
    ['http://127.1.2.3/', true],
    ['http://127.1/', true],
    ['http://localhost:18080/?delay_ms=5', true],
    ['http://[::1]:8080/', true],
    ['http://10.0.0.1/', false],
    ['http://0.0.0.0:8080/', false],
    ['http://example.com/', false],
    ['http://127.0.0.1.nip.io/', false],
    ['http://localhost.example.com/', false],
    ['http://[::ffff:7f00:1]/', false],
  ])('[%#] %s → %s', (url, expected) => expect(isLoopback(new URL(url))).toBe(expected));
});

describe('KeepAliveLoad', () => {
  test.each([['http://10.1.2.3:8080/'], ['http://example.com/']])(
    '[%#] refuses %s: the load goes to loopback only',
    (url) => {
      expect(() => new KeepAliveLoad(new URL(url))).toThrow(
        `the demo load goes to loopback only, not ${new URL(url).host}`,
      );
    },
  );

  describe('against a real server on 127.0.0.1', () => {
    let server: Server;
    let url: URL;
    let answered = 0;
    const sockets = new Set<unknown>();

    beforeAll(async () => {
      // The first answer is the app's (200, with a version); the second the app's own 500;
      // after that a proxy-like 503 without X-App-Version.
      server = createServer((req, res) => {
        answered++;
        if (answered === 1) res.writeHead(200, { 'X-App-Version': '1.0.0' }).end('ok');
        else if (answered === 2) res.writeHead(500, { 'X-App-Version': '1.0.0' }).end('app error');
        else res.writeHead(503).end('no server available');
      });
      server.on('connection', (s) => sockets.add(s));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });

    test('records each request and stops when asked', async () => {
      const t0 = Date.now();
      const load = new KeepAliveLoad(url, { connections: 1, pauseMs: 1 });
      while (load.samples.length < 4) await new Promise((r) => setTimeout(r, 5));
      const samples = await load.stop();
      const after = samples.length;

      expect(samples.slice(0, 3)).toEqual([
        expect.objectContaining({ status: 200, version: '1.0.0' }),
        expect.objectContaining({ status: 500, version: '1.0.0' }),
        { at: expect.any(Number) as number, ms: expect.any(Number) as number, status: 503 },
      ]);
      for (const s of samples) {
        expect(s.at).toBeGreaterThanOrEqual(t0);
        expect(s.ms).toBeGreaterThanOrEqual(0);
      }
      expect(tally(samples)).toEqual({
        requests: samples.length,
        served: 1,
        appErrors: 1,
        failed: samples.length - 2,
        versions: { '1.0.0': 2 },
      });
      // One keep-alive connection for all of them.
      expect(sockets.size).toBe(1);
      await new Promise((r) => setTimeout(r, 30));
      expect(load.samples).toHaveLength(after);
    });
  });

  test('a refused connection is a failed request, with its error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));

    const load = new KeepAliveLoad(new URL(`http://127.0.0.1:${port}/`), {
      connections: 2,
      pauseMs: 1,
    });
    while (load.samples.length < 2) await new Promise((r) => setTimeout(r, 5));
    const samples = await load.stop();
    expect(samples[0]).toEqual({
      at: expect.any(Number) as number,
      ms: expect.any(Number) as number,
      error: expect.stringContaining('ECONNREFUSED') as string,
    });
    expect(tally(samples)).toMatchObject({ served: 0, appErrors: 0, failed: samples.length });
  });

  test('stops by itself after maxDurationMs', async () => {
    const server = createServer((_req, res) => res.writeHead(200).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const load = new KeepAliveLoad(new URL(`http://127.0.0.1:${port}/`), {
        connections: 1,
        pauseMs: 1,
        maxDurationMs: 40,
      });
      await new Promise((r) => setTimeout(r, 150));
      const settled = load.samples.length;
      expect(settled).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 60));
      expect(load.samples).toHaveLength(settled);
      expect((await load.stop()).length).toBe(settled);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
