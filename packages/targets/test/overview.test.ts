import {
  overview,
  renderOverview,
  shortTime,
  unreadable,
  type EnvironmentOverview,
} from '@switchyard/targets/overview';
import {
  type Color,
  type ColorStatus,
  type HistoryEntry,
  type TargetState,
} from '@switchyard/targets';

const URL = 'http://127.0.0.1:8080';

const color = (c: Color, version: string, over: Partial<ColorStatus> = {}): ColorStatus => ({
  color: c,
  image: `registry.test/shop:${version}`,
  digest: `sha256:${version.replace(/\D/g, '').padEnd(64, 'a')}`,
  version,
  deployId: `https://github.test/acme/shop/actions/runs/${version}`,
  actor: 'label-actor',
  createdAt: '2026-01-01T08:00:00.000Z',
  state: 'running',
  running: true,
  health: 'healthy',
  ...over,
});

const entry = (
  at: string,
  action: HistoryEntry['action'],
  c: Color,
  version: string,
  actor: string,
  over: Partial<HistoryEntry> = {},
): HistoryEntry => ({
  at,
  action,
  color: c,
  image: `registry.test/shop:${version}`,
  digest: `sha256:${version}`,
  version,
  deployId: `run-${actor}-${version}`,
  actor,
  ...over,
});

/** Newest first, as the record keeps it. */
const HISTORY: HistoryEntry[] = [
  entry('2026-01-03T10:00:00.123Z', 'deploy', 'green', '1.2.0', 'bob'),
  entry('2026-01-02T10:00:00.000Z', 'deploy', 'blue', '1.1.0', 'alice'),
  entry('2026-01-01T10:00:00.000Z', 'deploy', 'green', '1.0.0', 'carol'),
];

const state = (over: Partial<TargetState> = {}): TargetState => ({
  exists: true,
  live: 'green',
  previous: 'blue',
  switchedAt: '2026-01-03T10:00:05.456Z',
  retireAfter: '2026-01-03T10:30:05.456Z',
  colors: { green: color('green', '1.2.0'), blue: color('blue', '1.1.0') },
  history: HISTORY,
  notes: [],
  ...over,
});

const view = (s: TargetState, count?: number): EnvironmentOverview =>
  overview('production', 'shop', URL, s, count);

