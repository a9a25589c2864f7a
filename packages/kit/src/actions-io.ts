/**
 * The real {@link ActionIO}: the GitHub runner's documented protocol, written directly — workflow
 * commands on stdout (`::add-mask::`, `::group::`, `::warning file=…::`) and file commands
 * (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY). It replaces `@actions/core`, whose HTTP client
 * (undici, for OIDC tokens we never ask for) tripled every action's start-up time (ADR 0003).
 * Only an action's `main.ts` imports this module; libraries take the interface.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { errorMessage } from './errors.js';
import { outputText, type ActionIO, type AnnotationProps } from './io.js';
import { logLines } from './log-line.js';
import { Secrets } from './secrets.js';

/** Escapes a workflow command's message. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One workflow command line, e.g. `::warning file=a.ts,line=3::message`. */
export function command(
  name: string,
  props: Readonly<Record<string, string | number | undefined>>,
  message: string,
): string {
  const p = Object.entries(props)
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name}${p ? ` ${p}` : ''}::${escapeData(message)}`;
}

/** A `name<<delimiter` entry of a file command (GITHUB_OUTPUT, GITHUB_STATE). */
export function fileCommandEntry(
  name: string,
  value: string,
  delimiter = `ghadelimiter_${randomUUID()}`,
): string {
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`file command: "${name}" or its value contains the delimiter`);
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

/** The runner's input variable: `INPUT_` + the name upper-cased with spaces as `_`. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Creates the runner-backed IO and the secret registry wired to `::add-mask::`. */
export function actionsIO(
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = (line) => process.stdout.write(`${line}${EOL}`),
): { io: ActionIO; secrets: Secrets } {
  const secrets = new Secrets((v) => write(command('add-mask', {}, v)));
  const m = (s: string): string => secrets.mask(s);
  // Without the file (an old runner, or a bare `node dist/…`), the legacy workflow command, as the toolkit does.
  const fileCommand = (variable: string, legacy: string, name: string, value: string): void => {
    const file = env[variable];
    if (!file) return write(command(legacy, { name }, value));
    try {
      appendFileSync(file, fileCommandEntry(name, value), 'utf8');
    } catch (error) {
      // Node's fs errors carry a message even where they are not this realm's Error (jest's VM).
      const why = (error as { message?: unknown } | null)?.message;
      throw new Error(
        `could not write "${name}" to ${variable} (${file}): ${typeof why === 'string' ? why : errorMessage(error)}`,
        { cause: error },
      );
    }
  };
  const annotate = (level: string, msg: string, p?: AnnotationProps): void =>
    write(
      command(
        level,
        { title: p?.title && m(p.title), file: p?.file, line: p?.startLine, col: p?.startColumn },
        m(msg),
      ),
    );
  const io: ActionIO = {
    getInput: (name) => (env[inputVariable(name)] ?? '').trim(),
    setOutput: (name, value) => fileCommand('GITHUB_OUTPUT', 'set-output', name, outputText(value)),
    setSecret: (value) => secrets.add(value),
    // Masked first (a secret may hold the characters logLines makes visible), then made inert.
    info: (msg) => logLines(m(msg)).forEach(write),
    debug: (msg) => write(command('debug', {}, m(msg))),
    warning: (msg, p) => annotate('warning', msg, p),
    error: (msg, p) => annotate('error', msg, p),
    group: async (title, fn) => {
      write(command('group', {}, m(title)));
      try {
        return await fn();
      } finally {
        write('::endgroup::');
      }
    },
    appendSummary: (markdown) => {
      const file = env.GITHUB_STEP_SUMMARY;
      if (!file) return Promise.reject(new Error('$GITHUB_STEP_SUMMARY is not set'));
      appendFileSync(file, `${m(markdown)}${EOL}`, 'utf8');
      return Promise.resolve();
    },
    saveState: (name, value) => fileCommand('GITHUB_STATE', 'save-state', name, value),
    getState: (name) => env[`STATE_${name}`] ?? '',
    setFailed: (msg) => {
      process.exitCode = 1;
      write(command('error', {}, m(msg)));
    },
  };
  return { io, secrets };
}
