import { ActionError } from '@switchyard/kit';
import type { HttpRequest } from '@switchyard/probe';
import {
  LEASE_TTL_MS,
  chooseRollback,
  parseRecord,
  recordOf,
  pinnedRef,
  rollback,
  RollbackVerifyError,
  type DeployRecord,
  type HistoryEntry,
  type ResolvedImage,
  type RollbackChoice,
  type RollbackRequest,
  type TargetState,
} from '@switchyard/targets';
import { FakeHttp, type FakeAnswer } from '../../../test/support/fakes.js';
import {
  colorRunning,
  DIGEST_A,
  DIGEST_B,
  FakeTarget,
  image,
  readiness,
  type FakeTargetScript,
} from './fake-target.js';
import { deps, HANDLE, health, holder, MINUTE, T0 } from './fixtures.js';

const ISO0 = new Date(T0).toISOString();
const DIGEST_C = `sha256:${'c'.repeat(64)}`;
/** What `docker image inspect` reports as the id of an image built on the host (no repo digest). */
const IMAGE_ID = `sha256:${'9'.repeat(64)}`;
const PREVIEW_HEALTH = 'http://shop.test:8081/healthz';
const LIVE_HEALTH = 'http://shop.test/healthz';

/** A history entry for `version` of registry.test/shop. */
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

