/**
 * The Kubernetes target over a replaying kubectl: every command it runs is asserted (exact argv,
 * never a shell), and answered with what a real cluster printed for it (test/fixtures/kubernetes).
 */
import { rmSync } from 'node:fs';
import { ActionError, ExecError } from '@switchyard/kit';
import { EMPTY_RECORD, recordSwitch, type Release } from '@switchyard/targets';
import { ClusterUnreachableError } from '../src/kubernetes/kubectl.js';
import { pinnedImage, KubernetesTarget } from '../src/kubernetes/target.js';
import { FakeClock, RecordingLogger } from '../../../test/support/fakes.js';
import { fixture, recorded } from './kubernetes-fixtures.js';
import { folderWith } from './kubernetes-kubectl.js';
import { asOurs, out, ReplayExec } from './kubernetes-replay.js';

const ACCESS = ['--context=prod', '--namespace=shop'];
const SEL = 'switchyard.dev/app=shop,switchyard.dev/environment=production';
const GET_SVC = 'get service shop --output=json';
const GET_PREVIEW = 'get service shop-preview --output=json';
const LIST = `get deployments --selector=${SEL} --output=json`;
const APPLY =
  'apply --server-side --field-manager=switchyard --force-conflicts --filename=- --output=name';
const CAN_I = [
  'auth can-i patch services',
  'auth can-i patch deployments.apps',
  'auth can-i create deployments.apps',
  'auth can-i update leases.coordination.k8s.io',
];
const DIGEST = `sha256:${'a'.repeat(64)}`;
const IMAGE = `registry.test/shop:1.2.0@${DIGEST}`;
const NOT_FOUND = recorded('80-get-missing-deployment');

const USER = `apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, labels: {app: shop}}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - {name: web, image: registry.test/shop:latest, ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  selector: {app: shop}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: shop-config}
data: {LEVEL: info}
`;

let dir = '';
beforeAll(() => {
  dir = folderWith({ 'app.yaml': USER });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const release: Release = {
  image: IMAGE,
  digest: DIGEST,
  version: '1.2.0',
  deployId: 'https://github.test/acme/shop/actions/runs/42',
  actor: 'alice',
  createdAt: '2026-01-01T09:00:00.000Z',
};

function setup(script: Record<string, Parameters<ReplayExec['on']>[1]> = {}) {
  const exec = new ReplayExec(ACCESS, script);
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 9));
  const log = new RecordingLogger();
  const target = new KubernetesTarget(
    {
      app: 'shop',
      environment: 'production',
      manifests: [dir],
      context: 'prod',
      namespace: 'shop',
    },
    { exec, clock, log },
  );
  return { exec, clock, log, target };
}

/** The Service after the switch to green and its annotation (53), as the target's. */
const liveGreen = () => asOurs('53-get-svc-shop-after-switch-and-annotate.json');
const list = (...items: object[]) => out({ apiVersion: 'v1', kind: 'List', items });
const yes = Object.fromEntries(
  CAN_I.map((c) => [c, { stdout: recorded('88-auth-can-i-patch-services').stdout }]),
);
const applied = (
  exec: ReplayExec,
): { items: { kind: string; metadata: { name: string }; spec: Record<string, unknown> }[] }[] =>
  exec.calls
    .filter((c) => c.argv.join(' ') === APPLY)
    .map((c) => JSON.parse(c.input ?? '{}') as never);

