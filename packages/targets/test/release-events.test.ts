/**
 * What the core tells listeners (records, notifications) as a release moves, the freeze switch it
 * keeps in the record, and the fields every record written carries on (freeze, Slack thread).
 */
import { ActionError } from '@switchyard/kit';
import {
  announcer,
  deploy,
  parseRecord,
  promote,
  recordOf,
  recordSwitch,
  setFreeze,
  type ReleaseEvent,
  type TargetState,
} from '@switchyard/targets';
import { colorRunning, DIGEST_A, DIGEST_B, FakeTarget, image, readiness } from './fake-target.js';
import { deps, request, T0 } from './fixtures.js';

const blueLive: Partial<TargetState> = {
  live: 'blue',
  previous: null,
  colors: { blue: colorRunning('blue', DIGEST_A) },
};

function listening() {
  const events: ReleaseEvent[] = [];
  const d = deps();
  return { events, d, announce: (e: ReleaseEvent) => (events.push(e), Promise.resolve()) };
}

describe('deploy and promote announce the release as it moves', () => {
  test('a deploy that goes live: started (with the live one as previous) → preview → live', async () => {
    const { events, d, announce } = listening();
    const target = new FakeTarget({ state: blueLive, image: image(DIGEST_B) });
    await deploy(target, request(), { ...d.deps, announce });
    expect(events.map((e) => e.kind)).toEqual(['started', 'preview', 'live']);
    expect(events[0]).toMatchObject({
      kind: 'started',
      color: 'green',
      release: { digest: DIGEST_B, version: '1.0.0' },
      previous: { digest: DIGEST_A },
    });
    expect(events[2]).toMatchObject({ kind: 'live', action: 'deploy', color: 'green' });
  });

  test('a color that never gets ready: started → failed with the reason, live untouched', async () => {
    const { events, d, announce } = listening();
    const target = new FakeTarget({
      state: blueLive,
      image: image(DIGEST_B),
      readiness: [readiness({ failed: true, running: false, detail: 'container exited' })],
    });
    await expect(deploy(target, request(), { ...d.deps, announce })).rejects.toThrow(ActionError);
    expect(events.map((e) => e.kind)).toEqual(['started', 'failed']);
    expect(events[1]).toMatchObject({ kind: 'failed', release: { digest: DIGEST_B } });
    expect(target.changes).not.toContain('switchTo green');
  });

  test('promote: no started event (the deploy told it), live when it switches', async () => {
    const { events, d, announce } = listening();
    const target = new FakeTarget({
      state: {
        ...blueLive,
        pending: { color: 'green', digest: DIGEST_B, deployId: 'run/1' },
        colors: { blue: colorRunning('blue', DIGEST_A), green: colorRunning('green', DIGEST_B) },
      },
    });
    await promote(target, request(), { ...d.deps, announce });
    expect(events.map((e) => e.kind)).toEqual(['live']);
    expect(events[0]).toMatchObject({
      action: 'promote',
      color: 'green',
      previous: { digest: DIGEST_A },
    });
  });
});

describe('announcer: a listener never fails or holds up the work', () => {
  test('a listener that throws is a warning naming it; the others still hear the event', async () => {
    const d = deps();
    const heard: string[] = [];
    const announce = announcer(
      [
        { name: 'broken', on: () => Promise.reject(new Error('HTTP 500')) },
        { name: 'fine', on: (e) => (heard.push(e.kind), Promise.resolve()) },
      ],
      d,
    );
    await announce({ kind: 'warning', message: 'x' });
    expect(heard).toEqual(['warning']);
    expect(d.log.text()).toContain('broken: the warning event was not delivered: HTTP 500');
  });

  test('a listener that hangs is given up after its bound', async () => {
    const d = deps();
    const announce = announcer([{ name: 'slow', on: () => new Promise(() => undefined) }], d, 20);
    await announce({ kind: 'warning', message: 'x' });
    expect(d.log.text()).toContain('slow: no answer within 0s for the warning event');
  });
});

describe('the freeze switch and the Slack thread live in the record', () => {
  const FREEZE = '{"version":1,"by":"alice","at":"2026-01-01T09:00:00.000Z","reason":"INC-1"}';
  const THREAD = { channel: 'C123', ts: '1712345678.000100', release: 'shop/production/run/1' };

  test('both are parsed back, bounded and checked, and kept by every record written after', () => {
    const stored = JSON.stringify({
      live: 'blue',
      previous: null,
      history: [],
      freeze: FREEZE,
      slackThread: THREAD,
    });
    const { record } = parseRecord(stored);
    expect(record).toMatchObject({ freeze: FREEZE, slackThread: THREAD });
    const entry = {
      at: 'x',
      action: 'deploy' as const,
      color: 'green' as const,
      image: 'i',
      digest: DIGEST_B,
      version: '2',
      deployId: 'd',
      actor: 'a',
    };
    expect(recordSwitch(record, entry, T0, 1000)).toMatchObject({
      freeze: FREEZE,
      slackThread: THREAD,
    });
    expect(recordOf(record)).toMatchObject({ freeze: FREEZE, slackThread: THREAD });
  });

  test.each([
    ['a thread with a control character', { ...THREAD, ts: '1\n2' }],
    ['a thread without its release', { channel: 'C1', ts: '1' }],
    ['not an object', 'C1/1'],
  ])('%s is dropped, not trusted', (_, slackThread) => {
    const { record } = parseRecord(
      JSON.stringify({ live: null, previous: null, history: [], slackThread }),
    );
    expect(record.slackThread).toBeUndefined();
  });

  test('setFreeze stores it under the lock and unfreeze removes it; deploy asks admit with it first', async () => {
    const d = deps();
    const target = new FakeTarget({ state: blueLive, image: image(DIGEST_B) });
    const frozen = await setFreeze(target, FREEZE, request(), d.deps);
    expect(frozen.after.freeze).toBe(FREEZE);
    expect(target.changes).toEqual(['lock', 'saveRecord', 'close', 'release lock-1']);
    const admit = (s: TargetState): void => {
      if (s.freeze) throw new ActionError('deploys to production are frozen');
    };
    target.state = { ...target.state, freeze: FREEZE };
    await expect(deploy(target, request({ admit }), d.deps)).rejects.toThrow('frozen');
    expect(target.changes.filter((c) => c.startsWith('start'))).toEqual([]);
    const lifted = await setFreeze(target, undefined, request(), d.deps);
    expect(lifted.after.freeze).toBeUndefined();
    expect(target.saved.at(-1)?.freeze).toBeUndefined();
  });
});
