/**
 * The hostile-input rules kit builds once for every action: one log writer that makes every line
 * inert, secrets masked before anything is parsed or quoted, file inputs inside the workspace, and
 * values that pass validation only when they mean something.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionsIO } from '@switchyard/kit/actions';
import {
  credentialsIn,
  displayCommand,
  inertText,
  InputError,
  InputReader,
  logLines,
  parseKeyValues,
  readsAsCommand,
  redactCredentials,
  Secrets,
  showValue,
  UNQUOTED,
  visibleControls,
  workspaceFile,
} from '@switchyard/kit';
import { parseYaml } from '@switchyard/kit/yaml';

/** A line the GitHub runner would read as a workflow command (actions/runner ActionCommand). */
const runnerCommand = (line: string): boolean =>
  /^::[^:]*::/.test(line.trimStart()) || /##\[[^\]]*\]/.test(line);

describe('logLines: every line we print is inert', () => {
  test.each([
    ['1.0\n::stop-commands::PWNED', ['1.0', ': :stop-commands::PWNED']],
    ['1.0\r::add-mask::PWNED', ['1.0\\r::add-mask::PWNED']],
    ['1.0\r\n::set-output name=x::PWNED', ['1.0', ': :set-output name=x::PWNED']],
    ['  ::warning::x', ['  : :warning::x']],
    ['version ##[set-output name=x]PWNED', ['version # #[set-output name=x]PWNED']],
    ['\u001b[8mhidden\u001b[0m', ['\\x1b[8mhidden\\x1b[0m']],
    ['a\u2028::add-mask::b', ['a\\u2028::add-mask::b']],
    ['a\u0085b\u202ec', ['a\\x85b\\u202ec']],
    ['plain text: a::b', ['plain text: a::b']],
    ['tab\tkept', ['tab\tkept']],
  ])('[%#] %j is written as %j', (message, lines) => {
    const written = logLines(message);
    expect(written).toEqual(lines);
    for (const l of written) expect(runnerCommand(l)).toBe(false);
  });

  test('the runner IO writes info through it: no value starts a command, masking first', () => {
    const out: string[] = [];
    const { io, secrets } = actionsIO({}, (l) => out.push(l));
    secrets.add('tok\nen-1');
    io.info('server said: 2.0\n::stop-commands::PWNED\rtok\nen-1');
    const body = out.filter((l) => !l.startsWith('::add-mask::'));
    expect(body).toEqual(['server said: 2.0', ': :stop-commands::PWNED\\r***']);
    expect(body.some(runnerCommand)).toBe(false);
  });

  test('inertText keeps our own control characters and breaks only command lines', () => {
    const text = '\r\u001b[2K::set-output name=a::b\n\u001b[31merror:\u001b[39m ok\n::x::y\n';
    expect(inertText(text)).toBe(
      '\r\u001b[2K::set-output name=a::b\n\u001b[31merror:\u001b[39m ok\n: :x::y\n',
    );
    expect(inertText('##[group]x')).toBe('# #[group]x');
  });

  test('readsAsCommand and visibleControls', () => {
    expect(readsAsCommand('  ::debug::x')).toBe(true);
    expect(readsAsCommand('x ##[error]y')).toBe(true);
    expect(readsAsCommand('x :: y')).toBe(false);
    expect(visibleControls('a\nb\rc')).toBe('a\\nb\\rc');
    expect(visibleControls('a\nb', true)).toBe('a\nb');
  });
});

describe('displayCommand shows control characters in ANSI-C quotes', () => {
  test.each([
    [
      ['build', '--target', 'x\n::stop-commands::PWNED'],
      "docker build --target $'x\\n::stop-commands::PWNED'",
    ],
    [['login', '-u', "o'k\r"], "docker login -u $'o\\'k\\r'"],
    [['run', 'a b'], "docker run 'a b'"],
  ])('[%#] %j', (args, shown) => {
    const text = displayCommand('docker', args);
    expect(text).toBe(shown);
    expect(text).not.toMatch(/[\n\r]/);
  });
});

