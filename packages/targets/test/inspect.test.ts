import { parseImageReference } from '@switchyard/image';
import {
  colorStatus,
  parseContainer,
  parseImage,
  type ContainerView,
} from '@switchyard/targets/docker';
import { LABELS } from '@switchyard/targets';

const NETWORK = 'shop-production';
const ID = 'f1e2d3c4b5a6f1e2d3c4b5a6f1e2d3c4b5a6f1e2d3c4b5a6f1e2d3c4b5a6f1e2';
const DIGEST = `sha256:${'d'.repeat(64)}`;
const OTHER = `sha256:${'e'.repeat(64)}`;
const IMAGE_ID = `sha256:${'9'.repeat(64)}`;

const labels = {
  [LABELS.app]: 'shop',
  [LABELS.environment]: 'production',
  [LABELS.role]: 'app',
  [LABELS.color]: 'green',
  [LABELS.image]: 'registry.test/shop:1.4.2',
  [LABELS.digest]: DIGEST,
  [LABELS.version]: '1.4.2',
  [LABELS.deployId]: 'https://github.test/acme/shop/actions/runs/7',
  [LABELS.actor]: 'alice',
  [LABELS.createdAt]: '2026-01-01T00:00:00.000Z',
};

/** A `docker container inspect --format '{{json .}}'` document, trimmed to what matters. */
const container = (state: object, over: object = {}): string =>
  JSON.stringify({
    Id: ID,
    Name: '/shop-production-green',
    State: { Status: 'running', Running: true, ExitCode: 0, ...state },
    RestartCount: 0,
    Config: { Labels: labels },
    NetworkSettings: {
      Networks: { [NETWORK]: { IPAddress: '172.18.0.4' }, bridge: { IPAddress: '172.17.0.2' } },
    },
    ...over,
  });

describe('parseContainer', () => {
  test.each([
    [
      'running and healthy',
      container({ Health: { Status: 'healthy', FailingStreak: 0 } }),
      {
        status: 'running',
        running: true,
        exitCode: 0,
        health: 'healthy',
        restarts: 0,
        address: '172.18.0.4',
      },
    ],
    [
      'exited with code 137',
      container({
        Status: 'exited',
        Running: false,
        ExitCode: 137,
        Health: { Status: 'unhealthy' },
      }),
      {
        status: 'exited',
        running: false,
        exitCode: 137,
        health: 'unhealthy',
        restarts: 0,
        address: '172.18.0.4',
      },
    ],
    [
      'running without a health check',
      container({}),
      {
        status: 'running',
        running: true,
        exitCode: 0,
        health: 'none',
        restarts: 0,
        address: '172.18.0.4',
      },
    ],
    [
      'running, Health null',
      container({ Health: null }),
      {
        status: 'running',
        running: true,
        exitCode: 0,
        health: 'none',
        restarts: 0,
        address: '172.18.0.4',
      },
    ],
    [
      'restarting after 3 crashes',
      container(
        { Status: 'restarting', Running: true, ExitCode: 1, Health: { Status: 'starting' } },
        { RestartCount: 3 },
      ),
      {
        status: 'restarting',
        running: true,
        exitCode: 1,
        health: 'starting',
        restarts: 3,
        address: '172.18.0.4',
      },
    ],
    [
      'attached to another network only',
      container({}, { NetworkSettings: { Networks: { bridge: { IPAddress: '172.17.0.2' } } } }),
      { status: 'running', running: true, exitCode: 0, health: 'none', restarts: 0, address: '' },
    ],
    [
      'created (no networks yet)',
      container({ Status: 'created', Running: false }, { NetworkSettings: { Networks: null } }),
      { status: 'created', running: false, exitCode: 0, health: 'none', restarts: 0, address: '' },
    ],
  ])('[%#] given a container %s returns %o', (_name, json, view) => {
    expect(parseContainer(json, NETWORK)).toEqual({ id: ID, labels, ...view });
  });

  test('an empty document reads as an unknown, stopped container', () => {
    expect(parseContainer('{}', NETWORK)).toEqual({
      id: '',
      labels: {},
      status: 'unknown',
      running: false,
      exitCode: 0,
      health: 'none',
      restarts: 0,
      address: '',
    });
  });
});

describe('colorStatus', () => {
  const view = (over: Partial<ContainerView> = {}): ContainerView => ({
    ...parseContainer(container({ Health: { Status: 'healthy' } }), NETWORK),
    ...over,
  });

  test('a running color of ours: its release from the labels, no exit code', () => {
    expect(colorStatus(view())).toEqual({
      color: 'green',
      image: 'registry.test/shop:1.4.2',
      digest: DIGEST,
      version: '1.4.2',
      deployId: 'https://github.test/acme/shop/actions/runs/7',
      actor: 'alice',
      createdAt: '2026-01-01T00:00:00.000Z',
      state: 'running',
      running: true,
      health: 'healthy',
    });
  });

  test('a stopped color carries its exit code', () => {
    expect(colorStatus(view({ status: 'exited', running: false, exitCode: 2 }))).toMatchObject({
      state: 'exited',
      running: false,
      exitCode: 2,
    });
  });

  test('missing release labels read as empty strings', () => {
    const l = { [LABELS.role]: 'app', [LABELS.color]: 'blue' };
    expect(colorStatus(view({ labels: l }))).toMatchObject({
      color: 'blue',
      image: '',
      digest: '',
      version: '',
      deployId: '',
    });
  });

  test('a container that never started (a failed docker start) is no release: undefined', () => {
    expect(colorStatus(view({ status: 'created', running: false, exitCode: 0 }))).toBeUndefined();
    // One that ran and stopped still is (a retired color).
    expect(colorStatus(view({ status: 'exited', running: false, exitCode: 0 }))).toBeDefined();
  });

  test.each([
    ['no labels', {}],
    ['no role label', { ...labels, [LABELS.role]: undefined }],
    ['the proxy role', { ...labels, [LABELS.role]: 'proxy' }],
    ['the lock role', { ...labels, [LABELS.role]: 'lock' }],
    ['no color label', { ...labels, [LABELS.color]: undefined }],
    ['an unknown color', { ...labels, [LABELS.color]: 'red' }],
  ])('[%#] given %s returns undefined (not ours)', (_name, l) => {
    const clean = Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined));
    expect(colorStatus(view({ labels: clean as Record<string, string> }))).toBeUndefined();
  });
});

