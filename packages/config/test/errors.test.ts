import { ConfigError, InputError } from '@switchyard/kit';
import { loadConfig, parseConfig } from '@switchyard/config';

const FILE = 'switchyard.yml';

/** What a function throws (fails the test when it returns). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, none was thrown');
}

describe('every problem in the file is a ConfigError naming the key path and the fix', () => {
  test.each<[string, string, string]>([
    // top level
    ['- app: shop', '', 'is a list, not a mapping. Write app:, defaults:'],
    ['app: Shop', 'app', '"Shop" is not an app name. Use lowercase letters'],
    ['app: [shop]', 'app', 'is a list, not a single value'],
    [`app: ${'a'.repeat(41)}`, 'app', 'is 41 characters long. Use at most 40'],
    ['Production: {}', 'Production', 'is neither app, defaults nor an environment name'],
    [`${'e'.repeat(31)}: {}`, 'e'.repeat(31), 'is 31 characters long. Use at most 30'],
    ['port: 8080', 'port', '"port" is a setting, not an environment. Put it under defaults:'],
    ['production: 8080', 'production', 'is a number, not a mapping. Write an environment section'],
    ['production: [port]', 'production', 'is a list, not a mapping'],
    ['defaults: yes', 'defaults', 'is a string, not a mapping'],
    // keys
    [
      'production: {prot: 80}',
      'production.prot',
      '"prot" is not a known key (did you mean docker.port?). Valid keys: target, docker, kubernetes, url,',
    ],
    [
      'production: {health: {pth: /}}',
      'production.health.pth',
      'Valid keys: path, expect-status, expect-json, body-contains, interval, timeout',
    ],
    ['defaults: {resources: {disk: 1g}}', 'defaults.resources.disk', 'Valid keys: cpus, memory'],
    ['production: {proxy: {img: x}}', 'production.proxy.img', 'Valid keys: image, defaults'],
    // values
    [
      'production: {target: kubernetes}',
      'production.kubernetes.manifests',
      'is not set. target: kubernetes deploys your own manifests: set kubernetes.manifests',
    ],
    [
      'production: {docker-host: "http://box:2375"}',
      'production.docker-host',
      'has protocol http:. Use one of: ssh:, tcp:, unix:',
    ],
    [
      'production: {docker-host: "box:2375"}',
      'production.docker-host',
      "is not a docker host. Use '' for the local docker",
    ],
    ['production: {docker-host: "tcp://"}', 'production.docker-host', '"tcp://" has no host'],
    [
      'production: {docker-host: {url: x}}',
      'production.docker-host',
      'is a mapping, not a single value',
    ],
    [
      'production: {port: 0}',
      'production.port',
      '"0" is out of range. Use a value from 1 to 65535',
    ],
    ['production: {port: http}', 'production.port', '"http" is not a whole number'],
    ['production: {port: 80.5}', 'production.port', '"80.5" is not a whole number'],
    [
      'production: {port: 8080, preview-port: 8080}',
      'production.preview-port',
      '8080 is the same as port. The live and preview ports must differ',
    ],
    [
      'defaults: {preview-port: 9000}\nproduction: {port: 9000}',
      'production.port',
      '9000 is the same as preview-port',
    ],
    [
      'production: {port: 65535}',
      'production.port',
      'leaves no port for the preview (port + 1). Set preview-port',
    ],
    ['production: {bind: localhost}', 'production.bind', '"localhost" is not an IP address'],
    ['production: {container-port: 70000}', 'production.container-port', 'is out of range'],
    [
      'production: {url: shop.example.com}',
      'production.url',
      'is not a valid URL. Use an absolute URL',
    ],
    ['production: {preview-url: "ftp://x"}', 'production.preview-url', 'has protocol ftp:'],
    [
      'production: {health: [path]}',
      'production.health',
      'is a list, not a mapping. Write health settings',
    ],
    [
      'production: {health: {path: healthz}}',
      'production.health.path',
      'is not a URL path. Start it with /',
    ],
    [
      'production: {health: {expect-status: 2xxx}}',
      'production.health.expect-status',
      'is not an HTTP status',
    ],
    [
      'production: {health: {expect-json: [$.ok, status]}}',
      'production.health.expect-json[1]',
      'does not start with $',
    ],
    [
      'production: {health: {body-contains: [{a: 1}]}}',
      'production.health.body-contains[0]',
      'is a mapping, not a single value',
    ],
    [
      'defaults:\n  health:\n    timeout: 5x',
      'defaults.health.timeout',
      '"5x" is not a duration. Use a number with a unit: 500ms, 30s',
    ],
    [
      'production: {health: {headers: [Host]}}',
      'production.health.headers',
      'is a list, not a mapping',
    ],
    [
      'production: {health: {headers: {"Bad Name": x}}}',
      'production.health.headers.Bad Name',
      'is not an HTTP header name',
    ],
    [
      'production: {health: {headers: {Host: {a: 1}}}}',
      'production.health.headers.Host',
      'is a mapping, not a single value',
    ],
    [
      'production: {health: {interval: 10ms}}',
      'production.health.interval',
      'is out of range. Use a value from 100ms to 6h',
    ],
    [
      'production: {env: [A=1]}',
      'production.env',
      'is a list, not a mapping. Write NAME: value pairs',
    ],
    ['production: {env: {1A: x}}', 'production.env.1A', 'is not a valid variable name'],
    [
      'production: {env: {A: {b: 1}}}',
      'production.env.A',
      'is a mapping. Give a string, number or boolean',
    ],
    [
      'production: {env: {A: }}',
      'production.env.A',
      'null is not a value. Give a string, number or boolean (write "" for an empty value)',
    ],
    ['production: {env-file: [a.env]}', 'production.env-file', 'is a list, not a single value'],
    [
      'production: {secrets: TOKEN}',
      'production.secrets',
      'is a string, not a list. Write a YAML list',
    ],
    ['production: {secrets: [A, B-C]}', 'production.secrets[1]', '"B-C" is not a valid name'],
    ['production: {secrets: [A, A]}', 'production.secrets[1]', '"A" is listed twice'],
    [
      'production: {env: {TOKEN: x}, secrets: [TOKEN]}',
      'production.secrets[0]',
      '"TOKEN" is also set in env. Remove it from env',
    ],
    [
      'defaults: {secrets: [TOKEN]}\nproduction: {env: {TOKEN: x}}',
      'defaults.secrets[0]',
      'is also set in env',
    ],
    [
      'staging:\n  volumes:\n    - data:/data\n    - data:data',
      'staging.volumes[1]',
      'has a relative target data. Give an absolute path',
    ],
    ['staging: {volumes: ["a:/a:rx"]}', 'staging.volumes[0]', 'has the mode rx. Use ro or rw'],
    ['staging: {volumes: ["/only"]}', 'staging.volumes[0]', 'is not a volume'],
    ['staging: {network: -net}', 'staging.network', 'is not a valid name'],
    [
      'production: {resources: {cpus: 0}}',
      'production.resources.cpus',
      'is not a number of CPUs. Use a positive number',
    ],
    [
      'production: {resources: {memory: 1tb}}',
      'production.resources.memory',
      'is not a memory size',
    ],
    ['production: {command: node server.js}', 'production.command', 'is a string, not a list'],
    [
      'production: {command: []}',
      'production.command',
      "is an empty list. Leave command out to run the image's CMD",
    ],
    ['production: {keep-previous: forever}', 'production.keep-previous', 'is not a duration'],
    [
      'production: {ready-timeout: 500ms}',
      'production.ready-timeout',
      'is out of range. Use a value from 1s to 6h',
    ],
    [
      'production: {ready-timeout: 25d}',
      'production.ready-timeout',
      'is out of range. Use a value from 1s to 6h',
    ],
    [
      'production: {keep-previous: 30d}',
      'production.keep-previous',
      'is out of range. Use a value from 0s to 7d',
    ],
    ['production: {stop-timeout: 10}', 'production.stop-timeout', '"10" is not a duration'],
    [
      'production: {docker: {wait-for-image-health: yes}}',
      'production.docker.wait-for-image-health',
      '"yes" is not a boolean',
    ],
    [
      'production: {proxy: {image: "haproxy 3"}}',
      'production.proxy.image',
      'is not an image reference',
    ],
    [
      'production: {proxy: {defaults: "timeout client 1s"}}',
      'production.proxy.defaults',
      'is a string, not a list',
    ],
    [
      'production:\n  proxy:\n    defaults:\n      - "a\\nb"',
      'production.proxy.defaults[0]',
      'spans several lines. Write it on a single line',
    ],
  ])('[%#] %s', (yaml, path, fragment) => {
    const error = thrown(() => parseConfig(`${yaml}\n`, FILE));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ file: FILE, input: path });
    expect(error.message.startsWith(path ? `${FILE}: ${path}: ` : `${FILE}: `)).toBe(true);
    expect(error.message).toContain(fragment);
  });

  test('a bad environment fails the whole file, even when another one is asked for', () => {
    const yaml = 'app: shop\nproduction: {}\nstaging: {port: x}\n';
    expect(() => parseConfig(yaml, FILE)).toThrow(
      'switchyard.yml: staging.port: "x" is not a whole number',
    );
  });
});

describe('YAML syntax errors name the line and column', () => {
  test.each([
    [
      'app: shop\nproduction:\n  port: 80\n   bind: x\n',
      'line 3, column 9',
      /switchyard\.yml: line 3, column \d+: .+\. Fix the YAML syntax/,
    ],
    ['app: shop\napp: cart\n', 'line 2, column 1', /Map keys must be unique/],
    ['app: shop\nproduction:\n\tport: 80\n', 'line 3, column 1', /Tabs are not allowed/],
    ['app: "shop\n', 'line 2, column 1', /Missing closing "quote/],
    ['app: shop\n---\napp: cart\n', 'line 2, column 1', /starts a second YAML document/],
  ])('[%#] %j', (yaml, where, message) => {
    const error = thrown(() => parseConfig(yaml, FILE));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).input).toContain(where);
    expect(error.message).toMatch(message);
  });

  test('an unknown alias is reported too', () => {
    expect(thrown(() => parseConfig('app: *name\n', FILE)).message).toMatch(/^switchyard\.yml: /);
  });
});

describe('loadConfig', () => {
  const files: Record<string, string> = { 'deploy/switchyard.yml': 'app: shop\nproduction: {}\n' };
  const readFile = (p: string): string | undefined => files[p];

  test.each([
    ['an existing file, required', 'deploy/switchyard.yml', true, ['production']],
    ['an existing file, optional', 'deploy/switchyard.yml', false, ['production']],
    ['a missing optional file', 'switchyard.yml', false, []],
  ])('[%#] %s', (_title, path, required, environments) => {
    expect(loadConfig(path, { required, readFile }).environments).toEqual(environments);
  });

  test('a missing required file is a ConfigError naming it', () => {
    const error = thrown(() => loadConfig('switchyard.yml', { required: true, readFile }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^switchyard\.yml: does not exist\. Create it/);
  });

  test('a missing optional file resolves from overrides alone', () => {
    const doc = loadConfig('switchyard.yml', { required: false, readFile });
    expect(doc.resolve('production', { app: 'shop', port: '9000' })).toMatchObject({
      app: 'shop',
      target: { port: 9000, previewPort: 9001 },
    });
  });

  test('an unreadable file is a ConfigError with the reason', () => {
    const failing = (): string => {
      throw new Error('EACCES: permission denied');
    };
    expect(thrown(() => loadConfig('s.yml', { required: true, readFile: failing })).message).toBe(
      's.yml: cannot be read (EACCES: permission denied)',
    );
  });

  test('reads from the file system by default', () => {
    expect(loadConfig('/nonexistent/switchyard.yml', { required: false }).environments).toEqual([]);
    expect(() => loadConfig('/nonexistent/switchyard.yml', { required: true })).toThrow(
      ConfigError,
    );
  });
});
