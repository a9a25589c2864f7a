import { resolve } from 'node:path';
import { ConfigError, InputError } from '@switchyard/kit';
import {
  OVERRIDE_INPUTS,
  parseConfig,
  type EnvironmentConfig,
  type Overrides,
} from '@switchyard/config';
import { dockerOf } from '../../../test/support/docker-settings.js';

const FILE = 'switchyard.yml';
const YAML = `
app: shop
defaults:
  port: 9000
  health: {path: /healthz, timeout: 2s}
  proxy: {defaults: [option httplog]}
production:
  docker-host: ssh://deploy@prod
  preview-port: 9500
  keep-previous: 1h
staging: {}
`;
const doc = parseConfig(YAML, FILE);

/** What a function throws (fails the test when it returns). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, none was thrown');
}

test('the override inputs are the documented ones', () => {
  expect(OVERRIDE_INPUTS).toEqual([
    'app',
    'health-path',
    'keep-previous',
    'ready-timeout',
    'docker-host',
    'port',
    'preview-port',
    'container-port',
    'proxy-image',
  ]);
});

describe('overrides win over the file', () => {
  test.each<[Overrides, (c: EnvironmentConfig) => unknown, unknown]>([
    [{ app: 'cart' }, (c) => c.app, 'cart'],
    [
      { 'docker-host': 'tcp://10.0.0.9:2376' },
      (c) => dockerOf(c).host.display,
      'tcp://10.0.0.9:2376',
    ],
    [
      { 'docker-host': 'other-ctx' },
      (c) => dockerOf(c).host,
      { kind: 'context', name: 'other-ctx', display: 'context other-ctx' },
    ],
    [{ port: '7000' }, (c) => [dockerOf(c).port, dockerOf(c).previewPort], [7000, 9500]],
    [{ 'preview-port': '7001' }, (c) => [dockerOf(c).port, dockerOf(c).previewPort], [9000, 7001]],
    [{ 'container-port': '3000' }, (c) => dockerOf(c).containerPort, 3000],
    [{ 'health-path': '/ready' }, (c) => [c.health.path, c.health.timeoutMs], ['/ready', 2000]],
    [{ 'keep-previous': '0s' }, (c) => c.keepPreviousMs, 0],
    [{ 'ready-timeout': '90s' }, (c) => c.readyTimeoutMs, 90_000],
    [
      { 'proxy-image': 'haproxy:3.1' },
      (c) => dockerOf(c).proxy,
      { image: 'haproxy:3.1', defaults: ['option httplog'] },
    ],
    [{ port: ' 7000 ' }, (c) => dockerOf(c).port, 7000],
  ])('[%#] %o', (overrides, pick, expected) => {
    expect(pick(doc.resolve('production', overrides))).toEqual(expected);
  });

  test("'' and missing inputs leave the file's values", () => {
    const blank = Object.fromEntries(OVERRIDE_INPUTS.map((k) => [k, ''])) as Overrides;
    expect(doc.resolve('production', blank)).toEqual(doc.resolve('production'));
    expect(dockerOf(doc.resolve('production')).host.display).toBe('ssh://deploy@prod');
  });

  test('a port override moves the default preview port with it', () => {
    expect(dockerOf(doc.resolve('staging', { port: '7000' })).previewPort).toBe(7001);
  });
});

describe('a bad override is a plain InputError naming the input', () => {
  test.each<[Overrides, string]>([
    [{ app: 'Cart' }, 'input "app": "Cart" is not an app name'],
    [{ 'docker-host': 'box:22' }, 'input "docker-host": "box:22" is not a docker host'],
    [{ port: '99999' }, 'input "port": "99999" is out of range. Use a value from 1 to 65535'],
    [{ 'preview-port': 'x' }, 'input "preview-port": "x" is not a whole number'],
    [{ 'container-port': '0' }, 'input "container-port": "0" is out of range'],
    [{ 'health-path': 'health' }, 'input "health-path": "health" is not a URL path'],
    [{ 'keep-previous': '30' }, 'input "keep-previous": "30" is not a duration'],
    [{ 'ready-timeout': '10ms' }, 'input "ready-timeout": "10ms" is out of range'],
    [{ 'proxy-image': 'a b' }, 'input "proxy-image": "a b" is not an image reference'],
    [
      { 'proxy-image': '--privileged' },
      'input "proxy-image": "--privileged" is not an image reference',
    ],
    [
      { 'keep-previous': '8d' },
      'input "keep-previous": "8d" is out of range. Use a value from 0s to 7d',
    ],
    [
      { 'ready-timeout': '25d' },
      'input "ready-timeout": "25d" is out of range. Use a value from 1s to 6h',
    ],
    [
      { port: '9500' },
      'input "port": 9500 is the same as preview-port. The live and preview ports must differ',
    ],
    [{ 'preview-port': '9000' }, 'input "preview-port": 9000 is the same as port'],
  ])('[%#] %o', (overrides, message) => {
    const error = thrown(() => doc.resolve('production', overrides));
    expect(error).toBeInstanceOf(InputError);
    expect(error).not.toBeInstanceOf(ConfigError);
    expect(error.message.startsWith(message)).toBe(true);
  });
});

describe('resolve errors', () => {
  test.each<[string, string, string, RegExp]>([
    [
      'an environment the file lacks',
      YAML,
      'qa',
      /^input "environment": "qa" is not an environment in switchyard\.yml\. Use one of: production, staging, or add a qa: section$/,
    ],
    [
      'an invalid name when the file has no environments',
      'app: shop',
      'QA',
      /^input "environment": "QA" is not an environment name/,
    ],
    [
      'no app in the file or the inputs',
      'production: {}',
      'production',
      /^switchyard\.yml: app: is not set\. Set app: at the top of switchyard\.yml, or the app input$/,
    ],
  ])('[%#] %s', (_title, yaml, environment, message) => {
    const error = thrown(() => parseConfig(yaml, FILE).resolve(environment));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(message);
  });

  test('the app input stands in for a missing app:', () => {
    expect(parseConfig('production: {}', FILE).resolve('production', { app: 'shop' }).app).toBe(
      'shop',
    );
  });
});

describe('env-file is resolved against baseDir', () => {
  test.each([
    ['app.env', '/repo', '/repo/app.env'],
    ['../shared/app.env', '/repo/deploy', '/repo/shared/app.env'],
    ['/etc/app.env', '/repo', '/etc/app.env'],
  ])('[%#] %s in %s is %s', (envFile, baseDir, expected) => {
    const d = parseConfig(`app: shop\nprod: {env-file: ${envFile}}\n`, FILE);
    expect(dockerOf(d.resolve('prod', {}, baseDir)).envFile).toBe(expected);
  });

  test("by default, against the config file's directory", () => {
    const d = parseConfig('app: shop\nprod: {env-file: app.env}\n', 'deploy/switchyard.yml');
    expect(dockerOf(d.resolve('prod')).envFile).toBe(resolve('deploy/app.env'));
  });
});
