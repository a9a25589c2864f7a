/** Builds the {@link Target} an environment's config names (STYLE.md §8), through its kind (kinds.ts). */
import type { EnvironmentConfig } from '@switchyard/config';
import type { Credentials } from '@switchyard/image';
import { kindOf } from './kinds.js';
import type { Target, TargetDeps } from './target.js';

/** The target an environment's config names, ready to use; each kind builds its own extras. */
export function createTarget(c: EnvironmentConfig, deps: TargetDeps): Target {
  return kindOf(c).create(c, c.target, deps);
}

/** What an action knows that a target is built from, besides the environment's config. */
export interface TargetRequest {
  /** Registry credentials for the images the environment runs (registry-username/-password). */
  readonly credentials?: Credentials;
  /** The workload's secret values, by name. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** A kubeconfig's content (the `kubeconfig` input), for a Kubernetes target. */
  readonly kubeconfig?: string;
}

/** What an action's run gives every target: the target deps but what the request carries. */
export type ActionTargetDeps = Omit<TargetDeps, 'credentials' | 'secretValues' | 'kubeconfig'>;

/**
 * The one way deploy-bluegreen, rollback and monitor-window's rollback build their target: the
 * environment's config, the run's credentials and secrets, and the step's deps. Warns the config's
 * notices (an older form of the file, still read). Close it after use.
 */
export function openTarget(
  c: EnvironmentConfig,
  req: TargetRequest,
  deps: ActionTargetDeps,
): Target {
  c.notices.forEach((n) => deps.log.warning(n));
  return createTarget(c, {
    exec: deps.exec,
    clock: deps.clock,
    log: deps.log,
    ...(deps.env && { env: deps.env }),
    ...(req.credentials && { credentials: req.credentials }),
    ...(deps.onPrivateDir && { onPrivateDir: deps.onPrivateDir }),
    ...(deps.recordExtras && { recordExtras: deps.recordExtras }),
    ...(req.secrets && { secretValues: req.secrets }),
    ...(req.kubeconfig && { kubeconfig: req.kubeconfig }),
  });
}
