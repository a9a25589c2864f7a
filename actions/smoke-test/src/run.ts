/** The smoke-test logic: run the checks, log progress, judge the step. Never imports @actions/*. */
import { formatDuration, Summary, type Clock, type Logger } from '@switchyard/kit';
import {
  DEFAULT_VERSION_SOURCE,
  describeVersionSource,
  runChecks,
  type CheckResult,
  type Http,
} from '@switchyard/probe';
import type { SmokeInputs } from './inputs.js';

export interface SmokeDeps {
  readonly http: Http;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface SmokeReport {
  /** True when every required check passed. */
  readonly passed: boolean;
  readonly results: readonly CheckResult[];
  /** Required checks that failed. */
  readonly failed: readonly CheckResult[];
  /** Checks with continue-on-failure that failed. */
  readonly warned: readonly CheckResult[];
  readonly elapsedMs: number;
}

export async function run(inputs: SmokeInputs, deps: SmokeDeps): Promise<SmokeReport> {
  const { clock, log } = deps;
  const start = clock.now();
  const deadline = inputs.timeoutMs === undefined ? undefined : start + inputs.timeoutMs;
  log.info(
    `Running ${inputs.checks.length} check${inputs.checks.length === 1 ? '' : 's'} ` +
      `(concurrency ${inputs.concurrency}, ${Number.isFinite(inputs.attempts) ? `up to ${inputs.attempts} attempt${inputs.attempts === 1 ? '' : 's'}` : 'retrying'}` +
      `${inputs.timeoutMs === undefined ? '' : ` for up to ${formatDuration(inputs.timeoutMs)}`}` +
      `${inputs.expectVersion === undefined ? '' : `, until version ${inputs.expectVersion}${inputs.versionFrom === DEFAULT_VERSION_SOURCE ? '' : ` (read from ${describeVersionSource(inputs.versionFrom)})`}`})`,
  );
  const results = await runChecks(
    inputs.checks,
    {
      concurrency: inputs.concurrency,
      attempts: inputs.attempts,
      ...(deadline !== undefined && { deadline }),
      backoff: { initialDelayMs: inputs.intervalMs, maxDelayMs: inputs.maxIntervalMs },
      onRetry: (check, attempt, delayMs, r) => {
        const left =
          deadline === undefined
            ? ''
            : `, ${formatDuration(Math.max(0, deadline - clock.now()))} left`;
        log.info(
          `… ${check.name}: attempt ${attempt} failed (${r.reason ?? 'unknown'}); retrying in ${formatDuration(delayMs)}${left}`,
        );
      },
    },
    deps,
  );
  for (const r of results) log.info(resultLine(r));
  const failed = results.filter((r) => !r.ok && r.required);
  const warned = results.filter((r) => !r.ok && !r.required);
  const title = (r: CheckResult): { title: string } => ({ title: `smoke-test: ${r.name} failed` });
  annotate(failed, log, (r) => log.error(`${r.name}: ${r.reason ?? 'failed'}`, title(r)));
  annotate(warned, log, (r) =>
    log.warning(`${r.name}: ${r.reason ?? 'failed'} (continue-on-failure)`, title(r)),
  );
  return { passed: failed.length === 0, results, failed, warned, elapsedMs: clock.now() - start };
}

/** GitHub shows at most this many annotations of one level per step; more are not annotated. */
export const ANNOTATION_CAP = 10;

function annotate(
  results: readonly CheckResult[],
  log: Logger,
  one: (r: CheckResult) => void,
): void {
  results.slice(0, ANNOTATION_CAP).forEach(one);
  if (results.length > ANNOTATION_CAP) {
    log.info(
      `${results.length - ANNOTATION_CAP} more failed checks are not annotated ` +
        `(GitHub shows ${ANNOTATION_CAP} per step); the job summary lists them all`,
    );
  }
}

function resultLine(r: CheckResult): string {
  const mark = r.ok ? '✓' : r.required ? '✗' : '!';
  const what = r.ok
    ? `${r.status ?? ''} in ${formatDuration(r.latencyMs)}`
    : (r.reason ?? 'failed');
  return `${mark} ${r.name}: ${what} (${r.attempts} attempt${r.attempts === 1 ? '' : 's'})`;
}

/** The JSON written to the `results` output: one object per check. */
export function resultsJson(results: readonly CheckResult[]): object[] {
  return results.map((r) => ({
    name: r.name,
    method: r.method,
    url: r.url,
    passed: r.ok,
    required: r.required,
    status: r.status ?? null,
    latencyMs: Math.round(r.latencyMs),
    attempts: r.attempts,
    elapsedMs: Math.round(r.elapsedMs),
    reason: r.reason ?? null,
    ...(r.version !== undefined && { version: r.version }),
  }));
}

/** The job summary: a headline, a table of checks, and the failed requests in a folded block. */
export function renderSummary(report: SmokeReport): string {
  const n = report.results.length;
  const ok = report.results.filter((r) => r.ok).length;
  const head = report.passed
    ? `✅ ${ok} of ${n} checks passed${report.warned.length ? ` (${report.warned.length} optional failed)` : ''}`
    : `❌ ${report.failed.length} of ${n} required checks failed`;
  const summary = new Summary()
    .heading('Smoke test', 2)
    .paragraph(`${head} in ${formatDuration(report.elapsedMs)}.`)
    .table(
      ['Check', 'Result', 'Status', 'Latency', 'Attempts', 'Reason'],
      report.results.map((r) => [
        `${r.name}`,
        r.ok ? '✅ passed' : r.required ? '❌ failed' : '⚠️ failed (optional)',
        r.status,
        formatDuration(r.latencyMs),
        r.attempts,
        r.reason,
      ]),
    );
  const failures = report.results.filter((r) => !r.ok);
  if (failures.length) {
    const rows = failures.map((r) => [
      r.name,
      `${r.method} ${r.url}`,
      r.attempts,
      formatDuration(r.elapsedMs),
      r.reason,
    ]);
    summary.details(
      `Failed requests (${failures.length})`,
      new Summary().table(['Check', 'Request', 'Attempts', 'Time spent', 'Last reason'], rows),
    );
  }
  return summary.toString();
}
