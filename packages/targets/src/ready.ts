/** Waiting for a new color to be ready: the workload's state, its own health check, and an HTTP check through the preview route. */
import { formatDuration, logProgress, type Clock, type Logger } from '@switchyard/kit';
import {
  attemptCheck,
  type CheckSpec,
  type Http,
  type JsonAssertion,
  type StatusMatcher,
} from '@switchyard/probe';
import type { Color } from './contract.js';
import type { ColorStatus } from './model.js';
import type { Target } from './target.js';

/** The configured HTTP health check (config file `health:`). */
export interface HealthCheck {
  readonly path: string;
  readonly expectStatus: StatusMatcher;
  readonly json: readonly JsonAssertion[];
  readonly bodyContains: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Sent with every health request (a `Host` for a virtual host, a probe marker, …). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ReadyOutcome {
  readonly ready: boolean;
  readonly elapsedMs: number;
  /** Why not, in one line (state, health, the last HTTP check). */
  readonly reason?: string;
  readonly checks: number;
  /** The color as the last look saw it (when the target tells). */
  readonly status?: ColorStatus;
  /** The workload's own health check had not reported yet when the HTTP check passed. */
  readonly healthStarting?: boolean;
}

/** The first pause between readiness looks; each next one doubles, up to `health.intervalMs`. */
const FIRST_PAUSE_MS = 50;

/** How often a progress line is written while waiting. */
const PROGRESS_EVERY_MS = 5_000;

/** The health check's URL on the preview route. */
export function healthUrl(previewUrl: string, path: string): string {
  return `${previewUrl.replace(/\/+$/, '')}${path}`;
}

/** The probe check of an environment's `health:` section against `url` (readiness, rollback verify). */
export function healthCheckSpec(
  name: string,
  url: string,
  health: HealthCheck,
  agent: string,
): CheckSpec {
  return {
    name,
    method: 'GET',
    url,
    headers: { 'User-Agent': agent, ...health.headers },
    expectStatus: health.expectStatus,
    bodyContains: health.bodyContains,
    json: health.json,
    timeoutMs: health.timeoutMs,
    continueOnFailure: false,
    followRedirects: false,
  };
}

/**
 * Polls a color until it is ready or `timeoutMs` passes: the workload runs (a crash or exit ends
 * the wait at once), its own health check (if any) is not unhealthy — and says healthy, when the
 * target waits for it —, the router sends the preview to it, and the HTTP health check passes
 * through the preview URL.
 */
export async function waitReady(
  target: Target,
  color: Color,
  health: HealthCheck,
  timeoutMs: number,
  deps: { readonly clock: Clock; readonly log: Logger; readonly http: Http },
): Promise<ReadyOutcome> {
  const { clock, log } = deps;
  const start = clock.now();
  const deadline = start + timeoutMs;
  const url = healthUrl(target.previewUrl, health.path);
  const check = healthCheckSpec('health', url, health, 'switchyard-deploy');
  let lastProgress = start;
  let checks = 0;
  let looks = 0;
  for (;;) {
    const r = await target.readiness(color);
    const elapsedMs = clock.now() - start;
    if (r.failed) return { ready: false, elapsedMs, checks, reason: r.detail };
    let httpReason = '';
    const healthOk =
      r.health === 'none' || r.health === 'healthy' || (r.health === 'starting' && !r.awaitHealth);
    if (r.running && r.routed && healthOk) {
      checks++;
      const a = await attemptCheck(check, deps.http, []);
      if (a.ok)
        return {
          ready: true,
          elapsedMs: clock.now() - start,
          checks,
          ...(r.status && { status: r.status }),
          ...(r.health === 'starting' && { healthStarting: true }),
        };
      httpReason = `GET ${url}: ${a.reason ?? 'failed'}`;
    }
    const now = clock.now();
    const why = [r.detail, httpReason].filter(Boolean).join('; ');
    if (now >= deadline)
      return {
        ready: false,
        elapsedMs: now - start,
        checks,
        reason: `not ready after ${formatDuration(timeoutMs)} (ready-timeout): ${why}`,
      };
    if (now - lastProgress >= PROGRESS_EVERY_MS) {
      logProgress(
        log,
        `waiting for ${color}: ${why} (${formatDuration(now - start)} of ${formatDuration(timeoutMs)})`,
      );
      lastProgress = now;
    }
    // Quick looks first (a container is often ready within a second of its start), then every
    // health.interval: 50 ms, 100 ms, 200 ms, … up to the interval.
    await clock.sleep(Math.min(health.intervalMs, FIRST_PAUSE_MS * 2 ** looks++, deadline - now));
  }
}
