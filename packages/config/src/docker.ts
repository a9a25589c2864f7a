/**
 * The Docker target's own part of an environment section, `docker:`: where the daemon is, the
 * proxy's ports and image, and how the app container runs. Its schema, defaults and override
 * inputs live here, apart from the settings every target shares (section.ts, settle.ts).
 *
 * Before targets had sections these keys were written at the top of the environment section
 * (`port: 8080`, `docker-host: …`). That flat form is still read, as this section, with a notice
 * that says how to move it ({@link DOCKER_FLAT_KEYS}).
 */
import { isIP } from 'node:net';
import { InputError, parseBoolean, parseDuration, parseUrl } from '@switchyard/kit';
import { parseImage, parsePort } from './fields.js';
import { merge, origin, type Layer } from './layer.js';
import { line, list, name, readKeys, text, type Parsed, type Readers } from './values.js';

/** The proxy image used when neither the file nor the `proxy-image` input names one. */
export const DEFAULT_PROXY_IMAGE = 'haproxy:3.2';

/**
 * The docker daemon an environment deploys to, with `display`, a text for messages that never shows a
 * password: `local docker`, the URL, or `context <name>`.
 */
export type DockerHost =
  | { readonly kind: 'local'; readonly display: string }
  /** `url` is used as DOCKER_HOST (ssh://, tcp:// or unix://). */
  | { readonly kind: 'host'; readonly url: string; readonly display: string }
  /** A docker context (`docker --context <name>`). */
  | { readonly kind: 'context'; readonly name: string; readonly display: string };

/** Docker resource limits, as docker's `--cpus` and `--memory` take them. */
export interface Resources {
  readonly cpus?: string;
  readonly memory?: string;
}

/** The proxy that publishes the live and preview ports. */
export interface ProxySettings {
  readonly image: string;
  /** Extra lines for HAProxy's `defaults` section. */
  readonly defaults: string[];
  /**
   * HAProxy's Prometheus exporter (`proxy.metrics-port`): a host port publishes it on `bind`;
   * `off` leaves it out of the config (an image built without it); absent, it listens only on the
   * environment's network, where a Prometheus on the Docker host scrapes it.
   */
  readonly metricsPort?: number | 'off';
}

/** The Docker target's settings of one environment, every default filled in. */
export interface DockerSettings {
  readonly kind: 'docker';
  readonly host: DockerHost;
  /** The public port the proxy publishes for the live color. */
  readonly port: number;
  /** The port the proxy publishes for the preview color. */
  readonly previewPort: number;
  /** The address the proxy binds to. */
  readonly bind: string;
  /**
   * The port the app listens on inside its container, when the file or an input sets it. Unset,
   * the Docker target takes the image's one exposed port (EXPOSE), else the port the proxy already
   * routes to, else {@link DOCKER_DEFAULTS}.containerPort.
   */
  readonly containerPort?: number;
  /** Absolute path of an env file for the app container (resolved by the document). */
  readonly envFile?: string;
  /** Docker volume specs, `source:target[:ro|:rw]`. */
  readonly volumes: string[];
  readonly network?: string;
  readonly resources: Resources;
  /** Overrides the image's CMD. */
  readonly command?: string[];
  /** Grace period when stopping a container. */
  readonly stopTimeoutMs: number;
  /**
   * Also wait for the image's own HEALTHCHECK to say `healthy` before a color counts as ready.
   * Off by default: the HTTP health check decides, and an `unhealthy` image check still holds a
   * color back; Docker runs its first check only one `--interval` after the start.
   */
  readonly waitForImageHealth: boolean;
  readonly proxy: ProxySettings;
}

/** The Docker target's defaults, as the file would write them. */
export const DOCKER_DEFAULTS = {
  host: '',
  port: 8080,
  bind: '0.0.0.0',
  containerPort: 8080,
  stopTimeoutMs: 10_000,
  waitForImageHealth: false,
  proxyImage: DEFAULT_PROXY_IMAGE,
} as const;

const CONTEXT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;
const HOST_FORMS =
  "Use '' for the local docker, a URL (ssh://user@host, tcp://host:2376, unix:///var/run/docker.sock) or a docker context name";
const NETWORK = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** '' (local docker), an ssh:// tcp:// unix:// URL, or a docker context name. */
export function parseDockerHost(name: string, raw: string): DockerHost {
  const s = raw.trim();
  if (s === '') return { kind: 'local', display: 'local docker' };
  if (s.includes('://')) {
    const url = parseUrl(name, s, ['ssh:', 'tcp:', 'unix:']);
    if (url.protocol === 'unix:' ? url.pathname === '' || url.pathname === '/' : url.host === '')
      throw new InputError(
        name,
        raw,
        url.protocol === 'unix:' ? 'has no socket path' : 'has no host',
        HOST_FORMS,
      );
    let display = s;
    if (url.password !== '') {
      url.password = '';
      display = url.toString();
    }
    return { kind: 'host', url: s, display };
  }
  if (!CONTEXT_NAME.test(s)) throw new InputError(name, raw, 'is not a docker host', HOST_FORMS);
  return { kind: 'context', name: s, display: `context ${s}` };
}

