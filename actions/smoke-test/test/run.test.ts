import { InputReader } from '@switchyard/kit';
import { FakeClock, FakeHttp, RecordingLogger } from '../../../test/support/fakes.js';
import { parseInputs } from '../src/inputs.js';
import { renderSummary, resultsJson, run } from '../src/run.js';

const inputs = (values: Record<string, string>) =>
  parseInputs(new InputReader((n) => values[n] ?? ''), () => '');

describe('smoke-test run', () => {
  test('passes when every required check passes; an optional failure is a warning annotation', async () => {
    const log = new RecordingLogger();
    const clock = new FakeClock();
    const http = new FakeHttp(
      (req) =>
        req.url.endsWith('/docs')
          ? { status: 404, latencyMs: 12 }
          : { status: 200, body: '{"status":"healthy"}', latencyMs: 7 },
      clock,
    );
    const report = await run(
      inputs({
        concurrency: '1',
        checks:
          '- name: health\n  url: http://app/healthz\n  expect-json: $.status == "healthy"\n- name: docs\n  url: http://app/docs\n  continue-on-failure: true',
      }),
      { http, clock, log },
    );
    expect(report.passed).toBe(true);
    expect(report.warned.map((r) => r.name)).toEqual(['docs']);
    expect(log.lines.filter((l) => l.level === 'warning')).toEqual([
      {
        level: 'warning',
        message: 'docs: status 404, expected 2xx (continue-on-failure)',
        props: { title: 'smoke-test: docs failed' },
      },
    ]);
    expect(log.lines.some((l) => l.level === 'error')).toBe(false);
    expect(resultsJson(report.results)).toEqual([
      {
        name: 'health',
        method: 'GET',
        url: 'http://app/healthz',
        passed: true,
        required: true,
        status: 200,
        latencyMs: 7,
        attempts: 1,
        elapsedMs: 7,
        reason: null,
      },
      {
        name: 'docs',
        method: 'GET',
        url: 'http://app/docs',
        passed: false,
        required: false,
        status: 404,
        latencyMs: 12,
        attempts: 1,
        elapsedMs: 12,
        reason: 'status 404, expected 2xx',
      },
    ]);
    expect(renderSummary(report)).toContain('✅ 1 of 2 checks passed (1 optional failed)');
  });

  test('a failing required check fails the report with an error annotation, progress lines and a summary row', async () => {
    const log = new RecordingLogger();
    const http = new FakeHttp(() => ({ status: 503 }));
    const report = await run(
      inputs({ urls: 'http://app/healthz', attempts: '3', interval: '1s' }),
      { http, clock: new FakeClock(), log },
    );
    expect(report.passed).toBe(false);
    expect(report.failed.map((r) => [r.name, r.attempts])).toEqual([['GET app/healthz', 3]]);
    expect(log.text()).toContain(
      '… GET app/healthz: attempt 1 failed (status 503, expected 2xx); retrying in',
    );
    expect(log.lines.find((l) => l.level === 'error')).toEqual({
      level: 'error',
      message: 'GET app/healthz: status 503, expected 2xx',
      props: { title: 'smoke-test: GET app/healthz failed' },
    });
    const md = renderSummary(report);
    expect(md).toContain('❌ 1 of 1 required checks failed');
    expect(md).toContain(
      '| GET app/healthz | ❌ failed | 503 | 5ms | 3 | status 503, expected 2xx |',
    );
  });

  test('annotates at most 10 failures per level and says how many more the summary lists', async () => {
    const log = new RecordingLogger();
    const urls = Array.from({ length: 13 }, (_, i) => `http://app/p${i}`).join('\n');
    const report = await run(inputs({ urls }), {
      http: new FakeHttp(() => ({ status: 500 })),
      clock: new FakeClock(),
      log,
    });
    expect(report.failed).toHaveLength(13);
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(10);
    expect(log.text()).toContain(
      '3 more failed checks are not annotated (GitHub shows 10 per step); the job summary lists them all',
    );
    const md = renderSummary(report);
    expect(md).toContain('<details><summary>Failed requests (13)</summary>');
    expect(md).toContain(
      '| GET app/p12 | GET http://app/p12 | 1 | 0ms | status 500, expected 2xx |',
    );
  });

  test('a passing run has no failed-requests block', async () => {
    const report = await run(inputs({ urls: 'http://app/' }), {
      http: new FakeHttp(() => ({ status: 200 })),
      clock: new FakeClock(),
      log: new RecordingLogger(),
    });
    expect(renderSummary(report)).not.toContain('<details>');
  });

  test('version-from: polls until each check reports the version where it is told to look', async () => {
    const log = new RecordingLogger();
    const clock = new FakeClock();
    const http = new FakeHttp((req, nth) => {
      const v = nth < 3 ? '1.0.0' : '2.0.0';
      if (req.url.endsWith('/page')) return { status: 200, body: `<p>shop v${v}</p>` };
      if (req.url.endsWith('/api'))
        return { status: 200, body: JSON.stringify({ build: { version: v } }) };
      return { status: 200, headers: { 'x-app-version': v } };
    }, clock);
    const report = await run(
      inputs({
        'expect-version': '2.0.0',
        'version-from': 'header:X-App-Version',
        timeout: '1m',
        checks: [
          '- name: head',
          '  url: http://app/',
          '- name: page',
          '  url: http://app/page',
          '  version-from: regex:v(\\d+\\.\\d+\\.\\d+)',
          '- name: api',
          '  url: http://app/api',
          '  version-from: {json: $.build.version}',
          '- name: docs',
          '  url: http://app/docs',
          '  expect-version: false',
        ].join('\n'),
      }),
      { http, clock, log },
    );
    expect(report.passed).toBe(true);
    expect(report.results.map((r) => [r.name, r.attempts, r.version ?? null])).toEqual([
      ['head', 3, '2.0.0'],
      ['page', 3, '2.0.0'],
      ['api', 3, '2.0.0'],
      ['docs', 1, null],
    ]);
    expect(log.text()).toContain('until version 2.0.0 (read from header:X-App-Version)');
    expect(log.text()).toContain('… head: attempt 1 failed (version 1.0.0, expected 2.0.0)');
  });

  test('a version that cannot be read fails the check, saying where it looked', async () => {
    const log = new RecordingLogger();
    const report = await run(
      inputs({
        urls: 'http://app/',
        'expect-version': '2.0.0',
        'version-from': 'header:X-App-Version',
      }),
      {
        http: new FakeHttp(() => ({ status: 200, body: '{"version":"2.0.0"}' })),
        clock: new FakeClock(),
        log,
      },
    );
    expect(report.passed).toBe(false);
    expect(report.failed[0]!.reason).toBe('no version: no X-App-Version header in the response');
  });
});
