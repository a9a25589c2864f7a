import {
  DEFAULT_PROXY_IMAGE,
  parseConfig,
  resourcePrefix,
  type EnvironmentConfig,
} from '@switchyard/config';

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
      target: 'docker',
      dockerHost: {
        kind: 'host',
        url: 'ssh://deploy:hunter2@prod.example.com',
        display: 'ssh://deploy@prod.example.com',
      },
      port: 80,
      previewPort: 8443,
      bind: '::',
      containerPort: 3000,
      url: 'https://shop.example.com',
      previewUrl: 'https://preview.shop.example.com',
      health: {
        path: '/healthz',
        expectStatus: '200,3xx',
        json: ['$.status == "ok"'],
        bodyContains: ['ok', 'ready'],
        intervalMs: 500,
        timeoutMs: 2000,
      },
      env: { LOG_LEVEL: 'warn', WORKERS: '4', DEBUG: 'false' },
      envFile: '/repo/config/prod.env',
      secrets: ['DATABASE_URL', 'API_TOKEN'],
      volumes: ['uploads:/srv/uploads', './static:/srv/static:ro'],
      network: 'shop-net',
      resources: { cpus: '0.5', memory: '512M' },
      command: ['node', 'server.js', '--port', '3000'],
      keepPreviousMs: 3_600_000,
      readyTimeoutMs: 120_000,
      stopTimeoutMs: 30_000,
      proxy: { image: 'haproxy:3.0', defaults: ['timeout client 30s'] },
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
    expect(cfg.dockerHost).toEqual({
      kind: 'context',
      name: 'staging-box',
      display: 'context staging-box',
    });
    expect(cfg.containerPort).toBe(3000);
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
    ['target', (c) => c.target, 'docker'],
    ['docker-host', (c) => c.dockerHost, { kind: 'local', display: 'local docker' }],
    ['port', (c) => c.port, 8080],
    ['preview-port', (c) => c.previewPort, 8081],
    ['bind', (c) => c.bind, '0.0.0.0'],
    ['container-port', (c) => c.containerPort, 8080],
    ['url', (c) => c.url, undefined],
    ['preview-url', (c) => c.previewUrl, undefined],
    ['health.path', (c) => c.health.path, '/'],
    ['health.expect-status', (c) => c.health.expectStatus.text, '200-399'],
    ['health.expect-json', (c) => c.health.json, []],
    ['health.body-contains', (c) => c.health.bodyContains, []],
    ['health.interval', (c) => c.health.intervalMs, 1000],
    ['health.timeout', (c) => c.health.timeoutMs, 5000],
    ['env', (c) => c.env, {}],
    ['env-file', (c) => c.envFile, undefined],
    ['secrets', (c) => c.secrets, []],
    ['volumes', (c) => c.volumes, []],
    ['network', (c) => c.network, undefined],
    ['resources', (c) => c.resources, {}],
    ['command', (c) => c.command, undefined],
    ['keep-previous', (c) => c.keepPreviousMs, 30 * 60_000],
    ['ready-timeout', (c) => c.readyTimeoutMs, 5 * 60_000],
    ['stop-timeout', (c) => c.stopTimeoutMs, 10_000],
    ['proxy', (c) => c.proxy, { image: DEFAULT_PROXY_IMAGE, defaults: [] }],
  ])('[%#] %s', (_key, pick, expected) => {
    expect(pick(cfg)).toEqual(expected);
  });

  test('optional keys are left out, not set to undefined', () => {
    for (const key of ['url', 'previewUrl', 'envFile', 'network', 'command'])
      expect(Object.keys(cfg)).not.toContain(key);
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
      (c) => c.volumes,
      ['c:/c'],
    ],
    [
      'env values keep the text of unquoted numbers and booleans',
      'defaults: {env: {V: 1.10}}\nprod:\n  env:\n    Z: 012\n    H: 0x1F\n    B: True\n    Q: "007"',
      (c) => c.env,
      { V: '1.10', Z: '012', H: '0x1F', B: 'True', Q: '007' },
    ],
    ['scalars are replaced', 'defaults: {port: 9000}\nprod: {port: 9100}', (c) => c.port, 9100],
    [
      'the preview port follows the merged port',
      'defaults: {port: 9000}\nprod: {}',
      (c) => c.previewPort,
      9001,
    ],
    [
      'resources merge key by key',
      'defaults: {resources: {cpus: 2, memory: 1g}}\nprod: {resources: {memory: 256m}}',
      (c) => c.resources,
      { cpus: '2', memory: '256m' },
    ],
    [
      'proxy merges key by key',
      'defaults: {proxy: {image: "haproxy:3.0"}}\nprod: {proxy: {defaults: ["option httplog"]}}',
      (c) => c.proxy,
      { image: 'haproxy:3.0', defaults: ['option httplog'] },
    ],
    [
      'an empty section takes every default',
      'defaults: {bind: 127.0.0.1}\nprod:',
      (c) => c.bind,
      '127.0.0.1',
    ],
    [
      'an empty key reads as not set',
      'defaults: {port: 9000}\nprod: {port: }',
      (c) => c.port,
      9000,
    ],
  ])('[%#] %s', (_title, yaml, pick, expected) => {
    expect(pick(parseConfig(`app: shop\n${yaml}\n`, FILE).resolve('prod'))).toEqual(expected);
  });

  test('without environment sections, any valid name resolves from defaults', () => {
    const doc = parseConfig('app: shop\ndefaults:\n  port: 9000\n', FILE);
    expect(doc.environments).toEqual([]);
    expect(doc.resolve('review-42').port).toBe(9000);
    expect(doc.resolve('qa').environment).toBe('qa');
  });

  test.each([
    ['an empty file', ''],
    ['comments only', '# nothing yet\n'],
  ])('[%#] %s is an empty document', (_title, yaml) => {
    const doc = parseConfig(yaml, FILE);
    expect(doc.app).toBeUndefined();
    expect(doc.environments).toEqual([]);
    expect(doc.resolve('production', { app: 'shop' }).port).toBe(8080);
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
    expect(doc.resolve('prod').dockerHost).toEqual(expected);
  });
});

test.each([
  ['shop', 'production', 'shop-production'],
  ['a', 'b', 'a-b'],
])('[%#] resourcePrefix(%s, %s) is %s', (app, env, prefix) => {
  expect(resourcePrefix(app, env)).toBe(prefix);
});
