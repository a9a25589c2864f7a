/**
 * Running programs with argument arrays, never a shell string: inputs can't be interpreted by a shell.
 * The command line is logged with secrets masked; output is captured.
 *
 * Over `child_process.spawn`, not `@actions/exec` (ADR 0020): the toolkit leaves a program's stdin
 * open unless given an input, and given one, a program that exits without reading it kills the
 * action with an uncaught EPIPE; it has no timeout and no process group either.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { ActionError } from './errors.js';
import type { Logger } from './io.js';
import { CONTROL, visibleControls } from './log-line.js';
import type { Secrets } from './secrets.js';

export interface ExecOptions {
  readonly cwd?: string;
  /** Extra environment variables, merged over the current environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the program's stdin, then stdin is closed (use this for passwords). */
  readonly input?: string;
  /** Kills the program after this long. */
  readonly timeoutMs?: number;
  /** Return a non-zero exit code instead of throwing. */
  readonly allowFailure?: boolean;
  /** Don't log the command line. */
  readonly quiet?: boolean;
  /**
   * Run it in its own process group, and kill the whole group on timeout or when this process is
   * told to stop (SIGINT, SIGTERM): a shell's children go with it. For user commands (scripts).
   */
  readonly processGroup?: boolean;
  /** Called with each output line (stdout and stderr, secrets masked) as it arrives, e.g. to stream a build log. */
  readonly onLine?: (line: string) => void;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Exec {
  run(command: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

/** A program that exited non-zero (or could not start, or timed out). */
export class ExecError extends ActionError {
  override readonly name = 'ExecError';
  constructor(
    message: string,
    readonly result: ExecResult,
  ) {
    super(message);
  }
}

/**
 * Quotes an argv for display only (it is never given to a shell), as bash would read it back: plain
 * words as they are, others in single quotes, and words holding control characters in ANSI-C quotes
 * (`$'a\nb'`), so a line break in an argument can never start a new log line.
 */
export function displayCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(shellWord).join(' ');
}

function shellWord(a: string): string {
  if (/^[\w@%+=:,./-]+$/.test(a)) return a;
  if (!CONTROL.test(a)) return `'${a.replace(/'/g, `'\\''`)}'`;
  const body = a
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t');
  return `$'${visibleControls(body)}'`;
}

/**
 * The real {@link Exec}: `child_process.spawn` with `shell: false`; stdin always closed (after the
 * input, if any), so a program that reads it ends instead of waiting.
 */
export class ProcessExec implements Exec {
  constructor(
    private readonly log: Logger,
    private readonly secrets: Secrets,
  ) {}

  run(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const shown = this.secrets.mask(displayCommand(command, args));
    if (!options.quiet) this.log.info(`[command] ${shown}`);
    return new Promise((resolve, reject) => {
      const child = spawn(command, [...args], {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        shell: false,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: options.processGroup === true,
      });
      const release = options.processGroup ? holdGroup(child.pid) : undefined;
      const kill = (): void => {
        if (options.processGroup && child.pid !== undefined) killGroup(child.pid);
        else child.kill('SIGKILL');
      };
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              kill();
            }, options.timeoutMs);
      const lines = options.onLine
        ? lineSplitter((l) => options.onLine?.(this.secrets.mask(l)))
        : undefined;
      child.stdout.on('data', (b: Buffer) => {
        out.push(b);
        lines?.stdout(b);
      });
      child.stderr.on('data', (b: Buffer) => {
        err.push(b);
        lines?.stderr(b);
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        release?.();
        reject(
          new ExecError(`${command}: could not start (${e.message})`, {
            exitCode: -1,
            stdout: '',
            stderr: e.message,
          }),
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        release?.();
        lines?.flush();
        const result = {
          exitCode: code ?? -1,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        };
        if (result.exitCode === 0 || (options.allowFailure && !timedOut)) return resolve(result);
        const why = timedOut
          ? `timed out after ${options.timeoutMs}ms`
          : signal
            ? `killed by ${signal}`
            : `exited with ${result.exitCode}`;
        const tail = this.secrets.mask(result.stderr.trim().split('\n').slice(-5).join('\n'));
        reject(new ExecError(`${shown} ${why}${tail ? `: ${tail}` : ''}`, result));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
    });
  }
}

/** Process groups started with `processGroup`, killed if this process is told to stop. */
const groups = new Set<number>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function onStop(signal: NodeJS.Signals): void {
  for (const pid of groups) killGroup(pid);
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

/** Registers a live group; the returned function forgets it (and the signal handlers with the last). */
function holdGroup(pid: number | undefined): () => void {
  if (pid === undefined) return () => undefined;
  if (groups.size === 0) for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, onStop);
  groups.add(pid);
  return () => {
    if (!groups.delete(pid) || groups.size > 0) return;
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, onStop);
  };
}

/**
 * Cuts two byte streams into lines (a partial line waits for its end, per stream; so does a
 * character whose bytes arrive in two chunks).
 */
function lineSplitter(emit: (line: string) => void): {
  stdout(b: Buffer): void;
  stderr(b: Buffer): void;
  flush(): void;
} {
  const streams = {
    stdout: { pending: '', decoder: new StringDecoder('utf8') },
    stderr: { pending: '', decoder: new StringDecoder('utf8') },
  };
  const feed = (key: 'stdout' | 'stderr', text: string): void => {
    const s = streams[key];
    const parts = (s.pending + text).split(/\r?\n/);
    s.pending = parts.pop() ?? '';
    parts.forEach(emit);
  };
  return {
    stdout: (b) => feed('stdout', streams.stdout.decoder.write(b)),
    stderr: (b) => feed('stderr', streams.stderr.decoder.write(b)),
    flush: () => {
      for (const key of ['stdout', 'stderr'] as const) {
        const s = streams[key];
        const last = s.pending + s.decoder.end();
        s.pending = '';
        if (last !== '') emit(last);
      }
    },
  };
}
