/** Finding out which builder will run, and which releases the repository already has. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ActionError, type Exec, type ExecResult, type Logger } from '@switchyard/kit';
import type { BuilderInfo, BuilderKind } from './builders.js';
import { userDockerConfig } from './docker-config.js';
import { compareSemver, parseSemver, type SemVer } from './semver.js';

/** Reads `Driver:` and the BuildKit version from `docker buildx inspect`. */
export function parseBuildxInspect(stdout: string): { driver?: string; buildkit?: string } {
  const driver = /^Driver:\s*(\S+)/m.exec(stdout)?.[1];
  const buildkit = /^BuildKit(?: version)?:\s*(\S+)/m.exec(stdout)?.[1];
  return { ...(driver ? { driver } : {}), ...(buildkit ? { buildkit } : {}) };
}

/** Where the docker CLI looks for plugins: the user's config dir first, then the system dirs. */
export function pluginDirs(env: Readonly<Record<string, string | undefined>>): string[] {
  return [
    join(userDockerConfig(env), 'cli-plugins'),
    '/usr/local/lib/docker/cli-plugins',
    '/usr/local/libexec/docker/cli-plugins',
    '/usr/lib/docker/cli-plugins',
    '/usr/libexec/docker/cli-plugins',
  ];
}

/** The docker-buildx plugin the CLI would run, found without starting docker (that costs ~150 ms). */
export function findBuildx(
  env: Readonly<Record<string, string | undefined>>,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  return pluginDirs(env)
    .map((d) => join(d, 'docker-buildx'))
    .find((p) => exists(p));
}

/** Asks buildx for the current builder's driver (docker, docker-container, kubernetes, remote). */
export async function buildxDriver(exec: Exec): Promise<{ driver: string; version: string }> {
  const r = await exec.run('docker', ['buildx', 'inspect'], { allowFailure: true, quiet: true });
  if (r.exitCode !== 0)
    throw new ActionError(
      `"docker buildx inspect" failed: ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`,
    );
  const { driver, buildkit } = parseBuildxInspect(r.stdout);
  return {
    driver: driver ?? 'docker',
    version: `docker buildx${buildkit ? ` (BuildKit ${buildkit})` : ''}`,
  };
}

/**
 * Picks the builder. `auto` takes buildx when its plugin is installed, else the classic builder, and
 * says why in the log; an explicit choice that is not installed is an error. The buildx driver is
 * asked for only when `needDriver` (a request only some drivers can serve), to keep start-up fast.
 */
export async function detectBuilder(
  exec: Exec,
  wanted: 'auto' | BuilderKind,
  log: Logger,
  env: Readonly<Record<string, string | undefined>>,
  needDriver: boolean,
): Promise<BuilderInfo> {
  if (wanted === 'buildah') {
    const r = await exec
      .run('buildah', ['--version'], { allowFailure: true, quiet: true })
      .catch(() => undefined);
    if (!r || r.exitCode !== 0)
      throw new ActionError(
        'builder: buildah was asked for, but buildah is not installed here (apt-get install buildah)',
      );
    return { kind: 'buildah', version: r.stdout.trim() };
  }
  const classic: BuilderInfo = { kind: 'docker', version: 'docker build (classic builder)' };
  if (wanted === 'docker') return classic;
  const plugin = findBuildx(env);
  if (!plugin) {
    if (wanted === 'buildx')
      throw new ActionError(
        `builder: buildx was asked for, but no docker-buildx plugin is installed (looked in ${pluginDirs(env).join(', ')}). Install buildx (docker/setup-buildx-action) or set builder: docker`,
      );
    log.info('builder: docker, the classic builder (auto: docker buildx is not installed)');
    return classic;
  }
  const info: BuilderInfo = needDriver
    ? { kind: 'buildx', ...(await buildxDriver(exec)) }
    : { kind: 'buildx', version: 'docker buildx' };
  if (wanted === 'auto')
    log.info(
      `builder: buildx${info.driver ? `, driver ${info.driver}` : ''} (auto: found ${plugin})`,
    );
  return info;
}

/** The repository's git tags (for "is this the newest release?"); [] with a note when git cannot say. */
export async function readGitTags(exec: Exec, cwd: string, log: Logger): Promise<string[]> {
  const r = await exec
    .run('git', ['tag', '--list'], { cwd, allowFailure: true, quiet: true })
    .catch(() => undefined);
  if (!r || r.exitCode !== 0) {
    log.info(
      'No git tags readable in the workspace: every release counts as the newest (fetch tags with actions/checkout fetch-depth: 0 to change that)',
    );
    return [];
  }
  return r.stdout
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** The ref and commit of the repository checked out in `cwd` (metadata-source: git). */
export interface CheckedOut {
  /** `refs/heads/<branch>`, else `refs/tags/<tag>` of a tag at HEAD, else '' (a detached commit). */
  readonly ref: string;
  readonly sha: string;
}

/**
 * Reads what is checked out in `cwd`, as docker/metadata-action's `context: git` does: the commit
 * at HEAD, and its branch (or, detached, a tag pointing at it; the highest semver one when several).
 * @throws ActionError when `cwd` holds no git repository with a commit.
 */
export async function readCheckout(exec: Exec, cwd: string): Promise<CheckedOut> {
  const git = (args: string[]): Promise<ExecResult> =>
    exec.run('git', args, { cwd, allowFailure: true, quiet: true }).catch((e: unknown) => ({
      exitCode: -1,
      stdout: '',
      stderr: String(e),
    }));
  const head = await git(['rev-parse', '--verify', 'HEAD']);
  const sha = head.stdout.trim();
  if (head.exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(sha))
    throw new ActionError(
      `metadata-source: git: no checked-out commit in ${cwd} (git rev-parse HEAD: ${(head.stderr || head.stdout).trim() || `exit ${head.exitCode}`}). Check the repository out first (actions/checkout), or use metadata-source: workflow`,
    );
  const branch = await git(['symbolic-ref', '-q', 'HEAD']);
  if (branch.exitCode === 0 && branch.stdout.trim().startsWith('refs/heads/'))
    return { ref: branch.stdout.trim(), sha };
  const tags = await git(['tag', '--points-at', 'HEAD']);
  const names =
    tags.exitCode === 0
      ? tags.stdout
          .split('\n')
          .map((t) => t.trim())
          .filter(Boolean)
      : [];
  const tag = highestTag(names);
  return { ref: tag ? `refs/tags/${tag}` : '', sha };
}

/** Of several tags on one commit, the highest semver one, else the first in name order. */
function highestTag(names: readonly string[]): string | undefined {
  const semver = names
    .map((n) => ({ n, v: parseSemver(n) }))
    .filter((x) => x.v !== undefined)
    .sort((a, b) => compareSemver(b.v as SemVer, a.v as SemVer));
  return semver[0]?.n ?? [...names].sort()[0];
}
