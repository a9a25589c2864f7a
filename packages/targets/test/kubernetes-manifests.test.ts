/**
 * The Kubernetes target's manifest transforms, pure and table-tested: reading the user's manifests,
 * finding the workload, deriving the colors' Deployments and the Services. A few transforms are
 * cross-checked with offline kubectl (`kustomize`, `set image --local`, `patch --local`).
 */
import { rmSync } from 'node:fs';
import { ActionError } from '@switchyard/kit';
import { environmentLabels, K8S_LABELS, kubernetesNames } from '../src/kubernetes/contract.js';
import { at, findWorkload, parseManifests, type KObject } from '../src/kubernetes/manifests.js';
import {
  colorDeployment,
  imageContainer,
  listOf,
  previewService,
  publicService,
  type RenderSettings,
} from '../src/kubernetes/render.js';
import type { Release } from '../src/model.js';
import { thrown } from '../../../test/support/thrown.js';
import { fixture } from './kubernetes-fixtures.js';
import { folderWith, kubectl } from './kubernetes-kubectl.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  labels: {app: shop}
  annotations: {team: checkout}
spec:
  replicas: 3
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop, tier: web}
    spec:
      containers:
      - name: web
        image: registry.test/shop:latest
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: prod}]
        resources: {limits: {cpu: 500m, memory: 256Mi}}
        readinessProbe:
          httpGet: {path: /healthz, port: 8080}
      - name: proxy
        image: envoyproxy/envoy:v1.30
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: shop
  labels: {app: shop}
spec:
  type: NodePort
  selector: {app: shop}
  ports:
  - port: 80
    targetPort: 8080
    nodePort: 30080
`;
const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata: {name: shop-config}
data: {LEVEL: info}
`;
const USER = [DEPLOYMENT, SERVICE, CONFIGMAP].join('---\n');

const names = kubernetesNames('shop', 'production');
const settings: RenderSettings = {
  names,
  labels: environmentLabels('shop', 'production'),
  container: 'web',
};
const PINNED = `registry.test/shop@sha256:${'a'.repeat(64)}`;
const release: Release = {
  image: 'registry.test/shop:1.2.0',
  digest: `sha256:${'a'.repeat(64)}`,
  version: '1.2.0',
  deployId: 'https://github.test/acme/shop/actions/runs/42',
  actor: 'alice',
  createdAt: '2026-01-01T09:00:00.000Z',
};

const workload = () => findWorkload(parseManifests(USER, 'k8s/app.yaml'), names, undefined);

describe('reading manifests', () => {
  test('multi-document YAML: every object, empty documents skipped, a List flattened', () => {
    const text = `---\n${DEPLOYMENT}---\n---\napiVersion: v1\nkind: List\nitems:\n- ${CONFIGMAP.trim().replace(/\n/g, '\n  ')}\n`;
    expect(parseManifests(text, 'a.yaml').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Deployment/shop',
      'ConfigMap/shop-config',
    ]);
  });

  test('what the server set (status, resourceVersion, the last-applied record) is dropped', () => {
    // A Deployment as `kubectl get -o json` prints it: the recorded fixture.
    const text = fixture('20-get-deploy-shop-blue.json');
    const [d] = parseManifests(text, '20-get-deploy-shop-blue.json') as [KObject];
    expect(d.status).toBeUndefined();
    expect(Object.keys(d.metadata).sort()).toEqual(['labels', 'name', 'namespace']);
    expect(d.metadata.annotations).toBeUndefined();
  });

  test.each<[string, string, RegExp]>([
    ['a syntax error', 'kind: [', /^a\.yaml line 1, column \d+ is not valid YAML/],
    ['a scalar', 'just text\n', /a\.yaml document 1 is not a Kubernetes object/],
    ['no kind', 'apiVersion: v1\nmetadata: {name: x}\n', /has no apiVersion or kind/],
    [
      'generateName',
      'apiVersion: v1\nkind: Pod\nmetadata: {generateName: x-}\n',
      /generateName is not supported/,
    ],
  ])('[%s] is refused, naming the source: %s', (_, text, message) => {
    expect(thrown(() => parseManifests(text, 'a.yaml'), ActionError).message).toMatch(message);
  });
});

