import { InputError, InputReader } from '@switchyard/kit';
import { parseInputs } from '../src/inputs.js';

const parse = (values: Record<string, string>, files: Record<string, string> = {}) =>
  parseInputs(new InputReader((n) => values[n] ?? ''), (p) => {
    const text = files[p];
    if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    return text;
  });

describe('parseInputs', () => {
  test('a plain URL list with defaults: one attempt, 5s per request, 2xx', () => {
    const i = parse({ urls: 'http://127.0.0.1:8080/healthz\nhttp://127.0.0.1:8080/' });
    expect(i.checks).toHaveLength(2);
    expect(i).toMatchObject({
      attempts: 1,
      concurrency: 10,
      intervalMs: 1000,
      maxIntervalMs: 10_000,
      versionFrom: { kind: 'json', path: ['version'], text: '$.version' },
    });
    expect(i.timeoutMs).toBeUndefined();
    expect(i.checks[0]).toMatchObject({ method: 'GET', timeoutMs: 5000, followRedirects: true });
  });

  test('a timeout makes attempts unlimited unless attempts is set', () => {
    expect(parse({ urls: 'http://a/', timeout: '2m' })).toMatchObject({
      timeoutMs: 120_000,
      attempts: Infinity,
    });
    expect(parse({ urls: 'http://a/', timeout: '2m', attempts: '4' })).toMatchObject({
      attempts: 4,
    });
  });

  test('checks from YAML, JSON and a file, relative to base-url, with shared headers', () => {
    const yaml = '- name: health\n  url: /healthz\n  expect-json: $.status == "healthy"\n- /';
    const i = parse({
      checks: yaml,
      'base-url': 'http://127.0.0.1:9000',
      headers: 'Authorization: Bearer abc123\nX-Env: staging',
    });
    expect(i.checks.map((c) => [c.name, c.url])).toEqual([
      ['health', 'http://127.0.0.1:9000/healthz'],
      ['GET 127.0.0.1:9000/', 'http://127.0.0.1:9000/'],
    ]);
    expect(i.checks[0]!.headers).toEqual({ Authorization: 'Bearer abc123', 'X-Env': 'staging' });
    expect(i.secrets).toEqual(expect.arrayContaining(['Bearer abc123', 'abc123']));
    expect(
      parse({ checks: '[{"url":"http://a/","expect-status":"3xx"}]' }).checks[0]!.expectStatus.text,
    ).toBe('3xx');
    expect(
      parse({ 'checks-file': 'smoke.yml' }, { 'smoke.yml': '- http://a/x' }).checks[0]!.url,
    ).toBe('http://a/x');
  });

  test('expect-version applies to every check', () => {
    const i = parse({
      urls: 'http://a/healthz',
      'expect-version': '1.4.2',
      'version-path': '$.build.version',
    });
    expect(i.checks[0]!.expectVersion).toBe('1.4.2');
    expect(i.versionFrom).toEqual({
      kind: 'json',
      path: ['build', 'version'],
      text: '$.build.version',
    });
    expect(i.checks[0]!.versionFrom).toEqual(i.versionFrom);
  });

  test.each([
    ['json:$.build.version', { kind: 'json', path: ['build', 'version'], text: '$.build.version' }],
    [
      'json: $["app"].version',
      { kind: 'json', path: ['app', 'version'], text: '$["app"].version' },
    ],
    ['header:X-App-Version', { kind: 'header', name: 'X-App-Version' }],
    ['HEADER: x-app-version', { kind: 'header', name: 'x-app-version' }],
    ['regex:v(\\d+\\.\\d+\\.\\d+)', { kind: 'regex', regex: /v(\d+\.\d+\.\d+)/ }],
    ['regex:/Version: (\\S+)/i', { kind: 'regex', regex: /Version: (\S+)/i }],
  ])('[%#] version-from %s is the default of every check', (text, source) => {
    const i = parse({
      checks:
        '- http://a/\n- url: http://b/\n  version-from: header:X-Other\n- url: http://c/\n  expect-version: false',
      'expect-version': '1.4.2',
      'version-from': text,
    });
    expect(i.versionFrom).toEqual(source);
    expect(i.checks.map((c) => c.versionFrom)).toEqual([
      source,
      { kind: 'header', name: 'X-Other' },
      undefined,
    ]);
  });

  // Each of these must fail before any request, naming the input.
  test.each([
    [{}, 'input "urls": "" and checks are both empty'],
    [
      { checks: '- url: [unclosed' },
      /^input "checks": is not valid YAML or JSON \(.*, at line 1, column 17\)/,
    ],
    [
      { urls: 'not a url' },
      'input "urls[0].url": "not a url" is a relative URL but no base-url is set',
    ],
    [{ urls: 'http://a/', timeout: '5x' }, 'input "timeout": "5x" is not a duration'],
    [
      { urls: 'http://a/', 'request-timeout': '0ms' },
      'input "request-timeout": "0ms" is out of range',
    ],
    [
      { urls: 'http://a/', attempts: '0' },
      'input "attempts": "0" is out of range. Use a value from 1 to 1000',
    ],
    [
      { urls: 'http://a/', concurrency: 'lots' },
      'input "concurrency": "lots" is not a whole number',
    ],
    [
      { checks: '- url: http://a/\n  method: FETCH' },
      'input "checks[0].method": "FETCH" is not an HTTP method',
    ],
    [
      { checks: '- url: http://a/\n  expect-json: status == "ok"' },
      'input "checks[0].expect-json[0]": "status == \\"ok\\"" does not start with $',
    ],
    [
      { urls: 'http://a/', 'expect-status': '2xxx' },
      'input "expect-status": "2xxx" is not an HTTP status',
    ],
    [
      { urls: 'http://a/', 'version-path': 'version' },
      'input "version-path": "version" does not start with $',
    ],
    [
      { urls: 'http://a/', 'version-from': 'body:version' },
      'input "version-from": "body:version" is not a version source. Use json:<JSON path>',
    ],
    [
      { urls: 'http://a/', 'version-from': '$.version' },
      'input "version-from": "$.version" is not a version source',
    ],
    [
      { urls: 'http://a/', 'version-from': 'json:version' },
      'input "version-from": "version" does not start with $',
    ],
    [
      { urls: 'http://a/', 'version-from': 'header:X App' },
      'input "version-from": "X App" is not a valid header name',
    ],
    [{ urls: 'http://a/', 'version-from': 'header:' }, 'input "version-from": "" gives no header'],
    [
      { urls: 'http://a/', 'version-from': 'regex:v\\d+' },
      'input "version-from": "v\\\\d+" has no capture group. Write one capture group around the version',
    ],
    [{ urls: 'http://a/', 'version-from': 'regex:(v)(\\d+)' }, 'has 2 capture groups'],
    [
      { urls: 'http://a/', 'version-from': 'regex:v(\\d+' },
      'input "version-from": "v(\\\\d+" is not a valid regular expression',
    ],
    [
      { urls: 'http://a/', 'version-from': 'header:X-V', 'version-path': '$.v' },
      'input "version-path": "$.v" is set together with version-from. version-path is the older form of version-from: json:<path>. Remove version-path (or write version-from: json:$.v)',
    ],
    [
      { checks: '- url: http://a/\n  version-from: {header: X-V, json: $.v}' },
      'input "checks[0].version-from": has 2 keys (header, json). Give exactly one of json, header, regex',
    ],
    [
      { checks: '- url: http://a/\n  version-from: regex:nope' },
      'input "checks[0].version-from": "nope" has no capture group',
    ],
    [
      { urls: 'http://a/', 'base-url': 'localhost' },
      'input "base-url": "localhost" is not a valid URL',
    ],
    [
      { urls: 'http://a/', headers: 'Authorization Bearer x' },
      'input "headers[line 1]": "(hidden)" is not a header line',
    ],
    [
      { urls: 'http://a/', interval: '10s', 'max-interval': '1s' },
      'input "max-interval": "1s" is shorter than interval (10s)',
    ],
    [
      { urls: 'http://a/', 'follow-redirects': 'sometimes' },
      'input "follow-redirects": "sometimes" is not a boolean',
    ],
    [
      { checks: '- http://a/', 'checks-file': 'x.yml' },
      'input "checks-file": "x.yml" is set together with checks',
    ],
    [
      { 'checks-file': 'missing.yml' },
      'input "checks-file": "missing.yml" cannot be read (ENOENT)',
    ],
    [{ checks: 'url: http://a/' }, 'input "checks": is a mapping, not a list of checks'],
    [{ urls: 'http://a/', 'max-latency': 'fast' }, 'input "max-latency": "fast" is not a duration'],
  ])('[%#] rejects %o', (values, message) => {
    let caught: unknown;
    try {
      parse(values);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    if (typeof message === 'string') expect((caught as Error).message).toContain(message);
    else expect((caught as Error).message).toMatch(message);
  });
});
