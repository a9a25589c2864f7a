/**
 * ProcessExec with real processes: what it guarantees beyond the basics in misc.test.ts, and the
 * reasons it is not `@actions/exec` (ADR 0020): stdin always closed, input safe when a program
 * does not read it, timeouts, process groups, and the signal that ended a program.
 */
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecError, ProcessExec, Secrets, poll, systemClock } from '@switchyard/kit';
import { RecordingLogger } from '../../../test/support/fakes.js';

const node = process.execPath;
const execWith = (secrets = new Secrets()): { exec: ProcessExec; log: RecordingLogger } => {
  const log = new RecordingLogger();
  return { exec: new ProcessExec(log, secrets), log };
};

/** Whether a process is gone (or a zombie waiting to be reaped: it runs no more). */
function gone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
  } catch {
    return true;
  }
}

describe('ProcessExec: stdin', () => {
  test('without input, stdin is closed: a program that reads it ends instead of waiting', async () => {
    const { exec } = execWith();
    const r = await exec.run(node, [
      '-e',
      'let n = 0; process.stdin.on("data", (b) => (n += b.length)).on("end", () => console.log("eof", n))',
    ]);
    expect(r.stdout).toBe('eof 0\n');
  });

  test('an input the program never reads does not break this process (EPIPE is not thrown)', async () => {
    const { exec } = execWith();
    const input = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 3; i++) {
      const r = await exec.run(node, ['-e', 'process.exit(0)'], { input });
      expect(r.exitCode).toBe(0);
    }
  });

  test('a large input with multi-byte characters arrives whole', async () => {
    const { exec } = execWith();
    const input = `${'ä€𝄞'.repeat(300_000)}\nend`;
    const r = await exec.run(node, ['-e', 'process.stdin.pipe(process.stdout)'], { input });
    expect(r.stdout).toBe(input);
  });
});

describe('ProcessExec: environment, directory and logging', () => {
  test('env is merged over this process’s environment; cwd is honoured', async () => {
    const { exec } = execWith();
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'switchyard-exec-')));
    try {
      const r = await exec.run(
        node,
        ['-e', 'console.log(process.env.EXTRA, !!process.env.PATH, process.cwd())'],
        { env: { EXTRA: 'yes' }, cwd: dir },
      );
      expect(r.stdout).toBe(`yes true ${dir}\n`);
      expect(process.env.EXTRA).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the command line is logged masked and quoted, never with a line break; quiet logs nothing', async () => {
    const secrets = new Secrets();
    secrets.add('hunter22');
    const { exec, log } = execWith(secrets);
    await exec.run(node, ['-e', '0', '--', 'pw=hunter22', 'a\n::stop-commands::x']);
    await exec.run(node, ['-e', '0', '--', 'quiet one'], { quiet: true });
    expect(log.text()).toContain(`-e 0 -- pw=*** $'a\\n::stop-commands::x'`);
    expect(log.text()).not.toContain('hunter22');
    expect(log.text()).not.toContain('quiet one');
  });

  test('output lines are cut per stream, a character split across chunks stays whole', async () => {
    const { exec } = execWith();
    const lines: string[] = [];
    const r = await exec.run(
      node,
      [
        '-e',
        // '€' is e2 82 ac: its first byte goes alone, the rest 50 ms later.
        'process.stdout.write(Buffer.from([0x61, 0xe2])); setTimeout(() => process.stdout.write(Buffer.from([0x82, 0xac, 0x0a, 0x62])), 50)',
      ],
      { onLine: (l) => lines.push(l) },
    );
    expect(lines).toEqual(['a€', 'b']);
    expect(r.stdout).toBe('a€\nb');
  });
});

describe('ProcessExec: failures', () => {
  test('a non-zero exit: ExecError with the result; the message ends with the last 5 stderr lines, masked', async () => {
    const secrets = new Secrets();
    secrets.add('hunter22');
    const { exec } = execWith(secrets);
    const script =
      'console.log("out"); for (let i = 1; i <= 7; i++) console.error("e" + i); console.error("pw hunter22"); process.exit(4)';
    const error = await exec.run(node, ['-e', script]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExecError);
    const { message, result } = error as ExecError;
    expect(message).toMatch(/exited with 4: e4\ne5\ne6\ne7\npw \*\*\*$/);
    expect(result).toEqual({
      exitCode: 4,
      stdout: 'out\n',
      stderr: 'e1\ne2\ne3\ne4\ne5\ne6\ne7\npw hunter22\n',
    });
  });

  test('a program ended by a signal is named so; allowFailure returns it as exit code -1', async () => {
    const { exec } = execWith();
    const args = ['-e', 'process.kill(process.pid, "SIGTERM"); setTimeout(() => {}, 10000)'];
    await expect(exec.run(node, args)).rejects.toThrow(/killed by SIGTERM$/);
    expect((await exec.run(node, args, { allowFailure: true })).exitCode).toBe(-1);
  });

  test('a timeout fails even with allowFailure', async () => {
    const { exec } = execWith();
    await expect(
      exec.run(node, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 200, allowFailure: true }),
    ).rejects.toThrow('timed out after 200ms');
  });

  test.each([
    ['a missing program', '/nonexistent/program', {}],
    ['a missing directory', node, { cwd: '/nonexistent/dir' }],
  ])('[%#] %s: could not start, exit code -1', async (_what, command, options) => {
    const { exec } = execWith();
    const error = await exec.run(command, ['-e', '0'], options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExecError);
    expect((error as ExecError).message).toMatch(/could not start \(.*ENOENT\)$/);
    expect((error as ExecError).result.exitCode).toBe(-1);
  });

  test('with processGroup, a timeout kills the program’s children too', async () => {
    const { exec } = execWith();
    const lines: string[] = [];
    // A shell that starts a long sleep in the background and waits for it.
    const run = exec.run('sh', ['-c', 'sleep 60 & echo $!; wait'], {
      processGroup: true,
      timeoutMs: 500,
      onLine: (l) => lines.push(l),
    });
    await expect(run).rejects.toThrow('timed out after 500ms');
    const pid = Number(lines[0]);
    expect(pid).toBeGreaterThan(0);
    // SIGKILL reaches the group at once; its end is seen within a few polls.
    const { result } = await poll(
      () => Promise.resolve(gone(pid)),
      { attempts: 100, initialDelayMs: 10, maxDelayMs: 50, done: (g) => g },
      systemClock,
    );
    expect(result).toBe(true);
  });
});
