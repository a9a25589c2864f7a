/**
 * The plan of a play, with no Docker and no process: does the workflow trigger, which jobs run (when
 * every job before them succeeds) and in which order, with which permissions, concurrency groups,
 * environments, `with:` values and secrets — or GitHub's error when it would refuse the workflow.
 */
import { isJob, isReusableWorkflowJob } from '@actions/workflow-parser/model/type-guards';
import { isBoolean, isMapping } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { callInputs, secretNames } from './calls.js';
import {
  asString,
  evaluateCondition,
  previewToken,
  sourceText,
  type Contexts,
} from './expressions.js';
import { eventPayload, FAKE_TOKEN, githubContext, identity } from './github.js';
import { field, loadWorkflow, type LoadedJob, type LoadedWorkflow } from './load.js';
import { asRepo } from './repo.js';
import { decideTrigger, dispatchInputs } from './triggers.js';
import type { ConcurrencyPlan, Plan, PlanOptions, PlannedJob, PlannedStep } from './types.js';

/** What play() needs besides the plan. */
export interface Prepared {
  readonly plan: Plan;
  readonly workflow: LoadedWorkflow;
  readonly contexts: Contexts;
}

/** Jobs in an order GitHub could start them (each after all it needs), file order otherwise. */
export function topological(jobs: readonly LoadedJob[]): LoadedJob[] {
  const done = new Set<string>();
  const out: LoadedJob[] = [];
  while (out.length < jobs.length) {
    const next = jobs.find(
      (j) => !done.has(j.key) && (j.model.needs ?? []).every((n) => done.has(n.value)),
    );
    if (!next) throw new Error('workflow-player: cycle in needs'); // the parser reports cycles first
    done.add(next.key);
    out.push(next);
  }
  return out;
}

/** A `concurrency:` token (string or mapping) read with `show` for each value. */
export function readConcurrency(
  token: TemplateToken | undefined,
  show: (t: TemplateToken) => string,
): ConcurrencyPlan | undefined {
  if (!token) return undefined;
  if (!isMapping(token)) return { group: show(token), cancelInProgress: false };
  const group = field(token, 'group');
  const cancel = field(token, 'cancel-in-progress');
  if (!group) return undefined;
  const cancelInProgress = !cancel
    ? false
    : isBoolean(cancel)
      ? cancel.value
      : show(cancel) === 'true';
  return { group: show(group), cancelInProgress };
}

function environmentOf(
  job: LoadedJob,
  show: (t: TemplateToken) => string,
): PlannedJob['environment'] {
  const token = field(job.raw, 'environment');
  if (!token) return undefined;
  if (!isMapping(token)) return { name: show(token) };
  const name = field(token, 'name');
  const url = field(token, 'url');
  return { name: name ? show(name) : '', ...(url && { url: show(url) }) };
}

function plannedSteps(job: LoadedJob): PlannedStep[] {
  if (!isJob(job.model)) return [];
  return job.model.steps.map((s) => ({
    id: s.id,
    ...(s.name && { name: sourceText(s.name) }),
    ...('uses' in s && { uses: s.uses.value }),
    ...('run' in s && { run: sourceText(s.run) }),
    if: s.if?.expression ?? 'success()',
  }));
}

