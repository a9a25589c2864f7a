/** The work of smoke-test over any front end (its main.ts on the runner, and the CLI): parseInputs → run → outputs and summary. */
import { readFileSync } from 'node:fs';
import { ActionError, InputReader, systemClock, workspaceFile, type Step } from '@switchyard/kit';
import { nodeHttp } from '@switchyard/probe';
import { parseInputs } from './inputs.js';
import { renderSummary, resultsJson, run } from './run.js';

export const step: Step = async (io, secrets, env) => {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const inputs = parseInputs(new InputReader((name) => io.getInput(name), secrets), (p) =>
    readFileSync(workspaceFile('checks-file', p, workspace), 'utf8'),
  );
  inputs.secrets.forEach((s) => secrets.add(s));
  const report = await run(inputs, { http: nodeHttp, clock: systemClock, log: io });
  io.setOutput('passed', report.passed);
  io.setOutput('results', resultsJson(report.results));
  io.setOutput(
    'failed-checks',
    report.failed.map((r) => r.name),
  );
  await io
    .appendSummary(renderSummary(report))
    .catch((e: unknown) => io.warning(`could not write the job summary: ${String(e)}`));
  if (!report.passed) {
    throw new ActionError(
      `${report.failed.length} of ${report.results.length} required checks failed: ${report.failed.map((r) => `${r.name} (${r.reason ?? 'failed'})`).join('; ')}`,
    );
  }
};
