/**
 * The deploy lock every target offers, as a lease: one holder per app and environment at a time;
 * a lease lapses `ttlMs` after it was taken (or last renewed), so a holder that died can't strand
 * the next deploy; the live holder renews it in the background ({@link keepRenewed}); and its
 * handle lets a post step release it after a killed run. Each target keeps it its own way (an
 * object with a fixed name that only one holder can create). See docs/adrs/0012-lease-lock.md.
 */
import { ActionError, formatDuration, type Clock, type Logger } from '@switchyard/kit';

/** A lease's time to live: a dead holder's lock is free this long after its last renewal. */
export const LEASE_TTL_MS = 45_000;

/** Who takes the lock. */
export interface LockHolder {
  /** The run URL, or `local:user@host pid N` for the CLI: who and where, for a person to check. */
  readonly deployId: string;
  readonly actor: string;
  /** Random, per run: identifies this very holder (two jobs of one run share the deploy id). */
  readonly token: string;
  /**
   * Set (the CLI's `--break-lock <reason>`): a lock held by someone else when this holder first
   * looks is removed before taking it, and the lease says whose it was ({@link Lease.broke}).
   */
  readonly breakReason?: string;
}

export interface LockOptions {
  /** How long to wait for another holder. */
  readonly timeoutMs: number;
  /** After this long without a renewal the lease lapses (its holder died without releasing it). */
  readonly ttlMs: number;
}

/** What a waiter sees of a lock someone else holds. */
export interface HeldLock {
  readonly deployId: string;
  readonly actor: string;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** When it lapses unless renewed (ms since the epoch; Infinity when it never does). */
  readonly expiresAt: number;
}

/** A lock this holder broke (`breakReason`) to take the lease. */
export interface BrokenLock {
  readonly held: HeldLock;
  readonly reason: string;
}

/** A held lock. */
export interface Lease {
  /** The target's id of the lock object (for logs). */
  readonly id: string;
  /** When the lease lapses unless renewed (ms since the epoch); moves on with each renewal. */
  readonly expiresAt: number;
  /** Set when this holder broke another holder's lock to take this one. */
  readonly broke?: BrokenLock;
  /**
   * Confirms the lease is still this holder's and extends it to `ttlMs` from now. Rejects with a
   * {@link LeaseLostError} when it was lost (taken over as stale, or broken); any other rejection
   * is a failure to reach the target, and the lease may still be held.
   */
  renew(): Promise<void>;
  /** Gives the lock up; a lock already taken over by another holder is left alone. */
  release(): Promise<void>;
}

/** The lease is gone: another holder took it over (it had lapsed) or broke it. */
export class LeaseLostError extends ActionError {
  override readonly name = 'LeaseLostError';
}

/**
 * What a post step needs to release a holder's lock if the run dies holding it: JSON, read by a
 * dependency-free bundle, so a plain shape. `kind` names the target's way to release it; each
 * target adds what it needs (where the lock object lives, and its name).
 */
export interface LockHandle {
  readonly kind: string;
  readonly token: string;
}

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : 'never');

/** `expires at <when> (in 30s) unless its holder renews it`, or that it never expires. */
export function describeExpiry(held: HeldLock, now: number): string {
  const left = held.expiresAt - now;
  return Number.isFinite(held.expiresAt)
    ? `expires at ${iso(held.expiresAt)} (${left > 0 ? `in ${formatDuration(left)}` : 'now'}) unless its holder renews it`
    : 'never expires (it carries no expiry)';
}

/** `<who> (<actor>) since <when>, expires at <when> (in 30s) unless …`: a held lock for people. */
export function describeHeld(held: HeldLock, now: number): string {
  return `${held.deployId} (${held.actor}) since ${held.since}, ${describeExpiry(held, now)}`;
}

/** How to break a lock by hand, for waiting lines and the timeout error. */
export const BREAK_HINT =
  'if that holder is dead or stuck, re-run with --break-lock "<reason>" (switchyard deploy, promote, retire or rollback) to remove it now';

/**
 * Waiting for a lock another holder has, the same for every target's lock: each {@link turn}
 * fails once `timeoutMs` has passed since `started` (naming the holder, its expiry, and how to
 * break or free it), says who holds it at most every 10 s, and sleeps until the next look (≤ 1 s).
 */
export class LockWait {
  private lastReport = -Infinity;

