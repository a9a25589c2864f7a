/**
 * `target: kubernetes` in a whole config file: the section is read beside Docker's, resolved with
 * its manifest paths against the config file's folder, and kept inside the workspace. (Lands with
 * the registration of the kubernetes schema in target-schemas.ts and types.ts.)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@switchyard/kit';
import { loadEnvironment, parseConfig } from '@switchyard/config';
import { thrown } from '../../../test/support/thrown.js';

const YAML = `
app: shop
defaults:
  docker: {port: 9000}
  kubernetes: {namespace: shop}
staging: {}
production:
  target: kubernetes
  url: https://shop.example.com
  kubernetes:
    manifests: [k8s/app.yaml, k8s/config/]
    context: prod
`;

test('an environment on kubernetes gets its section over defaults; one on docker keeps docker settings', () => {
  const doc = parseConfig(YAML, 'switchyard.yml');
  expect(doc.resolve('production', {}, '/ws').target).toEqual({
    kind: 'kubernetes',
    manifests: ['/ws/k8s/app.yaml', '/ws/k8s/config'],
    namespace: 'shop',
    context: 'prod',
  });
  expect(doc.resolve('staging').target).toMatchObject({ kind: 'docker', port: 9000 });
});

test('a kubernetes key at the top of a section points to its place', () => {
  const e = thrown(
    () => parseConfig('app: shop\nproduction:\n  manifests: k8s/\n', 'switchyard.yml'),
    ConfigError,
  );
  expect(e.message).toMatch(
    /production\.manifests: "manifests" is not a known key \(did you mean kubernetes\.manifests\?\)/,
  );
});

test('manifests outside the workspace are refused under their key', () => {
  const root = mkdtempSync(join(tmpdir(), 'sy-k8s-ws-'));
  try {
    const ws = join(root, 'ws');
    mkdirSync(ws);
    writeFileSync(
      join(ws, 'switchyard.yml'),
      'app: shop\nproduction:\n  target: kubernetes\n  kubernetes: {manifests: ../k8s/}\n',
    );
    const e = thrown(
      () => loadEnvironment({ configInput: '', environment: 'production', workspace: ws }),
      ConfigError,
    );
    expect(e.message).toMatch(/production\.kubernetes\.manifests: is outside the workspace/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
