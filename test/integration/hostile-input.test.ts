/**
 * Hostile inputs against the six bundled actions, run from dist/ under Node 24 through the
 * runner-protocol harness. Every rejected row must: exit 1 with an `::error::` naming the input (or
 * the config file), attempt no side effect (a guarded Docker socket, fake binaries first on PATH and
 * loopback listeners record every try; quality-gate's commands touch a marker), write no output,
 * show no secret (raw, JSON-escaped or URL-encoded) and write no workflow command but those an action
 * means to write (test/support/hostile.ts). Server rows feed smoke-test hostile answers instead.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTION_NAMES } from '../../cli/src/definitions.js';
import { runAction, type ActionRun } from '../support/runner.js';
import {
  actionRef,
  commandProblems,
  esc,
  fileContentLeaks,
  GOOD_CONFIG,
  HOSTILE_IMAGE,
  guards,
  limiter,
  secretLeaks,
  type Guards,
  type Responder,
  INJECTIONS,
  json,
  MAXIMUM,
} from '../support/hostile.js';

const ACTIONS = ACTION_NAMES;
type ActionName = (typeof ACTIONS)[number];

interface Row {
  readonly action: ActionName;
  readonly what: string;
  /** Inputs over the action's base inputs. */
  readonly inputs: (g: Guards) => Record<string, string> | Promise<Record<string, string>>;
  /** The input the error must name (`name`, or a path inside it: `name[0].x`, `name.x`). */
  readonly input?: string;
  /** Or: the config file as the error names it (`<file>: …`). */
  readonly file?: string;
  /** The naming error must also match. */
  readonly also?: RegExp;
  /** No error may match. */
  readonly absent?: RegExp;
  /** Values that must never show (raw, JSON-escaped, URL-encoded). */
  readonly secrets?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Base inputs left unset. */
  readonly unset?: readonly string[];
  /** Extra files in the workspace. */
  readonly setup?: (g: Guards) => void;
  /** The row points at a file outside the workspace: its content must not show. */
  readonly fileRead?: boolean;
  /** A smoke-test row against a hostile server (not a rejection). */
  readonly server?: boolean;
  /**
   * Free text that may be refused (naming the input, before any request) or carried through the
   * run to a loopback listener; either way it starts no command line and the run fails (exit 1).
   */
  readonly carried?: boolean;
}

const HUGE = ['25d', '30d', '9999999h'] as const;
const OUTSIDE_WORDS = /workspace/;

/** Every duration input of an action with each meaningless value: refused, with the maximum. */
function durations(
  action: ActionName,
  names: readonly string[],
  extra: Record<string, Record<string, string>> = {},
): Row[] {
  return names.flatMap((name) =>
    HUGE.map((value): Row => ({
      action,
      what: `${name}: ${value} is refused with its maximum`,
      inputs: () => ({ ...extra[name], [name]: value }),
      input: name,
      also: MAXIMUM,
    })),
  );
}

/** A file input pointing outside the workspace: refused, naming the input and the workspace. */
function outside(
  action: ActionName,
  name: string,
  value: string,
  more: Partial<Row> & { readonly inputsToo?: Record<string, string> } = {},
): Row {
  const { inputsToo, ...rest } = more;
  return {
    action,
    what: `${name}: ${value} is outside the workspace`,
    inputs: () => ({ ...inputsToo, [name]: value }),
    input: name,
    also: OUTSIDE_WORDS,
    fileRead: true,
    ...rest,
  };
}

/** The config file input (deploy-bluegreen, monitor-window, rollback) pointing outside. */
function configOutside(action: ActionName): Row[] {
  return ['/etc/passwd', '/proc/self/environ', '../outside/secret.yml', 'linked.yml'].map((v) =>
    outside(action, 'config', v, { file: v }),
  );
}