/** The first deploy (blue) and the second (green), newest first as the target keeps them. */
const V1 = entry('1.0.0', DIGEST_A);
const V2 = entry('1.1.0', DIGEST_B, {
  at: '2025-12-31T00:00:00.000Z',
  color: 'green',
  previousColor: 'blue',
  previousImage: 'registry.test/shop:1.0.0',
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

/** 1.1.0 live on green, 1.0.0 still warm on blue (the previous color). */
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

const rollbackRequest = (over: Partial<RollbackRequest> = {}): RollbackRequest => ({
  health,
  readyTimeoutMs: 60_000,
  keepPreviousMs: 30 * MINUTE,
  lockTimeoutMs: 2 * MINUTE,
  holder,
  verifyTimeoutMs: 30_000,
  ...over,
});

/** A fake target and deps whose HTTP answers come from `answer` (default: 200 in 0 ms everywhere). */
const setup = (
  script: FakeTargetScript = {},
  answer: (req: HttpRequest, nth: number) => FakeAnswer = () => ({ status: 200, latencyMs: 0 }),
) => {
  const base = deps();
  const http = new FakeHttp(answer, base.clock);
  return { target: new FakeTarget(script), ...base, http, deps: { ...base.deps, http } };
};

describe('chooseRollback', () => {
  test('the warm previous color holds the last good version: a switch to it', () => {
    expect(chooseRollback(greenLive())).toEqual<RollbackChoice>({
      kind: 'go',
      entry: V1,
      color: 'blue',
      method: 'switch',
    });
  });

  test.each<[string, TargetState['colors']]>([
    ['stopped (retired)', { blue: { ...blue1, running: false, state: 'exited' }, green: green2 }],
    ['replaced by another version', { blue: colorRunning('blue', DIGEST_C), green: green2 }],
    ['gone', { green: green2 }],
  ])('[%#] the idle color %s: a redeploy of the release into it', (_name, colors) => {
    expect(chooseRollback(greenLive({ colors }))).toEqual<RollbackChoice>({
      kind: 'go',
      entry: V1,
      color: 'blue',
      method: 'redeploy',
    });
  });

  test('the idle color is decided by what is live, not by the color the release ran in', () => {
    // 1.0.0 ran in blue, but green is idle now: it is started (or found warm) there.
    const state = greenLive({
      live: 'blue',
      previous: 'green',
      colors: {
        blue: colorRunning('blue', DIGEST_C, { version: '1.2.0' }),
        green: colorRunning('green', DIGEST_A, { version: '1.0.0' }),
      },
      history: [entry('1.2.0', DIGEST_C), V2, V1],
    });
    expect(chooseRollback(state)).toMatchObject({
      kind: 'go',
      entry: { version: '1.1.0' },
      color: 'green',
      method: 'redeploy',
    });
    expect(chooseRollback(state, '1.0.0')).toMatchObject({
      entry: V1,
      color: 'green',
      method: 'switch',
    });
  });

  test.each([
    ['its version', '1.0.0'],
    ['its version with spaces around', ' 1.0.0 '],
    ['its digest', DIGEST_A],
    ['its image', 'registry.test/shop:1.0.0'],
    ['a 12 digit digest prefix', 'aaaaaaaaaaaa'],
    ['a 12 digit digest prefix with sha256:', 'sha256:aaaaaaaaaaaa'],
    ['a longer digest prefix', 'a'.repeat(40)],
    ['the digest without sha256:', 'a'.repeat(64)],
  ])('[%#] to names a release by %s: %s', (_name, to) => {
    expect(chooseRollback(greenLive(), to)).toEqual<RollbackChoice>({
      kind: 'go',
      entry: V1,
      color: 'blue',
      method: 'switch',
    });
  });

  test('to picks an older release than the last good one', () => {
    const V0 = entry('0.9.0', DIGEST_C, { color: 'green' });
    const state = greenLive({ history: [V2, V1, V0] });
    expect(chooseRollback(state, '0.9.0')).toEqual<RollbackChoice>({
      kind: 'go',
      entry: V0,
      color: 'blue',
      method: 'redeploy',
    });
  });

  test('the newest entry a `to` names wins (1.0.0 was rebuilt: two digests)', () => {
    const rebuilt = entry('1.0.0', DIGEST_C, { at: '2025-12-30T12:00:00.000Z', color: 'green' });
    const state = greenLive({ history: [V2, rebuilt, V1] });
    expect(chooseRollback(state, '1.0.0')).toMatchObject({ entry: rebuilt, method: 'redeploy' });
    expect(chooseRollback(state, 'registry.test/shop:1.0.0')).toMatchObject({ entry: rebuilt });
    // Without `to`, the last good version is the newest one that is not live.
    expect(chooseRollback(state)).toMatchObject({ entry: rebuilt });
    // The older build is still reachable by its digest.
    expect(chooseRollback(state, DIGEST_A)).toMatchObject({ entry: V1, method: 'switch' });
  });

  test.each([
    ['an unknown version', '9.9.9'],
    ['an 11 digit digest prefix (too short to name a release)', 'aaaaaaaaaaa'],
    ['a prefix of no digest', 'dddddddddddd'],
    ['an image with another tag', 'registry.test/shop:9.9.9'],
  ])('[%#] to names nothing in the history (%s): ActionError listing it', (_name, to) => {
    const error = (() => {
      try {
        return chooseRollback(greenLive({ history: [V2, V1, { ...V1, at: 'T' }] }), to);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toBe(
      `to: "${to}" is not in the history of this environment. It holds: 1.1.0 (bbbbbbbbbbbb), 1.0.0 (aaaaaaaaaaaa). Give a version or digest from it (deploy-bluegreen action: status lists them)`,
    );
  });

  test('to with an empty history says so', () => {
    expect(() => chooseRollback(greenLive({ history: [] }), '1.0.0')).toThrow(
      'to: "1.0.0" is not in the history of this environment. The history is empty. Give a version or digest from it',
    );
  });

  test.each([
    ['its version', '1.1.0'],
    ['its digest', DIGEST_B],
    ['a digest prefix', 'bbbbbbbbbbbb'],
  ])('[%#] to names the live release by %s: noop', (_name, to) => {
    expect(chooseRollback(greenLive(), to)).toEqual<RollbackChoice>({
      kind: 'noop',
      message: '1.1.0 (bbbbbbbbbbbb) is already live on green: nothing to roll back',
    });
  });

  test.each<[string, Partial<TargetState>, string | undefined]>([
    ['no live color', { live: null, previous: null }, undefined],
    ['no live color, with a to', { live: null, previous: null }, '1.0.0'],
    // (A live color whose container is gone is a reason to roll back: rollback-dead-live.test.ts.)
  ])('[%#] %s: noop, nothing is live', (_name, over, to) => {
    expect(chooseRollback(greenLive(over), to)).toEqual<RollbackChoice>({
      kind: 'noop',
      message: 'nothing is live here, so there is nothing to roll back',
    });
  });

  test.each<[string, HistoryEntry[]]>([
    ['only the live release', [V2]],
    ['only the live release, deployed twice', [{ ...V2, action: 'promote' }, V2]],
    ['nothing', []],
  ])('[%#] a history with %s: noop, no earlier release', (_name, history) => {
    expect(chooseRollback(greenLive({ history }))).toEqual<RollbackChoice>({
      kind: 'noop',
      message:
        'no earlier release to roll back to: the history holds only the live 1.1.0 (bbbbbbbbbbbb)',
    });
  });

  test('a second rollback never goes back to the version the first rolled back from', () => {
    // 1.1.0 was bad: rolled back to 1.0.0 on blue; green still runs the bad 1.1.0.
    const rolledBack = entry('1.0.0', DIGEST_A, {
      at: '2026-01-01T08:00:00.000Z',
      action: 'rollback',
      previousColor: 'green',
      previousImage: 'registry.test/shop:1.1.0',
      previousDigest: DIGEST_B,
      reason: 'error rate',
    });
    const state = greenLive({ live: 'blue', previous: 'green', history: [rolledBack, V2, V1] });
    expect(chooseRollback(state)).toEqual<RollbackChoice>({
      kind: 'noop',
      message:
        'no earlier release to roll back to: the history holds only the live 1.0.0 (aaaaaaaaaaaa) and versions already rolled back from',
    });
    // Asked for by name, the version rolled back from can still be had.
    expect(chooseRollback(state, '1.1.0')).toMatchObject({
      kind: 'go',
      entry: V2,
      color: 'green',
      method: 'switch',
    });
  });

  test('across two rollbacks: 1.2.0 bad → 1.1.0, 1.1.0 bad too → 1.0.0, then nothing', () => {
    const V3 = entry('1.2.0', DIGEST_C, {
      at: '2026-01-01T00:00:00.000Z',
      previousColor: 'green',
      previousDigest: DIGEST_B,
    });
    const first = entry('1.1.0', DIGEST_B, {
      at: '2026-01-01T08:00:00.000Z',
      action: 'rollback',
      color: 'green',
      previousColor: 'blue',
      previousDigest: DIGEST_C,
    });
    // After the first rollback: green live with 1.1.0, blue warm with the bad 1.2.0.
    const afterFirst = greenLive({
      live: 'green',
      previous: 'blue',
      colors: { blue: colorRunning('blue', DIGEST_C, { version: '1.2.0' }), green: green2 },
      history: [first, V3, V2, V1],
    });
    // The warm blue runs 1.2.0, which was rolled back from: 1.0.0 is redeployed instead.
    expect(chooseRollback(afterFirst)).toEqual<RollbackChoice>({
      kind: 'go',
      entry: V1,
      color: 'blue',
      method: 'redeploy',
    });
    const second = entry('1.0.0', DIGEST_A, {
      at: '2026-01-01T09:00:00.000Z',
      action: 'rollback',
      color: 'blue',
      previousColor: 'green',
      previousDigest: DIGEST_B,
    });
    const afterSecond = greenLive({
      live: 'blue',
      previous: 'green',
      colors: { blue: blue1, green: green2 },
      history: [second, first, V3, V2, V1],
    });
    expect(chooseRollback(afterSecond)).toMatchObject({
      kind: 'noop',
      message: expect.stringContaining('and versions already rolled back from') as string,
    });
  });
});

describe('pinnedRef', () => {
  test.each([
    ['a tag reference', 'registry.test/shop:1.0.0', `registry.test/shop@${DIGEST_A}`],
    ['a digest reference', `registry.test/shop@${DIGEST_A}`, `registry.test/shop@${DIGEST_A}`],
    [
      'a tag and digest reference',
      `registry.test/shop:1.0.0@${DIGEST_A}`,
      `registry.test/shop@${DIGEST_A}`,
    ],
    [
      'a registry with a port',
      '127.0.0.1:5000/team/shop:1.4.2',
      `127.0.0.1:5000/team/shop@${DIGEST_A}`,
    ],
    [
      'a registry with a port, no tag',
      '127.0.0.1:5000/team/shop',
      `127.0.0.1:5000/team/shop@${DIGEST_A}`,
    ],
    ['a Docker Hub short name', 'nginx:1.27', `nginx@${DIGEST_A}`],
    ['a name without tag', 'ghcr.io/acme/shop', `ghcr.io/acme/shop@${DIGEST_A}`],
  ])('[%#] %s (%s) pins repo@digest', (_name, ref, pinned) => {
    expect(pinnedRef(entry('1.0.0', DIGEST_A, { image: ref }))).toBe(pinned);
  });

  test('a digest reference holding another digest is pinned to the entry’s digest', () => {
    expect(pinnedRef(entry('1.0.0', DIGEST_A, { image: `registry.test/shop@${DIGEST_B}` }))).toBe(
      `registry.test/shop@${DIGEST_A}`,
    );
  });

  test('an identity that is not a sha256 digest (an image id of another runtime) is used as is', () => {
    expect(pinnedRef(entry('dev', 'img-4f2a', { image: 'shop:dev' }))).toBe('img-4f2a');
  });
});

describe('rollback', () => {
  test('switch: the warm blue holds 1.0.0: readiness through the preview, switch, record, verify', async () => {
    const { target, deps: d, locked, http, log } = setup({ state: greenLive() });
    const result = await rollback(
      target,
      rollbackRequest({ reason: 'error rate 12%', keepPreviousMs: 20 * MINUTE }),
      d,
    );
    expect(target.changes).toEqual([
      'lock',
      'prepare',
      'saveRecord',
      'switchTo blue',
      'saveRecord',
      'close',
      'release lock-1',
    ]);
    expect(target.calls).toContain('readiness blue');
    expect(target.started).toEqual([]);
    // First the mark (still live on green), then the switched record, which drops the mark.
    expect(target.saved[0]).toMatchObject({ live: 'green', rollingBackFrom: DIGEST_B });
    expect(target.saved.slice(1)).toEqual<DeployRecord[]>([
      {
        live: 'blue',
        previous: 'green',
        switchedAt: ISO0,
        retireAfter: new Date(T0 + 20 * MINUTE).toISOString(),
        history: [
          {
            at: ISO0,
            action: 'rollback',
            color: 'blue',
            image: 'registry.test/shop:1.0.0',
            digest: DIGEST_A,
            version: '1.0.0',
            deployId: holder.deployId,
            actor: 'alice',
            previousColor: 'green',
            previousImage: 'registry.test/shop:1.1.0',
            previousDigest: DIGEST_B,
            reason: 'error rate 12%',
          },
          V2,
          V1,
        ],
      },
    ]);
    // The readiness check goes through the preview, the verify through the live URL.
    expect(http.requests.map((r) => r.url)).toEqual([PREVIEW_HEALTH, LIVE_HEALTH]);
    expect(http.requests[1]?.headers).toEqual({ 'User-Agent': 'switchyard-rollback' });
    expect(result).toMatchObject({
      action: 'rollback',
      changed: true,
      switched: true,
      rolledBack: true,
      method: 'switch',
      color: 'blue',
      from: { image: 'registry.test/shop:1.1.0', digest: DIGEST_B, version: '1.1.0' },
      to: { image: 'registry.test/shop:1.0.0', digest: DIGEST_A, version: '1.0.0' },
      reason: 'error rate 12%',
      durationMs: 0,
      verified: { ok: true, attempts: 1, detail: `GET ${LIVE_HEALTH}: 200 in 0ms` },
      ready: { ready: true, checks: 1 },
    });
    expect(result.after).toMatchObject({ live: 'blue', previous: 'green' });
    expect(result.message).toBe('rolled back to 1.0.0 on blue by switch in 0ms');
    expect(log.text()).toContain(
      'Rolling back green (1.1.0) → 1.0.0 (aaaaaaaaaaaa) by a switch to the warm blue: error rate 12%',
    );
    expect(locked).toEqual([HANDLE]);
  });

  test('without a reason the history entry and result have none', async () => {
    const { target, deps: d } = setup({ state: greenLive() });
    const result = await rollback(target, rollbackRequest(), d);
    expect(target.saved.at(-1)?.history[0]).not.toHaveProperty('reason');
    expect(result).not.toHaveProperty('reason');
  });

  test.each<[string, TargetState['colors']]>([
    ['stopped (retired)', { blue: { ...blue1, running: false, state: 'exited' }, green: green2 }],
    ['replaced by another version', { blue: colorRunning('blue', DIGEST_C), green: green2 }],
    ['gone', { green: green2 }],
  ])(
    '[%#] redeploy: blue %s: pulls 1.0.0 by digest, starts it in blue, then switches',
    async (_name, colors) => {
      const {
        target,
        deps: d,
        log,
      } = setup({
        state: greenLive({ colors }),
        image: image(DIGEST_A, { ref: `registry.test/shop@${DIGEST_A}` }),
      });
      const result = await rollback(target, rollbackRequest({ to: '1.0.0' }), d);
      expect(target.changes).toEqual([
        'lock',
        'prepare',
        `resolveImage registry.test/shop@${DIGEST_A} missing`,
        'start blue',
        'saveRecord',
        'switchTo blue',
        'saveRecord',
        'close',
        'release lock-1',
      ]);
      expect(target.calls.indexOf('readiness blue')).toBeGreaterThan(
        target.calls.indexOf('start blue'),
      );
      expect(target.started).toEqual([
        {
          color: 'blue',
          image: image(DIGEST_A, { ref: `registry.test/shop@${DIGEST_A}` }),
          release: {
            image: 'registry.test/shop:1.0.0',
            digest: DIGEST_A,
            version: '1.0.0',
            deployId: holder.deployId,
            actor: 'alice',
            createdAt: ISO0,
          },
        },
      ]);
      expect(log.groups).toEqual([
        `Pull registry.test/shop@${DIGEST_A}`,
        `Start blue: registry.test/shop@${DIGEST_A}`,
      ]);
      expect(target.saved.at(-1)).toMatchObject({ live: 'blue', previous: 'green' });
      expect(target.saved.at(-1)?.history[0]).toMatchObject({
        action: 'rollback',
        color: 'blue',
        image: 'registry.test/shop:1.0.0',
        digest: DIGEST_A,
        version: '1.0.0',
        previousDigest: DIGEST_B,
      });
      expect(result).toMatchObject({ rolledBack: true, method: 'redeploy', color: 'blue' });
      expect(result.message).toBe('rolled back to 1.0.0 on blue by redeploy in 0ms');
      expect(log.text()).toContain(
        'Rolling back green (1.1.0) → 1.0.0 (aaaaaaaaaaaa) by redeploying it into blue',
      );
    },
  );

  // BUG (rollback.ts line 123, pinnedRef's `if (!entry.digest.startsWith('sha256:'))`): a Docker
  // image id is `sha256:…` too (inspect.ts parseImage falls back to `i.Id` when the image has no
  // repo digest: built on the host, never pushed). pinnedRef turns it into `shop@sha256:<id>`,
  // which `docker image inspect` cannot find and `docker pull` cannot fetch: the rollback fails.
  test('redeploy of an image known only by its local image id (never pushed) finds it by that id', async () => {
    const local = image(IMAGE_ID, { ref: IMAGE_ID, pinned: IMAGE_ID, version: 'dev' });
    // As docker does: the id finds the image; `repo@<image id>` is no repo digest it knows.
    const target = new FakeTarget({
      state: greenLive({
        colors: { green: green2 },
        history: [V2, entry('dev', IMAGE_ID, { image: 'shop:dev' })],
      }),
    });
    target.findImage = (ref) => Promise.resolve(ref === IMAGE_ID ? local : undefined);
    target.resolveImage = (ref, pull) => {
      target.calls.push(`resolveImage ${ref} ${pull}`);
      return ref === IMAGE_ID
        ? Promise.resolve(local)
        : Promise.reject(new ActionError(`could not pull ${ref} on local: manifest unknown`));
    };
    const { deps: d } = setup();
    const result = await rollback(target, rollbackRequest(), d);
    expect(result).toMatchObject({ rolledBack: true, method: 'redeploy' });
    expect(target.started.map((s) => s.image.digest)).toEqual([IMAGE_ID]);
  });

  test('redeploy that never gets ready: blue is stopped, no switch, green stays live', async () => {
    const { target, deps: d } = setup({
      state: greenLive({ colors: { green: green2 } }),
      readiness: [
        readiness({ running: false, failed: true, detail: 'container exited, exit code 1' }),
      ],
    });
    const error = await rollback(target, rollbackRequest(), d).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect(error).not.toBeInstanceOf(RollbackVerifyError);
    expect((error as Error).message).toBe(
      'rollback to 1.0.0 did not happen: blue did not become ready (container exited, exit code 1). ' +
        'Live traffic was not touched: it stays on green (1.1.0, registry.test/shop:1.1.0); blue was stopped',
    );
    expect(target.changes).toEqual([
      'lock',
      'prepare',
      `resolveImage registry.test/shop@${DIGEST_A} missing`,
      'start blue',
      'stop blue',
      'close',
      'release lock-1',
    ]);
    expect(target.saved).toEqual([]);
  });

  test('switch to a warm color that is not ready any more: nothing stopped, no switch', async () => {
    const { target, deps: d } = setup({
      state: greenLive(),
      readiness: [readiness({ routed: false, detail: 'proxy not routed to it yet' })],
    });
    const error = await rollback(target, rollbackRequest({ readyTimeoutMs: 5_000 }), d).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toBe(
      'rollback to 1.0.0 did not happen: blue did not become ready (not ready after 5s (ready-timeout): proxy not routed to it yet). ' +
        'Live traffic was not touched: it stays on green (1.1.0, registry.test/shop:1.1.0)',
    );
    expect(target.changes).toEqual(['lock', 'prepare', 'close', 'release lock-1']);
  });

  test('a failed pull leaves everything alone and releases the lock', async () => {
    const { target, deps: d } = setup({ state: greenLive({ colors: { green: green2 } }) });
    const boom = new ActionError('could not pull registry.test/shop@sha256:…: manifest unknown');
    target.resolveImage = () => Promise.reject(boom);
    await expect(rollback(target, rollbackRequest(), d)).rejects.toBe(boom);
    expect(target.changes.filter((c) => !c.startsWith('findImage'))).toEqual([
      'lock',
      'prepare',
      'close',
      'release lock-1',
    ]);
  });

  test('the live URL keeps failing after the switch: RollbackVerifyError with the result, no switch back', async () => {
    const {
      target,
      deps: d,
      clock,
      http,
    } = setup({ state: greenLive() }, (req) =>
      req.url === LIVE_HEALTH ? { status: 503, latencyMs: 0 } : { status: 200, latencyMs: 0 },
    );
    const error = await rollback(target, rollbackRequest({ verifyTimeoutMs: 10_000 }), d).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RollbackVerifyError);
    expect(error).toBeInstanceOf(ActionError);
    const e = error as RollbackVerifyError;
    expect(e.name).toBe('RollbackVerifyError');
    expect(e.message).toBe(
      `rolled back to 1.0.0 (registry.test/shop:1.0.0), but the live URL fails its health check: GET ${LIVE_HEALTH}: status 503, expected 2xx. ` +
        'Live now: blue (1.0.0); green (1.1.0) is kept warm. Not switching back: that is the version rolled back from',
    );
    expect(e.result).toMatchObject({
      action: 'rollback',
      rolledBack: true,
      switched: true,
      method: 'switch',
      color: 'blue',
      durationMs: 10_000,
      verified: { ok: false, detail: `GET ${LIVE_HEALTH}: status 503, expected 2xx` },
    });
    expect(e.result.verified?.attempts).toBeGreaterThan(1);
    // Retried until the verify timeout, and not after it.
    expect(http.requests.filter((r) => r.url === LIVE_HEALTH)).toHaveLength(
      e.result.verified?.attempts ?? -1,
    );
    expect(clock.now()).toBe(T0 + 10_000);
    // Switched once, recorded once, never switched back; the lock is released.
    expect(target.changes).toEqual([
      'lock',
      'prepare',
      'saveRecord',
      'switchTo blue',
      'saveRecord',
      'close',
      'release lock-1',
    ]);
    expect(target.state.live).toBe('blue');
  });

  test('the live URL passes on a later try: verified after retries', async () => {
    const { target, deps: d } = setup({ state: greenLive() }, (req, nth) =>
      req.url === LIVE_HEALTH && nth < 3
        ? { fail: 'network', message: 'connection refused' }
        : { status: 200, latencyMs: 0 },
    );
    const result = await rollback(target, rollbackRequest(), d);
    expect(result).toMatchObject({
      rolledBack: true,
      verified: { ok: true, attempts: 3, detail: `GET ${LIVE_HEALTH}: 200 in 0ms` },
    });
  });

  test.each<[string, Partial<TargetState>, string | undefined, string]>([
    [
      'nothing live',
      { live: null, previous: null, history: [] },
      undefined,
      'nothing is live here, so there is nothing to roll back',
    ],
    [
      'no earlier release',
      { history: [V2] },
      undefined,
      'no earlier release to roll back to: the history holds only the live 1.1.0 (bbbbbbbbbbbb)',
    ],
    [
      'to names the live release',
      {},
      '1.1.0',
      '1.1.0 (bbbbbbbbbbbb) is already live on green: nothing to roll back',
    ],
  ])(
    '[%#] noop (%s): rolledBack false, nothing switched or saved',
    async (_n, over, to, message) => {
      const { target, deps: d, http } = setup({ state: greenLive(over) });
      const result = await rollback(target, rollbackRequest({ ...(to && { to }) }), d);
      expect(result).toMatchObject({
        action: 'rollback',
        rolledBack: false,
        changed: false,
        switched: false,
        message,
      });
      expect(result.after).toBe(result.before);
      // Nothing to do: the proxy is not even prepared.
      expect(target.changes).toEqual(['lock', 'close', 'release lock-1']);
      expect(http.requests).toEqual([]);
    },
  );

  test('an unknown to fails listing the history, switches nothing and releases the lock', async () => {
    const { target, deps: d } = setup({ state: greenLive() });
    await expect(rollback(target, rollbackRequest({ to: '0.1.0' }), d)).rejects.toThrow(
      'to: "0.1.0" is not in the history of this environment. It holds: 1.1.0 (bbbbbbbbbbbb), 1.0.0 (aaaaaaaaaaaa)',
    );
    expect(target.changes).toEqual(['lock', 'close', 'release lock-1']);
  });

  test('takes the deploy lock for the holder (onLock told first), the lease ttl (LEASE_TTL_MS, renewed)', async () => {
    const { target, deps: d } = setup({ state: greenLive() });
    const seen: string[][] = [];
    await rollback(target, rollbackRequest({ readyTimeoutMs: 90_000 }), {
      ...d,
      onLock: () => seen.push([...target.calls]),
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('lockHandle');
    expect(seen[0]).not.toContain('lock');
    expect(target.locks).toEqual([
      { holder, opts: { timeoutMs: 2 * MINUTE, ttlMs: LEASE_TTL_MS } },
    ]);
    expect(target.calls.filter((c) => c === 'release lock-1')).toHaveLength(1);
  });

  test('the lock is released when the switch itself fails', async () => {
    const { target, deps: d } = setup({ state: greenLive() });
    target.switchTo = () => Promise.reject(new ActionError('the proxy reports live=green'));
    await expect(rollback(target, rollbackRequest(), d)).rejects.toThrow(
      'the proxy reports live=green',
    );
    expect(target.changes).toEqual(['lock', 'prepare', 'saveRecord', 'close', 'release lock-1']);
    // Only the mark was saved: a re-run will not go back to 1.1.0.
    expect(target.saved).toEqual([
      expect.objectContaining({ live: 'green', rollingBackFrom: DIGEST_B }),
    ]);
  });

  test('a second rollback right after the first is a noop: it never goes back to 1.1.0', async () => {
    const { target, deps: d } = setup({ state: greenLive() });
    expect(await rollback(target, rollbackRequest({ reason: 'bad' }), d)).toMatchObject({
      rolledBack: true,
      color: 'blue',
    });
    const second = await rollback(target, rollbackRequest(), d);
    expect(second).toMatchObject({
      rolledBack: false,
      message:
        'no earlier release to roll back to: the history holds only the live 1.0.0 (aaaaaaaaaaaa) and versions already rolled back from',
    });
    expect(target.calls.filter((c) => c.startsWith('switchTo'))).toEqual(['switchTo blue']);
  });

  test('redeploy records the history’s version, not the image label’s', async () => {
    const resolved: ResolvedImage = image(DIGEST_A, { version: 'from-label' });
    const { target, deps: d } = setup({
      state: greenLive({ colors: { green: green2 } }),
      image: resolved,
    });
    await rollback(target, rollbackRequest(), d);
    expect(target.started[0]?.release).toMatchObject({ digest: DIGEST_A, version: '1.0.0' });
  });
});

describe('a rollback killed between its mark and its switch', () => {
  test('the mark (rollingBackFrom) is skipped like a finished rollback: a re-run after reconcile is a noop', () => {
    // The proxy already routes blue (1.0.0); the record was reconciled, the rollback entry never written.
    const reconciled = greenLive({
      live: 'blue',
      previous: 'green',
      colors: { blue: colorRunning('blue', DIGEST_A), green: colorRunning('green', DIGEST_B) },
      rollingBackFrom: DIGEST_B,
    });
    expect(chooseRollback(reconciled)).toMatchObject({ kind: 'noop' });
    // Without the mark, the same state would switch back to the bad 1.1.0.
    const unmarked: TargetState = { ...reconciled };
    delete (unmarked as { rollingBackFrom?: string }).rollingBackFrom;
    expect(chooseRollback(unmarked)).toMatchObject({ kind: 'go', entry: { version: '1.1.0' } });
  });

  test('the mark survives a round trip through the stored record', () => {
    const { record } = parseRecord(
      JSON.stringify({ live: 'green', previous: 'blue', rollingBackFrom: DIGEST_B, history: [] }),
    );
    expect(record.rollingBackFrom).toBe(DIGEST_B);
    expect(recordOf(record).rollingBackFrom).toBe(DIGEST_B);
  });
});

describe('onlyIfLive (rollback-on-failure)', () => {
  test('a release deployed during the window is not rolled back: a clear error, nothing switched', async () => {
    const { target, deps: d } = setup({ state: greenLive() });
    await expect(rollback(target, rollbackRequest({ onlyIfLive: DIGEST_C }), d)).rejects.toThrow(
      /not rolling back: the release that was judged \(cccccccccccc\) is no longer live; green runs 1\.1\.0 \(bbbbbbbbbbbb\) now/,
    );
    expect(target.changes).toEqual(['lock', 'close', 'release lock-1']);
  });

  test('the judged release still live: the rollback goes ahead', async () => {
    const { target, deps: d } = setup({ state: greenLive() });
    const result = await rollback(target, rollbackRequest({ onlyIfLive: DIGEST_B }), d);
    expect(result).toMatchObject({ rolledBack: true, method: 'switch' });
  });
});

describe('pulls', () => {
  test("a redeploy pulls the pinned reference (the target logs in with the run's credentials itself); a switch never pulls", async () => {
    const retired = setup({
      state: greenLive({ colors: { green: colorRunning('green', DIGEST_B) } }),
      image: image(DIGEST_A),
    });
    await rollback(retired.target, rollbackRequest(), retired.deps);
    expect(retired.target.calls.filter((c) => c.startsWith('resolveImage'))).toEqual([
      `resolveImage registry.test/shop@${DIGEST_A} missing`,
    ]);
    const warm = setup({ state: greenLive() });
    await rollback(warm.target, rollbackRequest(), warm.deps);
    expect(warm.target.calls.filter((c) => c.startsWith('resolveImage'))).toEqual([]);
  });
});