describe('connect', () => {
  test('says which server and kubectl answered, and passes the version-skew warning on', async () => {
    const { exec, log, target } = setup({ 'version --output=json': recorded('00-version-json') });
    await expect(target.connect()).resolves.toBe(
      'Kubernetes v1.24.0+0, kubectl v1.32.4-dispatcher',
    );
    expect(exec.argvs).toEqual(['version --output=json']);
    expect(log.lines).toContainEqual({
      level: 'warning',
      message:
        'kubectl: WARNING: version difference between client (1.32) and server (1.24) exceeds the supported minor version skew of +/-1',
    });
  });

  test('a kubectl older than 1.24 is refused', async () => {
    const doc = JSON.parse(fixture('00-version-json.json')) as {
      clientVersion: Record<string, string>;
    };
    doc.clientVersion = { ...doc.clientVersion, minor: '23', gitVersion: 'v1.23.9' };
    const { target } = setup({ 'version --output=json': out(doc) });
    await expect(target.connect()).rejects.toThrow(
      /kubectl v1\.23\.9 is too old: the kubernetes target needs v1\.24 or later/,
    );
  });

  test('a missing kubectl says so and how to install it', async () => {
    const { target } = setup({
      'version --output=json': () => {
        throw new ExecError('kubectl: could not start (spawn kubectl ENOENT)', {
          exitCode: -1,
          stdout: '',
          stderr: 'spawn kubectl ENOENT',
        });
      },
    });
    await expect(target.connect()).rejects.toThrow(
      /^kubectl could not run \(spawn kubectl ENOENT\): the kubernetes target needs kubectl v1\.24 or later on PATH/,
    );
  });

  test('a cluster that does not answer names the context and what to check', async () => {
    const { target } = setup({
      'version --output=json': {
        exitCode: 1,
        // kubectl prints its own version, then fails to reach the server.
        stdout: JSON.stringify({
          clientVersion: (JSON.parse(fixture('00-version-json.json')) as { clientVersion: object })
            .clientVersion,
        }),
        stderr:
          'The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?\n',
      },
    });
    const e = await target.connect().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClusterUnreachableError);
    expect((e as Error).message).toMatch(
      /the cluster did not answer \(context prod\).*Check KUBECONFIG \(or the kubeconfig input\), kubernetes\.context/,
    );
  });
});

describe('images run by digest', () => {
  test('a digest-pinned reference resolves without a pull; its tag is the version', async () => {
    const { exec, target } = setup();
    await expect(target.resolveImage(IMAGE)).resolves.toEqual({
      ref: IMAGE,
      pinned: `registry.test/shop@${DIGEST}`,
      digest: DIGEST,
      version: '1.2.0',
    });
    expect(exec.calls).toEqual([]);
  });

  test('a tag alone is refused with the fix', () => {
    const { target } = setup();
    expect(() => target.resolveImage('registry.test/shop:1.2.0')).toThrow(
      /has no digest: the kubernetes target runs images by digest.*build-image's image-ref output/,
    );
    expect(pinnedImage('registry.test/shop:1.2.0')).toBeUndefined();
  });
});

describe('status: the Service selector is the truth, the annotations the record', () => {
  test('nothing deployed: no Service, no Deployments', async () => {
    const { target } = setup({ [GET_SVC]: NOT_FOUND, [LIST]: list() });
    await expect(target.status()).resolves.toEqual({
      live: null,
      previous: null,
      history: [],
      colors: {},
      exists: false,
      notes: [],
    });
  });

  test('after a switch to green: live green, both colors read from their Deployments', async () => {
    const record = recordSwitch(
      EMPTY_RECORD,
      {
        at: '2026-01-01T09:00:00.000Z',
        action: 'deploy',
        color: 'green',
        image: IMAGE,
        digest: DIGEST,
        version: '1.2.0',
        deployId: 'run/1',
        actor: 'alice',
      },
      Date.UTC(2026, 0, 1, 9),
      60_000,
    );
    const svc = asOurs('53-get-svc-shop-after-switch-and-annotate.json', {
      'switchyard.dev/record': JSON.stringify(record),
    });
    const { target } = setup({
      [GET_SVC]: out(svc),
      [LIST]: list(
        asOurs('20-get-deploy-shop-blue.json'),
        asOurs('74-get-deploy-shop-green-after-undo.json', {
          'switchyard.dev/digest': DIGEST,
          'switchyard.dev/version': '1.2.0',
        }),
      ),
    });
    const s = await target.status();
    expect(s).toMatchObject({ live: 'green', exists: true, notes: [], history: record.history });
    expect(s.interrupted).toBeUndefined();
    expect(s.colors.green).toMatchObject({
      running: true,
      digest: DIGEST,
      version: '1.2.0',
      state: 'running (2/2 ready)',
    });
    expect(s.colors.blue).toMatchObject({ running: true, state: 'running (2/2 ready)' });
  });

  test('a selector re-applied behind its back (B8: selector blue, record green) is said loudly; the record follows the selector', async () => {
    const record = recordSwitch(
      EMPTY_RECORD,
      {
        at: '2026-01-01T09:00:00.000Z',
        action: 'deploy',
        color: 'green',
        image: IMAGE,
        digest: DIGEST,
        version: '1.2.0',
        deployId: 'run/1',
        actor: 'alice',
      },
      Date.UTC(2026, 0, 1, 9),
      60_000,
    );
    const { target } = setup({
      [GET_SVC]: out(
        asOurs('B8-get-svc-shop-final.json', { 'switchyard.dev/record': JSON.stringify(record) }),
      ),
      [LIST]: list(asOurs('B2-get-deploy-shop-blue-right-after-wait.json')),
    });
    const s = await target.status();
    expect(s.live).toBe('blue');
    expect(s.notes[0]).toMatch(
      /^the Service shop routes live traffic to blue but the last switch recorded green \(switchyard\.dev\/live-color\): its selector was changed behind switchyard's back, e\.g\. by re-applying the manifest with kubectl apply/,
    );
    expect(s.interrupted?.record).toMatch(
      /the record said live=green but the Service shop routes live=blue/,
    );
  });

  test('at 0 replicas (A2) a color is kept, not running', async () => {
    const { target } = setup({
      [GET_SVC]: out(liveGreen()),
      [LIST]: list(asOurs('A2-get-deploy-shop-blue-scaled-zero-settled.json')),
    });
    expect((await target.status()).colors.blue).toMatchObject({
      running: false,
      state: 'scaled to 0 (0/0 ready)',
    });
  });
});

