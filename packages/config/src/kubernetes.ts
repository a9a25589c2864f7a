/**
 * The Kubernetes target's own part of an environment section, `kubernetes:`: the user's manifests
 * (the workload switchyard derives its colors from), the cluster (kubeconfig context, namespace) and
 * the names it works with. Its schema, defaults and override inputs live here, apart from the
 * settings every target shares (section.ts, settle.ts). See docs/kubernetes.md and ADR 0017.
 *
 * Access to the cluster is not a setting of the file: kubectl reads `KUBECONFIG` from the step's
 * environment (what cloud login actions leave), or the action's `kubeconfig` input (a secret).
 */
import { InputError, UNQUOTED } from '@switchyard/kit';
import { merge, type Layer } from './layer.js';
import { line, list, name, readKeys, text, type Parsed, type Readers } from './values.js';

/** The Kubernetes target's settings of one environment, every default filled in. */
export interface KubernetesSettings {
  readonly kind: 'kubernetes';
  /**
   * The user's manifests, as written (relative to the config file until the document resolves
   * them): files, folders of `*.yaml` / `*.yml` / `*.json`, or kustomize folders (with a
   * `kustomization.yaml`), read in this order. They hold one Deployment and the public Service.
   */
  readonly manifests: readonly string[];
  /** The container that runs the deployed image; the only one when not set. */
  readonly container?: string;
  /** The kubeconfig context (`kubectl --context`); kubectl's current context when not set. */
  readonly context?: string;
  /** The namespace (`kubectl --namespace`); the context's namespace when not set. */
  readonly namespace?: string;
  /** The public Service's name in the manifests; the app name when not set. */
  readonly service?: string;
  /**
   * A `kubernetes.io/dockerconfigjson` Secret the pods pull with: added to the pod spec's
   * `imagePullSecrets`; written from the registry credentials when the step has them.
   */
  readonly imagePullSecret?: string;
}

/** Kubernetes names: a DNS-1123 label (namespaces, containers). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Service names: a DNS-1035 label (starts with a letter). */
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Secret names: a DNS-1123 subdomain. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_RULE = 'lowercase letters, digits and -, starting and ending with a letter or digit';

/** The longest public Service name: `<service>-preview` must stay a valid Service name (63). */
export const SERVICE_NAME_MAX = 63 - '-preview'.length;

/** A path of a manifest file or folder: one line, never an option for kubectl. */
function manifestPath(p: string, v: unknown): string {
  const s = line(p, v, 'k8s/');
  if (s.startsWith('-'))
    throw new InputError(p, s, 'starts with -', 'Give a path such as k8s/ or ./deploy/app.yaml');
  return s;
}

function readManifests(p: string, v: unknown): string[] {
  if (!Array.isArray(v)) return [manifestPath(p, v)];
  const paths = list(p, v, '[k8s/app.yaml, k8s/config/]', manifestPath);
  if (paths.length === 0)
    throw new InputError(
      p,
      v,
      'is an empty list',
      'Name the manifests folder (or files) that hold the Deployment and its Service',
    );
  return paths;
}

/** A kubeconfig context name: anything on one line (EKS contexts are ARNs), not an option. */
function readContext(p: string, v: unknown): string {
  const s = line(p, v, 'production');
  if (s.startsWith('-'))
    throw new InputError(p, s, 'starts with -', 'Give the name of a context in your kubeconfig');
  return s;
}

/** `kubernetes:` — a reader per key. */
export const KUBERNETES_SECTION = {
  manifests: readManifests,
  container: (p: string, v: unknown): string => name(p, v, DNS_LABEL, LABEL_RULE, 63),
  context: readContext,
  namespace: (p: string, v: unknown): string => name(p, v, DNS_LABEL, LABEL_RULE, 63),
  service: (p: string, v: unknown): string =>
    name(
      p,
      text(p, v, 'shop'),
      DNS_1035,
      'lowercase letters, digits and -, starting with a letter',
      SERVICE_NAME_MAX,
    ),
  'image-pull-secret': (p: string, v: unknown): string =>
    name(p, v, DNS_SUBDOMAIN, 'a Secret name: lowercase letters, digits, - and .', 253),
} satisfies Readers;

/** The parsed `kubernetes:` part of one layer: only the keys it sets. */
export type KubernetesSection = Parsed<typeof KUBERNETES_SECTION>;

/** Reads `kubernetes:` at `p` (a mapping of {@link KUBERNETES_SECTION} keys). */
export function readKubernetesSection(p: string, v: unknown): KubernetesSection {
  return readKeys(p, v, KUBERNETES_SECTION, 'the kubernetes target settings: {manifests: k8s/}');
}

/**
 * The action inputs that override `kubernetes:`: none yet (every action would have to declare
 * them); the cluster is chosen by the step's KUBECONFIG and the file's context and namespace.
 */
export const KUBERNETES_OVERRIDES = {} as const;

/**
 * The layered `kubernetes:` parts with every default filled in. `manifests` has no default:
 * switchyard derives its colors from the user's own workload and never invents one.
 */
export function settleKubernetes(layers: readonly Layer<KubernetesSection>[]): KubernetesSettings {
  const s = merge(layers, []);
  if (s.manifests === undefined) {
    const last = layers.at(-1);
    const missing = new InputError(
      last?.at('manifests') ?? 'kubernetes.manifests',
      UNQUOTED,
      'is not set',
      'target: kubernetes deploys your own manifests: set kubernetes.manifests to the folder (or files, or kustomize folder) holding the Deployment and its Service, e.g. manifests: k8s/',
    );
    throw last ? last.wrap(missing) : missing;
  }
  return {
    kind: 'kubernetes',
    manifests: [...s.manifests],
    ...(s.container !== undefined && { container: s.container }),
    ...(s.context !== undefined && { context: s.context }),
    ...(s.namespace !== undefined && { namespace: s.namespace }),
    ...(s.service !== undefined && { service: s.service }),
    ...(s['image-pull-secret'] !== undefined && { imagePullSecret: s['image-pull-secret'] }),
  };
}

/** The manifest paths as `files()` reports them: `manifests`, or `manifests[i]` for a list. */
export function kubernetesFiles(s: KubernetesSettings): Readonly<Record<string, string>> {
  if (s.manifests.length === 1) return { manifests: s.manifests[0] ?? '' };
  return Object.fromEntries(s.manifests.map((m, i) => [`manifests[${i}]`, m]));
}

/** The settings with each manifest path replaced by `resolve(path)`. */
export function resolveKubernetesFiles(
  s: KubernetesSettings,
  resolve: (path: string) => string,
): KubernetesSettings {
  return { ...s, manifests: s.manifests.map(resolve) };
}
