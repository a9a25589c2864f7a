/** The conformance suite on the in-memory target: the contract's own test, with a virtual clock. */
import { describeTargetConformance } from './conformance.js';
import { emptyWorld, MemoryTarget, type World } from './memory-target.js';
import { DIGEST_A, DIGEST_B, image } from './fake-target.js';
import { FakeClock } from '../../../test/support/fakes.js';

const ONE = image(DIGEST_A, { ref: 'registry.test/shop:1.0.0', version: '1.0.0' });
const TWO = image(DIGEST_B, { ref: 'registry.test/shop:2.0.0', version: '2.0.0' });
const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
let world: World = emptyWorld([ONE, TWO]);

describeTargetConformance('in memory', {
  target: () => new MemoryTarget(world, clock),
  reset: () => {
    world = emptyWorld([ONE, TWO]);
    return Promise.resolve();
  },
  images: [ONE.ref, TWO.ref],
  now: () => clock.now(),
  pass: (ms) => clock.sleep(ms),
  staleTtlMs: 60_000,
});
