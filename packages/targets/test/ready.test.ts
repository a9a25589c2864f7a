import { parseStatus } from '@switchyard/probe';
import { healthUrl, waitReady, type ColorStatus, type HealthCheck } from '@switchyard/targets';
import { FakeClock, FakeHttp, type FakeAnswer } from '../../../test/support/fakes.js';
import { FakeTarget, readiness, TimedLogger } from './fake-target.js';

const T0 = Date.UTC(2026, 0, 1, 9);
const health: HealthCheck = {
  path: '/healthz',
  expectStatus: parseStatus('health.expect-status', '2xx'),
  json: [],
  bodyContains: [],
  intervalMs: 1_000,
  timeoutMs: 2_000,
};
const URL = 'http://shop.test:8081/healthz';
const NOT_ROUTED = readiness({
  routed: false,
  detail: 'container running, proxy not routed to it yet',
});

function setup(looks: Parameters<typeof readiness>[0][], answer: (nth: number) => FakeAnswer) {
  const clock = new FakeClock(T0);
  const log = new TimedLogger(clock);
  const http = new FakeHttp((_req, nth) => answer(nth), clock);
  const target = new FakeTarget({ readiness: looks.map((l) => readiness(l)) });
  const wait = (timeoutMs = 60_000) =>
    waitReady(target, 'green', health, timeoutMs, { clock, log, http });
  return { clock, log, http, target, wait };
}

describe('healthUrl', () => {
  test.each([
    ['http://shop.test:8081', '/healthz', 'http://shop.test:8081/healthz'],
    ['http://shop.test:8081/', '/healthz', 'http://shop.test:8081/healthz'],
    [
      'https://preview.shop.test//',
      '/api/health?deep=1',
      'https://preview.shop.test/api/health?deep=1',
    ],
  ])('[%#] given %o and %o returns %o', (preview, path, url) => {
    expect(healthUrl(preview, path)).toBe(url);
  });
});

