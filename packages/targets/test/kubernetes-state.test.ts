/**
 * State derivation and error classification for the Kubernetes target, from the recorded kubectl
 * outputs (test/fixtures/kubernetes, recorded on a real cluster), never from hand-written JSON.
 * The recording's color label is `color`; the readers take the label name.
 */
import { classifyKubectl, explainKubectl } from '../src/kubernetes/errors.js';
import {
  colorStatusOf,
  parseDeployment,
  parseService,
  podTroubles,
  rolloutOf,
  routedColor,
} from '../src/kubernetes/state.js';
import { fixture, recorded } from './kubernetes-fixtures.js';

const deploy = (name: string) => parseDeployment(fixture(name), 'color');

describe('a Deployment, read', () => {
  test.each<[string, object, object]>([
    [
      '20-get-deploy-shop-blue.json',
      { desired: 2, replicas: 2, updated: 2, ready: 2, available: 2 },
      { complete: true, failed: false, detail: 'shop-blue: 2/2 updated, 2/2 ready, 2/2 available' },
    ],
    // At 0 replicas the counters are absent, not 0 (finding 7), right after the scale and settled.
    [
      'A1-get-deploy-shop-blue-right-after-scale-zero.json',
      { desired: 0, replicas: 0, updated: 0, ready: 0, available: 0 },
      { complete: false, failed: false, detail: 'shop-blue is scaled to 0 replicas' },
    ],
    [
      'A2-get-deploy-shop-blue-scaled-zero-settled.json',
      { desired: 0, replicas: 0, ready: 0 },
      { complete: false, failed: false },
    ],
    // Progress deadline exceeded: Progressing=False while Available stays True (finding 4).
    [
      '64-get-deploy-shop-green-deadline-exceeded.json',
      { desired: 2, replicas: 3, updated: 1, ready: 2, available: 2 },
      {
        complete: false,
        failed: true,
        detail:
          'the Deployment shop-green exceeded its progress deadline (spec.progressDeadlineSeconds): ReplicaSet "shop-green-79b9d89854" has timed out progressing.',
      },
    ],
    [
      '74-get-deploy-shop-green-after-undo.json',
      { desired: 2, updated: 2, ready: 2 },
      { complete: true, failed: false },
    ],
    [
      'B2-get-deploy-shop-blue-right-after-wait.json',
      { desired: 2, ready: 2 },
      { complete: true, failed: false },
    ],
  ])('%s reads as %o, its rollout %o', (name, view, rollout) => {
    const d = deploy(name);
    expect(d).toMatchObject(view);
    expect(rolloutOf(d)).toMatchObject(rollout);
  });

  test.each<[string, object]>([
    ['20-get-deploy-shop-blue.json', { running: true, state: 'running (2/2 ready)' }],
    [
      'A2-get-deploy-shop-blue-scaled-zero-settled.json',
      { running: false, state: 'scaled to 0 (0/0 ready)' },
    ],
    [
      '64-get-deploy-shop-green-deadline-exceeded.json',
      { running: true, state: 'failed (2/2 ready)' },
    ],
  ])('%s as a color: %o', (name, status) => {
    const d = deploy(name);
    expect(d.color).toBe(name.includes('green') ? 'green' : 'blue');
    expect(colorStatusOf(d, d.color ?? 'blue')).toMatchObject({ health: 'none', ...status });
  });

  test('a generation the controller has not seen yet is not a complete rollout', () => {
    const d = { ...deploy('20-get-deploy-shop-blue.json'), generation: 2 };
    expect(rolloutOf(d)).toMatchObject({
      complete: false,
      detail: 'shop-blue: the controller has not seen the new spec yet',
    });
  });
});

describe('the public Service: the selector is the truth', () => {
  test.each<[string, object]>([
    ['21-get-svc-shop.json', { live: 'blue' }],
    ['26-get-svc-shop-preview.json', { live: 'green' }],
    // After the switch and the annotation: the selector and the record agree.
    ['53-get-svc-shop-after-switch-and-annotate.json', { live: 'green' }],
  ])('%s routes %o', (name, routed) => {
    expect(routedColor(parseService(fixture(name)), 'color')).toEqual(routed);
  });

  test('a selector reverted by a re-applied manifest (B8) is said loudly, and live follows the selector', () => {
    const r = routedColor(parseService(fixture('B8-get-svc-shop-final.json')), 'color');
    expect(r.live).toBe('blue');
    expect(r.problem).toMatch(
      /^the Service shop routes live traffic to blue but the last switch recorded green \(switchyard\.dev\/live-color\): its selector was changed behind switchyard's back/,
    );
  });

  test("the re-apply trap's server dry run (55) would move the selector back to blue", () => {
    const list = JSON.parse(fixture('55-apply-dry-run-server-after-switch-json.json')) as {
      items: unknown[];
    };
    const svc = list.items.find((i) => (i as { kind: string }).kind === 'Service');
    expect(routedColor(parseService(JSON.stringify(svc)), 'color')).toMatchObject({
      live: 'blue',
      problem: expect.stringMatching(/recorded green/) as unknown,
    });
  });

  test('a selector without the color selects both colors: said loudly, nothing counted live', () => {
    const svc = parseService(fixture('21-get-svc-shop.json'));
    const r = routedColor({ ...svc, selector: { app: 'shop' } }, 'color');
    expect(r).toEqual({
      live: null,
      problem: expect.stringMatching(
        /has no color in its selector, so it sends live traffic to the pods of BOTH colors/,
      ) as unknown,
    });
  });
});

