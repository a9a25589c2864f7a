/**
 * Access to the real components that `scripts/testbed up` started. A missing testbed is a loud
 * failure, never a silent skip (DESIGN.md §5).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseEnvFile } from '../../cli/src/demo.js';

const run = promisify(execFile);

/** What `scripts/testbed up` provides, read from its testbed.env. */
export interface Testbed {
  /** The state dir (`$SWITCHYARD_TESTBED_DIR`, default /tmp/switchyard-testbed). */
  readonly dir: string;
  /** The node base image (host node + busybox, made with `docker import`). */
  readonly baseImage: string;
  /** The example app image, built on `baseImage`. */
  readonly appImage: string;
  /**
   * Debian's HAProxy with socat and busybox, no entrypoint: run it as
   * `--entrypoint haproxy … -W -db -f <cfg>`. Resolves container names through Docker's DNS.
   */
  readonly haproxyImage: string;
  /** `host:port` of a plain-HTTP docker-registry on 127.0.0.1: no auth, delete enabled. */
  readonly registry: string;
  /** A docker-registry on 127.0.0.1 with htpasswd auth: anonymous requests get 401. */
  readonly authRegistry: {
    readonly host: string;
    readonly user: string;
    readonly password: string;
  };
  /**
   * A DOCKER_CONFIG dir whose cli-plugins hold docker buildx. The default `docker` has no buildx,
   * so a test picks the buildx or the classic path by setting DOCKER_CONFIG or not. Copy the dir
   * before a `docker login` with it, or the credentials land in the shared one.
   */
  readonly buildxDockerConfig: string;
  /** A CONTAINERS_STORAGE_CONF file that keeps buildah's storage (vfs) in the state dir. */
  readonly containersStorageConf: string;
}

/** Reads `$SWITCHYARD_TESTBED_DIR/testbed.env`, written by `scripts/testbed up`. */
export function testbed(): Testbed {
  const dir = process.env.SWITCHYARD_TESTBED_DIR ?? '/tmp/switchyard-testbed';
  const file = `${dir}/testbed.env`;
  if (!existsSync(file))
    throw new Error(
      `The testbed is not up (${file} is missing). Run "npm run testbed -- up" (as root) first.`,
    );
  const env = parseEnvFile(readFileSync(file, 'utf8'));
  const need = (k: string): string => {
    const v = env[k];
    if (!v) throw new Error(`${file} has no ${k}: re-run "npm run testbed -- up"`);
    return v;
  };
  return {
    dir,
    baseImage: need('SWITCHYARD_BASE_IMAGE'),
    appImage: need('SWITCHYARD_APP_IMAGE'),
    haproxyImage: need('SWITCHYARD_HAPROXY_IMAGE'),
    registry: need('SWITCHYARD_REGISTRY'),
    authRegistry: {
      host: need('SWITCHYARD_AUTH_REGISTRY'),
      user: need('SWITCHYARD_AUTH_REGISTRY_USER'),
      password: need('SWITCHYARD_AUTH_REGISTRY_PASSWORD'),
    },
    buildxDockerConfig: need('SWITCHYARD_BUILDX_DOCKER_CONFIG'),
    containersStorageConf: need('SWITCHYARD_CONTAINERS_STORAGE_CONF'),
  };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Runs the default `docker` CLI; resolves to its trimmed stdout, rejects on a non-zero exit. */
export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * Puts local image `source` into the testbed's auth registry as `ref` (logged in through a private
 * docker config, removed afterwards) and removes the `ref` tag from the host, so only the
 * registry has it under that name.
 */
export async function pushPrivate(source: string, ref: string): Promise<void> {
  const auth = testbed().authRegistry;
  const cfg = mkdtempSync(join(tmpdir(), 'switchyard-e2e-cfg-'));
  try {
    const env = { ...process.env, DOCKER_CONFIG: cfg };
    const login = execFile('docker', ['login', auth.host, '-u', auth.user, '--password-stdin'], {
      env,
    });
    login.stdin?.end(auth.password);
    await new Promise((res) => login.on('close', res));
    await docker('tag', source, ref);
    await run('docker', ['push', ref], { env });
    await docker('image', 'rm', ref);
  } finally {
    rmSync(cfg, { recursive: true, force: true });
  }
}

/** Options for {@link AppContainer.start}; each has a default. */
export interface AppOptions {
  /** The container name (default `switchyard-test-app-<port>-<time>`). */
  readonly name?: string;
  readonly version?: string;
  readonly color?: string;
  readonly port?: number;
  readonly env?: Readonly<Record<string, string>>;
}

/** An example-app container on the host network, bound to 127.0.0.1:port. */
export class AppContainer {
  private constructor(
    readonly name: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the app and waits until /healthz answers. */
  static async start(opts: AppOptions = {}): Promise<AppContainer> {
    const port = opts.port ?? (await freePort());
    const name = opts.name ?? `switchyard-test-app-${port}-${Date.now().toString(36)}`;
    const env = {
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_VERSION: opts.version ?? '1.0.0',
      COLOR: opts.color ?? 'blue',
      ...opts.env,
    };
    await docker(
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'host',
      '--label',
      'switchyard.testbed=true',
      ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      testbed().appImage,
    );
    const app = new AppContainer(name, port);
    await app.waitHealthy();
    return app;
  }

  async waitHealthy(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const res = await fetch(`${this.url}/healthz`);
        if (res.ok) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline)
        throw new Error(
          `${this.name} did not answer /healthz within ${timeoutMs}ms:\n${await docker('logs', '--tail', '30', this.name).catch(String)}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sets runtime knobs (error_rate, delay_ms, healthy, fail_next). */
  async knobs(values: Record<string, string | number | boolean>): Promise<unknown> {
    const q = new URLSearchParams(
      Object.entries(values).map(([k, v]): [string, string] => [k, String(v)]),
    );
    const res = await fetch(`${this.url}/admin?${q.toString()}`, { method: 'POST' });
    if (!res.ok) throw new Error(`knobs ${q.toString()}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** Requests served on every path but /metrics and /admin*. */
  async requestCount(): Promise<number> {
    const res = await fetch(`${this.url}/admin/stats`);
    return ((await res.json()) as { requests: number }).requests;
  }

  async remove(): Promise<void> {
    await docker('rm', '-f', this.name).catch(() => '');
  }
}
