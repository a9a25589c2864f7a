/**
 * A bounded HTTP load generator for integration tests: Debian's `wrk` against a loopback URL.
 * The run ends by itself after `maxDurationMs` (wrk's `-d`); `stop()` ends it earlier with SIGINT,
 * on which wrk still prints its summary. Load goes to 127.0.0.0/8, localhost or [::1] only.
 */
import { spawn } from 'node:child_process';
import { isLoopback } from '../../cli/src/load.js';

/** Options for {@link startLoad}; each has a default. */
export interface LoadOptions {
  /** Open connections, spread over the threads (default 50). */
  readonly connections?: number;
  /** wrk threads (default 2; at most `connections`). */
  readonly threads?: number;
  /** Upper bound of the run, rounded up to whole seconds for wrk's `-d` (default 120 s). */
  readonly maxDurationMs?: number;
  /** false sends `Connection: close`, one request per connection (default true). */
  readonly keepAlive?: boolean;
}

/** wrk's `Socket errors:` line; all 0 when wrk printed none. */
export interface SocketErrors {
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  readonly timeout: number;
}

/** What one wrk run measured. */
export interface LoadResult {
  /** Completed requests (responses read), whatever their status. */
  readonly requests: number;
  /** Responses outside 2xx/3xx (wrk's `Non-2xx or 3xx responses:`; 0 when absent). */
  readonly non2xx: number;
  readonly socketErrors: SocketErrors;
  /** How long wrk ran, as it reports it. */
  readonly durationMs: number;
  /** Requests per second, as wrk reports it. */
  readonly rps: number;
  /** wrk's whole output (stdout, then stderr). */
  readonly raw: string;
}

/** A running load; see {@link startLoad}. */
export interface LoadRun {
  /** Ends the run now (SIGINT) unless it ended already, and resolves to its result. */
  stop(): Promise<LoadResult>;
  /** Settles when wrk exits on its own or after {@link LoadRun.stop}. */
  readonly done: Promise<LoadResult>;
}

/** All socket errors together. */
/** Several wrk runs as one: counts added up, rps over the summed duration, outputs joined. */
export function sumLoads(runs: readonly LoadResult[]): LoadResult {
  const add = (pick: (r: LoadResult) => number): number => runs.reduce((n, r) => n + pick(r), 0);
  const durationMs = add((r) => r.durationMs);
  const requests = add((r) => r.requests);
  return {
    requests,
    non2xx: add((r) => r.non2xx),
    socketErrors: {
      connect: add((r) => r.socketErrors.connect),
      read: add((r) => r.socketErrors.read),
      write: add((r) => r.socketErrors.write),
      timeout: add((r) => r.socketErrors.timeout),
    },
    durationMs,
    rps: durationMs > 0 ? (requests * 1000) / durationMs : 0,
    raw: runs.map((r) => r.raw).join('\n'),
  };
}

export function socketErrorTotal(result: Pick<LoadResult, 'socketErrors'>): number {
  const { connect, read, write, timeout } = result.socketErrors;
  return connect + read + write + timeout;
}

/** True for a URL whose host is on this machine's loopback (the demo load's own check). */
export const isLoopbackUrl = isLoopback;

const TIME_UNITS_MS: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Parses wrk 4.x's summary. Throws, quoting the output, when it has no `N requests in T` line. */
export function parseWrkOutput(text: string): LoadResult {
  const total = /^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),/m.exec(text);
  if (!total) throw new Error(`wrk printed no summary:\n${text.trim() || '(no output)'}`);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text);
  const int = (s: string | undefined): number => Number.parseInt(s ?? '0', 10);
  return {
    requests: int(total[1]),
    non2xx: int(non2xx?.[1]),
    socketErrors: {
      connect: int(socket?.[1]),
      read: int(socket?.[2]),
      write: int(socket?.[3]),
      timeout: int(socket?.[4]),
    },
    durationMs: Math.round(Number(total[2]) * (TIME_UNITS_MS[total[3] ?? 's'] ?? 1000)),
    rps: Number(rps?.[1] ?? 0),
    raw: text,
  };
}

/** How long wrk gets to print its summary after SIGINT, or past `-d`, before SIGKILL. */
const EXIT_GRACE_MS = 10_000;

/**
 * Starts wrk against `url` (loopback only; anything else throws before any traffic). The run is
 * bounded by `maxDurationMs` and by a SIGKILL shortly after that, so a forgotten run cannot go on.
 */
export function startLoad(url: string, opts: LoadOptions = {}): LoadRun {
  const { connections = 50, threads = 2, maxDurationMs = 120_000, keepAlive = true } = opts;
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' || !isLoopbackUrl(parsed))
    throw new Error(`startLoad: ${url} is not an http:// URL on loopback (127.0.0.0/8, [::1])`);
  if (!Number.isInteger(connections) || !Number.isInteger(threads) || threads < 1)
    throw new Error(
      `startLoad: connections (${connections}) and threads (${threads}) must be integers ≥ 1`,
    );
  if (connections < threads)
    throw new Error(`startLoad: connections (${connections}) must be ≥ threads (${threads})`);
  if (!(maxDurationMs > 0)) throw new Error(`startLoad: maxDurationMs must be > 0`);
  const seconds = Math.max(1, Math.ceil(maxDurationMs / 1000));
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`];
  if (!keepAlive) args.push('-H', 'Connection: close');
  args.push(url);

  const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  let exited = false;
  let killTimer: NodeJS.Timeout | undefined;
  const armKill = (ms: number): void => {
    clearTimeout(killTimer);
    killTimer = setTimeout(() => child.kill('SIGKILL'), ms);
  };
  armKill(seconds * 1000 + EXIT_GRACE_MS);

  const done = new Promise<LoadResult>((resolve, reject) => {
    child.once('error', (e) => {
      exited = true;
      clearTimeout(killTimer);
      reject(new Error(`startLoad: could not run wrk (apt-get install wrk): ${e.message}`));
    });
    child.once('close', (code, signal) => {
      exited = true;
      clearTimeout(killTimer);
      const text = Buffer.concat(out).toString('utf8') + Buffer.concat(err).toString('utf8');
      try {
        const result = parseWrkOutput(text);
        resolve(result);
      } catch (e) {
        const how = signal ? `signal ${signal}` : `exit code ${String(code)}`;
        reject(new Error(`startLoad: wrk ${args.join(' ')} ended with ${how}: ${String(e)}`));
      }
    });
  });
  // A caller that never awaits must not get an unhandled rejection; stop() returns `done`.
  done.catch(() => undefined);

  return {
    done,
    stop(): Promise<LoadResult> {
      if (!exited) {
        child.kill('SIGINT');
        armKill(EXIT_GRACE_MS);
      }
      return done;
    },
  };
}
