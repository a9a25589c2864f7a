/** Retry and polling with exponential backoff and jitter, on an injected {@link Clock}. */
import type { Clock } from './clock.js';

export interface Backoff {
  /** Delay before the first retry. */
  readonly initialDelayMs: number;
  /** Upper bound of any delay. */
  readonly maxDelayMs: number;
  /** Growth per retry (default 2). */
  readonly factor?: number;
  /** Random spread as a fraction of the delay, ±(jitter/2) (default 0.2). */
  readonly jitter?: number;
}

/**
 * The delay before retry number `retry` (1 for the first retry): initial × factor^(retry-1), capped,
 * then spread by ±jitter/2 so that many clients do not retry in lockstep. Never exceeds the cap.
 */
export function backoffDelay(
  retry: number,
  b: Backoff,
  random: () => number = Math.random,
): number {
  const factor = b.factor ?? 2;
  const jitter = b.jitter ?? 0.2;
  const base = Math.min(b.maxDelayMs, b.initialDelayMs * factor ** Math.max(0, retry - 1));
  const spread = base * jitter * (random() - 0.5);
  return Math.max(0, Math.min(b.maxDelayMs, Math.round(base + spread)));
}

export interface PollOptions<T> extends Backoff {
  /** Most attempts in all (Infinity: until the deadline). */
  readonly attempts: number;
  /** Absolute time (clock ms) after which no new attempt starts. */
  readonly deadline?: number;
  /** Whether a result ends the polling (success or a final failure). */
  readonly done: (result: T) => boolean;
  /** Called before each wait, e.g. to log progress. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; result: T }) => void;
  readonly random?: () => number;
}

export interface PollOutcome<T> {
  readonly result: T;
  readonly attempts: number;
}

/**
 * Calls `fn` until `done(result)`, the attempts are used up, or the next attempt would start after the
 * deadline. A wait is shortened so that the last attempt starts at the deadline, not after it.
 */
export async function poll<T>(
  fn: (attempt: number) => Promise<T>,
  opts: PollOptions<T>,
  clock: Clock,
): Promise<PollOutcome<T>> {
  for (let attempt = 1; ; attempt++) {
    const result = await fn(attempt);
    if (opts.done(result) || attempt >= opts.attempts) return { result, attempts: attempt };
    let delayMs = backoffDelay(attempt, opts, opts.random);
    if (opts.deadline !== undefined) {
      const left = opts.deadline - clock.now();
      if (left <= 0) return { result, attempts: attempt };
      delayMs = Math.min(delayMs, left);
    }
    opts.onRetry?.({ attempt, delayMs, result });
    await clock.sleep(delayMs);
  }
}

export interface RetryOptions extends Backoff {
  readonly attempts: number;
  readonly deadline?: number;
  /** Whether an error is worth another try (default: every error). */
  readonly retryIf?: (error: unknown) => boolean;
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  readonly random?: () => number;
}

/** Calls `fn` until it resolves; rethrows the last error when attempts or time run out. */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions,
  clock: Clock,
): Promise<T> {
  type Try = { ok: true; value: T } | { ok: false; error: unknown };
  const outcome = await poll<Try>(
    async (attempt) => {
      try {
        return { ok: true, value: await fn(attempt) };
      } catch (error) {
        return { ok: false, error };
      }
    },
    {
      ...opts,
      done: (t) => t.ok || !(opts.retryIf?.(t.error) ?? true),
      onRetry: ({ attempt, delayMs, result }) => {
        if (!result.ok) opts.onRetry?.({ attempt, delayMs, error: result.error });
      },
    },
    clock,
  );
  if (outcome.result.ok) return outcome.result.value;
  throw outcome.result.error;
}
