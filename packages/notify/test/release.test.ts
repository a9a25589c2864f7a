/**
 * The messages a release produces, over real HTTP on loopback to fakes that check Slack's and
 * PagerDuty's documented shapes: a passing release, a failed verdict rolled back, a failed rollback.
 */
import { dedupKey, type SlackThread } from '@switchyard/notify';
import {
  ev,
  notifierFor,
  RELEASE,
  ROUTING_KEY,
  startFakes,
  stopFakes,
  TOKEN,
  type Fakes,
} from './helpers.js';

let f: Fakes;
beforeEach(async () => {
  f = await startFakes();
});
afterEach(async () => {
  await stopFakes(f);
});

/** The header text of each version of a Slack message. */
const headers = (versions: { blocks: unknown }[]): string[] =>
  versions.map((v) => {
    const b = (v.blocks as { type: string; text?: { text: string } }[])[0];
    return b?.text?.text ?? '';
  });

const PASSING = ['started', 'preview', 'live', 'watching', 'passed'] as const;

test('a passing release: one Slack message updated in place, one webhook event per state, a PagerDuty change for the switch', async () => {
  const threads: SlackThread[] = [];
  const { notifier, log } = notifierFor(f, { onThread: (t) => threads.push(t) });
  for (const kind of PASSING) {
    const reports = await notifier.send(ev({ kind }));
    expect(reports.every((r) => r.ok)).toBe(true);
  }

  expect(f.slack.calls.map((c) => c.method)).toEqual([
    'chat.postMessage',
    'chat.update',
    'chat.update',
    'chat.update',
    'chat.update',
  ]);
  expect(f.slack.calls.every((c) => c.result === 'ok')).toBe(true);
  const [message, ...others] = f.slack.posts();
  expect(others).toEqual([]);
  expect(message?.channel).toBe('C0DEPLOYS01');
  expect(headers(message?.versions ?? [])).toEqual([
    ':rocket: Deploying shop 1.5.0 to production',
    ':eyes: shop 1.5.0 is on preview in production',
    ':large_green_circle: shop 1.5.0 is live on production',
    ':hourglass_flowing_sand: Watching shop 1.5.0 on production',
    ':white_check_mark: shop 1.5.0 passed on production',
  ]);
  // The final message links the run and the live URL and says who approved.
  const final = JSON.stringify(message?.blocks);
  expect(final).toContain('<https://github.example/acme/shop/actions/runs/42|Workflow run>');
  expect(final).toContain('<https://shop.example.com/|Live URL>');
  expect(final).toContain('*Approved by*\\nalice');
  expect(final).toContain('1.4.2 → 1.5.0');
  // The place of the message is handed out once, to be stored in the deploy record.
  expect(threads).toEqual([
    { channel: 'C0DEPLOYS01', ts: message?.ts, release: 'shop/production/run-42-1' },
  ]);

  expect(f.receiver.deliveries.map((d) => d.kind)).toEqual([...PASSING]);
  expect(f.receiver.deliveries[4]?.body).toMatchObject({
    schema: 'switchyard.event/v1',
    severity: 'info',
    event: { app: 'shop', version: '1.5.0', deployId: 'run-42-1', kind: 'passed' },
  });

  expect(f.pd.sequence()).toEqual(['change']);
  expect(f.pd.events[0]?.body).toMatchObject({
    routing_key: ROUTING_KEY,
    payload: { summary: 'shop 1.5.0 is live on production', source: 'switchyard:shop:production' },
  });

  for (const fake of [f.slack, f.pd, f.receiver]) expect(fake.violations).toEqual([]);
  expect(log.lines.filter((l) => l.level === 'warning')).toEqual([]);
  expect(log.text()).not.toContain(TOKEN);
});

test('the Slack message survives across jobs: a later job updates it from the stored thread', async () => {
  let stored: SlackThread | undefined;
  const first = notifierFor(f, { onThread: (t) => (stored = t) });
  await first.notifier.send(ev({ kind: 'started' }));
  expect(stored).toBeDefined();

  // A new job: a new notifier, given the thread from the deploy record.
  const second = notifierFor(f, { ...(stored && { thread: stored }) });
  await second.notifier.send(ev({ kind: 'live' }));
  await second.notifier.send(ev({ kind: 'warning', reasons: ['p95 1.2s > 1s'] }));

  expect(f.slack.calls.map((c) => `${c.method} ${c.result}`)).toEqual([
    'chat.postMessage ok',
    'chat.update ok',
    'chat.postMessage ok',
  ]);
  expect(f.slack.posts()).toHaveLength(1);
  expect(f.slack.replies(stored?.ts ?? '')).toHaveLength(1);
  // A thread stored for another release is not reused.
  const third = notifierFor(f, { ...(stored && { thread: stored }) });
  await third.notifier.send({ ...ev({ kind: 'started' }), deployId: 'run-43-1' });
  expect(f.slack.posts()).toHaveLength(2);
});

