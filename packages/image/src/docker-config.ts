/**
 * A private, temporary docker config directory for one login: the user's settings and plugins
 * (cli-plugins, buildx builders, contexts) stay visible, but the credentials go to a file we own and
 * delete, never to the user's ~/.docker or a credential helper.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The docker config dir the CLI would use: `$DOCKER_CONFIG`, else `~/.docker`. */
export function userDockerConfig(env: Readonly<Record<string, string | undefined>>): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

/** The user's config.json without the parts that would send a login elsewhere. */
export function privateConfig(userConfig: string, registry: string): string {
  let doc: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(userConfig) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      doc = { ...(parsed as Record<string, unknown>) };
  } catch {
    doc = {};
  }
  delete doc.credsStore;
  const helpers = doc.credHelpers;
  if (helpers && typeof helpers === 'object') {
    const rest = { ...(helpers as Record<string, unknown>) };
    delete rest[registry];
    doc.credHelpers = rest;
  }
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Creates the temporary config dir under `parent` (the runner's temp dir): config.json copied without
 * credsStore, every other entry of the user's dir linked. Returns its path.
 */
export function createDockerConfig(
  parent: string | undefined,
  userDir: string,
  registry: string,
): string {
  const dir = mkdtempSync(join(parent || tmpdir(), 'switchyard-docker-'));
  const configFile = join(userDir, 'config.json');
  const user = existsSync(configFile) ? readFileSync(configFile, 'utf8') : '{}';
  writeFileSync(join(dir, 'config.json'), privateConfig(user, registry), { mode: 0o600 });
  if (existsSync(userDir))
    for (const entry of readdirSync(userDir))
      if (entry !== 'config.json') symlinkSync(join(userDir, entry), join(dir, entry));
  return dir;
}

/** Removes a directory made by {@link createDockerConfig}; true when something was removed. */
export function removeDockerConfig(dir: string): boolean {
  if (!dir || !existsSync(dir)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}
