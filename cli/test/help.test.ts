import {
  COMMANDS,
  findCommand,
  optionsOf,
  type Command,
  type InputDef,
} from '../src/definitions.js';
import { commandHelp, EXIT, mainHelp, wrap } from '../src/help.js';
import { helpEntries } from './help-entries.js';

const opt = (name: string, description: string, def?: string, required = false): InputDef => ({
  name,
  description,
  required,
  flag: def === 'true' || def === 'false',
  ...(def !== undefined && { default: def }),
});

const deploy = findCommand('deploy') as Command;
const OPTIONS: readonly InputDef[] = [
  opt('environment', 'Environment to deploy to.', undefined, true),
  opt('promote', 'Switch traffic once ready.', 'true'),
  opt('lock-timeout', 'How long to wait for the lock.', '10m'),
  opt('version', 'Version to record.', ''),
  opt(
    'a-rather-long-option-name-here',
    'A description long enough to be wrapped over more than one line when the width is small.',
  ),
];

describe('EXIT', () => {
  test('the codes --help documents', () => {
    expect(EXIT).toEqual({ ok: 0, failed: 1, usage: 2, interrupted: 130 });
    const help = mainHelp('1.2.3');
    for (const code of Object.values(EXIT))
      expect(help).toMatch(new RegExp(`^ {2}${code} +\\S`, 'm'));
  });
});

describe('commandHelp', () => {
  const help = commandHelp(deploy, OPTIONS, 100);
  const byName = helpEntries(help);

  test('starts with the usage, naming the positional input', () => {
    expect(help.split('\n')[0]).toBe('Usage: switchyard deploy [environment] [options]');
    expect(help).toContain('The first bare argument is --environment.');
  });

  test('says which action runs and which inputs the command fixes', () => {
    expect(help.replace(/\s+/g, ' ')).toContain(
      "Runs the deploy-bluegreen action's own code with action: deploy; its options are the inputs of actions/deploy-bluegreen/action.yml, under the same names.",
    );
  });

  test('lists every option given, in order, and no other', () => {
    expect([...byName.keys()]).toEqual(OPTIONS.map((o) => o.name));
  });

  test.each([
    ['environment', '--environment <value> Environment to deploy to. (required)'],
    ['promote', '--promote, --no-promote Switch traffic once ready. (default: true)'],
    ['lock-timeout', '--lock-timeout <value> How long to wait for the lock. (default: 10m)'],
    // An empty default says nothing.
    ['version', '--version <value> Version to record.'],
  ])('[%#] %s: %s', (name, text) => expect(byName.get(name)).toBe(text));

  test('required and a default are shown together', () => {
    const h = commandHelp(deploy, [opt('x', 'X.', '3', true)]);
    expect(helpEntries(h).get('x')).toBe('--x <value> X. (required; default: 3)');
  });

  test('a long option name puts its description on the next line, aligned', () => {
    const lines = help.split('\n');
    const i = lines.findIndex((l) => l.startsWith('  --a-rather-long-option-name-here'));
    expect(lines[i]).toBe('  --a-rather-long-option-name-here <value>');
    expect(lines[i + 1]).toMatch(/^ {34}A description/);
  });

  // The examples and the exit-code table are fixed text; the option descriptions and prose wrap.
  test('no wrapped line is wider than the width asked for', () => {
    for (const width of [60, 80, 100]) {
      const text = commandHelp(deploy, OPTIONS, width);
      const wrapped = text.split('\nExamples:\n')[0]!.split('\n');
      expect(wrapped.filter((l) => l.length > width)).toEqual([]);
    }
  });

  test('documents the environment variables and the global options', () => {
    expect(help.replace(/\s+/g, ' ')).toContain('SWITCHYARD_INPUT_<NAME>');
    for (const flag of ['--json', '--no-color', '--verbose', '-h, --help'])
      expect(help).toMatch(new RegExp(`^ {2}${flag} +\\S`, 'm'));
  });

  test('lists the command’s examples and the exit codes', () => {
    for (const e of deploy.examples) expect(help).toContain(`  ${e}`);
    expect(help).toContain('Exit codes:');
  });

  test('a command of the CLI’s own says nothing of an action or its environment variables', () => {
    const status = findCommand('status')!;
    const text = commandHelp(status, status.kind === 'own' ? status.options : []);
    expect(text).not.toContain('action.yml');
    expect(text).not.toContain('SWITCHYARD_INPUT_');
    expect([...helpEntries(text).keys()]).toEqual([
      'environment',
      'config',
      'app',
      'docker-host',
      'history',
    ]);
    expect(helpEntries(text).get('history')).toMatch(/\(default: 10\)$/);
  });

  test('a command without a positional input has no such line', () => {
    const gate = findCommand('gate')!;
    const text = commandHelp(gate, []);
    expect(text.split('\n')[0]).toBe('Usage: switchyard gate [options]');
    expect(text).not.toContain('The first bare argument');
  });
});

