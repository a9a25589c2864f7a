/**
 * What a caller job hands a reusable workflow: its `inputs` (the `with:` values over the defaults,
 * typed as declared), its `secrets` (`inherit` or a mapping), and the called workflow's outputs.
 */
import { isReusableWorkflowJob } from '@actions/workflow-parser/model/type-guards';
import { isString } from '@actions/workflow-parser';
import { asString, evaluateToken, previewToken, type Contexts, type Value } from './expressions.js';
import { callSection, field, type LoadedJob, type LoadedWorkflow } from './load.js';

/** A `with:` value whose evaluated type isn't the input's (GitHub fails the caller job). */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

function typed(type: string, value: Value, at: string): Value {
  const bad = (): never => {
    throw new TemplateError(
      `The template is not valid. ${at}: Unexpected value '${asString(value)}'`,
    );
  };
  if (type === 'boolean') return typeof value === 'boolean' ? value : bad();
  if (type === 'number') return typeof value === 'number' ? value : bad();
  return typeof value === 'object' && value !== null ? bad() : asString(value);
}

/**
 * The called workflow's `inputs` context. `preview` (the plan) keeps expressions that read run-time
 * contexts as their source text and skips type checks of those.
 */
export function callInputs(
  caller: LoadedWorkflow,
  job: LoadedJob,
  contexts: Contexts,
  preview: boolean,
): Record<string, Value> {
  if (!job.call || !isReusableWorkflowJob(job.model)) throw new Error(`${job.key} is not a call`);
  const given = new Map<string, { value: Value; at: string; deferred: boolean }>();
  for (const { key, value } of job.model['input-values'] ?? []) {
    const at = `${caller.path} (Line: ${value.line}, Col: ${value.col})`;
    const shown = preview ? previewToken(value, contexts) : undefined;
    // The plan, like GitHub's early validation, type-checks literals only.
    const deferred = preview && value.isExpression;
    given.set(key.assertString('with key').value.toLowerCase(), {
      value: shown ?? evaluateToken(value, contexts),
      at,
      deferred,
    });
  }
  const out: Record<string, Value> = {};
  for (const { key, value: spec } of callSection(job.call, 'inputs') ?? []) {
    const name = key.assertString('input name').value;
    const typeToken = field(spec, 'type');
    const type = typeToken && isString(typeToken) ? typeToken.value : 'string';
    const provided = given.get(name.toLowerCase());
    if (provided) {
      out[name] = provided.deferred ? provided.value : typed(type, provided.value, provided.at);
      continue;
    }
    const def = field(spec, 'default');
    const fallback = type === 'boolean' ? false : type === 'number' ? 0 : '';
    out[name] = def
      ? typed(
          type,
          evaluateToken(def, contexts),
          `${job.call.path} (Line: ${def.line}, Col: ${def.col})`,
        )
      : fallback;
  }
  return out;
}

/** The called workflow's `secrets` context: all of the caller's with `inherit`, else the mapping. */
export function callSecrets(
  job: LoadedJob,
  contexts: Contexts,
  callerSecrets: Readonly<Record<string, string>>,
): Record<string, string> {
  if (!isReusableWorkflowJob(job.model)) throw new Error(`${job.key} is not a call`);
  const token = callerSecrets.GITHUB_TOKEN;
  const base: Record<string, string> = token === undefined ? {} : { GITHUB_TOKEN: token };
  if (job.model['inherit-secrets']) return { ...callerSecrets };
  const out: Record<string, string> = { ...base };
  for (const { key, value } of job.model['secret-values'] ?? [])
    out[key.assertString('secret name').value] = asString(evaluateToken(value, contexts));
  return out;
}

/** What the plan shows for `secrets:`: `inherit` or the names passed. */
export function secretNames(job: LoadedJob): 'inherit' | string[] {
  if (!isReusableWorkflowJob(job.model)) return [];
  if (job.model['inherit-secrets']) return 'inherit';
  return [...(job.model['secret-values'] ?? [])].map(
    ({ key }) => key.assertString('secret name').value,
  );
}

/** `on.workflow_call.outputs.<name>.value` expressions of a called workflow. */
export function callOutputTokens(
  wf: LoadedWorkflow,
): Map<string, NonNullable<ReturnType<typeof field>>> {
  const out = new Map<string, NonNullable<ReturnType<typeof field>>>();
  for (const { key, value } of callSection(wf, 'outputs') ?? []) {
    const expr = field(value, 'value');
    if (expr) out.set(key.assertString('output name').value, expr);
  }
  return out;
}
