/**
 * The jobs of one workflow level, each started once all it needs have finished: job `if:` with the
 * status functions over the needs chain, job concurrency, environments (approval, secrets, vars),
 * reusable-workflow calls (inputs, secrets, nested jobs, outputs), and the result a dependant sees.
 */
import { isJob, isReusableWorkflowJob } from '@actions/workflow-parser/model/type-guards';
import { isBoolean, isMapping } from '@actions/workflow-parser';
import type { Job } from '@actions/workflow-parser/model/workflow-template';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { callInputs, callOutputTokens, callSecrets, TemplateError } from './calls.js';
import type { Lease } from './concurrency.js';
import {
  asString,
  evaluateCondition,
  evaluateStrings,
  evaluateToken,
  type Contexts,
  type Value,
} from './expressions.js';
import { runJobSteps } from './job-steps.js';
import { field, type LoadedJob, type LoadedWorkflow } from './load.js';
import { readConcurrency, topological, transitiveNeeds } from './plan.js';
import { recordJob, type RunState, type Scope } from './run-state.js';
import type { JobConclusion, JobResult } from './types.js';

export const REJECTED = "The deployment was rejected or didn't satisfy other protection rules";

/** Waits for a concurrency group (when `token` sets one); undefined lease = replaced while pending. */
export async function enterGroup(
  run: RunState,
  token: TemplateToken | undefined,
  contexts: Contexts,
  label: string,
  onCancel: (message: string) => void,
): Promise<{ group?: string; lease?: Lease; replaced?: string }> {
  const cfg = readConcurrency(token, (t) => asString(evaluateToken(t, contexts)));
  if (!cfg) return {};
  let message = '';
  const lease = await run.groups.acquire(
    cfg.group,
    {
      label,
      onCancel: (m) => {
        message = m;
        onCancel(m);
      },
    },
    cfg.cancelInProgress === true,
  );
  return lease ? { group: cfg.group, lease } : { group: cfg.group, replaced: message };
}

/** Runs every job of `wf`; resolves when all have finished (or been skipped). */
export async function runWorkflowJobs(
  run: RunState,
  wf: LoadedWorkflow,
  scope: Scope,
): Promise<Map<string, JobResult>> {
  const done = new Map<string, Promise<JobResult>>();
  for (const job of topological(wf.jobs)) {
    const before = (job.model.needs ?? []).map((n) => done.get(n.value) as Promise<JobResult>);
    done.set(
      job.key,
      Promise.all(before).then((needs) => runJob(run, wf, job, scope, needs)),
    );
  }
  const results = await Promise.all(wf.jobs.map((j) => done.get(j.key) as Promise<JobResult>));
  return new Map(wf.jobs.map((j, i) => [j.key, results[i] as JobResult]));
}

function needsContext(
  wf: LoadedWorkflow,
  job: LoadedJob,
  needs: readonly JobResult[],
): Record<string, unknown> {
  const keys = (job.model.needs ?? []).map((n) => n.value);
  return Object.fromEntries(
    keys.map((k, i) => [k, { result: needs[i]?.result, outputs: needs[i]?.outputs ?? {} }]),
  );
}

async function runJob(
  run: RunState,
  wf: LoadedWorkflow,
  job: LoadedJob,
  scope: Scope,
  needs: readonly JobResult[],
): Promise<JobResult> {
  const id = `${scope.prefix}${job.key}`;
  const chain = [...transitiveNeeds(wf, job.key)].map(
    (k) => run.results.get(`${scope.prefix}${k}`)?.result,
  );
  const contexts: Contexts = { ...scope.contexts, needs: needsContext(wf, job, needs) };
  const cancelled = run.abort.signal.aborted;
  const status = {
    success: chain.every((r) => r === 'success'),
    failure: chain.includes('failure'),
    cancelled,
  };
  if (!evaluateCondition(job.model.if.expression, contexts, status))
    return recordJob(run, id, cancelled ? 'cancelled' : 'skipped');
  const combos = matrixOf(job, contexts);
  if (!combos) return runInstance(run, wf, job, id, contexts);
  // Every combination runs, side by side (fail-fast, max-parallel are not played); the job's result
  // is what `needs` sees: failure when one failed.
  const all = await Promise.all(
    combos.map((matrix) =>
      runInstance(run, wf, job, `${id} (${Object.values(matrix).map(asString).join(', ')})`, {
        ...contexts,
        matrix,
        strategy: { 'fail-fast': true, 'job-total': combos.length },
      }),
    ),
  );
  const results = all.map((r) => r.result);
  return recordJob(
    run,
    id,
    results.includes('failure')
      ? 'failure'
      : results.includes('cancelled')
        ? 'cancelled'
        : results.includes('success')
          ? 'success'
          : 'skipped',
    {
      errors: all.flatMap((r) => r.errors),
      startedAt: Math.min(...all.map((r) => r.startedAt)),
      finishedAt: Math.max(...all.map((r) => r.finishedAt)),
    },
  );
}

