/**
 * Benchmark: mean time to recover on the testbed. A bad release (v2 starts answering 20 % of requests
 * with 500 at t0) is watched by the bundled monitor-window action (Node 24) with fast settings —
 * Prometheus scraping every 1 s through docker_sd, 1 s interval, 3 s rate window, failure-limit 1 —
 * and `rollback-on-failure: true`, which switches traffic back to the warm v1. A client polls the
 * live URL every 20 ms; recovery is t0 → the last answer from v2 (after it, 100 % of traffic is on
 * v1). Parts: detection (t0 → the deciding evaluation), decision to switch (readiness of the warm
 * color, prepared with the lock held before the window), the switch itself, and verification.
 * Goal (issue 20): median recovery ≤ 3 s.
 *
 * Writes bench/results/rollback-mttr.{json,md}; exits 1 when the goal is missed. Needs the testbed.
 */
import { pushAppVersion } from '../test/support/app-versions.js';
import { deployFixture, get } from '../test/support/deploy.js';
import { startLoad } from '../test/support/load.js';
import {
  setKnobs,
  someValue,
  testbedPrometheus,
  waitForQuery,
} from '../test/support/prometheus.js';
import { ROOT, runAction, type ActionRun } from '../test/support/runner.js';
import { allPass, figure, machine, writeResult, median } from './lib/figures.js';

const ROUNDS = 3;
const GOAL_MS = 3_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ok = (r: ActionRun, what: string): void => {
  if (r.exitCode !== 0) throw new Error(`${what}: exit ${r.exitCode}\n${r.log}`);
};

interface Round {
  recoveryMs: number;
  detectionMs: number;
  switchMs: number;
  verifiedAtMs: number;
  monitorExitMs: number;
  v2AnswersAfterT0: number;
}

const prom = testbedPrometheus();
const [v1, v2] = await Promise.all(
  ['1.0.0', '2.0.0'].map((v) => pushAppVersion(v, { repository: 'switchyard-bench/mttr' })),
);
if (!v1 || !v2) throw new Error('pushAppVersion returned nothing');
const f = await deployFixture({
  monitor: {
    'prometheus-url': prom.url,
    interval: '1s',
    'rate-window': '3s',
    'baseline-window': '15s',
    'failure-limit': 1,
  },
});
const rate = (color: string): string =>
  `sum(rate(http_requests_total{app="${f.app}",environment="staging",color="${color}"}[5s]))`;
const rounds: Round[] = [];
let load: ReturnType<typeof startLoad> | undefined;
try {
  ok(await f.run({ image: v1.ref }), 'deploy v1');
  load = startLoad(`${f.url}/?delay_ms=5`, {
    connections: 2,
    threads: 1,
    maxDurationMs: 900_000,
  });

  await waitForQuery(
    prom.url,
    rate('blue'),
    someValue((v) => v > 10),
    30_000,
  );
  for (let i = 0; i < ROUNDS; i++) {
    const d = await f.run({ image: v2.ref });
    ok(d, 'deploy v2');
    const bad = d.outputs.color ?? '';
    await waitForQuery(
      prom.url,
      rate(bad),
      someValue((v) => v > 10),
      30_000,
    );
    await sleep(3000);
    // The client: one GET every 20 ms on the live URL, noting which version answered.
    const seen: { at: number; version: string }[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const r = await get(`${f.url}/`, 2000);
        seen.push({ at: Date.now(), version: r.json?.version ?? `status ${r.status}` });
        await sleep(20);
      }
    })();
    const started = Date.now();
    const run = runAction('monitor-window', {
      workspace: f.workspace,
      inputs: { environment: f.environment, duration: '60s', 'rollback-on-failure': 'true' },
    });
    await sleep(4000);
    const t0 = Date.now();
    await setKnobs(f.url, { error_rate: 0.2 });
    const m = await run;
    const exitAt = Date.now();
    await sleep(500);
    polling = false;
    await poller;
    if (m.outputs['rolled-back'] !== 'true')
      throw new Error(`round ${i + 1}: no rollback\n${m.log}`);
    const lastV2 = seen.filter((s) => s.version === '2.0.0').at(-1)?.at ?? t0;
    const readings = JSON.parse(m.outputs.readings ?? '[]') as { at: string }[];
    const decidedAt = Date.parse(readings.at(-1)?.at ?? '') || exitAt;
    const switchMs = Number(
      /Switched live traffic \w+ → \w+ in ([\d.]+)ms/.exec(m.log)?.[1] ?? NaN,
    );
    const round: Round = {
      recoveryMs: lastV2 - t0,
      detectionMs: decidedAt - t0,
      switchMs,
      verifiedAtMs: exitAt - t0,
      monitorExitMs: exitAt - started,
      v2AnswersAfterT0: seen.filter((s) => s.at > t0 && s.version === '2.0.0').length,
    };
    rounds.push(round);
    console.log(
      `round ${i + 1}: detected after ${round.detectionMs} ms, 100 % on v1 after ${round.recoveryMs} ms (switch ${round.switchMs} ms), step done after ${round.verifiedAtMs} ms`,
    );
  }
} finally {
  await load?.stop();
  await f.remove();
}

