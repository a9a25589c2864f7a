/**
 * The `switchyard` command line: the same steps as the actions (actions/<name>/src/step.ts), with a
 * terminal {@link ActionIO} in place of the runner's. Parses the command line, runs one command,
 * prints its summary (or `--json`) and returns the exit code.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  ConfigError,
  errorMessage,
  InputError,
  ProcessExec,
  systemClock,
  type ActionIO,
  type Secrets,
  type Step,
  visibleControls,
} from '@switchyard/kit';
import { renderTerminal, styler } from '@switchyard/kit/terminal';
import { BREAK_LOCK_ENV } from '@switchyard/targets';
import { renderOverview } from '@switchyard/targets/overview';
import { inputValues, parseArgs, suggest, UsageError, type ParsedArgs } from './args.js';
import {
  COMMANDS,
  findCommand,
  cliOptionsOf,
  optionsOf,
  readActionMeta,
  type ActionCommand,
  type ActionName,
  type Command,
} from './definitions.js';
import { gitEnv } from './git-env.js';
import { commandHelp, EXIT, mainHelp } from './help.js';
import { terminalIO, type Collected } from './io.js';
import { runFreeze, runUnfreeze, type TargetCommandDeps, type TargetFactory } from './freeze.js';
import { runGithub } from './github.js';
import { runLog } from './log.js';
import { environmentsStatus, freezeParagraphs, statusFailure } from './status.js';

/** What the CLI needs from the process (the real one in index.ts, a fake in tests). */
export interface CliDeps {
  /** The package root (where actions/<name>/action.yml are). */
  readonly root: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** stdout and stderr are terminals. */
  readonly tty: { readonly stdout: boolean; readonly stderr: boolean };
  readonly columns: number;
  readonly version: string;
  readonly steps: Readonly<Record<ActionName, Step>>;
  /**
   * Registers a cleanup to run if the process is interrupted (SIGINT, SIGTERM) while a step runs;
   * returns the function that unregisters it. Without it, nothing is registered.
   */
  readonly onInterrupt?: (cleanup: () => void) => () => void;
  /** Builds an environment's target for status, log, freeze and unfreeze (default: createTarget). */
  readonly makeTarget?: TargetFactory;
  /** Runs `switchyard demo` (kept apart: it drives the other commands). */
  readonly demo?: (values: ReadonlyMap<string, string>, run: CommandRunner) => Promise<number>;
}

/** The result of one command, for `--json` and for the demo, which chains commands. */
export interface CommandResult {
  readonly command: string;
  readonly exitCode: number;
  readonly ok: boolean;
  readonly outputs: Record<string, string>;
  readonly error?: string;
  /** The job summary markdown the step wrote. */
  readonly summary: string;
}

/** Runs a command by argv, quietly or not; the demo's way to use the CLI. */
export type CommandRunner = (argv: readonly string[]) => Promise<CommandResult>;

/** Output values that are JSON (state, results, readings) as values; the rest as text. */
function jsonOutputs(outputs: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => {
      if (/^[[{]/.test(v))
        try {
          return [k, JSON.parse(v) as unknown];
        } catch {
          /* plain text that starts with a bracket */
        }
      return [k, v];
    }),
  );
}

function exitCodeOf(error: unknown): number {
  return error instanceof InputError || error instanceof UsageError ? EXIT.usage : EXIT.failed;
}

/** An input error, with the option that sets it when that is an option of the command. */
function explain(error: unknown, options: readonly string[]): string {
  const text = errorMessage(error);
  // A config file error's input is a key path in the file, not an option.
  if (
    error instanceof InputError &&
    !(error instanceof ConfigError) &&
    options.includes(error.input)
  )
    return `${text} (option --${error.input})`;
  return text;
}

/** The CLI's own commands that work on one environment's target. */
const TARGET_COMMANDS: Readonly<
  Record<string, (values: ReadonlyMap<string, string>, deps: TargetCommandDeps) => Promise<void>>
> = { log: runLog, freeze: runFreeze, unfreeze: runUnfreeze };