describe('overview', () => {
  test('a live color with a warm previous one', () => {
    expect(view(state())).toEqual({
      environment: 'production',
      app: 'shop',
      url: URL,
      deployed: true,
      live: 'green',
      image: 'registry.test/shop:1.2.0',
      digest: color('green', '1.2.0').digest,
      version: '1.2.0',
      since: '2026-01-03T10:00:05.456Z',
      deployedBy: 'bob',
      deployId: 'run-bob-1.2.0',
      health: 'healthy',
      previous: 'blue',
      previousVersion: '1.1.0',
      previousState: 'warm',
      warmUntil: '2026-01-03T10:30:05.456Z',
      history: HISTORY,
      notes: [],
    });
  });

  test('nothing deployed yet', () => {
    const o = view({
      exists: false,
      live: null,
      previous: null,
      colors: {},
      history: [],
      notes: [],
    });
    expect(o).toEqual({
      environment: 'production',
      app: 'shop',
      url: URL,
      deployed: false,
      live: null,
      previous: null,
      history: [],
      notes: [],
    });
  });

  test.each<[string, Partial<TargetState>, boolean]>([
    ['no proxy yet', { exists: false, live: null, history: [] }, false],
    ['a proxy but no switch yet', { live: null, history: [] }, false],
    ['a history but nothing live now', { live: null }, true],
    ['something live', {}, true],
  ])('[%#] deployed: %s → %s', (_title, over, deployed) => {
    expect(view(state(over)).deployed).toBe(deployed);
  });

  test.each<[string, Partial<TargetState>, string | undefined]>([
    ['the switch time', {}, '2026-01-03T10:00:05.456Z'],
    [
      'without one: the newest entry on the live color',
      { switchedAt: undefined },
      '2026-01-03T10:00:00.123Z',
    ],
    ['neither', { switchedAt: undefined, history: [] }, undefined],
  ])('[%#] since: %s', (_title, over, since) => {
    expect(view(state(over)).since).toBe(since);
  });

  test.each<[string, HistoryEntry[], string, string]>([
    ['the newest entry on the live color', HISTORY, 'bob', 'run-bob-1.2.0'],
    [
      'a rollback onto the live color is newer than its deploy',
      [
        entry('2026-01-04T09:00:00.000Z', 'rollback', 'green', '1.2.0', 'dave', { reason: 'p95' }),
        entry('2026-01-03T12:00:00.000Z', 'deploy', 'blue', '1.3.0', 'erin'),
        ...HISTORY,
      ],
      'dave',
      'run-dave-1.2.0',
    ],
    [
      'no entry on the live color: the container labels',
      HISTORY.filter((h) => h.color === 'blue'),
      'label-actor',
      'https://github.test/acme/shop/actions/runs/1.2.0',
    ],
  ])('[%#] deployedBy: %s', (_title, history, by, id) => {
    expect(view(state({ history }))).toMatchObject({ deployedBy: by, deployId: id });
  });

  test.each<[string, ColorStatus, string]>([
    [
      'a health check answers its status',
      color('green', '1.2.0', { health: 'starting' }),
      'starting',
    ],
    [
      'no health check: the container state',
      color('green', '1.2.0', { health: 'none', state: 'restarting' }),
      'restarting',
    ],
  ])('[%#] health: %s', (_title, green, health) => {
    expect(view(state({ colors: { green, blue: color('blue', '1.1.0') } })).health).toBe(health);
  });

  test.each<[string, Partial<TargetState>, Partial<EnvironmentOverview>]>([
    [
      'running: warm until retireAfter',
      {},
      { previousState: 'warm', warmUntil: '2026-01-03T10:30:05.456Z', previousVersion: '1.1.0' },
    ],
    [
      'running without a retire time',
      { retireAfter: undefined },
      { previousState: 'warm', warmUntil: undefined },
    ],
    [
      'stopped: retired, whatever retireAfter says',
      {
        colors: {
          green: color('green', '1.2.0'),
          blue: color('blue', '1.1.0', { running: false, state: 'exited' }),
        },
      },
      { previousState: 'retired', warmUntil: undefined, previousVersion: '1.1.0' },
    ],
    [
      'its container is gone: retired, version unknown',
      { colors: { green: color('green', '1.2.0') } },
      { previousState: 'retired', warmUntil: undefined, previousVersion: undefined },
    ],
    [
      'no previous color',
      { previous: null },
      { previous: null, previousState: undefined, previousVersion: undefined },
    ],
  ])('[%#] previous: %s', (_title, over, expected) => {
    const o = view(state(over));
    for (const [k, v] of Object.entries(expected))
      expect([k, o[k as keyof typeof o]]).toEqual([k, v]);
  });

  test.each<[string, Partial<TargetState>, EnvironmentOverview['pending']]>([
    [
      'a color waiting for promote, with its version',
      {
        previous: null,
        pending: { color: 'blue', digest: 'sha256:13', deployId: 'run-1' },
        colors: { green: color('green', '1.2.0'), blue: color('blue', '1.3.0') },
      },
      { color: 'blue', version: '1.3.0' },
    ],
    [
      'its container gone: the color alone',
      {
        previous: null,
        pending: { color: 'blue', digest: 'sha256:13', deployId: 'run-1' },
        colors: { green: color('green', '1.2.0') },
      },
      { color: 'blue' },
    ],
    ['none', {}, undefined],
  ])('[%#] pending: %s', (_title, over, pending) => {
    expect(view(state(over)).pending).toEqual(pending);
  });

  test.each([
    [undefined, 10],
    [10, 10],
    [3, 3],
    [0, 0],
    [50, 12],
  ])('[%#] history: %s asked for, the newest %d kept, newest first', (count, kept) => {
    const history = Array.from({ length: 12 }, (_, i) =>
      entry(
        new Date(Date.UTC(2026, 0, 20 - i)).toISOString(),
        'deploy',
        i % 2 ? 'blue' : 'green',
        `1.${12 - i}.0`,
        'bob',
      ),
    );
    const o = view(state({ history }), count);
    expect(o.history).toEqual(history.slice(0, kept));
  });

  test('the live container is gone: the record names the release, health says so, down is set', () => {
    const o = view(state({ colors: { blue: color('blue', '1.1.0') } }));
    expect(o).toMatchObject({
      live: 'green',
      image: 'registry.test/shop:1.2.0',
      digest: 'sha256:1.2.0',
      version: '1.2.0',
      deployedBy: 'bob',
      deployId: 'run-bob-1.2.0',
      health: 'no container',
      down: 'the live color green (1.2.0, registry.test/shop:1.2.0) has no container (removed)',
    });
  });

  test('the live container exited: its state, not its last health, and down is set', () => {
    const o = view(
      state({
        colors: {
          green: color('green', '1.2.0', { state: 'exited', running: false, exitCode: 1 }),
        },
      }),
    );
    expect(o).toMatchObject({
      health: 'exited',
      down: 'the live color green (1.2.0, registry.test/shop:1.2.0) is not running (exited, exit code 1)',
    });
  });

  test('a running live color is not down', () => {
    expect(view(state())).not.toHaveProperty('down');
  });

  test('the notes are passed on', () => {
    expect(view(state({ notes: ['the record said blue; the proxy says green'] })).notes).toEqual([
      'the record said blue; the proxy says green',
    ]);
  });
});

