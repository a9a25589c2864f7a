/** The demo's report (pure): what happened, when, and what the load saw at each switch. */
import { formatDuration, Summary } from '@switchyard/kit';
import type { EnvironmentOverview } from '@switchyard/targets/overview';
import type { CommandResult } from './cli.js';
import type { InboxPagerDutyEvent, InboxRecord } from './demo-inbox.js';
import { tally, type Sample, type Tally } from './load.js';

/** One demo step in the timeline. */
export interface StepTime {
  readonly name: string;
  /** Since the demo started. */
  readonly startMs: number;
  readonly ms: number;
  readonly ok: boolean;
}

/** What the demo gathered, for {@link demoReport}. */
export interface DemoFacts {
  readonly startedAt: string;
  readonly totalMs: number;
  readonly steps: readonly StepTime[];
  readonly samples: readonly Sample[];
  /** `switchyard status demo` (outputs.environments). */
  readonly status: CommandResult;
  readonly monitors: {
    readonly v2: Readonly<Record<string, string>>;
    readonly v3: Readonly<Record<string, string>>;
  };
  /** Epoch ms of the last answer v3 gave. */
  readonly lastV3Answer: number | undefined;
  readonly all: Tally;
  readonly url: string;
  readonly previewUrl: string;
  readonly config: string;
  readonly prometheus: string;
  /** What the demo's inbox got: Slack, PagerDuty, webhooks. */
  readonly inbox: InboxRecord;
}

/** One switch of live traffic, with what the load saw within ±{@link SWITCH_SPAN_MS} of it. */
export interface SwitchTally extends Tally {
  readonly at: string;
  readonly action: string;
  readonly color: string;
  readonly version: string;
}

/** Half the span of time counted around each switch. */
export const SWITCH_SPAN_MS = 2000;

export interface DemoReport {
  /** Every promise held: 0 failed requests at each switch, v2 passed, v3 failed, v2 live at the end. */
  readonly ok: boolean;
  readonly startedAt: string;
  readonly totalMs: number;
  readonly timeline: readonly StepTime[];
  readonly switches: readonly SwitchTally[];
  readonly load: Tally;
  readonly verdicts: { readonly v2: string; readonly v3: string };
  readonly rolledBack: boolean;
  /** v3 live → the monitor's deciding evaluation. */
  readonly detectionMs?: number;
  /** v3 live → traffic switched back to v2. */
  readonly recoveryMs?: number;
  /** v3 live → the last answer the load got from v3. */
  readonly lastV3AnswerMs?: number;
  readonly live: { readonly color: string; readonly version: string };
  readonly checks: readonly { readonly name: string; readonly ok: boolean }[];
  /** What an on-call engineer got about the bad release. */
  readonly onCall: OnCall;
  readonly explore: {
    readonly url: string;
    readonly previewUrl: string;
    readonly config: string;
    readonly prometheus: string;
  };
}

/** What an on-call engineer got about v3.0.0, from the demo's inbox. */
export interface OnCall {
  /** v3.0.0's Slack message as it stands, the header of each version, and its thread replies. */
  readonly slack?: {
    readonly header: string;
    readonly text: string;
    readonly history: readonly string[];
    readonly replies: readonly string[];
  };
  /** Every other Slack message of the run (v1, v2). */
  readonly otherMessages: number;
  /** Every PagerDuty event of the run, in order. */
  readonly pagerduty: readonly InboxPagerDutyEvent[];
  /** The alert key v3.0.0's trigger opened, when one did. */
  readonly dedupKey?: string;
  readonly webhooks: { readonly delivered: number; readonly verified: number };
}

const V3 = /(^|[^\d.])3\.0\.0([^\d.]|$)/;

/** v3.0.0's story as the inbox kept it. */
export function onCallOf(inbox: InboxRecord): OnCall {
  const posts = inbox.slack.filter((m) => m.threadTs === undefined);
  const v3 = posts.find((m) => V3.test(m.history[0] ?? ''));
  const trigger = inbox.pagerduty.find((e) => e.action === 'trigger' && V3.test(e.summary));
  return {
    ...(v3 && {
      slack: {
        header: v3.header,
        text: v3.text,
        history: v3.history,
        replies: inbox.slack.filter((m) => m.threadTs === v3.ts).map((m) => m.text || m.header),
      },
    }),
    otherMessages: posts.length - (v3 ? 1 : 0),
    pagerduty: inbox.pagerduty,
    ...(trigger?.dedupKey !== undefined && { dedupKey: trigger.dedupKey }),
    webhooks: {
      delivered: inbox.webhooks.length,
      verified: inbox.webhooks.filter((w) => w.verified).length,
    },
  };
}

