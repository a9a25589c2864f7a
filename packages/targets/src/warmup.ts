/**
 * Warming a new color before it takes all live traffic (issue 20; ADR 0014): a burst of requests
 * through the preview route, several in flight at once, judged like the health check. A color that
 * passed one health request has not yet accepted many connections side by side nor run its request
 * path hot; live traffic moving at once would queue on it. Knows nothing of the kind of target.
 */
import { formatDuration, mapLimit, type Clock, type Logger } from '@switchyard/kit';
import { attemptCheck, type Http } from '@switchyard/probe';
import type { Color } from './contract.js';
import { healthCheckSpec, healthUrl, type HealthCheck } from './ready.js';
import type { Target } from './target.js';

/** The warm-up an environment asks for (config file `warm-up:`). */
export interface WarmUp {
  /** Requests in all. */
  readonly requests: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Request path on the preview route, starting with `/`. */
  readonly path: string;
}

/** What a warm-up did, for the log. */
export interface WarmUpOutcome {
  readonly color: Color;
  readonly url: string;
  /** Requests sent (fewer than asked when the time limit ended it). */
  readonly sent: number;
  /** Requests that did not pass the health check's judgement (status, body, timeout). */
  readonly failed: number;
  /** The first failure, in one line. */
  readonly firstFailure?: string;
  readonly slowestMs: number;
  readonly elapsedMs: number;
  /** True when {@link WARM_UP_LIMIT_MS} ended it before every request was sent. */
  readonly cut: boolean;
}

/** No request of a warm-up starts later than this after its first: it never holds a switch long. */
export const WARM_UP_LIMIT_MS = 30_000;

/**
 * Sends `warm.requests` GETs of `warm.path` to the preview URL, `warm.concurrency` at a time, each
 * judged and timed out as the health check says; `undefined` when there is no warm-up (`null` or
 * absent). Failures are counted, never thrown: the color already passed readiness, and what the
 * warm-up shows is logged (a warning when a request failed). Called just before the switch.
 */
export async function warmUp(
  target: Pick<Target, 'previewUrl'>,
  color: Color,
  settings: { readonly warmUp?: WarmUp | null; readonly health: HealthCheck },
  deps: { readonly clock: Clock; readonly log: Logger; readonly http: Http },
): Promise<WarmUpOutcome | undefined> {
  const warm = settings.warmUp;
  if (!warm || warm.requests < 1) return undefined;
  const { clock, http } = deps;
  const url = healthUrl(target.previewUrl, warm.path);
  const check = healthCheckSpec('warm-up', url, settings.health, 'switchyard-warm-up');
  const start = clock.now();
  const deadline = start + WARM_UP_LIMIT_MS;
  let sent = 0;
  let failed = 0;
  let slowestMs = 0;
  let firstFailure: string | undefined;
  const indexes = Array.from({ length: warm.requests }, (_, i) => i);
  await mapLimit(indexes, Math.max(1, warm.concurrency), async () => {
    if (clock.now() >= deadline) return;
    sent++;
    const a = await attemptCheck(check, http, []);
    slowestMs = Math.max(slowestMs, a.latencyMs);
    if (a.ok) return;
    failed++;
    firstFailure ??= a.reason ?? `status ${a.status ?? '?'}`;
  });
  const outcome: WarmUpOutcome = {
    color,
    url,
    sent,
    failed,
    ...(firstFailure !== undefined && { firstFailure }),
    slowestMs,
    elapsedMs: clock.now() - start,
    cut: sent < warm.requests,
  };
  report(outcome, warm, deps.log);
  return outcome;
}

/** One line for the log; a warning when a request failed or the time limit cut the warm-up short. */
export function describeWarmUp(o: WarmUpOutcome, warm: WarmUp): string {
  return (
    `warmed ${o.color} with ${o.sent} request(s), ${Math.min(warm.concurrency, warm.requests)} at a time, through ${o.url} in ${formatDuration(o.elapsedMs)}: ` +
    `slowest ${formatDuration(Math.round(o.slowestMs))}, ${o.failed} failed` +
    (o.firstFailure ? ` (first: ${o.firstFailure})` : '') +
    (o.cut
      ? `; stopped after ${formatDuration(WARM_UP_LIMIT_MS)} with ${warm.requests - o.sent} not sent`
      : '')
  );
}

function report(o: WarmUpOutcome, warm: WarmUp, log: Logger): void {
  const line = describeWarmUp(o, warm);
  if (o.failed > 0 || o.cut)
    log.warning(`${line}. The switch goes ahead: ${o.color} passed its readiness check`);
  else log.info(line);
}
