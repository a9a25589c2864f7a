/**
 * The verdict machine (DESIGN.md §4), pure: each evaluation's readings go in, and out comes a decision
 * once one is due — `failure-limit` consecutive critical readings of a rule fail the window at once;
 * a rule without data for `max-no-data` evaluations meets the no-data policy; the end of the window
 * passes it, unless a deciding rule never had data at all. A rule the monitor cannot read at all
 * (Prometheus unreachable, a query that errors, no series matched) is `blind`, which is not the
 * app's fault: it makes the verdict `inconclusive`, never `failed`, and never `passed` (ADR 0018).
 */
import { breaches, formatValue, type Rule, type Threshold } from './rules.js';

/**
 * `no-data`: Prometheus answered, but there is nothing to judge (no traffic: NaN, too few requests).
 * `blind`: the monitor could not see (Prometheus unreachable, a query that errors, no series matched).
 */
export type RuleState = 'ok' | 'warning' | 'critical' | 'no-data' | 'blind';
export type Verdict = 'passed' | 'failed' | 'inconclusive';
export const NO_DATA_POLICIES = ['fail', 'pass', 'inconclusive'] as const;
export type NoDataPolicy = (typeof NO_DATA_POLICIES)[number];

/** One rule's reading in one evaluation. */
export interface Reading {
  readonly rule: string;
  /** null when there was no usable value. */
  readonly value: number | null;
  readonly state: RuleState;
  /** Why there is no data, or which check failed. */
  readonly note?: string;
  /** The limit the value crossed (warning or critical), in the base unit. */
  readonly limit?: number;
  /** The crossed threshold as written (`5%`, `2x baseline`). */
  readonly threshold?: string;
}

/**
 * Classifies a value against a rule's thresholds. A baseline threshold without a baseline is not
 * evaluated; NaN is no data (0/0: no traffic), ±Inf is a value.
 */
export function classify(
  rule: Rule,
  value: number | null,
  baseline: number | null,
  note?: string,
): Reading {
  if (value === null || Number.isNaN(value))
    return { rule: rule.name, value: null, state: 'no-data', note: note ?? 'no data' };
  return classifyValue(rule, value, baseline, note);
}

/** A reading of a rule the monitor could not see: `note` says why (the error, the selector). */
export function blindReading(rule: Rule, note: string): Reading {
  return { rule: rule.name, value: null, state: 'blind', note };
}

function classifyValue(
  rule: Rule,
  value: number,
  baseline: number | null,
  note: string | undefined,
): Reading {
  const limitOf = (t: Threshold | undefined): number | undefined => {
    if (!t) return undefined;
    if (t.kind === 'absolute') return t.value;
    if (baseline === null) return undefined;
    return t.factor * Math.max(baseline, rule.baselineMin ?? Number.NEGATIVE_INFINITY);
  };
  for (const [state, t] of [
    ['critical', rule.critical],
    ['warning', rule.warning],
  ] as const) {
    const limit = limitOf(t);
    if (limit !== undefined && breaches(rule.direction, value, limit))
      return {
        rule: rule.name,
        value,
        state,
        limit,
        threshold: t?.kind === 'baseline' ? `${t.factor}x baseline` : t?.text,
        ...(note !== undefined && { note }),
      };
  }
  return { rule: rule.name, value, state: 'ok', ...(note !== undefined && { note }) };
}

export interface VerdictOptions {
  /** Consecutive critical evaluations that fail the window (a rule may set its own). */
  readonly failureLimit: number;
  /** Consecutive evaluations without data after which the policy applies. */
  readonly maxNoData: number;
  readonly noData: NoDataPolicy;
}

export interface Decision {
  readonly verdict: Verdict;
  /** One line: which rule, what value, what threshold, for how long. */
  readonly reason: string;
  /** The rule that decided, if one did. */
  readonly rule?: string;
  /** The reading that decided (the last critical or no-data one). */
  readonly reading?: Reading;
  /** An `inconclusive` verdict because the monitor could not see (never rolled back). */
  readonly blind?: boolean;
}

interface Track {
  critical: number;
  /** Consecutive evaluations without data (no-data or blind). */
  gap: number;
  /** Whether that gap holds a blind reading. */
  gapBlind: boolean;
  everData: boolean;
  /** Prometheus answered for the rule at least once (data or no-data, not blind). */
  everAnswered: boolean;
  /** The rule went blind for `max-no-data` evaluations: the window can no longer pass. */
  blind: boolean;
}

/** Whether a rule can fail the window (it has a critical threshold). Only those meet the no-data policy. */
export function decides(rule: Rule): boolean {
  return rule.critical !== undefined;
}

export class VerdictMachine {
  private readonly tracks = new Map<string, Track>();
  private decided: Decision | undefined;
  /** The first rule that went blind, while rules that can still see keep watching. */
  private blindness: Decision | undefined;

  constructor(
    private readonly rules: readonly Rule[],
    private readonly opts: VerdictOptions,
  ) {
    if (!(opts.failureLimit >= 1 && opts.maxNoData >= 1))
      throw new RangeError('failureLimit and maxNoData must be at least 1');
    for (const r of rules)
      this.tracks.set(r.name, {
        critical: 0,
        gap: 0,
        gapBlind: false,
        everData: false,
        everAnswered: false,
        blind: false,
      });
  }

  /** The decision, once made (later evaluations do not change it). */
  get decision(): Decision | undefined {
    return this.decided;
  }

  /** Set once a deciding rule went blind: the window cannot pass any more (see {@link observe}). */
  get blind(): Decision | undefined {
    return this.blindness;
  }

