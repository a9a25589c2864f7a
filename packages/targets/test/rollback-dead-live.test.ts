/**
 * Rollback when the live color is down (its container removed, or not running): a reason to roll
 * back, never "nothing is live". Pure choices, the orchestration on the scripted fake, and the
 * whole path on the in-memory target with its container really gone.
 */
import { ActionError, systemClock } from '@switchyard/kit';
import {
  chooseRollback,
  deploy,
  describeChoice,
  colorDown,
  liveDown,
  renderSummary,
  rollback,
  type ColorStatus,
  type HistoryEntry,
  type RollbackChoice,
  type RollbackRequest,
  type Target,
  type TargetState,
  watchRollback,
} from '@switchyard/targets';
import { colorRunning, DIGEST_A, DIGEST_B, FakeTarget, GroupLogger, image } from './fake-target.js';
import { deps, health, holder, MINUTE, request } from './fixtures.js';
import { memoryEnvironment } from './memory-target.js';

const DIGEST_C = `sha256:${'c'.repeat(64)}`;

const entry = (
  version: string,
  digest: string,
  over: Partial<HistoryEntry> = {},
): HistoryEntry => ({
  at: '2025-12-30T00:00:00.000Z',
  action: 'deploy',
  color: 'blue',
  image: `registry.test/shop:${version}`,
  digest,
  version,
  deployId: 'https://github.test/acme/shop/actions/runs/40',
  actor: 'bob',
  ...over,
});

const V1 = entry('1.0.0', DIGEST_A);
const V2 = entry('1.1.0', DIGEST_B, {
  at: '2025-12-31T00:00:00.000Z',
  color: 'green',
  previousColor: 'blue',
  previousDigest: DIGEST_A,
});
const blue1 = colorRunning('blue', DIGEST_A, {
  image: 'registry.test/shop:1.0.0',
  version: '1.0.0',
});
const green2 = colorRunning('green', DIGEST_B, {
  image: 'registry.test/shop:1.1.0',
  version: '1.1.0',
});
const exited = (c: ColorStatus): ColorStatus => ({
  ...c,
  state: 'exited',
  running: false,
  exitCode: 137,
});

/** The record says green (1.1.0) is live; blue holds 1.0.0 warm. Override the colors to kill green. */
const greenLive = (over: Partial<TargetState> = {}): TargetState => ({
  live: 'green',
  previous: 'blue',
  switchedAt: '2025-12-31T00:00:00.000Z',
  retireAfter: '2025-12-31T00:30:00.000Z',
  history: [V2, V1],
  colors: { blue: blue1, green: green2 },
  exists: true,
  notes: [],
  ...over,
});

const GONE = 'the live color green (1.1.0, registry.test/shop:1.1.0) has no container (removed)';
const STOPPED =
  'the live color green (1.1.0, registry.test/shop:1.1.0) is not running (exited, exit code 137)';

describe('liveDown', () => {
  test.each<[string, Partial<TargetState>, string | undefined]>([
    ['the live container runs', {}, undefined],
    ['nothing is live', { live: null, previous: null }, undefined],
    ['never deployed', { exists: false }, undefined],
    ['the live container is gone', { colors: { blue: blue1 } }, GONE],
    ['the live container exited', { colors: { blue: blue1, green: exited(green2) } }, STOPPED],
    [
      'the live container is gone and the history forgot it',
      { colors: { blue: blue1 }, history: [V1] },
      'the live color green has no container (removed)',
    ],
    [
      'the router serves nothing',
      { routerDown: 'the proxy shop-proxy is crash-looping (restarted 3 times)' },
      'the proxy shop-proxy is crash-looping (restarted 3 times)',
    ],
    [
      'the router serves nothing, nothing is live anyway',
      { live: null, previous: null, routerDown: 'the proxy shop-proxy is stopped (exited)' },
      undefined,
    ],
  ])('[%#] %s: %p', (_name, over, expected) => {
    expect(liveDown(greenLive(over))).toBe(expected);
  });

  test('a router that serves nothing is not a reason to roll back (colorDown): a rollback repairs it anyway', () => {
    expect(
      colorDown(greenLive({ routerDown: 'the proxy shop-proxy is stopped (exited)' })),
    ).toBeUndefined();
  });
});

