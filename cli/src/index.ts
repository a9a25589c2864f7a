/** Entry of the `switchyard` CLI bundle (dist/cli/index.js): the real process around {@link cli}. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './cli.js';
import { packageRoot } from './definitions.js';
import { demo } from './demo.js';
import { STEPS } from './steps.js';

const root = packageRoot(dirname(fileURLToPath(import.meta.url)));
const version = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
).version;
process.exitCode = await cli(process.argv.slice(2), {
  root,
  cwd: process.cwd(),
  env: process.env,
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
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
      stdout: (t) => void process.stdout.write(t),
      stderr: (t) => void process.stderr.write(t),
      color: process.stdout.isTTY === true && !process.env.NO_COLOR,
      columns: process.stdout.columns || 100,
    }),
});
