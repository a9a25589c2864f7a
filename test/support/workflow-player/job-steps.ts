/**
 * The steps of one job, in order, as the runner runs them: each step's `if:` (default `success()`),
 * env, `continue-on-error`, `timeout-minutes`, `working-directory`/`shell` (and `defaults.run`), the
 * GITHUB_OUTPUT/GITHUB_ENV/GITHUB_PATH file commands, then the job's outputs.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { isBoolean, isNumber, isSequence } from '@actions/workflow-parser';
import { isActionStep, isRunStep } from '@actions/workflow-parser/model/type-guards';
import type { Job, Step } from '@actions/workflow-parser/model/workflow-template';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import {
  asString,
  evaluateCondition,
  evaluateStrings,
  evaluateToken,
  sourceText,
  type Contexts,
} from './expressions.js';
import { githubEnv } from './github.js';
import { field, type LoadedJob, type LoadedWorkflow } from './load.js';
import type { RunState } from './run-state.js';
import {
  ourAction,
  runOurs,
  runScript,
  runStandIn,
  standInFor,
  type StepRun,
  type StepSetting,
} from './steps.js';
import type { StepOutcome, StepResult } from './types.js';

export interface StepsOutcome {
  readonly steps: StepResult[];
  readonly failed: boolean;
  readonly cancelled: boolean;
  readonly errors: string[];
  readonly stepsContext: Record<string, unknown>;
}

const MINUTE = 60_000;

function displayName(step: Step): string {
  if (step.name) return sourceText(step.name);
  if (isRunStep(step)) return `Run ${sourceText(step.run).split('\n')[0]}`;
  return isActionStep(step) ? `Run ${step.uses.value}` : step.id;
}

function minutes(token: TemplateToken | undefined, contexts: Contexts): number | undefined {
  if (!token) return undefined;
  const v = isNumber(token) ? token.value : Number(asString(evaluateToken(token, contexts)));
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/** `defaults.run.<key>` of the job, else of the workflow. */
function runDefault(wf: LoadedWorkflow, job: LoadedJob, key: string): TemplateToken | undefined {
  return (
    field(field(field(job.raw, 'defaults'), 'run'), key) ??
    field(field(field(wf.root, 'defaults'), 'run'), key)
  );
}

async function execute(
  run: RunState,
  wf: LoadedWorkflow,
  job: LoadedJob,
  id: string,
  step: Step,
  raw: TemplateToken | undefined,
  contexts: Contexts,
  setting: StepSetting,
): Promise<StepRun & { inputs?: Record<string, string> }> {
  if (isRunStep(step)) {
    const script = asString(evaluateToken(step.run, contexts));
    const shellToken = field(raw, 'shell') ?? runDefault(wf, job, 'shell');
    const dirToken = field(raw, 'working-directory') ?? runDefault(wf, job, 'working-directory');
    const dir = dirToken ? asString(evaluateToken(dirToken, contexts)) : '';
    const shell = shellToken ? asString(evaluateToken(shellToken, contexts)) : undefined;
    return runScript(script, shell, join(setting.workspace, dir), setting);
  }
  if (!isActionStep(step))
    throw new Error(`workflow-player: step ${step.id} of ${id} is neither run: nor uses:`);
  const uses = step.uses.value;
  const inputs = evaluateStrings(field(raw, 'with'), contexts);
  const ours = ourAction(uses);
  if (ours) return { ...(await runOurs(ours, inputs, setting)), inputs };
  const standIn = standInFor(uses, run.standIns);
  if (!standIn)
    throw new Error(`workflow-player: no stand-in for '${uses}' (job ${id}, step ${step.id})`);
  const call = {
    uses,
    inputs,
    env: setting.env,
    workspace: setting.workspace,
    job: id,
    step: step.id,
  };
  return { ...(await runStandIn(standIn, call)), inputs };
}

