/**
 * One quality gate: run the named commands (each in a folded log group, all of them unless
 * fail-fast), read the reports they and earlier steps wrote, judge every gate, and pick the
 * annotations. Side effects come in through {@link GateDeps}.
 */
import {
  type Clock,
  type Exec,
  ExecError,
  type Logger,
  stripAnsi,
  visibleControls,
} from '@switchyard/kit';
import { evaluate, failedCases, type Gate, type Thresholds } from './gates.js';
import type { Location, ReportKind, TestCase } from './model.js';
import {
  type Evidence,
  type IfMissing,
  readReports,
  type ReportFile,
  type ReportSpec,
} from './reports.js';

/** A command: a bash script (as a workflow `run:` step runs it) or an argument list (no shell). */
export interface Command {
  readonly name: string;
  readonly run: string | readonly string[];
}

export interface GatePlan {
  readonly commands: readonly Command[];
  readonly failFast: boolean;
  readonly commandTimeoutMs?: number;
  /** Where commands run and report globs start. */
  readonly cwd: string;
  readonly workspace: string;
  readonly reports: Partial<Record<ReportKind, ReportSpec>>;
  readonly coverageBase?: ReportSpec;
  readonly ifMissing: IfMissing;
  readonly thresholds: Thresholds;
  readonly mode: 'enforce' | 'warn';
  /** Most annotations per level (errors, warnings). */
  readonly maxAnnotations: number;
}

export interface GateDeps {
  readonly exec: Exec;
  readonly clock: Clock;
  readonly log: Logger & { group<T>(title: string, fn: () => Promise<T>): Promise<T> };
}

export interface CommandResult {
  readonly name: string;
  readonly display: string;
  /** -1 when it could not start or timed out; undefined when fail-fast skipped it. */
  readonly exitCode?: number;
  readonly durationMs: number;
  readonly startedAt: number;
  readonly note?: string;
  /** The gate whose reports judge it instead of its exit code, when they were written by it. */
  readonly judgedBy?: ReportKind;
}

export interface Annotation extends Location {
  readonly level: 'error' | 'warning';
  readonly title: string;
  readonly message: string;
}

export interface QualityReport {
  readonly passed: boolean;
  readonly mode: 'enforce' | 'warn';
  readonly gates: readonly Gate[];
  readonly failed: readonly Gate[];
  readonly commands: readonly CommandResult[];
  readonly evidence: Evidence;
  readonly thresholds: Thresholds;
  readonly annotations: readonly Annotation[];
  /** Problems that could have been annotated, per level (the cap is stated against these). */
  readonly annotatable: { readonly error: number; readonly warning: number };
  /** What the cap left out, per source (the summary says so). */
  readonly omitted?: Partial<Record<AnnotationSource, number>>;
  readonly maxAnnotations: number;
  readonly warnings: readonly string[];
}

/** Command names whose reports judge them (`test: npx jest` is judged by the JUnit report). */
export const JUDGED_BY: Readonly<Record<string, ReportKind>> = {
  test: 'tests',
  tests: 'tests',
  coverage: 'coverage',
  lint: 'lint',
  eslint: 'lint',
  types: 'types',
  typecheck: 'types',
  'type-check': 'types',
  tsc: 'types',
  audit: 'audit',
};

/**
 * Whether `kind`'s reports show what makes its tool exit non-zero (a failed test, a lint finding,
 * a type error, a vulnerability). If they show nothing, a failed exit is not theirs to excuse: the
 * tool may have crashed after, or without, writing them.
 */
function explainsFailure(kind: ReportKind, e: Evidence): boolean {
  switch (kind) {
    case 'tests':
      return failedCases(e.tests?.cases ?? []).length > 0;
    case 'lint':
      return (e.lint?.length ?? 0) > 0;
    case 'types':
      return (e.types?.length ?? 0) > 0;
    case 'audit':
      return (e.audit?.length ?? 0) > 0;
    case 'coverage':
      // A coverage tool exits non-zero for its own thresholds; the coverage gate judges those.
      return true;
  }
}

/** Slack for file systems with coarse modification times. */
const FRESH_SLACK_MS = 1000;

/** A command as the log and the summary show it. */
const commandText = (c: Command): string => (typeof c.run === 'string' ? c.run : c.run.join(' '));

const SHELL = ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c']] as const;