/** A `secrets` line without `=`: the line is a secret with a quote and a backslash in it. */
function secretLine(action: ActionName, tag: string, more: Record<string, string> = {}): Row {
  const secret = `s3cr3t"PW\\${tag}-no-equals`;
  return {
    action,
    what: 'secrets: a line without "=" is not quoted, raw or JSON-escaped',
    inputs: () => ({ ...more, secrets: `API_TOKEN=tok-${tag}-fine-1\n${secret}` }),
    input: 'secrets',
    secrets: [secret, `tok-${tag}-fine-1`],
  };
}

/** A URL- or host-shaped input holding a password, that fails to parse. */
function password(
  action: ActionName,
  name: string,
  value: (secret: string) => string,
  tag: string,
  more: Record<string, string> = {},
): Row {
  const secret = `s3cr3tPW-${tag}`;
  return {
    action,
    what: `${name}: ${value('***')} does not show its password`,
    inputs: () => ({ ...more, [name]: value(secret) }),
    input: name,
    secrets: [secret],
  };
}

/** A value carrying workflow commands: refused, naming the input, and no command line. */
function injected(
  action: ActionName,
  name: string,
  payloads: readonly string[] = INJECTIONS,
  more: Record<string, string> = {},
): Row[] {
  return payloads.map((p) => ({
    action,
    what: `${name}: ${JSON.stringify(p)} starts no command`,
    inputs: () => ({ ...more, [name]: p }),
    input: name,
  }));
}

/** A key that is a property of Object.prototype is an ordinary key; the row fails on `fail` instead. */
function protoKey(
  action: ActionName,
  name: string,
  key: string,
  fail: { readonly input: string; readonly inputs: Record<string, string>; readonly also?: RegExp },
): Row {
  return {
    action,
    what: `${name}: the key ${key} is an ordinary key (not a repeat)`,
    inputs: () => ({ ...fail.inputs, [name]: `${key}=v4lue-${key}` }),
    input: fail.input,
    absent: /repeats/,
    ...(fail.also && { also: fail.also }),
  };
}

/** A smoke check against a server whose answer carries workflow commands. */
function hostileServer(what: string, answer: Responder, check: string): Row {
  return {
    action: 'smoke-test',
    what: `server answers ${what}: no command line`,
    unset: ['urls'],
    server: true,
    inputs: async (g) => {
      const url = await g.listen(answer);
      return { checks: `- name: hostile\n  url: ${url}/version\n${check}` };
    },
  };
}

