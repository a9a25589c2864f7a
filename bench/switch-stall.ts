/**
 * Benchmark: does the new color stall right after a switch? (issue 20, item 1)
 *
 * The way the stall was found: wrk with 50 keep-alive connections on the live URL for the whole
 * run, plus a probe client (PROBE_WORKERS keep-alive loops) that puts every request on a time
 * line. Each round is a quiet period (steady load, nothing deployed), then a real deploy through
 * the library (`deploy()` over the Docker target, sources bundled like every bench): a fresh,
 * cold container in the idle color, waited ready, switched. t0 is taken when `switchTo` is called.
 *
 * Per switch: the worst probe latency of the requests that started in the first second after t0,
 * against the worst of the 10 s before t0. Control windows: the last second of each quiet period
 * against its 10 s before, with no switch anywhere near. A window "stalls" when a request in it
 * took ≥ STALL_MS or got no answer. Rounds alternate four arms, so every arm and the control are
 * measured in the same run, under the same load: the warm-up off (the stall as reported) and on
 * (the default), each with the example app as it is and with a model of a cold request path (the
 * image's `--require` preload makes the first COLD_REQUESTS requests block the event loop for
 * COLD_MS, falling linearly to 0: a lazily built cache, a JIT-cold handler; Docker's own health
 * checks excluded). The app's default behaviour is not changed.
 *
 * Writes bench/results/switch-stall.{json,md}; exits 1 when the goal is missed (switches with
 * the warm-up stall no more often than control windows do). Removes what it started. Needs the
 * testbed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, type EnvironmentConfig } from '@switchyard/config';
import { ProcessExec, Secrets, systemClock, type Logger } from '@switchyard/kit';
import { nodeHttp } from '@switchyard/probe';
import { createTarget, deploy, lockHolder, type Color, type Target } from '@switchyard/targets';
import { pushAppVersion, pushDigest, type PushedApp } from '../test/support/app-versions.js';
import { deployFixture } from '../test/support/deploy.js';
import { socketErrorTotal, startLoad, sumLoads, type LoadResult } from '../test/support/load.js';
import { ROOT } from '../test/support/runner.js';
import { docker, testbed } from '../test/support/testbed.js';
import { allPass, figure, machine, writeResult, type Figure } from './lib/figures.js';

/** Rounds per arm; the arms alternate round by round. */
const ROUNDS_PER_ARM = 6;
const APPS = ['plain', 'cold'] as const;
type App = (typeof APPS)[number];
const WARM = ['off', 'on'] as const;
type Warm = (typeof WARM)[number];
interface Arm {
  readonly app: App;
  readonly warm: Warm;
}
const ARMS: readonly Arm[] = APPS.flatMap((app) => WARM.map((warm) => ({ app, warm })));
const armName = (a: Arm): string => `${a.app} app, warm-up ${a.warm}`;
/** The cold-path model: the first COLD_REQUESTS requests block for COLD_MS falling to 0. */
const COLD_REQUESTS = 300;
const COLD_MS = 20;
const CONNECTIONS = 50;
const THREADS = 2;
const PROBE_WORKERS = 4;
const PROBE_TIMEOUT_MS = 10_000;
/** Steady load with nothing deployed, before each deploy starts; its last second is a control. */
const QUIET_MS = 11_000;
const WINDOW_MS = 1000;
const BEFORE_MS = 10_000;
/** Load after each switch before the next round's quiet period starts counting. */
const AFTER_MS = 2000;
/** A request this slow, or unanswered, is a stall. */
const STALL_MS = 1000;
/** Probe requests at least this slow go on the printed time line. */
const SLOW_MS = 250;
const REPOSITORY = 'switchyard-bench/switch-stall';

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round1 = (x: number): number => Math.round(x * 10) / 10;
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

