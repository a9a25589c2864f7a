/**
 * The `notify:` part of an environment in switchyard.yml, parsed strictly:
 *
 *     notify:
 *       slack: { channel: "#deploys", token-secret: SLACK_BOT_TOKEN, events: [all] }
 *       pagerduty: { routing-key-secret: PD_ROUTING_KEY, events: [critical] }
 *       webhook: { url: https://hooks.example.com/deploys, secret: HOOK_SECRET, events: [all] }
 *
 * Secrets are the NAMES of variables (step env or inputs), never values: a value that looks like a
 * token, a webhook URL or a routing key is refused without being quoted. Errors are
 * {@link InputError}s named by the key path (`production.notify.slack.channel`); packages/config
 * re-states them with the file name.
 */
import { InputError, kindOf, parseUrl, UNQUOTED } from '@switchyard/kit';
import { EVENT_KINDS, SEVERITIES, type EventTerm } from './events.js';

/** Slack: a bot token (with a channel) or an incoming webhook. */
export type SlackSettings =
  | {
      readonly mode: 'bot';
      readonly channel: string;
      readonly tokenSecret: string;
      readonly apiUrl?: string;
      readonly events: readonly EventTerm[];
    }
  | {
      readonly mode: 'webhook';
      readonly webhookSecret: string;
      readonly events: readonly EventTerm[];
    };

export interface PagerDutySettings {
  readonly routingKeySecret: string;
  /** Base URL of the Events API (default https://events.pagerduty.com). */
  readonly endpoint?: string;
  /** Which events open and resolve alerts; change events go out for every switch and rollback. */
  readonly events: readonly EventTerm[];
}

export interface WebhookSettings {
  readonly url: string;
  readonly secret: string;
  readonly events: readonly EventTerm[];
}

/** The parsed `notify:` section: only the channels it sets. */
export interface NotifySettings {
  readonly slack?: SlackSettings;
  readonly pagerduty?: PagerDutySettings;
  readonly webhook?: WebhookSettings;
}

/** Each channel's events when `events` is not given. */
export const DEFAULT_EVENTS = {
  slack: ['all'],
  pagerduty: ['critical'],
  webhook: ['all'],
} as const satisfies Record<string, readonly EventTerm[]>;

