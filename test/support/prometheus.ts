/**
 * Prometheus for the integration tests: the shared instance that `scripts/testbed up` started
 * (jobs `switchyard`, docker_sd on containers labelled switchyard.role=app, and `file`, file_sd
 * over a targets dir), private instances a test can stop or kill mid-window, and query helpers.
 *
 * Timings measured on the testbed (1 s scrapes): /-/ready ~0.1 s after start; a new target's
 * first sample 1.5–6 s after it appears (refresh 1 s plus the discovery manager's 5 s update
 * throttle), so wait ~10 s, never a fixed sleep.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './testbed.js';

/** The shared Prometheus of the testbed. */
export interface TestbedPrometheus {
  /** `http://127.0.0.1:<port>` (`SWITCHYARD_PROMETHEUS_URL`). */
  readonly url: string;
  /**
   * The file_sd dir of job `file` (`SWITCHYARD_PROMETHEUS_TARGETS`): see {@link addFileTarget}.
   */
  readonly targetsDir: string;
}

/** Reads the Prometheus lines of `$SWITCHYARD_TESTBED_DIR/testbed.env`. */
export function testbedPrometheus(): TestbedPrometheus {
  const dir = process.env.SWITCHYARD_TESTBED_DIR ?? '/tmp/switchyard-testbed';
  const file = `${dir}/testbed.env`;
  if (!existsSync(file))
    throw new Error(
      `The testbed is not up (${file} is missing). Run "npm run testbed -- up" (as root) first.`,
    );
  const env = new Map(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l): [string, string] => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const need = (k: string): string => {
    const v = env.get(k);
    if (!v) throw new Error(`${file} has no ${k}: re-run "npm run testbed -- up"`);
    return v;
  };
  return {
    url: need('SWITCHYARD_PROMETHEUS_URL'),
    targetsDir: need('SWITCHYARD_PROMETHEUS_TARGETS'),
  };
}

/** One sample of an instant query (a vector element; a scalar result has no labels). */
export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  /** The value, parsed (`NaN`, `+Inf` included). */
  readonly value: number;
  /** Unix seconds. */
  readonly timestamp: number;
}

/** The JSON of GET/POST /api/v1/query, as Prometheus sends it. */
export interface PromQueryResponse {
  readonly status: 'success' | 'error';
  readonly data?:
    | {
        readonly resultType: 'vector';
        readonly result: { metric: Record<string, string>; value: [number, string] }[];
      }
    | { readonly resultType: 'scalar' | 'string'; readonly result: [number, string] }
    | {
        readonly resultType: 'matrix';
        readonly result: { metric: Record<string, string>; values: [number, string][] }[];
      };
  readonly errorType?: string;
  readonly error?: string;
  readonly warnings?: string[];
}

/** The query API answered an error (bad PromQL: HTTP 400, `errorType` bad_data). */
export class PromQueryError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly response: PromQueryResponse | undefined,
  ) {
    super(message);
    this.name = 'PromQueryError';
  }
}

/**
 * Runs an instant query (POST /api/v1/query) and resolves to the parsed JSON. Rejects with a
 * {@link PromQueryError} when Prometheus answers an error, and with fetch's error when it does not
 * answer at all. `time` evaluates at that instant instead of now.
 */
export async function instantQuery(
  url: string,
  promql: string,
  time?: Date,
): Promise<PromQueryResponse> {
  const form = new URLSearchParams({ query: promql });
  if (time) form.set('time', String(time.getTime() / 1000));
  const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body: form });
  const text = await res.text();
  let json: PromQueryResponse | undefined;
  try {
    json = JSON.parse(text) as PromQueryResponse;
  } catch {
    json = undefined;
  }
  if (!res.ok || json?.status !== 'success')
    throw new PromQueryError(
      `query ${JSON.stringify(promql)} at ${url}: HTTP ${res.status}: ${json?.errorType ?? ''} ${json?.error ?? text.slice(0, 500)}`,
      res.status,
      json,
    );
  return json;
}

