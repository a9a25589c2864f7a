import {
  colorRunArgs,
  type ColorContainer,
  type ContainerSettings,
} from '@switchyard/targets/docker';
import { LABELS } from '@switchyard/targets';

const IMAGE = `registry.test/shop@sha256:${'d'.repeat(64)}`;

const settings = (over: Partial<ContainerSettings> = {}): ContainerSettings => ({
  env: {},
  volumes: [],
  resources: {},
  stopTimeoutMs: 10_000,
  ...over,
});

const color = (over: Partial<ColorContainer> = {}): ColorContainer => ({
  name: 'shop-production-green',
  network: 'shop-production',
  color: 'green',
  image: IMAGE,
  labels: {
    [LABELS.app]: 'shop',
    [LABELS.environment]: 'production',
    [LABELS.version]: '1.4.2',
  },
  secretNames: [],
  ...over,
});

/** The fixed part every color container gets, up to its labels. */
const HEAD = [
  'create',
  '--name',
  'shop-production-green',
  '--network',
  'shop-production',
  '--restart',
  'unless-stopped',
  '--stop-timeout',
  '10',
  '--label',
  'switchyard.app=shop',
  '--label',
  'switchyard.environment=production',
  '--label',
  'switchyard.version=1.4.2',
];
const SWITCHYARD_ENV = [
  '--env',
  'SWITCHYARD_APP=shop',
  '--env',
  'SWITCHYARD_ENVIRONMENT=production',
  '--env',
  'SWITCHYARD_COLOR=green',
  '--env',
  'SWITCHYARD_VERSION=1.4.2',
];

describe('colorRunArgs', () => {
  test.each<[string, Partial<ContainerSettings>, Partial<ColorContainer>, string[]]>([
    ['the minimal settings', {}, {}, [...HEAD, ...SWITCHYARD_ENV, IMAGE]],
    [
      'env, in order, before the SWITCHYARD_ variables',
      { env: { NODE_ENV: 'production', GREETING: 'hello world' } },
      {},
      ['--env', 'NODE_ENV=production', '--env', 'GREETING=hello world', ...SWITCHYARD_ENV],
    ],
    [
      'an env-file',
      { envFile: '/home/runner/work/shop/.env.production' },
      {},
      [...SWITCHYARD_ENV, '--env-file', '/home/runner/work/shop/.env.production', IMAGE],
    ],
    [
      'volumes',
      { volumes: ['shop-data:/data', '/srv/uploads:/app/uploads:ro'] },
      {},
      ['--volume', 'shop-data:/data', '--volume', '/srv/uploads:/app/uploads:ro', IMAGE],
    ],
    [
      'cpus and memory',
      { resources: { cpus: '1.5', memory: '512m' } },
      {},
      ['--cpus', '1.5', '--memory', '512m', IMAGE],
    ],
    [
      'memory only',
      { resources: { memory: '1g' } },
      {},
      [...SWITCHYARD_ENV, '--memory', '1g', IMAGE],
    ],
    [
      'a command, after the image',
      { command: ['node', 'dist/server.js', '--port', '3000'] },
      {},
      [IMAGE, 'node', 'dist/server.js', '--port', '3000'],
    ],
    [
      'a stop timeout of 2.5s, rounded up',
      { stopTimeoutMs: 2_500 },
      {},
      ['--restart', 'unless-stopped', '--stop-timeout', '3', '--label'],
    ],
    [
      'secret names, after the plain env',
      {},
      { secretNames: ['DATABASE_URL', 'API_TOKEN'] },
      [...SWITCHYARD_ENV, '--env', 'DATABASE_URL', '--env', 'API_TOKEN', IMAGE],
    ],
  ])('[%#] given %s, the argv contains %o in order', (_name, s, c, run) => {
    // One argument a line: the run must appear whole and contiguous.
    expect(colorRunArgs(settings(s), color(c)).join('\n')).toContain(run.join('\n'));
  });

  test('the whole argv for a full config, in its documented order', () => {
    const argv = colorRunArgs(
      settings({
        env: { NODE_ENV: 'production' },
        envFile: '/w/.env',
        volumes: ['d:/data'],
        resources: { cpus: '2', memory: '256m' },
        command: ['serve'],
      }),
      color({ secretNames: ['API_TOKEN'] }),
    );
    expect(argv).toEqual([
      ...HEAD,
      '--env',
      'NODE_ENV=production',
      ...SWITCHYARD_ENV,
      '--env-file',
      '/w/.env',
      '--env',
      'API_TOKEN',
      '--volume',
      'd:/data',
      '--cpus',
      '2',
      '--memory',
      '256m',
      IMAGE,
      'serve',
    ]);
  });

  test('labels become --label k=v, values with spaces and = kept whole', () => {
    const argv = colorRunArgs(
      settings(),
      color({ labels: { [LABELS.actor]: 'Zoë Doe', [LABELS.image]: 'a=b c' } }),
    );
    expect(argv).toContain('switchyard.actor=Zoë Doe');
    expect(argv).toContain('switchyard.image=a=b c');
    // No app/environment/version labels: the variables are there, empty.
    expect(argv).toContain('SWITCHYARD_APP=');
    expect(argv).toContain('SWITCHYARD_VERSION=');
  });

  test('the SWITCHYARD_ variables win over the same names in env', () => {
    const argv = colorRunArgs(settings({ env: { SWITCHYARD_COLOR: 'blue' } }), color());
    expect(argv.filter((a) => a.startsWith('SWITCHYARD_COLOR='))).toEqual([
      'SWITCHYARD_COLOR=green',
    ]);
  });

  test('a secret appears only as --env NAME: no value of any secret is anywhere in the argv', () => {
    const secrets = {
      DATABASE_URL: 'postgres://app:s3cr3t-pw@db:5432/shop',
      API_TOKEN: 'tok_9f8e7d',
    };
    const argv = colorRunArgs(
      settings({ env: { LOG_LEVEL: 'info' } }),
      color({ secretNames: Object.keys(secrets) }),
    );
    const joined = argv.join('\n');
    for (const value of Object.values(secrets)) expect(joined).not.toContain(value);
    for (const name of Object.keys(secrets)) {
      expect(argv.filter((a) => a.startsWith(name))).toEqual([name]);
      expect(argv[argv.indexOf(name) - 1]).toBe('--env');
    }
  });
});
