import {
  createFreeze,
  deployGate,
  freezeMessage,
  isFrozen,
  overrideMessage,
  overrideRecord,
  parseFreezeRecord,
  parseOverrideReason,
  parseWindows,
  serialiseFreeze,
  unfreezeMessage,
} from '@switchyard/calendar';
import { ActionError, CONTROL, InputError } from '@switchyard/kit';

const NOW = new Date('2026-12-07T23:00:00Z');
const SOURCE = 'annotation switchyard.io/freeze on service shop';

describe('the freeze switch', () => {
  test('round-trips through its stored form', () => {
    const freeze = createFreeze(
      { reason: 'incident INC-123', by: 'octocat', until: new Date('2026-12-08T06:00:00Z') },
      NOW,
    );
    const stored = serialiseFreeze(freeze);
    expect(JSON.parse(stored)).toEqual({
      version: 1,
      by: 'octocat',
      at: '2026-12-07T23:00:00.000Z',
      reason: 'incident INC-123',
      until: '2026-12-08T06:00:00.000Z',
    });
    expect(parseFreezeRecord(stored, SOURCE)).toEqual(freeze);
  });

  test('stands until it is lifted, or until its until', () => {
    const open = createFreeze({ reason: 'incident', by: 'octocat' }, NOW);
    const timed = createFreeze(
      { reason: 'incident', by: 'octocat', until: new Date('2026-12-08T00:00:00Z') },
      NOW,
    );
    expect(isFrozen(open, new Date('2027-06-01T00:00:00Z'))).toBe(true);
    expect(isFrozen(timed, new Date('2026-12-07T23:59:59Z'))).toBe(true);
    expect(isFrozen(timed, new Date('2026-12-08T00:00:00Z'))).toBe(false);
  });

  test('says who froze, since when, why, and how to lift it', () => {
    const freeze = createFreeze({ reason: 'incident INC-123', by: 'octocat' }, NOW);
    expect(freezeMessage('production', freeze, NOW)).toBe(
      'deploys to production are frozen since Monday 2026-12-07 23:00 UTC by octocat: incident INC-123. ' +
        "Run `switchyard unfreeze production` when it's over",
    );
    const timed = createFreeze({ ...freeze, until: new Date('2026-12-08T07:00:00Z') }, NOW);
    expect(freezeMessage('production', timed, NOW, 'Europe/Berlin')).toMatch(
      /since Tuesday 2026-12-08 00:00 CET .*\(it lifts by itself Tuesday 2026-12-08 08:00 CET, in 8 h\)$/,
    );
    expect(unfreezeMessage('production', freeze, 'alice')).toBe(
      'production unfrozen by alice (frozen since Monday 2026-12-07 23:00 UTC by octocat: incident INC-123)',
    );
    expect(unfreezeMessage('production', undefined, 'alice')).toBe(
      'production was not frozen; nothing to do',
    );
  });

  test.each([
    [{ reason: '', by: 'octocat' }, '--reason', 'is empty'],
    [{ reason: 'a\nb', by: 'octocat' }, '--reason', 'spans several lines'],
    [{ reason: 'x'.repeat(201), by: 'octocat' }, '--reason', 'is 201 characters long'],
    [{ reason: 'ok', by: '\u0007 ' }, 'actor', 'is empty'],
    [
      { reason: 'ok', by: 'octocat', until: new Date('2026-12-07T22:00:00Z') },
      '--until',
      'not within the next 366 days',
    ],
    [
      { reason: 'ok', by: 'octocat', until: new Date('2028-01-01T00:00:00Z') },
      '--until',
      'not within the next 366 days',
    ],
  ])('[%#] createFreeze(%j) fails at %s', (options, input, text) => {
    let error: unknown;
    try {
      createFreeze(options, NOW);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).message).toContain(text);
  });
});

describe('parseFreezeRecord: the stored value is untrusted', () => {
  const good = { version: 1, by: 'octocat', at: '2026-12-07T23:00:00Z', reason: 'incident' };

  test('strips control characters and bounds lengths', () => {
    const stored = JSON.stringify({
      ...good,
      by: 'mallory\u001b[31m\n::stop-commands::x',
      reason: `\u202eevil\r\n${'y'.repeat(500)}`,
    });
    const freeze = parseFreezeRecord(stored, SOURCE);
    expect(freeze.by).toBe('mallory [31m ::stop-commands::x');
    expect(freeze.reason).toHaveLength(200);
    expect(freeze.reason.startsWith('evil y')).toBe(true);
    expect(freezeMessage('production', freeze, NOW)).not.toMatch(CONTROL);
  });

  test.each([
    ['not JSON', 'frozen!', 'is not JSON'],
    ['a list', '[1]', 'is not a JSON object'],
    ['another version', JSON.stringify({ ...good, version: 2 }), 'has version 2, not 1'],
    ['no version', JSON.stringify({ by: 'a', at: good.at, reason: 'b' }), 'has version none'],
    ['no reason', JSON.stringify({ ...good, reason: '  ' }), 'has no reason'],
    ['a reason that is not text', JSON.stringify({ ...good, reason: { x: 1 } }), 'has no reason'],
    ['a bad time', JSON.stringify({ ...good, at: 'yesterday' }), 'has no valid at time'],
    ['a bad until', JSON.stringify({ ...good, until: 12 }), 'has no valid until time'],
    [
      'too long',
      JSON.stringify({ ...good, reason: 'z'.repeat(3000) }),
      'is 3068 characters long (at most 2048)',
    ],
  ])('[%s] is refused, naming the source and the fix', (_name, stored, text) => {
    let error: unknown;
    try {
      parseFreezeRecord(stored, SOURCE);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ActionError);
    expect((error as Error).message).toContain(`the freeze record in ${SOURCE} ${text}`);
    expect((error as Error).message).toContain('switchyard unfreeze <env>');
  });
});

