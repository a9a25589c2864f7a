/**
 * The user's manifests, read (pure): multi-document YAML (or JSON, or a `kind: List`) into plain
 * objects, and the workload found in them — the one Deployment, the public Service (and a preview
 * Service of the user's own, if any) — apart from everything else, which is applied as given.
 * Errors name the source, the object and the fix.
 */
import { parseAllDocuments } from 'yaml';
import { ActionError } from '@switchyard/kit';
import { K8S_LABELS, LAST_APPLIED, PREFIX, type KubernetesNames } from './contract.js';

/** A Kubernetes object as a plain JSON value. */
export interface KObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: KMetadata;
  readonly [key: string]: unknown;
}

export interface KMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [key: string]: unknown;
}

/** What switchyard works with in the user's manifests. */
export interface Workload {
  /** The one Deployment: the colors are derived from it. */
  readonly deployment: KObject;
  /** The public Service: switchyard owns the color in its selector. */
  readonly service: KObject;
  /** A Service named `<service>-preview` in the manifests, when the user wrote one. */
  readonly preview?: KObject;
  /** Everything else (ConfigMaps, Secrets, HPA, PDB, Ingress…), applied as given. */
  readonly others: readonly KObject[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Server-set fields of an object exported with `kubectl get -o yaml`: never sent back. */
const SERVER_FIELDS = [
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'managedFields',
  'selfLink',
] as const;

/** An object without what the server sets (status, resourceVersion, …) and kubectl's apply record. */
function clean(o: Record<string, unknown>): Record<string, unknown> {
  const meta = { ...(o.metadata as Record<string, unknown>) };
  for (const k of SERVER_FIELDS) delete meta[k];
  if (isRecord(meta.annotations)) {
    const annotations = { ...meta.annotations };
    delete annotations[LAST_APPLIED];
    delete annotations['deployment.kubernetes.io/revision'];
    meta.annotations = annotations;
    if (Object.keys(annotations).length === 0) delete meta.annotations;
  }
  const out: Record<string, unknown> = { ...o, metadata: meta };
  delete out.status;
  return out;
}

/**
 * Every object in `text` (a file's content, or `kubectl kustomize` output), `source` naming it in
 * errors. Empty documents are skipped; a `kind: List` (what `kubectl get -o yaml` writes) is
 * flattened.
 */
export function parseManifests(text: string, source: string): KObject[] {
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const out: KObject[] = [];
  docs.forEach((doc, i) => {
    const error = doc.errors[0];
    if (error) {
      const at = error.linePos?.[0];
      throw new ActionError(
        `${source}${at ? ` line ${at.line}, column ${at.col}` : ''} is not valid YAML (${error.message.split('\n')[0] ?? ''}). Fix the manifest: \`kubectl kustomize\` or \`kubectl apply --dry-run=client -f\` shows the same`,
      );
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) return;
    const items =
      isRecord(value) && value.kind === 'List' && Array.isArray(value.items)
        ? value.items
        : [value];
    for (const item of items as unknown[])
      out.push(checkObject(item, `${source} document ${i + 1}`));
  });
  return out;
}

function checkObject(v: unknown, where: string): KObject {
  if (!isRecord(v))
    throw new ActionError(
      `${where} is not a Kubernetes object (a mapping with apiVersion, kind and metadata.name)`,
    );
  const meta = v.metadata;
  if (typeof v.apiVersion !== 'string' || typeof v.kind !== 'string')
    throw new ActionError(`${where} has no apiVersion or kind: every manifest needs both`);
  if (!isRecord(meta) || typeof meta.name !== 'string' || meta.name === '')
    throw new ActionError(
      `${where} (${v.kind}) has no metadata.name${isRecord(meta) && meta.generateName ? ' (generateName is not supported: switchyard applies objects by name)' : ''}`,
    );
  return clean(v) as unknown as KObject;
}

/** `Deployment/shop`: how an object is named in messages. */
export const describe = (o: KObject): string => `${o.kind}/${o.metadata.name}`;

const isKind = (o: KObject, kind: string, group: string): boolean =>
  o.kind === kind &&
  (o.apiVersion === group ||
    o.apiVersion.startsWith(`${group}/`) ||
    (group === '' && o.apiVersion === 'v1'));

/** A mapping of strings at `path` under `o` ({} when absent). */
export function stringMap(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  return Object.fromEntries(
    Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** A nested value of a plain object (`at(o, 'spec', 'template')`). */
export function at(o: unknown, ...path: string[]): unknown {
  let v: unknown = o;
  for (const key of path) v = isRecord(v) ? v[key] : undefined;
  return v;
}

/**
 * The workload in `objects`: exactly one `apps/v1` Deployment, and the Service named
 * `names.service` whose selector picks the Deployment's pods. A Service named `names.preview` is
 * the user's preview Service. Objects in another namespace than the target's are refused.
 */
export function findWorkload(
  objects: readonly KObject[],
  names: KubernetesNames,
  namespace: string | undefined,
): Workload {
  const deployments = objects.filter((o) => isKind(o, 'Deployment', 'apps'));
  if (deployments.length !== 1)
    throw new ActionError(
      deployments.length === 0
        ? `the manifests hold no Deployment (found ${objects.map(describe).join(', ') || 'nothing'}): switchyard derives the blue and green Deployments from yours. Add the Deployment of the app to kubernetes.manifests`
        : `the manifests hold ${deployments.length} Deployments (${deployments.map(describe).join(', ')}): switchyard deploys one workload per app. Keep one in kubernetes.manifests, and deploy the others as apps of their own`,
    );
  const [deployment] = deployments as [KObject];
  const services = objects.filter((o) => isKind(o, 'Service', ''));
  const service = services.find((s) => s.metadata.name === names.service);
  if (!service) {
    const found = services.map((s) => s.metadata.name).filter((n) => n !== names.preview);
    throw new ActionError(
      `the manifests hold no Service named ${names.service}${found.length > 0 ? ` (they hold ${found.map((n) => `Service/${n}`).join(', ')})` : ''}: switchyard switches live traffic by the public Service's selector. ${found.length === 1 ? `Set kubernetes.service: ${found[0] ?? ''} in the config file` : `Add a Service named ${names.service} that selects the Deployment's pods, or set kubernetes.service to its name`}`,
    );
  }
  const preview = services.find((s) => s.metadata.name === names.preview);
  for (const o of objects)
    if (
      namespace !== undefined &&
      o.metadata.namespace !== undefined &&
      o.metadata.namespace !== namespace
    )
      throw new ActionError(
        `${describe(o)} is in namespace ${o.metadata.namespace}, but the environment deploys to ${namespace} (kubernetes.namespace): remove metadata.namespace from the manifest, or set kubernetes.namespace to ${o.metadata.namespace}`,
      );
  checkWorkload(deployment, service);
  if (preview) checkService(preview, deployment);
  return {
    deployment,
    service,
    ...(preview && { preview }),
    others: objects.filter((o) => o !== deployment && o !== service && o !== preview),
  };
}

/** The keys of a label map that are switchyard's own (the user must not set them). */
const ours = (m: Readonly<Record<string, string>>): string[] =>
  Object.keys(m).filter((k) => k.startsWith(PREFIX));

function checkWorkload(deployment: KObject, service: KObject): void {
  const selector = at(deployment, 'spec', 'selector');
  const template = stringMap(at(deployment, 'spec', 'template', 'metadata', 'labels'));
  const matchLabels = stringMap(at(selector, 'matchLabels'));
  if (
    !isRecord(selector) ||
    (Object.keys(matchLabels).length === 0 && !Array.isArray(selector.matchExpressions))
  )
    throw new ActionError(
      `${describe(deployment)} has no spec.selector: apps/v1 Deployments need one (matchLabels matching the pod template's labels)`,
    );
  const mine = [...ours(matchLabels), ...ours(template)];
  if (mine.length > 0)
    throw new ActionError(
      `${describe(deployment)} sets ${[...new Set(mine)].join(', ')}: switchyard sets the ${PREFIX}* labels itself (${K8S_LABELS.color} is what a switch changes). Remove them from the manifest`,
    );
  if (!Array.isArray(at(deployment, 'spec', 'template', 'spec', 'containers')))
    throw new ActionError(`${describe(deployment)} has no spec.template.spec.containers`);
  checkService(service, deployment);
}

function checkService(service: KObject, deployment: KObject): void {
  const selector = stringMap(at(service, 'spec', 'selector'));
  const template = stringMap(at(deployment, 'spec', 'template', 'metadata', 'labels'));
  if (ours(selector).length > 0)
    throw new ActionError(
      `${describe(service)} selects on ${ours(selector).join(', ')}: switchyard owns the color in the Service's selector (a selector written in the manifest would switch traffic back on the next apply). Remove it from the manifest`,
    );
  const misses = Object.entries(selector).filter(([k, v]) => template[k] !== v);
  if (Object.keys(selector).length === 0 || misses.length > 0)
    throw new ActionError(
      `${describe(service)} ${Object.keys(selector).length === 0 ? 'has no selector' : `selects ${misses.map(([k, v]) => `${k}=${v}`).join(', ')}, which the pods of ${describe(deployment)} don't carry`}: its selector must pick the Deployment's pods (a subset of spec.template.metadata.labels)`,
    );
}
