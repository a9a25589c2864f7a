import { InputError } from '@switchyard/kit';
import {
  buildChecks,
  checkAssertion,
  parseAssertion,
  parseJsonPath,
  parseStatus,
  type CheckDefaults,
} from '@switchyard/probe';

describe('parseStatus', () => {
  test.each([
    ['200', [200], [201, 500]],
    ['2xx', [200, 204, 299], [199, 300]],
    ['200-204', [200, 204], [205]],
    ['200, 3xx', [200, 301], [201, 404]],
    [[200, '404'], [200, 404], [500]],
    [503, [503], [200]],
  ])('[%#] %o matches %o and not %o', (spec, yes, no) => {
    const m = parseStatus('expect-status', spec);
    for (const s of yes) expect(m.matches(s)).toBe(true);
    for (const s of no) expect(m.matches(s)).toBe(false);
  });

  test.each(['2xxx', '600', '99', 'ok', '300-200', '', []])('[%#] %o is rejected', (spec) => {
    expect(() => parseStatus('expect-status', spec)).toThrow(
      /^input "expect-status": .* is not an HTTP status\. Use a code \(200\)/,
    );
  });
});

describe('JSON path assertions', () => {
  const body = {
    status: 'healthy',
    version: '1.4.2',
    items: [{ count: 3 }, { count: 7 }],
    'odd key': true,
    nil: null,
  };
  test.each([
    ['$.status == "healthy"', undefined],
    ['$.status == "degraded"', '$.status is "healthy", expected "degraded"'],
    ['$.version != "1.0.0"', undefined],
    ['$.items[0].count >= 3', undefined],
    ['$.items[-1].count < 5', '$.items[-1].count is 7, expected < 5'],
    ["$['odd key'] == true", undefined],
    ['$.nil == null', undefined],
    ['$.items', undefined],
    ['$.missing', '$.missing not found'],
    ['$.items[5].count == 1', '$.items[5].count not found'],
    ['$.status =~ /^heal/', undefined],
    ['$.status =~ /^sick/i', '$.status is "healthy", expected a match of /^sick/i'],
    ['$.status > 2', '$.status is "healthy", expected a number > 2'],
    ['$.items == [{"count":3},{"count":7}]', undefined],
  ])('[%#] %s', (text, failure) => {
    expect(checkAssertion(parseAssertion('expect-json', text), body)).toBe(failure);
  });

  test.each([
    ['status == "x"', 'does not start with $'],
    ['$.status = "x"', 'has no valid operator'],
    ['$.status == healthy', 'which is not a JSON value'],
    ['$.a..b', 'has an invalid path segment'],
    ['$.a[x]', 'has an invalid path segment'],
    ['$.a =~ /(/', 'has an invalid regex'],
    ['$.a =~ abc', 'needs a /regex/'],
    ['$.a < "3"', 'uses < with a non-number'],
  ])('[%#] %s is rejected: %s', (text, why) => {
    expect(() => parseAssertion('expect-json', text)).toThrow(InputError);
    expect(() => parseAssertion('expect-json', text)).toThrow(why);
  });

  test('parseJsonPath rejects trailing text', () => {
    expect(parseJsonPath('version-path', '$.meta.version')).toEqual(['meta', 'version']);
    expect(() => parseJsonPath('version-path', '$.version == 1')).toThrow(
      'has unexpected text after the path',
    );
  });
});