  constructor(
    private readonly started: number,
    private readonly timeoutMs: number,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** One turn of waiting for `held`; `freeIt` says how to free the lock by hand on this target. */
  async turn(held: HeldLock, now: number, freeIt: string): Promise<void> {
    const waited = now - this.started;
    if (waited >= this.timeoutMs)
      throw new ActionError(
        `another deploy of this app and environment holds the lock: ${held.deployId} by ${held.actor}, since ${held.since}. ` +
          `Waited ${formatDuration(waited)} (lock-timeout). The lock ${describeExpiry(held, now)}; ${BREAK_HINT}, or ${freeIt}`,
      );
    if (now - this.lastReport >= 10_000) {
      this.log.info(
        `waiting for the deploy lock, held by ${describeHeld(held, now)} (waited ${formatDuration(waited)} of ${formatDuration(this.timeoutMs)}); ${BREAK_HINT}`,
      );
      this.lastReport = now;
    }
    await this.clock.sleep(Math.min(1000, Math.max(0, this.started + this.timeoutMs - now)));
  }
}

/** Keeps a lease renewed while its holder works; see {@link keepRenewed}. */
export interface LeaseKeeper {
  /** Throws a {@link LeaseLostError} if the lease was lost or lapsed (from what renewals found). */
  check(): void;
  /** Renews now (one round trip), then {@link check}s: what a run does just before it switches. */
  confirm(): Promise<void>;
  /** Stops renewing (waits for a renewal in flight, not for the next tick). */
  stop(): Promise<void>;
}

/** How often the keeper wakes up to see whether it was stopped (a renewal is due every ttl/3). */
const TICK_MS = 1_000;

/**
 * Renews `lease` every third of its `ttlMs` (two renewals may fail before it lapses) until stopped.
 * A {@link LeaseLostError} stops the renewals and is logged at once; `check()` then throws it. A
 * failure to reach the target is logged and retried; once `ttlMs` passed since the last renewal
 * that succeeded (on this run's clock), `check()` throws too (another holder may have taken it over).
 */
export function keepRenewed(
  lease: Lease,
  ttlMs: number,
  deps: { readonly clock: Clock; readonly log: Logger },
): LeaseKeeper {
  const { clock, log } = deps;
  const everyMs = ttlMs / 3;
  // Counted on our own clock from the last renewal that succeeded (the lease was taken just now).
  let heldUntil = clock.now() + ttlMs;
  let stopped = false;
  // Aborted by stop(): the loop's sleep ends at once, and its timer keeps no process alive.
  const halt = new AbortController();
  let lost: LeaseLostError | undefined;
  let lastError: string | undefined;
  let inFlight: Promise<void> | undefined;
  const renew = async (): Promise<void> => {
    const at = clock.now();
    try {
      await lease.renew();
      heldUntil = at + ttlMs;
      lastError = undefined;
    } catch (e: unknown) {
      if (stopped) return;
      if (e instanceof LeaseLostError) {
        lost = e;
        log.warning(`${e.message}. This run will not switch traffic under the new holder`);
      } else {
        lastError = e instanceof Error ? e.message : String(e);
        log.warning(
          `could not renew the deploy lock ${lease.id} (it lapses at ${iso(heldUntil)}): ${lastError}`,
        );
      }
    }
  };
  const loop = async (): Promise<void> => {
    let due = clock.now() + everyMs;
    while (!stopped && !lost) {
      await clock.sleep(Math.min(TICK_MS, Math.max(0, due - clock.now())), halt.signal);
      if (stopped || clock.now() < due) continue;
      inFlight = renew();
      await inFlight;
      inFlight = undefined;
      due = clock.now() + everyMs;
    }
  };
  // Never rejects (renew catches everything); stop() does not wait for its last tick.
  void loop();
  const check = (): void => {
    if (lost) throw lost;
    if (clock.now() >= heldUntil)
      throw new LeaseLostError(
        `the deploy lock ${lease.id} lapsed at ${iso(heldUntil)}: it could not be renewed${lastError ? ` (${lastError})` : ''}, so another run may hold it now`,
      );
  };
  return {
    check,
    confirm: async () => {
      await inFlight;
      if (!lost) {
        inFlight = renew();
        await inFlight;
        inFlight = undefined;
      }
      check();
    },
    stop: async () => {
      stopped = true;
      halt.abort();
      await inFlight;
    },
  };
}
