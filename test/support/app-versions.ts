/**
 * Versions of the example app in the testbed's plain registry, each with its own digest, for
 * deploy and rollback tests. Each is `FROM` the testbed's app image with `APP_VERSION` set, built
 * with the legacy builder and pushed; a variant makes a broken version on purpose.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testbed } from './testbed.js';

const run = promisify(execFile);

/**
 * - `ok`: the app as it is.
 * - `crash`: prints one line to stderr and exits 1 at once.
 * - `unhealthy`: runs and serves `/`, but `/healthz` answers 503 from the first request on, so
 *   the image's Docker HEALTHCHECK (which polls /healthz) turns `unhealthy` too. The app has no
 *   env to start unhealthy and setting its `healthy` knob after start would leave a window of
 *   200s, so a 10-line `--require` preload answers /healthz before the app sees it.
 * - `slow-start`: sleeps 3 s before starting the app (SIGTERM during the sleep exits 143).
 */
export type AppVariant = 'ok' | 'crash' | 'unhealthy' | 'slow-start';

/** Options for {@link pushAppVersion}. */
export interface AppVersionOptions {
  /** Repository in the registry (default `switchyard-e2e/app`). */
  readonly repository?: string;
  readonly variant?: AppVariant;
}

/** A pushed version. */
export interface PushedApp {
  /** `registry/repository:version`. */
  readonly ref: string;
  /** `sha256:…`, the manifest digest the registry holds. */
  readonly digest: string;
  /** `registry/repository@sha256:…`. */
  readonly pinned: string;
}

/** Seconds the `slow-start` variant waits before the app starts. */
export const SLOW_START_SECONDS = 3;
/** The line the `crash` variant prints to stderr (`<version>` replaced). */
export const CRASH_LINE = 'example-app <version>: crash variant, exiting 1';

const VERSION_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY_RE =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const VARIANTS: readonly AppVariant[] = ['ok', 'crash', 'unhealthy', 'slow-start'];

const UNHEALTHY_PRELOAD = `// switchyard e2e 'unhealthy' variant: /healthz answers 503 before the app sees it.
const http = require('node:http');
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res, ...rest) {
  if (event === 'request' && (req.url || '').split('?')[0] === '/healthz') {
    req.resume();
    const version = process.env.APP_VERSION || '0.0.0';
    res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'X-App-Version': version });
    res.end(JSON.stringify({ status: 'unhealthy', version, color: process.env.COLOR || '' }) + '\\n');
    return true;
  }
  return emit.call(this, event, req, res, ...rest);
};
`;

/** The Dockerfile lines that differ by variant (after FROM/ENV/LABEL). */
function variantLines(variant: AppVariant, version: string): string[] {
  switch (variant) {
    case 'ok':
      return [];
    case 'crash': {
      const line = CRASH_LINE.replace('<version>', version);
      return [`CMD ["sh", "-c", "echo '${line}' >&2; exit 1"]`];
    }
    case 'unhealthy':
      return [
        'COPY unhealthy.cjs /app/unhealthy.cjs',
        'CMD ["node", "--require", "/app/unhealthy.cjs", "/app/server.mjs"]',
      ];
    case 'slow-start':
      return [
        `CMD ["sh", "-c", "trap 'exit 143' TERM INT; sleep ${SLOW_START_SECONDS} & wait $!; exec node /app/server.mjs"]`,
      ];
  }
}

/** The generated Dockerfile for one version (exported for tests of the recipe). */
export function appVersionDockerfile(
  appImage: string,
  version: string,
  variant: AppVariant,
): string {
  return [
    `FROM ${appImage}`,
    `ENV APP_VERSION=${version}`,
    `LABEL org.opencontainers.image.version=${version} switchyard.testbed=true switchyard.e2e.variant=${variant}`,
    ...variantLines(variant, version),
    '',
  ].join('\n');
}

/** Reads the digest from `docker push` output (`<tag>: digest: sha256:… size: N`). */
export function pushDigest(output: string): string {
  const m = /digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(output);
  if (!m?.[1]) throw new Error(`docker push printed no digest:\n${output}`);
  return m[1];
}

const cache = new Map<string, Promise<PushedApp>>();

/**
 * Builds and pushes `registry/<repository>:<version>` (legacy builder, testbed label), once per
 * (repository, version, variant) in this process; concurrent calls share one build. The image
 * stays in the local daemon too (labelled, so `scripts/testbed down --purge` removes it).
 */
export function pushAppVersion(version: string, opts: AppVersionOptions = {}): Promise<PushedApp> {
  const repository = opts.repository ?? 'switchyard-e2e/app';
  const variant = opts.variant ?? 'ok';
  if (!VERSION_RE.test(version))
    return Promise.reject(new Error(`pushAppVersion: "${version}" is not a valid image tag`));
  if (!REPOSITORY_RE.test(repository))
    return Promise.reject(new Error(`pushAppVersion: "${repository}" is not a valid repository`));
  if (!VARIANTS.includes(variant))
    return Promise.reject(
      new Error(`pushAppVersion: unknown variant "${String(variant)}" (${VARIANTS.join(', ')})`),
    );
  const key = `${repository}\n${version}\n${variant}`;
  let pushed = cache.get(key);
  if (!pushed) {
    pushed = buildAndPush(repository, version, variant);
    cache.set(key, pushed);
    pushed.catch(() => cache.delete(key));
  }
  return pushed;
}

async function buildAndPush(
  repository: string,
  version: string,
  variant: AppVariant,
): Promise<PushedApp> {
  const tb = testbed();
  const name = `${tb.registry}/${repository}`;
  const ref = `${name}:${version}`;
  const context = mkdtempSync(join(tmpdir(), 'switchyard-e2e-appver-'));
  try {
    writeFileSync(join(context, 'Dockerfile'), appVersionDockerfile(tb.appImage, version, variant));
    if (variant === 'unhealthy') writeFileSync(join(context, 'unhealthy.cjs'), UNHEALTHY_PRELOAD);
    await run('docker', ['build', '--rm', '--force-rm', '-q', '-t', ref, context], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((e: unknown) => {
      throw new Error(`pushAppVersion: docker build of ${ref} (${variant}) failed: ${String(e)}`);
    });
    const { stdout } = await run('docker', ['push', ref], { maxBuffer: 16 * 1024 * 1024 }).catch(
      (e: unknown) => {
        throw new Error(`pushAppVersion: docker push ${ref} failed: ${String(e)}`);
      },
    );
    const digest = pushDigest(stdout);
    return { ref, digest, pinned: `${name}@${digest}` };
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
