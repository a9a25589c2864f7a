/**
 * The post step of deploy-bluegreen, rollback and monitor-window: if the main step died holding the
 * deploy lock (killed, cancelled), release it so the next deploy doesn't wait for it to lapse; and
 * remove a private registry login left behind. Only a lock carrying this run's own random token is
 * released, never another holder's. Dependency-free: the runner starts it after every run.
 */
import { existsSync, rmSync } from 'node:fs';
import { inertLine } from '@switchyard/kit/log-line';
import { LOCK_STATE, LOGIN_STATE, releaseSavedLock } from '@switchyard/targets/release';

const lock = process.env[`STATE_${LOCK_STATE}`] ?? '';
if (lock) {
  const done = releaseSavedLock(lock);
  if (done) console.log(inertLine(done));
}
const dir = process.env[`STATE_${LOGIN_STATE}`] ?? '';
if (dir && existsSync(dir)) {
  rmSync(dir, { recursive: true, force: true });
  console.log(inertLine(`Removed the temporary registry login ${dir}`));
}
