import { createHash } from 'node:crypto';
import { ActionError, InputError, InputReader } from '@switchyard/kit';
import {
  MANIFEST_TYPES,
  parseChallenge,
  RegistryClient,
  RegistryError,
  type Credentials,
  readCredentials,
} from '@switchyard/image';
import { HttpError, type HttpRequest } from '@switchyard/probe';
import { FakeHttp, type FakeAnswer } from '../../../test/support/fakes.js';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 1469, digest: 'x' },
  layers: [
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 2_800_000, digest: 'y' },
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 512, digest: 'z' },
  ],
});
const INDEX = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [{ digest: 'a', size: 1, platform: { os: 'linux', architecture: 'amd64' } }],
});
const CREDS: Credentials = { username: 'ci', password: 'p4ss' };
const BASIC = `Basic ${Buffer.from('ci:p4ss').toString('base64')}`;
const URL_1_4_2 = 'https://ghcr.io/v2/acme/shop/manifests/1.4.2';

const ok = (body = MANIFEST, headers: Record<string, string> = {}): FakeAnswer => ({
  status: 200,
  body,
  headers: { 'content-type': OCI_MANIFEST, 'docker-content-digest': DIGEST, ...headers },
});
const unauthorized = (challenge: string): FakeAnswer => ({
  status: 401,
  headers: { 'www-authenticate': challenge },
  body: '{"errors":[{"code":"UNAUTHORIZED"}]}',
});
const auth = (r: HttpRequest | undefined) => r?.headers?.Authorization;

/** A registry that wants `Authorization: want` on manifests, and a token service at /token. */
const bearerRegistry = (token: FakeAnswer = { status: 200, body: '{"token":"t0k3n"}' }) =>
  new FakeHttp((req) => {
    if (req.url.startsWith('https://ghcr.io/token')) return token;
    return auth(req) === 'Bearer t0k3n'
      ? ok()
      : unauthorized(
          'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/shop:pull"',
        );
  });

describe('RegistryClient.manifest', () => {
  test('anonymous: one GET with every manifest type, the digest from Docker-Content-Digest', async () => {
    const http = new FakeHttp(() => ok());
    const m = await new RegistryClient(http, 'ghcr.io').manifest('acme/shop', '1.4.2');
    expect(m).toEqual({ digest: DIGEST, mediaType: OCI_MANIFEST, size: 1469 + 2_800_000 + 512 });
    expect(http.requests).toEqual([
      {
        method: 'GET',
        url: URL_1_4_2,
        headers: { Accept: MANIFEST_TYPES },
        timeoutMs: 15_000,
        followRedirects: true,
      },
    ]);
  });

  test('without Docker-Content-Digest the digest is the sha256 of the body', async () => {
    const http = new FakeHttp(() => ({ status: 200, body: MANIFEST, headers: {} }));
    const m = await new RegistryClient(http, 'ghcr.io').manifest('acme/shop', '1.4.2');
    expect(m.digest).toBe(`sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`);
    expect(m.mediaType).toBe('');
  });

  test.each([
    ['a single-platform manifest', MANIFEST, 2_801_981],
    ['a multi-platform index', INDEX, undefined],
    ['a manifest without config', JSON.stringify({ layers: [{ size: 10 }, { size: 5 }] }), 15],
    ['a layer without size', JSON.stringify({ config: { size: 3 }, layers: [{}] }), 3],
    ['not JSON', '<html>', undefined],
  ])('[%#] %s: given %o the size is %o', async (_label, body, size) => {
    const m = await new RegistryClient(new FakeHttp(() => ok(body)), 'ghcr.io').manifest(
      'acme/shop',
      'latest',
    );
    expect(m.size).toBe(size);
    if (size === undefined) expect(m).not.toHaveProperty('size');
  });

  test('the media type drops parameters', async () => {
    const http = new FakeHttp(() =>
      ok(MANIFEST, { 'content-type': `${OCI_MANIFEST}; charset=utf-8` }),
    );
    expect((await new RegistryClient(http, 'ghcr.io').manifest('a/b', 'c')).mediaType).toBe(
      OCI_MANIFEST,
    );
  });

  test.each([
    ['127.0.0.1:5000', 'http://127.0.0.1:5000/v2/team/app/manifests/1.4.2'],
    ['localhost:5000', 'http://localhost:5000/v2/team/app/manifests/1.4.2'],
    ['[::1]:5000', 'http://[::1]:5000/v2/team/app/manifests/1.4.2'],
    ['ghcr.io', 'https://ghcr.io/v2/team/app/manifests/1.4.2'],
    ['registry.example.com:5000', 'https://registry.example.com:5000/v2/team/app/manifests/1.4.2'],
    ['docker.io', 'https://registry-1.docker.io/v2/team/app/manifests/1.4.2'],
  ])('[%#] registry %o is asked at %o', async (registry, url) => {
    const http = new FakeHttp(() => ok());
    await new RegistryClient(http, registry).manifest('team/app', '1.4.2');
    expect(http.requests.map((r) => r.url)).toEqual([url]);
  });

  test('a digest reference is asked as is', async () => {
    const http = new FakeHttp(() => ok());
    await new RegistryClient(http, 'ghcr.io').manifest('acme/shop', DIGEST);
    expect(http.requests[0]?.url).toBe(`https://ghcr.io/v2/acme/shop/manifests/${DIGEST}`);
  });
});