/** An IPv4 or IPv6 address literal. */
export function parseBind(name: string, raw: string): string {
  const s = raw.trim();
  if (isIP(s) === 0)
    throw new InputError(
      name,
      raw,
      'is not an IP address',
      'Use an IPv4 or IPv6 literal such as 0.0.0.0, 127.0.0.1 or ::',
    );
  return s;
}

/** A volume spec `source:target[:ro|:rw]` with an absolute target. */
export function parseVolume(name: string, raw: string): string {
  const s = raw.trim();
  const parts = s.split(':');
  const [source = '', target = '', mode] = parts;
  const forms = 'Write source:target or source:target:ro, e.g. ./data:/data:ro or cache:/cache';
  if (parts.length < 2 || parts.length > 3 || source === '' || target === '')
    throw new InputError(name, raw, 'is not a volume', forms);
  if (!target.startsWith('/'))
    throw new InputError(name, raw, `has a relative target ${target}`, 'Give an absolute path');
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw')
    throw new InputError(name, raw, `has the mode ${mode}`, 'Use ro or rw');
  return s;
}

/** A positive number of CPUs, as docker's `--cpus` takes it. */
export function parseCpus(name: string, raw: string): string {
  const s = raw.trim();
  if (!/^\d+(\.\d+)?$/.test(s) || Number(s) <= 0)
    throw new InputError(
      name,
      raw,
      'is not a number of CPUs',
      'Use a positive number, e.g. 0.5 or 2',
    );
  return s;
}

const MEMORY = /^(\d+(?:\.\d+)?)([bkmg]?)$/i;

/** A memory size as docker's `--memory` takes it (`512m`, `1g`, `1073741824`). */
export function parseMemory(name: string, raw: string): string {
  const s = raw.trim();
  if (!MEMORY.test(s))
    throw new InputError(
      name,
      raw,
      'is not a memory size',
      'Use a number with an optional unit b, k, m or g, e.g. 512m or 1g',
    );
  return s;
}

/** A memory size of {@link parseMemory}'s form in bytes (NaN for anything else). */
export function memoryBytes(size: string): number {
  const m = MEMORY.exec(size.trim());
  if (!m) return Number.NaN;
  const unit = (m[2] ?? '').toLowerCase();
  const factor = unit === 'g' ? 1024 ** 3 : unit === 'm' ? 1024 ** 2 : unit === 'k' ? 1024 : 1;
  return Math.round(Number(m[1]) * factor);
}

const port = (p: string, v: unknown): number => parsePort(p, text(p, v, '8080'));

const RESOURCES = {
  cpus: (p: string, v: unknown): string => parseCpus(p, text(p, v, '0.5')),
  memory: (p: string, v: unknown): string => parseMemory(p, text(p, v, '512m')),
} satisfies Readers;

const PROXY = {
  image: (p: string, v: unknown): string => parseImage(p, text(p, v, DEFAULT_PROXY_IMAGE)),
  defaults: (p: string, v: unknown): string[] =>
    list(p, v, '["timeout http-request 10s"]', (q, x) => line(q, x, 'timeout client 30s')),
  'metrics-port': (p: string, v: unknown): number | 'off' =>
    v === false || (typeof v === 'string' && /^\s*(off|false)\s*$/i.test(v))
      ? 'off'
      : parsePort(p, text(p, v, '8405')),
} satisfies Readers;

function readCommand(path: string, v: unknown): string[] {
  const args = list(path, v, '[node, server.js]', (at, x) => text(at, x, 'server.js'));
  if (args.length === 0)
    throw new InputError(path, v, 'is an empty list', "Leave command out to run the image's CMD");
  return args;
}

/** `docker:` — a reader per key. */
export const DOCKER_SECTION = {
  host: (p: string, v: unknown) => parseDockerHost(p, text(p, v, 'ssh://deploy@host')),
  port,
  'preview-port': port,
  bind: (p: string, v: unknown): string => parseBind(p, text(p, v, '0.0.0.0')),
  'container-port': port,
  'env-file': (p: string, v: unknown): string => line(p, v, './app.env'),
  volumes: (p: string, v: unknown): string[] =>
    list(p, v, '[data:/data]', (q, x) => parseVolume(q, text(q, x, 'data:/data'))),
  network: (p: string, v: unknown): string =>
    name(p, v, NETWORK, 'letters, digits, _ . and -, starting with a letter or digit'),
  resources: (p: string, v: unknown) => readKeys(p, v, RESOURCES, 'resource limits'),
  command: readCommand,
  'stop-timeout': (p: string, v: unknown): number =>
    parseDuration(p, text(p, v, '10s'), { min: 0 }),
  'wait-for-image-health': (p: string, v: unknown): boolean =>
    parseBoolean(p, typeof v === 'boolean' ? String(v) : text(p, v, 'true')),
  proxy: (p: string, v: unknown) => readKeys(p, v, PROXY, 'proxy settings'),
} satisfies Readers;

