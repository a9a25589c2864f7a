// The workflow player's plan: triggers, inputs, needs order, permissions, concurrency, environments
// and GitHub's errors, on the fixture workflows in test/fixtures/workflows/repo/.github/workflows.
import { join } from 'node:path';
import {
  DispatchError,
  granted,
  matchesFilters,
  plan,
  repoFiles,
  WorkflowError,
  type PlanOptions,
  type PlayEvent,
} from '../support/workflow-player/index.js';
import { ROOT } from '../support/runner.js';

const REPO = join(ROOT, 'test/fixtures/workflows/repo');
const SHA = '0123456789abcdef0123456789abcdef01234567';
const wf = (name: string): string => `.github/workflows/${name}.yml`;
const push = (ref: string, changedFiles?: string[]): PlayEvent => ({
  name: 'push',
  ref,
  ...(changedFiles && { changedFiles }),
});
const planOf = (name: string, event: PlayEvent, more: Partial<PlanOptions> = {}) =>
  plan({ repo: REPO, workflow: wf(name), event, ...more });

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Error) return e;
  }
  throw new Error('expected a rejection');
}

describe('triggers', () => {
  test.each([
    ['filters', push('refs/heads/main'), true],
    ['filters', push('refs/heads/release/1.4'), true],
    ['filters', push('refs/heads/release/1.4-wip'), false],
    ['filters', push('refs/heads/dev'), false],
    ['filters', push('refs/tags/v1.4.2'), true],
    ['filters', push('refs/tags/v1.4'), false],
    ['paths', push('refs/heads/main', ['src/answer.ts']), true],
    ['paths', push('refs/heads/main', ['src/notes.md']), false],
    ['paths', push('refs/heads/main', ['README.md', 'src/notes.md']), false],
    ['paths', push('refs/heads/main', ['README.md', 'src/deep/x.ts']), true],
    ['paths', push('refs/tags/v1.0.0', ['src/answer.ts']), false], // branch filters only: no tags
    ['schedule', { name: 'schedule', cron: '17 3 * * *' }, true],
    ['schedule', { name: 'schedule', cron: '0 * * * *' }, false],
    ['filters', { name: 'workflow_dispatch' }, false],
  ] as const)('[%#] %s for %o triggers: %s', async (name, event, expected) => {
    const p = await planOf(name, event);
    expect(p.triggered).toBe(expected);
    expect(p.order.length > 0).toBe(expected);
  });

  test('a push to a workflow with path filters must say what it changed', async () => {
    const e = await rejection(planOf('paths', push('refs/heads/main')));
    expect(e.message).toMatch(/must list its changedFiles/);
  });

  test.each([
    ['main', ['main'], true],
    ['feature/x', ['feature/*'], true],
    ['feature/x/y', ['feature/*'], false],
    ['feature/x/y', ['feature/**'], true],
    ['releases/10', ['releases/[0-9]+'], true],
    ['releases/1a', ['releases/[0-9]+'], false],
    ['v2', ['v2?'], true],
    ['docs/a.md', ['**', '!docs/**'], false],
    ['docs/a.md', ['**', '!docs/**', 'docs/a.md'], true],
    ['src/a.md', ['src/**/*.md'], true],
    ['src/x/y/a.md', ['src/**/*.md'], true],
  ] as const)('[%#] filter %s against %o: %s', (value, patterns, expected) => {
    expect(matchesFilters(value, patterns)).toBe(expected);
  });
});