const SMOKE: Row[] = [
  ...durations('smoke-test', [
    'request-timeout',
    'timeout',
    'interval',
    'max-interval',
    'max-latency',
  ]),
  // Secrets in headers are masked before anything is parsed or quoted.
  {
    action: 'smoke-test',
    what: 'checks as a mapping (no "- ") with a Cookie header; headers with Authorization',
    inputs: (g) => ({
      headers: 'Authorization: Bearer s3cr3tPW-h1',
      checks: `name: home\nurl: ${g.url}/\nheaders:\n  Cookie: session=s3cr3tPW-h1b`,
    }),
    input: 'checks',
    secrets: ['s3cr3tPW-h1', 's3cr3tPW-h1b'],
  },
  {
    action: 'smoke-test',
    what: 'checks not valid YAML, with an Authorization header in it',
    inputs: (g) => ({
      checks: `- url: ${g.url}/\n  headers: {Authorization: "Bearer s3cr3tPW-h2", X-Api-Key: s3cr3tPW-h2k\n`,
    }),
    input: 'checks',
    secrets: ['s3cr3tPW-h2', 's3cr3tPW-h2k'],
  },
  {
    action: 'smoke-test',
    what: 'a check header value that is a mapping',
    inputs: (g) => ({
      checks: `- url: ${g.url}/\n  headers:\n    Authorization:\n      bearer: s3cr3tPW-h3`,
    }),
    input: 'checks',
    secrets: ['s3cr3tPW-h3'],
  },
  {
    action: 'smoke-test',
    what: 'a check header value that is a list',
    inputs: (g) => ({
      checks: `- url: ${g.url}/\n  headers:\n    X-Api-Key: [s3cr3tPW-h4]`,
    }),
    input: 'checks',
    secrets: ['s3cr3tPW-h4'],
  },
  {
    action: 'smoke-test',
    what: 'headers: an Authorization line without a colon',
    inputs: () => ({ headers: 'Authorization Bearer s3cr3tPW-h5' }),
    input: 'headers',
    secrets: ['s3cr3tPW-h5'],
  },
  {
    action: 'smoke-test',
    what: 'headers: a token header, then a token line without a colon',
    inputs: () => ({ headers: 'X-Api-Key: s3cr3tPW-h6\nX-Auth-Token s3cr3tPW-h6b' }),
    input: 'headers',
    secrets: ['s3cr3tPW-h6', 's3cr3tPW-h6b'],
  },
  {
    action: 'smoke-test',
    what: 'checks as a JSON object (not a list) with a Cookie header',
    inputs: (g) => ({
      checks: JSON.stringify({ url: `${g.url}/`, headers: { Cookie: 'sid=s3cr3tPW-h7' } }),
    }),
    input: 'checks',
    secrets: ['s3cr3tPW-h7'],
  },
  {
    action: 'smoke-test',
    what: 'checks-file as a mapping with a secret header',
    setup: (g) =>
      writeFileSync(
        join(g.workspace, 'smoke.yml'),
        `url: ${g.url}/\nheaders:\n  Authorization: Bearer s3cr3tPW-h8\n`,
      ),
    inputs: () => ({ 'checks-file': 'smoke.yml' }),
    unset: ['urls'],
    input: 'checks-file',
    secrets: ['s3cr3tPW-h8'],
  },
  {
    action: 'smoke-test',
    what: 'checks-file not valid YAML around a secret header',
    setup: (g) =>
      writeFileSync(
        join(g.workspace, 'smoke.yml'),
        `- url: ${g.url}/\n  headers: {Authorization: "Bearer s3cr3tPW-h9"\n`,
      ),
    inputs: () => ({ 'checks-file': 'smoke.yml' }),
    unset: ['urls'],
    input: 'checks-file',
    secrets: ['s3cr3tPW-h9'],
  },
  {
    action: 'smoke-test',
    what: 'a check with a secret header and an unknown key',
    inputs: (g) => ({
      checks: `- url: ${g.url}/\n  headers:\n    Authorization: Bearer s3cr3tPW-h10\n  expect_status: 200`,
    }),
    input: 'checks',
    secrets: ['s3cr3tPW-h10'],
  },
  // Passwords in URLs that fail to parse.
  password('smoke-test', 'urls', (s) => `http://user:${s}@127.0.0.1:99999/`, 'u1'),
  password('smoke-test', 'urls', (s) => `http://user:${s}@[::1/healthz`, 'u2'),
  password('smoke-test', 'urls', (s) => `http://user:${s}@exa mple.com/`, 'u3'),
  password('smoke-test', 'base-url', (s) => `http://user:${s}@127.0.0.1:99999`, 'u4', {
    urls: '/healthz',
  }),
  {
    ...password('smoke-test', 'checks', (s) => `- url: http://u:${s}@127.0.0.1:99999/`, 'u5'),
    unset: ['urls'],
  },
  // Workflow commands in values: refused, or carried to a server that answers version 1.0.
  ...INJECTIONS.map((p): Row => ({
    action: 'smoke-test',
    what: `expect-version ${JSON.stringify(p)} starts no command`,
    inputs: async (g) => ({
      urls: `${await g.listen(json({ version: '1.0' }))}/`,
      'expect-version': p,
    }),
    input: 'expect-version',
    carried: true,
  })),
  ...INJECTIONS.map((p): Row => ({
    action: 'smoke-test',
    what: `a check name ${JSON.stringify(p)} starts no command`,
    inputs: (g) => ({ checks: `- name: ${JSON.stringify(p)}\n  url: ${g.url}/` }),
    unset: ['urls'],
    input: 'checks',
    carried: true,
  })),
  {
    action: 'smoke-test',
    what: 'a check expect-version with a newline command starts no command',
    inputs: async (g) => ({
      checks: `- url: ${await g.listen(json({ version: '1.0' }))}/\n  expect-version: ${JSON.stringify(INJECTIONS[0])}`,
    }),
    unset: ['urls'],
    input: 'checks',
    carried: true,
  },
  // Files outside the workspace.
  outside('smoke-test', 'checks-file', '/etc/passwd', { unset: ['urls'] }),
  outside('smoke-test', 'checks-file', '/proc/self/environ', { unset: ['urls'] }),
  outside('smoke-test', 'checks-file', '../outside/secret.yml', { unset: ['urls'] }),
  outside('smoke-test', 'checks-file', 'linked.yml', { unset: ['urls'] }),
  outside('smoke-test', 'checks-file', 'linked-dir/secret.yml', { unset: ['urls'] }),
  // Strings the server controls.
  hostileServer(
    'a version with a newline command',
    json({ version: '1.0\n::stop-commands::PWNED' }),
    '  expect-version: "2.0"',
  ),
  hostileServer(
    'a version with a CR command',
    json({ version: '1.0\r::set-output name=x::PWNED' }),
    '  expect-version: "2.0"',
  ),
  hostileServer(
    'a version with CRLF add-mask',
    json({ version: '1.0\r\n::add-mask::PWNED' }),
    '  expect-version: "2.0"',
  ),
  hostileServer(
    'a version with a legacy command',
    json({ version: '##[set-output name=x]PWNED' }),
    '  expect-version: "2.0"',
  ),
  hostileServer(
    'a JSON field with a newline command',
    json({ status: 'ok\n::stop-commands::PWNED' }),
    '  expect-json: $.status == "healthy"',
  ),
  hostileServer(
    'a body with a newline command',
    () => ({ status: 200, body: 'hello\n::set-output name=x::PWNED\n' }),
    '  body-contains: healthy',
  ),
  hostileServer(
    'a 500 whose body holds commands',
    () => ({ status: 500, body: '\n::stop-commands::PWNED\n##[set-output name=x]PWNED' }),
    '  expect-status: 200',
  ),
];

