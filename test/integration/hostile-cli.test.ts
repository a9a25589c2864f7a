/**
 * Hostile options against the bundled `switchyard` CLI (dist/cli/index.js under Node 24). Every row:
 * exit 2 for a bad option or config file (1 where the failure comes at run time), stderr naming the
 * option or input, no side effect (guarded Docker socket, fake binaries first on PATH, loopback
 * listeners, a marker for quality-gate commands), no secret in stdout or stderr (raw, JSON-escaped or
 * URL-encoded) and no line the runner would parse as a workflow command at all, since the CLI may run
 * inside a workflow step and means to write none.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliRun } from '../support/cli.js';
import {
  anyCommand,
  cliScript,
  GOOD_CONFIG,
  HOSTILE_IMAGE,
  esc,
  fileContentLeaks,
  guards,
  limiter,
  secretLeaks,
  type Guards,
  type Responder,
  INJECTIONS,
  json,
  MAXIMUM,
} from '../support/hostile.js';

const limit = limiter(4);

/** The git context a build would read from the checkout (so no git runs, as on the runner). */
const GIT_CONTEXT = {
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_REPOSITORY: 'acme/shop',
};
const OUTSIDE_WORDS = /workspace|directory/;

interface CliRow {
  readonly what: string;
  readonly args: (g: Guards) => string[] | Promise<string[]>;
  /** The option (input) stderr must name: `--name` or `input "name…`. */
  readonly option: string;
  /** Or: the config file as the error names it. */
  readonly file?: string;
  /** 2 (bad usage, option or config) unless the failure comes at run time. */
  readonly code?: 1 | 2;
  /** The CLI's error must also match. */
  readonly also?: RegExp;
  /** stderr must not match. */
  readonly absent?: RegExp;
  readonly env?: Readonly<Record<string, string>>;
  readonly secrets?: readonly string[];
  readonly fileRead?: boolean;
  /** Loopback requests are the point (a hostile server), not a side effect. */
  readonly server?: boolean;
  /**
   * Free text that may be refused (exit 2, naming the option, before any request) or carried to a
   * loopback listener (exit 1); either way no line of output parses as a command.
   */
  readonly carried?: boolean;
  readonly setup?: (g: Guards) => void;
}

/** The marker command: any run of it is a side effect. */
const touch = (g: Guards): string => `touch '${join(g.workspace, 'ran')}'`;

const fileRow = (
  what: string,
  option: string,
  args: (g: Guards) => string[],
  file?: string,
): CliRow => ({
  what,
  option,
  args,
  also: OUTSIDE_WORDS,
  fileRead: true,
  ...(file !== undefined && { file }),
});

const durationRow = (command: string, option: string, value: string, more: string[] = []) =>
  ({
    what: `${command} --${option} ${value}`,
    option,
    also: MAXIMUM,
    args: (g: Guards) => {
      const base: Record<string, string[]> = {
        deploy: ['deploy', 'staging', '--image', HOSTILE_IMAGE],
        smoke: ['smoke', '--urls', `${g.url}/healthz`, '--attempts', '1'],
        monitor: ['monitor', 'staging', '--prometheus-url', g.url],
        rollback: ['rollback', 'staging'],
        gate: ['gate', '--run', `test: ${touch(g)}`],
      };
      return [...(base[command] ?? [command]), ...more, `--${option}`, value];
    },
  }) satisfies CliRow;

const passwordRow = (
  what: string,
  option: string,
  secret: string,
  args: (g: Guards) => string[],
): CliRow => ({ what, option, args, secrets: [secret] });

const serverRow = (what: string, answer: Responder): CliRow => ({
  what: `smoke against a server answering ${what}`,
  option: 'hostile',
  code: 1,
  server: true,
  args: async (g) => {
    const url = await g.listen(answer);
    return ['smoke', '--checks', `- name: hostile\n  url: ${url}/version\n  expect-version: "2.0"`];
  },
});

