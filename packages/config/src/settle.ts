/**
 * Layers sections (defaults, environment, override inputs), fills in every default, and checks the
 * rules that span keys. A problem is blamed on the layer that set the offending key: a key path in the
 * file, or the override input.
 */
import { ConfigError, InputError, MAX_LONG_DURATION_MS, parseDuration } from '@switchyard/kit';
import { parseStatus } from '@switchyard/probe';
import { parseAppName, parseDockerHost, parseHealthPath, parseImage, parsePort } from './fields.js';
import { MAPPING_KEYS, type Section } from './section.js';
import { DEFAULT_PROXY_IMAGE, type EnvironmentConfig, type Overrides } from './types.js';
import { join } from './values.js';

/** One source of settings, and how to blame it. */
export interface Layer {
  readonly section: Section;
  /** The name to blame for a key: `production.port`, `defaults.port`, or the input `port`. */
  at(key: string): string;
  /** Turns an error named by {@link at} into what the caller throws. */
  wrap(error: InputError): InputError;
}

/** A section of the file at `path` (`defaults`, `production`). */
export function fileLayer(file: string, path: string, section: Section): Layer {
  return { section, at: (key) => join(path, key), wrap: (e) => ConfigError.from(file, e) };
}

/** Everything but the identity of the environment, with `envFile` as written. */
export type Settings = Omit<EnvironmentConfig, 'app' | 'environment'>;

/** The default of every setting, as the file would write it. */
export const DEFAULTS = {
  target: 'docker',
  dockerHost: '',
  port: 8080,
  bind: '0.0.0.0',
  containerPort: 8080,
  healthPath: '/',
  expectStatus: '200-399',
  intervalMs: 1000,
  timeoutMs: 5000,
  keepPreviousMs: 30 * 60_000,
  readyTimeoutMs: 5 * 60_000,
  stopTimeoutMs: 10_000,
  proxyImage: DEFAULT_PROXY_IMAGE,
} as const;

const DEFAULT_STATUS = parseStatus('expect-status', DEFAULTS.expectStatus);
const LOCAL_DOCKER = parseDockerHost('docker-host', DEFAULTS.dockerHost);

