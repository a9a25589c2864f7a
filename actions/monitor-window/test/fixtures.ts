/** Shared test data for the monitor-window tests: inputs from a map of strings, hand-built reports. */
import { InputReader } from '@switchyard/kit';
import {
  BUILTIN_RULES,
  type Breach,
  type Evaluation,
  type MonitorReport,
  type Reading,
  type Rule,
  type RuleReport,
} from '@switchyard/metrics';
import { parseInputs, type MonitorInputs } from '../src/inputs.js';

/** FakeClock's default start. */
export const START = Date.UTC(2026, 0, 1);
export const SEC = 1000;
export const MIN = 60 * SEC;
export const WORKSPACE = '/ws';

/** parseInputs over a map of input values and a map of files (absolute path → text). */
export function parse(
  values: Record<string, string>,
  files: Record<string, string> = {},
): MonitorInputs {
  return parseInputs(new InputReader((n) => values[n] ?? ''), {
    workspace: WORKSPACE,
    env: {},
    readFile: (p) => files[p],
  });
}

/** The built-in rule named `name`. */
export function builtin(name: string): Rule {
  const rule = BUILTIN_RULES.find((r) => r.name === name);
  if (!rule) throw new Error(`no built-in rule ${name}`);
  return rule;
}

/** A rule's report with no readings and no baseline, unless `over` says otherwise. */
export function ruleReport(rule: Rule, over: Partial<RuleReport> = {}): RuleReport {
  return { rule, baseline: null, min: null, max: null, last: null, ...over };
}

/** One evaluation `elapsedMs` after START. */
export function evaluation(
  elapsedMs: number,
  readings: Reading[],
  requests?: number | null,
): Evaluation {
  return {
    at: START + elapsedMs,
    elapsedMs,
    ...(requests !== undefined && { requests }),
    readings,
  };
}

/** A breach of `rule` at `elapsedMs`. */
export function breach(elapsedMs: number, over: Partial<Breach> = {}): Breach {
  return {
    at: START + elapsedMs,
    elapsedMs,
    rule: 'error-rate',
    severity: 'critical',
    value: 0.08,
    limit: 0.05,
    threshold: '5%',
    ...over,
  };
}

/** A passed 15-minute window without evaluations, unless `over` says otherwise. */
export function report(over: Partial<MonitorReport> = {}): MonitorReport {
  return {
    verdict: 'passed',
    reason: 'no rule breached its critical threshold',
    decision: { verdict: 'passed', reason: 'no rule breached its critical threshold' },
    startedAt: START,
    finishedAt: START + 15 * MIN,
    durationMs: 15 * MIN,
    stoppedEarly: false,
    selector: 'app="shop",environment="production",color="green"',
    baselineSelector: 'app="shop",environment="production",color="blue"',
    baselineWindow: { start: START - 10 * MIN, end: START },
    rules: [],
    evaluations: [],
    breaches: [],
    ...over,
  };
}
