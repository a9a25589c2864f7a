/**
 * The rolled-back-from mark (record.ts `rolledBackFrom`): a rollback marks the release it moved away
 * from, and the mark clears once that release goes live again by a switch recorded after the
 * rollback (a deploy or promote of it, or a rollback to it); a later rollback away from it marks it
 * again. Table-tested on histories, then the scenario of issue 20 item 8 on the in-memory target.
 */
import {
  chooseRollback,
  deploy,
  rollback,
  rolledBackFrom,
  type HistoryEntry,
  type RollbackRequest,
} from '@switchyard/targets';
import { DIGEST_A, DIGEST_B, DIGEST_C, image } from './fake-target.js';
import { health, holder, MINUTE, request } from './fixtures.js';
import { memoryEnvironment } from './memory-target.js';

const A = DIGEST_A;
const B = DIGEST_B;
const C = DIGEST_C;

/** A switch to `digest`; `from` is what was live before (a rollback marks it). */
const sw = (action: HistoryEntry['action'], digest: string, from?: string): HistoryEntry => ({
  at: '2026-01-01T00:00:00.000Z',
  action,
  color: 'blue',
  image: `registry.test/shop@${digest}`,
  digest,
  version: digest.slice(7, 10),
  deployId: 'run/1',
  actor: 'bob',
  ...(from && { previousDigest: from }),
});

/** Oldest first here, for reading; the record keeps them newest first. */
const newestFirst = (...oldestFirst: HistoryEntry[]): HistoryEntry[] => [...oldestFirst].reverse();

describe('rolledBackFrom', () => {
  test.each<[string, HistoryEntry[], string | undefined, string[]]>([
    ['deploys only: nothing marked', [sw('deploy', A), sw('deploy', B, A)], undefined, []],
    [
      'a rollback marks the release it moved away from',
      [sw('deploy', A), sw('deploy', B, A), sw('rollback', A, B)],
      undefined,
      [B],
    ],
    [
      'redeployed after the rollback (and switched live): the mark clears',
      [sw('deploy', A), sw('deploy', B, A), sw('rollback', A, B), sw('deploy', B, A)],
      undefined,
      [],
    ],
    [
      'promoted after the rollback: the mark clears',
      [sw('deploy', A), sw('deploy', B, A), sw('rollback', A, B), sw('promote', B, A)],
      undefined,
      [],
    ],
    [
      'redeployed, then rolled back from again: marked again',
      [
        sw('deploy', A),
        sw('deploy', B, A),
        sw('rollback', A, B),
        sw('deploy', B, A),
        sw('rollback', A, B),
      ],
      undefined,
      [B],
    ],
    [
      'rolled back to by name after the rollback from it: clears it, marks what it left',
      [sw('deploy', A), sw('deploy', B, A), sw('rollback', A, B), sw('rollback', B, A)],
      undefined,
      [A],
    ],
    [
      'a reconcile entry (a repaired record, no one chose it) does not clear',
      [sw('deploy', A), sw('deploy', B, A), sw('rollback', A, B), sw('reconcile', B, A)],
      undefined,
      [B],
    ],
    [
      'a deploy of another release does not clear',
      [sw('deploy', A), sw('deploy', B, A), sw('rollback', A, B), sw('deploy', C, A)],
      undefined,
      [B],
    ],
    [
      'a rollback killed before its switch (rollingBackFrom) is marked whatever the history says',
      [sw('deploy', A), sw('deploy', B, A), sw('rollback', A, B), sw('deploy', B, A)],
      B,
      [B],
    ],
    [
      'restoring the live release itself (previousDigest = digest) marks nothing',
      [sw('deploy', A), sw('rollback', A, A)],
      undefined,
      [],
    ],
  ])('[%#] %s', (_name, oldestFirst, rollingBackFrom, marked) => {
    const history = newestFirst(...oldestFirst);
    expect([...rolledBackFrom({ history, ...(rollingBackFrom && { rollingBackFrom }) })]).toEqual(
      marked,
    );
  });

  test('order is the history list’s (switches are prepended), not the entries’ clocks', () => {
    // The redeploy's clock ran behind the rollback's: it is still the newer event.
    const history = newestFirst(
      sw('deploy', A),
      sw('deploy', B, A),
      { ...sw('rollback', A, B), at: '2026-01-02T00:00:00.000Z' },
      { ...sw('deploy', B, A), at: '2026-01-01T00:00:00.000Z' },
    );
    expect(rolledBackFrom({ history })).toEqual(new Set());
  });
});

describe('issue 20 item 8: a release redeployed after a rollback from it is chosen again', () => {
  const ONE = image(A, { ref: 'registry.test/shop:1.0.0', version: '1.0.0' });
  const TWO = image(B, { ref: 'registry.test/shop:2.0.0', version: '2.0.0' });
  const THREE = image(C, { ref: 'registry.test/shop:3.0.0', version: '3.0.0' });
  const rollbackRequest: RollbackRequest = {
    health,
    readyTimeoutMs: 60_000,
    keepPreviousMs: 30 * MINUTE,
    lockTimeoutMs: 2 * MINUTE,
    holder,
    verifyTimeoutMs: 30_000,
  };

  test('1.0.0, 2.0.0, rollback, 2.0.0 again, 3.0.0: the next rollback switches to the warm 2.0.0', async () => {
    // Pinned references too, should a rollback redeploy (it must not here).
    const pinned = [ONE, TWO, THREE].map((i) => ({ ...i, ref: `registry.test/shop@${i.digest}` }));
    const { world, target, d, clock } = memoryEnvironment([ONE, TWO, THREE, ...pinned]);
    const deployed = async (ref: string): Promise<void> => {
      clock.advance(MINUTE);
      await deploy(target, request({ image: ref }), d);
    };

    await deployed(ONE.ref);
    await deployed(TWO.ref);
    expect(await rollback(target, rollbackRequest, d)).toMatchObject({ to: { version: '1.0.0' } });
    expect(rolledBackFrom(await target.status())).toEqual(new Set([B]));
    // 2.0.0 redeployed and switched live: it passed, the mark clears.
    await deployed(TWO.ref);
    expect(rolledBackFrom(await target.status())).toEqual(new Set());
    await deployed(THREE.ref);
    const warm = world.colors[world.live === 'blue' ? 'green' : 'blue'];
    expect(warm).toMatchObject({ digest: B, running: true });
    expect(chooseRollback(await target.status())).toMatchObject({
      kind: 'go',
      entry: { digest: B },
      method: 'switch',
    });

    const result = await rollback(target, rollbackRequest, d);

    expect(result).toMatchObject({ rolledBack: true, method: 'switch', to: { version: '2.0.0' } });
    expect(world.colors[world.live ?? 'blue']).toMatchObject({ digest: B, running: true });
    // 3.0.0 is marked now; 2.0.0 is live; 1.0.0 is a candidate again only by redeploy.
    expect(rolledBackFrom(await target.status())).toEqual(new Set([C]));
  });
});
