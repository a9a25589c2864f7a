/**
 * `switchyard freeze`, `unfreeze`, `log` and the freeze line of `status`, over the in-memory target
 * of the conformance suite (one world, as a real target keeps it) and the fake GitHub on loopback.
 */
import { parseFreezeRecord } from '@switchyard/calendar';
import { systemClock } from '@switchyard/kit';
import type { ColorStatus, HistoryEntry } from '@switchyard/targets';
import { emptyWorld, MemoryTarget, type World } from '../../packages/targets/test/memory-target.js';
import { startGithubFake } from '../../test/support/github-fake/index.js';
import { workspace, type OwnRun } from './own-harness.js';

const CONFIG = 'app: shop\nstaging: {}\nproduction: {}\n';
/** A run on GitHub: the holder's actor is GITHUB_ACTOR. */
const RUN = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'octo-org/service',
  GITHUB_RUN_ID: '42',
  GITHUB_ACTOR: 'octo-lead',
};
const DIGEST = `sha256:${'ab'.repeat(32)}`;

const entry = (over: Partial<HistoryEntry>): HistoryEntry => ({
  at: '2026-12-01T10:00:00.000Z',
  action: 'deploy',
  color: 'blue',
  image: 'registry.test/shop:1.0.0',
  digest: DIGEST,
  version: '1.0.0',
  deployId: 'https://github.com/octo-org/service/actions/runs/1',
  actor: 'octo-dev',
  ...over,
});

/** Worlds by environment, each deployed once (blue live, running). */
function worlds(): Map<string, World> {
  const out = new Map<string, World>();
  for (const env of ['staging', 'production']) {
    const w = emptyWorld([]);
    const blue: ColorStatus = {
      color: 'blue',
      image: 'registry.test/shop:1.0.0',
      digest: DIGEST,
      version: '1.0.0',
      deployId: 'https://github.com/octo-org/service/actions/runs/1',
      actor: 'octo-dev',
      state: 'running',
      running: true,
      health: 'none',
    } as ColorStatus;
    Object.assign(w, {
      exists: true,
      live: 'blue',
      saved: { live: 'blue', preview: null },
      colors: { blue },
      record: {
        live: 'blue',
        previous: null,
        history: [
          entry({
            at: '2026-12-02T09:00:00.000Z',
            action: 'rollback',
            version: '1.0.0',
            reason: 'p95 doubled',
          }),
          entry({ at: '2026-12-01T12:00:00.000Z', version: '1.1.0', color: 'green' }),
          entry({}),
        ],
      },
    });
    out.set(env, w);
  }
  return out;
}

function setup() {
  const world = worlds();
  const w = workspace(CONFIG, {
    makeTarget: (c) => new MemoryTarget(world.get(c.environment)!, systemClock),
  });
  return { world, run: w.run };
}

const all = (r: OwnRun): string => `${r.stdout}${r.stderr}`;

