/**
 * Benchmark: the Kubernetes target's switch (issue 22), on the cluster SWITCHYARD_E2E_KUBECONFIG
 * names (test/support/kubernetes-cluster.ts; .github/workflows/e2e-kubernetes.yml runs it on kind):
 * - selector patch → every answer from the new color: from the start of the patch until 20
 *   answers in a row through the live NodePort come from the new version, median of 10 switches;
 * - rollback by switch to the warm previous color (the rollback function, verify included).
 * Without a cluster it writes a result that says "not run: no cluster" (no cluster can be installed
 * on the dev machines: DESIGN.md §5). Writes bench/results/kubernetes-switch.{json,md}.
 */
import { systemClock } from '@switchyard/kit';
import { deploy, rollback } from '@switchyard/targets';
import { ROOT } from '../test/support/runner.js';
import { clusterMissing, testCluster } from '../test/support/kubernetes-cluster.js';
import { allPass, figure, machine, median, writeResult } from './lib/figures.js';

const SWITCHES = 10;
const IN_A_ROW = 20;
const missing = clusterMissing();

if (missing.length > 0) {
  const reason = `no cluster (set ${missing.join(' and ')})`;
  const result = {
    name: 'kubernetes-switch',
    benchmark: 'kubernetes-switch',
    date: new Date().toISOString(),
    machine: machine(),
    passed: true,
    figures: [],
    notRun: reason,
  };
  writeResult(ROOT, 'kubernetes-switch', result, `# Kubernetes switch\n\nNot run: ${reason}.\n`);
  console.log(`kubernetes-switch: not run: ${reason}`);
} else {
  const cluster = testCluster();
  const [v1, v2] = cluster.images;
  const version = async (url: string): Promise<string> => {
    const r = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return ((await r.json()) as { version: string }).version;
  };
  /** Ms from `t0` until IN_A_ROW answers in a row report `want`. */
  const settled = async (t0: number, want: string): Promise<number> => {
    let row = 0;
    let last = t0;
    while (row < IN_A_ROW) {
      const v = await version(cluster.url).catch(() => '');
      if (v === want) {
        if (row === 0) last = Date.now();
        row++;
      } else row = 0;
      if (Date.now() - t0 > 60_000) throw new Error(`${want} not settled within 60 s`);
    }
    return last - t0;
  };
  cluster.create();
  const switchMs: number[] = [];
  const rollbackMs: number[] = [];
  try {
    const t = cluster.target();
    await deploy(t, cluster.request(v1), cluster.deps);
    await deploy(t, cluster.request(v2, { promote: false }), cluster.deps);
    for (let i = 0; i < SWITCHES; i++) {
      const live = (await t.status()).live;
      const next = live === 'blue' ? 'green' : 'blue';
      const want = (await t.status()).colors[next]?.version ?? '';
      const t0 = Date.now();
      await t.switchTo(next);
      switchMs.push(await settled(t0, want));
      await systemClock.sleep(500);
    }
    for (let i = 0; i < 3; i++) {
      const before = await t.status();
      const back = before.previous ? before.colors[before.previous]?.version : undefined;
      const t0 = Date.now();
      await rollback(t, { ...cluster.request(v1), verifyTimeoutMs: 30_000 }, cluster.deps);
      rollbackMs.push(Date.now() - t0);
      if (back && (await version(cluster.url)) !== back)
        throw new Error(`rollback did not put ${back} back`);
    }
    await t.close();
  } finally {
    cluster.remove();
  }
  const figures = [
    figure({
      id: 'selector-patch-settled',
      figure: `selector patch → ${IN_A_ROW} answers in a row from the new color through the live NodePort, median of ${SWITCHES} switches`,
      measured: median(switchMs),
      unit: 'ms',
      note: `per switch ${switchMs.join(', ')} ms`,
    }),
    figure({
      id: 'rollback-switch',
      figure: 'rollback by switch to the warm previous color (verify included), median of 3',
      measured: median(rollbackMs),
      unit: 'ms',
      note: `per rollback ${rollbackMs.join(', ')} ms`,
    }),
  ];
  const result = {
    name: 'kubernetes-switch',
    benchmark: 'kubernetes-switch',
    date: new Date().toISOString(),
    machine: machine(),
    passed: allPass(figures),
    figures,
  };
  writeResult(
    ROOT,
    'kubernetes-switch',
    result,
    `# Kubernetes switch\n\n${result.date}, ${result.machine}, namespace ${cluster.namespace}.\n\n- switches: ${switchMs.join(', ')} ms\n- rollbacks: ${rollbackMs.join(', ')} ms\n`,
  );
}