/** The alert of `key` was triggered, then resolved, and nothing came after the resolve. */
function triggeredThenResolved(events: readonly InboxPagerDutyEvent[], key: string): boolean {
  const actions = events.filter((e) => e.dedupKey === key).map((e) => e.action);
  const t = actions.indexOf('trigger');
  return t >= 0 && actions.indexOf('resolve', t) === actions.length - 1;
}

function environments(status: CommandResult): EnvironmentOverview[] {
  const text = status.outputs.environments;
  return text ? (JSON.parse(text) as EnvironmentOverview[]) : [];
}

function decidedAt(monitor: Readonly<Record<string, string>>): number | undefined {
  const breaches = JSON.parse(monitor.breaches ?? '[]') as { at: string; severity: string }[];
  const critical = breaches.filter((b) => b.severity === 'critical').map((b) => Date.parse(b.at));
  return critical.length ? Math.max(...critical) : undefined;
}

/** Builds the report from what the demo gathered. */
export function demoReport(f: DemoFacts): DemoReport {
  const env = environments(f.status)[0];
  const t0 = Date.parse(f.startedAt);
  const switches = [...(env?.history ?? [])]
    .filter((h) => Date.parse(h.at) >= t0)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .map((h) => {
      const at = Date.parse(h.at);
      return {
        at: h.at,
        action: h.action,
        color: h.color,
        version: h.version,
        ...tally(f.samples, at - SWITCH_SPAN_MS, at + SWITCH_SPAN_MS),
      };
    });
  const v3Live = switches.find((x) => x.version === '3.0.0');
  const back = switches.find((x) => x.action === 'rollback');
  const t3 = v3Live ? Date.parse(v3Live.at) : undefined;
  const decided = decidedAt(f.monitors.v3);
  const verdicts = { v2: f.monitors.v2.verdict ?? '', v3: f.monitors.v3.verdict ?? '' };
  const live = { color: env?.live ?? '', version: env?.version ?? '' };
  const rolledBack = f.monitors.v3['rolled-back'] === 'true';
  const onCall = onCallOf(f.inbox);
  const checks = [
    {
      name: `0 requests failed at the ${switches.length} switches`,
      ok: switches.length >= 3 && switches.every((x) => x.failed === 0),
    },
    { name: 'v2.0.0 passed its monitor window', ok: verdicts.v2 === 'passed' },
    { name: 'v3.0.0 failed its monitor window', ok: verdicts.v3 === 'failed' },
    { name: 'the monitor rolled v3.0.0 back', ok: rolledBack && back !== undefined },
    { name: 'v2.0.0 is live at the end', ok: live.version === '2.0.0' },
    {
      name: "on-call: v3.0.0's Slack message went from failed to rolled back",
      ok:
        onCall.slack !== undefined &&
        onCall.slack.history.some((h) => /failed/.test(h)) &&
        /rolled back/.test(onCall.slack.header),
    },
    {
      name: 'on-call: PagerDuty triggered for v3.0.0, then resolved on the same key',
      ok: onCall.dedupKey !== undefined && triggeredThenResolved(onCall.pagerduty, onCall.dedupKey),
    },
  ];
  return {
    ok: checks.every((c) => c.ok),
    startedAt: f.startedAt,
    totalMs: f.totalMs,
    timeline: f.steps,
    switches,
    load: f.all,
    verdicts,
    rolledBack,
    ...(t3 !== undefined && decided !== undefined && { detectionMs: decided - t3 }),
    ...(t3 !== undefined && back && { recoveryMs: Date.parse(back.at) - t3 }),
    ...(t3 !== undefined &&
      f.lastV3Answer !== undefined && { lastV3AnswerMs: f.lastV3Answer - t3 }),
    live,
    checks,
    onCall,
    explore: { url: f.url, previewUrl: f.previewUrl, config: f.config, prometheus: f.prometheus },
  };
}

