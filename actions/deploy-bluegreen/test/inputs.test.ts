/** deploy-bluegreen's inputs: every input of action.yml, parsed once, layered over the config file. */
import { ConfigError, InputError, InputReader } from '@switchyard/kit';
import type { EnvironmentConfig } from '@switchyard/config';
import { parseInputs, type DeployInputs } from '../src/inputs.js';
import { thrown } from '../../../test/support/thrown.js';
import { dockerOf } from '../../../test/support/docker-settings.js';

const WS = '/ws';
const IMAGE = 'registry.example.com/shop:1.4.2';
/** The workspace's files by absolute path; any other path does not exist. */
type Files = Readonly<Record<string, string>>;
const FILES: Files = {
  [`${WS}/switchyard.yml`]: [
    'app: shop',
    'staging:',
    '  docker:',
    '    host: ssh://deploy@staging-host',
    '    port: 9000',
    '    preview-port: 9001',
    '    container-port: 3000',
    '    proxy: { image: haproxy:3.0 }',
    '  health: { path: /healthz }',
    '  keep-previous: 1h',
    '  ready-timeout: 2m',
    'production:',
    '  port: 80',
    '  env: { LOG_LEVEL: info }',
    '  secrets: [DATABASE_URL]',
  ].join('\n'),
  [`${WS}/deploy/other.yml`]: 'app: cart\nqa:\n  port: 7000\n',
};

const parse = (
  values: Record<string, string>,
  env: Record<string, string> = {},
  files: Files = FILES,
): DeployInputs =>
  parseInputs(new InputReader((n) => values[n] ?? ''), {
    workspace: WS,
    env,
    readFile: (p) => files[p],
  });

/** A deploy of IMAGE to staging, with `values` over it. */
const deploy = (values: Record<string, string> = {}): DeployInputs =>
  parse({ environment: 'staging', image: IMAGE, ...values });

const errorOf = (fn: () => unknown): InputError => thrown(fn, InputError);

describe('deploy-bluegreen inputs: defaults and the config file', () => {
  test('only environment and image: deploy, promote, pull always, lock 10m, nothing else set', () => {
    const { config, ...rest } = deploy();
    expect(rest).toStrictEqual({
      action: 'deploy',
      image: IMAGE,
      promote: true,
      pull: 'always',
      lockTimeoutMs: 600_000,
      keepFailed: false,
      dryRun: false,
      force: false,
      secrets: {},
      githubToken: '',
      waitForWindowMs: 0,
    });
    expect(config.environment).toBe('staging');
  });

  test.each<[Record<string, string>, Partial<DeployInputs>]>([
    [{ 'github-token': ' ghs_x ' }, { githubToken: 'ghs_x' }],
    [{ 'wait-for-window': '2h' }, { waitForWindowMs: 7_200_000 }],
    [{ 'override-window': 'INC-42: payments down' }, { overrideWindow: 'INC-42: payments down' }],
    [{ 'dry-run': 'true', 'hotfix-reason': 'CVE-2026-1' }, { hotfixReason: 'CVE-2026-1' }],
  ])('the release inputs: %o', (values, expected) => {
    expect(deploy(values)).toMatchObject(expected);
  });

  test.each<[Record<string, string>, RegExp]>([
    [{ 'wait-for-window': '2d' }, /wait-for-window/],
    [{ 'override-window': 'a\nb' }, /override-window/],
    [{ 'override-window': 'x'.repeat(201) }, /override-window/],
    [{ 'hotfix-reason': 'a\u0007b' }, /hotfix-reason/],
  ])('a bad release input is refused, naming it: %o', (values, name) => {
    expect(errorOf(() => deploy(values)).message).toMatch(name);
  });

  test.each([
    [
      'staging, every overridable key set in the file',
      {},
      FILES,
      {
        app: 'shop',
        target: {
          kind: 'docker',
          host: { kind: 'host', url: 'ssh://deploy@staging-host' },
          port: 9000,
          previewPort: 9001,
          containerPort: 3000,
          proxy: { image: 'haproxy:3.0' },
        },
        health: { path: '/healthz' },
        keepPreviousMs: 3_600_000,
        readyTimeoutMs: 120_000,
        secrets: [],
      },
    ],
    [
      'production: the rest from the defaults, preview port = port + 1',
      { environment: 'production', 'dry-run': 'true' },
      FILES,
      {
        app: 'shop',
        target: {
          host: { kind: 'local' },
          port: 80,
          previewPort: 81,
          proxy: { image: 'haproxy:3.2' },
        },
        health: { path: '/' },
        keepPreviousMs: 30 * 60_000,
        readyTimeoutMs: 5 * 60_000,
        env: { LOG_LEVEL: 'info' },
        secrets: ['DATABASE_URL'],
      },
    ],
    [
      'a missing default file with app given: every default',
      { app: 'cart' },
      {},
      {
        app: 'cart',
        environment: 'staging',
        target: { port: 8080, previewPort: 8081 },
        secrets: [],
      },
    ],
    [
      'a named file in a subfolder',
      { config: 'deploy/other.yml', environment: 'qa' },
      FILES,
      { app: 'cart', environment: 'qa', target: { port: 7000, previewPort: 7001 } },
    ],
  ])('[%#] %s', (_, values, files, expected) => {
    expect(
      parse({ environment: 'staging', image: IMAGE, ...values }, {}, files).config,
    ).toMatchObject(expected);
  });
});

