/** Finding out which builder will run, and which releases the repository already has. */
import { ActionError, type Exec, type Logger } from '@switchyard/kit';
import type { BuilderInfo, BuilderKind } from './builders.js';

/** Reads `Driver:` and the BuildKit version from `docker buildx inspect`. */
export function parseBuildxInspect(stdout: string): { driver?: string; buildkit?: string } {
  const driver = /^Driver:\s*(\S+)/m.exec(stdout)?.[1];
  const buildkit = /^BuildKit(?: version)?:\s*(\S+)/m.exec(stdout)?.[1];
  return { ...(driver ? { driver } : {}), ...(buildkit ? { buildkit } : {}) };
}

/**
 * Picks the builder. `auto` takes buildx when `docker buildx inspect` answers, else the classic
 * builder, and says why in the log; an explicit choice that is not installed is an error.
 */
export async function detectBuilder(
  exec: Exec,
  wanted: 'auto' | BuilderKind,
  log: Logger,
  env: Readonly<Record<string, string>> = {},
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
  if (wanted === 'docker') return { kind: 'docker', version: 'docker build (classic builder)' };
  const r = await exec
    .run('docker', ['buildx', 'inspect'], { allowFailure: true, quiet: true, env })
    .catch(() => undefined);
  if (r && r.exitCode === 0) {
    const { driver, buildkit } = parseBuildxInspect(r.stdout);
    const info: BuilderInfo = {
      kind: 'buildx',
      version: `docker buildx${buildkit ? ` (BuildKit ${buildkit})` : ''}`,
      driver: driver ?? 'docker',
    };
    if (wanted === 'auto')
      log.info(`builder: buildx, driver ${info.driver} (auto: docker buildx is installed)`);
    return info;
  }
  const why = (r?.stderr || r?.stdout || 'docker did not start').trim().split('\n')[0] ?? '';
  if (wanted === 'buildx')
    throw new ActionError(
      `builder: buildx was asked for, but "docker buildx inspect" failed (${why}). Install buildx (docker/setup-buildx-action) or set builder: docker`,
    );
  log.info(`builder: docker, the classic builder (auto: docker buildx is not available: ${why})`);
  return { kind: 'docker', version: 'docker build (classic builder)' };
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
