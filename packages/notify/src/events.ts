/**
 * What the notifications are about: release events (one deploy moving from started to passed, failed or
 * rolled back) and freeze events, each with a severity as the process documents split them: warnings
 * to Slack, critical alerts to PagerDuty (the on-call engineer).
 */

/** The states of a release, in the order a release moves through them. */
export const RELEASE_KINDS = [
  'started',
  'preview',
  'live',
  'watching',
  'passed',
  'failed',
  'rolled-back',
  'rollback-failed',
  'warning',
] as const;
/** A release event's kind. */
export type ReleaseKind = (typeof RELEASE_KINDS)[number];

/** Every event kind: the release kinds, plus `freeze` / `unfreeze` of an environment. */
export const EVENT_KINDS = [...RELEASE_KINDS, 'freeze', 'unfreeze'] as const;
/** Any event's kind. */
export type EventKind = (typeof EVENT_KINDS)[number];

/** How urgent an event is, lowest first. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
/** `info` (progress), `warning` (someone should look), `critical` (page the on-call engineer). */
export type Severity = (typeof SEVERITIES)[number];

/** The release an event is about: the same on every event of one deploy. */
export interface Release {
  readonly app: string;
  readonly environment: string;
  readonly version: string;
  /** The version live before this deploy (what a rollback returns to). */
  readonly previousVersion?: string;
  /** The image digest (`sha256:…`). */
  readonly digest?: string;
  /** The deploy's id: with app and environment, it names the release (and its PagerDuty alert). */
  readonly deployId: string;
  /** The color the release runs on (`blue` / `green`). */
  readonly color?: string;
  /** The workflow run that deploys it. */
  readonly runUrl?: string;
  /** Where the service is reached. */
  readonly liveUrl?: string;
  /** Who approved the deploy (the environment's reviewer). */
  readonly approvedBy?: string;
  /** The reason given to deploy outside a window (`override-window`); recorded wherever the release is. */
  readonly override?: string;
}

/** A release event: the release, the state it reached and that state's details. */
export type ReleaseEvent = Release &
  (
    | { readonly kind: 'started' | 'preview' | 'live' | 'watching' | 'passed' }
    /** The verdict failed (`reasons`: the rules that broke), or a monitor warning. */
    | { readonly kind: 'failed' | 'warning'; readonly reasons: readonly string[] }
    /** Traffic is back on `to`; `healthy`: whether that version answers its health checks. */
    | { readonly kind: 'rolled-back'; readonly to: string; readonly healthy: boolean }
    /** The rollback itself failed: traffic may still be on the bad version. */
    | { readonly kind: 'rollback-failed'; readonly reasons: readonly string[] }
  );

/** An environment frozen (no deploy goes out while it stands) or unfrozen. */
export interface FreezeEvent {
  readonly kind: 'freeze' | 'unfreeze';
  readonly app?: string;
  readonly environment: string;
  readonly reason?: string;
  /** Who froze or unfroze it. */
  readonly by?: string;
  readonly runUrl?: string;
}

/** Anything the notifier sends. */
export type NotifyEvent = ReleaseEvent | FreezeEvent;

/** Whether an event is about a release (not a freeze). */
export function isRelease(event: NotifyEvent): event is ReleaseEvent {
  return event.kind !== 'freeze' && event.kind !== 'unfreeze';
}

/**
 * An event's severity. Critical: a failed verdict, a failed rollback, and any rollback (it closes, or
 * fails to close, the incident the failed verdict opened). Warning: monitor warnings and freezes.
 * Info: a release's progress and unfreezes.
 */
export function severityOf(event: NotifyEvent): Severity {
  switch (event.kind) {
    case 'failed':
    case 'rolled-back':
    case 'rollback-failed':
      return 'critical';
    case 'warning':
    case 'freeze':
      return 'warning';
    default:
      return 'info';
  }
}

/** One term of a channel's event list: `all`, a severity (that one and above) or an event kind. */
export type EventTerm = 'all' | Severity | EventKind;

/** Whether a channel whose event list is `terms` takes `event`. */
export function selects(terms: readonly EventTerm[], event: NotifyEvent): boolean {
  const rank = SEVERITIES.indexOf(severityOf(event));
  return terms.some(
    (t) =>
      t === 'all' ||
      t === event.kind ||
      ((SEVERITIES as readonly string[]).includes(t) && SEVERITIES.indexOf(t as Severity) <= rank),
  );
}

/** One line that says what happened, for fallbacks, summaries and logs: `shop 1.4.2 is live on production`. */
export function headline(event: NotifyEvent): string {
  if (!isRelease(event)) {
    const what = event.app ? `${event.app} on ${event.environment}` : event.environment;
    return event.kind === 'freeze'
      ? `Deploys to ${what} are frozen`
      : `Deploys to ${what} may go out again`;
  }
  const r = `${event.app} ${event.version}`;
  const env = event.environment;
  switch (event.kind) {
    case 'started':
      return `Deploying ${r} to ${env}`;
    case 'preview':
      return `${r} is on preview in ${env}`;
    case 'live':
      return `${r} is live on ${env}`;
    case 'watching':
      return `Watching ${r} on ${env}`;
    case 'passed':
      return `${r} passed on ${env}`;
    case 'failed':
      return `${r} failed its verdict on ${env}`;
    case 'warning':
      return `Warning for ${r} on ${env}`;
    case 'rolled-back':
      return `${env} rolled back from ${event.version} to ${event.to} (${event.healthy ? 'healthy' : 'NOT healthy'})`;
    case 'rollback-failed':
      return `Rollback of ${r} on ${env} FAILED`;
  }
}

/** The reasons an event carries (a failed verdict's rules, warnings, why a rollback failed), or none. */
export function reasonsOf(event: NotifyEvent): readonly string[] {
  if (!isRelease(event)) return event.reason ? [event.reason] : [];
  return 'reasons' in event ? event.reasons : [];
}