describe('unreadable', () => {
  test('the environment with the error and nothing else', () => {
    expect(unreadable('staging', 'shop', URL, 'ssh: connect refused')).toEqual({
      environment: 'staging',
      app: 'shop',
      url: URL,
      deployed: false,
      live: null,
      previous: null,
      history: [],
      notes: [],
      error: 'ssh: connect refused',
    });
  });
});

describe('shortTime', () => {
  test.each([
    ['2026-11-22T08:27:28.442Z', '2026-11-22 08:27:28Z'],
    ['2026-11-22T08:27:28.4Z', '2026-11-22 08:27:28Z'],
    ['2026-11-22T08:27:28Z', '2026-11-22 08:27:28Z'],
  ])('[%#] %s → %s', (iso, short) => expect(shortTime(iso)).toBe(short));
});

describe('renderOverview', () => {
  /** 20 minutes before the previous color's retireAfter. */
  const NOW = Date.parse('2026-01-03T10:10:05.456Z');
  const rows = (md: string) => md.split('\n').filter((l) => l.startsWith('| '));

  test('one row per environment, then each one’s URL, image and recent history', () => {
    const production = view(
      state({
        history: [
          entry('2026-01-04T09:00:00.000Z', 'rollback', 'green', '1.2.0', 'dave', {
            reason: 'p95 doubled after 1.3.0',
          }),
          entry('2026-01-03T12:00:00.500Z', 'rollback', 'blue', '1.1.0', 'erin'),
          ...HISTORY,
        ],
      }),
      4,
    );
    const staging = overview(
      'staging',
      'shop',
      'http://127.0.0.1:9080',
      state({
        live: 'blue',
        previous: 'green',
        colors: {
          blue: color('blue', '1.3.0', { health: 'none', state: 'running' }),
          green: color('green', '1.2.0', { running: false, state: 'exited' }),
        },
        history: [],
        notes: ['the record was missing; rebuilt from the containers'],
      }),
    );
    const md = renderOverview([production, staging], NOW);
    expect(md.split('\n')[0]).toBe('## status: shop');
    expect(rows(md).slice(0, 4)).toEqual([
      '| environment | live | version | since | by | previous |',
      '| --- | --- | --- | --- | --- | --- |',
      '| production | green (healthy) | 1.2.0 | 2026-01-03 10:00:05Z | dave | blue 1.1.0, warm (20m left) |',
      '| staging | blue (running) | 1.3.0 | 2026-01-03 10:00:05Z | label-actor | green 1.2.0, retired |',
    ]);
    expect(md).toContain(
      `**production**: ${URL}, registry.test/shop:1.2.0@120aaaaaaaaa (run-dave-1.2.0)`,
    );
    expect(md).toContain('### production: last 4 deploys and rollbacks');
    expect(rows(md).slice(4)).toEqual([
      '| at | action | color | version | by | reason |',
      '| --- | --- | --- | --- | --- | --- |',
      '| 2026-01-04 09:00:00Z | rollback | green | 1.2.0 | dave | p95 doubled after 1.3.0 |',
      '| 2026-01-03 12:00:00Z | rollback | blue | 1.1.0 | erin | (no reason given) |',
      '| 2026-01-03 10:00:00Z | deploy | green | 1.2.0 | bob | – |',
      '| 2026-01-02 10:00:00Z | deploy | blue | 1.1.0 | alice | – |',
    ]);
    // No history: no heading for staging; its note is a quote.
    expect(md).not.toContain('### staging');
    expect(md).toContain('> staging: the record was missing; rebuilt from the containers');
  });

  test.each<[string, Partial<TargetState>, number, string]>([
    ['warm, time left in minutes', {}, NOW, 'blue 1.1.0, warm (20m left)'],
    [
      'warm, past its retire time',
      {},
      Date.parse('2026-01-03T11:00:00Z'),
      'blue 1.1.0, warm (retire due)',
    ],
    [
      'warm, exactly at its retire time',
      {},
      Date.parse('2026-01-03T10:30:05.456Z'),
      'blue 1.1.0, warm (retire due)',
    ],
    ['warm without a retire time', { retireAfter: undefined }, NOW, 'blue 1.1.0, warm'],
    [
      'retired',
      {
        colors: {
          green: color('green', '1.2.0'),
          blue: color('blue', '1.1.0', { running: false }),
        },
      },
      NOW,
      'blue 1.1.0, retired',
    ],
    ['no previous color', { previous: null }, NOW, '–'],
  ])('[%#] previous: %s', (_title, over, now, text) => {
    const row = rows(renderOverview([view(state(over))], now))[2]!;
    expect(row.split(' | ').at(-1)).toBe(`${text} |`);
  });

  // See the report: under 30 s left rounds to 0 and shows "0ms left".
  test('warm with seconds left says so, not "0ms left"', () => {
    const now = Date.parse('2026-01-03T10:29:45.456Z'); // 20 s before retireAfter
    const row = rows(renderOverview([view(state())], now))[2]!;
    expect(row).not.toContain('0ms left');
    expect(row).toMatch(/blue 1\.1\.0, warm \((?:20s|under 1m|1m) left\)/);
  });

  test('nothing live, a pending color and an unreadable target', () => {
    const fresh = overview('dev', 'shop', 'http://127.0.0.1:7080', {
      exists: true,
      live: null,
      previous: null,
      pending: { color: 'blue', digest: 'sha256:1', deployId: 'run-1' },
      colors: { blue: color('blue', '0.1.0') },
      history: [],
      notes: [],
    });
    const broken = unreadable('production', 'shop', URL, 'cannot connect to ssh://deploy@prod');
    const md = renderOverview([fresh, broken], NOW);
    expect(rows(md).slice(2)).toEqual([
      '| dev | nothing live | – | – | – | – |',
      '| production | ❌ unreadable | – | – | – | – |',
    ]);
    expect(md).toContain('**dev**: http://127.0.0.1:7080\n');
    expect(md).toContain('**dev**: blue (0.1.0) is waiting for promote');
    expect(md).toContain('**production**: cannot connect to ssh://deploy@prod');
    expect(md).not.toContain(`**production**: ${URL}`);
  });

  test('a live color that is down: its row says what is missing, and a paragraph says what to do', () => {
    const o = view(state({ colors: { blue: color('blue', '1.1.0') } }));
    const md = renderOverview([o], NOW);
    expect(rows(md)[2]).toMatch(/^\| production \| green \(no container\) \| 1\.2\.0 \|/);
    expect(md).toContain(
      '**production**: ❌ the live color green (1.2.0, registry.test/shop:1.2.0) has no container (removed): live traffic reaches nothing. Roll back (switchyard rollback production) or deploy',
    );
    expect(renderOverview([view(state())], NOW)).not.toContain('❌');
  });

  test('several apps are all named in the heading', () => {
    const md = renderOverview(
      [
        unreadable('a', 'shop', URL, 'x'),
        unreadable('b', 'cart', URL, 'y'),
        unreadable('c', 'shop', URL, 'z'),
      ],
      NOW,
    );
    expect(md.split('\n')[0]).toBe('## status: shop, cart');
  });

  test('table cells are escaped: a reason with a pipe stays in its cell', () => {
    const o = view(
      state({
        history: [
          entry('2026-01-04T09:00:00.000Z', 'rollback', 'green', '1.2.0', 'dave', {
            reason: 'a | b',
          }),
        ],
      }),
    );
    expect(renderOverview([o], NOW)).toContain('| dave | a \\| b |');
  });
});
