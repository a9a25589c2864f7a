/**
 * Blue-green over any {@link Target}: deploy (start the idle color, wait ready, switch), promote
 * (switch to a color started with promote: false), status. Written once; targets only supply the
 * primitive steps. Live traffic moves only in `switchTo`, and only after the new color is ready.
 */
import {
  ActionError,
  errorMessage,
  formatDuration,
  type Clock,
  type Logger,
} from '@switchyard/kit';
import type { Http } from '@switchyard/probe';
import { COLORS, otherColor, type Color } from './contract.js';
import type {
  ColorStatus,
  DeployRecord,
  HistoryEntry,
  Release,
  StoredThread,
  TargetState,
} from './model.js';
import {
  liveDown,
  liveEntry,
  recordLockBreak,
  recordOf,
  recordPending,
  recordSwitch,
} from './record.js';
import { healthUrl, waitReady, type HealthCheck, type ReadyOutcome } from './ready.js';
import {
  describeHeld,
  keepRenewed,
  type BrokenLock,
  LEASE_TTL_MS,
  type LeaseKeeper,
  type LockHandle,
  type LockHolder,
} from './lock.js';
import { readRepaired, readRepairedIfFree } from './repair.js';
import type { ResolvedImage, RouterChange, Target } from './target.js';
import { warmUp, type WarmUp } from './warmup.js';
import { eventRelease, type Announce } from './events.js';
import { AfterSwitchError } from './switched.js';

export interface BlueGreenDeps {
  readonly clock: Clock;
  readonly log: Logger & { group<T>(title: string, fn: () => Promise<T>): Promise<T> };
  readonly http: Http;
  /** Told how to release the lock before it is taken, so a post step can if the run dies. */
  readonly onLock?: (handle: LockHandle) => void;
  /** Told what happens to the release as it happens (records, notifications); never throws. */
  readonly announce?: Announce;
}

export interface DeploySettings {
  readonly health: HealthCheck;
  readonly readyTimeoutMs: number;
  readonly keepPreviousMs: number;
  readonly lockTimeoutMs: number;
  readonly holder: LockHolder;
  /** Requests sent to the new color through the preview before a switch; absent or null: none. */
  readonly warmUp?: WarmUp | null;
  /**
   * Checks the state read under the lock before a deploy or promote changes anything (the freeze
   * switch); throws to refuse. Rollback never asks.
   */
  readonly admit?: (state: TargetState) => void;
  /** Said in the history entry of the switch (e.g. `override-window: <reason>`). */
  readonly reason?: string;
}

export interface DeployRequest extends DeploySettings {
  readonly image: string;
  readonly pull: 'always' | 'missing' | 'never';
  /** Overrides the version read from the image. */
  readonly version?: string;
  readonly promote: boolean;
  readonly keepFailed: boolean;
  /**
   * Deploy only if the live release is this digest (`none`: nothing live), checked under the lock:
   * a deploy that waited for another refuses, changing nothing, when that one moved live on.
   */
  readonly ifLiveIs?: string;
}

/** What a run did, for outputs and the summary. */
export interface BlueGreenResult {
  readonly action: 'deploy' | 'promote' | 'status' | 'plan' | 'rollback' | 'retire';
  /** Live traffic (or the pending color) changed. */
  readonly changed: boolean;
  /** Live traffic moved to a new color. */
  readonly switched: boolean;
  readonly before: TargetState;
  readonly after: TargetState;
  /** The color this run started (deploy) or promoted. */
  readonly color?: Color;
  readonly url: string;
  readonly previewUrl: string;
  readonly router?: RouterChange;
  readonly ready?: ReadyOutcome;
  /** How long the switch itself took (the runtime call, verified). */
  readonly switchMs?: number;
  readonly message: string;
  /** Dry-run only: the steps a deploy would take. */
  readonly plan?: readonly string[];
  /** Dry-run only: the release a deploy would start, when the target has its image. */
  readonly candidate?: {
    readonly image: string;
    readonly digest: string;
    readonly version: string;
    readonly revision?: string;
  };
  /**
   * `status` only: why the environment serves nothing ({@link liveDown}), as a sentence. The step
   * fails with it after writing its outputs and summary.
   */
  readonly failure?: string;
}