const QUALITY: Row[] = [
  ...durations('quality-gate', ['command-timeout']),
  outside('quality-gate', 'junit', '/etc/passwd'),
  outside('quality-gate', 'junit', '../outside/report.xml'),
  outside('quality-gate', 'junit', '../outside/*.xml'),
  // A link is only known to lead out once the commands have written the reports: no commands here.
  outside('quality-gate', 'junit', 'reports/linked.xml', { unset: ['run'] }),
  outside('quality-gate', 'coverage', '/proc/self/environ'),
  outside('quality-gate', 'coverage', '../outside/lcov.info'),
  outside('quality-gate', 'lint', '../outside/report.json'),
  outside('quality-gate', 'types', 'linked-dir/report.xml', { unset: ['run'] }),
  outside('quality-gate', 'audit', '/etc/passwd'),
  outside('quality-gate', 'coverage-base', '../outside/lcov.info', {
    inputsToo: { coverage: 'lcov.info' },
  }),
  outside('quality-gate', 'working-directory', '/etc'),
  outside('quality-gate', 'working-directory', '../outside'),
  outside('quality-gate', 'working-directory', 'linked-dir'),
  {
    action: 'quality-gate',
    what: 'a run command name with a newline command starts no command',
    inputs: () => ({ run: '"t\\n::stop-commands::PWNED": touch "$GITHUB_WORKSPACE/ran"' }),
    input: 'run',
  },
  {
    action: 'quality-gate',
    what: 'allow-advisories with a CR command starts no command',
    inputs: () => ({ 'allow-advisories': 'GHSA-1\r::set-output name=x::PWNED' }),
    input: 'allow-advisories',
  },
];

