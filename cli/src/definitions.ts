/**
 * The CLI's commands and their options. Options are the actions' own inputs, read from each
 * `actions/<name>/action.yml` at run time (one source of truth for names, defaults and
 * descriptions); a command may fix some inputs (`promote` is deploy-bluegreen with `action: promote`)
 * and hide those that mean nothing there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

/** One input of an action.yml. */
export interface InputDef {
  readonly name: string;
  readonly description: string;
  /** The action.yml default, as the runner would pass it. */
  readonly default?: string;
  readonly required: boolean;
  /** Its default is `true` or `false`: a switch (`--promote`, `--no-promote`). */
  readonly flag: boolean;
}

/** An action's metadata, as the CLI uses it. */
export interface ActionMeta {
  readonly name: string;
  readonly description: string;
  readonly inputs: readonly InputDef[];
  readonly outputs: readonly string[];
  /** `runs.post`: the cleanup step's script, relative to the action's folder. */
  readonly post?: string;
}

/** The actions the CLI fronts (folder names under `actions/`). */
export const ACTION_NAMES = [
  'quality-gate',
  'build-image',
  'deploy-bluegreen',
  'smoke-test',
  'monitor-window',
  'rollback',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/** A command that runs one action's step. */
export interface ActionCommand {
  readonly kind: 'action';
  readonly name: string;
  readonly action: ActionName;
  readonly summary: string;
  /** Inputs set by the command itself (not options). */
  readonly fixed?: Readonly<Record<string, string>>;
  /** Inputs that mean nothing for this command (not offered). */
  readonly hidden?: readonly string[];
  /** The input a first bare argument fills (`switchyard deploy staging`). */
  readonly positional?: string;
  /**
   * Options of the CLI only, not inputs of the action (`--break-lock`): the CLI hands them to the
   * step through its environment (see `cliEnv` in cli.ts).
   */
  readonly cliOptions?: readonly InputDef[];
  readonly examples: readonly string[];
}

/** A command of the CLI's own (status, demo). */
export interface OwnCommand {
  readonly kind: 'own';
  readonly name: string;
  readonly summary: string;
  readonly positional?: string;
  /** Its options, in the same shape as an action's inputs. */
  readonly options: readonly InputDef[];
  readonly examples: readonly string[];
}

export type Command = ActionCommand | OwnCommand;

const DEPLOY_ONLY = [
  'image',
  'version',
  'promote',
  'pull',
  'registry-username',
  'registry-password',
  'secrets',
  'keep-failed',
  'dry-run',
] as const;

const option = (name: string, description: string, def?: string): InputDef => ({
  name,
  description,
  required: false,
  flag: def === 'true' || def === 'false',
  ...(def !== undefined && { default: def }),
});

/** `--break-lock <reason>`, for the commands that take the deploy lock. */
export const BREAK_LOCK = option(
  'break-lock',
  'Remove the deploy lock another run holds before taking it, giving the reason: the reason and who held it are logged as a warning. For a holder you know is dead or stuck (a lock left by a dead holder also frees itself within 45 s)',
);

/** `--repo owner/name`: the GitHub repository (default: GITHUB_REPOSITORY). */
const REPO = option('repo', 'The GitHub repository as owner/name (default: GITHUB_REPOSITORY)');

/** `--token`: a GitHub token (default: GITHUB_TOKEN, then GH_TOKEN); masked in every line printed. */
const TOKEN = option(
  'token',
  'A GitHub token (default: GITHUB_TOKEN, then GH_TOKEN, which keep it out of the shell history); masked in every line printed',
);

/** Where the environment's target is, and how long to wait for its deploy lock. */
const TARGET_OPTIONS: readonly InputDef[] = [
  option('config', 'The config file', 'switchyard.yml'),
  option('app', 'The app name, when the config file does not set it'),
  option('docker-host', 'The docker daemon (DOCKER_HOST form), when the file does not set it'),
  option('lock-timeout', 'How long to wait for the deploy lock a running deploy holds', '2m'),
];

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  {
    kind: 'action',
    name: 'gate',
    action: 'quality-gate',
    summary: 'Run or read lint, type check, tests, coverage and audit; fail on any gate',
    examples: [
      "switchyard gate --run 'test: npm test -- --coverage' --junit junit.xml --coverage coverage/lcov.info",
    ],
  },
  {
    kind: 'action',
    name: 'build',
    action: 'build-image',
    summary: 'Build an OCI image, tag it (semver, sha, branch), label it and push it',
    positional: 'image',
    examples: ['switchyard build ghcr.io/acme/shop --registry ghcr.io --tags 1.4.2'],
  },
  {
    kind: 'action',
    name: 'deploy',
    cliOptions: [BREAK_LOCK],
    action: 'deploy-bluegreen',
    summary: 'Start an image in the idle color, wait until ready, switch traffic to it',
    fixed: { action: 'deploy' },
    hidden: ['action', 'force'],
    positional: 'environment',
    examples: [
      'switchyard deploy production --image ghcr.io/acme/shop@sha256:… --keep-previous 30m',
      'switchyard deploy staging --image ghcr.io/acme/shop:1.4.2 --no-promote',
    ],
  },
  {
    kind: 'action',
    name: 'promote',
    cliOptions: [BREAK_LOCK],
    action: 'deploy-bluegreen',
    summary: 'Switch traffic to the color a --no-promote deploy left waiting',
    fixed: { action: 'promote' },
    hidden: ['action', 'force', ...DEPLOY_ONLY],
    positional: 'environment',
    examples: ['switchyard promote production'],
  },
  {
    kind: 'action',
    name: 'retire',
    cliOptions: [BREAK_LOCK],
    action: 'deploy-bluegreen',
    summary: 'Stop idle colors whose keep-warm time has passed (--force: now)',
    fixed: { action: 'retire' },
    hidden: ['action', ...DEPLOY_ONLY],
    positional: 'environment',
    examples: ['switchyard retire production', 'switchyard retire staging --force'],
  },
  {
    kind: 'action',
    name: 'smoke',
    action: 'smoke-test',
    summary: 'HTTP checks (status, body, JSON, latency) with retries, against a URL',
    positional: 'base-url',
    examples: [
      'switchyard smoke http://127.0.0.1:8080 --checks-file smoke.yml --expect-version 1.4.2',
    ],
  },
  {
    kind: 'action',
    name: 'monitor',
    action: 'monitor-window',
    summary:
      'Watch the live color for a window (error rate, p95, resources, health); give a verdict',
    positional: 'environment',
    examples: [
      'switchyard monitor production --prometheus-url http://127.0.0.1:9090 --duration 15m',
    ],
  },
  {
    kind: 'action',
    name: 'rollback',
    cliOptions: [BREAK_LOCK],
    action: 'rollback',
    summary: 'Put traffic back on the last good version (switch back, or redeploy it), verify',
    positional: 'environment',
    examples: [
      "switchyard rollback production --reason 'p95 doubled after 1.4.2'",
      "switchyard rollback production --break-lock 'run 812 died with its runner'",
      'switchyard rollback production --to 1.4.1',
    ],
  },
  {
    kind: 'own',
    name: 'status',
    summary: 'Every environment of the app: live color, version, digest, warm color, last deploys',
    positional: 'environment',
    options: [
      option('environment', 'Only this environment (default: every section of the config file)'),
      option('config', 'The config file', 'switchyard.yml'),
      option('app', 'The app name, when the config file does not set it'),
      option('docker-host', 'The docker daemon (DOCKER_HOST form), when the file does not set it'),
      option('history', 'How many deploys and rollbacks to list per environment', '10'),
    ],
    examples: ['switchyard status', 'switchyard status production --json'],
  },
  {
    kind: 'own',
    name: 'log',
    summary: "An environment's history from its target, beside GitHub's Deployments record",
    positional: 'environment',
    options: [
      option('environment', 'The environment (a section of the config file)'),
      option('config', 'The config file', 'switchyard.yml'),
      option('app', 'The app name, when the config file does not set it'),
      option('docker-host', 'The docker daemon (DOCKER_HOST form), when the file does not set it'),
      option('limit', 'How many entries to list from each record (1 to 100)', '20'),
      REPO,
      TOKEN,
    ],
    examples: ['switchyard log production', 'switchyard log staging --limit 5 --json'],
  },
  {
    kind: 'own',
    name: 'freeze',
    summary: 'Refuse every deploy and promote to an environment until unfrozen (or --until)',
    positional: 'environment',
    options: [
      option('environment', 'The environment to freeze'),
      {
        ...option('reason', 'Why: one line, shown to everyone whose deploy is refused'),
        required: true,
      },
      option(
        'until',
        'When the freeze lifts by itself: an ISO time with its offset (2026-12-24T08:00:00Z), within 366 days',
      ),
      ...TARGET_OPTIONS,
    ],
    examples: [
      "switchyard freeze production --reason 'incident INC-123'",
      "switchyard freeze production --reason 'holidays' --until 2027-01-04T08:00:00Z",
    ],
  },
  {
    kind: 'own',
    name: 'unfreeze',
    summary: 'Lift the freeze of an environment: deploys may start again',
    positional: 'environment',
    options: [option('environment', 'The environment to unfreeze'), ...TARGET_OPTIONS],
    examples: ['switchyard unfreeze production'],
  },
  {
    kind: 'own',
    name: 'github',
    summary:
      "Environments as code: plan or apply the github: sections' protection on GitHub's environments",
    positional: 'subcommand',
    options: [
      option('subcommand', 'plan (list the changes, change nothing) or apply (make them)', 'plan'),
      option('config', 'The config file', 'switchyard.yml'),
      option(
        'environment',
        'Only this environment (repeat for more; default: every section with a github: part)',
      ),
      REPO,
      TOKEN,
    ],
    examples: [
      'switchyard github plan',
      'GITHUB_TOKEN=$(gh auth token) switchyard github apply --repo acme/shop --environment production',
    ],
  },
  {
    kind: 'own',
    name: 'demo',
    summary:
      'The whole pipeline on this machine: gate, build, deploy, smoke, monitor, bad release, rollback',
    options: [
      option('down', 'Remove everything the demo created, then stop', 'false'),
      option('port', 'The live port of the demo environment', '18080'),
      option('report', 'Also write the demo report as JSON to this file'),
    ],
    examples: ['switchyard demo', 'switchyard demo --down'],
  },
];