/** The live color's status, if any. */
export function liveStatus(s: TargetState): ColorStatus | undefined {
  return s.live ? s.colors[s.live] : undefined;
}

/** A human version for an image: the input, the image label, the tag, or a short digest. */
/** The first 12 hex digits of a digest: how a release without a version is named. */
export const shortDigest = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);

export function versionOf(ref: string, image: ResolvedImage, given?: string): string {
  if (given) return given;
  if (image.version) return image.version;
  const name = ref.replace(/@sha256:[a-f0-9]+$/, '');
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) return name.slice(colon + 1);
  return shortDigest(image.digest);
}

/** A state whose record fields are replaced by `record` (a field the record lacks is gone). */
export function withRecord(state: TargetState, record: DeployRecord): TargetState {
  return { colors: state.colors, exists: state.exists, notes: state.notes, ...recordOf(record) };
}

/** Deploys an image: start it in the idle color, wait until ready, switch unless `promote` is false. */
export async function deploy(
  target: Target,
  req: DeployRequest,
  deps: BlueGreenDeps,
): Promise<BlueGreenResult> {
  const { log, clock } = deps;
  const started = clock.now();
  await connect(target, log);
  const image = await deps.log.group(`Pull ${req.image}`, () =>
    target.resolveImage(req.image, req.pull),
  );
  log.info(`Image ${req.image} is ${image.pinned}`);
  return withLock(target, req, deps, async () => {
    const router = await target.prepare();
    const before = await readRepaired(target, req.holder, deps);
    req.admit?.(before);
    const live = liveStatus(before);
    movedOn(before, started, req, log);
    if (live && live.digest === image.digest && live.running) {
      // Saved even so: it clears a stale pending entry and stores a record reconciled with the proxy.
      const record = recordPending(before, undefined);
      await target.saveRecord(record);
      return {
        action: 'deploy',
        changed: false,
        switched: false,
        before,
        after: withRecord(before, record),
        color: live.color,
        url: target.url,
        previewUrl: target.previewUrl,
        router,
        message: `${req.image} (${image.digest}) is already live on ${live.color}: nothing to do`,
      };
    }
    const color: Color = before.live ? otherColor(before.live) : 'blue';
    const release: Release = {
      image: req.image,
      digest: image.digest,
      version: versionOf(req.image, image, req.version),
      deployId: req.holder.deployId,
      actor: req.holder.actor,
      createdAt: new Date(clock.now()).toISOString(),
    };
    const replaced = before.colors[color];
    const announce = deps.announce ?? (() => Promise.resolve());
    const thread = before.slackThread;
    await announce({
      kind: 'started',
      release: eventRelease(release),
      color,
      ...(live && { previous: eventRelease(live) }),
      ...(image.revision && { revision: image.revision }),
      ...(thread && { thread }),
    });
    const ready = await untilLive(announce, release, thread, async () => {
      await log.group(`Start ${color}: ${req.image}`, async () => {
        if (replaced)
          log.info(
            `replacing the ${replaced.running ? 'warm' : 'stopped'} ${color} (${replaced.image})`,
          );
        await target.start(color, image, release);
      });
      const outcome = await waitReady(target, color, req.health, req.readyTimeoutMs, deps);
      if (!outcome.ready) await failStart(target, color, outcome, req.keepFailed, before, deps);
      return outcome;
    });
    log.info(
      `${color} is ready after ${formatDuration(ready.elapsedMs)} (${ready.checks} health check(s) through ${healthUrl(target.previewUrl, req.health.path)}${ready.healthStarting ? "; the image's own health check has not reported yet" : ''})`,
    );
    await announce({
      kind: 'preview',
      release: eventRelease(release),
      color,
      previewUrl: target.previewUrl,
      ...(thread && { thread }),
    });
    if (!req.promote) {
      const record = recordPending(before, {
        color,
        digest: image.digest,
        deployId: release.deployId,
      });
      await target.saveRecord(record);
      return {
        action: 'deploy',
        changed: true,
        switched: false,
        before,
        after: withRecord(await startedState(target, before, color, ready), record),
        color,
        url: target.url,
        previewUrl: target.previewUrl,
        router,
        ready,
        message: `${req.image} is ready on ${color} at ${target.previewUrl}; live traffic stays on ${before.live ?? 'nothing'} until "action: promote"`,
      };
    }
    return untilLive(announce, release, thread, () =>
      switchLive(target, color, 'deploy', before, req, deps, {
        router,
        ready,
        fresh: true,
        ...(req.reason && { reason: req.reason }),
      }),
    );
  });
}

