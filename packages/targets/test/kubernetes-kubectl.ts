/**
 * Offline kubectl for the transform tests' cross-checks (`kustomize`, `set image --local`, `patch
 * --local`): pointed at no cluster, so nothing can reach one. A missing kubectl fails the test that
 * needs it with a message saying so (DESIGN.md §5: kubectl installs here), never skips it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs kubectl offline; stdout, or a thrown Error naming the command and what it said. */
export function kubectl(args: readonly string[], cwd?: string): string {
  const r = spawnSync('kubectl', [...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, KUBECONFIG: '/dev/null' },
  });
  if (r.error)
    throw new Error(
      `kubectl could not run (${r.error.message}): the manifest cross-checks need kubectl on PATH (v1.24 or later; /usr/bin/kubectl on the dev machines, azure/setup-kubectl in CI)`,
    );
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** A fresh folder with `files` (name → content) written into it. */
export function folderWith(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-k8s-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
