/**
 * Benchmark: the quality-gate action against the raw commands it wraps, and its time on large reports.
 *
 * 1. Overhead: the fixture project's jest (coverage + jest-junit), ESLint and tsc, run by the action
 *    (`run:` plus the four report inputs, under Node 24 as the runner runs it) and as a plain bash
 *    script, alternating. Target: action ≤ 1.10 × raw (median of the rounds).
 * 2. Scale: reports the size of a large monorepo, read without commands: JUnit with 20,000 cases
 *    (500 failing, with stack traces), lcov with 5,000 files × 200 lines, ESLint JSON with 20,000
 *    messages. Target: each judged within 3 s, start-up included.
 * Writes bench/results/quality-gate-overhead.{json,md}; exits 1 when a target is missed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { qualityProject, removeProjects, REPORTS_ALL, RUN_ALL } from '../test/support/quality.js';
import { ROOT, runAction } from '../test/support/runner.js';
import { allPass, figure, machine, writeResult } from './lib/figures.js';
import { snapshotAction } from './lib/snapshot.js';

const exec = promisify(execFile);
const ROUNDS = 5;
const RATIO_TARGET = 1.1;
const SCALE_TARGET_MS = 3000;
/** The action as built when the bench started: a rebuild of dist/ during the run cannot touch it. */
const snapshot = snapshotAction(ROOT, 'quality-gate');
process.once('exit', () => snapshot.remove());

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** The same commands as {@link RUN_ALL}, one after another, as a workflow's run: steps would. */
async function raw(ws: string): Promise<number> {
  const start = performance.now();
  for (const line of RUN_ALL.split('\n')) {
    const script = line.slice(line.indexOf(':') + 1).trim();
    await exec('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd: ws,
      maxBuffer: 64 << 20,
    });
  }
  return performance.now() - start;
}

async function action(ws: string): Promise<number> {
  const start = performance.now();
  const r = await runAction(snapshot.dir, {
    workspace: ws,
    inputs: { run: RUN_ALL, ...REPORTS_ALL },
  });
  if (r.exitCode !== 0) throw new Error(`quality-gate failed:\n${r.log}`);
  return performance.now() - start;
}

const ws = qualityProject();
await action(ws);
await raw(ws);
const actionMs: number[] = [];
const rawMs: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  actionMs.push(await action(ws));
  rawMs.push(await raw(ws));
}
const overhead = {
  actionMs,
  rawMs,
  actionMedian: median(actionMs),
  rawMedian: median(rawMs),
  ratio: median(actionMs) / median(rawMs),
};
const overheadPass = overhead.ratio <= RATIO_TARGET;

// Large reports, written here so the bench needs no fixture files.
const big = mkdtempSync(join(tmpdir(), 'switchyard-bench-quality-'));
const junit = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<testsuites name="jest tests">',
  ...Array.from({ length: 200 }, (_, s) => [
    `<testsuite name="suite ${s}" tests="100">`,
    ...Array.from({ length: 100 }, (_, c) => {
      const n = s * 100 + c;
      const name = `suite ${s} case ${c}`;
      const file = `test/suite${s}.test.js`;
      return n % 40 === 0
        ? `<testcase classname="${name}" name="${name}" time="0.01" file="${file}"><failure>Error: expect(received).toBe(expected)\n\nExpected: 1\nReceived: 2\n    at Object.toBe (${big}/${file}:${c + 3}:11)\n    at Promise.finally.completed (/x/node_modules/jest-circus/build/jestAdapterInit.js:1834:28)</failure></testcase>`
        : `<testcase classname="${name}" name="${name}" time="0.01" file="${file}"></testcase>`;
    }),
    '</testsuite>',
  ]).flat(),
  '</testsuites>',
].join('\n');
writeFileSync(join(big, 'junit.xml'), junit);
const lcov = Array.from({ length: 5000 }, (_, f) =>
  [
    `SF:${big}/src/module${f}.js`,
    ...Array.from({ length: 200 }, (_, l) => `DA:${l + 1},${(l + f) % 7 === 0 ? 0 : 3}`),
    'LF:200',
    `LH:${200 - Array.from({ length: 200 }, (_, l) => ((l + f) % 7 === 0 ? 1 : 0)).reduce<number>((a, b) => a + b, 0)}`,
    'end_of_record',
  ].join('\n'),
).join('\n');
writeFileSync(join(big, 'lcov.info'), lcov);
const eslint = JSON.stringify(
  Array.from({ length: 2000 }, (_, f) => ({
    filePath: `${big}/src/module${f}.js`,
    messages: Array.from({ length: 10 }, (_, m) => ({
      ruleId: m % 2 ? 'no-console' : 'no-unused-vars',
      severity: m % 2 ? 1 : 2,
      message: 'a message',
      line: m + 1,
      column: 3,
    })),
    errorCount: 5,
    warningCount: 5,
  })),
);
writeFileSync(join(big, 'eslint.json'), eslint);

