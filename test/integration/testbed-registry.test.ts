/**
 * The testbed's image-build parts, for the build-image tests (scripts/testbed up must have run):
 * the plain and the htpasswd registry on loopback, buildx behind its own DOCKER_CONFIG only, and
 * buildah with its storage in the state dir.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { docker, testbed, type Testbed } from '../support/testbed.js';

const exec = promisify(execFile);
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

let tb: Testbed;

beforeAll(() => {
  tb = testbed();
});

/** A repository name no earlier run used. */
const uniqueRepo = (): string =>
  `testbed-check/run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

const sha256 = (data: string | Buffer): string =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** process.env without DOCKER_CONFIG, plus `extra`. */
const envWith = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('DOCKER_CONFIG' in extra)) delete env.DOCKER_CONFIG;
  return env;
};

/** Monolithic blob upload (POST, then PUT with the digest); resolves to the digest. */
async function pushBlob(
  base: string,
  repo: string,
  data: string,
  headers: Record<string, string>,
): Promise<string> {
  const digest = sha256(data);
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
  expect(start.status).toBe(202);
  const location = new URL(start.headers.get('location') ?? '', base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'Content-Type': 'application/octet-stream' },
    body: data,
  });
  expect(put.status).toBe(201);
  return digest;
}

/** Pushes a one-layer OCI image by hand; resolves to the manifest digest the registry reports. */
async function pushImage(
  base: string,
  repo: string,
  tag: string,
  headers: Record<string, string> = {},
): Promise<{ digest: string; manifest: string }> {
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [sha256('layer')] },
  });
  const layer = `layer ${repo}`;
  const blobs = {
    config: await pushBlob(base, repo, config, headers),
    layer: await pushBlob(base, repo, layer, headers),
  };
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: blobs.config,
      size: config.length,
    },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: blobs.layer,
        size: layer.length,
      },
    ],
  });
  const res = await fetch(`${base}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...headers, 'Content-Type': OCI_MANIFEST },
    body: manifest,
  });
  expect(res.status).toBe(201);
  return { digest: res.headers.get('docker-content-digest') ?? '', manifest };
}