describe('waitReady', () => {
  test('ready at once: one look, one GET through the preview URL', async () => {
    const { wait, http, target, clock } = setup([{}], () => ({ status: 200, latencyMs: 7 }));
    expect(await wait()).toEqual({ ready: true, elapsedMs: 7, checks: 1 });
    expect(target.calls).toEqual(['readiness green']);
    expect(http.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        url: URL,
        timeoutMs: 2_000,
        followRedirects: false,
      }),
    ]);
    expect(http.requests[0]?.headers).toEqual({ 'User-Agent': 'switchyard-deploy' });
    expect(clock.sleeps).toEqual([]);
  });

  test('health.headers go with every health request (a Host for a virtual host)', async () => {
    const clock = new FakeClock(T0);
    const http = new FakeHttp(() => ({ status: 200 }), clock);
    const target = new FakeTarget({ readiness: [readiness({})] });
    await waitReady(
      target,
      'green',
      { ...health, headers: { Host: 'shop.example.com', 'X-Probe': 'switchyard' } },
      5_000,
      { clock, http, log: new TimedLogger(clock) },
    );
    expect(http.requests[0]?.headers).toEqual({
      'User-Agent': 'switchyard-deploy',
      Host: 'shop.example.com',
      'X-Probe': 'switchyard',
    });
    expect(clock.sleeps).toEqual([]);
  });

  test('ready once the proxy routes to the new container and the health check passes', async () => {
    const { wait, http, target } = setup(
      [{ running: false, detail: 'container created' }, { ...NOT_ROUTED }, { ...NOT_ROUTED }, {}],
      (nth) => (nth < 3 ? { status: 503, latencyMs: 0 } : { status: 204, latencyMs: 0 }),
    );
    const outcome = await wait();
    // Quick looks first: 50, 100, 200 and 400 ms apart (then 800 ms, … up to the 1 s interval).
    expect(outcome).toEqual({ ready: true, elapsedMs: 1_550, checks: 3 });
    // No request before the route reaches it: 3 waiting looks, then 3 checks (503, 503, 204).
    expect(target.calls).toHaveLength(6);
    expect(http.requests).toHaveLength(3);
  });

  test.each([
    ['starting', true, 'container running, docker health starting'],
    ['unhealthy', false, 'container running, docker health unhealthy'],
    ['unhealthy', true, 'container running, docker health unhealthy'],
  ] as const)(
    '[%#] given Docker health %s (awaitHealth %s), sends no HTTP request yet',
    async (h, awaitHealth, detail) => {
      const { wait, http, target } = setup(
        [
          { health: h, awaitHealth, detail },
          { health: h, awaitHealth, detail },
          { health: 'healthy' },
        ],
        () => ({ status: 200 }),
      );
      const outcome = await wait();
      expect(outcome).toMatchObject({ ready: true, checks: 1 });
      expect(outcome.healthStarting).toBeUndefined();
      expect(target.calls).toHaveLength(3);
      expect(http.requests).toHaveLength(1);
    },
  );

  test('a starting Docker health the target does not wait for: the HTTP check decides, and says so', async () => {
    const { wait, http, target } = setup(
      [{ health: 'starting', detail: 'container running, docker health starting' }],
      () => ({ status: 200 }),
    );
    expect(await wait()).toMatchObject({ ready: true, checks: 1, healthStarting: true });
    expect(target.calls).toHaveLength(1);
    expect(http.requests).toHaveLength(1);
  });

  test('the color as the last look saw it comes back with the outcome', async () => {
    const seen: ColorStatus = {
      color: 'green',
      image: 'shop:2',
      digest: 'sha256:2',
      version: '2',
      deployId: 'run-1',
      actor: 'octocat',
      createdAt: '2026-12-07T20:00:00.000Z',
      state: 'running',
      running: true,
      health: 'none',
    };
    const { wait } = setup([{ status: seen }], () => ({ status: 200 }));
    expect((await wait()).status).toEqual(seen);
  });

  test('a failed container ends the wait at once with its detail', async () => {
    const detail = 'container exited, exit code 1';
    const { wait, http, clock } = setup([{ running: false, failed: true, detail }], () => ({
      status: 200,
    }));
    expect(await wait()).toEqual({ ready: false, elapsedMs: 0, checks: 0, reason: detail });
    expect(http.requests).toEqual([]);
    expect(clock.sleeps).toEqual([]);
  });

  test('a container that fails after a few looks ends the wait then', async () => {
    const { wait, clock } = setup(
      [
        { ...NOT_ROUTED },
        { ...NOT_ROUTED },
        { running: false, failed: true, detail: 'container is gone' },
      ],
      () => ({ status: 200 }),
    );
    expect(await wait()).toMatchObject({
      ready: false,
      reason: 'container is gone',
      elapsedMs: 150,
    });
    expect(clock.now()).toBe(T0 + 150);
  });

  test('never ready: gives up at the timeout, naming it and the last HTTP answer', async () => {
    const { wait, clock } = setup([{}], (nth) => ({
      status: 503,
      latencyMs: 0,
      body: `attempt ${nth}`,
    }));
    const outcome = await wait(30_000);
    // Looks at 0, 50, 150, 350, 750 and 1550 ms, then every second: 1550 + 28 × 1000, and one at 30 s.
    expect(clock.sleeps.slice(0, 7)).toEqual([50, 100, 200, 400, 800, 1_000, 1_000]);
    expect(outcome).toEqual({
      ready: false,
      elapsedMs: 30_000,
      checks: 35,
      reason: `not ready after 30s (ready-timeout): container running; GET ${URL}: status 503, expected 2xx`,
    });
    expect(clock.now()).toBe(T0 + 30_000);
  });

  test('never routed: the reason is the container detail, with no HTTP part', async () => {
    const { wait, http } = setup([{ ...NOT_ROUTED }], () => ({ status: 200 }));
    expect((await wait(10_000)).reason).toBe(
      'not ready after 10s (ready-timeout): container running, proxy not routed to it yet',
    );
    expect(http.requests).toEqual([]);
  });

  test('an HTTP timeout is the reason given', async () => {
    const { wait } = setup([{}], () => ({ fail: 'timeout' }));
    expect((await wait(3_000)).reason).toBe(
      `not ready after 3s (ready-timeout): container running; GET ${URL}: timed out: no response within 2000ms`,
    );
  });

  test('writes a progress line at most every 5 s, with what it is waiting for', async () => {
    const { wait, log } = setup([{ ...NOT_ROUTED }], () => ({ status: 200 }));
    await wait(27_000);
    // The quick first looks (1.55 s in all) shift the 1 s beat: a line at the first look 5 s apart.
    expect(log.secondsOf(/^waiting for green/, T0)).toEqual([5.55, 10.55, 15.55, 20.55, 25.55]);
    expect(log.lines).toHaveLength(5);
    expect(log.lines[0]?.message).toBe(
      'waiting for green: container running, proxy not routed to it yet (5.55s of 27s)',
    );
  });

  test('the last sleep stops at the deadline, not after it', async () => {
    const s = setup([{ ...NOT_ROUTED }], () => ({ status: 200 }));
    await waitReady(s.target, 'green', { ...health, intervalMs: 4_000 }, 10_000, {
      clock: s.clock,
      log: s.log,
      http: s.http,
    });
    // 50 … 3200 ms (6350 ms in all), then what is left to the deadline: 3650 ms.
    expect(s.clock.sleeps).toEqual([50, 100, 200, 400, 800, 1_600, 3_200, 3_650]);
    expect(s.clock.now()).toBe(T0 + 10_000);
  });
});
