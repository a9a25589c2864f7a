/**
 * Shared set-up of the announce tests: the GitHub fake and the notification fakes on loopback, the
 * step options that point the real GitHub client and notify's channels at them, and the core events
 * of one release as blue-green, the monitor window and rollback announce them.
 */
import { Secrets } from '@switchyard/kit';
import type { NotifySettings } from '@switchyard/notify';
import { nodeHttp } from '@switchyard/probe';
import type { EventRelease, ReleaseEvent, StoredThread } from '@switchyard/targets';
import type { AnnounceOptions } from '../src/index.js';
import { FakeClock, RecordingLogger } from '../../../test/support/fakes.js';
import { startGithubFake, type GithubFake } from '../../../test/support/github-fake/index.js';
import {
  PagerDutyFake,
  SlackApiFake,
  WebhookReceiverFake,
} from '../../../test/support/notify-fakes/index.js';

export const APP = 'shop';
export const ENVIRONMENT = 'production';
export const LIVE_URL = 'https://shop.example.test';
export const SLACK_TOKEN = 'xoxb-1111-2222-notarealtoken';
export const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
export const HOOK_SECRET = 'hook-secret-0123456789';

/** Every fake a step talks to, started. */
export interface World {
  readonly github: GithubFake;
  readonly slack: SlackApiFake;
  readonly pd: PagerDutyFake;
  readonly receiver: WebhookReceiverFake;
}

export async function startWorld(): Promise<World> {
  const slack = new SlackApiFake(SLACK_TOKEN);
  const pd = new PagerDutyFake();
  const receiver = new WebhookReceiverFake(HOOK_SECRET);
  const [github] = await Promise.all([
    startGithubFake(),
    slack.start(),
    pd.start(),
    receiver.start(),
  ]);
  return { github, slack, pd, receiver };
}

export async function stopWorld(w: World): Promise<void> {
  await Promise.all([w.github.close(), w.slack.close(), w.pd.close(), w.receiver.close()]);
}

/** `notify:` as the config file would give it, every channel on a fake. */
export function notifySettings(w: World): NotifySettings {
  return {
    slack: {
      mode: 'bot',
      channel: '#deploys',
      tokenSecret: 'SLACK_BOT_TOKEN',
      apiUrl: w.slack.apiUrl(),
      events: ['all'],
    },
    pagerduty: { routingKeySecret: 'PD_ROUTING_KEY', endpoint: w.pd.url(), events: ['critical'] },
    webhook: { url: `${w.receiver.url()}/hooks/deploys`, secret: 'HOOK_SECRET', events: ['all'] },
  };
}

/** The step's environment: the run's GITHUB_* variables and the secrets by name. */
export function stepEnv(w: World, runId: string): Record<string, string> {
  return {
    GITHUB_API_URL: w.github.url,
    GITHUB_REPOSITORY: 'octo-org/service',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: runId,
    GITHUB_SHA: w.github.commits.at(-1) ?? '',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_ACTOR: 'octo-dev',
    GITHUB_EVENT_NAME: 'push',
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    PD_ROUTING_KEY: ROUTING_KEY,
    HOOK_SECRET,
  };
}

/** One step's options (a new step: its own log, secrets and clock), with changes. */
export function stepOptions(
  w: World,
  runId: string,
  edit: (o: AnnounceOptions) => AnnounceOptions = (o) => o,
): { options: AnnounceOptions; log: RecordingLogger; secrets: Secrets } {
  const log = new RecordingLogger();
  const secrets = new Secrets();
  const options: AnnounceOptions = {
    config: { app: APP, environment: ENVIRONMENT, notify: notifySettings(w) },
    target: 'docker (test)',
    env: stepEnv(w, runId),
    githubToken: 'ghs_full',
    secrets,
    log,
    clock: new FakeClock(),
    http: nodeHttp,
  };
  return { options: edit(options), log, secrets };
}

/** A release as the events name it; its deploy id is the run that deployed it. */
export function release(version: string, runId: string): EventRelease {
  return {
    image: `registry.test/shop:${version}`,
    digest: `sha256:${version.replace(/\D/g, '').padEnd(64, '0')}`,
    version,
    deployId: `https://github.com/octo-org/service/actions/runs/${runId}`,
  };
}

/** What a deploy step announces for `r` up to live traffic (blue-green with promote). */
export function deployEvents(
  r: EventRelease,
  color: 'blue' | 'green',
  previous?: EventRelease,
): ReleaseEvent[] {
  return [
    { kind: 'started', release: r, color, ...(previous && { previous }) },
    { kind: 'preview', release: r, color, previewUrl: 'http://127.0.0.1:18081' },
    {
      kind: 'live',
      release: r,
      color,
      url: LIVE_URL,
      action: 'deploy',
      ...(previous && { previous }),
    },
  ];
}

/** The monitor window's first event. */
export const watching = (r: EventRelease): ReleaseEvent => ({
  kind: 'watching',
  release: r,
  windowMs: 60_000,
  rules: ['error rate < 5%'],
});

/** Each event with the stored Slack thread, as a later step reads it from the record. */
export const withThread = (events: ReleaseEvent[], thread: StoredThread | undefined) =>
  events.map((e) => (thread ? { ...e, thread } : e));

/** What GitHub holds for the environment: `version: state → state` per Deployment, oldest first. */
export function githubRecord(w: World): string[] {
  return w.github.deploymentsOf(ENVIRONMENT).map((d) => {
    const payload = typeof d.payload === 'string' ? {} : d.payload;
    return `${String(payload.version)}: ${d.statuses.map((s) => s.state).join(' → ')}`;
  });
}

/** The header of each version of a Slack message (Block Kit's first block). */
export function headers(versions: readonly { blocks: unknown }[]): string[] {
  return versions.map((v) => {
    const first = (v.blocks as { text?: { text?: string } }[] | undefined)?.[0];
    return first?.text?.text ?? '';
  });
}

/** The warning lines of a step. */
export const warnings = (log: RecordingLogger): string[] =>
  log.lines.filter((l) => l.level === 'warning').map((l) => l.message);