/**
 * Runs the steps of a deploy or promote up to and including the switch; when one fails before live
 * traffic reached `release`, its `failed` event is announced before the error goes on. A failure
 * after the switch ({@link AfterSwitchError}) is no failed deploy: it is announced as a warning.
 */
async function untilLive<T>(
  announce: Announce,
  release: Pick<Release, 'image' | 'digest' | 'version' | 'deployId'>,
  thread: StoredThread | undefined,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const told = { release: eventRelease(release), ...(thread && { thread }) };
    await announce(
      error instanceof AfterSwitchError
        ? { kind: 'warning', ...told, message: errorMessage(error) }
        : { kind: 'failed', ...told, reason: errorMessage(error) },
    );
    throw error;
  }
}

/**
 * The state with the color this run started as readiness last saw it (its container is new since
 * `before` was read); read again only when the target didn't tell. Its notes were logged with `before`.
 */
async function startedState(
  target: Target,
  before: TargetState,
  color: Color,
  ready: ReadyOutcome,
): Promise<TargetState> {
  if (!ready.status) return target.status();
  return { ...before, colors: { ...before.colors, [color]: ready.status }, notes: [] };
}

/**
 * What changed live while this deploy pulled and waited for the lock (switches recorded since it
 * started), said as a warning; with `ifLiveIs`, a live release other than the one given refuses
 * the deploy before anything starts.
 */
function movedOn(before: TargetState, started: number, req: DeployRequest, log: Logger): void {
  const since = before.history.filter((h) => Date.parse(h.at) >= started);
  const live = liveStatus(before) ?? (before.live ? liveEntry(before) : undefined);
  const liveText = live ? `${live.version} (${live.digest})` : 'nothing';
  const moves = since
    .filter((h) => h.action !== 'reconcile')
    .map((h) => `${h.action} of ${h.version} by ${h.deployId} at ${h.at}`);
  if (moves.length > 0)
    log.warning(
      `while this deploy waited, the environment moved on: ${moves.join('; ')}. Live is now ${liveText}`,
    );
  if (req.ifLiveIs === undefined) return;
  const liveDigest = live?.digest ?? 'none';
  if (liveDigest !== req.ifLiveIs)
    throw new ActionError(
      `if-live-is: live is ${liveText}, not ${req.ifLiveIs}${moves.length > 0 ? ` (it moved on while this deploy waited: ${moves.join('; ')})` : ''}; nothing was changed. Deploy again against what is live now, or leave if-live-is out`,
    );
}

/** The release a promote expects to find waiting: the image a `promote: false` run deployed. */
export interface ExpectedRelease {
  /** As the user gave it (for messages). */
  readonly image: string;
  /** Its digest when the reference pins one (`sha256:…`); else the image reference must match. */
  readonly digest?: string;
}

/**
 * Promotes the color a `promote: false` deploy left ready. With `expect` (the release this run
 * deployed), a waiting color that runs another release is refused, changing nothing: another
 * deploy replaced it meanwhile.
 */
