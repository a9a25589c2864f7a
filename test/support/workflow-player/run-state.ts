/** The state one play shares between its jobs, and small helpers to record results. */
import type { ConcurrencyGroups } from './concurrency.js';
import type { Contexts } from './expressions.js';
import type { Prepared } from './plan.js';
import type {
  ApprovalRequest,
  Decision,
  JobConclusion,
  JobResult,
  PlayOptions,
  StandIn,
  StepResult,
} from './types.js';

export interface RunState {
  readonly opts: PlayOptions;
  readonly prepared: Prepared;
  readonly workspace: string;
  /** Temp folder of the run (event.json, per-step folders). */
  readonly tmp: string;
  /** HOME of every step: a folder of the run, so `~/.ssh`, `~/.docker`, `~/.npm` stay out of the real home. */
  readonly home: string;
  readonly eventPath: string;
  readonly standIns: Readonly<Record<string, StandIn>>;
  readonly groups: ConcurrencyGroups;
  readonly label: string;
  readonly results: Map<string, JobResult>;
  readonly approvals: (ApprovalRequest & { decision: Decision })[];
  readonly errors: string[];
  /** Aborted when the whole run is cancelled (workflow-level cancel-in-progress). */
  readonly abort: AbortController;
  stepCount: number;
}

/** What a workflow level (the played one, or a called one) gives its jobs. */
export interface Scope {
  /** github, inputs, vars, secrets of this level. */
  readonly contexts: Contexts;
  readonly prefix: string;
}

export function recordJob(
  run: RunState,
  id: string,
  result: JobConclusion,
  extra: Partial<Omit<JobResult, 'id' | 'result'>> = {},
): JobResult {
  const now = Date.now();
  const job: JobResult = {
    id,
    result,
    outputs: {},
    steps: [] as StepResult[],
    summary: (extra.steps ?? []).map((s) => s.summary).join(''),
    errors: [],
    startedAt: now,
    finishedAt: now,
    ...extra,
  };
  run.results.set(id, job);
  return job;
}
