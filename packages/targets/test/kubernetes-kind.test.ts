/**
 * `target: kubernetes` builds the Kubernetes target, and tells a monitor its pods' labels and the
 * image container's limits (Kubernetes quantities) from the manifests. (Lands with the registration
 * in kinds.ts and the config's types.)
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '@switchyard/config';
import { createTarget, openTarget, telemetry } from '@switchyard/targets';
import { cpuCores, memoryBytesOf } from '../src/kubernetes/limits.js';
import { KubernetesTarget } from '../src/kubernetes/target.js';
import { FakeClock, FakeExec, RecordingLogger } from '../../../test/support/fakes.js';
import { folderWith } from './kubernetes-kubectl.js';

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop}
spec:
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - {name: web, image: x, resources: {limits: {cpu: 500m, memory: 256Mi}}}
`;

let dir = '';
beforeAll(() => {
  dir = folderWith({ 'app.yaml': MANIFEST });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = () =>
  parseConfig(
    `app: shop\nproduction:\n  target: kubernetes\n  kubernetes: {manifests: app.yaml, namespace: shop}\n`,
    join(dir, 'switchyard.yml'),
  ).resolve('production');

test('target: kubernetes builds the Kubernetes target, on the cluster DNS names by default', () => {
  const t = createTarget(config(), {
    exec: new FakeExec(),
    clock: new FakeClock(),
    log: new RecordingLogger(),
  });
  expect(t).toBeInstanceOf(KubernetesTarget);
  expect(t.description).toBe("kubernetes (kubectl's current context, namespace shop)");
  expect([t.url, t.previewUrl]).toEqual(['http://shop.shop.svc', 'http://shop-preview.shop.svc']);
  expect(t.lockHandle({ deployId: 'run/1', actor: 'a', token: 't' })).toEqual({
    kind: 'kubernetes',
    token: 't',
    name: 'switchyard-shop-production',
    access: { namespace: 'shop' },
  });
});

test("its telemetry: the pods' labels as Prometheus relabels them, the container's limits", () => {
  expect(telemetry(config())).toEqual({
    selector: { app: 'shop', environment: 'production' },
    colorLabel: 'color',
    cpuLimit: 0.5,
    memoryLimitBytes: 256 * 2 ** 20,
    limitsFrom: "the image container's resources.limits in kubernetes.manifests",
  });
});

test.each<[string, number]>([
  ['500m', 0.5],
  ['2', 2],
  ['1.5', 1.5],
  ['x', NaN],
])('cpu %s is %d cores', (q, n) => expect(cpuCores(q)).toBe(n));

test.each<[string, number]>([
  ['256Mi', 268435456],
  ['1G', 1e9],
  ['1Gi', 2 ** 30],
  ['128974848', 128974848],
  ['1e3', NaN],
])('memory %s is %d bytes', (q, n) => expect(memoryBytesOf(q)).toBe(n));

test('the kubeconfig input reaches the target through openTarget: a private 0600 file, gone on close', async () => {
  const runnerTemp = folderWith({});
  const dirs: string[] = [];
  try {
    const t = openTarget(
      config(),
      { kubeconfig: 'apiVersion: v1\nkind: Config\n' },
      {
        exec: new FakeExec(),
        clock: new FakeClock(),
        log: new RecordingLogger(),
        env: { RUNNER_TEMP: runnerTemp },
        onPrivateDir: (d) => dirs.push(d),
      },
    );
    expect(dirs).toHaveLength(1);
    const file = join(dirs[0] ?? '', 'config');
    expect(readFileSync(file, 'utf8')).toBe('apiVersion: v1\nkind: Config\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await t.close();
    expect(existsSync(dirs[0] ?? '')).toBe(false);
  } finally {
    rmSync(runnerTemp, { recursive: true, force: true });
  }
});

test("the run's record extras (the release's Slack thread) reach the target through openTarget and every record it saves", async () => {
  const exec = new FakeExec();
  const slackThread = { channel: 'C1', ts: '1712345678.000100', release: 'shop/production/run/1' };
  const t = openTarget(
    config(),
    {},
    {
      exec,
      clock: new FakeClock(),
      log: new RecordingLogger(),
      recordExtras: () => ({ slackThread }),
    },
  );
  await t.saveRecord({ live: null, previous: null, history: [] });
  const patch = exec.calls.map((c) => c.args.join(' ')).find((a) => a.includes('patch'));
  expect(patch).toContain(JSON.stringify(JSON.stringify(slackThread)).slice(1, -1));
});
