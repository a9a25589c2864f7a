/**
 * The `Target` interface (DESIGN.md §3): the few operations blue-green needs from wherever the
 * colors run. The orchestration (bluegreen.ts) is written once against it; `docker` implements
 * it today and `kubernetes` slots in beside it without changing the actions.
 */
import type { Clock, Exec, Logger } from '@switchyard/kit';
import type { Credentials } from '@switchyard/image';
import type { Color } from './contract.js';
import type { LockHolder, LockOptions } from './docker/lock.js';
import type { DeployRecord, Release, TargetState } from './model.js';

export type { LockHolder, LockOptions };

/**
 * What every target is built with (`createTarget`): the same for each kind. A target builds what
 * else it needs itself (the Docker target its HAProxy runtime session, its private docker config).
 */
export interface TargetDeps {
  readonly exec: Exec;
  readonly clock: Clock;
  readonly log: Logger;
  /** The step's environment (RUNNER_TEMP, HOME, …): where a target keeps private files. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Credentials for the registry of the images this environment runs (a private registry). The
   * target logs in its own way just before it pulls one of them, and forgets the login on close().
   */
  readonly credentials?: Credentials;
  /** Told about each private folder (a registry login) a killed run's post step must remove. */
  readonly onPrivateDir?: (dir: string) => void;
  /** Secret values for the workload, by name; passed through the environment, never argv. */
  readonly secretValues?: Readonly<Record<string, string>>;
}

/** An image resolved on the target. */
export interface ResolvedImage {
  /** As the user gave it. */
  readonly ref: string;
  /** What the target runs: `repo@sha256:…` when there is a repo digest, else the image id. */
  readonly pinned: string;
  /** The identity compared for "already live": repo digest, or image id. */
  readonly digest: string;
  /** `org.opencontainers.image.version` from the image's labels, if any. */
  readonly version?: string;
  /** Whether the image defines a Docker HEALTHCHECK. */
  readonly healthcheck: boolean;
}

/** One look at a starting color (no waiting). */
export interface Readiness {
  /** The container (pod) exists and runs. */
  readonly running: boolean;
  /** Exited or crashed: waiting longer won't help. */
  readonly failed: boolean;
  /** `none` when the workload has no health check of its own. */
  readonly health: 'none' | 'starting' | 'healthy' | 'unhealthy';
  /** The preview route reaches this very container. */
  readonly routed: boolean;
  /** For progress lines and errors: state, exit code, restarts. */
  readonly detail: string;
}

/** What the plan/summary shows of what a change did to the router. */
export type RouterChange = 'created' | 'started' | 'reloaded' | 'unchanged';

/** See {@link Target.lockHandle}; read by the post step (dependency-free, so a plain shape). */
export interface LockHandle {
  readonly kind: 'docker';
  readonly host: { readonly kind: string; readonly url?: string; readonly name?: string };
  /** The lock container's name. */
  readonly name: string;
  readonly token: string;
}

export interface Target {
  /** For messages: `docker (local)`, `docker (ssh://deploy@host)`. */
  readonly description: string;
  /** Where users reach the live color, and the idle one before a switch. */
  readonly url: string;
  readonly previewUrl: string;
  /** Checks the target answers; returns its version. Fails naming the target. */
  connect(): Promise<string>;
  /** Pulls (or finds) an image on the target. */
  resolveImage(ref: string, pull: 'always' | 'missing' | 'never'): Promise<ResolvedImage>;
  /** Looks an image up without pulling (dry-run); undefined when the target doesn't have it. */
  findImage(ref: string): Promise<ResolvedImage | undefined>;
  /**
   * What a post step needs to release this holder's lock if the run dies holding it (JSON-able).
   * Saved before the lock is taken, so no moment exists where a lock is held but not recorded.
   */
  lockHandle(holder: LockHolder): LockHandle;
  /** Takes the app+environment's deploy lock; resolves to a release function. */
  lock(holder: LockHolder, opts: LockOptions): Promise<{ id: string; release(): Promise<void> }>;
  /** Creates or updates the router (validating any new config before applying it). */
  prepare(): Promise<RouterChange>;
  /** Reads the live state: routes, colors, the record. Changes nothing. */
  status(): Promise<TargetState>;
  /** Starts `image` as `color`, replacing whatever ran there. Never touches the other color. */
  start(color: Color, image: ResolvedImage, release: Release): Promise<void>;
  /** One readiness look at a color. */
  readiness(color: Color): Promise<Readiness>;
  /** The last log lines of a color. */
  logs(color: Color, lines: number): Promise<string>;
  /** Stops a color (keeps it for inspection). */
  stop(color: Color): Promise<void>;
  /**
   * Routes live traffic to `color` in one atomic step (preview then reaches the other), verifies
   * it and persists the routing. Resolves to the duration of the atomic step itself.
   */
  switchTo(color: Color): Promise<number>;
  /** Routes the preview to `color` (before readiness checks). */
  preview(color: Color): Promise<void>;
  /** Persists the record (live/previous, times, pending, history). */
  saveRecord(record: DeployRecord): Promise<void>;
  /** Releases what the target keeps open between calls (e.g. a runtime session). */
  close(): Promise<void>;
}
