/**
 * One GitHub Deployment per release, with the true outcome (DESIGN.md §2, issue 24).
 *
 * Decision: switchyard creates its own Deployment for each release, and the example workflows set
 * `environment: { name: X, deployment: false }` on the deploying jobs, so GitHub creates none of its
 * own (its reviewers and wait timers still apply). One record per release, no duplicates. When a
 * Deployment GitHub made for this run is found anyway, one warning says to set `deployment: false`.
 *
 * Statuses follow traffic: `in_progress` while the color starts, `success` (with the live URL and
 * the run) once traffic is on it, `failure` when it never got traffic, when its monitor verdict
 * failed or when it was rolled back; the version live again gets a fresh Deployment with `success`.
 * Older successful Deployments of the environment are made `inactive`: by GitHub's `auto_inactive`,
 * and explicitly too, as GitHub's reference says `auto_inactive` skips production environments.
 *
 * A record never blocks a deploy or a rollback: every method resolves, and a failure (no permission,
 * GitHub unreachable) becomes a warning that the GitHub record was not written. After GitHub was
 * unreachable or refused the token, later calls of the same recorder are skipped at once.
 */
import { CONTROL, errorMessage, redactCredentials, type Logger } from '@switchyard/kit';
import type { GithubClient } from './client.js';
import type { RunContext } from './context.js';
import { gotAnswer, permissionProblem, statusOf } from './permissions.js';
import { latestStatus, listDeployments, type DeploymentPayload } from './record-log.js';

/** GitHub's limit on a status description. */
export const DESCRIPTION_LIMIT = 140;

/** A release as the record needs it. */
export interface ReleaseInfo {
  readonly version: string;
  readonly digest: string;
  readonly color: string;
  /** The target kind and name, e.g. `docker` or `kubernetes/prod-eu`. */
  readonly target: string;
  /** The deploy's id (the run URL that deployed it), as the target records it. */
  readonly deployId: string;
  readonly previousVersion?: string;
  /**
   * The commit the release was built from (its image's revision label): the Deployment's ref when
   * it is not the run's commit (a hotfix built from another ref); else, or unset, the run's ref.
   */
  readonly revision?: string;
}

/** What one recorder call did. */
export interface RecordOutcome {
  readonly written: boolean;
  /** The Deployment written to, when known. */
  readonly deploymentId?: number;
  /** Why the record was not (fully) written; already logged as a warning. */
  readonly warning?: string;
}

/** The GitHub record of one release in one environment. Every method resolves; none throws. */
export interface DeploymentRecorder {
  /** Creates the release's Deployment, status `in_progress`. */
  start(release: ReleaseInfo): Promise<RecordOutcome>;
  /** Traffic is on the release: `success` with `url`; older successful ones become `inactive`. */
  live(url: string): Promise<RecordOutcome>;
  /** The release never got traffic: `failure`. */
  failed(reason: string): Promise<RecordOutcome>;
  /** The monitor window's verdict failed: `failure` with the reason. */
  verdictFailed(reason: string): Promise<RecordOutcome>;
  /** Traffic went back to `to`: `failure` on this release, a fresh `success` Deployment for `to`. */
  rolledBack(reason: string, to: ReleaseInfo, url?: string): Promise<RecordOutcome>;
}

/** Options of {@link createDeploymentRecorder}. */
export interface RecorderOptions {
  readonly octokit: GithubClient;
  readonly context: RunContext;
  readonly environment: string;
  readonly log: Logger;
  /**
   * The deploy id of the release recorded, when this recorder did not `start` it (a monitor or
   * rollback job, another run): its Deployment is looked up by `environment` and `payload.deployId`.
   */
  readonly deployId?: string;
  /** Applied to every description before it is sent (registered secrets → `***`). */
  readonly mask?: (text: string) => string;
}

/** Whether an environment's name says end users reach it (`production`, `prod`, `prod-eu`, …). */
export function isProductionEnvironment(name: string): boolean {
  return /^prod(uction)?(?:$|[-_./ ])/i.test(name.trim());
}

const CONTROLS = new RegExp(`${CONTROL.source}+`, 'g');

/** `text` on one line and within GitHub's 140 characters, cut with an ellipsis when longer. */
export function fitDescription(text: string, limit = DESCRIPTION_LIMIT): string {
  const line = text.replace(CONTROLS, ' ').replace(/\s+/g, ' ');
  const chars = Array.from(line.trim());
  return chars.length <= limit ? chars.join('') : `${chars.slice(0, limit - 1).join('')}…`;
}

const WARNING = 'the GitHub record was not written';

/** How many of an environment's newest other Deployments a switch checks for `success` to make inactive. */
const DEACTIVATE_WINDOW = 10;

