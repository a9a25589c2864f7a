/**
 * Benchmark: the deploy switch under keep-alive load, and how fast traffic moves once the new color
 * is ready. Three parts, one run:
 *
 * 1. Ours under load: an app+environment deployed through the bundled deploy-bluegreen action
 *    (Node 24), wrk with 50 keep-alive connections on the live URL, then 10 real deploys through
 *    the action alternating v2/v1. Goal: 0 failed requests (non-2xx + socket errors).
 * 2. Control, same run: a naive nginx in front of two app containers, switched by `nginx -s reload`
 *    10 times under the same wrk settings over the same duration. No goal: it shows what a lossy
 *    switch looks like to this harness.
 * 3. Ready → 100 %: blue live, green ready (a `promote: false` deploy through the action); 8
 *    keep-alive client workers on the live URL record start, end and the color of each request;
 *    t0 is taken just before the library's `target.switchTo(color)`. Per switch: t0 → first
 *    response from the new color, t0 → start of the last request the old color answered (after
 *    which 100 % go to the new one), and the switchTo call itself (switch, verify, rewrite the map
 *    file). 10 switches alternating colors. Goal: median of the second ≤ 100 ms.
 *
 * Writes bench/results/deploy-switch.{json,md}; exits 1 when a goal is missed. Removes every
 * container, network, volume and process it started, also on failure. Needs the testbed.
 */
import { Agent, request } from 'node:http';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@switchyard/config';
import { ProcessExec, Secrets, systemClock, type Logger } from '@switchyard/kit';
import { ADMIN_SOCKET } from '@switchyard/targets/docker';
import { createTarget, type Color } from '@switchyard/targets';
import { pushAppVersion, type PushedApp } from '../test/support/app-versions.js';
import { deployFixture, get, type DeployFixture } from '../test/support/deploy.js';
import { socketErrorTotal, startLoad, type LoadResult } from '../test/support/load.js';
import { startNginxRouter } from '../test/support/nginx-router.js';
import { ROOT, runAction } from '../test/support/runner.js';
import { AppContainer, docker, testbed } from '../test/support/testbed.js';
import {
  allPass,
  figure,
  machine as machineName,
  writeResult,
  type Figure,
} from './lib/figures.js';

const SWITCHES = 10;
const CONNECTIONS = 50;
const THREADS = 2;
/** Load before the first and after the last switch, so both ends of the run are steady state. */
const LEAD_MS = 2000;
const TAIL_MS = 2000;
const WORKERS = 8;
/** Client loop before t0 and after switchTo returned, per switch. */
const BEFORE_MS = 300;
const AFTER_MS = 400;
const GOAL_READY_TO_ALL_MS = 100;
const REPOSITORY = 'switchyard-bench/deploy-switch';
const RUN_ID = `${process.pid}-${Date.now().toString(36)}`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}
const max = (xs: readonly number[]): number => Math.max(...xs);
const round1 = (x: number): number => Math.round(x * 10) / 10;

// ---- cleanup: everything the bench starts registers its removal here (run in reverse) ----------

