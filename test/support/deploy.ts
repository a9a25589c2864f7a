/**
 * Helpers for deploy-bluegreen's integration tests: a workspace with a switchyard.yml, a deploy
 * run through the runner harness, a plain GET, and removal of everything an app+environment left.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DOCKER_FLAT_KEYS } from '@switchyard/config';
import { runAction, type ActionRun, type RunOptions } from './runner.js';
import { docker, freePort, testbed } from './testbed.js';

/** One app+environment on the testbed's Docker engine, on free loopback ports. */
export interface DeployFixture {
  readonly app: string;
  readonly environment: string;
  readonly workspace: string;
  readonly port: number;
  readonly previewPort: number;
  readonly url: string;
  readonly previewUrl: string;
  /** Runs the action in this workspace (environment preset). */
  run(
    inputs: Record<string, string>,
    opts?: Omit<RunOptions, 'inputs' | 'workspace'>,
  ): Promise<ActionRun>;
  /** Rewrites switchyard.yml with extra keys in the environment's section. */
  writeConfig(section?: Record<string, unknown>): void;
  /** Removes the containers, network and volume of this app+environment. */
  remove(): Promise<void>;
}

let counter = 0;

/** A new app+environment (unique name) with a config file: testbed HAProxy image, loopback ports. */
export async function deployFixture(section: Record<string, unknown> = {}): Promise<DeployFixture> {
  const tb = testbed();
  const app = `e2e${process.pid % 10_000}-${++counter}`;
  const environment = 'staging';
  const workspace = mkdtempSync(join(tmpdir(), 'switchyard-deploy-'));
  const port = await freePort();
  let previewPort = await freePort();
  while (previewPort === port) previewPort = await freePort();
  const writeConfig = (extra: Record<string, unknown> = section): void => {
    // Keys of the docker target go under docker:, as users write them now.
    const isDocker = (k: string): boolean => Object.values(DOCKER_FLAT_KEYS).includes(k);
    const pick = (docker: boolean): Record<string, unknown> =>
      Object.fromEntries(Object.entries(extra).filter(([k]) => isDocker(k) === docker));
    const doc = {
      app,
      [environment]: {
        docker: {
          port,
          'preview-port': previewPort,
          bind: '127.0.0.1',
          'stop-timeout': '2s',
          proxy: { image: tb.haproxyImage },
          ...pick(true),
        },
        health: { path: '/healthz', interval: '200ms', timeout: '2s' },
        'ready-timeout': '30s',
        ...pick(false),
      },
    };
    writeFileSync(join(workspace, 'switchyard.yml'), stringify(doc));
  };
  writeConfig(section);
  const prefix = `${app}-${environment}`;
  return {
    app,
    environment,
    workspace,
    port,
    previewPort,
    url: `http://127.0.0.1:${port}`,
    previewUrl: `http://127.0.0.1:${previewPort}`,
    run: (inputs, opts = {}) =>
      runAction('deploy-bluegreen', { ...opts, workspace, inputs: { environment, ...inputs } }),
    writeConfig,
    remove: async () => {
      const ids = (await docker('ps', '-aq', '--filter', `label=switchyard.app=${app}`))
        .split('\n')
        .filter(Boolean);
      if (ids.length) await docker('rm', '-f', ...ids);
      await docker('network', 'rm', prefix).catch(() => '');
      await docker('volume', 'rm', '-f', `${prefix}-proxy`).catch(() => '');
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly json?: { version?: string; color?: string };
}

/** One GET with a fresh connection (no keep-alive); a connection error is status 0. */
export function get(url: string, timeoutMs = 3000): Promise<Reply> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: Reply['json'];
        try {
          json = JSON.parse(body) as Reply['json'];
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body, ...(json && { json }) });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    req.end();
  });
}

/** Names of this app's containers with their state, e.g. `{ 'x-staging-blue': 'running' }`. */
export async function containers(app: string): Promise<Record<string, string>> {
  const out = await docker(
    'ps',
    '-a',
    '--filter',
    `label=switchyard.app=${app}`,
    '--format',
    '{{.Names}} {{.State}}',
  );
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string]),
  );
}

/** Polls GETs of `url` until stopped; counts every answer that isn't a 200. */
export function watch(url: string): { stop(): Promise<{ ok: number; bad: Reply[] }> } {
  let running = true;
  const bad: Reply[] = [];
  let ok = 0;
  const loop = (async () => {
    while (running) {
      const r = await get(url, 5000);
      if (r.status === 200) ok++;
      else bad.push(r);
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { ok, bad };
    },
  };
}
