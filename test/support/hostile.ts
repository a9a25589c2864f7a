/**
 * Guards and checkers for the hostile-input suites (test/integration/hostile-*.test.ts): a fake
 * Docker socket, fake binaries first on PATH and loopback HTTP listeners that record every attempt at
 * a side effect, one set per case (cases run concurrently and must not see each other's attempts);
 * a reader of log lines as the GitHub runner parses workflow commands; a finder of secrets in any text.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './cli.js';

export { secretLeaks } from './secrets.js';

/**
 * A copy of the repository (each actions/<name>/action.yml, dist/, package.json) to run instead of this
 * checkout's bundles (e.g. the last commit's, extracted with git archive), to compare two builds.
 */
const OTHER_ROOT = process.env.SWITCHYARD_HOSTILE_ROOT;

/** What runAction takes for an action: its name here, or its folder in {@link OTHER_ROOT}. */
export const actionRef = (name: string): string =>
  OTHER_ROOT ? join(OTHER_ROOT, 'actions', name) : name;

/** The CLI bundle to run: this checkout's, or the one in {@link OTHER_ROOT}. */
export const cliScript = (): string => (OTHER_ROOT ? join(OTHER_ROOT, 'dist/cli/index.js') : CLI);

/** A valid config file for the rows to break one thing in. */
export const GOOD_CONFIG = 'app: sy-hostile\nstaging:\n  port: 18080\nproduction:\n  port: 18090\n';
/** A valid image in a registry nobody listens on: a deploy that slips through fails at the pull. */
export const HOSTILE_IMAGE = '127.0.0.1:9/sy-hostile/app:1.0';

/** Values carrying workflow commands after a line break, a lone CR, or in the legacy form. */
export const INJECTIONS = [
  'x\n::stop-commands::PWNED',
  'x\r::set-output name=x::PWNED',
  '##[set-output name=x]PWNED',
  'x\r\n::add-mask::PWNED',
] as const;

/** How an error states a duration's maximum ("of at most 6h", "from 1s to 6h"). */
export const MAXIMUM = /at most|to \d/;

/** A responder answering 200 with `body` as JSON. */
export const json =
  (body: unknown): Responder =>
  () => ({
    status: 200,
    type: 'application/json',
    body: JSON.stringify(body),
  });

/** The string every injected payload carries. */
export const MARKER = 'PWNED';

/** The binaries an action could reach for; each fake records its argv and exits 1. */
export const FAKE_BINARIES = [
  'docker',
  'buildah',
  'skopeo',
  'kubectl',
  'ssh',
  'git',
  'socat',
  'haproxy',
] as const;

/** Answers a request to a loopback listener (default: 503 and a short body). */
export type Responder = (req: IncomingMessage) => {
  readonly status: number;
  readonly body: string;
  readonly type?: string;
};

/** One case's guards: a workspace, a folder outside it, and recorders of every side effect. */
export interface Guards {
  /** The case's temp root (holds everything below; removed by {@link Guards.close}). */
  readonly root: string;
  /** The workspace the action or CLI runs in. */
  readonly workspace: string;
  /** A folder beside the workspace holding files the case must never read (see {@link OUTSIDE_CONTENT}). */
  readonly outside: string;
  /** `DOCKER_HOST` on the guarded socket and `PATH` with the fake binaries first. */
  readonly env: Readonly<Record<string, string>>;
  /** Base URL (no trailing slash) of a loopback listener that records every request. */
  readonly url: string;
  /** Starts another recording listener with its own answers; its requests count as side effects. */
  listen(respond: Responder): Promise<string>;
  /** Every side effect seen so far, one line each (empty: none). */
  sideEffects(): string[];
  /** Requests the listeners received, as `METHOD /path`. */
  requests(): string[];
  close(): Promise<void>;
}

/** Text of every file the guards put outside the workspace: a log showing it quoted a file. */
export const OUTSIDE_CONTENT = `root:x:0:0:${MARKER}-outside-file:/root:/bin/sh\n`;

const listenOn = (server: Server | NetServer, at: string | number): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof at === 'string') server.listen(at, resolve);
    else server.listen(at, '127.0.0.1', resolve);
  });

const closeServer = (server: Server | NetServer): Promise<void> =>
  new Promise((resolve) => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => resolve());
  });