describe('prepare: switchyard owns the color in the Service selector', () => {
  test('a redeploy applies the public Service with the color the cluster routes to now, never the manifest as written', async () => {
    const { exec, target } = setup({
      ...yes,
      [GET_SVC]: out(liveGreen()),
      [GET_PREVIEW]: out(asOurs('26-get-svc-shop-preview.json')),
      [APPLY]: {
        stdout: 'service/shop serverside-applied\nservice/shop-preview serverside-applied\n',
      },
    });
    await expect(target.prepare()).resolves.toBe('unchanged');
    const [services] = applied(exec);
    expect(services?.items.map((i) => [i.metadata.name, i.spec.selector])).toEqual([
      [
        'shop',
        {
          app: 'shop',
          'switchyard.dev/app': 'shop',
          'switchyard.dev/environment': 'production',
          'switchyard.dev/color': 'green',
        },
      ],
      [
        'shop-preview',
        {
          app: 'shop',
          'switchyard.dev/app': 'shop',
          'switchyard.dev/environment': 'production',
          'switchyard.dev/color': 'green',
        },
      ],
    ]);
    expect(exec.argvs.filter((a) => a.startsWith('auth'))).toEqual(CAN_I);
  });

  test('the first deploy creates the public Service selecting nothing live', async () => {
    const { exec, target } = setup({
      ...yes,
      [GET_SVC]: NOT_FOUND,
      [GET_PREVIEW]: NOT_FOUND,
      [APPLY]: {},
    });
    await expect(target.prepare()).resolves.toBe('created');
    expect(
      applied(exec)[0]?.items.map(
        (i) => (i.spec.selector as Record<string, string>)['switchyard.dev/color'],
      ),
    ).toEqual(['none', 'none']);
  });

  test('an identity that may not patch Services is stopped before any change (can-i says no: 89)', async () => {
    const { exec, target } = setup({
      ...yes,
      [CAN_I[0] ?? '']: recorded('89-auth-can-i-patch-services-as-default-sa'),
    });
    await expect(target.prepare()).rejects.toThrow(
      /the deploying identity may not patch services in namespace shop \(kubectl auth can-i said no\).*Nothing was changed/,
    );
    expect(exec.argvs).not.toContain(APPLY);
  });
});

