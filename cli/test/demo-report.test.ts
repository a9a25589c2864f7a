import type { EnvironmentOverview } from '@switchyard/targets/overview';
import type { HistoryEntry } from '@switchyard/targets';
import type { CommandResult } from '../src/cli.js';
import type { InboxRecord, InboxSlackMessage } from '../src/demo-inbox.js';
import { demoReport, renderReport, SWITCH_SPAN_MS, type DemoFacts } from '../src/demo-report.js';
import { lastAnswerFrom, tally, type Sample } from '../src/load.js';

const T0 = Date.parse('2026-05-01T10:00:00.000Z');
const iso = (offsetMs: number): string => new Date(T0 + offsetMs).toISOString();

const entry = (
  offsetMs: number,
  action: HistoryEntry['action'],
  color: HistoryEntry['color'],
  version: string,
  reason?: string,
): HistoryEntry => ({
  at: iso(offsetMs),
  action,
  color,
  image: `127.0.0.1:5000/switchyard/example-app@sha256:${version.replace(/\./g, '')}`,
  digest: `sha256:${version.replace(/\./g, '')}`,
  version,
  deployId: 'local:me@host',
  actor: 'me',
  ...(reason && { reason }),
});

/** The record's history as the target keeps it: newest first, with one entry from an earlier run. */
const HISTORY: HistoryEntry[] = [
  entry(120_000, 'rollback', 'green', '2.0.0', 'monitor-window: verdict failed'),
  entry(90_000, 'deploy', 'blue', '3.0.0'),
  entry(40_000, 'promote', 'green', '2.0.0'),
  entry(10_000, 'deploy', 'blue', '1.0.0'),
  entry(-3_600_000, 'deploy', 'green', '0.9.0'),
];

const ok = (at: number, version: string): Sample => ({ at: T0 + at, ms: 4, status: 200, version });
const appError = (at: number, version: string): Sample => ({
  at: T0 + at,
  ms: 4,
  status: 500,
  version,
});

/** The load: a few answers around each switch (±2 s, bounds included) and some between. */
const SAMPLES: Sample[] = [
  ok(38_000, '1.0.0'), // exactly 2 s before the promote: counted
  ok(39_500, '1.0.0'),
  ok(40_200, '2.0.0'),
  ok(42_000, '2.0.0'), // exactly 2 s after: counted
  ok(42_001, '2.0.0'), // 1 ms later: not
  ok(60_000, '2.0.0'),
  ok(89_000, '2.0.0'),
  ok(90_500, '3.0.0'),
  appError(91_000, '3.0.0'),
  appError(100_000, '3.0.0'),
  appError(119_000, '3.0.0'),
  ok(119_500, '3.0.0'),
  ok(120_300, '2.0.0'),
  ok(121_999, '2.0.0'),
];

const overviewOf = (over: Partial<EnvironmentOverview> = {}): EnvironmentOverview => ({
  environment: 'demo',
  app: 'example-app',
  url: 'http://127.0.0.1:18080',
  deployed: true,
  live: 'green',
  version: '2.0.0',
  previous: 'blue',
  previousVersion: '3.0.0',
  previousState: 'warm',
  history: HISTORY,
  notes: [],
  ...over,
});

const statusResult = (list: EnvironmentOverview[]): CommandResult => ({
  command: 'status',
  exitCode: 0,
  ok: true,
  outputs: { environments: JSON.stringify(list) },
  summary: '## status: example-app\n',
});

const BREACHES = JSON.stringify([
  { at: iso(95_000), elapsed: 5, rule: 'error-rate', severity: 'warning', value: 0.2 },
  { at: iso(100_000), elapsed: 10, rule: 'error-rate', severity: 'critical', value: 0.2 },
  { at: iso(110_000), elapsed: 20, rule: 'error-rate', severity: 'critical', value: 0.21 },
  { at: iso(115_000), elapsed: 25, rule: 'p95-latency', severity: 'warning', value: 0.3 },
]);

const KEY = 'switchyard/example/demo/local:me@host/3';

