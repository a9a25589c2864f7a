/** The quality-gate inputs, parsed and validated once, before any command runs (STYLE.md §2). */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  InputError,
  insideWorkspace,
  INSIDE_WORKSPACE,
  workspaceFile,
  type InputReader,
} from '@switchyard/kit';
import { parseYaml } from '@switchyard/kit/yaml';
import {
  type Command,
  type CoverageMetric,
  DEFAULT_THRESHOLDS,
  FORMATS,
  type GatePlan,
  globBase,
  REPORT_INPUTS,
  type ReportKind,
  type ReportSpec,
  SEVERITIES,
  type Severity,
} from '@switchyard/quality';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const RUN_FORMS =
  'Give a YAML mapping of name: command, e.g. "lint: npm run lint" (a string runs in bash like a run: step; a list such as [npx, tsc, --noEmit] runs without a shell)';

/** The `run` input: named commands, in order. */
export function parseCommands(raw: string): Command[] {
  if (raw.trim() === '') return [];
  const doc = parseYaml('run', raw, RUN_FORMS);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new InputError('run', raw, 'is not a mapping of name: command', RUN_FORMS);
  return Object.entries(doc as Record<string, unknown>).map(([name, value]) => {
    if (!NAME.test(name))
      throw new InputError(
        `run.${name}`,
        name,
        'is not a usable command name',
        'Use letters, digits, ".", "_" and "-", e.g. lint or unit-tests',
      );
    if (typeof value === 'string' && value.trim() !== '') return { name, run: value };
    if (
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((a) => typeof a === 'string' || typeof a === 'number')
    )
      return { name, run: value.map(String) };
    throw new InputError(
      `run.${name}`,
      value,
      'is not a command',
      'Give a non-empty string (run by bash) or a non-empty list of arguments',
    );
  });
}

/** A percentage given as `80` or `80%`, 0 to 100. */
export function parsePercentage(name: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(raw.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!m)
    throw new InputError(
      name,
      raw,
      'is not a percentage',
      'Use a number from 0 to 100, e.g. 80 or 80%',
    );
  if (n > 100)
    throw new InputError(name, raw, 'is above 100%', 'Use a number from 0 to 100, e.g. 80');
  return n;
}

const SEVERITY_CHOICES = [...SEVERITIES, 'medium', 'none'] as const;

/** A report path or glob whose fixed part (before any wildcard) leads outside the workspace is refused. */
function checkPattern(input: string, pattern: string, cwd: string, workspace: string): void {
  const fixed = globBase(pattern.replace(/^!/, ''));
  if (!insideWorkspace(resolve(cwd, fixed), workspace))
    throw new InputError(input, pattern, 'is outside the workspace', INSIDE_WORKSPACE);
}

