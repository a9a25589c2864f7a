/** The deploy-bluegreen logic over the target (never imports the runner protocol). */
import {
  ActionError,
  errorMessage,
  formatDuration,
  type Clock,
  type Exec,
  type Secrets,
} from '@switchyard/kit';
import {
  ALWAYS_OPEN,
  deployGate,
  overrideRecord,
  parseFreezeRecord,
  waitForWindow,
  type Calendar,
  type GateDecision,
  type OverrideRecord,
} from '@switchyard/calendar';
import { announcing } from '@switchyard/announce';
// Types only: the GitHub client is loaded by the dry run that needs it (a deploy's start-up pays nothing).
import type { ApprovalPlan, GithubClient, Repository } from '@switchyard/github';
import type { Http } from '@switchyard/probe';
import {
  deploy,
  openTarget,
  plan,
  promote,
  retire,
  status,
  type BlueGreenDeps,
  type BlueGreenResult,
  type DeployRequest,
  type LockHolder,
  type StoredThread,
  type TargetState,
} from '@switchyard/targets';
import type { DeployInputs } from './inputs.js';

export interface RunDeps extends BlueGreenDeps {
  /** The step's secrets (the GitHub token, notify's secrets are added as they are read). */
  readonly secrets: Secrets;
  readonly exec: Exec;
  readonly clock: Clock;
  readonly http: Http;
  /** The step's environment (RUNNER_TEMP, HOME, …): where a target keeps a registry login private. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Told about a private folder (a registry login) the post step must remove if the run dies. */
  readonly onPrivateDir?: (dir: string) => void;
}

/** Runs the chosen action against the environment's target. */
/** A run's result; a dry run's carries the plan the approver reads. */
export type RunResult = BlueGreenResult & { readonly approval?: ApprovalPlan };

export async function run(
  inputs: DeployInputs,
  holder: LockHolder,
  deps: RunDeps,
): Promise<RunResult> {
  const c = inputs.config;
  const changes = (inputs.action === 'deploy' || inputs.action === 'promote') && !inputs.dryRun;
  // Before any side effect: the deploy windows and freezes of the config file.
  const override = changes ? await admitWindow(inputs, holder, deps) : undefined;
  const calendar = c.windows ?? ALWAYS_OPEN;
  const settings = {
    health: c.health,
    readyTimeoutMs: c.readyTimeoutMs,
    keepPreviousMs: c.keepPreviousMs,
    warmUp: c.warmUp,
    lockTimeoutMs: inputs.lockTimeoutMs,
    holder,
    ...(override && { reason: `override-window: ${override.reason}` }),
    // The freeze switch, read under the lock with the rest of the record.
    admit: (state: TargetState) => admitFreeze(state, calendar, inputs, holder, deps),
  };
  // The Slack thread notify posts (once the target exists to describe) goes into every record saved.
  const extras: { of?: () => { slackThread?: StoredThread } } = {};
  const target = openTarget(
    c,
    {
      // A dry run pulls nothing, and so logs in nowhere.
      ...(inputs.credentials && !inputs.dryRun && { credentials: inputs.credentials }),
      ...(inputs.kubeconfig && { kubeconfig: inputs.kubeconfig }),
      secrets: inputs.secrets,
    },
    { ...deps, recordExtras: () => extras.of?.() ?? {} },
  );
  const told = changes
    ? announcing({
        config: c,
        target: target.description,
        env: deps.env,
        githubToken: inputs.githubToken,
        ...(override && { override: override.reason }),
        secrets: deps.secrets,
        log: deps.log,
        clock: deps.clock,
        http: deps.http,
      })
    : undefined;
  if (told) {
    extras.of = told.recordExtras;
    deps = { ...deps, announce: told.announce };
  }
  try {
    if (inputs.action === 'status') return await status(target, holder, deps);
    if (inputs.action === 'promote')
      return await promote(
        target,
        { ...settings, ...(inputs.expect && { expect: inputs.expect }) },
        deps,
      );
    if (inputs.action === 'retire')
      return await retire(target, { ...settings, force: inputs.force }, deps);
    const req: DeployRequest = {
      ...settings,
      image: inputs.image ?? '',
      pull: inputs.pull,
      ...(inputs.version && { version: inputs.version }),
      promote: inputs.promote,
      keepFailed: inputs.keepFailed,
      ...(inputs.ifLiveIs && { ifLiveIs: inputs.ifLiveIs }),
    };
    if (!inputs.dryRun) return await deploy(target, req, deps);
    const planned = await plan(target, req, deps);
    return { ...planned, approval: await approval(planned, inputs, deps) };
  } finally {
    await target.close();
  }
}

/**
 * The deploy windows and freezes of the config file, asked before anything else: outside them the
 * run refuses (saying when the next window opens) or, with wait-for-window, waits for it with
 * progress; `override-window` lets it through, said as a warning. Returns the override that did.
 */
