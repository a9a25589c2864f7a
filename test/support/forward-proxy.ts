/**
 * A real forward proxy on loopback: Debian's tinyproxy in the foreground, with a generated config and
 * its own log, pid file and port in a temp dir. Tests read its log to see what went through it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './testbed.js';

const run = promisify(execFile);

export interface ForwardProxyOptions {
  /**
   * Basic auth the proxy demands (`BasicAuth`; tinyproxy takes `[-a-z0-9._]` only); without it,
   * anyone on 127.0.0.1 may use it.
   */
  readonly auth?: { readonly user: string; readonly password: string };
  /**
   * The ports a `CONNECT` may reach (`ConnectPort`); a tunnel to any other port is answered 403.
   * Default: every port.
   */
  readonly connectPorts?: readonly number[];
}

/** One request as tinyproxy logged it: `GET http://host:port/path` or `CONNECT host:port`. */
export interface ProxiedRequest {
  readonly method: string;
  readonly target: string;
}

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>`, without credentials. */
  readonly url: string;
  readonly port: number;
  /** Every request the proxy received so far, from its log, oldest first. */
  requests(): ProxiedRequest[];
  /** The whole log, for a failing test's message. */
  log(): string;
  /** Stops tinyproxy and removes its dir. */
  close(): Promise<void>;
}

/** tinyproxy's config: loopback only, no daemon, the `Connect` log level (one line per request). */
function config(dir: string, port: number, opts: ForwardProxyOptions): string {
  return [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    `LogFile "${join(dir, 'tinyproxy.log')}"`,
    'LogLevel Connect',
    `PidFile "${join(dir, 'tinyproxy.pid')}"`,
    'MaxClients 50',
    'Allow 127.0.0.1',
    ...(opts.connectPorts ?? []).map((p) => `ConnectPort ${p}`),
    ...(opts.auth ? [`BasicAuth ${opts.auth.user} ${opts.auth.password}`] : []),
    '',
  ].join('\n');
}

const REQUEST_LINE = /\]: Request \(file descriptor \d+\): (\S+) (\S+) HTTP\/\d/;

/** Starts tinyproxy (`apt-get install tinyproxy`) on a free loopback port; resolves once it accepts. */
export async function startForwardProxy(opts: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  await run('tinyproxy', ['-v']).catch((e: unknown) => {
    throw new Error(`tinyproxy is not installed (apt-get install -y tinyproxy): ${String(e)}`);
  });
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-proxy-'));
  const conf = join(dir, 'tinyproxy.conf');
  writeFileSync(conf, config(dir, port, opts));
  const read = (name: string): string => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  const log = (): string => read('tinyproxy.log');
  const stderr = openSync(join(dir, 'stderr.txt'), 'w'); // config errors come before the log opens
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', conf], {
    stdio: ['ignore', 'ignore', stderr],
  });
  closeSync(stderr);
  let exited = false;
  const gone = new Promise<void>((resolve) => {
    child.once('exit', () => resolve(void (exited = true)));
    child.once('error', () => resolve(void (exited = true)));
  });
  let closed = false;
  const proxy: ForwardProxy = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () =>
      log()
        .split('\n')
        .flatMap((line) => {
          const m = REQUEST_LINE.exec(line);
          return m?.[1] && m[2] ? [{ method: m[1], target: m[2] }] : [];
        }),
    log,
    async close() {
      if (closed) return;
      closed = true;
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (exited || Date.now() > deadline) {
      const text = `${read('stderr.txt')}${log()}`;
      await proxy.close();
      throw new Error(`tinyproxy did not listen on ${proxy.url}:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return proxy;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
