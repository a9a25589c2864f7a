/**
 * The Kubernetes target's own contract (STYLE.md §9): the names of the objects it derives from the
 * user's manifests, and the labels and annotations other runs, the CLI and `kubectl get` users rely
 * on. Changing one is a breaking change for deployed environments. See ADR 0017.
 */
import type { Color } from '../contract.js';

/** The prefix of every label and annotation switchyard sets on a cluster. */
export const PREFIX = 'switchyard.dev/';

/**
 * Labels on the colors' Deployments and pods, in the Deployments' selectors and in the public and
 * preview Services' selectors: app and environment keep environments that share a namespace apart,
 * the color is what a switch changes. Prometheus sees them as `__meta_kubernetes_pod_label_switchyard_dev_<name>`.
 */
export const K8S_LABELS = {
  app: `${PREFIX}app`,
  environment: `${PREFIX}environment`,
  color: `${PREFIX}color`,
} as const;

/** Annotations: on a color's Deployment (the release), on the public Service (the record), on the Lease. */
export const K8S_ANNOTATIONS = {
  image: `${PREFIX}image`,
  digest: `${PREFIX}digest`,
  version: `${PREFIX}version`,
  deployId: `${PREFIX}deploy-id`,
  actor: `${PREFIX}actor`,
  createdAt: `${PREFIX}created-at`,
  /** The replica count the manifests asked for (a stopped color is scaled back to it). */
  replicas: `${PREFIX}replicas`,
  /** On the public Service: the color the last switch made live (the selector is the truth). */
  liveColor: `${PREFIX}live-color`,
  previousColor: `${PREFIX}previous-color`,
  switchedAt: `${PREFIX}switched-at`,
  retireAfter: `${PREFIX}retire-after`,
  /** On the public Service: the whole deploy record as JSON (history bounded by HISTORY_LENGTH). */
  record: `${PREFIX}record`,
  /** On the Lease: the holder's random token, its actor and since when it holds it. */
  lockToken: `${PREFIX}lock-token`,
  lockActor: `${PREFIX}lock-actor`,
  lockSince: `${PREFIX}lock-since`,
} as const;

/** The field manager of every write switchyard makes (server-side apply and patches). */
export const FIELD_MANAGER = 'switchyard';

/** The selector value of the public Service before anything is live: it matches no pod. */
export const NOTHING_LIVE = 'none';

/** kubectl's client-side apply record, which switchyard never leaves on objects it owns. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The names of one app+environment's objects in its namespace. */
export interface KubernetesNames {
  /** The public Service (the user's). */
  readonly service: string;
  /** The preview Service, on the idle color. */
  readonly preview: string;
  /** The deploy lock (a coordination.k8s.io/v1 Lease). */
  readonly lease: string;
  /** A color's Deployment. */
  deployment(color: Color): string;
}

/**
 * Deployments `<app>-blue` / `<app>-green`, the public Service `<service>` (default: the app),
 * the preview Service `<service>-preview`, and the Lease `switchyard-<app>-<environment>`.
 */
export function kubernetesNames(app: string, environment: string, service = app): KubernetesNames {
  return {
    service,
    preview: `${service}-preview`,
    lease: `switchyard-${app}-${environment}`,
    deployment: (c) => `${app}-${c}`,
  };
}

/** The labels that select one environment's pods (add the color for one color's). */
export function environmentLabels(
  app: string,
  environment: string,
): Readonly<Record<string, string>> {
  return { [K8S_LABELS.app]: app, [K8S_LABELS.environment]: environment };
}

/** `k=v,k=v`: a label selector for kubectl's `-l`. */
export function selectorText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
