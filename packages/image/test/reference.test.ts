import { InputError } from '@switchyard/kit';
import {
  apiHost,
  DOCKER_HUB,
  isLoopback,
  isValidTag,
  parseImageName,
  parseRegistry,
  repository,
} from '@switchyard/image';

const blame = (fn: () => unknown): InputError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('parseRegistry', () => {
  test.each([
    ['ghcr.io', 'ghcr.io'],
    ['  ghcr.io  ', 'ghcr.io'],
    ['GHCR.IO', 'ghcr.io'],
    ['https://ghcr.io', 'ghcr.io'],
    ['HTTPS://ghcr.io/', 'ghcr.io'],
    ['http://127.0.0.1:5000', '127.0.0.1:5000'],
    ['ghcr.io/', 'ghcr.io'],
    ['localhost:5000', 'localhost:5000'],
    ['registry.example.com:443', 'registry.example.com:443'],
    ['[::1]:5000', '[::1]:5000'],
    ['docker.io', 'docker.io'],
    ['my-registry', 'my-registry'],
    ['', undefined],
    ['   ', undefined],
  ])('[%#] given %o returns %o', (raw, host) => {
    expect(parseRegistry('registry', raw)).toBe(host);
  });

  test.each([
    ['ghcr.io/org', 'has a path (/org)'],
    ['https://ghcr.io/org/app', 'has a path (/org/app)'],
    ['ftp://ghcr.io', 'has scheme ftp://'],
    ['oci://ghcr.io', 'has scheme oci://'],
    ['ghcr.io:99999', 'has port 99999, outside 1-65535'],
    ['ghcr.io:0', 'has port 0, outside 1-65535'],
    ['ghcr.io:http', 'is not a host[:port]'],
    ['ghcr.io:123456', 'is not a host[:port]'],
    ['-bad.example.com', 'is not a host[:port]'],
    ['under_score.io', 'is not a host[:port]'],
    ['a b', 'is not a host[:port]'],
  ])('[%#] given %o throws %o', (raw, problem) => {
    const e = blame(() => parseRegistry('registry', raw));
    expect(e.input).toBe('registry');
    expect(e.message).toContain(`input "registry": ${JSON.stringify(raw)} ${problem}`);
    expect(e.message).toContain('Give the registry as host[:port]');
  });
});

describe('parseImageName', () => {
  test.each([
    ['team/app', undefined, { path: 'team/app' }],
    ['app', undefined, { path: 'app' }],
    ['team/app', 'ghcr.io', { registry: 'ghcr.io', path: 'team/app' }],
    ['ghcr.io/org/app', undefined, { registry: 'ghcr.io', path: 'org/app' }],
    ['ghcr.io/org/app', 'ghcr.io', { registry: 'ghcr.io', path: 'org/app' }],
    ['GHCR.io/org/app', 'ghcr.io', { registry: 'ghcr.io', path: 'org/app' }],
    ['127.0.0.1:5000/team/app', undefined, { registry: '127.0.0.1:5000', path: 'team/app' }],
    ['localhost/app', undefined, { registry: 'localhost', path: 'app' }],
    ['localhost:5000/a/b/c', undefined, { registry: 'localhost:5000', path: 'a/b/c' }],
    ['app', DOCKER_HUB, { registry: 'docker.io', path: 'library/app' }],
    ['docker.io/nginx', undefined, { registry: 'docker.io', path: 'library/nginx' }],
    ['docker.io/team/app', undefined, { registry: 'docker.io', path: 'team/app' }],
    ['team/my_app.v2', undefined, { path: 'team/my_app.v2' }],
    ['team/my__app--x', undefined, { path: 'team/my__app--x' }],
    ['  team/app  ', undefined, { path: 'team/app' }],
  ])('[%#] given %o with registry %o returns %o', (raw, registry, name) => {
    expect(parseImageName('image', raw, registry)).toEqual(name);
  });

  test.each([
    ['', undefined, 'is empty'],
    ['team/app:1.0', undefined, 'has a tag (:1.0)'],
    ['ghcr.io/org/app:latest', undefined, 'has a tag (:latest)'],
    ['app:', undefined, 'has a tag (:)'],
    [`team/app@sha256:${'a'.repeat(64)}`, undefined, 'has a digest'],
    ['Team/App', undefined, 'has an invalid path component "Team" (upper case)'],
    ['team/App', undefined, 'has an invalid path component "App" (upper case)'],
    ['team//app', undefined, 'has an invalid path component ""'],
    ['team/-app', undefined, 'has an invalid path component "-app"'],
    ['team/app_', undefined, 'has an invalid path component "app_"'],
    ['team/a___b', undefined, 'has an invalid path component "a___b"'],
    ['quay.io/org/app', 'ghcr.io', 'names registry quay.io, but the registry input is ghcr.io'],
    ['localhost:5001/app', 'localhost:5000', 'names registry localhost:5001'],
    ['ftp://ghcr.io/app', undefined, '"ftp:" is not a host[:port]'],
    ['ghcr.io:99999/app', undefined, 'has port 99999'],
    [`team/${'a'.repeat(251)}`, undefined, 'is longer than 255 characters with its registry'],
    [`${'a'.repeat(240)}`, 'registry.example.com', 'is longer than 255 characters'],
  ])('[%#] given %o with registry %o throws %o', (raw, registry, problem) => {
    const e = blame(() => parseImageName('image', raw, registry));
    expect(e.input).toBe('image');
    expect(e.message).toContain(problem);
  });

  test('255 characters with the registry is still allowed', () => {
    const path = 'a'.repeat(255 - 'ghcr.io/'.length);
    expect(parseImageName('image', path, 'ghcr.io')).toEqual({ registry: 'ghcr.io', path });
  });

  test.each([
    [{ path: 'team/app' }, 'team/app'],
    [{ registry: 'ghcr.io', path: 'org/app' }, 'ghcr.io/org/app'],
  ])('[%#] repository(%o) is %o', (name, repo) => {
    expect(repository(name)).toBe(repo);
  });
});

describe('isLoopback', () => {
  test.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1', true],
    ['127.0.0.1:5000', true],
    ['127.1.2.3:443', true],
    ['[::1]:5000', true],
    ['[::1]', true],
    ['ghcr.io', false],
    ['10.0.0.1:5000', false],
    ['127.0.0.1.nip.io', false],
    ['localhost.example.com', false],
    ['128.0.0.1', false],
  ])('[%#] given %o returns %o', (registry, loopback) => {
    expect(isLoopback(registry)).toBe(loopback);
  });
});

describe('apiHost and isValidTag', () => {
  test.each([
    ['docker.io', 'registry-1.docker.io'],
    ['ghcr.io', 'ghcr.io'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
  ])('[%#] apiHost given %o returns %o', (registry, host) => {
    expect(apiHost(registry)).toBe(host);
  });

  test.each([
    ['1.4.2', true],
    ['latest', true],
    ['_x', true],
    ['A.b-C', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['.x', false],
    ['-x', false],
    ['a/b', false],
    ['', false],
  ])('[%#] isValidTag given %o returns %o', (tag, valid) => {
    expect(isValidTag(tag)).toBe(valid);
  });
});