/** The parsed `docker:` part of one layer: only the keys it sets. */
export type DockerSection = Parsed<typeof DOCKER_SECTION>;
/** The keys of `docker:` whose values are mappings, merged key by key when layered. */
export const DOCKER_MAPPING_KEYS = ['resources', 'proxy'] as const;

/**
 * The flat (pre-`docker:`) name of each key of {@link DOCKER_SECTION}, as it was written at the top
 * of an environment section. Only `host` was named differently.
 */
export const DOCKER_FLAT_KEYS: Readonly<Record<keyof DockerSection, string>> = {
  host: 'docker-host',
  port: 'port',
  'preview-port': 'preview-port',
  bind: 'bind',
  'container-port': 'container-port',
  'env-file': 'env-file',
  volumes: 'volumes',
  network: 'network',
  resources: 'resources',
  command: 'command',
  'stop-timeout': 'stop-timeout',
  'wait-for-image-health': 'wait-for-image-health',
  proxy: 'proxy',
};

/**
 * The action inputs that override `docker:`: input name → the key path they set. Every action that
 * reads the config declares them (one table: see overrides.ts).
 */
export const DOCKER_OVERRIDES = {
  'docker-host': { path: ['host'], parse: parseDockerHost },
  port: { path: ['port'], parse: parsePort },
  'preview-port': { path: ['preview-port'], parse: parsePort },
  'container-port': { path: ['container-port'], parse: parsePort },
  'proxy-image': { path: ['proxy', 'image'], parse: parseImage },
} as const;

const LOCAL_DOCKER = parseDockerHost('docker-host', DOCKER_DEFAULTS.host);

/** The layered `docker:` parts with every default filled in, after the checks across keys. */
export function settleDocker(layers: readonly Layer<DockerSection>[]): DockerSettings {
  const s = merge(layers, DOCKER_MAPPING_KEYS);
  const livePort = s.port ?? DOCKER_DEFAULTS.port;
  const previewPort = s['preview-port'] ?? livePort + 1;
  checkPorts(layers, livePort, previewPort);
  checkMetricsPort(layers, livePort, previewPort);
  const resources = s.resources ?? {};
  return {
    kind: 'docker',
    host: s.host ?? LOCAL_DOCKER,
    port: livePort,
    previewPort,
    bind: s.bind ?? DOCKER_DEFAULTS.bind,
    ...(s['container-port'] !== undefined && { containerPort: s['container-port'] }),
    ...(s['env-file'] === undefined ? {} : { envFile: s['env-file'] }),
    volumes: [...(s.volumes ?? [])],
    ...(s.network === undefined ? {} : { network: s.network }),
    resources: {
      ...(resources.cpus === undefined ? {} : { cpus: resources.cpus }),
      ...(resources.memory === undefined ? {} : { memory: resources.memory }),
    },
    ...(s.command === undefined ? {} : { command: [...s.command] }),
    stopTimeoutMs: s['stop-timeout'] ?? DOCKER_DEFAULTS.stopTimeoutMs,
    waitForImageHealth: s['wait-for-image-health'] ?? DOCKER_DEFAULTS.waitForImageHealth,
    proxy: {
      image: s.proxy?.image ?? DOCKER_DEFAULTS.proxyImage,
      defaults: [...(s.proxy?.defaults ?? [])],
      ...(s.proxy?.['metrics-port'] === undefined ? {} : { metricsPort: s.proxy['metrics-port'] }),
    },
  };
}

/** The exporter's host port must not be the live or the preview one. */
function checkMetricsPort(
  layers: readonly Layer<DockerSection>[],
  livePort: number,
  previewPort: number,
): void {
  const layer = layers.findLast((l) => l.section.proxy?.['metrics-port'] !== undefined);
  const metricsPort = layer?.section.proxy?.['metrics-port'];
  if (!layer || (metricsPort !== livePort && metricsPort !== previewPort)) return;
  throw layer.wrap(
    new InputError(
      `${layer.at('proxy')}.metrics-port`,
      metricsPort,
      `is the same as ${metricsPort === livePort ? 'port' : 'preview-port'}`,
      'Publish the metrics on a port of their own',
    ),
  );
}

function checkPorts(
  layers: readonly Layer<DockerSection>[],
  livePort: number,
  previewPort: number,
): void {
  const portFrom = origin(layers, 'port');
  const previewFrom = origin(layers, 'preview-port');
  if (!previewFrom && livePort === 65535 && portFrom)
    throw portFrom.wrap(
      new InputError(
        portFrom.at('port'),
        livePort,
        'leaves no port for the preview (port + 1)',
        'Set preview-port, or use a lower port',
      ),
    );
  if (livePort !== previewPort || !previewFrom) return;
  // Blame whichever of the two has the higher precedence (the preview port when it is the same layer).
  const blamePort =
    portFrom !== undefined && layers.indexOf(portFrom) > layers.indexOf(previewFrom);
  const layer = blamePort ? portFrom : previewFrom;
  const [key, other] = blamePort ? ['port', 'preview-port'] : ['preview-port', 'port'];
  throw layer.wrap(
    new InputError(
      layer.at(key),
      livePort,
      `is the same as ${other}`,
      'The live and preview ports must differ',
    ),
  );
}
