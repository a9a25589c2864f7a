/**
 * The loopback HTTP server under every notification fake: records each request, answers scripted
 * faults first (a status, or a delay longer than the client's timeout), then lets the fake answer.
 * Test-only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One request as received. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What a fake answers. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A scripted fault for the next request: an error status, or a delay before the normal answer. */
export type Fault =
  | {
      readonly status: number;
      readonly body?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly delayMs: number };

/** Base of the fakes: a node:http server on 127.0.0.1 with a random port. */
export abstract class LoopbackFake {
  /** Every request, faults included. */
  readonly received: Received[] = [];
  /** Every way a request broke the documented shape, as `<what>: <problem>`. */
  readonly violations: string[] = [];
  private readonly faults: Fault[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private base = '';

  /** Queues faults: each answers one request, in order, before normal service resumes. */
  fail(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Starts listening; resolves with the base URL (`http://127.0.0.1:<port>`). */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      // A client that gives up mid-request (its timeout) ends the exchange; nothing to answer.
      this.serve(req, res).catch(() => res.destroy());
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('fake: no port');
    this.base = `http://127.0.0.1:${address.port}`;
    return this.base;
  }

  /** The base URL. */
  url(): string {
    return this.base;
  }

  /** Stops: pending delays are dropped and open connections closed. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The fake's own answer to a well-formed request. */
  protected abstract answer(req: Received): Answer;

  /** Records a violation and returns it. */
  protected violation(what: string): string {
    this.violations.push(what);
    return what;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const received: Received = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.received.push(received);
    const fault = this.faults.shift();
    if (fault && 'delayMs' in fault) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          resolve();
        }, fault.delayMs);
        this.timers.add(t);
      });
      if (res.destroyed) return;
    }
    const answer: Answer =
      fault && 'status' in fault
        ? {
            status: fault.status,
            body: fault.body ?? '',
            ...(fault.headers && { headers: fault.headers }),
          }
        : this.answer(received);
    if (res.destroyed) return;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body);
  }
}

/** A port on 127.0.0.1 that nothing listens on (a closed port: connections are refused). */
export async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}
