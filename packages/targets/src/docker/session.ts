/**
 * A long-lived session on HAProxy's runtime API: one `docker exec -i <proxy> socat …` kept open in
 * HAProxy's interactive mode (`prompt`), so a command costs a write and a read instead of a new
 * `docker exec` (100–600 ms on a busy host). The deploy opens it while the new color gets ready;
 * the switch then lands in milliseconds. A broken session is dropped and the caller falls back to
 * a one-shot exec.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** An open interactive session. */
export interface RuntimeSession {
  /** False once the process ended or an answer timed out. */
  readonly alive: boolean;
  /** Sends one command line and resolves to its answer (without the prompt). */
  send(command: string): Promise<string>;
  close(): void;
}

/** Opens a session by running `docker <args>` (the caller's exec into the proxy's socat). */
export type RuntimeSessionFactory = (
  args: readonly string[],
  env: Readonly<Record<string, string>>,
) => Promise<RuntimeSession>;

const PROMPT = '\n> ';
const ANSWER_TIMEOUT_MS = 5_000;

class ProcessSession implements RuntimeSession {
  private buffer = '';
  private waiting: ((text: string, ended: boolean) => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private ended = false;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.deliver();
    });
    child.on('close', () => {
      this.ended = true;
      this.waiting?.('', true);
    });
    child.on('error', () => {
      this.ended = true;
      this.waiting?.('', true);
    });
    child.stdin.on('error', () => undefined);
    // Never keep the action's process alive for this.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr])
      (stream as unknown as { unref?: () => void }).unref?.();
  }

  get alive(): boolean {
    return !this.ended;
  }

  /** Enters interactive mode: `prompt` is answered by a bare prompt. */
  start(): Promise<string> {
    return this.send('prompt');
  }

  send(command: string): Promise<string> {
    const next = this.queue.then(() => this.exchange(command));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.child.stdin.end();
    setTimeout(() => this.child.kill('SIGKILL'), 1000).unref();
  }

  /** One line; HAProxy answers each `;`-separated command with its own prompt. */
  private exchange(command: string): Promise<string> {
    if (this.ended) return Promise.reject(new Error('runtime session closed'));
    let prompts = command.split(';').length;
    const parts: string[] = [];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        this.close();
        reject(new Error(`runtime session: no answer to "${command}" in ${ANSWER_TIMEOUT_MS}ms`));
      }, ANSWER_TIMEOUT_MS);
      this.waiting = (text, ended) => {
        if (ended) {
          clearTimeout(timer);
          this.waiting = undefined;
          reject(new Error('runtime session ended'));
          return;
        }
        if (text !== '') parts.push(text);
        if (--prompts > 0) return;
        clearTimeout(timer);
        this.waiting = undefined;
        resolve(parts.join('\n'));
      };
      this.child.stdin.write(`${command}\n`);
      this.deliver();
    });
  }

  /** Hands every complete answer (text up to a prompt) to the waiting command. */
  private deliver(): void {
    for (
      let at = this.buffer.indexOf(PROMPT);
      at >= 0 && this.waiting;
      at = this.buffer.indexOf(PROMPT)
    ) {
      const text = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + PROMPT.length);
      this.waiting(text.replace(/\n$/, ''), false);
    }
  }
}

/** The real factory: spawns `docker` (argument array, no shell) and enters interactive mode. */
export const openRuntimeSession: RuntimeSessionFactory = async (args, env) => {
  const child = spawn('docker', [...args], {
    env: { ...process.env, ...env },
    shell: false,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const session = new ProcessSession(child);
  await session.start();
  return session;
};
