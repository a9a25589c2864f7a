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
  mapLimit,
  type Exec,
  type ExecResult,
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
  buildFiles,
  loadCommands,
  pushCommands,
  type BuilderInfo,
  type BuildSpec,
  type Command,
} from './builders.js';
import { removeDockerConfig } from './docker-config.js';
import { login } from './login.js';
import type { ImageName } from './reference.js';
import { REGISTRY_BACKOFF, type Credentials } from './registry.js';
import { verifyPush } from './verify.js';

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
    const files = buildFiles(tmp, authDir);
    // buildah reads build secrets from files; buildx takes them from the environment (builders.ts).
    const secretFiles =
      builder.kind === 'buildah' ? spec.secrets.map((_, i) => files.secret(i)) : [];
    secretFiles.forEach((f, i) => writeFileSync(f, spec.secrets[i]?.value ?? '', { mode: 0o600 }));
    const dockerEnv: Record<string, string> =
      authDir && builder.kind !== 'buildah' ? { DOCKER_CONFIG: authDir } : {};
    const withEnv = (c: Command): Command => ({ ...c, env: { ...c.env, ...dockerEnv } });

    await build(withEnv(buildCommand(spec, builder, files)), spec, builder, opts, deps);
    secretFiles.forEach((f) => rmSync(f, { force: true }));

    let reported = builder.kind === 'buildx' ? buildxDigest(files.metadata) : undefined;
    const pushed: string[] = builder.kind === 'buildx' && spec.push ? [...spec.refs] : [];
    const pushes = pushCommands(spec, builder, files);
    const pushOne = async (c: Command, i: number): Promise<string | undefined> => {
      const ref = spec.refs[i] ?? '';
      const run = (): Promise<ExecResult> => exec.run(c.command, c.args, { env: withEnv(c).env });
      const r = await withRetries(`push ${ref}`, opts.pushAttempts, deps, run, pushed);
      pushed.push(ref);
      return builder.kind === 'buildah' ? readText(files.digest(i)) : pushedDigest(r.stdout);
    };
    // The first push uploads the layers; the other tags then only add manifests, in parallel.
    const [first, ...others] = pushes;
    if (first) {
      const digests = [
        await pushOne(first, 0),
        ...(await mapLimit(others, 4, (c, i) => pushOne(c, i + 1))),
      ];
      reported ??= digests.find((d) => d !== undefined);
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
    const verified = await verifyPush(spec, opts, reported, deps);
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
        ...REGISTRY_BACKOFF,
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
          ...REGISTRY_BACKOFF,
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
