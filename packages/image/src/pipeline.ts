/**
 * One build, end to end: log in (into a private config), build with the chosen builder, push each tag
 * with retries on transient registry errors, then read every tag back from the registry and check
 * that all of them name the digest the build produced. Nothing half-pushed is reported as success.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ActionError,
  ExecError,
  errorMessage,
  retry,
  type Clock,
  type Exec,
  type Logger,
} from '@switchyard/kit';
import type { Http } from '@switchyard/probe';
import {
  errorLines,
  isPushFailure,
  isTransientPushFailure,
  isTransientRegistryError,
  parseBuildFailure,
} from './build-log.js';
import {
  buildCommand,
  loadCommands,
  pushCommands,
  type BuilderInfo,
  type BuildFiles,
  type BuildSpec,
  type Command,
} from './builders.js';
import { createDockerConfig, removeDockerConfig, userDockerConfig } from './docker-config.js';
import type { ImageName } from './reference.js';
import { RegistryClient, type Credentials } from './registry.js';

export interface PipelineDeps {
  readonly exec: Exec;
  readonly http: Http;
  readonly clock: Clock;
  readonly log: Logger & { group<T>(title: string, fn: () => Promise<T>): Promise<T> };
  /** DOCKER_CONFIG, HOME, RUNNER_TEMP. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Told the private auth dir as soon as it exists, so a post step can remove it if we die. */
  readonly onAuthDir?: (dir: string) => void;
}

export interface PipelineOptions {
  readonly image: ImageName;
  readonly credentials?: Credentials;
  /** Attempts per push (1 = no retry). */
  readonly pushAttempts: number;
  /** Shown in the error annotation of a failed build (relative to the workspace). */
  readonly dockerfileLabel: string;
}

export interface BuildResult {
  /** The registry's manifest digest, read back after the push. */
  readonly digest?: string;
  readonly imageId?: string;
  /** Bytes: compressed (registry manifest) when pushed, else the engine's unpacked size. */
  readonly size?: number;
  readonly sizeKind?: 'compressed' | 'unpacked';
  readonly pushed: readonly string[];
}

const BACKOFF = { initialDelayMs: 1000, maxDelayMs: 10_000 };

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The digest `docker push` prints: `<tag>: digest: sha256:… size: N`. */
export function pushedDigest(stdout: string): string | undefined {
  return /digest: (sha256:[a-f0-9]{64})/.exec(stdout)?.[1];
}