describe('start, readiness, switch, record, stop', () => {
  test('start refuses the live color', async () => {
    const { exec, target } = setup({ [GET_SVC]: out(liveGreen()) });
    await expect(
      target.start(
        'green',
        { ref: IMAGE, pinned: `registry.test/shop@${DIGEST}`, digest: DIGEST },
        release,
      ),
    ).rejects.toThrow('refusing to replace shop-green: it is the live color');
    expect(exec.argvs).toEqual([GET_SVC]);
  });

  test('start applies the idle color by digest with the rest of the manifests, then points the preview at it', async () => {
    const { exec, target } = setup({ [GET_SVC]: out(liveGreen()), [APPLY]: {} });
    await target.start(
      'blue',
      { ref: IMAGE, pinned: `registry.test/shop@${DIGEST}`, digest: DIGEST },
      release,
    );
    expect(exec.argvs).toEqual([GET_SVC, APPLY, APPLY]);
    const [objects, preview] = applied(exec);
    expect(objects?.items.map((i) => `${i.kind}/${i.metadata.name}`)).toEqual([
      'ConfigMap/shop-config',
      'Deployment/shop-blue',
    ]);
    expect(JSON.stringify(objects?.items[1])).toContain(`"image":"registry.test/shop@${DIGEST}"`);
    expect(
      preview?.items.map((i) => [
        i.metadata.name,
        (i.spec.selector as Record<string, string>)['switchyard.dev/color'],
      ]),
    ).toEqual([['shop-preview', 'blue']]);
  });

  test('a rolled-out color routed by the preview is running and routed', async () => {
    const { target } = setup({
      'get deployment shop-blue --output=json': out(asOurs('20-get-deploy-shop-blue.json')),
      [GET_PREVIEW]: out(asOurs('21-get-svc-shop.json')),
    });
    await expect(target.readiness('blue')).resolves.toMatchObject({
      running: true,
      failed: false,
      routed: true,
      detail: 'shop-blue: 2/2 updated, 2/2 ready, 2/2 available',
    });
  });

  test('a progress deadline exceeded (64) with an image that is not there (65) fails at once, naming both', async () => {
    const { exec, target } = setup({
      'get deployment shop-green --output=json': out(
        asOurs('64-get-deploy-shop-green-deadline-exceeded.json'),
      ),
      [GET_PREVIEW]: out(asOurs('26-get-svc-shop-preview.json')),
      [`get pods --selector=${SEL},switchyard.dev/color=green --output=json`]: out(
        asOurs('65-get-pods-color-green-errimageneverpull.json'),
      ),
    });
    const r = await target.readiness('green');
    expect(r).toMatchObject({ running: false, failed: true, routed: true });
    expect(r.detail).toMatch(
      /^the Deployment shop-green exceeded its progress deadline .*; pod shop-green-79b9d89854-k5lwf, container web: ErrImageNeverPull/,
    );
    expect(exec.argvs).toHaveLength(3);
  });

  test('a Deployment that is gone has failed', async () => {
    const { target } = setup({
      'get deployment shop-green --output=json': NOT_FOUND,
      [GET_PREVIEW]: NOT_FOUND,
    });
    await expect(target.readiness('green')).resolves.toMatchObject({
      failed: true,
      detail: 'the Deployment shop-green is gone',
    });
  });

  test('switchTo is one patch of the selector and the live/previous annotations, then the preview follows, verified', async () => {
    let reads = 0;
    const { exec, target } = setup({
      [GET_SVC]: () => out(reads++ === 0 ? liveGreen() : asOurs('21-get-svc-shop.json')),
      ['patch service shop --type=merge --field-manager=switchyard --patch={"metadata":{"annotations":{"switchyard.dev/live-color":"blue","switchyard.dev/previous-color":"green","switchyard.dev/switched-at":"2026-01-01T09:00:00.000Z"}},"spec":{"selector":{"switchyard.dev/color":"blue"}}}']:
        { stdout: recorded('30-patch-selector-green').stdout },
      ['patch service shop-preview --type=merge --field-manager=switchyard --patch={"spec":{"selector":{"switchyard.dev/color":"green"}}}']:
        { stdout: 'service/shop-preview patched\n' },
    });
    await expect(target.switchTo('blue')).resolves.toBe(0);
    expect(exec.argvs).toHaveLength(4);
  });

  test('a selector that does not follow the patch fails loudly after the switch', async () => {
    const { target } = setup({
      [GET_SVC]: out(liveGreen()),
      ['patch service shop --type=merge --field-manager=switchyard --patch={"metadata":{"annotations":{"switchyard.dev/live-color":"blue","switchyard.dev/previous-color":"green","switchyard.dev/switched-at":"2026-01-01T09:00:00.000Z"}},"spec":{"selector":{"switchyard.dev/color":"blue"}}}']:
        {},
      ['patch service shop-preview --type=merge --field-manager=switchyard --patch={"spec":{"selector":{"switchyard.dev/color":"green"}}}']:
        {},
    });
    await expect(target.switchTo('blue')).rejects.toThrow(
      /^live traffic is on blue — the switch happened; then: the Service shop does not select blue after the patch/,
    );
  });

  test('a missing Service is explained (86)', async () => {
    const { target } = setup({ [GET_SVC]: recorded('86-patch-missing-service') });
    await expect(target.switchTo('blue')).rejects.toThrow(ActionError);
  });

  test('saveRecord writes the record and its headline annotations in one patch', async () => {
    const record = recordSwitch(
      EMPTY_RECORD,
      {
        at: '2026-01-01T09:00:00.000Z',
        action: 'deploy',
        color: 'blue',
        image: IMAGE,
        digest: DIGEST,
        version: '1.2.0',
        deployId: 'run/1',
        actor: 'alice',
      },
      Date.UTC(2026, 0, 1, 9),
      60_000,
    );
    const { exec, target } = setup();
    exec.on(
      `patch service shop --type=merge --field-manager=switchyard --patch=${JSON.stringify({ metadata: { annotations: { 'switchyard.dev/record': JSON.stringify(record), 'switchyard.dev/live-color': 'blue', 'switchyard.dev/previous-color': null, 'switchyard.dev/switched-at': '2026-01-01T09:00:00.000Z', 'switchyard.dev/retire-after': null, 'switchyard.dev/deploy-id': 'run/1' } } })}`,
      {},
    );
    await target.saveRecord(record);
    expect(exec.calls).toHaveLength(1);
  });

  test('stop scales the color to 0 and keeps the object (A0)', async () => {
    const { exec, target } = setup({
      'scale deployment/shop-blue --replicas=0': recorded('A0-scale-blue-to-zero'),
    });
    await target.stop('blue');
    expect(exec.argvs).toEqual(['scale deployment/shop-blue --replicas=0']);
  });

  test('logs read every container of the color, prefixed', async () => {
    const { exec, target } = setup({
      [`get pods --selector=${SEL},switchyard.dev/color=blue --output=json`]: out(
        asOurs('24-get-pods-app-shop.json'),
      ),
      [`logs --selector=${SEL},switchyard.dev/color=blue --all-containers=true --prefix=true --tail=50 --max-log-requests=10`]:
        { stdout: '[pod/shop-blue-1/web] listening on :8080\n' },
    });
    await expect(target.logs('blue', 50)).resolves.toBe('[pod/shop-blue-1/web] listening on :8080');
    expect(exec.calls).toHaveLength(2);
  });
});

