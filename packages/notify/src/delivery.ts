/**
 * What a channel does with one event, and how a failed request is classified: a 5xx, a 429, a timeout
 * or a refused connection may pass on a later try; a 4xx (a bad token, a payload the service refuses)
 * will not.
 */
import { HttpError, type Http, type HttpResponse } from '@switchyard/probe';
import type { NotifyEvent } from './events.js';

/** A delivery that did not go through. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    /** Whether another try may succeed. */
    readonly retryable: boolean,
    /** How long the service asked us to wait (a 429's Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** One request a channel makes for an event. */
export interface Send {
  /** What it is, for the log: `slack chat.update`, `pagerduty trigger`. */
  readonly label: string;
  /** Makes the request; `timeoutMs` bounds it. Throws a {@link DeliveryError} when it fails. */
  run(timeoutMs: number): Promise<void>;
}

/** A notification channel: Slack, PagerDuty, a webhook. */
export interface Channel {
  /** `slack`, `pagerduty`, `webhook`. */
  readonly name: string;
  /**
   * The requests an event makes on this channel, in order ([] when none). `selected`: whether the
   * channel's event list takes the event (PagerDuty sends change events whatever its list says).
   */
  sends(event: NotifyEvent, selected: boolean): readonly Send[];
}

/** The longest piece of a response body quoted in an error. */
const QUOTE_MAX = 200;

/** A response body cut for a message (the notifier masks secrets in it before logging). */
export function quoteBody(body: string): string {
  const s = body.replace(/\s+/g, ' ').trim();
  return s.length > QUOTE_MAX ? `${s.slice(0, QUOTE_MAX - 3)}...` : s;
}

/** Retry-After in milliseconds, when it is a number of seconds (the form Slack and PagerDuty send). */
function retryAfter(res: HttpResponse): number | undefined {
  const secs = Number(res.headers['retry-after'] ?? 'x');
  return Number.isFinite(secs) && secs >= 0 ? secs * 1000 : undefined;
}

/**
 * POSTs JSON and returns the response when its status is in `ok`; otherwise throws a
 * {@link DeliveryError} (retryable for 429, 5xx, timeouts and network failures). `what` names the
 * endpoint in messages; the URL itself is never quoted (a webhook URL is a secret).
 */
export async function postJson(
  http: Http,
  what: string,
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  ok: (status: number) => boolean = (s) => s >= 200 && s < 300,
): Promise<HttpResponse> {
  let res: HttpResponse;
  try {
    res = await http.request({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'switchyard-notify',
        ...headers,
      },
      body,
      timeoutMs,
      followRedirects: false,
    });
  } catch (error) {
    if (error instanceof HttpError) throw new DeliveryError(`${what}: ${error.message}`, true);
    throw error;
  }
  if (ok(res.status)) return res;
  const retryable = res.status === 429 || res.status >= 500;
  const quoted = quoteBody(res.body);
  throw new DeliveryError(
    `${what}: HTTP ${res.status}${quoted ? ` ${JSON.stringify(quoted)}` : ''}`,
    retryable,
    res.status === 429 ? retryAfter(res) : undefined,
  );
}
