/**
 * The resolved shape of one environment of `switchyard.yml`, the names and limits of the file, and the
 * action inputs that override it.
 */
import type { JsonAssertion, StatusMatcher } from '@switchyard/probe';
import type { DockerSettings } from './docker.js';
import type { KubernetesSettings } from './kubernetes.js';
import type { MonitorSection } from './section.js';
import type { Overrides } from './overrides.js';
import type { Calendar } from '@switchyard/calendar/types';
import type { DesiredProtection } from '@switchyard/github/config';
import type { NotifySettings } from '@switchyard/notify/config';

/** The default config file name, relative to the workspace. */
export const CONFIG_FILE = 'switchyard.yml';

/** Where the colors run: each target has its own part of an environment section, named after it. */
export const TARGETS = ['docker', 'kubernetes'] as const;
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
  /** Headers sent with every health request (`Host` among them, for a virtual host). */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The warm-up before a switch (`warm-up:`): requests sent to the new color through the preview
 * route, judged like the health check, so it has taken load before it takes all live traffic.
 */
export interface WarmUpSettings {
  /** How many requests in all (at least 1: a warm-up that is off is `null`). */
  readonly requests: number;
  /** How many are in flight at once: the connections the new color accepts side by side. */
  readonly concurrency: number;
  /** Request path, starting with `/`; the health path when the file sets none. */
  readonly path: string;
}

/** The environment's target and its own settings; `kind` names it (one of {@link TARGETS}). */
export type TargetSettings = DockerSettings | KubernetesSettings;

/** Everything one environment needs: the file's section over `defaults:`, with overrides applied. */
export interface EnvironmentConfig {
  readonly app: string;
  readonly environment: string;
  /** Where the colors run, with that target's own settings. */
  readonly target: TargetSettings;
  /** The live URL outputs report, when the file gives one. */
  readonly url?: string;
  /** The preview URL outputs report, when the file gives one. */
  readonly previewUrl?: string;
  readonly health: HealthSettings;
  /** Plain environment variables for the app container. */
  readonly env: Record<string, string>;
  /** Names of variables whose values the action supplies at run time. */
  readonly secrets: string[];
  /** How long the previous color is kept after a switch. */
  readonly keepPreviousMs: number;
  /** How long a new color may take to become healthy. */
  readonly readyTimeoutMs: number;
  /** The warm-up before each switch; `null` when `warm-up: off`. */
  readonly warmUp: WarmUpSettings | null;
  /** `monitor:` as the file sets it; monitor-window fills the rest from its inputs and defaults. */
  readonly monitor: MonitorSection;
  /** Who hears about releases (`notify:`): Slack, PagerDuty, webhooks; absent: nobody. */
  readonly notify?: NotifySettings;
  /** When deploys may start (`windows:`): allowed windows and freezes; absent: any time. */
  readonly windows?: Calendar;
  /** The GitHub environment's protection (`github:`), for `switchyard github plan/apply`. */
  readonly github?: DesiredProtection;
  /** What the user should hear about how the file is written (an older form, still read). */
  readonly notices: readonly string[];
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
   * is resolved against `baseDir` (default: the config file's directory); given a `workspace`, a
   * file setting outside it is an error at the key that set it.
   * @throws InputError for a bad override, an unknown environment or a missing app name.
   */
  resolve(
    environment: string,
    overrides?: Overrides,
    baseDir?: string,
    workspace?: string,
  ): EnvironmentConfig;
}

/** `${app}-${environment}`: the prefix of every container, network and volume name of an environment. */
export function resourcePrefix(app: string, environment: string): string {
  return `${app}-${environment}`;
}
