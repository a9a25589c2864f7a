/**
 * Benchmark: how fast monitor-window calls a bad release, compared with Prometheus itself.
 *
 * The example app in Docker under steady wrk load, scraped every 1 s by a private Debian Prometheus.
 * Per round: the bundled monitor-window action (Node 24) watches with a 1 s interval, a 5 s rate
 * window and failure-limit 2; 4 s in, the app starts answering 20 % of requests with 500 (t0). In the
 * same run a poller sends the action's own error-rate query to Prometheus every 100 ms and notes
 * when it first shows the ratio above the 5 % critical threshold (Prometheus visibility). Detection
 * is t0 → the action's exit with verdict failed. Goal: median detection / visibility ≤ 2.
 *
 * Writes bench/results/monitor-detection.{json,md}; exits 1 when the goal is missed. Needs the testbed.
 */
import { startLoad } from '../test/support/load.js';
import {
  instantQuery,
  samplesOf,
  setKnobs,
  someValue,
  startPrometheus,
  waitForQuery,
} from '../test/support/prometheus.js';
import { ROOT, runAction } from '../test/support/runner.js';
import { AppContainer } from '../test/support/testbed.js';
import { allPass, figure, machine as machineName, writeResult, median } from './lib/figures.js';

const ROUNDS = 5;
const GOAL_RATIO = 2;
const CRITICAL = 0.05;
const QUERY =
  '(sum(rate(http_requests_total{app="bench",code=~"5.."}[5s])) or vector(0)) / sum(rate(http_requests_total{app="bench"}[5s]))';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Round {
  visibleMs: number;
  verdictMs: number;
  ratio: number;
  verdict: string;
  evaluations: number;
}

const app = await AppContainer.start({ version: 'bench' });
const prom = await startPrometheus({
  targets: [`127.0.0.1:${app.port}`],
  labels: { app: 'bench' },
});
const load = startLoad(`${app.url}/?delay_ms=5`, {
  connections: 2,
  threads: 1,
  maxDurationMs: 900_000,
});
const rounds: Round[] = [];
try {
  await waitForQuery(
    prom.url,
    'sum(rate(http_requests_total{app="bench"}[5s]))',
    someValue((v) => v > 10),
    30_000,
  );
  await sleep(6000);
  for (let i = 0; i < ROUNDS; i++) {
    const run = runAction('monitor-window', {
      inputs: {
        'prometheus-url': prom.url,
        selector: 'app="bench"',
        duration: '60s',
        interval: '1s',
        'rate-window': '5s',
        'baseline-window': '5s',
        'failure-limit': '2',
        rules: '- name: cpu\n  enabled: false',
      },
    });
    await sleep(4000);
    const t0 = Date.now();
    await setKnobs(app.url, { error_rate: 0.2 });
    let visibleAt: number | undefined;
    const poller = (async () => {
      while (visibleAt === undefined && Date.now() - t0 < 30_000) {
        const samples = samplesOf(await instantQuery(prom.url, QUERY));
        if (samples.some((s) => s.value > CRITICAL)) visibleAt = Date.now();
        else await sleep(100);
      }
    })();
    const result = await run;
    const verdictAt = Date.now();
    await poller;
    await setKnobs(app.url, { error_rate: 0 });
    if (visibleAt === undefined) throw new Error('Prometheus never showed the error jump');
    const round: Round = {
      visibleMs: visibleAt - t0,
      verdictMs: verdictAt - t0,
      ratio: (verdictAt - t0) / (visibleAt - t0),
      verdict: result.outputs.verdict ?? '',
      evaluations: Number(result.outputs.evaluations ?? 0),
    };
    rounds.push(round);
    console.log(
      `round ${i + 1}: Prometheus shows > 5% after ${round.visibleMs} ms, verdict ${round.verdict} after ${round.verdictMs} ms (×${round.ratio.toFixed(2)})`,
    );
    if (round.verdict !== 'failed')
      throw new Error(`round ${i + 1}: verdict ${round.verdict}\n${result.log}`);
    // Let the errors leave the rate window before the next round.
    await waitForQuery(
      prom.url,
      `(${QUERY}) == 0`,
      someValue(() => true),
      30_000,
    );
    await sleep(2000);
  }
} finally {
  await load.stop();
  await prom.stop();
  await app.remove();
}

const ratio = median(rounds.map((r) => r.ratio));
const machine = machineName();
const medianVisibleMs = median(rounds.map((r) => r.visibleMs));
const medianVerdictMs = median(rounds.map((r) => r.verdictMs));
const figures = [
  figure({
    id: 'detection',
    figure: `Error rate 0 → 20 % at t0: t0 → monitor-window's verdict failed vs t0 → Prometheus first showing > 5 %, median of ${ROUNDS} rounds`,
    measured: medianVerdictMs,
    unit: 'ms',
    baseline: { label: 'Prometheus visibility', measured: medianVisibleMs },
    ratio,
    goal: { max: GOAL_RATIO, on: 'ratio', text: `≤ ${GOAL_RATIO}× Prometheus` },
    note: `ratio is the median of the per-round ratios (${rounds.map((r) => r.ratio.toFixed(2)).join(', ')}); 1 s scrape, 1 s interval, 5 s rate window, failure-limit 2`,
  }),
];
const result = {
  name: 'monitor-detection',
  benchmark: 'monitor-detection',
  date: new Date().toISOString(),
  machine,
  goal: { ratio: GOAL_RATIO },
  medianVisibleMs,
  medianVerdictMs,
  medianRatio: ratio,
  rounds,
  passed: allPass(figures),
  figures,
};
writeResult(
  ROOT,
  'monitor-detection',
  result,
  [
    '# monitor-window: error jump → verdict failed',
    '',
    `${result.date}, ${machine}. 1 s scrape, 1 s interval, rate window 5 s, failure-limit 2; errors 0 → 20 % at t0; critical 5 %.`,
    '',
    '| Round | Prometheus shows > 5 % | Verdict failed | Ratio |',
    '| --- | --- | --- | --- |',
    ...rounds.map(
      (r, i) => `| ${i + 1} | ${r.visibleMs} ms | ${r.verdictMs} ms | ${r.ratio.toFixed(2)} |`,
    ),
    `| median | ${result.medianVisibleMs} ms | ${result.medianVerdictMs} ms | **${ratio.toFixed(2)}** (goal ≤ ${GOAL_RATIO}) |`,
    '',
  ].join('\n'),
);
console.log(
  `median ratio ${ratio.toFixed(2)} (goal ≤ ${GOAL_RATIO}): ${result.passed ? 'met' : 'MISSED'}`,
);
process.exit(result.passed ? 0 : 1);
