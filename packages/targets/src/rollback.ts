/**
 * Rollback and retire over any {@link Target}. Rollback puts live traffic back on an earlier release
 * from the target's own history: a switch when that release still runs warm in the idle color, else a
 * redeploy of its image by digest into the idle color. Either way it goes through the same lock,
 * readiness check and {@link switchLive} as a deploy, then verifies the live URL. Retire stops idle
 * colors whose keep-warm time is up. Both need nothing but the target: the state lives there.
 */
import {
  ActionError,
  errorMessage,
  formatDuration,
  poll,
  type Clock,
  type Logger,
} from '@switchyard/kit';
import { attemptCheck } from '@switchyard/probe';
import {
  connect,
  liveStatus,
  shortDigest,
  showLogs,
  switchLive,
  withLock,
  type BlueGreenDeps,
  type BlueGreenResult,
  type DeploySettings,
} from './bluegreen.js';
import { readRepaired } from './repair.js';
import type { RouterChange } from './target.js';
import { COLORS, otherColor, type Color } from './contract.js';
import type { ColorStatus, HistoryEntry, Release, StoredThread, TargetState } from './model.js';
import { eventRelease, type EventRelease } from './events.js';
import { colorDown, liveEntry, recordOf, recordRetired, rolledBackFrom } from './record.js';
import { healthCheckSpec, healthUrl, waitReady } from './ready.js';
import type { Target } from './target.js';

export interface RollbackRequest extends DeploySettings {
  /** A version, digest (or a unique prefix of 12+ hex digits) or image from the history; default: the last good one. */
  readonly to?: string;
  readonly reason?: string;
  /** How long the live URL may take to pass its health check after the switch. */
  readonly verifyTimeoutMs: number;
  /**
   * Roll back only if this digest is still live (rollback-on-failure: the release that was judged);
   * a deploy during the window makes it a refusal, not a rollback of the wrong release.
   */
  readonly onlyIfLive?: string;
  /**
   * Read and prepared by the caller under the lock it holds for this target (monitor-window before
   * its window): the rollback starts from this state and router instead of reading them again.
   */
  readonly prepared?: { readonly state: TargetState; readonly router: RouterChange };
}

export type RollbackMethod = 'switch' | 'redeploy';

/** What a rollback decided, before doing anything. */
export type RollbackChoice =
  | { readonly kind: 'noop'; readonly message: string }
  | {
      readonly kind: 'go';
      readonly entry: HistoryEntry;
      readonly color: Color;
      readonly method: RollbackMethod;
      /** Set when the live color is down ({@link colorDown}): the rollback restores service. */
      readonly down?: string;
    };

export interface RollbackResult extends BlueGreenResult {
  readonly rolledBack: boolean;
  readonly method?: RollbackMethod;
  readonly from?: { readonly image: string; readonly digest: string; readonly version: string };
  readonly to?: { readonly image: string; readonly digest: string; readonly version: string };
  readonly reason?: string;
  /** From the start of the rollback (lock held) to the verified switch. */
  readonly durationMs?: number;
  /** The live URL's health check after the switch. */
  readonly verified?: { readonly ok: boolean; readonly attempts: number; readonly detail: string };
  /** What was wrong with the live color before, when it was down ({@link colorDown}). */
  readonly liveWasDown?: string;
}

/** A release as results and messages name it. */
type Named = Pick<Release, 'image' | 'digest' | 'version'>;

/**
 * The release live traffic is routed to: the live color's container, or, when that is gone, the
 * history entry that made it live (what the record says runs there).
 */
export function liveRelease(state: TargetState): Named | undefined {
  const c = liveStatus(state) ?? liveEntry(state);
  return c && { image: c.image, digest: c.digest, version: c.version };
}

/** Whether `to` names this entry: its version, image, digest, or a 12+ digit digest prefix. */
function names(entry: HistoryEntry, to: string): boolean {
  const t = to.trim();
  if (entry.version === t || entry.image === t || entry.digest === t) return true;
  const hex = t.replace(/^sha256:/, '');
  return /^[a-f0-9]{12,64}$/.test(hex) && entry.digest.replace(/^sha256:/, '').startsWith(hex);
}

/** How often {@link watchRollback} reads the state again during a monitor window. */
export const ROLLBACK_WATCH_MS = 10_000;

