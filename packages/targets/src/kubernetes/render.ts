/**
 * The objects switchyard applies, derived from the user's workload (pure): a color's Deployment
 * (`<app>-<color>`: the color in its selector and pod labels, the image by digest in the named or
 * only container, the release in its annotations; replicas, resources, probes and env as written),
 * the public Service with the live color in its selector, and the preview Service on the idle
 * color. A Deployment's selector is immutable, so each color is an object of its own.
 */
import { ActionError } from '@switchyard/kit';
import type { Color } from '../contract.js';
import { releaseEntries, type Release } from '../model.js';
import { K8S_ANNOTATIONS, K8S_LABELS, NOTHING_LIVE, type KubernetesNames } from './contract.js';
import { at, describe, stringMap, type KObject, type Workload } from './manifests.js';

/** What rendering needs besides the workload. */
export interface RenderSettings {
  readonly names: KubernetesNames;
  /** The app and environment labels ({@link environmentLabels}). */
  readonly labels: Readonly<Record<string, string>>;
  /** The container that runs the image (kubernetes.container); the only one when not set. */
  readonly container?: string;
  /** A Secret added to the pods' imagePullSecrets (kubernetes.image-pull-secret). */
  readonly imagePullSecret?: string;
}

type Mutable = Record<string, unknown>;
const record = (v: unknown): Mutable =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Mutable) } : {};

/** The replica count the manifests ask for (apps/v1 defaults it to 1). */
export function manifestReplicas(deployment: KObject): number {
  const r = at(deployment, 'spec', 'replicas');
  return typeof r === 'number' && Number.isInteger(r) && r >= 0 ? r : 1;
}

/** The container that runs the image: the named one, or the only one. */
export function imageContainer(deployment: KObject, name: string | undefined): string {
  const containers = (at(deployment, 'spec', 'template', 'spec', 'containers') as unknown[]).map(
    (c) => {
      const n = record(c).name;
      return typeof n === 'string' ? n : '';
    },
  );
  if (name !== undefined) {
    if (containers.includes(name)) return name;
    throw new ActionError(
      `${describe(deployment)} has no container named ${name} (kubernetes.container); it has ${containers.join(', ')}`,
    );
  }
  if (containers.length === 1) return containers[0] ?? '';
  throw new ActionError(
    `${describe(deployment)} has ${containers.length} containers (${containers.join(', ')}): set kubernetes.container to the one that runs the deployed image`,
  );
}

/** `color`'s Deployment running `pinned` (`repo@sha256:…`) in the image container. */
export function colorDeployment(
  w: Workload,
  s: RenderSettings,
  color: Color,
  pinned: string,
  release: Release,
): KObject {
  const d = w.deployment;
  const colored = { ...s.labels, [K8S_LABELS.color]: color };
  const spec = record(d.spec);
  const selector = record(spec.selector);
  const template = record(spec.template);
  const podMeta = record(template.metadata);
  const podSpec = record(template.spec);
  const name = imageContainer(d, s.container);
  const containers = (podSpec.containers as unknown[]).map((c) => {
    const x = record(c);
    return x.name === name ? { ...x, image: pinned } : x;
  });
  const pullSecrets = Array.isArray(podSpec.imagePullSecrets)
    ? (podSpec.imagePullSecrets as unknown[])
    : [];
  const withSecret =
    s.imagePullSecret === undefined || pullSecrets.some((p) => record(p).name === s.imagePullSecret)
      ? pullSecrets
      : [...pullSecrets, { name: s.imagePullSecret }];
  return {
    ...d,
    metadata: {
      ...d.metadata,
      name: s.names.deployment(color),
      labels: { ...d.metadata.labels, ...colored },
      annotations: {
        ...d.metadata.annotations,
        ...releaseEntries(release, K8S_ANNOTATIONS),
        [K8S_ANNOTATIONS.replicas]: String(manifestReplicas(d)),
      },
    },
    spec: {
      ...spec,
      selector: { ...selector, matchLabels: { ...stringMap(selector.matchLabels), ...colored } },
      template: {
        ...template,
        metadata: { ...podMeta, labels: { ...stringMap(podMeta.labels), ...colored } },
        spec: {
          ...podSpec,
          containers,
          ...(withSecret.length > 0 && { imagePullSecrets: withSecret }),
        },
      },
    },
  };
}