/**
 * `strategy.matrix` as its combinations: the product of its list-valued axes (include and exclude
 * are not played); undefined when the job has no matrix.
 */
function matrixOf(job: LoadedJob, contexts: Contexts): Record<string, Value>[] | undefined {
  const token = field(field(job.raw, 'strategy'), 'matrix');
  if (!token) return undefined;
  const matrix = evaluateToken(token, contexts);
  if (matrix === null || typeof matrix !== 'object' || Array.isArray(matrix))
    throw new Error(`workflow-player: strategy.matrix of ${job.key} is not a mapping`);
  let combos: Record<string, Value>[] = [{}];
  for (const [axis, values] of Object.entries(matrix)) {
    if (axis === 'include' || axis === 'exclude' || !Array.isArray(values))
      throw new Error(
        `workflow-player: strategy.matrix.${axis} of ${job.key} is not played (list-valued axes only)`,
      );
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [axis]: v })));
  }
  return combos;
}

/** One run of a job (one matrix combination): its concurrency group, then its call or its steps. */
async function runInstance(
  run: RunState,
  wf: LoadedWorkflow,
  job: LoadedJob,
  id: string,
  contexts: Contexts,
): Promise<JobResult> {
  const abort = new AbortController();
  const onRunAbort = (): void => abort.abort();
  run.abort.signal.addEventListener('abort', onRunAbort);
  const errors: string[] = [];
  const entered = await enterGroup(
    run,
    field(job.raw, 'concurrency'),
    contexts,
    `${run.label}/${id}`,
    (m) => {
      errors.push(m);
      abort.abort();
    },
  );
  const group = entered.group === undefined ? {} : { concurrencyGroup: entered.group };
  try {
    if (entered.replaced !== undefined)
      return recordJob(run, id, 'cancelled', { errors: [entered.replaced], ...group });
    if (job.call) return await runCall(run, wf, job, id, contexts, errors, group);
    if (!isJob(job.model)) throw new Error(`workflow-player: job ${id} has neither steps nor uses`);
    return await runSteps(
      run,
      wf,
      { ...job, model: job.model },
      id,
      contexts,
      abort.signal,
      errors,
      group,
    );
  } finally {
    entered.lease?.release();
    run.abort.signal.removeEventListener('abort', onRunAbort);
  }
}

function environmentOf(
  job: LoadedJob,
  contexts: Contexts,
): { name: string; url?: TemplateToken; deployment?: false } | undefined {
  const token = field(job.raw, 'environment');
  if (!token) return undefined;
  if (!isMapping(token)) return { name: asString(evaluateToken(token, contexts)) };
  const name = field(token, 'name');
  const url = field(token, 'url');
  const deployment = field(token, 'deployment');
  const off =
    deployment !== undefined &&
    (isBoolean(deployment)
      ? !deployment.value
      : asString(evaluateToken(deployment, contexts)) === 'false');
  return {
    name: name ? asString(evaluateToken(name, contexts)) : '',
    ...(url && { url }),
    ...(off && { deployment: false as const }),
  };
}

