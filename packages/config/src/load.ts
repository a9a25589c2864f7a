/** `loadConfig`: reads a config file from disk (or a fake reader in tests) and parses it. */
import { readFileSync } from 'node:fs';
import { ConfigError, errorMessage } from '@switchyard/kit';
import { parseConfig } from './document.js';
import type { ConfigDocument } from './types.js';

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
