import {
  buildCommand,
  loadCommands,
  needsDriver,
  pushCommands,
  secretEnv,
  unsupported,
  type BuilderInfo,
  type BuildFiles,
  type BuildSpec,
} from '@switchyard/image';

const BX_DOCKER: BuilderInfo = {
  kind: 'buildx',
  version: 'github.com/docker/buildx 0.13.1',
  driver: 'docker',
};
const BX_DEFAULT: BuilderInfo = { kind: 'buildx', version: 'github.com/docker/buildx 0.13.1' };
const BX_CONTAINER: BuilderInfo = { ...BX_DOCKER, driver: 'docker-container' };
const CLASSIC: BuilderInfo = { kind: 'docker', version: 'Docker version 20.10.24' };
const BUILDAH: BuilderInfo = { kind: 'buildah', version: 'buildah version 1.28.2' };

const files: BuildFiles = {
  metadata: '/tmp/b/metadata.json',
  iid: '/tmp/b/iid',
  secret: (i) => `/tmp/b/secret-${i}`,
  digest: (i) => `/tmp/b/digest-${i}`,
  authDir: '/tmp/b/auth',
};
const noAuth: BuildFiles = { ...files, authDir: undefined };

const R1 = 'ghcr.io/acme/shop:1.4.2';
const R2 = 'ghcr.io/acme/shop:latest';
const SECRET_VALUES = ['s3cr3t-npm-token', 's3cr3t-gh-token'];

/** A representative spec: every flag that all three builders share, plus secrets. */
const spec: BuildSpec = {
  context: '/work/repo',
  file: '/work/repo/docker/Dockerfile',
  refs: [R1, R2],
  buildArgs: [
    ['NODE_VERSION', '24'],
    ['FLAGS', 'a=b c'],
  ],
  labels: { 'org.opencontainers.image.version': '1.4.2', 'com.example.team': 'payments' },
  target: 'runtime',
  secrets: [
    { id: 'npm', value: SECRET_VALUES[0]! },
    { id: 'gh', value: SECRET_VALUES[1]! },
  ],
  pull: true,
  noCache: true,
  platforms: ['linux/amd64'],
  cacheFrom: ['type=registry,ref=ghcr.io/acme/shop:cache'],
  cacheTo: ['type=inline'],
  provenance: 'false',
  sbom: false,
  push: true,
  load: false,
  insecure: false,
};

const COMMON = [
  '--file',
  '/work/repo/docker/Dockerfile',
  '--build-arg',
  'NODE_VERSION=24',
  '--build-arg',
  'FLAGS=a=b c',
  '--label',
  'org.opencontainers.image.version=1.4.2',
  '--label',
  'com.example.team=payments',
  '--target',
  'runtime',
  '--no-cache',
  '--platform',
  'linux/amd64',
  '--tag',
  R1,
  '--tag',
  R2,
];

