/** The work of quality-gate over any front end (its main.ts on the runner, and the CLI): parseInputs → run → outputs and summary. */
import { ActionError, InputReader, ProcessExec, systemClock, type Step } from '@switchyard/kit';
import { qualityGate, renderSummary } from '@switchyard/quality';
import { parseInputs } from './inputs.js';
import { outputs } from './outputs.js';

export const step: Step = async (io, secrets, env) => {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const plan = parseInputs(new InputReader((n) => io.getInput(n), secrets), workspace);
  const report = await qualityGate(plan, {
    exec: new ProcessExec(io, secrets),
    clock: systemClock,
    log: io,
  }).catch((error: unknown) => {
    // Whatever happens once the gate has started, `passed` is written: `if: … passed == 'false'` fires.
    io.setOutput('passed', false);
    throw error;
  });
  for (const a of report.annotations) {
    const props = {
      title: a.title,
      ...(a.file !== undefined && { file: a.file }),
      ...(a.line !== undefined && { startLine: a.line }),
      ...(a.column !== undefined && { startColumn: a.column }),
    };
    if (a.level === 'error') io.error(a.message, props);
    else io.warning(a.message, props);
  }
  for (const [name, value] of Object.entries(outputs(report))) io.setOutput(name, value);
  await io
    .appendSummary(renderSummary(report))
    .catch((e: unknown) => io.warning(`could not write the job summary: ${String(e)}`));
  const failed = report.failed
    .map((g) => `${g.name} (${g.measured}; threshold ${g.limit})`)
    .join('; ');
  const verdict = report.gates.length === 0 ? 'nothing was checked' : `failed: ${failed}`;
  if (report.passed) io.info(`quality gate passed: ${report.gates.length} gates`);
  else if (plan.mode === 'warn')
    io.warning(`quality gate ${verdict} (mode: warn, so the step passes)`);
  else throw new ActionError(`quality gate ${verdict}`);
};