/** A `docker image inspect --format '{{json .}}'` document. */
const imageJson = (repoDigests: string[] | null, config: object = {}): string =>
  JSON.stringify({ Id: IMAGE_ID, RepoTags: [], RepoDigests: repoDigests, Config: config });

describe('parseImage', () => {
  test.each<[string, string | undefined]>([
    ['0123456789abcdef0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567'],
    ['abc1234', 'abc1234'],
    ['main', undefined],
    ['0123456\n::error::x', undefined],
    ['', undefined],
  ])('the revision label %j is taken only as a commit sha: %j', (label, revision) => {
    const json = JSON.stringify({
      Id: 'sha256:' + 'e'.repeat(64),
      RepoDigests: [],
      Config: { Labels: { 'org.opencontainers.image.revision': label } },
    });
    const ref = 'shop:dev';
    expect(parseImage(json, parseImageReference('image', ref), ref).revision).toBe(revision);
  });

  test.each([
    [
      'a ref with a digest (the ref wins over RepoDigests)',
      `registry.test/shop:1.4.2@${DIGEST}`,
      imageJson([`registry.test/shop@${OTHER}`]),
      { pinned: `registry.test/shop@${DIGEST}`, digest: DIGEST },
    ],
    [
      'a tag with its repository in RepoDigests',
      'registry.test/shop:1.4.2',
      imageJson([`ghcr.io/acme/shop@${OTHER}`, `registry.test/shop@${DIGEST}`]),
      { pinned: `registry.test/shop@${DIGEST}`, digest: DIGEST },
    ],
    [
      'a registry with a port',
      '127.0.0.1:5000/team/app:1.4.2',
      imageJson([`127.0.0.1:5000/team/app-worker@${OTHER}`, `127.0.0.1:5000/team/app@${DIGEST}`]),
      { pinned: `127.0.0.1:5000/team/app@${DIGEST}`, digest: DIGEST },
    ],
    [
      'a Docker Hub short name',
      'nginx:1.27',
      imageJson([`nginx@${DIGEST}`]),
      { pinned: `nginx@${DIGEST}`, digest: DIGEST },
    ],
    [
      'a Docker Hub name written in full',
      'docker.io/library/nginx:1.27',
      imageJson([`nginx@${DIGEST}`]),
      { pinned: `nginx@${DIGEST}`, digest: DIGEST },
    ],
    [
      'only another repository in RepoDigests',
      'registry.test/shop:1.4.2',
      imageJson([`registry.test/shop-old@${OTHER}`]),
      { pinned: IMAGE_ID, digest: IMAGE_ID },
    ],
    [
      'a local build (no RepoDigests)',
      'shop:dev',
      imageJson(null),
      { pinned: IMAGE_ID, digest: IMAGE_ID },
    ],
  ])('[%#] given %s (%s) returns %o', (_name, ref, json, expected) => {
    expect(parseImage(json, parseImageReference('image', ref), ref)).toEqual({
      ref,
      ports: [],
      ...expected,
    });
  });

  test.each([
    [{ ExposedPorts: { '80/tcp': {} } }, [80]],
    [{ ExposedPorts: { '8443/tcp': {}, '8080/tcp': {}, '53/udp': {} } }, [8080, 8443]],
    [{ ExposedPorts: { '3000': {} } }, [3000]],
    [{ ExposedPorts: null }, []],
    [{}, []],
  ])('[%#] given Config %j, the exposed TCP ports are %j', (config, ports) => {
    const ref = parseImageReference('image', 'shop:dev');
    expect(parseImage(imageJson(null, config), ref, 'shop:dev').ports).toEqual(ports);
  });

  test.each([
    [{ Labels: { 'org.opencontainers.image.version': '1.4.2' } }, { version: '1.4.2' }],
    [{ Labels: { 'org.opencontainers.image.version': '' } }, {}],
    [{ Labels: null }, {}],
  ])('[%#] given Config %j returns the version %o', (config, version) => {
    const ref = parseImageReference('image', 'shop:dev');
    const got = parseImage(imageJson(null, config), ref, 'shop:dev');
    expect(got).toEqual({
      ref: 'shop:dev',
      pinned: IMAGE_ID,
      digest: IMAGE_ID,
      ports: [],
      ...version,
    });
  });
});
