/** Entry of the `switchyard` CLI bundle (dist/cli/index.js): the real process around {@link cli}. */
import { inertText } from '@switchyard/kit';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './cli.js';
import { packageRoot } from './definitions.js';
import { demo } from './demo.js';
import { STEPS } from './steps.js';

// The CLI may run inside a workflow step: no line it prints may read as a workflow command.
const stdout = (t: string): void => void process.stdout.write(inertText(t));
const stderr = (t: string): void => void process.stderr.write(inertText(t));
const root = packageRoot(dirname(fileURLToPath(import.meta.url)));
const version = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
).version;
process.exitCode = await cli(process.argv.slice(2), {
  root,
  cwd: process.cwd(),
  env: process.env,
  stdout,
  stderr,
  tty: { stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
  columns: process.stdout.columns || process.stderr.columns || 100,
  version,
  steps: STEPS,
  onInterrupt: (cleanup) => {
    const handler = (signal: NodeJS.Signals): void => {
      cleanup();
      // Another handler (a command's process group in ProcessExec) exits after killing its group.
      if (process.listenerCount(signal) === 0) process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
  demo: (values, run) =>
    demo(values, run, {
      root,
      stdout,
      stderr,
      color: process.stdout.isTTY === true && !process.env.NO_COLOR,
      columns: process.stdout.columns || 100,
    }),
});