/** The samples of an instant-query answer: a vector's elements, or a scalar as one sample. */
export function samplesOf(response: PromQueryResponse): PromSample[] {
  const data = response.data;
  if (!data) return [];
  switch (data.resultType) {
    case 'vector':
      return data.result.map((s) => ({
        metric: s.metric,
        value: Number(s.value[1]),
        timestamp: s.value[0],
      }));
    case 'scalar':
      return [{ metric: {}, value: Number(data.result[1]), timestamp: data.result[0] }];
    default:
      throw new Error(`samplesOf: a ${data.resultType} result is not an instant vector or scalar`);
  }
}

/** Tests the samples (and the whole answer) of one poll of {@link waitForQuery}. */
export type QueryPredicate = (
  samples: readonly PromSample[],
  response: PromQueryResponse,
) => boolean;

/** At least one sample. */
export const hasSample: QueryPredicate = (samples) => samples.length > 0;

/** At least one sample whose value passes `test`, e.g. `someValue((v) => v >= 5)`. */
export const someValue =
  (test: (value: number) => boolean): QueryPredicate =>
  (samples) =>
    samples.some((s) => test(s.value));

/**
 * Polls an instant query every 200 ms until `predicate` holds, and resolves to those samples.
 * Connection errors count as "not yet"; an error answer (bad PromQL) fails at once. On timeout
 * it rejects with the query, the time waited and the last answer (or error).
 */
export async function waitForQuery(
  url: string,
  promql: string,
  predicate: QueryPredicate = hasSample,
  timeoutMs = 15_000,
): Promise<PromSample[]> {
  const started = Date.now();
  let last: string;
  for (;;) {
    try {
      const response = await instantQuery(url, promql);
      const samples = samplesOf(response);
      if (predicate(samples, response)) return samples;
      last = JSON.stringify(response.data?.result);
    } catch (err) {
      if (err instanceof PromQueryError && err.httpStatus === 400) throw err;
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      last = `${String(err)}${cause ? ` (${cause})` : ''}`;
    }
    if (Date.now() - started >= timeoutMs)
      throw new Error(
        `waitForQuery: ${promql} at ${url} did not satisfy the predicate within ${timeoutMs} ms; ` +
          `last answer: ${last.length > 2000 ? `${last.slice(0, 2000)}…` : last}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The file holding the file_sd targets named `name`. */
function targetFile(targetsDir: string, name: string): string {
  if (!TARGET_NAME.test(name))
    throw new Error(`file target name ${JSON.stringify(name)}: use [A-Za-z0-9._-]`);
  return join(targetsDir, `${name}.json`);
}

/**
 * Adds (or replaces) `<targetsDir>/<name>.json` for the shared instance's `file` job: `targets`
 * are `host:port`, scraped at /metrics; `labels` become target labels (and win over the app's own,
 * which are kept as `exported_<name>`). Written atomically; Prometheus re-reads the dir every 1 s.
 * Resolves to the file's path.
 */
export function addFileTarget(
  targetsDir: string,
  name: string,
  targets: readonly string[],
  labels: Readonly<Record<string, string>> = {},
): string {
  const file = targetFile(targetsDir, name);
  mkdirSync(targetsDir, { recursive: true });
  // The temporary name does not match *.json, so Prometheus never reads a half-written file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify([{ targets, labels }], null, 2)}\n`);
  renameSync(tmp, file);
  return file;
}

/** Removes the file targets named `name` (no error when absent). */
export function removeFileTarget(targetsDir: string, name: string): void {
  rmSync(targetFile(targetsDir, name), { force: true });
}

/** The example app's knobs, as POST /admin takes and answers them. */
export interface AppKnobs {
  readonly error_rate?: number;
  readonly delay_ms?: number;
  readonly healthy?: boolean;
  readonly fail_next?: number;
}

/** Sets knobs on the example app at `appUrl` (POST /admin?…); resolves to all knobs after it. */
export async function setKnobs(appUrl: string, knobs: AppKnobs): Promise<Required<AppKnobs>> {
  const query = new URLSearchParams(
    Object.entries(knobs)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]): [string, string] => [k, String(v)]),
  );
  const res = await fetch(`${appUrl}/admin?${query.toString()}`, { method: 'POST' });
  if (!res.ok)
    throw new Error(`setKnobs ${query.toString()} on ${appUrl}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Required<AppKnobs>;
}

/** Options for {@link startPrometheus}. */
export interface PrivatePrometheusOptions {
  /** `host:port` targets, scraped at /metrics by one static job. */
  readonly targets: readonly string[];
  /** Target labels on every target (they win over the scraped ones; see addFileTarget). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Scrape and rule-evaluation interval (default 1s). */
  readonly scrapeInterval?: `${number}${'ms' | 's' | 'm'}`;
  /** The job label (default `app`). */
  readonly job?: string;
}

/** A Prometheus process of one test; see {@link startPrometheus}. */
export interface PrivatePrometheus {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Its temp dir: prometheus.yml, data/, log. */
  readonly dir: string;
  readonly pid: number;
  /** SIGTERM, wait for the exit (SIGKILL after 10 s), remove the dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL, wait for the exit; keeps the dir (for a look at the log), so call stop() after. */
  kill(): Promise<void>;
}

/** The last lines of a file, or a note that it cannot be read. */
function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(cannot read ${file}: ${String(err)})`;
  }
}

