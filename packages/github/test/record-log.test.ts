/** Reading an environment's record back for `switchyard log`, from the loopback GitHub fake. */
import { RecordingLogger } from '../../../test/support/fakes.js';
import { startGithubFake, type GithubFake } from '../../../test/support/github-fake/index.js';
import { createGithubClient, type GithubClient } from '../src/client.js';
import { listDeployments, parsePayload, readDeploymentLog } from '../src/record-log.js';

const REPO = { owner: 'octo-org', repo: 'service' };
const BOT = 'github-actions[bot]';

let fake: GithubFake;
let octokit: GithubClient;
beforeEach(async () => {
  fake = await startGithubFake();
  octokit = createGithubClient({
    token: 'ghs_full',
    env: { GITHUB_API_URL: fake.url },
    log: new RecordingLogger(),
    setSecret: () => undefined,
  });
});
afterEach(() => fake.close());

/** Seeds a Deployment straight into the fake's state (as earlier runs would have left it). */
function seed(
  environment: string,
  payload: Record<string, unknown> | string,
  statuses: {
    state: 'success' | 'failure' | 'inactive' | 'in_progress';
    description?: string;
    log_url?: string;
  }[],
): number {
  const d = fake.state.createDeployment(
    { ref: 'main', environment, payload, auto_merge: false, required_contexts: [] },
    BOT,
  );
  if (!('id' in d)) throw new Error('the fake merged instead of deploying');
  for (const s of statuses) fake.state.addStatus(d.id, { ...s, auto_inactive: false }, BOT);
  return d.id;
}

const RUN = 'https://github.com/octo-org/service/actions/runs/';

describe('readDeploymentLog', () => {
  test('rows newest first: version, digest, newest state, when, by, description, run', async () => {
    const first = seed(
      'production',
      { version: '1.1.0', digest: 'sha256:aa', actor: 'octo-dev', deployId: `${RUN}1` },
      [
        { state: 'in_progress', log_url: `${RUN}1` },
        { state: 'success', description: '1.1.0 live on blue', log_url: `${RUN}1` },
        { state: 'inactive', description: 'replaced', log_url: `${RUN}2` },
      ],
    );
    const second = seed(
      'production',
      { version: '1.2.0', digest: 'sha256:bb', actor: 'octo-lead' },
      [
        {
          state: 'failure',
          description: 'rolled back to 1.1.0: verdict failed',
          log_url: `${RUN}2`,
        },
      ],
    );
    seed('staging', { version: '9.9.9' }, [{ state: 'success' }]);
    const untouched = seed('production', {}, []);

    const rows = await readDeploymentLog(octokit, REPO, 'production');
    expect(
      rows.map((r) => [
        r.deploymentId,
        r.version,
        r.digest,
        r.state,
        r.by,
        r.description,
        r.runUrl,
      ]),
    ).toEqual([
      [untouched, '', '', 'none', BOT, '', ''],
      [
        second,
        '1.2.0',
        'sha256:bb',
        'failure',
        'octo-lead',
        'rolled back to 1.1.0: verdict failed',
        `${RUN}2`,
      ],
      [first, '1.1.0', 'sha256:aa', 'inactive', 'octo-dev', 'replaced', `${RUN}2`],
    ]);
    const stored = fake.deploymentsOf('production');
    expect(rows[0]?.when).toBe(stored.find((d) => d.id === untouched)?.createdAt);
    expect(rows[2]?.when).toBe(stored.find((d) => d.id === first)?.statuses.at(-1)?.createdAt);
    expect(fake.violations).toEqual([]);
  });

  test('paginates, bounded by the limit', async () => {
    const ids = Array.from({ length: 35 }, (_, i) =>
      seed('production', { version: `1.0.${i}` }, [{ state: 'inactive' }]),
    );
    const all = await readDeploymentLog(octokit, REPO, 'production', 100);
    expect(all.map((r) => r.deploymentId)).toEqual([...ids].reverse());
    const pages = fake.requests
      .filter((r) => r.path.endsWith('/deployments'))
      .map((r) => r.query.page);
    expect(pages).toEqual(['1', '2']);

    const before = fake.requests.length;
    const few = await readDeploymentLog(octokit, REPO, 'production', 5);
    expect(few.map((r) => r.version)).toEqual(['1.0.34', '1.0.33', '1.0.32', '1.0.31', '1.0.30']);
    // One page of deployments and one status read per row.
    expect(fake.requests.length - before).toBe(1 + 5);
  });

  test('listDeployments filters by sha', async () => {
    seed('production', { version: '1' }, []);
    const [only] = await listDeployments(octokit, REPO, 'production', {
      sha: fake.commits.at(-1) ?? '',
    });
    expect(only?.payload.version).toBe('1');
    expect(await listDeployments(octokit, REPO, 'production', { sha: '0'.repeat(40) })).toEqual([]);
  });
});

describe('parsePayload (untrusted)', () => {
  test.each<[unknown, Partial<ReturnType<typeof parsePayload>>]>([
    [
      { version: '1.2.0', digest: 'sha256:ab', color: 'green' },
      { version: '1.2.0', digest: 'sha256:ab', color: 'green', target: '' },
    ],
    ['{"version":"2.0.0","deployId":"x"}', { version: '2.0.0', deployId: 'x' }],
    ['not json', { version: '', deployId: '' }],
    [
      { version: 3, digest: ['x'], deployId: { a: 1 } },
      { version: '', digest: '', deployId: '' },
    ],
    [null, { version: '' }],
    [['1.0.0'], { version: '' }],
    [{ version: 'v'.repeat(1000) }, { version: `${'v'.repeat(199)}…` }],
  ])('[%#] %j', (raw, expected) => expect(parsePayload(raw)).toMatchObject(expected));
});
