/**
 * The wiring end to end, over real HTTP on loopback: the core's release events fed to
 * `announcing(...).announce` reach the real GitHub client (against the GitHub fake, every request
 * checked against GitHub's OpenAPI description) and notify's real channels (against fakes that check
 * Slack's and PagerDuty's documented shapes). Each test asserts what GitHub holds and what Slack and
 * PagerDuty received, in order.
 */
import { jest } from '@jest/globals';
import { dedupKey } from '@switchyard/notify';
import type { ReleaseEvent, StoredThread } from '@switchyard/targets';
import { closedPort } from '../../../test/support/notify-fakes/index.js';
import { announcing, type AnnounceOptions } from '../src/index.js';
import {
  APP,
  deployEvents,
  ENVIRONMENT,
  githubRecord,
  headers,
  LIVE_URL,
  release,
  ROUTING_KEY,
  SLACK_TOKEN,
  startWorld,
  stepOptions,
  stopWorld,
  warnings,
  watching,
  withThread,
  type World,
} from './helpers.js';

// GitHub's client spaces mutating requests 1 s apart (its secondary-rate-limit rule): real seconds.
jest.setTimeout(90_000);

let w: World;
beforeEach(async () => {
  w = await startWorld();
});
afterEach(async () => {
  await stopWorld(w);
});

/** Runs one step: its own `announcing`, the events in order; returns what it asks the record to keep. */
async function step(
  runId: string,
  events: readonly ReleaseEvent[],
  edit?: (o: AnnounceOptions) => AnnounceOptions,
): Promise<{ kept: { slackThread?: StoredThread }; warnings: string[]; logText: string }> {
  const { options, log } = stepOptions(w, runId, edit);
  const told = announcing(options);
  for (const e of events) await told.announce(e);
  return { kept: told.recordExtras(), warnings: warnings(log), logText: log.text() };
}

const noViolations = (): void => {
  expect(w.github.violations).toEqual([]);
  for (const fake of [w.slack, w.pd, w.receiver]) expect(fake.violations).toEqual([]);
};

/** The first release of the environment, passed: the version a later rollback returns to. */
async function firstRelease(): Promise<{ thread: StoredThread | undefined }> {
  const v1 = release('1.4.2', '41');
  const r = await step('41', [
    ...deployEvents(v1, 'blue'),
    watching(v1),
    { kind: 'passed', release: v1, summary: 'all rules held' },
  ]);
  return { thread: r.kept.slackThread };
}

test('a passing release: one Deployment in_progress → success, one Slack message updated in place, one PagerDuty change for the switch', async () => {
  const v1 = release('1.4.2', '41');
  const deploy = await step('41', deployEvents(v1, 'blue'));

  // The deploy step's record keeps the Slack message once posted.
  const thread = deploy.kept.slackThread;
  const [message, ...others] = w.slack.posts();
  expect(others).toEqual([]);
  expect(thread).toEqual({
    channel: 'C0DEPLOYS01',
    ts: message?.ts,
    release: `${APP}/${ENVIRONMENT}/${v1.deployId}`,
  });

  // The monitor step: another `announcing`, the thread from the record in its events.
  const monitor = await step(
    '41',
    withThread([watching(v1), { kind: 'passed', release: v1, summary: 'all rules held' }], thread),
  );
  // It posted nothing new, so it asks the record to keep nothing new.
  expect(monitor.kept).toEqual({});

  expect(githubRecord(w)).toEqual(['1.4.2: in_progress → success']);
  const [deployment] = w.github.deploymentsOf(ENVIRONMENT);
  expect(deployment?.payload).toMatchObject({
    version: '1.4.2',
    digest: v1.digest,
    color: 'blue',
    target: 'docker (test)',
    deployId: v1.deployId,
  });
  expect(deployment?.statuses.at(-1)).toMatchObject({
    environmentUrl: LIVE_URL,
    logUrl: 'https://github.com/octo-org/service/actions/runs/41',
  });

  expect(w.slack.calls.map((c) => `${c.method} ${c.result}`)).toEqual([
    'chat.postMessage ok',
    'chat.update ok',
    'chat.update ok',
    'chat.update ok',
    'chat.update ok',
  ]);
  expect(w.slack.posts()).toHaveLength(1);
  expect(headers(message?.versions ?? [])).toEqual([
    ':rocket: Deploying shop 1.4.2 to production',
    ':eyes: shop 1.4.2 is on preview in production',
    ':large_green_circle: shop 1.4.2 is live on production',
    ':hourglass_flowing_sand: Watching shop 1.4.2 on production',
    ':white_check_mark: shop 1.4.2 passed on production',
  ]);
  expect(w.slack.replies(message?.ts ?? '')).toEqual([]);

  expect(w.pd.sequence()).toEqual(['change']);
  expect(w.pd.events[0]?.body).toMatchObject({
    routing_key: ROUTING_KEY,
    payload: { summary: 'shop 1.4.2 is live on production' },
  });
  expect(w.receiver.deliveries.map((d) => d.kind)).toEqual([
    'started',
    'preview',
    'live',
    'watching',
    'passed',
  ]);

  noViolations();
  expect([...deploy.warnings, ...monitor.warnings]).toEqual([]);
  for (const text of [deploy.logText, monitor.logText]) {
    expect(text).not.toContain(SLACK_TOKEN);
    expect(text).not.toContain(ROUTING_KEY);
  }
});

