/**
 * A Kubernetes cluster to test and measure on, when one is given (SWITCHYARD_E2E_KUBECONFIG): the
 * e2e suite (test/integration/kubernetes-e2e.test.ts) and bench/kubernetes-switch.ts share its
 * settings, a namespace of their own, the example app's manifests on two node ports, and the
 * deploy requests they make. Without a cluster, {@link clusterMissing} says what to set.
 *
 * Environment:
 * - SWITCHYARD_E2E_KUBECONFIG: a kubeconfig whose current context may create namespaces.
 * - SWITCHYARD_E2E_IMAGES: two digest-pinned images of examples/app (versions 1.0.0, 2.0.0) the
 *   nodes can pull, comma-separated.
 * - SWITCHYARD_E2E_PORTS: the node ports of the live and preview Services as reached on loopback
 *   (default 30080,30081: kind's extraPortMappings in .github/workflows/e2e-kubernetes.yml).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { ProcessExec, Secrets, systemClock, type Logger } from '@switchyard/kit';
import { nodeHttp, parseStatus } from '@switchyard/probe';
import type { BlueGreenDeps, DeployRequest } from '@switchyard/targets';
import { KubernetesTarget } from '../../packages/targets/src/kubernetes/target.js';
import { folderWith } from '../../packages/targets/test/kubernetes-kubectl.js';

const KUBECONFIG = process.env.SWITCHYARD_E2E_KUBECONFIG ?? '';
const IMAGES = (process.env.SWITCHYARD_E2E_IMAGES ?? '').split(',').map((s) => s.trim());
const [LIVE_PORT = 30080, PREVIEW_PORT = 30081] = (process.env.SWITCHYARD_E2E_PORTS ?? '')
  .split(',')
  .filter(Boolean)
  .map(Number);

/** What is not set for a run on a cluster (empty: a cluster is given). */
export function clusterMissing(): string[] {
  return [
    ...(KUBECONFIG ? [] : ['SWITCHYARD_E2E_KUBECONFIG (a kubeconfig of a cluster to test on)']),
    ...(IMAGES.filter((i) => i.includes('@sha256:')).length >= 2
      ? []
      : ['SWITCHYARD_E2E_IMAGES (two digest-pinned images of examples/app)']),
  ];
}

const quiet: Logger = {
  info: () => undefined,
  debug: () => undefined,
  warning: () => undefined,
  error: () => undefined,
};

/** The example app's Deployment and its public and preview Services on the node ports. */
function manifestText(): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, labels: {app: shop}}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - name: web
        image: placeholder
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: shop, labels: {app: shop}}
spec:
  type: NodePort
  selector: {app: shop}
  ports: [{port: 80, targetPort: 8080, nodePort: ${LIVE_PORT}}]
---
apiVersion: v1
kind: Service
metadata: {name: shop-preview, labels: {app: shop}}
spec:
  type: NodePort
  selector: {app: shop}
  ports: [{port: 80, targetPort: 8080, nodePort: ${PREVIEW_PORT}}]
`;
}

/** A namespace of its own on the given cluster, and what deploys into it need. */
export interface TestCluster {
  readonly namespace: string;
  readonly manifests: string;
  readonly url: string;
  readonly previewUrl: string;
  readonly images: readonly [string, string];
  readonly holder: { deployId: string; actor: string; token: string };
  readonly deps: BlueGreenDeps;
  /** kubectl in the namespace, output as text. */
  readonly kubectl: (...args: string[]) => string;
  /** A new target on the namespace (environment `e2e` unless named). */
  readonly target: (environment?: string) => KubernetesTarget;
  /** A deploy request for `image`, with the e2e suite's health check and timeouts. */
  readonly request: (image: string, over?: Partial<DeployRequest>) => DeployRequest;
  /** Removes switchyard's objects from the namespace. */
  readonly reset: () => void;
  /** Creates the namespace. */
  readonly create: () => void;
  /** Deletes the namespace (without waiting) and the manifests folder. */
  readonly remove: () => void;
}

/** The cluster SWITCHYARD_E2E_KUBECONFIG names (check {@link clusterMissing} first). */
export function testCluster(): TestCluster {
  const namespace = `switchyard-e2e-${randomBytes(3).toString('hex')}`;
  const kubeconfig = readFileSync(KUBECONFIG, 'utf8');
  const manifests = folderWith({ 'app.yaml': manifestText() });
  const url = `http://127.0.0.1:${LIVE_PORT}`;
  const previewUrl = `http://127.0.0.1:${PREVIEW_PORT}`;
  const kubectl = (...args: string[]): string =>
    execFileSync('kubectl', [`--kubeconfig=${KUBECONFIG}`, `--namespace=${namespace}`, ...args], {
      encoding: 'utf8',
    });
  const log = { ...quiet, group: <T>(_: string, fn: () => Promise<T>): Promise<T> => fn() };
  const holder = { deployId: 'e2e', actor: 'e2e', token: randomBytes(8).toString('hex') };
  const health = {
    path: '/healthz',
    expectStatus: parseStatus('expect-status', '200'),
    json: [],
    bodyContains: [],
    intervalMs: 500,
    timeoutMs: 2_000,
    headers: {},
  };
  return {
    namespace,
    manifests,
    url,
    previewUrl,
    images: [IMAGES[0] ?? '', IMAGES[1] ?? ''],
    holder,
    deps: { clock: systemClock, log, http: nodeHttp },
    kubectl,
    target: (environment = 'e2e') =>
      new KubernetesTarget(
        { app: 'shop', environment, manifests: [manifests], namespace, url, previewUrl },
        {
          exec: new ProcessExec(quiet, new Secrets()),
          clock: systemClock,
          log: quiet,
          kubeconfig,
        },
      ),
    request: (image, over = {}) => ({
      image,
      pull: 'missing',
      promote: true,
      keepFailed: false,
      health,
      readyTimeoutMs: 120_000,
      keepPreviousMs: 30 * 60_000,
      lockTimeoutMs: 30_000,
      holder,
      ...over,
    }),
    reset: () => {
      kubectl('delete', 'deployment,service,lease', '--all', '--ignore-not-found', '--wait=true');
    },
    create: () => {
      execFileSync('kubectl', [`--kubeconfig=${KUBECONFIG}`, 'create', 'namespace', namespace]);
    },
    remove: () => {
      execFileSync('kubectl', [
        `--kubeconfig=${KUBECONFIG}`,
        'delete',
        'namespace',
        namespace,
        '--wait=false',
      ]);
      rmSync(manifests, { recursive: true, force: true });
    },
  };
}