/** A failure after which later calls cannot succeed either: no permission, or no answer from GitHub. */
function isFatal(error: unknown): boolean {
  return (
    permissionProblem(error, 'deployments') !== undefined ||
    (statusOf(error) !== undefined && !gotAnswer(error))
  );
}

/** The ref to deploy: a branch or tag by name (as environment branch policies match), else the sha. */
function deployRef(context: RunContext): string {
  const m = /^refs\/(?:heads|tags)\/(.+)$/.exec(context.ref);
  return m?.[1] ?? context.sha;
}

/** A recorder writing to GitHub through `octokit`. */
export function createDeploymentRecorder(options: RecorderOptions): DeploymentRecorder {
  return new GithubRecorder(options);
}

/** A recorder for when there is no token: it writes nothing and says so once. */
export function disabledRecorder(log: Logger, why = 'no GitHub token'): DeploymentRecorder {
  let told = false;
  const skip = (): Promise<RecordOutcome> => {
    const warning = `${WARNING}: ${why}`;
    if (!told) log.warning(warning);
    told = true;
    return Promise.resolve({ written: false, warning });
  };
  return { start: skip, live: skip, failed: skip, verdictFailed: skip, rolledBack: skip };
}

class GithubRecorder implements DeploymentRecorder {
  private deploymentId?: number;
  private release?: Partial<DeploymentPayload>;
  /** Set once GitHub was unreachable or refused the token: later calls are skipped. */
  private stopped?: string;

  constructor(private readonly o: RecorderOptions) {}

  private get repository(): { owner: string; repo: string } {
    return { owner: this.o.context.owner, repo: this.o.context.repo };
  }

  start(release: ReleaseInfo): Promise<RecordOutcome> {
    return this.guard(`start of ${release.version}`, async () => {
      await this.warnIfGithubCreated();
      // The run's ref by name (so branch policies can match it) when the image was built from the
      // run's commit; the image's own commit when it was not (a hotfix built from another ref).
      const { sha } = this.o.context;
      const other =
        release.revision && !sha.startsWith(release.revision) && !release.revision.startsWith(sha)
          ? release.revision
          : undefined;
      const id = await this.create(release, `deploying ${release.version} to ${release.color}`, {
        ref: other,
      });
      this.deploymentId = id;
      this.release = release;
      await this.status(id, 'in_progress', `starting ${release.version} in ${release.color}`);
      return id;
    });
  }

  live(url: string): Promise<RecordOutcome> {
    return this.guard('live', async () => {
      const id = await this.current();
      const v = this.release?.version ?? '';
      await this.status(id, 'success', `${v} live on ${this.release?.color ?? ''}`, url);
      await this.deactivateOthers(id);
      return id;
    });
  }

  failed(reason: string): Promise<RecordOutcome> {
    return this.guard('failure', async () => {
      const id = await this.current();
      await this.status(id, 'failure', `never got traffic: ${reason}`);
      return id;
    });
  }

  verdictFailed(reason: string): Promise<RecordOutcome> {
    return this.guard('failed verdict', async () => {
      const id = await this.current();
      await this.status(id, 'failure', `monitor verdict failed: ${reason}`);
      return id;
    });
  }

  rolledBack(reason: string, to: ReleaseInfo, url?: string): Promise<RecordOutcome> {
    return this.guard(`rollback to ${to.version}`, async () => {
      const from = await this.current().catch((error: unknown) => {
        if (isFatal(error)) throw error;
        this.o.log.warning(`${WARNING} for the release rolled back from: ${errorMessage(error)}`);
        return undefined;
      });
      if (from !== undefined)
        await this.status(from, 'failure', `rolled back to ${to.version}: ${reason}`);
      const ref = (await this.earlierDeploymentOf(to.digest))?.sha;
      const fromVersion = this.release?.version ?? '';
      const id = await this.create(
        { ...to, previousVersion: fromVersion },
        `${to.version} live again after a rollback`,
        { rollbackOf: this.release?.deployId || this.o.deployId || 'unknown', ref },
      );
      await this.status(
        id,
        'success',
        fromVersion
          ? `${to.version} live again: rollback from ${fromVersion}`
          : `${to.version} live again after a rollback`,
        url,
      );
      await this.deactivateOthers(id);
      return id;
    });
  }

  /** Runs one record step; any failure becomes a warning, and a fatal one stops later steps. */
  private async guard(what: string, step: () => Promise<number>): Promise<RecordOutcome> {
    if (this.stopped) {
      const warning = `${WARNING} (${what}): skipped, ${this.stopped}`;
      this.o.log.warning(warning);
      return { written: false, warning };
    }
    try {
      return { written: true, deploymentId: await step() };
    } catch (error) {
      const permission = permissionProblem(error, 'deployments');
      if (isFatal(error))
        this.stopped = permission
          ? 'the token may not write deployments (see above)'
          : 'GitHub was unreachable (see above)';
      const warning = `${WARNING} (${what}): ${permission ?? errorMessage(error)}`;
      this.o.log.warning(warning);
      return {
        written: false,
        ...(this.deploymentId ? { deploymentId: this.deploymentId } : {}),
        warning,
      };
    }
  }

