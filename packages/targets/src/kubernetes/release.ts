/**
 * Releases a Kubernetes deploy lock (a Lease) a killed run left, for the post step:
 * dependency-free (node only), so the post bundle stays tiny. Only a lease still carrying the run's
 * own token is released, by a write conditional on the version read (never a delete, which could
 * remove a newer holder's lease).
 */
import { spawnSync } from 'node:child_process';
import { K8S_ANNOTATIONS } from './contract.js';

/** The Kubernetes target's LockHandle as the post step reads it back (JSON). */
interface SavedKubernetesLock {
  readonly kind: string;
  readonly token: string;
  readonly name: string;
  readonly access: {
    readonly kubeconfig?: string;
    readonly context?: string;
    readonly namespace?: string;
  };
}

interface LeaseJson {
  metadata?: {
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

/** Clears the holder of the Lease `h` names if it still carries `h.token`; returns what it did, for the log. */
export function releaseKubernetesLock(h: SavedKubernetesLock): string | undefined {
  const a = h.access;
  const args = [
    ...(a.kubeconfig ? [`--kubeconfig=${a.kubeconfig}`] : []),
    ...(a.context ? [`--context=${a.context}`] : []),
    ...(a.namespace ? [`--namespace=${a.namespace}`] : []),
  ];
  const kubectl = (
    input: string | undefined,
    ...rest: string[]
  ): { status: number | null; stdout: string } =>
    spawnSync('kubectl', [...args, ...rest], {
      // The step's own environment (KUBECONFIG, PATH), as the main step had it.
      env: process.env,
      encoding: 'utf8',
      ...(input !== undefined && { input }),
    });
  const found = kubectl(undefined, 'get', 'lease', h.name, '--output=json');
  if (found.status !== 0) return undefined; // gone, or the cluster is out of reach: it lapses by itself
  let lease: LeaseJson;
  try {
    lease = JSON.parse(found.stdout) as LeaseJson;
  } catch {
    return undefined;
  }
  if (lease.metadata?.annotations?.[K8S_ANNOTATIONS.lockToken] !== h.token) return undefined;
  const released = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: h.name,
      labels: lease.metadata.labels ?? {},
      resourceVersion: lease.metadata.resourceVersion,
    },
    spec: {},
  };
  return kubectl(JSON.stringify(released), 'replace', '--filename=-').status === 0
    ? `Released the deploy lock lease/${h.name} the main step left behind`
    : undefined;
}
