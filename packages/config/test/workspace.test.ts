/** The config file and the env-file it names stay inside the workspace, followed through symlinks. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, InputError } from '@switchyard/kit';
import { loadConfigFile, loadEnvironment } from '@switchyard/config';
import { thrown } from '../../../test/support/thrown.js';
import { dockerOf } from '../../../test/support/docker-settings.js';

let root: string;
let ws: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sy-config-ws-'));
  ws = join(root, 'ws');
  mkdirSync(join(ws, 'config'), { recursive: true });
  writeFileSync(join(root, 'outside.yml'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(root, 'outside.env'), 'TOKEN=x\n');
  symlinkSync(join(root, 'outside.yml'), join(ws, 'linked.yml'));
  writeFileSync(join(ws, 'config/app.env'), 'A=1\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const errorOf = (fn: () => unknown): InputError => thrown(fn, InputError);

test.each(['/etc/passwd', '../outside.yml', 'linked.yml', '/proc/self/environ'])(
  'config %s is refused, naming the input, without reading it',
  (config) => {
    const e = errorOf(() => loadConfigFile(config, ws));
    expect(e.input).toBe('config');
    expect(e.message).toMatch(/^input "config": .* is outside the workspace\. Give a path inside/);
    expect(e.message).not.toContain('root:x');
  },
);

test('an env-file inside the workspace is read; one outside it is refused under its key', () => {
  const file = (envFile: string): void =>
    writeFileSync(join(ws, 'switchyard.yml'), `app: shop\nstaging:\n  env-file: ${envFile}\n`);
  file('config/app.env');
  const src = { configInput: '', environment: 'staging', workspace: ws };
  expect(dockerOf(loadEnvironment(src)).envFile).toBe(join(ws, 'config/app.env'));
  file('../outside.env');
  const e = errorOf(() => loadEnvironment(src));
  expect(e).toBeInstanceOf(ConfigError);
  expect(e.message).toBe(
    'switchyard.yml: staging.env-file: is outside the workspace. Give a path inside the workspace ($GITHUB_WORKSPACE, the checkout); a symlink must point inside it too',
  );
});

test.each([
  ['under docker:', 'staging:\n  docker: { env-file: ../outside.env }', 'staging.docker.env-file'],
  [
    'from defaults:',
    'defaults:\n  docker: { env-file: ../outside.env }\nstaging:',
    'defaults.docker.env-file',
  ],
])('an env-file outside the workspace %s is refused at the key that set it', (_, body, key) => {
  writeFileSync(join(ws, 'switchyard.yml'), `app: shop\n${body}\n`);
  const e = errorOf(() =>
    loadEnvironment({ configInput: '', environment: 'staging', workspace: ws }),
  );
  expect(e).toBeInstanceOf(ConfigError);
  expect(e.message).toMatch(
    new RegExp(`^switchyard\\.yml: ${key.replaceAll('.', '\\.')}: is outside the workspace`),
  );
});
