/**
 * Builds a {@link Notifier} from parsed `notify:` settings and the secrets' values. A secret with no
 * value turns its channel off with a warning (a notification must never stop a deploy); every value
 * found is registered for masking before anything is sent.
 */
import type { FetchFunction } from '@slack/web-api';
import type { Clock, Logger, Secrets } from '@switchyard/kit';
import type { Http } from '@switchyard/probe';
import type { NotifySettings } from './config.js';
import { Notifier, type ChannelEntry, type NotifierOptions } from './notifier.js';
import { PagerDutyChannel, PAGERDUTY_LIMITS } from './pagerduty.js';
import { SlackBotChannel, SlackWebhookChannel, type SlackThread } from './slack.js';
import { WebhookChannel } from './webhook.js';

export interface NotifierDeps {
  /** A secret's value by name (the step's env, or an input), undefined or '' when unset. */
  readonly secret: (name: string) => string | undefined;
  readonly secrets: Secrets;
  readonly log: Logger;
  readonly clock: Clock;
  readonly http: Http;
  /** The release's Slack message from an earlier job (from the deploy record). */
  readonly slackThread?: SlackThread;
  /** Told when the release's Slack message is first posted: store it in the deploy record. */
  readonly onSlackThread?: (thread: SlackThread) => void;
  /** The `fetch` Slack's WebClient uses (default the global one), e.g. one through a proxy. */
  readonly slackFetch?: FetchFunction;
  /** Delivery tuning (budget, timeouts, attempts, backoff). */
  readonly delivery?: Omit<NotifierOptions, 'channels' | 'log' | 'clock' | 'secrets'>;
}

/** The notifier for an environment's settings; with no channel set it sends nothing. */
export function createNotifier(settings: NotifySettings, deps: NotifierDeps): Notifier {
  const { log, secrets, http, clock } = deps;
  const value = (channel: string, key: string, name: string): string | undefined => {
    const v = deps.secret(name);
    if (v === undefined || v.trim() === '') {
      log.warning(
        `notify: ${channel} is off for this run: ${key} names ${name}, which has no value. Pass it to the step as env: ${name}: \${{ secrets.${name} }}`,
      );
      return undefined;
    }
    secrets.add(v);
    return v.trim();
  };
  const channels: ChannelEntry[] = [];
  const { slack, pagerduty, webhook } = settings;
  if (slack?.mode === 'bot') {
    const token = value('slack', 'token-secret', slack.tokenSecret);
    if (token)
      channels.push({
        events: slack.events,
        channel: new SlackBotChannel({
          token,
          channel: slack.channel,
          ...(slack.apiUrl && { apiUrl: slack.apiUrl }),
          ...(deps.slackThread && { thread: deps.slackThread }),
          ...(deps.onSlackThread && { onThread: deps.onSlackThread }),
          ...(deps.slackFetch && { fetch: deps.slackFetch }),
        }),
      });
  } else if (slack?.mode === 'webhook') {
    const url = value('slack', 'webhook-secret', slack.webhookSecret);
    if (url)
      channels.push({ events: slack.events, channel: new SlackWebhookChannel({ url, http }) });
  }
  if (pagerduty) {
    const key = value('pagerduty', 'routing-key-secret', pagerduty.routingKeySecret);
    if (key && key.length !== PAGERDUTY_LIMITS.routingKey)
      log.warning(
        `notify: pagerduty routing key (${pagerduty.routingKeySecret}) is ${key.length} characters, not ${PAGERDUTY_LIMITS.routingKey}; PagerDuty may refuse it. Use the Events API v2 integration key of the service`,
      );
    if (key)
      channels.push({
        events: pagerduty.events,
        channel: new PagerDutyChannel({
          routingKey: key,
          http,
          now: () => clock.now(),
          ...(pagerduty.endpoint && { endpoint: pagerduty.endpoint }),
        }),
      });
  }
  if (webhook) {
    const secret = value('webhook', 'secret', webhook.secret);
    if (secret)
      channels.push({
        events: webhook.events,
        channel: new WebhookChannel({ url: webhook.url, secret, http, now: () => clock.now() }),
      });
  }
  return new Notifier({ ...deps.delivery, channels, log, clock, secrets });
}
