/**
 * `switchyard demo` (`npm run demo`): the whole pipeline on this machine, through the CLI's own
 * commands (the actions' steps). It brings up the testbed, then with the example app:
 * 1. gate → build v1 → deploy (blue live) → smoke;
 * 2. steady keep-alive load; build v2 → deploy to the idle color → smoke the preview → promote →
 *    smoke live → monitor a short window → passed;
 * 3. build v3 with 20 % injected errors → deploy + promote → monitor → failed → automatic rollback;
 * 4. stop the load and print the report (timeline, requests during each switch, detection time,
 *    time to recover, what on-call got) and `status`. The environment stays up; `--down` removes it.
 * Every step notifies as `notify:` in the demo's switchyard.yml says: Slack (bot), PagerDuty and a
 * signed webhook, all pointed at the demo's inbox on loopback ({@link DemoInbox}), which keeps what
 * an on-call engineer would have got.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseInteger } from '@switchyard/kit';
import { renderTerminal, styler } from '@switchyard/kit/terminal';
import type { CommandResult, CommandRunner } from './cli.js';
import { KeepAliveLoad, lastAnswerFrom, tally } from './load.js';
import { DemoInbox, INBOX_CHANNEL, INBOX_SECRETS } from './demo-inbox.js';
import { demoReport, renderReport, type DemoFacts, type StepTime } from './demo-report.js';

export const DEMO_APP = 'example';
export const DEMO_ENVIRONMENT = 'demo';

export interface DemoDeps {
  readonly root: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly color: boolean;
  readonly columns: number;
}

/** Removes the demo's containers, network and proxy volume (the testbed stays). */
export function demoDown(): string[] {
  const docker = (...a: string[]): string => spawnSync('docker', a, { encoding: 'utf8' }).stdout;
  const ids = docker(
    'ps',
    '-aq',
    '--filter',
    `label=switchyard.app=${DEMO_APP}`,
    '--filter',
    `label=switchyard.environment=${DEMO_ENVIRONMENT}`,
  )
    .split('\n')
    .filter(Boolean);
  if (ids.length) docker('rm', '-f', ...ids);
  const prefix = `${DEMO_APP}-${DEMO_ENVIRONMENT}`;
  docker('network', 'rm', prefix);
  docker('volume', 'rm', `${prefix}-proxy`);
  return ids;
}

/** KEY=value lines of the testbed's env file. */
export function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((l) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] as string, m[2] as string]),
  );
}

/** Where the demo's notifications go: the inbox's endpoints. */
export interface DemoEndpoints {
  readonly slackApiUrl: string;
  readonly pagerDutyUrl: string;
  readonly webhookUrl: string;
}

