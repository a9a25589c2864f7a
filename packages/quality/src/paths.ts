/**
 * Report globs and paths. Globs are matched here (no dependency): `*`, `?`, `[abc]`, `{a,b}`, `**`
 * for any number of directories, and a leading `!` to exclude. Paths inside reports are made
 * relative to the workspace, so annotations point at the file GitHub shows.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directories a walk never enters. */
const SKIPPED = new Set(['.git', 'node_modules']);

/** A glob as a regular expression over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:[^/]*(?:/|$))*' : '.*';
        i += slash ? 2 : 1;
        // `**/` may match nothing: `a/**/b` matches `a/b`.
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        const alternatives = glob.slice(i + 1, end).split(',');
        re += `(?:${alternatives.map((a) => globToRegExp(a).source.slice(1, -1)).join('|')})`;
        i = end;
      }
    } else re += /[\\^$.|+()]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${re}$`);
}

const MAGIC = /[*?[{]/;

/** The directory part of a glob before its first wildcard, e.g. `reports` for `reports/**\/*.xml`. */
function staticPrefix(glob: string): { base: string; rest: string } {
  const parts = glob.split('/');
  const i = parts.findIndex((p) => MAGIC.test(p));
  if (i < 0) return { base: parts.slice(0, -1).join('/'), rest: parts.at(-1) ?? '' };
  return { base: parts.slice(0, i).join('/'), rest: parts.slice(i).join('/') };
}

/** The part of a path or glob before its first wildcard: the whole path when it has none. */
export function globBase(pattern: string): string {
  const p = pattern.replace(/\\/g, '/');
  return MAGIC.test(p) ? staticPrefix(p).base || '.' : p;
}

function walk(dir: string, prefix: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIPPED.has(e.name)) walk(join(dir, e.name), rel, out);
    } else if (e.isFile() || (e.isSymbolicLink() && isFile(join(dir, e.name)))) out.push(rel);
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The files matching `patterns` (relative to `cwd`, or absolute), sorted and without repeats;
 * `!pattern` removes matches. A pattern without wildcards names one file.
 */
export function expandGlobs(patterns: readonly string[], cwd: string): string[] {
  const found = new Set<string>();
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/\\/g, '/').replace(/^\.\//, '');
    const absolute = isAbsolute(pattern);
    const { base, rest } = staticPrefix(pattern);
    const root = resolve(cwd, base || (absolute ? '/' : '.'));
    let matches: string[];
    if (!MAGIC.test(pattern))
      matches = isFile(resolve(cwd, pattern)) ? [resolve(cwd, pattern)] : [];
    else {
      const files: string[] = [];
      walk(root, '', files);
      const re = globToRegExp(rest);
      matches = files.filter((f) => re.test(f)).map((f) => join(root, f));
    }
    for (const m of matches) {
      if (negate) found.delete(m);
      else found.add(m);
    }
  }
  return [...found].sort();
}

/**
 * A path from a report as the workspace sees it: `file://` URIs and absolute paths inside the
 * workspace become relative; relative paths are taken from `cwd` (where the tool ran).
 */
export function workspacePath(path: string, cwd: string, workspace: string): string {
  let p = path.trim();
  if (p.startsWith('file://')) {
    try {
      p = fileURLToPath(p);
    } catch {
      p = p.slice('file://'.length);
    }
  }
  const absolute = isAbsolute(p) ? p : resolve(cwd, p);
  const rel = relative(workspace, absolute);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return absolute;
  return rel.split(sep).join('/');
}
