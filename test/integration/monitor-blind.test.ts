/**
 * Monitoring blindness is not a failed release (ADR 0018): Prometheus becomes unreachable in the
 * middle of a window on a healthy release. The monitor reaches the shared testbed Prometheus
 * through a loopback TCP relay of this test's own, and the relay is closed mid-window (the shared
 * Prometheus keeps running). The verdict is `inconclusive` (blind), the step fails and says why,
 * and rollback-on-failure rolls nothing back: the health rule could still see, and passed.
 */
import { pushAppVersion, type PushedApp } from '../support/app-versions.js';
import { deployFixture, get, type DeployFixture } from '../support/deploy.js';
import { startLoad, type LoadRun } from '../support/load.js';
import { someValue, testbedPrometheus, waitForQuery } from '../support/prometheus.js';
import { relay } from '../support/relay.js';
import { expectOk, runAction } from '../support/runner.js';

let v1: PushedApp;
let v2: PushedApp;
let f: DeployFixture;
let load: LoadRun | undefined;

beforeAll(async () => {
  const prom = testbedPrometheus();
  [v1, v2] = await Promise.all(
    ['1.0.0', '2.0.0'].map((v) => pushAppVersion(v, { repository: 'switchyard-e2e/blind' })),
  ).then(([a, b]) => {
    if (!a || !b) throw new Error('pushAppVersion returned nothing');
    return [a, b];
  });
  f = await deployFixture({});
  expectOk(await f.run({ image: v1.ref }));
  load = startLoad(`${f.url}/`, { connections: 2, threads: 1, maxDurationMs: 300_000 });
  expectOk(await f.run({ image: v2.ref }));
  await waitForQuery(
    prom.url,
    `sum(rate(http_requests_total{app="${f.app}",environment="staging",color="green"}[5s]))`,
    someValue((v) => v > 10),
    30_000,
  );
}, 180_000);

afterAll(async () => {
  await load?.stop();
  await f?.remove();
});

test('Prometheus unreachable mid-window: inconclusive, the step fails, the release stays live', async () => {
  const prom = testbedPrometheus();
  const gate = await relay(new URL(prom.url));
  let closed = false;
  try {
    const [run] = await Promise.all([
      runAction('monitor-window', {
        workspace: f.workspace,
        inputs: {
          environment: f.environment,
          'prometheus-url': gate.url,
          duration: '15s',
          interval: '1s',
          'rate-window': '5s',
          'baseline-window': '15s',
          'max-no-data': '2',
          'rollback-on-failure': 'true',
        },
      }),
      new Promise((r) => setTimeout(r, 5000)).then(async () => {
        await gate.close();
        closed = true;
      }),
    ]);
    expect(closed).toBe(true);
    expect(run.outputs.verdict).toBe('inconclusive');
    expect(run.outputs.reason).toMatch(
      /^blind: (error-rate|p95-latency) could not be read in 2 consecutive evaluations \(max-no-data 2\): query failed: .*did not answer/,
    );
    expect(run.outputs.reason).toContain('health kept watching to the end of the window');
    const readings = JSON.parse(run.outputs.readings ?? '[]') as {
      states: Record<string, string>;
    }[];
    expect(readings[0]?.states['error-rate']).toBe('ok');
    expect(readings.at(-1)?.states['error-rate']).toBe('blind');
    expect(readings.at(-1)?.states.health).toBe('ok');
    // The step fails (fail-on: failed), saying why; nothing was rolled back.
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('verdict inconclusive: blind:');
    expect(run.log).toContain('rollback-on-failure: not rolling back');
    expect(run.outputs['rolled-back']).toBe('false');
    const live = await get(`${f.url}/`);
    expect(live.json?.version).toBe('2.0.0');
  } finally {
    if (!closed) await gate.close();
  }
}, 90_000);