/** Override inputs as a layer (plain {@link InputError}s naming the input); also returns `app`. */
export function overrideLayer(o: Overrides): { layer: Layer; app?: string } {
  const given = (key: keyof Overrides): string | undefined => {
    const v = o[key]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const section: Section = {};
  const read = <T>(
    key: keyof Overrides,
    parse: (name: string, raw: string) => T,
  ): T | undefined => {
    const raw = given(key);
    return raw === undefined ? undefined : parse(key, raw);
  };
  const set = <K extends keyof Section>(key: K, value: Section[K] | undefined): void => {
    if (value !== undefined) section[key] = value;
  };
  // '' is "not set" for docker-host too (the file's value stays): local docker is the file's default.
  set('docker-host', read('docker-host', parseDockerHost));
  set('port', read('port', parsePort));
  set('preview-port', read('preview-port', parsePort));
  set('container-port', read('container-port', parsePort));
  const healthPath = read('health-path', parseHealthPath);
  if (healthPath !== undefined) section.health = { path: healthPath };
  set(
    'keep-previous',
    read('keep-previous', (n, r) => parseDuration(n, r, { min: 0, max: MAX_LONG_DURATION_MS })),
  );
  set(
    'ready-timeout',
    read('ready-timeout', (n, r) => parseDuration(n, r, { min: 1000 })),
  );
  const image = read('proxy-image', parseImage);
  if (image !== undefined) section.proxy = { image };
  const app = read('app', parseAppName);
  return {
    layer: { section, at: (key) => (key === 'health' ? 'health-path' : key), wrap: (e) => e },
    ...(app === undefined ? {} : { app }),
  };
}

/** Layers sections, later ones winning: mappings merge key by key, lists and values are replaced. */
export function merge(layers: readonly Layer[]): Section {
  const out: Section = Object.assign({}, ...layers.map((l) => l.section)) as Section;
  for (const key of MAPPING_KEYS) {
    const parts = layers.map((l) => l.section[key]).filter((part) => part !== undefined);
    if (parts.length > 0) Object.assign(out, { [key]: Object.assign({}, ...parts) as object });
  }
  return out;
}

/** The layered settings with every default filled in, after the cross-key checks. */
export function settle(layers: readonly Layer[]): Settings {
  const s = merge(layers);
  const port = s.port ?? DEFAULTS.port;
  const previewPort = s['preview-port'] ?? port + 1;
  checkPorts(layers, port, previewPort);
  const env = s.env ?? {};
  checkSecrets(layers, env);
  const health = s.health ?? {};
  const resources = s.resources ?? {};
  return {
    target: s.target ?? DEFAULTS.target,
    dockerHost: s['docker-host'] ?? LOCAL_DOCKER,
    port,
    previewPort,
    bind: s.bind ?? DEFAULTS.bind,
    containerPort: s['container-port'] ?? DEFAULTS.containerPort,
    ...(s.url === undefined ? {} : { url: s.url }),
    ...(s['preview-url'] === undefined ? {} : { previewUrl: s['preview-url'] }),
    health: {
      path: health.path ?? DEFAULTS.healthPath,
      expectStatus: health['expect-status'] ?? DEFAULT_STATUS,
      json: [...(health['expect-json'] ?? [])],
      bodyContains: [...(health['body-contains'] ?? [])],
      intervalMs: health.interval ?? DEFAULTS.intervalMs,
      timeoutMs: health.timeout ?? DEFAULTS.timeoutMs,
    },
    env: { ...env },
    ...(s['env-file'] === undefined ? {} : { envFile: s['env-file'] }),
    secrets: [...(s.secrets ?? [])],
    volumes: [...(s.volumes ?? [])],
    ...(s.network === undefined ? {} : { network: s.network }),
    resources: {
      ...(resources.cpus === undefined ? {} : { cpus: resources.cpus }),
      ...(resources.memory === undefined ? {} : { memory: resources.memory }),
    },
    ...(s.command === undefined ? {} : { command: [...s.command] }),
    keepPreviousMs: s['keep-previous'] ?? DEFAULTS.keepPreviousMs,
    readyTimeoutMs: s['ready-timeout'] ?? DEFAULTS.readyTimeoutMs,
    stopTimeoutMs: s['stop-timeout'] ?? DEFAULTS.stopTimeoutMs,
    proxy: {
      image: s.proxy?.image ?? DEFAULTS.proxyImage,
      defaults: [...(s.proxy?.defaults ?? [])],
    },
    monitor: { ...s.monitor },
  };
}

/** The last layer that sets `key`. */
function origin(layers: readonly Layer[], key: keyof Section): Layer | undefined {
  return layers.findLast((l) => l.section[key] !== undefined);
}

function checkPorts(layers: readonly Layer[], port: number, previewPort: number): void {
  const portFrom = origin(layers, 'port');
  const previewFrom = origin(layers, 'preview-port');
  if (!previewFrom && port === 65535 && portFrom)
    throw portFrom.wrap(
      new InputError(
        portFrom.at('port'),
        port,
        'leaves no port for the preview (port + 1)',
        'Set preview-port, or use a lower port',
      ),
    );
  if (port !== previewPort || !previewFrom) return;
  // Blame whichever of the two has the higher precedence (the preview port when it is the same layer).
  const blamePort =
    portFrom !== undefined && layers.indexOf(portFrom) > layers.indexOf(previewFrom);
  const layer = blamePort ? portFrom : previewFrom;
  const [key, other] = blamePort ? ['port', 'preview-port'] : ['preview-port', 'port'];
  throw layer.wrap(
    new InputError(
      layer.at(key),
      port,
      `is the same as ${other}`,
      'The live and preview ports must differ',
    ),
  );
}

function checkSecrets(layers: readonly Layer[], env: Readonly<Record<string, string>>): void {
  const from = origin(layers, 'secrets');
  from?.section.secrets?.forEach((name, i) => {
    if (Object.hasOwn(env, name))
      throw from.wrap(
        new InputError(
          `${from.at('secrets')}[${i}]`,
          name,
          'is also set in env',
          'Remove it from env: a secret gets its value from the action at run time',
        ),
      );
  });
}