/** Runs the CLI; returns the exit code. */
export async function cli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const color = deps.tty.stdout && !deps.env.NO_COLOR && !argv.includes('--no-color');
  const s = styler(color);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic === undefined) {
      deps.stdout(`${mainHelp(deps.version)}\n`);
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    return cli([topic, '--help'], deps);
  }
  if (name === '--version' || name === '-v') {
    deps.stdout(`${deps.version}\n`);
    return EXIT.ok;
  }
  const command = findCommand(name);
  if (!command) {
    const near = suggest(
      name,
      COMMANDS.map((c) => c.name),
    );
    deps.stderr(
      `${s.red('error:')} unknown command "${visibleControls(name)}".${near ? ` Did you mean "${near}"?` : ''} See: switchyard --help\n`,
    );
    return EXIT.usage;
  }
  const result = await runCommand(command, rest, deps, { print: true });
  return result.exitCode;
}

/** Parses and runs one command; prints its output unless `print` is false. */
export async function runCommand(
  command: Command,
  argv: readonly string[],
  deps: CliDeps,
  opts: { readonly print: boolean },
): Promise<CommandResult> {
  const meta = command.kind === 'action' ? readActionMeta(deps.root, command.action) : undefined;
  const options = optionsOf(command, meta);
  let parsed: ParsedArgs;
  const fail = (message: string, exitCode: number): CommandResult => ({
    command: command.name,
    exitCode,
    ok: false,
    outputs: {},
    error: message,
    summary: '',
  });
  try {
    parsed = parseArgs(
      command.name,
      argv,
      [...options, ...cliOptionsOf(command)],
      command.positional,
    );
    checkCliOptions(parsed.values);
  } catch (error) {
    const r = fail(visibleControls(errorMessage(error), true), EXIT.usage);
    if (opts.print) deps.stderr(`${styler(deps.tty.stderr).red('error:')} ${r.error}\n`);
    return r;
  }
  const g = parsed.globals;
  const color = !deps.env.NO_COLOR && g.color;
  if (g.help) {
    if (opts.print) deps.stdout(`${commandHelp(command, options, Math.min(deps.columns, 110))}\n`);
    return { command: command.name, exitCode: EXIT.ok, ok: true, outputs: {}, summary: '' };
  }
  const all = command.kind === 'action' && meta ? meta.inputs : options;
  const fixed = command.kind === 'action' ? command.fixed : undefined;
  const values = inputValues(all, parsed.values, deps.env, fixed);
  const { io, secrets, collected, endProgress } = terminalIO(values, {
    color: color && deps.tty.stderr,
    verbose: g.verbose,
    tty: deps.tty.stderr,
    columns: deps.columns,
    write: deps.stderr,
  });
  let error: unknown;
  // As the runner runs the post step after a cancelled job: free the deploy lock, drop a private
  // docker config. The step saved what the post step needs in its state.
  const post = meta?.post ? join(deps.root, 'actions', meta.name, meta.post) : undefined;
  const forget =
    post && deps.onInterrupt
      ? deps.onInterrupt(() => runPost(post, collected.state, deps))
      : () => undefined;
  try {
    if (command.kind === 'action') await runStep(command, deps, io, secrets, cliEnv(parsed.values));
    else if (command.name === 'status') await runStatus(values, deps, io, secrets, collected);
    else if (command.name === 'github') await runGithub(values, deps.env, deps.cwd, io);
    else if (command.name in TARGET_COMMANDS) {
      const target: TargetCommandDeps = {
        exec: new ProcessExec(io, secrets),
        clock: systemClock,
        io,
        cwd: deps.cwd,
        env: deps.env,
        ...(deps.makeTarget && { makeTarget: deps.makeTarget }),
      };
      await TARGET_COMMANDS[command.name]?.(values, target);
    } else if (command.name === 'demo') {
      if (!deps.demo) throw new Error('the demo is not available in this build');
      // Its files live under the checkout (.tmp/demo, examples/): that is its workspace, wherever it is run from.
      const code = await deps.demo(values, (a) => runQuiet(a, { ...deps, cwd: deps.root }));
      if (code !== EXIT.ok) collected.failure = `the demo failed (exit ${code})`;
    }
  } catch (e) {
    error = e;
    if (e instanceof Error && e.stack) io.debug(e.stack);
  } finally {
    forget();
  }
  const outputs = Object.fromEntries(collected.outputs);
  const summary = collected.summary.join('\n');
  const message =
    error !== undefined
      ? secrets.mask(
          explain(
            error,
            options.map((o) => o.name),
          ),
        )
      : collected.failure;
  const exitCode =
    error !== undefined ? exitCodeOf(error) : collected.failure ? EXIT.failed : EXIT.ok;
  const result: CommandResult = {
    command: command.name,
    exitCode,
    ok: exitCode === EXIT.ok,
    outputs,
    ...(message !== undefined && { error: message }),
    summary,
  };
  endProgress();
  if (opts.print) print(result, g.json, color, deps, (t) => secrets.mask(t));
  return result;
}

