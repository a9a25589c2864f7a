/**
 * The quality-gate fixture project (test/fixtures/quality-project), copied to a temp workspace with
 * faults from test/fixtures/quality-faults/<name>/ laid over it. node_modules links to the repo's,
 * so the real jest, jest-junit, ESLint and tsc run on it.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './runner.js';

export const QUALITY_FAULTS = [
  'failing-test',
  'low-coverage',
  'lint-error',
  'type-error',
  'suite-error',
] as const;
export type QualityFault = (typeof QUALITY_FAULTS)[number];

/** The recorded reports of real tools (see test/fixtures/quality-reports/SOURCES.md). */
export const RECORDED = join(ROOT, 'test/fixtures/quality-reports');

const made: string[] = [];

/** A fresh copy of the fixture project with `faults` applied; removed by {@link removeProjects}. */
export function qualityProject(...faults: QualityFault[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-quality-'));
  made.push(dir);
  cpSync(join(ROOT, 'test/fixtures/quality-project'), dir, { recursive: true });
  for (const f of faults)
    cpSync(join(ROOT, 'test/fixtures/quality-faults', f), dir, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

export function removeProjects(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The `run` input that produces every report the fixture can write. */
export const RUN_ALL = [
  'test: npx jest --coverage',
  'lint: npx eslint -f json -o reports/eslint.json .',
  'typecheck: npx tsc -p tsconfig.json --noEmit --pretty false > reports/tsc.txt',
].join('\n');

/** The report inputs matching {@link RUN_ALL}. */
export const REPORTS_ALL = {
  junit: 'reports/junit.xml',
  coverage: 'coverage/lcov.info',
  lint: 'reports/eslint.json',
  types: 'reports/tsc.txt',
} as const;
