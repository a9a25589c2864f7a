/**
 * `switchyard freeze` / `unfreeze` / `log` against the testbed's Docker engine and HAProxy, the CLI run
 * from source in this process (cli/src/cli.ts with the actions' own steps, as index.ts wires them):
 * a freeze stored on the target refuses a deploy, naming it; `status` shows it; after `unfreeze` the
 * deploy goes through; `log` lists the target's history.
 */
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '../../cli/src/cli.js';
import { packageRoot } from '../../cli/src/definitions.js';
import { STEPS } from '../../cli/src/steps.js';
import { pushAppVersion, type PushedApp } from '../support/app-versions.js';
import { deployFixture, get, type DeployFixture } from '../support/deploy.js';

const ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in the fixture's workspace with a clean environment (no GitHub variables). */
async function switchyard(f: DeployFixture, ...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(argv, {
    root: ROOT,
    cwd: f.workspace,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(process.env.DOCKER_HOST && { DOCKER_HOST: process.env.DOCKER_HOST }),
    },
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    tty: { stdout: false, stderr: false },
    columns: 200,
    version: '0.0.0-test',
    steps: STEPS,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function ok(r: Run): Run {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r;
}

const ME = userInfo().username;

let v1: PushedApp;
let v2: PushedApp;
let f: DeployFixture;

beforeAll(async () => {
  [v1, v2] = (await Promise.all(
    ['1.0.0', '2.0.0'].map((v) => pushAppVersion(v, { repository: 'switchyard-e2e/cli-freeze' })),
  )) as [PushedApp, PushedApp];
  f = await deployFixture();
  // The first release, through the bundled action as a workflow deploys it.
  const first = await f.run({ image: v1.pinned });
  if (first.exitCode !== 0) throw new Error(`the first deploy failed:\n${first.log}`);
}, 180_000);

afterAll(async () => {
  await f.remove();
});

describe('switchyard freeze on the testbed', () => {
  test('freeze: stored on the target, shown by status', async () => {
    const r = ok(await switchyard(f, 'freeze', 'staging', '--reason', 'incident INC-7'));
    expect(r.stderr).toMatch(
      new RegExp(`deploys to staging are frozen since .* by ${ME}: incident INC-7`),
    );
    const status = ok(await switchyard(f, 'status'));
    expect(status.stdout).toMatch(
      new RegExp(`staging: ❄ frozen since .* by ${ME}: incident INC-7`),
    );
    const again = ok(await switchyard(f, 'freeze', 'staging', '--reason', 'incident INC-8'));
    expect(again.stderr).toMatch(new RegExp(`It replaces the freeze by ${ME} .*: incident INC-7`));
  });

  // The CLI runs the step from source: deploy-bluegreen's freeze check (DeploySettings.admit refusing a standing freeze).
  test('a deploy while frozen is refused, naming the freeze; traffic stays on v1', async () => {
    const r = await switchyard(f, 'deploy', 'staging', '--image', v2.pinned);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/deploys to staging are frozen since .*: incident INC-8/);
    expect((await get(f.url)).json).toMatchObject({ version: '1.0.0' });
  });

  test('unfreeze, then the deploy goes through', async () => {
    const r = ok(await switchyard(f, 'unfreeze', 'staging'));
    expect(r.stderr).toMatch(
      new RegExp(`staging unfrozen by ${ME} \\(frozen since .*: incident INC-8\\)`),
    );
    const status = ok(await switchyard(f, 'status'));
    expect(status.stdout).not.toContain('❄');
    const again = ok(await switchyard(f, 'unfreeze', 'staging'));
    expect(again.stderr).toContain('staging was not frozen; nothing to do');
    ok(await switchyard(f, 'deploy', 'staging', '--image', v2.pinned));
    expect((await get(f.url)).json).toMatchObject({ version: '2.0.0' });
  }, 120_000);

  test('log: the target’s history newest first, and how to add GitHub’s record', async () => {
    const r = ok(await switchyard(f, 'log', 'staging'));
    const rows = r.stdout
      .split('\n')
      .map((l) =>
        /^\s*\d{4}-\d\d-\d\d \S+\s+(deploy|promote|rollback)\s+(\S+)\s+([0-9a-f]{12})/.exec(l),
      )
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]} ${m[2]}`);
    expect(rows).toEqual(['deploy 2.0.0', 'deploy 1.0.0']);
    expect(r.stdout).toContain(
      "GitHub's Deployments record is not shown. To list it beside this one: Pass --token",
    );
    const j = JSON.parse(
      ok(await switchyard(f, 'log', 'staging', '--json', '--limit', '1')).stdout,
    ) as {
      outputs: { history: { version: string; digest: string }[] };
    };
    expect(j.outputs.history).toEqual([
      expect.objectContaining({ version: '2.0.0', digest: v2.digest }),
    ]);
  });

  // The bundled action (dist/deploy-bluegreen), as a workflow runs it: needs a build with the freeze check.
  test('a deploy through the bundled action while frozen fails, naming the freeze', async () => {
    ok(await switchyard(f, 'freeze', 'staging', '--reason', 'incident INC-9'));
    const r = await f.run({ image: v1.pinned });
    expect(r.exitCode).not.toBe(0);
    expect(r.log).toMatch(/deploys to staging are frozen since .*: incident INC-9/);
    expect((await get(f.url)).json).toMatchObject({ version: '2.0.0' });
    ok(await switchyard(f, 'unfreeze', 'staging'));
  }, 120_000);
});