function print(
  r: CommandResult,
  json: boolean,
  color: boolean,
  deps: CliDeps,
  mask: (text: string) => string,
): void {
  if (json) {
    // Output values may hold a registered secret (a URL with a token): masked like every log line.
    const outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, mask(v)]));
    const body = {
      command: r.command,
      ok: r.ok,
      exitCode: r.exitCode,
      outputs: jsonOutputs(outputs),
      ...(r.error !== undefined && { error: r.error }),
    };
    deps.stdout(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  if (r.summary)
    deps.stdout(
      renderTerminal(r.summary, { color: color && deps.tty.stdout, width: deps.columns }),
    );
  const s = styler(color && deps.tty.stderr);
  deps.stderr(
    r.ok
      ? `${s.green('✔')} switchyard ${r.command}: done\n`
      : `${s.red('✖')} switchyard ${r.command}: ${r.error ?? 'failed'}\n`,
  );
}

/** Runs a command for the demo: logs still stream to stderr, nothing else is printed. */
async function runQuiet(argv: readonly string[], deps: CliDeps): Promise<CommandResult> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : findCommand(name);
  if (!command) throw new Error(`no such command: ${String(name)}`);
  return runCommand(command, rest, deps, { print: false });
}

/** Runs an action's post step with the saved state as STATE_<name>, as the runner does. */
function runPost(script: string, state: ReadonlyMap<string, string>, deps: CliDeps): void {
  if (state.size === 0) return;
  const env = { ...deps.env };
  for (const [k, v] of state) env[`STATE_${k}`] = v;
  deps.stderr('\ninterrupted: running the cleanup the runner would run (post step)\n');
  spawnSync(process.execPath, [script], { env, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** The CLI-only options' values must be usable: a break needs a reason. */
function checkCliOptions(values: ReadonlyMap<string, string>): void {
  const reason = values.get('break-lock');
  if (reason !== undefined && reason.trim() === '')
    throw new UsageError(
      '--break-lock needs a reason (--break-lock "the run holding it died"): it is logged with the holder it removes',
    );
}

/**
 * What the CLI-only options tell the step, as environment variables: `--break-lock` becomes
 * BREAK_LOCK_ENV (read by lockHolder). One inherited from the shell is dropped: only the option
 * breaks a lock.
 */
function cliEnv(values: ReadonlyMap<string, string>): Record<string, string | undefined> {
  return { [BREAK_LOCK_ENV]: values.get('break-lock') };
}

async function runStep(
  command: ActionCommand,
  deps: CliDeps,
  io: ActionIO,
  secrets: Secrets,
  extra: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const env =
    command.action === 'build-image' ? { ...deps.env, ...gitEnv(deps.cwd, deps.env) } : deps.env;
  // Relative paths (config, context, checks-file) are read from the current directory.
  await deps.steps[command.action](io, secrets, { ...env, ...extra, GITHUB_WORKSPACE: deps.cwd });
}

async function runStatus(
  values: ReadonlyMap<string, string>,
  deps: CliDeps,
  io: ActionIO,
  secrets: Secrets,
  collected: Collected,
): Promise<void> {
  const list = await environmentsStatus(values, {
    exec: new ProcessExec(io, secrets),
    clock: systemClock,
    log: io,
    cwd: deps.cwd,
    ...(deps.makeTarget && { makeTarget: deps.makeTarget }),
  });
  io.setOutput('environments', list);
  await io.appendSummary(renderOverview(list, Date.now()));
  const frozen = freezeParagraphs(list);
  if (frozen) await io.appendSummary(frozen);
  const failure = statusFailure(list);
  if (failure) collected.failure = failure;
}
