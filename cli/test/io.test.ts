import type { ActionIO, AnnotationProps } from '@switchyard/kit';
import { terminalIO, type TerminalOptions } from '../src/io.js';

// eslint-disable-next-line no-control-regex
const ESC = /\u001b/;
const CLEAR = '\r\u001b[2K';

/** A terminal IO over a recorded stderr. */
function terminal(opts: Partial<TerminalOptions> = {}, inputs: Record<string, string> = {}) {
  const written: string[] = [];
  const t = terminalIO(new Map(Object.entries(inputs)), {
    color: false,
    verbose: false,
    tty: false,
    write: (text) => written.push(text),
    ...opts,
  });
  return { ...t, written, text: () => written.join('') };
}

describe('terminalIO: inputs', () => {
  test.each([
    ['image', 'reg/app:1'],
    ['padded', 'x'],
    ['unset', ''],
  ])('[%#] getInput(%s) is %j, trimmed as on the runner', (name, value) => {
    const { io } = terminal({}, { image: 'reg/app:1', padded: '  x \n' });
    expect(io.getInput(name)).toBe(value);
  });
});

describe('terminalIO: log lines', () => {
  test.each<[string, (io: ActionIO) => void, string]>([
    ['info', (io) => io.info('hello'), 'hello\n'],
    ['warning', (io) => io.warning('slow'), 'warning: slow\n'],
    ['error', (io) => io.error('broken'), 'error: broken\n'],
    [
      'warning at a file and line',
      (io) => io.warning('unused', { file: 'src/a.ts', startLine: 3 }),
      'warning: unused (src/a.ts:3)\n',
    ],
    [
      'error at a file, line and column, with a title',
      (io) =>
        io.error('bad type', { title: 'tsc', file: 'src/b.ts', startLine: 7, startColumn: 9 }),
      'error: tsc: bad type (src/b.ts:7:9)\n',
    ],
    ['a file without a line', (io) => io.error('x', { file: 'f.txt' }), 'error: x (f.txt)\n'],
    ['a title without a file', (io) => io.warning('x', { title: 'T' }), 'warning: T: x\n'],
  ])('[%#] %s', (_title, act, expected) => {
    const t = terminal();
    act(t.io);
    expect(t.text()).toBe(expected);
  });

  test.each([
    [false, ''],
    [true, 'docker ps\n'],
  ])('[%#] debug lines show only when verbose (%s)', (verbose, expected) => {
    const t = terminal({ verbose });
    t.io.debug('docker ps');
    expect(t.text()).toBe(expected);
  });

  test('groups are headings, nested one level deeper, and return what the body returns', async () => {
    const t = terminal();
    const value = await t.io.group('outer', async () => {
      t.io.info('in outer');
      return t.io.group('inner', async () => 42);
    });
    t.io.info('after');
    expect(value).toBe(42);
    expect(t.text()).toBe('▸ outer\nin outer\n  ▸ inner\nafter\n');
  });

  test('a group whose body throws passes the error on and ends the group', async () => {
    const t = terminal();
    await expect(
      t.io.group('failing', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await t.io.group('next', async () => undefined);
    expect(t.text()).toBe('▸ failing\n▸ next\n');
  });
});

test('the commands a step runs are dimmed with color on, plain without', () => {
  const on = terminal({ color: true });
  on.io.info('[command] docker ps');
  on.io.info('ready');
  expect(on.written).toEqual(['\u001b[2m[command] docker ps\u001b[22m\n', 'ready\n']);
  const off = terminal({ color: false });
  off.io.info('[command] docker ps');
  expect(off.text()).toBe('[command] docker ps\n');
});

describe('terminalIO: secrets', () => {
  const SECRET = 's3cr3t-token';
  const leaks: [string, (io: ActionIO) => void | Promise<void>][] = [
    ['info', (io) => io.info(`token=${SECRET}`)],
    ['debug', (io) => io.debug(`Authorization: Bearer ${SECRET}`)],
    ['warning', (io) => io.warning(`bad ${SECRET}`, { title: `about ${SECRET}` })],
    ['error', (io) => io.error(`bad ${SECRET}`)],
    ['progress', (io) => io.progress?.(`waiting for ${SECRET}`)],
    ['group title', (io) => io.group(`login as ${SECRET}`, async () => undefined)],
    ['summary', (io) => io.appendSummary(`| token | ${SECRET} |`)],
    ['setFailed', (io) => io.setFailed(`failed with ${SECRET}`)],
  ];

  test.each(leaks)('[%#] %s is masked once registered with setSecret', async (_title, act) => {
    for (const tty of [false, true]) {
      const t = terminal({ verbose: true, tty });
      t.io.setSecret(SECRET);
      await act(t.io);
      const seen = [t.text(), ...t.collected.summary, t.collected.failure ?? ''].join('\n');
      expect(seen).not.toContain(SECRET);
      expect(seen).toContain('***');
    }
  });

  test('a secret added to the returned Secrets is masked too', () => {
    const t = terminal();
    t.secrets.add('hunter22');
    t.io.info('password hunter22');
    expect(t.text()).toBe('password ***\n');
  });

  test('text logged before the secret was registered is not rewritten, later text is masked', () => {
    const t = terminal();
    t.io.info('before');
    t.io.setSecret('later-secret');
    t.io.info('later-secret');
    expect(t.written).toEqual(['before\n', '***\n']);
  });
});

describe('terminalIO: progress', () => {
  test('on a terminal a progress line is redrawn in place, and the next line clears it', () => {
    const t = terminal({ tty: true });
    t.io.progress?.('waiting 1s');
    t.io.progress?.('waiting 2s');
    t.io.info('ready');
    t.io.info('done');
    expect(t.written).toEqual([
      `${CLEAR}waiting 1s`,
      `${CLEAR}waiting 2s`,
      CLEAR,
      'ready\n',
      'done\n',
    ]);
  });

  test.each<[string, (io: ActionIO) => void]>([
    ['warning', (io) => io.warning('w')],
    ['error', (io) => io.error('e')],
    ['verbose debug', (io) => io.debug('d')],
  ])('[%#] a %s after a progress line clears it first', (_title, act) => {
    const t = terminal({ tty: true, verbose: true });
    t.io.progress?.('waiting');
    act(t.io);
    expect(t.written[1]).toBe(CLEAR);
    expect(t.written[2]).toMatch(/\n$/);
  });

  test('a progress line is one line, cut to the terminal width', () => {
    const t = terminal({ tty: true, columns: 30 });
    t.io.progress?.(`a\nb   c ${'x'.repeat(40)}`);
    const shown = t.written[0]!.slice(CLEAR.length);
    expect(shown).not.toContain('\n');
    expect(shown).toHaveLength(29);
    expect(shown).toMatch(/^a b c x+…$/);
  });

  test('off a terminal a progress line is a plain line', () => {
    const t = terminal({ tty: false });
    t.io.progress?.('waiting 1s');
    t.io.progress?.('waiting 2s');
    expect(t.text()).toBe('waiting 1s\nwaiting 2s\n');
  });
});

describe('terminalIO: what a step leaves behind', () => {
  test('outputs are kept as the runner writes them (objects as JSON)', () => {
    const t = terminal();
    t.io.setOutput('color', 'green');
    t.io.setOutput('changed', true);
    t.io.setOutput('evaluations', 3);
    t.io.setOutput('state', { live: 'green', history: [] });
    t.io.setOutput('color', 'blue');
    expect(Object.fromEntries(t.collected.outputs)).toEqual({
      color: 'blue',
      changed: 'true',
      evaluations: '3',
      state: '{"live":"green","history":[]}',
    });
    expect(t.text()).toBe('');
  });

  test('state is kept in memory; an unknown name reads as empty', () => {
    const t = terminal();
    t.io.saveState('lock', '{"name":"l"}');
    expect(t.io.getState('lock')).toBe('{"name":"l"}');
    expect(t.io.getState('other')).toBe('');
    expect(Object.fromEntries(t.collected.state)).toEqual({ lock: '{"name":"l"}' });
  });

  test('the summary is collected in order, not written', async () => {
    const t = terminal();
    await t.io.appendSummary('## one');
    await t.io.appendSummary('two');
    expect(t.collected.summary).toEqual(['## one', 'two']);
    expect(t.text()).toBe('');
  });

  test('setFailed records the failure without writing it', () => {
    const t = terminal();
    expect(t.collected.failure).toBeUndefined();
    t.io.setFailed('deploy: not ready');
    expect(t.collected.failure).toBe('deploy: not ready');
    expect(t.text()).toBe('');
  });
});

describe('terminalIO: color', () => {
  const everything = async (io: ActionIO, props: AnnotationProps) => {
    io.info('i');
    io.debug('d');
    io.warning('w', props);
    io.error('e', props);
    await io.group('g', async () => undefined);
  };

  test.each([[false], [true]])('[%#] color off: no escape codes at all (tty %s)', async (tty) => {
    const t = terminal({ color: false, verbose: true, tty });
    await everything(t.io, { file: 'a.ts', startLine: 1 });
    expect(t.text()).not.toMatch(ESC);
  });

  test('color off on a terminal: only the progress control sequence', async () => {
    const t = terminal({ color: false, verbose: true, tty: true });
    t.io.progress?.('p');
    await everything(t.io, {});
    expect(t.text().replaceAll(CLEAR, '')).not.toMatch(ESC);
  });

  test('color on: warnings yellow, errors red, groups bold, debug dim', async () => {
    const t = terminal({ color: true, verbose: true });
    await everything(t.io, {});
    expect(t.written).toEqual([
      'i\n',
      '\u001b[2md\u001b[22m\n',
      '\u001b[33mwarning: w\u001b[39m\n',
      '\u001b[31merror: e\u001b[39m\n',
      '\u001b[1m▸ g\u001b[22m\n',
    ]);
  });
});
