/** Runtime fault-injection knobs, changed through the test-only admin API. */
import { MAX_DELAY_MS } from './config.js';
import { KnobError, parseBoolean, parseInteger, parseRate, single } from './parse.js';

/** The mutable fault-injection state. */
export interface Knobs {
  /** Fraction of `/` requests that answer 500. */
  errorRate: number;
  /** Latency added to every counted request. */
  delayMs: number;
  /** When false, `/healthz` answers 503. */
  healthy: boolean;
  /** The next N counted requests answer 503 `{"error":"injected"}`. */
  failNext: number;
}

/** The knobs as the admin API shows them. */
export interface KnobsJson {
  readonly error_rate: number;
  readonly delay_ms: number;
  readonly healthy: boolean;
  readonly fail_next: number;
}

const MAX_FAIL_NEXT = 1_000_000;
const KNOB_NAMES = ['error_rate', 'delay_ms', 'healthy', 'fail_next'] as const;

/** Parses an admin query into a partial update; any unknown or invalid key throws KnobError. */
export function parseKnobUpdate(params: URLSearchParams): Partial<Knobs> {
  for (const key of new Set(params.keys())) {
    if (!(KNOB_NAMES as readonly string[]).includes(key)) {
      throw new KnobError(`unknown knob '${key}'; valid knobs: ${KNOB_NAMES.join(', ')}`);
    }
  }
  const update: Partial<Knobs> = {};
  const errorRate = single(params, 'error_rate');
  if (errorRate !== undefined) update.errorRate = parseRate('error_rate', errorRate);
  const delayMs = single(params, 'delay_ms');
  if (delayMs !== undefined) update.delayMs = parseInteger('delay_ms', delayMs, 0, MAX_DELAY_MS);
  const healthy = single(params, 'healthy');
  if (healthy !== undefined) update.healthy = parseBoolean('healthy', healthy);
  const failNext = single(params, 'fail_next');
  if (failNext !== undefined) {
    update.failNext = parseInteger('fail_next', failNext, 0, MAX_FAIL_NEXT);
  }
  return update;
}

/** The knobs in the admin API's snake_case shape. */
export function knobsToJson(knobs: Readonly<Knobs>): KnobsJson {
  return {
    error_rate: knobs.errorRate,
    delay_ms: knobs.delayMs,
    healthy: knobs.healthy,
    fail_next: knobs.failNext,
  };
}

/** Per-request knobs accepted on `/` only. */
export interface RequestKnobs {
  readonly delayMs: number;
  readonly status: number | undefined;
}

/** Parses `?delay_ms=N&status=N` on `/`; other query keys are ignored (cache busters etc.). */
export function parseRequestKnobs(params: URLSearchParams): RequestKnobs {
  const delayMs = single(params, 'delay_ms');
  const status = single(params, 'status');
  return {
    delayMs: delayMs === undefined ? 0 : parseInteger('delay_ms', delayMs, 0, MAX_DELAY_MS),
    status: status === undefined ? undefined : parseInteger('status', status, 200, 599),
  };
}