async function runCommand(c: Command, plan: GatePlan, deps: GateDeps): Promise<CommandResult> {
  const [program, args] =
    typeof c.run === 'string'
      ? [SHELL[0], [...SHELL[1], c.run]]
      : [c.run[0] as string, c.run.slice(1)];
  const display = commandText(c);
  const startedAt = deps.clock.now();
  return deps.log.group(`${c.name}: ${display}`, async () => {
    let exitCode: number;
    let note: string | undefined;
    try {
      const r = await deps.exec.run(program, args, {
        cwd: plan.cwd,
        allowFailure: true,
        processGroup: true,
        ...(plan.commandTimeoutMs !== undefined && { timeoutMs: plan.commandTimeoutMs }),
        onLine: (line) => deps.log.info(line),
      });
      exitCode = r.exitCode;
    } catch (error) {
      exitCode = -1;
      // A tool's coloured stderr is in the message: shown as text in the summary, not as escapes.
      note = visibleControls(stripAnsi(error instanceof ExecError ? error.message : String(error)));
    }
    const durationMs = deps.clock.now() - startedAt;
    deps.log.info(`${c.name}: exit ${exitCode} after ${(durationMs / 1000).toFixed(1)}s`);
    return {
      name: c.name,
      display,
      exitCode,
      durationMs,
      startedAt,
      ...(note !== undefined && { note }),
    };
  });
}

/** Whether `kind`'s reports were all written after `since`. */
function fresh(files: readonly ReportFile[], kind: ReportKind, since: number): boolean | undefined {
  const mine = files.filter((f) => f.kind === kind);
  if (mine.length === 0) return undefined;
  return mine.every((f) => f.mtimeMs >= since - FRESH_SLACK_MS);
}

const commandGate = (name: string, value: number, measured: string): Gate => ({
  name: `command:${name}`,
  kind: 'command',
  value,
  threshold: 0,
  op: '<=',
  status: value === 0 ? 'passed' : 'failed',
  measured,
  limit: 'exit 0',
});

/**
 * The command gates. A command named for a report kind is judged by that kind's reports when
 * this run wrote them and they account for its exit code; any other command passes only on exit 0.
 */
function commandGates(
  commands: readonly CommandResult[],
  evidence: Evidence,
  warn: (m: string) => void,
): { gates: Gate[]; commands: CommandResult[] } {
  const gates: Gate[] = [];
  const judged = commands.map((c): CommandResult => {
    if (c.exitCode === undefined) {
      gates.push(commandGate(c.name, -1, 'not run (fail-fast)'));
      return c;
    }
    const kind = JUDGED_BY[c.name];
    const isFresh = kind && fresh(evidence.files, kind, c.startedAt);
    if (kind && isFresh === false)
      warn(
        `the ${kind} reports were not written by the "${c.name}" command (they are older than its start): they may be left from an earlier run, so its exit code decides`,
      );
    if (
      kind &&
      isFresh &&
      (c.exitCode === 0 || (c.exitCode > 0 && explainsFailure(kind, evidence)))
    )
      return { ...c, judgedBy: kind };
    const measured =
      c.exitCode === -1
        ? (c.note ?? 'did not finish')
        : kind && isFresh
          ? `exit ${c.exitCode}, but its ${kind} reports show nothing wrong`
          : `exit ${c.exitCode}`;
    gates.push(commandGate(c.name, c.exitCode, measured));
    return c;
  });
  return { gates, commands: judged };
}

/** Where an annotation comes from, for the budget and the summary's count of what was left out. */
export type AnnotationSource = 'reports' | 'tests' | 'types' | 'lint';

/**
 * Failed tests as annotations, one per root cause: failures whose text is identical (a shared
 * fixture broken, one missing module) are one annotation at the first, naming the others.
 */
function testAnnotations(cases: readonly TestCase[]): Annotation[] {
  const groups = new Map<string, TestCase[]>();
  for (const c of cases) {
    const text = c.details ? ownFrames(c.details) : (c.message ?? 'failed');
    // The same failure in another test differs in its frames only: group by the first line.
    const key = text.split('\n')[0] ?? text;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()].map((group) => {
    const [first, ...rest] = group as [TestCase, ...TestCase[]];
    const text = first.details ? ownFrames(first.details) : (first.message ?? 'failed');
    const others = rest.slice(0, 5).map((c) => testName(c));
    return {
      level: 'error',
      title:
        rest.length === 0
          ? `Test failed: ${testName(first)}`
          : `${group.length} tests failed the same way: ${testName(first)}, …`,
      message:
        rest.length === 0
          ? text
          : `${text}\n\nAlso: ${others.join('; ')}${rest.length > others.length ? `; and ${rest.length - others.length} more` : ''}`,
      ...location(first),
    };
  });
}

/**
 * The annotations, within `maxAnnotations` per level, shared across their sources: each source
 * (unreadable reports, tests, type errors, lint) takes one in turn, so 26 failures of one cause
 * can't crowd out the type and lint errors. Returns what was picked, the count of each level that
 * could have been, and what each source had left out.
 */
