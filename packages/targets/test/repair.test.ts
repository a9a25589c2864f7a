/**
 * Issue 20, item 2: a run stopped anywhere in a switch leaves runtime routes, saved routes and record
 * either all old, or repaired to all new by the next run, with a warning and a history entry. The
 * in-memory target stops at the same named points (FAILPOINTS) the Docker target is killed at.
 */
import { jest } from '@jest/globals';
import {
  deploy,
  FAILPOINTS,
  repairIfFree,
  status,
  type BlueGreenDeps,
  type TargetState,
} from '@switchyard/targets';
import { DIGEST_A, DIGEST_B, image } from './fake-target.js';
import type { deps } from './fixtures.js';
import { holder, MINUTE, request } from './fixtures.js';
import type { MemoryTarget } from './memory-target.js';
import { Killed, memoryEnvironment, restartRouter, type World } from './memory-target.js';

const ONE = image(DIGEST_A, { ref: 'registry.test/shop:1.0.0', version: '1.0.0' });
const TWO = image(DIGEST_B, { ref: 'registry.test/shop:2.0.0', version: '2.0.0' });
const other = { ...holder, deployId: 'https://github.test/acme/shop/actions/runs/43', token: 'b' };

/** 1.0.0 live on blue, then a deploy of 2.0.0 stopped at `point` (nothing after it ran). */
async function stoppedAt(point: string): Promise<{
  world: World;
  target: MemoryTarget;
  d: BlueGreenDeps & { log: ReturnType<typeof deps>['log'] };
  clock: ReturnType<typeof deps>['clock'];
}> {
  const { world, target, d: deployDeps, log, clock } = memoryEnvironment([ONE, TWO]);
  const d = { ...deployDeps, log };
  await deploy(target, request({ image: ONE.ref }), d);
  clock.advance(MINUTE);
  world.stopAt = point;
  await expect(deploy(target, request({ image: TWO.ref }), d)).rejects.toBeInstanceOf(Killed);
  delete world.stopAt;
  // A killed run releases nothing: its lock lapses (the lease); here, the test frees it.
  delete world.lock;
  clock.advance(MINUTE);
  return { world, target, d, clock };
}

const stored = (w: World): unknown => ({
  live: w.live,
  saved: w.saved.live,
  record: w.record.live,
});
const warnings = (d: { log: ReturnType<typeof deps>['log'] }): string[] =>
  d.log.lines.filter((l) => l.level === 'warning').map((l) => l.message);

describe('stopped after the router switched, before it saved the routes', () => {
  test('the target reports what is out of step', async () => {
    const { world, target } = await stoppedAt(FAILPOINTS.routed);
    expect(stored(world)).toEqual({ live: 'green', saved: 'blue', record: 'blue' });
    const state = await target.status();
    expect(state.live).toBe('green');
    expect(state.interrupted).toEqual({
      routes: expect.stringContaining('saved live=blue') as unknown,
      record: expect.stringContaining('the record said live=blue') as unknown,
    });
  });

  test('the next deploy repairs all of it first: saved routes, record, a reconcile entry, a warning', async () => {
    const { world, target, d } = await stoppedAt(FAILPOINTS.routed);
    const again = await deploy(target, request({ image: TWO.ref }), d);
    expect(again.message).toContain('is already live on green: nothing to do');
    expect(stored(world)).toEqual({ live: 'green', saved: 'green', record: 'green' });
    expect(world.record.history[0]).toMatchObject({
      action: 'reconcile',
      color: 'green',
      digest: DIGEST_B,
      version: '2.0.0',
      previousColor: 'blue',
      deployId: holder.deployId,
    });
    expect(warnings(d).some((w) => w.startsWith('repaired an interrupted switch'))).toBe(true);
    // A router restart now serves what the record says.
    restartRouter(world);
    expect(stored(world)).toEqual({ live: 'green', saved: 'green', record: 'green' });
  });

  test('a router restart before the next run puts all of it back to old: nothing to repair', async () => {
    const { world, target, d } = await stoppedAt(FAILPOINTS.routed);
    restartRouter(world);
    expect(stored(world)).toEqual({ live: 'blue', saved: 'blue', record: 'blue' });
    expect((await target.status()).interrupted).toBeUndefined();
    // The re-run deploys 2.0.0 for real: a deploy entry, no reconcile.
    await deploy(target, request({ image: TWO.ref }), d);
    expect(stored(world)).toEqual({ live: 'green', saved: 'green', record: 'green' });
    expect(world.record.history.map((h) => h.action)).toEqual(['deploy', 'deploy']);
  });
});

describe('stopped after the routes were saved, before the record', () => {
  test('the next run repairs the record with a reconcile entry; the routes were already saved', async () => {
    const { world, target, d } = await stoppedAt(FAILPOINTS.routesSaved);
    const state = await target.status();
    expect(state.interrupted).toEqual({ record: expect.any(String) as unknown });
    await deploy(target, request({ image: TWO.ref }), d);
    expect(stored(world)).toEqual({ live: 'green', saved: 'green', record: 'green' });
    expect(world.record.history.map((h) => h.action)).toEqual(['reconcile', 'deploy']);
  });
});

describe('runs that hold no lock (status, monitor-window)', () => {
  test('status repairs when the deploy lock is free', async () => {
    const { world, target, d, clock } = await stoppedAt(FAILPOINTS.routed);
    const result = await status(target, holder, { log: d.log, clock });
    expect(result.before.live).toBe('green');
    expect(result.before.interrupted).toBeUndefined();
    expect(stored(world)).toEqual({ live: 'green', saved: 'green', record: 'green' });
    expect(world.lock).toBeUndefined();
  });

  test('with the lock held by another run, it only warns: that run repairs as it starts', async () => {
    const { world, target, d, clock } = await stoppedAt(FAILPOINTS.routed);
    const lease = await target.lock(other, { timeoutMs: 0, ttlMs: MINUTE });
    const before: TargetState = await target.status();
    const after = await repairIfFree(target, before, holder, { log: d.log, clock });
    expect(after).toBe(before);
    expect(stored(world)).toEqual({ live: 'green', saved: 'blue', record: 'blue' });
    expect(warnings(d).at(-1)).toMatch(/^an interrupted switch is left to the run holding/);
    await lease.release();
  });

  test('an undisturbed state is returned as it is, and takes no lock', async () => {
    const { target, d, clock } = await stoppedAt(FAILPOINTS.routed);
    await deploy(target, request({ image: TWO.ref }), d);
    const state = await target.status();
    const spy = jest.spyOn(target, 'lock');
    expect(await repairIfFree(target, state, holder, { log: d.log, clock })).toBe(state);
    expect(spy).not.toHaveBeenCalled();
  });
});