describe('secrets are masked before anything is parsed or quoted', () => {
  test.each([
    ['http://user:s3cr3tPW@host:99999', ['s3cr3tPW']],
    ['ssh://deploy:s3cr3tPW@', ['s3cr3tPW']],
    ['tcp://u:s3cr3tPW@[::1', ['s3cr3tPW']],
    ['ci:s3cr3tPW@ghcr.io', ['s3cr3tPW']],
    ['http://u:p%40ss@host/x', ['p%40ss', 'p@ss']],
    ['http://u:p@ss@host/x', ['p@ss']],
    ['http://host:8080/a@b', []],
    ['job="web",env="prod"', []],
  ])('[%#] credentialsIn(%j) = %j', (text, found) => {
    expect(credentialsIn(text)).toEqual(found);
    for (const f of found) expect(redactCredentials(text)).not.toContain(f);
  });

  test('showValue never quotes a URL password, even in a value that fails to parse', () => {
    expect(showValue('http://user:s3"cr3t@host:99999')).toBe('"http://user:***@host:99999"');
    expect(showValue({ url: 'https://a:b1c2@h' })).toBe('{"url":"https://a:***@h"}');
  });

  test('an InputReader registers URL passwords as it reads, before any parse', () => {
    const secrets = new Secrets();
    const r = new InputReader(() => 'http://u:s3cr3tPW@host:99999', secrets);
    expect(() => r.url('prometheus-url')).toThrow(InputError);
    expect(secrets.list()).toContain('s3cr3tPW');
    r.addSecret('extra-secret');
    expect(secrets.mask('extra-secret')).toBe('***');
  });

  test('a secret is masked in its JSON-escaped and URL-encoded forms too', () => {
    const secrets = new Secrets();
    secrets.add('s3"cr\\et x');
    const quoted = showValue('PASSWORD s3"cr\\et x');
    expect(secrets.mask(quoted)).toBe('"PASSWORD ***"');
    expect(secrets.mask(`https://h/?p=${encodeURIComponent('s3"cr\\et x')}`)).toBe(
      'https://h/?p=***',
    );
  });

  test('an error can leave its value out, and YAML errors quote a line and column, never text', () => {
    expect(new InputError('checks', UNQUOTED, 'is a mapping, not a list').message).toBe(
      'input "checks": is a mapping, not a list',
    );
    let caught: unknown;
    try {
      parseYaml('checks', 'headers:\n  Authorization: Bearer s3cr3t\n - x', 'Give a list');
    } catch (e) {
      caught = e;
    }
    expect((caught as Error).message).toMatch(
      /^input "checks": is not valid YAML or JSON \(.*, at line 3, column 1\)/,
    );
    expect((caught as Error).message).not.toContain('s3cr3t');
  });
});

describe('workspaceFile keeps file inputs inside the workspace', () => {
  let root: string;
  let ws: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'sy-ws-'));
    ws = join(root, 'ws');
    mkdirSync(join(ws, 'sub'), { recursive: true });
    writeFileSync(join(root, 'outside.txt'), 'root:x:0:0');
    writeFileSync(join(ws, 'in.yml'), 'a: 1');
    symlinkSync(join(root, 'outside.txt'), join(ws, 'link.yml'));
    symlinkSync(root, join(ws, 'sub', 'up'));
    symlinkSync(join(ws, 'in.yml'), join(ws, 'inner-link.yml'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test.each([
    ['in.yml', true],
    ['./sub/../in.yml', true],
    ['inner-link.yml', true],
    ['missing/new.yml', true],
    ['../outside.txt', false],
    ['/etc/passwd', false],
    ['/proc/self/environ', false],
    ['link.yml', false],
    ['sub/up/outside.txt', false],
    ['sub/up/ws/../outside.txt', false],
  ])('[%#] %s inside: %s', (path, inside) => {
    if (inside) expect(workspaceFile('config', path, ws)).toBe(join(ws, path));
    else
      expect(() => workspaceFile('config', path, ws)).toThrow(
        `input "config": ${JSON.stringify(path)} is outside the workspace. Give a path inside the workspace`,
      );
  });

  test('an absolute path inside the workspace is fine', () => {
    expect(workspaceFile('file', join(ws, 'in.yml'), ws)).toBe(join(ws, 'in.yml'));
  });
});

describe('keys are ordinary names', () => {
  test('constructor, toString and __proto__ are keys like any other, and a repeat is still refused', () => {
    const kv = parseKeyValues('labels', 'constructor=a\ntoString=b\n__proto__=c\nhasOwnProperty=d');
    expect(Object.entries(kv)).toEqual([
      ['constructor', 'a'],
      ['toString', 'b'],
      ['__proto__', 'c'],
      ['hasOwnProperty', 'd'],
    ]);
    expect(() => parseKeyValues('labels', '__proto__=a\n__proto__=b')).toThrow(
      'repeats the key "__proto__"',
    );
  });
});