describe('workflow_dispatch inputs', () => {
  const dispatch = (inputs: Record<string, string | boolean>): PlayEvent => ({
    name: 'workflow_dispatch',
    inputs,
  });

  test.each([
    [{ environment: 'staging' }, "Required input 'reason' not provided"],
    [
      { environment: 'prod', reason: 'x' },
      "Provided value 'prod' for input 'environment' not in the list of allowed values",
    ],
    [
      { environment: 'staging', reason: 'x', 'dry-run': 'maybe' },
      "Provided value 'maybe' for input 'dry-run' not in the list of allowed values",
    ],
    [
      { environment: 'staging', reason: 'x', force: 'true' },
      'Unexpected inputs provided: ["force"]',
    ],
  ])('[%#] %o is refused: %s', async (inputs, message) => {
    const e = await rejection(planOf('dispatch', dispatch(inputs)));
    expect(e).toBeInstanceOf(DispatchError);
    expect(e.message).toBe(message);
  });

  test('defaults apply, booleans are booleans, and job if: reads them', async () => {
    const p = await planOf('dispatch', dispatch({ environment: 'production', reason: 'hotfix' }));
    expect(p.inputs).toEqual({ environment: 'production', 'dry-run': false, reason: 'hotfix' });
    expect(p.order).toEqual(['apply']);
    expect(p.job('apply').environment).toEqual({ name: 'production' });
    expect(p.github.event).toMatchObject({ inputs: { 'dry-run': 'false' } });
    const dry = await planOf(
      'dispatch',
      dispatch({ environment: 'staging', reason: 'x', 'dry-run': true }),
    );
    expect(dry.order).toEqual(['preview']);
  });
});

describe('jobs, order and conditions', () => {
  test('needs give the order; failure() jobs are left out of the happy path, always() ones are not', async () => {
    const p = await planOf('needs', { name: 'workflow_dispatch' });
    expect(p.order).toEqual(['prepare', 'unit', 'lint', 'package', 'report']);
    expect(p.job('package').needs).toEqual(['unit', 'lint']);
    expect(p.job('cleanup')).toMatchObject({ willRun: false, if: 'failure()' });
    expect(p.job('unit').if).toBe('success()');
    expect(p.job('prepare').outputs).toEqual({ version: '${{ steps.v.outputs.version }}' });
  });

  test('a cycle in needs is the parser’s error', async () => {
    const e = await rejection(planOf('cycle', push('refs/heads/main')));
    expect(e).toBeInstanceOf(WorkflowError);
    expect(e.message).toContain(
      ".github/workflows/cycle.yml (Line: 5, Col: 12): Job 'a' depends on job 'b' which creates a cycle in the dependency graph.",
    );
  });

  test('reusable workflows expand into their jobs, with inputs, secrets, environment and concurrency', async () => {
    const main = await planOf('release', push('refs/heads/main'));
    expect(main.order).toEqual(['build', 'staging', 'staging/deploy', 'announce']);
    expect(main.concurrency).toEqual({ group: 'release-refs/heads/main', cancelInProgress: false });
    const staging = main.job('staging');
    expect(staging).toMatchObject({
      uses: './.github/workflows/deploy.yml',
      secrets: 'inherit',
      with: {
        environment: 'staging',
        version: '${{ needs.build.outputs.version }}',
        'dry-run': 'false',
      },
    });
    expect(main.job('staging/deploy')).toMatchObject({
      workflow: '.github/workflows/deploy.yml',
      environment: { name: 'staging', url: '${{ steps.ship.outputs.url }}' },
      concurrency: { group: 'deploy-staging', cancelInProgress: false },
      steps: [
        { id: '__actions_checkout', uses: 'actions/checkout@v4', if: 'success()' },
        { id: 'ship', if: 'success()' },
      ],
    });
    expect(main.job('production')).toMatchObject({ willRun: false, secrets: ['DEPLOY_KEY'] });

    const tag = await planOf('release', push('refs/tags/v1.4.2'));
    expect(tag.order).toEqual([
      'build',
      'staging',
      'staging/deploy',
      'production',
      'production/deploy',
      'announce',
    ]);
    expect(tag.concurrency?.group).toBe('release-refs/tags/v1.4.2');
    expect(tag.job('production/deploy').concurrency?.group).toBe('deploy-production');
  });
});