describe('finding the workload', () => {
  test('the one Deployment, the public Service, and the rest applied as given', () => {
    const w = workload();
    expect(w.deployment.metadata.name).toBe('shop');
    expect(w.service.metadata.name).toBe('shop');
    expect(w.preview).toBeUndefined();
    expect(w.others.map((o) => o.metadata.name)).toEqual(['shop-config']);
  });

  test.each<[string, string, RegExp]>([
    [
      'no Deployment',
      [SERVICE, CONFIGMAP].join('---\n'),
      /hold no Deployment \(found Service\/shop, ConfigMap\/shop-config\)/,
    ],
    [
      'two Deployments',
      [DEPLOYMENT, DEPLOYMENT.replace('name: shop\n', 'name: worker\n'), SERVICE].join('---\n'),
      /hold 2 Deployments \(Deployment\/shop, Deployment\/worker\)/,
    ],
    [
      'a Service of another name',
      [DEPLOYMENT, SERVICE.replace('name: shop', 'name: web')].join('---\n'),
      /no Service named shop \(they hold Service\/web\).*Set kubernetes\.service: web/,
    ],
    [
      'a selector the pods lack',
      [
        DEPLOYMENT,
        SERVICE.replace('selector: {app: shop}', 'selector: {app: shop, track: canary}'),
      ].join('---\n'),
      /selects track=canary, which the pods of Deployment\/shop don't carry/,
    ],
    [
      'our color in the Service',
      [
        DEPLOYMENT,
        SERVICE.replace(
          'selector: {app: shop}',
          `selector: {app: shop, ${K8S_LABELS.color}: blue}`,
        ),
      ].join('---\n'),
      /selects on switchyard\.dev\/color: switchyard owns the color/,
    ],
    [
      'our labels on the pods',
      [
        DEPLOYMENT.replace(
          'labels: {app: shop, tier: web}',
          `labels: {app: shop, ${K8S_LABELS.color}: blue}`,
        ),
        SERVICE,
      ].join('---\n'),
      /sets switchyard\.dev\/color: switchyard sets the switchyard\.dev\/\* labels itself/,
    ],
  ])('[%s] is refused with the fix', (_, text, message) => {
    const e = thrown(
      () => findWorkload(parseManifests(text, 'k8s/'), names, undefined),
      ActionError,
    );
    expect(e.message).toMatch(message);
  });

  test('an object in another namespace than the environment is refused', () => {
    const text = USER.replace(
      'metadata: {name: shop-config}',
      'metadata: {name: shop-config, namespace: other}',
    );
    expect(() => findWorkload(parseManifests(text, 'k8s/'), names, 'shop')).toThrow(
      /ConfigMap\/shop-config is in namespace other, but the environment deploys to shop \(kubernetes\.namespace\)/,
    );
  });

  test.each<[string | undefined, string | RegExp]>([
    ['web', 'web'],
    ['proxy', 'proxy'],
    ['db', /has no container named db \(kubernetes\.container\); it has web, proxy/],
    [undefined, /has 2 containers \(web, proxy\): set kubernetes\.container/],
  ])('[%s] the image container is %s', (name, expected) => {
    const d = workload().deployment;
    if (typeof expected === 'string') expect(imageContainer(d, name)).toBe(expected);
    else expect(() => imageContainer(d, name)).toThrow(expected);
  });
});

