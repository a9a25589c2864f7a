/**
 * The Docker target's own contract (STYLE.md §9): the names of its containers, network and volume,
 * and the HAProxy files, socket and ports inside the proxy container. `docker ps` users rely on them.
 */
import type { Color } from '../contract.js';

/** What a container is to switchyard (its role label). */
export type Role = 'app' | 'proxy' | 'lock';

/** The names of one app+environment's objects on a Docker host. */
export interface DockerNames {
  readonly network: string;
  readonly proxy: string;
  readonly proxyVolume: string;
  readonly lock: string;
  color(color: Color): string;
}

/** Names derive from `<app>-<environment>`, so environments can share a host. */
export function dockerNames(prefix: string): DockerNames {
  return {
    network: prefix,
    proxy: `${prefix}-proxy`,
    proxyVolume: `${prefix}-proxy`,
    lock: `${prefix}-lock`,
    color: (c) => `${prefix}-${c}`,
  };
}

/** Where the proxy keeps its files: a named volume, so they outlive the proxy container. */
export const PROXY_DIR = '/var/lib/switchyard';
export const PROXY_FILES = {
  config: `${PROXY_DIR}/haproxy.cfg`,
  map: `${PROXY_DIR}/colors.map`,
  state: `${PROXY_DIR}/state.json`,
} as const;
/** HAProxy's admin socket inside the proxy container (the runtime API). */
export const ADMIN_SOCKET = '/tmp/switchyard-admin.sock';
/** The ports the proxy listens on inside its container. */
export const PROXY_PORTS = { live: 8080, preview: 8081 } as const;