const BUILD_FAIL = { input: 'builder', inputs: { builder: 'nope' }, also: /"nope"/ };
const BUILD: Row[] = [
  outside('build-image', 'file', '/etc/passwd'),
  outside('build-image', 'file', '../outside/Dockerfile'),
  outside('build-image', 'file', 'Dockerfile.linked'),
  outside('build-image', 'context', '/etc'),
  outside('build-image', 'context', '..'),
  outside('build-image', 'context', 'linked-dir'),
  password('build-image', 'registry', (s) => `https://u:${s}@ghcr.io`, 'b1'),
  password('build-image', 'registry', (s) => `u:${s}@127.0.0.1:99999`, 'b2'),
  {
    ...secretLine('build-image', 'b3'),
    inputs: () => ({ secrets: 'npmrc=tok-b3-fine-1\ns3cr3t"PW\\b3-no-equals' }),
    secrets: ['s3cr3t"PW\\b3-no-equals', 'tok-b3-fine-1'],
  },
  ...injected('build-image', 'target', INJECTIONS.slice(0, 3)),
  ...injected('build-image', 'username', [INJECTIONS[3], 'u\r::stop-commands::PWNED'], {
    registry: '127.0.0.1:9',
    password: 'pw-b5-fine-1',
  }),
  protoKey('build-image', 'build-args', 'constructor', BUILD_FAIL),
  protoKey('build-image', 'build-args', '__proto__', BUILD_FAIL),
  protoKey('build-image', 'labels', 'toString', BUILD_FAIL),
  protoKey('build-image', 'secrets', 'constructor', BUILD_FAIL),
];

const SECRET_NAME = { input: 'secrets', also: /"1BAD"/ };
const protoSecret = (action: ActionName, key: string, more: Record<string, string> = {}): Row => ({
  action,
  what: `secrets: the key ${key} is an ordinary key (not a repeat)`,
  inputs: () => ({ ...more, secrets: `${key}=v4lue-${key}\n1BAD=v4lue-bad` }),
  ...SECRET_NAME,
  absent: /repeats/,
  secrets: [`v4lue-${key}`, 'v4lue-bad'],
});

const DEPLOY: Row[] = [
  ...durations('deploy-bluegreen', ['ready-timeout', 'keep-previous', 'lock-timeout']),
  ...configOutside('deploy-bluegreen'),
  password('deploy-bluegreen', 'docker-host', (s) => `ssh://user:${s}@`, 'd1'),
  password('deploy-bluegreen', 'docker-host', (s) => `tcp://u:${s}@[::1`, 'd2'),
  password('deploy-bluegreen', 'docker-host', (s) => `ssh://deploy:${s}@host:99999`, 'd3'),
  {
    action: 'deploy-bluegreen',
    what: 'docker-host in the config file with a password, failing to parse',
    setup: (g) =>
      writeFileSync(
        join(g.workspace, 'switchyard.yml'),
        'app: sy-hostile\nstaging:\n  docker-host: "ssh://user:s3cr3tPW-d4@"\n',
      ),
    inputs: () => ({}),
    file: 'switchyard.yml',
    secrets: ['s3cr3tPW-d4'],
  },
  secretLine('deploy-bluegreen', 'd5'),
  {
    ...secretLine('deploy-bluegreen', 'd6'),
    inputs: () => ({ secrets: 's3cr3t"PW\\d6-no-equals' }),
    secrets: ['s3cr3t"PW\\d6-no-equals'],
  },
  {
    action: 'deploy-bluegreen',
    what: 'proxy-image: --privileged is refused',
    inputs: () => ({ 'proxy-image': '--privileged' }),
    input: 'proxy-image',
  },
  {
    action: 'deploy-bluegreen',
    what: 'proxy-image: --network=host is refused',
    inputs: () => ({ 'proxy-image': '--network=host' }),
    input: 'proxy-image',
  },
  protoSecret('deploy-bluegreen', 'constructor'),
  protoSecret('deploy-bluegreen', 'toString'),
  protoSecret('deploy-bluegreen', '__proto__'),
];

