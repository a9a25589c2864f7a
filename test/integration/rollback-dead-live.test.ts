/**
 * Issue 20 item 7 on the testbed's Docker engine and HAProxy: the live color's container removed
 * (`docker rm -f`) is a reason to roll back, not "nothing is live". `status` fails and says what is
 * missing; rollback switches to the warm previous color and traffic is served again.
 *
 * The commands run in process through the CLI's own entry (`cli()` over the actions' steps, from
 * source), so this suite checks the code as it is, not the last bundle in dist/.
 */
import type { CliRun } from '../support/cli.js';
import { cliOk, switchyard } from '../support/cli-source.js';
import { pushAppVersion, type PushedApp } from '../support/app-versions.js';
import { containers, deployFixture, get, type DeployFixture } from '../support/deploy.js';
import { docker } from '../support/testbed.js';

let v1: PushedApp;
let v2: PushedApp;
let f: DeployFixture | undefined;

beforeAll(async () => {
  [v1, v2] = (await Promise.all(
    ['1.0.0', '2.0.0'].map((v) => pushAppVersion(v, { repository: 'switchyard-e2e/deadlive-it' })),
  )) as [PushedApp, PushedApp];
}, 120_000);

afterAll(async () => {
  await f?.remove();
});

const ok = cliOk;

interface Json {
  ok: boolean;
  exitCode: number;
  error?: string;
  outputs: Record<string, unknown>;
}
const json = (r: CliRun): Json => JSON.parse(r.stdout) as Json;

test('the live container removed: status fails saying so; rollback switches to the warm v1 and serves it', async () => {
  f = await deployFixture({ 'keep-previous': '30m' });
  ok(await switchyard(f.workspace, ['deploy', 'staging', '--image', v1.pinned]));
  ok(await switchyard(f.workspace, ['deploy', 'staging', '--image', v2.pinned]));
  expect((await get(f.url)).json).toMatchObject({ version: '2.0.0', color: 'green' });

  await docker('rm', '-f', `${f.app}-staging-green`);
  expect(await containers(f.app)).not.toHaveProperty(`${f.app}-staging-green`);
  expect((await get(f.url)).status).not.toBe(200);

  // status: non-zero, and it names what is missing.
  const status = await switchyard(f.workspace, ['status', 'staging', '--json']);
  expect(status.code).not.toBe(0);
  const s = json(status);
  expect(s.ok).toBe(false);
  expect(s.error).toContain('staging: the live color green (2.0.0');
  expect(s.error).toContain('has no container (removed): live traffic reaches nothing');
  expect(s.outputs.environments).toMatchObject([
    { environment: 'staging', live: 'green', version: '2.0.0', health: 'no container' },
  ]);
  const human = await switchyard(f.workspace, ['status', 'staging', '--no-color']);
  expect(human.code).not.toBe(0);
  expect(human.stdout).toMatch(/green \(no container\)/);
  expect(human.stdout).toContain('live traffic reaches nothing');

  // rollback: to the warm v1 on blue, by a switch; the output says what it did.
  const r = await switchyard(f.workspace, ['rollback', 'staging', '--json']);
  const out = json(ok(r));
  expect(out.outputs).toMatchObject({
    'rolled-back': 'true',
    method: 'switch',
    'from-version': '2.0.0',
    'to-version': '1.0.0',
    color: 'blue',
  });
  expect(r.stderr).toContain('has no container (removed): live traffic reaches nothing');
  const served = await get(f.url);
  expect(served.status).toBe(200);
  expect(served.json).toMatchObject({ version: '1.0.0', color: 'blue' });

  // And status is green again (exit 0), the rollback recorded away from 2.0.0.
  const after = json(ok(await switchyard(f.workspace, ['status', 'staging', '--json'])));
  expect(after.outputs.environments).toMatchObject([
    {
      live: 'blue',
      version: '1.0.0',
      history: [
        { action: 'rollback', version: '1.0.0' },
        { version: '2.0.0' },
        { version: '1.0.0' },
      ],
    },
  ]);
});
