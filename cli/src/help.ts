/** `--help` text, generated from the command table and the actions' action.yml inputs (pure). */
import { wrap as wrapText } from '@switchyard/kit/terminal';
import { COMMANDS, type Command, type InputDef } from './definitions.js';

/** Exit codes, as `--help` and docs/cli.md state them. */
export const EXIT = {
  /** Done (a gate passed, a deploy switched, a verdict passed). */
  ok: 0,
  /** The operation ran and failed (a gate failed, a deploy never got ready, verdict failed). */
  failed: 1,
  /** A bad command line, option or config file: nothing was done. */
  usage: 2,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

const EXIT_TEXT = [
  'Exit codes:',
  '  0    done: gate passed, deploy switched, checks or verdict passed',
  '  1    the operation failed: a gate, readiness, a check or the verdict',
  '  2    bad usage, option or config file: nothing was changed',
  '  130  interrupted',
];

const GLOBALS: readonly [string, string][] = [
  ['--json', 'Print the result (outputs, error) as one JSON object on stdout; logs stay on stderr'],
  ['--no-color', 'No ANSI colors (also when NO_COLOR is set or stdout is not a terminal)'],
  ['--verbose', 'Show debug lines (every docker command, HTTP attempt, query)'],
  ['-h, --help', 'This help'],
];

/** Wraps `text` (whitespace collapsed) to `width` columns, indenting continuation lines by `indent`. */
export function wrap(text: string, width: number, indent: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat ? wrapText(flat, width - indent, false).join(`\n${' '.repeat(indent)}`) : '';
}

function optionLine(o: InputDef, width: number): string {
  const name = o.flag ? `--${o.name}, --no-${o.name}` : `--${o.name} <value>`;
  const facts = [
    o.required ? 'required' : '',
    o.default !== undefined && o.default !== '' ? `default: ${o.default}` : '',
  ].filter(Boolean);
  const text = `${o.description}${facts.length ? ` (${facts.join('; ')})` : ''}`;
  const pad = 34;
  const head = `  ${name}`;
  return head.length >= pad - 1
    ? `${head}\n${' '.repeat(pad)}${wrap(text, width, pad)}`
    : `${head.padEnd(pad)}${wrap(text, width, pad)}`;
}

/**
 * The help of one command, listing `options` (its action's inputs less the fixed and hidden ones),
 * then the options of the CLI only.
 */
export function commandHelp(c: Command, options: readonly InputDef[], width = 100): string {
  const own = c.kind === 'action' ? (c.cliOptions ?? []) : [];
  const usage = `switchyard ${c.name}${c.positional ? ` [${c.positional}]` : ''} [options]`;
  const source =
    c.kind === 'action'
      ? `Runs the ${c.action} action's own code${
          c.fixed
            ? ` with ${Object.entries(c.fixed)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ')}`
            : ''
        }; its options are the inputs of actions/${c.action}/action.yml, under the same names.`
      : '';
  return [
    `Usage: ${usage}`,
    '',
    wrap(c.summary, width, 0),
    ...(source ? ['', wrap(source, width, 0)] : []),
    ...(c.positional ? ['', `The first bare argument is --${c.positional}.`] : []),
    '',
    'Options:',
    ...options.map((o) => optionLine(o, width)),
    ...(own.length
      ? ['', 'Options of the CLI only:', ...own.map((o) => optionLine(o, width))]
      : []),
    ...(c.kind === 'action'
      ? [
          '',
          wrap(
            'Any option may also come from the environment as SWITCHYARD_INPUT_<NAME> (e.g. SWITCHYARD_INPUT_REGISTRY_PASSWORD), which keeps secrets out of the shell history. A repeated option adds a line, as in a multi-line input.',
            width,
            0,
          ),
        ]
      : []),
    '',
    'Global options:',
    ...GLOBALS.map(([n, d]) => `  ${n.padEnd(32)}${wrap(d, width, 34)}`),
    '',
    'Examples:',
    ...c.examples.map((e) => `  ${e}`),
    '',
    ...EXIT_TEXT,
  ].join('\n');
}

/** `switchyard --help`. */
export function mainHelp(version: string): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 4;
  return [
    `switchyard ${version}: blue-green releases from a green build to production and back, on this machine or in GitHub Actions.`,
    '',
    'Usage: switchyard <command> [arguments] [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Every command reads the same switchyard.yml as the actions and takes their inputs as options',
    '(--keep-previous 30m). `switchyard <command> --help` lists them.',
    '',
    ...EXIT_TEXT,
  ].join('\n');
}