test('a failed verdict rolled back: GitHub failure on the bad release and a fresh success for the one live again; Slack failed → rolled back; PagerDuty trigger → resolve on one key', async () => {
  const v1 = release('1.4.2', '41');
  await firstRelease();
  const v2 = release('1.5.0', '42');
  const deploy = await step('42', deployEvents(v2, 'green', v1));
  const thread = deploy.kept.slackThread;
  expect(thread?.release).toBe(`${APP}/${ENVIRONMENT}/${v2.deployId}`);

  const reasons = ['error rate 20.0% > 5% for 2 checks'];
  const monitor = await step(
    '43',
    withThread(
      [
        watching(v2),
        { kind: 'verdict-failed', release: v2, reasons },
        {
          kind: 'rolled-back',
          from: v2,
          to: v1,
          color: 'blue',
          reason: 'monitor verdict failed',
          healthy: true,
          url: LIVE_URL,
        },
      ],
      thread,
    ),
  );

  expect(githubRecord(w)).toEqual([
    '1.4.2: in_progress → success → inactive',
    '1.5.0: in_progress → success → failure → failure',
    '1.4.2: success',
  ]);
  const [, bad, again] = w.github.deploymentsOf(ENVIRONMENT);
  // The verdict, then the rollback, each said once.
  expect(bad?.statuses.slice(-2).map((s) => s.description)).toEqual([
    'monitor verdict failed: error rate 20.0% > 5% for 2 checks',
    'rolled back to 1.4.2: monitor verdict failed',
  ]);
  expect(again?.payload).toMatchObject({ version: '1.4.2', digest: v1.digest, color: 'blue' });
  expect(again?.statuses.at(-1)?.environmentUrl).toBe(LIVE_URL);

  // Two releases, two messages; the bad one's told its whole story in place.
  const [, message] = w.slack.posts();
  expect(w.slack.posts()).toHaveLength(2);
  expect(message?.ts).toBe(thread?.ts);
  expect(headers(message?.versions ?? [])).toEqual([
    ':rocket: Deploying shop 1.5.0 to production',
    ':eyes: shop 1.5.0 is on preview in production',
    ':large_green_circle: shop 1.5.0 is live on production',
    ':hourglass_flowing_sand: Watching shop 1.5.0 on production',
    ':x: shop 1.5.0 failed its verdict on production',
    ':leftwards_arrow_with_hook: production rolled back from 1.5.0 to 1.4.2 (healthy)',
  ]);
  expect(JSON.stringify(message?.versions[4]?.blocks)).toContain('error rate 20.0% &gt; 5%');

  const key = dedupKey({ app: APP, environment: ENVIRONMENT, deployId: v2.deployId });
  expect(w.pd.sequence()).toEqual([
    'change', // 1.4.2 live
    'change', // 1.5.0 live
    `trigger ${key}`,
    'change', // the rollback's switch
    `resolve ${key}`,
  ]);
  expect(w.pd.alerts.get(key)).toBe('resolved');
  expect(w.pd.events[2]?.body).toMatchObject({ payload: { severity: 'critical' } });

  noViolations();
  expect([...deploy.warnings, ...monitor.warnings]).toEqual([]);
});

test('a failed rollback: PagerDuty trigger and no resolve; the Slack message says so', async () => {
  const v1 = release('1.4.2', '41');
  await firstRelease();
  const v2 = release('1.5.0', '42');
  const deploy = await step('42', deployEvents(v2, 'green', v1));
  const thread = deploy.kept.slackThread;
  await step(
    '43',
    withThread(
      [
        watching(v2),
        { kind: 'verdict-failed', release: v2, reasons: ['error rate 20.0% > 5%'] },
        {
          kind: 'rollback-failed',
          from: v2,
          reason: '1.4.2 did not pass its health check on blue',
        },
      ],
      thread,
    ),
  );

  const key = dedupKey({ app: APP, environment: ENVIRONMENT, deployId: v2.deployId });
  expect(w.pd.sequence()).toEqual(['change', 'change', `trigger ${key}`, `trigger ${key}`]);
  expect(w.pd.alerts.get(key)).toBe('triggered');
  const [, message] = w.slack.posts();
  expect(headers(message?.versions ?? []).at(-1)).toMatch(/^:rotating_light: .*1\.5\.0/);
  expect(JSON.stringify(message?.blocks)).toContain('did not pass its health check');
  expect(githubRecord(w)).toEqual([
    '1.4.2: in_progress → success → inactive',
    '1.5.0: in_progress → success → failure',
  ]);
  expect(w.github.deploymentsOf(ENVIRONMENT)[1]?.statuses.at(-1)?.description).toBe(
    'monitor verdict failed: error rate 20.0% > 5%',
  );
  noViolations();
});

