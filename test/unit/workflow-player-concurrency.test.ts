// Concurrency groups shared by plays: one running and one pending per group, a newer pending request
// replaces the older one, cancel-in-progress cancels the running one; other groups run side by side.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  cancelMessage,
  ConcurrencyGroups,
  play,
  type PlayResult,
} from '../support/workflow-player/index.js';
import { ROOT } from '../support/runner.js';

const REPO = join(ROOT, 'test/fixtures/workflows/repo');

function deploy(
  groups: ConcurrencyGroups,
  environment: string,
  label: string,
  seconds: number,
  cancel = false,
): Promise<PlayResult> {
  return play({
    repo: REPO,
    workflow: '.github/workflows/queue.yml',
    event: {
      name: 'workflow_dispatch',
      inputs: { environment, label, seconds: String(seconds), cancel },
    },
    concurrency: groups,
  });
}

/** Waits until `groups` shows `n` holders (running + pending) in `group`. */
async function holders(groups: ConcurrencyGroups, group: string, n: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const s = groups.snapshot(group);
    if (Number(s.running !== undefined) + Number(s.pending !== undefined) >= n) return;
    await sleep(10);
  }
  throw new Error(
    `group ${group} never had ${n} holders: ${JSON.stringify(groups.snapshot(group))}`,
  );
}

test('two runs in one group queue: the second starts when the first has finished', async () => {
  const groups = new ConcurrencyGroups();
  const first = deploy(groups, 'staging', 'A', 1);
  await holders(groups, 'deploy-staging', 1);
  const second = deploy(groups, 'staging', 'B', 0);
  const [a, b] = await Promise.all([first, second]);
  expect([a.job('deploy').outputs, b.job('deploy').outputs]).toEqual([
    { label: 'A' },
    { label: 'B' },
  ]);
  expect(b.job('deploy').startedAt).toBeGreaterThanOrEqual(a.job('deploy').finishedAt);
  expect(groups.events.map((e) => e.event)).toEqual([
    'started',
    'queued',
    'released',
    'started',
    'released',
  ]);
}, 20_000);

test('a newer pending run replaces the older pending one, which is cancelled', async () => {
  const groups = new ConcurrencyGroups();
  const a = deploy(groups, 'staging', 'A', 2);
  await holders(groups, 'deploy-staging', 1);
  const b = deploy(groups, 'staging', 'B', 0);
  await holders(groups, 'deploy-staging', 2);
  const c = deploy(groups, 'staging', 'C', 0);
  const [ra, rb, rc] = await Promise.all([a, b, c]);
  expect([ra.conclusion, rb.conclusion, rc.conclusion]).toEqual([
    'success',
    'cancelled',
    'success',
  ]);
  expect(rb.job('deploy')).toMatchObject({
    result: 'cancelled',
    errors: ["Canceling since a higher priority waiting request for 'deploy-staging' exists"],
    steps: [],
  });
  expect(rc.job('deploy').startedAt).toBeGreaterThanOrEqual(ra.job('deploy').finishedAt);
}, 20_000);

test('cancel-in-progress cancels the running job; its cancelled() steps still run', async () => {
  const groups = new ConcurrencyGroups();
  const a = deploy(groups, 'staging', 'A', 30);
  await holders(groups, 'deploy-staging', 1);
  await sleep(200); // A's sleep has started
  const started = Date.now();
  const b = deploy(groups, 'staging', 'B', 0, true);
  const [ra, rb] = await Promise.all([a, b]);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(ra.job('deploy')).toMatchObject({
    result: 'cancelled',
    errors: [cancelMessage('deploy-staging')],
  });
  expect(ra.job('deploy').steps.map((s) => [s.id, s.conclusion])).toEqual([
    ['work', 'cancelled'],
    ['__run', 'success'],
  ]);
  expect(rb.job('deploy')).toMatchObject({ result: 'success', outputs: { label: 'B' } });
}, 20_000);

test('different groups run side by side', async () => {
  const groups = new ConcurrencyGroups();
  const [s, p] = await Promise.all([
    deploy(groups, 'staging', 'S', 1),
    deploy(groups, 'production', 'P', 1),
  ]);
  expect(p.job('deploy').startedAt).toBeLessThan(s.job('deploy').finishedAt);
  expect(s.job('deploy').concurrencyGroup).toBe('deploy-staging');
  expect(p.job('deploy').concurrencyGroup).toBe('deploy-production');
}, 20_000);
