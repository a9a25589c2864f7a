/** The example app in process: its handler on a real loopback server, driven with fetch. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { loadConfig, type AppConfig } from '../src/config.js';
import { KnobError } from '../src/parse.js';

const CONFIG: AppConfig = {
  port: 0,
  host: '127.0.0.1',
  version: '1.2.3',
  color: 'blue',
  errorRate: 0,
  delayMs: 0,
};
const HELLO = { message: 'hello from switchyard example app', version: '1.2.3', color: 'blue' };
const DEFAULT_KNOBS = { error_rate: 0, delay_ms: 0, healthy: true, fail_next: 0 };
const RESET = '/admin?error_rate=0&delay_ms=0&healthy=true&fail_next=0';
const PROBE = { 'X-Switchyard-Probe': 'healthcheck' };
/** Counted: 2 on /, 1 on /healthz, 1 other; the rest are control paths. */
const UNCOUNTED_AND_COUNTED = '/ /?status=500 /healthz /nope /metrics /admin /admin/x'.split(' ');

type Answer = { readonly status: number; readonly headers: Headers; readonly body: unknown };
type Call = (path: string, init?: RequestInit) => Promise<Answer>;

/** A fresh app on 127.0.0.1:0 for the enclosing describe; JSON bodies come parsed. */
function useApp(): Call {
  const server = createServer(createApp(CONFIG).handle);
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return async (path, init) => {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
    const text = await res.text();
    const json = res.headers.get('content-type')?.startsWith('application/json') === true;
    return {
      status: res.status,
      headers: res.headers,
      body: json ? (JSON.parse(text) as unknown) : text,
    };
  };
}

const statuses = async (call: Call, path: string, n: number): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await call(path)).status);
  return out;
};

