/**
 * Slack, two ways. With a bot token: one message per release, posted once (chat.postMessage) and
 * updated in place (chat.update) as the release moves, monitor warnings replied in its thread
 * (`thread_ts`). The message's place ({@link SlackThread}) outlives the job: the caller stores it (in the
 * deploy record) and hands it back to the next job's channel. With only an incoming-webhook URL: one
 * message per state change.
 *
 * https://docs.slack.dev/reference/methods/chat.postMessage — channel ID or name; answers
 * `{ok, channel, ts}` (the channel's ID). https://docs.slack.dev/reference/methods/chat.update —
 * `channel` must be the ID, `ts` the message's. https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 * — POST JSON, answers 200 `ok`, or 400/403/404/410 with an error word.
 */
import {
  ErrorCode,
  LogLevel,
  WebClient,
  type Logger as SlackLogger,
  type FetchFunction,
  type WebAPICallResult,
} from '@slack/web-api';
import type { Http } from '@switchyard/probe';
import { DeliveryError, postJson, type Channel, type Send } from './delivery.js';
import { isRelease, type NotifyEvent } from './events.js';
import { releaseMessage, warningMessage, type SlackMessage } from './slack-blocks.js';

/** Where a release's message is: the channel's ID and the message's `ts`, and whose release it is. */
export interface SlackThread {
  readonly channel: string;
  readonly ts: string;
  /** `app/environment/deployId`: a thread is reused only for the release that posted it. */
  readonly release: string;
}

/** Slack's API base (what the SDK uses by default). */
export const SLACK_API_URL = 'https://slack.com/api/';

