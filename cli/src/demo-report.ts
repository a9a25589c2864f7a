/** The demo's report (pure): what happened, when, and what the load saw at each switch. */
import { formatDuration, Summary } from '@switchyard/kit';
import type { EnvironmentOverview } from '@switchyard/targets/overview';
import type { CommandResult } from './cli.js';
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
  readonly explore: {
    readonly url: string;
    readonly previewUrl: string;
    readonly config: string;
    readonly prometheus: string;
  };
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
  const checks = [
    {
      name: `0 requests failed at the ${switches.length} switches`,
      ok: switches.length >= 3 && switches.every((x) => x.failed === 0),
    },
    { name: 'v2.0.0 passed its monitor window', ok: verdicts.v2 === 'passed' },
    { name: 'v3.0.0 failed its monitor window', ok: verdicts.v3 === 'failed' },
    { name: 'the monitor rolled v3.0.0 back', ok: rolledBack && back !== undefined },
    { name: 'v2.0.0 is live at the end', ok: live.version === '2.0.0' },
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
    explore: { url: f.url, previewUrl: f.previewUrl, config: f.config, prometheus: f.prometheus },
  };
}

const ms = (v: number | undefined): string => (v === undefined ? '–' : formatDuration(v));

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