async function admitWindow(
  inputs: DeployInputs,
  holder: LockHolder,
  deps: RunDeps,
): Promise<OverrideRecord | undefined> {
  const calendar = inputs.config.windows;
  if (!calendar) return undefined;
  const override = overrideOf(inputs, holder, deps);
  const ask = (): GateDecision =>
    deployGate({
      environment: inputs.config.environment,
      calendar,
      now: new Date(deps.clock.now()),
      ...(override && { override }),
    });
  let gate = ask();
  if (!gate.allowed && inputs.waitForWindowMs > 0 && gate.nextOpen) {
    deps.log.info(
      `${gate.message}; waiting up to ${formatDuration(inputs.waitForWindowMs)} (wait-for-window)`,
    );
    const waited = await waitForWindow(calendar, deps.clock, inputs.waitForWindowMs, (line) =>
      deps.log.info(line),
    );
    if (waited.opened) gate = ask();
  }
  if (!gate.allowed)
    throw new ActionError(
      `not deploying to ${inputs.config.environment}: ${gate.message}. Nothing was changed. Run again then, set wait-for-window to wait for it, or override-window with a reason for an emergency`,
    );
  if (gate.override) deps.log.warning(gate.message);
  return gate.override;
}

/** The freeze switch in the record (read under the lock): a deploy refuses while it stands. */
function admitFreeze(
  state: TargetState,
  calendar: Calendar,
  inputs: DeployInputs,
  holder: LockHolder,
  deps: RunDeps,
): void {
  if (state.freeze === undefined) return;
  const freezeSwitch = parseFreezeRecord(
    state.freeze,
    `the deploy record of ${inputs.config.environment}`,
  );
  const override = overrideOf(inputs, holder, deps);
  const gate = deployGate({
    environment: inputs.config.environment,
    calendar,
    now: new Date(deps.clock.now()),
    freezeSwitch,
    ...(override && { override }),
  });
  if (!gate.allowed) throw new ActionError(`not deploying: ${gate.message}. Nothing was changed`);
  if (gate.override) deps.log.warning(gate.message);
}

function overrideOf(
  inputs: DeployInputs,
  holder: LockHolder,
  deps: RunDeps,
): OverrideRecord | undefined {
  return inputs.overrideWindow
    ? overrideRecord(inputs.overrideWindow, holder.actor, new Date(deps.clock.now()))
    : undefined;
}

/**
 * The plan the approver reads before a protected environment's job starts: what is live vs what a
 * deploy would start, the commits between them (GitHub's compare, with github-token and the live
 * release's commit from its Deployment), the target's dry-run steps, the monitor settings that will
 * judge it, and for a hotfix its reason and rollback plan. GitHub unreachable: said in the plan.
 */
async function approval(
  planned: BlueGreenResult,
  inputs: DeployInputs,
  deps: RunDeps,
): Promise<ApprovalPlan | undefined> {
  const next = planned.candidate;
  if (!next) return undefined;
  const c = inputs.config;
  const { approvalPlan, createGithubClient, listDeployments, repositoryFrom } =
    await import('@switchyard/github');
  const live = planned.before.live ? planned.before.colors[planned.before.live] : undefined;
  let octokit: GithubClient | undefined;
  let repo: Repository | undefined;
  let liveSha: string | undefined;
  if (inputs.githubToken) {
    try {
      octokit = createGithubClient({
        token: inputs.githubToken,
        env: deps.env,
        log: deps.log,
        setSecret: (v) => deps.secrets.add(v),
      });
      repo = repositoryFrom(deps.env);
      if (live) {
        const found = await listDeployments(octokit, repo, c.environment, { pages: 2 });
        liveSha = found.find((d) => d.payload.digest === live.digest)?.sha;
      }
    } catch (error) {
      deps.log.warning(`the approver's plan lists no commits: ${errorMessage(error)}`);
    }
  }
  const keep = formatDuration(c.keepPreviousMs);
  const rules = Object.entries(c.monitor).map(
    ([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  return approvalPlan({
    ...(octokit && { octokit }),
    repo: repo ?? { owner: '', repo: '' },
    environment: c.environment,
    live: live
      ? { version: live.version, digest: live.digest, ...(liveSha && { sha: liveSha }) }
      : null,
    // The commit the image says it was built from (a hotfix's, not the workflow's), else the run's.
    next: {
      version: next.version,
      digest: next.digest,
      sha: next.revision ?? deps.env.GITHUB_SHA ?? '',
    },
    dryRun: planned.plan ?? [],
    monitorRules:
      rules.length > 0 ? rules : ["monitor-window's inputs and defaults (monitor: sets none)"],
    ...(inputs.hotfixReason && {
      hotfix: {
        reason: inputs.hotfixReason,
        rollbackPlan: live
          ? `${live.version} stays warm on ${live.color} for ${keep} after the switch: monitor-window rolls back to it on a failed verdict, and the rollback action at any time`
          : 'nothing is live yet: a failed release is stopped, there is nothing to roll back to',
      },
    }),
  });
}
