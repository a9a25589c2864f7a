/**
 * deploy-bluegreen rejects a bad config file or bad inputs with an error naming the key path or the
 * input, before any docker command: run from dist/ under Node 24 through the runner-protocol harness,
 * with a `docker` wrapper first on PATH that records every call (and then runs the real docker).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { runAction, type ActionRun } from '../support/runner.js';

const exec = promisify(execFile);

/** An app name no other test deploys, in case a row ever gets past the checks. */
const APP = 'sy-inputs';
/** Valid, but in a registry nobody listens on: a deploy that slips through fails at the pull. */
const IMAGE = '127.0.0.1:9/switchyard-test/app:1.0';
/** A valid file: every config row breaks one thing in something like it. */
const GOOD = `app: ${APP}\nstaging:\n  port: 18080\nproduction:\n  port: 18090\n`;
const BASE_INPUTS: Readonly<Record<string, string>> = { environment: 'staging', image: IMAGE };

interface Case {
  /** The config file's text (at `path`, default switchyard.yml); null: no file. */
  readonly yml: string | null;
  readonly path?: string;
  /** Inputs over {@link BASE_INPUTS}. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** Base inputs left unset. */
  readonly unset?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Values the harness checks never show in the log or summary. */
  readonly secrets?: readonly string[];
  /** Text the error message must also contain (the problem or the fix). */
  readonly also: string;
  /** Text the error message must not contain. */
  readonly absent?: string;
  /** Ends the test title instead of `also`. */
  readonly note?: string;
}

/** [title (the expected location first), what the message starts with (regex source), case]. */
type Row = [string, string, Case];

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A row whose error names a key path (or a line) in the config file: `<file>: <path>: …`. */
function key(path: string, c: Case, file = c.path ?? 'switchyard.yml'): Row {
  return [`${file}: ${path}: ${c.note ?? c.also}`, `${fileName(file)}: ${esc(path)}: `, c];
}

/** A row whose error is about the config file as a whole: `<file>: …`. */
function whole(c: Case, file = c.path ?? 'switchyard.yml'): Row {
  return [`${file}: ${c.note ?? c.also}`, `${fileName(file)}: (?!\\S+: )`, c];
}

/** A row whose error names an input: `input "<name>": …`. */
function input(name: string, c: Case): Row {
  return [`input "${name}": ${c.note ?? c.also}`, esc(`input "${name}": `), c];
}

/** The file as the user wrote it (relative to the workspace, never its absolute path). */
const fileName = (file: string): string => esc(file);