describe('buildChecks', () => {
  const defaults: CheckDefaults = {
    headers: {},
    expectStatus: parseStatus('expect-status', '2xx'),
    timeoutMs: 5000,
    followRedirects: true,
  };

  test('builds checks from URLs and YAML items, with defaults and generated unique names', () => {
    const { checks } = buildChecks(
      ['http://127.0.0.1:8080/healthz', 'http://127.0.0.1:8080/healthz'],
      [
        {
          name: 'home',
          url: 'http://127.0.0.1:8080/',
          method: 'post',
          body: { a: 1 },
          'expect-status': '200,201',
          'body-contains': 'hello',
          'body-regex': '/Hello/i',
          'expect-json': ['$.a == 1'],
          'max-latency': '800ms',
          timeout: '2s',
          'continue-on-failure': true,
        },
        'http://127.0.0.1:8080/metrics',
      ],
      defaults,
    );
    expect(checks.map((c) => c.name)).toEqual([
      'GET 127.0.0.1:8080/healthz',
      'GET 127.0.0.1:8080/healthz #2',
      'home',
      'GET 127.0.0.1:8080/metrics',
    ]);
    const home = checks[2]!;
    expect(home).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      headers: { 'Content-Type': 'application/json' },
      bodyContains: ['hello'],
      maxLatencyMs: 800,
      timeoutMs: 2000,
      continueOnFailure: true,
    });
    expect(home.expectStatus.text).toBe('200,201');
    expect(home.bodyRegex?.flags).toBe('i');
    expect(checks[0]!.timeoutMs).toBe(5000);
  });

  test('resolves relative URLs against base-url, keeping its path prefix and the query', () => {
    const { checks } = buildChecks(['/healthz', 'api/items?limit=2'], undefined, {
      ...defaults,
      baseUrl: new URL('http://127.0.0.1:9000/shop/'),
    });
    expect(checks.map((c) => c.url)).toEqual([
      'http://127.0.0.1:9000/shop/healthz',
      'http://127.0.0.1:9000/shop/api/items?limit=2',
    ]);
  });

  test('moves URL credentials into an Authorization header and reports secrets', () => {
    const { checks, secrets } = buildChecks(
      ['http://ci:s3cr%40t@127.0.0.1:8080/private'],
      [
        {
          url: 'http://127.0.0.1:8080/',
          headers: { 'X-Api-Key': 'key-123', Accept: 'text/plain' },
        },
      ],
      { ...defaults, headers: { Authorization: 'Bearer tok-999' } },
    );
    expect(checks[0]!.url).toBe('http://127.0.0.1:8080/private');
    expect(checks[0]!.headers.Authorization).toBe('Bearer tok-999');
    expect(secrets).toEqual(
      expect.arrayContaining(['Bearer tok-999', 'tok-999', 's3cr@t', 'key-123']),
    );
    expect(secrets).not.toContain('text/plain');
    const { checks: basic } = buildChecks(['http://ci:pw1@127.0.0.1/'], undefined, defaults);
    expect(basic[0]!.headers.Authorization).toBe(
      `Basic ${Buffer.from('ci:pw1').toString('base64')}`,
    );
  });

  test('expect-version: the default applies unless a check opts out or sets its own', () => {
    const { checks } = buildChecks(
      [],
      [
        { url: 'http://a/' },
        { url: 'http://b/', 'expect-version': false },
        { url: 'http://c/', 'expect-version': '9.9.9' },
      ],
      { ...defaults, expectVersion: '2.0.0' },
    );
    expect(checks.map((c) => c.expectVersion)).toEqual(['2.0.0', undefined, '9.9.9']);
  });

  test('version-from: a check own source, else the default one, only where a version is expected', () => {
    const { checks } = buildChecks(
      [],
      [
        { url: 'http://a/' },
        { url: 'http://b/', 'version-from': { header: 'X-App-Version' } },
        { url: 'http://c/', 'version-from': 'regex:/build (\\S+)/i' },
        { url: 'http://d/', 'version-from': 'json:$.v', 'expect-version': false },
      ],
      {
        ...defaults,
        expectVersion: '2.0.0',
        versionFrom: { kind: 'json', path: ['app', 'v'], text: '$.app.v' },
      },
    );
    expect(checks.map((c) => c.versionFrom)).toEqual([
      { kind: 'json', path: ['app', 'v'], text: '$.app.v' },
      { kind: 'header', name: 'X-App-Version' },
      { kind: 'regex', regex: /build (\S+)/i },
      undefined,
    ]);
    // Without a default source, $.version.
    expect(
      buildChecks(['http://a/'], undefined, { ...defaults, expectVersion: '1' }).checks[0]!
        .versionFrom,
    ).toEqual({ kind: 'json', path: ['version'], text: '$.version' });
  });

  const ok = { url: 'http://ok/' };
  test.each([
    [
      { 'version-from': 'regex:(' },
      'input "checks[2].version-from": "(" is not a valid regular expression',
    ],
    [
      { 'version-from': 'regex:v\\d+' },
      'input "checks[2].version-from": "v\\\\d+" has no capture group',
    ],
    [{ 'version-from': 'regex:/v(\\d+)/g' }, 'has flags that do not apply here (g)'],
    [{ 'version-from': 'regex:(?<major>\\d+)\\.(?<minor>\\d+)' }, 'has 2 capture groups'],
    [
      { 'version-from': { header: 'Bad Name' } },
      'input "checks[2].version-from.header": "Bad Name" is not a valid header name',
    ],
    [
      { 'version-from': { header: ['X-V'] } },
      'input "checks[2].version-from.header": is a list, not a string',
    ],
    [
      { 'version-from': { xpath: '//v' } },
      'input "checks[2].version-from.xpath": "xpath" is not a version source',
    ],
    [{ 'version-from': {} }, 'input "checks[2].version-from": has no keys'],
    [
      { 'version-from': ['json:$.v'] },
      'input "checks[2].version-from": is a list, not a version source',
    ],
    [
      { 'version-from': 'json:$.v ==' },
      'input "checks[2].version-from": "$.v ==" has unexpected text after the path',
    ],
    [
      { 'version-from': 'xml:/v' },
      'input "checks[2].version-from": "xml:/v" is not a version source',
    ],
  ])('[%#] rejects version-from %o: %s', (item, message) => {
    expect(() => buildChecks([], [ok, ok, { url: 'http://a/', ...item }], defaults)).toThrow(
      message,
    );
  });

  test.each([
    [
      [{ url: 'http://a/', methd: 'GET' }],
      'input "checks[0].methd": "methd" is not a check setting',
    ],
    [[{ name: 'x' }], 'input "checks[0].url": "" is required'],
    [
      [{ url: 'http://a/', method: 'FETCH' }],
      'input "checks[0].method": "FETCH" is not an HTTP method. Use one of: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    ],
    [[{ url: 'ftp://a/' }], 'input "checks[0].url": "ftp://a/" has protocol ftp:'],
    [
      [{ url: '/healthz' }],
      'input "checks[0].url": "/healthz" is a relative URL but no base-url is set',
    ],
    [[{ url: 'http://a/', timeout: '5' }], 'input "checks[0].timeout": "5" is not a duration'],
    [[{ url: 'http://a/', 'expect-json': ['$.ok == yes'] }], 'input "checks[0].expect-json[0]"'],
    [
      [{ url: 'http://a/', 'body-regex': '(' }],
      'input "checks[0].body-regex": "(" is not a valid regular expression',
    ],
    [
      [{ url: 'http://a/', headers: { 'Bad Header': 'x' } }],
      'input "checks[0].headers.Bad Header": "Bad Header" is not a valid header name',
    ],
    [
      [
        { url: 'http://a/', name: 'n' },
        { url: 'http://b/', name: 'n' },
      ],
      'input "checks": "n" names two checks',
    ],
    [[42], 'input "checks[0]": is a number, not a check'],
    [
      { url: 'http://a/', headers: { Authorization: 'Bearer s3cret' } },
      'input "checks": is a mapping, not a list of checks. Start each check with "- "',
    ],
    [
      [{ url: 'http://a/', 'continue-on-failure': 'maybe' }],
      'input "checks[0].continue-on-failure": "maybe" is not a boolean',
    ],
    [[{ url: 'http://a/', url2: 1 }], 'is not a check setting'],
    [
      [{ url: 'http://a/', body: 'x' }],
      'input "checks[0].body": "x" is set on a GET check. GET and HEAD requests carry no body',
    ],
  ])('[%#] rejects %j', (doc, message) => {
    expect(() => buildChecks([], doc, defaults)).toThrow(message);
  });
});
