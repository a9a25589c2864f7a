/** Finds each report input's files, picks their format and reads them into the model. */
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { ActionError, insideWorkspace, INSIDE_WORKSPACE } from '@switchyard/kit';
import { AUDIT_FORMATS, detectAudit, parseAuditSarif, parseNpmAudit } from './audit.js';
import {
  COVERAGE_FORMATS,
  detectCoverage,
  mergeCoverage,
  parseCobertura,
  parseIstanbulSummary,
  parseLcov,
} from './coverage.js';
import { parseJunit, type PathContext } from './junit.js';
import { detectLint, LINT_FORMATS, parseEslint, parseLintSarif, parseTsc } from './lint.js';
import type { CoverageReport, Problem, ReportKind, TestReport, Vulnerability } from './model.js';
import { ReportError } from './model.js';
import { expandGlobs, workspacePath } from './paths.js';

/** The formats each kind reads; `auto` tells them apart by content. */
export const FORMATS = {
  tests: ['junit'],
  coverage: COVERAGE_FORMATS,
  lint: LINT_FORMATS,
  types: ['tsc'],
  audit: AUDIT_FORMATS,
} as const satisfies Record<ReportKind, readonly string[]>;

/** Which input names each kind's globs, and its format input. */
export const REPORT_INPUTS: Record<
  ReportKind,
  { readonly input: string; readonly format?: string }
> = {
  tests: { input: 'junit' },
  coverage: { input: 'coverage', format: 'coverage-format' },
  lint: { input: 'lint', format: 'lint-format' },
  types: { input: 'types' },
  audit: { input: 'audit', format: 'audit-format' },
};

export interface ReportSpec {
  /** The input it came from (named in every error). */
  readonly input: string;
  readonly patterns: readonly string[];
  /** A format of the kind, or `auto`. */
  readonly format: string;
}

export type IfMissing = 'error' | 'warn' | 'ignore';

export interface ReportFile {
  readonly kind: ReportKind | 'coverage-base';
  readonly input: string;
  /** As the workspace sees it. */
  readonly file: string;
  readonly format: string;
  readonly mtimeMs: number;
}

export interface Evidence {
  readonly tests?: TestReport;
  readonly coverage?: CoverageReport;
  readonly lint?: readonly Problem[];
  readonly types?: readonly Problem[];
  readonly audit?: readonly Vulnerability[];
  readonly base?: CoverageReport;
  readonly files: readonly ReportFile[];
  /** Inputs whose globs matched nothing (under if-missing: warn or ignore). */
  readonly missing: readonly { readonly input: string; readonly patterns: readonly string[] }[];
  /**
   * Reports that could not be judged: a glob that matched nothing (under if-missing: error), a file
   * that is not readable or not in its format. Each fails its own gate; the others are still judged.
   */
  readonly unread: readonly UnreadReport[];
}

/** A report input that gave no evidence, and why. */
export interface UnreadReport {
  readonly kind: ReportKind | 'coverage-base';
  readonly input: string;
  /** The whole reason, naming the input (and the file and line where there is one). */
  readonly reason: string;
  readonly file?: string;
  readonly line?: number;
}

type Parsed = TestReport | CoverageReport | Problem[] | Vulnerability[];

function parse(
  kind: ReportKind,
  format: string,
  input: string,
  file: string,
  text: string,
  ctx: PathContext,
): Parsed {
  switch (`${kind}/${format}`) {
    case 'tests/junit':
      return parseJunit(input, file, text, ctx);
    case 'coverage/lcov':
      return parseLcov(input, file, text, ctx);
    case 'coverage/istanbul-summary':
      return parseIstanbulSummary(input, file, text, ctx);
    case 'coverage/cobertura':
      return parseCobertura(input, file, text, ctx);
    case 'lint/eslint':
      return parseEslint(input, file, text, ctx);
    case 'lint/sarif':
      return parseLintSarif(input, file, text, ctx);
    case 'types/tsc':
      return parseTsc(input, file, text, ctx);
    case 'audit/npm':
      return parseNpmAudit(input, file, text);
    case 'audit/sarif':
      return parseAuditSarif(input, file, text, ctx);
    default:
      throw new ActionError(`no reader for ${kind} reports in format ${format}`);
  }
}

function detect(kind: ReportKind, text: string): string | undefined {
  if (kind === 'coverage') return detectCoverage(text);
  if (kind === 'lint') return detectLint(text);
  if (kind === 'audit') return detectAudit(text);
  return FORMATS[kind][0];
}