/** v3.0.0's Slack message, posted by the deploy and updated by the monitor and its rollback. */
const V3_MESSAGE: InboxSlackMessage = {
  ts: '1777000090.000003',
  header: ':leftwards_arrow_with_hook: demo rolled back from 3.0.0 to 2.0.0 (healthy)',
  text: 'demo rolled back from 3.0.0 to 2.0.0 (healthy)',
  history: [
    ':rocket: Deploying example 3.0.0 to demo',
    ':eyes: example 3.0.0 is on preview in demo',
    ':large_green_circle: example 3.0.0 is live on demo',
    ':hourglass_flowing_sand: Watching example 3.0.0 on demo',
    ':x: example 3.0.0 failed its verdict on demo',
    ':leftwards_arrow_with_hook: demo rolled back from 3.0.0 to 2.0.0 (healthy)',
  ],
};

/** What the inbox keeps of a good run: v1's and v2's messages, v3's with a reply, PagerDuty's events. */
const INBOX: InboxRecord = {
  slack: [
    {
      ts: '1777000010.000001',
      header: ':large_green_circle: example 1.0.0 is live on demo',
      text: 'example 1.0.0 is live on demo',
      history: [':rocket: Deploying example 1.0.0 to demo'],
    },
    {
      ts: '1777000030.000002',
      header: ':white_check_mark: example 2.0.0 passed on demo',
      text: 'example 2.0.0 passed on demo',
      history: [':rocket: Deploying example 2.0.0 to demo'],
    },
    V3_MESSAGE,
    {
      ts: '1777000095.000004',
      threadTs: V3_MESSAGE.ts,
      header: '',
      text: 'p95 latency 0.3s > 0.25s (warning)',
      history: ['p95 latency 0.3s > 0.25s (warning)'],
    },
  ],
  pagerduty: [
    { action: 'change', summary: 'example 1.0.0 is live on demo' },
    { action: 'change', summary: 'example 2.0.0 is live on demo' },
    { action: 'change', summary: 'example 3.0.0 is live on demo' },
    {
      action: 'trigger',
      dedupKey: KEY,
      severity: 'critical',
      summary: 'example 3.0.0 failed its verdict on demo: error rate 20% > 5%',
    },
    { action: 'change', summary: 'demo rolled back from 3.0.0 to 2.0.0 (healthy)' },
    { action: 'resolve', dedupKey: KEY, summary: '' },
  ],
  webhooks: [
    { kind: 'started', verified: true },
    { kind: 'live', verified: true },
    { kind: 'rolled-back', verified: true },
  ],
};

/** What a good demo run gathers; `over` breaks one part of it. */
function facts(over: Partial<DemoFacts> = {}): DemoFacts {
  const samples = over.samples ?? SAMPLES;
  return {
    startedAt: iso(0),
    totalMs: 150_000,
    steps: [
      { name: 'build-image: v1.0.0', startMs: 0, ms: 4_200, ok: true },
      { name: 'deploy-bluegreen: v1.0.0 (first deploy)', startMs: 5_000, ms: 5_500, ok: true },
      {
        name: 'monitor-window: v3.0.0, rollback on failure',
        startMs: 92_000,
        ms: 30_000,
        ok: false,
      },
    ],
    samples,
    status: statusResult([overviewOf()]),
    monitors: {
      v2: { verdict: 'passed', breaches: '[]', 'rolled-back': 'false' },
      v3: {
        verdict: 'failed',
        breaches: BREACHES,
        'rolled-back': 'true',
        'rollback-version': '2.0.0',
      },
    },
    lastV3Answer: lastAnswerFrom(samples, '3.0.0'),
    all: tally(samples),
    url: 'http://127.0.0.1:18080',
    previewUrl: 'http://127.0.0.1:18081',
    config: '/tmp/demo/switchyard.yml',
    prometheus: 'http://127.0.0.1:19090',
    inbox: INBOX,
    ...over,
  };
}

