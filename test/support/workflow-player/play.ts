/**
 * play(): plans the workflow, then runs the jobs that trigger — our actions through their bundles,
 * `run:` steps in bash, other actions through stand-ins — inside the workflow's concurrency group.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isActionStep } from '@actions/workflow-parser/model/type-guards';
import { ConcurrencyGroups } from './concurrency.js';
import { enterGroup, runWorkflowJobs } from './jobs.js';
import type { LoadedWorkflow } from './load.js';
import { prepare } from './plan.js';
import { asRepo, checkout } from './repo.js';
import type { RunState } from './run-state.js';
import { DEFAULT_STAND_INS, ourAction, standInFor } from './steps.js';
import type { JobConclusion, JobResult, PlayOptions, PlayResult, StandIn } from './types.js';

/** The groups plays share when a test gives none. */
export const sharedGroups = new ConcurrencyGroups();

/** Every `uses:` step must be ours or have a stand-in, before anything runs. */
function checkStandIns(
  wf: LoadedWorkflow,
  registry: Readonly<Record<string, StandIn>>,
  prefix = '',
): void {
  for (const job of wf.jobs) {
    if (job.call) checkStandIns(job.call, registry, `${prefix}${job.key}/`);
    if (!('steps' in job.model)) continue;
    for (const step of job.model.steps) {
      if (!isActionStep(step)) continue;
      const uses = step.uses.value;
      if (ourAction(uses) || standInFor(uses, registry)) continue;
      const key = uses.replace(/@.*$/, '');
      throw new Error(
        `workflow-player: no stand-in for '${uses}' (job ${prefix}${job.key}, step ${step.id}); ` +
          `register one: standIns: { '${key}': (call) => ({ outputs: {} }) }`,
      );
    }
  }
}

function conclusionOf(results: readonly JobResult[]): JobConclusion {
  const r = results.map((j) => j.result);
  if (r.includes('failure')) return 'failure';
  if (r.includes('cancelled')) return 'cancelled';
  return r.includes('success') ? 'success' : 'skipped';
}

/** Plays a workflow for an event; see PlayOptions. Throws WorkflowError / DispatchError like plan(). */
export async function play(opts: PlayOptions): Promise<PlayResult> {
  const prepared = await prepare(opts);
  const { plan, workflow } = prepared;
  const standIns = { ...DEFAULT_STAND_INS, ...opts.standIns };
  checkStandIns(workflow, standIns);
  const results = new Map<string, JobResult>();
  const tmp = mkdtempSync(join(tmpdir(), 'workflow-player-run-'));
  const home = join(tmp, 'home');
  mkdirSync(home);
  const run: RunState = {
    opts,
    prepared,
    workspace: opts.workspace ?? checkout(asRepo(opts.repo)),
    tmp,
    home,
    eventPath: '',
    standIns,
    groups: opts.concurrency ?? sharedGroups,
    label: `${plan.workflow}#${String(plan.github.run_id)}`,
    results,
    approvals: [],
    errors: [],
    abort: new AbortController(),
    stepCount: 0,
  };
  const eventPath = join(run.tmp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(plan.github.event));
  Object.assign(run, { eventPath });
  const result = (conclusion: JobConclusion): PlayResult => ({
    plan,
    conclusion,
    jobs: Object.fromEntries(results),
    errors: run.errors,
    approvals: run.approvals,
    workspace: run.workspace,
    job(id: string): JobResult {
      const job = results.get(id);
      if (!job)
        throw new Error(
          `workflow-player: the run has no job ${id} (it has ${[...results.keys()].join(', ')})`,
        );
      return job;
    },
  });
  try {
    return await playJobs(run, result);
  } finally {
    // The run's own folder (event.json, step files, HOME); the workspace stays for assertions.
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function playJobs(
  run: RunState,
  result: (conclusion: JobConclusion) => PlayResult,
): Promise<PlayResult> {
  const { plan, workflow, contexts } = run.prepared;
  if (!plan.triggered) return result('skipped');
  const entered = await enterGroup(run, workflow.template.concurrency, contexts, run.label, (m) => {
    run.errors.push(m);
    run.abort.abort();
  });
  if (entered.replaced !== undefined) {
    run.errors.push(entered.replaced);
    return result('cancelled');
  }
  try {
    const top = await runWorkflowJobs(run, workflow, { contexts, prefix: '' });
    return result(run.abort.signal.aborted ? 'cancelled' : conclusionOf([...top.values()]));
  } finally {
    entered.lease?.release();
  }
}
