/** Tests of Docker settings read an environment's target as Docker's (failing if it is another). */
import type { DockerSettings, EnvironmentConfig } from '@switchyard/config';

/** The environment's target settings, which the test expects to be Docker's. */
export function dockerOf(c: Pick<EnvironmentConfig, 'target'>): DockerSettings {
  if (c.target.kind !== 'docker') throw new Error(`the target is ${c.target.kind}, not docker`);
  return c.target;
}
