/** Picks the {@link Target} for an environment once (STYLE.md §8): the only place that knows them all. */
import type { EnvironmentConfig } from '@switchyard/config';
import type { Credentials } from '@switchyard/image';
import { openRuntimeSession } from './docker/session.js';
import { DockerTarget } from './docker/target.js';
import type { Target, TargetDeps } from './target.js';

/** The target an environment's config names, ready to use; each kind builds its own extras. */
export function createTarget(c: EnvironmentConfig, deps: TargetDeps): Target {
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
        // HAProxy's runtime API through one kept-open session: switches in milliseconds.
        { ...deps, runtimeSession: openRuntimeSession },
      );
  }
}

/** What an action knows that a target is built from, besides the environment's config. */
export interface TargetRequest {
  /** Registry credentials for the images the environment runs (registry-username/-password). */
  readonly credentials?: Credentials;
  /** The workload's secret values, by name. */
  readonly secrets?: Readonly<Record<string, string>>;
}

/** What an action's run gives every target: the target deps but what the request carries. */
export type ActionTargetDeps = Omit<TargetDeps, 'credentials' | 'secretValues'>;

/**
 * The one way deploy-bluegreen, rollback and monitor-window's rollback build their target: the
 * environment's config, the run's credentials and secrets, and the step's deps. Close it after use.
 */
export function openTarget(
  c: EnvironmentConfig,
  req: TargetRequest,
  deps: ActionTargetDeps,
): Target {
  return createTarget(c, {
    exec: deps.exec,
    clock: deps.clock,
    log: deps.log,
    ...(deps.env && { env: deps.env }),
    ...(req.credentials && { credentials: req.credentials }),
    ...(deps.onPrivateDir && { onPrivateDir: deps.onPrivateDir }),
    ...(req.secrets && { secretValues: req.secrets }),
  });
}