  /** The Deployment of the release recorded: the one started here, else found by deploy id. */
  private async current(): Promise<number> {
    if (this.deploymentId !== undefined) return this.deploymentId;
    const deployId = this.o.deployId;
    if (!deployId)
      throw new Error('no Deployment was started and no deploy id was given to find one');
    const found = (
      await listDeployments(this.o.octokit, this.repository, this.o.environment, { pages: 3 })
    ).find((d) => d.payload.deployId === deployId && !d.payload.rollbackOf);
    if (!found)
      throw new Error(
        `no Deployment of ${this.o.environment} has deploy id ${deployId} among its 90 newest`,
      );
    this.deploymentId = found.id;
    this.release = found.payload;
    return found.id;
  }

  private async create(
    release: ReleaseInfo,
    description: string,
    extra: { rollbackOf?: string; ref?: string | undefined } = {},
  ): Promise<number> {
    const { context, environment } = this.o;
    const payload = {
      digest: release.digest,
      version: release.version,
      color: release.color,
      target: release.target,
      deployId: release.deployId,
      previousVersion: release.previousVersion ?? '',
      actor: context.actor,
      ...(extra.rollbackOf ? { rollbackOf: extra.rollbackOf } : {}),
    };
    const { data } = await this.o.octokit.rest.repos.createDeployment({
      ...this.repository,
      ref: extra.ref || deployRef(context),
      task: 'deploy',
      environment,
      payload,
      description: this.describe(description),
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
      production_environment: isProductionEnvironment(environment),
    });
    if (!('id' in data) || typeof data.id !== 'number')
      throw new Error(`GitHub created no Deployment: ${JSON.stringify(data).slice(0, 200)}`);
    return data.id;
  }

  private async status(
    id: number,
    state: 'in_progress' | 'success' | 'failure' | 'inactive',
    description: string,
    environmentUrl?: string,
  ): Promise<void> {
    await this.o.octokit.rest.repos.createDeploymentStatus({
      ...this.repository,
      deployment_id: id,
      state,
      description: this.describe(description),
      log_url: this.o.context.runUrl,
      ...(environmentUrl ? { environment_url: environmentUrl } : {}),
      ...(state === 'success' ? { auto_inactive: true } : {}),
    });
  }

  private describe(text: string): string {
    return fitDescription(redactCredentials((this.o.mask ?? ((s: string) => s))(text)));
  }

  /**
   * Marks the other Deployments of the environment whose newest status is `success` as inactive,
   * among its newest {@link DEACTIVATE_WINDOW}: as every switch does this, only the one before can
   * still be `success`, and a long history costs no more calls.
   */
  private async deactivateOthers(keep: number): Promise<void> {
    const all = await listDeployments(this.o.octokit, this.repository, this.o.environment);
    for (const d of all.filter((x) => x.id !== keep).slice(0, DEACTIVATE_WINDOW)) {
      if ((await latestStatus(this.o.octokit, this.repository, d.id))?.state !== 'success')
        continue;
      await this.status(d.id, 'inactive', `replaced by Deployment ${keep}`);
    }
  }

  /** The newest earlier Deployment of `digest` in this environment (its sha is the release's commit). */
  private async earlierDeploymentOf(digest: string): Promise<{ sha: string } | undefined> {
    if (!digest) return undefined;
    const all = await listDeployments(this.o.octokit, this.repository, this.o.environment, {
      pages: 3,
    });
    return all.find((d) => d.payload.digest === digest && /^[0-9a-f]{40,64}$/.test(d.sha));
  }

  /**
   * Warns once when GitHub made a Deployment of its own for this job (same sha, not ours, a status
   * pointing at this run): the job should set `environment: { deployment: false }`.
   */
  private async warnIfGithubCreated(): Promise<void> {
    const { context, environment, log, octokit } = this.o;
    try {
      const same = await listDeployments(octokit, this.repository, environment, {
        sha: context.sha,
      });
      for (const d of same.filter(
        (x) => !x.payload.deployId && x.creator === 'github-actions[bot]',
      )) {
        const s = await latestStatus(octokit, this.repository, d.id);
        if (!s?.logUrl.includes(`/actions/runs/${context.runId}`)) continue;
        log.warning(
          `GitHub created Deployment ${d.id} for this job's environment "${environment}" as well as the one switchyard records: ` +
            `set "environment: { name: ${environment}, deployment: false }" on the job so each release has one Deployment`,
        );
        return;
      }
    } catch (error) {
      if (isFatal(error)) throw error;
      log.debug(`could not look for a Deployment GitHub made for this job: ${errorMessage(error)}`);
    }
  }
}
