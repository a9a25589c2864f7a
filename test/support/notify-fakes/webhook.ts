/**
 * A receiver of switchyard's signed webhooks, verifying each delivery the way README.md tells
 * receivers to (its own HMAC code, not the sender's): HMAC-SHA256 of the raw body under the shared
 * secret, compared in constant time with `X-Switchyard-Signature-256: sha256=<hex>`; `sentAt` in the
 * body equal to `X-Switchyard-Timestamp`; `schema` is `switchyard.event/v1`. Test-only.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LoopbackFake, type Answer, type Received } from './server.js';

/** A verified delivery. */
export interface Delivery {
  readonly id: string;
  readonly kind: string;
  readonly body: Record<string, unknown>;
}

export class WebhookReceiverFake extends LoopbackFake {
  readonly deliveries: Delivery[] = [];

  constructor(private readonly secret: string) {
    super();
  }

  /** Deliveries with distinct ids (retries of one delivery counted once). */
  unique(): Delivery[] {
    const seen = new Set<string>();
    return this.deliveries.filter((d) => !seen.has(d.id) && seen.add(d.id));
  }

  protected answer(req: Received): Answer {
    if (req.method !== 'POST') return { status: 405, body: '{}' };
    const given = Buffer.from(req.headers['x-switchyard-signature-256'] ?? '');
    const expected = Buffer.from(
      `sha256=${createHmac('sha256', this.secret).update(Buffer.from(req.body, 'utf8')).digest('hex')}`,
    );
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      this.violation('signature does not match the body');
      return { status: 401, body: '{"error":"bad signature"}' };
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      this.violation('body is not JSON');
      return { status: 400, body: '{}' };
    }
    const problems: string[] = [];
    if (body.schema !== 'switchyard.event/v1') problems.push(`schema: ${String(body.schema)}`);
    if (String(body.sentAt) !== req.headers['x-switchyard-timestamp'])
      problems.push('sentAt differs from X-Switchyard-Timestamp');
    if (body.id !== req.headers['x-switchyard-delivery'])
      problems.push('id differs from X-Switchyard-Delivery');
    if (body.kind !== req.headers['x-switchyard-event'])
      problems.push('kind differs from X-Switchyard-Event');
    if (req.headers['content-type'] !== 'application/json')
      problems.push('content-type is not application/json');
    for (const p of problems) this.violation(p);
    if (problems.length) return { status: 400, body: JSON.stringify({ problems }) };
    this.deliveries.push({ id: String(body.id), kind: String(body.kind), body });
    return { status: 204, body: '' };
  }
}