describe('pods in trouble', () => {
  test('ErrImageNeverPull (65) is fatal and names the fix; the running pods are no trouble', () => {
    expect(podTroubles(fixture('65-get-pods-color-green-errimageneverpull.json'))).toEqual([
      {
        pod: 'shop-green-79b9d89854-k5lwf',
        container: 'web',
        fatal: true,
        detail:
          'pod shop-green-79b9d89854-k5lwf, container web: ErrImageNeverPull: Container image "k8slab/web:doesnotexist" is not present with pull policy of Never; the image is not on the node and imagePullPolicy is Never. Use IfNotPresent or Always in the manifest, or load the image on the nodes',
      },
    ]);
  });

  test('healthy pods (24) have no trouble', () => {
    expect(podTroubles(fixture('24-get-pods-app-shop.json'))).toEqual([]);
  });
});

describe('kubectl failures, classified from the recorded stderr', () => {
  test.each<[string, string, string]>([
    [
      '80-get-missing-deployment',
      'not-found',
      'Error from server (NotFound): deployments.apps "shop-nope" not found',
    ],
    [
      '86-patch-missing-service',
      'not-found',
      'Error from server (NotFound): services "shop-nope" not found',
    ],
    ['B6-wait-missing-deployment', 'not-found', ''],
    ['C0-delete-missing-service', 'not-found', ''],
    ['81-apply-invalid-replicas-string', 'invalid', ''],
    ['83-apply-invalid-replicas-string-validate-false', 'invalid', ''],
    ['84-apply-unknown-field', 'invalid', ''],
    [
      '91-apply-server-side-unknown-field-validate-false',
      'invalid',
      'Error from server: failed to create typed patch object (default/shop-blue; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema',
    ],
    ['87-apply-selector-change-immutable', 'immutable', ''],
    [
      '62-rollout-status-progress-deadline-exceeded',
      'deadline',
      'deployment "shop-green" exceeded its progress deadline',
    ],
    ['63-rollout-status-timeout-5s', 'timeout', 'timed out waiting for the condition'],
    ['B5-wait-jsonpath-timeout', 'timeout', ''],
  ])('%s is %s', (name, kind, line) => {
    const r = recorded(name);
    expect(r.exitCode).toBe(1);
    const f = classifyKubectl(r.stderr);
    expect(f.kind).toBe(kind);
    if (line) expect(f.line).toBe(line);
  });

  test('the version-skew warning (00, stderr of a run that succeeded) is no failure line', () => {
    expect(classifyKubectl(recorded('00-version-json').stderr)).toEqual({
      kind: 'other',
      line: '',
    });
  });

  const where = { cluster: 'context prod', namespace: 'shop' };
  test.each<[string, string, RegExp]>([
    [
      '87-apply-selector-change-immutable',
      'apply the blue Deployment',
      /field is immutable\. A Deployment's selector can't change.*Delete the idle color's Deployment \(never the live one\)/,
    ],
    [
      '91-apply-server-side-unknown-field-validate-false',
      'apply the blue Deployment',
      /the cluster refused the manifest: .*field not declared in schema\. Fix the manifest \(`kubectl apply --dry-run=server/,
    ],
    [
      '86-patch-missing-service',
      'switch the Service shop',
      /^could not switch the Service shop: Error from server \(NotFound\): services "shop-nope" not found$/,
    ],
  ])('%s explained while trying to %s', (name, what, message) => {
    expect(explainKubectl(what, recorded(name).stderr, where)).toMatch(message);
  });

  test.each<[string, RegExp]>([
    [
      'The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?',
      /the cluster did not answer \(context prod\).*Check KUBECONFIG/,
    ],
    ['error: You must be logged in to the server (Unauthorized)', /refused the credentials/],
    [
      'Error from server (Forbidden): services "shop" is forbidden: User "system:serviceaccount:ci:deployer" cannot patch resource "services" in API group "" in the namespace "shop"',
      /not allowed in namespace shop: .*Grant the deploying identity the Role in docs\/kubernetes\.md .*`kubectl auth can-i --list -n shop`/,
    ],
  ])('access failures name the fix: %s', (stderr, message) => {
    expect(explainKubectl('read the Service shop', stderr, where)).toMatch(message);
  });
});
