/**
 * `kubernetes:` — the Kubernetes target's section: each key's reader, the layering with its one
 * required key, and the file paths the document resolves and keeps inside the workspace.
 */
import { ConfigError, InputError } from '@switchyard/kit';
import {
  KUBERNETES_SECTION,
  kubernetesFiles,
  readKubernetesSection,
  resolveKubernetesFiles,
  settleKubernetes,
  type KubernetesSection,
} from '../src/kubernetes.js';
import { fileLayer } from '../src/layer.js';
import { thrown } from '../../../test/support/thrown.js';

const layer = (path: string, v: unknown) =>
  fileLayer('switchyard.yml', `${path}.kubernetes`, readKubernetesSection(`${path}.kubernetes`, v));

test.each<[string, unknown, unknown]>([
  ['manifests', 'k8s/', ['k8s/']],
  ['manifests', ['k8s/app.yaml', 'k8s/config/'], ['k8s/app.yaml', 'k8s/config/']],
  ['container', 'web', 'web'],
  [
    'context',
    'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
    'arn:aws:eks:eu-west-1:123456789012:cluster/prod',
  ],
  ['namespace', 'shop-prod', 'shop-prod'],
  ['service', 'shop', 'shop'],
  ['image-pull-secret', 'regcred.v2', 'regcred.v2'],
])('[%s] given %o reads %o', (key, value, expected) => {
  const read = KUBERNETES_SECTION[key as keyof typeof KUBERNETES_SECTION];
  expect(read(`production.kubernetes.${key}`, value)).toEqual(expected);
});

test.each<[string, unknown, RegExp]>([
  ['manifests', [], /is an empty list\. Name the manifests folder/],
  ['manifests', '--kubeconfig=/etc/x', /starts with -\. Give a path/],
  ['manifests', { a: 1 }, /is a mapping, not a single value/],
  ['container', 'Web', /is not a valid name\. Use lowercase letters/],
  ['context', '--server=https://evil', /starts with -\. Give the name of a context/],
  ['namespace', 'shop_prod', /is not a valid name/],
  ['namespace', 'x'.repeat(64), /is 64 characters long/],
  ['service', '1shop', /starting with a letter/],
  ['service', 's'.repeat(56), /is 56 characters long\. Use at most 55/],
  ['image-pull-secret', 'Reg Cred', /is not a valid name/],
])('[%s] refuses %o naming the key and the fix', (key, value, message) => {
  const read = KUBERNETES_SECTION[key as keyof typeof KUBERNETES_SECTION];
  const e = thrown(() => read(`production.kubernetes.${key}`, value), InputError);
  expect(e.input).toBe(`production.kubernetes.${key}`);
  expect(e.message).toMatch(message);
});

test('an unknown key names its path and the valid keys', () => {
  const e = thrown(
    () => readKubernetesSection('production.kubernetes', { manifest: 'k8s/' }),
    InputError,
  );
  expect(e.input).toBe('production.kubernetes.manifest');
  expect(e.message).toMatch(/did you mean manifests\?/);
  expect(e.message).toMatch(/Valid keys: manifests, container, context, namespace, service/);
});

test('layers settle later over earlier; unset keys stay unset', () => {
  const s = settleKubernetes([
    layer('defaults', { manifests: 'k8s/', namespace: 'shop' }),
    layer('production', { namespace: 'shop-prod', context: 'prod' }),
  ]);
  expect(s).toEqual({
    kind: 'kubernetes',
    manifests: ['k8s/'],
    namespace: 'shop-prod',
    context: 'prod',
  });
});

test('manifests is required, blamed on the environment section, with the fix', () => {
  const e = thrown(
    () => settleKubernetes([layer('defaults', {}), layer('production', { namespace: 'shop' })]),
    ConfigError,
  );
  expect(e.message).toMatch(
    /^switchyard\.yml: production\.kubernetes\.manifests: is not set\. target: kubernetes deploys your own manifests: set kubernetes\.manifests/,
  );
});

test.each<[readonly string[], Record<string, string>]>([
  [['k8s/'], { manifests: 'k8s/' }],
  [['a.yaml', 'b/'], { 'manifests[0]': 'a.yaml', 'manifests[1]': 'b/' }],
])('the manifest paths %o are the files the workspace check sees: %o', (manifests, files) => {
  const s = settleKubernetes([layer('production', { manifests: [...manifests] })]);
  expect(kubernetesFiles(s)).toEqual(files);
  expect(resolveKubernetesFiles(s, (p) => `/ws/${p}`).manifests).toEqual(
    manifests.map((m) => `/ws/${m}`),
  );
});

test('a parsed section keeps only the keys it sets', () => {
  const s: KubernetesSection = readKubernetesSection('staging.kubernetes', {
    manifests: 'k8s/',
    container: null,
  });
  expect(s).toEqual({ manifests: ['k8s/'] });
});