describe('plain registry', () => {
  test('answers GET /v2/ with 200 on 127.0.0.1', async () => {
    expect(tb.registry).toMatch(/^127\.0\.0\.1:\d+$/);
    const res = await fetch(`http://${tb.registry}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  test('stores a pushed image under its digest, and deletes it (delete is enabled)', async () => {
    const base = `http://${tb.registry}`;
    const repo = uniqueRepo();
    const { digest, manifest } = await pushImage(base, repo, 'v1');
    expect(digest).toBe(sha256(manifest));

    const get = await fetch(`${base}/v2/${repo}/manifests/v1`, {
      headers: { Accept: OCI_MANIFEST },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('docker-content-digest')).toBe(digest);
    expect(await get.text()).toBe(manifest);

    const del = await fetch(`${base}/v2/${repo}/manifests/${digest}`, { method: 'DELETE' });
    expect(del.status).toBe(202);
    const gone = await fetch(`${base}/v2/${repo}/manifests/${digest}`, {
      headers: { Accept: OCI_MANIFEST },
    });
    expect(gone.status).toBe(404);
  });
});

describe('auth registry', () => {
  const url = (): string => `http://${tb.authRegistry.host}/v2/`;

  test('is a different registry on 127.0.0.1, with user ci and a generated password', () => {
    expect(tb.authRegistry.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(tb.authRegistry.host).not.toBe(tb.registry);
    expect(tb.authRegistry.user).toBe('ci');
    expect(tb.authRegistry.password).toMatch(/^[0-9a-f]{32}$/);
  });

  test('answers 401 with a Basic challenge anonymously', async () => {
    const res = await fetch(url());
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="switchyard-testbed"');
  });

  test('answers 200 with the right credentials and 401 with a wrong password', async () => {
    const { user, password } = tb.authRegistry;
    const ok = await fetch(url(), { headers: { Authorization: basic(user, password) } });
    expect(ok.status).toBe(200);
    const wrong = await fetch(url(), { headers: { Authorization: basic(user, `${password}x`) } });
    expect(wrong.status).toBe(401);
  });

  test('accepts a push with the credentials', async () => {
    const { host, user, password } = tb.authRegistry;
    const headers = { Authorization: basic(user, password) };
    const repo = uniqueRepo();
    const { digest } = await pushImage(`http://${host}`, repo, 'v1', headers);
    const head = await fetch(`http://${host}/v2/${repo}/manifests/v1`, {
      method: 'HEAD',
      headers: { ...headers, Accept: OCI_MANIFEST },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(digest);
  });
});

describe('docker buildx', () => {
  test('works with the testbed DOCKER_CONFIG', async () => {
    const { stdout } = await exec('docker', ['buildx', 'version'], {
      env: envWith({ DOCKER_CONFIG: tb.buildxDockerConfig }),
    });
    expect(stdout).toMatch(/^github\.com\/docker\/buildx \d+\.\d+/);
  });

  test('is absent from the default docker', async () => {
    await expect(exec('docker', ['buildx', 'version'], { env: envWith() })).rejects.toMatchObject({
      stderr: expect.stringMatching(/unknown command|is not a docker command/) as unknown,
    });
  });

  test('builds and pushes to the plain registry; the metadata digest is the registry one', async () => {
    const context = mkdtempSync(join(tmpdir(), 'switchyard-buildx-'));
    const ref = `${tb.registry}/${uniqueRepo()}:v1`;
    try {
      writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /\n');
      writeFileSync(join(context, 'hello.txt'), `hello ${ref}\n`);
      await exec(
        'docker',
        [
          'buildx',
          'build',
          '--push',
          '--label',
          'switchyard.testbed=true',
          '--metadata-file',
          join(context, 'metadata.json'),
          '-t',
          ref,
          context,
        ],
        { env: envWith({ DOCKER_CONFIG: tb.buildxDockerConfig }) },
      );
      const metadata = JSON.parse(readFileSync(join(context, 'metadata.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      const [host, ...rest] = ref.split('/');
      const [repo, tag] = rest.join('/').split(':');
      const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
        method: 'HEAD',
        headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      });
      expect(res.status).toBe(200);
      expect(metadata['containerimage.digest']).toBe(res.headers.get('docker-content-digest'));
    } finally {
      rmSync(context, { recursive: true, force: true });
      await docker('image', 'rm', '-f', ref).catch(() => '');
    }
  });
});

describe('buildah', () => {
  const buildah = async (...args: string[]): Promise<string> => {
    const { stdout } = await exec('buildah', args, {
      env: envWith({ CONTAINERS_STORAGE_CONF: tb.containersStorageConf }),
    });
    return stdout;
  };

  test('uses vfs storage inside the testbed state dir', async () => {
    const info = JSON.parse(await buildah('info')) as {
      store: { GraphRoot: string; RunRoot: string; GraphDriverName: string };
    };
    expect(info.store.GraphDriverName).toBe('vfs');
    expect(info.store.GraphRoot.startsWith(`${tb.dir}/`)).toBe(true);
    expect(info.store.RunRoot.startsWith(`${tb.dir}/`)).toBe(true);
  });

  test('lists images without error, and keeps a working container in that storage', async () => {
    expect(Array.isArray(JSON.parse(await buildah('images', '--json')) ?? [])).toBe(true);
    const container = (await buildah('from', 'scratch')).trim();
    try {
      const listed = JSON.parse(await buildah('containers', '--json')) as {
        containername: string;
      }[];
      expect(listed.map((c) => c.containername)).toContain(container);
    } finally {
      await buildah('rm', container);
    }
    const after = JSON.parse(await buildah('containers', '--json')) as
      { containername: string }[] | null;
    expect((after ?? []).map((c) => c.containername)).not.toContain(container);
  });
});
