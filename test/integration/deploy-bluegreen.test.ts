/**
 * deploy-bluegreen end to end: dist/deploy-bluegreen under Node 24 through the runner protocol,
 * against the testbed's Docker engine, its HAProxy image and app versions in its local registry.
 */
import { pushAppVersion, type PushedApp } from '../support/app-versions.js';
import { containers, deployFixture, get, type DeployFixture } from '../support/deploy.js';
import { socketErrorTotal, startLoad } from '../support/load.js';
import { expectOk, type ActionRun } from '../support/runner.js';
import { docker } from '../support/testbed.js';

let v1: PushedApp;
let v2: PushedApp;
let v3: PushedApp;
const fixtures: DeployFixture[] = [];

beforeAll(async () => {
  const [a, b, c] = await Promise.all(['1.0.0', '2.0.0', '3.0.0'].map((v) => pushAppVersion(v)));
  if (!a || !b || !c) throw new Error('pushAppVersion returned nothing');
  [v1, v2, v3] = [a, b, c];
});

afterAll(async () => {
  for (const f of fixtures) await f.remove();
});

async function fixture(section: Record<string, unknown> = {}): Promise<DeployFixture> {
  const f = await deployFixture(section);
  fixtures.push(f);
  return f;
}

function state(r: ActionRun): {
  live: string;
  previous: string | null;
  retireAfter: string | null;
  history: unknown[];
} {
  return JSON.parse(r.outputs.state ?? '{}') as ReturnType<typeof state>;
}

describe('deploy-bluegreen lifecycle', () => {
  let f: DeployFixture;
  beforeAll(async () => {
    f = await fixture();
  });

  test('first deploy: blue goes live behind a new proxy', async () => {
    const r = await f.run({ image: v1.ref });
    expectOk(r);
    expect(r.outputs).toMatchObject({
      color: 'blue',
      'previous-color': '',
      url: f.url,
      'preview-url': f.previewUrl,
      image: v1.ref,
      digest: v1.digest,
      version: '1.0.0',
      changed: 'true',
      'retire-after': '',
    });
    expect((await get(f.url)).json).toMatchObject({ version: '1.0.0', color: 'blue' });
    expect(r.summary).toContain('deploy-bluegreen');
    expect(r.summary).toMatch(/live color \| none \| blue/);
    expect(r.post?.exitCode).toBe(0);
    // The lock is released: no lock container left.
    expect(Object.keys(await containers(f.app)).sort()).toEqual(
      [`${f.app}-staging-blue`, `${f.app}-staging-proxy`].sort(),
    );
  });

  test('second deploy: green goes live, blue stays warm with retire-after', async () => {
    const before = Date.now();
    const r = await f.run({ image: v2.ref, 'keep-previous': '45m' });
    expectOk(r);
    expect(r.outputs).toMatchObject({
      color: 'green',
      'previous-color': 'blue',
      'previous-image': v1.ref,
      version: '2.0.0',
    });
    const retire = Date.parse(r.outputs['retire-after'] ?? '');
    expect(retire).toBeGreaterThanOrEqual(before + 45 * 60_000 - 1000);
    expect(retire).toBeLessThanOrEqual(Date.now() + 45 * 60_000 + 1000);
    expect((await get(f.url)).json).toMatchObject({ version: '2.0.0', color: 'green' });
    // The warm previous color answers on the preview port.
    expect((await get(f.previewUrl)).json).toMatchObject({ version: '1.0.0', color: 'blue' });
    expect(await containers(f.app)).toMatchObject({
      [`${f.app}-staging-blue`]: 'running',
      [`${f.app}-staging-green`]: 'running',
    });
    expect(r.log).toMatch(/Switched live traffic blue → green in \d+/);
  });

  test('third deploy: blue is replaced, green becomes previous', async () => {
    const oldBlue = await docker('inspect', '--format', '{{.Id}}', `${f.app}-staging-blue`);
    const r = await f.run({ image: v3.ref });
    expectOk(r);
    expect(r.outputs).toMatchObject({
      color: 'blue',
      'previous-color': 'green',
      'previous-image': v2.ref,
      version: '3.0.0',
    });
    expect(r.log).toContain(`replacing the warm blue (${v1.ref})`);
    expect(await docker('inspect', '--format', '{{.Id}}', `${f.app}-staging-blue`)).not.toBe(
      oldBlue,
    );
    expect((await get(f.url)).json).toMatchObject({ version: '3.0.0', color: 'blue' });
    const s = state(r);
    expect(s.live).toBe('blue');
    expect(s.previous).toBe('green');
    expect(s.history).toHaveLength(3);
  });

  test('the same image again is a no-op (changed=false)', async () => {
    const id = await docker('inspect', '--format', '{{.Id}}', `${f.app}-staging-blue`);
    const r = await f.run({ image: v3.pinned });
    expectOk(r);
    expect(r.outputs).toMatchObject({ changed: 'false', color: 'blue', version: '3.0.0' });
    expect(r.log).toContain('is already live on blue: nothing to do');
    expect(await docker('inspect', '--format', '{{.Id}}', `${f.app}-staging-blue`)).toBe(id);
  });

  test('status prints and outputs the state, changing nothing', async () => {
    const before = await containers(f.app);
    const r = await f.run({ action: 'status' });
    expectOk(r);
    expect(r.outputs).toMatchObject({ color: 'blue', 'previous-color': 'green', changed: 'false' });
    expect(r.log).toMatch(/live: blue since /);
    expect(r.log).toContain(`green: ${v2.ref} (version 2.0.0, running`);
    expect(r.log).not.toMatch(/\[command\] docker (create|start|rm|stop|exec)/);
    expect(await containers(f.app)).toEqual(before);
  });

  test('dry-run prints the plan and changes nothing', async () => {
    const before = await containers(f.app);
    const stateBefore = (await f.run({ action: 'status' })).outputs.state;
    const r = await f.run({ image: v1.ref, 'dry-run': 'true' });
    expectOk(r);
    expect(r.log).toContain('Dry run: a deploy would');
    expect(r.log).toMatch(/start .*:1\.0\.0 as green, replacing the running green/);
    expect(r.log).toContain('switch live traffic blue → green');
    expect(r.outputs.changed).toBe('false');
    expect(r.log).not.toMatch(/\[command\] docker (pull|create|start|rm|stop|exec|network create)/);
    expect(await containers(f.app)).toEqual(before);
    expect((await f.run({ action: 'status' })).outputs.state).toBe(stateBefore);
    expect((await get(f.url)).json).toMatchObject({ version: '3.0.0' });
  });

  test('a proxy restart keeps the live color (the map file was rewritten)', async () => {
    await docker('restart', `${f.app}-staging-proxy`);
    let reply = await get(f.url);
    for (let i = 0; i < 50 && reply.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      reply = await get(f.url);
    }
    expect(reply.json).toMatchObject({ version: '3.0.0', color: 'blue' });
    expect((await get(f.previewUrl)).json).toMatchObject({ version: '2.0.0', color: 'green' });
  });
});

