/**
 * The post step: removes the private docker config if the main step could not (it was killed, or
 * the runner cancelled it). A separate, dependency-free bundle: the runner starts it after every
 * run, so it must cost no more than Node's own start-up.
 */
import { existsSync, rmSync } from 'node:fs';
import { inertLine } from '@switchyard/kit/log-line';

const dir = process.env['STATE_docker-config'] ?? '';
if (dir && existsSync(dir)) {
  rmSync(dir, { recursive: true, force: true });
  console.log(inertLine(`Removed the temporary docker config ${dir}`));
}