export async function promote(
  target: Target,
  req: DeploySettings & { readonly expect?: ExpectedRelease },
  deps: BlueGreenDeps,
): Promise<BlueGreenResult> {
  await connect(target, deps.log);
  return withLock(target, req, deps, async () => {
    const router = await target.prepare();
    const before = await readRepaired(target, req.holder, deps);
    req.admit?.(before);
    const pending = before.pending;
    const candidate = pending ? before.colors[pending.color] : undefined;
    if (
      !pending ||
      !candidate ||
      candidate.digest !== pending.digest ||
      pending.color === before.live
    )
      throw new ActionError(
        `nothing to promote: no color is waiting (live is ${before.live ?? 'none'}). Run a deploy with promote: false first; to go back to the previous version, use rollback`,
      );
    const expect = req.expect;
    if (
      expect &&
      (expect.digest ? candidate.digest !== expect.digest : candidate.image !== expect.image)
    )
      throw new ActionError(
        `not promoting: ${pending.color} waits with ${candidate.image} (${shortDigest(candidate.digest)}, deployed by ${pending.deployId}), not ${expect.image}, the release this run expects; nothing was changed and traffic stays on ${before.live ?? 'nothing'}. Another deploy replaced the waiting color meanwhile: deploy ${expect.image} again with promote: false, then promote`,
      );
    const ready = await waitReady(target, pending.color, req.health, req.readyTimeoutMs, deps);
    if (!ready.ready)
      throw new ActionError(
        `${pending.color} (${candidate.image}) is not ready, so it was not promoted and traffic stays on ${before.live ?? 'nothing'}: ${ready.reason ?? ''}`,
      );
    return untilLive(
      deps.announce ?? (() => Promise.resolve()),
      candidate,
      before.slackThread,
      () =>
        switchLive(target, pending.color, 'promote', before, req, deps, {
          router,
          ready,
          ...(req.reason && { reason: req.reason }),
        }),
    );
  });
}

/**
 * Reads the state. Changes nothing, but for repairing what a run that stopped mid-switch left out
 * of step, when the deploy lock is free (repair.ts).
 */
export async function status(
  target: Target,
  holder: LockHolder,
  deps: Pick<BlueGreenDeps, 'log' | 'clock'>,
): Promise<BlueGreenResult> {
  await connect(target, deps.log);
  const state = await readRepairedIfFree(target, holder, deps);
  for (const line of describeState(state)) deps.log.info(line);
  const down = liveDown(state);
  return {
    ...(down && {
      failure: `${down}: live traffic reaches nothing. Roll back (action: rollback, or switchyard rollback) or deploy; either repairs the router too`,
    }),
    action: 'status',
    changed: false,
    switched: false,
    before: state,
    after: state,
    url: target.url,
    previewUrl: target.previewUrl,
    message: state.live
      ? `live: ${state.live} (${liveStatus(state)?.image ?? 'unknown image'})`
      : 'nothing is live yet',
  };
}

/**
 * Moves live traffic to a ready `color`, records it (history entry `action`, with `reason`), and
 * reports the result. The one place every switch goes through: deploy, promote and rollback.
 */