/** Slack errors (`{ok:false, error}`) that say "try again later". */
const TRANSIENT = new Set([
  'ratelimited',
  'rate_limited',
  'fatal_error',
  'internal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Settings of the bot-token channel. */
export interface SlackBotOptions {
  readonly token: string;
  /** Channel name (`#deploys`) or ID (`C0123ABCD`) of the first post. */
  readonly channel: string;
  /** API base, ending in `/` (default {@link SLACK_API_URL}). */
  readonly apiUrl?: string;
  /** The thread of this release from an earlier job, if it has one. */
  readonly thread?: SlackThread;
  /** Told each time the message's place is first known, so the caller can store it. */
  readonly onThread?: (thread: SlackThread) => void;
  /** The `fetch` the WebClient uses (default the global one), e.g. one through a proxy. */
  readonly fetch?: FetchFunction;
}

const releaseKey = (e: NotifyEvent): string | undefined =>
  isRelease(e) ? `${e.app}/${e.environment}/${e.deployId}` : undefined;

/** Slack with a bot token, through `@slack/web-api`'s WebClient. */
export class SlackBotChannel implements Channel {
  readonly name = 'slack';
  private current: SlackThread | undefined;

  constructor(private readonly options: SlackBotOptions) {
    this.current = options.thread;
  }

  /** Where this release's message is, once posted (store it; pass it back as `thread`). */
  thread(): SlackThread | undefined {
    return this.current;
  }

  sends(event: NotifyEvent, selected: boolean): readonly Send[] {
    if (!selected) return [];
    const key = releaseKey(event);
    const thread = key !== undefined && this.current?.release === key ? this.current : undefined;
    if (event.kind === 'warning' && thread)
      return [this.send('slack chat.postMessage (thread)', (c) => this.reply(c, thread, event))];
    if (event.kind === 'warning' || key === undefined)
      return [this.send('slack chat.postMessage', (c) => this.post(c, event, undefined))];
    return [
      thread
        ? this.send('slack chat.update', (c) => this.update(c, thread, event, key))
        : this.send('slack chat.postMessage', (c) => this.post(c, event, key)),
    ];
  }

  private send(label: string, call: (client: WebClient) => Promise<void>): Send {
    return {
      label,
      run: async (timeoutMs) => {
        try {
          await call(this.client(timeoutMs));
        } catch (error) {
          throw slackFailure(label, error, timeoutMs);
        }
      },
    };
  }

  /**
   * A client for one request. The SDK's own retries are off (`retries: 0`, rate limits rejected at
   * once): the notifier retries, on its clock, within the event's time budget.
   */
  private client(timeoutMs: number): WebClient {
    return new WebClient(this.options.token, {
      slackApiUrl: this.options.apiUrl ?? SLACK_API_URL,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: timeoutMs,
      ...(this.options.fetch && { fetch: this.options.fetch }),
      logger: SILENT,
      allowAbsoluteUrls: false,
    });
  }

  private async post(
    client: WebClient,
    event: NotifyEvent,
    key: string | undefined,
  ): Promise<void> {
    const message = event.kind === 'warning' ? warningMessage(event) : releaseMessage(event);
    const res = await call(client, 'chat.postMessage', {
      channel: this.options.channel,
      ...message,
    });
    if (key === undefined) return;
    const channel = typeof res.channel === 'string' ? res.channel : undefined;
    const ts = typeof res.ts === 'string' ? res.ts : undefined;
    if (!channel || !ts || !/^\d+\.\d+$/.test(ts))
      throw new DeliveryError('slack chat.postMessage: the answer has no channel and ts', false);
    this.current = { channel, ts, release: key };
    this.options.onThread?.(this.current);
  }

  private async update(
    client: WebClient,
    thread: SlackThread,
    event: NotifyEvent,
    key: string,
  ): Promise<void> {
    try {
      await call(client, 'chat.update', {
        channel: thread.channel,
        ts: thread.ts,
        ...releaseMessage(event),
      });
    } catch (error) {
      // The message was deleted: post a new one rather than lose the update.
      if (platformError(error) === 'message_not_found') return this.post(client, event, key);
      throw error;
    }
  }

  private async reply(client: WebClient, thread: SlackThread, event: NotifyEvent): Promise<void> {
    await call(client, 'chat.postMessage', {
      channel: thread.channel,
      thread_ts: thread.ts,
      ...warningMessage(event),
    });
  }
}

/** One Web API call; its answer as a record (the SDK throws on `ok: false`). */
async function call(
  client: WebClient,
  method: string,
  args: Record<string, unknown>,
): Promise<Readonly<Record<string, unknown>>> {
  const res: WebAPICallResult = await client.apiCall(method, args);
  return res as unknown as Readonly<Record<string, unknown>>;
}

/** A WebClient logger that prints nothing (every line we print goes through our own writer). */
const SILENT: SlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/** Slack's error word (`invalid_auth`, `channel_not_found`) of a WebClient platform error. */
function platformError(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; data?: { error?: unknown } };
  return e.code === ErrorCode.PlatformError && typeof e.data?.error === 'string'
    ? e.data.error
    : undefined;
}

/** A WebClient failure as a {@link DeliveryError}: retryable for 5xx, 429, timeouts, transient errors. */
function slackFailure(label: string, error: unknown, timeoutMs: number): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    statusCode?: unknown;
    retryAfter?: unknown;
    original?: { message?: unknown; name?: unknown };
  };
  const word = platformError(error);
  if (word !== undefined)
    return new DeliveryError(
      `${label}: Slack answered ${JSON.stringify(word.slice(0, 80))}`,
      TRANSIENT.has(word),
    );
  if (e.code === ErrorCode.RateLimitedError)
    return new DeliveryError(
      `${label}: rate limited`,
      true,
      typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : undefined,
    );
  if (e.code === ErrorCode.HTTPError && typeof e.statusCode === 'number')
    return new DeliveryError(`${label}: HTTP ${e.statusCode}`, e.statusCode >= 500);
  if (e.code === ErrorCode.RequestError) {
    const why =
      // The SDK may hand the abort over as Error(String(domException)): read the text too.
      e.original?.name === 'TimeoutError' || /^TimeoutError\b/.test(String(e.original?.message))
        ? `no response within ${timeoutMs}ms`
        : typeof e.original?.message === 'string'
          ? e.original.message
          : 'no response';
    return new DeliveryError(`${label}: ${why}`, true);
  }
  return new DeliveryError(
    `${label}: ${error instanceof Error ? error.message : String(error)}`,
    false,
  );
}

/** Settings of the incoming-webhook channel. */
export interface SlackWebhookOptions {
  /** The webhook URL (a secret: it is never quoted). */
  readonly url: string;
  readonly http: Http;
}

/** Slack through an incoming webhook: one message per state change, warnings included. */
export class SlackWebhookChannel implements Channel {
  readonly name = 'slack';
  constructor(private readonly options: SlackWebhookOptions) {}

  sends(event: NotifyEvent, selected: boolean): readonly Send[] {
    if (!selected) return [];
    const message: SlackMessage =
      event.kind === 'warning' ? warningMessage(event) : releaseMessage(event);
    return [
      {
        label: 'slack webhook',
        run: async (timeoutMs) => {
          await postJson(
            this.options.http,
            'slack webhook',
            this.options.url,
            JSON.stringify(message),
            {},
            timeoutMs,
            (s) => s === 200,
          );
        },
      },
    ];
  }
}
