/**
 * Delivery failures never fail the deploy: 5xx and 429 are retried with backoff on the clock, 4xx is
 * not, a timeout or a closed port ends as one warning line within the event's time budget.
 */
import {
  ev,
  notifierFor,
  ROUTING_KEY,
  startFakes,
  stopFakes,
  TOKEN,
  type Fakes,
} from './helpers.js';
import { closedPort } from '../../../test/support/notify-fakes/index.js';

let f: Fakes;
beforeEach(async () => {
  f = await startFakes();
});
afterEach(async () => {
  await stopFakes(f);
});

const warnings = (log: { lines: { level: string; message: string }[] }): string[] =>
  log.lines.filter((l) => l.level === 'warning').map((l) => l.message);

test('a 5xx is retried after a backoff, on every channel, and then delivered', async () => {
  f.slack.fail({ status: 503, body: 'upstream down' });
  f.pd.fail({ status: 500 });
  f.receiver.fail({ status: 502 });
  const { notifier, log, clock } = notifierFor(f);
  const reports = await notifier.send(ev({ kind: 'live' }));

  expect(reports.map((r) => `${r.label}: ${r.ok} after ${r.attempts}`)).toEqual([
    'slack chat.postMessage: true after 2',
    'pagerduty change: true after 2',
    'webhook live: true after 2',
  ]);
  // The WebClient's own retries are off: one request per attempt.
  expect(f.slack.received).toHaveLength(2);
  expect(f.slack.posts()).toHaveLength(1);
  expect(f.pd.received).toHaveLength(2);
  expect(f.pd.sequence()).toEqual(['change']);
  // Both tries of the webhook carry one delivery id, so the receiver can drop a duplicate.
  const ids = f.receiver.received.map((r) => r.headers['x-switchyard-delivery']);
  expect(new Set(ids).size).toBe(1);
  expect(f.receiver.unique()).toHaveLength(1);
  expect(clock.sleeps).toHaveLength(3);
  for (const ms of clock.sleeps) expect(ms).toBeGreaterThan(0);
  expect(warnings(log)).toEqual([]);
});

test('a 4xx is not retried: one warning, and the other channels are delivered', async () => {
  f.pd.fail({ status: 400, body: '{"status":"invalid event"}' });
  const { notifier, log } = notifierFor(f);
  const reports = await notifier.send(ev({ kind: 'live' }));
  expect(reports.find((r) => r.channel === 'pagerduty')).toMatchObject({ ok: false, attempts: 1 });
  expect(f.pd.received).toHaveLength(1);
  expect(warnings(log)).toEqual([
    'notify: pagerduty change was not delivered (pagerduty change: HTTP 400 "{\\"status\\":\\"invalid event\\"}"; 1 attempt). The deploy goes on without it.',
  ]);
  expect(f.slack.posts()).toHaveLength(1);
  expect(f.receiver.deliveries).toHaveLength(1);
});

test('a secret with no value turns its channel off with a warning that says how to pass it', async () => {
  const { notifier, log } = notifierFor(f, {
    edit: (s) => ({
      ...s,
      slack: { mode: 'bot', channel: '#deploys', tokenSecret: 'UNSET_TOKEN', events: ['all'] },
    }),
  });
  const reports = await notifier.send(ev({ kind: 'started' }));
  expect(reports.map((r) => r.channel)).toEqual(['webhook']);
  expect(warnings(log)).toEqual([
    'notify: slack is off for this run: token-secret names UNSET_TOKEN, which has no value. Pass it to the step as env: UNSET_TOKEN: ${{ secrets.UNSET_TOKEN }}',
  ]);
  expect(f.slack.received).toEqual([]);
});

test('Slack that never answers: the WebClient request times out, is retried, then one warning', async () => {
  f.slack.fail(...Array.from({ length: 5 }, () => ({ delayMs: 60_000 })));
  const { notifier, log } = notifierFor(f, { delivery: { requestTimeoutMs: 100, attempts: 2 } });
  const reports = await notifier.send(ev({ kind: 'started' }));
  expect(reports.find((r) => r.channel === 'slack')).toMatchObject({ ok: false, attempts: 2 });
  // The WebClient makes no tries of its own (a try the client gave up on may not reach the fake).
  expect(f.slack.received.length).toBeLessThanOrEqual(2);
  expect(warnings(log)).toEqual([
    'notify: slack chat.postMessage was not delivered (slack chat.postMessage: no response within 100ms; 2 attempts). The deploy goes on without it.',
  ]);
});