// One row per override input; the accessor column is the only place a config field is named.
const OVERRIDES: [string, string, (c: EnvironmentConfig) => unknown, unknown][] = [
  ['app', 'cart', (c) => c.app, 'cart'],
  ['docker-host', 'tcp://10.0.0.5:2376', (c) => dockerOf(c).host, { url: 'tcp://10.0.0.5:2376' }],
  ['docker-host', 'prod-ctx', (c) => dockerOf(c).host, { kind: 'context', name: 'prod-ctx' }],
  ['port', '7000', (c) => dockerOf(c).port, 7000],
  ['preview-port', '7001', (c) => dockerOf(c).previewPort, 7001],
  ['container-port', '5000', (c) => dockerOf(c).containerPort, 5000],
  ['health-path', '/ready', (c) => c.health, { path: '/ready' }],
  ['keep-previous', '2d', (c) => c.keepPreviousMs, 2 * 86_400_000],
  ['ready-timeout', '90s', (c) => c.readyTimeoutMs, 90_000],
  ['proxy-image', 'haproxy:3.2-alpine', (c) => dockerOf(c).proxy, { image: 'haproxy:3.2-alpine' }],
];

describe('deploy-bluegreen inputs: override inputs beat the config file', () => {
  test.each(OVERRIDES)('[%#] %s: %s', (input, value, get, expected) => {
    // Wrapped so that one matcher covers a plain value and a nested shape alike.
    expect({ value: get(deploy({ [input]: value }).config) }).toMatchObject({ value: expected });
  });
});