const ROLLBACK: Row[] = [
  ...durations('rollback', ['ready-timeout', 'verify-timeout', 'lock-timeout', 'keep-previous']),
  ...configOutside('rollback').slice(0, 3),
  password('rollback', 'docker-host', (s) => `ssh://user:${s}@`, 'r1'),
  password('rollback', 'docker-host', (s) => `tcp://u:${s}@[::1`, 'r2'),
  secretLine('rollback', 'r3'),
  protoSecret('rollback', 'valueOf'),
  // A reason is shown only once the target is read: one with a line break is refused up front.
  ...injected('rollback', 'reason', [INJECTIONS[0], INJECTIONS[1], INJECTIONS[3]]),
  ...overrides('rollback'),
];

/** The inputs that override the config file (one table, every action): each refuses nonsense. */
function overrides(action: ActionName, extra: Record<string, string> = {}): Row[] {
  return [
    ['proxy-image', '--privileged', /is not an image reference/],
    ['port', '99999', /out of range/],
    ['preview-port', '0', /out of range/],
    ['container-port', '-1', /whole number|out of range/],
    ['health-path', 'healthz\n::stop-commands::PWNED', /is not a URL path/],
  ].map(([name, value, also]): Row => ({
    action,
    what: `${name as string}: ${JSON.stringify(value)} overriding the config file is refused`,
    inputs: () => ({ ...extra, [name as string]: value as string }),
    input: name as string,
    also: also as RegExp,
  }));
}

const ROLLBACK_ON = { 'rollback-on-failure': 'true' };
/** A Prometheus that answers every query with one series at 5 (over any critical: 1). */
const PROMETHEUS_FIVE = json({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: {}, value: [1_700_000_000, '5'] }] },
});
const rules =
  (yaml: string): (() => Record<string, string>) =>
  () => ({ rules: yaml });
const MONITOR: Row[] = [
  ...durations(
    'monitor-window',
    [
      'duration',
      'interval',
      'health-timeout',
      'query-timeout',
      'verify-timeout',
      'lock-timeout',
      'rate-window',
      'baseline-window',
    ],
    { 'verify-timeout': ROLLBACK_ON, 'lock-timeout': ROLLBACK_ON },
  ),
  ...configOutside('monitor-window').slice(0, 3),
  password('monitor-window', 'prometheus-url', (s) => `http://user:${s}@127.0.0.1:99999`, 'm1'),
  password('monitor-window', 'prometheus-url', (s) => `http://u:${s}@[::1`, 'm2'),
  password('monitor-window', 'health-url', (s) => `http://user:${s}@127.0.0.1:99999/h`, 'm3'),
  password('monitor-window', 'docker-host', (s) => `ssh://user:${s}@`, 'm4'),
  ...overrides('monitor-window'),
  ...durations('monitor-window', ['ready-timeout', 'keep-previous']),
  {
    action: 'monitor-window',
    what: 'prometheus-headers: a line without a colon',
    inputs: () => ({ 'prometheus-headers': 'X-Scope-OrgID s3cr3tPW-m5' }),
    input: 'prometheus-headers',
    secrets: ['s3cr3tPW-m5'],
  },
  secretLine('monitor-window', 'm6', ROLLBACK_ON),
  ...(
    [
      ['error-rate critical 150%', '- name: error-rate\n  critical: 150%'],
      ['error-rate warning -5%', '- name: error-rate\n  warning: -5%'],
      ['cpu critical 101%', '- name: cpu\n  critical: 101%'],
      ['memory warning 250%', '- name: memory\n  warning: 250%'],
      [
        'a custom ratio rule at 120%',
        '- name: failures\n  query: sum(rate(x{$selector}[$window]))\n  unit: ratio\n  critical: 120%',
      ],
    ] as const
  ).map(([what, yaml]): Row => ({
    action: 'monitor-window',
    what: `rules: ${what} is refused`,
    inputs: rules(yaml),
    input: 'rules',
  })),
  // A query is PromQL text (`#` starts a comment there): refused, or carried to a Prometheus.
  ...INJECTIONS.map((p): Row => ({
    action: 'monitor-window',
    what: `rules: a query ${JSON.stringify(p)} starts no command`,
    unset: ['environment'],
    inputs: async (g) => ({
      'prometheus-url': await g.listen(PROMETHEUS_FIVE),
      selector: 'job="sy-hostile"',
      rules: `- name: custom\n  query: ${JSON.stringify(`up${p}`)}\n  critical: 1`,
    }),
    input: 'rules',
    carried: true,
  })),
  {
    action: 'monitor-window',
    what: 'rules: a rule name with a newline command starts no command',
    inputs: rules('- name: "x\\n::add-mask::PWNED"\n  query: up\n  critical: 1'),
    input: 'rules',
  },
];

