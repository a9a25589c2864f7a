/**
 * Each target's config schema, by target name: the readers of its own section of an environment
 * (`<name>:`), the older flat names of its keys, how the section settles, and which of its
 * settings are file paths (resolved against the config file's folder, kept in the workspace).
 * The one place in this package that lists the targets.
 */
import {
  DOCKER_FLAT_KEYS,
  DOCKER_OVERRIDES,
  DOCKER_SECTION,
  settleDocker,
  type DockerSection,
} from './docker.js';
import {
  KUBERNETES_OVERRIDES,
  KUBERNETES_SECTION,
  kubernetesFiles,
  readKubernetesSection,
  resolveKubernetesFiles,
  settleKubernetes,
} from './kubernetes.js';
import type { Layer } from './layer.js';
import type { TargetName, TargetSettings } from './types.js';
import { readKeys, type Readers } from './values.js';

export interface TargetSchema {
  /** A reader per key of the target's section. */
  readonly section: Readers;
  /**
   * Key → the name it had when written at the top of an environment section, before targets had
   * sections of their own (still read, with a notice). Empty for a target born with its section.
   */
  readonly flatKeys: Readonly<Record<string, string>>;
  /** The target's layered section with every default filled in. */
  settle(layers: readonly Layer<object>[]): TargetSettings;
  /** The settings that are file paths: key in the target's section → the path. */
  files(settings: TargetSettings): Readonly<Record<string, string>>;
  /** The settings with each file path replaced by `resolve(path)`. */
  resolveFiles(settings: TargetSettings, resolve: (path: string) => string): TargetSettings;
}

export const TARGET_SCHEMAS: Readonly<Record<TargetName, TargetSchema>> = {
  docker: {
    section: DOCKER_SECTION,
    flatKeys: DOCKER_FLAT_KEYS,
    settle: (layers) => settleDocker(layers),
    files: (s) =>
      Object.fromEntries(
        s.kind !== 'docker' || s.envFile === undefined ? [] : [['env-file', s.envFile]],
      ),
    resolveFiles: (s, resolve) =>
      s.kind !== 'docker' || s.envFile === undefined ? s : { ...s, envFile: resolve(s.envFile) },
  },
  kubernetes: {
    section: KUBERNETES_SECTION,
    flatKeys: {},
    settle: (layers) => settleKubernetes(layers),
    files: (s) => (s.kind === 'kubernetes' ? kubernetesFiles(s) : {}),
    resolveFiles: (s, resolve) =>
      s.kind === 'kubernetes' ? resolveKubernetesFiles(s, resolve) : s,
  },
};

/** The target an environment runs on when its section names none. */
export const DEFAULT_TARGET: TargetName = 'docker';

/** Readers of each target's section as a key of an environment section (typed, for `Section`). */
export const TARGET_SECTIONS = {
  docker: (p: string, v: unknown): DockerSection =>
    readKeys(p, v, DOCKER_SECTION, 'the docker target settings'),
  kubernetes: readKubernetesSection,
} satisfies Readonly<Record<TargetName, (p: string, v: unknown) => object>>;

/** Each target's override inputs, input name → key path under its section. */
export const TARGET_OVERRIDES = {
  docker: DOCKER_OVERRIDES,
  kubernetes: KUBERNETES_OVERRIDES,
} satisfies Readonly<Record<TargetName, object>>;
