/** Hand-written fakes of the small side-effect interfaces (STYLE.md §4). Test-only. */
import {
  displayCommand,
  ExecError,
  type AnnotationProps,
  type Clock,
  type Exec,
  type ExecOptions,
  type ExecResult,
  type Logger,
} from '@switchyard/kit';
import { HttpError, type Http, type HttpRequest, type HttpResponse } from '@switchyard/probe';

/**
 * Virtual time. `sleep` resolves in wake-up order, one timer per macrotask turn, advancing `now` to the
 * timer's due time, so concurrent sleepers interleave as they would in real time, without waiting.
 */
export class FakeClock implements Clock {
  private t: number;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;
  private scheduled = false;
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  /** Moves time forward without a sleep (e.g. to model slow work). */
  advance(ms: number): void {
    this.t += ms;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) return;
      this.t = Math.max(this.t, next.at);
      next.resolve();
      if (this.timers.length) this.schedule();
    });
  }
}

export interface LogLine {
  readonly level: 'info' | 'debug' | 'warning' | 'error';
  readonly message: string;
  readonly props?: AnnotationProps;
}

/** A logger that records lines. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  warning(message: string, props?: AnnotationProps): void {
    this.lines.push({ level: 'warning', message, ...(props && { props }) });
  }
  error(message: string, props?: AnnotationProps): void {
    this.lines.push({ level: 'error', message, ...(props && { props }) });
  }
  text(): string {
    return this.lines.map((l) => `${l.level}: ${l.message}`).join('\n');
  }
}

/** What a fake endpoint answers: a response, or an HttpError kind to throw. */
export type FakeAnswer = Partial<HttpResponse> | { fail: 'timeout' | 'network'; message?: string };

/** An Http whose answers come from a function of the request and the attempt number per URL. */
export class FakeHttp implements Http {
  readonly requests: HttpRequest[] = [];
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly answer: (req: HttpRequest, nth: number) => FakeAnswer,
    private readonly clock?: FakeClock,
  ) {}

  request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    const nth = (this.counts.get(req.url) ?? 0) + 1;
    this.counts.set(req.url, nth);
    const a = this.answer(req, nth);
    if ('fail' in a)
      return Promise.reject(
        new HttpError(
          a.fail,
          a.message ??
            (a.fail === 'timeout' ? `no response within ${req.timeoutMs}ms` : 'connection refused'),
          0,
        ),
      );
    const latencyMs = a.latencyMs ?? 5;
    this.clock?.advance(latencyMs);
    return Promise.resolve({
      status: a.status ?? 200,
      headers: a.headers ?? {},
      body: a.body ?? '',
      latencyMs,
    });
  }
}

/** One call a {@link FakeExec} received. */
export interface ExecCall {
  readonly command: string;
  readonly args: readonly string[];
  readonly options: ExecOptions;
}

/**
 * An Exec whose results come from a function of the call (default: exit 0, no output). Like the
 * real one, a non-zero exit without `allowFailure` rejects with an {@link ExecError}; an Error the
 * function throws rejects as is (a program that could not start).
 */
export class FakeExec implements Exec {
  readonly calls: ExecCall[] = [];

  constructor(private readonly answer: (call: ExecCall) => Partial<ExecResult> = () => ({})) {}

  /** The argv of every call to `command`, e.g. `docker`. */
  argvs(command = 'docker'): (readonly string[])[] {
    return this.calls.filter((c) => c.command === command).map((c) => c.args);
  }

  run(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const call: ExecCall = { command, args: [...args], options };
    this.calls.push(call);
    let a: Partial<ExecResult>;
    try {
      a = this.answer(call);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const result: ExecResult = {
      exitCode: a.exitCode ?? 0,
      stdout: a.stdout ?? '',
      stderr: a.stderr ?? '',
    };
    if (result.exitCode !== 0 && !options.allowFailure)
      return Promise.reject(
        new ExecError(`${displayCommand(command, args)} exited with ${result.exitCode}`, result),
      );
    return Promise.resolve(result);
  }
}