describe('buildCommand', () => {
  test('buildx: one command that builds and pushes; secrets by env name only', () => {
    expect(buildCommand(spec, BX_CONTAINER, files)).toEqual({
      command: 'docker',
      args: [
        'buildx',
        'build',
        '--progress',
        'plain',
        ...COMMON,
        '--pull',
        '--secret',
        'id=npm,env=SWITCHYARD_BUILD_SECRET_0',
        '--secret',
        'id=gh,env=SWITCHYARD_BUILD_SECRET_1',
        '--cache-from',
        'type=registry,ref=ghcr.io/acme/shop:cache',
        '--cache-to',
        'type=inline',
        '--provenance',
        'false',
        '--sbom',
        'false',
        '--metadata-file',
        '/tmp/b/metadata.json',
        '--iidfile',
        '/tmp/b/iid',
        '--push',
        '/work/repo',
      ],
      env: {
        SWITCHYARD_BUILD_SECRET_0: 's3cr3t-npm-token',
        SWITCHYARD_BUILD_SECRET_1: 's3cr3t-gh-token',
      },
    });
  });

  test('classic docker: BuildKit off, cache-from kept, intermediate containers removed', () => {
    expect(buildCommand({ ...spec, secrets: [] }, CLASSIC, files)).toEqual({
      command: 'docker',
      args: [
        'build',
        ...COMMON,
        '--pull',
        '--cache-from',
        'type=registry,ref=ghcr.io/acme/shop:cache',
        '--iidfile',
        '/tmp/b/iid',
        '--rm',
        '--force-rm',
        '/work/repo',
      ],
      env: { DOCKER_BUILDKIT: '0' },
    });
  });

  test('buildah: secrets from private files, the login from the auth file', () => {
    expect(buildCommand(spec, BUILDAH, files)).toEqual({
      command: 'buildah',
      args: [
        'bud',
        ...COMMON,
        '--pull-always',
        '--secret',
        'id=npm,src=/tmp/b/secret-0',
        '--secret',
        'id=gh,src=/tmp/b/secret-1',
        '--authfile',
        '/tmp/b/auth/config.json',
        '--iidfile',
        '/tmp/b/iid',
        '/work/repo',
      ],
    });
  });

  test('buildah to a loopback registry skips TLS verification', () => {
    const args = buildCommand({ ...spec, insecure: true }, BUILDAH, noAuth).args;
    expect(args).toContain('--tls-verify=false');
    expect(args).not.toContain('--authfile');
  });

  test.each([
    [{ push: false, load: true }, '--load'],
    [{ push: true, load: false }, '--push'],
  ])('[%#] buildx given %o ends with %o before the context', (over, flag) => {
    expect(buildCommand({ ...spec, ...over }, BX_DOCKER, files).args.slice(-2)).toEqual([
      flag,
      '/work/repo',
    ]);
  });

  test('a minimal buildx spec has no optional flag', () => {
    const minimal: BuildSpec = {
      context: '/w',
      file: '/w/Dockerfile',
      refs: ['app:sha-0123456'],
      buildArgs: [],
      labels: {},
      secrets: [],
      pull: false,
      noCache: false,
      platforms: [],
      cacheFrom: [],
      cacheTo: [],
      push: false,
      load: false,
      insecure: false,
    };
    expect(buildCommand(minimal, BX_DOCKER, noAuth)).toEqual({
      command: 'docker',
      args: [
        'buildx',
        'build',
        '--progress',
        'plain',
        '--file',
        '/w/Dockerfile',
        '--tag',
        'app:sha-0123456',
        '--metadata-file',
        '/tmp/b/metadata.json',
        '--iidfile',
        '/tmp/b/iid',
        '/w',
      ],
      env: {},
    });
  });

  test.each([[BX_DOCKER], [BX_CONTAINER], [CLASSIC], [BUILDAH]])(
    '[%#] %o never puts a secret value in argv',
    (builder) => {
      const commands = [
        buildCommand(spec, builder, files),
        ...pushCommands(spec, builder, files),
        ...loadCommands({ ...spec, push: false, load: true }, builder),
      ];
      for (const c of commands)
        for (const secret of SECRET_VALUES)
          expect(c.args.filter((a) => a.includes(secret))).toEqual([]);
    },
  );

  test('secretEnv names the variable by index', () => {
    expect(secretEnv(3)).toBe('SWITCHYARD_BUILD_SECRET_3');
  });
});

