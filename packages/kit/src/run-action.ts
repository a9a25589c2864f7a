import { errorMessage } from './errors.js';
import type { ActionIO } from './io.js';
import type { Secrets } from './secrets.js';

/**
 * The one catch of an action (STYLE.md §6): anything thrown, `Error` or not, fails the step with
 * `<action>: <message>`; the stack goes to the debug log.
 */
export async function runAction(
  action: string,
  io: ActionIO,
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof Error && error.stack) io.debug(error.stack);
    io.setFailed(`${action}: ${errorMessage(error)}`);
  }
}

/** The environment a step reads (the runner's, or the CLI's with git-derived context). */
export type StepEnv = Readonly<Record<string, string | undefined>>;

/**
 * The whole work of an action over any front end: the GitHub runner (`main.ts`, with
 * {@link runAction}) and the `switchyard` CLI run the same function with their own {@link ActionIO}.
 */
export type Step = (io: ActionIO, secrets: Secrets, env: StepEnv) => Promise<void>;