describe('switchyard freeze / unfreeze', () => {
  test('freeze stores the switch on the target; a second freeze replaces it and says so', async () => {
    const { world, run } = setup();
    const r = await run(RUN, 'freeze', 'staging', '--reason', 'incident INC-123');
    expect(r.code).toBe(0);
    expect(all(r)).toMatch(/deploys to staging are frozen since .* by octo-lead: incident INC-123/);
    const stored = parseFreezeRecord(world.get('staging')!.record.freeze ?? '', 'test');
    expect(stored).toMatchObject({ by: 'octo-lead', reason: 'incident INC-123' });
    expect(stored.until).toBeUndefined();
    expect(world.get('production')!.record.freeze).toBeUndefined();
    // The history is kept.
    expect(world.get('staging')!.record.history).toHaveLength(3);

    const until = new Date(Date.now() + 3_600_000).toISOString();
    const again = await run(
      RUN,
      'freeze',
      'staging',
      '--reason',
      'holidays',
      '--until',
      until,
      '--json',
    );
    expect(again.code).toBe(0);
    const out = JSON.parse(again.stdout) as { outputs: { freeze: Record<string, unknown> } };
    expect(out.outputs.freeze).toMatchObject({ reason: 'holidays', until, replaced: true });
    expect(again.stderr).toMatch(/It replaces the freeze by octo-lead since .*: incident INC-123/);
    expect(parseFreezeRecord(world.get('staging')!.record.freeze ?? '', 't').reason).toBe(
      'holidays',
    );
  });

  test('status shows the standing freeze, only on that environment', async () => {
    const { run } = setup();
    await run(RUN, 'freeze', 'production', '--reason', 'incident INC-9');
    const r = await run(RUN, 'status');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/production: ❄ frozen since .* by octo-lead: incident INC-9/);
    expect(r.stdout).not.toMatch(/staging: ❄/);
    const j = await run(RUN, 'status', '--json');
    const envs = (
      JSON.parse(j.stdout) as {
        outputs: { environments: { environment: string; frozen?: string }[] };
      }
    ).outputs.environments;
    expect(
      envs.map((e) => [e.environment, e.frozen?.replace(/since .* by/, 'since … by')]),
    ).toEqual([
      ['staging', undefined],
      ['production', 'frozen since … by octo-lead: incident INC-9'],
    ]);
  });

  test('unfreeze lifts it; unfreeze of an environment not frozen says so, exit 0, writes nothing', async () => {
    const { world, run } = setup();
    await run(RUN, 'freeze', 'staging', '--reason', 'incident INC-123');
    const r = await run({ ...RUN, GITHUB_ACTOR: 'octo-dev' }, 'unfreeze', 'staging');
    expect(r.code).toBe(0);
    expect(all(r)).toMatch(
      /staging unfrozen by octo-dev \(frozen since .* by octo-lead: incident INC-123\)/,
    );
    expect(world.get('staging')!.record.freeze).toBeUndefined();
    const before = world.get('staging')!.record;
    const again = await run(RUN, 'unfreeze', 'staging');
    expect(again.code).toBe(0);
    expect(all(again)).toContain('staging was not frozen; nothing to do');
    expect(world.get('staging')!.record).toBe(before);
  });

  test('another run holding the deploy lock: freeze waits --lock-timeout, then names it', async () => {
    const { world, run } = setup();
    const far = Date.now() + 600_000;
    world.get('staging')!.lock = {
      id: 'l',
      holder: { deployId: 'https://github.com/o/r/actions/runs/7', actor: 'octo-dev', token: 't' },
      since: Date.now(),
      expiresAt: far,
    };
    const r = await run(RUN, 'freeze', 'staging', '--reason', 'x', '--lock-timeout', '0s');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/another deploy holds the lock: .*runs\/7 by octo-dev/);
    expect(world.get('staging')!.record.freeze).toBeUndefined();
  });

  test.each<[string, string[], RegExp]>([
    ['no reason', ['freeze', 'staging'], /--reason/],
    ['a blank reason', ['freeze', 'staging', '--reason', '  '], /--reason/],
    [
      'no environment',
      ['freeze', '--reason', 'x'],
      /input "environment": is not set\. Name it: switchyard freeze production/,
    ],
    [
      'an --until that is no ISO time',
      ['freeze', 'staging', '--reason', 'x', '--until', 'tomorrow'],
      /input "until": "tomorrow" is not an ISO time with its offset/,
    ],
    [
      'an --until without its offset',
      ['freeze', 'staging', '--reason', 'x', '--until', '2030-01-01T08:00:00'],
      /is not an ISO time with its offset/,
    ],
    [
      'an --until in the past',
      ['freeze', 'staging', '--reason', 'x', '--until', '2020-01-01T00:00:00Z'],
      /is not within the next 366 days/,
    ],
    ['an environment not in the file', ['freeze', 'qa', '--reason', 'x'], /qa/],
    [
      'a stray argument',
      ['unfreeze', 'staging', 'production'],
      /unexpected argument "production" for switchyard unfreeze/,
    ],
  ])('[%#] %s: exit 2, the target untouched', async (_name, argv, message) => {
    const { world, run } = setup();
    const r = await run(RUN, ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    for (const w of world.values()) expect(w.record.freeze).toBeUndefined();
  });
});

