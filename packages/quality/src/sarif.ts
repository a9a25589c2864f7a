/** SARIF 2.1.0 (ESLint's SARIF formatter, CodeQL, Trivy, Grype, …): results with their rules. */
import { type Location, num, parseJsonReport, record, ReportError, str } from './model.js';
import type { PathContext } from './junit.js';
import { workspacePath } from './paths.js';

export interface SarifResult extends Location {
  readonly tool: string;
  readonly ruleId?: string;
  /** `error`, `warning`, `note` or `none` (the SARIF default is `warning`). */
  readonly level: string;
  readonly message: string;
  /** The rule's properties (e.g. `security-severity`, `tags`) and descriptions. */
  readonly rule?: Record<string, unknown>;
  /** The artifact as written in the report (for scanners: the lockfile or image path). */
  readonly uri?: string;
  /**
   * Suppressed where it was found (`eslint-disable`, a scanner's ignore file): SARIF `suppressions`
   * with one accepted (or status-less) entry and none rejected or under review. Not a finding.
   */
  readonly suppressed?: boolean;
  /**
   * A notification of the tool's run, not a result: ESLint reports a file it could not parse as a
   * `toolConfigurationNotifications` entry of `runs[].invocations` (with `descriptor.id` for a rule).
   */
  readonly notification?: boolean;
}

/** Whether a SARIF result's `suppressions` silence it (SARIF 2.1.0 §3.27.23, §3.35.3). */
function isSuppressed(suppressions: unknown): boolean {
  if (!Array.isArray(suppressions) || suppressions.length === 0) return false;
  const statuses = suppressions.map((x) => str(record(x)?.status) ?? 'accepted');
  return (
    statuses.includes('accepted') &&
    !statuses.some((st) => st === 'rejected' || st === 'underReview')
  );
}

/** Whether a parsed JSON document looks like SARIF. */
export function isSarif(doc: unknown): boolean {
  const d = record(doc);
  return (
    !!d && Array.isArray(d.runs) && (typeof d.version === 'string' || typeof d.$schema === 'string')
  );
}

/** Every result of every run. */
export function parseSarif(
  input: string,
  file: string,
  text: string,
  ctx: PathContext,
): SarifResult[] {
  const doc = parseJsonReport(input, file, text);
  if (!isSarif(doc)) throw new ReportError(input, file, 'is not SARIF (no "version" and "runs")');
  const out: SarifResult[] = [];
  (doc as { runs: unknown[] }).runs.forEach((runValue, r) => {
    const run = record(runValue);
    const driver = record(record(run?.tool)?.driver);
    if (!run || !driver) throw new ReportError(input, file, `runs[${r}] has no tool.driver`);
    const tool = str(driver.name) ?? 'SARIF';
    const rules = (Array.isArray(driver.rules) ? driver.rules : []).map((x) => record(x) ?? {});
    const bases = record(run.originalUriBaseIds) ?? {};
    const results = run.results ?? [];
    if (!Array.isArray(results))
      throw new ReportError(input, file, `runs[${r}].results is not a list`);
    results.forEach((value, i) => {
      const res = record(value);
      if (!res) throw new ReportError(input, file, `runs[${r}].results[${i}] is not an object`);
      out.push(toResult(res, false));
    });
    const invocations = Array.isArray(run.invocations) ? run.invocations : [];
    for (const inv of invocations.map((x) => record(x) ?? {}))
      for (const key of ['toolExecutionNotifications', 'toolConfigurationNotifications'])
        for (const n of Array.isArray(inv[key]) ? (inv[key] as unknown[]) : [])
          out.push(toResult(record(n) ?? {}, true));

    function toResult(res: Record<string, unknown>, notification: boolean): SarifResult {
      const ruleId =
        str(res.ruleId) ?? str(record(res.rule)?.id) ?? str(record(res.descriptor)?.id);
      const index = num(res.ruleIndex) ?? num(record(res.rule)?.index);
      const rule = notification
        ? undefined
        : ((index !== undefined ? rules[index] : undefined) ?? rules.find((x) => x.id === ruleId));
      const physical = record(
        record((res.locations as unknown[] | undefined)?.[0])?.physicalLocation,
      );
      const artifact = record(physical?.artifactLocation);
      const region = record(physical?.region);
      const uri = str(artifact?.uri);
      const baseId = str(artifact?.uriBaseId);
      const base = baseId ? str(record(bases[baseId])?.uri) : undefined;
      const absolute =
        uri && base && !/^[a-z]+:\/\//i.test(uri)
          ? new URL(uri, base.endsWith('/') ? base : `${base}/`).href
          : uri;
      const line = num(region?.startLine);
      const column = num(region?.startColumn);
      const level =
        str(res.level) ??
        str(record(rule?.defaultConfiguration)?.level) ??
        (notification ? 'error' : 'warning');
      return {
        tool,
        level,
        message: str(record(res.message)?.text) ?? str(record(res.message)?.markdown) ?? '',
        ...(ruleId !== undefined && { ruleId }),
        ...(rule && { rule }),
        ...(uri !== undefined && { uri }),
        ...(absolute !== undefined && { file: workspacePath(absolute, ctx.cwd, ctx.workspace) }),
        ...(line !== undefined && { line }),
        ...(column !== undefined && { column }),
        ...(isSuppressed(res.suppressions) && { suppressed: true }),
        ...(notification && { notification: true }),
      };
    }
  });
  return out;
}