/** A rollback kept ready during a window: see {@link watchRollback}. */
export interface RollbackWatch {
  /** The state as last read (the one a rollback at the verdict starts from). */
  current(): TargetState;
  /** Stops looking; waits for a read in flight, never for the next one. */
  stop(): Promise<void>;
}

/** What {@link chooseRollback} would do, in words: for a line when it changes. */
export function describeChoice(state: TargetState): string {
  try {
    const c = chooseRollback(state);
    if (c.kind === 'noop') return c.message;
    return c.method === 'switch'
      ? `a failed verdict switches to the warm ${c.color} (${c.entry.version})`
      : `a failed verdict redeploys ${c.entry.version} into ${c.color}`;
  } catch (error) {
    return errorMessage(error);
  }
}

/**
 * Keeps a prepared rollback current during a monitor window: every `everyMs`, the state is read
 * again (the warm color may have stopped or gone), and a change in what a failed verdict would do
 * is logged as a warning when it happens, not found out at the verdict. A read that fails keeps the
 * last state, with a warning.
 */
export function watchRollback(
  target: Target,
  state: TargetState,
  deps: { readonly clock: Clock; readonly log: Logger },
  everyMs = ROLLBACK_WATCH_MS,
): RollbackWatch {
  let current = state;
  let said = describeChoice(state);
  const stopped = new AbortController();
  let reading: Promise<void> = Promise.resolve();
  const look = async (): Promise<void> => {
    try {
      current = await target.status();
      const now = describeChoice(current);
      if (now !== said)
        deps.log.warning(`rollback-on-failure changed during the window: ${now} (was: ${said})`);
      said = now;
    } catch (error) {
      deps.log.warning(
        `could not read the state during the window (${errorMessage(error)}); a rollback starts from the last one read`,
      );
    }
  };
  void (async () => {
    for (;;) {
      await deps.clock.sleep(everyMs, stopped.signal);
      if (stopped.signal.aborted) return;
      reading = look();
      await reading;
    }
  })();
  return {
    current: () => current,
    stop: async () => {
      stopped.abort();
      await reading;
    },
  };
}

/**
 * Picks the release to go back to (pure). Without `to`: the newest release in the history that is
 * not live now and was not rolled back from since it last went live ({@link rolledBackFrom}). With
 * `to`: the newest entry it names.
 *
 * A live color that is down ({@link colorDown}: its container removed, or not running) is a reason
 * to roll back, never "nothing is live": without `to`, a warm idle color holding such a release is
 * preferred (a switch restores service at once), else the newest one is redeployed; a `to` naming
 * the live release itself restores it into the idle color.
 * @throws ActionError when the environment was never deployed, `to` names nothing in the history
 *   (listing what it holds), or the live color is down and there is nothing to go back to.
 */
export function chooseRollback(state: TargetState, to?: string): RollbackChoice {
  if (!state.exists)
    throw new ActionError(
      'nothing was ever deployed to this environment here (no router, no record on the target): check app and environment, and the host or cluster the config points at',
    );
  if (!state.live)
    return { kind: 'noop', message: 'nothing is live here, so there is nothing to roll back' };
  const down = colorDown(state);
  const live = liveRelease(state);
  const idle = otherColor(state.live);
  const warm = state.colors[idle];
  const isWarm = (h: HistoryEntry): boolean => !!warm && warm.running && warm.digest === h.digest;
  let entry: HistoryEntry | undefined;
  if (to) {
    entry = state.history.find((h) => names(h, to));
    if (!entry) {
      const known = [
        ...new Set(state.history.map((h) => `${h.version} (${shortDigest(h.digest)})`)),
      ];
      throw new ActionError(
        `to: "${to}" is not in the history of this environment. ${known.length ? `It holds: ${known.join(', ')}` : 'The history is empty'}. Give a version or digest from it (deploy-bluegreen action: status lists them)`,
      );
    }
    if (!down && entry.digest === live?.digest)
      return {
        kind: 'noop',
        message: `${entry.version} (${shortDigest(entry.digest)}) is already live on ${state.live}: nothing to roll back`,
      };
  } else {
    const bad = rolledBackFrom(state);
    const good = state.history.filter((h) => h.digest !== live?.digest && !bad.has(h.digest));
    entry = (down ? good.find(isWarm) : undefined) ?? good[0];
    if (!entry && down)
      throw new ActionError(
        `${down}, and there is no earlier release to roll back to${bad.size ? ' (only versions already rolled back from)' : ''}: live traffic reaches nothing. Deploy a release (or roll back with to: naming one)`,
      );
    if (!entry)
      return {
        kind: 'noop',
        message: `no earlier release to roll back to: the history holds only the live ${live?.version ?? '?'} (${shortDigest(live?.digest ?? '')})${bad.size ? ' and versions already rolled back from' : ''}`,
      };
  }
  const method: RollbackMethod = isWarm(entry) ? 'switch' : 'redeploy';
  return { kind: 'go', entry, color: idle, method, ...(down && { down }) };
}

