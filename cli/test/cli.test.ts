import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ActionError,
  ConfigError,
  InputError,
  Summary,
  type ActionIO,
  type Secrets,
  type Step,
  type StepEnv,
} from '@switchyard/kit';
import { cli, type CliDeps, type CommandResult } from '../src/cli.js';
import { ACTION_NAMES, packageRoot, type ActionName } from '../src/definitions.js';

// The real repository root: the commands read the real actions/<name>/action.yml.
const ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
// eslint-disable-next-line no-control-regex
const ESC = /\u001b\[/;

/** What one step call saw. */
interface Call {
  readonly action: ActionName;
  readonly input: (name: string) => string;
  readonly env: StepEnv;
}

type StepBody = (io: ActionIO, secrets: Secrets, env: StepEnv) => Promise<void>;

/** A CLI over fake steps and a recorded stdout and stderr. */
function harness(bodies: Partial<Record<ActionName, StepBody>> = {}, over: Partial<CliDeps> = {}) {
  const calls: Call[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const steps = Object.fromEntries(
    ACTION_NAMES.map((action): [ActionName, Step] => [
      action,
      async (io, secrets, env) => {
        calls.push({ action, input: (n) => io.getInput(n), env });
        await bodies[action]?.(io, secrets, env);
      },
    ]),
  ) as Record<ActionName, Step>;
  const deps: CliDeps = {
    root: ROOT,
    cwd: '/work/app',
    env: {},
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    tty: { stdout: false, stderr: false },
    columns: 100,
    version: '0.1.0-test',
    steps,
    ...over,
  };
  return {
    calls,
    run: (...argv: string[]) => cli(argv, deps),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

describe('cli: help and unknown commands', () => {
  test.each([
    [['--help'], 0],
    [['-h'], 0],
    [['help'], 0],
    // No command at all is a usage mistake, answered with the help.
    [[], 2],
  ])('[%#] %j prints the main help on stdout, exit %d', async (argv, code) => {
    const h = harness();
    expect(await h.run(...argv)).toBe(code);
    expect(h.stdout()).toMatch(/^switchyard 0\.1\.0-test: /);
    expect(h.stdout()).toContain('Usage: switchyard <command> [arguments] [options]');
    expect(h.calls).toEqual([]);
  });

  test.each([
    [['deploy', '--help']],
    [['deploy', '-h']],
    [['help', 'deploy']],
    // Help wins over everything else on the line, also over a mistake.
    [['deploy', 'staging', '--image', 'x', '--help']],
  ])('[%#] %j prints the command help, exit 0, runs nothing', async (argv) => {
    const h = harness();
    expect(await h.run(...argv)).toBe(0);
    expect(h.stdout()).toMatch(/^Usage: switchyard deploy \[environment\] \[options\]/);
    expect(h.stdout()).toContain('--keep-previous <value>');
    expect(h.stdout()).not.toContain('--action ');
    expect(h.calls).toEqual([]);
  });

  test('--version prints the version', async () => {
    const h = harness();
    expect(await h.run('--version')).toBe(0);
    expect(h.stdout()).toBe('0.1.0-test\n');
  });

  test.each([
    ['deplyo', 'unknown command "deplyo". Did you mean "deploy"? See: switchyard --help'],
    ['rollbak', 'unknown command "rollbak". Did you mean "rollback"? See: switchyard --help'],
    ['frobnicate', 'unknown command "frobnicate". See: switchyard --help'],
  ])('[%#] %s: exit 2 with a suggestion on stderr', async (name, message) => {
    const h = harness();
    expect(await h.run(name, 'staging')).toBe(2);
    expect(h.stderr()).toBe(`error: ${message}\n`);
    expect(h.stdout()).toBe('');
    expect(h.calls).toEqual([]);
  });
});

describe('cli: the inputs a step sees', () => {
  test('deploy: the positional, options, the fixed action and action.yml defaults', async () => {
    const h = harness();
    expect(await h.run('deploy', 'staging', '--image', 'x', '--keep-previous', '30m')).toBe(0);
    expect(h.calls).toHaveLength(1);
    const { action, input } = h.calls[0]!;
    expect(action).toBe('deploy-bluegreen');
    expect({
      environment: input('environment'),
      action: input('action'),
      image: input('image'),
      'keep-previous': input('keep-previous'),
      'lock-timeout': input('lock-timeout'),
      promote: input('promote'),
      config: input('config'),
      pull: input('pull'),
      app: input('app'),
    }).toEqual({
      environment: 'staging',
      action: 'deploy',
      image: 'x',
      'keep-previous': '30m',
      'lock-timeout': '10m',
      promote: 'true',
      config: 'switchyard.yml',
      pull: 'always',
      app: '',
    });
  });

  test.each<[string[], Record<string, string>, Record<string, string>]>([
    [['promote', 'production'], {}, { action: 'promote', environment: 'production' }],
    [['retire', 'staging', '--force'], {}, { action: 'retire', force: 'true' }],
    [['deploy', 'staging', '--image', 'x', '--no-promote'], {}, { promote: 'false' }],
    // A hidden input cannot be set through the environment either: the fixed value wins.
    [
      ['deploy', 'staging', '--image', 'x'],
      { SWITCHYARD_INPUT_ACTION: 'retire' },
      { action: 'deploy' },
    ],
    [
      ['deploy', 'staging', '--image', 'x'],
      { SWITCHYARD_INPUT_LOCK_TIMEOUT: '2m', SWITCHYARD_INPUT_REGISTRY_PASSWORD: 'pw' },
      { 'lock-timeout': '2m', 'registry-password': 'pw' },
    ],
    [
      ['deploy', 'staging', '--image', 'x', '--lock-timeout', '1m'],
      { SWITCHYARD_INPUT_LOCK_TIMEOUT: '2m' },
      { 'lock-timeout': '1m' },
    ],
    [
      ['gate', '--run', 'lint: npm run lint', '--run', 'test: npm test'],
      {},
      { run: 'lint: npm run lint\ntest: npm test', 'min-coverage': '80' },
    ],
    [
      ['smoke', 'http://127.0.0.1:8080'],
      {},
      { 'base-url': 'http://127.0.0.1:8080', 'expect-status': '2xx' },
    ],
    [['monitor', 'production', '--duration=5m'], {}, { environment: 'production', duration: '5m' }],
    [
      ['rollback', 'production', '--reason', 'p95 doubled'],
      {},
      { reason: 'p95 doubled', 'verify-timeout': '30s' },
    ],
  ])('[%#] %j (env %j) gives %j', async (argv, env, expected) => {
    const h = harness({}, { env });
    expect(await h.run(...argv)).toBe(0);
    const { input } = h.calls[0]!;
    expect(Object.fromEntries(Object.keys(expected).map((k) => [k, input(k)]))).toEqual(expected);
  });

  test('the step runs in the current directory: GITHUB_WORKSPACE is cwd, the rest of env passes', async () => {
    const h = harness({}, { env: { HOME: '/home/me', GITHUB_WORKSPACE: '/elsewhere' } });
    await h.run('smoke', 'http://127.0.0.1:1');
    expect(h.calls[0]!.env).toMatchObject({ HOME: '/home/me', GITHUB_WORKSPACE: '/work/app' });
  });

  test.each<[string[], RegExp]>([
    [
      ['promote', 'production', '--image', 'x'],
      /^error: unknown option --image for switchyard promote/,
    ],
    [['promote', 'production', '--action', 'deploy'], /^error: unknown option --action/],
    [['deploy', 'staging', '--force'], /^error: unknown option --force/],
    [['deploy', 'staging', '--keep-previus', '30m'], /Did you mean --keep-previous\?/],
    [['deploy', 'staging', 'production'], /^error: unexpected argument "production"/],
    [['deploy', 'staging', '--image'], /^error: --image needs a value/],
  ])('[%#] %j: exit 2, nothing run', async (argv, message) => {
    const h = harness();
    expect(await h.run(...argv)).toBe(2);
    expect(h.stderr()).toMatch(message);
    expect(h.calls).toEqual([]);
    expect(h.stdout()).toBe('');
  });
});

describe('cli: exit codes and errors', () => {
  test.each<[string, StepBody, number, string]>([
    [
      'an input error on an option names the option',
      async () => {
        throw new InputError('keep-previous', '5x', 'is not a duration', 'Use e.g. 30m');
      },
      2,
      'input "keep-previous": "5x" is not a duration. Use e.g. 30m (option --keep-previous)',
    ],
    [
      'an input error on a fixed input names no option',
      async () => {
        throw new InputError('action', 'deploy', 'is odd');
      },
      2,
      'input "action": "deploy" is odd',
    ],
    [
      'a config file error names the file, not an option',
      async () => {
        throw new ConfigError('switchyard.yml', 'staging.port', 'is not a port');
      },
      2,
      'switchyard.yml: staging.port: is not a port',
    ],
    [
      'an action error fails with exit 1',
      async () => {
        throw new ActionError('green never got ready');
      },
      1,
      'green never got ready',
    ],
    [
      'a bug fails with exit 1 too',
      async () => {
        throw new TypeError('x is undefined');
      },
      1,
      'x is undefined',
    ],
    [
      'a non-Error throw still fails',
      async () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- what some libraries do
        throw 'plain text';
      },
      1,
      'plain text',
    ],
    [
      'setFailed without a throw fails with its message',
      async (io) => io.setFailed('verdict failed'),
      1,
      'verdict failed',
    ],
  ])('[%#] %s', async (_title, body, code, message) => {
    const h = harness({ 'deploy-bluegreen': body });
    expect(await h.run('deploy', 'staging', '--image', 'x')).toBe(code);
    expect(h.stderr()).toBe(`✖ switchyard deploy: ${message}\n`);
    expect(h.stdout()).toBe('');
  });

  test('success is one line on stderr', async () => {
    const h = harness();
    expect(await h.run('smoke', 'http://127.0.0.1:1')).toBe(0);
    expect(h.stderr()).toBe('✔ switchyard smoke: done\n');
  });

  test('--verbose shows the stack of a failure, without it only the message', async () => {
    const body: StepBody = async () => {
      throw new ActionError('not ready');
    };
    const quiet = harness({ rollback: body });
    await quiet.run('rollback', 'production');
    expect(quiet.stderr()).not.toContain('    at ');
    const loud = harness({ rollback: body });
    await loud.run('rollback', 'production', '--verbose');
    expect(loud.stderr()).toContain('ActionError: not ready\n    at ');
  });
});

describe('cli: --json', () => {
  const body: StepBody = async (io) => {
    io.info('log lines go to stderr');
    io.setOutput('color', 'green');
    io.setOutput('changed', true);
    io.setOutput('state', { live: 'green', history: [{ version: '1.0.0' }] });
    io.setOutput('note', '[not json');
    await io.appendSummary('## deployed\n\n| a | b |\n|---|---|\n| 1 | 2 |');
  };

  test('prints one JSON object: outputs (JSON values parsed), ok, exit code; no summary', async () => {
    const h = harness({ 'deploy-bluegreen': body });
    expect(await h.run('deploy', 'staging', '--image', 'x', '--json')).toBe(0);
    expect(JSON.parse(h.stdout())).toEqual({
      command: 'deploy',
      ok: true,
      exitCode: 0,
      outputs: {
        color: 'green',
        changed: 'true',
        state: { live: 'green', history: [{ version: '1.0.0' }] },
        note: '[not json',
      },
    });
    expect(h.stderr()).toContain('log lines go to stderr');
  });

  test('a failure has ok false and the error', async () => {
    const h = harness({
      'deploy-bluegreen': async (io) => {
        io.setOutput('color', 'blue');
        throw new InputError('lock-timeout', 'soon', 'is not a duration');
      },
    });
    expect(await h.run('deploy', 'staging', '--image', 'x', '--json')).toBe(2);
    expect(JSON.parse(h.stdout())).toEqual({
      command: 'deploy',
      ok: false,
      exitCode: 2,
      outputs: { color: 'blue' },
      error: 'input "lock-timeout": "soon" is not a duration (option --lock-timeout)',
    });
  });
});

describe('cli: the summary', () => {
  const body: StepBody = async (io) => {
    await io.appendSummary(
      new Summary()
        .heading('deploy-bluegreen: staging')
        .table(['color', 'version'], [['green', '1.4.2']])
        .toString(),
    );
  };

  test('is printed rendered for a terminal, on stdout', async () => {
    const h = harness({ 'deploy-bluegreen': body });
    await h.run('deploy', 'staging', '--image', 'x');
    const text = h.stdout();
    expect(text).toContain('deploy-bluegreen: staging');
    expect(text).toMatch(/green\s+.*1\.4\.2/);
    expect(text).not.toMatch(/^\s*\|?[-: |]*---[-: |]*\|?\s*$/m);
    expect(text).not.toContain('## ');
    expect(text).not.toMatch(ESC);
  });

  test.each<[string, Partial<CliDeps>, string[], boolean]>([
    ['a terminal gets color', { tty: { stdout: true, stderr: true } }, [], true],
    ['--no-color', { tty: { stdout: true, stderr: true } }, ['--no-color'], false],
    ['NO_COLOR', { tty: { stdout: true, stderr: true }, env: { NO_COLOR: '1' } }, [], false],
    ['not a terminal', { tty: { stdout: false, stderr: false } }, [], false],
  ])('[%#] %s', async (_title, over, extra, colored) => {
    const h = harness(
      {
        'deploy-bluegreen': async (io) => {
          io.warning('careful');
          await body(io, undefined as never, {});
        },
      },
      over,
    );
    await h.run('deploy', 'staging', '--image', 'x', ...extra);
    expect(ESC.test(h.stdout())).toBe(colored);
    expect(ESC.test(h.stderr())).toBe(colored);
  });
});

describe('cli: secrets', () => {
  const SECRET = 'pa55-w0rd-xyz';
  const leaky: StepBody = async (io, secrets) => {
    secrets.add(io.getInput('registry-password'));
    io.info(`logging in with ${SECRET}`);
    io.warning(`a warning about ${SECRET}`, { title: SECRET });
    io.debug(`docker login -p ${SECRET}`);
    io.progress?.(`waiting ${SECRET}`);
    await io.group(`group ${SECRET}`, async () => undefined);
    await io.appendSummary(`| secret | ${SECRET} |\n|---|---|\n| x | ${SECRET} |`);
    throw new ActionError(`login failed for ${SECRET}`);
  };

  test.each([
    ['the option', ['--registry-password', SECRET], {}],
    ['the environment', [], { SWITCHYARD_INPUT_REGISTRY_PASSWORD: SECRET }],
  ])('[%#] a secret given on %s never appears on stdout or stderr', async (_t, extra, env) => {
    for (const mode of [[], ['--json'], ['--verbose']]) {
      for (const tty of [false, true]) {
        const h = harness(
          { 'deploy-bluegreen': leaky },
          { env, tty: { stdout: tty, stderr: tty } },
        );
        const code = await h.run('deploy', 'staging', '--image', 'x', ...extra, ...mode);
        expect(code).toBe(1);
        expect(h.stdout() + h.stderr()).not.toContain(SECRET);
        expect(h.stderr()).toContain('***');
      }
    }
  });

  test('a secret registered with setSecret is masked in the error too', async () => {
    const h = harness({
      rollback: async (io) => {
        io.setSecret('tok-123456');
        throw new InputError('to', 'tok-123456', 'is not in the history');
      },
    });
    expect(await h.run('rollback', 'production', '--json')).toBe(2);
    expect(h.stdout()).not.toContain('tok-123456');
    expect((JSON.parse(h.stdout()) as CommandResult).error).toBe(
      'input "to": "***" is not in the history (option --to)',
    );
  });

  // See the report: --json prints outputs as the step set them, unmasked.
  test('a secret in an output value is masked in --json too', async () => {
    const h = harness({
      'deploy-bluegreen': async (io) => {
        io.setSecret('tok-123456');
        io.setOutput('url', 'http://user:tok-123456@127.0.0.1:8080');
      },
    });
    await h.run('deploy', 'staging', '--image', 'x', '--json');
    expect(h.stdout()).not.toContain('tok-123456');
  });
});

describe('cli: a progress line on a terminal', () => {
  // See the report: the final ✔/✖ line and the summary are written after a progress line that
  // nothing cleared, so they start on the progress line.
  test('is cleared before the final line', async () => {
    const h = harness(
      {
        'deploy-bluegreen': async (io) => {
          io.progress?.('waiting for green: starting (12s)');
          throw new ActionError('green never got ready');
        },
      },
      { tty: { stdout: false, stderr: true } },
    );
    await h.run('deploy', 'staging', '--image', 'x', '--no-color');
    expect(h.stderr()).not.toMatch(/\(12s\)✖/);
    expect(h.stderr().split('\r\u001b[2K').at(-1)).toBe(
      '✖ switchyard deploy: green never got ready\n',
    );
  });
});

describe('cli: own commands', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  test.each([
    [
      ['status'],
      /input "environment": "" is not set and switchyard\.yml names no environments.*\(option --environment\)/,
    ],
    [
      ['status', 'staging', '--history', 'lots'],
      /input "history": "lots" is not a whole number.*\(option --history\)/,
    ],
    [['status', '--config', 'missing.yml'], /missing\.yml/],
  ])(
    '[%#] status %j: a bad option or config is exit 2, before any docker command',
    async (argv, message) => {
      const h = harness({}, { cwd });
      expect(await h.run(...argv)).toBe(2);
      expect(h.stderr()).toMatch(message);
    },
  );

  test('demo: its options with defaults, and a runner that runs commands quietly', async () => {
    const seen: { values?: Record<string, string>; deploy?: CommandResult } = {};
    const h = harness(
      {
        'deploy-bluegreen': async (io) => {
          io.setOutput('color', 'blue');
          await io.appendSummary('## deployed');
        },
      },
      {
        demo: async (values, run) => {
          seen.values = Object.fromEntries(values);
          seen.deploy = await run(['deploy', 'demo', '--image', 'x']);
          return 0;
        },
      },
    );
    expect(await h.run('demo', '--port', '19000')).toBe(0);
    expect(seen.values).toEqual({ port: '19000', down: 'false' });
    expect(seen.deploy).toEqual({
      command: 'deploy',
      exitCode: 0,
      ok: true,
      outputs: { color: 'blue' },
      summary: '## deployed',
    });
    // The quiet run printed neither its summary nor its result line.
    expect(h.stdout()).toBe('');
    expect(h.stderr()).toBe('✔ switchyard demo: done\n');
  });

  test.each([
    [1, 1, 'the demo failed (exit 1)'],
    [130, 1, 'the demo failed (exit 130)'],
  ])('[%#] demo returning %d: exit %d', async (returned, code, message) => {
    const h = harness({}, { demo: async () => returned });
    expect(await h.run('demo')).toBe(code);
    expect(h.stderr()).toBe(`✖ switchyard demo: ${message}\n`);
  });

  test('demo without the demo available fails', async () => {
    const h = harness();
    expect(await h.run('demo')).toBe(1);
    expect(h.stderr()).toBe('✖ switchyard demo: the demo is not available in this build\n');
  });
});

describe('cli: --break-lock (the commands that take the deploy lock)', () => {
  test.each([['deploy', '--image', 'x'], ['promote'], ['retire'], ['rollback']])(
    '[%#] %s: the reason reaches the step as SWITCHYARD_BREAK_LOCK, not as an input',
    async (name, ...rest) => {
      const h = harness();
      expect(await h.run(name, 'staging', ...rest, '--break-lock', 'run 41 died')).toBe(0);
      expect(h.calls[0]!.env.SWITCHYARD_BREAK_LOCK).toBe('run 41 died');
      expect(h.calls[0]!.input('break-lock')).toBe('');
    },
  );

  test('a value inherited from the shell breaks nothing: only the option does', async () => {
    const h = harness({}, { env: { SWITCHYARD_BREAK_LOCK: 'left over' } });
    expect(await h.run('deploy', 'staging', '--image', 'x')).toBe(0);
    expect(h.calls[0]!.env.SWITCHYARD_BREAK_LOCK).toBeUndefined();
  });

  test.each<[string[], RegExp]>([
    [['deploy', 'staging', '--image', 'x', '--break-lock='], /^error: --break-lock needs a reason/],
    [['promote', 'staging', '--break-lock', ' '], /^error: --break-lock needs a reason/],
    [['deploy', 'staging', '--break-lock'], /^error: --break-lock needs a value/],
    [['smoke', 'http://127.0.0.1:1', '--break-lock', 'x'], /^error: unknown option --break-lock/],
  ])('[%#] %j: exit 2, nothing run', async (argv, message) => {
    const h = harness();
    expect(await h.run(...argv)).toBe(2);
    expect(h.stderr()).toMatch(message);
    expect(h.calls).toEqual([]);
  });

  test('--help lists it apart from the action inputs, on the lock-taking commands only', async () => {
    const h = harness();
    await h.run('rollback', '--help');
    expect(h.stdout()).toMatch(
      /\nOptions of the CLI only:\n {2}--break-lock <value> +Remove the deploy lock/,
    );
    const s = harness();
    await s.run('smoke', '--help');
    expect(s.stdout()).not.toContain('--break-lock');
  });
});
