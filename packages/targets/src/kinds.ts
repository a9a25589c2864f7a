/**
 * The kinds of target, by the name an environment's config gives (`target:`): the one table that
 * knows them all. Each kind lives in its own folder and says how it is built and what a monitor
 * can know about its workload without connecting.
 */
import type { EnvironmentConfig, TargetName, TargetSettings } from '@switchyard/config';
import { DOCKER_KIND } from './docker/create.js';
import { KUBERNETES_KIND } from './kubernetes/create.js';
import type { Color } from './contract.js';
import type { Target, TargetDeps } from './target.js';

/** What a monitor can know about an environment's workload from its config. */
export interface Telemetry {
  /** Label → value on every series of the environment's workload (the default selector). */
  readonly selector: Readonly<Record<string, string>>;
  /** The label whose value is the color, on those series. */
  readonly colorLabel: string;
  /** The workload's CPU limit, in cores, when the config sets one. */
  readonly cpuLimit?: number;
  /** The workload's memory limit, in bytes, when the config sets one. */
  readonly memoryLimitBytes?: number;
  /** Where limits are set in the config file, for messages (`docker.resources`). */
  readonly limitsFrom: string;
  /**
   * The router's own per-color series (monitor-window's `metrics: proxy`), when the target's router
   * exports them: their selector, the label that names the color's backend, and its value per color.
   */
  readonly proxy?: {
    readonly selector: Readonly<Record<string, string>>;
    readonly colorLabel: string;
    readonly colorValues: Readonly<Record<Color, string>>;
  };
}

/** One kind of target. */
export interface TargetKind<S extends TargetSettings> {
  /** The target for an environment whose target settings are `settings`. */
  create(c: EnvironmentConfig, settings: S, deps: TargetDeps): Target;
  telemetry(c: EnvironmentConfig, settings: S): Telemetry;
}

const KINDS: { readonly [K in TargetName]: TargetKind<Extract<TargetSettings, { kind: K }>> } = {
  docker: DOCKER_KIND,
  kubernetes: KUBERNETES_KIND,
};

/** The kind an environment's config names. */
export function kindOf(c: EnvironmentConfig): TargetKind<TargetSettings> {
  return KINDS[c.target.kind];
}

/** What a monitor can know about an environment's workload (its labels, its limits). */
export function telemetry(c: EnvironmentConfig): Telemetry {
  return kindOf(c).telemetry(c, c.target);
}
