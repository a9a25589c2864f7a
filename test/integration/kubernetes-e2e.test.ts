/**
 * The Kubernetes target end to end, on whatever cluster SWITCHYARD_E2E_KUBECONFIG points at (a kind
 * cluster in .github/workflows/e2e-kubernetes.yml): the Target conformance suite, then the issue's
 * scenarios — deploy, smoke on the preview, promote under keep-alive load with no failed request,
 * the re-apply trap, a failed rollout leaving live untouched, rollback by switch and by scale-up,
 * retire, lock contention. Each run works in a namespace of its own, removed at the end.
 *
 * Without a cluster it does not run, and says so: one skipped test whose name is the reason, and a
 * warning in the output (no cluster can be installed on the dev machines: DESIGN.md §5).
 *
 * Environment: see test/support/kubernetes-cluster.ts (SWITCHYARD_E2E_KUBECONFIG, _IMAGES, _PORTS).
 */
import { systemClock } from '@switchyard/kit';
import { deploy, promote, retire, rollback, status } from '@switchyard/targets';
import type { KubernetesTarget } from '../../packages/targets/src/kubernetes/target.js';
import { describeTargetConformance } from '../../packages/targets/test/conformance.js';
import { clusterMissing, testCluster } from '../support/kubernetes-cluster.js';
import { socketErrorTotal, startLoad } from '../support/load.js';

const missing = clusterMissing();
if (missing.length > 0) {
  const reason = `SKIPPED: no cluster — the Kubernetes e2e suite did not run. Set ${missing.join(' and ')}; .github/workflows/e2e-kubernetes.yml runs it on kind`;
  console.warn(reason);
  test.skip(reason, () => undefined);
} else {
  suite();
}

function suite(): void {
  const cluster = testCluster();
  const { namespace, manifests, kubectl, url, previewUrl, holder, deps } = cluster;
  const target = (): KubernetesTarget => cluster.target();
  const reset = (): void => cluster.reset();
  const req = cluster.request;

  beforeAll(() => cluster.create());
  afterAll(() => cluster.remove());

  describeTargetConformance(`kubernetes (${namespace})`, {
    target: () => target(),
    reset: () => Promise.resolve(reset()),
    images: cluster.images,
    now: () => systemClock.now(),
    pass: (ms) => systemClock.sleep(ms),
    staleTtlMs: 2_000,
  });

  describe('blue-green on the cluster', () => {
    const [v1, v2] = cluster.images;
    const version = async (at: string): Promise<string> =>
      ((await (await fetch(at)).json()) as { version: string }).version;
    let t: KubernetesTarget;
    beforeAll(reset);
    beforeEach(() => {
      t = target();
    });
    afterEach(() => t.close());

    test('deploy: the first release goes live on blue', async () => {
      const r = await deploy(t, req(v1), deps);
      expect(r).toMatchObject({ switched: true, color: 'blue' });
      expect(await version(url)).toBe('1.0.0');
    }, 180_000);

    test('a release waits on the preview, then is promoted under keep-alive load with no failed request', async () => {
      const d = await deploy(t, req(v2, { promote: false }), deps);
      expect(d).toMatchObject({ switched: false, color: 'green' });
      expect(await version(previewUrl)).toBe('2.0.0');
      expect(await version(url)).toBe('1.0.0');
      const load = startLoad(url, { connections: 20, maxDurationMs: 60_000 });
      await systemClock.sleep(2_000);
      const p = await promote(t, { ...req(v2) }, deps);
      await systemClock.sleep(2_000);
      const result = await load.stop();
      expect(p).toMatchObject({ switched: true, color: 'green' });
      expect(result.requests).toBeGreaterThan(100);
      expect(result.non2xx).toBe(0);
      expect(socketErrorTotal(result)).toBe(0);
      expect(await version(url)).toBe('2.0.0');
    }, 180_000);

    test("the re-apply trap: the user's own kubectl apply of the manifests leaves traffic where the record says", async () => {
      kubectl('apply', `--filename=${manifests}`);
      const s = await status(t, holder, deps);
      expect(s.after.live).toBe('green');
      expect(await version(url)).toBe('2.0.0');
      // A redeploy of what is live changes nothing, and applies the Service with the live color.
      const again = await deploy(t, req(v2), deps);
      expect(again.changed).toBe(false);
      expect(
        kubectl(
          'get',
          'service',
          'shop',
          '--output=jsonpath={.spec.selector.switchyard\\.dev/color}',
        ),
      ).toBe('green');
      expect(await version(url)).toBe('2.0.0');
    }, 180_000);

    test('a failed rollout names its cause and leaves live untouched', async () => {
      const missingImage = `${(v1.split('@')[0] ?? '').replace(/:[^/]*$/, '')}-missing@sha256:${'0'.repeat(64)}`;
      await expect(deploy(t, req(missingImage, { readyTimeoutMs: 90_000 }), deps)).rejects.toThrow(
        /did not become ready: .*(ImagePullBackOff|ErrImagePull|not ready after)/,
      );
      expect(await version(url)).toBe('2.0.0');
    }, 180_000);

    test('rollback by switch while the previous color is warm, then retire, then rollback by scale-up', async () => {
      // The failed deploy above stopped blue; put 1.0.0 back warm in blue first.
      await deploy(t, req(v1), deps);
      await deploy(t, req(v2), deps);
      const back = await rollback(t, { ...req(v2), verifyTimeoutMs: 30_000 }, deps);
      expect(back).toMatchObject({ rolledBack: true, method: 'switch' });
      expect(await version(url)).toBe('1.0.0');
      const r = await retire(
        t,
        { force: true, lockTimeoutMs: 30_000, readyTimeoutMs: 120_000, holder },
        deps,
      );
      expect(r.retired).toEqual(['green']);
      expect(kubectl('get', 'deployment', 'shop-green', '--output=jsonpath={.spec.replicas}')).toBe(
        '0',
      );
      // 2.0.0 was rolled back from, so it is named: a redeploy scales green back up on it.
      const up = await rollback(t, { ...req(v2), verifyTimeoutMs: 30_000, to: v2 }, deps);
      expect(up).toMatchObject({ rolledBack: true, method: 'redeploy' });
      expect(await version(url)).toBe('2.0.0');
    }, 300_000);

    test('lock contention: a second deploy waits, then fails naming the holder', async () => {
      const lease = await t.lock(
        { ...holder, deployId: 'run/first' },
        { timeoutMs: 0, ttlMs: 60_000 },
      );
      const other = target();
      try {
        await expect(
          deploy(
            other,
            req(v1, { lockTimeoutMs: 2_000, holder: { ...holder, token: 'other' } }),
            deps,
          ),
        ).rejects.toThrow(/holds the lock: run\/first/);
      } finally {
        await lease.release();
        await other.close();
      }
    }, 60_000);
  });
}
