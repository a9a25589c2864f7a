/** The thresholds, and the verdict of every gate over the evidence (pure). */
import { coveredPercent, percent, totals } from './coverage.js';
import {
  COVERAGE_METRICS,
  type CoverageMetric,
  type Problem,
  type ReportKind,
  SEVERITIES,
  type Severity,
  type TestCase,
  type Vulnerability,
} from './model.js';
import type { Evidence, UnreadReport } from './reports.js';

export interface Thresholds {
  readonly maxFailedTests: number;
  /** Minimum coverage per metric, in percent; lines is always set (80 by default). */
  readonly minCoverage: Partial<Record<CoverageMetric, number>>;
  /** Largest allowed drop of line coverage against the base report, in points. */
  readonly maxCoverageDrop: number;
  readonly maxLintErrors: number;
  /** undefined: no limit. */
  readonly maxWarnings?: number;
  readonly maxTypeErrors: number;
  /** Vulnerabilities at this severity and above fail the gate; `none` never fails. */
  readonly failOnSeverity: Severity | 'none';
  /** Advisory ids (GHSA, CVE, npm number, rule id) that never fail the gate, shown in the summary. */
  readonly allow: readonly string[];
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  maxFailedTests: 0,
  minCoverage: { lines: 80 },
  maxCoverageDrop: 0.5,
  maxLintErrors: 0,
  maxTypeErrors: 0,
  failOnSeverity: 'high',
  allow: [],
};

export type GateStatus = 'passed' | 'failed';

export interface Gate {
  /** `tests`, `coverage`, `coverage-branches`, …, `lint-errors`, `types`, `audit`, `command:<name>`. */
  readonly name: string;
  readonly kind: ReportKind | 'command';
  readonly value: number;
  readonly threshold: number | null;
  /** How value meets threshold: at most (`<=`) or at least (`>=`). */
  readonly op: '<=' | '>=';
  readonly status: GateStatus;
  /** For the summary: the value and the limit in words. */
  readonly measured: string;
  readonly limit: string;
}

function gate(
  name: string,
  kind: Gate['kind'],
  value: number,
  op: Gate['op'],
  threshold: number | null,
  measured: string,
  limit: string,
  failed = threshold !== null && (op === '<=' ? value > threshold : value < threshold),
): Gate {
  return {
    name,
    kind,
    value,
    threshold,
    op,
    status: failed ? 'failed' : 'passed',
    measured,
    limit,
  };
}

export const plural = (n: number, word: string, many = `${word}s`): string =>
  `${n} ${n === 1 ? word : many}`;

export const failedCases = (cases: readonly TestCase[]): TestCase[] =>
  cases.filter((c) => c.status === 'failed' || c.status === 'error');

/** A vulnerability with whether it fails the gate and the allowlist entry that spared it. */
export interface JudgedVulnerability extends Vulnerability {
  readonly blocking: boolean;
  readonly allowedBy?: string;
}

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

export function judgeVulnerabilities(
  vulns: readonly Vulnerability[],
  t: Thresholds,
): JudgedVulnerability[] {
  const allow = t.allow.map((a) => a.toLowerCase());
  return vulns.map((v) => {
    const allowedBy = [v.id, ...v.aliases].find((id) => allow.includes(id.toLowerCase()));
    const severe = t.failOnSeverity !== 'none' && rank(v.severity) >= rank(t.failOnSeverity);
    return {
      ...v,
      blocking: severe && allowedBy === undefined,
      ...(allowedBy !== undefined && { allowedBy }),
    };
  });
}

/** Allowlist entries that matched no finding (stale entries worth removing). */
export function unusedAllowlist(vulns: readonly Vulnerability[], t: Thresholds): string[] {
  const ids = new Set(vulns.flatMap((v) => [v.id, ...v.aliases]).map((i) => i.toLowerCase()));
  return t.allow.filter((a) => !ids.has(a.toLowerCase()));
}

const pct = (n: number): string => `${n.toFixed(2)}%`;
const errors = (ps: readonly Problem[]): number => ps.filter((p) => p.severity === 'error').length;

/** The gate a report kind is judged by, for a report that could not be read. */
const UNREAD_GATE: Readonly<Record<UnreadReport['kind'], string>> = {
  tests: 'tests',
  coverage: 'coverage',
  'coverage-base': 'coverage-delta',
  lint: 'lint-errors',
  types: 'types',
  audit: 'audit',
};

/**
 * A failed gate for a report that could not be judged (missing, unreadable, not its format): it
 * fails its own gate only, so every other report is still judged, summarised and annotated.
 */