const ROWS: Row[] = [...QUALITY, ...BUILD, ...DEPLOY, ...SMOKE, ...MONITOR, ...ROLLBACK];

const limit = limiter(4);

/** A valid config file: each config row breaks one thing in something like it. */

/** Inputs every row of an action starts from (valid, or failing only at a guarded side effect). */
function baseInputs(action: ActionName, g: Guards): Record<string, string> {
  switch (action) {
    case 'smoke-test':
      return { urls: `${g.url}/healthz`, attempts: '1' };
    case 'quality-gate':
      return { run: 'test: touch "$GITHUB_WORKSPACE/ran"' };
    case 'build-image':
      return { image: 'sy-hostile/app' };
    case 'deploy-bluegreen':
      return { environment: 'staging', image: HOSTILE_IMAGE };
    case 'monitor-window':
      return { environment: 'staging', 'prometheus-url': g.url, duration: '3s', interval: '1s' };
    case 'rollback':
      return { environment: 'staging' };
  }
}

function prepare(action: ActionName, g: Guards): void {
  writeFileSync(join(g.workspace, 'switchyard.yml'), GOOD_CONFIG);
  writeFileSync(join(g.workspace, 'Dockerfile'), 'FROM scratch\n');
  mkdirSync(join(g.workspace, 'reports'));
  // Links inside the workspace that lead out of it.
  symlinkSync(join(g.outside, 'secret.yml'), join(g.workspace, 'linked.yml'));
  symlinkSync(join(g.outside, 'report.xml'), join(g.workspace, 'reports/linked.xml'));
  symlinkSync(join(g.outside, 'Dockerfile'), join(g.workspace, 'Dockerfile.linked'));
  symlinkSync(g.outside, join(g.workspace, 'linked-dir'));
  if (action === 'quality-gate') writeFileSync(join(g.workspace, 'lcov.info'), 'end_of_record\n');
}

/** What the row's error must start with: `<action>: input "<name>` (a path inside it allowed) or a file. */
function expectedStart(action: string, row: Row): RegExp {
  const alts = [
    ...(row.input ? [`input "${esc(row.input)}(?:"|[[.])`] : []),
    ...(row.file ? [`${esc(row.file)}: `] : []),
  ];
  return new RegExp(`^${esc(action)}: (?:${alts.join('|')})`);
}

/** Everything wrong with a run of a rejected row (empty: it held). */
function rejectionProblems(row: Row, r: ActionRun, g: Guards): string[] {
  const problems: string[] = [];
  if (r.exitCode !== 1) problems.push(`exit code ${r.exitCode}, expected 1`);
  const errors = r.annotations.filter((a) => a.level === 'error').map((a) => a.message);
  const start = expectedStart(row.action, row);
  const named = errors.find((m) => start.test(m));
  if (named === undefined)
    problems.push(
      `no error matching ${String(start)}; errors: ${JSON.stringify(errors).slice(0, 300)}`,
      ...(errors.length ? [] : [`log ends: ${JSON.stringify(r.log.slice(-300))}`]),
    );
  else {
    if (row.also && !row.also.test(named))
      problems.push(`error does not match ${String(row.also)}: ${named.slice(0, 300)}`);
    if (row.absent?.test(named))
      problems.push(`error matches ${String(row.absent)}: ${named.slice(0, 300)}`);
  }
  if (row.absent && errors.some((m) => row.absent?.test(m)) && named === undefined)
    problems.push(`an error matches ${String(row.absent)}`);
  problems.push(...g.sideEffects());
  if (existsSync(join(g.workspace, 'ran'))) problems.push('a quality-gate command ran');
  const outputs = Object.keys(r.outputs);
  if (outputs.length) problems.push(`outputs written: ${outputs.join(', ')}`);
  return problems;
}