export function parseInputs(r: InputReader, workspace: string): GatePlan {
  const commands = parseCommands(r.text('run'));
  const cwd = workspaceFile('working-directory', r.text('working-directory') || '.', workspace);
  if (!existsSync(cwd) || !statSync(cwd).isDirectory())
    throw new InputError(
      'working-directory',
      r.text('working-directory'),
      `is not a directory (${cwd})`,
      'Give a directory relative to the workspace',
    );

  const reports: Partial<Record<ReportKind, ReportSpec>> = {};
  for (const [kind, { input, format: formatInput }] of Object.entries(REPORT_INPUTS) as [
    ReportKind,
    { input: string; format?: string },
  ][]) {
    const format = formatInput
      ? r.enum(formatInput, ['auto', ...FORMATS[kind]], { default: 'auto' })
      : 'auto';
    const patterns = r.lines(input);
    if (patterns.length === 0) {
      if (formatInput && format !== 'auto')
        throw new InputError(
          formatInput,
          r.text(formatInput),
          `is set but ${input} is empty`,
          `Give the ${kind} report paths in ${input}`,
        );
      continue;
    }
    const bad = patterns.find((p) => p === '!' || p.includes('\0'));
    if (bad !== undefined)
      throw new InputError(
        input,
        bad,
        'is not a path or glob',
        'Use paths or globs such as reports/**/*.xml',
      );
    patterns.forEach((p) => checkPattern(input, p, cwd, workspace));
    reports[kind] = { input, patterns, format };
  }
  if (commands.length === 0 && Object.keys(reports).length === 0)
    throw new InputError(
      'run',
      '',
      'is empty and no report input is set: there is nothing to judge',
      'Give commands in run, report paths in junit, coverage, lint, types or audit, or both',
    );
  const basePatterns = r.lines('coverage-base');
  basePatterns.forEach((p) => checkPattern('coverage-base', p, cwd, workspace));
  if (basePatterns.length && !reports.coverage)
    throw new InputError(
      'coverage-base',
      r.text('coverage-base'),
      'is set but coverage is empty',
      'Give the current coverage report in coverage to compare it with the base',
    );

  const minCoverage: Partial<Record<CoverageMetric, number>> = {
    lines: parsePercentage('min-coverage', r.text('min-coverage') || '80'),
  };
  for (const [metric, name] of [
    ['branches', 'min-branch-coverage'],
    ['functions', 'min-function-coverage'],
    ['statements', 'min-statement-coverage'],
  ] as const) {
    const raw = r.text(name);
    if (raw === '') continue;
    if (!reports.coverage)
      throw new InputError(
        name,
        raw,
        'is set but coverage is empty',
        'Give coverage report paths in coverage',
      );
    minCoverage[metric] = parsePercentage(name, raw);
  }
  const maxCoverageDrop = Number(r.text('max-coverage-drop') || '0.5');
  if (!/^\d+(\.\d+)?$/.test(r.text('max-coverage-drop') || '0.5') || maxCoverageDrop > 100)
    throw new InputError(
      'max-coverage-drop',
      r.text('max-coverage-drop'),
      'is not a number of percentage points',
      'Use a number from 0 to 100, e.g. 0.5',
    );

  const severity = r.enum('fail-on-severity', SEVERITY_CHOICES, { default: 'high' as const });
  const failOnSeverity: Severity | 'none' = severity === 'medium' ? 'moderate' : severity;
  const allow = r.list('allow-advisories');
  const badId = allow.find((a) => !/^[\w.:/-]+$/.test(a));
  if (badId !== undefined)
    throw new InputError(
      'allow-advisories',
      badId,
      'is not an advisory id',
      'List ids such as GHSA-xxxx-xxxx-xxxx, CVE-2024-1234 or an npm advisory number',
    );

  const maxWarningsRaw = r.text('max-warnings');
  const maxWarnings =
    maxWarningsRaw === '' || maxWarningsRaw === '-1'
      ? undefined
      : r.integer('max-warnings', { min: 0 });
  const timeout = r.duration('command-timeout', { default: undefined, min: 1000 });
  return {
    commands,
    failFast: r.boolean('fail-fast', { default: false }),
    ...(timeout !== undefined && { commandTimeoutMs: timeout }),
    cwd,
    workspace,
    reports,
    ...(basePatterns.length && {
      coverageBase: { input: 'coverage-base', patterns: basePatterns, format: 'auto' },
    }),
    ifMissing: r.enum('if-missing', ['error', 'warn', 'ignore'] as const, { default: 'error' }),
    thresholds: {
      ...DEFAULT_THRESHOLDS,
      maxFailedTests: r.integer('max-failed-tests', { default: 0, min: 0 }),
      minCoverage,
      maxCoverageDrop,
      maxLintErrors: r.integer('max-lint-errors', { default: 0, min: 0 }),
      ...(maxWarnings !== undefined && { maxWarnings }),
      maxTypeErrors: r.integer('max-type-errors', { default: 0, min: 0 }),
      failOnSeverity,
      allow,
    },
    mode: r.enum('mode', ['enforce', 'warn'] as const, { default: 'enforce' }),
    maxAnnotations: r.integer('max-annotations', { default: 10, min: 0, max: 1000 }),
  };
}
