/**
 * Runs the `switchyard` CLI in this process, from source (`cli()` over the actions' steps), so an
 * integration suite checks the code as it is, not the last bundle in dist/ (support/cli.ts runs that).
 */
import { cli } from '../../cli/src/cli.js';
import { STEPS } from '../../cli/src/steps.js';
import type { CliRun } from './cli.js';
import { ROOT } from './runner.js';

/** `switchyard <args>` in `cwd`, with a clean environment (PATH and HOME only). */
export async function switchyard(
  cwd: string,
  args: readonly string[],
  opts: { readonly columns?: number } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await cli([...args], {
    root: ROOT,
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' },
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    tty: { stdout: false, stderr: false },
    columns: opts.columns ?? 120,
    version: '0.0.0-it',
    steps: STEPS,
  });
  return { code, stdout, stderr };
}

/** The run, when it exited 0; else an error with its exit code and output. */
export function cliOk(r: CliRun): CliRun {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r;
}
