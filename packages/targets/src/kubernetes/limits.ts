/**
 * The workload's CPU and memory limits as numbers, read from the manifests without a cluster (for
 * monitor-window's `$cpu_limit` / `$memory_limit`): Kubernetes quantities (`500m`, `2`, `256Mi`,
 * `1G`) of the image container's `resources.limits`. Best effort: manifests that can't be read
 * this way (a kustomization, a broken file) give no limits, and a deploy reports what is wrong.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { at, parseManifests, type KObject } from './manifests.js';
import { imageContainer } from './render.js';

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const FACTORS: Readonly<Record<string, number>> = {
  '': 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** A CPU quantity in cores (`500m` → 0.5); NaN for anything else. */
export function cpuCores(q: string): number {
  const m = CPU.exec(q.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) / (m[2] === 'm' ? 1000 : 1);
}

/** A memory quantity in bytes (`256Mi` → 268435456, `1G` → 1e9); NaN for anything else. */
export function memoryBytesOf(q: string): number {
  const m = MEMORY.exec(q.trim());
  if (!m) return Number.NaN;
  return Math.round(Number(m[1]) * (FACTORS[m[2] ?? ''] ?? Number.NaN));
}

/** The limits of the image container of `deployment` that are set and readable. */
export function containerLimits(
  deployment: KObject,
  container: string | undefined,
): { cpuLimit?: number; memoryLimitBytes?: number } {
  const name = imageContainer(deployment, container);
  const c = (at(deployment, 'spec', 'template', 'spec', 'containers') as unknown[]).find(
    (x) => at(x, 'name') === name,
  );
  const cpu = at(c, 'resources', 'limits', 'cpu');
  const memory = at(c, 'resources', 'limits', 'memory');
  const cores = typeof cpu === 'string' || typeof cpu === 'number' ? cpuCores(String(cpu)) : NaN;
  const bytes =
    typeof memory === 'string' || typeof memory === 'number' ? memoryBytesOf(String(memory)) : NaN;
  return {
    ...(Number.isFinite(cores) && { cpuLimit: cores }),
    ...(Number.isFinite(bytes) && { memoryLimitBytes: bytes }),
  };
}

/** {@link containerLimits} of the one Deployment in plain manifest files; {} when unreadable. */
export function manifestLimits(
  paths: readonly string[],
  container: string | undefined,
): { cpuLimit?: number; memoryLimitBytes?: number } {
  try {
    const objects: KObject[] = [];
    for (const path of paths) {
      if (!existsSync(path)) return {};
      const files = statSync(path).isDirectory()
        ? readdirSync(path)
            .sort()
            .filter((f) => /\.(ya?ml|json)$/i.test(f))
            .map((f) => join(path, f))
        : [path];
      if (statSync(path).isDirectory() && readdirSync(path).some((f) => /^kustomization/i.test(f)))
        return {};
      for (const f of files) objects.push(...parseManifests(readFileSync(f, 'utf8'), f));
    }
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    const [only] = deployments;
    return deployments.length === 1 && only ? containerLimits(only, container) : {};
  } catch {
    return {};
  }
}
