/**
 * The deploy lock every target offers, as a lease: one holder per app and environment at a time;
 * a lease lapses `ttlMs` after it was taken (or last renewed), so a holder that died can't strand
 * the next deploy; and its handle lets a post step release it after a killed run. Each target keeps
 * it its own way (an object with a fixed name that only one holder can create).
 */

/** Who takes the lock. */
export interface LockHolder {
  /** The run URL (or CLI user@host) that takes the lock. */
  readonly deployId: string;
  readonly actor: string;
  /** Random, per run: identifies this very holder (two jobs of one run share the deploy id). */
  readonly token: string;
}

export interface LockOptions {
  /** How long to wait for another holder. */
  readonly timeoutMs: number;
  /** After this long without a renewal the lease lapses (its holder died without releasing it). */
  readonly ttlMs: number;
}

/** A held lock. */
export interface Lease {
  /** The target's id of the lock object (for logs). */
  readonly id: string;
  /** When the lease lapses unless renewed (ms since the epoch). */
  readonly expiresAt: number;
  /**
   * Confirms the lease is still this holder's and extends it where the target can (to `ttlMs` from
   * now); fails when it was lost (taken over as stale). Long waits call it between steps.
   */
  renew(): Promise<void>;
  /** Gives the lock up; a lock already taken over by another holder is left alone. */
  release(): Promise<void>;
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
