/** The work of monitor-window over any front end (its main.ts on the runner, and the CLI): parseInputs → run → outputs and summary. */
import { ActionError, InputReader, ProcessExec, systemClock, type Step } from '@switchyard/kit';
import { nodeHttp } from '@switchyard/probe';
import { afterSwitch, lockHolder, switchedTo } from '@switchyard/targets';
import { LOGIN_STATE } from '@switchyard/targets/release';
import { parseInputs } from './inputs.js';
import { outputs, renderSummary } from './report.js';
import { run, stepFails } from './run.js';

export const step: Step = async (io, secrets, env) => {
  for (const name of [
    'prometheus-token',
    'prometheus-password',
    'prometheus-headers',
    'registry-password',
    'kubeconfig',
    'github-token',
  ])
    secrets.add(io.getInput(name));
  secrets.add(io.getInput('secrets'));
  const inputs = parseInputs(new InputReader((n) => io.getInput(n), secrets), {
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    env: env,
  });
  inputs.secrets.forEach((v) => secrets.add(v));
  Object.values(inputs.rollback?.containerSecrets ?? {}).forEach((v) => secrets.add(v));
  const result = await run(inputs, {
    exec: new ProcessExec(io, secrets),
    clock: systemClock,
    http: nodeHttp,
    log: io,
    group: (title, fn) => io.group(title, fn),
    holder: lockHolder(env),
    // Read by the shared post step (deploy-bluegreen's), which frees a lock a killed run left.
    onLock: (handle) => io.saveState('lock', JSON.stringify(handle)),
    env,
    // The shared post step removes a registry login a killed rollback left behind.
    onPrivateDir: (dir) => io.saveState(LOGIN_STATE, dir),
    secrets,
    githubToken: io.getInput('github-token').trim(),
  });
  // After the automatic rollback switched, a failure here says that live traffic moved.
  await afterSwitch(result.rollback && switchedTo(result.rollback), () => {
    for (const [name, value] of Object.entries(outputs(result))) io.setOutput(name, value);
  });
  await io
    .appendSummary(renderSummary(result))
    .catch((e: unknown) => io.warning(`could not write the job summary: ${String(e)}`));
  const { verdict, reason } = result.report;
  const after = result.rollbackError
    ? `; the automatic rollback failed: ${result.rollbackError}`
    : result.rollback
      ? `; ${result.rollback.message}`
      : '';
  if (stepFails(result)) throw new ActionError(`verdict ${verdict}: ${reason}${after}`);
  io.info(`verdict ${verdict}: ${reason}${after}`);
};
