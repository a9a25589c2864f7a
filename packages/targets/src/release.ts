/**
 * What a post step does with a lock handle a killed run saved (LockHandle, as JSON): release it the
 * way its kind says. Dependency-free (node only), so the post bundle stays tiny; a target with a
 * lock of a new kind adds its releaser here.
 */
import type { LockHandle } from './lock.js';
import { releaseDockerLock } from './docker/release.js';
import { releaseKubernetesLock } from './kubernetes/release.js';

/** The state a main step saves the deploy lock's handle (JSON) in, before the lock is taken. */
export const LOCK_STATE = 'lock';
/** The state a main step saves a private registry login's folder in. */
export const LOGIN_STATE = 'registry-login';

const RELEASERS: Readonly<Record<string, (h: never) => string | undefined>> = {
  docker: releaseDockerLock,
  kubernetes: releaseKubernetesLock,
};

/** Releases the lock `saved` (a LockHandle's JSON) names; returns a line for the log. */
export function releaseSavedLock(saved: string): string | undefined {
  const handle = JSON.parse(saved) as LockHandle;
  const release = RELEASERS[handle.kind];
  if (!release)
    return `No way to release a lock of kind ${handle.kind}: it expires after its time to live`;
  return release(handle as never);
}
