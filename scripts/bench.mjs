#!/usr/bin/env node
// Runs the benchmarks in bench/*.ts (all, or the ones named): bundles each with ncc (so the
// workspace aliases resolve) into .tmp/bench/<name>/ and runs it under Node 24. Each writes
// bench/results/<name>.{json,md}. Then regenerates BENCHMARKS.md from every bench's results.
// Most benches need the testbed: `npm run testbed -- up`.
// Usage: npm run bench [-- name ...]       run the named benches (default: all), then the report
//        npm run bench -- --report-only    only regenerate BENCHMARKS.md from bench/results/
// Exits 1 when a bench run failed or missed a goal (with --report-only: when the report shows one).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { bundle, NODE24, ROOT } from './lib/bundle.mjs';
import {
  failureFile,
  keptFrom,
  problems,
  readResults,
  renderBenchmarks,
} from './lib/benchmarks.mjs';

const RESULTS = join(ROOT, 'bench/results');
const REPORT = join(ROOT, 'BENCHMARKS.md');
const all = readdirSync(join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'))
  .sort();

const args = process.argv.slice(2);
const reportOnly = args.includes('--report-only');
const flags = args.filter((a) => a.startsWith('-') && a !== '--report-only');
const names = args.filter((a) => !a.startsWith('-'));
const unknown = names.filter((n) => !all.includes(n));
if (flags.length || unknown.length || (reportOnly && names.length)) {
  console.error(
    `${[...flags, ...unknown].map((a) => `unknown: ${a}`).join('\n')}${reportOnly && names.length ? '\n--report-only runs no bench: give no names' : ''}\n` +
      `usage: npm run bench [-- name ...] | npm run bench -- --report-only\nbenches: ${all.join(', ')}`,
  );
  process.exit(2);
}

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : null);

/** Runs one bench; true when it exited 0. Records a failure file when it wrote no results. */
function run(name) {
  const json = join(RESULTS, `${name}.json`);
  const before = mtime(json);
  const out = join(ROOT, '.tmp/bench', name);
  console.log(`\n==> bench ${name}`);
  let r;
  try {
    bundle(join(ROOT, 'bench', `${name}.ts`), out);
    r = spawnSync(NODE24, [join(out, 'index.js')], { stdio: 'inherit', cwd: ROOT });
  } catch (e) {
    r = { status: null, signal: null, error: e };
  }
  const after = mtime(json);
  const wrote = after !== null && after !== before;
  if (wrote) rmSync(failureFile(RESULTS, name), { force: true });
  else {
    mkdirSync(RESULTS, { recursive: true });
    const failure = {
      date: new Date().toISOString(),
      exitCode: r.status,
      ...(r.signal ? { signal: r.signal } : {}),
      ...(r.error ? { error: String(r.error) } : {}),
    };
    writeFileSync(failureFile(RESULTS, name), `${JSON.stringify(failure, null, 2)}\n`);
  }
  if (r.status !== 0 || !wrote)
    console.error(
      `bench ${name}: ${r.error ? String(r.error) : r.signal ? `killed by ${r.signal}` : `exit ${r.status}`}${wrote ? '' : ', no results written'}`,
    );
  return r.status === 0 && wrote;
}

const failed = reportOnly ? [] : (names.length ? names : all).filter((n) => !run(n));

// A bench not run on this machine keeps its rows and notes from the report on file.
const kept = keptFrom(existsSync(REPORT) ? readFileSync(REPORT, 'utf8') : '');
const entries = readResults(RESULTS, all).map((e) => ({ ...e, kept: kept.get(e.name) }));
const prettier = await import('prettier');
const options = (await prettier.resolveConfig(REPORT)) ?? {};
writeFileSync(
  REPORT,
  await prettier.format(renderBenchmarks(entries), { ...options, filepath: REPORT }),
);
const issues = problems(entries);
console.log(
  `\nwrote ${basename(REPORT)} from bench/results/ (${entries.filter((e) => e.result).length} of ${all.length} benches have results)`,
);
for (const line of issues) console.log(`  ${line}`);
if (failed.length) console.error(`failed or missed a goal: ${failed.join(', ')}`);
process.exit((reportOnly ? issues.length : failed.length) ? 1 : 0);
