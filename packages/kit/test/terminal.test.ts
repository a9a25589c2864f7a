import { Summary } from '@switchyard/kit';
import { renderTerminal, styler, visibleWidth } from '@switchyard/kit/terminal';

const plain = (md: string, width?: number): string =>
  renderTerminal(md, { color: false, ...(width !== undefined && { width }) });
const colored = (md: string, width?: number): string =>
  renderTerminal(md, { color: true, ...(width !== undefined && { width }) });
const ESC = '\u001b';
// eslint-disable-next-line no-control-regex -- SGR codes are what these tests look at
const SGR = /\u001b\[[0-9;]*m/g;
const strip = (s: string): string => s.replace(SGR, '');
const lines = (s: string): string[] => s.replace(/\n$/, '').split('\n');

/** A deploy-like summary that uses everything the renderer knows. */
const deploySummary = (): string =>
  new Summary()
    .heading('deploy-bluegreen: shop (production)')
    .paragraph('Switched **production** from blue to green (`v1.4.2`).')
    .table(
      ['', 'before', 'after'],
      [
        ['live color', 'blue', 'green'],
        ['image', 'ghcr.io/acme/shop:v1.4.1', 'ghcr.io/acme/shop:v1.4.2'],
        ['digest', `sha256:${'1'.repeat(64)}`, `sha256:${'2'.repeat(64)}`],
      ],
    )
    .table(
      ['', ''],
      [
        ['url', 'https://shop.example.com'],
        ['ready after', '12s'],
      ],
    )
    .heading('Smoke test', 3)
    .table(
      ['Check', 'Result', 'Status', 'Reason'],
      [
        ['home', '✅ passed', 200, ''],
        ['api | v2', '❌ failed', 503, 'expected <200>\ngot 503 & a retry'],
        ['optional', '⚠️ failed (optional)', 404, 'warning'],
      ],
    )
    .list(['`ghcr.io/acme/shop:v1.4.2`', 'see [the run](https://example.com/runs/1)'])
    .code('xychart-beta\n  title "error rate (%)"\n  line [1, 2]', 'mermaid')
    .details('Resolved <queries>', new Summary().code('sum(rate(x[1m]))\n  / 2', 'promql'))
    .paragraph('> green stays warm until 12:00')
    .toString();

describe('styler', () => {
  test('is the identity without colour', () => {
    const st = styler(false);
    for (const f of [st.bold, st.dim, st.red, st.green, st.yellow, st.cyan])
      expect(f('text')).toBe('text');
  });

  test.each([
    ['bold', '\u001b[1mx\u001b[22m'],
    ['dim', '\u001b[2mx\u001b[22m'],
    ['red', '\u001b[31mx\u001b[39m'],
    ['green', '\u001b[32mx\u001b[39m'],
    ['yellow', '\u001b[33mx\u001b[39m'],
    ['cyan', '\u001b[36mx\u001b[39m'],
  ] as const)('[%#] %s wraps text in SGR codes', (name, out) => {
    expect(styler(true)[name]('x')).toBe(out);
    expect(styler(true)[name]('')).toBe('');
  });
});

describe('visibleWidth', () => {
  test.each([
    ['', 0],
    ['abc', 3],
    ['\u001b[1mabc\u001b[22m', 3],
    ['\u001b]8;;https://x\u0007link\u001b]8;;\u0007', 4],
    ['✅', 2],
    ['❌ failed', 9],
    ['⚠️', 2],
    ['⚠', 1],
    ['日本', 4],
    ['e\u0301', 1],
    ['👍🏽', 2],
    ['👨‍👩‍👧', 2],
    ['─═▸│•', 5],
  ])('[%#] %j is %d columns', (s, width) => expect(visibleWidth(s)).toBe(width));
});

describe('renderTerminal blocks', () => {
  test.each([
    ['# Title', 'Title\n═════\n'],
    ['## Sub', 'Sub\n───\n'],
    ['### Small', 'Small\n'],
    ['#### Smaller ##', 'Smaller\n'],
    ['one\ntwo', 'one two\n'],
    ['one  \ntwo', 'one\ntwo\n'],
    ['- a\n- b', '• a\n• b\n'],
    ['- a\n  - nested', '• a\n  • nested\n'],
    ['1. first\n2. second', '1. first\n2. second\n'],
    ['- item\n  continued', '• item continued\n'],
    ['> quoted **text**', '│ quoted text\n'],
    ['> a\n>\n> b', '│ a\n│\n│ b\n'],
    ['---', `${'─'.repeat(40)}\n`],
    ['```\nconst a = 1;\n\n  b();\n```', '  const a = 1;\n\n    b();\n'],
    ['````md\n```\ninner\n```\n````', '  ```\n  inner\n  ```\n'],
    ['```mermaid\nxychart-beta\n  line [1]\n```', '(chart omitted in the terminal)\n'],
    ['<p align="center"></p>', ''],
    ['', ''],
  ])('[%#] %j', (md, out) => expect(plain(md)).toBe(out));

  test('blocks are separated by exactly one blank line', () => {
    expect(plain('# A\n\n\n\nbody\n## B\n- x\n\n\n> q')).toBe(
      'A\n═\n\nbody\n\nB\n─\n\n• x\n\n│ q\n',
    );
  });

  test('details become a ▸ line and the body is rendered normally', () => {
    const md = new Summary()
      .paragraph('before')
      .details('Failed <requests> (2)', new Summary().list(['**one**', 'two']))
      .paragraph('after')
      .toString();
    expect(plain(md)).toBe('before\n\n▸ Failed <requests> (2)\n\n• one\n• two\n\nafter\n');
  });

  test('hand-written details with the summary on its own line', () => {
    expect(plain('<details open>\n<summary>Logs</summary>\n\ntext\n</details>')).toBe(
      '▸ Logs\n\ntext\n',
    );
  });

  test('a Mermaid chart is one line, named by its title', () => {
    const md = new Summary()
      .code('xychart-beta\n  title "p95 latency (ms)"\n  line [1, 2, 3]', 'mermaid')
      .toString();
    expect(plain(md)).toBe('(chart omitted in the terminal: p95 latency (ms))\n');
    expect(colored(md)).toBe(
      '\u001b[2m(chart omitted in the terminal: p95 latency (ms))\u001b[22m\n',
    );
  });

  test('prose wraps at spaces within width; a long URL is not broken', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const out = lines(plain(words, 40));
    for (const l of out) expect(visibleWidth(l)).toBeLessThanOrEqual(40);
    expect(out.join(' ')).toBe(words);
    const url = `https://example.com/${'x'.repeat(60)}`;
    expect(lines(plain(`see ${url} now`, 40))).toEqual(['see', url, 'now']);
  });

  test('list items wrap with a hanging indent', () => {
    const out = lines(plain(`- ${'abc '.repeat(15).trim()}`, 24));
    expect(out[0]).toMatch(/^• abc/);
    for (const l of out.slice(1)) expect(l).toMatch(/^ {2}abc/);
    for (const l of out) expect(visibleWidth(l)).toBeLessThanOrEqual(24);
  });
});

