/** The workflow player's public types: events, options, the plan and the result of a play. */
import type { Permissions } from './permissions.js';

export type { Permissions } from './permissions.js';
import type { ConcurrencyGroups } from './concurrency.js';
import type { RepoFiles } from './repo.js';

/** What happened on GitHub: a push (branch or tag), a manual dispatch, or a schedule firing. */
export type PlayEvent =
  | {
      readonly name: 'push';
      /** `refs/heads/main` or `refs/tags/v1.4.2`. */
      readonly ref: string;
      /** Files the push changed (needed only when `on.push` has path filters). */
      readonly changedFiles?: readonly string[];
    }
  | {
      readonly name: 'workflow_dispatch';
      readonly ref?: string;
      readonly inputs?: Readonly<Record<string, string | boolean | number>>;
    }
  | { readonly name: 'schedule'; readonly cron: string; readonly ref?: string };

export interface PlanOptions {
  /** The repository's files: a folder, or a RepoFiles with mounts (see repoFiles()). */
  readonly repo: string | RepoFiles;
  /** The workflow's path in the repository, e.g. `.github/workflows/pipeline.yml`. */
  readonly workflow: string;
  readonly event: PlayEvent;
  /** owner/name (default acme/shop). */
  readonly repository?: string;
  /** The commit (default a fixed fake SHA). */
  readonly sha?: string;
  /**
   * GitHub's REST API: `github.api_url` and GITHUB_API_URL of every step (default
   * `https://api.github.com`); a loopback fake GitHub in tests.
   */
  readonly apiUrl?: string;
  readonly actor?: string;
  /** Repository variables (`vars.*`). */
  readonly vars?: Readonly<Record<string, string>>;
  /** Repository secrets (`secrets.*`); GITHUB_TOKEN is added. */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * The repository's default GITHUB_TOKEN permissions (Settings → Actions): `restricted` (contents and
   * packages read, the default for new repositories) or `permissive` (write to all scopes).
   */
  readonly defaultPermissions?: 'restricted' | 'permissive';
}

export interface PlannedStep {
  readonly id: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if: string;
}

export interface ConcurrencyPlan {
  /** The evaluated group, or its source text when it reads `needs.*` (known only at run time). */
  readonly group: string;
  readonly cancelInProgress: boolean | string;
}

export interface PlannedJob {
  /** Job keys from the played workflow down: `image`, `staging/release`. */
  readonly id: string;
  readonly key: string;
  /** The file the job is written in. */
  readonly workflow: string;
  /** Ids of the jobs it needs (same workflow). */
  readonly needs: readonly string[];
  /** The condition GitHub evaluates (a status function is added when there is none). */
  readonly if: string;
  /** Whether it runs when every job before it succeeds (outputs unknown to the plan are empty). */
  readonly willRun: boolean;
  /** The GITHUB_TOKEN's permissions in the job, every scope spelled out. */
  readonly permissions: Permissions;
  readonly concurrency?: ConcurrencyPlan;
  /** The environment's name and url (evaluated, or source text when they read run-time contexts). */
  readonly environment?: { readonly name: string; readonly url?: string };
  /** A call of a reusable workflow: its path, `with:` values and secrets. */
  readonly uses?: string;
  readonly with?: Readonly<Record<string, string>>;
  readonly secrets?: 'inherit' | readonly string[];
  /** Output expressions (source text). */
  readonly outputs: Readonly<Record<string, string>>;
  /** The called workflow's jobs (for `uses:` jobs). */
  readonly jobs: readonly PlannedJob[];
  readonly steps: readonly PlannedStep[];
}

export interface Plan {
  readonly triggered: boolean;
  /** Why it triggers or not, e.g. `branches filter [main] does not match dev`. */
  readonly reason: string;
  readonly workflow: string;
  readonly name: string;
  readonly github: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, string | boolean | number>>;
  readonly concurrency?: ConcurrencyPlan;
  readonly jobs: readonly PlannedJob[];
  /** Ids of the jobs that run when every job succeeds, in an order GitHub could start them. */
  readonly order: readonly string[];
  /** The planned job with this id (throws when there is none). */
  job(id: string): PlannedJob;
}

/** Inputs and context an action stand-in gets. */
export interface StandInCall {
  /** The `uses:` value. */
  readonly uses: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly workspace: string;
  /** The job id (`staging/release`) and step id. */
  readonly job: string;
  readonly step: string;
}