/** The image reference that pins an entry's release: `repo@digest` for a repo digest, else the image id. */
export function pinnedRef(entry: HistoryEntry): string {
  if (!entry.digest.startsWith('sha256:')) return entry.digest;
  const name = entry.image.replace(/@sha256:[a-f0-9]+$/, '');
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  const repo = colon > slash ? name.slice(0, colon) : name;
  return repo ? `${repo}@${entry.digest}` : entry.digest;
}

/** Puts live traffic back on an earlier release: a switch if it is warm, else a redeploy; then verifies. */
export async function rollback(
  target: Target,
  req: RollbackRequest,
  deps: BlueGreenDeps,
): Promise<RollbackResult> {
  const { clock, log } = deps;
  await connect(target, log);
  // Once the rollback decided to go: the release it moves away from and its Slack thread, for the events.
  let told: { readonly from?: EventRelease; readonly thread?: StoredThread } | undefined;
  const rolledBackEvent = async (r: RollbackResult): Promise<void> => {
    const live = r.after.live;
    if (!told || !r.to || !live) return;
    const to = r.after.colors[live];
    await deps.announce?.({
      kind: 'rolled-back',
      ...told,
      to: { ...r.to, deployId: to?.deployId ?? req.holder.deployId },
      color: live,
      reason: r.reason ?? 'rollback',
      healthy: r.verified?.ok ?? false,
      url: r.url,
    });
  };
  try {
    const result = await rollbackLocked();
    if (result.rolledBack) await rolledBackEvent(result);
    return result;
  } catch (error) {
    if (error instanceof RollbackVerifyError) await rolledBackEvent(error.result);
    else if (told)
      await deps.announce?.({ kind: 'rollback-failed', ...told, reason: errorMessage(error) });
    throw error;
  }

  async function rollbackLocked(): Promise<RollbackResult> {
    // The lease is renewed while the rollback works (withLock), however long pull, readiness and verify take.
    return withLock(target, req, deps, async () => {
      const started = clock.now();
      // Read before prepare(): a rollback never creates a proxy for an environment never deployed.
      const before = req.prepared?.state ?? (await readRepaired(target, req.holder, deps));
      const choice = chooseRollback(before, req.to);
      const base = { url: target.url, previewUrl: target.previewUrl, before, after: before };
      if (choice.kind === 'noop')
        return {
          ...base,
          action: 'rollback',
          changed: false,
          switched: false,
          rolledBack: false,
          message: choice.message,
        };
      const { entry, color, method, down } = choice;
      const from = liveRelease(before);
      const fromLive = liveStatus(before) ?? liveEntry(before);
      told = {
        ...(fromLive && { from: eventRelease(fromLive) }),
        ...(before.slackThread && { thread: before.slackThread }),
      };
      if (req.onlyIfLive && from?.digest !== req.onlyIfLive)
        throw new ActionError(
          `not rolling back: the release that was judged (${shortDigest(req.onlyIfLive)}) is no longer live; ${before.live} runs ${from?.version ?? '?'} (${shortDigest(from?.digest ?? '')}) now, deployed during the window`,
        );
      const router = req.prepared?.router ?? (await target.prepare());
      if (down) log.warning(`${down}: live traffic reaches nothing; rolling back restores service`);
      log.info(
        `Rolling back ${before.live} (${from?.version ?? '?'}${down ? ', down' : ''}) → ${entry.version} (${shortDigest(entry.digest)}) by ${method === 'switch' ? `a switch to the warm ${color}` : `redeploying it into ${color}`}${req.reason ? `: ${req.reason}` : ''}`,
      );
      if (method === 'redeploy') await startRelease(target, entry, color, req, deps);
      const ready = await waitReady(target, color, req.health, req.readyTimeoutMs, deps);
      if (!ready.ready) {
        await showLogs(target, color, deps);
        if (method === 'redeploy') await target.stop(color);
        throw new ActionError(
          `rollback to ${entry.version} did not happen: ${color} did not become ready (${ready.reason ?? 'unknown'}). ` +
            `Live traffic was not touched: it stays on ${before.live} (${from?.version ?? '?'}, ${from?.image ?? '?'})${down ? ', which is down: live traffic still reaches nothing' : ''}${method === 'redeploy' ? `; ${color} was stopped` : ''}`,
        );
      }
      // Marked before the switch, cleared by it: a run killed in between leaves the mark, so a
      // re-run converges on this version instead of switching back to the one rolled back from.
      // (Restoring the live release itself into the idle color moves away from nothing.)
      const away = from && from.digest !== entry.digest ? from : undefined;
      if (away) await target.saveRecord({ ...recordOf(before), rollingBackFrom: away.digest });
      const switched = await switchLive(
        target,
        color,
        'rollback',
        withLiveGone(before, away),
        req,
        deps,
        {
          router,
          ready,
          ...(req.reason && { reason: req.reason }),
          fresh: method === 'redeploy',
        },
      );
      const verified = await verifyLive(target, req, deps);
      const durationMs = clock.now() - started;
      const to = { image: entry.image, digest: entry.digest, version: entry.version };
      const result: RollbackResult = {
        ...switched,
        before,
        action: 'rollback',
        rolledBack: true,
        method,
        ...(from && { from: { image: from.image, digest: from.digest, version: from.version } }),
        to,
        ...(req.reason && { reason: req.reason }),
        durationMs,
        verified,
        ...(down && { liveWasDown: down }),
        message: `rolled back to ${entry.version} on ${color} by ${method} in ${formatDuration(durationMs)}${down ? `, restoring service: ${down}` : ''}`,
      };
      if (!verified.ok)
        throw new RollbackVerifyError(
          `rolled back to ${entry.version} (${entry.image}), but the live URL fails its health check: ${verified.detail}. ` +
            `Live now: ${color} (${entry.version}); ${before.live} (${from?.version ?? '?'}) ${down ? 'was down before' : 'is kept warm'}. Not switching back: that is the version rolled back from`,
          result,
        );
      return result;
    });
  }
}

