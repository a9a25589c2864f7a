/**
 * A naive blue-green router for negative controls: Debian's nginx (nginx-light) with its own prefix
 * in a temp dir, listening on 127.0.0.1, proxying to one upstream port on loopback. `switchTo`
 * rewrites the upstream include and runs `nginx -s reload`. With nginx's default client keep-alive
 * every reload drops a few in-flight keep-alive requests (shared/TESTBED.md §3): the load harness
 * must see that.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './testbed.js';

const run = promisify(execFile);

/** Options for {@link startNginxRouter}. */
export interface NginxRouterOptions {
  /** The loopback port of the first live upstream. */
  readonly upstreamPort: number;
  /** The port nginx listens on, on 127.0.0.1 (default: a free one). */
  readonly port?: number;
  /**
   * nginx's `keepalive_timeout` toward clients. Default: nginx's own (75s), the naive setup that
   * drops requests on reload; `'0'` is the fix TESTBED.md measured.
   */
  readonly keepaliveTimeout?: string;
}

/** A running nginx; see {@link startNginxRouter}. */
export interface NginxRouter {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The prefix dir (config, logs, pid file). */
  readonly dir: string;
  /** The upstream port now in the config. */
  readonly upstreamPort: number;
  /** Points the upstream at `port`: write + rename the include, `nginx -t`, `nginx -s reload`. */
  switchTo(port: number): Promise<{ readonly ms: number }>;
  /** The error log so far (for failure messages). */
  errorLog(): string;
  /** Stops nginx (SIGTERM to the master, SIGKILL after 5 s) and removes the dir. Idempotent. */
  stop(): Promise<void>;
}

const upstreamConf = (port: number): string =>
  `upstream app { server 127.0.0.1:${port}; keepalive 16; }\n`;

function nginxConf(dir: string, port: number, keepaliveTimeout?: string): string {
  const temp = (name: string): string => join(dir, 'temp', name);
  return [
    'worker_processes 1;',
    'daemon off;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'logs/error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    ...(keepaliveTimeout === undefined ? [] : [`  keepalive_timeout ${keepaliveTimeout};`]),
    `  client_body_temp_path ${temp('body')};`,
    `  proxy_temp_path ${temp('proxy')};`,
    `  fastcgi_temp_path ${temp('fastcgi')};`,
    `  uwsgi_temp_path ${temp('uwsgi')};`,
    `  scgi_temp_path ${temp('scgi')};`,
    `  include ${join(dir, 'conf/upstream.conf')};`,
    `  server {`,
    `    listen 127.0.0.1:${port};`,
    '    location / {',
    '      proxy_pass http://app;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_next_upstream error timeout http_502 http_503;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Starts nginx in the foreground (`daemon off`) as a child process; resolves once it answers. */
export async function startNginxRouter(opts: NginxRouterOptions): Promise<NginxRouter> {
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-nginx-'));
  // nginx's workers run as nobody when the master is root: they must reach the temp paths.
  chmodSync(dir, 0o755);
  for (const sub of ['conf', 'logs', 'temp']) mkdirSync(join(dir, sub));
  const conf = join(dir, 'conf/nginx.conf');
  const include = join(dir, 'conf/upstream.conf');
  writeFileSync(include, upstreamConf(opts.upstreamPort));
  writeFileSync(conf, nginxConf(dir, port, opts.keepaliveTimeout));
  const flags = ['-e', join(dir, 'logs/error.log'), '-p', dir, '-c', conf];
  const errorLog = (): string => {
    try {
      return readFileSync(join(dir, 'logs/error.log'), 'utf8');
    } catch {
      return '(no error log)';
    }
  };

  await run('nginx', [...flags, '-t', '-q']).catch((e: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx -t failed (apt-get install nginx-light?): ${String(e)}`);
  });
  const child: ChildProcess = spawn('nginx', flags, { stdio: 'ignore' });
  let exited = false;
  const gone = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });

  let upstreamPort = opts.upstreamPort;
  let stopped = false;
  const router: NginxRouter = {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    get upstreamPort() {
      return upstreamPort;
    },
    async switchTo(next: number) {
      const started = Date.now();
      writeFileSync(`${include}.new`, upstreamConf(next));
      renameSync(`${include}.new`, include);
      await run('nginx', [...flags, '-t', '-q']);
      await run('nginx', [...flags, '-s', 'reload']);
      upstreamPort = next;
      return { ms: Date.now() - started };
    },
    errorLog,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) {
      const log = errorLog();
      await router.stop();
      throw new Error(`nginx exited at start:\n${log}`);
    }
    try {
      await fetch(`${router.url}/healthz`);
      return router;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const log = errorLog();
      await router.stop();
      throw new Error(`nginx did not answer on ${router.url} within 10 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
