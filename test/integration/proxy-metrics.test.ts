/**
 * monitor-window with `metrics: proxy` (ADR 0018): a release judged from HAProxy's built-in exporter
 * alone, no app metric used. The testbed's Prometheus scrapes every switchyard proxy (job
 * switchyard-proxy, docker_sd on switchyard.role=proxy, port 8405); the backend series carry
 * proxy="be_<color>". v2 starts with ERROR_RATE=1 (the example app's knob: every `/` answers 500,
 * /healthz stays 200, so deploy and readiness pass), and rollback-on-failure puts blue back.
 */
import { pushAppVersion, type PushedApp } from '../support/app-versions.js';
import { deployFixture, get, type DeployFixture } from '../support/deploy.js';
import { startLoad, type LoadRun } from '../support/load.js';
import { someValue, testbedPrometheus, waitForQuery } from '../support/prometheus.js';
import { expectOk, runAction } from '../support/runner.js';

let v1: PushedApp;
let v2: PushedApp;
let f: DeployFixture;
let load: LoadRun | undefined;

const rate = (app: string, color: string): string =>
  `sum(rate(haproxy_backend_http_requests_total{app="${app}",environment="staging",proxy="be_${color}"}[5s]))`;

const monitorSection = (url: string): Record<string, unknown> => ({
  'prometheus-url': url,
  interval: '1s',
  'rate-window': '5s',
  'baseline-window': '15s',
  metrics: 'proxy',
});

beforeAll(async () => {
  const prom = testbedPrometheus();
  [v1, v2] = await Promise.all(
    ['1.0.0', '2.0.0'].map((v) => pushAppVersion(v, { repository: 'switchyard-e2e/proxy' })),
  ).then(([a, b]) => {
    if (!a || !b) throw new Error('pushAppVersion returned nothing');
    return [a, b];
  });
  f = await deployFixture({ monitor: monitorSection(prom.url) });
  expectOk(await f.run({ image: v1.ref }));
  load = startLoad(`${f.url}/`, { connections: 2, threads: 1, maxDurationMs: 300_000 });
  // Blue serves through the proxy long enough for a baseline (docker_sd finds the proxy in 2–6 s).
  await waitForQuery(
    prom.url,
    rate(f.app, 'blue'),
    someValue((v) => v > 10),
    30_000,
  );
  await new Promise((r) => setTimeout(r, 8000));
  // The bad release: every `/` answers 500 from the start. No warm-up (it would only see 500s).
  f.writeConfig({
    monitor: monitorSection(prom.url),
    env: { ERROR_RATE: '1' },
    'warm-up': 'off',
  });
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

describe('metrics: proxy', () => {
  test('a release answering 500 is failed from the proxy alone and rolled back', async () => {
    const run = await runAction('monitor-window', {
      workspace: f.workspace,
      inputs: { environment: f.environment, duration: '60s', 'rollback-on-failure': 'true' },
    });
    expect(run.outputs.verdict).toBe('failed');
    expect(run.outputs.rule).toBe('proxy-error-rate');
    expect(run.outputs.reason).toMatch(/^proxy-error-rate [\d.]+% > 5% \(critical\)/);
    expect(run.outputs.reason).toContain(
      `haproxy_backend_http_responses_total{app="${f.app}",environment="staging",proxy="be_green",code="5xx"}`,
    );
    // No app metric was used: only the proxy's rules and the health probe ran.
    const readings = JSON.parse(run.outputs.readings ?? '[]') as {
      states: Record<string, string>;
    }[];
    expect(Object.keys(readings[0]?.states ?? {}).sort()).toEqual([
      'health',
      'proxy-error-rate',
      'proxy-requests',
      'proxy-response-time',
    ]);
    expect(run.log).not.toMatch(/(?<![a-z_])http_requests_total/);
    expect(run.log).toContain(
      `proxy selector {app="${f.app}",environment="staging",proxy="be_green"}, baseline {app="${f.app}",environment="staging",proxy="be_blue"}`,
    );
    const baseline = JSON.parse(run.outputs.baseline ?? '{}') as Record<string, number | null>;
    expect(baseline['proxy-error-rate']).toBe(0);
    expect(baseline['proxy-response-time']).not.toBeNull();
    expect(run.outputs['rolled-back']).toBe('true');
    expect(run.outputs['rollback-version']).toBe('1.0.0');
    expect(run.exitCode).toBe(1);
    const live = await get(`${f.url}/`);
    expect(live.json?.version).toBe('1.0.0');
  }, 120_000);
});