  /**
   * Feeds one evaluation; returns the decision if this evaluation made one. A deciding rule without
   * data for `max-no-data` evaluations meets the no-data policy, unless the monitor was blind in
   * that gap: then the window can no longer pass, and it ends `inconclusive` at once when no
   * deciding rule is left that can see; otherwise those rules (health above all) keep watching,
   * and can still fail it.
   */
  observe(readings: readonly Reading[]): Decision | undefined {
    if (this.decided) return this.decided;
    let failed: Decision | undefined;
    let noData: Decision | undefined;
    for (const reading of readings) {
      const rule = this.rules.find((r) => r.name === reading.rule);
      const track = this.tracks.get(reading.rule);
      if (!rule || !track) continue;
      if (reading.state === 'no-data' || reading.state === 'blind') {
        track.gap += 1;
        track.critical = 0;
        if (reading.state === 'blind') track.gapBlind = true;
        else track.everAnswered = true;
      } else {
        track.gap = 0;
        track.gapBlind = false;
        track.everData = true;
        track.everAnswered = true;
        track.critical = reading.state === 'critical' ? track.critical + 1 : 0;
      }
      const limit = rule.failureLimit ?? this.opts.failureLimit;
      if (!failed && track.critical >= limit)
        failed = {
          verdict: 'failed',
          rule: rule.name,
          reading,
          reason:
            `${describeReading(rule, reading)} (critical) in ${track.critical} consecutive evaluation${track.critical === 1 ? '' : 's'}` +
            (reading.note ? `: ${reading.note}` : ''),
        };
      if (!decides(rule) || track.gap < this.opts.maxNoData) continue;
      const gap = `${track.gap} consecutive evaluation${track.gap === 1 ? '' : 's'} (max-no-data ${this.opts.maxNoData})${reading.note ? `: ${reading.note}` : ''}`;
      if (track.gapBlind) {
        if (!track.blind && !this.blindness)
          this.blindness = {
            verdict: 'inconclusive',
            blind: true,
            rule: rule.name,
            reading,
            reason: `blind: ${rule.name} could not be read in ${gap}`,
          };
        track.blind = true;
      } else if (!noData && this.opts.noData !== 'pass')
        noData = this.noDataDecision(rule, `${rule.name} had no data in ${gap}`, reading);
    }
    this.decided = failed ?? noData;
    if (!this.decided && this.blindness && this.seeing().length === 0)
      this.decided = {
        ...this.blindness,
        reason: `${this.blindness.reason}; no rule that can fail the window is left that can see`,
      };
    return this.decided;
  }

  /** The deciding rules that have not gone blind. */
  private seeing(): Rule[] {
    return this.rules.filter((r) => decides(r) && !(this.tracks.get(r.name)?.blind ?? false));
  }

  /** The decision at the end of the window (or the one made earlier). */
  finish(): Decision {
    if (this.decided) return this.decided;
    if (this.blindness) {
      const seeing = this.seeing().map((r) => r.name);
      this.decided = {
        ...this.blindness,
        reason: `${this.blindness.reason}; ${seeing.join(', ')} kept watching to the end of the window and did not fail it`,
      };
      return this.decided;
    }
    const silent = this.rules.filter(
      (r) => decides(r) && !(this.tracks.get(r.name)?.everData ?? false),
    );
    // Silent because Prometheus said there is nothing (no traffic), or because it never answered.
    const quiet = silent.filter((r) => this.tracks.get(r.name)?.everAnswered ?? false);
    const unseen = silent.filter((r) => !quiet.includes(r));
    const first = quiet[0];
    if (first && this.opts.noData !== 'pass')
      this.decided = this.noDataDecision(
        first,
        `${quiet.map((r) => r.name).join(', ')} had no data during the whole window`,
      );
    else if (unseen[0])
      this.decided = {
        verdict: 'inconclusive',
        blind: true,
        rule: unseen[0].name,
        reason: `blind: ${unseen.map((r) => r.name).join(', ')} could not be read during the whole window`,
      };
    else
      this.decided = {
        verdict: 'passed',
        reason:
          silent.length > 0
            ? `no critical breach; ${silent.map((r) => r.name).join(', ')} had no data (no-data: pass)`
            : 'no rule breached its critical threshold',
      };
    return this.decided;
  }

  private noDataDecision(rule: Rule, reason: string, reading?: Reading): Decision {
    return {
      verdict: this.opts.noData === 'fail' ? 'failed' : 'inconclusive',
      rule: rule.name,
      reason: `${reason} (no-data: ${this.opts.noData})`,
      ...(reading && { reading }),
    };
  }
}

/** `error-rate 21.4% > 5%`, `p95-latency 412ms > 2x baseline (100ms)`, or `health no data`. */
export function describeReading(rule: Rule, reading: Reading): string {
  const value = formatValue(rule.unit, reading.value);
  if (rule.source === 'health')
    return reading.value === null
      ? `${rule.name} no data`
      : `${rule.name} ${reading.value === 0 ? 'ok' : `${value} failed check${reading.value === 1 ? '' : 's'}`}`;
  if (reading.limit === undefined) return `${rule.name} ${value}`;
  const op = rule.direction === 'above' ? '>' : '<';
  const shown =
    reading.threshold?.includes('baseline') === true
      ? `${reading.threshold} (${formatValue(rule.unit, reading.limit)})`
      : formatValue(rule.unit, reading.limit);
  return `${rule.name} ${value} ${op} ${shown}`;
}