/** The selector of a Service on `color` (or on nothing: {@link NOTHING_LIVE}). */
function coloredSelector(
  service: KObject,
  s: RenderSettings,
  color: Color | null,
): Record<string, string> {
  return {
    ...stringMap(at(service, 'spec', 'selector')),
    ...s.labels,
    [K8S_LABELS.color]: color ?? NOTHING_LIVE,
  };
}

/**
 * The public Service as switchyard applies it: the user's, with `live` (the color the cluster
 * routes to now, read just before) in its selector, so applying it never moves traffic.
 */
export function publicService(w: Workload, s: RenderSettings, live: Color | null): KObject {
  return {
    ...w.service,
    spec: { ...record(w.service.spec), selector: coloredSelector(w.service, s, live) },
  };
}

/**
 * The preview Service on `color`: the user's own `<service>-preview` when the manifests hold one,
 * else one derived from the public Service: its ports (without fixed node ports), type ClusterIP.
 */
export function previewService(w: Workload, s: RenderSettings, color: Color | null): KObject {
  if (w.preview)
    return {
      ...w.preview,
      spec: { ...record(w.preview.spec), selector: coloredSelector(w.preview, s, color) },
    };
  const ports = ((at(w.service, 'spec', 'ports') as unknown[] | undefined) ?? []).map((p) => {
    const x = record(p);
    delete x.nodePort;
    return x;
  });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: s.names.preview,
      ...(w.service.metadata.namespace !== undefined && {
        namespace: w.service.metadata.namespace,
      }),
      labels: { ...w.service.metadata.labels, ...s.labels },
    },
    spec: { type: 'ClusterIP', ports, selector: coloredSelector(w.service, s, color) },
  };
}

/** Whether `o` is an HorizontalPodAutoscaler that scales the user's workload Deployment. */
export function scalesWorkload(o: KObject, w: Workload): boolean {
  if (o.kind !== 'HorizontalPodAutoscaler') return false;
  const ref = record(at(o, 'spec', 'scaleTargetRef'));
  return ref.kind === 'Deployment' && ref.name === w.deployment.metadata.name;
}

/**
 * What a color's start applies besides its Deployment: the manifests' other objects as written,
 * except that an HorizontalPodAutoscaler of the workload becomes the color's own
 * (`<name>-<color>`, scaling `<app>-<color>`): the user's Deployment name is never created, and an
 * autoscaler does nothing to a color scaled to 0 (retired), so each color keeps its own.
 */
export function colorCompanions(w: Workload, s: RenderSettings, color: Color): KObject[] {
  return w.others.map((o) => {
    if (!scalesWorkload(o, w)) return o;
    const spec = record(o.spec);
    return {
      ...o,
      metadata: {
        ...o.metadata,
        name: `${o.metadata.name}-${color}`,
        labels: { ...o.metadata.labels, ...s.labels, [K8S_LABELS.color]: color },
      },
      spec: {
        ...spec,
        scaleTargetRef: { ...record(spec.scaleTargetRef), name: s.names.deployment(color) },
      },
    };
  });
}

/**
 * The `kubernetes.io/dockerconfigjson` Secret named by kubernetes.image-pull-secret, written from
 * the step's registry credentials for the image's registry (Docker Hub: its index URL, as docker
 * login writes it). Applied with a color's start, through kubectl's stdin only.
 */
export function pullSecret(
  s: RenderSettings & { readonly imagePullSecret: string },
  registry: string,
  credentials: { readonly username: string; readonly password: string },
  namespace: string | undefined,
): KObject {
  const server = registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  const config = {
    auths: { [server]: { username: credentials.username, password: credentials.password, auth } },
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    metadata: {
      name: s.imagePullSecret,
      ...(namespace !== undefined && { namespace }),
      labels: { ...s.labels },
    },
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') },
  };
}

/** Objects as one `v1` List (what `kubectl apply -f -` reads as several). */
export function listOf(objects: readonly KObject[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}
