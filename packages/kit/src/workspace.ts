/**
 * File inputs stay inside the workspace. A path in an input (a config file, a checks file, a
 * Dockerfile, a report glob) is resolved against the workspace and then through every symlink, so
 * neither `../`, an absolute path nor a link committed in the repository can make an action read
 * (and quote) a file such as `/etc/shadow` or `/proc/self/environ`.
 */
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from './errors.js';

/** The fix every refusal names. */
export const INSIDE_WORKSPACE =
  'Give a path inside the workspace ($GITHUB_WORKSPACE, the checkout); a symlink must point inside it too';

/** The real path of `path`, or of its nearest existing parent with the rest appended (a file yet to be made). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const parent = dirname(path);
    if ((code === 'ENOENT' || code === 'ENOTDIR') && parent !== path)
      return resolve(realPath(parent), relative(parent, path));
    throw error;
  }
}

/** Whether `path` (real) is `root` (real) or below it. */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The absolute path an input names, resolved against `workspace`, after checking that it stays inside
 * the workspace once every symlink is followed. A path that does not exist yet is checked through
 * its nearest existing parent.
 * @throws InputError naming `input` when the path leads outside the workspace.
 */
export function workspaceFile(input: string, path: string, workspace: string): string {
  const absolute = resolve(workspace, path);
  const root = realPath(resolve(workspace));
  if (!isInside(root, realPath(absolute)))
    throw new InputError(input, path, 'is outside the workspace', INSIDE_WORKSPACE);
  return absolute;
}

/** Whether `path` (absolute) is inside `workspace` once symlinks are followed: for files a glob matched. */
export function insideWorkspace(path: string, workspace: string): boolean {
  try {
    return isInside(realPath(resolve(workspace)), realPath(path));
  } catch {
    return false;
  }
}
