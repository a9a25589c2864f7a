/** Shared settings and dependencies for the blue-green orchestration tests. */
import { parseStatus } from '@switchyard/probe';
import type { BlueGreenDeps, DeployRequest, HealthCheck, LockHandle } from '@switchyard/targets';
import { FakeClock, FakeHttp, type FakeAnswer } from '../../../test/support/fakes.js';
import { GroupLogger } from './fake-target.js';

export const T0 = Date.UTC(2026, 0, 1, 9);
export const MINUTE = 60_000;

export const health: HealthCheck = {
  path: '/healthz',
  expectStatus: parseStatus('health.expect-status', '2xx'),
  json: [],
  bodyContains: [],
  intervalMs: 1_000,
  timeoutMs: 2_000,
};

export const holder = {
  deployId: 'https://github.test/acme/shop/actions/runs/42',
  actor: 'alice',
  token: 'c0ffee42',
};

/** The lock handle FakeTarget.lockHandle gives for {@link holder}. */
export const HANDLE: LockHandle = { kind: 'fake', token: 'c0ffee42' };

/** A deploy of registry.test/shop:1.0.0 that switches at once. */
export const request = (over: Partial<DeployRequest> = {}): DeployRequest => ({
  image: 'registry.test/shop:1.0.0',
  pull: 'missing',
  promote: true,
  keepFailed: false,
  health,
  readyTimeoutMs: 60_000,
  keepPreviousMs: 30 * MINUTE,
  lockTimeoutMs: 2 * MINUTE,
  holder,
  ...over,
});

/** Virtual time, a group-aware recording logger, an HTTP health check that answers 200 in 0 ms. */
export function deps(answer: () => FakeAnswer = () => ({ status: 200, latencyMs: 0 })) {
  const clock = new FakeClock(T0);
  const log = new GroupLogger();
  const http = new FakeHttp(answer, clock);
  /** The lock handles onLock was told. */
  const locked: LockHandle[] = [];
  const d: BlueGreenDeps = { clock, log, http, onLock: (h) => locked.push(h) };
  return { ...d, clock, log, http, locked, deps: d };
}