describe('deploy-bluegreen promote: false, then action: promote', () => {
  test('the new color waits on the preview port until promoted', async () => {
    const f = await fixture();
    expectOk(await f.run({ image: v1.ref }));
    const staged = await f.run({ image: v2.ref, promote: 'false' });
    expectOk(staged);
    expect(staged.outputs).toMatchObject({
      color: 'green',
      'preview-url': f.previewUrl,
      changed: 'true',
      version: '2.0.0',
    });
    expect(staged.log).toContain('live traffic stays on blue until "action: promote"');
    expect((await get(f.url)).json).toMatchObject({ version: '1.0.0' });
    expect((await get(f.previewUrl)).json).toMatchObject({ version: '2.0.0' });
    expect(JSON.parse(staged.outputs.state ?? '{}')).toMatchObject({
      live: 'blue',
      pending: { color: 'green' },
    });

    const promoted = await f.run({ action: 'promote' });
    expectOk(promoted);
    expect(promoted.outputs).toMatchObject({
      color: 'green',
      'previous-color': 'blue',
      changed: 'true',
    });
    expect((await get(f.url)).json).toMatchObject({ version: '2.0.0', color: 'green' });
    expect(JSON.parse(promoted.outputs.state ?? '{}')).toMatchObject({
      live: 'green',
      pending: null,
    });

    const again = await f.run({ action: 'promote' });
    expect(again.exitCode).toBe(1);
    expect(again.log).toMatch(
      /::error::deploy-bluegreen: nothing to promote: no color is waiting \(live is green\)/,
    );
    expect((await get(f.url)).json).toMatchObject({ version: '2.0.0' });
  });
});

describe('deploy-bluegreen under load', () => {
  test('10 switches under 50 keep-alive connections: 0 non-2xx, 0 socket errors', async () => {
    const f = await fixture();
    expectOk(await f.run({ image: v1.ref }));
    const load = startLoad(`${f.url}/`, { connections: 50, threads: 2, maxDurationMs: 110_000 });
    const versions: string[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        const image = i % 2 === 0 ? v2 : v1;
        const r = await f.run({ image: image.ref });
        expectOk(r);
        expect(r.outputs.changed).toBe('true');
        versions.push(r.outputs.version ?? '');
      }
    } finally {
      const result = await load.stop();
      expect(result.requests).toBeGreaterThan(1000);
      expect(result.non2xx).toBe(0);
      expect(socketErrorTotal(result)).toBe(0);
    }
    expect(versions).toEqual(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? '2.0.0' : '1.0.0')),
    );
  }, 150_000);
});
