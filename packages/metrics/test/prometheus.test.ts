import {
  parseSampleValue,
  PrometheusError,
  prometheusClient,
  samplesOf,
  seriesOf,
  type PrometheusOptions,
} from '@switchyard/metrics';
import type { Http, HttpRequest } from '@switchyard/probe';
import { FakeHttp, type FakeAnswer } from '../../../test/support/fakes.js';

/** Responses shaped exactly like the Prometheus HTTP API's (querying/api/#format-overview). */
const success = (data: unknown): string => JSON.stringify({ status: 'success', data });
const apiError = (errorType: string, error: string): string =>
  JSON.stringify({ status: 'error', errorType, error });

const OPTS: PrometheusOptions = {
  url: 'https://metrics.example.test/prometheus/',
  headers: { Authorization: 'Bearer s3cret', 'X-Scope-OrgID': 'team-a' },
  timeoutMs: 10_000,
};

function client(answer: FakeAnswer | ((req: HttpRequest) => FakeAnswer), opts = OPTS) {
  const http = new FakeHttp(typeof answer === 'function' ? answer : () => answer);
  return { http, prom: prometheusClient(opts, http) };
}

const form = (req: HttpRequest | undefined): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(req?.body ?? ''));

/** The PrometheusError a promise rejects with (fails the test if it resolves or throws something else). */
async function promError(p: Promise<unknown>): Promise<PrometheusError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrometheusError);
  return error as PrometheusError;
}

const VECTOR = success({
  resultType: 'vector',
  result: [{ metric: { color: 'green' }, value: [1700000000.123, '0.25'] }],
});

describe('prometheusClient: requests', () => {
  it('POSTs an instant query as a form to /api/v1/query under the path prefix', async () => {
    const { http, prom } = client({ body: VECTOR });
    const promql = 'sum(rate(http_requests_total{app="web",code=~"5.."}[1m])) + 1';
    await prom.query(promql, 1_700_000_000_123);

    expect(http.requests).toHaveLength(1);
    const req = http.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://metrics.example.test/prometheus/api/v1/query');
    expect(req.timeoutMs).toBe(10_000);
    expect(req.headers).toMatchObject({
      Authorization: 'Bearer s3cret',
      'X-Scope-OrgID': 'team-a',
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
    });
    // The PromQL survives form encoding intact (+, quotes, braces); time is in seconds.
    expect(form(req)).toEqual({ query: promql, time: '1700000000.123', timeout: '9s' });
  });

  it('POSTs a range query with start, end and step in seconds to /api/v1/query_range', async () => {
    const { http, prom } = client({ body: success({ resultType: 'matrix', result: [] }) });
    await prom.queryRange('up{job="x"}', 1_700_000_000_000, 1_700_000_600_000, 3000);

    const req = http.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://metrics.example.test/prometheus/api/v1/query_range');
    expect(form(req)).toEqual({
      query: 'up{job="x"}',
      start: '1700000000.000',
      end: '1700000600.000',
      step: '3.000',
      timeout: '9s',
    });
  });

  it('strips trailing slashes from the base URL and reports it as url', () => {
    const { prom } = client({ body: VECTOR }, { ...OPTS, url: 'http://prom:9090//' });
    expect(prom.url).toBe('http://prom:9090');
  });

  it('works without a path prefix', async () => {
    const { http, prom } = client({ body: VECTOR }, { ...OPTS, url: 'http://prom:9090' });
    await prom.query('up', 0);
    expect(http.requests[0]!.url).toBe('http://prom:9090/api/v1/query');
  });

  test.each([
    [10_000, '9s'],
    [2_500, '1s'],
    [999, '1s'],
    [60_000, '59s'],
  ])(
    'a %ims HTTP timeout sends Prometheus timeout=%s (a second less, at least 1s)',
    async (timeoutMs, sent) => {
      const { http, prom } = client({ body: VECTOR }, { ...OPTS, timeoutMs });
      await prom.query('up', 0);
      expect(form(http.requests[0]).timeout).toBe(sent);
      expect(http.requests[0]!.timeoutMs).toBe(timeoutMs);
    },
  );

  it('sends only the extra headers it was given', async () => {
    const { http, prom } = client({ body: VECTOR }, { ...OPTS, headers: {} });
    await prom.query('up', 0);
    expect(Object.keys(http.requests[0]!.headers)).not.toContain('Authorization');
  });
});