describe('deriving the colors', () => {
  test.each(['blue', 'green'] as const)(
    '%s: the color in the selector and pod labels, the image by digest, the rest as written',
    (color) => {
      const d = colorDeployment(workload(), settings, color, PINNED, release);
      const colored = {
        'switchyard.dev/app': 'shop',
        'switchyard.dev/environment': 'production',
        'switchyard.dev/color': color,
      };
      expect(d.metadata.name).toBe(`shop-${color}`);
      expect(at(d, 'spec', 'selector', 'matchLabels')).toEqual({ app: 'shop', ...colored });
      expect(at(d, 'spec', 'template', 'metadata', 'labels')).toEqual({
        app: 'shop',
        tier: 'web',
        ...colored,
      });
      expect(d.metadata.labels).toEqual({ app: 'shop', ...colored });
      const [web, proxy] = at(d, 'spec', 'template', 'spec', 'containers') as [
        Record<string, unknown>,
        Record<string, unknown>,
      ];
      expect(web).toEqual({
        name: 'web',
        image: PINNED,
        ports: [{ containerPort: 8080 }],
        env: [{ name: 'MODE', value: 'prod' }],
        resources: { limits: { cpu: '500m', memory: '256Mi' } },
        readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
      });
      expect(proxy.image).toBe('envoyproxy/envoy:v1.30');
      expect(at(d, 'spec', 'replicas')).toBe(3);
      expect(d.metadata.annotations).toMatchObject({
        team: 'checkout',
        'switchyard.dev/digest': release.digest,
        'switchyard.dev/version': '1.2.0',
        'switchyard.dev/replicas': '3',
      });
    },
  );

  test.each<[string, string]>([
    ['not in the manifest', DEPLOYMENT],
    [
      'already in the manifest',
      DEPLOYMENT.replace(
        '      containers:',
        '      imagePullSecrets: [{name: regcred}]\n      containers:',
      ),
    ],
  ])('an image pull secret %s is in the pod spec once', (_, text) => {
    const w = findWorkload(parseManifests(`${text}---\n${SERVICE}`, 'k8s/'), names, undefined);
    const d = colorDeployment(
      w,
      { ...settings, imagePullSecret: 'regcred' },
      'blue',
      PINNED,
      release,
    );
    expect(at(d, 'spec', 'template', 'spec', 'imagePullSecrets')).toEqual([{ name: 'regcred' }]);
  });

  test.each<[string, 'blue' | 'green' | null, string]>([
    ['nothing live yet', null, 'none'],
    ['blue live', 'blue', 'blue'],
    ['green live', 'green', 'green'],
  ])(
    'public Service, %s: the live color in its selector, everything else as written',
    (_, live, value) => {
      const s = publicService(workload(), settings, live);
      expect(at(s, 'spec', 'selector')).toEqual({
        app: 'shop',
        'switchyard.dev/app': 'shop',
        'switchyard.dev/environment': 'production',
        'switchyard.dev/color': value,
      });
      expect(at(s, 'spec', 'type')).toBe('NodePort');
      expect(at(s, 'spec', 'ports')).toEqual([{ port: 80, targetPort: 8080, nodePort: 30080 }]);
    },
  );

  test('preview Service derived from the public one: ClusterIP, the same ports without node ports, on the idle color', () => {
    const p = previewService(workload(), settings, 'green');
    expect(p).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'shop-preview',
        labels: {
          app: 'shop',
          'switchyard.dev/app': 'shop',
          'switchyard.dev/environment': 'production',
        },
      },
      spec: {
        type: 'ClusterIP',
        ports: [{ port: 80, targetPort: 8080 }],
        selector: {
          app: 'shop',
          'switchyard.dev/app': 'shop',
          'switchyard.dev/environment': 'production',
          'switchyard.dev/color': 'green',
        },
      },
    });
  });

  test("the user's own preview Service is kept, with the color in its selector", () => {
    const own = SERVICE.replace('name: shop\n', 'name: shop-preview\n').replace('30080', '30081');
    const w = findWorkload(parseManifests(`${USER}---\n${own}`, 'k8s/'), names, undefined);
    const p = previewService(w, settings, 'blue');
    expect(at(p, 'spec', 'ports')).toEqual([{ port: 80, targetPort: 8080, nodePort: 30081 }]);
    expect(at(p, 'spec', 'selector', 'switchyard.dev/color')).toBe('blue');
    expect(w.others.map((o) => o.metadata.name)).toEqual(['shop-config']);
  });

  test('a List of the rendered objects reads back as the same objects', () => {
    const w = workload();
    const objects = [...w.others, colorDeployment(w, settings, 'blue', PINNED, release)];
    expect(parseManifests(listOf(objects), 'rendered')).toEqual(objects);
  });
});

