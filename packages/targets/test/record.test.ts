import {
  EMPTY_RECORD,
  HISTORY_LENGTH,
  LOCK_BREAKS_KEPT,
  parseRecord,
  reconcile,
  recordLockBreak,
  recordPending,
  recordRetired,
  recordSwitch,
  type Color,
  type DeployRecord,
  type HistoryEntry,
} from '@switchyard/targets';

const NOW = Date.UTC(2026, 0, 1, 12);
const HOUR = 3_600_000;

const entry = (n: number, color: Color = n % 2 ? 'green' : 'blue'): HistoryEntry => ({
  at: new Date(NOW - n * HOUR).toISOString(),
  action: 'deploy',
  color,
  image: `registry.test/shop:1.0.${n}`,
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  version: `1.0.${n}`,
  deployId: `https://github.test/acme/shop/actions/runs/${n}`,
  actor: 'alice',
});
const history = (count: number): HistoryEntry[] =>
  Array.from({ length: count }, (_, i) => entry(i));

describe('parseRecord', () => {
  test.each([
    ['nothing stored', undefined, []],
    ['an empty file', '', []],
    ['blank lines', ' \n\n', []],
    ['garbage', '{"live": "blue"', ['the stored deploy record is not JSON; starting a new one']],
    ['a number', '42', ['the stored deploy record is not an object; starting a new one']],
    ['null', 'null', ['the stored deploy record is not an object; starting a new one']],
    ['a string', '"blue"', ['the stored deploy record is not an object; starting a new one']],
  ])('[%#] given %s returns the empty record and notes %o', (_name, text, notes) => {
    expect(parseRecord(text)).toEqual({ record: EMPTY_RECORD, notes });
  });

  test.each([
    [{ live: 'blue' }, { live: 'blue', previous: null, history: [] }],
    [
      { live: 'purple', previous: 'green' },
      { live: null, previous: 'green', history: [] },
    ],
    [
      { live: 'green', previous: 'blue', switchedAt: 'T1', retireAfter: 'T2', extra: 1 },
      { live: 'green', previous: 'blue', switchedAt: 'T1', retireAfter: 'T2', history: [] },
    ],
    [
      { switchedAt: 17, retireAfter: null },
      { live: null, previous: null, history: [] },
    ],
    [
      { live: 'blue', pending: { color: 'green', digest: 'sha256:x', deployId: 'r/2' } },
      {
        live: 'blue',
        previous: null,
        pending: { color: 'green', digest: 'sha256:x', deployId: 'r/2' },
        history: [],
      },
    ],
    [
      { pending: { color: 'red', digest: 'sha256:x' } },
      { live: null, previous: null, history: [] },
    ],
    [{ pending: { color: 'green' } }, { live: null, previous: null, history: [] }],
    [{ pending: 'green' }, { live: null, previous: null, history: [] }],
    [{ history: 'lots' }, { live: null, previous: null, history: [] }],
  ])('[%#] given the partial record %j returns %o', (stored, record) => {
    expect(parseRecord(JSON.stringify(stored))).toEqual({ record, notes: [] });
  });

  test('keeps the history entries it can read, in order, and drops the damaged ones', () => {
    const good = history(3);
    const stored = {
      live: 'blue',
      history: [
        good[0],
        null,
        { ...good[1], color: 'red' },
        good[1],
        'x',
        { color: 'blue' },
        good[2],
      ],
    };
    expect(parseRecord(JSON.stringify(stored)).record.history).toEqual(good);
  });

  test(`caps the history at HISTORY_LENGTH (${HISTORY_LENGTH}), keeping the newest`, () => {
    const all = history(HISTORY_LENGTH + 5);
    const { record } = parseRecord(JSON.stringify({ live: 'blue', history: all }));
    expect(record.history).toEqual(all.slice(0, HISTORY_LENGTH));
  });

  test('reads back what recordSwitch produced', () => {
    const saved = recordSwitch({ ...EMPTY_RECORD, live: 'blue' }, entry(0, 'green'), NOW, HOUR);
    expect(parseRecord(`${JSON.stringify(saved, null, 2)}\n`)).toEqual({
      record: saved,
      notes: [],
    });
  });

  // BUG (record.ts parseRecord, line 20): an array passes the `typeof doc !== 'object'` check, so a
  // stored `[]` (damage) is read as an empty record *without* the note every other non-object gets;
  // the doc comment promises that what can't be read is reported in `notes`.
  test('given a JSON array, notes that the record is not an object', () => {
    expect(parseRecord('[]').notes).toEqual([
      'the stored deploy record is not an object; starting a new one',
    ]);
  });
});

