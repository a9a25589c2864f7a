/**
 * The app's port comes from the image when docker.container-port is not set (issue 23): an image
 * that exposes one port (3000, not the old default 8080) deploys with no setting; one that exposes
 * several is refused before anything starts, naming them, and deploys once container-port picks one.
 * Through the CLI from source, against the testbed's Docker and registry.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliOk, switchyard } from '../support/cli-source.js';
import { deployFixture, get, type DeployFixture } from '../support/deploy.js';
import { pushDigest } from '../support/app-versions.js';
import { someValue, testbedPrometheus, waitForQuery } from '../support/prometheus.js';
import { docker, testbed } from '../support/testbed.js';

const run = promisify(execFile);
const fixtures: DeployFixture[] = [];
const images: string[] = [];
afterAll(async () => {
  for (const f of fixtures) await f.remove();
  if (images.length) await docker('image', 'rm', '-f', ...images).catch(() => '');
});

/** The example app on port 3000, exposing `expose` (built from the base image, so nothing else). */
async function pushPortImage(tag: string, expose: readonly number[]): Promise<string> {
  const tb = testbed();
  const ref = `${tb.registry}/switchyard-e2e/port-app:${tag}`;
  const dir = mkdtempSync(join(tmpdir(), 'port-app-'));
  try {
    writeFileSync(
      join(dir, 'Dockerfile'),
      [
        `FROM ${tb.appImage} AS app`,
        `FROM ${tb.baseImage}`,
        'COPY --from=app /app/server.mjs /app/server.mjs',
        `ENV PORT=3000 APP_VERSION=${tag}`,
        ...expose.map((p) => `EXPOSE ${p}`),
        'USER nobody',
        'CMD ["node", "/app/server.mjs"]',
        '',
      ].join('\n'),
    );
    await run('docker', ['build', '-q', '-t', ref, dir], {
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
    });
    const { stdout } = await run('docker', ['push', ref]);
    images.push(ref);
    return `${tb.registry}/switchyard-e2e/port-app@${pushDigest(stdout)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('one exposed port: no container-port needed, the proxy routes to it', async () => {
  const image = await pushPortImage('3000.0.1', [3000]);
  const f = await deployFixture();
  fixtures.push(f);
  const r = cliOk(await switchyard(f.workspace, ['deploy', 'staging', '--image', image]));
  expect(r.stderr).toContain('the app listens on port 3000, as');
  expect((await get(`${f.url}/healthz`)).json).toMatchObject({ version: '3000.0.1' });
  // The testbed's Prometheus scrapes whatever port the container exposes, 3000 here.
  await waitForQuery(
    testbedPrometheus().url,
    `up{job="switchyard",app="${f.app}"}`,
    someValue((v) => v === 1),
    30_000,
  );
  // A second deploy reads the port the proxy routes to, and the image agrees.
  cliOk(
    await switchyard(f.workspace, [
      'deploy',
      'staging',
      '--image',
      image.replace(/@.*/, ':3000.0.1'),
      '--pull',
      'missing',
    ]),
  );
}, 120_000);

test('several exposed ports: refused before anything starts, naming them; container-port picks one', async () => {
  const image = await pushPortImage('3000.0.2', [3000, 9100]);
  const f = await deployFixture();
  fixtures.push(f);
  const r = await switchyard(f.workspace, ['deploy', 'staging', '--image', image]);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain(
    "exposes several ports (3000, 9100), so switchyard can't tell which one serves the app: set docker.container-port",
  );
  const made = await docker(
    'ps',
    '-aq',
    '--filter',
    `label=switchyard.app=${f.app}`,
    '--filter',
    'label=switchyard.role=app',
  );
  expect(made).toBe('');
  f.writeConfig({ 'container-port': 3000 });
  cliOk(await switchyard(f.workspace, ['deploy', 'staging', '--image', image]));
  expect((await get(`${f.url}/healthz`)).json).toMatchObject({ version: '3000.0.2' });
}, 120_000);