export async function runPipeline(
  spec: BuildSpec,
  builder: BuilderInfo,
  opts: PipelineOptions,
  deps: PipelineDeps,
): Promise<BuildResult> {
  const { exec } = deps;
  const tmp = mkdtempSync(join(deps.env.RUNNER_TEMP || tmpdir(), 'switchyard-build-'));
  let authDir: string | undefined;
  try {
    if (opts.credentials && opts.image.registry) {
      authDir = await login(opts.image.registry, opts.credentials, builder, spec.insecure, deps);
    }
    const files: BuildFiles = {
      metadata: join(tmp, 'metadata.json'),
      iid: join(tmp, 'iid'),
      secret: (i) => join(tmp, `secret-${i}`),
      digest: (i) => join(tmp, `digest-${i}`),
      ...(authDir ? { authDir } : {}),
    };
    spec.secrets.forEach((s, i) => writeFileSync(files.secret(i), s.value, { mode: 0o600 }));
    const dockerEnv: Record<string, string> =
      authDir && builder.kind !== 'buildah' ? { DOCKER_CONFIG: authDir } : {};
    const withEnv = (c: Command): Command => ({ ...c, env: { ...c.env, ...dockerEnv } });

    await build(withEnv(buildCommand(spec, builder, files)), spec, builder, opts, deps);
    spec.secrets.forEach((_, i) => rmSync(files.secret(i), { force: true }));

    let reported = builder.kind === 'buildx' ? buildxDigest(files.metadata) : undefined;
    const pushed: string[] = builder.kind === 'buildx' && spec.push ? [...spec.refs] : [];
    const pushes = pushCommands(spec, builder, files);
    for (const [i, c] of pushes.entries()) {
      const ref = spec.refs[i] ?? '';
      const r = await withRetries(
        `push ${ref}`,
        opts.pushAttempts,
        deps,
        () => exec.run(c.command, c.args, { env: withEnv(c).env }),
        pushed,
      );
      pushed.push(ref);
      const digest =
        builder.kind === 'buildah' ? readText(files.digest(i)) : pushedDigest(r.stdout);
      reported ??= digest;
    }
    for (const c of loadCommands(spec, builder)) await exec.run(c.command, c.args);
    const imageId = readText(files.iid);
    if (!spec.push) {
      const size =
        spec.load && builder.kind !== 'buildah' && imageId
          ? await localSize(exec, imageId)
          : undefined;
      return {
        ...(imageId ? { imageId } : {}),
        ...(size ? { size, sizeKind: 'unpacked' as const } : {}),
        pushed,
      };
    }
    const verified = await verify(spec, opts, reported, deps);
    return {
      digest: verified.digest,
      ...(imageId ? { imageId } : {}),
      ...(verified.size ? { size: verified.size, sizeKind: 'compressed' as const } : {}),
      pushed,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    if (authDir) removeDockerConfig(authDir);
  }
}

async function login(
  registry: string,
  creds: Credentials,
  builder: BuilderInfo,
  insecure: boolean,
  deps: PipelineDeps,
): Promise<string> {
  const dir = createDockerConfig(deps.env.RUNNER_TEMP, userDockerConfig(deps.env), registry);
  deps.onAuthDir?.(dir);
  const [command, args, env] =
    builder.kind === 'buildah'
      ? [
          'buildah',
          [
            'login',
            '--authfile',
            join(dir, 'config.json'),
            ...(insecure ? ['--tls-verify=false'] : []),
            '--username',
            creds.username,
            '--password-stdin',
            registry,
          ],
          {},
        ]
      : [
          'docker',
          ['login', '--username', creds.username, '--password-stdin', registry],
          { DOCKER_CONFIG: dir },
        ];
  try {
    await retry(
      () => deps.exec.run(command, args, { input: creds.password, env }),
      {
        attempts: 3,
        ...BACKOFF,
        retryIf: (e) => e instanceof ExecError && isTransientRegistryError(e.result.stderr),
        onRetry: ({ delayMs, error }) =>
          deps.log.warning(
            `login to ${registry} failed, retrying in ${delayMs} ms: ${errorMessage(error)}`,
          ),
      },
      deps.clock,
    );
  } catch (e) {
    removeDockerConfig(dir);
    const detail =
      e instanceof ExecError ? e.result.stderr.trim().split('\n').at(-1) : errorMessage(e);
    throw new ActionError(
      `login to ${registry} as ${creds.username} failed: ${detail ?? ''}. Check the username and password inputs`,
    );
  }
  deps.log.info(
    `Logged in to ${registry} as ${creds.username} (credentials in a private docker config, removed when the step ends)`,
  );
  return dir;
}

async function withRetries<T>(
  what: string,
  attempts: number,
  deps: PipelineDeps,
  fn: () => Promise<T>,
  pushed: readonly string[],
): Promise<T> {
  try {
    return await retry(
      fn,
      {
        attempts,
        ...BACKOFF,
        retryIf: (e) =>
          e instanceof ExecError &&
          isTransientRegistryError(`${e.result.stderr}\n${e.result.stdout}`),
        onRetry: ({ attempt, delayMs, error }) =>
          deps.log.warning(
            `${what}: attempt ${attempt} of ${attempts} failed (${lastLine(error)}); retrying in ${delayMs} ms`,
          ),
      },
      deps.clock,
    );
  } catch (e) {
    const done = pushed.length
      ? ` Already pushed: ${pushed.join(', ')}; the release is incomplete, do not deploy it.`
      : ' Nothing was pushed.';
    throw new ActionError(`${what} failed: ${lastLine(e)}.${done}`);
  }
}

function lastLine(e: unknown): string {
  const text = e instanceof ExecError ? e.result.stderr.trim() || e.message : errorMessage(e);
  return (
    text
      .split('\n')
      .filter((l) => l.trim())
      .at(-1) ?? text
  );
}

async function build(
  c: Command,
  spec: BuildSpec,
  builder: BuilderInfo,
  opts: PipelineOptions,
  deps: PipelineDeps,
): Promise<void> {
  const title = `Build ${spec.refs[0] ?? 'image'} with ${builder.kind}${builder.driver ? ` (${builder.driver} driver)` : ''}`;
  let lines: string[] = [];
  const attempt = (): Promise<unknown> => {
    lines = [];
    return deps.exec.run(c.command, c.args, {
      env: c.env,
      onLine: (l) => {
        lines.push(l);
        deps.log.info(l);
      },
    });
  };
  const pushesInBuild = builder.kind === 'buildx' && spec.push;
  try {
    await deps.log.group(title, () =>
      retry(
        attempt,
        {
          attempts: pushesInBuild ? opts.pushAttempts : 1,
          ...BACKOFF,
          retryIf: (e) =>
            e instanceof ExecError && isTransientPushFailure(builder.kind, lines.join('\n')),
          onRetry: ({ attempt: n, delayMs }) =>
            deps.log.warning(
              `push during the build: attempt ${n} of ${opts.pushAttempts} failed (${errorLines(lines.join('\n'), 1) || 'registry error'}); retrying in ${delayMs} ms`,
            ),
        },
        deps.clock,
      ),
    );
  } catch (e) {
    if (!(e instanceof ExecError)) throw e;
    const log = lines.join('\n');
    if (pushesInBuild && isPushFailure(log)) {
      const tries = isTransientPushFailure(builder.kind, log)
        ? ` after ${opts.pushAttempts} attempts`
        : '';
      const why =
        errorLines(log, 1)
          .replace(/^#\d+ /, '')
          .replace(/^ERROR: /, '') || e.message;
      throw new ActionError(
        `push to ${opts.image.registry ?? 'the registry'} failed${tries}: ${why}. Nothing was reported as pushed.`,
      );
    }
    const failure = parseBuildFailure(builder.kind, log, readText(spec.file) ?? '');
    await deps.log.group(`Failed step: ${failure.step ?? 'build'}`, () => {
      failure.output.forEach((l) => deps.log.info(l));
      return Promise.resolve();
    });
    deps.log.error(failure.message, {
      title: `Build failed${failure.step ? ` at ${failure.step}` : ''}`,
      file: opts.dockerfileLabel,
      ...(failure.line ? { startLine: failure.line } : {}),
    });
    throw new ActionError(
      `the build failed${failure.step ? ` at "${failure.step}"` : ''}: ${failure.message}. Nothing was pushed.`,
    );
  }
}

function buildxDigest(metadataFile: string): string | undefined {
  const text = readText(metadataFile);
  if (!text) return undefined;
  try {
    const d = (JSON.parse(text) as Record<string, unknown>)['containerimage.digest'];
    return typeof d === 'string' ? d : undefined;
  } catch {
    return undefined;
  }
}

async function localSize(exec: Exec, imageId: string): Promise<number | undefined> {
  const r = await exec.run('docker', ['image', 'inspect', '--format', '{{.Size}}', imageId], {
    allowFailure: true,
    quiet: true,
  });
  const n = Number(r.stdout.trim());
  return r.exitCode === 0 && Number.isFinite(n) ? n : undefined;
}

async function verify(
  spec: BuildSpec,
  opts: PipelineOptions,
  reported: string | undefined,
  deps: PipelineDeps,
): Promise<{ digest: string; size?: number }> {
  const registry = opts.image.registry ?? '';
  const client = new RegistryClient(deps.http, registry, opts.credentials);
  let digest = reported;
  let size: number | undefined;
  for (const ref of spec.refs) {
    const tag = ref.slice(ref.lastIndexOf(':') + 1);
    const m = await retry(
      () => client.manifest(opts.image.path, tag),
      {
        attempts: opts.pushAttempts,
        ...BACKOFF,
        retryIf: (e) => isTransientRegistryError(errorMessage(e)),
      },
      deps.clock,
    ).catch((e: unknown) => {
      throw new ActionError(`reading ${ref} back from the registry failed: ${errorMessage(e)}`);
    });
    digest ??= m.digest;
    size ??= m.size;
    if (m.digest !== digest)
      throw new ActionError(
        `the registry has ${m.digest} for ${ref}, but the build pushed ${digest}: another push raced this one, or the registry rewrote the manifest`,
      );
  }
  if (!digest) throw new ActionError('the build pushed no tags to verify');
  deps.log.info(`Verified: all ${spec.refs.length} tags in ${registry} point to ${digest}`);
  return { digest, ...(size !== undefined ? { size } : {}) };
}