describe('renderTerminal inline', () => {
  test.each([
    ['**bold** text', 'bold text'],
    ['__bold__ text', 'bold text'],
    ['snake_case_name and __init__py', 'snake_case_name and __init__py'],
    ['_a note_', 'a note'],
    ['2 * 3 * 4', '2 * 3 * 4'],
    ['`a | b` and ``x`y``', 'a | b and x`y'],
    ['`&lt;none&gt;`', '<none>'],
    ['[the run](https://x.io/1)', 'the run (https://x.io/1)'],
    ['[https://x.io](https://x.io)', 'https://x.io'],
    ['<https://x.io/a?b=1&amp;c=2>', 'https://x.io/a?b=1&c=2'],
    [
      '<b>hi</b><!-- note --> &amp; &lt;x&gt; &quot;q&quot; &#65;&#x42; &bogus;',
      'hi & <x> "q" AB &bogus;',
    ],
    ['\\*not bold\\* a \\| b', '*not bold* a | b'],
    ['a<br>b<br/>c', 'a\nb\nc'],
    ['3 < 4 and a <= b', '3 < 4 and a <= b'],
  ])('[%#] %j renders as %j', (md, out) => expect(plain(md)).toBe(`${out}\n`));

  test('colour: bold, code in cyan, a bold status word in its colour', () => {
    expect(colored('**x** `y` **passed** **failed**')).toBe(
      '\u001b[1mx\u001b[22m \u001b[36my\u001b[39m \u001b[1m\u001b[32mpassed\u001b[39m\u001b[22m ' +
        '\u001b[1m\u001b[31mfailed\u001b[39m\u001b[22m\n',
    );
  });

  test('colour: status emoji anywhere, but not status words inside prose', () => {
    const out = colored('✅ 3 of 4 checks passed, ❌ one failed, ⚠️ one warning');
    expect(out).toContain('\u001b[32m✅\u001b[39m 3 of 4 checks passed,');
    expect(out).toContain('\u001b[31m❌\u001b[39m one failed,');
    expect(out).toContain('\u001b[33m⚠️\u001b[39m one warning');
  });
});

