/** `loadConfig`: reads a config file from disk (or a fake reader in tests) and parses it. */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError, errorMessage, workspaceFile } from '@switchyard/kit';
import { parseConfig } from './document.js';
import type { Overrides } from './overrides.js';
import { CONFIG_FILE, type ConfigDocument, type EnvironmentConfig } from './types.js';

/** How {@link loadConfig} treats a missing file, and how it reads one. */
export interface LoadOptions {
  /** A missing file is an error; otherwise it reads as an empty document. */
  readonly required: boolean;
  /** Returns the file's text, or undefined when it does not exist. Default: the file system. */
  readonly readFile?: (path: string) => string | undefined;
}

/**
 * Reads and parses the config file at `path`. A missing file is a {@link ConfigError} when `required`,
 * else an empty document (no app, no environments: every environment resolves from the defaults).
 */
export function loadConfig(path: string, opts: LoadOptions): ConfigDocument {
  let text: string | undefined;
  try {
    text = (opts.readFile ?? readIfExists)(path);
  } catch (error) {
    throw new ConfigError(path, '', `cannot be read (${errorMessage(error)})`);
  }
  if (text === undefined && opts.required)
    throw new ConfigError(
      path,
      '',
      'does not exist. Create it (the deploy-bluegreen README has an example) or set the config input to the path of yours',
    );
  return parseConfig(text ?? '', path);
}

/** A file's text, or undefined when it does not exist (other errors throw). */
export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** What an action's input parser is given besides its inputs (the same for every action reading the config). */
export interface ActionContext {
  /** Relative config paths are read from here. */
  readonly workspace: string;
  /** The step's environment: secrets named in the config file may come from it. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a file; undefined when it does not exist. */
  readonly readFile?: (path: string) => string | undefined;
}

/** Where and how an action reads its config file. */
export interface EnvironmentSource {
  /** The `config` input as given ('' = the default file, which may be missing). */
  readonly configInput: string;
  /** A validated environment name. */
  readonly environment: string;
  readonly overrides?: Overrides;
  /** Relative config paths are read from here (the workspace). */
  readonly workspace: string;
  readonly readFile?: (path: string) => string | undefined;
}

/**
 * Loads the config file named by a `config` input as every action does: the file is named in
 * messages as the user wrote it and read relative to the workspace; a missing default file is an
 * empty document, a missing named one an error. Returns the document and the path it was read from.
 */
export function loadConfigFile(
  configInput: string,
  workspace: string,
  readFile: (path: string) => string | undefined = readIfExists,
): { readonly doc: ConfigDocument; readonly path: string } {
  const name = configInput || CONFIG_FILE;
  const path = workspaceFile('config', name, workspace);
  const doc = loadConfig(name, {
    required: configInput !== '' && configInput !== CONFIG_FILE,
    readFile: () => readFile(path),
  });
  return { doc, path };
}

/**
 * Loads the config file ({@link loadConfigFile}) and resolves one environment; relative paths in
 * the file (env-file) are relative to the file's folder.
 */
export function loadEnvironment(src: EnvironmentSource): EnvironmentConfig {
  const { doc, path } = loadConfigFile(src.configInput, src.workspace, src.readFile);
  return doc.resolve(src.environment, src.overrides ?? {}, dirname(path), src.workspace);
}