describe('cross-checked with offline kubectl', () => {
  let dir = '';
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  test('kubectl kustomize output holds the same workload as the plain files', () => {
    dir = folderWith({
      'kustomization.yaml':
        'resources: [deployment.yaml, service.yaml]\ncommonLabels: {team: checkout}\n',
      'deployment.yaml': DEPLOYMENT,
      'service.yaml': SERVICE,
    });
    const built = kubectl(['kustomize', dir]);
    const w = findWorkload(parseManifests(built, dir), names, undefined);
    expect(w.deployment.metadata.labels).toEqual({ app: 'shop', team: 'checkout' });
    expect(at(w.service, 'spec', 'selector')).toEqual({ app: 'shop', team: 'checkout' });
    const d = colorDeployment(w, settings, 'green', PINNED, release);
    expect(at(d, 'spec', 'selector', 'matchLabels')).toMatchObject({
      team: 'checkout',
      'switchyard.dev/color': 'green',
    });
  });

  test('the image substitution is what kubectl set image --local does to the named container', () => {
    dir = folderWith({ 'deployment.yaml': DEPLOYMENT });
    const theirs = JSON.parse(
      kubectl(
        ['set', 'image', '--local', '-f', 'deployment.yaml', `web=${PINNED}`, '-o', 'json'],
        dir,
      ),
    ) as KObject;
    const ours = colorDeployment(workload(), settings, 'blue', PINNED, release);
    // kubectl's typed round trip adds `resources: {}`: compare what each container runs.
    const images = (d: KObject): unknown =>
      (at(d, 'spec', 'template', 'spec', 'containers') as { name: string; image: string }[]).map(
        (c) => [c.name, c.image],
      );
    expect(images(ours)).toEqual(images(theirs));
    expect(images(ours)).toEqual([
      ['web', PINNED],
      ['proxy', 'envoyproxy/envoy:v1.30'],
    ]);
  });

  test.each(['blue', 'green'] as const)(
    'the %s selectors are what kubectl patch --local makes of the manifests',
    (color) => {
      dir = folderWith({ 'deployment.yaml': DEPLOYMENT, 'service.yaml': SERVICE });
      const labels = {
        'switchyard.dev/app': 'shop',
        'switchyard.dev/environment': 'production',
        'switchyard.dev/color': color,
      };
      const patchDeploy = JSON.stringify({
        spec: { selector: { matchLabels: labels }, template: { metadata: { labels } } },
      });
      const deploy = JSON.parse(
        kubectl(
          [
            'patch',
            '--local',
            '-f',
            'deployment.yaml',
            '--type=merge',
            '-p',
            patchDeploy,
            '-o',
            'json',
          ],
          dir,
        ),
      ) as KObject;
      const service = JSON.parse(
        kubectl(
          [
            'patch',
            '--local',
            '-f',
            'service.yaml',
            '--type=merge',
            '-p',
            JSON.stringify({ spec: { selector: labels } }),
            '-o',
            'json',
          ],
          dir,
        ),
      ) as KObject;
      const ours = colorDeployment(workload(), settings, color, PINNED, release);
      expect(at(ours, 'spec', 'selector')).toEqual(at(deploy, 'spec', 'selector'));
      expect(at(ours, 'spec', 'template', 'metadata', 'labels')).toEqual(
        at(deploy, 'spec', 'template', 'metadata', 'labels'),
      );
      expect(at(publicService(workload(), settings, color), 'spec')).toEqual(at(service, 'spec'));
    },
  );
});