export interface StandInResult {
  readonly outputs?: Readonly<Record<string, string>>;
  /** Fail the step, with this message when a string. */
  readonly failed?: boolean | string;
  readonly log?: string;
  /** Variables for later steps (as GITHUB_ENV). */
  readonly env?: Readonly<Record<string, string>>;
  /** Folders put in front of PATH for later steps (as GITHUB_PATH). */
  readonly path?: readonly string[];
}

/** Replaces a third-party action (`actions/checkout`, …) in a play. */
export type StandIn = (call: StandInCall) => StandInResult | void | Promise<StandInResult | void>;

export type Decision = 'approve' | 'reject';

export interface ApprovalRequest {
  readonly environment: string;
  readonly job: string;
  readonly workflow: string;
}

export interface EnvironmentSetup {
  /** The environment has required reviewers: the job waits for `approve`. */
  readonly requiredReviewers?: boolean;
  readonly secrets?: Readonly<Record<string, string>>;
  readonly vars?: Readonly<Record<string, string>>;
}

export interface PlayOptions extends PlanOptions {
  /** The checkout the jobs see (default: a copy of the repo folder, without .git and node_modules). */
  readonly workspace?: string;
  /** GitHub environments by name: protection, secrets, variables. */
  readonly environments?: Readonly<Record<string, EnvironmentSetup>>;
  /** The reviewers' decision for an environment with required reviewers. */
  readonly approve?: (request: ApprovalRequest) => Decision | Promise<Decision>;
  /** Stand-ins by action (`owner/name` or `owner/name/path`, without `@ref`), over the defaults. */
  readonly standIns?: Readonly<Record<string, StandIn>>;
  /** Shared between plays that must queue on the same concurrency groups. */
  readonly concurrency?: ConcurrencyGroups;
  /** A step's time limit when it sets no timeout-minutes (default 10 min). */
  readonly stepTimeoutMs?: number;
  /** Extra environment for every step (e.g. DOCKER_HOST). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The GITHUB_TOKEN a job gets, as GitHub mints one per job with the job's effective permissions:
   * `github.token`, `secrets.GITHUB_TOKEN` and our actions' `${{ github.token }}` input defaults.
   * Without it, `github.token` is a made-up token and those defaults are empty (no record is written,
   * no test reaches the real GitHub).
   */
  readonly githubToken?: (job: {
    readonly id: string;
    readonly permissions: Permissions;
  }) => string;
}

export type JobConclusion = 'success' | 'failure' | 'cancelled' | 'skipped';
export type StepOutcome = 'success' | 'failure' | 'cancelled' | 'skipped';

export interface StepResult {
  readonly id: string;
  readonly name?: string;
  readonly uses?: string;
  /** Before continue-on-error / after it. */
  readonly outcome: StepOutcome;
  readonly conclusion: StepOutcome;
  readonly outputs: Readonly<Record<string, string>>;
  readonly log: string;
  /** What the step wrote to GITHUB_STEP_SUMMARY ('' for stand-ins and skipped steps). */
  readonly summary: string;
  /** The evaluated `with:` inputs (action steps). */
  readonly inputs?: Readonly<Record<string, string>>;
}

export interface JobResult {
  readonly id: string;
  readonly result: JobConclusion;
  readonly outputs: Readonly<Record<string, string>>;
  readonly steps: readonly StepResult[];
  /** The job summary on the run page: its steps' summaries, in order. */
  readonly summary: string;
  /**
   * The job's environment; `deployment: false` when the job asks GitHub for no Deployment record of
   * its own (GitHub otherwise creates one per job; the player does not).
   */
  readonly environment?: {
    readonly name: string;
    readonly url?: string;
    readonly deployment?: false;
  };
  readonly concurrencyGroup?: string;
  /** The job's error annotations, in GitHub's words. */
  readonly errors: readonly string[];
  /** Milliseconds since the epoch; equal when the job did not start. */
  readonly startedAt: number;
  readonly finishedAt: number;
}

export interface PlayResult {
  readonly plan: Plan;
  readonly conclusion: JobConclusion;
  /** Every job that the run reached, by id (`staging/release`). */
  readonly jobs: Readonly<Record<string, JobResult>>;
  /** Run-level errors (a concurrency cancellation), in GitHub's words. */
  readonly errors: readonly string[];
  readonly approvals: readonly (ApprovalRequest & { readonly decision: Decision })[];
  /** The checkout the jobs ran in (left in place for assertions). */
  readonly workspace: string;
  /** The job with this id (throws when the run has no such job). */
  job(id: string): JobResult;
}