/** The demo's switchyard.yml: the environment on local Docker, notifying the inbox. */
export function demoConfig(port: number, haproxyImage: string, notify: DemoEndpoints): string {
  return [
    `app: ${DEMO_APP}`,
    `${DEMO_ENVIRONMENT}:`,
    '  docker:',
    `    port: ${port}`,
    `    preview-port: ${port + 1}`,
    '    bind: 127.0.0.1',
    `    proxy: { image: ${haproxyImage} }`,
    '  health: { path: /healthz, interval: 200ms }',
    '  keep-previous: 30m',
    '  # Slack, PagerDuty and a webhook receiver stood in for by the demo inbox while the demo runs;',
    '  # secrets by name. Run later, a command warns that they are unset and notifies nobody.',
    '  notify:',
    `    slack: { channel: '${INBOX_CHANNEL.name}', token-secret: ${INBOX_SECRETS.slackToken}, api-url: '${notify.slackApiUrl}', events: [all] }`,
    `    pagerduty: { routing-key-secret: ${INBOX_SECRETS.routingKey}, endpoint: '${notify.pagerDutyUrl}', events: [critical] }`,
    `    webhook: { url: '${notify.webhookUrl}', secret: ${INBOX_SECRETS.hookSecret}, events: [all] }`,
    '',
  ].join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the demo; returns the exit code. */
export async function demo(
  values: ReadonlyMap<string, string>,
  run: CommandRunner,
  deps: DemoDeps,
): Promise<number> {
  const s = styler(deps.color);
  const say = (t: string): void => deps.stderr(`\n${s.bold(s.cyan(`===== ${t} =====`))}\n`);
  if (values.get('down') === 'true') {
    const ids = demoDown();
    deps.stdout(
      `Removed the demo app and its proxy (${ids.length} containers). The testbed stays up; 'npm run testbed -- down' stops it.\n`,
    );
    return 0;
  }
  // The preview is port + 1, so the live port stops one short of the top.
  const port = parseInteger('port', values.get('port') ?? '18080', { min: 1024, max: 65534 });
  const t0 = Date.now();
  const steps: StepTime[] = [];
  const step = async (
    name: string,
    argv: readonly string[],
    expect: 'ok' | 'fail' = 'ok',
  ): Promise<CommandResult> => {
    say(name);
    const start = Date.now();
    const r = await run(argv);
    steps.push({ name, startMs: start - t0, ms: Date.now() - start, ok: r.ok });
    if ((expect === 'ok') !== r.ok)
      throw new Error(
        `${name}: ${r.ok ? 'passed, but the demo expected it to fail' : (r.error ?? 'failed')}`,
      );
    return r;
  };

  say('testbed: Docker engine, registry, HAProxy image, Prometheus (installs on first run)');
  const up = spawnSync('bash', [join(deps.root, 'scripts/testbed'), 'up'], {
    stdio: ['ignore', 2, 2],
  });
  if (up.status !== 0) throw new Error(`scripts/testbed up failed (exit ${up.status})`);
  const dir = process.env.SWITCHYARD_TESTBED_DIR ?? '/tmp/switchyard-testbed';
  const tb = parseEnvFile(readFileSync(join(dir, 'testbed.env'), 'utf8'));
  const need = (k: string): string => {
    const v = tb[k];
    if (!v) throw new Error(`${dir}/testbed.env has no ${k}`);
    return v;
  };
  const registry = need('SWITCHYARD_REGISTRY');
  const prometheus = need('SWITCHYARD_PROMETHEUS_URL');

  // The work folder stays after the demo: its switchyard.yml is how to explore the environment.
  const work = join(deps.root, '.tmp/demo');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'context'), { recursive: true });
  const config = join(work, 'switchyard.yml');
  // The inbox lives for the run; the steps read the secrets' values by name from the env.
  const inbox = new DemoInbox();
  await inbox.start();
  const restoreEnv = withEnv(inbox.secrets);
  try {
    writeFileSync(
      config,
      demoConfig(port, need('SWITCHYARD_HAPROXY_IMAGE'), {
        slackApiUrl: inbox.slackApiUrl(),
        pagerDutyUrl: inbox.pagerDutyUrl(),
        webhookUrl: inbox.webhookUrl(),
      }),
    );
    const removed = demoDown();
    if (removed.length)
      deps.stderr(`(removed the previous demo environment: ${removed.length} containers)\n`);

    const reports = join(work, 'reports');
    const jest = `JEST_JUNIT_OUTPUT_FILE=${reports}/junit.xml JEST_JUNIT_ADD_FILE_ATTRIBUTE=true NODE_OPTIONS=--experimental-vm-modules npx jest examples/app --selectProjects unit --coverage --collectCoverageFrom='examples/app/src/**/*.ts' --collectCoverageFrom='!examples/app/src/server.ts' --coverageDirectory=${reports}/coverage --coverageReporters=lcov --reporters=default --reporters=jest-junit`;
    await step('quality-gate: the example app (tests, coverage, lint, types)', [
      'gate',
      '--working-directory',
      deps.root,
      '--run',
      [
        `test: ${jest}`,
        `lint: npx eslint -f json -o ${reports}/eslint.json examples/app`,
        `typecheck: npx tsc -p examples/app/tsconfig.json --noEmit --pretty false > ${reports}/tsc.txt`,
      ].join('\n'),
      '--junit',
      `${reports}/junit.xml`,
      '--coverage',
      `${reports}/coverage/lcov.info`,
      '--lint',
      `${reports}/eslint.json`,
      '--types',
      `${reports}/tsc.txt`,
    ]);

    // The app as one file (ncc), on the testbed's node base image.
    const ncc = spawnSync(
      process.execPath,
      [
        join(deps.root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
        'build',
        join(deps.root, 'examples/app/src/server.ts'),
        '-o',
        join(work, 'bundle'),
        '--quiet',
        '--transpile-only',
      ],
      { stdio: ['ignore', 2, 2] },
    );
    if (ncc.status !== 0) throw new Error('bundling examples/app/src/server.ts failed');
    copyFileSync(join(work, 'bundle/index.js'), join(work, 'context/server.mjs'));
    const dockerfile = readFileSync(join(deps.root, 'examples/app/Dockerfile'), 'utf8');
    const build = async (version: string, inject?: string): Promise<string> => {
      // v3 is the bad release: the same app with ERROR_RATE baked in.
      writeFileSync(
        join(work, 'context/Dockerfile'),
        inject ? `${dockerfile}\nENV ERROR_RATE=${inject}\n` : dockerfile,
      );
      const r = await step(
        `build-image: v${version}${inject ? ` (${Number(inject) * 100} % injected errors)` : ''}`,
        [
          'build',
          'switchyard/example-app',
          '--registry',
          registry,
          '--context',
          join(work, 'context'),
          '--tags',
          version,
          '--latest',
          'false',
          '--build-args',
          `BASE_IMAGE=${need('SWITCHYARD_BASE_IMAGE')}`,
          '--build-args',
          `APP_VERSION=${version}`,
        ],
      );
      return r.outputs['image-ref'] ?? '';
    };
    const env = ['--config', config];
    const smoke = (name: string, url: string, version: string): Promise<CommandResult> =>
      step(name, [
        'smoke',
        url,
        '--checks-file',
        join(deps.root, 'examples/app/smoke.yml'),
        '--expect-version',
        version,
        '--timeout',
        '30s',
        '--interval',
        '200ms',
        '--max-interval',
        '2s',
      ]);

    // 1. v1: the first release.
    const v1 = await build('1.0.0');
    const d1 = await step('deploy-bluegreen: v1.0.0 (first deploy)', [
      'deploy',
      DEMO_ENVIRONMENT,
      ...env,
      '--image',
      v1,
    ]);
    const url = d1.outputs.url ?? `http://127.0.0.1:${port}`;
    await smoke('smoke-test: live (v1.0.0)', url, '1.0.0');

    // 2. Steady load from here to the end; v2 through preview, promote and a short watch.
    say(`steady keep-alive load on ${url} (4 connections)`);
    const load = new KeepAliveLoad(new URL(`${url}/?delay_ms=5`), { connections: 4 });
    try {
      await waitForTraffic(prometheus, d1.outputs.color ?? '');
      const v2 = await build('2.0.0');
      const d2 = await step('deploy-bluegreen: v2.0.0 to the idle color (no promote)', [
        'deploy',
        DEMO_ENVIRONMENT,
        ...env,
        '--image',
        v2,
        '--no-promote',
      ]);
      await smoke('smoke-test: preview (v2.0.0)', d2.outputs['preview-url'] ?? '', '2.0.0');
      const p2 = await step('deploy-bluegreen: promote v2.0.0', [
        'promote',
        DEMO_ENVIRONMENT,
        ...env,
      ]);
      await smoke('smoke-test: live (v2.0.0)', url, '2.0.0');
      await waitForTraffic(prometheus, p2.outputs.color ?? '');
      const m2 = await step('monitor-window: v2.0.0 for 20 s', monitorArgs(env, prometheus, '20s'));

      // 3. The bad release: deployed and promoted, caught by the monitor, rolled back.
      const v3 = await build('3.0.0', '0.2');
      const d3 = await step('deploy-bluegreen: v3.0.0 (deploy and promote)', [
        'deploy',
        DEMO_ENVIRONMENT,
        ...env,
        '--image',
        v3,
      ]);
      await waitForTraffic(prometheus, d3.outputs.color ?? '');
      const m3 = await step(
        'monitor-window: v3.0.0, rollback on failure',
        [...monitorArgs(env, prometheus, '60s'), '--rollback-on-failure'],
        'fail',
      );
      await smoke('smoke-test: live after the rollback (v2.0.0)', url, '2.0.0');

      // 4. The report.
      const samples = await load.stop();
      const st = await run(['status', DEMO_ENVIRONMENT, ...env]);
      const facts: DemoFacts = {
        startedAt: new Date(t0).toISOString(),
        totalMs: Date.now() - t0,
        steps,
        samples,
        status: st,
        monitors: { v2: m2.outputs, v3: m3.outputs },
        lastV3Answer: lastAnswerFrom(samples, '3.0.0'),
        all: tally(samples),
        url,
        previewUrl: d2.outputs['preview-url'] ?? '',
        config,
        prometheus,
        inbox: inbox.record(),
      };
      const report = demoReport(facts);
      const file = values.get('report');
      if (file) writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
      deps.stdout(
        renderTerminal(renderReport(report, st.summary), {
          color: deps.color,
          width: deps.columns,
        }),
      );
      return report.ok ? 0 : 1;
    } finally {
      await load.stop(); // a no-op after the report's stop
    }
  } finally {
    restoreEnv();
    await inbox.close();
  }
}