describe('pushCommands and loadCommands', () => {
  test.each([
    [BX_CONTAINER, spec, []],
    [CLASSIC, { ...spec, push: false }, []],
    [
      CLASSIC,
      spec,
      [
        { command: 'docker', args: ['push', R1] },
        { command: 'docker', args: ['push', R2] },
      ],
    ],
    [
      BUILDAH,
      { ...spec, insecure: true },
      [
        {
          command: 'buildah',
          args: [
            'push',
            '--tls-verify=false',
            '--authfile',
            '/tmp/b/auth/config.json',
            '--digestfile',
            '/tmp/b/digest-0',
            R1,
            `docker://${R1}`,
          ],
        },
        {
          command: 'buildah',
          args: [
            'push',
            '--tls-verify=false',
            '--authfile',
            '/tmp/b/auth/config.json',
            '--digestfile',
            '/tmp/b/digest-1',
            R2,
            `docker://${R2}`,
          ],
        },
      ],
    ],
  ])('[%#] pushes of %o given %o are %o', (builder, s, commands) => {
    expect(pushCommands(s, builder, files)).toEqual(commands);
  });

  test('buildah without a login or TLS exception pushes plainly', () => {
    expect(pushCommands({ ...spec, refs: [R1] }, BUILDAH, noAuth)).toEqual([
      {
        command: 'buildah',
        args: ['push', '--digestfile', '/tmp/b/digest-0', R1, `docker://${R1}`],
      },
    ]);
  });

  test.each([
    [
      BUILDAH,
      true,
      [R1, R2].map((r) => ({ command: 'buildah', args: ['push', r, `docker-daemon:${r}`] })),
    ],
    [BUILDAH, false, []],
    [BX_DOCKER, true, []],
    [CLASSIC, true, []],
  ])('[%#] loads of %o given load %o are %o', (builder, load, commands) => {
    expect(loadCommands({ ...spec, push: false, load }, builder)).toEqual(commands);
  });
});

