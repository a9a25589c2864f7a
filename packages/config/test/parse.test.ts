import {
  DEFAULT_PROXY_IMAGE,
  parseConfig,
  resourcePrefix,
  type EnvironmentConfig,
} from '@switchyard/config';
import { dockerOf } from '../../../test/support/docker-settings.js';

const FILE = 'switchyard.yml';

/** The config with matchers replaced by their text, so whole configs compare with toEqual. */
function plain(cfg: EnvironmentConfig): unknown {
  return {
    ...cfg,
    health: {
      ...cfg.health,
      expectStatus: cfg.health.expectStatus.text,
      json: cfg.health.json.map((a) => a.text),
    },
  };
}

const FULL = `
app: shop
defaults:
  docker:
    container-port: 3000
    proxy:
      defaults:
        - timeout client 30s
  health:
    path: /healthz
    expect-json: $.status == "ok"
  env:
    LOG_LEVEL: info
    WORKERS: 4
    DEBUG: false
  monitor:
    prometheus-url: http://prometheus:9090
    duration: 10m
production:
  target: docker
  docker:
    host: ssh://deploy:hunter2@prod.example.com
    port: 80
    preview-port: 8443
    bind: "::"
    env-file: config/prod.env
    volumes:
      - uploads:/srv/uploads
      - ./static:/srv/static:ro
    network: shop-net
    resources:
      cpus: 0.5
      memory: 512M
    command: [node, server.js, --port, 3000]
    stop-timeout: 30s
    wait-for-image-health: true
    proxy:
      image: haproxy:3.0
  url: https://shop.example.com
  preview-url: https://preview.shop.example.com
  health:
    expect-status: [200, 3xx]
    body-contains: [ok, ready]
    interval: 500ms
    timeout: 2s
    headers:
      Host: shop.example.com
      X-Probe: switchyard
  env:
    LOG_LEVEL: warn
  secrets: [DATABASE_URL, API_TOKEN]
  monitor:
    duration: 15m
    selector: app="shop",environment="production"
    no-data: inconclusive
    metrics:
      requests: shop_requests_total
    rules:
      - name: error-rate
        critical: 2%
  keep-previous: 1h
  ready-timeout: 2m
staging:
  docker:
    host: staging-box
`;

/** FULL as files were written before targets had their own section: docker settings at the top. */
const FLAT = `
app: shop
defaults:
  container-port: 3000
  health:
    path: /healthz
    expect-json: $.status == "ok"
  env:
    LOG_LEVEL: info
    WORKERS: 4
    DEBUG: false
  proxy:
    defaults:
      - timeout client 30s
  monitor:
    prometheus-url: http://prometheus:9090
    duration: 10m
production:
  target: docker
  docker-host: ssh://deploy:hunter2@prod.example.com
  port: 80
  preview-port: 8443
  bind: "::"
  url: https://shop.example.com
  preview-url: https://preview.shop.example.com
  health:
    expect-status: [200, 3xx]
    body-contains: [ok, ready]
    interval: 500ms
    timeout: 2s
    headers:
      Host: shop.example.com
      X-Probe: switchyard
  env:
    LOG_LEVEL: warn
  env-file: config/prod.env
  secrets: [DATABASE_URL, API_TOKEN]
  volumes:
    - uploads:/srv/uploads
    - ./static:/srv/static:ro
  network: shop-net
  resources:
    cpus: 0.5
    memory: 512M
  command: [node, server.js, --port, 3000]
  monitor:
    duration: 15m
    selector: app="shop",environment="production"
    no-data: inconclusive
    metrics:
      requests: shop_requests_total
    rules:
      - name: error-rate
        critical: 2%
  keep-previous: 1h
  ready-timeout: 2m
  stop-timeout: 30s
  wait-for-image-health: true
  proxy:
    image: haproxy:3.0
staging:
  docker-host: staging-box
`;