const rows: Row[] = [
  // The file: structure and keys.
  key('Prod_EU', {
    yml: `app: ${APP}\nProd_EU:\n  port: 18080\nstaging: {}\n`,
    also: '"Prod_EU" is neither app, defaults nor an environment name',
  }),
  key('port', {
    yml: `app: ${APP}\nport: 8080\nstaging: {}\n`,
    also: '"port" is a setting, not an environment. Put it under defaults:',
  }),
  key('staging.helth', {
    yml: `app: ${APP}\nstaging:\n  helth:\n    path: /healthz\n`,
    also: '"helth" is not a known key (did you mean health?)',
  }),
  key('production.helth', {
    // A typo in another environment still fails a staging deploy: the whole file is checked.
    yml: `${GOOD}  helth:\n    path: /healthz\n`,
    also: 'did you mean health?',
  }),
  key('staging.health', {
    yml: `app: ${APP}\nstaging:\n  health:\n    - path: /healthz\n`,
    also: 'is a list, not a mapping',
  }),
  whole({ yml: '- app: shop\n', also: 'is a list, not a mapping' }),
  // The file: values.
  key('staging.health.timeout', {
    yml: `app: ${APP}\nstaging:\n  health:\n    timeout: 5x\n`,
    also: '"5x" is not a duration',
  }),
  key('staging.port', {
    yml: `app: ${APP}\nstaging:\n  port: 0\n`,
    also: 'is out of range. Use a value from 1 to 65535',
  }),
  key('defaults.port', {
    yml: `app: ${APP}\ndefaults:\n  port: 70000\nstaging: {}\n`,
    also: 'is out of range',
  }),
  key('staging.preview-port', {
    yml: `app: ${APP}\nstaging:\n  preview-port: http\n`,
    also: '"http" is not a whole number',
  }),
  key('staging.preview-port', {
    yml: `app: ${APP}\nstaging:\n  port: 9000\n  preview-port: 9000\n`,
    also: 'is the same as port',
  }),
  key('staging.bind', {
    yml: `app: ${APP}\nstaging:\n  bind: localhost\n`,
    also: '"localhost" is not an IP address',
  }),
  key('staging.docker-host', {
    yml: `app: ${APP}\nstaging:\n  docker-host: ftp://x\n`,
    also: 'has protocol ftp:',
  }),
  key('staging.volumes[1]', {
    yml: `app: ${APP}\nstaging:\n  volumes:\n    - data:/data\n    - data:data\n`,
    also: 'has a relative target data. Give an absolute path',
  }),
  key('staging.resources.memory', {
    yml: `app: ${APP}\nstaging:\n  resources:\n    memory: 12xb\n`,
    also: '"12xb" is not a memory size',
  }),
  key('staging.env.MY-VAR', {
    yml: `app: ${APP}\nstaging:\n  env:\n    MY-VAR: x\n`,
    also: 'is not a valid variable name',
  }),
  key('staging.secrets[0]', {
    yml: `app: ${APP}\nstaging:\n  env:\n    API_TOKEN: plain\n  secrets: [API_TOKEN]\n`,
    inputs: { secrets: 'API_TOKEN=tok-both-places-5150' },
    secrets: ['tok-both-places-5150'],
    also: '"API_TOKEN" is also set in env',
  }),
  key('app', { yml: 'app: Shop\nstaging: {}\n', also: '"Shop" is not an app name' }),
  // The file: YAML syntax, with the line.
  key('line 4, column 1', {
    yml: `app: ${APP}\nstaging:\n  port: 18080\n bind: 0.0.0.0\n`,
    also: 'All mapping items must start at the same column. Fix the YAML syntax',
  }),
  key('line 4, column 3', {
    yml: `app: ${APP}\nstaging:\n  port: 18080\n  port: 18081\n`,
    also: 'Map keys must be unique',
  }),
  // The file: which one, and the app name.
  whole({
    yml: null,
    path: 'deploy/missing.yml',
    inputs: { config: 'deploy/missing.yml' },
    also: 'does not exist',
  }),
  key('staging.port', {
    yml: `app: ${APP}\nstaging:\n  port: 0\n`,
    path: 'deploy/switchyard.yml',
    inputs: { config: 'deploy/switchyard.yml' },
    also: 'is out of range',
  }),
  key('app', {
    yml: 'staging:\n  port: 18080\n',
    also: 'is not set',
    note: 'no app in the file nor input',
  }),
  key('app', { yml: null, also: 'is not set', note: 'no file, no app input' }),
  // The environment.
  input('environment', { yml: GOOD, unset: ['environment'], also: 'is required' }),
  input('environment', {
    yml: GOOD,
    inputs: { environment: 'Prod!' },
    also: '"Prod!" is not an environment name',
  }),
  input('environment', {
    yml: GOOD,
    inputs: { environment: 'qa' },
    also: 'Use one of: staging, production',
  }),
  // The action's own inputs.
  input('action', {
    yml: GOOD,
    inputs: { action: 'rollout' },
    also: 'Use one of: deploy, promote',
  }),
  input('image', { yml: GOOD, unset: ['image'], also: 'is required for action deploy' }),
  input('image', {
    yml: GOOD,
    inputs: { image: 'Team/App:1' },
    also: 'has an invalid path component "Team" (upper case)',
  }),
  input('image', {
    yml: GOOD,
    inputs: { image: 'app@sha256:xyz' },
    also: 'has an invalid digest "sha256:xyz"',
  }),
  input('lock-timeout', {
    yml: GOOD,
    inputs: { 'lock-timeout': 'soon' },
    also: '"soon" is not a duration',
  }),
  input('pull', { yml: GOOD, inputs: { pull: 'sometimes' }, also: 'Use one of: always' }),
  input('promote', { yml: GOOD, inputs: { promote: 'maybe' }, also: '"maybe"' }),
  input('dry-run', { yml: GOOD, inputs: { 'dry-run': 'perhaps' }, also: '"perhaps"' }),
  input('keep-failed', { yml: GOOD, inputs: { 'keep-failed': 'maybe' }, also: '"maybe"' }),
  input('registry-password', {
    yml: GOOD,
    inputs: { 'registry-username': 'ci' },
    also: 'is empty while the other credential input is set',
  }),
  input('registry-username', {
    yml: GOOD,
    inputs: { 'registry-password': 'pw-lonely-31337' },
    secrets: ['pw-lonely-31337'],
    also: 'is empty while the other credential input is set',
  }),
  // Override inputs.
  input('port', { yml: GOOD, inputs: { port: 'abc' }, also: '"abc" is not a whole number' }),
  input('port', { yml: GOOD, inputs: { port: '70000' }, also: 'is out of range' }),
  input('preview-port', {
    yml: GOOD,
    inputs: { 'preview-port': '18080' },
    also: 'is the same as port',
  }),
  input('docker-host', { yml: GOOD, inputs: { 'docker-host': 'ftp://x' }, also: 'ftp:' }),
  input('keep-previous', {
    yml: GOOD,
    inputs: { 'keep-previous': '5x' },
    also: '"5x" is not a duration',
  }),
  input('ready-timeout', {
    yml: GOOD,
    inputs: { 'ready-timeout': '500ms' },
    also: 'is out of range',
  }),
  input('health-path', {
    yml: GOOD,
    inputs: { 'health-path': 'healthz' },
    also: 'is not a URL path',
  }),
  input('proxy-image', {
    yml: GOOD,
    inputs: { 'proxy-image': 'haproxy 3' },
    also: 'is not an image reference',
  }),
  input('app', { yml: GOOD, inputs: { app: 'Shop' }, also: '"Shop" is not an app name' }),
  // Secrets.
  input('secrets', {
    yml: `app: ${APP}\nstaging:\n  secrets: [API_TOKEN]\n`,
    also: '"API_TOKEN" is listed under staging.secrets in the config file but has no value',
  }),
  input('secrets', {
    yml: `app: ${APP}\nstaging:\n  secrets: [API_TOKEN]\n`,
    env: { API_TOKEN: '' },
    also: 'but has no value',
  }),
  input('secrets', {
    yml: GOOD,
    inputs: { secrets: '1TOKEN=tok-bad-name-2718' },
    secrets: ['tok-bad-name-2718'],
    also: '"1TOKEN" is not a variable name',
  }),
  input('secrets', {
    // The run fails on the secrets input itself; neither value may show.
    yml: `app: ${APP}\nstaging:\n  secrets: [API_TOKEN]\n`,
    inputs: { secrets: 'API_TOKEN=tok-first-8c1f4e\nAPI_TOKEN=tok-second-9d2a5b' },
    secrets: ['tok-first-8c1f4e', 'tok-second-9d2a5b'],
    also: 'repeats the key "API_TOKEN"',
  }),
];

