/** Lint reports: ESLint's `-f json` and SARIF; tsc's `--pretty false` output for type errors. */
import { stripAnsi } from '@switchyard/kit';
import { type Problem, num, parseJsonReport, record, ReportError, str } from './model.js';
import type { PathContext } from './junit.js';
import { workspacePath } from './paths.js';
import { isSarif, parseSarif } from './sarif.js';

export const LINT_FORMATS = ['eslint', 'sarif'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

export function detectLint(text: string): LintFormat | undefined {
  const t = text.trimStart();
  if (t.startsWith('[')) return 'eslint';
  if (t.startsWith('{')) {
    try {
      return isSarif(JSON.parse(t)) ? 'sarif' : undefined;
    } catch {
      return 'sarif';
    }
  }
  return undefined;
}

/** ESLint `-f json`: `[{filePath, messages: [{ruleId, severity: 1|2, message, line, column}]}]`. */
export function parseEslint(
  input: string,
  file: string,
  text: string,
  ctx: PathContext,
): Problem[] {
  const doc = parseJsonReport(input, file, text);
  if (!Array.isArray(doc))
    throw new ReportError(
      input,
      file,
      'is not ESLint JSON (a list of {filePath, messages}). Run eslint with -f json',
    );
  const out: Problem[] = [];
  doc.forEach((entry, i) => {
    const e = record(entry);
    const path = str(e?.filePath);
    if (!e || path === undefined || !Array.isArray(e.messages))
      throw new ReportError(
        input,
        file,
        `entry ${i} has no filePath and messages: not ESLint JSON`,
      );
    const where = workspacePath(path, ctx.cwd, ctx.workspace);
    for (const m of e.messages as unknown[]) {
      const msg = record(m) ?? {};
      const line = num(msg.line);
      const column = num(msg.column);
      const rule = str(msg.ruleId);
      out.push({
        file: where,
        severity: num(msg.severity) === 2 || msg.fatal === true ? 'error' : 'warning',
        message: str(msg.message) ?? '',
        ...(rule !== undefined && { rule }),
        ...(line !== undefined && { line }),
        ...(column !== undefined && { column }),
      });
    }
  });
  return out;
}

/**
 * SARIF results as lint problems: `error` is an error, `warning` and `note` are warnings. A
 * suppressed result (`eslint-disable`) is no problem; a file the linter could not parse (an
 * error-level notification of the run) is an error, as ESLint itself counts it.
 */
export function parseLintSarif(
  input: string,
  file: string,
  text: string,
  ctx: PathContext,
): Problem[] {
  return parseSarif(input, file, text, ctx)
    .filter((r) => r.level !== 'none' && !r.suppressed)
    .filter((r) => !r.notification || r.level === 'error' || r.level === 'warning')
    .map((r) => ({
      severity: r.level === 'error' ? 'error' : 'warning',
      message: r.message,
      ...(r.ruleId !== undefined && { rule: r.ruleId }),
      ...(r.file !== undefined && { file: r.file }),
      ...(r.line !== undefined && { line: r.line }),
      ...(r.column !== undefined && { column: r.column }),
    }));
}

/** `src/a.ts(3,7): error TS2322: …` (--pretty false) or `src/a.ts:3:7 - error TS2322: …` (pretty). */
const TSC_LINE = /^(.+?)(?:\((\d+),(\d+)\)|:(\d+):(\d+)) ?[:-] ?(error|warning) (TS\d+): (.*)$/;
const TSC_GLOBAL = /^(error|warning) (TS\d+): (.*)$/;

/** tsc output: one problem per diagnostic, its indented continuation lines joined to the message. */
export function parseTsc(input: string, file: string, text: string, ctx: PathContext): Problem[] {
  const out: Problem[] = [];
  let last: { message: string } | undefined;
  // Pretty output (`file:3:7 - error`) follows each diagnostic with a code frame and ends with a
  // table of files: only its diagnostic lines are read.
  let pretty = false;
  let unknown: { line: number; text: string } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = stripAnsi(raw);
    // `npm run typecheck > tsc.txt` starts the file with npm's header (`> pkg@1.0.0 typecheck`,
    // `> tsc --noEmit`): not tsc's, and there even when tsc prints nothing.
    if (line.trim() === '' || line.startsWith('> ')) return;
    const m = TSC_LINE.exec(line);
    const g = m ? undefined : TSC_GLOBAL.exec(line.trim());
    if (m) {
      pretty = m[4] !== undefined;
      const p = {
        file: workspacePath(m[1] as string, ctx.cwd, ctx.workspace),
        line: Number(m[2] ?? m[4]),
        column: Number(m[3] ?? m[5]),
        severity: m[6] === 'warning' ? ('warning' as const) : ('error' as const),
        rule: m[7] as string,
        message: m[8] as string,
      };
      out.push(p);
      last = p;
    } else if (g) {
      const p = {
        severity: g[1] === 'warning' ? ('warning' as const) : ('error' as const),
        rule: g[2] as string,
        message: g[3] as string,
      };
      out.push(p);
      last = p;
    } else if (
      /^\s*~+\s*$/.test(line) ||
      /^Found \d+ errors?/.test(line.trim()) ||
      /^\d+\s/.test(line)
    )
      return;
    else if (pretty) return;
    else if (last && /^\s/.test(line)) last.message += `\n${line.trim()}`;
    else unknown ??= { line: i + 1, text: line.trim() };
  });
  if (out.length === 0 && unknown)
    // The line is not quoted: the file may hold anything (a report glob can match any file).
    throw new ReportError(
      input,
      file,
      `is not tsc output (line ${unknown.line} is no tsc diagnostic). Save the output of tsc --noEmit --pretty false`,
      unknown.line,
    );
  return out;
}