function planJobs(
  wf: LoadedWorkflow,
  contexts: Contexts,
  prefix: string,
  order: string[],
  runs: boolean,
): PlannedJob[] {
  const show = (t: TemplateToken): string => previewToken(t, contexts);
  const results = new Map<string, 'success' | 'skipped'>();
  const planned = new Map<string, PlannedJob>();
  for (const job of topological(wf.jobs)) {
    const needs = (job.model.needs ?? []).map((n) => n.value);
    const chain = transitiveNeeds(wf, job.key);
    const needsCtx = Object.fromEntries(
      needs.map((n) => [n, { result: results.get(n), outputs: {} }]),
    );
    const ok = [...chain].every((n) => results.get(n) === 'success');
    const condition = job.model.if.expression;
    const willRun =
      runs &&
      evaluateCondition(
        condition,
        { ...contexts, needs: needsCtx },
        { success: ok, failure: false, cancelled: false },
      );
    results.set(job.key, willRun ? 'success' : 'skipped');
    const id = `${prefix}${job.key}`;
    if (willRun) order.push(id);
    const outputs: Record<string, string> = {};
    for (const { key, value } of job.model.outputs ?? [])
      outputs[key.assertString('output').value] = sourceText(value);
    let called: PlannedJob[] = [];
    let withValues: Record<string, string> | undefined;
    if (job.call && isReusableWorkflowJob(job.model)) {
      const inputs = callInputs(wf, job, contexts, true);
      withValues = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, asString(v)]));
      called = planJobs(job.call, { ...contexts, inputs, secrets: {} }, `${id}/`, order, willRun);
    }
    const concurrency = readConcurrency(field(job.raw, 'concurrency'), show);
    const environment = environmentOf(job, show);
    planned.set(job.key, {
      id,
      key: job.key,
      workflow: wf.path,
      needs: needs.map((n) => `${prefix}${n}`),
      if: condition,
      willRun,
      permissions: job.effective,
      ...(concurrency && { concurrency }),
      ...(environment && { environment }),
      ...(isReusableWorkflowJob(job.model) && {
        uses: job.model.ref.value,
        secrets: secretNames(job),
      }),
      ...(withValues && { with: withValues }),
      outputs,
      jobs: called,
      steps: plannedSteps(job),
    });
  }
  return wf.jobs.map((j) => planned.get(j.key) as PlannedJob);
}

/** The jobs `key` needs, directly or through others. */
export function transitiveNeeds(wf: LoadedWorkflow, key: string): Set<string> {
  const out = new Set<string>();
  const visit = (k: string): void => {
    const job = wf.jobs.find((j) => j.key === k);
    for (const n of job?.model.needs ?? []) {
      if (!out.has(n.value)) {
        out.add(n.value);
        visit(n.value);
      }
    }
  };
  visit(key);
  return out;
}

function findJob(jobs: readonly PlannedJob[], id: string): PlannedJob | undefined {
  for (const j of jobs) {
    if (j.id === id) return j;
    const inner = findJob(j.jobs, id);
    if (inner) return inner;
  }
  return undefined;
}

/** Plans a play and keeps what play() needs to run it. */
export async function prepare(opts: PlanOptions): Promise<Prepared> {
  const repo = asRepo(opts.repo);
  const policy = opts.defaultPermissions ?? 'restricted';
  const path = opts.workflow.replace(/^\.\//, '');
  const ids = identity(opts, path);
  const workflow = await loadWorkflow(
    { repo, repository: ids.repository, sha: ids.sha, policy },
    path,
  );
  const id = { ...ids, workflowName: workflow.name };
  const decision = decideTrigger(workflow.template.events, opts.event);
  const inputs =
    decision.triggered && opts.event.name === 'workflow_dispatch'
      ? dispatchInputs(workflow.template.events.workflow_dispatch?.inputs, opts.event.inputs ?? {})
      : {};
  const github = githubContext(opts.event, id, eventPayload(opts.event, id, inputs));
  const contexts: Contexts = {
    github,
    inputs,
    vars: { ...opts.vars },
    secrets: { ...opts.secrets, GITHUB_TOKEN: FAKE_TOKEN },
  };
  const order: string[] = [];
  const jobs = planJobs(workflow, contexts, '', order, decision.triggered);
  const concurrency = readConcurrency(workflow.template.concurrency, (t) =>
    previewToken(t, contexts),
  );
  const plan: Plan = {
    triggered: decision.triggered,
    reason: decision.reason,
    workflow: path,
    name: workflow.name,
    github,
    inputs,
    ...(concurrency && { concurrency }),
    jobs,
    order,
    job(jobId: string): PlannedJob {
      const found = findJob(jobs, jobId);
      if (!found) throw new Error(`workflow-player: the plan has no job ${jobId}`);
      return found;
    },
  };
  return { plan, workflow, contexts };
}

/** Plans a play: see Plan. Throws WorkflowError / DispatchError with GitHub's message. */
export async function plan(opts: PlanOptions): Promise<Plan> {
  return (await prepare(opts)).plan;
}