async function runSteps(
  run: RunState,
  wf: LoadedWorkflow,
  job: LoadedJob & { model: Job },
  id: string,
  contexts: Contexts,
  signal: AbortSignal,
  errors: string[],
  group: { concurrencyGroup?: string },
): Promise<JobResult> {
  const env = environmentOf(job, contexts);
  const setup = env && run.opts.environments?.[env.name];
  const startedAt = Date.now();
  if (env && setup?.requiredReviewers) {
    if (!run.opts.approve)
      throw new Error(
        `workflow-player: environment '${env.name}' has required reviewers; give play() an approve callback`,
      );
    const request = { environment: env.name, job: id, workflow: wf.path };
    const decision = await run.opts.approve(request);
    run.approvals.push({ ...request, decision });
    if (decision === 'reject')
      return recordJob(run, id, 'failure', {
        environment: { name: env.name, ...(env.deployment === false && { deployment: false }) },
        errors: [REJECTED],
        startedAt,
        ...group,
      });
  }
  // GitHub mints the job's GITHUB_TOKEN with the job's effective permissions.
  const token = run.opts.githubToken?.({ id, permissions: job.effective });
  const base: Contexts = {
    ...contexts,
    ...(token !== undefined && { github: { ...(contexts.github as object), token } }),
    secrets: {
      ...(contexts.secrets as object),
      ...setup?.secrets,
      ...(token !== undefined && { GITHUB_TOKEN: token }),
    },
    vars: { ...(contexts.vars as object), ...setup?.vars },
  };
  const out = await runJobSteps(run, wf, job, id, base, signal);
  const after: Contexts = { ...base, steps: out.stepsContext };
  const outputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(evaluateStrings(job.model.outputs, after)))
    if (v !== '') outputs[k] = v;
  const url = env?.url && asString(evaluateToken(env.url, after));
  const result: JobConclusion = out.cancelled ? 'cancelled' : out.failed ? 'failure' : 'success';
  return recordJob(run, id, result, {
    outputs,
    steps: out.steps,
    errors: [...errors, ...out.errors],
    startedAt,
    finishedAt: Date.now(),
    ...(env && {
      environment: {
        name: env.name,
        ...(url && { url }),
        ...(env.deployment === false && { deployment: false }),
      },
    }),
    ...group,
  });
}

async function runCall(
  run: RunState,
  wf: LoadedWorkflow,
  job: LoadedJob,
  id: string,
  contexts: Contexts,
  errors: string[],
  group: { concurrencyGroup?: string },
): Promise<JobResult> {
  const called = job.call;
  if (!called || !isReusableWorkflowJob(job.model))
    throw new Error(`workflow-player: ${id} is not a call`);
  const startedAt = Date.now();
  let inputs;
  try {
    inputs = callInputs(wf, job, contexts, false);
  } catch (e) {
    if (e instanceof TemplateError)
      return recordJob(run, id, 'failure', { errors: [e.message], startedAt, ...group });
    throw e;
  }
  const secrets = callSecrets(job, contexts, contexts.secrets as Record<string, string>);
  const calledContexts: Contexts = {
    github: contexts.github,
    vars: contexts.vars,
    inputs,
    secrets,
  };
  const entered = await enterGroup(
    run,
    called.template.concurrency,
    calledContexts,
    `${run.label}/${id}`,
    (m) => errors.push(m),
  );
  if (entered.replaced !== undefined)
    return recordJob(run, id, 'cancelled', { errors: [entered.replaced], startedAt, ...group });
  let nested: Map<string, JobResult>;
  try {
    nested = await runWorkflowJobs(run, called, { contexts: calledContexts, prefix: `${id}/` });
  } finally {
    entered.lease?.release();
  }
  const results = [...nested.values()].map((r) => r.result);
  const result: JobConclusion = results.includes('failure')
    ? 'failure'
    : results.includes('cancelled')
      ? 'cancelled'
      : 'success';
  const jobs = Object.fromEntries(
    [...nested].map(([k, r]) => [k, { result: r.result, outputs: r.outputs }]),
  );
  const outputs: Record<string, string> = {};
  for (const [name, token] of callOutputTokens(called))
    outputs[name] = asString(evaluateToken(token, { ...calledContexts, jobs }));
  return recordJob(run, id, result, {
    outputs,
    errors,
    startedAt,
    finishedAt: Date.now(),
    ...group,
  });
}
