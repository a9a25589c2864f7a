import {
  inputEnvVariable,
  inputValues,
  parseArgs,
  suggest,
  UsageError,
  type ParsedArgs,
} from '../src/args.js';
import type { InputDef } from '../src/definitions.js';

/** A small option table in the shape action.yml inputs take (deploy-like). */
const opt = (name: string, def?: string, required = false): InputDef => ({
  name,
  description: `the ${name}`,
  required,
  flag: def === 'true' || def === 'false',
  ...(def !== undefined && { default: def }),
});
const OPTIONS: readonly InputDef[] = [
  opt('environment', undefined, true),
  opt('image'),
  opt('promote', 'true'),
  opt('dry-run', 'false'),
  opt('keep-previous'),
  opt('lock-timeout', '10m'),
  opt('secrets'),
];

const parse = (...argv: string[]): ParsedArgs => parseArgs('deploy', argv, OPTIONS, 'environment');
const values = (...argv: string[]): Record<string, string> =>
  Object.fromEntries(parse(...argv).values);
const usageError = (...argv: string[]): string => {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
};

describe('parseArgs: option values', () => {
  test.each<[string[], Record<string, string>]>([
    [['--image', 'reg/app:1'], { image: 'reg/app:1' }],
    [['--image=reg/app:1'], { image: 'reg/app:1' }],
    // Only the first = splits: the value may hold more.
    [['--image=reg/app@sha256:ab=cd'], { image: 'reg/app@sha256:ab=cd' }],
    [['--image='], { image: '' }],
    // A value may start with a single dash, or be a bare "--".
    [['--keep-previous', '-'], { 'keep-previous': '-' }],
    // A repeated option adds a line, as a multi-line input in a workflow's with: block.
    [['--secrets', 'A=1', '--secrets=B=2', '--secrets', 'C=3'], { secrets: 'A=1\nB=2\nC=3' }],
    [
      ['--keep-previous', '30m', '--lock-timeout', '1m'],
      { 'keep-previous': '30m', 'lock-timeout': '1m' },
    ],
  ])('[%#] %j gives %j', (argv, expected) => expect(values(...argv)).toEqual(expected));

  test('only the options given are set: defaults are not parseArgs’ business', () => {
    expect(parse().values.size).toBe(0);
  });
});

describe('parseArgs: switches', () => {
  test.each<[string[], Record<string, string>]>([
    [['--promote'], { promote: 'true' }],
    [['--no-promote'], { promote: 'false' }],
    [['--promote', 'false'], { promote: 'false' }],
    [['--promote', 'true'], { promote: 'true' }],
    [['--promote=false'], { promote: 'false' }],
    // A switch does not swallow a following argument that is not true/false.
    [['--dry-run', 'staging'], { 'dry-run': 'true', environment: 'staging' }],
    [['--dry-run', '--image', 'x'], { 'dry-run': 'true', image: 'x' }],
    [['--no-dry-run', '--no-promote'], { 'dry-run': 'false', promote: 'false' }],
  ])('[%#] %j gives %j', (argv, expected) => expect(values(...argv)).toEqual(expected));

  test('--no-<switch>=value is an error that shows the form to use', () => {
    expect(usageError('--no-promote=x')).toBe(
      '--no-promote takes no value (write --promote=x instead)',
    );
  });

  test('--no-<name> of an option that is not a switch is unknown', () => {
    expect(usageError('--no-image')).toMatch(/^unknown option --no-image for switchyard deploy/);
  });
});

describe('parseArgs: the positional argument', () => {
  test.each<[string[], Record<string, string>]>([
    [['staging'], { environment: 'staging' }],
    [['staging', '--image', 'x'], { environment: 'staging', image: 'x' }],
    [['--image', 'x', 'staging'], { environment: 'staging', image: 'x' }],
    [['--environment', 'production'], { environment: 'production' }],
  ])('[%#] %j gives %j', (argv, expected) => expect(values(...argv)).toEqual(expected));

  test.each([
    [['staging', 'production'], 'production'],
    [['--environment', 'staging', 'production'], 'production'],
    [['staging', '--image', 'x', 'extra'], 'extra'],
  ])('[%#] %j: a second bare argument is an error naming it', (argv, stray) => {
    expect(usageError(...argv)).toBe(
      `unexpected argument "${stray}" for switchyard deploy: options are written --name value. See: switchyard deploy --help`,
    );
  });

  test('the positional input given again as an option is an error, not two lines', () => {
    expect(usageError('staging', '--environment', 'production')).toBe(
      '--environment is given twice (as the first argument and as an option): give it once. See: switchyard deploy --help',
    );
  });

  test('a bare "--" is an error, not the environment', () => {
    expect(usageError('--', 'staging')).toBe(
      'unexpected argument "--" for switchyard deploy. See: switchyard deploy --help',
    );
  });

  test('a command without a positional input takes no bare argument', () => {
    expect(() => parseArgs('gate', ['x'], OPTIONS)).toThrow(/unexpected argument "x"/);
  });
});

describe('parseArgs: mistakes', () => {
  test('an unknown option is named, with the nearest known one', () => {
    expect(usageError('--keep-previus', '30m')).toBe(
      'unknown option --keep-previus for switchyard deploy. Did you mean --keep-previous? See: switchyard deploy --help',
    );
  });

  test('a global flag is suggested too', () => {
    expect(usageError('--jsn')).toContain('Did you mean --json?');
  });

  test('an unknown option far from every name gets no suggestion', () => {
    const message = usageError('--frobnicate');
    expect(message).toMatch(/^unknown option --frobnicate for switchyard deploy\b/);
    expect(message).not.toContain('Did you mean');
    expect(message).toContain('See: switchyard deploy --help');
  });

  test.each([[['--image']], [['--image', '--promote']], [['--keep-previous', '--image', 'x']]])(
    '[%#] %j: a missing value names the option',
    (argv) => {
      const name = argv[0]!.slice(2);
      expect(usageError(...argv)).toBe(
        `--${name} needs a value (--${name} <value>). See: switchyard deploy --help`,
      );
    },
  );
});