interface ScaleRow {
  id: string;
  report: string;
  sizeMb: number;
  ms: number[];
  median: number;
  gate: string;
  pass: boolean;
}
const scale: ScaleRow[] = [];
for (const [id, report, inputs, text] of [
  ['junit', 'JUnit, 20,000 cases (500 failing)', { junit: 'junit.xml' }, junit],
  ['lcov', 'lcov, 5,000 files × 200 lines', { coverage: 'lcov.info', 'min-coverage': '0' }, lcov],
  [
    'eslint',
    'ESLint JSON, 20,000 messages',
    { lint: 'eslint.json', 'max-lint-errors': '100000' },
    eslint,
  ],
] as const) {
  const ms: number[] = [];
  let gate = '';
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const r = await runAction(snapshot.dir, { workspace: big, inputs });
    ms.push(performance.now() - start);
    gate = Object.entries(
      JSON.parse(r.outputs.results ?? '{}') as Record<string, { value: number }>,
    )
      .map(([k, v]) => `${k}=${v.value}`)
      .join(', ');
  }
  scale.push({
    id,
    report,
    sizeMb: Buffer.byteLength(text) / 2 ** 20,
    ms,
    median: median(ms),
    gate,
    pass: median(ms) <= SCALE_TARGET_MS,
  });
}
rmSync(big, { recursive: true, force: true });
removeProjects();

const figures = [
  figure({
    id: 'overhead',
    figure: `quality-gate running jest (coverage, junit), ESLint and tsc and judging their reports vs the same commands in bash, median of ${ROUNDS}`,
    measured: Math.round(overhead.actionMedian),
    unit: 'ms',
    baseline: { label: 'raw commands', measured: Math.round(overhead.rawMedian) },
    ratio: overhead.ratio,
    goal: { max: RATIO_TARGET, on: 'ratio', text: `≤ ${RATIO_TARGET}× raw` },
    note: `overhead ${Math.round(overhead.actionMedian - overhead.rawMedian)} ms; fixture project test/fixtures/quality-project`,
  }),
  ...scale.map((r) =>
    figure({
      id: `scale-${r.id}`,
      figure: `quality-gate reading a large report: ${r.report} (${r.sizeMb.toFixed(1)} MB), Node 24 start included, median of ${r.ms.length}`,
      measured: Math.round(r.median),
      unit: 'ms',
      goal: { max: SCALE_TARGET_MS },
      note: `gates: ${r.gate}`,
    }),
  ),
];
const result = {
  benchmark: 'quality-gate-overhead',
  date: new Date().toISOString(),
  machine: machine(),
  pass: allPass(figures),
  figures,
  actionBundleSha256: snapshot.mainSha256,
  targets: {
    overhead: `action <= ${RATIO_TARGET} x raw (median of ${ROUNDS})`,
    scale: `<= ${SCALE_TARGET_MS} ms per large report`,
  },
  overhead: { ...overhead, pass: overheadPass },
  scale,
};
const fmt = (ms: number): string => `${Math.round(ms)} ms`;
const md = [
  '# quality-gate overhead and scale',
  '',
  '## Over the raw commands (fixture project: jest with coverage + jest-junit, ESLint -f json, tsc --noEmit)',
  '',
  '| raw median | action median | overhead | ratio | target | result |',
  '|---|---|---|---|---|---|',
  `| ${fmt(overhead.rawMedian)} | ${fmt(overhead.actionMedian)} | ${fmt(overhead.actionMedian - overhead.rawMedian)} | ${overhead.ratio.toFixed(3)} | ≤ ${RATIO_TARGET} | ${overheadPass ? 'pass' : 'FAIL'} |`,
  '',
  `Rounds: ${ROUNDS}, alternating after one warm-up each. Raw = the three commands in bash, one after another. The action also reads and judges the four reports and writes the summary.`,
  '',
  '## Large reports (read only, Node 24 start included, median of 3)',
  '',
  '| report | size | time | gates | target | result |',
  '|---|---|---|---|---|---|',
  ...scale.map(
    (r) =>
      `| ${r.report} | ${r.sizeMb.toFixed(1)} MB | ${fmt(r.median)} | ${r.gate} | ≤ ${SCALE_TARGET_MS} ms | ${r.pass ? 'pass' : 'FAIL'} |`,
  ),
  '',
].join('\n');
writeResult(ROOT, 'quality-gate-overhead', result, md);
console.log(md);
process.exit(result.pass ? 0 : 1);
