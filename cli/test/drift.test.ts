/**
 * The --help ↔ action.yml consistency check; CI fails if they drift.
 *
 * 1. `switchyard <command> --help` lists exactly the inputs of actions/<action>/action.yml (less the
 *    command's fixed and hidden ones), each with its default, required ones marked.
 * 2. Static: every input name an action's code reads is declared in its action.yml, and every input
 *    its action.yml declares is read by the code.
 *
 * action.yml is parsed here with the `yaml` package on its own, not through the CLI's parser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { InputReader } from '@switchyard/kit';
import { MONITOR_INPUTS, OVERRIDE_INPUTS } from '@switchyard/config';
import { REPORT_INPUTS } from '@switchyard/quality';
import { ACTIONS as DEPLOY_ACTIONS } from '../../actions/deploy-bluegreen/src/inputs.js';
import { parseArgs } from '../src/args.js';
import {
  ACTION_NAMES,
  cliOptionsOf,
  COMMANDS,
  optionsOf,
  packageRoot,
  readActionMeta,
  type ActionCommand,
  type ActionName,
} from '../src/definitions.js';
import { commandHelp } from '../src/help.js';
import { helpEntries } from './help-entries.js';

const ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));

interface YamlInput {
  readonly description?: unknown;
  readonly required?: unknown;
  /** A YAML scalar: `10m`, `10`, `true`. */
  readonly default?: string | number | boolean;
}

