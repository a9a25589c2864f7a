/**
 * readCheckout (metadata-source: git) on real git repositories in a temp folder: the branch, a tag
 * at a detached HEAD, a bare commit, and no repository at all.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionError, ProcessExec, Secrets } from '@switchyard/kit';
import { readCheckout } from '@switchyard/image';
import { RecordingLogger } from '../../../test/support/fakes.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const exec = new ProcessExec(new RecordingLogger(), new Secrets());

function repo(): { dir: string; git: (...args: string[]) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'checkout-'));
  dirs.push(dir);
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'a.txt'), 'a');
  git('add', '.');
  git('commit', '-q', '-m', 'one');
  return { dir, git };
}

test('a branch: its ref and HEAD', async () => {
  const { dir, git } = repo();
  git('checkout', '-q', '-b', 'hotfix-login');
  expect(await readCheckout(exec, dir)).toEqual({
    ref: 'refs/heads/hotfix-login',
    sha: git('rev-parse', 'HEAD'),
  });
});

test('a detached HEAD with tags: the highest semver tag', async () => {
  const { dir, git } = repo();
  git('tag', 'v1.9.0');
  git('tag', 'v1.10.0');
  git('tag', 'deployed');
  git('checkout', '-q', '--detach');
  expect(await readCheckout(exec, dir)).toEqual({
    ref: 'refs/tags/v1.10.0',
    sha: git('rev-parse', 'HEAD'),
  });
});

test('a detached commit without a tag: no ref, its sha', async () => {
  const { dir, git } = repo();
  git('checkout', '-q', '--detach');
  expect(await readCheckout(exec, dir)).toEqual({ ref: '', sha: git('rev-parse', 'HEAD') });
});

test('no repository: an error that says what to do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checkout-none-'));
  dirs.push(dir);
  const error = await readCheckout(exec, dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ActionError);
  expect((error as Error).message).toMatch(
    /^metadata-source: git: no checked-out commit in .*Check the repository out first \(actions\/checkout\), or use metadata-source: workflow$/,
  );
});
