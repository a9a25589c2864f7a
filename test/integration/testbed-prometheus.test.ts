/**
 * The testbed's Prometheus (scripts/testbed up must have run): the shared instance with its
 * docker_sd job `switchyard` and file_sd job `file`, and the private instances of
 * test/support/prometheus.ts.
 */
import { existsSync } from 'node:fs';
import { AppContainer, docker, testbed } from '../support/testbed.js';
import {
  addFileTarget,
  hasSample,
  instantQuery,
  removeFileTarget,
  samplesOf,
  setKnobs,
  someValue,
  startPrometheus,
  testbedPrometheus,
  waitForQuery,
  type PrivatePrometheus,
  type TestbedPrometheus,
} from '../support/prometheus.js';

let prom: TestbedPrometheus;

beforeAll(() => {
  prom = testbedPrometheus();
});

/** A name no earlier run used. */
const unique = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/** Sends `n` GET / to the app; each must answer `status`. */
async function hit(appUrl: string, n: number, status = 200): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${appUrl}/`);
    await res.arrayBuffer();
    expect(res.status).toBe(status);
  }
}

/** The error fetch rejects with when nothing listens (undici puts the code in `cause`). */
async function connectError(url: string): Promise<string | undefined> {
  try {
    await fetch(url);
    return undefined;
  } catch (err) {
    return (err as { cause?: { code?: string } }).cause?.code;
  }
}

interface ActiveTarget {
  scrapePool: string;
  labels: Record<string, string>;
  health: string;
}

async function activeTargets(url: string): Promise<ActiveTarget[]> {
  const res = await fetch(`${url}/api/v1/targets?state=active`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { activeTargets: ActiveTarget[] } }).data.activeTargets;
}

describe('shared instance', () => {
  test('is ready on 127.0.0.1 and runs the switchyard (docker_sd) and file (file_sd) jobs', async () => {
    expect(prom.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(prom.targetsDir).toBe(`${testbed().dir}/prometheus/targets`);
    expect(existsSync(prom.targetsDir)).toBe(true);
    const ready = await fetch(`${prom.url}/-/ready`);
    expect(ready.status).toBe(200);

    const res = await fetch(`${prom.url}/api/v1/status/config`);
    const yaml = ((await res.json()) as { data: { yaml: string } }).data.yaml;
    expect(yaml).toMatch(/scrape_interval: 1s/);
    expect(yaml).toMatch(/evaluation_interval: 1s/);
    expect(yaml).toMatch(/- job_name: switchyard\n(.*\n)*?\s+docker_sd_configs:/);
    expect(yaml).toMatch(/- job_name: file\n(.*\n)*?\s+file_sd_configs:/);
    expect(yaml).toContain(`${prom.targetsDir}/*.json`);
    expect(yaml).toMatch(/values:\n\s+- switchyard\.role=app/);

    const flags = (
      (await (await fetch(`${prom.url}/api/v1/status/flags`)).json()) as {
        data: Record<string, string>;
      }
    ).data;
    expect(flags['storage.tsdb.retention.time']).toBe('2h');
    expect(flags['web.enable-lifecycle']).toBe('true');
  });

  test('scrapes a target dropped into the targets dir, with its labels, and forgets it on removal', async () => {
    const app = await AppContainer.start({ color: 'blue' });
    const name = unique('file-check');
    try {
      addFileTarget(prom.targetsDir, name, [`127.0.0.1:${app.port}`], {
        check: name,
        color: 'green',
      });
      const [up] = await waitForQuery(
        prom.url,
        `up{job="file",check="${name}"}`,
        someValue((v) => v === 1),
        15_000,
      );
      expect(up!.metric.instance).toBe(`127.0.0.1:${app.port}`);

      await hit(app.url, 3);
      const [counter] = await waitForQuery(
        prom.url,
        `http_requests_total{check="${name}",code="200",route="/"}`,
        someValue((v) => v >= 3),
        10_000,
      );
      // The file's color label wins (honor_labels: false); the app's own is kept as exported_color.
      expect(counter!.metric.color).toBe('green');
      expect(counter!.metric.exported_color).toBe('blue');

      removeFileTarget(prom.targetsDir, name);
      const deadline = Date.now() + 15_000;
      while ((await activeTargets(prom.url)).some((t) => t.labels.check === name)) {
        if (Date.now() > deadline)
          throw new Error(`target ${name} still active 15 s after removal`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      removeFileTarget(prom.targetsDir, name);
      await app.remove();
    }
  });
});

describe('docker_sd job "switchyard"', () => {
  const network = unique('switchyard-test-prom');
  const containers: string[] = [];

  beforeAll(async () => {
    await docker('network', 'create', '--label', 'switchyard.testbed=true', network);
  });

  afterAll(async () => {
    for (const c of containers) await docker('rm', '-f', c).catch(() => '');
    await docker('network', 'rm', network).catch(() => '');
  });

  test('scrapes a container labelled switchyard.role=app with app/environment/color/version labels', async () => {
    const app = unique('promcheck');
    const name = `${app}-green`;
    containers.push(name);
    // The app's own color (SWITCHYARD_COLOR=blue) differs from the container label on purpose:
    // the label must win, the app's value must survive as exported_color.
    await docker(
      'run',
      '-d',
      '--name',
      name,
      '--network',
      network,
      '--label',
      'switchyard.testbed=true',
      '--label',
      'switchyard.role=app',
      '--label',
      `switchyard.app=${app}`,
      '--label',
      'switchyard.environment=test',
      '--label',
      'switchyard.color=green',
      '--label',
      'switchyard.version=1.2.3',
      '-e',
      'SWITCHYARD_COLOR=blue',
      testbed().appImage,
    );
    const [up] = await waitForQuery(
      prom.url,
      `up{app="${app}"}`,
      someValue((v) => v === 1),
      15_000,
    );
    expect(up!.metric).toEqual({
      __name__: 'up',
      job: 'switchyard',
      instance: name,
      app,
      environment: 'test',
      color: 'green',
      version: '1.2.3',
    });

    const requests = await waitForQuery(
      prom.url,
      `http_requests_total{app="${app}",route="/"}`,
      hasSample,
      10_000,
    );
    expect(requests.map((s) => s.metric.code).sort()).toEqual(['200', '500', '503']);
    for (const s of requests) {
      expect(s.metric).toMatchObject({ color: 'green', exported_color: 'blue', version: '1.2.3' });
    }
  });

  test('ignores a container without switchyard.role=app', async () => {
    const app = unique('promcheck-norole');
    const name = `${app}-blue`;
    containers.push(name);
    await docker(
      'run',
      '-d',
      '--name',
      name,
      '--network',
      network,
      '--label',
      'switchyard.testbed=true',
      '--label',
      // Neither app nor proxy (the switchyard-proxy job scrapes proxies, on their exporter).
      'switchyard.role=worker',
      '--label',
      `switchyard.app=${app}`,
      testbed().appImage,
    );
    // A labelled app started alongside is seen, so the discovery did run meanwhile.
    const marker = unique('promcheck-marker');
    containers.push(marker);
    await docker(
      'run',
      '-d',
      '--name',
      marker,
      '--network',
      network,
      '--label',
      'switchyard.testbed=true',
      '--label',
      'switchyard.role=app',
      '--label',
      `switchyard.app=${marker}`,
      testbed().appImage,
    );
    await waitForQuery(
      prom.url,
      `up{app="${marker}"}`,
      someValue((v) => v === 1),
      15_000,
    );
    expect(samplesOf(await instantQuery(prom.url, `up{app="${app}"}`))).toEqual([]);
    expect((await activeTargets(prom.url)).some((t) => t.labels.instance === name)).toBe(false);
  });
});

describe('private instance (startPrometheus)', () => {
  let app: AppContainer;
  let p: PrivatePrometheus | undefined;

  beforeAll(async () => {
    app = await AppContainer.start({ color: 'blue' });
  });

  afterEach(async () => {
    await p?.stop();
    p = undefined;
  });

  afterAll(async () => {
    await app.remove();
  });

  test('scrapes the app within 10 s and counts the requests sent, by code', async () => {
    const started = Date.now();
    p = await startPrometheus({ targets: [`127.0.0.1:${app.port}`], labels: { slot: 'blue' } });
    expect(p.url).not.toBe(prom.url);
    expect(await (await fetch(`${p.url}/-/ready`)).text()).toMatch(/Ready/);

    const [up] = await waitForQuery(
      p.url,
      'up',
      someValue((v) => v === 1),
      10_000,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(up!.metric).toEqual({
      __name__: 'up',
      job: 'app',
      instance: `127.0.0.1:${app.port}`,
      slot: 'blue',
    });

    await hit(app.url, 5);
    await waitForQuery(
      p.url,
      'http_requests_total{code="200",route="/"}',
      someValue((v) => v >= 5),
      10_000,
    );

    expect(await setKnobs(app.url, { error_rate: 1 })).toMatchObject({ error_rate: 1 });
    try {
      await hit(app.url, 4, 500);
    } finally {
      await setKnobs(app.url, { error_rate: 0 });
    }
    const [errors] = await waitForQuery(
      p.url,
      'http_requests_total{code="500",route="/"}',
      someValue((v) => v >= 4),
      10_000,
    );
    expect(errors!.metric).toMatchObject({ color: 'blue', slot: 'blue' });
  });

  test('stop() ends the process: the URL refuses connections, the dir is gone, stop() again is fine', async () => {
    p = await startPrometheus({ targets: [`127.0.0.1:${app.port}`] });
    const { url, dir } = p;
    expect(existsSync(`${dir}/prometheus.yml`)).toBe(true);
    await p.stop();
    expect(await connectError(`${url}/-/ready`)).toBe('ECONNREFUSED');
    expect(existsSync(dir)).toBe(false);
    await p.stop();
  });

  test('kill() ends it at once (SIGKILL); the dir stays until stop()', async () => {
    p = await startPrometheus({ targets: [`127.0.0.1:${app.port}`] });
    const { url, dir } = p;
    await p.kill();
    expect(await connectError(`${url}/-/ready`)).toBe('ECONNREFUSED');
    expect(existsSync(dir)).toBe(true);
    await p.stop();
    expect(existsSync(dir)).toBe(false);
  });

  test('waitForQuery fails with the query and the last answer on timeout, and at once on bad PromQL', async () => {
    p = await startPrometheus({ targets: [`127.0.0.1:${app.port}`] });
    await expect(waitForQuery(p.url, 'vector(1) > 2', hasSample, 600)).rejects.toThrow(
      /vector\(1\) > 2 at http:\/\/127\.0\.0\.1:\d+ did not satisfy the predicate within 600 ms; last answer: \[\]/,
    );
    const started = Date.now();
    await expect(waitForQuery(p.url, 'sum(', hasSample, 5_000)).rejects.toThrow(/bad_data/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
