/**
 * Issue 20, item 6: a deploy that waited for the lock notices that the environment moved on while
 * it waited, says so, and with `ifLiveIs` refuses (changing nothing) when live is not what it expects.
 */
import {
  deploy,
  type Lease,
  type LockHolder,
  type LockOptions,
  type ResolvedImage,
} from '@switchyard/targets';
import { ActionError } from '@switchyard/kit';
import { DIGEST_A, DIGEST_B, DIGEST_C, image } from './fake-target.js';
import type { deps } from './fixtures.js';
import { MINUTE, request } from './fixtures.js';
import { memoryEnvironment, MemoryTarget } from './memory-target.js';

const ONE = image(DIGEST_A, { ref: 'registry.test/shop:1.0.0', version: '1.0.0' });
const TWO = image(DIGEST_B, { ref: 'registry.test/shop:2.0.0', version: '2.0.0' });
const THREE = image(DIGEST_C, { ref: 'registry.test/shop:3.0.0', version: '3.0.0' });
const other: LockHolder = {
  deployId: 'https://github.test/acme/shop/actions/runs/7',
  actor: 'bob',
  token: 'b0b',
};

/** A target whose next lock() lets another run deploy first, as if this run waited for it. */
class Racing extends MemoryTarget {
  before?: () => Promise<void>;
  override async lock(h: LockHolder, opts: LockOptions): Promise<Lease> {
    const first = this.before;
    this.before = undefined;
    if (first) await first();
    return super.lock(h, opts);
  }
}

function setup(images: ResolvedImage[] = [ONE, TWO, THREE]) {
  return memoryEnvironment(images, (world, clock) => new Racing(world, clock));
}

const warnings = (log: ReturnType<typeof deps>['log']): string[] =>
  log.lines.filter((l) => l.level === 'warning').map((l) => l.message);

test('a deploy that waited while another went live says what went live, then goes ahead', async () => {
  const { world, target, d, log, clock } = setup();
  await deploy(target, request({ image: ONE.ref }), d);
  clock.advance(MINUTE);
  target.before = async () => {
    await deploy(target, request({ image: THREE.ref, holder: other }), d);
  };
  await deploy(target, request({ image: TWO.ref }), d);
  expect(warnings(log)).toContainEqual(
    `while this deploy waited, the environment moved on: deploy of 3.0.0 by ${other.deployId} at ${new Date(clock.now()).toISOString()}. Live is now 3.0.0 (${DIGEST_C})`,
  );
  expect(world.colors[world.live ?? 'blue']).toMatchObject({ digest: DIGEST_B });
});

test('if-live-is: the run that waited refuses, changing nothing, when live moved on', async () => {
  const { world, target, d } = setup();
  await deploy(target, request({ image: ONE.ref }), d);
  target.before = async () => {
    await deploy(target, request({ image: THREE.ref, holder: other }), d);
  };
  const before = structuredClone(world.colors);
  const error = await deploy(target, request({ image: TWO.ref, ifLiveIs: DIGEST_A }), d).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActionError);
  expect((error as Error).message).toMatch(
    new RegExp(
      `^if-live-is: live is 3\\.0\\.0 \\(${DIGEST_C}\\), not ${DIGEST_A} \\(it moved on while this deploy waited: deploy of 3\\.0\\.0 by`,
    ),
  );
  // Only the other run's deploy happened: 2.0.0 never started.
  expect(Object.values(world.colors).map((c) => c.digest)).not.toContain(DIGEST_B);
  expect(world.colors.blue).toEqual(before.blue);
  expect(world.lock).toBeUndefined();
});

test.each([
  ['the live digest', DIGEST_A, true],
  ['another digest', DIGEST_C, false],
  ['none, with something live', 'none', false],
])('if-live-is %s, nothing moved: goes ahead = %s', async (_, ifLiveIs, goes) => {
  const { world, target, d } = setup();
  await deploy(target, request({ image: ONE.ref }), d);
  const run = deploy(target, request({ image: TWO.ref, ifLiveIs }), d);
  if (goes) {
    await run;
    expect(world.colors[world.live ?? 'blue']).toMatchObject({ digest: DIGEST_B });
  } else {
    await expect(run).rejects.toThrow(/^if-live-is: live is 1\.0\.0/);
    expect(world.colors[world.live ?? 'blue']).toMatchObject({ digest: DIGEST_A });
  }
});

test('if-live-is none deploys the first release', async () => {
  const { world, target, d } = setup();
  await deploy(target, request({ image: ONE.ref, ifLiveIs: 'none' }), d);
  expect(world.live).toBe('blue');
  expect(world.record.history.map((h) => `${h.action} ${h.version}`)).toEqual(['deploy 1.0.0']);
});
