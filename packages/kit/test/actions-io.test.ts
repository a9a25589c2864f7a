import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  actionsIO,
  command,
  escapeData,
  fileCommandEntry,
  inputVariable,
} from '../src/actions-io.js';

function setup(extra: Record<string, string> = {}): {
  lines: string[];
  files: Record<string, string>;
  io: ReturnType<typeof actionsIO>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-io-'));
  const files: Record<string, string> = {};
  for (const k of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
    files[k] = join(dir, k);
    writeFileSync(files[k], '');
  }
  const lines: string[] = [];
  const io = actionsIO({ ...files, ...extra }, (l) => lines.push(l));
  return { lines, files, io };
}

describe('actionsIO (the runner protocol, without @actions/core)', () => {
  test.each([
    ['image', 'INPUT_IMAGE'],
    ['build-args', 'INPUT_BUILD-ARGS'],
    ['my input', 'INPUT_MY_INPUT'],
  ])('[%#] input %s is read from %s, trimmed; unset reads as empty', (name, variable) => {
    const { io } = setup({ [variable]: '  value \n' });
    expect(inputVariable(name)).toBe(variable);
    expect(io.io.getInput(name)).toBe('value');
    expect(setup().io.io.getInput(name)).toBe('');
  });

  test('outputs and state go to their files as heredoc entries; state comes back from STATE_*', () => {
    const { io, files } = setup({ STATE_dir: '/tmp/x' });
    io.io.setOutput('tags', 'a\nb');
    io.io.setOutput('meta', { ok: true });
    io.io.saveState('dir', '/tmp/y');
    const out = readFileSync(files.GITHUB_OUTPUT ?? '', 'utf8');
    expect(out).toMatch(
      /^tags<<(ghadelimiter_[\w-]+)\na\nb\n\1\nmeta<<(ghadelimiter_[\w-]+)\n\{"ok":true\}\n\2\n$/,
    );
    expect(readFileSync(files.GITHUB_STATE ?? '', 'utf8')).toMatch(/^dir<<(\S+)\n\/tmp\/y\n\1\n$/);
    expect(io.io.getState('dir')).toBe('/tmp/x');
    expect(io.io.getState('other')).toBe('');
    expect(() => fileCommandEntry('x', 'has DELIM inside', 'DELIM')).toThrow('delimiter');
  });

  test('secrets are announced once and masked in every log line, annotation and the summary', async () => {
    const { io, lines, files } = setup();
    io.secrets.add('hunter22');
    io.io.info('password is hunter22');
    io.io.warning('warn hunter22', { title: 'T hunter22', file: 'a,b.ts', startLine: 3 });
    io.io.error('bad', { file: 'src/x.ts', startLine: 10, startColumn: 9 });
    await io.io.appendSummary('| hunter22 |');
    expect(lines).toEqual([
      '::add-mask::hunter22',
      'password is ***',
      '::warning title=T ***,file=a%2Cb.ts,line=3::warn ***',
      '::error file=src/x.ts,line=10,col=9::bad',
    ]);
    expect(readFileSync(files.GITHUB_STEP_SUMMARY ?? '', 'utf8')).toBe('| *** |\n');
  });

  test('groups close even when the body throws; setFailed writes an error and sets the exit code', async () => {
    const { io, lines } = setup();
    await expect(io.io.group('G', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const before = process.exitCode;
    io.io.setFailed('it broke\nbadly');
    expect(process.exitCode).toBe(1);
    process.exitCode = before;
    expect(lines).toEqual(['::group::G', '::endgroup::', '::error::it broke%0Abadly']);
  });

  test('escaping follows the runner: % CR LF in data; also : and , in properties', () => {
    expect(escapeData('50%\r\n')).toBe('50%25%0D%0A');
    expect(command('error', { file: 'C:\\a,b', line: undefined, title: '' }, 'x:y')).toBe(
      '::error file=C%3A\\a%2Cb::x:y',
    );
  });

  test('an unwritable GITHUB_OUTPUT: the error names the output, the variable and the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-io-'));
    // A directory where the file should be: appending fails (EISDIR), as a read-only file would.
    const io = actionsIO({ GITHUB_OUTPUT: dir }, () => undefined).io;
    expect(() => io.setOutput('color', 'green')).toThrow(
      new RegExp(`^could not write "color" to GITHUB_OUTPUT \\(${dir}\\): EISDIR`),
    );
  });

  test('without the file variables: legacy set-output / save-state commands; a summary rejects', async () => {
    const lines: string[] = [];
    const io = actionsIO({}, (l) => lines.push(l)).io;
    io.setOutput('a', 'b\nc');
    io.saveState('isPost', 'true');
    expect(lines).toEqual(['::set-output name=a::b%0Ac', '::save-state name=isPost::true']);
    await expect(io.appendSummary('x')).rejects.toThrow('GITHUB_STEP_SUMMARY');
  });
});