/** Creates one case's guards: its own socket, bin folder, listener and workspace. */
export async function guards(): Promise<Guards> {
  const root = mkdtempSync(join(tmpdir(), 'sy-hostile-'));
  const workspace = join(root, 'ws');
  const outside = join(root, 'outside');
  const bin = join(root, 'bin');
  for (const d of [workspace, outside, bin]) mkdirSync(d);
  for (const f of ['secret.yml', 'Dockerfile', 'report.xml', 'lcov.info', 'report.json'])
    writeFileSync(join(outside, f), OUTSIDE_CONTENT);

  const calls = join(root, 'bin-calls.log');
  for (const name of FAKE_BINARIES)
    writeFileSync(
      join(bin, name),
      `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> '${calls}'\nexit 1\n`,
      { mode: 0o755 },
    );

  const socketPath = join(root, 'docker.sock');
  let dockerConnections = 0;
  const docker = createNetServer((socket) => {
    dockerConnections++;
    socket.on('error', () => undefined);
    socket.destroy();
  });
  await listenOn(docker, socketPath);

  const requests: string[] = [];
  const servers: Server[] = [];
  const listen = async (respond: Responder): Promise<string> => {
    const server = createHttpServer((req, res) => {
      requests.push(`${req.method ?? '?'} ${req.url ?? ''}`);
      const answer = respond(req);
      res.writeHead(answer.status, { 'content-type': answer.type ?? 'text/plain' });
      res.end(answer.body);
    });
    servers.push(server);
    await listenOn(server, 0);
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}`;
  };
  const url = await listen(() => ({ status: 503, body: 'guard: no request was expected' }));

  return {
    root,
    workspace,
    outside,
    env: { DOCKER_HOST: `unix://${socketPath}`, PATH: `${bin}:${process.env.PATH ?? ''}` },
    url,
    listen,
    requests: () => [...requests],
    sideEffects: () => [
      ...(dockerConnections ? [`docker socket: ${dockerConnections} connection(s)`] : []),
      ...(existsSync(calls)
        ? readFileSync(calls, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((c) => `ran ${c}`)
        : []),
      ...requests.map((r) => `HTTP ${r}`),
    ],
    close: async () => {
      await Promise.all([docker, ...servers].map(closeServer));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs at most `n` of the given functions at once. */
export function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** The commands GitHub's runner accepts from an action that a step here may write. */
export const ALLOWED_COMMANDS = [
  'add-mask',
  'error',
  'warning',
  'notice',
  'debug',
  'group',
  'endgroup',
] as const;

/** A log line the runner would read as a workflow command. */
export interface WorkflowCommand {
  /** 1-based, after splitting on CR, LF and CRLF as the runner does. */
  readonly line: number;
  /** `v2`: `::name …::data`; `v1`: the legacy `##[name …]data`. */
  readonly form: 'v1' | 'v2';
  readonly name: string;
  /** The text after the command (v2: after the second `::`; v1: after `]`). */
  readonly data: string;
}

/**
 * The lines of `log` the runner would parse as commands (actions/runner
 * src/Runner.Common/ActionCommand.cs): v2 when the line, leading space trimmed, starts with `::` and
 * has another `::` after it; else v1 when it holds `##[` and then a `]`. Lines split on `\r` too.
 */
export function workflowCommands(log: string): WorkflowCommand[] {
  const found: WorkflowCommand[] = [];
  log.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = raw.trimStart();
    const end = line.startsWith('::') ? line.indexOf('::', 2) : -1;
    if (end >= 0) {
      const info = line.slice(2, end);
      const name = info.split(' ')[0] ?? '';
      if (name !== '') {
        found.push({ line: i + 1, form: 'v2', name, data: line.slice(end + 2) });
        // The runner stops at a v2 command it knows; an unknown name falls through to v1.
        if ((ALLOWED_COMMANDS as readonly string[]).includes(name)) return;
      }
    }
    const start = raw.indexOf('##[');
    const close = start >= 0 ? raw.indexOf(']', start + 3) : -1;
    if (close >= 0) {
      const name = raw.slice(start + 3, close).split(' ')[0] ?? '';
      if (name !== '') found.push({ line: i + 1, form: 'v1', name, data: raw.slice(close + 1) });
    }
  });
  return found;
}

/**
 * What is wrong with the commands in an action's log: a v2 command other than
 * {@link ALLOWED_COMMANDS}, an `add-mask` of a value holding the marker, or any v1 command.
 */
export function commandProblems(log: string, marker = MARKER): string[] {
  return workflowCommands(log).flatMap((c) => {
    const at = `line ${c.line}: ${c.form} command "${c.name}"`;
    if (c.form === 'v1') return [`${at} (legacy ##[…] form)`];
    if (!(ALLOWED_COMMANDS as readonly string[]).includes(c.name)) return [`${at} is not allowed`];
    if (c.name === 'add-mask' && c.data.includes(marker))
      return [`${at} masks a value holding ${marker}`];
    return [];
  });
}

/** For output that must hold no command at all (the CLI): every line that parses as one. */
export function anyCommand(where: string, text: string): string[] {
  return workflowCommands(text).map(
    (c) => `${where} line ${c.line}: ${c.form} command "${c.name}"`,
  );
}

/** Texts a log must never hold: lines of /etc/passwd, of {@link OUTSIDE_CONTENT}, of /proc/self/environ. */
export const FILE_CONTENTS = [
  'root:x:0:0',
  `${MARKER}-outside-file`,
  'DOCKER_HOST=unix://',
] as const;

/** Which of {@link FILE_CONTENTS} show in the given texts. */
export function fileContentLeaks(places: Readonly<Record<string, string>>): string[] {
  return Object.entries(places).flatMap(([where, text]) =>
    FILE_CONTENTS.filter((c) => text.includes(c)).map((c) => `${where} quotes file content "${c}"`),
  );
}

/** Escapes a string for a RegExp. */
export const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
