/**
 * holdLock: monitor-window holds the deploy lock for its window and rolls back under it. A rollback
 * (withLock) on the same target runs under the held lock instead of waiting for it; another holder
 * waits until the hold is released.
 */
import { deploy, holdLock, rollback, type LockHolder } from '@switchyard/targets';
import { DIGEST_A, DIGEST_B, image } from './fake-target.js';
import { health, holder, MINUTE, request } from './fixtures.js';
import { memoryEnvironment, MemoryTarget } from './memory-target.js';

const ONE = image(DIGEST_A, { ref: 'registry.test/shop:1.0.0', version: '1.0.0' });
const TWO = image(DIGEST_B, { ref: 'registry.test/shop:2.0.0', version: '2.0.0' });
const other: LockHolder = {
  deployId: 'https://github.test/acme/shop/actions/runs/9',
  actor: 'eve',
  token: 'e',
};

test('a rollback under a held lock runs at once; others wait until the hold ends', async () => {
  const { world, target, d, clock } = memoryEnvironment([ONE, TWO]);
  await deploy(target, request({ image: ONE.ref }), d);
  await deploy(target, request({ image: TWO.ref }), d);

  const held = await holdLock(target, { holder, lockTimeoutMs: 0 }, d);
  expect(world.lock?.holder.token).toBe(holder.token);
  // Another run can't take it while the window holds it.
  const rival = new MemoryTarget(world, clock);
  await expect(rival.lock(other, { timeoutMs: 0, ttlMs: MINUTE })).rejects.toThrow();

  const result = await rollback(
    target,
    {
      health,
      readyTimeoutMs: MINUTE,
      keepPreviousMs: 30 * MINUTE,
      lockTimeoutMs: 0,
      holder,
      verifyTimeoutMs: 30_000,
      prepared: { state: await target.status(), router: 'unchanged' },
    },
    d,
  );
  expect(result).toMatchObject({ rolledBack: true, method: 'switch', to: { version: '1.0.0' } });
  // Still held: the rollback ran under the hold and left it to its holder.
  expect(world.lock?.holder.token).toBe(holder.token);
  await held.release();
  expect(world.lock).toBeUndefined();
  await expect(rival.lock(other, { timeoutMs: 0, ttlMs: MINUTE })).resolves.toBeDefined();
});