/** The value of the sample `name` with exactly `labels` (in any order), if present. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] === name && match[2]!.split(',').sort().join(',') === want) {
      return Number(match[3]);
    }
  }
  return undefined;
}

describe('endpoints and knobs', () => {
  const call = useApp();
  afterEach(async () => expect((await call(RESET)).body).toEqual(DEFAULT_KNOBS));

  test.each([
    ['/healthz', 200, { status: 'healthy', version: '1.2.3', color: 'blue' }],
    ['/', 200, HELLO],
    ['/?status=418', 418, HELLO],
    ['/?cache_buster=7', 200, HELLO],
    ['/missing/page', 404, { error: 'not found', path: '/missing/page' }],
    ['/?status=99', 400, { error: "status must be a whole number from 200 to 599, got '99'" }],
    ['/?delay_ms=1&delay_ms=2', 400, { error: 'delay_ms is given 2 times' }],
  ])('[%#] GET %s answers %d JSON with X-App-Version', async (path, status, body) => {
    const res = await call(path);
    expect(res.status).toBe(status);
    expect(res.body).toEqual(body);
    expect(res.headers.get('x-app-version')).toBe('1.2.3');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  test('healthy=false makes /healthz answer 503 unhealthy, healthy=true brings it back', async () => {
    expect((await call('/admin?healthy=false')).body).toMatchObject({ healthy: false });
    expect(await call('/healthz')).toMatchObject({
      status: 503,
      body: { status: 'unhealthy', version: '1.2.3', color: 'blue' },
    });
    await call('/admin?healthy=1');
    expect((await call('/healthz')).status).toBe(200);
  });

  test.each([
    ['?delay_ms= on /', '', '/?delay_ms=200', 200],
    ['the delay_ms knob on /healthz', '/admin?delay_ms=150', '/healthz', 150],
  ])('[%#] %s delays the answer by at least that many ms', async (_what, admin, path, ms) => {
    if (admin) await call(admin);
    const start = performance.now();
    expect((await call(path)).status).toBe(200);
    expect(performance.now() - start).toBeGreaterThanOrEqual(ms);
  });

  test('/admin answers the knob state and POST sets several at once', async () => {
    expect(await call('/admin')).toMatchObject({ status: 200, body: DEFAULT_KNOBS });
    const set = await call('/admin?error_rate=0.25&delay_ms=5&healthy=false&fail_next=2', {
      method: 'POST',
    });
    expect(set.body).toEqual({ error_rate: 0.25, delay_ms: 5, healthy: false, fail_next: 2 });
    expect((await call('/admin')).body).toEqual(set.body);
    expect(await call('/admin', { method: 'PUT' })).toMatchObject({
      status: 405,
      body: { error: 'method not allowed', allow: 'GET, HEAD, POST' },
    });
  });

  test.each([
    [3, '/', 200],
    [1, '/healthz', 200],
    [2, '/missing', 404],
  ])('[%#] fail_next=%d: %s answers exactly that many 503s, then %d', async (n, path, after) => {
    expect((await call(`/admin?fail_next=${n}`)).body).toMatchObject({ fail_next: n });
    expect(await call(path)).toMatchObject({ status: 503, body: { error: 'injected' } });
    expect(await statuses(call, path, n)).toEqual([...Array<number>(n - 1).fill(503), after]);
    expect((await call('/admin')).body).toMatchObject({ fail_next: 0 });
  });

  test('error_rate=1 makes every / answer 500 (not /healthz); error_rate=0 ends it', async () => {
    await call('/admin?error_rate=1');
    expect(await call('/')).toMatchObject({ status: 500, body: { error: 'injected' } });
    expect(await statuses(call, '/', 5)).toEqual([500, 500, 500, 500, 500]);
    expect((await call('/healthz')).status).toBe(200);
    await call('/admin?error_rate=0');
    expect(await statuses(call, '/', 5)).toEqual([200, 200, 200, 200, 200]);
  });

  test.each([
    ['error_rate=1.5', "error_rate must be a number from 0 to 1, got '1.5'"],
    ['error_rate=-0.1', "error_rate must be a number from 0 to 1, got '-0.1'"],
    ['delay_ms=60001', "delay_ms must be a whole number from 0 to 60000, got '60001'"],
    ['healthy=yes', "healthy must be true or false, got 'yes'"],
    ['fail_next=1.5', "fail_next must be a whole number from 0 to 1000000, got '1.5'"],
    ['colour=red', "unknown knob 'colour'; valid knobs: error_rate, delay_ms, healthy, fail_next"],
    ['fail_next=1&fail_next=2', 'fail_next is given 2 times'],
    ['error_rate=1&healthy=maybe', "healthy must be true or false, got 'maybe'"],
  ])('[%#] /admin?%s is a 400 naming the knob, and changes nothing', async (query, error) => {
    expect(await call(`/admin?${query}`)).toMatchObject({ status: 400, body: { error } });
    expect((await call('/admin')).body).toEqual(DEFAULT_KNOBS);
  });
});

describe('/admin/stats', () => {
  const call = useApp();

  test('counts served requests by route, except /metrics, /admin* and the HEALTHCHECK probe', async () => {
    const zero = { requests: 0, by_route: { '/': 0, '/healthz': 0, other: 0 } };
    expect((await call('/admin/stats')).body).toEqual(zero);
    await call('/admin?fail_next=1');
    // The probe answers from `healthy` alone: it neither counts nor consumes fail_next.
    expect(await call('/healthz', { headers: PROBE })).toMatchObject({ status: 200 });
    for (const path of UNCOUNTED_AND_COUNTED) await call(path);
    expect((await call('/healthz', { headers: PROBE })).status).toBe(200);
    expect((await call('/admin/stats')).body).toEqual({
      requests: 4,
      by_route: { '/': 2, '/healthz': 1, other: 1 },
    });
  });
});

describe('/metrics', () => {
  const call = useApp();

  const metrics = async (): Promise<string> => {
    const res = await call('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return res.body as string;
  };

  test('before any request: pre-created series, histogram buckets, app_info and defaults', async () => {
    const text = await metrics();
    expect(text).toContain('# TYPE http_requests_total counter\n');
    for (const code of ['200', '500', '503']) {
      expect(sample(text, 'http_requests_total', { code, route: '/', color: 'blue' })).toBe(0);
    }
    const bucket = { le: '0.005', route: '/healthz', color: 'blue' };
    expect(sample(text, 'http_request_duration_seconds_bucket', bucket)).toBe(0);
    expect(sample(text, 'app_info', { version: '1.2.3', color: 'blue' })).toBe(1);
    expect(sample(text, 'process_cpu_user_seconds_total', { color: 'blue' })).toBeGreaterThan(0);
  });

  test('one 500 on / counts 1; /metrics, /admin and the probe add no series', async () => {
    await call('/admin');
    await call('/healthz', { headers: PROBE });
    expect((await call('/?status=500')).status).toBe(500);
    const text = await metrics();
    const series = (code: string) => ({ code, route: '/', color: 'blue' });
    expect(sample(text, 'http_requests_total', series('500'))).toBe(1);
    expect(sample(text, 'http_requests_total', series('200'))).toBe(0);
    expect(text.match(/^http_requests_total\{/gm)).toHaveLength(3);
    const count = (route: string) => ({ route, color: 'blue' });
    expect(sample(text, 'http_request_duration_seconds_count', count('/'))).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', count('/healthz'))).toBe(0);
  });
});

describe('loadConfig', () => {
  const DEFAULTS = {
    port: 8080,
    host: '0.0.0.0',
    version: '0.0.0',
    color: '',
    errorRate: 0,
    delayMs: 0,
  };

  test.each([
    ['nothing set: the defaults', {}, DEFAULTS],
    [
      'empty values: the defaults',
      { PORT: '', HOST: '', APP_VERSION: '', COLOR: '', ERROR_RATE: '', DELAY_MS: '' },
      DEFAULTS,
    ],
    [
      'every variable set',
      {
        PORT: '0',
        HOST: '::1',
        APP_VERSION: '2.0.0',
        COLOR: 'green',
        ERROR_RATE: '.2',
        DELAY_MS: '300',
      },
      { port: 0, host: '::1', version: '2.0.0', color: 'green', errorRate: 0.2, delayMs: 300 },
    ],
  ])('[%#] %s', (_what, env, config) => {
    expect(loadConfig(env)).toEqual(config);
  });

  test.each([
    ['ERROR_RATE', '1.5', "ERROR_RATE must be a number from 0 to 1, got '1.5'"],
    ['ERROR_RATE', '5%', "ERROR_RATE must be a number from 0 to 1, got '5%'"],
    ['PORT', '65536', "PORT must be a whole number from 0 to 65535, got '65536'"],
    ['PORT', 'http', "PORT must be a whole number from 0 to 65535, got 'http'"],
    ['DELAY_MS', '-5', "DELAY_MS must be a whole number from 0 to 60000, got '-5'"],
  ])('[%#] %s=%s is a KnobError naming the variable', (key, value, message) => {
    const load = () => loadConfig({ [key]: value });
    expect(load).toThrow(KnobError);
    expect(load).toThrow(new KnobError(message)); // compares the whole message
  });
});
