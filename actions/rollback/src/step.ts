/** The work of rollback over any front end (its main.ts on the runner, and the CLI): parseInputs → run → outputs and summary. */
import { InputReader, ProcessExec, systemClock, type Step } from '@switchyard/kit';
import { nodeHttp } from '@switchyard/probe';
import {
  afterSwitch,
  lockHolder,
  renderSummary,
  RollbackVerifyError,
  switchedTo,
  type RollbackResult,
} from '@switchyard/targets';
import { LOCK_STATE, LOGIN_STATE } from '@switchyard/targets/release';
import { parseInputs } from './inputs.js';
import { facts, outputs, run } from './run.js';

export const step: Step = async (io, secrets, env) => {
  secrets.add(io.getInput('secrets'));
  secrets.add(io.getInput('registry-password'));
  secrets.add(io.getInput('kubeconfig'));
  secrets.add(io.getInput('github-token'));
  const inputs = parseInputs(new InputReader((n) => io.getInput(n), secrets), {
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    env,
  });
  Object.values(inputs.secrets).forEach((v) => secrets.add(v));
  const report = async (result: RollbackResult): Promise<void> => {
    // After a switch, a failure here (an unwritable GITHUB_OUTPUT) says that live traffic moved.
    await afterSwitch(switchedTo(result), () => {
      for (const [name, value] of Object.entries(outputs(result))) io.setOutput(name, value);
    });
    await io
      .appendSummary(
        renderSummary(result, inputs.config.app, inputs.config.environment, {
          title: 'rollback',
          extraFacts: facts(result),
        }),
      )
      .catch((e: unknown) => io.warning(`could not write the job summary: ${String(e)}`));
  };
  try {
    const result = await run(inputs, lockHolder(env), {
      exec: new ProcessExec(io, secrets),
      clock: systemClock,
      http: nodeHttp,
      log: io,
      onLock: (handle) => io.saveState(LOCK_STATE, JSON.stringify(handle)),
      env,
      secrets,
      // The shared post step removes a private registry login a killed run left.
      onPrivateDir: (dir) => io.saveState(LOGIN_STATE, dir),
    });
    await report(result);
    io.info(result.message);
  } catch (error) {
    // Switched but not verified: say loudly what is live now, with the outputs, then fail.
    if (error instanceof RollbackVerifyError) await report(error.result);
    throw error;
  }
};