describe('dry run: the API server judges the change (kubectl apply --dry-run=server)', () => {
  const DRY =
    'apply --server-side --field-manager=switchyard --force-conflicts --dry-run=server --filename=-';
  const pinned = { ref: IMAGE, pinned: `registry.test/shop@${DIGEST}`, digest: DIGEST };

  test('applies nothing for real: the Services as prepare would, the idle color, its companions', async () => {
    const { exec, target } = setup({
      [GET_SVC]: out(liveGreen()),
      [DRY]: { stdout: fixture('54-apply-dry-run-server-after-switch.txt') },
    });
    const lines = await target.dryRun('blue', pinned, release);
    expect(lines).toEqual([
      'the cluster accepts the change (server dry run): deployment.apps/shop-blue unchanged (server dry run); deployment.apps/shop-green unchanged (server dry run); service/shop configured (server dry run); service/shop-preview unchanged (server dry run)',
    ]);
    expect(exec.argvs).toEqual([GET_SVC, DRY]);
    const sent = JSON.parse(exec.calls[1]?.input ?? '{}') as {
      items: { kind: string; metadata: { name: string }; spec: { selector?: object } }[];
    };
    expect(sent.items.map((i) => `${i.kind}/${i.metadata.name}`)).toEqual([
      'Service/shop',
      'Service/shop-preview',
      'ConfigMap/shop-config',
      'Deployment/shop-blue',
    ]);
    // The public Service keeps the live color; the preview names the color a deploy would start.
    expect(sent.items[0]?.spec.selector).toMatchObject({ 'switchyard.dev/color': 'green' });
    expect(sent.items[1]?.spec.selector).toMatchObject({ 'switchyard.dev/color': 'blue' });
  });

  test("a refusal (84: an unknown field) is the plan's answer, worded, not a thrown error", async () => {
    const refused = recorded('84-apply-unknown-field');
    const { target } = setup({
      [GET_SVC]: out(liveGreen()),
      [DRY]: { exitCode: 1, stderr: refused.stderr },
    });
    const [line, ...rest] = await target.dryRun('blue', pinned, release);
    expect(rest).toEqual([]);
    expect(line).toMatch(/^stop with an error: .*unknown field "replica"/);
  });
});

