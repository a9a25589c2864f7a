/**
 * The `Target` interface (DESIGN.md §3): the few operations blue-green needs from wherever the
 * colors run. The orchestration (bluegreen.ts) is written once against it; each kind of target
 * implements it in its own folder, and `createTarget` is the one place that picks one.
 */
import type { Clock, Exec, Logger } from '@switchyard/kit';
import type { Credentials } from '@switchyard/image';
import type { Color } from './contract.js';
import type { Lease, LockHandle, LockHolder, LockOptions } from './lock.js';
import type { ColorStatus, DeployRecord, Release, TargetState } from './model.js';

/**
 * What every target is built with (`createTarget`): the same for each kind. A target builds what
 * else it needs itself (a runtime session on its router, a private registry login).
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
  /**
   * A kubeconfig's content (the actions' `kubeconfig` input), for targets that use one: written to
   * a private file for the run and removed on close(). Other targets ignore it.
   */
  readonly kubeconfig?: string;
  /**
   * Fields this run adds to every record it saves (the release's Slack thread, once notify posted
   * it), so later steps of the release find them whatever saves the record next.
   */
  readonly recordExtras?: () => Partial<Pick<DeployRecord, 'slackThread'>>;
}

/** The record a target stores: `record` with the run's {@link TargetDeps.recordExtras}. */
export function withExtras(
  record: DeployRecord,
  deps: Pick<TargetDeps, 'recordExtras'>,
): DeployRecord {
  return deps.recordExtras ? { ...record, ...deps.recordExtras() } : record;
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
  /**
   * The commit the image was built from (`org.opencontainers.image.revision`, a hex sha: anything
   * else in the label is ignored), when the target can read its labels.
   */
  readonly revision?: string;
  /** The TCP ports the image says it listens on (Docker's EXPOSE), when the target can tell. */
  readonly ports?: readonly number[];
}

/** One look at a starting color (no waiting). */
export interface Readiness {
  /** The container (pod) exists and runs. */
  readonly running: boolean;
  /** Exited or crashed: waiting longer won't help. */
  readonly failed: boolean;
  /** `none` when the workload has no health check of its own. */
  readonly health: 'none' | 'starting' | 'healthy' | 'unhealthy';
  /**
   * A `starting` health holds the color back (the target is set to wait for the workload's own
   * check). Otherwise the HTTP check decides while it is `starting`; `unhealthy` always holds back.
   */
  readonly awaitHealth?: boolean;
  /** The color as this look saw it (a color started by this run needs no second read). */
  readonly status?: ColorStatus;
  /** The preview route reaches this very container. */
  readonly routed: boolean;
  /** For progress lines and errors: state, exit code, restarts. */
  readonly detail: string;
}

/**
 * What the plan/summary shows of what a change did to the router: `recreated` (on another image, a
 * restart of the router), `repaired` (a broken router given a valid config and restarted).
 */
export type RouterChange =
  'created' | 'recreated' | 'repaired' | 'started' | 'reloaded' | 'unchanged';

/** The target's own words for the steps a plan lists (the dry run) and logs show. */
export interface TargetWords {
  /** The first deploy's setup, e.g. `create the proxy, its network and volume`. */
  readonly setup: string;
  /** What "ready" means besides the HTTP check, e.g. `container running, its health check healthy`. */
  readonly ready: string;
  /** How the switch happens, e.g. `one runtime call on the proxy`. */
  readonly switch: string;
}

export interface Target {
  /** For messages: the kind and where it is, e.g. `<kind> (<host or cluster>)`. */
  readonly description: string;
  /** How plans and logs word this target's steps. */
  readonly words: TargetWords;
  /** Where users reach the live color, and the idle one before a switch. */
  readonly url: string;
  readonly previewUrl: string;
  /** Checks the target answers; returns what answered (its server and version). Fails naming the target. */
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
  /** Takes the app+environment's deploy lock (waiting up to `opts.timeoutMs`): a lease. */
  lock(holder: LockHolder, opts: LockOptions): Promise<Lease>;
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
  /**
   * Saves the routes in force where a router restart reads them (after a run stopped between the
   * atomic switch and that save: `TargetState.interrupted.routes`).
   */
  saveRoutes(): Promise<void>;
  /** Persists the record (live/previous, times, pending, history). */
  saveRecord(record: DeployRecord): Promise<void>;
  /** Releases what the target keeps open between calls (e.g. a runtime session). */
  close(): Promise<void>;
  /**
   * What the target's own server says of starting `image` as `color`, without doing it (a plan's
   * extra lines; a refusal is a line starting `stop with an error:`). Absent: the target has no
   * such check (Docker validates nothing before a create).
   */
  dryRun?(color: Color, image: ResolvedImage, release: Release): Promise<readonly string[]>;
}
