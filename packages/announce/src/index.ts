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
// Types only: the GitHub client and notify's channels (Octokit, Slack's client) are loaded by the
// first event that needs them, so a step that tells nothing pays nothing for them at start-up.
import type { DeploymentRecorder, ReleaseInfo } from '@switchyard/github';
import type {
  Release as NotifyRelease,
  Notifier,
  NotifyEvent,
  SlackThread,
} from '@switchyard/notify';
import {
  announcer,
  shortDigest,
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
  o.secrets.add(token);
  /** One recorder per release, by deploy id; undefined when the client can't be built. */
  let recorders: Promise<((deployId: string) => DeploymentRecorder) | undefined> | undefined;
  const load = async (): Promise<((deployId: string) => DeploymentRecorder) | undefined> => {
    const gh = await import('@switchyard/github');
    let client;
    try {
      const octokit = gh.createGithubClient({
        token,
        env: o.env,
        log: o.log,
        setSecret: (v) => o.secrets.add(v),
      });
      client = { octokit, context: gh.runContextFrom(o.env) };
    } catch (error) {
      o.log.warning(
        `the GitHub Deployments record is off for this step: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
    const made = new Map<string, DeploymentRecorder>();
    return (deployId) => {
      let r = made.get(deployId);
      if (!r) {
        r = gh.createDeploymentRecorder({
          ...client,
          environment: o.config.environment,
          log: o.log,
          deployId,
          mask: (s) => o.secrets.mask(s),
        });
        made.set(deployId, r);
      }
      return r;
    };
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
      const recorder = await (recorders ??= load());
      if (!recorder) return;
      switch (e.kind) {
        case 'started':
          await recorder(e.release.deployId).start({
            ...info(e.release, e.color, e.previous),
            ...(e.revision && { revision: e.revision }),
          });
          return;
        case 'live':
          // A rollback's switch is told by its own rolled-back event.
          if (e.action !== 'rollback') await recorder(e.release.deployId).live(e.url);
          return;
        case 'failed':
          await recorder(e.release.deployId).failed(e.reason);
          return;
        case 'verdict-failed':
          // The recorder says "monitor verdict failed: " itself.
          await recorder(e.release.deployId).verdictFailed(e.reasons.join('; '));
          return;
        case 'rolled-back':
          if (e.from)
            // The recorder says "rolled back to <version>: " itself.
            await recorder(e.from.deployId).rolledBack(e.reason, info(e.to, e.color), e.url);
          return;
        default:
          return;
      }
    },
  };
}

/** notify's channels; its Slack thread comes from the record and goes back to it once posted. */
function notifyListener(o: AnnounceOptions, onPosted: (t: StoredThread) => void): ReleaseListener {
  let notifier: Promise<Notifier> | undefined;
  const settings = o.config.notify;
  const build = async (thread: SlackThread | undefined): Promise<Notifier> => {
    const { createNotifier } = await import('@switchyard/notify');
    return createNotifier(settings ?? {}, {
      secret: (name) => o.env[name],
      secrets: o.secrets,
      log: o.log,
      clock: o.clock,
      http: o.http,
      ...(thread && { slackThread: thread }),
      onSlackThread: (t) => onPosted(t),
      slackFetch: proxiedFetch(o.env),
    });
  };
  return {
    name: 'notify',
    async on(e) {
      const event = notifyEvent(o, e);
      if (event) await (await (notifier ??= build(e.thread))).send(event);
    },
  };
}

/** The run that sends (its URL), from the runner's variables. */
function runUrl(env: Env): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  return server && repo && id ? `${server}/${repo}/actions/runs/${id}` : undefined;
}

/**
 * The release's id for notify (its Slack message, its PagerDuty alert key). A run's deploy id names
 * one release; a local one (`local:user@host pid N`) names the process, which may deploy several
 * releases (the demo deploys three), so the digest is added to tell them apart.
 */
export const notifyDeployId = (r: EventRelease): string =>
  r.deployId.startsWith('local:') ? `${r.deployId} ${shortDigest(r.digest)}` : r.deployId;

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
    deployId: notifyDeployId(r),
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