describe('deploy-bluegreen inputs: action and options', () => {
  test.each([
    [{ action: 'promote' }, { action: 'promote' }],
    [{ action: 'retire' }, { action: 'retire', force: false }],
    [{ action: 'status' }, { action: 'status' }],
    [
      { action: 'retire', force: 'true' },
      { action: 'retire', force: true },
    ],
    [{ image: IMAGE, promote: 'false' }, { promote: false }],
    [{ image: IMAGE, pull: 'missing' }, { pull: 'missing' }],
    [{ image: IMAGE, pull: 'never' }, { pull: 'never' }],
    [{ image: IMAGE, version: ' 1.4.2 ' }, { version: '1.4.2' }],
    [{ image: IMAGE, 'dry-run': 'true' }, { dryRun: true }],
    [{ image: IMAGE, 'keep-failed': 'TRUE' }, { keepFailed: true }],
    [{ image: IMAGE, 'lock-timeout': '30s' }, { lockTimeoutMs: 30_000 }],
    [{ image: IMAGE, 'if-live-is': 'none' }, { ifLiveIs: 'none' }],
    [
      { image: IMAGE, 'if-live-is': `sha256:${'e'.repeat(64)}` },
      { ifLiveIs: `sha256:${'e'.repeat(64)}` },
    ],
    [
      { image: IMAGE, 'registry-username': 'ci', 'registry-password': 'pw' },
      { credentials: { username: 'ci', password: 'pw' } },
    ],
    [
      { image: IMAGE, secrets: 'API_KEY=abc\nTOKEN=a=b' },
      { secrets: { API_KEY: 'abc', TOKEN: 'a=b' } },
    ],
  ])('[%#] given %o returns %o', (values, expected) => {
    expect(parse({ environment: 'staging', ...values })).toMatchObject(expected);
  });

  test.each(['promote', 'retire', 'status'])('%s takes no image and keeps none', (action) => {
    expect('image' in parse({ environment: 'staging', action })).toBe(false);
  });

  test('kubeconfig: its content is kept for a Kubernetes target; empty keeps none', () => {
    expect(deploy({ kubeconfig: 'apiVersion: v1\nkind: Config\n' }).kubeconfig).toBe(
      'apiVersion: v1\nkind: Config',
    );
    expect('kubeconfig' in deploy()).toBe(false);
  });

  test('promote with image: the release this run deployed, by its digest when the reference pins one', () => {
    const digest = `sha256:${'d'.repeat(64)}`;
    const pinned = `registry.test/shop@${digest}`;
    expect(parse({ environment: 'staging', action: 'promote', image: pinned }).expect).toEqual({
      image: pinned,
      digest,
    });
    expect(
      parse({ environment: 'staging', action: 'promote', image: 'registry.test/shop:1.2.0' })
        .expect,
    ).toEqual({ image: 'registry.test/shop:1.2.0' });
    expect(deploy().expect).toBeUndefined();
    expect(
      errorOf(() => parse({ environment: 'staging', action: 'promote', image: 'Bad Ref' })).message,
    ).toMatch(/^input "image": "Bad Ref" has an invalid path component/);
  });
});

describe('deploy-bluegreen inputs: secrets the config file lists', () => {
  test.each([
    [
      'from the secrets input',
      { secrets: 'DATABASE_URL=pg://in' },
      {},
      { DATABASE_URL: 'pg://in' },
    ],
    ["from the step's env", {}, { DATABASE_URL: 'pg://env' }, { DATABASE_URL: 'pg://env' }],
    [
      'the input over the env',
      { secrets: 'DATABASE_URL=pg://in' },
      { DATABASE_URL: 'pg://env' },
      { DATABASE_URL: 'pg://in' },
    ],
    ['not needed by a dry run', { 'dry-run': 'true' }, {}, {}],
    ['not needed by promote', { action: 'promote', image: '' }, {}, {}],
    ['not needed by status', { action: 'status', image: '' }, {}, {}],
    ['not needed by retire', { action: 'retire', image: '' }, {}, {}],
  ])('[%#] %s', (_, values, env, expected) => {
    const i = parse({ environment: 'production', image: IMAGE, ...values }, env);
    expect(i.secrets).toStrictEqual(expected);
  });

  test.each([
    ['no value anywhere', {}],
    ['an empty env value', { DATABASE_URL: '' }],
  ])('a deploy without one is an error: %s', (_, env) => {
    const e = errorOf(() => parse({ environment: 'production', image: IMAGE }, env));
    expect([e.input, e.message]).toEqual(['secrets', expect.stringContaining('DATABASE_URL')]);
  });
});