/** The command named `name`, or undefined. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The repository (package) root: the nearest folder up whose package.json is switchyard's. */
export function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'switchyard'
    )
      return dir;
    if (dirname(dir) === dir) throw new Error(`no switchyard package.json above ${from}`);
  }
}

interface RawAction {
  description?: unknown;
  inputs?: Record<string, { description?: unknown; default?: unknown; required?: unknown }>;
  outputs?: Record<string, unknown>;
  runs?: { post?: unknown };
}

/** Parses one action.yml's text. */
export function parseActionMeta(name: string, text: string): ActionMeta {
  const raw = parse(text) as RawAction;
  const inputs = Object.entries(raw.inputs ?? {}).map(([input, v]) => {
    const d = v.default;
    // The runner passes a default as text: YAML `10` and `true` are `"10"` and `"true"`.
    const def =
      typeof d === 'string' || typeof d === 'number' || typeof d === 'boolean'
        ? String(d)
        : undefined;
    return {
      name: input,
      description: typeof v.description === 'string' ? v.description.trim() : '',
      required: v.required === true,
      flag: def === 'true' || def === 'false',
      ...(def !== undefined && { default: def }),
    };
  });
  return {
    name,
    description: typeof raw.description === 'string' ? raw.description.trim() : '',
    inputs,
    outputs: Object.keys(raw.outputs ?? {}),
    ...(typeof raw.runs?.post === 'string' && { post: raw.runs.post }),
  };
}

/** Reads `actions/<name>/action.yml` under the package root. */
export function readActionMeta(root: string, name: ActionName): ActionMeta {
  return parseActionMeta(name, readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8'));
}

/** The options a command takes that are the CLI's only (not inputs of its action). */
export function cliOptionsOf(command: Command): readonly InputDef[] {
  return command.kind === 'action' ? (command.cliOptions ?? []) : [];
}

/** The options a command offers: its action's inputs less the fixed and hidden ones, or its own. */
export function optionsOf(command: Command, meta?: ActionMeta): readonly InputDef[] {
  if (command.kind === 'own') return command.options;
  if (!meta) throw new Error(`${command.name}: the action metadata is needed`);
  const skip = new Set([...(command.hidden ?? []), ...Object.keys(command.fixed ?? {})]);
  return meta.inputs.filter((i) => !skip.has(i.name));
}