describe('RegistryClient authentication', () => {
  test('a Basic challenge is answered with the credentials', async () => {
    const http = new FakeHttp((req, nth) =>
      nth === 1 ? unauthorized('Basic realm="Registry Realm"') : ok(),
    );
    const m = await new RegistryClient(http, 'registry.example.com', CREDS).manifest('a/b', 'c');
    expect(m.digest).toBe(DIGEST);
    expect(http.requests).toHaveLength(2);
    expect(auth(http.requests[1])).toBe(BASIC);
  });

  test('a Bearer challenge: a token from the realm with service, scope and Basic, then the retry', async () => {
    const http = bearerRegistry();
    const m = await new RegistryClient(http, 'ghcr.io', CREDS).manifest('acme/shop', '1.4.2');
    expect(m.digest).toBe(DIGEST);
    expect(http.requests.map((r) => [r.method, r.url.split('?')[0], auth(r)])).toEqual([
      ['GET', URL_1_4_2, BASIC],
      ['GET', 'https://ghcr.io/token', BASIC],
      ['GET', URL_1_4_2, 'Bearer t0k3n'],
    ]);
    const token = new URL(http.requests[1]!.url);
    expect(Object.fromEntries(token.searchParams)).toEqual({
      service: 'ghcr.io',
      scope: 'repository:acme/shop:pull',
    });
  });

  test('an anonymous Bearer token is fetched without credentials', async () => {
    const http = bearerRegistry({ status: 200, body: '{"access_token":"t0k3n"}' });
    await new RegistryClient(http, 'ghcr.io').manifest('acme/shop', '1.4.2');
    expect(http.requests.map(auth)).toEqual([undefined, undefined, 'Bearer t0k3n']);
    expect(http.requests[1]?.headers).toEqual({});
  });

  test('the token is kept for later requests', async () => {
    const http = bearerRegistry();
    const client = new RegistryClient(http, 'ghcr.io', CREDS);
    await client.manifest('acme/shop', '1.4.2');
    await client.manifest('acme/shop', 'latest');
    expect(http.requests).toHaveLength(4);
    expect(auth(http.requests[3])).toBe('Bearer t0k3n');
  });

  test('a challenge without scope asks for pull on the repository, without service when none', async () => {
    const http = new FakeHttp((req) =>
      req.url.startsWith('https://auth.example.com/')
        ? { status: 200, body: '{"token":"t"}' }
        : auth(req) === 'Bearer t'
          ? ok()
          : unauthorized('Bearer realm="https://auth.example.com/token?client=x"'),
    );
    await new RegistryClient(http, 'registry.example.com').manifest('team/app', '1');
    expect(Object.fromEntries(new URL(http.requests[1]!.url).searchParams)).toEqual({
      client: 'x',
      scope: 'repository:team/app:pull',
    });
  });

  test.each([
    [
      'a Basic challenge without credentials',
      () => new FakeHttp(() => unauthorized('Basic realm="Registry Realm"')),
      undefined,
      401,
      'ghcr.io wants a login (Basic auth): set username and password',
    ],
    [
      'a challenge in another scheme',
      () => new FakeHttp(() => unauthorized('Negotiate')),
      CREDS,
      401,
      'ghcr.io sent an auth challenge this client does not speak: Negotiate',
    ],
    [
      'a Bearer challenge without realm',
      () => new FakeHttp(() => unauthorized('Bearer service="ghcr.io"')),
      CREDS,
      401,
      'does not speak: Bearer service="ghcr.io"',
    ],
    [
      'a 401 without a challenge',
      () => new FakeHttp(() => ({ status: 401 })),
      CREDS,
      401,
      'ghcr.io sent an auth challenge this client does not speak: ',
    ],
    [
      'the token service refuses',
      () => bearerRegistry({ status: 403, body: '{"errors":[{"code":"DENIED"}]}' }),
      CREDS,
      403,
      'ghcr.io token service answered 403',
    ],
    [
      'the token service sends no token',
      () => bearerRegistry({ status: 200, body: '{}' }),
      CREDS,
      200,
      'ghcr.io token service sent no token',
    ],
    [
      'still 401 after Basic',
      () => new FakeHttp(() => unauthorized('Basic realm="r"')),
      CREDS,
      401,
      'ghcr.io/acme/shop:1.4.2: the registry answered 401',
    ],
    [
      'no such manifest',
      () => new FakeHttp(() => ({ status: 404, body: '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}' })),
      undefined,
      404,
      'ghcr.io/acme/shop:1.4.2: the registry answered 404 (no such manifest)',
    ],
    [
      'a server error',
      () => new FakeHttp(() => ({ status: 503 })),
      undefined,
      503,
      'ghcr.io/acme/shop:1.4.2: the registry answered 503',
    ],
  ])('[%#] %s is a RegistryError', async (_label, makeHttp, creds, status, message) => {
    const error: unknown = await new RegistryClient(makeHttp(), 'ghcr.io', creds)
      .manifest('acme/shop', '1.4.2')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({ name: 'RegistryError', status });
    expect((error as Error).message).toContain(message);
  });

  test('no response at all is the HttpError of the transport', async () => {
    const http = new FakeHttp(() => ({ fail: 'network' }));
    await expect(new RegistryClient(http, 'ghcr.io').manifest('a/b', 'c')).rejects.toBeInstanceOf(
      HttpError,
    );
  });

  test('a custom timeout reaches every request', async () => {
    const http = bearerRegistry();
    await new RegistryClient(http, 'ghcr.io', CREDS, 2500).manifest('acme/shop', '1.4.2');
    expect(http.requests.map((r) => r.timeoutMs)).toEqual([2500, 2500, 2500]);
  });
});

