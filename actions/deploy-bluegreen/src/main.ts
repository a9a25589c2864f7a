/** Composition root of deploy-bluegreen: real adapters → parseInputs → run → outputs and summary. */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { InputReader, ProcessExec, runAction, systemClock } from '@switchyard/kit';
import { actionsIO } from '@switchyard/kit/actions';
import { nodeHttp } from '@switchyard/probe';
import type { LockHolder } from '@switchyard/targets';
import { parseInputs } from './inputs.js';
import { outputs, renderSummary } from './report.js';
import { run } from './run.js';

/** States read by the post step (src/post.ts). */
export const LOCK_STATE = 'lock';
export const AUTH_STATE = 'docker-config';

/** Who deploys: the run URL and actor on GitHub, `local:user@host` elsewhere. */
function holder(env: NodeJS.ProcessEnv): LockHolder {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  if (server && repo && id) {
    const attempt =
      env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1'
        ? `/attempts/${env.GITHUB_RUN_ATTEMPT}`
        : '';
    return {
      deployId: `${server}/${repo}/actions/runs/${id}${attempt}`,
      actor: env.GITHUB_ACTOR ?? 'unknown',
      token: randomUUID(),
    };
  }
  const user = userInfo().username;
  return { deployId: `local:${user}@${hostname()}`, actor: user, token: randomUUID() };
}

export async function main(): Promise<void> {
  const { io, secrets } = actionsIO();
  await runAction('deploy-bluegreen', io, async () => {
    const env = process.env;
    secrets.add(io.getInput('registry-password'));
    secrets.add(io.getInput('secrets'));
    const inputs = parseInputs(new InputReader((n) => io.getInput(n)), {
      workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
      env,
    });
    Object.values(inputs.secrets).forEach((v) => secrets.add(v));
    const exec = new ProcessExec(io, secrets);
    const result = await run(inputs, holder(env), {
      exec,
      clock: systemClock,
      http: nodeHttp,
      log: io,
      env,
      onLock: (handle) => io.saveState(LOCK_STATE, JSON.stringify(handle)),
      onAuthDir: (dir) => io.saveState(AUTH_STATE, dir),
    });
    for (const [name, value] of Object.entries(outputs(result))) io.setOutput(name, value);
    io.info(result.message);
    await io
      .appendSummary(renderSummary(result, inputs.config.app, inputs.config.environment))
      .catch((e: unknown) => io.warning(`could not write the job summary: ${String(e)}`));
  });
}