export async function switchLive(
  target: Target,
  color: Color,
  action: 'deploy' | 'promote' | 'rollback',
  before: TargetState,
  req: DeploySettings,
  deps: BlueGreenDeps,
  extra: {
    router: RouterChange;
    ready: ReadyOutcome;
    reason?: string;
    /** `color` was started by this run, after `before` was read: read the state again. */
    fresh?: boolean;
  },
): Promise<BlueGreenResult> {
  const { clock, log } = deps;
  const next = before.colors[color];
  // The lease's last renewal rides along with the warm-up: neither waits for the other.
  await Promise.all([warmUp(target, color, req, deps), confirmLease(target)]);
  const t = clock.now();
  const switchMs = await target.switchTo(color);
  const prev = liveStatus(before);
  log.info(
    `Switched live traffic ${before.live ?? 'none'} → ${color} in ${formatDuration(switchMs)} (verified and saved after ${formatDuration(clock.now() - t)})`,
  );
  // A color started by this run is as readiness saw it (its container is new); a warm one is as read before.
  const after0 = extra.fresh ? await startedState(target, before, color, extra.ready) : before;
  const started = after0.colors[color] ?? next;
  const entry: HistoryEntry = {
    at: new Date(clock.now()).toISOString(),
    action,
    color,
    image: started?.image ?? '',
    digest: started?.digest ?? '',
    version: started?.version ?? '',
    deployId: req.holder.deployId,
    actor: req.holder.actor,
    ...(before.live && { previousColor: before.live }),
    ...(prev && { previousImage: prev.image, previousDigest: prev.digest }),
    ...(extra.reason && { reason: extra.reason }),
  };
  const record: DeployRecord = recordSwitch(before, entry, clock.now(), req.keepPreviousMs);
  await target.saveRecord(record);
  await deps.announce?.({
    kind: 'live',
    // The release as the color runs it: deployed by the run that started it (a promote or a
    // rollback's switch moves traffic to a release another run deployed).
    release: eventRelease(started ?? entry),
    color,
    url: target.url,
    action,
    ...(prev && { previous: eventRelease(prev) }),
    ...(before.slackThread && { thread: before.slackThread }),
  });
  if (record.retireAfter)
    log.info(
      `${before.live} stays warm until ${record.retireAfter} (keep-previous ${formatDuration(req.keepPreviousMs)})`,
    );
  return {
    action,
    changed: true,
    switched: true,
    before,
    // after0 was read before the record was saved: its "record disagrees" note is stale.
    after: withRecord({ ...after0, notes: [] }, record),
    color,
    url: target.url,
    previewUrl: target.previewUrl,
    switchMs,
    router: extra.router,
    ready: extra.ready,
    message: `${started?.image ?? color} is live on ${color}${prev ? `; ${prev.color} (${prev.image}) is kept warm` : ''}`,
  };
}

/** The renewer of the lease {@link withLock} holds on each target, for {@link confirmLease}. */
const keepers = new WeakMap<Target, LeaseKeeper>();

/**
 * Runs `body` holding the app+environment's deploy lock (the same lock for every changing mode):
 * a short lease (LEASE_TTL_MS), renewed in the background every third of it while `body` works, so
 * a dead holder's lock is free within the ttl. A lock broken to take it (`holder.breakReason`) is
 * logged as a warning naming its holder and the reason. When this process already holds the lock
 * on `target` ({@link holdLock}: monitor-window holding it for its window), `body` runs under it.
 */
export async function withLock<T>(
  target: Target,
  req: Pick<DeploySettings, 'holder' | 'lockTimeoutMs'>,
  deps: BlueGreenDeps,
  body: () => Promise<T>,
): Promise<T> {
  if (keepers.has(target)) return body();
  const held = await holdLock(target, req, deps);
  try {
    return await body();
  } finally {
    await held.release();
  }
}

/** A deploy lock taken by {@link holdLock}. */
export interface LockHold {
  /** Stops renewing, closes the target and gives the lock up. */
  release(): Promise<void>;
}

/**
 * Takes the deploy lock on `target` and keeps it renewed until `release()`; meanwhile
 * {@link withLock} on the same target runs under it (so a rollback can run inside a held window).
 */
export async function holdLock(
  target: Target,
  req: Pick<DeploySettings, 'holder' | 'lockTimeoutMs'>,
  deps: { readonly clock: Clock; readonly log: Logger } & Pick<BlueGreenDeps, 'onLock'>,
): Promise<LockHold> {
  deps.onLock?.(target.lockHandle(req.holder));
  const lease = await target.lock(req.holder, {
    timeoutMs: req.lockTimeoutMs,
    ttlMs: LEASE_TTL_MS,
  });
  const keeper = keepRenewed(lease, LEASE_TTL_MS, deps);
  if (lease.broke) await reportBreak(target, lease.broke, req.holder, deps);
  keepers.set(target, keeper);
  return {
    release: async () => {
      keepers.delete(target);
      await keeper.stop();
      await target.close();
      await lease.release();
    },
  };
}

/**
 * A lock this run broke: a warning naming whose it was and why, and an entry in the record's
 * `lockBreaks` (so `status` shows it later). A record out of step after a stopped switch is left
 * for the run's own repair; the break is then only in the log, which says so.
 */
