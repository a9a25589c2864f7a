/**
 * Named points where a test can stop a run as a SIGKILL would (no cleanup, no post-processing), to
 * prove that what a dead run leaves behind is repaired by the next one. The step's environment
 * names the point: `SWITCHYARD_FAILPOINT=switch:routed`. Nothing else reads it, and a point that is
 * not named changes nothing.
 */

/** The variable that names the failpoint to stop at. */
export const FAILPOINT_VARIABLE = 'SWITCHYARD_FAILPOINT';

/** The points a target stops at, in the order a switch passes them. */
export const FAILPOINTS = {
  /** The router serves the new routes; nothing persisted them yet. */
  routed: 'switch:routed',
  /** The router's saved routes are written too; the record is not. */
  routesSaved: 'switch:routes-saved',
} as const;

/** Kills this process at once when `env` names `point`. */
export function failpoint(
  env: Readonly<Record<string, string | undefined>> | undefined,
  point: string,
): void {
  if (env?.[FAILPOINT_VARIABLE] !== point) return;
  process.stderr.write(`failpoint ${point}: killing this process (${FAILPOINT_VARIABLE})\n`);
  process.kill(process.pid, 'SIGKILL');
}
