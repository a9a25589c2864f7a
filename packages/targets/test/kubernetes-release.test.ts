/**
 * The post step's releaser of a Kubernetes deploy lock (dependency-free, spawns kubectl): a fake
 * kubectl on PATH answers `get lease` with a stored Lease and records what it is asked to do.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { releaseSavedLock } from '@switchyard/targets/release';
import { leaseObject } from '../src/kubernetes/lock.js';
import { folderWith } from './kubernetes-kubectl.js';

const FAKE = `#!/usr/bin/env node
const fs = require('node:fs');
const dir = __dirname;
const args = process.argv.slice(2);
fs.appendFileSync(dir + '/calls', JSON.stringify(args) + '\\n');
if (args.includes('get')) {
  if (!fs.existsSync(dir + '/lease.json')) { process.stderr.write('Error from server (NotFound): leases.coordination.k8s.io "x" not found\\n'); process.exit(1); }
  process.stdout.write(fs.readFileSync(dir + '/lease.json', 'utf8'));
} else if (args.includes('replace')) {
  fs.writeFileSync(dir + '/replaced.json', fs.readFileSync(0, 'utf8'));
}
`;

let dir = '';
const path = process.env.PATH;
beforeEach(() => {
  dir = folderWith({ kubectl: FAKE });
  chmodSync(join(dir, 'kubectl'), 0o755);
  process.env.PATH = `${dir}:${path ?? ''}`;
});
afterEach(() => {
  process.env.PATH = path;
  rmSync(dir, { recursive: true, force: true });
});

const handle = {
  kind: 'kubernetes',
  token: 'token-1',
  name: 'switchyard-shop-production',
  access: { context: 'prod', namespace: 'shop' },
};
const held = (token: string): string => {
  const o = JSON.parse(
    leaseObject(
      handle.name,
      { 'switchyard.dev/app': 'shop' },
      { me: { deployId: 'run/1', actor: 'alice', token }, since: 0, now: 0, ttlMs: 45_000 },
    ),
  ) as { metadata: Record<string, unknown> };
  return JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: '41' } });
};
const calls = (): string[][] =>
  readFileSync(join(dir, 'calls'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as string[]);

test("a lease still holding the run's token is released by a write conditional on its version", () => {
  writeFileSync(join(dir, 'lease.json'), held('token-1'));
  expect(releaseSavedLock(JSON.stringify(handle))).toBe(
    'Released the deploy lock lease/switchyard-shop-production the main step left behind',
  );
  expect(calls()).toEqual([
    [
      '--context=prod',
      '--namespace=shop',
      'get',
      'lease',
      'switchyard-shop-production',
      '--output=json',
    ],
    ['--context=prod', '--namespace=shop', 'replace', '--filename=-'],
  ]);
  expect(JSON.parse(readFileSync(join(dir, 'replaced.json'), 'utf8'))).toEqual({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: handle.name,
      labels: { 'switchyard.dev/app': 'shop' },
      resourceVersion: '41',
    },
    spec: {},
  });
});

test("another holder's lease, or none, is left alone", () => {
  writeFileSync(join(dir, 'lease.json'), held('token-2'));
  expect(releaseSavedLock(JSON.stringify(handle))).toBeUndefined();
  rmSync(join(dir, 'lease.json'));
  expect(releaseSavedLock(JSON.stringify(handle))).toBeUndefined();
  expect(calls().map((c) => c[2])).toEqual(['get', 'get']);
  expect(existsSync(join(dir, 'replaced.json'))).toBe(false);
});
