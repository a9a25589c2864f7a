/**
 * The nginx example (examples/nginx) as images in the testbed's plain registry: Debian's nginx binary
 * and its libraries imported as a runtime image (`build.sh base`, about 0.2 s), then one image per
 * release on top (`build.sh app`, legacy builder, about 0.7 s), pushed to a repository of this
 * process's own. {@link removeNginxImages} deletes them from the registry and the daemon.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pushDigest, type PushedApp } from './app-versions.js';
import { ROOT } from './runner.js';
import { docker, testbed } from './testbed.js';

const run = promisify(execFile);

/** `ok` serves the site; `bad` answers 500 on `/` (its /healthz still answers 200). */
export type NginxVariant = 'ok' | 'bad';

const BUILD = join(ROOT, 'examples/nginx/build.sh');
const LABELS = 'switchyard.testbed=true switchyard.e2e=nginx';
const tag = `${process.pid}-${Date.now().toString(36)}`;
/** The runtime image: local only, never pushed. */
const BASE = `switchyard-e2e/nginx-runtime:${tag}`;

let base: Promise<void> | undefined;
const built = new Map<string, Promise<PushedApp>>();
const pushed: PushedApp[] = [];

async function buildSh(args: readonly string[]): Promise<void> {
  await run('bash', [BUILD, ...args], {
    env: { ...process.env, NGINX_EXAMPLE_LABELS: LABELS },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((e: unknown) => {
    const err = e as { stderr?: string };
    throw new Error(`examples/nginx/build.sh ${args.join(' ')} failed: ${err.stderr ?? String(e)}`);
  });
}

/** The repository of this process's nginx releases in the testbed's registry. */
export function nginxRepository(): string {
  return `${testbed().registry}/switchyard-e2e/nginx-${tag}`;
}

/**
 * Builds (once per version and variant in this process) and pushes `<repository>:<version>`;
 * the runtime image is imported once per process.
 */
export function pushNginxVersion(
  version: string,
  variant: NginxVariant = 'ok',
): Promise<PushedApp> {
  const key = `${version}\n${variant}`;
  let p = built.get(key);
  if (!p) {
    p = (async () => {
      base ??= buildSh(['base', BASE]);
      await base;
      const name = nginxRepository();
      const ref = `${name}:${version}`;
      await buildSh(['app', BASE, ref, version, variant]);
      const { stdout } = await run('docker', ['push', ref], { maxBuffer: 16 * 1024 * 1024 });
      const digest = pushDigest(stdout);
      const app = { ref, digest, pinned: `${name}@${digest}` };
      pushed.push(app);
      return app;
    })();
    built.set(key, p);
  }
  return p;
}

/** Deletes the pushed manifests from the registry and the built images from the daemon. */
export async function removeNginxImages(): Promise<void> {
  const registry = testbed().registry;
  const repo = nginxRepository().slice(registry.length + 1);
  for (const app of pushed)
    await fetch(`http://${registry}/v2/${repo}/manifests/${app.digest}`, {
      method: 'DELETE',
    }).catch(() => undefined);
  const refs = [...pushed.map((a) => a.ref), ...(base ? [BASE] : [])];
  if (refs.length) await docker('image', 'rm', '-f', ...refs).catch(() => '');
  pushed.length = 0;
  built.clear();
  base = undefined;
}
