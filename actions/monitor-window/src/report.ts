/** Outputs and the job summary of monitor-window (pure: text and JSON from a result). */
import { formatDuration, Summary } from '@switchyard/kit';
import {
  formatThreshold,
  formatValue,
  type Evaluation,
  type MonitorReport,
  type RuleReport,
} from '@switchyard/metrics';
import { renderSummary as renderTargetSummary } from '@switchyard/targets';
import type { MonitorResult } from './run.js';

const ICON: Readonly<Record<string, string>> = {
  passed: '✅',
  failed: '❌',
  inconclusive: '⚠️',
  ok: '✅ ok',
  warning: '⚠️ warning',
  critical: '❌ critical',
  'no-data': '◻️ no data',
  blind: '🚫 blind',
};

const iso = (ms: number): string => new Date(ms).toISOString();

/** `readings`: one object per evaluation, values in base units (ratio, seconds), null for no data. */
export function readingsJson(report: MonitorReport): object[] {
  return report.evaluations.map((e) => ({
    at: iso(e.at),
    elapsed: Math.round(e.elapsedMs / 1000),
    ...(e.requests !== undefined && { requests: e.requests }),
    ...(e.proxyRequests !== undefined && { 'proxy-requests': e.proxyRequests }),
    values: Object.fromEntries(e.readings.map((r) => [r.rule, finite(r.value)])),
    states: Object.fromEntries(e.readings.map((r) => [r.rule, r.state])),
  }));
}

/** JSON has no NaN or Infinity: no data is null, infinities are written as Prometheus writes them. */
const finite = (v: number | null): number | string | null =>
  v === null || Number.isNaN(v) ? null : Number.isFinite(v) ? v : v > 0 ? '+Inf' : '-Inf';

/** Every output, by name. */
export function outputs(result: MonitorResult): Record<string, string | number | boolean | object> {
  const r = result.report;
  return {
    verdict: r.verdict,
    reason: r.reason,
    rule: r.decision.rule ?? '',
    readings: readingsJson(r),
    breaches: r.breaches.map((b) => ({
      at: iso(b.at),
      elapsed: Math.round(b.elapsedMs / 1000),
      rule: b.rule,
      severity: b.severity,
      value: finite(b.value),
      limit: finite(b.limit),
      threshold: b.threshold,
    })),
    baseline: Object.fromEntries(
      r.rules.filter((x) => x.query).map((x) => [x.rule.name, x.baseline]),
    ),
    evaluations: r.evaluations.length,
    'stopped-early': r.stoppedEarly,
    elapsed: Math.round((r.finishedAt - r.startedAt) / 1000),
    'rolled-back': result.rollback?.rolledBack ?? false,
    'rollback-version': result.rollback?.to?.version ?? '',
  };
}

function stateCell(rule: RuleReport): string {
  if (rule.off) return `off (${rule.off})`;
  const worst = rule.worst ?? 'no-data';
  return ICON[worst] ?? worst;
}

/** At most this many points per chart; longer windows are folded (max per bucket). */
const CHART_POINTS = 60;