/** The job's token from its github context ('' when there is none). */
function jobToken(contexts: Contexts): string {
  const token = (contexts.github as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' ? token : '';
}

/** Runs a job's steps; `contexts` has github, inputs, vars, secrets, needs of the job. */
export async function runJobSteps(
  run: RunState,
  wf: LoadedWorkflow,
  job: LoadedJob & { model: Job },
  id: string,
  base: Contexts,
  signal: AbortSignal,
): Promise<StepsOutcome> {
  const jobTemp = join(run.tmp, `job-${run.stepCount++}`);
  mkdirSync(jobTemp, { recursive: true });
  const runner = { os: 'Linux', arch: 'X64', name: 'workflow-player', temp: jobTemp };
  const jobTimeout = minutes(field(job.raw, 'timeout-minutes'), base) ?? 360;
  const deadline = Date.now() + jobTimeout * MINUTE;
  const jobEnv = { ...evaluateStrings(field(wf.root, 'env'), { ...base, runner }) };
  Object.assign(jobEnv, evaluateStrings(job.model.env, { ...base, runner, env: jobEnv }));
  const extraPath: string[] = [];
  const stepsContext: Record<string, unknown> = {};
  const steps: StepResult[] = [];
  const errors: string[] = [];
  let failed = false;
  const rawSteps = field(job.raw, 'steps');
  for (const [i, step] of job.model.steps.entries()) {
    const cancelled = signal.aborted;
    const raw = rawSteps && isSequence(rawSteps) ? rawSteps.get(i) : undefined;
    const jobStatus = cancelled ? 'cancelled' : failed ? 'failure' : 'success';
    const contexts: Contexts = {
      ...base,
      runner,
      steps: stepsContext,
      env: jobEnv,
      job: { status: jobStatus },
    };
    const status = { success: !failed, failure: failed, cancelled };
    const name = displayName(step);
    const uses = isActionStep(step) ? step.uses.value : undefined;
    const record = (
      outcome: StepOutcome,
      conclusion: StepOutcome,
      r?: StepRun,
      inputs?: Record<string, string>,
    ): void => {
      steps.push({
        id: step.id,
        name,
        ...(uses && { uses }),
        outcome,
        conclusion,
        outputs: r?.outputs ?? {},
        log: r?.log ?? '',
        summary: r?.summary ?? '',
        ...(inputs && { inputs }),
      });
      if (!step.id.startsWith('__'))
        stepsContext[step.id] = { outputs: r?.outputs ?? {}, outcome, conclusion };
    };
    if (!evaluateCondition(step.if?.expression ?? 'success()', contexts, status)) {
      record('skipped', 'skipped');
      continue;
    }
    const stepEnv = {
      ...jobEnv,
      ...evaluateStrings(isActionStep(step) || isRunStep(step) ? step.env : undefined, contexts),
    };
    const stepContexts = { ...contexts, env: stepEnv };
    const own = minutes(field(raw, 'timeout-minutes'), stepContexts);
    const timeoutMs = Math.max(
      1,
      Math.min(own ? own * MINUTE : (run.opts.stepTimeoutMs ?? 10 * MINUTE), deadline - Date.now()),
    );
    const dir = join(run.tmp, `step-${run.stepCount++}`);
    mkdirSync(dir, { recursive: true });
    const secrets = Object.values((base.secrets ?? {}) as Record<string, string>);
    const setting: StepSetting = {
      workspace: run.workspace,
      env: {
        PATH: [...extraPath, process.env.PATH ?? '/usr/bin:/bin'].join(':'),
        HOME: run.home,
        ...(process.env.DOCKER_HOST && { DOCKER_HOST: process.env.DOCKER_HOST }),
        ...run.opts.env,
        ...githubEnv(base.github as Record<string, unknown>, job.key),
        GITHUB_WORKSPACE: run.workspace,
        GITHUB_EVENT_PATH: run.eventPath,
        RUNNER_TEMP: jobTemp,
        ...stepEnv,
      },
      event: (base.github as { event: Record<string, unknown> }).event,
      secrets,
      githubToken: run.opts.githubToken ? jobToken(base) : '',
      timeoutMs,
      // Steps that run once the job is cancelled (if: cancelled() / always()) are not cancelled again.
      signal: cancelled ? new AbortController().signal : signal,
      dir,
    };
    const r = await execute(run, wf, job, id, step, raw, stepContexts, setting);
    Object.assign(jobEnv, r.env);
    extraPath.unshift(...r.path);
    if (r.cancelled) {
      record('cancelled', 'cancelled', r, r.inputs);
      continue;
    }
    const timeoutNote = r.timedOut
      ? `\nThe action '${name}' has timed out after ${own ?? timeoutMs / MINUTE} minutes.`
      : '';
    const outcome: StepOutcome = r.exitCode === 0 ? 'success' : 'failure';
    const coe = field(raw, 'continue-on-error');
    const continueOnError = coe
      ? isBoolean(coe)
        ? coe.value
        : asString(evaluateToken(coe, stepContexts)) === 'true'
      : false;
    const conclusion = outcome === 'failure' && continueOnError ? 'success' : outcome;
    record(outcome, conclusion, { ...r, log: r.log + timeoutNote }, r.inputs);
    if (conclusion === 'failure') failed = true;
    if (Date.now() >= deadline) {
      errors.push(
        `The job running on runner workflow-player has exceeded the maximum execution time of ${jobTimeout} minutes.`,
      );
      return { steps, failed: true, cancelled: true, errors, stepsContext };
    }
  }
  return { steps, failed, cancelled: signal.aborted, errors, stepsContext };
}
