/**
 * @switchyard/announce: who hears about a release, wired once for every action that changes or
 * judges traffic: the GitHub Deployments record (@switchyard/github) and the environment's
 * notifications (@switchyard/notify), as listeners of the core's release events
 * (@switchyard/targets `announcer`). Neither ever fails a deploy or blocks a rollback.
 */
import type { EnvironmentConfig } from '@switchyard/config';
import type { Clock, Logger, Secrets } from '@switchyard/kit';
import type { Http } from '@switchyard/probe';
import { proxiedFetch } from '@switchyard/probe';
import {
  createDeploymentRecorder,
  createGithubClient,
  runContextFrom,
  type DeploymentRecorder,
  type GithubClient,
  type ReleaseInfo,
  type RunContext,
} from '@switchyard/github';
import {
  createNotifier,
  type Release as NotifyRelease,
  type Notifier,
  type NotifyEvent,
  type SlackThread,
} from '@switchyard/notify';
import {
  announcer,
  type Announce,
  type EventRelease,
  type ReleaseEvent,
  type ReleaseListener,
  type StoredThread,
} from '@switchyard/targets';

type Env = Readonly<Record<string, string | undefined>>;

export interface AnnounceOptions {
  readonly config: Pick<EnvironmentConfig, 'app' | 'environment' | 'notify'>;
  /** How the target names itself in the GitHub record (`docker (…)`, `kubernetes (…)`). */
  readonly target: string;
  /** The step's environment: GITHUB_* (the run), GITHUB_API_URL, proxies, secret values by name. */
  readonly env: Env;
  /** The `github-token` input ('' or absent: no GitHub record). */
  readonly githubToken?: string;
  /** The reason an `override-window` let this deploy through, told with every event. */
  readonly override?: string;
  readonly secrets: Secrets;
  readonly log: Logger;
  readonly clock: Clock;
  readonly http: Http;
}

/** The listeners of one step, and what they ask the record to keep. */
export interface Announcing {
  /** For `BlueGreenDeps.announce` and the actions' own events. */
  readonly announce: Announce;
  /** For `TargetDeps.recordExtras`: the release's Slack message, once posted. */
  readonly recordExtras: () => { slackThread?: StoredThread };
}

/** Builds the step's listeners: the GitHub record when a token is given, notify's channels when set. */
export function announcing(o: AnnounceOptions): Announcing {
  const listeners: ReleaseListener[] = [];
  const github = githubListener(o);
  if (github) listeners.push(github);
  let posted: StoredThread | undefined;
  if (o.config.notify) listeners.push(notifyListener(o, (t) => (posted = t)));
  return {
    announce: announcer(listeners, o),
    recordExtras: () => (posted ? { slackThread: posted } : {}),
  };
}

