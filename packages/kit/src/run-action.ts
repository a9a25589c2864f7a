import { errorMessage } from './errors.js';
import type { ActionIO } from './io.js';

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
