/**
 * Benchmark: how long the Docker target's actions take when nothing is slow but them (issue 20,
 * item 4). On the testbed, through the bundled actions under Node 24 as the runner starts them:
 * - rollback to the warm previous color (a switch): the action's main step, wall time;
 * - deploy without promote (start the new color, wait until ready) against the raw floor measured
 *   in the same run, as issue 20 defines it: `docker pull` (the image is removed from the host
 *   first, in both arms) + `docker create` + `docker start` + the first healthy answer; and the
 *   same with the image already on the host (no pull in either arm: the action's fixed costs);
 * - status.
 * Writes bench/results/action-speed.{json,md}; exits 1 when a goal is missed. Needs the testbed.
 */
import { pushAppVersion } from '../test/support/app-versions.js';
import { deployFixture, get } from '../test/support/deploy.js';
import { ROOT, runAction, type ActionRun } from '../test/support/runner.js';
import { docker, freePort } from '../test/support/testbed.js';
import { allPass, figure, machine, writeResult, median } from './lib/figures.js';

const ROUNDS = 5;
const ROLLBACK_GOAL_MS = 2000;
const DEPLOY_GOAL_RATIO = 1.5;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ok = (r: ActionRun, what: string): ActionRun => {
  if (r.exitCode !== 0) throw new Error(`${what}: exit ${r.exitCode}\n${r.log}`);
  return r;
};

const versions = await Promise.all(
  ['1.0.0', '2.0.0', '3.0.0'].map((v) =>
    pushAppVersion(v, { repository: 'switchyard-bench/speed' }),
  ),
);
const [v1, v2, v3] = versions;
if (!v1 || !v2 || !v3) throw new Error('pushAppVersion returned nothing');
for (const v of versions) await docker('pull', v?.ref ?? '');

/** Removes an image from the host (every tag and digest of it), so the next use pulls it. */
async function dropImage(ref: string): Promise<void> {
  const id = await docker('image', 'inspect', '--format', '{{.Id}}', ref).catch(() => '');
  if (id) await docker('rmi', '-f', id);
}

/** The raw floor of starting a color: [pull +] create + start + the first 200 from the app, by hand. */
async function rawFloor(ref: string, pull: boolean): Promise<number> {
  const port = await freePort();
  const name = `speed-floor-${process.pid}`;
  await docker('rm', '-f', name).catch(() => '');
  if (pull) await dropImage(ref);
  const t = Date.now();
  if (pull) await docker('pull', '--quiet', ref);
  await docker('create', '--name', name, '-p', `127.0.0.1:${port}:8080`, ref);
  await docker('start', name);
  for (;;) {
    const r = await get(`http://127.0.0.1:${port}/healthz`, 1000).catch(() => undefined);
    if (r?.status === 200) break;
    await sleep(20);
  }
  const ms = Date.now() - t;
  await docker('rm', '-f', name);
  return ms;
}

const f = await deployFixture();
const rollbackMs: number[] = [];
const deployMs: number[] = [];
const floorMs: number[] = [];
const pulledMs: number[] = [];
const pulledFloorMs: number[] = [];
const statusMs: number[] = [];
try {
  ok(await f.run({ image: v1.ref }), 'deploy v1');
  for (let i = 0; i < ROUNDS; i++) {
    // v2 live, v1 warm: the rollback is a switch.
    ok(await f.run({ image: v2.ref }), 'deploy v2');
    const rb = ok(
      await runAction('rollback', {
        workspace: f.workspace,
        inputs: { environment: f.environment },
      }),
      'rollback',
    );
    rollbackMs.push(rb.durationMs);
    if ((await get(f.url)).json?.version !== '1.0.0') throw new Error('rollback: v1 is not live');
    // v1 live: deploy v3 without promote (replaces the warm v2), against the raw floor; first
    // with the image on the host, then pulled (removed from the host before each arm).
    floorMs.push(await rawFloor(v3.ref, false));
    const d = ok(await f.run({ image: v3.ref, promote: 'false', pull: 'missing' }), 'deploy v3');
    deployMs.push(d.durationMs);
    ok(await f.run({ image: v2.ref, promote: 'false', pull: 'missing' }), 'deploy v2 (v3 idle)');
    pulledFloorMs.push(await rawFloor(v3.ref, true));
    await dropImage(v3.ref);
    const p = ok(await f.run({ image: v3.ref, promote: 'false', pull: 'missing' }), 'deploy v3');
    pulledMs.push(p.durationMs);
    statusMs.push(ok(await f.run({ action: 'status' }), 'status').durationMs);
    // Back to v1 live with v2 warm for the next round: v2 deployed then rolled back.
    ok(await f.run({ image: v2.ref }), 'deploy v2 again');
    ok(
      await runAction('rollback', {
        workspace: f.workspace,
        inputs: { environment: f.environment },
      }),
      'rollback to v1',
    );
    console.log(
      `round ${i + 1}: rollback ${rollbackMs.at(-1)} ms; deploy without promote ${pulledMs.at(-1)} ms vs raw ${pulledFloorMs.at(-1)} ms (pulled), ${deployMs.at(-1)} ms vs raw ${floorMs.at(-1)} ms (on the host); status ${statusMs.at(-1)} ms`,
    );
  }
} finally {
  await f.remove();
}

