/**
 * Benchmark: 100 concurrent checks against an endpoint that answers in 200 ms must finish in under
 * 1.5× the time of one check. Measured with the probe library over real HTTP against the example app
 * in Docker (testbed), and end to end with the bundled action under Node 24.
 * Writes bench/results/probe-concurrency.{json,md}; exits 1 when the target is missed.
 */
import { systemClock } from '@switchyard/kit';
import { buildChecks, nodeHttp, parseStatus, runChecks } from '@switchyard/probe';
import { ROOT, runAction } from '../test/support/runner.js';
import { AppContainer } from '../test/support/testbed.js';
import { allPass, figure, machine, writeResult } from './lib/figures.js';

const DELAY_MS = 200;
const N = 100;
const ROUNDS = 5;
const TARGET_RATIO = 1.5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function timeChecks(base: string, count: number): Promise<number> {
  const urls = Array.from({ length: count }, (_, i) => `${base}/?delay_ms=${DELAY_MS}&i=${i}`);
  const { checks } = buildChecks(urls, undefined, {
    headers: {},
    expectStatus: parseStatus('expect-status', '200'),
    timeoutMs: 5000,
    followRedirects: true,
  });
  const start = performance.now();
  const results = await runChecks(
    checks,
    {
      concurrency: count,
      attempts: 1,
      backoff: { initialDelayMs: 100, maxDelayMs: 100 },
      versionPath: [],
    },
    { http: nodeHttp, clock: systemClock },
  );
  const ms = performance.now() - start;
  const bad = results.filter((r) => !r.ok);
  if (bad.length) throw new Error(`${bad.length} checks failed: ${bad[0]?.reason ?? ''}`);
  return ms;
}

async function timeAction(base: string, count: number): Promise<number> {
  const urls = Array.from({ length: count }, (_, i) => `${base}/?delay_ms=${DELAY_MS}&i=${i}`).join(
    '\n',
  );
  const run = await runAction('smoke-test', { inputs: { urls, concurrency: String(count) } });
  if (run.exitCode !== 0) throw new Error(`smoke-test failed:\n${run.log}`);
  return run.durationMs;
}

const app = await AppContainer.start({ version: 'bench' });
try {
  await timeChecks(app.url, N); // warm-up: connections, JIT
  const one: number[] = [];
  const many: number[] = [];
  const actionOne: number[] = [];
  const actionMany: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    one.push(await timeChecks(app.url, 1));
    many.push(await timeChecks(app.url, N));
    actionOne.push(await timeAction(app.url, 1));
    actionMany.push(await timeAction(app.url, N));
  }
  const ratio = median(many) / median(one);
  const actionRatio = median(actionMany) / median(actionOne);
  const figures = [
    figure({
      id: 'library',
      figure: `probe library (runChecks): ${N} concurrent checks vs 1 check, endpoint answering in ${DELAY_MS} ms, median of ${ROUNDS}`,
      measured: Math.round(median(many)),
      unit: 'ms',
      baseline: { label: '1 check', measured: Math.round(median(one)) },
      ratio,
      goal: { max: TARGET_RATIO, on: 'ratio', strict: true, text: `< ${TARGET_RATIO}× 1 check` },
      note: 'real HTTP to the example app in Docker',
    }),
    figure({
      id: 'action',
      figure: `smoke-test action: ${N} concurrent checks vs 1 check, Node 24 process included, median of ${ROUNDS}`,
      measured: Math.round(median(actionMany)),
      unit: 'ms',
      baseline: { label: '1 check', measured: Math.round(median(actionOne)) },
      ratio: actionRatio,
      noGoal: '— (info)',
      note: 'the bundled action, as the runner starts it',
    }),
  ];
  const result = {
    benchmark: 'probe-concurrency',
    date: new Date().toISOString(),
    machine: machine(),
    figures,
    endpointDelayMs: DELAY_MS,
    checks: N,
    rounds: ROUNDS,
    library: {
      oneMs: Math.round(median(one)),
      manyMs: Math.round(median(many)),
      ratio: Number(ratio.toFixed(3)),
    },
    action: {
      oneMs: Math.round(median(actionOne)),
      manyMs: Math.round(median(actionMany)),
      ratio: Number(actionRatio.toFixed(3)),
    },
    target: `library ${N} checks < ${TARGET_RATIO}x one check`,
    pass: allPass(figures),
  };
  const md = [
    `## probe-concurrency (${result.date})`,
    '',
    `Endpoint answers in ${DELAY_MS} ms; median of ${ROUNDS} rounds.`,
    '',
    '| measured | 1 check | 100 concurrent checks | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    `| probe library (runChecks) | ${result.library.oneMs} ms | ${result.library.manyMs} ms | ${result.library.ratio} | < ${TARGET_RATIO} ${result.pass ? '✅' : '❌'} |`,
    `| bundled action, Node 24 process included | ${result.action.oneMs} ms | ${result.action.manyMs} ms | ${result.action.ratio} | (info) |`,
    '',
  ].join('\n');
  writeResult(ROOT, 'probe-concurrency', result, md);
  console.log(md);
  if (!result.pass) process.exitCode = 1;
} finally {
  await app.remove();
}