describe('an autoscaler of the workload becomes each color’s own', () => {
  const HPA = `${USER}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: shop}
  minReplicas: 2
  maxReplicas: 6
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: worker}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
  minReplicas: 1
  maxReplicas: 2
`;
  let hpaDir = '';
  beforeAll(() => {
    hpaDir = folderWith({ 'app.yaml': HPA });
  });
  afterAll(() => rmSync(hpaDir, { recursive: true, force: true }));

  test('start applies <hpa>-<color> scaling <app>-<color>; an autoscaler of something else stays as written', async () => {
    const exec = new ReplayExec(ACCESS, { [GET_SVC]: out(liveGreen()), [APPLY]: {} });
    const target = new KubernetesTarget(
      {
        app: 'shop',
        environment: 'production',
        manifests: [hpaDir],
        context: 'prod',
        namespace: 'shop',
      },
      { exec, clock: new FakeClock(0), log: new RecordingLogger() },
    );
    await target.start(
      'blue',
      { ref: IMAGE, pinned: `registry.test/shop@${DIGEST}`, digest: DIGEST },
      release,
    );
    const [objects] = applied(exec);
    const hpas = objects?.items.filter((i) => i.kind === 'HorizontalPodAutoscaler') ?? [];
    expect(
      hpas.map((h) => [h.metadata.name, (h.spec.scaleTargetRef as { name: string }).name]),
    ).toEqual([
      ['shop-blue', 'shop-blue'],
      ['worker', 'worker'],
    ]);
    expect(hpas[0]).toMatchObject({
      metadata: { labels: { 'switchyard.dev/color': 'blue', 'switchyard.dev/app': 'shop' } },
      spec: { minReplicas: 2, maxReplicas: 6 },
    });
  });
});

describe('the pull Secret, only when asked for', () => {
  const pinned = { ref: IMAGE, pinned: `registry.test/shop@${DIGEST}`, digest: DIGEST };
  const startWith = async (settings: { imagePullSecret?: string }, withCredentials: boolean) => {
    const exec = new ReplayExec(ACCESS, { [GET_SVC]: out(liveGreen()), [APPLY]: {} });
    const target = new KubernetesTarget(
      {
        app: 'shop',
        environment: 'production',
        manifests: [dir],
        context: 'prod',
        namespace: 'shop',
        ...settings,
      },
      {
        exec,
        clock: new FakeClock(0),
        log: new RecordingLogger(),
        ...(withCredentials && { credentials: { username: 'ci', password: 's3cret:x' } }),
      },
    );
    await target.start('blue', pinned, release);
    return applied(exec)[0]?.items ?? [];
  };

  test('image-pull-secret and registry credentials: a dockerconfigjson Secret for the image registry, referenced by the pods', async () => {
    const items = await startWith({ imagePullSecret: 'shop-pull' }, true);
    const secret = items[0] as unknown as {
      kind: string;
      type: string;
      metadata: { name: string; namespace: string };
      data: Record<string, string>;
    };
    expect(secret).toMatchObject({
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'shop-pull', namespace: 'shop' },
    });
    const config = JSON.parse(
      Buffer.from(secret.data['.dockerconfigjson'] ?? '', 'base64').toString(),
    ) as { auths: Record<string, { username: string; password: string; auth: string }> };
    expect(Object.keys(config.auths)).toEqual(['registry.test']);
    expect(config.auths['registry.test']).toEqual({
      username: 'ci',
      password: 's3cret:x',
      auth: Buffer.from('ci:s3cret:x').toString('base64'),
    });
    const deployment = items.find((i) => i.kind === 'Deployment');
    expect(JSON.stringify(deployment)).toContain('"imagePullSecrets":[{"name":"shop-pull"}]');
  });

  test('credentials without image-pull-secret, or a Secret named without credentials: no Secret is written', async () => {
    expect((await startWith({}, true)).map((i) => i.kind)).not.toContain('Secret');
    const named = await startWith({ imagePullSecret: 'shop-pull' }, false);
    expect(named.map((i) => i.kind)).not.toContain('Secret');
    expect(JSON.stringify(named.find((i) => i.kind === 'Deployment'))).toContain(
      '"imagePullSecrets":[{"name":"shop-pull"}]',
    );
  });
});