const ms = (v: number | undefined): string => (v === undefined ? '–' : formatDuration(v));

/** "What on-call got": v3.0.0's Slack message and thread, the PagerDuty events, the webhooks. */
function renderOnCall(s: Summary, o: OnCall): void {
  s.heading('What on-call got (local Slack, PagerDuty and webhook endpoints)', 3);
  if (o.slack) {
    s.paragraph("Slack #deploys, v3.0.0's message as it stands (one message, updated in place):");
    s.table(
      ['', ''],
      [
        ['header', o.slack.header],
        ['text', o.slack.text],
        ...o.slack.history.map((h, i) => [i === 0 ? 'posted' : `update ${i}`, h]),
        ...(o.slack.replies.length
          ? o.slack.replies.map((t, i) => [`thread reply ${i + 1}`, t])
          : [['thread replies', 'none']]),
      ],
    );
  } else s.paragraph('Slack: no message about v3.0.0 arrived.');
  if (o.otherMessages)
    s.paragraph(`(${o.otherMessages} other Slack message(s) in #deploys: the releases before it.)`);
  s.paragraph('PagerDuty Events API v2, in order:');
  s.table(
    ['#', 'event', 'dedup key', 'severity', 'summary'],
    o.pagerduty.map((e, i) => [i + 1, e.action, e.dedupKey ?? '', e.severity ?? '', e.summary]),
  );
  s.paragraph(
    `Webhook: ${o.webhooks.delivered} signed events delivered, ${o.webhooks.verified} verified (HMAC-SHA256).`,
  );
}

/** The report as markdown, with `status` (its summary) after it. */
export function renderReport(r: DemoReport, statusSummary: string): string {
  const s = new Summary().heading(
    `switchyard demo: ${r.ok ? 'every promise held ✅' : 'a promise was broken ❌'}`,
  );
  s.heading('Timeline', 3).table(
    ['at', 'step', 'took', 'result'],
    r.timeline.map((t) => [
      `+${formatDuration(t.startMs)}`,
      t.name,
      formatDuration(t.ms),
      t.ok ? '✅' : '❌ (expected)',
    ]),
  );
  s.heading(
    `Requests at each switch (±${SWITCH_SPAN_MS / 1000} s, steady keep-alive load)`,
    3,
  ).table(
    ['at', 'switch', 'to', 'requests', 'served', 'failed', 'app errors'],
    r.switches.map((x) => [
      x.at,
      x.action,
      `${x.color} v${x.version}`,
      x.requests,
      x.served,
      x.failed,
      x.appErrors,
    ]),
  );
  s.paragraph(
    '_failed_: connection errors, timeouts and proxy errors, the requests a switch could break (the promise: 0). _app errors_: 500s the app itself gave (v3.0.0 injects 20 %).',
  );
  s.table(
    ['', ''],
    [
      ['monitor verdict v2.0.0', r.verdicts.v2],
      ['monitor verdict v3.0.0', `${r.verdicts.v3}${r.rolledBack ? ', rolled back' : ''}`],
      ['detection (v3 live → verdict failed)', ms(r.detectionMs)],
      ['time to recover (v3 live → switched back to v2)', ms(r.recoveryMs)],
      ['last answer from v3 (after v3 went live)', ms(r.lastV3AnswerMs)],
      [
        'load, whole run',
        `${r.load.requests} requests: ${r.load.served} served, ${r.load.failed} failed, ${r.load.appErrors} app errors`,
      ],
      ['live now', `${r.live.color} v${r.live.version}`],
      ['demo took', formatDuration(r.totalMs)],
    ],
  );
  s.list(r.checks.map((c) => `${c.ok ? '✅' : '❌'} ${c.name}`));
  renderOnCall(s, r.onCall);
  s.paragraph(statusSummary);
  s.heading('Explore', 3).list([
    `live: \`curl ${r.explore.url}/\`, the warm previous color: \`curl ${r.explore.previewUrl}/\``,
    `\`npx switchyard status --config ${r.explore.config}\``,
    `\`npx switchyard rollback demo --config ${r.explore.config} --reason 'trying it'\``,
    `Prometheus: ${r.explore.prometheus}/graph`,
    'Remove it all: `npm run demo -- --down`',
  ]);
  return s.toString();
}