describe('unsupported', () => {
  /** A spec every builder can build: one platform, push, no cache export, attestations or secrets. */
  const plain: BuildSpec = {
    ...spec,
    secrets: [],
    cacheFrom: [],
    cacheTo: [],
    provenance: undefined,
    sbom: undefined,
  };
  const multi = { platforms: ['linux/amd64', 'linux/arm64'] };
  const secrets = { secrets: [{ id: 'npm', value: 'x' }] };

  test.each<[string, Partial<BuildSpec>, BuilderInfo, [string, string][]]>([
    ['plain on buildx/docker', {}, BX_DOCKER, []],
    ['plain on buildx/docker-container', {}, BX_CONTAINER, []],
    ['plain on classic', {}, CLASSIC, []],
    ['plain on buildah', {}, BUILDAH, []],
    [
      'multi-platform on the docker driver',
      multi,
      BX_DOCKER,
      [
        [
          'platforms',
          'buildx with the "docker" driver cannot build several platforms at once; use buildx with a docker-container builder (docker/setup-buildx-action)',
        ],
      ],
    ],
    [
      'multi-platform, driver unknown = docker',
      multi,
      BX_DEFAULT,
      [['platforms', 'buildx with the "docker" driver cannot build several platforms']],
    ],
    ['multi-platform on docker-container', multi, BX_CONTAINER, []],
    [
      'multi-platform on classic',
      multi,
      CLASSIC,
      [['platforms', 'the classic docker builder cannot build several platforms']],
    ],
    [
      'multi-platform on buildah',
      multi,
      BUILDAH,
      [['platforms', 'buildah cannot build several platforms']],
    ],
    [
      'multi-platform load on docker-container',
      { ...multi, push: false, load: true },
      BX_CONTAINER,
      [['load', 'a multi-platform image cannot be loaded into the docker engine; push it instead']],
    ],
    [
      'multi-platform load on the docker driver',
      { ...multi, push: false, load: true },
      BX_DOCKER,
      [
        ['platforms', 'cannot build several platforms'],
        ['load', 'cannot be loaded'],
      ],
    ],
    [
      'cache-to registry on the docker driver',
      { cacheTo: ['type=registry,ref=ghcr.io/acme/shop:cache'] },
      BX_DOCKER,
      [
        [
          'cache-to',
          'buildx with the "docker" driver can only export type=inline caches (asked: type=registry,ref=ghcr.io/acme/shop:cache); use a docker-container builder',
        ],
      ],
    ],
    ['cache-to inline on the docker driver', { cacheTo: ['type=inline'] }, BX_DOCKER, []],
    [
      'cache-to gha and inline on the docker driver',
      { cacheTo: ['type=inline', 'type=gha,mode=max'] },
      BX_DOCKER,
      [['cache-to', '(asked: type=gha,mode=max)']],
    ],
    [
      'cache-to registry on docker-container',
      { cacheTo: ['type=registry,ref=x'] },
      BX_CONTAINER,
      [],
    ],
    [
      'cache-to inline on classic',
      { cacheTo: ['type=inline'] },
      CLASSIC,
      [['cache-to', 'the classic docker builder cannot export a build cache; use builder buildx']],
    ],
    [
      'cache-to on buildah',
      { cacheTo: ['type=inline'] },
      BUILDAH,
      [['cache-to', 'buildah cannot export a build cache']],
    ],
    [
      'cache-from on buildah',
      { cacheFrom: ['type=registry,ref=x'] },
      BUILDAH,
      [['cache-from', 'buildah in this action takes no cache-from; use builder buildx or docker']],
    ],
    ['cache-from on classic', { cacheFrom: ['ghcr.io/acme/shop:cache'] }, CLASSIC, []],
    [
      'provenance on the docker driver',
      { provenance: 'mode=max' },
      BX_DOCKER,
      [
        [
          'provenance',
          'buildx with the "docker" driver cannot attach attestations; use a docker-container builder',
        ],
      ],
    ],
    [
      'provenance on classic',
      { provenance: 'true' },
      CLASSIC,
      [['provenance', 'the classic docker builder cannot attach attestations']],
    ],
    [
      'provenance on buildah',
      { provenance: 'mode=min' },
      BUILDAH,
      [['provenance', 'buildah cannot attach attestations']],
    ],
    ['provenance=false on the docker driver', { provenance: 'false' }, BX_DOCKER, []],
    ['provenance on docker-container', { provenance: 'mode=max', sbom: true }, BX_CONTAINER, []],
    [
      'sbom on the docker driver',
      { sbom: true },
      BX_DOCKER,
      [['sbom', 'cannot attach attestations']],
    ],
    [
      'sbom and provenance on buildah: one problem',
      { sbom: true, provenance: 'true' },
      BUILDAH,
      [['sbom', 'cannot attach attestations']],
    ],
    ['sbom=false on classic', { sbom: false }, CLASSIC, []],
    [
      'secrets on classic',
      secrets,
      CLASSIC,
      [
        [
          'secrets',
          'the classic docker builder has no build secrets (they need BuildKit); use builder buildx or buildah',
        ],
      ],
    ],
    ['secrets on buildah', secrets, BUILDAH, []],
    ['secrets on the docker driver', secrets, BX_DOCKER, []],
    [
      'everything on classic',
      {
        ...multi,
        ...secrets,
        push: false,
        load: true,
        cacheTo: ['type=inline'],
        provenance: 'true',
      },
      CLASSIC,
      [
        ['platforms', 'cannot build several platforms'],
        ['load', 'cannot be loaded'],
        ['cache-to', 'cannot export a build cache'],
        ['provenance', 'cannot attach attestations'],
        ['secrets', 'has no build secrets'],
      ],
    ],
  ])('[%#] %s: given %o', (_label, over, builder, problems) => {
    const found = unsupported({ ...plain, ...over }, builder);
    expect(found.map(([input]) => input)).toEqual(problems.map(([input]) => input));
    found.forEach(([, why], n) => expect(why).toContain(problems[n]![1]));
  });
});

describe('needsDriver', () => {
  const none = { platforms: ['linux/amd64'], cacheTo: [], provenance: undefined, sbom: undefined };
  test.each([
    [{}, false],
    [{ platforms: ['linux/amd64', 'linux/arm64'] }, true],
    [{ cacheTo: ['type=inline'] }, true],
    [{ provenance: 'false' }, true],
    [{ sbom: false }, true],
  ])('[%#] given %o returns %o', (over, needed) => {
    expect(needsDriver({ ...none, ...over })).toBe(needed);
  });
});
