/** The blue-green state model (DESIGN.md §3): what a target reports and records. */
import type { Color } from './contract.js';

/** One release: an image started in a color. */
export interface Release {
  /** The image reference as the deploy gave it. */
  readonly image: string;
  /** Repo digest (`sha256:…`), or the image id when the image has no repo digest. */
  readonly digest: string;
  readonly version: string;
  /** The run URL (or CLI user) that deployed it. */
  readonly deployId: string;
  readonly actor: string;
  /** ISO time. */
  readonly createdAt: string;
}

/** The keys a target stores a release under on its workload (Docker labels, Kubernetes annotations). */
export type ReleaseKeys = Readonly<Record<keyof Release, string>>;

/** `release` as key → value pairs under `keys`, for a workload's labels or annotations. */
export function releaseEntries(release: Release, keys: ReleaseKeys): Record<string, string> {
  return {
    [keys.image]: release.image,
    [keys.digest]: release.digest,
    [keys.version]: release.version,
    [keys.deployId]: release.deployId,
    [keys.actor]: release.actor,
    [keys.createdAt]: release.createdAt,
  };
}

/** The release stored under `keys` in a workload's labels or annotations ('' for what is missing). */
export function storedRelease(
  values: Readonly<Record<string, string>>,
  keys: ReleaseKeys,
): Release {
  return {
    image: values[keys.image] ?? '',
    digest: values[keys.digest] ?? '',
    version: values[keys.version] ?? '',
    deployId: values[keys.deployId] ?? '',
    actor: values[keys.actor] ?? '',
    createdAt: values[keys.createdAt] ?? '',
  };
}

/** What the target sees of one color right now. */
export interface ColorStatus extends Release {
  readonly color: Color;
  /** `running`, `exited`, `created`, `restarting`, … as the target says. */
  readonly state: string;
  readonly running: boolean;
  /** The workload's own health check status; `none` when it has none. */
  readonly health: 'none' | 'starting' | 'healthy' | 'unhealthy';
  readonly exitCode?: number;
}

/** A deploy, switch or rollback, as remembered by the target. */
export interface HistoryEntry {
  readonly at: string;
  readonly action: 'deploy' | 'promote' | 'rollback' | 'reconcile';
  readonly color: Color;
  readonly image: string;
  readonly digest: string;
  readonly version: string;
  readonly deployId: string;
  readonly actor: string;
  readonly previousColor?: Color;
  readonly previousImage?: string;
  /**
   * The digest that was live before: a rollback marks it as the version rolled back from, until a
   * newer switch puts it live again (`rolledBackFrom` in record.ts has the rule).
   */
  readonly previousDigest?: string;
  readonly reason?: string;
}

/** A color started with `promote: false`, waiting for `action: promote`. */
export interface Pending {
  readonly color: Color;
  readonly digest: string;
  readonly deployId: string;
}

/** The record kept on the target itself (beside its router), so any run reads the same truth. */
export interface DeployRecord {
  readonly live: Color | null;
  readonly previous: Color | null;
  readonly switchedAt?: string;
  /** When the previous color may be retired (switchedAt + keep-previous). */
  readonly retireAfter?: string;
  readonly pending?: Pending;
  /**
   * Set by a rollback just before it switches: the digest it moves away from. A switch clears it;
   * if the run dies in between, the next rollback still knows not to go back to that digest
   * (until that switch, whatever the history says: `rolledBackFrom` in record.ts).
   */
  readonly rollingBackFrom?: string;
  readonly history: readonly HistoryEntry[];
  /** Deploy locks broken by `--break-lock`, newest first (at most {@link LOCK_BREAKS_KEPT}). */
  readonly lockBreaks?: readonly LockBreak[];
  /**
   * The deploy freeze switch (`switchyard freeze`), as stored: @switchyard/calendar's serialised
   * form, read back with its parseFreezeRecord (untrusted). Every deploy and promote refuses while
   * it stands; rollback never does.
   */
  readonly freeze?: string;
  /** Where the release's Slack message is, so later steps update it in place (notify). */
  readonly slackThread?: StoredThread;
}

/** A Slack message's place: channel id, message ts, and the release (`app/env/deployId`) it tells of. */
export interface StoredThread {
  readonly channel: string;
  readonly ts: string;
  readonly release: string;
}

/** How many lock breaks a record keeps. */
export const LOCK_BREAKS_KEPT = 10;

/** A deploy lock removed by `--break-lock` before its lease lapsed: who broke whose lock, and why. */
export interface LockBreak {
  readonly at: string;
  /** The breaker: its deploy id (run URL, or `local:user@host pid N`) and actor. */
  readonly by: string;
  readonly actor: string;
  /** The holder whose lock was removed, as the waiting lines describe it. */
  readonly held: string;
  readonly reason: string;
}

/** Everything `status` returns. */
export interface TargetState extends DeployRecord {
  readonly colors: Partial<Readonly<Record<Color, ColorStatus>>>;
  /** False before the first deploy created the proxy. */
  readonly exists: boolean;
  /** Warnings found while reading (e.g. the record disagreed with the proxy and was corrected). */
  readonly notes: readonly string[];
  /**
   * Set when the router itself serves nothing (e.g. the proxy crash-loops or is stopped): what is
   * wrong with it, as a clause. `status` fails on it; a deploy or rollback repairs the router.
   */
  readonly routerDown?: string;
  /**
   * What a run that stopped mid-switch left out of step with the routes in force, for the next run
   * to repair (`repairInterrupted` in bluegreen.ts): the router's saved routes (what a router
   * restart would serve), and the stored record (already corrected in this state).
   */
  readonly interrupted?: Interrupted;
}

/** See {@link TargetState.interrupted}: each set field says what is out of step, for people. */
export interface Interrupted {
  /** The router serves other routes than it saved: a restart would go back to the saved ones. */
  readonly routes?: string;
  /** The stored record named another live color than the router serves. */
  readonly record?: string;
}

/** An empty record: nothing deployed yet. */
export const EMPTY_RECORD: DeployRecord = { live: null, previous: null, history: [] };
