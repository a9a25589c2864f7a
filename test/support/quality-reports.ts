/**
 * Unit-test helpers for @switchyard/quality and the quality-gate action: the recorded reports of
 * real tools (test/fixtures/quality-reports), a report error catcher, and a QualityReport built
 * from evidence the way qualityGate builds it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_THRESHOLDS,
  evaluate,
  type Evidence,
  type QualityReport,
  ReportError,
  type Thresholds,
} from '@switchyard/quality';

export const RECORDED = fileURLToPath(new URL('../fixtures/quality-reports/', import.meta.url));

/** The text of a recorded report. */
export const recorded = (name: string): string => readFileSync(`${RECORDED}${name}`, 'utf8');

/** The workspace the unit tests pretend to run in, and the tool's cwd. */
export const WS = '/ws';
export const CTX = { cwd: WS, workspace: WS };

/** Catches the ReportError `fn` throws. */
export function reportError(fn: () => unknown): ReportError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ReportError) return e;
    throw e;
  }
  throw new Error('no ReportError thrown');
}

/** A report as qualityGate makes it: the gates of `evidence` under `over.thresholds`, then `over`. */
export function qualityReport(
  evidence: Partial<Evidence>,
  over: Partial<QualityReport> = {},
): QualityReport {
  const e: Evidence = { files: [], missing: [], unread: [], ...evidence };
  const thresholds: Thresholds = over.thresholds ?? DEFAULT_THRESHOLDS;
  const gates = over.gates ?? evaluate(e, thresholds);
  const failed = gates.filter((g) => g.status === 'failed');
  return {
    passed: failed.length === 0 && gates.length > 0,
    mode: 'enforce',
    gates,
    failed,
    commands: [],
    evidence: e,
    thresholds,
    annotations: [],
    annotatable: { error: 0, warning: 0 },
    maxAnnotations: 10,
    warnings: [],
    ...over,
  };
}
