/**
 * monitor-window with `environment`: the colors, the switch time and the live URL come from the
 * target that deploy-bluegreen left, and the testbed's shared Prometheus scrapes the colors through
 * docker_sd (labels app, environment, color). Baseline on the old color, verdict on the new one.
 */
import { pushAppVersion, type PushedApp } from '../support/app-versions.js';
import { deployFixture, get, type DeployFixture } from '../support/deploy.js';
import { startLoad, type LoadRun } from '../support/load.js';
import { setKnobs, someValue, testbedPrometheus, waitForQuery } from '../support/prometheus.js';
import { expectOk, runAction, type ActionRun } from '../support/runner.js';

let v1: PushedApp;
let v2: PushedApp;
let f: DeployFixture;
let load: LoadRun | undefined;

const rate = (app: string, color: string): string =>
  `sum(rate(http_requests_total{app="${app}",environment="staging",color="${color}"}[5s]))`;

beforeAll(async () => {
  const prom = testbedPrometheus();
  [v1, v2] = await Promise.all(
    ['1.0.0', '2.0.0'].map((v) => pushAppVersion(v, { repository: 'switchyard-e2e/monitor' })),
  ).then(([a, b]) => {
    if (!a || !b) throw new Error('pushAppVersion returned nothing');
    return [a, b];
  });
  f = await deployFixture({
    monitor: {
      'prometheus-url': prom.url,
      interval: '1s',
      'rate-window': '5s',
      'baseline-window': '15s',
    },
  });
  expectOk(await f.run({ image: v1.ref }));
  load = startLoad(`${f.url}/?delay_ms=5`, { connections: 2, threads: 1, maxDurationMs: 300_000 });
  // Blue serves long enough to give a baseline (docker_sd finds a container in 2–6 s).
  await waitForQuery(
    prom.url,
    rate(f.app, 'blue'),
    someValue((v) => v > 10),
    30_000,
  );
  await new Promise((r) => setTimeout(r, 8000));
  expectOk(await f.run({ image: v2.ref }));
  await waitForQuery(
    prom.url,
    rate(f.app, 'green'),
    someValue((v) => v > 10),
    30_000,
  );
}, 180_000);

afterAll(async () => {
  await load?.stop();
  await f?.remove();
});

const monitor = (inputs: Record<string, string>): Promise<ActionRun> =>
  runAction('monitor-window', {
    workspace: f.workspace,
    inputs: { environment: f.environment, ...inputs },
  });

describe('monitor-window reads the release from the target', () => {
  test('healthy green after the switch passes; the baseline is measured on blue before the switch', async () => {
    const run = await monitor({ duration: '4s' });
    expectOk(run);
    expect(run.outputs.verdict).toBe('passed');
    expect(run.log).toContain(`Watching ${f.app}/staging: green live (2.0.0) since `);
    expect(run.log).toContain('baseline from blue (1.0.0)');
    expect(run.log).toContain(
      `selector {app="${f.app}",environment="staging",color="green"}, baseline {app="${f.app}",environment="staging",color="blue"}`,
    );
    const baseline = JSON.parse(run.outputs.baseline ?? '{}') as Record<string, number | null>;
    expect(baseline['error-rate']).toBe(0);
    expect(baseline['p95-latency']).toBeGreaterThan(0.004);
    // The health rule probes the live URL + health.path from the config file.
    expect(run.log).toContain(`rule health: probing ${f.url}/healthz`);
    expect(run.summary).toContain(`${f.app}/staging: **green** live (2.0.0)`);
  });

  test('errors on the live color fail the window on error-rate, with the color in the query', async () => {
    await setKnobs(f.url, { error_rate: 0.3 }); // through the proxy: the live color, green
    try {
      const run = await monitor({ duration: '60s' });
      expect(run.exitCode).toBe(1);
      expect(run.outputs.verdict).toBe('failed');
      expect(run.outputs.rule).toBe('error-rate');
      expect(run.outputs.reason).toContain(
        `http_requests_total{app="${f.app}",environment="staging",color="green",code=~"5.."}`,
      );
      expect(Number(run.outputs.elapsed)).toBeLessThan(15);
    } finally {
      await setKnobs(f.url, { error_rate: 0 });
    }
  });

  test('rollback-on-failure: a failed verdict puts traffic back on blue (v1) with the rollback code path', async () => {
    await setKnobs(f.url, { error_rate: 0.3 }); // live green (v2) goes bad
    try {
      const run = await monitor({ duration: '60s', 'rollback-on-failure': 'true' });
      expect(run.outputs.verdict).toBe('failed');
      expect(run.outputs['rolled-back']).toBe('true');
      expect(run.outputs['rollback-version']).toBe('1.0.0');
      expect(run.exitCode).toBe(1); // fail-on: failed, even after a good rollback
      expect(run.log).toMatch(/Switched live traffic green → blue in/);
      expect(run.log).toMatch(
        /verdict failed: error-rate .*; rolled back to 1\.0\.0 on blue by switch/,
      );
      expect(run.summary).toContain('## rollback-on-failure:');
      expect(run.summary).toMatch(/\| reason \| monitor-window: error-rate [\d.]+% &gt; 5%/);
      expect(run.post?.log ?? '').not.toContain('Released the deploy lock'); // released by main
      const live = await get(`${f.url}/`);
      expect(live.json?.version).toBe('1.0.0');
    } finally {
      await setKnobs(f.previewUrl, { error_rate: 0 }); // green is idle now
    }
  });
});
