/**
 * The post step: if the main step died holding the deploy lock (killed, cancelled), release it so
 * the next deploy doesn't wait for it to go stale; and remove a private docker config left behind.
 * Only a lock carrying this run's own random token is removed, never another holder's.
 * Dependency-free: the runner starts it after every run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { inertLine } from '@switchyard/kit/log-line';

/** A lock handle as a target saved it: its kind says how to release it (LockHandle in packages/targets). */
interface SavedLock {
  kind: string;
  token: string;
}

/** Mirrors the Docker target's LockHandle (kept apart so this bundle stays tiny). */
interface DockerLockHandle extends SavedLock {
  kind: 'docker';
  host: { kind: string; url?: string; name?: string };
  name: string;
}

const TOKEN_LABEL = 'switchyard.lock.token';

function releaseDockerLock(h: DockerLockHandle): void {
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
  if (found.status !== 0) return; // released by the main step, as it should be
  const [id = '', token = ''] = found.stdout.trim().split(' ');
  if (token !== h.token) return; // someone else's lock now
  if (docker('rm', '-f', id).status === 0)
    console.log(inertLine(`Released the deploy lock ${h.name} the main step left behind`));
}

/** How each kind of lock is released; a target with a lock of a new kind adds its releaser here. */
const RELEASE: Readonly<Record<string, (h: SavedLock) => void>> = {
  docker: (h) => releaseDockerLock(h as DockerLockHandle),
};

const lock = process.env['STATE_lock'] ?? '';
if (lock) {
  const handle = JSON.parse(lock) as SavedLock;
  const release = RELEASE[handle.kind];
  if (release) release(handle);
  else
    console.log(
      inertLine(
        `No way to release a lock of kind ${handle.kind}: it expires after its time to live`,
      ),
    );
}
const dir = process.env['STATE_docker-config'] ?? '';
if (dir && existsSync(dir)) {
  rmSync(dir, { recursive: true, force: true });
  console.log(inertLine(`Removed the temporary docker config ${dir}`));
}