describe('deploy-bluegreen inputs: a bad value is an InputError naming the input', () => {
  test.each([
    [{ environment: '' }, 'environment', /is required/],
    [{ environment: 'Prod' }, 'environment', /is not an environment name/],
    [{ environment: 'qa' }, 'environment', /is not an environment in switchyard\.yml/],
    [{ action: 'rollback' }, 'action', /Use one of: deploy, promote, status, retire/],
    [{ action: 'Deploy' }, 'action', /is not a valid value/],
    [{ image: '' }, 'image', /is required for action deploy/],
    [{ image: 'not an image' }, 'image', /has an invalid path component/],
    [{ image: '--privileged' }, 'image', /has an invalid path component/],
    [{ action: 'status', image: 'Shop:1' }, 'image', /"Shop" \(upper case\)/],
    [{ promote: 'yes' }, 'promote', /is not a boolean/],
    [{ pull: 'sometimes' }, 'pull', /Use one of: always, missing, never/],
    [{ 'dry-run': 'maybe' }, 'dry-run', /is not a boolean/],
    [{ 'keep-failed': '1' }, 'keep-failed', /is not a boolean/],
    [{ action: 'retire', force: 'always' }, 'force', /is not a boolean/],
    [{ 'lock-timeout': '10' }, 'lock-timeout', /is not a duration/],
    [{ 'if-live-is': 'sha256:abc' }, 'if-live-is', /is neither a digest nor none/],
    [{ 'if-live-is': '1.0.0' }, 'if-live-is', /is neither a digest nor none/],
    [{ 'keep-previous': '25d' }, 'keep-previous', /is out of range/],
    [{ 'ready-timeout': '500ms' }, 'ready-timeout', /is out of range/],
    [{ port: '65536' }, 'port', /is out of range/],
    [{ 'preview-port': '70000' }, 'preview-port', /is out of range/],
    [{ 'container-port': '0' }, 'container-port', /is out of range/],
    [{ 'container-port': '80.5' }, 'container-port', /is not a whole number/],
    [{ port: '7000', 'preview-port': '7000' }, 'preview-port', /is the same as port/],
    [{ port: '9001' }, 'port', /is the same as preview-port/],
    [{ 'preview-port': '9000' }, 'preview-port', /is the same as port/],
    [{ environment: 'production', port: '65535' }, 'port', /leaves no port for the preview/],
    [{ app: 'Shop' }, 'app', /is not an app name/],
    [{ 'docker-host': 'ftp://host' }, 'docker-host', /has protocol ftp:/],
    [{ 'health-path': 'healthz' }, 'health-path', /is not a URL path/],
    [{ 'proxy-image': '--privileged' }, 'proxy-image', /is not an image reference/],
    // Recorded on the target and shown in every status: one line of plain text.
    [{ version: '1.0\n::stop-commands::x' }, 'version', /contains a line break/],
    [{ 'registry-username': 'ci' }, 'registry-password', /is empty while the other/],
    [{ 'registry-password': 'pw' }, 'registry-username', /is empty while the other/],
    [{ secrets: 'NOEQUALS' }, 'secrets', /is not a key=value pair/],
    [{ secrets: '1BAD=x' }, 'secrets', /is not a variable name/],
    [{ secrets: 'SWITCHYARD_COLOR=x' }, 'secrets', /is reserved/],
    [
      { environment: 'production', secrets: 'LOG_LEVEL=debug' },
      'secrets',
      /is also set under production\.env/,
    ],
    [{ config: '../x.yml' }, 'config', /is outside the workspace/],
    [{ config: '/etc/passwd' }, 'config', /is outside the workspace/],
  ])('[%#] %o → an error naming %s', (values, input, message) => {
    const e = errorOf(() => deploy(values));
    expect(e.input).toBe(input);
    expect(e.message).toMatch(message);
  });
});

describe('deploy-bluegreen inputs: the config file itself', () => {
  test.each([
    [
      'a named file that does not exist',
      { config: 'missing.yml' },
      FILES,
      { file: 'missing.yml', input: '' },
      /does not exist/,
    ],
    [
      'a missing default file and no app input',
      {},
      {},
      { file: 'switchyard.yml', input: 'app' },
      /app: is not set/,
    ],
    [
      'a bad value in the file names the file and key path',
      {},
      { [`${WS}/switchyard.yml`]: 'app: shop\nstaging:\n  port: none\n' },
      { file: 'switchyard.yml', input: 'staging.port' },
      /^switchyard\.yml: staging\.port: "none" is not a whole number/,
    ],
  ])('[%#] %s → ConfigError', (_, values, files, expected, message) => {
    const e = errorOf(() => parse({ environment: 'staging', image: IMAGE, ...values }, {}, files));
    expect(e instanceof ConfigError && { file: e.file, input: e.input }).toEqual(expected);
    expect(e.message).toMatch(message);
  });
});
