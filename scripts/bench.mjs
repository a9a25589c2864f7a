#!/usr/bin/env node
// Runs every benchmark in bench/*.ts: bundles it with ncc (so the workspace aliases resolve) into
// .tmp/bench/<name>/ and runs it under Node 24. Results land in bench/results/ (JSON + markdown).
// Needs the testbed: `npm run testbed -- up`. Usage: npm run bench [-- name ...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { bundle, NODE24, ROOT } from './lib/bundle.mjs';

const all = readdirSync(join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'));
const names = process.argv.length > 2 ? process.argv.slice(2) : all;
let failed = 0;
for (const name of names) {
  const out = join(ROOT, '.tmp/bench', name);
  bundle(join(ROOT, 'bench', `${name}.ts`), out);
  console.log(`\n==> bench ${name}`);
  const r = spawnSync(NODE24, [join(out, 'index.js')], { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) {
    failed++;
    console.error(`bench ${name}: exit ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
