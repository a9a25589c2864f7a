/** Picks the {@link Target} for an environment once (STYLE.md §8): the only place that knows them all. */
import type { EnvironmentConfig } from '@switchyard/config';
import { DockerTarget, type DockerTargetDeps } from './docker/target.js';
import type { Target } from './target.js';

/** The target an environment's config names, ready to use. */
export function createTarget(c: EnvironmentConfig, deps: DockerTargetDeps): Target {
  switch (c.target) {
    case 'docker':
      return new DockerTarget(
        {
          app: c.app,
          environment: c.environment,
          host: c.dockerHost,
          port: c.port,
          previewPort: c.previewPort,
          bind: c.bind,
          ...(c.url !== undefined && { url: c.url }),
          ...(c.previewUrl !== undefined && { previewUrl: c.previewUrl }),
          proxyImage: c.proxy.image,
          proxyDefaults: c.proxy.defaults,
          containerPort: c.containerPort,
          env: c.env,
          ...(c.envFile !== undefined && { envFile: c.envFile }),
          volumes: c.volumes,
          ...(c.network !== undefined && { network: c.network }),
          resources: c.resources,
          ...(c.command !== undefined && { command: c.command }),
          stopTimeoutMs: c.stopTimeoutMs,
        },
        deps,
      );
  }
}
