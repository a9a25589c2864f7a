import {
  buildChecks,
  evaluateResponse,
  parseStatus,
  runChecks,
  type CheckDefaults,
  type CheckSpec,
  type HttpResponse,
} from '@switchyard/probe';
import { FakeClock, FakeHttp } from '../../../test/support/fakes.js';

const defaults: CheckDefaults = {
  headers: {},
  expectStatus: parseStatus('expect-status', '2xx'),
  timeoutMs: 5000,
  followRedirects: true,
};
const one = (item: Record<string, unknown>, d: Partial<CheckDefaults> = {}) =>
  buildChecks([], [item], { ...defaults, ...d }).checks[0]!;
const backoff = { initialDelayMs: 1000, maxDelayMs: 4000, jitter: 0 };

describe('evaluateResponse', () => {
  test.each([
    [{}, { status: 200, body: 'x' }, []],
    [{}, { status: 503, body: '' }, ['status 503, expected 2xx']],
    [
      { 'body-contains': ['ok', 'ready'] },
      { status: 200, body: 'ok' },
      ['body does not contain "ready"'],
    ],
    [{ 'body-regex': '^\\{' }, { status: 200, body: 'html' }, ['body does not match /^\\{/']],
    [
      { 'expect-json': '$.status == "healthy"' },
      { status: 200, body: '<html>' },
      ['body is not JSON: "<html>"'],
    ],
    [
      { 'expect-json': '$.status == "healthy"' },
      { status: 200, body: '{"status":"degraded"}' },
      ['$.status is "degraded", expected "healthy"'],
    ],
    [
      { 'max-latency': '100ms' },
      { status: 200, body: '', latencyMs: 250 },
      ['latency 250ms over the 100ms budget'],
    ],
    [
      { 'expect-version': '2.0.0' },
      { status: 200, body: '{"version":"1.0.0"}' },
      ['version 1.0.0, expected 2.0.0'],
    ],
    [
      { 'expect-version': '2.0.0' },
      { status: 200, body: 'plain' },
      ['no version at $.version: body is not JSON ("plain")'],
    ],
    [{ 'expect-status': 404 }, { status: 200, body: '' }, ['status 200, expected 404']],
  ])('[%#] check %o given %o fails with %o', (item, res, failures) => {
    const check = one({ url: 'http://app/', ...item });
    expect(
      evaluateResponse(check, { headers: {}, latencyMs: 5, ...res }, ['version']).failures,
    ).toEqual(failures);
  });
});

describe('version-from: where a response reports its version', () => {
  const long = 'x'.repeat(5000);
  test.each<[unknown, Partial<HttpResponse>, string[], string | undefined]>([
    // json
    ['json:$.build.version', { body: '{"build":{"version":"2.0.0"}}' }, [], '2.0.0'],
    [
      { json: '$.build.version' },
      { body: '{"build":{"version":2}}' },
      ['version 2, expected 2.0.0'],
      '2',
    ],
    [
      'json:$.build.version',
      { body: '{"build":{}}' },
      ['no version at $.build.version: not found'],
      undefined,
    ],
    [
      'json:$.build',
      { body: '{"build":{"version":"2.0.0"}}' },
      ['no version at $.build: a mapping, not a string or number'],
      undefined,
    ],
    [
      'json:$.version',
      { body: `<html>${long}</html>` },
      [`no version at $.version: body is not JSON (${JSON.stringify(`<html>${'x'.repeat(74)}…`)})`],
      undefined,
    ],
    // header
    ['header:X-App-Version', { headers: { 'x-app-version': '2.0.0' } }, [], '2.0.0'],
    [{ header: 'x-app-version' }, { headers: { 'X-App-Version': ' 2.0.0 ' } }, [], '2.0.0'],
    [
      'header:X-App-Version',
      { headers: { 'x-app-version': '1.0.0' } },
      ['version 1.0.0, expected 2.0.0'],
      '1.0.0',
    ],
    [
      'header:X-App-Version',
      { headers: { server: 'nginx' }, body: '{"version":"2.0.0"}' },
      ['no version: no X-App-Version header in the response'],
      undefined,
    ],
    [
      'header:X-App-Version',
      { headers: { 'x-app-version': '' } },
      ['no version: header X-App-Version is empty'],
      undefined,
    ],
    // regex
    ['regex:v(\\d+\\.\\d+\\.\\d+)', { body: '<footer>shop v2.0.0</footer>' }, [], '2.0.0'],
    [{ regex: '/VERSION=(\\S+)/i' }, { body: 'version=2.0.0\n' }, [], '2.0.0'],
    [
      'regex:v(\\d+\\.\\d+\\.\\d+)',
      { body: 'no version here' },
      ['no version: body does not match /v(\\d+\\.\\d+\\.\\d+)/ ("no version here")'],
      undefined,
    ],
    [
      'regex:v(\\d*)x',
      { body: 'vx' },
      ['no version: /v(\\d*)x/ matched, its group is empty'],
      undefined,
    ],
    // A hostile value is quoted and cut in the reason, and cut in the result.
    [
      'regex:/^(.*)$/s',
      { body: `1.0\n::stop-commands::PWNED${long}` },
      [
        `version ${JSON.stringify(`1.0\n::stop-commands::PWNED${'x'.repeat(54)}…`)}, expected 2.0.0`,
      ],
      `1.0\n::stop-commands::PWNED${'x'.repeat(230)}…`,
    ],
  ])('[%#] %o given %o fails with %o and reports %o', (from, res, failures, version) => {
    const check = one({ url: 'http://app/', 'expect-version': '2.0.0', 'version-from': from });
    const r = evaluateResponse(check, { status: 200, headers: {}, body: '', latencyMs: 5, ...res });
    expect(r.failures).toEqual(failures);
    expect(r.version).toBe(version);
  });

  test('the action-level source applies to checks without their own; a legacy versionPath only to checks without any', () => {
    const header = { kind: 'header', name: 'X-App-Version' } as const;
    const res = {
      status: 200,
      headers: { 'x-app-version': '2.0.0' },
      body: '{"v":"1.0.0"}',
      latencyMs: 1,
    };
    const check = one({ url: 'http://app/' }, { expectVersion: '2.0.0', versionFrom: header });
    expect(check.versionFrom).toEqual(header);
    expect(evaluateResponse(check, res, ['v']).failures).toEqual([]);
    const bare: CheckSpec = { ...check, versionFrom: undefined };
    expect(evaluateResponse(bare, res, ['v']).failures).toEqual(['version 1.0.0, expected 2.0.0']);
    expect(evaluateResponse(bare, res).failures).toEqual(['no version at $.version: not found']);
  });

  test('version-from is ignored when no version is expected', () => {
    const check = one({ url: 'http://app/', 'version-from': 'header:X-App-Version' });
    expect(check.versionFrom).toBeUndefined();
    expect(evaluateResponse(check, { status: 200, headers: {}, body: '', latencyMs: 1 })).toEqual({
      failures: [],
    });
  });
});

