/**
 * Any app, not just ours (issue 23): Debian's nginx serving a static site (examples/nginx), an app
 * nobody here wrote, through the whole chain with no workaround — no container-port (EXPOSE 80
 * says it), no app metrics (the release is judged from HAProxy's own exporter, `metrics: proxy`),
 * health on nginx's `/healthz`. Deploy v1 → deploy v2 without promoting → smoke on preview →
 * promote → smoke live → monitor-window passes; Prometheus unreachable mid-window → inconclusive,
 * v2 stays live; v3 answers 500 on `/` under a little load → failed from the proxy's 5xx count and
 * rolled back to v2. The CLI runs in-process from source; smoke-test and monitor-window are the
 * bundled actions.
 */
import { stringify } from 'yaml';
import type { PushedApp } from '../support/app-versions.js';
import { cliOk, switchyard } from '../support/cli-source.js';
import { deployFixture, get, type DeployFixture } from '../support/deploy.js';
import { startLoad, type LoadRun } from '../support/load.js';
import { pushNginxVersion, removeNginxImages } from '../support/nginx-image.js';
import { someValue, testbedPrometheus, waitForQuery } from '../support/prometheus.js';
import { relay } from '../support/relay.js';
import { runAction } from '../support/runner.js';

let v1: PushedApp;
let v2: PushedApp;
let v3: PushedApp;
let f: DeployFixture;
let load: LoadRun | undefined;

/** Requests per second (or only 5xx answers) through the proxy to one color's backend. */
const rate = (app: string, color: string, code?: string): string =>
  code
    ? `sum(rate(haproxy_backend_http_responses_total{app="${app}",environment="staging",proxy="be_${color}",code="${code}"}[5s]))`
    : `sum(rate(haproxy_backend_http_requests_total{app="${app}",environment="staging",proxy="be_${color}"}[5s]))`;

/** smoke-test on `base`: /healthz reports `version`, and the page at / shows it. */
const smoke = (base: string, version: string): ReturnType<typeof runAction> =>
  runAction('smoke-test', {
    inputs: {
      'base-url': base,
      checks: stringify([
        { name: 'health', url: '/healthz', 'expect-json': '$.status == "ok"' },
        {
          name: 'page',
          url: '/',
          'body-contains': `version ${version}`,
          'expect-version': false,
        },
      ]),
      'expect-version': version,
      timeout: '15s',
      interval: '200ms',
    },
  });

beforeAll(async () => {
  [v1, v2, v3] = await Promise.all([
    pushNginxVersion('1.0.0'),
    pushNginxVersion('2.0.0'),
    pushNginxVersion('3.0.0', 'bad'),
  ]);
  // What a user writes for nginx: health on /healthz, monitor from the proxy. No container-port.
  f = await deployFixture({
    monitor: {
      'prometheus-url': testbedPrometheus().url,
      interval: '1s',
      'rate-window': '5s',
      'baseline-window': '15s',
      metrics: 'proxy',
    },
  });
}, 60_000);

afterAll(async () => {
  await load?.stop();
  await f?.remove();
  await removeNginxImages();
});

