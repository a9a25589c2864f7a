/** The step outputs of a quality gate report. */
import {
  judgeVulnerabilities,
  percent,
  resultsJson,
  totals,
  failedCases,
  type QualityReport,
} from '@switchyard/quality';

export function outputs(r: QualityReport): Record<string, string | number | boolean | object> {
  const lines = r.evidence.coverage ? totals(r.evidence.coverage).lines : undefined;
  return {
    passed: r.passed,
    results: resultsJson(r),
    // Nothing measured (0/0 lines) is no figure, not 100 %.
    coverage: lines && lines.total > 0 ? percent(lines) : '',
    'tests-failed': r.evidence.tests ? failedCases(r.evidence.tests.cases).length : '',
    vulnerabilities: r.evidence.audit
      ? judgeVulnerabilities(r.evidence.audit, r.thresholds).filter((v) => v.blocking).length
      : '',
    'failed-gates': r.failed.map((g) => g.name),
  };
}
