/**
 * Each target's config schema, by target name: how its own section of the file settles, and which
 * of its settings are file paths (resolved against the config file's folder, kept in the workspace).
 * The one place in this package that lists the targets.
 */
import { settleDocker } from './docker.js';
import type { Layer } from './layer.js';
import type { TargetName, TargetSettings } from './types.js';

export interface TargetSchema {
  /** The target's layered section with every default filled in. */
  settle(layers: readonly Layer<object>[]): TargetSettings;
  /** The settings that are file paths: key in the target's section → the path. */
  files(settings: TargetSettings): Readonly<Record<string, string>>;
  /** The settings with each file path replaced by `resolve(path)`. */
  resolveFiles(settings: TargetSettings, resolve: (path: string) => string): TargetSettings;
}

export const TARGET_SCHEMAS: Readonly<Record<TargetName, TargetSchema>> = {
  docker: {
    settle: (layers) => settleDocker(layers),
    files: (s) => Object.fromEntries(s.envFile === undefined ? [] : [['env-file', s.envFile]]),
    resolveFiles: (s, resolve) =>
      s.envFile === undefined ? s : { ...s, envFile: resolve(s.envFile) },
  },
};
