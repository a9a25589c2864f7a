/** What the report readers produce: one shape per gate, whatever tool wrote the report. */
import { ActionError, jsonErrorText } from '@switchyard/kit';

/** The five kinds of evidence the gate judges. */
export const REPORT_KINDS = ['tests', 'coverage', 'lint', 'types', 'audit'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** A place in the repository, relative to the workspace when it lies inside it. */
export interface Location {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export interface TestCase extends Location {
  readonly name: string;
  readonly suite: string;
  readonly status: 'passed' | 'failed' | 'error' | 'skipped';
  /** The failure's message (first line) and its full text (stack), when it failed. */
  readonly message?: string;
  readonly details?: string;
  readonly timeMs?: number;
}

export interface TestReport {
  readonly cases: readonly TestCase[];
}

export const COVERAGE_METRICS = ['lines', 'branches', 'functions', 'statements'] as const;
export type CoverageMetric = (typeof COVERAGE_METRICS)[number];

export interface Counts {
  readonly covered: number;
  readonly total: number;
}

export interface FileCoverage {
  readonly file: string;
  readonly metrics: Partial<Record<CoverageMetric, Counts>>;
  /** Line numbers with no hits, when the format lists lines (lcov, Cobertura). */
  readonly uncovered?: readonly number[];
  /** Hits per line, when the format lists lines: shards of one test run are merged by these. */
  readonly hits?: ReadonlyMap<number, number>;
  /**
   * Hits per branch (`line,block,branch`) and per function (its name), when the format lists them
   * (lcov's BRDA and FNDA): shards are merged by these as `lcov -a` does, not by the larger count.
   */
  readonly branchHits?: ReadonlyMap<string, number>;
  readonly functionHits?: ReadonlyMap<string, number>;
}

export interface CoverageReport {
  readonly files: readonly FileCoverage[];
  /** The report's own totals (istanbul summary), used when it lists no files. */
  readonly totals?: Partial<Record<CoverageMetric, Counts>>;
}

/** A lint or type-check finding. */
export interface Problem extends Location {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** ESLint rule id, SARIF ruleId, or the TS error code (`TS2322`). */
  readonly rule?: string;
}

export const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Vulnerability {
  /** The advisory's main id: GHSA, CVE, or the scanner's rule id. */
  readonly id: string;
  /** Other ids the allowlist may name (npm advisory number, CVE, GHSA). */
  readonly aliases: readonly string[];
  readonly severity: Severity;
  readonly title: string;
  readonly package?: string;
  readonly url?: string;
  /** Where the scanner found it (a lockfile, an image layer path). */
  readonly location?: string;
}

/** A report that can't be read: names the input, the file and, where known, the line. */
export class ReportError extends ActionError {
  override readonly name = 'ReportError';
  constructor(
    readonly input: string,
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
  ) {
    super(`input "${input}": ${file}${line === undefined ? '' : `:${line}`}: ${detail}`);
  }
}

/** The line (1-based) of a character offset in a text. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

class JsonSyntaxAt extends Error {
  constructor(readonly at: number) {
    super(`JSON syntax error at ${at}`);
  }
}

/**
 * Where a JSON text first goes wrong (a character offset), or undefined when it is valid. V8 gives
 * no position for most errors (`Unexpected token '}'`), so a report error finds its own line.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const fail = (): never => {
    throw new JsonSyntaxAt(i);
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += (m as RegExpExecArray)[0].length;
  };
  try {
    value();
    ws();
    return i < text.length ? i : undefined;
  } catch (error) {
    if (error instanceof JsonSyntaxAt) return Math.min(error.at, text.length);
    // Nesting deeper than the stack: no line, the message still says what is wrong.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** Parses JSON; a syntax error becomes a {@link ReportError} with the line. */
export function parseJsonReport(input: string, file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (text.trim() === '') throw new ReportError(input, file, 'is empty');
    const offset = jsonErrorOffset(text);
    const line =
      offset === undefined ? undefined : lineAt(text, Math.min(offset, text.trimEnd().length));
    // V8 quotes the text around the error; the line number says where.
    throw new ReportError(input, file, `is not valid JSON (${jsonErrorText(error)})`, line);
  }
}

/** A plain object, or undefined. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A finite number from a number or numeric string, or undefined. */
export function num(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return typeof value === 'string' && value.trim() === ''
    ? undefined
    : Number.isFinite(n)
      ? n
      : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}