const cleanups: { what: string; fn: () => Promise<unknown> }[] = [];
function onCleanup(what: string, fn: () => Promise<unknown>): void {
  cleanups.push({ what, fn });
}
async function cleanup(): Promise<void> {
  for (let c = cleanups.pop(); c; c = cleanups.pop()) {
    try {
      await c.fn();
    } catch (e) {
      console.error(`cleanup of ${c.what} failed: ${String(e)}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });

// ---- helpers ---------------------------------------------------------------------------------

/** GETs `url` until the body names `color`; resolves to the wait in ms. */
async function waitForColor(url: string, color: Color, timeoutMs = 5000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const r = await get(url, 2000);
    if (r.json?.color === color) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${url} never answered color ${color}`);
    await sleep(20);
  }
}

interface LoadSummary {
  readonly requests: number;
  readonly non2xx: number;
  readonly socketErrors: LoadResult['socketErrors'];
  readonly failed: number;
  readonly durationMs: number;
  readonly rps: number;
}

function summarize(r: LoadResult): LoadSummary {
  return {
    requests: r.requests,
    non2xx: r.non2xx,
    socketErrors: r.socketErrors,
    failed: r.non2xx + socketErrorTotal(r),
    durationMs: r.durationMs,
    rps: Math.round(r.rps),
  };
}

const describeLoad = (s: LoadSummary): string =>
  `${s.requests} requests in ${(s.durationMs / 1000).toFixed(1)} s (${s.rps}/s), ${s.non2xx} non-2xx, socket errors connect ${s.socketErrors.connect} / read ${s.socketErrors.read} / write ${s.socketErrors.write} / timeout ${s.socketErrors.timeout}`;

// ---- part 1: ours, 10 deploys through the action under wrk -----------------------------------

interface DeployRun {
  readonly n: number;
  readonly version: string;
  readonly color: string;
  readonly actionMs: number;
  /** The action's own log line: "Switched live traffic blue → green in 85ms". */
  readonly switchLog: string;
}

/**
 * The action the deploys run: a copy of actions/deploy-bluegreen/action.yml and
 * dist/deploy-bluegreen taken at start, so a rebuild of dist/ during the run cannot mix bundles.
 */
const action = { dir: '', sha256: '' };
function snapshotAction(): void {
  const dist = join(ROOT, 'dist/deploy-bluegreen');
  if (!existsSync(join(dist, 'index.js')))
    throw new Error('dist/deploy-bluegreen is missing: run "npm run build" first');
  const tmp = mkdtempSync(join(tmpdir(), 'switchyard-bench-action-'));
  onCleanup('action snapshot', async () => rmSync(tmp, { recursive: true, force: true }));
  // action.yml says main: ../../dist/deploy-bluegreen/index.js, so keep that layout.
  mkdirSync(join(tmp, 'actions/deploy-bluegreen'), { recursive: true });
  copyFileSync(
    join(ROOT, 'actions/deploy-bluegreen/action.yml'),
    join(tmp, 'actions/deploy-bluegreen/action.yml'),
  );
  cpSync(dist, join(tmp, 'dist/deploy-bluegreen'), { recursive: true });
  action.dir = join(tmp, 'actions/deploy-bluegreen');
  action.sha256 = createHash('sha256')
    .update(readFileSync(join(tmp, 'dist/deploy-bluegreen/index.js')))
    .digest('hex');
}

async function deployOrThrow(
  f: DeployFixture,
  inputs: Record<string, string>,
  expectColor: Color,
): Promise<{ ms: number; log: string }> {
  const r = await runAction(action.dir, {
    workspace: f.workspace,
    inputs: { environment: f.environment, ...inputs },
    timeoutMs: 180_000,
  });
  if (r.exitCode !== 0)
    throw new Error(`deploy ${JSON.stringify(inputs)} failed (exit ${r.exitCode}):\n${r.log}`);
  if (r.outputs.color !== expectColor || r.outputs.changed !== 'true')
    throw new Error(
      `deploy ${JSON.stringify(inputs)}: expected color ${expectColor} (changed), got ${JSON.stringify(r.outputs)}\n${r.log}`,
    );
  return { ms: r.durationMs, log: r.log };
}

async function oursUnderLoad(
  f: DeployFixture,
  v1: PushedApp,
  v2: PushedApp,
): Promise<{ load: LoadSummary; wallMs: number; deploys: DeployRun[] }> {
  await waitForColor(`${f.url}/`, 'blue');
  const load = startLoad(`${f.url}/`, {
    connections: CONNECTIONS,
    threads: THREADS,
    maxDurationMs: 15 * 60_000,
  });
  onCleanup('wrk (ours)', () => load.stop().catch(() => undefined));
  const start = Date.now();
  await sleep(LEAD_MS);
  const deploys: DeployRun[] = [];
  for (let n = 1; n <= SWITCHES; n++) {
    const [app, version, color] =
      n % 2 === 1 ? [v2, '2.0.0', 'green' as const] : [v1, '1.0.0', 'blue' as const];
    const r = await deployOrThrow(f, { image: app.pinned }, color);
    const switchLog = /Switched live traffic .*/.exec(r.log)?.[0] ?? '(no switch line)';
    deploys.push({ n, version, color, actionMs: r.ms, switchLog });
    console.log(`  deploy ${n}: ${version} → ${color} in ${r.ms} ms; ${switchLog}`);
  }
  await sleep(TAIL_MS);
  const result = await load.stop();
  return { load: summarize(result), wallMs: Date.now() - start, deploys };
}

// ---- part 2: the naive nginx-reload control, same wrk settings, same duration -----------------

async function nginxUnderLoad(
  durationMs: number,
): Promise<{ load: LoadSummary; reloadMs: number[] }> {
  const name = (color: string): string => `switchyard-bench-ds-${RUN_ID}-nginx-${color}`;
  const blue = await AppContainer.start({ color: 'blue', name: name('blue') });
  onCleanup('nginx control: blue app', () => blue.remove());
  const green = await AppContainer.start({ color: 'green', name: name('green') });
  onCleanup('nginx control: green app', () => green.remove());
  const router = await startNginxRouter({ upstreamPort: blue.port });
  onCleanup('nginx control: nginx', () => router.stop());
  const url = `${router.url}/`;
  await waitForColor(url, 'blue');
  const ports = { blue: blue.port, green: green.port };

  const load = startLoad(url, {
    connections: CONNECTIONS,
    threads: THREADS,
    maxDurationMs: durationMs + 60_000,
  });
  onCleanup('wrk (nginx)', () => load.stop().catch(() => undefined));
  // Switch i is due at LEAD + i·gap, so the last one lands where ours did: TAIL before the end.
  const start = Date.now();
  const gap = Math.max(200, (durationMs - LEAD_MS - TAIL_MS) / SWITCHES);
  const until = (at: number): Promise<void> => sleep(Math.max(0, start + at - Date.now()));
  const reloadMs: number[] = [];
  for (let n = 1; n <= SWITCHES; n++) {
    await until(LEAD_MS + n * gap);
    const color: Color = n % 2 === 1 ? 'green' : 'blue';
    reloadMs.push((await router.switchTo(ports[color])).ms);
    await waitForColor(url, color);
  }
  await until(LEAD_MS + SWITCHES * gap + TAIL_MS);
  const result = await load.stop();
  return { load: summarize(result), reloadMs };
}

// ---- part 3: ready → 100 % on the new color ----------------------------------------------------

interface Sample {
  readonly start: number;
  readonly end: number;
  readonly status: number;
  readonly color: string;
  readonly error?: string;
}

/** The `color` of a JSON body, '' when the body is not JSON or has none. */
function colorOf(chunks: Buffer[]): string {
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { color?: unknown };
    return typeof body.color === 'string' ? body.color : '';
  } catch {
    return '';
  }
}

