/**
 * Benchmark: cold start and bundle size of each bundled action under Node 24.
 *
 * The bundle of every action (dist/<action>/ for each actions/<action>/action.yml; dist/cli is
 * not an action) is copied aside at start, so a rebuild during the run cannot mix bundles.
 * Each is started under Node 24 with no INPUT_* (or GITHUB_*)
 * variables, so it parses its inputs and fails fast with `::error::<action>: input …`; the bench
 * checks that line and the exit code on every run, so what it times is a real start (load the
 * bundle, parse inputs, report) and not, say, a missing file. Same run, interleaved round by round
 * with a rotating order: `node -e 0` under the same Node 24, the floor of any Node step.
 * 2 warm-up rounds, then 15; the figure is the median wall time (spawn → exit) of each.
 * Goal: each action's median ≤ 3 × the median of `node -e 0`.
 * Bundle sizes (index.js, and post/index.js where there is one) are reported without a goal.
 *
 * Writes bench/results/cold-start.{json,md}; exits 1 when a goal is missed. Needs no testbed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE24, ROOT } from '../test/support/runner.js';
import { allPass, figure, machine, writeResult, type Figure, median } from './lib/figures.js';

const WARMUP = 2;
const ROUNDS = 15;
const GOAL_RATIO = 3;

const round1 = (x: number): number => Math.round(x * 10) / 10;

interface Program {
  /** "node -e 0" or the action's name. */
  readonly name: string;
  readonly args: readonly string[];
  /** Checks one run's exit code and output; throws when it was not the expected start. */
  readonly check: (status: number | null, out: string) => void;
}

const tmp = mkdtempSync(join(tmpdir(), 'switchyard-bench-cold-'));
const workspace = join(tmp, 'workspace');
try {
  // The actions are the folders of actions/ (dist/ also holds bundles that are not actions, e.g.
  // cli); each must have its bundle, so a half-built dist/ fails here instead of measuring fewer.
  const actions = readdirSync(join(ROOT, 'actions'))
    .filter((d) => existsSync(join(ROOT, 'actions', d, 'action.yml')))
    .sort();
  const missing = actions.filter((a) => !existsSync(join(ROOT, 'dist', a, 'index.js')));
  if (!actions.length || missing.length)
    throw new Error(
      `no bundle for ${missing.join(', ') || 'any action'} in dist/: run "npm run build" first`,
    );
  for (const a of actions) cpSync(join(ROOT, 'dist', a), join(tmp, 'dist', a), { recursive: true });
  mkdirSync(workspace);

  // The runner's context would come from these; without them each action stops at its inputs.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(INPUT_|GITHUB_|RUNNER_|ACTIONS_)/.test(k) && k !== 'NODE_OPTIONS',
    ),
  );
  const nodeVersion = spawnSync(NODE24, ['--version'], { encoding: 'utf8' }).stdout.trim();

  const programs: Program[] = [
    {
      name: 'node -e 0',
      args: ['-e', '0'],
      check: (status, out) => {
        if (status !== 0) throw new Error(`node -e 0: exit ${status}\n${out}`);
      },
    },
    ...actions.map((a): Program => ({
      name: a,
      args: [join(tmp, 'dist', a, 'index.js')],
      check: (status, out) => {
        if (status === 0 || !out.includes(`::error::${a}: input `))
          throw new Error(
            `${a}: expected a failing exit and "::error::${a}: input …", got exit ${status}\n${out}`,
          );
      },
    })),
  ];

  const times = new Map<string, number[]>(programs.map((p) => [p.name, []]));
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    // Rotate the order so no program always runs first (or right after the same neighbour).
    const order = programs.map((_, i) => programs[(i + round) % programs.length]!);
    for (const p of order) {
      const start = performance.now();
      const r = spawnSync(NODE24, p.args, { cwd: workspace, env, encoding: 'utf8' });
      const ms = performance.now() - start;
      if (r.error) throw r.error;
      p.check(r.status, `${r.stdout}${r.stderr}`);
      if (round >= WARMUP) times.get(p.name)!.push(ms);
    }
  }

  const floor = median(times.get('node -e 0')!);
  const figures: Figure[] = [
    figure({
      id: 'node-e-0',
      figure: `node -e 0 under Node 24 (the floor of any step), median of ${ROUNDS}`,
      measured: round1(floor),
      unit: 'ms',
      note: `${nodeVersion}; min ${round1(Math.min(...times.get('node -e 0')!))} ms, max ${round1(Math.max(...times.get('node -e 0')!))} ms`,
    }),
    ...actions.map((a) => {
      const ms = times.get(a)!;
      return figure({
        id: `cold-start-${a}`,
        figure: `${a}: cold start to its input error under Node 24, median of ${ROUNDS}`,
        measured: round1(median(ms)),
        unit: 'ms',
        baseline: { label: 'node -e 0', measured: round1(floor) },
        ratio: median(ms) / floor,
        goal: { max: GOAL_RATIO, on: 'ratio', text: `≤ ${GOAL_RATIO}× node -e 0` },
        note: `min ${round1(Math.min(...ms))} ms, max ${round1(Math.max(...ms))} ms; the run ends with "::error::${a}: input …"`,
      });
    }),
  ];

  const bundles = actions.flatMap((a) =>
    ['index.js', 'post/index.js']
      .map((f) => join(tmp, 'dist', a, f))
      .filter((p) => existsSync(p))
      .map((p) => {
        const file = `dist/${a}/${p.slice(join(tmp, 'dist', a).length + 1)}`;
        const sha256 = createHash('sha256').update(readFileSync(p)).digest('hex');
        return { action: a, file, bytes: statSync(p).size, sha256 };
      }),
  );
  for (const b of bundles)
    figures.push(
      figure({
        id: `size-${b.file.slice('dist/'.length, -'/index.js'.length).replace('/', '-')}`,
        figure: `${b.file}: bundle size`,
        measured: round1(b.bytes / 1000),
        unit: 'kB',
        note: `${b.bytes.toLocaleString('en-US')} bytes, sha256 ${b.sha256.slice(0, 12)}`,
      }),
    );

  const pass = allPass(figures);
  const result = {
    benchmark: 'cold-start',
    date: new Date().toISOString(),
    machine: machine(),
    node: nodeVersion,
    goal: `each action's median <= ${GOAL_RATIO} x node -e 0 (median of ${ROUNDS}, same run)`,
    pass,
    figures,
    settings: { warmup: WARMUP, rounds: ROUNDS },
    timesMs: Object.fromEntries([...times].map(([k, v]) => [k, v.map(round1)])),
    bundles,
  };
  const md = [
    `## cold-start (${result.date})`,
    '',
    `${result.machine}, ${nodeVersion}. Each bundle started with no inputs (it fails fast with its input error), interleaved with \`node -e 0\`; ${WARMUP} warm-up rounds, then ${ROUNDS}.`,
    '',
    '| figure | goal | measured | ratio |',
    '| --- | --- | --- | --- |',
    ...figures.map(
      (f) =>
        `| ${f.figure} | ${f.goal} | ${f.measured} ${f.unit}${f.pass === null ? '' : f.pass ? ' ✅' : ' ❌'} | ${f.ratio === null ? '—' : `${f.ratio.toFixed(2)}×`} |`,
    ),
    '',
  ].join('\n');
  writeResult(ROOT, 'cold-start', result, md);
  console.log(md);
  process.exitCode = pass ? 0 : 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