describe('parseChallenge', () => {
  test.each([
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/shop:pull"',
      {
        scheme: 'bearer',
        params: {
          realm: 'https://ghcr.io/token',
          service: 'ghcr.io',
          scope: 'repository:acme/shop:pull',
        },
      },
    ],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull,push"',
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/nginx:pull,push',
        },
      },
    ],
    ['Basic realm="Registry Realm"', { scheme: 'basic', params: { realm: 'Registry Realm' } }],
    ['  BASIC Realm="x"', { scheme: 'basic', params: { realm: 'x' } }],
    ['Negotiate', { scheme: 'negotiate', params: {} }],
    ['', { scheme: '', params: {} }],
  ])('[%#] given %o returns %o', (header, challenge) => {
    expect(parseChallenge(header)).toEqual(challenge);
  });
});

describe('readCredentials', () => {
  const read = (inputs: Record<string, string>) =>
    readCredentials(
      new InputReader((n) => inputs[n] ?? ''),
      'registry-username',
      'registry-password',
    );

  test('both give credentials; neither gives none', () => {
    expect(read({ 'registry-username': 'ci', 'registry-password': 'pw' })).toEqual({
      username: 'ci',
      password: 'pw',
    });
    expect(read({})).toBeUndefined();
  });

  test.each([
    [{ 'registry-username': 'ci' }, 'registry-password'],
    [{ 'registry-password': 'pw' }, 'registry-username'],
  ])('one without the other names the missing input (%j)', (inputs, missing) => {
    let error: unknown;
    try {
      read(inputs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(missing);
    expect((error as InputError).message).toContain(
      'Set both registry-username and registry-password, or neither',
    );
  });
});
