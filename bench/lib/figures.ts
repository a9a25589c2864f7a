/**
 * The one result shape every bench writes: a list of figures (what was measured, against which goal,
 * and against which baseline measured in the same run), plus when and where. scripts/bench.mjs turns
 * the figures of every bench/results/*.json into BENCHMARKS.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** A comparison measured in the same run, in the same unit as the figure (e.g. the raw commands). */
export interface Baseline {
  /** What the baseline is, for the table: "raw docker buildx", "node -e 0". */
  readonly label: string;
  readonly measured: number;
}

/** One row of BENCHMARKS.md. */
export interface Figure {
  /** Stable within its bench. */
  readonly id: string;
  readonly figure: string;
  /** What the goal says, for the table: "≤ 100 ms", "≤ 3×", "0", "—". */
  readonly goal: string;
  /** The goal's bound, or null for a figure with no goal. */
  readonly goalValue: number | null;
  /** What the bound applies to: the measured value, or the ratio to the baseline. */
  readonly goalOn: 'measured' | 'ratio' | null;
  readonly measured: number;
  readonly unit: string;
  readonly baseline: Baseline | null;
  /** measured ÷ baseline (unless the bench gives its own, e.g. a median of per-round ratios). */
  readonly ratio: number | null;
  /** null when the figure has no goal. */
  readonly pass: boolean | null;
  readonly note: string;
}

/** An upper bound: `measured ≤ max` (or `<` when strict), on the measured value or on the ratio. */
export interface Goal {
  readonly max: number;
  readonly on?: 'measured' | 'ratio';
  readonly strict?: boolean;
  /** Replaces the generated goal text ("≤ 1.1× raw" instead of "≤ 1.1×"). */
  readonly text?: string;
}

export interface FigureSpec {
  readonly id: string;
  readonly figure: string;
  readonly measured: number;
  readonly unit: string;
  readonly goal?: Goal;
  /** The goal column of a figure without a goal (default "—"). */
  readonly noGoal?: string;
  readonly baseline?: Baseline;
  /** The ratio when it is not measured ÷ baseline. */
  readonly ratio?: number;
  readonly note?: string;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function goalText(goal: Goal, unit: string): string {
  if (goal.text !== undefined) return goal.text;
  const op = goal.strict ? '<' : '≤';
  if (goal.on === 'ratio') return `${op} ${goal.max}×`;
  if (goal.max === 0 && !goal.strict) return '0';
  return `${op} ${goal.max} ${unit}`;
}

/**
 * Builds a figure: the ratio from the baseline (null when there is none or it is 0), pass from
 * the goal. Throws when a goal on the ratio has no ratio to judge, or a number is not finite.
 */
export function figure(spec: FigureSpec): Figure {
  if (!Number.isFinite(spec.measured))
    throw new Error(`figure ${spec.id}: measured is ${spec.measured}`);
  const ratio =
    spec.ratio ??
    (spec.baseline && spec.baseline.measured !== 0 ? spec.measured / spec.baseline.measured : null);
  const goal = spec.goal;
  let pass: boolean | null = null;
  if (goal) {
    const value = goal.on === 'ratio' ? ratio : spec.measured;
    if (value === null || !Number.isFinite(value))
      throw new Error(`figure ${spec.id}: a goal on the ratio needs a baseline other than 0`);
    pass = goal.strict ? value < goal.max : value <= goal.max;
  }
  return {
    id: spec.id,
    figure: spec.figure,
    goal: goal ? goalText(goal, spec.unit) : (spec.noGoal ?? '—'),
    goalValue: goal ? goal.max : null,
    goalOn: goal ? (goal.on ?? 'measured') : null,
    measured: spec.measured,
    unit: spec.unit,
    baseline: spec.baseline ?? null,
    ratio: ratio === null ? null : round3(ratio),
    pass,
    note: spec.note ?? '',
  };
}

/** True unless a figure missed its goal. */
export const allPass = (figures: readonly Figure[]): boolean =>
  figures.every((f) => f.pass !== false);

/** The machine as every bench names it: first CPU model × CPU count ("AMD EPYC × 2"). */
export function machine(): string {
  const all = cpus();
  return `${all[0]?.model.trim() ?? 'unknown CPU'} × ${all.length}`;
}

/** Writes bench/results/<name>.json (pretty, newline-terminated) and <name>.md under `root`. */
export function writeResult(root: string, name: string, result: object, md: string): void {
  const dir = join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.md`), md);
}

/** The median; of an even count, the mean of the middle two. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