const cleanups: { what: string; fn: () => Promise<unknown> }[] = [];
const onCleanup = (what: string, fn: () => Promise<unknown>): void => {
  cleanups.push({ what, fn });
};
async function cleanup(): Promise<void> {
  for (let c = cleanups.pop(); c; c = cleanups.pop())
    await c.fn().catch((e: unknown) => console.error(`cleanup of ${c.what} failed: ${String(e)}`));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));

// ---- the probe: every request on a time line ----------------------------------------------------

/** Start times and latencies of every probe request (ms on performance.now()); -1: no answer. */
const probe = { starts: [] as number[], ms: [] as number[], slow: [] as string[], running: true };

function probeGet(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve) => {
    const start = performance.now();
    const done = (what: string, failed: boolean): void => {
      const ms = performance.now() - start;
      probe.starts.push(start);
      probe.ms.push(failed ? -1 : ms);
      if (failed || ms >= SLOW_MS) probe.slow.push(`${(start / 1000).toFixed(3)} s: ${what}`);
      resolve();
    };
    const req = request(url, { agent, timeout: PROBE_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (e) => done(`error ${e.message}`, true));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const color = /"color":"(\w+)"/.exec(body)?.[1] ?? '?';
        done(`${res.statusCode ?? 0} ${color} ${Math.round(performance.now() - start)} ms`, false);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${PROBE_TIMEOUT_MS} ms`)));
    req.on('error', (e) => done(`error ${e.message}`, true));
    req.end();
  });
}

function startProbe(url: string): () => Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: PROBE_WORKERS });
  const loops = Array.from({ length: PROBE_WORKERS }, async () => {
    while (probe.running) await probeGet(url, agent);
  });
  return async () => {
    probe.running = false;
    await Promise.all(loops);
    agent.destroy();
  };
}

/** The worst latency of the probe requests that started in [from, to): no answer counts as ∞. */
function worst(from: number, to: number): { ms: number; requests: number; failed: number } {
  let ms = 0;
  let requests = 0;
  let failed = 0;
  for (let i = 0; i < probe.starts.length; i++) {
    const s = probe.starts[i] ?? 0;
    if (s < from || s >= to) continue;
    requests++;
    const m = probe.ms[i] ?? 0;
    if (m < 0) failed++;
    else ms = Math.max(ms, m);
  }
  return { ms: failed ? Number.POSITIVE_INFINITY : ms, requests, failed };
}

// ---- one round: quiet period, then a deploy ------------------------------------------------------

interface Window {
  readonly kind: 'switch' | 'control';
  readonly arm: string | null;
  readonly round: number;
  readonly at: number;
  readonly worstMs: number;
  readonly worstBeforeMs: number;
  readonly requests: number;
  readonly failed: number;
  readonly stalled: boolean;
}

function windowAt(kind: Window['kind'], arm: string | null, round: number, at: number): Window {
  const w = worst(at, at + WINDOW_MS);
  const b = worst(at - BEFORE_MS, at);
  return {
    kind,
    arm,
    round,
    at: round1(at / 1000),
    worstMs: round1(Math.min(w.ms, PROBE_TIMEOUT_MS)),
    worstBeforeMs: round1(Math.min(b.ms, PROBE_TIMEOUT_MS)),
    requests: w.requests,
    failed: w.failed,
    stalled: w.ms >= STALL_MS,
  };
}

/** The target with `switchTo` timed: t0 is when it is called. */
function timed(target: Target, t: { t0: number }): Target {
  return new Proxy(target, {
    get(obj, key): unknown {
      if (key === 'switchTo')
        return (color: Color): Promise<number> => {
          t.t0 = performance.now();
          return obj.switchTo(color);
        };
      const v: unknown = Reflect.get(obj, key, obj);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(obj) : v;
    },
  });
}

interface DeployLine {
  readonly round: number;
  readonly arm: string;
  readonly lines: string[];
}

const logOf = (
  lines: string[],
): Logger & { group<T>(t: string, f: () => Promise<T>): Promise<T> } => ({
  info: (m) => lines.push(m),
  debug: () => undefined,
  warning: (m) => lines.push(`warning: ${m}`),
  error: (m) => lines.push(`error: ${m}`),
  group: (_t, f) => f(),
});

async function deployRound(
  config: EnvironmentConfig,
  image: string,
  warm: Warm,
  lines: string[],
): Promise<{ t0: number; color: Color }> {
  const exec = new ProcessExec(logOf([]), new Secrets());
  const t = { t0: 0 };
  const log = logOf(lines);
  const target = timed(createTarget(config, { exec, clock: systemClock, log }), t);
  const r = await deploy(
    target,
    {
      health: config.health,
      readyTimeoutMs: config.readyTimeoutMs,
      keepPreviousMs: config.keepPreviousMs,
      lockTimeoutMs: 60_000,
      holder: lockHolder({}),
      warmUp: warm === 'on' ? config.warmUp : null,
      image,
      pull: 'missing',
      promote: true,
      keepFailed: false,
    },
    { clock: systemClock, log, http: nodeHttp },
  );
  if (!r.switched || !r.color) throw new Error(`deploy of ${image} did not switch: ${r.message}`);
  return { t0: t.t0, color: r.color };
}

const COLD_PRELOAD = `// switch-stall's cold-path model: the first requests block the event loop, less and less.
const http = require('node:http');
const N = ${COLD_REQUESTS}, MS = ${COLD_MS};
let served = 0;
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, ...rest) {
  if (event === 'request' && !req.headers['x-switchyard-probe'] && served < N) {
    const until = Date.now() + MS * (1 - served++ / N);
    while (Date.now() < until);
  }
  return emit.call(this, event, req, ...rest);
};
`;

/** Builds and pushes `<registry>/<REPOSITORY>:<version>-cold`: the app with the cold preload. */
async function pushColdVersion(version: string): Promise<PushedApp> {
  const tb = testbed();
  const ref = `${tb.registry}/${REPOSITORY}:${version}-cold`;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-cold-'));
  try {
    writeFileSync(join(dir, 'cold.cjs'), COLD_PRELOAD);
    writeFileSync(
      join(dir, 'Dockerfile'),
      [
        `FROM ${tb.appImage}`,
        `ENV APP_VERSION=${version}`,
        `LABEL org.opencontainers.image.version=${version}-cold switchyard.testbed=true`,
        'COPY cold.cjs /app/cold.cjs',
        'CMD ["node", "--require", "/app/cold.cjs", "/app/server.mjs"]',
        '',
      ].join('\n'),
    );
    await run('docker', ['build', '--rm', '--force-rm', '-q', '-t', ref, dir], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
    });
    const { stdout } = await run('docker', ['push', ref]);
    const digest = pushDigest(stdout);
    const name = ref.slice(0, ref.lastIndexOf(':'));
    return { ref, digest, pinned: `${name}@${digest}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- main ------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const images: Record<App, readonly [PushedApp, PushedApp]> = {
    plain: [
      await pushAppVersion('1.0.0', { repository: REPOSITORY }),
      await pushAppVersion('2.0.0', { repository: REPOSITORY }),
    ],
    cold: [await pushColdVersion('1.0.0'), await pushColdVersion('2.0.0')],
  };
  const all = Object.values(images).flat();
  onCleanup('images', () =>
    docker('image', 'rm', ...all.flatMap((i) => [i.ref, i.pinned])).catch(() => ''),
  );
  const f = await deployFixture();
  onCleanup(`fixture ${f.app}`, () => f.remove());
  const config = loadConfig(join(f.workspace, 'switchyard.yml'), { required: true }).resolve(
    f.environment,
  );
  const first: string[] = [];
  await deployRound(config, images.plain[0].pinned, 'off', first);
  const rounds = ROUNDS_PER_ARM * ARMS.length;
  const total = rounds * (QUIET_MS + 5000 + AFTER_MS) + 60_000;
  const load1 = loadavg()[0] ?? 0;
  // One wrk run per round, so its failures are told apart by arm (a stall of the warm-up-off arm
  // times wrk's requests out; those say nothing of the default).
  let wrk = startLoad(`${f.url}/`, {
    connections: CONNECTIONS,
    threads: THREADS,
    maxDurationMs: total,
  });
  onCleanup('wrk', () => wrk.stop().catch(() => undefined));
  const loads: { arm: Arm; load: LoadResult }[] = [];
  const stopProbe = startProbe(`${f.url}/`);
  onCleanup('probe', stopProbe);
  console.log(
    `switch-stall: ${f.app}-${f.environment} on ${f.url}, ${rounds} rounds, load average ${load1.toFixed(1)}`,
  );

  const marks: { kind: Window['kind']; arm: string | null; round: number; at: number }[] = [];
  const deploys: DeployLine[] = [];
  for (let n = 1; n <= rounds; n++) {
    const arm = ARMS[(n - 1) % ARMS.length] ?? { app: 'plain', warm: 'off' };
    const image = images[arm.app][n % 2]?.pinned ?? '';
    const quietStart = performance.now();
    await sleep(QUIET_MS);
    marks.push({ kind: 'control', arm: null, round: n, at: quietStart + QUIET_MS - WINDOW_MS });
    const lines: string[] = [];
    const { t0, color } = await deployRound(config, image, arm.warm, lines);
    deploys.push({ round: n, arm: armName(arm), lines });
    marks.push({ kind: 'switch', arm: armName(arm), round: n, at: t0 });
    const warm = lines.find((l) => l.startsWith('warmed') || l.startsWith('warning: warmed'));
    console.log(`  round ${n} (${armName(arm)}) → ${color}${warm ? `: ${warm}` : ''}`);
    await sleep(AFTER_MS);
    loads.push({ arm, load: await wrk.stop() });
    if (n < rounds)
      wrk = startLoad(`${f.url}/`, {
        connections: CONNECTIONS,
        threads: THREADS,
        maxDurationMs: total,
      });
  }
  // Windows are judged once every probe request has ended: a stalled one is recorded only then.
  await stopProbe();
  const load = sumLoads(loads.map((l) => l.load));
  const loadOf = (warm: Warm): LoadResult =>
    sumLoads(loads.filter((l) => l.arm.warm === warm).map((l) => l.load));
  const failedOf = (l: LoadResult): number => l.non2xx + socketErrorTotal(l);
  const failures = (l: LoadResult): string =>
    `${l.requests} requests; ${l.non2xx} non-2xx; socket errors connect ${l.socketErrors.connect}, read ${l.socketErrors.read}, write ${l.socketErrors.write}, timeout ${l.socketErrors.timeout}`;
  const windows = marks.map((m) => windowAt(m.kind, m.arm, m.round, m.at));
  for (const w of windows)
    console.log(
      `  round ${w.round} ${w.kind === 'switch' ? `switch (${w.arm ?? ''})` : 'control'}: worst ${w.worstMs} ms in the 1st s (${w.requests} requests, ${w.failed} unanswered), 10 s before ${w.worstBeforeMs} ms`,
    );

  const switches = (app: App, warm: Warm): Window[] =>
    windows.filter((w) => w.kind === 'switch' && w.arm === armName({ app, warm }));
  const controls = windows.filter((w) => w.kind === 'control');
  const stalls = (ws: readonly Window[]): number => ws.filter((w) => w.stalled).length;
  const worstOf = (ws: readonly Window[]): string =>
    ws.map((w) => (w.failed ? `${w.worstMs}+` : w.worstMs)).join(', ');
  const describe = (ws: readonly Window[]): string =>
    `worst per window ${worstOf(ws)} ms; median of the 10 s before ${median(ws.map((w) => w.worstBeforeMs))} ms`;
  const worstMedian = (ws: readonly Window[]): number => median(ws.map((w) => w.worstMs));
  const controlStalls = stalls(controls);
  const figures: Figure[] = [];
  for (const app of APPS) {
    const on = switches(app, 'on');
    const off = switches(app, 'off');
    const what =
      app === 'plain'
        ? 'example app as it is'
        : `cold-path model (${COLD_REQUESTS} requests, ${COLD_MS} ms → 0)`;
    figures.push(
      figure({
        id: `${app}-stalls-on`,
        figure: `${what}: switches with a probe request ≥ ${STALL_MS} ms or unanswered in the 1st second after the switch, warm-up on (default)`,
        goal: { max: controlStalls, text: `≤ control (${controlStalls} of ${controls.length})` },
        measured: stalls(on),
        unit: `of ${on.length}`,
        baseline: { label: 'warm-up off', measured: stalls(off) },
        note: `on: ${describe(on)}. off: ${describe(off)}`,
      }),
      figure({
        id: `${app}-worst-on`,
        figure: `${what}: worst probe latency in the 1st second after a switch, median over switches, warm-up on`,
        measured: worstMedian(on),
        unit: 'ms',
        baseline: { label: 'warm-up off', measured: worstMedian(off) },
        note: `control windows (no switch), same run: median ${worstMedian(controls)} ms; the 10 s before the switches: median ${median([...on, ...off].map((w) => w.worstBeforeMs))} ms`,
      }),
    );
  }
  figures.push(
    figure({
      id: 'stalls-control',
      figure: `Control windows (last second of a quiet period, no switch) with a probe request ≥ ${STALL_MS} ms or unanswered`,
      noGoal: '— (control)',
      measured: controlStalls,
      unit: `of ${controls.length}`,
      note: describe(controls),
    }),
    figure({
      id: 'wrk-failed',
      figure: `wrk (${CONNECTIONS} keep-alive connections) failed requests over the rounds with the warm-up on (default), both apps`,
      goal: { max: 0 },
      measured: failedOf(loadOf('on')),
      unit: 'requests',
      baseline: { label: 'warm-up off', measured: failedOf(loadOf('off')) },
      note: `warm-up on: ${failures(loadOf('on'))}; warm-up off: ${failures(loadOf('off'))} (a timeout is wrk's own 2 s request timeout). One wrk run per round; over the run ${load.requests} requests, ${Math.round(load.rps)}/s, and ${probe.starts.length} probe requests`,
    }),
  );
  const pass = allPass(figures);
  const result = {
    benchmark: 'switch-stall',
    date: new Date().toISOString(),
    machine: machine(),
    loadAverage1m: round1(load1),
    pass,
    figures,
    settings: {
      ROUNDS_PER_ARM,
      CONNECTIONS,
      PROBE_WORKERS,
      QUIET_MS,
      WINDOW_MS,
      BEFORE_MS,
      STALL_MS,
      COLD_REQUESTS,
      COLD_MS,
      warmUp: config.warmUp,
    },
    windows,
    deploys,
    slow: probe.slow,
  };
  const md = [
    `## switch-stall (${result.date})`,
    '',
    `Machine: ${result.machine}, load average ${load1.toFixed(1)} at start. wrk ${CONNECTIONS} keep-alive connections + ${PROBE_WORKERS} probe loops on the live URL; ${rounds} rounds of ${QUIET_MS / 1000} s quiet, then a deploy through the library; arms alternate (${ARMS.map(armName).join(' / ')}).`,
    '',
    '| figure | goal | measured | note |',
    '| --- | --- | --- | --- |',
    ...figures.map(
      (x) =>
        `| ${x.figure} | ${x.goal} | ${x.measured} ${x.unit}${x.pass === null ? '' : x.pass ? ' ✅' : ' ❌'} | ${x.note} |`,
    ),
    '',
  ].join('\n');
  writeResult(ROOT, 'switch-stall', result, md);
  console.log(
    `\nslow probe requests (≥ ${SLOW_MS} ms):\n${probe.slow.slice(0, 200).join('\n')}\n\n${md}`,
  );
  return pass ? 0 : 1;
}

let code: number;
try {
  code = await main();
} catch (e) {
  console.error(`switch-stall failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
