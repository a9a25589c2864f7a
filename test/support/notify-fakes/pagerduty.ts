/**
 * PagerDuty Events API v2 on loopback. Test-only.
 *
 * Alerts (https://developer.pagerduty.com/docs/send-alert-event, POST /v2/enqueue): routing_key (32
 * characters), event_action trigger|acknowledge|resolve, dedup_key ≤ 255 (required to acknowledge or
 * resolve); a trigger needs payload.summary (≤ 1024), payload.source and payload.severity
 * (critical|error|warning|info). Change events (https://developer.pagerduty.com/docs/send-change-event,
 * POST /v2/change/enqueue): routing_key, payload.summary ≤ 1024, optional source, timestamp,
 * custom_details, links [{href, text?}]. Both answer 202 `{status: "success", message: "Event
 * processed", dedup_key}`; a bad event 400 `{status: "invalid event", message, errors}`
 * (https://developer.pagerduty.com/docs/events-API-v2-overview#response-codes--retry-logic).
 */
import { LoopbackFake, type Answer, type Received } from './server.js';

/** An accepted event. */
export interface PagerDutyEvent {
  readonly type: 'alert' | 'change';
  readonly body: Record<string, unknown>;
  /** `trigger`, `resolve`, `acknowledge`, or `change`. */
  readonly action: string;
  readonly dedupKey?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const SEVERITIES = ['critical', 'error', 'warning', 'info'];
const ACTIONS = ['trigger', 'acknowledge', 'resolve'];

/** The Events API v2 fake; alerts are tracked by dedup key. */
export class PagerDutyFake extends LoopbackFake {
  readonly events: PagerDutyEvent[] = [];
  /** dedup_key → the alert's state. */
  readonly alerts = new Map<string, 'triggered' | 'acknowledged' | 'resolved'>();
  private seq = 0;

  /** The sequence of accepted actions: `change`, `trigger <key>`, `resolve <key>`. */
  sequence(): string[] {
    return this.events.map((e) => (e.dedupKey ? `${e.action} ${e.dedupKey}` : e.action));
  }

  protected answer(req: Received): Answer {
    const type =
      req.path === '/v2/enqueue'
        ? 'alert'
        : req.path === '/v2/change/enqueue'
          ? 'change'
          : undefined;
    if (req.method !== 'POST' || type === undefined)
      return { status: 404, body: '{"status":"not found"}' };
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      return this.invalid(['body is not JSON']);
    }
    if (!isObj(body)) return this.invalid(['body is not an object']);
    const errors = type === 'alert' ? this.alertErrors(body) : this.changeErrors(body);
    if (errors.length) return this.invalid(errors);
    if (type === 'change') {
      this.events.push({ type, body, action: 'change' });
      return this.accepted(undefined);
    }
    const action = String(body.event_action);
    const dedupKey =
      typeof body.dedup_key === 'string' ? body.dedup_key : `generated-${++this.seq}`;
    if (action === 'trigger') this.alerts.set(dedupKey, 'triggered');
    else if (this.alerts.get(dedupKey) !== undefined && this.alerts.get(dedupKey) !== 'resolved')
      this.alerts.set(dedupKey, action === 'resolve' ? 'resolved' : 'acknowledged');
    this.events.push({ type, body, action, dedupKey });
    return this.accepted(dedupKey);
  }

  private accepted(dedupKey: string | undefined): Answer {
    return {
      status: 202,
      body: JSON.stringify({
        status: 'success',
        message: 'Event processed',
        ...(dedupKey && { dedup_key: dedupKey }),
      }),
    };
  }

  private invalid(errors: string[]): Answer {
    for (const e of errors) this.violation(e);
    return {
      status: 400,
      body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors }),
    };
  }

  private common(body: Obj, allowed: string[]): string[] {
    const out: string[] = [];
    if (typeof body.routing_key !== 'string' || body.routing_key.length !== 32)
      out.push('routing_key: not 32 characters');
    for (const k of Object.keys(body)) if (!allowed.includes(k)) out.push(`${k}: unknown field`);
    if (body.links !== undefined) {
      if (!Array.isArray(body.links)) out.push('links: not a list');
      else
        body.links.forEach((l, i) => {
          if (!isObj(l) || typeof l.href !== 'string') out.push(`links[${i}].href: missing`);
          else if (l.text !== undefined && typeof l.text !== 'string')
            out.push(`links[${i}].text: not a string`);
        });
    }
    return out;
  }

  private summary(p: Obj, out: string[]): void {
    if (typeof p.summary !== 'string' || p.summary === '') out.push('payload.summary: missing');
    else if (p.summary.length > 1024)
      out.push(`payload.summary: ${p.summary.length} characters > 1024`);
    if (
      p.timestamp !== undefined &&
      (typeof p.timestamp !== 'string' || Number.isNaN(Date.parse(p.timestamp)))
    )
      out.push('payload.timestamp: not ISO 8601');
    if (p.custom_details !== undefined && !isObj(p.custom_details))
      out.push('payload.custom_details: not an object');
  }

  private alertErrors(body: Obj): string[] {
    const out = this.common(body, [
      'routing_key',
      'event_action',
      'dedup_key',
      'payload',
      'images',
      'links',
      'client',
      'client_url',
    ]);
    const action = body.event_action;
    if (typeof action !== 'string' || !ACTIONS.includes(action))
      out.push('event_action: not trigger, acknowledge or resolve');
    if (
      body.dedup_key !== undefined &&
      (typeof body.dedup_key !== 'string' || body.dedup_key.length > 255)
    )
      out.push('dedup_key: not a string of ≤ 255');
    if (action !== 'trigger' && typeof body.dedup_key !== 'string')
      out.push(`dedup_key: required to ${String(action)}`);
    if (action === 'trigger') {
      const p = body.payload;
      if (!isObj(p)) out.push('payload: missing');
      else {
        this.summary(p, out);
        if (typeof p.source !== 'string' || p.source === '') out.push('payload.source: missing');
        if (typeof p.severity !== 'string' || !SEVERITIES.includes(p.severity))
          out.push('payload.severity: not critical, error, warning or info');
      }
    }
    return out;
  }

  private changeErrors(body: Obj): string[] {
    const out = this.common(body, ['routing_key', 'payload', 'links']);
    if (!isObj(body.payload)) return [...out, 'payload: missing'];
    this.summary(body.payload, out);
    for (const k of Object.keys(body.payload))
      if (!['summary', 'source', 'timestamp', 'custom_details'].includes(k))
        out.push(`payload.${k}: unknown field`);
    return out;
  }
}