describe('a full valid file', () => {
  const doc = parseConfig(FULL, FILE);

  test('lists its app and environments in file order', () => {
    expect(doc.app).toBe('shop');
    expect(doc.environments).toEqual(['production', 'staging']);
    expect(doc.file).toBe(FILE);
  });

  test('resolves production: every key parsed, defaults merged under it', () => {
    expect(plain(doc.resolve('production', {}, '/repo'))).toEqual({
      app: 'shop',
      environment: 'production',
      target: {
        kind: 'docker',
        host: {
          kind: 'host',
          url: 'ssh://deploy:hunter2@prod.example.com',
          display: 'ssh://deploy@prod.example.com',
        },
        port: 80,
        previewPort: 8443,
        bind: '::',
        containerPort: 3000,
        envFile: '/repo/config/prod.env',
        volumes: ['uploads:/srv/uploads', './static:/srv/static:ro'],
        network: 'shop-net',
        resources: { cpus: '0.5', memory: '512M' },
        command: ['node', 'server.js', '--port', '3000'],
        stopTimeoutMs: 30_000,
        waitForImageHealth: true,
        proxy: { image: 'haproxy:3.0', defaults: ['timeout client 30s'] },
      },
      url: 'https://shop.example.com',
      previewUrl: 'https://preview.shop.example.com',
      health: {
        path: '/healthz',
        expectStatus: '200,3xx',
        json: ['$.status == "ok"'],
        bodyContains: ['ok', 'ready'],
        intervalMs: 500,
        timeoutMs: 2000,
        headers: { Host: 'shop.example.com', 'X-Probe': 'switchyard' },
      },
      env: { LOG_LEVEL: 'warn', WORKERS: '4', DEBUG: 'false' },
      secrets: ['DATABASE_URL', 'API_TOKEN'],
      keepPreviousMs: 3_600_000,
      readyTimeoutMs: 120_000,
      warmUp: { requests: 200, concurrency: 20, path: '/healthz' },
      monitor: expect.objectContaining({
        'prometheus-url': 'http://prometheus:9090',
        duration: 900_000,
        selector: [
          { label: 'app', op: '=', value: 'shop' },
          { label: 'environment', op: '=', value: 'production' },
        ],
        'no-data': 'inconclusive',
        metrics: { requests: 'shop_requests_total' },
      }) as unknown,
      notices: [],
    });
    const rules = doc.resolve('production').monitor.rules ?? [];
    expect(rules.find((r) => r.name === 'error-rate')?.critical).toEqual({
      kind: 'absolute',
      value: 0.02,
      text: '2%',
    });
    expect(rules.find((r) => r.name === 'error-rate')?.warning?.text).toBe('1%');
  });

  test('the status matcher and JSON assertions work', () => {
    const { health } = doc.resolve('production');
    expect([200, 204, 302, 404, 500].map((s) => health.expectStatus.matches(s))).toEqual([
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(health.json[0]).toMatchObject({ pathText: '$.status', op: '==', value: 'ok' });
  });

  test('resolves staging from its own section over defaults', () => {
    const cfg = doc.resolve('staging');
    expect(dockerOf(cfg).host).toEqual({
      kind: 'context',
      name: 'staging-box',
      display: 'context staging-box',
    });
    expect(dockerOf(cfg).containerPort).toBe(3000);
    expect(cfg.health.path).toBe('/healthz');
    expect(cfg.env).toEqual({ LOG_LEVEL: 'info', WORKERS: '4', DEBUG: 'false' });
  });

  test('each resolve returns fresh lists', () => {
    doc.resolve('production').secrets.push('MUTATED');
    expect(doc.resolve('production').secrets).toEqual(['DATABASE_URL', 'API_TOKEN']);
  });
});

describe('every key has a default', () => {
  const cfg = parseConfig('app: shop\n', FILE).resolve('production', {}, '/repo');
  test.each<[string, (c: EnvironmentConfig) => unknown, unknown]>([
    ['target', (c) => dockerOf(c).kind, 'docker'],
    ['docker.host', (c) => dockerOf(c).host, { kind: 'local', display: 'local docker' }],
    ['docker.port', (c) => dockerOf(c).port, 8080],
    ['docker.preview-port', (c) => dockerOf(c).previewPort, 8081],
    ['docker.bind', (c) => dockerOf(c).bind, '0.0.0.0'],
    ['docker.container-port', (c) => dockerOf(c).containerPort, undefined],
    ['url', (c) => c.url, undefined],
    ['preview-url', (c) => c.previewUrl, undefined],
    ['health.path', (c) => c.health.path, '/'],
    ['health.expect-status', (c) => c.health.expectStatus.text, '200-399'],
    ['health.expect-json', (c) => c.health.json, []],
    ['health.body-contains', (c) => c.health.bodyContains, []],
    ['health.interval', (c) => c.health.intervalMs, 1000],
    ['health.timeout', (c) => c.health.timeoutMs, 5000],
    ['env', (c) => c.env, {}],
    ['docker.env-file', (c) => dockerOf(c).envFile, undefined],
    ['secrets', (c) => c.secrets, []],
    ['docker.volumes', (c) => dockerOf(c).volumes, []],
    ['docker.network', (c) => dockerOf(c).network, undefined],
    ['docker.resources', (c) => dockerOf(c).resources, {}],
    ['docker.command', (c) => dockerOf(c).command, undefined],
    ['keep-previous', (c) => c.keepPreviousMs, 30 * 60_000],
    ['ready-timeout', (c) => c.readyTimeoutMs, 5 * 60_000],
    ['warm-up', (c) => c.warmUp, { requests: 200, concurrency: 20, path: '/' }],
    ['docker.stop-timeout', (c) => dockerOf(c).stopTimeoutMs, 10_000],
    ['docker.wait-for-image-health', (c) => dockerOf(c).waitForImageHealth, false],
    ['docker.proxy', (c) => dockerOf(c).proxy, { image: DEFAULT_PROXY_IMAGE, defaults: [] }],
  ])('[%#] %s', (_key, pick, expected) => {
    expect(pick(cfg)).toEqual(expected);
  });

  test('optional keys are left out, not set to undefined', () => {
    for (const key of ['url', 'previewUrl']) expect(Object.keys(cfg)).not.toContain(key);
    for (const key of ['envFile', 'network', 'command'])
      expect(Object.keys(cfg.target)).not.toContain(key);
  });
});

describe('defaults merge under every environment', () => {
  test.each<[string, string, (c: EnvironmentConfig) => unknown, unknown]>([
    [
      'mappings merge key by key',
      'defaults: {health: {path: /up, timeout: 3s}}\nprod: {health: {timeout: 1s}}',
      (c) => [c.health.path, c.health.timeoutMs],
      ['/up', 1000],
    ],
    [
      'env merges by name',
      'defaults: {env: {A: 1, B: 2}}\nprod: {env: {B: 3, C: 4}}',
      (c) => c.env,
      { A: '1', B: '3', C: '4' },
    ],
    [
      'lists are replaced',
      'defaults: {volumes: ["a:/a", "b:/b"]}\nprod: {volumes: ["c:/c"]}',
      (c) => dockerOf(c).volumes,
      ['c:/c'],
    ],
    [
      'env values keep the text of unquoted numbers and booleans',
      'defaults: {env: {V: 1.10}}\nprod:\n  env:\n    Z: 012\n    H: 0x1F\n    B: True\n    Q: "007"',
      (c) => c.env,
      { V: '1.10', Z: '012', H: '0x1F', B: 'True', Q: '007' },
    ],
    [
      'scalars are replaced',
      'defaults: {port: 9000}\nprod: {port: 9100}',
      (c) => dockerOf(c).port,
      9100,
    ],
    [
      'the preview port follows the merged port',
      'defaults: {port: 9000}\nprod: {}',
      (c) => dockerOf(c).previewPort,
      9001,
    ],
    [
      'resources merge key by key',
      'defaults: {resources: {cpus: 2, memory: 1g}}\nprod: {resources: {memory: 256m}}',
      (c) => dockerOf(c).resources,
      { cpus: '2', memory: '256m' },
    ],
    [
      'proxy merges key by key',
      'defaults: {proxy: {image: "haproxy:3.0"}}\nprod: {proxy: {defaults: ["option httplog"]}}',
      (c) => dockerOf(c).proxy,
      { image: 'haproxy:3.0', defaults: ['option httplog'] },
    ],
    [
      'an empty section takes every default',
      'defaults: {bind: 127.0.0.1}\nprod:',
      (c) => dockerOf(c).bind,
      '127.0.0.1',
    ],
    [
      'an empty key reads as not set',
      'defaults: {port: 9000}\nprod: {port: }',
      (c) => dockerOf(c).port,
      9000,
    ],
  ])('[%#] %s', (_title, yaml, pick, expected) => {
    expect(pick(parseConfig(`app: shop\n${yaml}\n`, FILE).resolve('prod'))).toEqual(expected);
  });

  test('without environment sections, any valid name resolves from defaults', () => {
    const doc = parseConfig('app: shop\ndefaults:\n  port: 9000\n', FILE);
    expect(doc.environments).toEqual([]);
    expect(dockerOf(doc.resolve('review-42')).port).toBe(9000);
    expect(doc.resolve('qa').environment).toBe('qa');
  });

  test.each([
    ['an empty file', ''],
    ['comments only', '# nothing yet\n'],
  ])('[%#] %s is an empty document', (_title, yaml) => {
    const doc = parseConfig(yaml, FILE);
    expect(doc.app).toBeUndefined();
    expect(doc.environments).toEqual([]);
    expect(dockerOf(doc.resolve('production', { app: 'shop' })).port).toBe(8080);
  });
});

describe('docker-host forms', () => {
  test.each([
    ["''", { kind: 'local', display: 'local docker' }],
    [
      'tcp://10.0.0.5:2376',
      { kind: 'host', url: 'tcp://10.0.0.5:2376', display: 'tcp://10.0.0.5:2376' },
    ],
    [
      'unix:///var/run/docker.sock',
      { kind: 'host', url: 'unix:///var/run/docker.sock', display: 'unix:///var/run/docker.sock' },
    ],
    ['ssh://deploy@box', { kind: 'host', url: 'ssh://deploy@box', display: 'ssh://deploy@box' }],
    ['desktop-linux', { kind: 'context', name: 'desktop-linux', display: 'context desktop-linux' }],
  ])('[%#] %s', (value, expected) => {
    const doc = parseConfig(`app: shop\nprod:\n  docker-host: ${value}\n`, FILE);
    expect(dockerOf(doc.resolve('prod')).host).toEqual(expected);
  });
});

test.each([
  ['shop', 'production', 'shop-production'],
  ['a', 'b', 'a-b'],
])('[%#] resourcePrefix(%s, %s) is %s', (app, env, prefix) => {
  expect(resourcePrefix(app, env)).toBe(prefix);
});

describe('the target section (docker:) and the older flat form', () => {
  const errorOf = (text: string, env = 'production'): { input: string; message: string } => {
    try {
      parseConfig(text, FILE).resolve(env);
    } catch (e) {
      return e as { input: string; message: string };
    }
    throw new Error('expected an error');
  };

  test('the flat form resolves to what the docker: form does, with a notice per section that uses it', () => {
    const flat = parseConfig(FLAT, FILE);
    const full = parseConfig(FULL, FILE);
    for (const env of ['production', 'staging']) {
      const { notices, ...rest } = flat.resolve(env, {}, '/repo');
      expect(plain({ ...rest, notices: [] })).toEqual(plain(full.resolve(env, {}, '/repo')));
      expect(notices[0]).toBe(
        `${FILE}: defaults.container-port, defaults.proxy are docker settings written at the top of defaults:. They are still read, as defaults.docker; move them under defaults: docker:`,
      );
    }
    expect(flat.resolve('staging').notices).toEqual([
      expect.any(String),
      `${FILE}: staging.docker-host is a docker setting written at the top of staging:. They are still read, as staging.docker; move them under staging: docker: (docker-host becomes docker.host)`,
    ]);
    expect(full.resolve('production').notices).toEqual([]);
  });

  test.each([
    [
      'a key set both flat and under docker:',
      'app: shop\nproduction: {port: 80, docker: {port: 81}}',
      'production.port',
      '"port" is also set as production.docker.port. Keep only docker.port: docker settings belong under docker:',
    ],
    [
      'a bad value under docker: is blamed there',
      'app: shop\nproduction: {docker: {port: 99999}}',
      'production.docker.port',
      'out of range',
    ],
    [
      'a bad flat value is blamed where it was written',
      'app: shop\nproduction: {docker-host: "ftp://x"}',
      'production.docker-host',
      'has protocol ftp:',
    ],
    [
      'a port clash across the forms blames the section that wins, at the path written',
      'app: shop\ndefaults: {port: 80}\nproduction: {docker: {preview-port: 80}}',
      'production.docker.preview-port',
      'is the same as port',
    ],
    [
      'the clash blamed on a flat key names the flat key',
      'app: shop\ndefaults: {docker: {preview-port: 80}}\nproduction: {port: 80}',
      'production.port',
      'is the same as preview-port',
    ],
    [
      'a key of docker: at the top of a section points to where it belongs',
      'app: shop\nproduction: {host: ssh://x}',
      'production.host',
      '(did you mean docker.host?)',
    ],
    [
      'an unknown key under docker: lists docker keys',
      'app: shop\nproduction: {docker: {hots: x}}',
      'production.docker.hots',
      '(did you mean host?). Valid keys: host, port, preview-port, bind,',
    ],
    [
      'docker: at the top level is a setting, not an environment',
      'app: shop\ndocker: {port: 80}',
      'docker',
      'is a setting, not an environment',
    ],
  ])('%s', (_, text, input, fragment) => {
    const e = errorOf(text);
    expect(e.input).toBe(input);
    expect(e.message).toContain(fragment);
  });

  test('override inputs land in the target section and win over both forms', () => {
    const doc = parseConfig(
      'app: shop\ndefaults: {docker: {proxy: {defaults: [timeout client 5s]}}}\nproduction: {port: 80, docker: {container-port: 3000}}',
      FILE,
    );
    const c = doc.resolve('production', {
      port: '7000',
      'container-port': '4000',
      'proxy-image': 'haproxy:3.0',
      'docker-host': 'tcp://10.0.0.5:2376',
    });
    expect(c.target).toMatchObject({
      port: 7000,
      previewPort: 7001,
      containerPort: 4000,
      host: { kind: 'host', url: 'tcp://10.0.0.5:2376' },
      proxy: { image: 'haproxy:3.0', defaults: ['timeout client 5s'] },
    });
    expect(() => doc.resolve('production', { 'preview-port': '80' })).toThrow(
      'input "preview-port": 80 is the same as port',
    );
  });
});