/** Everything wrong with a run of a carried row: refused before any request, or run without a command line. */
function carriedProblems(row: Row, r: ActionRun, g: Guards): string[] {
  const problems: string[] = [];
  if (r.exitCode !== 1) problems.push(`exit code ${r.exitCode}, expected 1`);
  const start = expectedStart(row.action, row);
  const refused = r.annotations.some((a) => a.level === 'error' && start.test(a.message));
  problems.push(...g.sideEffects().filter((s) => !s.startsWith('HTTP ')));
  if (refused && g.requests().length)
    problems.push(`refused only after requests: ${g.requests().join(', ')}`);
  if (!refused && g.requests().length === 0)
    problems.push(`neither refused (${String(start)}) nor carried to a request`);
  return problems;
}

/** Everything wrong with a run of a server row: smoke-test against a hostile answer. */
function serverProblems(r: ActionRun, g: Guards): string[] {
  const problems: string[] = [];
  if (r.exitCode !== 1) problems.push(`exit code ${r.exitCode}, expected 1`);
  const errors = r.annotations.filter((a) => a.level === 'error').map((a) => a.message);
  const blame = errors.find(
    (m) => m.startsWith('smoke-test: ') && !m.startsWith('smoke-test: input "'),
  );
  if (blame === undefined || !/hostile|version|status|expected/.test(blame))
    problems.push(`no error naming the check or what it saw: ${JSON.stringify(errors)}`);
  problems.push(...g.sideEffects().filter((s) => !s.startsWith('HTTP ')));
  if (g.requests().length === 0) problems.push('the hostile server was never asked');
  return problems;
}

async function check(row: Row): Promise<string[]> {
  const g = await guards();
  try {
    prepare(row.action, g);
    row.setup?.(g);
    const inputs = { ...baseInputs(row.action, g), ...(await row.inputs(g)) };
    for (const name of row.unset ?? []) delete inputs[name];
    let r: ActionRun;
    try {
      r = await runAction(actionRef(row.action), {
        workspace: g.workspace,
        inputs,
        env: { ...g.env, ...row.env },
        secrets: row.secrets ?? [],
        timeoutMs: 60_000,
      });
    } catch (error) {
      return [`harness: ${String(error).split('\n')[0] ?? ''}`, ...g.sideEffects()];
    }
    const texts = {
      log: r.log,
      'post log': r.post?.log ?? '',
      summary: r.summary,
      outputs: Object.values(r.outputs).join('\n'),
    };
    return [
      ...(row.server
        ? serverProblems(r, g)
        : row.carried
          ? carriedProblems(row, r, g)
          : rejectionProblems(row, r, g)),
      ...secretLeaks(row.secrets ?? [], texts),
      ...commandProblems(r.log).map((p) => `log ${p}`),
      ...commandProblems(r.post?.log ?? '').map((p) => `post log ${p}`),
      ...(row.fileRead ? fileContentLeaks({ log: r.log, summary: r.summary }) : []),
    ];
  } finally {
    await g.close();
  }
}

describe.each(ACTIONS)('%s: hostile inputs', (action) => {
  const rows = ROWS.filter((r) => r.action === action);
  test('has rows', () => expect(rows.length).toBeGreaterThan(10));
  test.concurrent.each(rows.map((r, i) => [i, r.what, r] as const))(
    '[%i] %s',
    async (_i, _what, row) => {
      expect(await limit(() => check(row))).toEqual([]);
    },
  );
});

test('at least 150 rows over the six actions', () => {
  expect(ROWS.length).toBeGreaterThanOrEqual(150);
  expect(new Set(ROWS.map((r) => r.action))).toEqual(new Set(ACTIONS));
});