async function reportBreak(
  target: Target,
  broke: BrokenLock,
  holder: LockHolder,
  deps: { readonly clock: Clock; readonly log: Logger },
): Promise<void> {
  const now = deps.clock.now();
  const held = describeHeld(broke.held, now);
  deps.log.warning(
    `broke the deploy lock held by ${held}, for ${holder.deployId} (${holder.actor}): ${broke.reason}`,
  );
  const state = await target.status();
  if (!state.exists || state.interrupted) {
    deps.log.info(
      `the lock break is not in the deploy record: ${state.exists ? 'the record is out of step after a stopped switch, and this run repairs it first' : 'nothing is deployed here yet'}`,
    );
    return;
  }
  await target.saveRecord(
    recordLockBreak(state, {
      at: new Date(now).toISOString(),
      by: holder.deployId,
      actor: holder.actor,
      held,
      reason: broke.reason,
    }),
  );
}

/**
 * Renews the lease {@link withLock} holds on `target` (one round trip) and throws a LeaseLostError
 * if it was lost (taken over, broken) or lapsed: called just before live traffic moves, so a run
 * never switches under another holder, and switches with a whole ttl ahead of it.
 */
export async function confirmLease(target: Target): Promise<void> {
  await keepers.get(target)?.confirm();
}

/** A new color that never got ready: show why, stop it (unless kept), leave traffic alone, fail. */
export async function failStart(
  target: Target,
  color: Color,
  ready: ReadyOutcome,
  keepFailed: boolean,
  before: TargetState,
  deps: BlueGreenDeps,
): Promise<never> {
  await showLogs(target, color, deps);
  if (!keepFailed) await target.stop(color);
  throw new ActionError(
    `the new ${color} did not become ready: ${ready.reason ?? 'unknown'}. ` +
      `Live traffic was not touched (it stays on ${before.live ?? 'nothing'}); ${color} was ${keepFailed ? 'kept running for inspection (keep-failed)' : 'stopped'}`,
  );
}

/** The last 50 log lines of a color that did not get ready, in a folded group. */
export async function showLogs(target: Target, color: Color, deps: BlueGreenDeps): Promise<void> {
  await deps.log
    .group(`Last log lines of ${color}`, async () => {
      deps.log.info((await target.logs(color, 50)) || '(no output)');
    })
    .catch((e: unknown) => deps.log.warning(`could not read the ${color} logs: ${String(e)}`));
}

/** The state as log lines, one per color plus the live/previous facts. */
export function describeState(s: TargetState): string[] {
  if (!s.exists) return ['nothing deployed here yet (no proxy)'];
  const lines = [
    `live: ${s.live ?? 'none'}${s.switchedAt ? ` since ${s.switchedAt}` : ''}`,
    ...(s.previous
      ? [
          s.colors[s.previous] && !s.colors[s.previous]?.running
            ? `previous: ${s.previous}, retired (a rollback redeploys it)`
            : `previous: ${s.previous}, warm until ${s.retireAfter ?? 'unknown'}`,
        ]
      : []),
    ...(s.pending ? [`waiting for promotion: ${s.pending.color}`] : []),
  ];
  for (const c of COLORS) {
    const x = s.colors[c];
    if (x)
      lines.push(
        `${c}: ${x.image} (version ${x.version}, ${x.state}${x.health !== 'none' ? `, ${x.health}` : ''}, started ${x.createdAt} by ${x.actor})`,
      );
  }
  const lastBreak = s.lockBreaks?.[0];
  if (lastBreak)
    lines.push(
      `last lock break: ${lastBreak.at} by ${lastBreak.by} (${lastBreak.actor}), "${lastBreak.reason}"; the lock was held by ${lastBreak.held}`,
    );
  return lines;
}

/** Checks the target answers and logs what it is; every mode starts here. */
export async function connect(target: Target, log: Logger): Promise<void> {
  log.info(`Target: ${target.description}, ${await target.connect()}`);
}
