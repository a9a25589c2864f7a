#!/usr/bin/env node
// Builds one ncc bundle per action: actions/<name>/src/index.ts → dist/<name>/index.js (ESM).
// Usage: node scripts/build.mjs [name ...]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const all = readdirSync(join(root, 'actions')).filter((n) =>
  existsSync(join(root, 'actions', n, 'src', 'index.ts')),
);
const names = process.argv.length > 2 ? process.argv.slice(2) : all;
for (const name of names) {
  const out = join(root, 'dist', name);
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
      'build',
      join(root, 'actions', name, 'src', 'index.ts'),
      '-o',
      out,
      '--license',
      'licenses.txt',
      '--quiet',
    ],
    { stdio: 'inherit', cwd: root },
  );
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  console.log(`built dist/${name}/index.js`);
}