/**
 * Sets variables in this process's env, which is the env the CLI hands each step it runs (the
 * demo runs them in-process); returns the function that puts the previous values back.
 */
function withEnv(values: Readonly<Record<string, string>>): () => void {
  const before = Object.keys(values).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of before)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  };
}

function monitorArgs(env: readonly string[], prometheus: string, duration: string): string[] {
  return [
    'monitor',
    DEMO_ENVIRONMENT,
    ...env,
    '--prometheus-url',
    prometheus,
    '--duration',
    duration,
    '--interval',
    '1s',
    '--rate-window',
    '5s',
    '--baseline-window',
    '1m',
    '--failure-limit',
    '2',
  ];
}

/** Waits (up to 30 s) until Prometheus sees the color's requests: docker_sd finds a new container in ~6 s. */
async function waitForTraffic(prometheus: string, color: string): Promise<void> {
  const query = `sum(rate(http_requests_total{app="${DEMO_APP}",environment="${DEMO_ENVIRONMENT}",color="${color}"}[5s]))`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${prometheus}/api/v1/query`, {
        method: 'POST',
        body: new URLSearchParams({ query }),
      });
      const body = (await res.json()) as { data?: { result?: { value?: [number, string] }[] } };
      const v = Number(body.data?.result?.[0]?.value?.[1] ?? '0');
      if (v > 0) return;
    } catch {
      /* not up yet */
    }
    await sleep(500);
  }
}