describe('demoReport: a good run', () => {
  const r = demoReport(facts());

  test('every switch of this run, oldest first, with what the load saw within ±2 s', () => {
    expect(SWITCH_SPAN_MS).toBe(2000);
    expect(r.switches).toEqual([
      {
        at: iso(10_000),
        action: 'deploy',
        color: 'blue',
        version: '1.0.0',
        requests: 0,
        served: 0,
        failed: 0,
        appErrors: 0,
        versions: {},
      },
      {
        at: iso(40_000),
        action: 'promote',
        color: 'green',
        version: '2.0.0',
        requests: 4,
        served: 4,
        failed: 0,
        appErrors: 0,
        versions: { '1.0.0': 2, '2.0.0': 2 },
      },
      {
        at: iso(90_000),
        action: 'deploy',
        color: 'blue',
        version: '3.0.0',
        requests: 3,
        served: 2,
        failed: 0,
        appErrors: 1,
        versions: { '2.0.0': 1, '3.0.0': 2 },
      },
      {
        at: iso(120_000),
        action: 'rollback',
        color: 'green',
        version: '2.0.0',
        requests: 4,
        served: 3,
        failed: 0,
        appErrors: 1,
        versions: { '3.0.0': 2, '2.0.0': 2 },
      },
    ]);
  });

  test('detection: v3 live → the last critical breach; recovery: v3 live → the rollback', () => {
    expect(r.detectionMs).toBe(20_000);
    expect(r.recoveryMs).toBe(30_000);
    expect(r.lastV3AnswerMs).toBe(29_500);
  });

  test('the verdicts, the rollback, what is live, the whole load', () => {
    expect(r).toMatchObject({
      verdicts: { v2: 'passed', v3: 'failed' },
      rolledBack: true,
      live: { color: 'green', version: '2.0.0' },
      load: { requests: 14, served: 11, failed: 0, appErrors: 3 },
      startedAt: iso(0),
      totalMs: 150_000,
    });
    expect(r.timeline).toHaveLength(3);
  });

  test('every check holds, so the report is ok', () => {
    expect(r.checks).toEqual([
      { name: '0 requests failed at the 4 switches', ok: true },
      { name: 'v2.0.0 passed its monitor window', ok: true },
      { name: 'v3.0.0 failed its monitor window', ok: true },
      { name: 'the monitor rolled v3.0.0 back', ok: true },
      { name: 'v2.0.0 is live at the end', ok: true },
      { name: "on-call: v3.0.0's Slack message went from failed to rolled back", ok: true },
      { name: 'on-call: PagerDuty triggered for v3.0.0, then resolved on the same key', ok: true },
    ]);
    expect(r.ok).toBe(true);
  });

  test("what on-call got: v3.0.0's message as it stands with its story and thread, every PagerDuty event, the webhooks", () => {
    expect(r.onCall).toEqual({
      slack: {
        header: V3_MESSAGE.header,
        text: V3_MESSAGE.text,
        history: V3_MESSAGE.history,
        replies: ['p95 latency 0.3s > 0.25s (warning)'],
      },
      otherMessages: 2,
      pagerduty: INBOX.pagerduty,
      dedupKey: KEY,
      webhooks: { delivered: 3, verified: 3 },
    });
  });

  test('a request that failed away from any switch breaks no promise', () => {
    const samples = [...SAMPLES, { at: T0 + 60_500, ms: 5000, error: 'timeout' }];
    const report = demoReport(facts({ samples }));
    expect(report.load.failed).toBe(1);
    expect(report.ok).toBe(true);
  });
});

