/**
 * The load harness must catch a lossy switch, or a zero-error deploy test proves nothing. Negative
 * control (shared/TESTBED.md §3): nginx with default client keep-alive, reloaded to switch, drops
 * in-flight keep-alive requests; positive control: HAProxy's runtime API switches with none lost.
 * wrk runs on loopback only. Needs `scripts/testbed up`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  isLoopbackUrl,
  parseWrkOutput,
  socketErrorTotal,
  startLoad,
  type LoadResult,
} from '../support/load.js';
import { startNginxRouter, type NginxRouter } from '../support/nginx-router.js';
import { AppContainer, docker, freePort, testbed } from '../support/testbed.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const LABEL = 'switchyard.testbed=true';
const RUN_ID = `${process.pid}-${Date.now().toString(36)}`;
const SWITCHES = 10;

/** GETs `url` until the body names `color` (a switch is not instant); resolves to the wait in ms. */
async function waitForColor(url: string, color: string, timeoutMs = 5000): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      const res = await fetch(url, { headers: { 'Cache-Control': 'no-cache' } });
      const body = (await res.json()) as { color?: string };
      if (body.color === color) return Date.now() - started;
    } catch {
      // retry
    }
    if (Date.now() - started > timeoutMs) throw new Error(`${url} never answered color ${color}`);
    await sleep(20);
  }
}

const summary = (r: LoadResult): string =>
  `${r.requests} requests in ${r.durationMs} ms (${Math.round(r.rps)}/s), ${r.non2xx} non-2xx, socket errors ${JSON.stringify(r.socketErrors)}`;

/** Runs wrk for `durationMs` while `switchTo` flips colours SWITCHES times, evenly spaced. */
async function loadWithSwitches(
  url: string,
  durationMs: number,
  switchTo: (color: 'blue' | 'green') => Promise<void>,
): Promise<LoadResult> {
  const load = startLoad(url, { connections: 50, threads: 2, maxDurationMs: durationMs + 5000 });
  try {
    // Switch i is due at start + i·gap, so slow switches do not stretch the run.
    const start = Date.now();
    const gap = durationMs / (SWITCHES + 1);
    const until = (at: number): Promise<void> => sleep(Math.max(0, start + at - Date.now()));
    for (let i = 1; i <= SWITCHES; i++) {
      await until(i * gap);
      const color = i % 2 === 1 ? 'green' : 'blue';
      await switchTo(color);
      await waitForColor(url, color);
    }
    await until(durationMs);
  } catch (e) {
    await load.stop().catch(() => undefined); // a failed switch must not leave wrk running
    throw e;
  }
  return load.stop();
}

describe('parseWrkOutput (recorded wrk 4.1.0 output)', () => {
  const clean = [
    'Running 30s test @ http://127.0.0.1:18999/',
    '  2 threads and 10 connections',
    '  Thread Stats   Avg      Stdev     Max   +/- Stdev',
    '    Latency     1.28ms    4.13ms  60.40ms   96.73%',
    '    Req/Sec     9.15k     4.66k   16.46k    60.00%',
    '  36402 requests in 2.00s, 4.30MB read',
    'Requests/sec:  18190.78',
    'Transfer/sec:      2.15MB',
  ].join('\n');
  const errors = [
    'Running 1s test @ http://127.0.0.1:18999/',
    '  2 threads and 10 connections',
    '  Thread Stats   Avg      Stdev     Max   +/- Stdev',
    '    Latency     1.70ms    3.01ms  38.37ms   94.13%',
    '    Req/Sec     4.50k     2.17k    8.53k    65.00%',
    '  8962 requests in 1.01s, 1.08MB read',
    '  Socket errors: connect 0, read 182, write 3, timeout 7',
    '  Non-2xx or 3xx responses: 1279',
    'Requests/sec:   8914.60',
    'Transfer/sec:      1.08MB',
  ].join('\n');
  test.each([
    ['SIGINT after 2 s, no errors', clean, [36402, 0, [0, 0, 0, 0], 2000, 18190.78]],
    ['errors and non-2xx', errors, [8962, 1279, [0, 182, 3, 7], 1010, 8914.6]],
    ['minutes', clean.replace('in 2.00s', 'in 1.50m'), [36402, 0, [0, 0, 0, 0], 90000, 18190.78]],
    [
      'milliseconds',
      clean.replace('in 2.00s', 'in 850.12ms'),
      [36402, 0, [0, 0, 0, 0], 850, 18190.78],
    ],
  ] as const)(
    '[%#] %s',
    (_what, text, [requests, non2xx, [connect, read, write, timeout], ms, rps]) => {
      const r = parseWrkOutput(text);
      expect(r).toEqual({
        requests,
        non2xx,
        socketErrors: { connect, read, write, timeout },
        durationMs: ms,
        rps,
        raw: text,
      });
    },
  );

  test('no summary (wrk could not connect) throws with the output', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n')).toThrow(
      /no summary:\nunable to connect/,
    );
  });
});

describe('startLoad refuses non-loopback targets before sending anything', () => {
  test.each([
    ['http://10.0.0.1/', false],
    ['http://172.17.0.2:8080/', false],
    ['http://example.com/', false],
    ['https://127.0.0.1/', false],
    ['http://127.0.0.1:8080/', true],
    ['http://127.8.9.10/', true],
    ['http://localhost:1/', true],
    ['http://[::1]:1/', true],
  ])('[%#] %s → loopback %s', (url, ok) => {
    expect(isLoopbackUrl(new URL(url)) && url.startsWith('http:')).toBe(ok);
    if (!ok)
      expect(() => startLoad(url, { maxDurationMs: 1000 })).toThrow(
        /not an http:\/\/ URL on loopback/,
      );
  });
});