/** A redeploy's first half: pulls the entry's release by digest and starts it in `color`. */
async function startRelease(
  target: Target,
  entry: HistoryEntry,
  color: Color,
  req: RollbackRequest,
  deps: BlueGreenDeps,
): Promise<void> {
  const { clock, log } = deps;
  const ref = pinnedRef(entry);
  const image = await log.group(`Pull ${ref}`, () =>
    target.resolveImage(ref, 'missing').catch(async (error: unknown) => {
      // An image the target knows only by its recorded identity (built there, never pushed).
      const local = await target.findImage(entry.digest);
      if (!local) throw error;
      return local;
    }),
  );
  const release: Release = {
    image: entry.image,
    digest: image.digest,
    version: entry.version,
    deployId: req.holder.deployId,
    actor: req.holder.actor,
    createdAt: new Date(clock.now()).toISOString(),
  };
  await log.group(`Start ${color}: ${ref}`, () => target.start(color, image, release));
}

/**
 * The state the switch records from. A live color whose container is gone still ran a release (the
 * record's): it stands in as a color that is not running, so the history entry names what the
 * rollback moved away from, as it does for a container that is there.
 */
function withLiveGone(before: TargetState, away: Named | undefined): TargetState {
  const made = liveEntry(before);
  if (!before.live || before.colors[before.live] || !away || !made) return before;
  const gone: ColorStatus = {
    ...away,
    color: before.live,
    deployId: made.deployId,
    actor: made.actor,
    createdAt: made.at,
    state: 'missing',
    running: false,
    health: 'none',
  };
  return { ...before, colors: { ...before.colors, [before.live]: gone } };
}

/** A rollback that switched but whose live check failed: the result is still reported. */
export class RollbackVerifyError extends ActionError {
  override readonly name = 'RollbackVerifyError';
  constructor(
    message: string,
    readonly result: RollbackResult,
  ) {
    super(message);
  }
}

