/** The work of deploy-bluegreen over any front end (its main.ts on the runner, and the CLI): parseInputs → run → outputs and summary. */
import {
  ActionError,
  cell,
  InputReader,
  ProcessExec,
  systemClock,
  type Step,
} from '@switchyard/kit';
import { nodeHttp } from '@switchyard/probe';
import {
  afterSwitch,
  deployOutputs,
  lockHolder,
  renderSummary,
  switchedTo,
} from '@switchyard/targets';
import { LOCK_STATE, LOGIN_STATE } from '@switchyard/targets/release';
import { parseInputs } from './inputs.js';
import { run } from './run.js';

export const step: Step = async (io, secrets, env) => {
  secrets.add(io.getInput('registry-password'));
  secrets.add(io.getInput('secrets'));
  secrets.add(io.getInput('kubeconfig'));
  secrets.add(io.getInput('github-token'));
  const inputs = parseInputs(new InputReader((n) => io.getInput(n), secrets), {
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    env,
  });
  Object.values(inputs.secrets).forEach((v) => secrets.add(v));
  const exec = new ProcessExec(io, secrets);
  const result = await run(inputs, lockHolder(env), {
    exec,
    clock: systemClock,
    http: nodeHttp,
    log: io,
    env,
    secrets,
    onLock: (handle) => io.saveState(LOCK_STATE, JSON.stringify(handle)),
    onPrivateDir: (dir) => io.saveState(LOGIN_STATE, dir),
  });
  // After a switch, a failure here (an unwritable GITHUB_OUTPUT) says that live traffic moved.
  await afterSwitch(switchedTo(result), () => {
    for (const [name, value] of Object.entries(deployOutputs(result))) io.setOutput(name, value);
    if (result.approval) io.setOutput('plan', result.approval.markdown);
  });
  io.info(result.message);
  const override =
    inputs.overrideWindow && result.changed
      ? `\n> **Outside the deploy windows, by override-window:** ${cell(inputs.overrideWindow)}\n`
      : '';
  await io
    .appendSummary(
      result.approval
        ? result.approval.markdown
        : `${renderSummary(result, inputs.config.app, inputs.config.environment)}${override}`,
    )
    .catch((e: unknown) => io.warning(`could not write the job summary: ${String(e)}`));
  if (result.failure) throw new ActionError(result.failure);
};