/** A Mermaid xychart of one rule over the window, with its absolute thresholds as flat lines. */
export function chart(
  title: string,
  rule: RuleReport,
  evaluations: readonly Evaluation[],
  scale: number,
): string | undefined {
  const points = evaluations.map((e) => ({
    t: e.elapsedMs,
    v: e.readings.find((r) => r.rule === rule.rule.name)?.value ?? null,
  }));
  if (!points.some((p) => p.v !== null && Number.isFinite(p.v))) return undefined;
  const size = Math.max(1, Math.ceil(points.length / CHART_POINTS));
  const buckets: { t: number; v: number }[] = [];
  for (let i = 0; i < points.length; i += size) {
    const slice = points.slice(i, i + size);
    const vs = slice.map((p) => p.v).filter((v): v is number => v !== null && Number.isFinite(v));
    buckets.push({ t: slice.at(-1)?.t ?? 0, v: vs.length ? Math.max(...vs) * scale : 0 });
  }
  const limits = [rule.rule.warning, rule.rule.critical]
    .map((t) =>
      t?.kind === 'absolute'
        ? t.value
        : t?.kind === 'baseline' && rule.baseline !== null
          ? t.factor * Math.max(rule.baseline, rule.rule.baselineMin ?? 0)
          : undefined,
    )
    .filter((v): v is number => v !== undefined)
    .map((v) => v * scale);
  const top = Math.max(...buckets.map((b) => b.v), ...limits) * 1.1 || 1;
  const num = (v: number): string => String(Number(v.toFixed(4)));
  const lines = [
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis "time since start" [${buckets.map((b) => `"${formatDuration(b.t)}"`).join(', ')}]`,
    `  y-axis "${title}" 0 --> ${num(top)}`,
    `  line [${buckets.map((b) => num(b.v)).join(', ')}]`,
    ...limits.map((l) => `  line [${buckets.map(() => num(l)).join(', ')}]`),
  ];
  return lines.join('\n');
}

/** The job summary: verdict, a table per rule, charts of error rate and p95, the resolved queries. */
export function renderSummary(result: MonitorResult): string {
  const r = result.report;
  const release = result.release;
  const s = new Summary().heading('Monitor window', 2);
  s.paragraph(
    `${ICON[r.verdict] ?? ''} **${r.verdict}** after ${formatDuration(r.finishedAt - r.startedAt)} of ${formatDuration(r.durationMs)}` +
      `${r.stoppedEarly ? ' (stopped early)' : ''}, ${r.evaluations.length} evaluation${r.evaluations.length === 1 ? '' : 's'}: ${escape(r.decision.reason)}`,
  );
  if (r.decision.blind)
    s.paragraph(
      '_The monitor could not see (Prometheus unreachable, a query that errors, or no series matched), so the release is not judged: not passed, and not rolled back unless a rule that could see failed it._',
    );
  if (release)
    s.paragraph(
      `${release.app}/${release.environment}: **${release.live}** live${release.version ? ` (${escape(release.version)})` : ''}` +
        `${release.switchedAt ? ` since ${release.switchedAt}` : ''}` +
        `${release.previous ? `; baseline from ${release.previous}${release.previousVersion ? ` (${escape(release.previousVersion)})` : ''}` : ''}.`,
    );
  s.table(
    ['Rule', 'Warning', 'Critical', 'Baseline', 'Min', 'Max', 'Last', 'State'],
    r.rules.map((x) => {
      const unit = x.rule.unit;
      const floor = x.rule.baselineMin;
      const effective = x.baseline === null ? null : Math.max(x.baseline, floor ?? -Infinity);
      const baselineCell = !x.query
        ? ''
        : x.baseline === null
          ? `– (${x.baselineNote ?? 'none'})`
          : `${formatValue(unit, x.baseline)}${floor !== undefined && x.baseline < floor ? ` (floor ${formatValue(unit, floor)})` : ''}`;
      const health = x.rule.source === 'health';
      return [
        x.rule.name,
        health ? '' : formatThreshold(unit, x.rule.warning, effective),
        health
          ? `${x.rule.failureLimit ?? 'failure-limit'} failed checks in a row`
          : formatThreshold(unit, x.rule.critical, effective),
        baselineCell,
        x.off ? '' : formatValue(unit, x.min),
        x.off ? '' : formatValue(unit, x.max),
        x.off ? '' : formatValue(unit, x.last),
        stateCell(x),
      ];
    }),
  );
  const byName = (n: string): RuleReport | undefined =>
    r.rules.find((x) => x.rule.name === n && !x.off);
  const charts = [
    ['error rate (%)', byName('error-rate'), 100],
    ['p95 latency (ms)', byName('p95-latency'), 1000],
    ['proxy error rate (%)', byName('proxy-error-rate'), 100],
    ['proxy response time, mean (ms)', byName('proxy-response-time'), 1000],
  ] as const;
  for (const [title, rule, scale] of charts) {
    if (!rule) continue;
    const c = chart(title, rule, r.evaluations, scale);
    if (!c) continue;
    s.code(c, 'mermaid');
    const gaps = r.evaluations.filter((e) =>
      e.readings.some(
        (x) => x.rule === rule.rule.name && (x.value === null || !Number.isFinite(x.value)),
      ),
    ).length;
    if (gaps)
      s.paragraph(
        `_${title}: ${gaps} evaluation${gaps === 1 ? '' : 's'} without a finite value (no data or +Inf) drawn at 0; the table and the readings output have them._`,
      );
  }
  if (r.breaches.length) {
    const rows = r.breaches.slice(0, 50).map((b) => {
      const unit = r.rules.find((x) => x.rule.name === b.rule)?.rule.unit ?? 'number';
      return [
        formatDuration(b.elapsedMs),
        b.rule,
        b.severity,
        formatValue(unit, b.value),
        b.threshold,
      ];
    });
    s.details(
      `Breaches (${r.breaches.length}${r.breaches.length > 50 ? ', first 50' : ''})`,
      new Summary().table(['At', 'Rule', 'Severity', 'Value', 'Threshold'], rows),
    );
  }
  const queries = r.rules
    .filter((x) => x.query)
    .map(
      (x) =>
        `# ${x.rule.name}\n${x.query ?? ''}${x.baselineQuery && x.baselineQuery !== x.query ? `\n# ${x.rule.name} baseline (${iso(r.baselineWindow.start)} → ${iso(r.baselineWindow.end)})\n${x.baselineQuery}` : ''}`,
    );
  if (r.trafficQuery) queries.push(`# min-requests guard\n${r.trafficQuery}`);
  if (r.proxyTrafficQuery)
    queries.push(`# min-requests guard (proxy's series)\n${r.proxyTrafficQuery}`);
  if (queries.length)
    s.details('Resolved queries', new Summary().code(queries.join('\n\n'), 'promql'));
  let text = s.toString();
  if (result.rollbackError)
    text += `\n### ❌ Automatic rollback failed\n\n${escape(result.rollbackError)}\n`;
  if (result.rollback && release) {
    const rb = result.rollback;
    text += `\n${renderTargetSummary(rb, release.app, release.environment, {
      title: 'rollback-on-failure',
      extraFacts: [
        ...(rb.method ? [['method', rb.method] as [string, string]] : []),
        ...(rb.reason ? [['reason', rb.reason] as [string, string]] : []),
        ...(rb.verified
          ? [
              ['verified', `${rb.verified.ok ? '✅' : '❌'} ${rb.verified.detail}`] as [
                string,
                string,
              ],
            ]
          : []),
      ],
    })}`;
  }
  return text;
}

function escape(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}