describe('chooseRollback: the live color is down', () => {
  test.each<[string, TargetState['colors'], string]>([
    ['gone', { blue: blue1 }, GONE],
    ['exited', { blue: blue1, green: exited(green2) }, STOPPED],
  ])('[%#] live %s, 1.0.0 warm on blue: a switch to it', (_name, colors, down) => {
    expect(chooseRollback(greenLive({ colors }))).toEqual<RollbackChoice>({
      kind: 'go',
      entry: V1,
      color: 'blue',
      method: 'switch',
      down,
    });
  });

  test('live gone, blue retired: 1.0.0 is redeployed into blue', () => {
    const colors = { blue: exited(blue1) };
    expect(chooseRollback(greenLive({ colors }))).toEqual<RollbackChoice>({
      kind: 'go',
      entry: V1,
      color: 'blue',
      method: 'redeploy',
      down: GONE,
    });
  });

  test('live gone: to: names an earlier release, as with a live color that runs', () => {
    expect(chooseRollback(greenLive({ colors: { blue: blue1 } }), '1.0.0')).toMatchObject({
      kind: 'go',
      entry: V1,
      method: 'switch',
      down: GONE,
    });
  });

  test('live gone: to: naming the live release restores it into the idle color', () => {
    const state = greenLive({ colors: { blue: blue1 } });
    expect(chooseRollback(state, '1.1.0')).toEqual<RollbackChoice>({
      kind: 'go',
      entry: V2,
      color: 'blue',
      method: 'redeploy',
      down: GONE,
    });
    // With the live color running, the same `to` is a no-op, as before.
    expect(chooseRollback(greenLive(), '1.1.0')).toMatchObject({ kind: 'noop' });
  });

  test('live gone: the warm idle color wins over a newer release that would need a redeploy', () => {
    // 1.2.0 is live on green (gone); blue runs 1.0.0 warm; 1.1.0 is newer but runs nowhere.
    const V3 = entry('1.2.0', DIGEST_C, { at: '2026-01-01T00:00:00.000Z', color: 'green' });
    const state = greenLive({
      history: [V3, V2, V1],
      colors: { blue: blue1 },
    });
    expect(chooseRollback(state)).toMatchObject({ entry: V1, method: 'switch' });
    // The live color running, the newest earlier release is chosen (unchanged): a redeploy of 1.1.0.
    const running = greenLive({
      history: [V3, V2, V1],
      colors: { blue: blue1, green: colorRunning('green', DIGEST_C) },
    });
    expect(chooseRollback(running)).toMatchObject({ entry: V2, method: 'redeploy' });
  });

  test('live gone: a warm idle color holding a version rolled back from is not switched to', () => {
    // 1.1.0 was rolled back from (to 1.0.0 on green); now green (1.0.0) is gone, blue runs 1.1.0.
    const back = entry('1.0.0', DIGEST_A, {
      at: '2026-01-01T00:00:00.000Z',
      action: 'rollback',
      color: 'green',
      previousColor: 'blue',
      previousDigest: DIGEST_B,
    });
    const V0 = entry('0.9.0', DIGEST_C, { at: '2025-12-29T00:00:00.000Z' });
    const state = greenLive({
      history: [back, V2, V1, V0],
      colors: { blue: colorRunning('blue', DIGEST_B, { version: '1.1.0' }) },
    });
    expect(chooseRollback(state)).toMatchObject({
      kind: 'go',
      entry: V0,
      color: 'blue',
      method: 'redeploy',
    });
  });

  test.each<[string, HistoryEntry[], RegExp]>([
    ['only the live release', [V2], /^the live color green .* has no container \(removed\), and/],
    [
      'only versions rolled back from',
      [
        entry('1.1.0', DIGEST_B, {
          action: 'rollback',
          color: 'green',
          previousColor: 'blue',
          previousDigest: DIGEST_A,
        }),
        V1,
      ],
      /\(only versions already rolled back from\)/,
    ],
  ])(
    '[%#] live gone and %s: an ActionError that says so, not a quiet no-op',
    (_name, history, message) => {
      const error = (() => {
        try {
          return chooseRollback(greenLive({ history, colors: {} }));
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ActionError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain('there is no earlier release to roll back to');
      expect((error as Error).message).toContain('Deploy a release');
    },
  );
});

const rollbackRequest = (over: Partial<RollbackRequest> = {}): RollbackRequest => ({
  health,
  readyTimeoutMs: 60_000,
  keepPreviousMs: 30 * MINUTE,
  lockTimeoutMs: 2 * MINUTE,
  holder,
  verifyTimeoutMs: 30_000,
  ...over,
});

describe('rollback: the live container is gone (scripted fake)', () => {
  test('switches to the warm blue, records what it moved away from, and says so', async () => {
    const target = new FakeTarget({ state: greenLive({ colors: { blue: blue1 } }) });
    const { deps: d, log } = deps();
    const result = await rollback(target, rollbackRequest({ reason: 'green crashed' }), d);
    expect(target.changes).toEqual([
      'lock',
      'prepare',
      'saveRecord',
      'switchTo blue',
      'saveRecord',
      'close',
      'release lock-1',
    ]);
    expect(target.saved[0]).toMatchObject({ live: 'green', rollingBackFrom: DIGEST_B });
    expect(target.saved[1]?.history[0]).toMatchObject({
      action: 'rollback',
      color: 'blue',
      digest: DIGEST_A,
      previousColor: 'green',
      previousImage: 'registry.test/shop:1.1.0',
      previousDigest: DIGEST_B,
      reason: 'green crashed',
    });
    expect(target.saved[1]).not.toHaveProperty('rollingBackFrom');
    expect(result).toMatchObject({
      rolledBack: true,
      switched: true,
      method: 'switch',
      color: 'blue',
      from: { image: 'registry.test/shop:1.1.0', digest: DIGEST_B, version: '1.1.0' },
      to: { digest: DIGEST_A, version: '1.0.0' },
      liveWasDown: GONE,
    });
    // The result's before is what was read, not the stand-in the switch recorded from.
    expect(result.before.colors).toEqual({ blue: blue1 });
    expect(result.message).toBe(
      `rolled back to 1.0.0 on blue by switch in 0ms, restoring service: ${GONE}`,
    );
    expect(log.text()).toContain(
      `warning: ${GONE}: live traffic reaches nothing; rolling back restores service`,
    );
    expect(log.text()).toContain('Rolling back green (1.1.0, down) → 1.0.0 (aaaaaaaaaaaa)');
    // The job summary says what was down, and which release it was (from the record).
    const md = renderSummary(result, 'shop', 'staging', { title: 'rollback' });
    expect(md).toContain('| live color | green (down: no container) | blue |');
    expect(md).toContain('| version | 1.1.0 | 1.0.0 |');
    expect(md).toContain(result.message);
  });

  test('rollback-on-failure: the judged release is the one the record says is live', async () => {
    const target = new FakeTarget({ state: greenLive({ colors: { blue: blue1 } }) });
    const result = await rollback(target, rollbackRequest({ onlyIfLive: DIGEST_B }), deps().deps);
    expect(result).toMatchObject({ rolledBack: true, method: 'switch', color: 'blue' });
    const other = new FakeTarget({ state: greenLive({ colors: { blue: blue1 } }) });
    await expect(
      rollback(other, rollbackRequest({ onlyIfLive: DIGEST_C }), deps().deps),
    ).rejects.toThrow(/no longer live; green runs 1\.1\.0 \(bbbbbbbbbbbb\)/);
    expect(other.changes).toEqual(['lock', 'close', 'release lock-1']);
  });

  test('to: the live release itself: redeployed into blue, no version marked as rolled back from', async () => {
    const target = new FakeTarget({
      state: greenLive({ colors: { blue: blue1 } }),
      image: image(DIGEST_B, { version: '1.1.0' }),
    });
    const result = await rollback(target, rollbackRequest({ to: '1.1.0' }), deps().deps);
    expect(target.changes).toEqual([
      'lock',
      'prepare',
      `resolveImage registry.test/shop@${DIGEST_B} missing`,
      'start blue',
      'switchTo blue',
      'saveRecord',
      'close',
      'release lock-1',
    ]);
    expect(target.saved[0]?.history[0]).not.toHaveProperty('previousDigest');
    expect(result).toMatchObject({
      rolledBack: true,
      method: 'redeploy',
      to: { version: '1.1.0' },
    });
  });

  test('nothing to go back to: fails, changes nothing', async () => {
    const target = new FakeTarget({ state: greenLive({ colors: {}, history: [V2] }) });
    await expect(rollback(target, rollbackRequest(), deps().deps)).rejects.toThrow(
      `${GONE}, and there is no earlier release to roll back to`,
    );
    expect(target.changes).toEqual(['lock', 'close', 'release lock-1']);
  });
});

describe('rollback on the in-memory target: the live container removed', () => {
  const ONE = image(DIGEST_A, { ref: 'registry.test/shop:1.0.0', version: '1.0.0' });
  const TWO = image(DIGEST_B, { ref: 'registry.test/shop:1.1.0', version: '1.1.0' });

  test('deploy 1.0.0, deploy 1.1.0, remove green: rollback switches to the warm 1.0.0', async () => {
    const { world, target, d } = memoryEnvironment([ONE, TWO]);
    await deploy(target, request({ image: ONE.ref }), d);
    await deploy(target, request({ image: TWO.ref }), d);
    expect(world.live).toBe('green');
    delete world.colors.green;
    expect(liveDown(await target.status())).toBe(
      'the live color green (1.1.0, registry.test/shop:1.1.0) has no container (removed)',
    );

    const result = await rollback(target, rollbackRequest(), d);

    expect(result).toMatchObject({ rolledBack: true, method: 'switch', color: 'blue' });
    expect(result.verified?.ok).toBe(true);
    expect(world.live).toBe('blue');
    expect(world.colors.blue).toMatchObject({ digest: DIGEST_A, running: true });
    const after = await target.status();
    expect(liveDown(after)).toBeUndefined();
    expect(after.history[0]).toMatchObject({
      action: 'rollback',
      digest: DIGEST_A,
      previousDigest: DIGEST_B,
    });
  });

  test('the live container exited and the previous one retired: 1.0.0 is redeployed', async () => {
    const pinnedOne = { ...ONE, ref: `registry.test/shop@${DIGEST_A}` };
    const { world, target, d } = memoryEnvironment([ONE, TWO, pinnedOne]);
    await deploy(target, request({ image: ONE.ref }), d);
    await deploy(target, request({ image: TWO.ref }), d);
    await target.stop('blue');
    await target.stop('green');

    const result = await rollback(target, rollbackRequest(), d);

    expect(result).toMatchObject({
      rolledBack: true,
      method: 'redeploy',
      color: 'blue',
      liveWasDown: expect.stringContaining('is not running (exited)') as string,
    });
    expect(world.live).toBe('blue');
    expect(world.colors.blue).toMatchObject({ digest: DIGEST_A, running: true });
  });
});

describe('watchRollback: the prepared rollback stays current during a window', () => {
  /** A target whose status() answers from a script (the last answer repeats). */
  const scripted = (answers: (() => Promise<TargetState>)[]) => {
    let calls = 0;
    const target = {
      status: () =>
        (answers[Math.min(calls++, answers.length - 1)] as () => Promise<TargetState>)(),
    } as unknown as Target;
    return { target, calls: () => calls };
  };
  const until = async (ok: () => boolean): Promise<void> => {
    while (!ok()) await systemClock.sleep(2);
  };

  test('a warm color that stops during the window: the rollback becomes a redeploy, said when it happens', async () => {
    const warm = greenLive();
    const cold = greenLive({ colors: { blue: exited(blue1), green: green2 } });
    const { target, calls } = scripted([() => Promise.resolve(warm), () => Promise.resolve(cold)]);
    const log = new GroupLogger();
    const watch = watchRollback(target, warm, { clock: systemClock, log }, 5);
    await until(() => calls() >= 3);
    await watch.stop();
    expect(watch.current()).toEqual(cold);
    expect(log.lines.filter((l) => l.level === 'warning').map((l) => l.message)).toEqual([
      'rollback-on-failure changed during the window: a failed verdict redeploys 1.0.0 into blue (was: a failed verdict switches to the warm blue (1.0.0))',
    ]);
  });

  test('a read that fails keeps the last state, with a warning', async () => {
    const warm = greenLive();
    const { target, calls } = scripted([() => Promise.reject(new Error('daemon gone'))]);
    const log = new GroupLogger();
    const watch = watchRollback(target, warm, { clock: systemClock, log }, 5);
    await until(() => calls() >= 1);
    await watch.stop();
    expect(watch.current()).toBe(warm);
    expect(log.text()).toContain(
      'could not read the state during the window (daemon gone); a rollback starts from the last one read',
    );
  });

  test('stop waits for a read in flight, and no read starts after it', async () => {
    let answer: (s: TargetState) => void = () => undefined;
    const later = greenLive({ switchedAt: '2026-01-01T00:00:00.000Z' });
    const { target, calls } = scripted([
      () => new Promise<TargetState>((resolve) => (answer = resolve)),
    ]);
    const watch = watchRollback(
      target,
      greenLive(),
      { clock: systemClock, log: new GroupLogger() },
      5,
    );
    await until(() => calls() === 1);
    let stopped = false;
    const stopping = watch.stop().then(() => (stopped = true));
    await systemClock.sleep(20);
    expect(stopped).toBe(false);
    answer(later);
    await stopping;
    expect(watch.current()).toEqual(later);
    await systemClock.sleep(20);
    expect(calls()).toBe(1);
  });

  test('describeChoice says what a failed verdict would do', () => {
    expect(describeChoice(greenLive())).toBe('a failed verdict switches to the warm blue (1.0.0)');
    expect(describeChoice(greenLive({ live: null, previous: null }))).toBe(
      'nothing is live here, so there is nothing to roll back',
    );
  });
});
