/** The smoke-test logic: run the checks, log progress, judge the step. Never imports @actions/*. */
import { formatDuration, Summary, type Clock, type Logger } from '@switchyard/kit';
import { runChecks, type CheckResult, type Http } from '@switchyard/probe';
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
      `${inputs.expectVersion === undefined ? '' : `, until version ${inputs.expectVersion}`})`,
  );
  const results = await runChecks(
    inputs.checks,
    {
      concurrency: inputs.concurrency,
      attempts: inputs.attempts,
      ...(deadline !== undefined && { deadline }),
      backoff: { initialDelayMs: inputs.intervalMs, maxDelayMs: inputs.maxIntervalMs },
      versionPath: inputs.versionPath,
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
  for (const r of failed)
    log.error(`${r.name}: ${r.reason ?? 'failed'}`, { title: `smoke-test: ${r.name} failed` });
  for (const r of warned)
    log.warning(`${r.name}: ${r.reason ?? 'failed'} (continue-on-failure)`, {
      title: `smoke-test: ${r.name} failed`,
    });
  return { passed: failed.length === 0, results, failed, warned, elapsedMs: clock.now() - start };
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

/** The job summary: a headline and a table of checks. */
export function renderSummary(report: SmokeReport): string {
  const n = report.results.length;
  const ok = report.results.filter((r) => r.ok).length;
  const head = report.passed
    ? `✅ ${ok} of ${n} checks passed${report.warned.length ? ` (${report.warned.length} optional failed)` : ''}`
    : `❌ ${report.failed.length} of ${n} required checks failed`;
  return new Summary()
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
    )
    .toString();
}