describe('naive nginx reload (negative control)', () => {
  let blue: AppContainer | undefined;
  let green: AppContainer | undefined;
  let router: NginxRouter | undefined;

  beforeAll(async () => {
    testbed();
    const name = (color: string): string => `switchyard-e2e-lh-${RUN_ID}-nginx-${color}`;
    blue = await AppContainer.start({ color: 'blue', name: name('blue') });
    green = await AppContainer.start({ color: 'green', name: name('green') });
    router = await startNginxRouter({ upstreamPort: blue.port });
    await waitForColor(`${router.url}/`, 'blue');
  }, 30_000);

  afterAll(async () => {
    await router?.stop();
    await Promise.all([blue?.remove(), green?.remove()]);
  });

  test('baseline: 50 keep-alive connections for 4 s, no switch: no errors', async () => {
    const load = startLoad(`${router!.url}/`, { maxDurationMs: 4000 });
    const r = await load.done;
    console.log(`nginx baseline: ${summary(r)}`);
    expect(r.requests).toBeGreaterThan(1000);
    expect({ non2xx: r.non2xx, socketErrors: socketErrorTotal(r) }).toEqual({
      non2xx: 0,
      socketErrors: 0,
    });
  }, 30_000);

  test(`${SWITCHES} reloads under keep-alive load: the harness sees dropped requests`, async () => {
    const ports = { blue: blue!.port, green: green!.port };
    const r = await loadWithSwitches(`${router!.url}/`, 8000, async (color) => {
      await router!.switchTo(ports[color]);
    });
    console.log(
      `naive nginx, ${SWITCHES} reloads: ${summary(r)} = ${(socketErrorTotal(r) / SWITCHES).toFixed(1)} per reload`,
    );
    expect(socketErrorTotal(r)).toBeGreaterThan(0);
  }, 30_000);
});

describe('HAProxy runtime API map switch (positive control)', () => {
  const base = `switchyard-e2e-lh-${RUN_ID}`;
  const network = `${base}-net`;
  const proxy = `${base}-proxy`;
  const containers: string[] = [];
  let netCreated = false;
  let cfgDir: string | undefined;
  let url = '';

  const admin = async (command: string): Promise<string> => {
    const { stdout } = await promisify(execFile)('sh', [
      '-c',
      'printf "%s\\n" "$1" | docker exec -i "$2" socat stdio unix-connect:/tmp/admin.sock',
      'sh',
      command,
      proxy,
    ]);
    return stdout;
  };

  beforeAll(async () => {
    const tb = testbed();
    await docker('network', 'create', '--label', LABEL, network);
    netCreated = true;
    await Promise.all(
      (['blue', 'green'] as const).map(async (color) => {
        const name = `${base}-${color}`;
        containers.push(name);
        await docker(
          'run',
          '-d',
          '--name',
          name,
          '--network',
          network,
          '--label',
          LABEL,
          '-e',
          `COLOR=${color}`,
          '-e',
          'APP_VERSION=1.0.0',
          tb.appImage,
        );
      }),
    );
    cfgDir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-haproxy-'));
    writeFileSync(join(cfgDir, 'colors.map'), 'live blue\n');
    writeFileSync(
      join(cfgDir, 'haproxy.cfg'),
      [
        'global',
        '  stats socket /tmp/admin.sock mode 600 level admin',
        'defaults',
        '  mode http',
        '  option http-keep-alive',
        '  timeout connect 2s',
        '  timeout client 30s',
        '  timeout server 30s',
        'frontend fe',
        '  bind :8080',
        '  use_backend be_%[str(live),map(/usr/local/etc/haproxy/colors.map,blue)]',
        ...['blue', 'green'].flatMap((c) => [
          `backend be_${c}`,
          `  server app ${base}-${c}:8080 init-addr libc,none`,
        ]),
        '',
      ].join('\n'),
    );
    const port = await freePort();
    containers.push(proxy);
    await docker(
      'run',
      '-d',
      '--name',
      proxy,
      '--network',
      network,
      '--label',
      LABEL,
      '-p',
      `127.0.0.1:${port}:8080`,
      '-v',
      `${cfgDir}:/usr/local/etc/haproxy:ro`,
      '--entrypoint',
      'haproxy',
      tb.haproxyImage,
      '-W',
      '-db',
      '-f',
      '/usr/local/etc/haproxy/haproxy.cfg',
    );
    url = `http://127.0.0.1:${port}/`;
    await waitForColor(url, 'blue', 15_000);
  }, 30_000);

  afterAll(async () => {
    if (containers.length) await docker('rm', '-f', ...containers).catch(() => '');
    if (netCreated) await docker('network', 'rm', network).catch(() => '');
    if (cfgDir) rmSync(cfgDir, { recursive: true, force: true });
  });

  test(`${SWITCHES} map switches under keep-alive load: no errors`, async () => {
    expect(await admin('show info')).toContain('Name: HAProxy');
    const r = await loadWithSwitches(url, 8000, async (color) => {
      const out = await admin(`set map /usr/local/etc/haproxy/colors.map live ${color}`);
      if (out.trim()) throw new Error(`set map answered: ${out}`);
    });
    console.log(`haproxy, ${SWITCHES} map switches: ${summary(r)}`);
    expect(r.requests).toBeGreaterThan(1000);
    expect({ non2xx: r.non2xx, socketErrors: r.socketErrors }).toEqual({
      non2xx: 0,
      socketErrors: { connect: 0, read: 0, write: 0, timeout: 0 },
    });
  }, 30_000);
});