/** Cases found by review: messages name the file as written, the image as given, and a secret can't shadow env. */
const reviewed: Row[] = [
  // A secret that is also a plain env var of the file: which value the container gets is undefined.
  // The file alone is rejected (staging.secrets[0] above); the secrets input should be too.
  input('secrets', {
    yml: `app: ${APP}\nstaging:\n  env:\n    API_TOKEN: plain\n`,
    inputs: { secrets: 'API_TOKEN=tok-shadow-4711', 'dry-run': 'true' },
    secrets: ['tok-shadow-4711'],
    also: 'API_TOKEN',
  }),
  // switchyard sets SWITCHYARD_* on every color itself; a secret may not replace one.
  input('secrets', {
    yml: GOOD,
    inputs: { secrets: 'SWITCHYARD_COLOR=tok-reserved-5150' },
    secrets: ['tok-reserved-5150'],
    also: 'is reserved (switchyard sets SWITCHYARD_* itself)',
  }),
  // ConfigError's file is "the config file, as the user knows it (`switchyard.yml`)"
  // (packages/kit/src/errors.ts): the name as written, not the path in the workspace.
  [
    'switchyard.yml: staging.health.timeout: named as written, not by the workspace path',
    esc('switchyard.yml: staging.health.timeout: '),
    {
      yml: `app: ${APP}\nstaging:\n  health:\n    timeout: 5x\n`,
      also: '"5x" is not a duration',
    },
  ],
  [
    'deploy/missing.yml: does not exist, named as written in the config input',
    esc('deploy/missing.yml: does not exist'),
    { yml: null, inputs: { config: 'deploy/missing.yml' }, also: 'does not exist' },
  ],
  // The message quotes "Team/App" (not the input) and points to a tags input deploy-bluegreen
  // doesn't have, in a deploy where a tag is allowed (its hint is build-image's).
  input('image', {
    yml: GOOD,
    inputs: { image: 'Team/App:1' },
    also: '"Team/App:1"',
    absent: 'tags input',
    note: 'quotes the value given, no build-image hint',
  }),
];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A workspace holding the case's config file, if it has one. */
function workspace(c: Case): string {
  const dir = tempDir('switchyard-di-');
  if (c.yml !== null) {
    const file = join(dir, c.path ?? 'switchyard.yml');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, c.yml);
  }
  return dir;
}