/** Polls the live URL's health check until it passes or the verify timeout ends. */
async function verifyLive(
  target: Target,
  req: RollbackRequest,
  deps: BlueGreenDeps,
): Promise<{ ok: boolean; attempts: number; detail: string }> {
  const url = healthUrl(target.url, req.health.path);
  const check = healthCheckSpec('verify', url, req.health, 'switchyard-rollback');
  const outcome = await poll(
    () => attemptCheck(check, deps.http, []),
    {
      attempts: Number.POSITIVE_INFINITY,
      deadline: deps.clock.now() + req.verifyTimeoutMs,
      initialDelayMs: req.health.intervalMs,
      maxDelayMs: Math.max(req.health.intervalMs, 2000),
      done: (r) => r.ok,
    },
    deps.clock,
  );
  const r = outcome.result;
  const detail = r.ok
    ? `GET ${url}: ${r.status ?? ''} in ${formatDuration(r.latencyMs)}`
    : `GET ${url}: ${r.reason ?? 'failed'}`;
  deps.log.info(
    `verify: ${detail} (${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'})`,
  );
  return { ok: r.ok, attempts: outcome.attempts, detail };
}

export interface RetireRequest {
  /** Stop every idle color now, whatever its retire-after. */
  readonly force: boolean;
  readonly lockTimeoutMs: number;
  readonly readyTimeoutMs: number;
  readonly holder: DeploySettings['holder'];
}

/** An idle color and why it is (or is not yet) retired. */
export interface RetireDecision {
  readonly color: Color;
  readonly retire: boolean;
  readonly why: string;
}

/**
 * Which running idle colors to stop (pure). Never the live color. The previous color once its
 * retire-after has passed; a color waiting for promotion only when forced; any other idle color
 * (nothing refers to it: a failed start kept for inspection, a leftover) at once. `force` stops all.
 */
export function retirePlan(state: TargetState, now: number, force: boolean): RetireDecision[] {
  const out: RetireDecision[] = [];
  for (const color of COLORS) {
    const c = state.colors[color];
    if (!c || !c.running || color === state.live) continue;
    if (force) out.push({ color, retire: true, why: 'force: true' });
    else if (color === state.pending?.color)
      out.push({ color, retire: false, why: 'it waits for promotion (force: true stops it)' });
    else if (color === state.previous) {
      const after = state.retireAfter ? Date.parse(state.retireAfter) : Number.NaN;
      if (Number.isNaN(after) || now >= after)
        out.push({
          color,
          retire: true,
          why: `its keep-warm time ended${state.retireAfter ? ` at ${state.retireAfter}` : ''}`,
        });
      else
        out.push({
          color,
          retire: false,
          why: `it stays warm until ${state.retireAfter} (${formatDuration(after - now)} from now)`,
        });
    } else
      out.push({
        color,
        retire: true,
        why: 'nothing refers to it (not live, previous or pending)',
      });
  }
  return out;
}

export interface RetireResult extends BlueGreenResult {
  readonly retired: readonly Color[];
  readonly decisions: readonly RetireDecision[];
}

/** Stops the idle colors whose time is up (under the deploy lock). Idempotent. */
export async function retire(
  target: Target,
  req: RetireRequest,
  deps: BlueGreenDeps,
): Promise<RetireResult> {
  const { clock, log } = deps;
  await connect(target, log);
  return withLock(target, req, deps, async () => {
    const before = await readRepaired(target, req.holder, deps);
    const decisions = retirePlan(before, clock.now(), req.force);
    const retired: Color[] = [];
    for (const d of decisions) {
      log.info(`${d.color}: ${d.retire ? 'retiring' : 'kept'}: ${d.why}`);
      if (!d.retire) continue;
      await target.stop(d.color);
      retired.push(d.color);
    }
    const coldPrevious =
      !!before.previous && retired.includes(before.previous) && !!before.retireAfter;
    const stoppedPending = !!before.pending && retired.includes(before.pending.color);
    if (coldPrevious || stoppedPending) {
      // No keep-warm time left to report, and nothing waits for promotion any more.
      await target.saveRecord(
        recordRetired(recordOf(before), { previous: coldPrevious, pending: stoppedPending }),
      );
    }
    const after = retired.length ? await target.status() : before;
    return {
      action: 'retire',
      changed: retired.length > 0,
      switched: false,
      before,
      after,
      url: target.url,
      previewUrl: target.previewUrl,
      retired,
      decisions,
      message: retired.length
        ? `retired ${retired.join(' and ')}; live ${before.live ?? 'none'} untouched`
        : `nothing to retire${decisions.length ? `: ${decisions.map((d) => `${d.color} ${d.why}`).join('; ')}` : ' (no idle color runs)'}`,
    };
  });
}
