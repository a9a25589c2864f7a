/** The runner-protocol harness itself, on a hand-written fixture action. */
import { join } from 'node:path';
import { inputVar, parseFileCommand, ROOT, runAction } from '../support/runner.js';

const fixture = join(ROOT, 'test/fixtures/harness-action');

test('runs main then post under Node 24 with inputs, defaults, file commands, state and env', async () => {
  const run = await runAction(fixture, { inputs: { who: 'octo cat' } });
  expect(run.exitCode).toBe(0);
  expect(run.log).toMatch(/^node v24\.\d+\.\d+; who=octo cat; extra=\(unset\)$/m);
  expect(run.outputs).toEqual({
    greeting: 'hello, octo cat\nline 2',
    node: expect.stringMatching(/^v24\./) as unknown,
  });
  expect(run.state).toEqual({ started: '0123456789abcdef0123456789abcdef01234567' });
  expect(run.env).toEqual({ FROM_MAIN: 'yes' });
  expect(run.summary).toBe('## fixture\n');
  expect(run.masked).toEqual(['fixture-secret-value']);
  expect(run.annotations).toEqual([
    { level: 'warning', props: 'title=careful', message: 'a warning\nwith two lines' },
  ]);
  expect(run.post?.log.trim()).toBe(
    'post: state=0123456789abcdef0123456789abcdef01234567; env=yes; temp=set',
  );
});

test('applies action.yml defaults and reports the exit code', async () => {
  const run = await runAction(fixture, { inputs: { who: 'fail', 'extra-value': 'x' } });
  expect(run.exitCode).toBe(1);
  expect(run.log).toContain('who=fail; extra=x');
  const defaults = await runAction(fixture);
  expect(defaults.outputs.greeting).toBe('hello, world\nline 2');
});

test('fails when a masked value reaches the log', async () => {
  await expect(runAction(fixture, { inputs: { leak: 'true' } })).rejects.toThrow(
    /secret #0 \(raw\) in log: /,
  );
});

test('input variable names and file-command parsing follow the runner', () => {
  expect(inputVar('expect-version')).toBe('INPUT_EXPECT-VERSION');
  expect(inputVar('my input')).toBe('INPUT_MY_INPUT');
  expect(parseFileCommand('a=1\nb<<X\nline\n\nX\nc=x=y\n')).toEqual({
    a: '1',
    b: 'line\n',
    c: 'x=y',
  });
  expect(() => parseFileCommand('b<<X\nno end')).toThrow('unterminated');
});
