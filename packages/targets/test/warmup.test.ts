import type { Clock } from '@switchyard/kit';
import { HttpError, type Http, type HttpRequest, type HttpResponse } from '@switchyard/probe';
import { deploy, WARM_UP_LIMIT_MS, warmUp, type WarmUp } from '@switchyard/targets';
import { FakeClock, FakeHttp, RecordingLogger } from '../../../test/support/fakes.js';
import { colorRunning, DIGEST_B, FakeTarget } from './fake-target.js';
import { deps, health, request, T0 } from './fixtures.js';

const PREVIEW = { previewUrl: 'http://shop.test:8081/' };
const WARM: WarmUp = { requests: 12, concurrency: 3, path: '/ping' };

/**
 * An Http whose every answer takes `latencyMs` of virtual time (a sleep on the clock), so requests
 * overlap as they would for real; it records how many were in flight at most.
 */
class SlowHttp implements Http {
  readonly requests: HttpRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly clock: Clock,
    private readonly latencyMs: number,
    private readonly answer: (nth: number) => number | 'timeout' = () => 200,
  ) {}
  async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    const nth = this.requests.length;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await this.clock.sleep(this.latencyMs);
    this.inFlight--;
    const a = this.answer(nth);
    if (a === 'timeout')
      throw new HttpError('timeout', `no response within ${req.timeoutMs}ms`, req.timeoutMs);
    return { status: a, headers: {}, body: '', latencyMs: this.latencyMs };
  }
}

function setup(latencyMs = 40, answer?: (nth: number) => number | 'timeout') {
  const clock = new FakeClock(T0);
  const log = new RecordingLogger();
  const http = new SlowHttp(clock, latencyMs, answer);
  return { clock, log, http, d: { clock, log, http } };
}

describe('warmUp', () => {
  test.each<[string, WarmUp | null | undefined]>([
    ['absent', undefined],
    ['null (warm-up: off)', null],
    ['0 requests', { ...WARM, requests: 0 }],
  ])('[%#] %s: sends nothing, logs nothing', async (_title, warm) => {
    const { http, log, d } = setup();
    const settings = warm === undefined ? { health } : { health, warmUp: warm };
    expect(await warmUp(PREVIEW, 'green', settings, d)).toBeUndefined();
    expect(http.requests).toEqual([]);
    expect(log.lines).toEqual([]);
  });

  test('sends every request to the preview URL and path, judged and timed out as the health check', async () => {
    const { http, log, d } = setup();
    const o = await warmUp(PREVIEW, 'green', { health, warmUp: WARM }, d);
    expect(o).toMatchObject({ color: 'green', sent: 12, failed: 0, slowestMs: 40, cut: false });
    expect(http.requests).toHaveLength(12);
    for (const r of http.requests)
      expect(r).toMatchObject({
        method: 'GET',
        url: 'http://shop.test:8081/ping',
        timeoutMs: health.timeoutMs,
        followRedirects: false,
        headers: { 'User-Agent': 'switchyard-warm-up' },
      });
    expect(log.text()).toBe(
      'info: warmed green with 12 request(s), 3 at a time, through http://shop.test:8081/ping in 160ms: slowest 40ms, 0 failed',
    );
  });

  test.each<[number, number, number]>([
    // [requests, concurrency, most in flight]
    [12, 3, 3],
    [12, 1, 1],
    [5, 20, 5],
    [200, 20, 20],
  ])(
    '[%#] %d requests, concurrency %d: at most %d in flight',
    async (requests, concurrency, most) => {
      const { http, d } = setup();
      await warmUp(PREVIEW, 'blue', { health, warmUp: { ...WARM, requests, concurrency } }, d);
      expect(http.requests).toHaveLength(requests);
      expect(http.maxInFlight).toBe(most);
    },
  );

  test('failed requests are counted and warned about, never thrown: the switch goes ahead', async () => {
    const { log, d } = setup(40, (nth) => (nth === 2 ? 503 : nth === 5 ? 'timeout' : 200));
    const o = await warmUp(PREVIEW, 'green', { health, warmUp: WARM }, d);
    expect(o).toMatchObject({ sent: 12, failed: 2, cut: false });
    expect(o?.firstFailure).toMatch(/503/);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]?.level).toBe('warning');
    expect(log.lines[0]?.message).toMatch(
      /^warmed green with 12 request\(s\), 3 at a time, .*: slowest 2s, 2 failed \(first: .*503.*\)\. The switch goes ahead: green passed its readiness check$/,
    );
  });

  test('a status the health check does not accept is a failure (health.expectStatus)', async () => {
    const { d } = setup(10, () => 301);
    const o = await warmUp(PREVIEW, 'green', { health, warmUp: WARM }, d);
    expect(o).toMatchObject({ sent: 12, failed: 12 });
  });

  test('no request starts after the time limit: a slow color cannot hold the switch', async () => {
    const { http, log, d } = setup(10_000);
    const warm = { requests: 200, concurrency: 2, path: '/' };
    const o = await warmUp(PREVIEW, 'green', { health, warmUp: warm }, d);
    const rounds = WARM_UP_LIMIT_MS / 10_000; // each round of 2 takes 10 s
    expect(o).toMatchObject({ sent: rounds * 2, cut: true });
    expect(http.requests).toHaveLength(rounds * 2);
    expect(log.lines[0]?.level).toBe('warning');
    expect(log.lines[0]?.message).toContain(`with ${200 - rounds * 2} not sent`);
  });
});

describe('a deploy warms the new color just before the switch', () => {
  const setupDeploy = () => {
    const target = new FakeTarget({
      state: { live: 'blue', previous: null, colors: { blue: colorRunning('blue', DIGEST_B) } },
    });
    const http = new FakeHttp((req) => {
      target.calls.push(`GET ${req.url}`);
      return { status: 200, latencyMs: 0 };
    });
    return { target, d: { ...deps().deps, http } };
  };
  const steps = (calls: readonly string[]): string[] =>
    calls.filter((c) => /^(GET|readiness|switchTo|start)/.test(c));

  test('with a warm-up: every request after the color is ready, before switchTo', async () => {
    const { target, d } = setupDeploy();
    await deploy(target, request({ warmUp: { requests: 4, concurrency: 2, path: '/' } }), d);
    expect(steps(target.calls)).toEqual([
      'start green',
      'readiness green',
      `GET ${target.previewUrl}${health.path}`,
      ...Array.from({ length: 4 }, () => `GET ${target.previewUrl}/`),
      'switchTo green',
    ]);
  });

  test('without one (absent or null): only the readiness check', async () => {
    for (const warm of [{}, { warmUp: null }]) {
      const { target, d } = setupDeploy();
      await deploy(target, request(warm), d);
      expect(steps(target.calls)).toEqual([
        'start green',
        'readiness green',
        `GET ${target.previewUrl}${health.path}`,
        'switchTo green',
      ]);
    }
  });
});