describe('recordSwitch', () => {
  test('first deploy: live is the new color, no previous, no retireAfter', () => {
    const e = entry(0, 'blue');
    expect(recordSwitch(EMPTY_RECORD, e, NOW, HOUR)).toEqual({
      live: 'blue',
      previous: null,
      switchedAt: new Date(NOW).toISOString(),
      history: [e],
    });
  });

  test('second deploy: previous is the old live, retired after now + keep', () => {
    const first = entry(1, 'blue');
    const e = entry(0, 'green');
    const before: DeployRecord = {
      live: 'blue',
      previous: null,
      switchedAt: 'old',
      history: [first],
    };
    expect(recordSwitch(before, e, NOW, 2 * HOUR)).toEqual({
      live: 'green',
      previous: 'blue',
      switchedAt: new Date(NOW).toISOString(),
      retireAfter: new Date(NOW + 2 * HOUR).toISOString(),
      history: [e, first],
    });
  });

  test('drops a pending color and caps the history, newest first', () => {
    const old = history(HISTORY_LENGTH).map((h) => ({ ...h, action: 'promote' as const }));
    const e = entry(0, 'green');
    const before: DeployRecord = {
      live: 'blue',
      previous: 'green',
      pending: { color: 'green', digest: e.digest, deployId: 'r/9' },
      history: old,
    };
    const after = recordSwitch(before, e, NOW, HOUR);
    expect(after).not.toHaveProperty('pending');
    expect(after.history).toHaveLength(HISTORY_LENGTH);
    expect(after.history[0]).toBe(e);
    expect(after.history.slice(1)).toEqual(old.slice(0, HISTORY_LENGTH - 1));
  });

  test('switching to the color already live keeps no previous', () => {
    const after = recordSwitch({ ...EMPTY_RECORD, live: 'green' }, entry(0, 'green'), NOW, HOUR);
    expect(after).toMatchObject({ live: 'green', previous: null });
    expect(after).not.toHaveProperty('retireAfter');
  });
});

describe('recordPending', () => {
  const base: DeployRecord = { live: 'blue', previous: null, history: [entry(0, 'blue')] };
  const pending = { color: 'green' as const, digest: 'sha256:b', deployId: 'r/2' };

  test.each<[string, DeployRecord, typeof pending | undefined, DeployRecord]>([
    ['sets', base, pending, { ...base, pending }],
    [
      'replaces',
      { ...base, pending: { ...pending, digest: 'sha256:old' } },
      pending,
      { ...base, pending },
    ],
    ['clears', { ...base, pending }, undefined, base],
    ['leaves none', base, undefined, base],
  ])('[%#] %s the pending color', (_name, record, p, expected) => {
    const after = recordPending(record, p);
    expect(after).toEqual(expected);
    if (!p) expect(after).not.toHaveProperty('pending');
  });
});

