/**
 * Reading a failed build's log: which step failed, its output, the error line, and where in the
 * Dockerfile it is, for a folded group and an error annotation.
 */
import type { BuilderKind } from './builders.js';

export interface BuildFailure {
  /** The failing instruction, e.g. `RUN make test`, when the log names it. */
  readonly step?: string;
  /** The failing step's output lines. */
  readonly output: readonly string[];
  /** The one-line reason. */
  readonly message: string;
  /** 1-based Dockerfile line of the failing instruction, when known. */
  readonly line?: number;
}

function lastMatch(lines: readonly string[], re: RegExp): number {
  for (let i = lines.length - 1; i >= 0; i--) if (re.test(lines[i] ?? '')) return i;
  return -1;
}

/** The 1-based line of `instruction` in the Dockerfile text (first exact match, whitespace-insensitive). */
export function instructionLine(dockerfile: string, instruction: string): number | undefined {
  const norm = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();
  const want = norm(instruction);
  const i = dockerfile.split(/\r?\n/).findIndex((l) => norm(l) === want);
  return i >= 0 ? i + 1 : undefined;
}

function buildxFailure(lines: readonly string[]): BuildFailure {
  const errorAt = lastMatch(lines, /^#\d+ ERROR: /);
  const stepId = errorAt >= 0 ? /^(#\d+) /.exec(lines[errorAt] ?? '')?.[1] : undefined;
  const output = stepId ? lines.filter((l) => l.startsWith(`${stepId} `)) : [];
  const header = output[0] ? /^#\d+ \[[^\]]*\] (.*)$/.exec(output[0])?.[1] : undefined;
  const msgAt = lastMatch(lines, /^(ERROR|error): /);
  const message =
    msgAt >= 0
      ? (lines[msgAt] ?? '').replace(/^(ERROR|error): /, '')
      : (lines.at(-1) ?? 'the build failed');
  let line: number | undefined;
  for (let i = 0; i + 1 < lines.length; i++) {
    const m = /^\S+:(\d+)$/.exec(lines[i] ?? '');
    if (m && /^-{5,}$/.test(lines[i + 1] ?? '')) line = Number(m[1]);
  }
  return { ...(header ? { step: header } : {}), output, message, ...(line ? { line } : {}) };
}

function stepFailure(lines: readonly string[], stepRe: RegExp, errRe: RegExp): BuildFailure {
  const at = lastMatch(lines, stepRe);
  const output = at >= 0 ? lines.slice(at) : lines.slice(-30);
  const step = at >= 0 ? stepRe.exec(lines[at] ?? '')?.[1] : undefined;
  const msgAt = lastMatch(lines, errRe);
  const message = (msgAt >= 0 ? lines[msgAt] : lines.at(-1)) ?? 'the build failed';
  return {
    ...(step ? { step: step.trim() } : {}),
    output,
    message: message.replace(/^(Error|error): /, ''),
  };
}

/**
 * Finds the failing step in a build log. `dockerfile` is the Dockerfile text, used to place the
 * annotation when the log has no line number.
 */
export function parseBuildFailure(kind: BuilderKind, log: string, dockerfile = ''): BuildFailure {
  const lines = log.split(/\r?\n/).filter((l) => l.trim() !== '');
  const f =
    kind === 'buildx'
      ? buildxFailure(lines)
      : kind === 'docker'
        ? stepFailure(lines, /^Step \d+\/\d+ : (.*)$/, /returned a non-zero code|^(Error|error)/)
        : stepFailure(lines, /^STEP \d+\/\d+: (.*)$/, /^(Error|error)\b|error building at STEP/);
  if (f.line === undefined && f.step && dockerfile) {
    const line = instructionLine(dockerfile, f.step);
    if (line) return { ...f, line };
  }
  return f;
}

/** Registry errors worth another try: 5xx, 429, resets, refused connections, timeouts. */
export function isTransientRegistryError(text: string): boolean {
  if (
    /unauthorized|denied|forbidden|authentication required|no basic auth credentials|manifest invalid|name unknown|blob unknown|\b40[0-4]\b/i.test(
      text,
    )
  )
    return false;
  return /\b50[0-4]\b|\b429\b|too ?many ?requests|connection reset|connection refused|broken pipe|i\/o timeout|handshake timeout|unexpected EOF|: EOF\b|server misbehaving|temporary failure|no such host|service unavailable|bad gateway|internal server error|timeout exceeded|deadline exceeded|timed out/i.test(
    text,
  );
}

/** A buildx build that failed in its push phase (after every step succeeded). */
export function isPushFailure(log: string): boolean {
  if (/did not complete successfully|returned a non-zero code|error building at STEP/.test(log))
    return false;
  const lines = log.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines
    .slice(-12)
    .some((l) => /^\s*> pushing |failed to push|pushing layers|failed to do request/i.test(l));
}

/** The last error lines of a log (for messages and classification). */
export function errorLines(log: string, count = 3): string {
  return log
    .split(/\r?\n/)
    .filter((l) => /error/i.test(l))
    .slice(-count)
    .join('\n');
}

/** A build whose push failed for a reason worth another try (buildx pushes inside the build). */
export function isTransientPushFailure(kind: BuilderKind, log: string): boolean {
  if (kind === 'buildx' && !isPushFailure(log)) return false;
  return isTransientRegistryError(errorLines(log));
}