/** One GET on the keep-alive agent: start and end on performance.now(), the body's color. */
function timedGet(url: string, agent: Agent): Promise<Sample> {
  return new Promise((resolve) => {
    const start = performance.now();
    const fail = (e: unknown): void =>
      resolve({ start, end: performance.now(), status: 0, color: '', error: String(e) });
    const req = request(url, { agent, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.on('end', () => {
        const end = performance.now();
        resolve({ start, end, status: res.statusCode ?? 0, color: colorOf(chunks) });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', fail);
    req.end();
  });
}

/** WORKERS sequential request loops on one keep-alive agent until stopped. */
function clientLoop(url: string, agent: Agent): { stop(): Promise<Sample[]> } {
  let running = true;
  const samples: Sample[] = [];
  const worker = async (): Promise<void> => {
    while (running) samples.push(await timedGet(url, agent));
  };
  const all = Promise.all(Array.from({ length: WORKERS }, worker));
  return {
    stop: async () => {
      running = false;
      await all;
      return samples;
    },
  };
}

interface SwitchMeasure {
  readonly n: number;
  readonly from: Color;
  readonly to: Color;
  /** t0 → end of the first response from the new color. */
  readonly firstNewMs: number;
  /** t0 → start of the last request the old color answered (≤ 0: none after t0). */
  readonly lastOldStartMs: number;
  /** max(0, lastOldStartMs): from t0 on, every request started after this went to the new color. */
  readonly allNewMs: number;
  /** The switchTo call: set map, show map to verify, rewrite the map file. */
  readonly switchToMs: number;
  /**
   * One bare runtime-API round trip (`docker exec … socat`, `show info`) just before t0, under the
   * same client load: the floor of any switch that goes through `docker exec`.
   */
  readonly execRoundTripMs: number;
  readonly requests: number;
  /** Requests that started after t0 and were still answered by the old color. */
  readonly oldAfterT0: number;
  readonly failed: number;
  readonly failures: string[];
}

const quiet: Logger = {
  info: () => undefined,
  debug: () => undefined,
  warning: () => undefined,
  error: () => undefined,
};

async function readyToAllNew(
  f: DeployFixture,
  v2: PushedApp,
): Promise<{ switches: SwitchMeasure[]; idleExecMs: number[] }> {
  // Part 1 ends with v1 live on blue; put v2 on green and leave it ready, unpromoted.
  await waitForColor(`${f.url}/`, 'blue');
  await deployOrThrow(f, { image: v2.pinned, promote: 'false' }, 'green');
  const preview = await get(`${f.previewUrl}/`);
  if (preview.json?.color !== 'green')
    throw new Error(`the preview port should answer green, got ${preview.body}`);
  if ((await get(`${f.url}/`)).json?.color !== 'blue')
    throw new Error('after a promote: false deploy, live should still be blue');

  // The library, with the settings the action read from the fixture's switchyard.yml.
  const config = loadConfig(join(f.workspace, 'switchyard.yml'), { required: true }).resolve(
    f.environment,
  );
  const exec = new ProcessExec(quiet, new Secrets());
  const proxy = `${f.app}-${f.environment}-proxy`;
  const execRoundTrip = async (): Promise<number> => {
    const t = performance.now();
    const r = await exec.run(
      'docker',
      ['exec', '-i', '-u', '0', proxy, 'socat', 'stdio', `unix-connect:${ADMIN_SOCKET}`],
      { input: 'show info\n', quiet: true },
    );
    if (!/Name: HAProxy/.test(r.stdout)) throw new Error(`show info on ${proxy}: ${r.stdout}`);
    return performance.now() - t;
  };
  // As the action builds it: with the kept-open runtime session the deploy opens while it waits
  // for the new color (readiness() arms it once the color is routed).
  const target = createTarget(config, { exec, clock: systemClock, log: quiet });
  onCleanup('runtime session', () => target.close());
  // The same round trip with no client load, for comparison.
  const idleExecMs: number[] = [];
  for (let i = 0; i < 5; i++) idleExecMs.push(round1(await execRoundTrip()));
  const agent = new Agent({ keepAlive: true, maxSockets: WORKERS });
  onCleanup('client agent', async () => agent.destroy());
  const url = `${f.url}/`;
  {
    const warm = clientLoop(url, agent); // open the connections, warm the JIT
    await sleep(500);
    await warm.stop();
  }

  const out: SwitchMeasure[] = [];
  for (let n = 1; n <= SWITCHES; n++) {
    const to: Color = n % 2 === 1 ? 'green' : 'blue';
    const from: Color = to === 'green' ? 'blue' : 'green';
    const loop = clientLoop(url, agent);
    await sleep(BEFORE_MS);
    const execRoundTripMs = await execRoundTrip();
    // "Ready" as the deploy decides it: the last readiness look at the new color.
    const ready = await target.readiness(to);
    if (!ready.routed) throw new Error(`switch ${n}: ${to} is not routed: ${ready.detail}`);
    const t0 = performance.now();
    await target.switchTo(to);
    const t1 = performance.now();
    await sleep(AFTER_MS);
    const samples = await loop.stop();
    const bad = samples.filter((s) => s.status !== 200 || (s.color !== from && s.color !== to));
    const newEnds = samples.filter((s) => s.status === 200 && s.color === to).map((s) => s.end);
    const oldStarts = samples
      .filter((s) => s.status === 200 && s.color === from)
      .map((s) => s.start);
    if (!newEnds.length) throw new Error(`switch ${n} to ${to}: no request reached ${to}`);
    if (!oldStarts.length) throw new Error(`switch ${n}: no request reached ${from} before t0`);
    const lastOldStartMs = max(oldStarts) - t0;
    const m: SwitchMeasure = {
      n,
      from,
      to,
      firstNewMs: round1(Math.min(...newEnds) - t0),
      lastOldStartMs: round1(lastOldStartMs),
      allNewMs: round1(Math.max(0, lastOldStartMs)),
      switchToMs: round1(t1 - t0),
      execRoundTripMs: round1(execRoundTripMs),
      requests: samples.length,
      oldAfterT0: oldStarts.filter((s) => s > t0).length,
      failed: bad.length,
      failures: bad
        .slice(0, 5)
        .map((s) => `${s.status} ${s.color || '(no color)'} ${s.error ?? ''}`.trim()),
    };
    out.push(m);
    console.log(
      `  switch ${n} ${from} → ${to}: first ${to} after ${m.firstNewMs} ms, last ${from} request started at ${m.lastOldStartMs} ms, switchTo ${m.switchToMs} ms (bare docker exec before it ${m.execRoundTripMs} ms), ${m.requests} requests, ${m.failed} failed`,
    );
    await sleep(300);
  }
  return { switches: out, idleExecMs };
}

// ---- main --------------------------------------------------------------------------------------

/** The 1-minute load average at the start of each part: other jobs on the host show here. */
const load1: Record<string, number> = {};

async function main(): Promise<number> {
  const tb = testbed();
  load1.start = loadavg()[0] ?? 0;
  snapshotAction();
  console.log(
    `deploy-switch: run ${RUN_ID}, registry ${tb.registry}, dist/deploy-bluegreen sha256 ${action.sha256.slice(0, 12)}`,
  );
  const [v1, v2] = await Promise.all([
    pushAppVersion('1.0.0', { repository: REPOSITORY }),
    pushAppVersion('2.0.0', { repository: REPOSITORY }),
  ]);
  onCleanup('app version images', () =>
    docker('image', 'rm', v1.ref, v2.ref, v1.pinned, v2.pinned).catch(() => ''),
  );

  const f = await deployFixture();
  onCleanup(`fixture ${f.app}-${f.environment}`, () => f.remove());
  console.log(`\n1. ours: ${f.app}-${f.environment} on ${f.url}, first deploy of 1.0.0`);
  await deployOrThrow(f, { image: v1.pinned }, 'blue');
  load1.ours = loadavg()[0] ?? 0;
  const ours = await oursUnderLoad(f, v1, v2);
  console.log(`  wrk: ${describeLoad(ours.load)}`);

  console.log(`\n2. naive nginx reload, same load, ${(ours.wallMs / 1000).toFixed(1)} s`);
  load1.nginx = loadavg()[0] ?? 0;
  const nginx = await nginxUnderLoad(ours.wallMs);
  console.log(`  wrk: ${describeLoad(nginx.load)}`);

  console.log(
    `\n3. ready → 100 % on the new color (library switchTo, ${WORKERS} keep-alive workers)`,
  );
  load1.switches = loadavg()[0] ?? 0;
  const { switches, idleExecMs } = await readyToAllNew(f, v2);
  load1.end = loadavg()[0] ?? 0;

  const allNew = switches.map((s) => s.allNewMs);
  const firstNew = switches.map((s) => s.firstNewMs);
  const switchTo = switches.map((s) => s.switchToMs);
  const execRoundTrip = switches.map((s) => s.execRoundTripMs);
  const loopFailed = switches.reduce((a, s) => a + s.failed, 0);
  const loopRequests = switches.reduce((a, s) => a + s.requests, 0);
  const deployMs = ours.deploys.map((d) => d.actionMs);
  const figures: Figure[] = [
    figure({
      id: 'ours-failed-requests',
      figure: `Failed requests over ${SWITCHES} deploys through the action (HAProxy map switch), ${CONNECTIONS} keep-alive connections`,
      goal: { max: 0 },
      measured: ours.load.failed,
      unit: 'requests',
      baseline: { label: 'naive nginx reload', measured: nginx.load.failed },
      note: `${describeLoad(ours.load)}; each deploy (pull, start, ready, switch) took ${Math.round(median(deployMs))} ms median, ${Math.round(max(deployMs))} ms max`,
    }),
    figure({
      id: 'nginx-failed-requests',
      figure: `Failed requests over ${SWITCHES} naive nginx reloads (control, same run, same load)`,
      noGoal: '— (control)',
      measured: nginx.load.failed,
      unit: 'requests',
      note:
        `${describeLoad(nginx.load)}; ${(nginx.load.failed / SWITCHES).toFixed(1)} per reload` +
        (nginx.load.failed === 0
          ? '. The control lost nothing this run, so this run does not show the difference'
          : `, against ${ours.load.failed} for ours`),
    }),
    figure({
      id: 'switch-failed-requests',
      figure: `Failed requests over the ${SWITCHES} library switches (client loop, ${WORKERS} keep-alive workers)`,
      goal: { max: 0 },
      measured: loopFailed,
      unit: 'requests',
      note: `${loopRequests} requests in total`,
    }),
    figure({
      id: 'ready-to-all-new-median',
      figure:
        "'New color ready' → 100 % of requests on it (t0 → start of the last request the old color answered), median",
      goal: { max: GOAL_READY_TO_ALL_MS },
      measured: median(allNew),
      unit: 'ms',
      note: `${SWITCHES} switches alternating green/blue: ${allNew.join(', ')} ms`,
    }),
    figure({
      id: 'ready-to-all-new-max',
      figure: "'New color ready' → 100 % on it, max",
      measured: max(allNew),
      unit: 'ms',
      note: 'worst of the 10',
    }),
    figure({
      id: 'ready-to-first-new',
      figure: 't0 → first response from the new color, median',
      measured: median(firstNew),
      unit: 'ms',
      note: `max ${max(firstNew)} ms`,
    }),
    figure({
      id: 'switch-to-call',
      figure: 'Duration of switchTo (set map, verify with show map, rewrite the map file), median',
      measured: median(switchTo),
      unit: 'ms',
      note: `max ${max(switchTo)} ms; set map and show map go over the kept-open runtime session, the map file write is one docker exec`,
    }),
    figure({
      id: 'exec-round-trip',
      figure:
        'One bare runtime-API round trip (docker exec … socat, show info) just before each switch, median',
      measured: median(execRoundTrip),
      unit: 'ms',
      note: `max ${max(execRoundTrip)} ms; the floor of any switch made through docker exec on this host at that moment`,
    }),
    figure({
      id: 'exec-round-trip-idle',
      figure: 'The same round trip with no client load, median of 5',
      measured: median(idleExecMs),
      unit: 'ms',
      note: `${idleExecMs.join(', ')} ms, just before the client loop started`,
    }),
  ];
  const pass = allPass(figures);
  const machine = machineName();
  const result = {
    benchmark: 'deploy-switch',
    date: new Date().toISOString(),
    machine,
    loadAverage1m: Object.fromEntries(
      Object.entries(load1).map(([k, v]): [string, number] => [k, round1(v)]),
    ),
    goals: {
      failedRequests: 0,
      readyToAllNewMedianMs: GOAL_READY_TO_ALL_MS,
    },
    pass,
    figures,
    settings: {
      actionBundleSha256: action.sha256,
      switches: SWITCHES,
      wrk: { connections: CONNECTIONS, threads: THREADS, keepAlive: true },
      clientWorkers: WORKERS,
      loadLeadMs: LEAD_MS,
      loadTailMs: TAIL_MS,
    },
    ours: { ...ours.load, wallMs: ours.wallMs, deploys: ours.deploys },
    nginx: { ...nginx.load, reloadMs: nginx.reloadMs },
    switches,
    idleExecMs,
  };

  const measured = (x: Figure): string =>
    `${x.measured} ${x.unit}${x.pass === null ? '' : x.pass ? ' ✅' : ' ❌'}`;
  const missed = figures.filter((x) => x.pass === false);
  const md = [
    `## deploy-switch (${result.date})`,
    '',
    `Machine: ${machine}; 1-minute load average (a lagging average that includes this bench's own previous part) at the start of each part: ${Object.entries(
      load1,
    )
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(
        ', ',
      )}. wrk: ${CONNECTIONS} keep-alive connections, ${THREADS} threads, on 127.0.0.1; deploys through dist/deploy-bluegreen under Node 24.`,
    '',
    '| figure | goal | measured | note |',
    '| --- | --- | --- | --- |',
    ...figures.map(
      (x) => `| ${x.figure} | ${x.goal} | ${measured(x)} | ${x.note.replace(/\|/g, '\\|')} |`,
    ),
    '',
    pass
      ? 'All goals met.'
      : `Goal missed: ${missed.map((x) => `${x.figure} (${x.measured} ${x.unit}, goal ${x.goal})`).join('; ')}.`,
    ...(median(allNew) > GOAL_READY_TO_ALL_MS
      ? [
          '',
          `The switch is one \`set map\` sent through \`docker exec … socat\`. Just before each switch, under the same client load, a bare round trip of that kind (\`show info\`) took ${median(execRoundTrip)} ms (median), against ${median(allNew)} ms median from t0 to 100 % on the new color; the host's 1-minute load average was ${(load1.switches ?? 0).toFixed(1)} on ${cpus().length} CPUs when this part started.`,
        ]
      : []),
    '',
  ].join('\n');
  writeResult(ROOT, 'deploy-switch', result, md);
  console.log(`\n${md}`);
  return pass ? 0 : 1;
}

let code: number;
try {
  code = await main();
} catch (e) {
  console.error(`deploy-switch failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