/** Reads the files of one spec; [] when the globs match nothing. */
function readSpec(
  kind: ReportKind,
  spec: ReportSpec,
  ctx: PathContext,
  as: ReportKind | 'coverage-base' = kind,
): { parsed: Parsed[]; files: ReportFile[] } {
  const parsed: Parsed[] = [];
  const files: ReportFile[] = [];
  for (const path of expandGlobs(spec.patterns, ctx.cwd)) {
    const shown = workspacePath(path, ctx.cwd, ctx.workspace);
    if (!insideWorkspace(path, ctx.workspace))
      throw new ReportError(spec.input, shown, `links outside the workspace. ${INSIDE_WORKSPACE}`);
    let text: string;
    let mtimeMs: number;
    try {
      text = readFileSync(path, 'utf8');
      mtimeMs = statSync(path).mtimeMs;
    } catch (error) {
      throw new ReportError(
        spec.input,
        shown,
        `can't be read (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const format = spec.format === 'auto' ? detect(kind, text) : spec.format;
    if (format === undefined) {
      const formatInput = REPORT_INPUTS[kind].format;
      throw new ReportError(
        spec.input,
        shown,
        text.trim() === ''
          ? 'is empty'
          : `is in no ${kind} format known here (${FORMATS[kind].join(', ')})${formatInput ? `; set ${formatInput} if it is one of them` : ''}`,
      );
    }
    parsed.push(parse(kind, format, spec.input, shown, text, ctx));
    files.push({ kind: as, input: spec.input, file: shown, format, mtimeMs });
  }
  return { parsed, files };
}

/**
 * Reads every report input. A glob that matches nothing is an error naming the input, unless
 * `ifMissing` says to warn (`warn` is called) or ignore.
 */
export function readReports(
  specs: Partial<Record<ReportKind, ReportSpec>>,
  base: ReportSpec | undefined,
  ctx: PathContext,
  ifMissing: IfMissing,
  warn: (message: string) => void,
): Evidence {
  const files: ReportFile[] = [];
  const missing: { input: string; patterns: readonly string[] }[] = [];
  const unread: UnreadReport[] = [];
  const none = (kind: UnreadReport['kind'], spec: ReportSpec): void => {
    const where = relative(ctx.workspace, ctx.cwd) || '.';
    const what = `input "${spec.input}": ${spec.patterns.map((p) => JSON.stringify(p)).join(', ')} matched no file in "${where}" (globs start at working-directory)`;
    if (ifMissing === 'error') {
      unread.push({
        kind,
        input: spec.input,
        reason: `${what}. Check the path and that the step writing it ran, or set if-missing: warn`,
      });
      return;
    }
    missing.push({ input: spec.input, patterns: spec.patterns });
    if (ifMissing === 'warn') warn(`${what}; that gate is not checked`);
  };
  /** Reads one spec; a report that cannot be read is recorded as unread, not thrown. */
  const read = (
    kind: ReportKind,
    spec: ReportSpec,
    as: UnreadReport['kind'] = kind,
  ): Parsed[] | undefined => {
    try {
      const r = readSpec(kind, spec, ctx, as);
      files.push(...r.files);
      if (r.parsed.length === 0) none(as, spec);
      return r.parsed.length === 0 ? undefined : r.parsed;
    } catch (error) {
      if (!(error instanceof ReportError)) throw error;
      unread.push({
        kind: as,
        input: spec.input,
        reason: error.message,
        file: error.file,
        ...(error.line !== undefined && { line: error.line }),
      });
      return undefined;
    }
  };
  const out: { -readonly [K in keyof Evidence]?: Evidence[K] } = {};
  for (const kind of Object.keys(FORMATS) as ReportKind[]) {
    const spec = specs[kind];
    if (!spec) continue;
    const parsed = read(kind, spec);
    if (!parsed) continue;
    if (kind === 'tests') out.tests = { cases: (parsed as TestReport[]).flatMap((r) => r.cases) };
    else if (kind === 'coverage') out.coverage = mergeCoverage(parsed as CoverageReport[]);
    else if (kind === 'lint') out.lint = (parsed as Problem[][]).flat();
    else if (kind === 'types') out.types = (parsed as Problem[][]).flat();
    else out.audit = (parsed as Vulnerability[][]).flat();
  }
  if (base) {
    const parsed = read('coverage', base, 'coverage-base');
    if (parsed) out.base = mergeCoverage(parsed as CoverageReport[]);
  }
  return { ...out, files, missing, unread };
}
