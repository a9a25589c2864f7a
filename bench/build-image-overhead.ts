/**
 * Benchmark: wall time of the build-image action against the raw commands it wraps, on the same
 * context (examples/app) and the same cache state (warm: every layer cached, blobs already in the
 * registry), for buildx and the classic builder. Runs alternate action / raw so drift hits both.
 * Target: action ≤ 1.10 × raw (median of the rounds). The raw run gets the same tags and labels
 * (with a fresh `created` each time, as the action's), so the difference is the action's own work:
 * Node start-up, git and builder detection, the private config, and reading every tag back.
 * Writes bench/results/build-image-overhead.{json,md}; exits 1 when the target is missed.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, runAction } from '../test/support/runner.js';
import { testbed } from '../test/support/testbed.js';
import { allPass, figure, machine, writeResult } from './lib/figures.js';
import { snapshotAction } from './lib/snapshot.js';

const exec = promisify(execFile);
const ROUNDS = 7;
const TARGET = 1.1;
const SHA = '0123456789abcdef0123456789abcdef01234567';
const TAGS = ['1.4.2', '1.4', '1', 'latest', 'sha-0123456'];
const tb = testbed();
/** The action as built when the bench started: a rebuild of dist/ during the run cannot touch it. */
const snapshot = snapshotAction(ROOT, 'build-image');
process.once('exit', () => snapshot.remove());
/** The example app's build context: its Dockerfile plus the bundled server from the testbed's image. */
const context = mkdtempSync(join(tmpdir(), 'switchyard-bench-app-'));
copyFileSync(join(ROOT, 'examples/app/Dockerfile'), join(context, 'Dockerfile'));
const holder = (await exec('docker', ['create', tb.appImage])).stdout.trim();
await exec('docker', ['cp', `${holder}:/app/server.mjs`, join(context, 'server.mjs')]);
await exec('docker', ['rm', holder]);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function labels(): string[] {
  return [
    `org.opencontainers.image.title=shop`,
    `org.opencontainers.image.source=https://github.com/acme/shop`,
    `org.opencontainers.image.url=https://github.com/acme/shop`,
    `org.opencontainers.image.revision=${SHA}`,
    `org.opencontainers.image.version=1.4.2`,
    `org.opencontainers.image.created=${new Date().toISOString()}`,
  ].flatMap((l) => ['--label', l]);
}

type Builder = 'buildx' | 'docker';

async function raw(builder: Builder, cold: boolean, image: string, tmp: string): Promise<number> {
  const refs = TAGS.map((t) => `${tb.registry}/${image}:${t}`);
  const tagArgs = refs.flatMap((r) => ['--tag', r]);
  const start = performance.now();
  if (builder === 'buildx') {
    await exec(
      'docker',
      [
        'buildx',
        'build',
        '--progress',
        'plain',
        ...(cold ? ['--no-cache'] : []),
        '--file',
        join(context, 'Dockerfile'),
        ...labels(),
        '--build-arg',
        `BASE_IMAGE=${tb.baseImage}`,
        ...tagArgs,
        '--metadata-file',
        join(tmp, 'm.json'),
        '--push',
        context,
      ],
      { env: { ...process.env, DOCKER_CONFIG: tb.buildxDockerConfig }, maxBuffer: 64 << 20 },
    );
  } else {
    await exec(
      'docker',
      [
        'build',
        ...(cold ? ['--no-cache'] : []),
        '--file',
        join(context, 'Dockerfile'),
        '--build-arg',
        `BASE_IMAGE=${tb.baseImage}`,
        ...labels(),
        ...tagArgs,
        '--rm',
        '--force-rm',
        context,
      ],
      {
        env: { ...process.env, DOCKER_BUILDKIT: '0' },
        maxBuffer: 64 << 20,
      },
    );
    for (const r of refs) await exec('docker', ['push', r], { maxBuffer: 64 << 20 });
  }
  return performance.now() - start;
}

async function action(builder: Builder, cold: boolean, image: string): Promise<number> {
  const start = performance.now();
  const r = await runAction(snapshot.dir, {
    workspace: context,
    inputs: {
      image,
      registry: tb.registry,
      builder,
      'build-args': `BASE_IMAGE=${tb.baseImage}`,
      'no-cache': String(cold),
    },
    env: {
      GITHUB_REF: 'refs/tags/v1.4.2',
      GITHUB_SHA: SHA,
      ...(builder === 'buildx' ? { DOCKER_CONFIG: tb.buildxDockerConfig } : {}),
    },
  });
  const ms = performance.now() - start;
  if (r.exitCode !== 0) throw new Error(`build-image failed:\n${r.log}`);
  steps.main.push(r.durationMs);
  steps.post.push(r.post?.durationMs ?? 0);
  return ms;
}

