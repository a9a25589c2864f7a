import {
  ActionError,
  optional,
  ExecError,
  ProcessExec,
  Secrets,
  Summary,
  cell,
  displayCommand,
  errorMessage,
  runAction,
  systemClock,
  type ActionIO,
} from '@switchyard/kit';
import { RecordingLogger } from '../../../test/support/fakes.js';

describe('errorMessage', () => {
  test.each([
    [new ActionError('deploy timed out'), 'deploy timed out'],
    ['plain string', 'plain string'],
    [{ code: 42 }, 'non-error thrown: {"code":42}'],
    [undefined, 'non-error thrown: undefined'],
  ])('[%#] %o', (thrown, text) => expect(errorMessage(thrown)).toBe(text));
});

describe('runAction', () => {
  const fakeIO = (): ActionIO & { failed: string[] } => {
    const log = new RecordingLogger();
    const failed: string[] = [];
    return Object.assign(log, {
      failed,
      getInput: () => '',
      setOutput: () => undefined,
      setSecret: () => undefined,
      group: <T>(_t: string, fn: () => Promise<T>) => fn(),
      appendSummary: async () => undefined,
      saveState: () => undefined,
      getState: () => '',
      setFailed: (m: string) => failed.push(m),
    });
  };

  test('fails the step on a non-Error throw too', async () => {
    const io = fakeIO();
    // A non-Error rejection, as some libraries produce.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    await runAction('smoke-test', io, () => Promise.reject('boom'));
    expect(io.failed).toEqual(['smoke-test: boom']);
  });

  test('leaves the step green when the body succeeds', async () => {
    const io = fakeIO();
    await runAction('smoke-test', io, async () => undefined);
    expect(io.failed).toEqual([]);
  });
});

describe('Secrets', () => {
  test('masks every registered value and each line of multi-line ones, longest first', () => {
    const added: string[] = [];
    const s = new Secrets((v) => added.push(v));
    s.add('tok');
    s.add('token-123');
    s.add('line-one\nline-two');
    s.add('ab');
    s.add(undefined);
    expect(s.mask('Bearer token-123 and tok and line-two')).toBe('Bearer *** and *** and ***');
    // The JSON-escaped and URL-encoded forms too, as the runner's own masker registers them.
    expect(added).toEqual([
      'tok',
      'token-123',
      'line-one\nline-two',
      'line-one\\nline-two',
      'line-one%0Aline-two',
      'line-one',
      'line-two',
    ]);
  });
});

describe('Summary', () => {
  test('renders headings, escaped tables, lists, code and details', () => {
    const md = new Summary()
      .heading('Smoke test')
      .table(
        ['a', 'b'],
        [
          ['x|y', null],
          [1, '<b>\nz'],
        ],
      )
      .list(['one'])
      .code('x')
      .details('more <info>', 'body')
      .toString();
    expect(md).toBe(
      '## Smoke test\n\n| a | b |\n| --- | --- |\n| x\\|y | – |\n| 1 | &lt;b&gt;<br>z |\n\n- one\n\n```\nx\n```\n\n<details><summary>more &lt;info&gt;</summary>\n\nbody\n\n</details>\n',
    );
    expect(cell('')).toBe('–');
  });
});

describe('ProcessExec (real processes)', () => {
  const node = process.execPath;

  test('passes arguments verbatim, never through a shell', async () => {
    const exec = new ProcessExec(new RecordingLogger(), new Secrets());
    const tricky = '$(touch /tmp/pwned); `id` && echo "x" | cat';
    const r = await exec.run(node, ['-e', 'process.stdout.write(process.argv[1])', tricky]);
    expect(r).toEqual({ exitCode: 0, stdout: tricky, stderr: '' });
  });

  test('feeds stdin, masks secrets in the logged command and in errors', async () => {
    const log = new RecordingLogger();
    const secrets = new Secrets();
    secrets.add('hunter22');
    const exec = new ProcessExec(log, secrets);
    const r = await exec.run(
      node,
      ['-e', 'process.stdin.pipe(process.stdout)', '--', '--password=hunter22'],
      { input: 'from-stdin' },
    );
    expect(r.stdout).toBe('from-stdin');
    expect(log.text()).toContain('--password=***');
    expect(log.text()).not.toContain('hunter22');
    const failing = exec.run(node, ['-e', 'console.error("bad hunter22"); process.exit(3)']);
    await expect(failing).rejects.toBeInstanceOf(ExecError);
    await expect(failing).rejects.toThrow(/exited with 3: bad \*\*\*$/);
  });

  test('returns a failure with allowFailure, times out, and reports a missing program', async () => {
    const exec = new ProcessExec(new RecordingLogger(), new Secrets());
    expect((await exec.run(node, ['-e', 'process.exit(2)'], { allowFailure: true })).exitCode).toBe(
      2,
    );
    await expect(
      exec.run(node, ['-e', 'setTimeout(()=>{}, 10000)'], { timeoutMs: 200 }),
    ).rejects.toThrow('timed out after 200ms');
    await expect(exec.run('/nonexistent/program', [])).rejects.toThrow('could not start');
  });

  test('streams output lines as they come, masked, including a last line without a newline', async () => {
    const secrets = new Secrets();
    secrets.add('hunter22');
    const exec = new ProcessExec(new RecordingLogger(), secrets);
    const lines: string[] = [];
    const r = await exec.run(
      node,
      [
        '-e',
        'process.stdout.write("one\\ntw"); setTimeout(() => { process.stdout.write("o hunter22\\r\\n"); process.stderr.write("err line\\nlast"); }, 50)',
      ],
      { onLine: (l) => lines.push(l) },
    );
    expect(lines.sort()).toEqual(['err line', 'last', 'one', 'two ***']);
    expect(r.stdout).toBe('one\ntwo hunter22\r\n');
  });

  test('displayCommand quotes only what needs quoting', () => {
    expect(displayCommand('docker', ['run', '--name', 'a b', "it's"])).toBe(
      `docker run --name 'a b' 'it'\\''s'`,
    );
  });
});

describe('optional', () => {
  test('spreads a defined value and leaves an undefined one out', () => {
    expect({ a: 1, ...optional('b', 0), ...optional('c', undefined) }).toEqual({ a: 1, b: 0 });
    expect('c' in { ...optional('c', undefined) }).toBe(false);
  });
});

describe('systemClock.sleep with an abort signal', () => {
  test('an abort ends a long sleep at once (a stopped loop keeps no process alive)', async () => {
    const halt = new AbortController();
    const slept = systemClock.sleep(3_600_000, halt.signal).then(() => 'woke');
    halt.abort();
    await expect(slept).resolves.toBe('woke');
  });

  test('a signal aborted already: resolves without waiting', async () => {
    const halt = new AbortController();
    halt.abort();
    await expect(systemClock.sleep(3_600_000, halt.signal)).resolves.toBeUndefined();
  });
});