describe('runChecks', () => {
  test('retries with backoff until the check passes, counting attempts', async () => {
    const clock = new FakeClock(0);
    const http = new FakeHttp((_req, nth) => (nth < 3 ? { status: 503 } : { status: 200 }));
    const retried: number[] = [];
    const [r] = await runChecks(
      [one({ url: 'http://app/healthz' })],
      {
        concurrency: 1,
        attempts: 5,
        backoff,
        versionPath: ['version'],
        onRetry: (_c, n) => retried.push(n),
      },
      { http, clock },
    );
    expect(r).toMatchObject({ ok: true, status: 200, attempts: 3, required: true });
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(retried).toEqual([1, 2]);
  });

  test('gives up at the deadline with the last reason', async () => {
    const clock = new FakeClock(0);
    const http = new FakeHttp(() => ({ fail: 'network', message: 'connection refused' }));
    const [r] = await runChecks(
      [one({ url: 'http://app/' })],
      { concurrency: 1, attempts: Infinity, deadline: 10_000, backoff, versionPath: ['version'] },
      { http, clock },
    );
    expect(r).toMatchObject({ ok: false, reason: 'connection refused' });
    expect(clock.now()).toBe(10_000);
    expect(r!.attempts).toBe(http.requests.length);
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 3000]);
  });

  test('polls until the expected version answers', async () => {
    const clock = new FakeClock(0);
    const http = new FakeHttp((_r, nth) => ({
      status: 200,
      body: JSON.stringify({ version: nth < 4 ? '1.0.0' : '2.0.0' }),
    }));
    const [r] = await runChecks(
      [one({ url: 'http://app/healthz' }, { expectVersion: '2.0.0' })],
      { concurrency: 1, attempts: Infinity, deadline: 60_000, backoff, versionPath: ['version'] },
      { http, clock },
    );
    expect(r).toMatchObject({ ok: true, version: '2.0.0', attempts: 4 });
  });

  test('a timeout is a failed attempt with a clear reason', async () => {
    const http = new FakeHttp(() => ({ fail: 'timeout' }));
    const [r] = await runChecks(
      [one({ url: 'http://app/', timeout: '250ms' })],
      { concurrency: 1, attempts: 1, backoff, versionPath: [] },
      { http, clock: new FakeClock() },
    );
    expect(r).toMatchObject({
      ok: false,
      attempts: 1,
      reason: 'timed out: no response within 250ms',
    });
  });

  test('sends method, headers, body and timeout as specified', async () => {
    const http = new FakeHttp(() => ({ status: 201 }));
    await runChecks(
      [
        one({
          url: 'http://app/items',
          method: 'PUT',
          headers: { 'X-Trace': 'abc' },
          body: 'raw',
          timeout: '2s',
          'follow-redirects': false,
        }),
      ],
      { concurrency: 1, attempts: 1, backoff, versionPath: [] },
      { http, clock: new FakeClock() },
    );
    expect(http.requests).toEqual([
      {
        method: 'PUT',
        url: 'http://app/items',
        headers: { 'X-Trace': 'abc' },
        body: 'raw',
        timeoutMs: 2000,
        followRedirects: false,
      },
    ]);
  });

  test('runs checks concurrently and keeps their order', async () => {
    const clock = new FakeClock(0);
    const http = new FakeHttp((req, nth) =>
      req.url.endsWith('/slow') && nth === 1 ? { status: 500 } : { status: 200 },
    );
    const checks = buildChecks(
      ['http://app/slow', 'http://app/a', 'http://app/b'],
      undefined,
      defaults,
    ).checks;
    const results = await runChecks(
      checks,
      { concurrency: 3, attempts: 3, backoff, versionPath: [] },
      { http, clock },
    );
    expect(results.map((r) => [r.name, r.ok, r.attempts])).toEqual([
      ['GET app/slow', true, 2],
      ['GET app/a', true, 1],
      ['GET app/b', true, 1],
    ]);
  });
});
