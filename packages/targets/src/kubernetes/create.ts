/**
 * The Kubernetes target as a kind (see kinds.ts): built from an environment whose target section
 * is `kubernetes:`, and what it tells a monitor about the workload (the pod labels its series carry
 * once Prometheus maps them, the image container's limits from the manifests).
 */
import type { EnvironmentConfig, KubernetesSettings } from '@switchyard/config';
import type { TargetKind, Telemetry } from '../kinds.js';
import type { Target, TargetDeps } from '../target.js';
import { manifestLimits } from './limits.js';
import { KubernetesTarget } from './target.js';

function create(c: EnvironmentConfig, k: KubernetesSettings, deps: TargetDeps): Target {
  return new KubernetesTarget(
    {
      app: c.app,
      environment: c.environment,
      manifests: k.manifests,
      ...(k.container !== undefined && { container: k.container }),
      ...(k.context !== undefined && { context: k.context }),
      ...(k.namespace !== undefined && { namespace: k.namespace }),
      ...(k.service !== undefined && { service: k.service }),
      ...(k.imagePullSecret !== undefined && { imagePullSecret: k.imagePullSecret }),
      ...(c.url !== undefined && { url: c.url }),
      ...(c.previewUrl !== undefined && { previewUrl: c.previewUrl }),
    },
    deps,
  );
}

/**
 * The pods carry `switchyard.dev/app`, `switchyard.dev/environment` and `switchyard.dev/color`;
 * Prometheus' `kubernetes_sd_configs` (role: pod) relabelling maps them to `app`, `environment`
 * and `color` (docs/kubernetes.md). Limits are the image container's `resources.limits`, read from
 * the manifests when they are plain files (a kustomization is only built at deploy time).
 */
function telemetry(c: EnvironmentConfig, k: KubernetesSettings): Telemetry {
  return {
    selector: { app: c.app, environment: c.environment },
    colorLabel: 'color',
    ...manifestLimits(k.manifests, k.container),
    limitsFrom: "the image container's resources.limits in kubernetes.manifests",
  };
}

/** The kind's two functions; kinds.ts lists it under `kubernetes`. */
export const KUBERNETES_KIND: TargetKind<KubernetesSettings> = { create, telemetry };