const figures = [
  figure({
    id: 'rollback-warm',
    figure: `rollback action to the warm previous color (main step, Node 24 start included), median of ${ROUNDS}`,
    measured: median(rollbackMs),
    unit: 'ms',
    goal: { max: ROLLBACK_GOAL_MS },
    note: `per round ${rollbackMs.join(', ')} ms`,
  }),
  figure({
    id: 'deploy-no-promote-pulled',
    figure: `deploy-bluegreen with promote: false vs docker pull + create + start + first healthy answer (issue 20's raw floor; image pulled in both), median of ${ROUNDS}`,
    measured: median(pulledMs),
    unit: 'ms',
    baseline: { label: 'raw docker', measured: median(pulledFloorMs) },
    goal: { max: DEPLOY_GOAL_RATIO, on: 'ratio', text: `≤ ${DEPLOY_GOAL_RATIO}× raw` },
    note: `per round ${pulledMs.join(', ')} ms vs ${pulledFloorMs.join(', ')} ms; the pull is of a small image from the loopback registry`,
  }),
  figure({
    id: 'deploy-no-promote',
    figure: `deploy-bluegreen with promote: false (image on the host) vs docker create + start + first healthy answer, median of ${ROUNDS}`,
    measured: median(deployMs),
    unit: 'ms',
    baseline: { label: 'raw docker', measured: median(floorMs) },
    goal: { max: DEPLOY_GOAL_RATIO, on: 'ratio', text: `≤ ${DEPLOY_GOAL_RATIO}× raw` },
    note: `per round ${deployMs.join(', ')} ms vs ${floorMs.join(', ')} ms; what is left is the action's fixed cost (Node start, lock, state read and write, each a docker CLI round trip)`,
  }),
  figure({
    id: 'status',
    figure: `deploy-bluegreen action: status (main step), median of ${ROUNDS}`,
    measured: median(statusMs),
    unit: 'ms',
    note: `per round ${statusMs.join(', ')} ms`,
  }),
];
const result = {
  name: 'action-speed',
  benchmark: 'action-speed',
  date: new Date().toISOString(),
  machine: machine(),
  passed: allPass(figures),
  figures,
};
writeResult(
  ROOT,
  'action-speed',
  result,
  [
    '# Action speed on the Docker target',
    '',
    `${result.date}, ${result.machine}. Bundled actions under Node 24; the raw floor measured in the same run.`,
    '',
    '| Round | rollback (warm) | deploy, promote: false, pulled | raw floor, pulled | deploy, image on the host | raw floor, on the host | status |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rollbackMs.map(
      (r, i) =>
        `| ${i + 1} | ${r} ms | ${pulledMs[i]} ms | ${pulledFloorMs[i]} ms | ${deployMs[i]} ms | ${floorMs[i]} ms | ${statusMs[i]} ms |`,
    ),
    '',
  ].join('\n'),
);
console.log(
  figures
    .map(
      (x) =>
        `${x.id}: ${x.measured} ${x.unit}${x.ratio ? ` (${x.ratio}×)` : ''} ${x.pass === false ? 'MISSED' : ''}`,
    )
    .join('\n'),
);
process.exit(result.passed ? 0 : 1);