function annotations(
  e: Evidence,
  plan: GatePlan,
): {
  picked: Annotation[];
  error: number;
  warning: number;
  omitted: Partial<Record<AnnotationSource, number>>;
} {
  const sources: [AnnotationSource, Annotation[]][] = [
    [
      'reports',
      e.unread.map((u) => ({
        level: 'error',
        title: `Report not judged (${u.input})`,
        message: u.reason,
        ...location({
          ...(u.file !== undefined && { file: u.file }),
          ...(u.line !== undefined && { line: u.line }),
        }),
      })),
    ],
    ['tests', e.tests ? testAnnotations(failedCases(e.tests.cases)) : []],
    [
      'types',
      (e.types ?? []).map((p) => ({
        level: p.severity,
        title: `Type error ${p.rule ?? ''}`.trim(),
        message: p.message,
        ...location(p),
      })),
    ],
    [
      'lint',
      (e.lint ?? []).map((p) => ({
        level: p.severity,
        title: `Lint ${p.severity}${p.rule ? ` (${p.rule})` : ''}`,
        message: p.message,
        ...location(p),
      })),
    ],
  ];
  const budget = { error: plan.maxAnnotations, warning: plan.maxAnnotations };
  const taken = sources.map(() => new Set<number>());
  const longest = Math.max(0, ...sources.map(([, list]) => list.length));
  for (let i = 0; i < longest; i++)
    sources.forEach(([, list], s) => {
      const a = list[i];
      if (a && budget[a.level] > 0) {
        budget[a.level]--;
        taken[s]?.add(i);
      }
    });
  const all = sources.flatMap(([, list]) => list);
  const omitted: Partial<Record<AnnotationSource, number>> = {};
  sources.forEach(([name, list], s) => {
    const left = list.length - (taken[s]?.size ?? 0);
    if (left > 0) omitted[name] = left;
  });
  return {
    picked: sources.flatMap(([, list], s) => list.filter((_, i) => taken[s]?.has(i))),
    error: all.filter((a) => a.level === 'error').length,
    warning: all.filter((a) => a.level === 'warning').length,
    omitted,
  };
}

/**
 * A failure text without the test runner's own stack frames (node_modules, node internals), cut
 * to 20 lines: the annotation shows the assertion and the frames in the repository.
 */
export function ownFrames(details: string): string {
  return details
    .split('\n')
    .filter((l) => !/^\s*at .*(node_modules\/|\(node:|\(<anonymous>\)|\(internal\/)/.test(l))
    .slice(0, 20)
    .join('\n');
}

/** `suite › name`, or the name alone when it already holds the suite (jest-junit's default). */
export const testName = (c: TestCase): string =>
  c.suite && !c.name.startsWith(c.suite) ? `${c.suite} › ${c.name}` : c.name;

const location = (l: Location): Location => ({
  ...(l.file !== undefined && !l.file.startsWith('/') && { file: l.file }),
  ...(l.line !== undefined && { line: l.line }),
  ...(l.column !== undefined && { column: l.column }),
});

export async function qualityGate(plan: GatePlan, deps: GateDeps): Promise<QualityReport> {
  const warnings: string[] = [];
  const warn = (m: string): void => {
    warnings.push(m);
    deps.log.warning(m);
  };
  const ran: CommandResult[] = [];
  for (const c of plan.commands) {
    if (plan.failFast && ran.some((r) => r.exitCode !== 0)) {
      ran.push({
        name: c.name,
        display: commandText(c),
        durationMs: 0,
        startedAt: deps.clock.now(),
      });
      continue;
    }
    ran.push(await runCommand(c, plan, deps));
  }
  const evidence = readReports(
    plan.reports,
    plan.coverageBase,
    { cwd: plan.cwd, workspace: plan.workspace },
    plan.ifMissing,
    warn,
  );
  const { gates: fromCommands, commands } = commandGates(ran, evidence, warn);
  const gates = [...evaluate(evidence, plan.thresholds), ...fromCommands];
  if (gates.length === 0)
    warn(
      'nothing was checked: no report was read and no command ran. Give run and/or report inputs (junit, coverage, lint, types, audit)',
    );
  const failed = gates.filter((g) => g.status === 'failed');
  const a = annotations(evidence, plan);
  return {
    passed: failed.length === 0 && gates.length > 0,
    mode: plan.mode,
    gates,
    failed,
    commands,
    evidence,
    thresholds: plan.thresholds,
    annotations: a.picked,
    annotatable: { error: a.error, warning: a.warning },
    omitted: a.omitted,
    maxAnnotations: plan.maxAnnotations,
    warnings,
  };
}