const ROWS: CliRow[] = [
  // Files outside the current directory (the CLI's workspace).
  fileRow(
    'deploy --config ../x',
    'config',
    () => ['deploy', 'staging', '--image', HOSTILE_IMAGE, '--config', '../outside/secret.yml'],
    '../outside/secret.yml',
  ),
  fileRow(
    'deploy --config /etc/passwd',
    'config',
    () => ['deploy', 'staging', '--image', HOSTILE_IMAGE, '--config', '/etc/passwd'],
    '/etc/passwd',
  ),
  fileRow(
    'rollback --config /proc/self/environ',
    'config',
    () => ['rollback', 'staging', '--config', '/proc/self/environ'],
    '/proc/self/environ',
  ),
  fileRow(
    'monitor --config through a link that leads out',
    'config',
    () => ['monitor', 'staging', '--config', 'linked.yml'],
    'linked.yml',
  ),
  fileRow(
    'status --config ../x',
    'config',
    () => ['status', '--config', '../outside/secret.yml'],
    '../outside/secret.yml',
  ),
  fileRow('smoke --checks-file /etc/passwd', 'checks-file', () => [
    'smoke',
    '--checks-file',
    '/etc/passwd',
  ]),
  fileRow('smoke --checks-file ../x', 'checks-file', () => [
    'smoke',
    '--checks-file',
    '../outside/secret.yml',
  ]),
  fileRow('build --file /etc/passwd', 'file', () => [
    'build',
    'sy-hostile/app',
    '--file',
    '/etc/passwd',
  ]),
  fileRow('build --context ..', 'context', () => ['build', 'sy-hostile/app', '--context', '..']),
  fileRow('gate --junit /etc/passwd', 'junit', (g) => [
    'gate',
    '--run',
    `test: ${touch(g)}`,
    '--junit',
    '/etc/passwd',
  ]),
  fileRow('gate --working-directory /etc', 'working-directory', (g) => [
    'gate',
    '--run',
    `test: ${touch(g)}`,
    '--working-directory',
    '/etc',
  ]),
  // Durations that pass the parser but mean nothing.
  durationRow('deploy', 'ready-timeout', '30d'),
  durationRow('deploy', 'keep-previous', '25d'),
  durationRow('deploy', 'lock-timeout', '9999999h'),
  durationRow('smoke', 'timeout', '30d'),
  durationRow('smoke', 'request-timeout', '30d'),
  durationRow('monitor', 'duration', '30d'),
  durationRow('monitor', 'query-timeout', '9999999h'),
  durationRow('rollback', 'verify-timeout', '30d'),
  durationRow('gate', 'command-timeout', '30d'),
  // Secrets: masked before anything is parsed or quoted.
  {
    what: 'smoke --headers with a secret, --checks a mapping with a Cookie',
    option: 'checks',
    secrets: ['s3cr3tPW-c1', 's3cr3tPW-c1b'],
    args: (g) => [
      'smoke',
      '--headers',
      'Authorization: Bearer s3cr3tPW-c1',
      '--checks',
      `name: x\nurl: ${g.url}/\nheaders:\n  Cookie: sid=s3cr3tPW-c1b`,
    ],
  },
  {
    what: 'SWITCHYARD_INPUT_HEADERS with a secret, --checks not YAML around a secret header',
    option: 'checks',
    env: { SWITCHYARD_INPUT_HEADERS: 'X-Api-Key: s3cr3tPW-c2' },
    secrets: ['s3cr3tPW-c2', 's3cr3tPW-c2b'],
    args: (g) => [
      'smoke',
      '--checks',
      `- url: ${g.url}/\n  headers: {Authorization: "Bearer s3cr3tPW-c2b"\n`,
    ],
  },
  {
    what: 'smoke --checks with a header value that is a mapping',
    option: 'checks',
    secrets: ['s3cr3tPW-c3'],
    args: (g) => [
      'smoke',
      '--checks',
      `- url: ${g.url}/\n  headers:\n    Authorization:\n      bearer: s3cr3tPW-c3`,
    ],
  },
  passwordRow('smoke --urls with a password and a bad port', 'urls', 's3cr3tPW-c4', () => [
    'smoke',
    '--urls',
    'http://user:s3cr3tPW-c4@127.0.0.1:99999/',
  ]),
  passwordRow('smoke <base-url> with a password and a bad port', 'base-url', 's3cr3tPW-c5', () => [
    'smoke',
    'http://user:s3cr3tPW-c5@127.0.0.1:99999',
    '--urls',
    '/healthz',
  ]),
  passwordRow('monitor --prometheus-url with a password', 'prometheus-url', 's3cr3tPW-c6', () => [
    'monitor',
    'staging',
    '--prometheus-url',
    'http://u:s3cr3tPW-c6@127.0.0.1:99999',
  ]),
  passwordRow('deploy --docker-host ssh://user:pw@', 'docker-host', 's3cr3tPW-c7', () => [
    'deploy',
    'staging',
    '--image',
    HOSTILE_IMAGE,
    '--docker-host',
    'ssh://user:s3cr3tPW-c7@',
  ]),
  passwordRow('deploy --docker-host tcp://u:pw@[::1', 'docker-host', 's3cr3tPW-c8', () => [
    'deploy',
    'staging',
    '--image',
    HOSTILE_IMAGE,
    '--docker-host',
    'tcp://u:s3cr3tPW-c8@[::1',
  ]),
  passwordRow('build --registry with a password', 'registry', 's3cr3tPW-c9', () => [
    'build',
    'sy-hostile/app',
    '--registry',
    'https://u:s3cr3tPW-c9@ghcr.io',
  ]),
  passwordRow('deploy --secrets: a line without "="', 'secrets', 's3cr3t"PW\\c10', () => [
    'deploy',
    'staging',
    '--image',
    HOSTILE_IMAGE,
    '--secrets',
    'API_TOKEN=tok-c10-fine',
    '--secrets',
    's3cr3t"PW\\c10',
  ]),
  {
    what: 'rollback with SWITCHYARD_INPUT_SECRETS: a line without "="',
    option: 'secrets',
    env: { SWITCHYARD_INPUT_SECRETS: 'API_TOKEN=tok-c11-fine\ns3cr3t"PW\\c11' },
    secrets: ['s3cr3t"PW\\c11', 'tok-c11-fine'],
    args: () => ['rollback', 'staging'],
  },
  // Workflow commands in values.
  // A reason shows only once the target is read: one with a line break is refused up front.
  ...[INJECTIONS[0], INJECTIONS[1], INJECTIONS[3]].map((p): CliRow => ({
    what: `rollback --reason ${JSON.stringify(p)}`,
    option: 'reason',
    args: () => ['rollback', 'staging', '--reason', p],
  })),
  ...[INJECTIONS[3], INJECTIONS[2]].map((p): CliRow => ({
    what: `smoke --expect-version ${JSON.stringify(p)} (refused, or carried to a server at 1.0)`,
    option: 'expect-version',
    carried: true,
    args: async (g) => [
      'smoke',
      '--urls',
      `${await g.listen(json({ version: '1.0' }))}/`,
      '--expect-version',
      p,
    ],
  })),
  {
    what: 'smoke --checks with a check name holding a legacy command (refused, or carried)',
    option: 'checks',
    carried: true,
    args: (g) => ['smoke', '--checks', `- name: "${INJECTIONS[2]}"\n  url: ${g.url}/`],
  },
  {
    what: 'build --target with a newline command',
    option: 'target',
    args: () => ['build', 'sy-hostile/app', '--target', INJECTIONS[0]],
  },
  {
    what: 'gate --run with a command name holding a newline command',
    option: 'run',
    args: (g) => ['gate', '--run', `"t\\n::stop-commands::PWNED": ${touch(g)}`],
  },
  {
    what: 'gate --allow-advisories with a legacy command',
    option: 'allow-advisories',
    args: (g) => ['gate', '--run', `test: ${touch(g)}`, '--allow-advisories', INJECTIONS[2]],
  },
  // Values that pass but mean nothing.
  {
    what: 'monitor --rules with error-rate critical 150%',
    option: 'rules',
    args: (g) => [
      'monitor',
      'staging',
      '--prometheus-url',
      g.url,
      '--rules',
      '- name: error-rate\n  critical: 150%',
    ],
  },
  {
    what: 'deploy --proxy-image=--privileged',
    option: 'proxy-image',
    args: () => ['deploy', 'staging', '--image', HOSTILE_IMAGE, '--proxy-image=--privileged'],
  },
  {
    what: 'build --build-args constructor=1 is an ordinary key (fails on --builder)',
    option: 'builder',
    absent: /repeats/,
    args: () => [
      'build',
      'sy-hostile/app',
      '--build-args',
      'constructor=1',
      '--labels',
      'toString=x',
      '--builder',
      'nope',
    ],
  },
  // Strings the server controls, printed by a failing smoke run.
  serverRow('a version with a newline command', json({ version: '1.0\n::stop-commands::PWNED' })),
  serverRow('a version with a CR command', json({ version: '1.0\r::set-output name=x::PWNED' })),
  serverRow('a version with a legacy command', json({ version: '##[set-output name=x]PWNED' })),
];