/** actions/<name>/action.yml's inputs, in file order. */
function yamlInputs(action: ActionName): [string, YamlInput][] {
  const doc = parse(readFileSync(join(ROOT, 'actions', action, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, YamlInput | null>;
  };
  return Object.entries(doc.inputs ?? {}).map(([k, v]) => [k, v ?? {}]);
}

const actionCommands = COMMANDS.filter((c): c is ActionCommand => c.kind === 'action');

/**
 * How a command's help text differs from its action.yml inputs: one message per difference, each
 * naming the command, the action and the input.
 */
function helpDrift(command: ActionCommand, yaml: [string, YamlInput][], help: string): string[] {
  const where = `switchyard ${command.name} --help`;
  const file = `actions/${command.action}/action.yml`;
  const skipped = new Set([...(command.hidden ?? []), ...Object.keys(command.fixed ?? {})]);
  const entries = helpEntries(help);
  const expected = yaml.filter(([n]) => !skipped.has(n));
  const problems: string[] = [];
  for (const [name, input] of expected) {
    const entry = entries.get(name);
    if (entry === undefined) {
      problems.push(`${where} lacks --${name}, an input of ${file}`);
      continue;
    }
    const def = input.default === undefined ? '' : String(input.default);
    const facts = [input.required === true ? 'required' : '', def ? `default: ${def}` : '']
      .filter(Boolean)
      .join('; ');
    const flag = def === 'true' || def === 'false';
    const head = flag ? `--${name}, --no-${name} ` : `--${name} <value> `;
    const tail = facts ? `(${facts})` : '';
    if (!entry.startsWith(head) || (tail ? !entry.endsWith(tail) : entry.endsWith(')')))
      problems.push(
        `${where}: --${name} reads "${entry}", but ${file} says ${facts || 'not required, no default'}${flag ? ' (a switch)' : ''}`,
      );
  }
  for (const name of entries.keys())
    if (!expected.some(([n]) => n === name))
      problems.push(
        skipped.has(name)
          ? `${where} lists --${name}, which the command fixes or hides`
          : `${where} lists --${name}, which ${file} does not declare`,
      );
  const order = [...entries.keys()].filter((n) => expected.some(([e]) => e === n));
  const want = expected.map(([n]) => n).filter((n) => entries.has(n));
  if (order.join() !== want.join())
    problems.push(`${where} lists the options out of ${file} order`);
  return problems;
}

describe.each(actionCommands.map((c) => [c.name, c] as const))(
  'switchyard %s --help ↔ its action.yml',
  (_name, command) => {
    const yaml = yamlInputs(command.action);
    const declared = new Set(yaml.map(([n]) => n));
    const skipped = new Set([...(command.hidden ?? []), ...Object.keys(command.fixed ?? {})]);
    const options = optionsOf(command, readActionMeta(ROOT, command.action));

    test('lists every input but the fixed and hidden ones, with its default, required marked', () => {
      expect(helpDrift(command, yaml, commandHelp(command, options))).toEqual([]);
    });

    test('its fixed and hidden inputs exist in action.yml', () => {
      expect(
        [...skipped]
          .filter((n) => !declared.has(n))
          .map(
            (n) =>
              `switchyard ${command.name} fixes or hides "${n}", not an input of ${command.action}`,
          ),
      ).toEqual([]);
    });

    test('every example parses against the real options', () => {
      for (const example of command.examples) {
        const [, name, ...argv] = shellWords(example);
        expect(name).toBe(command.name);
        expect(() =>
          parseArgs(command.name, argv, [...options, ...cliOptionsOf(command)], command.positional),
        ).not.toThrow();
      }
    });
  },
);

test('the help check reports each kind of drift, naming the command and the input', () => {
  const deploy = actionCommands.find((c) => c.name === 'deploy')!;
  const yaml = yamlInputs('deploy-bluegreen');
  const meta = readActionMeta(ROOT, 'deploy-bluegreen');
  // A help made from action.yml metadata that has drifted from the real file.
  const tampered = {
    ...meta,
    inputs: [
      ...meta.inputs
        .filter((i) => i.name !== 'lock-timeout')
        .map((i) =>
          i.name === 'pull'
            ? { ...i, default: 'never' }
            : i.name === 'environment'
              ? { ...i, required: false }
              : i.name === 'promote'
                ? { ...i, flag: false }
                : i,
        ),
      { name: 'bogus', description: 'Not in action.yml.', required: false, flag: false },
    ],
  };
  const help = commandHelp(deploy, optionsOf(deploy, tampered));
  const file = 'actions/deploy-bluegreen/action.yml';
  expect(helpDrift(deploy, yaml, help)).toEqual([
    expect.stringMatching(
      new RegExp(`^switchyard deploy --help: --environment reads ".*", but ${file} says required$`),
    ),
    expect.stringMatching(
      /^switchyard deploy --help: --promote reads "--promote <value> .*\(a switch\)$/,
    ),
    `switchyard deploy --help lacks --lock-timeout, an input of ${file}`,
    expect.stringMatching(
      /^switchyard deploy --help: --pull reads ".*\(default: never\)", but .* says default: always$/,
    ),
    `switchyard deploy --help lists --bogus, which ${file} does not declare`,
  ]);
  expect(helpDrift(deploy, yaml, commandHelp(deploy, meta.inputs))).toEqual([
    'switchyard deploy --help lists --action, which the command fixes or hides',
    'switchyard deploy --help lists --force, which the command fixes or hides',
  ]);
});

test('every fixed action is one deploy-bluegreen accepts', () => {
  const fixed = actionCommands
    .filter((c) => c.action === 'deploy-bluegreen')
    .map((c) => c.fixed?.action);
  expect(fixed.every((a) => (DEPLOY_ACTIONS as readonly (string | undefined)[]).includes(a))).toBe(
    true,
  );
});

test('every action has a command and every command an action folder', () => {
  expect([...new Set(actionCommands.map((c) => c.action))].sort()).toEqual(
    [...ACTION_NAMES].sort(),
  );
  const folders = readdirSync(join(ROOT, 'actions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  expect(folders.sort()).toEqual([...ACTION_NAMES].sort());
});

/** Splits a shell command line: single and double quotes group, as in the help examples. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

// ---------------------------------------------------------------------------------------------
// The static half: the names the code reads against the names action.yml declares.

/** InputReader's methods, each of which takes an input name first (taken from the class itself). */
const READER_METHODS = Object.getOwnPropertyNames(InputReader.prototype).filter(
  (m) => m !== 'constructor',
);

/** Constant lists of input names that code spreads or loops over, by identifier. */
const CONSTANT_LISTS: Readonly<Record<string, readonly string[]>> = {
  OVERRIDE_INPUTS,
  REPORT_INPUTS: Object.values(REPORT_INPUTS).flatMap((r) => [
    r.input,
    ...(r.format ? [r.format] : []),
  ]),
};

/** Shared readers that read a constant list of inputs, by function name. */
const LIST_READERS: Readonly<Record<string, readonly string[]>> = {
  readOverrides: OVERRIDE_INPUTS,
  readMonitorInputs: MONITOR_INPUTS,
};

/** What a scan found in one source text. */
interface Scan {
  /** Input names read. */
  readonly names: Set<string>;
  /** Things the scan cannot follow, so it must be taught: each is a failure on its own. */
  readonly unknown: string[];
}

/** A quoted literal: group 1 is the quote, group 2 the text (put no capture group before it). */
const QUOTED = `(['"])([^'"\\n]+)\\1`;
const literals = (text: string): string[] =>
  [...text.matchAll(/(['"])([^'"\n]+)\1/g)].map((m) => m[2]!);

/** The text of the bracketed expression that starts at `open` (`[`), or '' if unbalanced. */
function bracketed(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']' && --depth === 0) return text.slice(open, i + 1);
  }
  return '';
}

/**
 * The input names a source file reads:
 * - `getInput('x')`, `r.<InputReader method>('x'`
 * - helpers handed the reader: `readCredentials(r, 'a', 'b')`, `tristate(r, 'push')`
 * - local helpers whose `name` parameter goes to the reader: `const dur = (name: string, …) =>
 *   r.duration(name …)` called as `dur('duration', …)`
 * - loops over literal lists whose variable goes to the reader or getInput, also destructured
 *   tuples (`for (const [metric, name] of [['branches', 'min-branch-coverage']])`)
 * - constant lists (`OVERRIDE_INPUTS`, `REPORT_INPUTS`) by name, and shared readers of one
 *   (`readOverrides((n) => r.text(n))`, `readMonitorInputs(…)`).
 */
function inputsReadIn(source: string): Scan {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const names = new Set<string>();
  const unknown: string[] = [];
  const add = (n: string | undefined): void => void (n && names.add(n));
  const methods = READER_METHODS.join('|');
  const reads = (v: string): RegExp =>
    new RegExp(`(?:\\br\\.(?:${methods})(?:<[^>(]*>)?|\\bgetInput)\\(\\s*${v}\\b`);

  for (const m of text.matchAll(new RegExp(`\\bgetInput\\(\\s*${QUOTED}`, 'g'))) add(m[2]);
  for (const m of text.matchAll(
    new RegExp(`\\br\\.(?:${methods})(?:<[^>(]*>)?\\(\\s*${QUOTED}`, 'g'),
  ))
    add(m[2]);
  for (const m of text.matchAll(/\b\w+\(\s*r\s*,((?:\s*(['"])[^'"\n]+\2\s*,?)+)/g))
    literals(m[1]!).forEach(add);

  const helper =
    /(?:\b(?:const|let)\s+(\w+)\s*=\s*(?:async\s*)?\(|\bfunction\s+(\w+)\s*\()\s*name\s*[:,)]/g;
  for (const m of text.matchAll(helper)) {
    const fn = m[1] ?? m[2]!;
    if (!reads('name').test(text.slice(m.index, m.index + 400))) continue;
    for (const call of text.matchAll(new RegExp(`\\b${fn}\\(\\s*${QUOTED}`, 'g'))) add(call[2]);
  }

  for (const m of text.matchAll(/\bfor\s*\(\s*const\s+(\w+|\[[^\]]*\])\s+of\s+\[/g)) {
    const list = bracketed(text, m.index + m[0].length - 1);
    const body = text.slice(m.index + m[0].length - 1 + list.length, m.index + 600);
    const pattern = m[1]!;
    if (!pattern.startsWith('[')) {
      if (reads(pattern).test(body)) literals(list).forEach(add);
      continue;
    }
    const vars = pattern
      .slice(1, -1)
      .split(',')
      .map((v) => v.trim());
    vars.forEach((v, k) => {
      if (!v || !reads(v).test(body)) return;
      for (const tuple of list.slice(1, -1).matchAll(/\[([^\]]*)\]/g)) add(literals(tuple[1]!)[k]);
    });
  }

  for (const m of text.matchAll(/\b(\w+)\(\s*\(?\s*\w+\s*\)?\s*=>\s*r\.\w+\(/g))
    LIST_READERS[m[1]!]?.forEach(add);
  for (const m of text.matchAll(/\b[A-Z][A-Z0-9_]*_INPUTS\b/g)) {
    const list = CONSTANT_LISTS[m[0]];
    if (list) list.forEach(add);
    else unknown.push(`the constant list ${m[0]}`);
  }
  for (const m of text.matchAll(/\b(\w+)\s*:\s*InputReader\b/g))
    if (m[1] !== 'r') unknown.push(`an InputReader named ${m[1]} (the scan follows r)`);
  return { names, unknown: [...new Set(unknown)] };
}

describe('inputsReadIn (the scan itself)', () => {
  test.each<[string, string, string[]]>([
    ['getInput', `secrets.add(io.getInput('registry-password'));`, ['registry-password']],
    ['getInput with double quotes', `io.getInput("x-y")`, ['x-y']],
    [
      'reader methods',
      `r.text('a'); r.required('b', 'hint'); r.boolean('c', { default: false });
       r.enum('d', ['x', 'y'] as const); r.duration(\n  'e',\n  { min: 0 });`,
      ['a', 'b', 'c', 'd', 'e'],
    ],
    ['not a reader', `s.text('a'); other.required('b'); title('c');`, []],
    ['a variable name is not a literal', `r.text(name); io.getInput(n);`, []],
    [
      'helpers handed the reader',
      `readCredentials(r, 'registry-username', 'registry-password'); tristate(r, 'push');`,
      ['registry-username', 'registry-password', 'push'],
    ],
    [
      'a local helper forwarding name',
      `const dur = (name: string, v: number | undefined): number =>
         r.text(name) ? r.duration(name, { min }) : v;
       const d = dur('duration', file.duration);`,
      ['duration'],
    ],
    [
      'a helper with a name parameter that does not read it is not followed',
      `function parseDocument(name: string, text: string): unknown { return parseYaml(name, text); }
       parseDocument('not-an-input', inline);`,
      [],
    ],
    [
      'a loop over literals into getInput',
      `for (const name of ['a-token', 'b-password'])\n  secrets.add(io.getInput(name));`,
      ['a-token', 'b-password'],
    ],
    ['a loop whose variable is not read', `for (const label of ['x', 'y']) log.info(label);`, []],
    [
      'destructured tuples: only the element read',
      `for (const [metric, name] of [
         ['branches', 'min-branch-coverage'],
         ['functions', 'min-function-coverage'],
       ] as const) { const raw = r.text(name); }`,
      ['min-branch-coverage', 'min-function-coverage'],
    ],
    ['a constant list', `OVERRIDE_INPUTS.map((n) => [n, r.text(n)])`, [...OVERRIDE_INPUTS]],
    ['a shared reader of a constant list', `readOverrides((n) => r.text(n))`, [...OVERRIDE_INPUTS]],
    ['comments are not code', `// r.text('commented')\n/* io.getInput('blocked') */`, []],
  ])('[%#] %s', (_title, source, expected) => {
    const scan = inputsReadIn(source);
    expect([...scan.names].sort()).toEqual([...expected].sort());
    expect(scan.unknown).toEqual([]);
  });

  test.each([
    ['const x = SECRET_INPUTS.map(read);', 'the constant list SECRET_INPUTS'],
    ['function f(reader: InputReader) {}', 'an InputReader named reader (the scan follows r)'],
  ])('[%#] what it cannot follow is reported: %s', (source, what) => {
    expect(inputsReadIn(source).unknown).toEqual([what]);
  });

  test('an undeclared name read by code is a drift the check reports, naming action and input', () => {
    const scan = inputsReadIn(`r.text('environment'); r.duration('keep-previus', {});`);
    expect(undeclared('deploy-bluegreen', scan.names)).toEqual([
      'deploy-bluegreen reads input "keep-previus", which actions/deploy-bluegreen/action.yml does not declare',
    ]);
  });
});

/** The .ts files under a folder, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sources(join(dir, d.name))
      : d.name.endsWith('.ts')
        ? [join(dir, d.name)]
        : [],
  );
}

function undeclared(action: ActionName, read: Iterable<string>): string[] {
  const declared = new Set(yamlInputs(action).map(([n]) => n));
  return [...read]
    .filter((n) => !declared.has(n))
    .map(
      (n) => `${action} reads input "${n}", which actions/${action}/action.yml does not declare`,
    );
}

describe.each(ACTION_NAMES.map((a) => [a]))('%s: the code ↔ action.yml', (action) => {
  const files = sources(join(ROOT, 'actions', action, 'src'));
  const scans = files.map((f) => ({
    file: relative(ROOT, f),
    scan: inputsReadIn(readFileSync(f, 'utf8')),
  }));
  const read = new Set(scans.flatMap((s) => [...s.scan.names]));

  test('the scan can follow every source file', () => {
    expect(scans.flatMap((s) => s.scan.unknown.map((u) => `${s.file}: ${u}`))).toEqual([]);
  });

  test('every input the code reads is declared in action.yml', () => {
    expect(undeclared(action, read)).toEqual([]);
  });

  test('every input action.yml declares is read by the code', () => {
    expect(
      yamlInputs(action)
        .map(([n]) => n)
        .filter((n) => !read.has(n))
        .map(
          (n) => `actions/${action}/action.yml declares input "${n}", which ${action} never reads`,
        ),
    ).toEqual([]);
  });
});
