/** Runs the bundled `switchyard` CLI (or its bin) under Node 24, collecting its output. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { NODE24, ROOT } from './runner.js';
import { assertNoSecret } from './secrets.js';

/** The CLI bundle, as `npx switchyard` runs it. */
export const CLI = join(ROOT, 'dist/cli/index.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `script args…` under Node 24 in `cwd` with `env` (default: PATH and HOME only). Fails when
 * any of `secrets` (as written, JSON-escaped or URL-encoded) appears in stdout or stderr: the CLI
 * masks every secret it is given, in logs, the summary and `--json` alike.
 */
export async function runCli(
  args: readonly string[],
  opts: {
    readonly cwd: string;
    readonly env?: NodeJS.ProcessEnv;
    readonly script?: string;
    readonly secrets?: readonly string[];
  },
): Promise<CliRun> {
  const r = await spawnCli(args, opts);
  assertNoSecret(`switchyard ${args[0] ?? ''}`, opts.secrets ?? [], {
    stdout: r.stdout,
    stderr: r.stderr,
  });
  return r;
}

function spawnCli(
  args: readonly string[],
  opts: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv; readonly script?: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env = opts.env ?? { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' };
    const child = spawn(NODE24, [opts.script ?? CLI, ...args], { cwd: opts.cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
