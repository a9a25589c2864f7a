/**
 * smoke-test, bundled, under Node 24, run as the GitHub runner runs it, against the example app in
 * Docker (scripts/testbed up must have run).
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type ActionRun } from '../support/runner.js';
import { AppContainer, freePort, testbed } from '../support/testbed.js';

let app: AppContainer;

beforeAll(async () => {
  testbed();
  app = await AppContainer.start({ version: '1.0.0', color: 'blue' });
});

afterAll(async () => {
  await app?.remove();
});

const results = (run: ActionRun): Record<string, unknown>[] =>
  JSON.parse(run.outputs.results ?? '[]') as Record<string, unknown>[];

describe('smoke-test against the example app', () => {
  test('passing checks: URL list plus YAML checks with status, body and JSON path; outputs and summary', async () => {
    const run = await runAction('smoke-test', {
      inputs: {
        urls: `${app.url}/healthz`,
        checks: [
          '- name: home',
          `  url: ${app.url}/`,
          '  body-contains: hello from switchyard',
          '  expect-json:',
          '    - $.color == "blue"',
          '    - $.version =~ /^1\\./',
          '  max-latency: 2s',
          '- name: metrics',
          `  url: ${app.url}/metrics`,
          '  body-regex: /http_requests_total\\{/',
        ].join('\n'),
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.outputs['failed-checks']).toBe('[]');
    expect(results(run).map((r) => [r.name, r.passed, r.status, r.attempts])).toEqual([
      [`GET 127.0.0.1:${app.port}/healthz`, true, 200, 1],
      ['home', true, 200, 1],
      ['metrics', true, 200, 1],
    ]);
    expect(run.summary).toContain('## Smoke test');
    expect(run.summary).toContain('✅ 3 of 3 checks passed');
    expect(run.summary).toMatch(/\| home \| ✅ passed \| 200 \| \d+ms \| 1 \| – \|/);
    expect(run.log).toContain('✓ home: 200 in');
  });

  test('a failing status fails the step with an annotation and names the check', async () => {
    const run = await runAction('smoke-test', {
      inputs: { checks: `- name: missing page\n  url: ${app.url}/missing` },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(JSON.parse(run.outputs['failed-checks'] ?? '')).toEqual(['missing page']);
    expect(results(run)[0]).toMatchObject({
      status: 404,
      reason: 'status 404, expected 2xx',
      passed: false,
    });
    expect(run.annotations).toContainEqual({
      level: 'error',
      props: 'title=smoke-test%3A missing page failed',
      message: 'missing page: status 404, expected 2xx',
    });
    expect(run.log).toContain(
      '::error::smoke-test: 1 of 1 required checks failed: missing page (status 404, expected 2xx)',
    );
    expect(run.summary).toContain('❌ 1 of 1 required checks failed');
  });

  test('a failing JSON path reports the actual value', async () => {
    const run = await runAction('smoke-test', {
      inputs: {
        checks: `- name: health\n  url: ${app.url}/healthz\n  expect-json: $.status == "degraded"`,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(results(run)[0]).toMatchObject({
      status: 200,
      reason: '$.status is "healthy", expected "degraded"',
    });
  });

  test('a slow answer times out per request', async () => {
    const run = await runAction('smoke-test', {
      inputs: { urls: `${app.url}/?delay_ms=3000`, 'request-timeout': '300ms' },
    });
    expect(run.exitCode).toBe(1);
    const [r] = results(run);
    expect(r).toMatchObject({
      passed: false,
      status: null,
      reason: 'timed out: no response within 300ms',
    });
    expect(r!.latencyMs as number).toBeLessThan(2500);
  });

  test('retries with backoff succeed late', async () => {
    await app.knobs({ fail_next: 3 });
    const run = await runAction('smoke-test', {
      inputs: {
        urls: `${app.url}/healthz`,
        attempts: '6',
        interval: '100ms',
        'max-interval': '200ms',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(results(run)[0]).toMatchObject({ passed: true, status: 200, attempts: 4 });
    expect(run.log).toMatch(/attempt 1 failed \(status 503, expected 2xx\); retrying in \d+ms/);
  });

  test('an optional check that fails warns but does not fail the step', async () => {
    const run = await runAction('smoke-test', {
      inputs: {
        checks: `- ${app.url}/healthz\n- name: docs\n  url: ${app.url}/docs\n  continue-on-failure: true`,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.annotations.map((a) => a.level)).toEqual(['warning']);
  });

  test('secret headers are masked and never printed', async () => {
    const token = 'tok-5ecr3t-value-81';
    const run = await runAction('smoke-test', {
      inputs: {
        urls: `${app.url}/missing`,
        headers: `Authorization: Bearer ${token}\nX-Api-Key: key-${token}`,
      },
      secrets: [token, `key-${token}`],
    });
    expect(run.exitCode).toBe(1);
    expect(run.masked).toEqual(expect.arrayContaining([`Bearer ${token}`, token, `key-${token}`]));
  });

  test('checks-file is read relative to the workspace', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'switchyard-ws-'));
    writeFileSync(join(ws, 'smoke.yml'), `- url: /healthz\n  expect-json: $.status == "healthy"\n`);
    const run = await runAction('smoke-test', {
      workspace: ws,
      inputs: { 'checks-file': 'smoke.yml', 'base-url': app.url },
    });
    expect(run.exitCode).toBe(0);
    expect(results(run)[0]).toMatchObject({ url: `${app.url}/healthz`, passed: true });
  });
});

describe('expect-version across a real version change', () => {
  test('keeps polling through the restart until v2 answers', async () => {
    const port = await freePort();
    const v1 = await AppContainer.start({ version: '1.0.0', port });
    let v2: AppContainer | undefined;
    try {
      const running = runAction('smoke-test', {
        inputs: {
          urls: `http://127.0.0.1:${port}/healthz`,
          'expect-version': '2.0.0',
          timeout: '30s',
          interval: '200ms',
          'max-interval': '400ms',
        },
      });
      await new Promise((r) => setTimeout(r, 1500));
      await v1.remove();
      v2 = await AppContainer.start({ version: '2.0.0', color: 'green', port });
      const run = await running;
      expect(run.exitCode).toBe(0);
      const [r] = results(run);
      expect(r).toMatchObject({ passed: true, version: '2.0.0' });
      expect(r!.attempts as number).toBeGreaterThan(2);
      expect(run.log).toMatch(/attempt 1 failed \(version 1\.0\.0, expected 2\.0\.0\)/);
    } finally {
      await v1.remove();
      await v2?.remove();
    }
  });
});

describe('version-from: each extractor over real HTTP (a loopback server)', () => {
  // An app that is not ours: the version in a nested JSON field, a header, or the text of a page.
  // /page answers v1.0.0 to its first two requests, then v2.0.0.
  let server: Server;
  let base: string;
  let pageHits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/api/info') {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ build: { version: '2.0.0', commit: 'abc123' } }));
      } else if (req.url === '/plain') {
        res.setHeader('X-App-Version', '2.0.0');
        res.end('ok');
      } else if (req.url === '/page') {
        pageHits++;
        res.setHeader('Content-Type', 'text/html');
        res.end(`<html><footer>shop v${pageHits <= 2 ? '1.0.0' : '2.0.0'}</footer></html>`);
      } else {
        res.statusCode = 404;
        res.end('not found');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  test('json: the action-level source, a nested path', async () => {
    const run = await runAction('smoke-test', {
      inputs: {
        urls: `${base}/api/info`,
        'expect-version': '2.0.0',
        'version-from': 'json:$.build.version',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(results(run)[0]).toMatchObject({ passed: true, version: '2.0.0' });
    expect(run.log).toContain('until version 2.0.0 (read from json:$.build.version)');
  });

  test('header: a check of its own, and the reason when the header is missing', async () => {
    const run = await runAction('smoke-test', {
      inputs: {
        'expect-version': '2.0.0',
        checks: [
          '- name: plain',
          `  url: ${base}/plain`,
          '  version-from: header:X-App-Version',
          '- name: no header',
          `  url: ${base}/api/info`,
          '  version-from:',
          '    header: X-App-Version',
        ].join('\n'),
      },
    });
    expect(run.exitCode).toBe(1);
    expect(results(run).map((r) => [r.name, r.passed, r.version ?? null, r.reason])).toEqual([
      ['plain', true, '2.0.0', null],
      ['no header', false, null, 'no version: no X-App-Version header in the response'],
    ]);
  });

  test('regex: polls a page until its text reports the version', async () => {
    const run = await runAction('smoke-test', {
      inputs: {
        'expect-version': '2.0.0',
        timeout: '20s',
        interval: '100ms',
        'max-interval': '200ms',
        checks: `- name: page\n  url: ${base}/page\n  version-from: regex:v(\\d+\\.\\d+\\.\\d+)`,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(results(run)[0]).toMatchObject({ passed: true, version: '2.0.0', attempts: 3 });
    expect(run.log).toMatch(/attempt 1 failed \(version 1\.0\.0, expected 2\.0\.0\)/);
  });

  test.each<[Record<string, string>, string]>([
    [{ 'version-from': 'regex:v\\d+' }, 'input "version-from": "v\\\\d+" has no capture group'],
    [
      { 'version-from': 'header:X-V', 'version-path': '$.v' },
      'input "version-path": "$.v" is set together with version-from',
    ],
  ])('[%#] a bad source fails before any request: %o', async (extra, message) => {
    const before = pageHits;
    const run = await runAction('smoke-test', {
      inputs: { urls: `${base}/page`, 'expect-version': '2.0.0', ...extra },
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(`::error::smoke-test: ${message}`);
    expect(pageHits).toBe(before);
  });
});

describe('malformed inputs fail before any request, naming the input', () => {
  const target = (): string => `${app.url}/healthz`;
  test.each<[string, () => Record<string, string>, string]>([
    ['unparseable checks', () => ({ checks: '- url: [unclosed' }), 'input "checks"'],
    ['bad URL', () => ({ urls: 'http//127.0.0.1/healthz' }), 'input "urls[0].url"'],
    [
      'bad duration',
      () => ({ urls: target(), timeout: '5x' }),
      'input "timeout": "5x" is not a duration',
    ],
    [
      'bad request-timeout',
      () => ({ urls: target(), 'request-timeout': 'soon' }),
      'input "request-timeout"',
    ],
    [
      'unknown method',
      () => ({ checks: `- url: ${target()}\n  method: FETCH` }),
      'input "checks[0].method": "FETCH" is not an HTTP method',
    ],
    [
      'invalid JSON path',
      () => ({ checks: `- url: ${target()}\n  expect-json: $.status = "ok"` }),
      'input "checks[0].expect-json[0]"',
    ],
    [
      'unknown check key',
      () => ({ checks: `- url: ${target()}\n  expect_status: 200` }),
      'input "checks[0].expect_status"',
    ],
    [
      'bad expect-status',
      () => ({ urls: target(), 'expect-status': '2xxx' }),
      'input "expect-status"',
    ],
    ['attempts zero', () => ({ urls: target(), attempts: '0' }), 'input "attempts"'],
    ['bad concurrency', () => ({ urls: target(), concurrency: '-3' }), 'input "concurrency"'],
    [
      'bad boolean',
      () => ({ urls: target(), 'follow-redirects': 'yes' }),
      'input "follow-redirects"',
    ],
    [
      'bad body regex',
      () => ({ checks: `- url: ${target()}\n  body-regex: "(unclosed"` }),
      'input "checks[0].body-regex"',
    ],
    ['no checks at all', () => ({}), 'input "urls"'],
    [
      'checks and checks-file',
      () => ({ checks: `- ${target()}`, 'checks-file': 'x.yml' }),
      'input "checks-file"',
    ],
  ])('[%#] %s', async (_what, inputs, message) => {
    const before = await app.requestCount();
    const run = await runAction('smoke-test', { inputs: inputs() });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(`::error::smoke-test: ${message}`);
    expect(run.outputs).toEqual({});
    expect(await app.requestCount()).toBe(before);
  });
});

test('the harness refuses an input that action.yml does not declare', async () => {
  await expect(runAction('smoke-test', { inputs: { url: 'http://x/' } })).rejects.toThrow(
    'input "url" is not declared',
  );
});
