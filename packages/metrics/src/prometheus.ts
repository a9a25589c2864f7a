/**
 * A small client for the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`) over the
 * {@link Http} interface, so tests can hand it canned responses shaped exactly like the API's.
 * Queries go as POST forms (long PromQL never hits a URL length limit); auth is a header map built once.
 */
import { HttpError, type Http, type HttpResponse } from '@switchyard/probe';

/** One labelled sample of a vector result, or the single value of a scalar result. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  /** NaN and ±Inf are kept as such; the caller decides what they mean. */
  readonly value: number;
}

/** One labelled series of a range query. */
export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  /** `[unix seconds, value]` pairs. */
  readonly points: readonly (readonly [number, number])[];
}

/** Why a query produced no answer. `query` errors are the query's fault (bad PromQL); the rest are the server's or the network's. */
export type PromErrorKind = 'query' | 'auth' | 'unreachable' | 'server' | 'protocol';

export class PrometheusError extends Error {
  override readonly name = 'PrometheusError';
  constructor(
    readonly kind: PromErrorKind,
    message: string,
    /** The HTTP status, when a response came. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface PrometheusOptions {
  /** Base URL, e.g. `http://prometheus:9090` or `https://host/prometheus` (a path prefix is kept). */
  readonly url: string;
  /** Extra headers on every request (auth, tenant); their values must already be masked by the caller. */
  readonly headers: Readonly<Record<string, string>>;
  /** Timeout of one HTTP request; also sent to Prometheus as the query `timeout`. */
  readonly timeoutMs: number;
}

/** The parts of the API the monitor uses. */
export interface Prometheus {
  /** The base URL (no credentials), for messages. */
  readonly url: string;
  /** An instant query at `time` (ms since the epoch). */
  query(promql: string, time: number): Promise<Sample[]>;
  /** A range query from `start` to `end` (ms), one point per `stepMs`. */
  queryRange(promql: string, start: number, end: number, stepMs: number): Promise<Series[]>;
}

/** The API's JSON envelope (https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview). */
interface Envelope {
  status?: unknown;
  data?: { resultType?: unknown; result?: unknown };
  errorType?: unknown;
  error?: unknown;
}

/** Parses a sample value as the API writes it: a string such as "0.25", "NaN", "+Inf". */
export function parseSampleValue(raw: unknown): number {
  if (typeof raw !== 'string') return Number.NaN;
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  const n = Number(raw);
  return raw.trim() === '' ? Number.NaN : n;
}

function point(raw: unknown): [number, number] {
  if (!Array.isArray(raw) || raw.length !== 2 || typeof raw[0] !== 'number')
    throw new PrometheusError('protocol', `unexpected sample ${JSON.stringify(raw)}`);
  return [raw[0], parseSampleValue(raw[1])];
}

function labelsOf(raw: unknown): Record<string, string> {
  const metric = (raw as { metric?: unknown } | null)?.metric;
  return metric && typeof metric === 'object' ? (metric as Record<string, string>) : {};
}

/** Turns an instant query's `data` into samples: a vector's samples, or one sample for a scalar. */
export function samplesOf(data: Envelope['data']): Sample[] {
  const type = data?.resultType;
  const result = data?.result;
  if (type === 'scalar') return [{ labels: {}, value: point(result)[1] }];
  if (type === 'vector' && Array.isArray(result))
    return result.map((r: unknown) => ({
      labels: labelsOf(r),
      value: point((r as { value?: unknown }).value)[1],
    }));
  throw new PrometheusError(
    'protocol',
    `expected a vector or scalar result, got ${JSON.stringify(type ?? null)}`,
  );
}

/** Turns a range query's `data` into series. */
export function seriesOf(data: Envelope['data']): Series[] {
  const result = data?.result;
  if (data?.resultType !== 'matrix' || !Array.isArray(result))
    throw new PrometheusError(
      'protocol',
      `expected a matrix result, got ${JSON.stringify(data?.resultType ?? null)}`,
    );
  return result.map((r: unknown) => {
    const values = (r as { values?: unknown }).values;
    return { labels: labelsOf(r), points: Array.isArray(values) ? values.map(point) : [] };
  });
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** A {@link Prometheus} over `http`. */
export function prometheusClient(opts: PrometheusOptions, http: Http): Prometheus {
  const base = opts.url.replace(/\/+$/, '');
  // A second under the HTTP timeout, so a slow query ends as Prometheus's own timeout error.
  const timeout = `${Math.max(1, Math.floor(opts.timeoutMs / 1000) - 1)}s`;

  const call = async (path: string, form: Record<string, string>): Promise<Envelope['data']> => {
    let res: HttpResponse;
    try {
      res = await http.request({
        method: 'POST',
        url: `${base}${path}`,
        headers: {
          ...opts.headers,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          'User-Agent': 'switchyard-monitor',
        },
        body: new URLSearchParams({ ...form, timeout }).toString(),
        timeoutMs: opts.timeoutMs,
        // A followed 301/302 turns the POST into a GET without the query; report the redirect instead.
        followRedirects: false,
      });
    } catch (error) {
      if (error instanceof HttpError)
        throw new PrometheusError('unreachable', `${base} did not answer: ${error.message}`);
      throw error;
    }
    let body: Envelope | undefined;
    try {
      body = JSON.parse(res.body) as Envelope;
    } catch {
      body = undefined;
    }
    if (res.status >= 300 && res.status < 400)
      throw new PrometheusError(
        'protocol',
        `${base}${path} redirects (${res.status}) to ${res.headers.location ?? '?'}: give that URL as prometheus-url`,
        res.status,
      );
    if (res.status === 401 || res.status === 403)
      throw new PrometheusError(
        'auth',
        `${base} answered ${res.status}${typeof body?.error === 'string' ? `: ${body.error}` : ''}`,
        res.status,
      );
    if (body?.status === 'success') return body.data;
    if (body?.status === 'error') {
      // bad_data: the query does not parse; execution: it parses but cannot run (e.g. many-to-many matching).
      const kind =
        body.errorType === 'bad_data' || body.errorType === 'execution' ? 'query' : 'server';
      throw new PrometheusError(
        kind,
        `${typeof body.errorType === 'string' ? body.errorType : 'error'}: ${typeof body.error === 'string' ? body.error : 'no message'}`,
        res.status,
      );
    }
    const excerpt = res.body.replace(/\s+/g, ' ').trim().slice(0, 120);
    throw new PrometheusError(
      res.status >= 500 ? 'server' : 'protocol',
      `${base}${path} answered ${res.status} without the Prometheus API's JSON${excerpt ? ` (${excerpt})` : ''}`,
      res.status,
    );
  };

  return {
    url: base,
    async query(promql, time) {
      return samplesOf(await call('/api/v1/query', { query: promql, time: seconds(time) }));
    },
    async queryRange(promql, start, end, stepMs) {
      const data = await call('/api/v1/query_range', {
        query: promql,
        start: seconds(start),
        end: seconds(end),
        step: seconds(stepMs),
      });
      return seriesOf(data);
    },
  };
}