test('a deploy that fails before traffic: GitHub failure; a warning in the release thread, no page', async () => {
  const v1 = release('1.4.2', '41');
  const [started, preview] = deployEvents(v1, 'blue');
  const r = await step('41', [
    started as ReleaseEvent,
    preview as ReleaseEvent,
    { kind: 'failed', release: v1, reason: 'not ready after 120 s' },
  ]);

  expect(githubRecord(w)).toEqual(['1.4.2: in_progress → failure']);
  const [message] = w.slack.posts();
  expect(w.slack.posts()).toHaveLength(1);
  const replies = w.slack.replies(message?.ts ?? '');
  expect(replies).toHaveLength(1);
  expect(JSON.stringify(replies[0]?.blocks)).toContain('not ready after 120 s');
  expect(w.pd.sequence()).toEqual([]);
  expect(w.receiver.deliveries.map((d) => d.kind)).toEqual(['started', 'preview', 'warning']);
  noViolations();
  expect(r.warnings).toEqual([]);
});

test('delivery failures never throw: Slack 5xx, PagerDuty and GitHub on closed ports; each a warning naming who was not told', async () => {
  const dead = await closedPort();
  w.slack.fail(...Array.from({ length: 12 }, () => ({ status: 503 })));
  const v1 = release('1.4.2', '41');
  const r = await step('41', deployEvents(v1, 'blue'), (o) => ({
    ...o,
    env: { ...o.env, GITHUB_API_URL: dead },
    config: {
      ...o.config,
      notify: {
        ...o.config.notify,
        pagerduty: { routingKeySecret: 'PD_ROUTING_KEY', endpoint: dead, events: ['critical'] },
      },
    },
  }));

  expect(r.warnings.some((l) => l.startsWith('the GitHub record was not written'))).toBe(true);
  expect(r.warnings.some((l) => /^notify: Slack.* was not delivered/i.test(l))).toBe(true);
  expect(r.warnings.some((l) => /^notify: PagerDuty.* was not delivered/i.test(l))).toBe(true);
  // The webhook, up all along, got every event.
  expect(w.receiver.deliveries.map((d) => d.kind)).toEqual(['started', 'preview', 'live']);
  expect(w.slack.messages).toEqual([]);
  expect(r.logText).not.toContain(ROUTING_KEY);
  expect(r.kept).toEqual({});
});

test('no github-token: no GitHub request at all; no notify section: no notification', async () => {
  const v1 = release('1.4.2', '41');
  const noToken = await step('41', deployEvents(v1, 'blue'), (o) => ({ ...o, githubToken: '' }));
  expect(w.github.requests).toEqual([]);
  expect(w.slack.posts()).toHaveLength(1);
  expect(noToken.warnings).toEqual([]);

  const before = {
    slack: w.slack.received.length,
    pd: w.pd.received.length,
    hook: w.receiver.received.length,
  };
  const quiet = await step('42', deployEvents(release('1.5.0', '42'), 'green', v1), (o) => ({
    ...o,
    config: { app: APP, environment: ENVIRONMENT },
  }));
  expect({
    slack: w.slack.received.length,
    pd: w.pd.received.length,
    hook: w.receiver.received.length,
  }).toEqual(before);
  expect(quiet.kept).toEqual({});
  // GitHub still records it.
  expect(githubRecord(w)).toEqual(['1.5.0: in_progress → success']);
  expect(quiet.warnings).toEqual([]);
});

test('one local process deploying two releases (the demo): two Slack messages, two alert keys', async () => {
  const local = (version: string) => ({
    ...release(version, '0'),
    deployId: 'local:me@host pid 4242',
  });
  const [a, b] = [local('2.0.0'), local('3.0.0')];
  // The second deploy reads the first one's thread from the record, as blue-green hands it on.
  const first = await step('0', deployEvents(a, 'blue'), (o) => ({ ...o, githubToken: '' }));
  await step(
    '0',
    withThread(
      [
        ...deployEvents(b, 'green', a),
        watching(b),
        { kind: 'verdict-failed', release: b, reasons: ['error rate 20% > 5%'] },
      ],
      first.kept.slackThread,
    ),
    (o) => ({ ...o, githubToken: '' }),
  );

  const [one, two] = w.slack.posts();
  expect(w.slack.posts()).toHaveLength(2);
  expect(headers(one?.versions ?? []).at(-1)).toMatch(/2\.0\.0 is live/);
  expect(headers(two?.versions ?? []).at(-1)).toMatch(/3\.0\.0 failed its verdict/);
  const key = dedupKey({
    app: APP,
    environment: ENVIRONMENT,
    deployId: `${b.deployId} 300000000000`,
  });
  expect(w.pd.sequence()).toEqual(['change', 'change', `trigger ${key}`]);
  noViolations();
});
