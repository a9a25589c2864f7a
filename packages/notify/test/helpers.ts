/** Shared set-up of the notify tests: the fakes on loopback and a notifier wired to them. */
import { Secrets } from '@switchyard/kit';
import { nodeHttp } from '@switchyard/probe';
import {
  createNotifier,
  type Notifier,
  type NotifierDeps,
  type NotifySettings,
  type ReleaseEvent,
  type Release,
  type SlackThread,
} from '@switchyard/notify';
import { FakeClock, RecordingLogger } from '../../../test/support/fakes.js';
import {
  PagerDutyFake,
  SlackApiFake,
  SlackWebhookFake,
  WebhookReceiverFake,
} from '../../../test/support/notify-fakes/index.js';

export const TOKEN = 'xoxb-1111-2222-notarealtoken';
export const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF'.slice(0, 32);
export const HOOK_SECRET = 'hook-secret-0123456789';

/** The release of the tests. */
export const RELEASE: Release = {
  app: 'shop',
  environment: 'production',
  version: '1.5.0',
  previousVersion: '1.4.2',
  digest: 'sha256:' + 'a'.repeat(64),
  deployId: 'run-42-1',
  color: 'green',
  runUrl: 'https://github.example/acme/shop/actions/runs/42',
  liveUrl: 'https://shop.example.com',
  approvedBy: 'alice',
};

/** An event of the release. */
export const ev = (e: Partial<ReleaseEvent> & Pick<ReleaseEvent, 'kind'>): ReleaseEvent =>
  ({ ...RELEASE, ...e }) as ReleaseEvent;

/** All four fakes, started. */
export interface Fakes {
  slack: SlackApiFake;
  hook: SlackWebhookFake;
  pd: PagerDutyFake;
  receiver: WebhookReceiverFake;
}

export async function startFakes(): Promise<Fakes> {
  const f: Fakes = {
    slack: new SlackApiFake(TOKEN),
    hook: new SlackWebhookFake(),
    pd: new PagerDutyFake(),
    receiver: new WebhookReceiverFake(HOOK_SECRET),
  };
  await Promise.all(Object.values(f).map((x: { start(): Promise<string> }) => x.start()));
  return f;
}

export async function stopFakes(f: Fakes): Promise<void> {
  await Promise.all(Object.values(f).map((x: { close(): Promise<void> }) => x.close()));
}

/** Settings pointing every channel at the fakes (Slack by bot token, or by webhook). */
export function settingsFor(f: Fakes, slack: 'bot' | 'webhook' = 'bot'): NotifySettings {
  return {
    slack:
      slack === 'bot'
        ? {
            mode: 'bot',
            channel: '#deploys',
            tokenSecret: 'SLACK_BOT_TOKEN',
            apiUrl: f.slack.apiUrl(),
            events: ['all'],
          }
        : { mode: 'webhook', webhookSecret: 'SLACK_WEBHOOK_URL', events: ['all'] },
    pagerduty: { routingKeySecret: 'PD_ROUTING_KEY', endpoint: f.pd.url(), events: ['critical'] },
    webhook: { url: `${f.receiver.url()}/hooks/deploys`, secret: 'HOOK_SECRET', events: ['all'] },
  };
}

/** The secrets' values, as the step's env would hold them. */
export function env(f: Fakes): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_WEBHOOK_URL: f.hook.hookUrl(),
    PD_ROUTING_KEY: ROUTING_KEY,
    HOOK_SECRET,
  };
}

/** A notifier over real HTTP to the fakes, on a virtual clock, recording its log. */
export function notifierFor(
  f: Fakes,
  opts: {
    slack?: 'bot' | 'webhook';
    thread?: SlackThread;
    onThread?: (t: SlackThread) => void;
    /** Changes to the settings (e.g. an endpoint on a closed port). */
    edit?: (s: NotifySettings) => NotifySettings;
    delivery?: NotifierDeps['delivery'];
  } = {},
): { notifier: Notifier; log: RecordingLogger; clock: FakeClock; secrets: Secrets } {
  const log = new RecordingLogger();
  const clock = new FakeClock();
  const secrets = new Secrets();
  const values = env(f);
  const settings = settingsFor(f, opts.slack);
  const notifier = createNotifier(opts.edit ? opts.edit(settings) : settings, {
    secret: (name) => values[name],
    secrets,
    log,
    clock,
    http: nodeHttp,
    ...(opts.thread && { slackThread: opts.thread }),
    ...(opts.onThread && { onSlackThread: opts.onThread }),
    delivery: { requestTimeoutMs: 2_000, ...opts.delivery },
  });
  return { notifier, log, clock, secrets };
}
