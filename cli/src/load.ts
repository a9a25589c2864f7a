/**
 * Steady keep-alive load for the demo: a few connections on loopback, each sending one GET after
 * another, every request recorded (start, duration, status, the app version that answered). Bounded:
 * loopback URLs only, a fixed number of connections, and it stops by itself after `maxDurationMs`.
 */
import { Agent, request } from 'node:http';

/** One request of the load. */
export interface Sample {
  /** Epoch ms when it was sent. */
  readonly at: number;
  readonly ms: number;
  /** The HTTP status; absent when the request failed before an answer. */
  readonly status?: number;
  /** X-App-Version of the answer: set when the app answered, absent for the proxy's own errors. */
  readonly version?: string;
  /** A socket or timeout error. */
  readonly error?: string;
}

/** What the load saw in a span of time. */
export interface Tally {
  readonly requests: number;
  /** 2xx/3xx answers. */
  readonly served: number;
  /**
   * Requests the release machinery broke: socket errors, timeouts and answers the app did not
   * give (a proxy 502/503). The promise of a blue-green switch: 0.
   */
  readonly failed: number;
  /** Error answers the app itself gave (the demo's injected 20 % of v3). */
  readonly appErrors: number;
  /** Answers per app version. */
  readonly versions: Readonly<Record<string, number>>;
}

/** Tallies the samples sent in [from, to] (epoch ms). */
export function tally(samples: readonly Sample[], from = -Infinity, to = Infinity): Tally {
  let served = 0;
  let failed = 0;
  let appErrors = 0;
  let requests = 0;
  const versions: Record<string, number> = {};
  for (const s of samples) {
    if (s.at < from || s.at > to) continue;
    requests++;
    if (s.version !== undefined) versions[s.version] = (versions[s.version] ?? 0) + 1;
    if (s.status !== undefined && s.status < 400) served++;
    else if (s.status !== undefined && s.version !== undefined) appErrors++;
    else failed++;
  }
  return { requests, served, failed, appErrors, versions };
}

/** The time of the last answer from `version` (epoch ms), or undefined. */
export function lastAnswerFrom(samples: readonly Sample[], version: string): number | undefined {
  let last: number | undefined;
  for (const s of samples)
    if (s.version === version && (last === undefined || s.at > last)) last = s.at;
  return last;
}

export interface LoadOptions {
  /** Concurrent keep-alive connections (default 4). */
  readonly connections?: number;
  /** Pause between one connection's requests (default 5 ms). */
  readonly pauseMs?: number;
  /** Stops by itself after this long (default 10 minutes). */
  readonly maxDurationMs?: number;
  /** One request's timeout (default 5 s). */
  readonly timeoutMs?: number;
}

/** True for 127.0.0.0/8, localhost and [::1]. */
export function isLoopback(url: URL): boolean {
  return (
    url.hostname === 'localhost' ||
    url.hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname)
  );
}

/** A running load; {@link KeepAliveLoad.stop} ends it and returns every sample. */
export class KeepAliveLoad {
  readonly samples: Sample[] = [];
  private running = true;
  private readonly agent: Agent;
  private readonly workers: Promise<void>[];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly url: URL,
    private readonly opts: LoadOptions = {},
  ) {
    if (!isLoopback(url)) throw new Error(`the demo load goes to loopback only, not ${url.host}`);
    const n = opts.connections ?? 4;
    this.agent = new Agent({ keepAlive: true, maxSockets: n });
    this.timer = setTimeout(() => (this.running = false), opts.maxDurationMs ?? 600_000);
    this.workers = Array.from({ length: n }, () => this.worker());
  }

  private async worker(): Promise<void> {
    while (this.running) {
      this.samples.push(await this.once());
      await new Promise((r) => setTimeout(r, this.opts.pauseMs ?? 5));
    }
  }

  private once(): Promise<Sample> {
    const at = Date.now();
    return new Promise((resolve) => {
      const req = request(
        this.url,
        { agent: this.agent, timeout: this.opts.timeoutMs ?? 5000 },
        (res) => {
          res.resume();
          res.on('end', () => {
            const v = res.headers['x-app-version'];
            resolve({
              at,
              ms: Date.now() - at,
              status: res.statusCode ?? 0,
              ...(typeof v === 'string' && { version: v }),
            });
          });
          res.on('error', (e) => resolve({ at, ms: Date.now() - at, error: e.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve({ at, ms: Date.now() - at, error: e.message }));
      req.end();
    });
  }

  /** Ends the load after the requests in flight and returns the samples (again, if called again). */
  async stop(): Promise<Sample[]> {
    this.running = false;
    clearTimeout(this.timer);
    await Promise.all(this.workers);
    this.agent.destroy();
    return this.samples;
  }
}
