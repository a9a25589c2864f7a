/**
 * PagerDuty Events API v2: a change event for every switch and rollback (context for whoever is on
 * call), a `trigger` (severity critical) when a verdict fails or a rollback fails, and a `resolve` with
 * the same dedup key when the rollback restored a healthy version.
 *
 * Alerts: https://developer.pagerduty.com/docs/send-alert-event (POST /v2/enqueue; routing_key 32
 * characters, event_action trigger|acknowledge|resolve, dedup_key ≤ 255, payload.summary ≤ 1024,
 * payload.source, payload.severity critical|error|warning|info). Change events:
 * https://developer.pagerduty.com/docs/send-change-event (POST /v2/change/enqueue; payload.summary
 * ≤ 1024, source, timestamp, custom_details; links). Both answer 202; retry 429 and 5xx, not 400:
 * https://developer.pagerduty.com/docs/events-API-v2-overview#response-codes--retry-logic
 */
import type { Http } from '@switchyard/probe';
import { postJson, type Channel, type Send } from './delivery.js';
import { headline, isRelease, reasonsOf, type NotifyEvent, type ReleaseEvent } from './events.js';

/** Where the Events API lives unless configured otherwise. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';

/** Documented limits. */
export const PAGERDUTY_LIMITS = { summary: 1024, dedupKey: 255, routingKey: 32 } as const;

/** The alert of one release: `switchyard/<app>/<environment>/<deployId>`, cut to 255 characters. */
export function dedupKey(event: Pick<ReleaseEvent, 'app' | 'environment' | 'deployId'>): string {
  return `switchyard/${event.app}/${event.environment}/${event.deployId}`.slice(
    0,
    PAGERDUTY_LIMITS.dedupKey,
  );
}

/** What PagerDuty does with an event: change events and alert actions, in order. */
export type PagerDutyAction = 'change' | 'trigger' | 'resolve';

/**
 * The actions for an event. A switch (`live`) and a rollback are changes; a failed verdict, a failed
 * rollback or a rollback to an unhealthy version trigger; a rollback to a healthy version resolves.
 * `alerts`: whether the channel's event list takes the event (changes go out regardless).
 */
export function pagerDutyActions(event: NotifyEvent, alerts: boolean): PagerDutyAction[] {
  if (!isRelease(event)) return [];
  const out: PagerDutyAction[] = [];
  if (event.kind === 'live' || event.kind === 'rolled-back') out.push('change');
  if (!alerts) return out;
  if (event.kind === 'failed' || event.kind === 'rollback-failed') out.push('trigger');
  if (event.kind === 'rolled-back') out.push(event.healthy ? 'resolve' : 'trigger');
  return out;
}

const cutSummary = (s: string): string =>
  s.length <= PAGERDUTY_LIMITS.summary ? s : `${s.slice(0, PAGERDUTY_LIMITS.summary - 3)}...`;

function details(event: ReleaseEvent): Record<string, unknown> {
  const d: Record<string, unknown> = {
    app: event.app,
    environment: event.environment,
    version: event.version,
    deploy_id: event.deployId,
  };
  if (event.previousVersion) d.previous_version = event.previousVersion;
  if (event.color) d.color = event.color;
  if (event.digest) d.digest = event.digest;
  if (event.approvedBy) d.approved_by = event.approvedBy;
  if (event.override) d.window_override = event.override;
  if (event.kind === 'rolled-back')
    Object.assign(d, { rolled_back_to: event.to, healthy: event.healthy });
  const reasons = reasonsOf(event);
  if (reasons.length) d.reasons = reasons.slice(0, 20).map((r) => r.slice(0, 500));
  return d;
}

function links(event: ReleaseEvent): { href: string; text: string }[] {
  const out: { href: string; text: string }[] = [];
  for (const [href, text] of [
    [event.runUrl, 'Workflow run'],
    [event.liveUrl, 'Live URL'],
  ] as const)
    if (href && /^https?:\/\//i.test(href)) out.push({ href, text });
  return out;
}

/** The JSON body of one action (`timestamp`: ISO 8601). */
export function pagerDutyBody(
  action: PagerDutyAction,
  event: ReleaseEvent,
  routingKey: string,
  timestamp: string,
): Record<string, unknown> {
  const source = `switchyard:${event.app}:${event.environment}`;
  const summary = cutSummary(
    [headline(event), ...reasonsOf(event).slice(0, 3)].join(' — ').replace(/\s+/g, ' '),
  );
  if (action === 'change')
    return {
      routing_key: routingKey,
      payload: { summary, source, timestamp, custom_details: details(event) },
      links: links(event),
    };
  if (action === 'resolve')
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey(event) };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey(event),
    payload: {
      summary,
      source,
      severity: 'critical',
      timestamp,
      component: event.app,
      group: event.environment,
      class: event.kind === 'failed' ? 'deploy verdict' : 'rollback',
      custom_details: details(event),
    },
    links: links(event),
    client: 'switchyard',
    ...(event.runUrl && /^https?:\/\//i.test(event.runUrl) && { client_url: event.runUrl }),
  };
}

/** Settings of the PagerDuty channel. */
export interface PagerDutyOptions {
  /** The integration's routing key (a secret). */
  readonly routingKey: string;
  /** Base URL (default {@link PAGERDUTY_EVENTS_URL}). */
  readonly endpoint?: string;
  readonly http: Http;
  /** The time of an event, ISO 8601 (the notifier's clock). */
  readonly now: () => number;
}

/** PagerDuty through the Events API v2, over our {@link Http}. */
export class PagerDutyChannel implements Channel {
  readonly name = 'pagerduty';
  private readonly base: string;

  constructor(private readonly options: PagerDutyOptions) {
    this.base = (options.endpoint ?? PAGERDUTY_EVENTS_URL).replace(/\/+$/, '');
  }

  sends(event: NotifyEvent, selected: boolean): readonly Send[] {
    if (!isRelease(event)) return [];
    const timestamp = new Date(this.options.now()).toISOString();
    return pagerDutyActions(event, selected).map((action) => {
      const label = `pagerduty ${action}`;
      const path = action === 'change' ? '/v2/change/enqueue' : '/v2/enqueue';
      const body = JSON.stringify(pagerDutyBody(action, event, this.options.routingKey, timestamp));
      return {
        label,
        run: async (timeoutMs: number) => {
          await postJson(this.options.http, label, this.base + path, body, {}, timeoutMs);
        },
      };
    });
  }
}