describe('deploy-bluegreen rejects a bad config file or input before any docker command', () => {
  let bin: string;
  let calls: string;
  beforeAll(async () => {
    bin = tempDir('switchyard-bin-');
    calls = join(bin, 'calls.log');
    const real = (await exec('sh', ['-c', 'command -v docker'])).stdout.trim();
    const script = `#!/bin/sh\necho "docker $*" >> ${calls}\nexec ${real} "$@"\n`;
    writeFileSync(join(bin, 'docker'), script, { mode: 0o755 });
  });

  const dockerCalls = (): string => (existsSync(calls) ? readFileSync(calls, 'utf8') : '');

  async function runCase(c: Case): Promise<ActionRun> {
    rmSync(calls, { force: true });
    const inputs: Record<string, string> = { ...BASE_INPUTS, ...c.inputs };
    for (const name of c.unset ?? []) delete inputs[name];
    return runAction('deploy-bluegreen', {
      workspace: workspace(c),
      inputs,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, ...c.env },
      ...(c.secrets && { secrets: c.secrets }),
    });
  }

  function expectRejected(r: ActionRun, at: string, c: Case): void {
    const errors = r.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors).toHaveLength(1);
    expect(r.log).toMatch(new RegExp(`^::error::deploy-bluegreen: ${at}`, 'm'));
    expect(errors[0]).toContain(c.also);
    if (c.absent !== undefined) expect(errors[0]).not.toContain(c.absent);
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toEqual({});
    expect(r.state).toEqual({});
    expect(dockerCalls()).toBe('');
  }

  test.each(rows)('%s', async (_title, at, c) => {
    expectRejected(await runCase(c), at, c);
  });

  test.each(reviewed)('%s', async (_title, at, c) => {
    expectRejected(await runCase(c), at, c);
  });

  test('the wrapper does see docker once the inputs are valid (action status reads the target)', async () => {
    const r = await runCase({
      yml: GOOD,
      inputs: { action: 'status' },
      unset: ['image'],
      also: '',
    });
    expect(r.exitCode).toBe(0);
    expect(r.outputs.changed).toBe('false');
    expect(dockerCalls()).toMatch(/^docker /m);
  });
});