function unreadGate(u: UnreadReport): Gate {
  const kind = u.kind === 'coverage-base' ? 'coverage' : u.kind;
  const why = u.reason.replace(/^input "[^"]+": /, '');
  return gate(
    UNREAD_GATE[u.kind],
    kind,
    0,
    '>=',
    null,
    `not judged: ${why}`,
    'a readable report',
    true,
  );
}

/** The gates the evidence allows, in a fixed order. */
export function evaluate(e: Evidence, t: Thresholds): Gate[] {
  const out: Gate[] = [];
  for (const u of e.unread ?? []) out.push(unreadGate(u));
  if (e.tests) {
    const cases = e.tests.cases;
    const failed = failedCases(cases).length;
    const skipped = cases.filter((c) => c.status === 'skipped').length;
    const ran = cases.length - skipped;
    out.push(
      gate(
        'tests',
        'tests',
        failed,
        '<=',
        t.maxFailedTests,
        cases.length === 0
          ? 'no test cases in the reports'
          : `${failed} failed of ${ran} run${skipped ? ` (${skipped} skipped)` : ''}`,
        `≤ ${plural(t.maxFailedTests, 'failure')}`,
        failed > t.maxFailedTests || ran === 0,
      ),
    );
  }
  if (e.coverage) {
    const sums = totals(e.coverage);
    for (const metric of COVERAGE_METRICS) {
      const min = t.minCoverage[metric];
      const c = sums[metric];
      const name = metric === 'lines' ? 'coverage' : `coverage-${metric}`;
      if (min === undefined) continue;
      // No counts, or zero measured lines (nothing instrumented): a failure to measure, never 100 %.
      const unmeasured = !c
        ? `no ${metric} counts in the reports`
        : metric === 'lines' && c.total === 0
          ? 'measured nothing (0/0 lines): the coverage tool instrumented no file. Check its include/exclude settings and that the tests ran'
          : undefined;
      if (!c || unmeasured !== undefined) {
        out.push(gate(name, 'coverage', 0, '>=', min, unmeasured ?? '', `≥ ${pct(min)}`, true));
        continue;
      }
      out.push(
        gate(
          name,
          'coverage',
          percent(c),
          '>=',
          min,
          `${pct(percent(c))} (${c.covered}/${c.total} ${metric})`,
          `≥ ${pct(min)}`,
          coveredPercent(c) < min,
        ),
      );
    }
    const baseLines = e.base ? totals(e.base).lines : undefined;
    const lines = sums.lines;
    if (baseLines && lines) {
      const now = coveredPercent(lines);
      const before = coveredPercent(baseLines);
      const delta = Math.round((now - before) * 100) / 100;
      out.push(
        gate(
          'coverage-delta',
          'coverage',
          delta,
          '>=',
          -t.maxCoverageDrop,
          `${delta >= 0 ? '+' : ''}${delta.toFixed(2)} points (${pct(percent(baseLines))} → ${pct(percent(lines))})`,
          `drop ≤ ${t.maxCoverageDrop} points`,
          now - before < -t.maxCoverageDrop - 1e-9,
        ),
      );
    }
  }
  if (e.lint) {
    const errs = errors(e.lint);
    const warnings = e.lint.length - errs;
    out.push(
      gate(
        'lint-errors',
        'lint',
        errs,
        '<=',
        t.maxLintErrors,
        plural(errs, 'error'),
        `≤ ${t.maxLintErrors}`,
      ),
    );
    out.push(
      gate(
        'lint-warnings',
        'lint',
        warnings,
        '<=',
        t.maxWarnings ?? null,
        plural(warnings, 'warning'),
        t.maxWarnings === undefined ? 'no limit' : `≤ ${t.maxWarnings}`,
      ),
    );
  }
  if (e.types) {
    const errs = errors(e.types);
    out.push(
      gate(
        'types',
        'types',
        errs,
        '<=',
        t.maxTypeErrors,
        plural(errs, 'type error'),
        `≤ ${t.maxTypeErrors}`,
      ),
    );
  }
  if (e.audit) {
    const judged = judgeVulnerabilities(e.audit, t);
    const blocking = judged.filter((v) => v.blocking).length;
    const allowed = judged.filter((v) => v.allowedBy !== undefined).length;
    out.push(
      gate(
        'audit',
        'audit',
        blocking,
        '<=',
        t.failOnSeverity === 'none' ? null : 0,
        `${plural(blocking, 'vulnerability', 'vulnerabilities')} at ${t.failOnSeverity === 'none' ? '–' : `${t.failOnSeverity}+`} (${e.audit.length} found${allowed ? `, ${allowed} allowlisted` : ''})`,
        t.failOnSeverity === 'none' ? 'report only' : `none at ${t.failOnSeverity} or above`,
      ),
    );
  }
  return out;
}
