/**
 * A kubeconfig given as content (the action's `kubeconfig` input, a secret) is written to a
 * private 0600 file in a folder of its own under RUNNER_TEMP; the post step removes the folder if
 * the run dies (TargetDeps.onPrivateDir), close() removes it otherwise.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetDeps } from '../target.js';

/** Writes `deps.kubeconfig` to a private file; returns the file and its folder. */
export function privateKubeconfig(
  deps: Pick<TargetDeps, 'env' | 'onPrivateDir'> & { readonly kubeconfig?: string },
): { readonly dir: string; readonly file: string } {
  const dir = mkdtempSync(join(deps.env?.RUNNER_TEMP ?? tmpdir(), 'switchyard-kube-'));
  deps.onPrivateDir?.(dir);
  const file = join(dir, 'config');
  writeFileSync(file, deps.kubeconfig ?? '', { mode: 0o600 });
  return { dir, file };
}

/** Removes a folder {@link privateKubeconfig} made. */
export function removePrivateKubeconfig(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
