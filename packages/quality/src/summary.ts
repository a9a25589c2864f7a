/** The job summary of a quality gate: one table of gates, then the details of each (pure). */
import { Summary } from '@switchyard/kit';
import { percent, totals } from './coverage.js';
import { failedCases, judgeVulnerabilities, plural, unusedAllowlist, type Gate } from './gates.js';
import { COVERAGE_METRICS, type Location, SEVERITIES } from './model.js';
import { testName, type QualityReport } from './quality-gate.js';

/** Rows shown per detail list before "… and N more". */
const LIST_CAP = 20;
/** The summary's words for what the annotation cap left out, per source. */
const OMITTED = {
  reports: 'unread report',
  tests: 'test failure',
  types: 'type error',
  lint: 'lint problem',
} as const;
const TOP_FILES = 10;

const icon = (g: Gate): string => (g.status === 'passed' ? '✅ passed' : '❌ failed');
const where = (l: Location): string =>
  l.file ? `\`${l.file}${l.line !== undefined ? `:${l.line}` : ''}\`` : '–';
const more = (n: number): string[] => (n > LIST_CAP ? [`… and ${n - LIST_CAP} more`] : []);
const firstLine = (s: string | undefined): string => (s ?? '').split('\n')[0] ?? '';

/** Line numbers as ranges: `3-5, 9`. */
export function lineRanges(lines: readonly number[], max = 8): string {
  const ranges: string[] = [];
  let i = 0;
  while (i < lines.length) {
    let j = i;
    while (j + 1 < lines.length && (lines[j + 1] as number) === (lines[j] as number) + 1) j++;
    ranges.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return ranges.length > max ? `${ranges.slice(0, max).join(', ')}, …` : ranges.join(', ');
}

export function renderSummary(r: QualityReport): string {
  const s = new Summary();
  const verdict = r.passed
    ? '✅ passed'
    : r.mode === 'warn'
      ? '⚠️ failed (mode: warn, so the step does not fail)'
      : '❌ failed';
  s.heading(`Quality gate: ${verdict}`);
  if (r.gates.length)
    s.table(
      ['gate', 'measured', 'threshold', 'status'],
      r.gates.map((g) => [g.name, g.measured, g.limit, icon(g)]),
    );
  if (r.failed.length)
    s.paragraph(`**Failed:** ${r.failed.map((g) => `\`${g.name}\``).join(', ')}`);
  if (r.warnings.length) s.list(r.warnings.map((w) => `⚠️ ${w}`));

  if (r.commands.length) {
    s.heading('Commands', 3).table(
      ['command', 'ran', 'exit', 'time', 'judged by'],
      r.commands.map((c) => [
        c.name,
        // Plain text: a code span would show `>` as &gt; (cells escape angle brackets).
        c.display,
        c.exitCode === undefined
          ? 'skipped (fail-fast)'
          : c.exitCode === -1
            ? (c.note ?? 'did not finish')
            : c.exitCode,
        `${(c.durationMs / 1000).toFixed(1)}s`,
        c.judgedBy ? `${c.judgedBy} reports` : 'exit code',
      ]),
    );
  }

  const e = r.evidence;
  if (e.tests) {
    const failed = failedCases(e.tests.cases);
    const skipped = e.tests.cases.filter((c) => c.status === 'skipped').length;
    s.heading(
      `Tests: ${failed.length} failed of ${e.tests.cases.length - skipped} run${skipped ? ` (${skipped} skipped)` : ''}`,
      3,
    );
    if (failed.length)
      s.table(
        ['test', 'where', 'message'],
        [
          ...failed
            .slice(0, LIST_CAP)
            .map((c) => [testName(c), where(c), firstLine(c.message).slice(0, 200)]),
          ...more(failed.length).map((m) => [m, '', '']),
        ],
      );
  }

  if (e.coverage) {
    const sums = totals(e.coverage);
    s.heading('Coverage', 3).table(
      ['metric', 'covered', 'total', '%', 'minimum'],
      COVERAGE_METRICS.filter((m) => sums[m]).map((m) => {
        const c = sums[m] as { covered: number; total: number };
        const min = r.thresholds.minCoverage[m];
        return [
          m,
          c.covered,
          c.total,
          `${percent(c).toFixed(2)}%`,
          min === undefined ? '–' : `${min}%`,
        ];
      }),
    );
    const gaps = e.coverage.files
      .map((f) => ({ f, missed: (f.metrics.lines?.total ?? 0) - (f.metrics.lines?.covered ?? 0) }))
      .filter((x) => x.missed > 0)
      .sort((a, b) => b.missed - a.missed || a.f.file.localeCompare(b.f.file))
      .slice(0, TOP_FILES);
    if (gaps.length)
      s.paragraph(`Top ${gaps.length} files by uncovered lines:`).table(
        ['file', 'lines', 'uncovered', 'uncovered lines'],
        gaps.map(({ f, missed }) => [
          f.file,
          `${percent(f.metrics.lines ?? { covered: 0, total: 0 }).toFixed(2)}%`,
          missed,
          f.uncovered ? lineRanges(f.uncovered) : '–',
        ]),
      );
  }

  for (const [title, problems] of [
    ['Lint', e.lint],
    ['Type errors', e.types],
  ] as const) {
    if (!problems) continue;
    const errors = problems.filter((p) => p.severity === 'error').length;
    s.heading(
      `${title}: ${plural(errors, 'error')}, ${plural(problems.length - errors, 'warning')}`,
      3,
    );
    const sorted = [...problems].sort((a, b) =>
      a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1,
    );
    if (sorted.length)
      s.table(
        ['severity', 'where', 'rule', 'message'],
        [
          ...sorted
            .slice(0, LIST_CAP)
            .map((p) => [p.severity, where(p), p.rule, firstLine(p.message).slice(0, 200)]),
          ...more(sorted.length).map((m) => [m, '', '', '']),
        ],
      );
  }

  if (e.audit) {
    const judged = judgeVulnerabilities(e.audit, r.thresholds);
    s.heading(
      `Vulnerabilities: ${judged.filter((v) => v.blocking).length} blocking of ${judged.length}`,
      3,
    );
    s.table(
      ['severity', 'found', 'allowlisted', 'blocking'],
      [...SEVERITIES].reverse().map((sev) => {
        const of = judged.filter((v) => v.severity === sev);
        return [
          sev,
          of.length,
          of.filter((v) => v.allowedBy).length,
          of.filter((v) => v.blocking).length,
        ];
      }),
    );
    const listed = judged
      .filter((v) => v.blocking || v.allowedBy)
      .sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
    if (listed.length)
      s.table(
        ['advisory', 'severity', 'package', 'title', 'status'],
        listed.map((v) => [
          v.url ? `[${v.id}](${v.url})` : v.id,
          v.severity,
          v.package,
          v.title.slice(0, 160),
          v.blocking ? '❌ blocking' : `allowlisted (${v.allowedBy ?? ''})`,
        ]),
      );
    const unused = unusedAllowlist(e.audit, r.thresholds);
    if (unused.length)
      s.paragraph(
        `Allowlist entries that matched nothing: ${unused.map((u) => `\`${u}\``).join(', ')}`,
      );
  }

  const { error, warning } = r.annotatable;
  if (error > r.maxAnnotations || warning > r.maxAnnotations) {
    const left = Object.entries(r.omitted ?? {})
      .map(([source, n]) => plural(n, OMITTED[source as keyof typeof OMITTED] ?? source))
      .join(', ');
    s.paragraph(
      `Annotated ${Math.min(error, r.maxAnnotations)} of ${error} errors and ${Math.min(warning, r.maxAnnotations)} of ${warning} warnings (max-annotations: ${r.maxAnnotations} per level, shared across tests, types and lint${left ? `; left out: ${left}` : ''}; the tables above list more).`,
    );
  }
  if (e.files.length)
    s.details(
      `Reports read (${e.files.length})`,
      new Summary().table(
        ['kind', 'file', 'format'],
        e.files.map((f) => [f.kind, f.file, f.format]),
      ),
    );
  return s.toString();
}

/** The `results` output: per gate, its value, threshold and status. */
export function resultsJson(
  r: QualityReport,
): Record<string, { value: number; threshold: number | null; op: string; status: string }> {
  return Object.fromEntries(
    r.gates.map((g) => [
      g.name,
      { value: g.value, threshold: g.threshold, op: g.op, status: g.status },
    ]),
  );
}