/** The GitHub record: one recorder per release (found by its deploy id), created on first need. */
function githubListener(o: AnnounceOptions): ReleaseListener | undefined {
  const token = o.githubToken?.trim() ?? '';
  if (!token) {
    o.log.debug('no github-token: the GitHub Deployments record is not written');
    return undefined;
  }
  let client: { octokit: GithubClient; context: RunContext };
  try {
    const octokit = createGithubClient({
      token,
      env: o.env,
      log: o.log,
      setSecret: (v) => o.secrets.add(v),
    });
    client = { octokit, context: runContextFrom(o.env) };
  } catch (error) {
    o.log.warning(
      `the GitHub Deployments record is off for this step: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
  const recorders = new Map<string, DeploymentRecorder>();
  const recorder = (deployId: string): DeploymentRecorder => {
    let r = recorders.get(deployId);
    if (!r) {
      r = createDeploymentRecorder({
        ...client,
        environment: o.config.environment,
        log: o.log,
        deployId,
        mask: (s) => o.secrets.mask(s),
      });
      recorders.set(deployId, r);
    }
    return r;
  };
  const info = (r: EventRelease, color: string, previous?: EventRelease): ReleaseInfo => ({
    version: r.version,
    digest: r.digest,
    color,
    target: o.target,
    deployId: r.deployId,
    ...(previous && { previousVersion: previous.version }),
  });
  return {
    name: 'GitHub Deployments',
    async on(e) {
      switch (e.kind) {
        case 'started':
          await recorder(e.release.deployId).start(info(e.release, e.color, e.previous));
          return;
        case 'live':
          // A rollback's switch is told by its own rolled-back event.
          if (e.action !== 'rollback') await recorder(e.release.deployId).live(e.url);
          return;
        case 'failed':
          await recorder(e.release.deployId).failed(e.reason);
          return;
        case 'verdict-failed':
          await recorder(e.release.deployId).verdictFailed(
            `monitor window failed: ${e.reasons.join('; ')}`,
          );
          return;
        case 'rolled-back':
          if (e.from)
            await recorder(e.from.deployId).rolledBack(
              `rolled back to ${e.to.version}: ${e.reason}`,
              info(e.to, e.color),
              e.url,
            );
          return;
        default:
          return;
      }
    },
  };
}

/** notify's channels; its Slack thread comes from the record and goes back to it once posted. */
function notifyListener(o: AnnounceOptions, onPosted: (t: StoredThread) => void): ReleaseListener {
  let notifier: Notifier | undefined;
  const settings = o.config.notify;
  const build = (thread: SlackThread | undefined): Notifier =>
    (notifier ??= createNotifier(settings ?? {}, {
      secret: (name) => o.env[name],
      secrets: o.secrets,
      log: o.log,
      clock: o.clock,
      http: o.http,
      ...(thread && { slackThread: thread }),
      onSlackThread: (t) => onPosted(t),
      slackFetch: proxiedFetch(o.env),
    }));
  return {
    name: 'notify',
    async on(e) {
      const event = notifyEvent(o, e);
      if (event) await build(e.thread).send(event);
    },
  };
}

/** The run that sends (its URL), from the runner's variables. */
function runUrl(env: Env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

/** A core event as notify tells it (undefined: not one people are told of). */
export function notifyEvent(o: AnnounceOptions, e: ReleaseEvent): NotifyEvent | undefined {
  const run = runUrl(o.env);
  const base = (
    r: EventRelease,
    extra: { color?: string; liveUrl?: string; previous?: EventRelease } = {},
  ): NotifyRelease => ({
    app: o.config.app,
    environment: o.config.environment,
    version: r.version,
    digest: r.digest,
    deployId: r.deployId,
    ...(extra.color && { color: extra.color }),
    ...(extra.liveUrl && { liveUrl: extra.liveUrl }),
    ...(extra.previous && { previousVersion: extra.previous.version }),
    ...(run && { runUrl: run }),
    ...(o.override && { override: o.override }),
  });
  switch (e.kind) {
    case 'started':
      return {
        kind: 'started',
        ...base(e.release, { color: e.color, ...(e.previous && { previous: e.previous }) }),
      };
    case 'preview':
      return { kind: 'preview', ...base(e.release, { color: e.color }) };
    case 'live':
      return e.action === 'rollback'
        ? undefined
        : {
            kind: 'live',
            ...base(e.release, {
              color: e.color,
              liveUrl: e.url,
              ...(e.previous && { previous: e.previous }),
            }),
          };
    case 'failed':
      // A deploy that never got traffic is no incident: a warning in the release's thread.
      return {
        kind: 'warning',
        ...base(e.release),
        reasons: [`the deploy failed before any traffic reached it: ${e.reason}`],
      };
    case 'watching':
      return { kind: 'watching', ...base(e.release) };
    case 'passed':
      return { kind: 'passed', ...base(e.release) };
    case 'verdict-failed':
      return { kind: 'failed', ...base(e.release), reasons: e.reasons };
    case 'warning':
      return e.release ? { kind: 'warning', ...base(e.release), reasons: [e.message] } : undefined;
    case 'rolled-back':
      return e.from
        ? {
            kind: 'rolled-back',
            ...base(e.from, { liveUrl: e.url }),
            to: e.to.version,
            healthy: e.healthy,
          }
        : undefined;
    case 'rollback-failed':
      return e.from ? { kind: 'rollback-failed', ...base(e.from), reasons: [e.reason] } : undefined;
  }
}
