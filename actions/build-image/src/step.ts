/** The work of build-image over any front end (its main.ts on the runner, and the CLI): parseInputs → run → outputs and summary. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputReader, ProcessExec, systemClock, type Step } from '@switchyard/kit';
import { gitContextFromEnv, parseSemver, repositoryInfo, tagOf } from '@switchyard/image';
import { nodeHttp } from '@switchyard/probe';
import { parseInputs } from './inputs.js';
import { outputs, renderSummary, run } from './run.js';

/** State read by the post step (src/post.ts) as STATE_docker-config. */
const AUTH_STATE = 'docker-config';

function eventPayload(path: string | undefined): unknown {
  return path && existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : {};
}

export const step: Step = async (io, secrets, env) => {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const payload = eventPayload(env.GITHUB_EVENT_PATH);
  const git = gitContextFromEnv(env, payload, new Date());
  secrets.add(io.getInput('password'));
  // Every line of `secrets` is masked before parsing, so not even an error about it shows a value.
  secrets.add(io.getInput('secrets'));
  const fs = {
    isDirectory: (p: string) => existsSync(p) && statSync(p).isDirectory(),
    isFile: (p: string) => existsSync(p) && statSync(p).isFile(),
  };
  const inputs = parseInputs(
    new InputReader((n) => io.getInput(n), secrets),
    workspace,
    fs,
    parseSemver(tagOf(git) ?? '') !== undefined,
  );
  inputs.secrets.forEach((s) => secrets.add(s.value));
  const report = await run(
    inputs,
    {
      git,
      repo: repositoryInfo(payload),
      serverUrl: env.GITHUB_SERVER_URL,
      repository: env.GITHUB_REPOSITORY,
      workspace,
    },
    {
      exec: new ProcessExec(io, secrets),
      http: nodeHttp,
      clock: systemClock,
      log: io,
      env,
      onAuthDir: (dir) => io.saveState(AUTH_STATE, dir),
    },
  );
  for (const [name, value] of Object.entries(outputs(report))) io.setOutput(name, value);
  await io
    .appendSummary(renderSummary(report))
    .catch((e: unknown) => io.warning(`could not write the job summary: ${String(e)}`));
};