describe('mainHelp', () => {
  const help = mainHelp('9.8.7');

  test('names the version and every command with its summary, in table order', () => {
    expect(help.split('\n')[0]).toMatch(/^switchyard 9\.8\.7: /);
    const listed = help
      .split('\n')
      .map((l) => /^ {2}([a-z]+) {2,}(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]);
    expect(listed).toEqual(COMMANDS.map((c) => [c.name, c.summary]));
  });

  test('points to the per-command help', () => {
    expect(help).toContain('`switchyard <command> --help` lists them.');
  });
});

describe('findCommand', () => {
  test.each([['deploy'], ['promote'], ['status'], ['demo']])('[%#] %s', (name) =>
    expect(findCommand(name)?.name).toBe(name),
  );
  test('an unknown name gives undefined', () => expect(findCommand('deplyo')).toBeUndefined());
});

describe('wrap', () => {
  test.each([
    ['short text', 80, 0, 'short text'],
    ['  collapses   all\n whitespace ', 80, 0, 'collapses all whitespace'],
    ['one two three four', 9, 0, 'one two\nthree\nfour'],
    ['one two three four', 12, 4, 'one two\n    three\n    four'],
    // A word longer than the width is kept whole on its own line.
    ['a supercalifragilistic word', 10, 0, 'a\nsupercalifragilistic\nword'],
    ['', 10, 0, ''],
  ])('[%#] %j at %d, indent %d', (text, width, indent, expected) =>
    expect(wrap(text, width, indent)).toBe(expected),
  );

  test('every line fits in width − indent, continuation lines indented', () => {
    const text = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor';
    const lines = wrap(text, 30, 6).split('\n');
    expect(lines.length).toBeGreaterThan(2);
    lines.slice(1).forEach((l) => expect(l.startsWith('      ')).toBe(true));
    lines.forEach((l, i) => expect(l.length - (i ? 6 : 0)).toBeLessThanOrEqual(24));
    expect(lines.map((l) => l.trim()).join(' ')).toBe(text);
  });
});

describe('the commands of issues 24 and 25', () => {
  test.each([
    [
      'log',
      'environment',
      ['environment', 'config', 'app', 'docker-host', 'limit', 'repo', 'token'],
    ],
    [
      'freeze',
      'environment',
      ['environment', 'reason', 'until', 'config', 'app', 'docker-host', 'lock-timeout'],
    ],
    ['unfreeze', 'environment', ['environment', 'config', 'app', 'docker-host', 'lock-timeout']],
    ['github', 'subcommand', ['subcommand', 'config', 'environment', 'repo', 'token']],
  ])(
    '[%#] %s: usage, its options and examples, and a line in the main help',
    (name, bare, names) => {
      const c = findCommand(name)!;
      const text = commandHelp(c, optionsOf(c));
      expect(text.split('\n')[0]).toBe(`Usage: switchyard ${name} [${bare}] [options]`);
      expect([...helpEntries(text).keys()]).toEqual(names);
      expect(c.examples.length).toBeGreaterThan(0);
      for (const e of c.examples) {
        expect(e).toContain(`switchyard ${name}`);
        expect(text).toContain(`  ${e}`);
      }
      expect(mainHelp('1.0.0')).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'));
    },
  );

  test('freeze: --reason is required, lock-timeout has its default', () => {
    const c = findCommand('freeze')!;
    const entries = helpEntries(commandHelp(c, optionsOf(c)));
    expect(entries.get('reason')).toMatch(/\(required\)$/);
    expect(entries.get('lock-timeout')).toMatch(/\(default: 2m\)$/);
  });
});
