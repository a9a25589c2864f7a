/**
 * The resolved shape of one environment of `switchyard.yml`, the names and limits of the file, and the
 * action inputs that override it.
 */
import type { JsonAssertion, StatusMatcher } from '@switchyard/probe';
import type { MonitorSection } from './section.js';

/** The proxy image used when neither the file nor the `proxy-image` input names one. */
export const DEFAULT_PROXY_IMAGE = 'haproxy:3.2';

/** The default config file name, relative to the workspace. */
export const CONFIG_FILE = 'switchyard.yml';

/** Where containers run. Only `docker` for now. */
export const TARGETS = ['docker'] as const;
/** A value of {@link TARGETS}. */
export type TargetName = (typeof TARGETS)[number];

/** App names: lowercase letters, digits and hyphens, starting with a letter or digit. */
export const APP_NAME = /^[a-z0-9][a-z0-9-]*$/;
/** The longest app name (container and network names are built from it). */
export const APP_NAME_MAX = 40;
/** Environment names follow {@link APP_NAME}, up to this length. */
export const ENVIRONMENT_NAME_MAX = 30;
/** Environment variable names (for `env` and `secrets`). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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

/** How readiness and health are judged over HTTP. */
export interface HealthSettings {
  /** Request path, starting with `/`. */
  readonly path: string;
  readonly expectStatus: StatusMatcher;
  /** JSON path assertions on the body (`$.status == "ok"`). */
  readonly json: JsonAssertion[];
  /** Texts the body must contain. */
  readonly bodyContains: string[];
  /** Time between readiness polls. */
  readonly intervalMs: number;
  /** Timeout of one health request. */
  readonly timeoutMs: number;
}

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
}

/** Everything one environment needs: the file's section over `defaults:`, with overrides applied. */
export interface EnvironmentConfig {
  readonly app: string;
  readonly environment: string;
  readonly target: TargetName;
  readonly dockerHost: DockerHost;
  /** The public port the proxy publishes for the live color. */
  readonly port: number;
  /** The port the proxy publishes for the preview color. */
  readonly previewPort: number;
  /** The address the proxy binds to. */
  readonly bind: string;
  /** The port the app listens on inside its container. */
  readonly containerPort: number;
  /** The live URL outputs report, when the file gives one. */
  readonly url?: string;
  /** The preview URL outputs report, when the file gives one. */
  readonly previewUrl?: string;
  readonly health: HealthSettings;
  /** Plain environment variables for the app container. */
  readonly env: Record<string, string>;
  /** Absolute path of an env file for the app container. */
  readonly envFile?: string;
  /** Names of variables whose values the action supplies at run time. */
  readonly secrets: string[];
  /** Docker volume specs, `source:target[:ro|:rw]`. */
  readonly volumes: string[];
  readonly network?: string;
  readonly resources: Resources;
  /** Overrides the image's CMD. */
  readonly command?: string[];
  /** How long the previous color is kept after a switch. */
  readonly keepPreviousMs: number;
  /** How long a new color may take to become healthy. */
  readonly readyTimeoutMs: number;
  /** Grace period when stopping a container. */
  readonly stopTimeoutMs: number;
  readonly proxy: ProxySettings;
  /** `monitor:` as the file sets it; monitor-window fills the rest from its inputs and defaults. */
  readonly monitor: MonitorSection;
}

/** The action inputs that override the file, by input name. */
export const OVERRIDE_INPUTS = [
  'app',
  'docker-host',
  'port',
  'preview-port',
  'container-port',
  'health-path',
  'keep-previous',
  'ready-timeout',
  'proxy-image',
] as const;
/** A value of {@link OVERRIDE_INPUTS}. */
export type OverrideInput = (typeof OVERRIDE_INPUTS)[number];

/** Raw action-input strings by input name; a missing or '' value is not set. */
export type Overrides = Readonly<Partial<Record<OverrideInput, string>>>;

/**
 * The overrides an action or the CLI was given, read by one getter for every name of
 * {@link OVERRIDE_INPUTS}: the one table of inputs that override the file. Empty ones are left out.
 */
export function readOverrides(get: (input: OverrideInput) => string | undefined): Overrides {
  return Object.fromEntries(
    OVERRIDE_INPUTS.map((n) => [n, get(n) ?? ''] as const).filter(([, v]) => v !== ''),
  );
}

/** A parsed, validated config file. */
export interface ConfigDocument {
  /** The file name used in messages. */
  readonly file: string;
  /** `app:` from the file, if set. */
  readonly app?: string;
  /** The environment sections, in file order. */
  readonly environments: string[];
  /**
   * One environment's settings: its section over `defaults:`, then `overrides`. A relative `env-file`
   * is resolved against `baseDir` (default: the config file's directory).
   * @throws InputError for a bad override, an unknown environment or a missing app name.
   */
  resolve(environment: string, overrides?: Overrides, baseDir?: string): EnvironmentConfig;
}

/** `${app}-${environment}`: the prefix of every container, network and volume name of an environment. */
export function resourcePrefix(app: string, environment: string): string {
  return `${app}-${environment}`;
}
