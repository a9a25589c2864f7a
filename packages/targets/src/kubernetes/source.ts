/**
 * Reads the user's manifests from `kubernetes.manifests` (paths already resolved inside the
 * workspace by the config): a file, a folder of `*.yaml` / `*.yml` / `*.json` (not recursive, in
 * name order), or a kustomize folder (one holding a kustomization file), built with
 * `kubectl kustomize` — the kustomize kubectl carries, so no other tool is needed.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ActionError } from '@switchyard/kit';
import type { Kubectl } from './kubectl.js';
import { parseManifests, type KObject } from './manifests.js';

const KUSTOMIZATION = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MANIFEST = /\.(ya?ml|json)$/i;

/** Every object of the manifests at `paths`, in order. */
export async function readManifests(
  paths: readonly string[],
  kubectl: Pick<Kubectl, 'must'>,
): Promise<KObject[]> {
  const out: KObject[] = [];
  for (const path of paths) {
    if (!existsSync(path))
      throw new ActionError(
        `kubernetes.manifests: ${path} does not exist. Check the path (relative to the config file) and that the workflow checked the repository out`,
      );
    if (!statSync(path).isDirectory()) {
      out.push(...parseManifests(readFileSync(path, 'utf8'), path));
      continue;
    }
    const entries = readdirSync(path).sort();
    if (entries.some((e) => KUSTOMIZATION.includes(e))) {
      const built = await kubectl.must(`build the kustomization in ${path}`, ['kustomize', path]);
      out.push(...parseManifests(built, `kubectl kustomize ${path}`));
      continue;
    }
    const files = entries.filter((e) => MANIFEST.test(e) && statSync(join(path, e)).isFile());
    if (files.length === 0)
      throw new ActionError(
        `kubernetes.manifests: ${path} holds no *.yaml, *.yml or *.json file and no kustomization`,
      );
    for (const f of files)
      out.push(...parseManifests(readFileSync(join(path, f), 'utf8'), join(path, f)));
  }
  return out;
}