/** Main and post step times of the action runs of the current row (for the breakdown). */
const steps = { main: [] as number[], post: [] as number[] };

interface Row {
  builder: Builder;
  cache: 'warm' | 'no-cache';
  actionMs: number[];
  rawMs: number[];
  actionMedian: number;
  rawMedian: number;
  ratio: number;
  overheadMs: number;
  mainMedian: number;
  postMedian: number;
  pass: boolean;
}

async function measure(builder: Builder, cold: boolean): Promise<Row> {
  const tmp = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const image = `bench/${builder}-overhead`;
  try {
    // Warm-up: fill the layer cache and the registry so every round starts from the same state.
    await action(builder, cold, image);
    await raw(builder, cold, image, tmp);
    const actionMs: number[] = [];
    const rawMs: number[] = [];
    steps.main = [];
    steps.post = [];
    for (let i = 0; i < ROUNDS; i++) {
      actionMs.push(await action(builder, cold, image));
      rawMs.push(await raw(builder, cold, image, tmp));
    }
    const actionMedian = median(actionMs);
    const rawMedian = median(rawMs);
    const ratio = actionMedian / rawMedian;
    const cache = cold ? ('no-cache' as const) : ('warm' as const);
    return {
      builder,
      cache,
      actionMs,
      rawMs,
      actionMedian,
      rawMedian,
      ratio,
      overheadMs: actionMedian - rawMedian,
      mainMedian: median(steps.main),
      postMedian: median(steps.post),
      pass: ratio <= TARGET,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
for (const b of ['buildx', 'docker'] as const)
  for (const cold of [false, true]) rows.push(await measure(b, cold));
const rawLabel = (b: Builder): string => (b === 'buildx' ? 'raw docker buildx' : 'raw docker');
const figures = rows.map((r) =>
  figure({
    id: `${r.builder}-${r.cache}`,
    figure: `build-image (builder: ${r.builder}, ${r.cache === 'warm' ? 'warm cache' : 'no-cache'}, ${TAGS.length} tags, push) vs the same ${r.builder === 'buildx' ? '`docker buildx build --push`' : '`docker build` + `docker push`'}, median of ${ROUNDS}`,
    measured: Math.round(r.actionMedian),
    unit: 'ms',
    baseline: { label: rawLabel(r.builder), measured: Math.round(r.rawMedian) },
    ratio: r.ratio,
    goal: { max: TARGET, on: 'ratio', text: `≤ ${TARGET}× raw` },
    note: `overhead ${Math.round(r.overheadMs)} ms; the action's main step ${Math.round(r.mainMedian)} ms, post step ${Math.round(r.postMedian)} ms (medians)`,
  }),
);
const result = {
  benchmark: 'build-image-overhead',
  date: new Date().toISOString(),
  machine: machine(),
  target: `action <= ${TARGET} x raw (median of ${ROUNDS})`,
  pass: allPass(figures),
  figures,
  actionBundleSha256: snapshot.mainSha256,
  context: 'examples/app (Dockerfile + bundled server)',
  tags: TAGS,
  rows,
};
const fmt = (ms: number): string => `${Math.round(ms)} ms`;
const md = [
  '# build-image overhead (examples/app, 5 tags, local registry)',
  '',
  '| builder | cache | raw median | action median | (main step / post step) | overhead | ratio | target | result |',
  '|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.builder} | ${r.cache} | ${fmt(r.rawMedian)} | ${fmt(r.actionMedian)} | ${fmt(r.mainMedian)} / ${fmt(r.postMedian)} | ${fmt(r.overheadMs)} | ${r.ratio.toFixed(3)} | ≤ ${TARGET} | ${r.pass ? 'pass' : 'FAIL'} |`,
  ),
  '',
  `Rounds: ${ROUNDS}, alternating action and raw after one warm-up each. Raw = the same build and push commands with the same tags and labels, pushes one after another as a shell script would. The action's time includes its main and post steps (two Node 24 starts, ~45 ms each).`,
  '',
].join('\n');
writeResult(ROOT, 'build-image-overhead', result, md);
console.log(md);
rmSync(context, { recursive: true, force: true });
process.exit(result.pass ? 0 : 1);