describe('renderTerminal tables', () => {
  test('a Summary table with pipes, angle brackets, ampersands and newlines reads as text', () => {
    const md = new Summary()
      .table(
        ['Check', 'Reason'],
        [
          ['api | v2', 'expected <200>\ngot 503'],
          ['x & y', ''],
        ],
      )
      .toString();
    expect(md).toContain('\\|');
    expect(md).toContain('&lt;200&gt;<br>');
    expect(plain(md)).toBe(
      [
        'Check     Reason        ',
        '────────  ──────────────',
        'api | v2  expected <200>',
        '          got 503       ',
        'x & y     –             ',
        '',
      ].join('\n'),
    );
  });

  test('every row has the same visible width and columns line up, emoji included', () => {
    const md = new Summary()
      .table(
        ['Check', 'Result', 'Status'],
        [
          ['home', '✅ passed', 200],
          ['api', '❌ failed', 503],
          ['optional', '⚠️ failed (optional)', 404],
          ['日本', 'ok', 201],
        ],
      )
      .toString();
    const out = lines(plain(md));
    expect(new Set(out.map(visibleWidth)).size).toBe(1);
    const statusAt = out
      .slice(2)
      .map((l) => visibleWidth(l.slice(0, l.search(/20[01]|50[34]|404/))));
    expect(new Set(statusAt).size).toBe(1);
    expect(out[1]).toMatch(/^─+ {2}─+ {2}─+$/);
  });

  test('a header of empty cells (cell() writes –) is a key/value table without a header', () => {
    const md = new Summary()
      .table(
        ['', ''],
        [
          ['url', 'https://x.io'],
          ['ready after', '12s'],
        ],
      )
      .toString();
    expect(plain(md)).toBe('url          https://x.io\nready after  12s         \n');
  });

  test('an empty header cell is blank, not –, when other headers have text', () => {
    const md = new Summary().table(['', 'before'], [['image', 'a']]).toString();
    expect(lines(plain(md))[0]).toBe('       before');
  });

  test('alignment from the separator row', () => {
    expect(plain('| n | name |\n| ---: | :---: |\n| 5 | a |\n| 100 | bcd |')).toBe(
      '  n  name\n───  ────\n  5   a  \n100  bcd \n',
    );
  });

  test('a table wider than width wraps its widest columns and keeps every character', () => {
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    const md = new Summary()
      .table(
        ['what', 'value', 'note'],
        [
          ['digest', digest, 'short'],
          ['image', 'ghcr.io/acme/shop:v1.4.2', 'a somewhat longer note about it'],
        ],
      )
      .toString();
    const out = lines(plain(md, 50));
    for (const l of out) expect(visibleWidth(l)).toBeLessThanOrEqual(50);
    expect(new Set(out.map(visibleWidth)).size).toBe(1);
    const valueColumn = out
      .slice(2)
      .map((l) => l.slice(8, 8 + (out[1]?.split('  ')[1]?.length ?? 0)).trim())
      .join('');
    expect(valueColumn).toBe(`${digest}ghcr.io/acme/shop:v1.4.2`);
    expect(out.slice(-2)).toEqual([
      'image   ghcr.io/acme/shop:    a somewhat longer   ',
      '        v1.4.2                note about it       ',
    ]);
  });

  test('the default width is 100', () => {
    const md = new Summary().table(['a', 'b'], [['x'.repeat(80), 'y'.repeat(80)]]).toString();
    const out = lines(plain(md));
    expect(Math.max(...out.map(visibleWidth))).toBe(100);
  });

  test('status cells are coloured whole; other cells are not', () => {
    const md = new Summary()
      .table(
        ['a', 'b', 'c'],
        [
          ['✅ passed', 'failed', 'warning'],
          ['❌ critical', 'failed to pull', 'ok'],
        ],
      )
      .toString();
    const out = colored(md);
    expect(out).toContain('\u001b[32m✅ passed\u001b[39m');
    expect(out).toContain('\u001b[31mfailed\u001b[39m');
    expect(out).toContain('\u001b[33mwarning\u001b[39m');
    expect(out).toContain('\u001b[31m❌ critical\u001b[39m');
    expect(out).toContain('\u001b[32mok\u001b[39m');
    expect(out).toContain(' failed to pull ');
  });
});