describe('permissions', () => {
  test('a job without permissions gets the repository default (restricted, or permissive)', async () => {
    const restricted = await planOf('filters', push('refs/heads/main'));
    expect(granted(restricted.job('build').permissions)).toEqual({
      contents: 'read',
      packages: 'read',
    });
    const permissive = await planOf('filters', push('refs/heads/main'), {
      defaultPermissions: 'permissive',
    });
    expect(permissive.job('build').permissions.deployments).toBe('write');
  });

  test('a called workflow keeps what its caller job grants; a job without its own gets the workflow’s', async () => {
    const p = await planOf('raised', push('refs/heads/main'));
    const write = { contents: 'read', packages: 'write', 'id-token': 'write' };
    expect(granted(p.job('publish').permissions)).toEqual(write);
    expect(granted(p.job('publish/push-image').permissions)).toEqual(write);
    expect(granted(p.job('publish/verify').permissions)).toEqual({
      contents: 'read',
      packages: 'read',
    });
  });

  test('asking for more than the caller grants is refused with GitHub’s words', async () => {
    const e = await rejection(planOf('lowered', push('refs/heads/main')));
    expect(e).toBeInstanceOf(WorkflowError);
    const at = `.github/workflows/lowered.yml (Line: 7, Col: 3): Error calling workflow 'acme/shop/.github/workflows/publish.yml@${SHA}'.`;
    expect(e.message).toBe(
      `The workflow is not valid. ${at} The workflow is requesting 'packages: read', but is only allowed 'packages: none'. ` +
        `${at} The nested job 'push-image' is requesting 'packages: write, id-token: write', but is only allowed 'packages: none, id-token: none'.`,
    );
  });

  test('the project’s pipeline.yml and hotfix.yml are accepted: their callers grant what release.yml asks', async () => {
    // lowered.yml above keeps the refusal; these callers were refused the same way before
    // they granted packages: read (issue 21), and deployments: write for the GitHub record (issue 24).
    const repo = repoFiles(ROOT, { '.github/workflows': 'examples/workflows' });
    const asked = { contents: 'read', packages: 'read', deployments: 'write' };
    const tag = await plan({ repo, workflow: wf('pipeline'), event: push('refs/tags/v1.4.2') });
    for (const id of ['staging', 'staging/release', 'production', 'production/release'])
      expect(granted(tag.job(id).permissions)).toEqual(asked);
    // The plan job reads the live release's Deployment and the commits since, and writes no record.
    for (const id of ['staging/plan', 'production/plan'])
      expect(granted(tag.job(id).permissions)).toEqual({ contents: 'read', deployments: 'read' });
    expect(tag.job('production/plan').environment).toEqual({ name: 'production-maintenance' });
    expect(tag.job('production/release').needs).toEqual(['production/plan']);
    expect(tag.job('production/release').concurrency).toEqual({
      group: 'release-production',
      cancelInProgress: false,
    });
    const hotfix = await plan({
      repo,
      workflow: wf('hotfix'),
      event: {
        name: 'workflow_dispatch',
        inputs: { ref: 'hotfix/1.4.3', reason: 'r', 'rollback-plan': 'p' },
      },
    });
    expect(hotfix.order).toEqual([
      'gate',
      'image',
      'production',
      'production/plan',
      'production/release',
    ]);
    expect(hotfix.job('production/plan').with).toBeUndefined();
    expect(hotfix.job('production').with).toMatchObject({ 'hotfix-reason': 'r' });
    expect(granted(hotfix.job('production/release').permissions)).toEqual(asked);
    expect(hotfix.job('production/release').concurrency?.group).toBe('release-production');
  });
});

describe('calls with missing or mistyped values', () => {
  test.each([
    [
      'missing-input',
      '.github/workflows/missing-input.yml (Line: 5, Col: 11): Input version is required, but not provided while calling.',
    ],
    [
      'missing-secret',
      '.github/workflows/missing-secret.yml (Line: 5, Col: 11): Secret DEPLOY_KEY is required, but not provided while calling.',
    ],
    [
      'missing-secret',
      '.github/workflows/missing-secret.yml (Line: 10, Col: 14): Invalid secret, OTHER is not defined in the referenced workflow.',
    ],
    ['bad-type', ".github/workflows/bad-type.yml (Line: 9, Col: 16): Unexpected value 'yes'"],
  ])('[%#] %s: %s', async (name, message) => {
    const e = await rejection(planOf(name, push('refs/heads/main')));
    expect(e).toBeInstanceOf(WorkflowError);
    expect(e.message.startsWith('The workflow is not valid. ')).toBe(true);
    expect((e as WorkflowError).errors).toContain(message);
  });

  test('an expression of the wrong type is only found when the job runs (the plan shows it)', async () => {
    const p = await planOf('bad-expression-type', push('refs/heads/main'));
    expect(p.job('staging').with?.['dry-run']).toBe('main');
  });
});
