/**
 * Named contract constants (STYLE.md §9): the labels, names and paths that other runs, the CLI and
 * people with `docker ps` rely on. Changing one is a breaking change for deployed environments.
 */

/** The two slots of a blue-green pair. */
export const COLORS = ['blue', 'green'] as const;
export type Color = (typeof COLORS)[number];

/** The other color. */
export function otherColor(color: Color): Color {
  return color === 'blue' ? 'green' : 'blue';
}

/** Labels on every object switchyard creates. */
export const LABELS = {
  app: 'switchyard.app',
  environment: 'switchyard.environment',
  /** `app`, `proxy` or `lock`. */
  role: 'switchyard.role',
  color: 'switchyard.color',
  /** The image reference the deploy asked for. */
  image: 'switchyard.image',
  /** The image's repo digest (or its id when it has none): what "the same image" means. */
  digest: 'switchyard.digest',
  version: 'switchyard.version',
  /** Who started it: the run URL, or `cli:<user>@<host>`. */
  deployId: 'switchyard.deploy-id',
  actor: 'switchyard.actor',
  createdAt: 'switchyard.created-at',
  /** On the lock: when it counts as stale. */
  expires: 'switchyard.lock.expires',
  /** On the lock: a random value only its holder knows (a post step releases only its own lock). */
  token: 'switchyard.lock.token',
  /** On the proxy: the published ports and bind address, `bind:port,preview`. */
  publish: 'switchyard.proxy.publish',
} as const;

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
/** How many deploys and rollbacks the target remembers. */
export const HISTORY_LENGTH = 10;
