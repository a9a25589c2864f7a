/**
 * Releases a Docker deploy lock a killed run left, for the post step: dependency-free (node only),
 * so the post bundle stays tiny. Only a lock carrying the run's own random token is removed.
 */
import { spawnSync } from 'node:child_process';

/** The Docker target's LockHandle as the post step reads it back (JSON). */
interface SavedDockerLock {
  readonly kind: string;
  readonly token: string;
  readonly host: { kind: string; url?: string; name?: string };
  readonly name: string;
}

/** On the lock container: the holder's token (LABELS.token). */
const TOKEN_LABEL = 'switchyard.lock.token';

/** Removes the lock `h` names if it still carries `h.token`; returns what it did, for the log. */
export function releaseDockerLock(h: SavedDockerLock): string | undefined {
  const args = h.host.kind === 'context' && h.host.name ? ['--context', h.host.name] : [];
  const env =
    h.host.kind === 'host' && h.host.url
      ? { ...process.env, DOCKER_HOST: h.host.url }
      : process.env;
  const docker = (...a: string[]): { status: number | null; stdout: string } =>
    spawnSync('docker', [...args, ...a], { env, encoding: 'utf8' });
  const found = docker(
    'container',
    'inspect',
    '--format',
    `{{.Id}} {{index .Config.Labels "${TOKEN_LABEL}"}}`,
    h.name,
  );
  if (found.status !== 0) return undefined; // released by the main step, as it should be
  const [id = '', token = ''] = found.stdout.trim().split(' ');
  if (token !== h.token) return undefined; // someone else's lock now
  return docker('rm', '-f', id).status === 0
    ? `Released the deploy lock ${h.name} the main step left behind`
    : undefined;
}
