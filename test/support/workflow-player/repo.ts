/**
 * The repository's files as the player sees them: a folder, with optional mounts that show another
 * folder under a path (so `examples/workflows/` can be played as `.github/workflows/`).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

export interface RepoFiles {
  readonly root: string;
  /** Repository path prefix → folder (absolute, or relative to root). */
  readonly mounts: Readonly<Record<string, string>>;
}

/** A repository: `root`, plus `mounts` such as `{ '.github/workflows': 'examples/workflows' }`. */
export function repoFiles(root: string, mounts: Readonly<Record<string, string>> = {}): RepoFiles {
  return { root: resolve(root), mounts };
}

export function asRepo(repo: string | RepoFiles): RepoFiles {
  return typeof repo === 'string' ? repoFiles(repo) : repo;
}

function clean(path: string): string {
  return path.replace(/^\.\//, '').replace(/\/+$/, '');
}

/** The file on disk behind a repository path (mounts first). */
export function repoPath(repo: RepoFiles, path: string): string {
  const p = clean(path);
  for (const [prefix, folder] of Object.entries(repo.mounts)) {
    const pre = clean(prefix);
    if (p === pre || p.startsWith(`${pre}/`))
      return join(resolve(repo.root, folder), p.slice(pre.length));
  }
  return join(repo.root, p);
}

export function readRepoFile(repo: RepoFiles, path: string): string {
  const file = repoPath(repo, path);
  if (!existsSync(file))
    throw new Error(`workflow-player: ${clean(path)} is not in the repository (${file})`);
  return readFileSync(file, 'utf8');
}

const SKIP = new Set(['.git', 'node_modules', '.tmp']);

/** A fresh checkout: a temp copy of the repository (mounts applied; .git, node_modules, .tmp left out). */
export function checkout(repo: RepoFiles): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'workflow-player-')), 'workspace');
  const filter = (src: string): boolean => !SKIP.has(basename(src));
  cpSync(repo.root, dir, { recursive: true, filter });
  for (const [prefix, folder] of Object.entries(repo.mounts))
    cpSync(resolve(repo.root, folder), join(dir, clean(prefix)), { recursive: true, filter });
  return dir;
}