function prepare(g: Guards): void {
  writeFileSync(join(g.workspace, 'switchyard.yml'), GOOD_CONFIG);
  writeFileSync(join(g.workspace, 'Dockerfile'), 'FROM scratch\n');
  mkdirSync(join(g.workspace, 'reports'));
  symlinkSync(join(g.outside, 'secret.yml'), join(g.workspace, 'linked.yml'));
}

function problems(row: CliRow, r: CliRun, g: Guards): string[] {
  const out: string[] = [];
  const refused = r.code === 2;
  const code = row.carried && !refused ? 1 : (row.code ?? 2);
  if (r.code !== code) out.push(`exit code ${r.code}, expected ${code}`);
  if (row.carried && refused && g.requests().length)
    out.push(`refused only after requests: ${g.requests().join(', ')}`);
  if (row.carried && !refused && g.requests().length === 0)
    out.push('neither refused (exit 2) nor carried to a request');
  const names = [
    `--${esc(row.option)}(?![\\w-])`,
    `input "${esc(row.option)}(?:"|[[.])`,
    ...(row.file !== undefined ? [`${esc(row.file)}: `] : []),
    ...(row.server ? [`\\b${esc(row.option)}\\b`] : []),
  ];
  const error = r.stderr.split('\n').find((l) => l.startsWith('✖ ') || l.startsWith('error:'));
  if (error === undefined) out.push(`no error line in stderr: ${r.stderr.slice(-300)}`);
  else if ((refused || !row.carried) && !new RegExp(names.join('|')).test(r.stderr))
    out.push(`stderr names neither --${row.option} nor input "${row.option}": ${error}`);
  if (row.also && !row.also.test(r.stderr))
    out.push(`stderr does not match ${String(row.also)}: ${(error ?? '').slice(0, 300)}`);
  if (row.absent?.test(r.stderr)) out.push(`stderr matches ${String(row.absent)}`);
  const requestsAllowed = row.server || (row.carried && !refused);
  out.push(...g.sideEffects().filter((s) => !(requestsAllowed && s.startsWith('HTTP '))));
  if (existsSync(join(g.workspace, 'ran'))) out.push('a quality-gate command ran');
  out.push(...secretLeaks(row.secrets ?? [], { stdout: r.stdout, stderr: r.stderr }));
  out.push(...anyCommand('stdout', r.stdout), ...anyCommand('stderr', r.stderr));
  if (row.fileRead) out.push(...fileContentLeaks({ stdout: r.stdout, stderr: r.stderr }));
  return out;
}

async function check(row: CliRow): Promise<string[]> {
  const g = await guards();
  try {
    prepare(g);
    row.setup?.(g);
    const r = await runCli(await row.args(g), {
      cwd: g.workspace,
      script: cliScript(),
      env: { ...g.env, HOME: process.env.HOME ?? '/root', ...GIT_CONTEXT, ...row.env },
    });
    return problems(row, r, g);
  } finally {
    await g.close();
  }
}

describe('switchyard CLI: hostile options', () => {
  test('at least 30 rows', () => expect(ROWS.length).toBeGreaterThanOrEqual(30));
  test.concurrent.each(ROWS.map((r, i) => [i, r.what, r] as const))(
    '[%i] %s',
    async (_i, _what, row) => {
      expect(await limit(() => check(row))).toEqual([]);
    },
  );
});