const recovery = median(rounds.map((r) => r.recoveryMs));
const medianDetectionMs = median(rounds.map((r) => r.detectionMs));
const medianSwitchMs = median(rounds.map((r) => r.switchMs));
const figures = [
  figure({
    id: 'recovery',
    figure: `Bad release taking traffic (errors 0 → 20 % at t0) → 100 % back on the good version, median of ${ROUNDS}`,
    measured: recovery,
    unit: 'ms',
    goal: { max: GOAL_MS },
    note: `per round ${rounds.map((r) => r.recoveryMs).join(', ')} ms; monitor-window with rollback-on-failure, switching to the warm color`,
  }),
  figure({
    id: 'detection',
    figure: 't0 → the evaluation that decided the verdict failed, median',
    measured: medianDetectionMs,
    unit: 'ms',
    note: `per round ${rounds.map((r) => r.detectionMs).join(', ')} ms; 1 s scrape, 1 s interval, 3 s rate window, failure-limit 1`,
  }),
  figure({
    id: 'switch',
    figure: 'The rollback switch itself (as the action logs it), median',
    measured: medianSwitchMs,
    unit: 'ms',
    note: `per round ${rounds.map((r) => r.switchMs).join(', ')} ms`,
  }),
  figure({
    id: 'verified',
    figure: 't0 → the step done, rollback verified, median',
    measured: median(rounds.map((r) => r.verifiedAtMs)),
    unit: 'ms',
    note: `per round ${rounds.map((r) => r.verifiedAtMs).join(', ')} ms`,
  }),
];
const result = {
  name: 'rollback-mttr',
  benchmark: 'rollback-mttr',
  date: new Date().toISOString(),
  machine: machine(),
  goal: { recoveryMs: GOAL_MS },
  medianRecoveryMs: recovery,
  medianDetectionMs,
  medianSwitchMs,
  rounds,
  passed: allPass(figures),
  figures,
};
writeResult(
  ROOT,
  'rollback-mttr',
  result,
  [
    '# MTTR: bad release taking traffic → 100 % back on the good version',
    '',
    `${result.date}, ${result.machine}. Prometheus 1 s scrape (docker_sd), monitor-window interval 1 s, rate window 3 s, failure-limit 1, rollback-on-failure (switch to the warm color); errors 0 → 20 % at t0.`,
    '',
    '| Round | Detection (t0 → deciding evaluation) | Decision + switch (→ last v2 answer) | Switch itself | Recovered (100 % on v1) | Step done (verified) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rounds.map(
      (r, i) =>
        `| ${i + 1} | ${r.detectionMs} ms | ${r.recoveryMs - r.detectionMs} ms | ${r.switchMs} ms | ${r.recoveryMs} ms | ${r.verifiedAtMs} ms |`,
    ),
    `| median | ${result.medianDetectionMs} ms | | ${result.medianSwitchMs} ms | **${recovery} ms** (goal ≤ ${GOAL_MS} ms) | |`,
    '',
  ].join('\n'),
);
console.log(
  `median recovery ${recovery} ms (goal ≤ ${GOAL_MS} ms): ${result.passed ? 'met' : 'MISSED'}`,
);
process.exit(result.passed ? 0 : 1);