test('a failed verdict rolled back: Slack failed → rolled back with the warning in the thread; PagerDuty trigger then resolve on one dedup key', async () => {
  const { notifier, log } = notifierFor(f);
  const events = [
    ev({ kind: 'started' }),
    ev({ kind: 'preview' }),
    ev({ kind: 'live' }),
    ev({ kind: 'watching' }),
    ev({ kind: 'warning', reasons: ['p95 latency 1.3s > 1s (warning)'] }),
    ev({ kind: 'failed', reasons: ['error rate 7.5% > 5% (critical) for 3 evaluations'] }),
    ev({ kind: 'rolled-back', to: '1.4.2', healthy: true }),
  ];
  for (const e of events) await notifier.send(e);

  const [message] = f.slack.posts();
  expect(f.slack.posts()).toHaveLength(1);
  expect(headers(message?.versions ?? []).slice(-2)).toEqual([
    ':x: shop 1.5.0 failed its verdict on production',
    ':leftwards_arrow_with_hook: production rolled back from 1.5.0 to 1.4.2 (healthy)',
  ]);
  expect(JSON.stringify(message?.versions[4]?.blocks)).toContain(
    'error rate 7.5% &gt; 5% (critical)',
  );
  const replies = f.slack.replies(message?.ts ?? '');
  expect(replies).toHaveLength(1);
  expect(JSON.stringify(replies[0]?.blocks)).toContain('p95 latency 1.3s &gt; 1s (warning)');

  const key = dedupKey(RELEASE);
  expect(key).toBe('switchyard/shop/production/run-42-1');
  expect(f.pd.sequence()).toEqual(['change', `trigger ${key}`, 'change', `resolve ${key}`]);
  expect(f.pd.events[1]?.body).toMatchObject({
    event_action: 'trigger',
    payload: { severity: 'critical', source: 'switchyard:shop:production' },
  });
  expect(f.pd.alerts.get(key)).toBe('resolved');

  expect(f.receiver.deliveries.map((d) => `${d.kind}:${String(d.body.severity)}`)).toEqual([
    'started:info',
    'preview:info',
    'live:info',
    'watching:info',
    'warning:warning',
    'failed:critical',
    'rolled-back:critical',
  ]);
  for (const fake of [f.slack, f.pd, f.receiver]) expect(fake.violations).toEqual([]);
  expect(log.lines.filter((l) => l.level === 'warning')).toEqual([]);
});

test('a failed rollback: the alert is triggered and never resolved', async () => {
  const { notifier } = notifierFor(f);
  await notifier.send(ev({ kind: 'live' }));
  await notifier.send(ev({ kind: 'failed', reasons: ['health check failed 3 times'] }));
  await notifier.send(
    ev({ kind: 'rollback-failed', reasons: ['blue did not become ready within 60s'] }),
  );

  const key = dedupKey(RELEASE);
  expect(f.pd.sequence()).toEqual(['change', `trigger ${key}`, `trigger ${key}`]);
  expect(f.pd.events.some((e) => e.action === 'resolve')).toBe(false);
  expect(f.pd.alerts.get(key)).toBe('triggered');
  const [message] = f.slack.posts();
  expect(headers(message?.versions ?? []).at(-1)).toBe(
    ':rotating_light: Rollback of shop 1.5.0 on production FAILED',
  );
  for (const fake of [f.slack, f.pd, f.receiver]) expect(fake.violations).toEqual([]);
});

test('with only an incoming webhook, Slack gets one message per state change', async () => {
  const { notifier, log } = notifierFor(f, { slack: 'webhook' });
  for (const kind of PASSING) await notifier.send(ev({ kind }));
  expect(f.hook.messages.map((m) => String(m.text).split('\n')[0])).toEqual([
    'Deploying shop 1.5.0 to production',
    'shop 1.5.0 is on preview in production',
    'shop 1.5.0 is live on production',
    'Watching shop 1.5.0 on production',
    'shop 1.5.0 passed on production',
  ]);
  expect(f.hook.violations).toEqual([]);
  expect(f.slack.received).toEqual([]);
  expect(log.lines.filter((l) => l.level === 'warning')).toEqual([]);
});