describe('demoReport: a broken promise', () => {
  const v3 = facts().monitors.v3;
  const v2 = facts().monitors.v2;
  test.each<[string, Partial<DemoFacts>, string]>([
    [
      'a request failed at a switch',
      { samples: [...SAMPLES, { at: T0 + 40_100, ms: 1, status: 503 }] },
      '0 requests failed at the 4 switches',
    ],
    [
      'a socket error at the rollback',
      { samples: [...SAMPLES, { at: T0 + 121_000, ms: 1, error: 'ECONNRESET' }] },
      '0 requests failed at the 4 switches',
    ],
    [
      'fewer than three switches',
      { status: statusResult([overviewOf({ history: HISTORY.slice(0, 2) })]) },
      '0 requests failed at the 2 switches',
    ],
    [
      'v2 failed',
      { monitors: { v2: { ...v2, verdict: 'failed' }, v3 } },
      'v2.0.0 passed its monitor window',
    ],
    [
      'v3 passed',
      { monitors: { v2, v3: { ...v3, verdict: 'passed' } } },
      'v3.0.0 failed its monitor window',
    ],
    [
      'the monitor did not roll back',
      { monitors: { v2, v3: { ...v3, 'rolled-back': 'false' } } },
      'the monitor rolled v3.0.0 back',
    ],
    [
      'no rollback in the history',
      { status: statusResult([overviewOf({ history: HISTORY.slice(1) })]) },
      'the monitor rolled v3.0.0 back',
    ],
    [
      'PagerDuty never resolved',
      { inbox: { ...INBOX, pagerduty: INBOX.pagerduty.slice(0, -1) } },
      'on-call: PagerDuty triggered for v3.0.0, then resolved on the same key',
    ],
    [
      'resolved on another key',
      {
        inbox: {
          ...INBOX,
          pagerduty: [
            ...INBOX.pagerduty.slice(0, -1),
            { action: 'resolve', dedupKey: 'x', summary: '' },
          ],
        },
      },
      'on-call: PagerDuty triggered for v3.0.0, then resolved on the same key',
    ],
    [
      'triggered again after the resolve',
      { inbox: { ...INBOX, pagerduty: [...INBOX.pagerduty, INBOX.pagerduty[3]!] } },
      'on-call: PagerDuty triggered for v3.0.0, then resolved on the same key',
    ],
    [
      "v3's message was never updated to rolled back",
      {
        inbox: {
          ...INBOX,
          slack: INBOX.slack.map((m) =>
            m === V3_MESSAGE
              ? { ...m, header: m.history[4] ?? '', history: m.history.slice(0, 5) }
              : m,
          ),
        },
      },
      "on-call: v3.0.0's Slack message went from failed to rolled back",
    ],
    [
      'v1 live at the end',
      { status: statusResult([overviewOf({ live: 'blue', version: '1.0.0' })]) },
      'v2.0.0 is live at the end',
    ],
  ])('[%#] %s', (_title, over, failing) => {
    const r = demoReport(facts(over));
    expect(r.ok).toBe(false);
    expect(r.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([failing]);
  });

  test('status unreadable: no switches, nothing live, not ok, and no crash', () => {
    const r = demoReport(
      facts({ status: { ...statusResult([]), outputs: {}, ok: false, exitCode: 1 } }),
    );
    expect(r.switches).toEqual([]);
    expect(r.live).toEqual({ color: '', version: '' });
    expect(r.recoveryMs).toBeUndefined();
    expect(r.ok).toBe(false);
  });

  test('no critical breach: no detection time', () => {
    const warningsOnly = JSON.stringify([{ at: iso(95_000), severity: 'warning' }]);
    const r = demoReport(facts({ monitors: { v2, v3: { ...v3, breaches: warningsOnly } } }));
    expect(r.detectionMs).toBeUndefined();
    expect(r.recoveryMs).toBe(30_000);
  });

  test('monitor outputs missing (the step failed early): no breaches, no verdict', () => {
    const r = demoReport(facts({ monitors: { v2: {}, v3: {} }, lastV3Answer: undefined }));
    expect(r).toMatchObject({ verdicts: { v2: '', v3: '' }, rolledBack: false, ok: false });
    expect(r.detectionMs).toBeUndefined();
    expect(r.lastV3AnswerMs).toBeUndefined();
  });
});

describe('renderReport', () => {
  const lines = (md: string) => md.split('\n');

  test('a good run: the headline, timeline, switches, figures, checks, status and where to look', () => {
    const md = renderReport(demoReport(facts()), '## status: example-app\n\nSTATUS-SUMMARY');
    expect(lines(md)[0]).toBe('## switchyard demo: every promise held ✅');
    expect(md).toContain('| +0ms | build-image: v1.0.0 | 4.2s | ✅ |');
    expect(md).toContain('| +5s | deploy-bluegreen: v1.0.0 (first deploy) | 5.5s | ✅ |');
    expect(md).toContain(
      '| +1m 32s | monitor-window: v3.0.0, rollback on failure | 30s | ❌ (expected) |',
    );
    expect(md).toContain('Requests at each switch (±2 s, steady keep-alive load)');
    expect(md).toContain(`| ${iso(40_000)} | promote | green v2.0.0 | 4 | 4 | 0 | 0 |`);
    expect(md).toContain(`| ${iso(120_000)} | rollback | green v2.0.0 | 4 | 3 | 0 | 1 |`);
    expect(md).toContain('| monitor verdict v3.0.0 | failed, rolled back |');
    expect(md).toContain('| detection (v3 live → verdict failed) | 20s |');
    expect(md).toContain('| time to recover (v3 live → switched back to v2) | 30s |');
    expect(md).toContain('| last answer from v3 (after v3 went live) | 29.5s |');
    expect(md).toContain('| load, whole run | 14 requests: 11 served, 0 failed, 3 app errors |');
    expect(md).toContain('| live now | green v2.0.0 |');
    expect(md).toContain('| demo took | 2m 30s |');
    expect(md).toContain('- ✅ 0 requests failed at the 4 switches');
    expect(md).toContain('- ✅ v2.0.0 is live at the end');
    expect(md).toContain('STATUS-SUMMARY');
    expect(md).toContain('`curl http://127.0.0.1:18080/`');
    expect(md).toContain('`curl http://127.0.0.1:18081/`');
    expect(md).toContain('`npx switchyard status --config /tmp/demo/switchyard.yml`');
    expect(md).toContain('Prometheus: http://127.0.0.1:19090/graph');
  });

  test('what on-call got: the Slack message, its updates and thread, the PagerDuty events in order', () => {
    const md = renderReport(demoReport(facts()), '');
    const section = md.slice(md.indexOf('### What on-call got'));
    expect(section).toContain(
      '| header | :leftwards_arrow_with_hook: demo rolled back from 3.0.0 to 2.0.0 (healthy) |',
    );
    expect(section).toContain('| posted | :rocket: Deploying example 3.0.0 to demo |');
    expect(section).toContain('| update 4 | :x: example 3.0.0 failed its verdict on demo |');
    expect(section).toContain('| thread reply 1 | p95 latency 0.3s &gt; 0.25s (warning) |');
    expect(section).toContain('(2 other Slack message(s) in #deploys: the releases before it.)');
    const pd = section.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(pd.map((l) => l.split(' | ')[1])).toEqual([
      'change',
      'change',
      'change',
      'trigger',
      'change',
      'resolve',
    ]);
    expect(pd[3]).toContain(`| ${KEY} | critical |`);
    expect(pd[5]).toContain(`| ${KEY} |`);
    expect(section).toContain('Webhook: 3 signed events delivered, 3 verified (HMAC-SHA256).');
    // The status summary comes after it.
    expect(md.indexOf('### What on-call got')).toBeGreaterThan(md.indexOf('- ✅ v2.0.0 is live'));
  });

  test('nothing about v3.0.0 in Slack: said so; no replies: said so', () => {
    const none = renderReport(demoReport(facts({ inbox: { ...INBOX, slack: [] } })), '');
    expect(none).toContain('Slack: no message about v3.0.0 arrived.');
    const quiet = renderReport(demoReport(facts({ inbox: { ...INBOX, slack: [V3_MESSAGE] } })), '');
    expect(quiet).toContain('| thread replies | none |');
    expect(quiet).not.toContain('other Slack messages');
  });

  test('a broken run says so, marks the check and shows – for what is unknown', () => {
    const v2 = facts().monitors.v2;
    const md = renderReport(
      demoReport(facts({ monitors: { v2, v3: { verdict: 'passed', breaches: '[]' } } })),
      '',
    );
    expect(lines(md)[0]).toBe('## switchyard demo: a promise was broken ❌');
    expect(md).toContain('- ❌ v3.0.0 failed its monitor window');
    expect(md).toContain('| monitor verdict v3.0.0 | passed |');
    expect(md).toContain('| detection (v3 live → verdict failed) | – |');
  });
});