/**
 * Starts a private Prometheus on a free loopback port with its own temp dir and a static job over
 * `targets`, and resolves once /-/ready answers. For tests that stop or kill Prometheus mid-window;
 * the shared one ({@link testbedPrometheus}) is for everything else. Always call `stop()`.
 */
export async function startPrometheus(opts: PrivatePrometheusOptions): Promise<PrivatePrometheus> {
  const interval = opts.scrapeInterval ?? '1s';
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-prometheus-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, 'prometheus.yml');
  const logFile = join(dir, 'log');
  // JSON is YAML: no quoting questions.
  writeFileSync(
    config,
    `${JSON.stringify(
      {
        global: { scrape_interval: interval, evaluation_interval: interval },
        scrape_configs: [
          {
            job_name: opts.job ?? 'app',
            honor_labels: false,
            static_configs: [{ targets: opts.targets, labels: opts.labels ?? {} }],
          },
        ],
      },
      null,
      2,
    )}\n`,
  );
  const log = openSync(logFile, 'a');
  const child = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--storage.tsdb.retention.time=1h',
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  // Set on exit: the code, the signal, or the spawn error. (An assertion, so TS does not narrow
  // it to undefined: the callbacks below assign it.)
  let exitCode = undefined as number | string | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      resolve();
    });
    child.once('error', (err) => {
      exitCode = `spawn error: ${err.message}`;
      resolve();
    });
  });
  // A test that forgets stop() must not leave the process behind when jest exits.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const cleanup = (): void => {
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };

  const started = Date.now();
  for (;;) {
    if (exitCode !== undefined) {
      const why = `prometheus exited during start-up (${exitCode}); last log lines:\n${tail(logFile)}`;
      cleanup();
      throw new Error(
        String(exitCode).includes('ENOENT')
          ? `prometheus is not installed: run "npm run testbed -- up" (${why})`
          : why,
      );
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 30_000) {
      child.kill('SIGKILL');
      await exited;
      const why = `prometheus on ${url} was not ready within 30 s; last log lines:\n${tail(logFile)}`;
      cleanup();
      throw new Error(why);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    dir,
    pid: child.pid ?? -1,
    stop(): Promise<void> {
      stopping ??= (async () => {
        if (exitCode === undefined) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        cleanup();
      })();
      return stopping;
    },
    async kill(): Promise<void> {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exited;
    },
  };
}