describe('parseArgs: global options', () => {
  const globals = (...argv: string[]) => parse(...argv).globals;

  test.each<[string[], Partial<ParsedArgs['globals']>]>([
    [[], { json: false, color: true, verbose: false, help: false }],
    [['--json'], { json: true }],
    [['--no-color'], { color: false }],
    [['--verbose'], { verbose: true }],
    [['--help'], { help: true }],
    [['-h'], { help: true }],
    [['staging', '--json', '--verbose', '--image', 'x'], { json: true, verbose: true }],
  ])('[%#] %j sets %j', (argv, expected) => expect(globals(...argv)).toMatchObject(expected));

  test('global flags are not input values', () => {
    expect(values('staging', '--json', '--no-color', '--verbose', '-h')).toEqual({
      environment: 'staging',
    });
  });

  test('a global flag takes no value', () => {
    expect(usageError('--json=yes')).toMatch(/^unknown option --json for switchyard deploy/);
  });
});

describe('suggest', () => {
  const known = ['keep-previous', 'image', 'lock-timeout', 'promote', 'json'];
  test.each([
    ['keep-previus', 'keep-previous'],
    ['imgae', 'image'],
    ['lock-timout', 'lock-timeout'],
    ['promot', 'promote'],
    ['jsno', 'json'],
    ['image', 'image'],
    ['zzzzzzzz', undefined],
    ['x', undefined],
  ])('[%#] %s → %s', (name, expected) => expect(suggest(name, known)).toBe(expected));

  test('nothing to suggest from an empty list', () => {
    expect(suggest('image', [])).toBeUndefined();
  });
});

describe('inputEnvVariable', () => {
  test.each([
    ['image', 'SWITCHYARD_INPUT_IMAGE'],
    ['keep-previous', 'SWITCHYARD_INPUT_KEEP_PREVIOUS'],
    ['registry-password', 'SWITCHYARD_INPUT_REGISTRY_PASSWORD'],
    ['odd name', 'SWITCHYARD_INPUT_ODD_NAME'],
  ])('[%#] %s → %s', (name, variable) => expect(inputEnvVariable(name)).toBe(variable));
});

describe('inputValues', () => {
  const options = [opt('image'), opt('lock-timeout', '10m'), opt('action', 'deploy'), opt('tags')];
  const given = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));

  test.each<
    [
      string,
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
    ]
  >([
    ['defaults only', {}, {}, {}, { 'lock-timeout': '10m', action: 'deploy' }],
    [
      'the environment beats the default',
      {},
      { SWITCHYARD_INPUT_LOCK_TIMEOUT: '5m', SWITCHYARD_INPUT_IMAGE: 'env/app' },
      {},
      { 'lock-timeout': '5m', action: 'deploy', image: 'env/app' },
    ],
    [
      'the command line beats the environment',
      { 'lock-timeout': '1m' },
      { SWITCHYARD_INPUT_LOCK_TIMEOUT: '5m' },
      {},
      { 'lock-timeout': '1m', action: 'deploy' },
    ],
    [
      'an empty value given is kept (it is not unset)',
      { image: '' },
      { SWITCHYARD_INPUT_IMAGE: 'env/app' },
      {},
      { image: '', 'lock-timeout': '10m', action: 'deploy' },
    ],
    [
      'a fixed value beats the command line, the environment and the default',
      { action: 'retire' },
      { SWITCHYARD_INPUT_ACTION: 'status' },
      { action: 'promote' },
      { 'lock-timeout': '10m', action: 'promote' },
    ],
    [
      'a fixed value is set even when it is not among the options',
      {},
      {},
      { force: 'true' },
      { 'lock-timeout': '10m', action: 'deploy', force: 'true' },
    ],
  ])('[%#] %s', (_title, cmdline, env, fixed, expected) => {
    expect(Object.fromEntries(inputValues(options, given(cmdline), env, fixed))).toEqual(expected);
  });

  test('values given for names that are not options are not passed on', () => {
    expect(inputValues(options, given({ bogus: 'x' }), {}).has('bogus')).toBe(false);
  });

  test('a variable for another input or without the prefix is ignored', () => {
    const v = inputValues(options, new Map(), {
      IMAGE: 'a',
      INPUT_IMAGE: 'b',
      SWITCHYARD_INPUT_TAGS: 'c',
    });
    expect(v.get('image')).toBeUndefined();
    expect(v.get('tags')).toBe('c');
  });
});

describe('inputValues: the runner-only default ${{ github.token }}', () => {
  const token = {
    name: 'github-token',
    description: '',
    required: false,
    flag: false,
    default: '${{ github.token }}',
  };
  test.each<[Record<string, string>, string]>([
    [{}, ''],
    [{ GH_TOKEN: 'gho_b' }, 'gho_b'],
    [{ GITHUB_TOKEN: 'ghs_a', GH_TOKEN: 'gho_b' }, 'ghs_a'],
    [{ SWITCHYARD_INPUT_GITHUB_TOKEN: 'given', GITHUB_TOKEN: 'ghs_a' }, 'given'],
  ])('%o → %s (never the expression itself)', (env, expected) => {
    expect(inputValues([token], new Map(), env).get('github-token')).toBe(expected);
  });
});