describe('switchyard log', () => {
  test('without a token: the target’s history newest first, and how to add GitHub’s record', async () => {
    const { run } = setup();
    const r = await run({}, 'log', 'staging');
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^\s*2026-12-0\d /.test(l));
    expect(rows.map((l) => l.trim().split(/\s{2,}/))).toEqual([
      ['2026-12-02 09:00:00Z', 'rollback', '1.0.0', 'abababababab', 'octo-dev', 'p95 doubled'],
      // An empty cell reads as a dash.
      ['2026-12-01 12:00:00Z', 'deploy', '1.1.0', 'abababababab', 'octo-dev', '–'],
      ['2026-12-01 10:00:00Z', 'deploy', '1.0.0', 'abababababab', 'octo-dev', '–'],
    ]);
    expect(r.stdout).toMatch(
      /GitHub's Deployments record is not shown. To list it beside this one: Pass --token or set GITHUB_TOKEN/,
    );
  });

  test('--limit keeps the newest; a token without a repository says how to name it', async () => {
    const { run } = setup();
    const r = await run({ GITHUB_TOKEN: 'ghs_x' }, 'log', 'staging', '--limit', '1', '--json');
    const out = JSON.parse(r.stdout) as { outputs: { history: HistoryEntry[] } };
    expect(out.outputs.history.map((h) => h.action)).toEqual(['rollback']);
    const t = await run({ GITHUB_TOKEN: 'ghs_x' }, 'log', 'staging');
    expect(t.stdout).toContain('Pass --repo owner/name or set GITHUB_REPOSITORY');
  });

  test('with a token: GitHub’s Deployments beside it (version, state, when, description, run)', async () => {
    const fake = await startGithubFake();
    try {
      const seed = (
        version: string,
        state: 'success' | 'failure',
        description: string,
        environment = 'staging',
      ): void => {
        const d = fake.state.createDeployment(
          {
            ref: 'main',
            environment,
            payload: { version },
            auto_merge: false,
            required_contexts: [],
          },
          'github-actions[bot]',
        );
        if (!('id' in d)) throw new Error('not created');
        fake.state.addStatus(
          d.id,
          {
            state,
            description,
            log_url: `https://github.com/octo-org/service/actions/runs/${version}`,
          },
          'github-actions[bot]',
        );
      };
      seed('1.0.0', 'success', '1.0.0 live on blue');
      seed('1.1.0', 'failure', 'rolled back to 1.0.0: p95 doubled');
      // Another environment's Deployment is not listed.
      seed('9.9.9', 'success', 'elsewhere', 'production');
      const { run } = setup();
      const env = {
        GITHUB_TOKEN: 'ghs_full',
        GITHUB_REPOSITORY: 'octo-org/service',
        GITHUB_API_URL: fake.url,
      };
      const r = await run(env, 'log', 'staging', '--json');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as {
        outputs: {
          deployments: { version: string; state: string; description: string; runUrl: string }[];
        };
      };
      expect(
        out.outputs.deployments.map((d) => [d.version, d.state, d.description, d.runUrl]),
      ).toEqual([
        [
          '1.1.0',
          'failure',
          'rolled back to 1.0.0: p95 doubled',
          'https://github.com/octo-org/service/actions/runs/1.1.0',
        ],
        [
          '1.0.0',
          'success',
          '1.0.0 live on blue',
          'https://github.com/octo-org/service/actions/runs/1.0.0',
        ],
      ]);
      expect(all(r)).not.toContain('ghs_full');
      const text = await run(env, 'log', 'staging');
      expect(text.stdout).toMatch(/GitHub's Deployments \(octo-org\/service\)/);
      expect(text.stdout).toMatch(
        /1\.1\.0\s+failure\s+\S+ \S+\s+rolled back to 1\.0\.0: p95 doubled/,
      );
      expect(fake.violations).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  test.each<[string[], RegExp]>([
    [['log', 'staging', '--limit', '0'], /input "limit"/],
    [['log', 'staging', '--limit', '101'], /input "limit"/],
    [['log'], /input "environment": is not set/],
  ])('[%#] %j: exit 2', async (argv, message) => {
    const r = await setup().run({}, ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
