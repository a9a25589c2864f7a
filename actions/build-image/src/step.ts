/** The work of build-image over any front end (its main.ts on the runner, and the CLI): parseInputs → run → outputs and summary. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputReader, ProcessExec, systemClock, type Step } from '@switchyard/kit';
import {
  gitContextFromEnv,
  parseSemver,
  readCheckout,
  repositoryInfo,
  tagOf,
} from '@switchyard/image';
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
  secrets.add(io.getInput('password'));
  // Every line of `secrets` is masked before parsing, so not even an error about it shows a value.
  secrets.add(io.getInput('secrets'));
  const r = new InputReader((n) => io.getInput(n), secrets);
  const exec = new ProcessExec(io, secrets);
  const fromRun = gitContextFromEnv(env, payload, new Date());
  // metadata-source: git reads the checkout (only a read) before the other inputs: their default
  // tag rules depend on whether its ref is a semver tag.
  const source = r.enum('metadata-source', ['workflow', 'git'] as const, {
    default: 'workflow',
  });
  const git = source === 'git' ? { ...fromRun, ...(await readCheckout(exec, workspace)) } : fromRun;
  if (source === 'git')
    io.info(
      `metadata-source git: ${git.ref || 'a detached commit (no branch or tag)'} at ${git.sha} in the workspace (the run's own: ${fromRun.ref} at ${fromRun.sha})`,
    );
  const fs = {
    isDirectory: (p: string) => existsSync(p) && statSync(p).isDirectory(),
    isFile: (p: string) => existsSync(p) && statSync(p).isFile(),
  };
  const inputs = parseInputs(r, workspace, fs, parseSemver(tagOf(git) ?? '') !== undefined);
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
      exec,
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