describe('prometheusClient: results', () => {
  it('parses a vector into labelled samples', async () => {
    const { prom } = client({
      body: success({
        resultType: 'vector',
        result: [
          { metric: { color: 'green', instance: 'a:8080' }, value: [1700000000.123, '0.25'] },
          { metric: { color: 'blue' }, value: [1700000000.123, '1e-3'] },
          { metric: {}, value: [1700000000.123, 'NaN'] },
          { metric: { le: '+Inf' }, value: [1700000000.123, '+Inf'] },
          { metric: { x: 'y' }, value: [1700000000.123, '-Inf'] },
        ],
      }),
    });
    const samples = await prom.query('q', 0);
    expect(samples).toEqual([
      { labels: { color: 'green', instance: 'a:8080' }, value: 0.25 },
      { labels: { color: 'blue' }, value: 0.001 },
      { labels: {}, value: Number.NaN },
      { labels: { le: '+Inf' }, value: Number.POSITIVE_INFINITY },
      { labels: { x: 'y' }, value: Number.NEGATIVE_INFINITY },
    ]);
  });

  it('parses an empty vector as no samples', async () => {
    const { prom } = client({ body: success({ resultType: 'vector', result: [] }) });
    await expect(prom.query('q', 0)).resolves.toEqual([]);
  });

  it('parses a scalar as one unlabelled sample', async () => {
    const { prom } = client({
      body: success({ resultType: 'scalar', result: [1700000000, '1'] }),
    });
    await expect(prom.query('vector(1) > bool 0', 0)).resolves.toEqual([{ labels: {}, value: 1 }]);
  });

  it('parses a matrix into series of [seconds, value] points, NaN kept', async () => {
    const { prom } = client({
      body: success({
        resultType: 'matrix',
        result: [
          {
            metric: { color: 'blue' },
            values: [
              [1700000000, '0.1'],
              [1700000003, 'NaN'],
              [1700000006, '+Inf'],
            ],
          },
          { metric: {}, values: [] },
        ],
      }),
    });
    const series = await prom.queryRange('q', 0, 1000, 1000);
    expect(series).toEqual([
      {
        labels: { color: 'blue' },
        points: [
          [1700000000, 0.1],
          [1700000003, Number.NaN],
          [1700000006, Number.POSITIVE_INFINITY],
        ],
      },
      { labels: {}, points: [] },
    ]);
  });

  it('treats a success with an HTTP status other than 200 as success', async () => {
    // Prometheus answers success with 200 only, but a proxy may rewrite the status; the body decides.
    const { prom } = client({ status: 203, body: VECTOR });
    await expect(prom.query('q', 0)).resolves.toHaveLength(1);
  });
});