describe('recordRetired', () => {
  const full: DeployRecord = {
    live: 'blue',
    previous: 'green',
    switchedAt: 'T0',
    retireAfter: 'T1',
    pending: { color: 'green', digest: 'sha256:b', deployId: 'r/2' },
    history: [entry(0, 'blue')],
  };
  const base = {
    live: full.live,
    previous: full.previous,
    switchedAt: 'T0',
    history: full.history,
  };
  const noRetire: DeployRecord = { ...base, pending: full.pending };
  const noPending: DeployRecord = { ...base, retireAfter: 'T1' };
  const neither: DeployRecord = base;

  test.each<[string, { previous: boolean; pending: boolean }, DeployRecord]>([
    ['nothing stopped keeps both', { previous: false, pending: false }, full],
    ['the previous color stopped drops retireAfter', { previous: true, pending: false }, noRetire],
    ['the pending color stopped drops pending', { previous: false, pending: true }, noPending],
    ['both stopped drop both', { previous: true, pending: true }, neither],
  ])('%s', (_name, stopped, expected) => {
    const after = recordRetired(full, stopped);
    expect(after).toEqual(expected);
    if (stopped.previous) expect(after).not.toHaveProperty('retireAfter');
    if (stopped.pending) expect(after).not.toHaveProperty('pending');
  });
});

describe('reconcile', () => {
  const record: DeployRecord = {
    live: 'blue',
    previous: null,
    switchedAt: 'T0',
    history: [entry(0)],
  };

  test.each<[Color | null, Color | null]>([
    ['blue', 'blue'],
    [null, null],
  ])(
    '[%#] given record live=%s and proxy live=%s returns the record unchanged, no note',
    (live, routed) => {
      const r = { ...record, live };
      const out = reconcile(r, routed, NOW);
      expect(out.record).toBe(r);
      expect(out).not.toHaveProperty('note');
    },
  );

  test.each<[Color | null, Color | null, string]>([
    ['blue', 'green', 'the record said live=blue but the proxy routes live=green'],
    [null, 'blue', 'the record said live=none but the proxy routes live=blue'],
    ['green', null, 'the record said live=green but the proxy routes live=none'],
  ])('[%#] given record live=%s and proxy live=%s follows the proxy', (live, routed, note) => {
    const out = reconcile({ ...record, live }, routed, NOW);
    expect(out.record).toEqual({
      ...record,
      live: routed,
      previous: live,
      switchedAt: new Date(NOW).toISOString(),
    });
    expect(out.note).toContain(note);
  });
});

describe('lock breaks in the record', () => {
  const brk = (n: number) => ({
    at: `2026-12-07T10:00:0${n % 10}.000Z`,
    by: `run/${n}`,
    actor: 'alice',
    held: `run/${n - 1} (bob) since …`,
    reason: `stuck ${n}`,
  });

  test('recordLockBreak puts the newest first and keeps the last LOCK_BREAKS_KEPT', () => {
    let record: DeployRecord = EMPTY_RECORD;
    for (let n = 1; n <= LOCK_BREAKS_KEPT + 2; n++) record = recordLockBreak(record, brk(n));
    expect(record.lockBreaks).toHaveLength(LOCK_BREAKS_KEPT);
    expect(record.lockBreaks?.[0]?.by).toBe(`run/${LOCK_BREAKS_KEPT + 2}`);
    expect(record.lockBreaks?.at(-1)?.by).toBe('run/3');
  });

  test('they survive a switch, a pending mark and a store-and-read round trip; damaged entries are dropped', () => {
    const withBreak = recordLockBreak(EMPTY_RECORD, brk(1));
    const switched = recordSwitch(
      recordPending(withBreak, { color: 'blue', digest: 'sha256:1', deployId: 'run/2' }),
      {
        at: '2026-12-07T10:01:00.000Z',
        action: 'deploy',
        color: 'blue',
        image: 'shop:1',
        digest: 'sha256:1',
        version: '1',
        deployId: 'run/2',
        actor: 'alice',
      },
      Date.UTC(2026, 11, 7, 10, 1),
      60_000,
    );
    expect(switched.lockBreaks).toEqual([brk(1)]);
    const stored = JSON.parse(JSON.stringify(switched)) as Record<string, unknown>;
    stored.lockBreaks = [brk(1), { at: 1, by: 'x' }, 'junk'];
    expect(parseRecord(JSON.stringify(stored)).record.lockBreaks).toEqual([brk(1)]);
  });
});