const TERMS: readonly string[] = ['all', ...SEVERITIES, ...EVENT_KINDS];
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Slack channel names (lowercase, ≤ 80) with `#`, or conversation IDs. */
const SLACK_CHANNEL = /^(#[a-z0-9][a-z0-9._-]{0,79}|[CGD][A-Z0-9]{8,20})$/;

type Mapping = Record<string, unknown>;

function mapping(path: string, v: unknown, keys: readonly string[], example: string): Mapping {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new InputError(path, UNQUOTED, `is ${kindOf(v)}, not a mapping`, `Write ${example}`);
  for (const key of Object.keys(v))
    if (!keys.includes(key))
      throw new InputError(
        `${path}.${key}`,
        key,
        'is not a known key',
        `Valid keys: ${keys.join(', ')}`,
      );
  return v as Mapping;
}

function str(path: string, v: unknown, example: string): string {
  if (typeof v !== 'string' || v.trim() === '')
    throw new InputError(
      path,
      UNQUOTED,
      `is ${typeof v === 'string' ? 'empty' : kindOf(v)}`,
      `Give a value such as ${example}`,
    );
  return v.trim();
}

/** A name of a secret, refused (unquoted) when it looks like the secret itself. */
function secretName(path: string, v: unknown, example: string): string {
  const s = typeof v === 'string' ? v.trim() : v;
  const looksLikeValue =
    typeof s === 'string' &&
    (/^xox[a-z]-/i.test(s) ||
      /^https?:\/\//i.test(s) ||
      /^[a-f0-9]{32}$/i.test(s) ||
      s.length > 100);
  if (looksLikeValue)
    throw new InputError(
      path,
      UNQUOTED,
      'looks like the secret itself, not the name of one',
      `Store the value as a GitHub secret and give its name here (e.g. ${example}); pass it to the step as env: ${example}: \${{ secrets.${example} }}. Then rotate the exposed value`,
    );
  if (typeof s !== 'string' || !SECRET_NAME.test(s))
    throw new InputError(
      path,
      typeof s === 'string' ? s : UNQUOTED,
      'is not the name of a secret',
      `Use letters, digits and _, not starting with a digit (e.g. ${example})`,
    );
  return s;
}

function url(path: string, v: unknown, example: string): string {
  const s = str(path, v, example);
  parseUrl(path, s);
  return s;
}

/** `events:` a list (or one word) of `all`, a severity (that one and above) or event kinds. */
export function parseEvents(path: string, v: unknown): EventTerm[] {
  const items = Array.isArray(v) ? (v as unknown[]) : [v];
  if (items.length === 0)
    throw new InputError(
      path,
      UNQUOTED,
      'is an empty list',
      'List at least one: all, warning, critical, or event kinds; remove the channel to turn it off',
    );
  return items.map((item, i) => {
    const at = Array.isArray(v) ? `${path}[${i}]` : path;
    if (typeof item !== 'string' || !TERMS.includes(item.trim()))
      throw new InputError(
        at,
        typeof item === 'string' ? item : UNQUOTED,
        'is not an event or severity',
        `Use one of: ${TERMS.join(', ')}`,
      );
    return item.trim() as EventTerm;
  });
}

function slack(path: string, v: unknown): SlackSettings {
  const m = mapping(
    path,
    v,
    ['channel', 'token-secret', 'webhook-secret', 'events', 'api-url'],
    '{channel: "#deploys", token-secret: SLACK_BOT_TOKEN}',
  );
  const events =
    m.events === undefined || m.events === null
      ? [...DEFAULT_EVENTS.slack]
      : parseEvents(`${path}.events`, m.events);
  const hasToken = m['token-secret'] !== undefined && m['token-secret'] !== null;
  const hasHook = m['webhook-secret'] !== undefined && m['webhook-secret'] !== null;
  if (hasToken === hasHook)
    throw new InputError(
      path,
      UNQUOTED,
      hasToken
        ? 'sets both token-secret and webhook-secret'
        : 'sets neither token-secret nor webhook-secret',
      'Give token-secret (a bot token: one message per release, updated in place; needs channel) or webhook-secret (an incoming webhook: one message per change)',
    );
  if (hasHook) {
    for (const key of ['channel', 'api-url'])
      if (m[key] !== undefined)
        throw new InputError(
          `${path}.${key}`,
          UNQUOTED,
          'is not used with webhook-secret (an incoming webhook posts to the channel it was made for)',
          `Remove ${key}, or use token-secret`,
        );
    return {
      mode: 'webhook',
      webhookSecret: secretName(`${path}.webhook-secret`, m['webhook-secret'], 'SLACK_WEBHOOK_URL'),
      events,
    };
  }
  if (m.channel === undefined || m.channel === null)
    throw new InputError(
      `${path}.channel`,
      UNQUOTED,
      'is missing',
      'Name the channel to post to, e.g. channel: "#deploys" (quoted: # starts a comment in YAML), or its ID C0123ABCD',
    );
  const channel = str(`${path}.channel`, m.channel, '"#deploys"');
  if (!SLACK_CHANNEL.test(channel))
    throw new InputError(
      `${path}.channel`,
      channel,
      'is not a Slack channel',
      'Use #name (lowercase letters, digits, - _ .) or a channel ID such as C0123ABCD',
    );
  return {
    mode: 'bot',
    channel,
    tokenSecret: secretName(`${path}.token-secret`, m['token-secret'], 'SLACK_BOT_TOKEN'),
    ...(m['api-url'] !== undefined &&
      m['api-url'] !== null && {
        apiUrl: apiBase(url(`${path}.api-url`, m['api-url'], 'https://slack.com/api/')),
      }),
    events,
  };
}

/** A base URL ending in `/` (the SDK appends method names). */
const apiBase = (s: string): string => (s.endsWith('/') ? s : `${s}/`);

function pagerduty(path: string, v: unknown): PagerDutySettings {
  const m = mapping(
    path,
    v,
    ['routing-key-secret', 'events', 'endpoint'],
    '{routing-key-secret: PD_ROUTING_KEY, events: [critical]}',
  );
  if (m['routing-key-secret'] === undefined || m['routing-key-secret'] === null)
    throw new InputError(
      `${path}.routing-key-secret`,
      UNQUOTED,
      'is missing',
      'Name the secret holding the Events API v2 integration key, e.g. routing-key-secret: PD_ROUTING_KEY',
    );
  return {
    routingKeySecret: secretName(
      `${path}.routing-key-secret`,
      m['routing-key-secret'],
      'PD_ROUTING_KEY',
    ),
    ...(m.endpoint !== undefined &&
      m.endpoint !== null && {
        endpoint: url(`${path}.endpoint`, m.endpoint, 'https://events.pagerduty.com'),
      }),
    events:
      m.events === undefined || m.events === null
        ? [...DEFAULT_EVENTS.pagerduty]
        : parseEvents(`${path}.events`, m.events),
  };
}

function webhook(path: string, v: unknown): WebhookSettings {
  const m = mapping(
    path,
    v,
    ['url', 'secret', 'events'],
    '{url: https://hooks.example.com/deploys, secret: HOOK_SECRET}',
  );
  for (const key of ['url', 'secret'])
    if (m[key] === undefined || m[key] === null)
      throw new InputError(
        `${path}.${key}`,
        UNQUOTED,
        'is missing',
        key === 'url'
          ? 'Give the receiver, e.g. url: https://hooks.example.com/deploys'
          : 'Name the secret holding the signing key, e.g. secret: HOOK_SECRET (unsigned webhooks are not sent)',
      );
  const u = url(`${path}.url`, m.url, 'https://hooks.example.com/deploys');
  if (/^[a-z]+:\/\/[^/]*@/i.test(u))
    throw new InputError(
      `${path}.url`,
      UNQUOTED,
      'holds credentials',
      'Leave user:password out of the URL; the signature authenticates each delivery',
    );
  return {
    url: u,
    secret: secretName(`${path}.secret`, m.secret, 'HOOK_SECRET'),
    events:
      m.events === undefined || m.events === null
        ? [...DEFAULT_EVENTS.webhook]
        : parseEvents(`${path}.events`, m.events),
  };
}

/** Parses `notify:` at `path` (e.g. `production.notify`); empty (`notify:`) means no channels. */
export function parseNotify(path: string, v: unknown): NotifySettings {
  if (v === null || v === undefined) return {};
  const m = mapping(
    path,
    v,
    ['slack', 'pagerduty', 'webhook'],
    'notify: {slack: {...}, pagerduty: {...}, webhook: {...}}',
  );
  return {
    ...(m.slack != null && { slack: slack(`${path}.slack`, m.slack) }),
    ...(m.pagerduty != null && { pagerduty: pagerduty(`${path}.pagerduty`, m.pagerduty) }),
    ...(m.webhook != null && { webhook: webhook(`${path}.webhook`, m.webhook) }),
  };
}
