/** The `notify:` section parser: what it accepts, and errors that name the key and the fix. */
import { InputError } from '@switchyard/kit';
import { parseNotify, selects, type NotifySettings } from '@switchyard/notify';

const P = 'production.notify';

test.each<[string, unknown, NotifySettings]>([
  ['empty', null, {}],
  [
    'slack with a bot token',
    { slack: { channel: '#deploys', 'token-secret': 'SLACK_BOT_TOKEN', events: ['all'] } },
    {
      slack: { mode: 'bot', channel: '#deploys', tokenSecret: 'SLACK_BOT_TOKEN', events: ['all'] },
    },
  ],
  [
    'slack by channel ID, default events, api-url given a trailing /',
    { slack: { channel: 'C0123ABCD9', 'token-secret': 'T', 'api-url': 'http://127.0.0.1:9/api' } },
    {
      slack: {
        mode: 'bot',
        channel: 'C0123ABCD9',
        tokenSecret: 'T',
        apiUrl: 'http://127.0.0.1:9/api/',
        events: ['all'],
      },
    },
  ],
  [
    'slack with an incoming webhook, one event word',
    { slack: { 'webhook-secret': 'SLACK_WEBHOOK_URL', events: 'warning' } },
    { slack: { mode: 'webhook', webhookSecret: 'SLACK_WEBHOOK_URL', events: ['warning'] } },
  ],
  [
    'pagerduty, default events',
    { pagerduty: { 'routing-key-secret': 'PD_ROUTING_KEY' } },
    { pagerduty: { routingKeySecret: 'PD_ROUTING_KEY', events: ['critical'] } },
  ],
  [
    'pagerduty with an endpoint and kinds',
    {
      pagerduty: {
        'routing-key-secret': 'PD',
        endpoint: 'https://events.eu.pagerduty.com',
        events: ['failed', 'rollback-failed'],
      },
    },
    {
      pagerduty: {
        routingKeySecret: 'PD',
        endpoint: 'https://events.eu.pagerduty.com',
        events: ['failed', 'rollback-failed'],
      },
    },
  ],
  [
    'webhook',
    {
      webhook: { url: 'https://hooks.example.com/deploys', secret: 'HOOK_SECRET', events: ['all'] },
    },
    {
      webhook: { url: 'https://hooks.example.com/deploys', secret: 'HOOK_SECRET', events: ['all'] },
    },
  ],
])('[%s] parses', (_, given, expected) => {
  expect(parseNotify(P, given)).toEqual(expected);
});

const SECRET_VALUES = [
  'xoxb-123456789012-abcdefghijkl',
  'https://hooks.slack.com/services/T000/B000/XXXXXXXX',
  '0123456789abcdef0123456789abcdef',
];

test.each<[string, unknown, string, RegExp]>([
  ['not a mapping', ['slack'], P, /is a list, not a mapping/],
  ['unknown channel', { teams: {} }, `${P}.teams`, /Valid keys: slack, pagerduty, webhook/],
  [
    'slack without a way in',
    { slack: { channel: '#deploys' } },
    `${P}.slack`,
    /sets neither token-secret nor webhook-secret.*Give token-secret/,
  ],
  [
    'slack with both',
    { slack: { 'token-secret': 'A', 'webhook-secret': 'B' } },
    `${P}.slack`,
    /sets both/,
  ],
  [
    'slack bot without a channel',
    { slack: { 'token-secret': 'A' } },
    `${P}.slack.channel`,
    /is missing.*quoted: # starts a comment/,
  ],
  [
    'slack channel unquoted in YAML (read as empty)',
    { slack: { 'token-secret': 'A', channel: null } },
    `${P}.slack.channel`,
    /is missing/,
  ],
  [
    'slack channel with capitals',
    { slack: { 'token-secret': 'A', channel: '#Deploys' } },
    `${P}.slack.channel`,
    /is not a Slack channel/,
  ],
  [
    'slack webhook with a channel',
    { slack: { 'webhook-secret': 'A', channel: '#x' } },
    `${P}.slack.channel`,
    /not used with webhook-secret/,
  ],
  [
    'bad event',
    { slack: { 'token-secret': 'A', channel: '#d', events: ['everything'] } },
    `${P}.slack.events[0]`,
    /"everything" is not an event or severity.*Use one of: all, info, warning, critical, started/,
  ],
  [
    'empty event list',
    { webhook: { url: 'https://h.example', secret: 'S', events: [] } },
    `${P}.webhook.events`,
    /empty list.*remove the channel/,
  ],
  [
    'secret name with a dash',
    { pagerduty: { 'routing-key-secret': 'PD-KEY' } },
    `${P}.pagerduty.routing-key-secret`,
    /"PD-KEY" is not the name of a secret/,
  ],
  [
    'pagerduty without a key',
    { pagerduty: { events: ['critical'] } },
    `${P}.pagerduty.routing-key-secret`,
    /is missing/,
  ],
  [
    'webhook without a secret',
    { webhook: { url: 'https://h.example' } },
    `${P}.webhook.secret`,
    /unsigned webhooks are not sent/,
  ],
  [
    'webhook on ftp',
    { webhook: { url: 'ftp://h.example', secret: 'S' } },
    `${P}.webhook.url`,
    /http/,
  ],
  [
    'webhook URL with a password',
    { webhook: { url: 'https://u:p@h.example', secret: 'S' } },
    `${P}.webhook.url`,
    /holds credentials/,
  ],
])('[%s] is refused, naming %s', (_, given, input, message) => {
  let error: unknown;
  try {
    parseNotify(P, given);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).input).toBe(input);
  expect((error as InputError).message).toMatch(message);
});

test.each(SECRET_VALUES)(
  'a secret value (%s) in place of a name is refused without being quoted',
  (value) => {
    for (const given of [
      { slack: { 'token-secret': value, channel: '#d' } },
      { slack: { 'webhook-secret': value } },
      { pagerduty: { 'routing-key-secret': value } },
      { webhook: { url: 'https://h.example', secret: value } },
    ]) {
      let error: unknown;
      try {
        parseNotify(P, given);
      } catch (e) {
        error = e;
      }
      expect((error as Error).message).toMatch(
        /looks like the secret itself.*rotate the exposed value/,
      );
      expect((error as Error).message).not.toContain(value);
    }
  },
);

test.each<[string[], string, boolean]>([
  [['all'], 'started', true],
  [['critical'], 'failed', true],
  [['critical'], 'rolled-back', true],
  [['critical'], 'warning', false],
  [['warning'], 'warning', true],
  [['warning'], 'failed', true],
  [['warning'], 'live', false],
  [['info'], 'live', true],
  [['live', 'passed'], 'passed', true],
  [['live', 'passed'], 'failed', false],
  [['freeze'], 'freeze', true],
])('[%j] selects %s: %s', (terms, kind, expected) => {
  const event =
    kind === 'freeze'
      ? { kind: 'freeze' as const, environment: 'production' }
      : ({
          kind,
          app: 'a',
          environment: 'e',
          version: '1',
          deployId: 'd',
          reasons: [],
          to: '0',
          healthy: true,
        } as never);
  expect(selects(terms as never, event)).toBe(expected);
});
