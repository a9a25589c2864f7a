/** Composition root of monitor-window: real adapters → parseInputs → run → outputs and summary. */
import { ActionError, InputReader, ProcessExec, runAction, systemClock } from '@switchyard/kit';
import { actionsIO } from '@switchyard/kit/actions';
import { nodeHttp } from '@switchyard/probe';
import { parseInputs } from './inputs.js';
import { outputs, renderSummary } from './report.js';
import { run, stepFails } from './run.js';

export async function main(): Promise<void> {
  const { io, secrets } = actionsIO();
  await runAction('monitor-window', io, async () => {
    for (const name of ['prometheus-token', 'prometheus-password', 'prometheus-headers'])
      secrets.add(io.getInput(name));
    const inputs = parseInputs(new InputReader((n) => io.getInput(n)), {
      workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    });
    inputs.secrets.forEach((v) => secrets.add(v));
    const result = await run(inputs, {
      exec: new ProcessExec(io, secrets),
      clock: systemClock,
      http: nodeHttp,
      log: io,
    });
    for (const [name, value] of Object.entries(outputs(result))) io.setOutput(name, value);
    await io
      .appendSummary(renderSummary(result))
      .catch((e: unknown) => io.warning(`could not write the job summary: ${String(e)}`));
    const { verdict, reason } = result.report;
    if (stepFails(result)) throw new ActionError(`verdict ${verdict}: ${reason}`);
    io.info(`verdict ${verdict}: ${reason}`);
  });
}
