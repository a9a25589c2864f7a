/**
 * The generic webhook: every event as JSON in a versioned schema (`switchyard.event/v1`), signed like
 * GitHub's webhooks: `X-Switchyard-Signature-256: sha256=<hex HMAC-SHA256 of the exact body>`. The
 * body carries `sentAt`, equal to the `X-Switchyard-Timestamp` header, so the signature covers the time
 * too and a receiver can refuse replays. See README.md, "Verifying the webhook".
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Http } from '@switchyard/probe';
import { postJson, type Channel, type Send } from './delivery.js';
import { headline, severityOf, type NotifyEvent, type Severity } from './events.js';

/** The schema name and version of the JSON we send. */
export const WEBHOOK_SCHEMA = 'switchyard.event/v1';

/** Header names. */
export const WEBHOOK_HEADERS = {
  signature: 'x-switchyard-signature-256',
  timestamp: 'x-switchyard-timestamp',
  event: 'x-switchyard-event',
  delivery: 'x-switchyard-delivery',
} as const;

/** How far a receiver should let `sentAt` be from its own clock (5 minutes). */
export const WEBHOOK_TOLERANCE_S = 300;

/** The body of one delivery (schema `switchyard.event/v1`). */
export interface WebhookBody {
  readonly schema: typeof WEBHOOK_SCHEMA;
  /** The same on every retry of one delivery: receivers may de-duplicate on it. */
  readonly id: string;
  readonly kind: NotifyEvent['kind'];
  readonly severity: Severity;
  readonly summary: string;
  /** Unix seconds at which this attempt was sent (equals the timestamp header). */
  readonly sentAt: number;
  /** The event as given: the release fields, the kind and its details. */
  readonly event: NotifyEvent;
}

/** `sha256=<hex>` of `body` under `secret`. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * What a receiver does: checks the signature over the exact body (in constant time), then that `sentAt`
 * equals the timestamp header and is within `toleranceS` of `nowS`. Returns the problem, or undefined.
 */
export function verifyWebhook(
  secret: string,
  body: string,
  headers: Readonly<Record<string, string | undefined>>,
  nowS: number,
  toleranceS = WEBHOOK_TOLERANCE_S,
): string | undefined {
  const given = Buffer.from(headers[WEBHOOK_HEADERS.signature] ?? '', 'utf8');
  const expected = Buffer.from(signature(secret, body), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return 'signature does not match';
  let sentAt: unknown;
  try {
    sentAt = (JSON.parse(body) as { sentAt?: unknown }).sentAt;
  } catch {
    return 'body is not JSON';
  }
  if (typeof sentAt !== 'number' || String(sentAt) !== headers[WEBHOOK_HEADERS.timestamp])
    return 'sentAt does not match the timestamp header';
  if (Math.abs(nowS - sentAt) > toleranceS) return `sentAt is more than ${toleranceS}s away`;
  return undefined;
}

/** Settings of the webhook channel. */
export interface WebhookOptions {
  readonly url: string;
  /** The HMAC key (a secret). */
  readonly secret: string;
  readonly http: Http;
  /** Epoch milliseconds (the notifier's clock). */
  readonly now: () => number;
  /** Delivery ids (default random UUIDs). */
  readonly newId?: () => string;
}

/** The signed JSON webhook. */
export class WebhookChannel implements Channel {
  readonly name = 'webhook';
  constructor(private readonly options: WebhookOptions) {}

  sends(event: NotifyEvent, selected: boolean): readonly Send[] {
    if (!selected) return [];
    const id = (this.options.newId ?? randomUUID)();
    return [
      {
        label: `webhook ${event.kind}`,
        run: async (timeoutMs) => {
          const sentAt = Math.floor(this.options.now() / 1000);
          const body: WebhookBody = {
            schema: WEBHOOK_SCHEMA,
            id,
            kind: event.kind,
            severity: severityOf(event),
            summary: headline(event),
            sentAt,
            event,
          };
          const text = JSON.stringify(body);
          await postJson(
            this.options.http,
            'webhook',
            this.options.url,
            text,
            {
              [WEBHOOK_HEADERS.signature]: signature(this.options.secret, text),
              [WEBHOOK_HEADERS.timestamp]: String(sentAt),
              [WEBHOOK_HEADERS.event]: event.kind,
              [WEBHOOK_HEADERS.delivery]: id,
            },
            timeoutMs,
          );
        },
      },
    ];
  }
}
