/** Test helper: the CLI over a temporary workspace with a switchyard.yml, output recorded. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Step } from '@switchyard/kit';
import { cli, type CliDeps } from '../src/cli.js';
import { ACTION_NAMES, packageRoot, type ActionName } from '../src/definitions.js';

const ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));

/** What one CLI run printed, and its exit code. */
export interface OwnRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A workspace holding `config` as switchyard.yml; `run` runs the CLI there with `env`. */
export function workspace(
  config: string,
  over: Partial<CliDeps> = {},
): {
  readonly dir: string;
  readonly run: (env: CliDeps['env'], ...argv: string[]) => Promise<OwnRun>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  writeFileSync(join(dir, 'switchyard.yml'), config);
  const noStep: Step = () => Promise.reject(new Error('no action step runs in these tests'));
  const steps = Object.fromEntries(ACTION_NAMES.map((a) => [a, noStep])) as Record<
    ActionName,
    Step
  >;
  return {
    dir,
    run: async (env, ...argv) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await cli(argv, {
        root: ROOT,
        cwd: dir,
        env,
        stdout: (t) => void out.push(t),
        stderr: (t) => void err.push(t),
        tty: { stdout: false, stderr: false },
        columns: 200,
        version: '0.1.0-test',
        steps,
        ...over,
      });
      return { code, stdout: out.join(''), stderr: err.join('') };
    },
  };
}
