/**
 * The real {@link ActionIO}: the GitHub runner's protocol through the toolkit, `@actions/core`
 * (ADR 0020), so that what GitHub changes in it reaches us with the toolkit. What the toolkit does
 * not do stays ours, on top: every message is masked and each of its lines made inert by
 * `log-line` before it reaches core, so no value can start a workflow command.
 * Only an action's `main.ts` imports this module; libraries take the interface.
 */
import { appendFile } from 'node:fs/promises';
import { EOL } from 'node:os';
import * as core from '@actions/core';
import { errorMessage } from './errors.js';
import { outputText, type ActionIO, type AnnotationProps } from './io.js';
import { inertLine, logLines, visibleControls } from './log-line.js';
import { Secrets } from './secrets.js';

/** Runs a toolkit call; {@link toolkitScope} says against which environment and output. */
type Scope = <T>(call: () => T) => T;

/**
 * The process's own environment and stdout, which `@actions/core` reads and writes: as they are,
 * or, when the caller gives its own (the in-process harness, tests), swapped in for the length of
 * one synchronous toolkit call and put back before anything else can run. What core printed in
 * that call is then handed to `write` line by line.
 */
function toolkitScope(env: NodeJS.ProcessEnv, write?: (line: string) => void): Scope {
  if (env === process.env && !write) return (call) => call();
  return (call) => {
    const { stdout } = process;
    const ownEnv = process.env;
    // Kept to be put back, not called.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const ownWrite = stdout.write;
    let printed = '';
    process.env = env;
    stdout.write = (chunk: string | Uint8Array): boolean => {
      printed += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    };
    try {
      return call();
    } finally {
      process.env = ownEnv;
      stdout.write = ownWrite;
      if (write) printed.split(EOL).slice(0, -1).forEach(write);
      else if (printed) stdout.write(printed);
    }
  };
}

/**
 * Creates the runner-backed IO and the secret registry wired to core's `setSecret`
 * (`::add-mask::`). `env` and `write` default to the process's own environment and stdout; given,
 * they stand in for them (inputs, state and the file-command paths come from `env`, every line
 * core prints goes to `write`).
 */
export function actionsIO(
  env: NodeJS.ProcessEnv = process.env,
  write?: (line: string) => void,
): { io: ActionIO; secrets: Secrets } {
  const scope = toolkitScope(env, write);
  const secrets = new Secrets((v) => scope(() => core.setSecret(v)));
  // Masked first (a secret may hold the characters log-line makes visible), then made inert.
  const lines = (msg: string): string[] => logLines(secrets.mask(msg));
  const text = (msg: string): string => lines(msg).join('\n');
  const properties = (p?: AnnotationProps): core.AnnotationProperties => ({
    ...(p?.title && { title: inertLine(secrets.mask(p.title)) }),
    ...(p?.file && { file: inertLine(secrets.mask(p.file)) }),
    ...(p?.startLine !== undefined && { startLine: p.startLine }),
    ...(p?.startColumn !== undefined && { startColumn: p.startColumn }),
  });
  // A file command that fails (a read-only or missing file) names the value, the variable and the file.
  const fileCommand = (variable: string, name: string, call: () => void): void => {
    try {
      scope(call);
    } catch (error) {
      // Node's fs errors carry a message even where they are not this realm's Error (jest's VM).
      const why = (error as { message?: unknown } | null)?.message;
      throw new Error(
        `could not write "${name}" to ${variable} (${env[variable] ?? ''}): ${typeof why === 'string' ? why : errorMessage(error)}`,
        { cause: error },
      );
    }
  };
  const io: ActionIO = {
    getInput: (name) => scope(() => core.getInput(name)),
    setOutput: (name, value) =>
      fileCommand('GITHUB_OUTPUT', name, () => core.setOutput(name, outputText(value))),
    setSecret: (value) => secrets.add(value),
    info: (msg) => scope(() => lines(msg).forEach((l) => core.info(l))),
    debug: (msg) => scope(() => core.debug(text(msg))),
    warning: (msg, p) => scope(() => core.warning(text(msg), properties(p))),
    error: (msg, p) => scope(() => core.error(text(msg), properties(p))),
    group: async (title, fn) => {
      scope(() => core.startGroup(inertLine(secrets.mask(title))));
      try {
        return await fn();
      } finally {
        scope(() => core.endGroup());
      }
    },
    // Not core.summary: one buffer per process with the file path cached on first use, which two
    // concurrent writers append twice and a second IO would write to the first one's file.
    appendSummary: async (markdown) => {
      const file = env.GITHUB_STEP_SUMMARY;
      if (!file) throw new Error('$GITHUB_STEP_SUMMARY is not set');
      const body = visibleControls(secrets.mask(markdown).replace(/\r\n/g, '\n'), true);
      await appendFile(file, `${body}${EOL}`, 'utf8');
    },
    saveState: (name, value) =>
      fileCommand('GITHUB_STATE', name, () => core.saveState(name, value)),
    getState: (name) => scope(() => core.getState(name)),
    setFailed: (msg) => scope(() => core.setFailed(text(msg))),
  };
  return { io, secrets };
}