describe('override-window', () => {
  test('takes a one-line reason and records who and when', () => {
    const reason = parseOverrideReason('override-window', '  hotfix for INC-123 ');
    const record = overrideRecord(reason, 'octocat', NOW);
    expect(record).toEqual({
      reason: 'hotfix for INC-123',
      by: 'octocat',
      at: '2026-12-07T23:00:00.000Z',
    });
    expect(overrideMessage(record, 'in a deploy freeze (weekend) until …')).toBe(
      'deploy window overridden by octocat: hotfix for INC-123 (it was: in a deploy freeze (weekend) until …)',
    );
  });

  test.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['line one\nline two', 'spans several lines'],
    ['bell \u0007', 'holds control characters'],
    ['r'.repeat(201), 'is 201 characters long. Use at most 200'],
  ])('[%#] %j is refused: %s', (raw, text) => {
    let error: unknown;
    try {
      parseOverrideReason('override-window', raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('override-window');
    expect((error as InputError).message).toContain(text);
  });

  test('a reason of exactly 200 characters is accepted', () => {
    expect(parseOverrideReason('override-window', 'r'.repeat(200))).toHaveLength(200);
  });
});

describe('deployGate', () => {
  const calendar = parseWindows('production.windows', {
    'time-zone': 'Europe/Berlin',
    allow: ['Mon-Fri 09:00-16:00'],
  });
  const inside = new Date('2026-12-08T10:00:00Z'); // Tuesday 11:00 CET
  const outside = new Date('2026-12-08T20:00:00Z'); // Tuesday 21:00 CET
  const incident = createFreeze({ reason: 'incident INC-123', by: 'octocat' }, NOW);
  const hotfix = overrideRecord('hotfix for INC-123', 'alice', inside);

  test('inside a window with no freeze switch: allowed, nothing recorded', () => {
    const gate = deployGate({ environment: 'production', calendar, now: inside });
    expect(gate).toMatchObject({ allowed: true });
    expect(gate.allowed && gate.override).toBeFalsy();
  });

  test('outside the windows: refused with when it opens', () => {
    expect(deployGate({ environment: 'production', calendar, now: outside })).toMatchObject({
      allowed: false,
      reason: 'outside-window',
      nextOpen: new Date('2026-12-09T08:00:00Z'),
    });
  });

  test('the freeze switch refuses even inside a window, and says how to lift it', () => {
    const gate = deployGate({
      environment: 'production',
      calendar,
      now: inside,
      freezeSwitch: incident,
    });
    expect(gate).toMatchObject({ allowed: false, reason: 'freeze-switch', nextOpen: null });
    expect(gate.message).toContain('Run `switchyard unfreeze production`');
  });

  test('a freeze switch with until: deploys resume at the next window after it', () => {
    const timed = createFreeze({ ...incident, until: new Date('2026-12-08T18:00:00Z') }, NOW);
    const gate = deployGate({
      environment: 'production',
      calendar,
      now: inside,
      freezeSwitch: timed,
    });
    expect(gate).toMatchObject({
      reason: 'freeze-switch',
      nextOpen: new Date('2026-12-09T08:00:00Z'),
    });
    const lifted = deployGate({
      environment: 'production',
      calendar,
      now: new Date('2026-12-09T09:00:00Z'),
      freezeSwitch: timed,
    });
    expect(lifted.allowed).toBe(true);
  });

  test('an override lets a deploy through a closed window or a freeze switch, and says what it overrode', () => {
    const closed = deployGate({
      environment: 'production',
      calendar,
      now: outside,
      override: hotfix,
    });
    expect(closed).toMatchObject({ allowed: true, override: hotfix });
    expect(closed.message).toMatch(
      /^deploy window overridden by alice: hotfix for INC-123 \(it was: outside the deploy windows/,
    );
    const frozen = deployGate({
      environment: 'production',
      calendar,
      now: inside,
      freezeSwitch: incident,
      override: hotfix,
    });
    expect(frozen).toMatchObject({ allowed: true, override: hotfix });
    expect(frozen.message).toContain('(it was: deploys to production are frozen since');
  });
});