describe('nginx, judged from the proxy', () => {
  test('deploy v1: the port comes from EXPOSE 80', async () => {
    const r = cliOk(await switchyard(f.workspace, ['deploy', 'staging', '--image', v1.ref]));
    expect(r.stderr).toContain('the app listens on port 80, as');
    expect((await get(`${f.url}/healthz`)).json).toEqual({ status: 'ok', version: '1.0.0' });
    const page = await get(`${f.url}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('version 1.0.0');
    // A little client load through the live port, for the rest of the file.
    load = startLoad(`${f.url}/`, { connections: 2, threads: 1, maxDurationMs: 240_000 });
    const prom = testbedPrometheus().url;
    await waitForQuery(
      prom,
      rate(f.app, 'blue'),
      someValue((v) => v > 10),
      30_000,
    );
    // Blue serves long enough to be v2's baseline.
    await new Promise((r) => setTimeout(r, 6000));
  }, 60_000);

  test('v2: smoke on preview, promote, smoke live, a monitor window passes', async () => {
    cliOk(await switchyard(f.workspace, ['deploy', 'staging', '--image', v2.ref, '--no-promote']));
    expect((await get(`${f.url}/healthz`)).json?.version).toBe('1.0.0');
    const preview = await smoke(f.previewUrl, '2.0.0');
    expect(preview.outputs.passed).toBe('true');
    expect(preview.exitCode).toBe(0);
    cliOk(await switchyard(f.workspace, ['promote', 'staging']));
    const live = await smoke(f.url, '2.0.0');
    expect(live.outputs.passed).toBe('true');
    await waitForQuery(
      testbedPrometheus().url,
      rate(f.app, 'green'),
      someValue((v) => v > 10),
      30_000,
    );
    const run = await runAction('monitor-window', {
      workspace: f.workspace,
      inputs: { environment: f.environment, duration: '6s', 'rollback-on-failure': 'true' },
    });
    expect(run.outputs.verdict).toBe('passed');
    expect(run.exitCode).toBe(0);
    const readings = JSON.parse(run.outputs.readings ?? '[]') as {
      states: Record<string, string>;
    }[];
    expect(Object.keys(readings.at(-1)?.states ?? {}).sort()).toEqual([
      'health',
      'proxy-error-rate',
      'proxy-requests',
      'proxy-response-time',
    ]);
    expect(run.log).toContain(
      `proxy selector {app="${f.app}",environment="staging",proxy="be_green"}, baseline {app="${f.app}",environment="staging",proxy="be_blue"}`,
    );
    expect(run.outputs['rolled-back']).toBe('false');
  }, 90_000);

  test('Prometheus unreachable mid-window: inconclusive, v2 stays live', async () => {
    const gate = await relay(new URL(testbedPrometheus().url));
    let closed = false;
    try {
      const [run] = await Promise.all([
        runAction('monitor-window', {
          workspace: f.workspace,
          inputs: {
            environment: f.environment,
            'prometheus-url': gate.url,
            duration: '10s',
            'max-no-data': '2',
            'rollback-on-failure': 'true',
          },
        }),
        new Promise((r) => setTimeout(r, 4000)).then(async () => {
          await gate.close();
          closed = true;
        }),
      ]);
      expect(closed).toBe(true);
      expect(run.outputs.verdict).toBe('inconclusive');
      expect(run.outputs.reason).toMatch(
        /^blind: proxy-[a-z-]+ could not be read in 2 consecutive evaluations \(max-no-data 2\): query failed: /,
      );
      const readings = JSON.parse(run.outputs.readings ?? '[]') as {
        states: Record<string, string>;
      }[];
      expect(readings[0]?.states['proxy-error-rate']).toBe('ok');
      expect(readings.at(-1)?.states.health).toBe('ok');
      expect(run.exitCode).toBe(1);
      expect(run.log).toContain('rollback-on-failure: not rolling back');
      expect(run.outputs['rolled-back']).toBe('false');
      expect((await get(`${f.url}/healthz`)).json?.version).toBe('2.0.0');
    } finally {
      if (!closed) await gate.close();
    }
  }, 60_000);

  test('v3 answers 500 on /: failed from the proxy alone and rolled back to v2', async () => {
    cliOk(await switchyard(f.workspace, ['deploy', 'staging', '--image', v3.ref]));
    expect((await get(`${f.url}/healthz`)).json?.version).toBe('3.0.0');
    expect((await get(`${f.url}/`)).status).toBe(500);
    await waitForQuery(
      testbedPrometheus().url,
      rate(f.app, 'blue', '5xx'),
      someValue((v) => v > 10),
      30_000,
    );
    const run = await runAction('monitor-window', {
      workspace: f.workspace,
      inputs: { environment: f.environment, duration: '30s', 'rollback-on-failure': 'true' },
    });
    expect(run.outputs.verdict).toBe('failed');
    expect(run.outputs.rule).toBe('proxy-error-rate');
    expect(run.outputs.reason).toMatch(/^proxy-error-rate [\d.]+% > 5% \(critical\)/);
    expect(run.outputs.reason).toContain(
      `haproxy_backend_http_responses_total{app="${f.app}",environment="staging",proxy="be_blue",code="5xx"}`,
    );
    expect(run.outputs['rolled-back']).toBe('true');
    expect(run.outputs['rollback-version']).toBe('2.0.0');
    expect(run.exitCode).toBe(1);
    expect((await get(`${f.url}/healthz`)).json?.version).toBe('2.0.0');
    const page = await get(`${f.url}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('version 2.0.0');
  }, 90_000);
});