test('Slack refusing a token (invalid_auth) is not retried and the token never reaches the log', async () => {
  const { SlackApiFake } = await import('../../../test/support/notify-fakes/index.js');
  const strict = new SlackApiFake('xoxb-some-other-token');
  await strict.start();
  try {
    const { notifier, log } = notifierFor(f, {
      edit: (s) => ({
        ...s,
        slack: {
          mode: 'bot',
          channel: '#deploys',
          tokenSecret: 'SLACK_BOT_TOKEN',
          apiUrl: strict.apiUrl(),
          events: ['all'],
        },
      }),
    });
    const reports = await notifier.send(ev({ kind: 'started' }));
    expect(reports[0]).toMatchObject({ channel: 'slack', ok: false, attempts: 1 });
    expect(strict.calls.map((c) => c.result)).toEqual(['invalid_auth']);
    expect(warnings(log)[0]).toContain('Slack answered "invalid_auth"');
    expect(log.text()).not.toContain(TOKEN);
    expect(log.text()).not.toContain(ROUTING_KEY);
  } finally {
    await strict.close();
  }
});

test('a 429 waits out Retry-After on the clock, then delivers', async () => {
  f.pd.fail({ status: 429, headers: { 'retry-after': '2' }, body: '{}' });
  const { notifier, log, clock } = notifierFor(f);
  const reports = await notifier.send(ev({ kind: 'live' }));
  expect(reports.find((r) => r.channel === 'pagerduty')).toMatchObject({ ok: true, attempts: 2 });
  expect(clock.sleeps[0]).toBe(2_000);
  expect(warnings(log)).toEqual([]);
});

test('an endpoint that never answers: each try times out, then one warning; no throw, bounded tries', async () => {
  f.pd.fail(...Array.from({ length: 10 }, () => ({ delayMs: 60_000 })));
  const { notifier, log } = notifierFor(f, { delivery: { requestTimeoutMs: 100, attempts: 3 } });
  const reports = await notifier.send(ev({ kind: 'failed', reasons: ['error rate 9% > 5%'] }));

  const pd = reports.filter((r) => r.channel === 'pagerduty');
  expect(pd).toEqual([
    expect.objectContaining({ label: 'pagerduty trigger', ok: false, attempts: 3 }),
  ]);
  expect(f.pd.received.length).toBeLessThanOrEqual(3);
  expect(warnings(log)).toEqual([
    'notify: pagerduty trigger was not delivered (pagerduty trigger: no response within 100ms; 3 attempts). The deploy goes on without it.',
  ]);
  // Slack and the webhook were not held up.
  expect(reports.filter((r) => r.channel !== 'pagerduty').every((r) => r.ok)).toBe(true);
});

test('a closed port: connection refused, retried within the time budget, then one warning', async () => {
  const dead = await closedPort();
  const { notifier, log, clock } = notifierFor(f, {
    edit: (s) => ({
      ...s,
      webhook: { url: `${dead}/hook`, secret: 'HOOK_SECRET', events: ['all'] },
    }),
    delivery: {
      budgetMs: 5_000,
      attempts: 10,
      backoff: { initialDelayMs: 1_000, maxDelayMs: 4_000 },
    },
  });
  const start = clock.now();
  const reports = await notifier.send(ev({ kind: 'started' }));
  const hook = reports.find((r) => r.channel === 'webhook');
  expect(hook?.ok).toBe(false);
  expect(hook?.error).toBe('webhook: connection refused');
  // The budget, not the 10 attempts, ended it: virtual time spent waiting stays within 5s.
  expect(hook?.attempts).toBeLessThan(10);
  expect(clock.now() - start).toBeLessThanOrEqual(5_000);
  expect(warnings(log)).toHaveLength(1);
  expect(warnings(log)[0]).toContain('connection refused');
  // The webhook URL is not quoted anywhere.
  expect(log.text()).not.toContain(dead);
});