describe('prometheusClient: errors', () => {
  it('bad PromQL (400 bad_data) is a query error with Prometheus message', async () => {
    const { prom } = client({
      status: 400,
      body: apiError('bad_data', '1:5: parse error: unexpected <by> in aggregation'),
    });
    const e = await promError(prom.query('sum(by', 0));
    expect(e.kind).toBe('query');
    expect(e.status).toBe(400);
    expect(e.message).toBe('bad_data: 1:5: parse error: unexpected <by> in aggregation');
  });

  test.each([
    [
      422,
      'execution',
      'many-to-many matching not allowed: matching labels must be unique',
      'query',
    ],
    [503, 'timeout', 'query timed out in expression evaluation', 'server'],
    [503, 'unavailable', 'TSDB not ready', 'server'],
    [500, 'internal', 'something broke', 'server'],
    [503, 'canceled', 'query was canceled', 'server'],
  ])('%i %s keeps the message and is a %s error', async (status, type, error, kind) => {
    const { prom } = client({ status, body: apiError(type, error) });
    const e = await promError(prom.query('q', 0));
    expect(e.status).toBe(status);
    expect(e.message).toBe(`${type}: ${error}`);
    expect(e.kind).toBe(kind);
  });

  it('an error envelope without errorType or error still says what it is', async () => {
    const { prom } = client({ status: 500, body: JSON.stringify({ status: 'error' }) });
    const e = await promError(prom.query('q', 0));
    expect(e.kind).toBe('server');
    expect(e.message).toBe('error: no message');
  });

  it('401 with a JSON body is an auth error quoting it', async () => {
    const { prom } = client({
      status: 401,
      body: JSON.stringify({ status: 'error', error: 'invalid token' }),
    });
    const e = await promError(prom.query('q', 0));
    expect(e.kind).toBe('auth');
    expect(e.status).toBe(401);
    expect(e.message).toBe('https://metrics.example.test/prometheus answered 401: invalid token');
  });

  it('403 with a plain-text body is an auth error', async () => {
    const { prom } = client({ status: 403, body: 'Forbidden' });
    const e = await promError(prom.queryRange('q', 0, 1000, 1000));
    expect(e.kind).toBe('auth');
    expect(e.status).toBe(403);
    expect(e.message).toBe('https://metrics.example.test/prometheus answered 403');
  });

  test.each([
    [{ fail: 'network' as const }, 'connection refused'],
    [{ fail: 'timeout' as const }, 'no response within 10000ms'],
  ])('no response (%o) is unreachable, naming the base URL', async (answer, detail) => {
    const { prom } = client(answer);
    const e = await promError(prom.query('q', 0));
    expect(e.kind).toBe('unreachable');
    expect(e.status).toBeUndefined();
    expect(e.message).toBe(`https://metrics.example.test/prometheus did not answer: ${detail}`);
  });

  it('a 502 HTML page is a server error with a short, one-line excerpt', async () => {
    const html = `<html>\n  <head><title>502 Bad Gateway</title></head>\n  <body>${'x'.repeat(300)}</body>\n</html>`;
    const { prom } = client({ status: 502, body: html });
    const e = await promError(prom.query('q', 0));
    expect(e.kind).toBe('server');
    expect(e.status).toBe(502);
    expect(e.message).toMatch(
      /^https:\/\/metrics\.example\.test\/prometheus\/api\/v1\/query answered 502 without the Prometheus API's JSON \(<html> <head><title>502 Bad Gateway<\/title><\/head> <body>x+\)$/,
    );
    const excerpt = /\((.*)\)$/.exec(e.message)![1]!;
    expect(excerpt).toHaveLength(120);
    expect(e.message).not.toContain('\n');
  });

  it('a non-JSON 200 is a protocol error (not Prometheus, or a login page)', async () => {
    const { prom } = client({ status: 200, body: '<!doctype html><title>Grafana</title>' });
    const e = await promError(prom.query('q', 0));
    expect(e.kind).toBe('protocol');
    expect(e.status).toBe(200);
    expect(e.message).toBe(
      "https://metrics.example.test/prometheus/api/v1/query answered 200 without the Prometheus API's JSON (<!doctype html><title>Grafana</title>)",
    );
  });

  it('a 404 (wrong path prefix) is a protocol error', async () => {
    const { prom } = client({ status: 404, body: '404 page not found\n' });
    const e = await promError(prom.queryRange('q', 0, 1000, 1000));
    expect(e.kind).toBe('protocol');
    expect(e.message).toBe(
      "https://metrics.example.test/prometheus/api/v1/query_range answered 404 without the Prometheus API's JSON (404 page not found)",
    );
  });

  it('an empty body says so without an empty excerpt', async () => {
    const { prom } = client({ status: 200, body: '' });
    const e = await promError(prom.query('q', 0));
    expect(e.kind).toBe('protocol');
    expect(e.message).toBe(
      "https://metrics.example.test/prometheus/api/v1/query answered 200 without the Prometheus API's JSON",
    );
  });

  it('JSON that is not the API envelope is a protocol error', async () => {
    const { prom } = client({ body: JSON.stringify({ data: [1, 2] }) });
    expect((await promError(prom.query('q', 0))).kind).toBe('protocol');
  });

  it('a matrix answer to an instant query is a protocol error', async () => {
    const { prom } = client({ body: success({ resultType: 'matrix', result: [] }) });
    const e = await promError(prom.query('q', 0));
    expect(e.kind).toBe('protocol');
    expect(e.message).toBe('expected a vector or scalar result, got "matrix"');
  });

  it('a vector answer to a range query is a protocol error', async () => {
    const { prom } = client({ body: VECTOR });
    const e = await promError(prom.queryRange('q', 0, 1000, 1000));
    expect(e.kind).toBe('protocol');
    expect(e.message).toBe('expected a matrix result, got "vector"');
  });

  it('a malformed sample is a protocol error quoting it', async () => {
    const { prom } = client({
      body: success({ resultType: 'vector', result: [{ metric: {}, value: '0.5' }] }),
    });
    const e = await promError(prom.query('q', 0));
    expect(e.kind).toBe('protocol');
    expect(e.message).toBe('unexpected sample "0.5"');
  });

  it('an error that is not an HttpError is not disguised as unreachable', async () => {
    const bug = new TypeError('boom');
    const http: Http = { request: () => Promise.reject(bug) };
    const prom = prometheusClient(OPTS, http);
    await expect(prom.query('q', 0)).rejects.toBe(bug);
  });
});

describe('parseSampleValue', () => {
  test.each<[unknown, number]>([
    ['0.25', 0.25],
    ['0', 0],
    ['-3', -3],
    ['1e-3', 0.001],
    ['NaN', Number.NaN],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['Inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
    ['', Number.NaN],
    ['  ', Number.NaN],
    ['abc', Number.NaN],
    [0.5, Number.NaN],
    [null, Number.NaN],
  ])('%o → %d', (raw, value) => {
    expect(parseSampleValue(raw)).toBe(value);
  });
});

describe('samplesOf / seriesOf', () => {
  it('a vector result without metric reads as unlabelled', () => {
    expect(samplesOf({ resultType: 'vector', result: [{ value: [1, '2'] }] })).toEqual([
      { labels: {}, value: 2 },
    ]);
  });

  test.each([undefined, { resultType: 'string', result: [1, 'x'] }, { resultType: 'vector' }])(
    'samplesOf(%o) is a protocol error',
    (data) => {
      expect(() => samplesOf(data)).toThrow(PrometheusError);
    },
  );

  test.each([undefined, { resultType: 'matrix' }, { resultType: 'matrix', result: {} }])(
    'seriesOf(%o) is a protocol error',
    (data) => {
      expect(() => seriesOf(data)).toThrow(/^expected a matrix result/);
    },
  );

  it('a series without values has no points', () => {
    expect(seriesOf({ resultType: 'matrix', result: [{ metric: { a: 'b' } }] })).toEqual([
      { labels: { a: 'b' }, points: [] },
    ]);
  });
});