describe('renderTerminal colour and safety', () => {
  test('colour off: no escape codes at all, even from the input', () => {
    const md = `${deploySummary()}\nraw \u001b[31mred\u001b[0m &#27;[1m \u009b1m\n`;
    const out = plain(md);
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\u009b');
    expect(out).toContain('raw [31mred[0m [1m 1m');
  });

  test('colour on: only our own codes; an OSC sequence in a cell cannot reach the terminal', () => {
    const md = new Summary().table(['x'], [['\u001b]0;pwned\u0007 \u202eevil']]).toString();
    const out = colored(md);
    for (const bad of [ESC, '\u0007', '\u202e']) expect(strip(out)).not.toContain(bad);
    expect(strip(out)).toContain(']0;pwned evil');
  });

  test('colour on shows the same text as colour off, at every width', () => {
    const md = deploySummary();
    for (const width of [40, 60, 100]) expect(strip(colored(md, width))).toBe(plain(md, width));
  });

  test('a style open at a wrap is closed at the line end and reopened on the next line', () => {
    const md = `| **${'long header words '.repeat(4).trim()}** |\n| --- |\n| x |`;
    const out = lines(colored(md, 20));
    expect(out.length).toBeGreaterThan(3);
    for (const l of out.slice(0, -2)) {
      expect(l.startsWith('\u001b[1m')).toBe(true);
      expect(l.trimEnd().endsWith('\u001b[0m') || l.trimEnd().endsWith('\u001b[22m')).toBe(true);
    }
  });

  test('tabs are expanded to 8-column stops', () => {
    expect(plain('```\na\tb\n\tc\n```')).toBe('  a       b\n          c\n');
  });
});

describe('renderTerminal on a deploy summary', () => {
  test('renders every part readably (colour off)', () => {
    expect(plain(deploySummary(), 80)).toBe(
      [
        'deploy-bluegreen: shop (production)',
        '───────────────────────────────────',
        '',
        'Switched production from blue to green (v1.4.2).',
        '',
        '            before                             after                            ',
        '──────────  ─────────────────────────────────  ─────────────────────────────────',
        'live color  blue                               green                            ',
        'image       ghcr.io/acme/shop:v1.4.1           ghcr.io/acme/shop:v1.4.2         ',
        'digest      sha256:11111111111111111111111111  sha256:22222222222222222222222222',
        '            111111111111111111111111111111111  222222222222222222222222222222222',
        '            11111                              22222                            ',
        '',
        'url          https://shop.example.com',
        'ready after  12s                     ',
        '',
        'Smoke test',
        '',
        'Check     Result                Status  Reason           ',
        '────────  ────────────────────  ──────  ─────────────────',
        'home      ✅ passed             200     –                ',
        'api | v2  ❌ failed             503     expected <200>   ',
        '                                        got 503 & a retry',
        'optional  ⚠️ failed (optional)  404     warning          ',
        '',
        '• ghcr.io/acme/shop:v1.4.2',
        '• see the run (https://example.com/runs/1)',
        '',
        '(chart omitted in the terminal: error rate (%))',
        '',
        '▸ Resolved <queries>',
        '',
        '  sum(rate(x[1m]))',
        '    / 2',
        '',
        '│ green stays warm until 12:00',
        '',
      ].join('\n'),
    );
  });
});
