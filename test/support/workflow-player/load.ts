/**
 * Loads a workflow and every local reusable workflow it calls, as GitHub does before a run starts:
 * `parseWorkflow` + `convertWorkflowTemplate` (with a file provider, so the parser checks each call's
 * required inputs and secrets), then the permission rules for called workflows, and literal `with:`
 * values against the called workflow's input types. Any error throws a WorkflowError worded as GitHub
 * words it: `The workflow is not valid. <file> (Line: l, Col: c): <message>`.
 */
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
} from '@actions/workflow-parser';
import { isReusableWorkflowJob } from '@actions/workflow-parser/model/type-guards';
import type {
  WorkflowJob,
  WorkflowTemplate,
} from '@actions/workflow-parser/model/workflow-template';
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference';
import { isBoolean, isMapping, isNumber, isString } from '@actions/workflow-parser';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import {
  exceedsMessage,
  policyPermissions,
  readPermissions,
  type Permissions,
} from './permissions.js';
import { readRepoFile, type RepoFiles } from './repo.js';

/** A workflow GitHub refuses to start, with GitHub's message. */
export class WorkflowError extends Error {
  override name = 'WorkflowError';
  constructor(readonly errors: readonly string[]) {
    super(`The workflow is not valid. ${errors.join(' ')}`);
  }
}

export interface LoadedJob {
  readonly key: string;
  readonly model: WorkflowJob;
  /** The job's mapping as written (for keys the converted model leaves out). */
  readonly raw: MappingToken;
  /** The called workflow, for `uses:` jobs. */
  readonly call?: LoadedWorkflow;
  /** Explicit permissions after GitHub's propagation, and the token's effective permissions. */
  explicit?: Permissions;
  effective: Permissions;
}

export interface LoadedWorkflow {
  readonly path: string;
  readonly name: string;
  readonly root: MappingToken;
  readonly template: WorkflowTemplate;
  readonly jobs: LoadedJob[];
}

export interface LoadContext {
  readonly repo: RepoFiles;
  readonly repository: string;
  readonly sha: string;
  readonly policy: 'restricted' | 'permissive';
}

/** GitHub's nesting limit for reusable workflows, as the parser's default. */
const MAX_DEPTH = 4;

/** A key of a mapping token, or undefined. */
export function field(mapping: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return mapping && isMapping(mapping) ? mapping.find(key) : undefined;
}

/** `on.workflow_call.<section>` of a workflow, as written. */
export function callSection(
  wf: LoadedWorkflow,
  section: 'inputs' | 'secrets' | 'outputs',
): MappingToken | undefined {
  const token = field(field(field(wf.root, 'on'), 'workflow_call'), section);
  return token && isMapping(token) ? token : undefined;
}

function where(file: string, token: TemplateToken | undefined): string {
  return token?.line === undefined ? file : `${file} (Line: ${token.line}, Col: ${token.col})`;
}

function localPath(ref: string): string | undefined {
  return ref.startsWith('./') ? ref.slice(2) : undefined;
}

async function parseOne(
  ctx: LoadContext,
  path: string,
  errors: Set<string>,
): Promise<LoadedWorkflow | undefined> {
  const parsed = parseWorkflow(
    { name: path, content: readRepoFile(ctx.repo, path) },
    new NoOperationTraceWriter(),
  );
  const provider = {
    getFileContent: (ref: FileReference): Promise<{ name: string; content: string }> => {
      if ('repository' in ref)
        return Promise.reject(new Error('remote reusable workflows are not played'));
      return Promise.resolve({ name: ref.path, content: readRepoFile(ctx.repo, ref.path) });
    },
  };
  if (!parsed.value) {
    parsed.context.errors.getErrors().forEach((e) => errors.add(e.message));
    return undefined;
  }
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, provider, {
    fetchReusableWorkflowDepth: 1,
  });
  (template.errors ?? []).forEach((e) => errors.add(e.Message));
  if (template.errors?.length) return undefined;
  const root = parsed.value.assertMapping('root');
  const jobsToken = field(root, 'jobs');
  const name = field(root, 'name');
  return {
    path,
    name: name && isString(name) ? name.value : path,
    root,
    template,
    jobs: template.jobs.map((model) => ({
      key: model.id.value,
      model,
      raw: field(jobsToken, model.id.value)?.assertMapping('job') as MappingToken,
      effective: policyPermissions(ctx.policy),
    })),
  };
}

async function loadTree(
  ctx: LoadContext,
  path: string,
  errors: Set<string>,
  depth: number,
): Promise<LoadedWorkflow | undefined> {
  const wf = await parseOne(ctx, path, errors);
  if (!wf) return undefined;
  for (const [i, job] of wf.jobs.entries()) {
    if (!isReusableWorkflowJob(job.model)) continue;
    const called = localPath(job.model.ref.value);
    if (called === undefined) {
      errors.add(
        `${where(path, job.model.ref)}: workflow-player: remote reusable workflow '${job.model.ref.value}' is not supported`,
      );
      continue;
    }
    if (depth >= MAX_DEPTH) {
      errors.add(`Nested reusable workflow depth exceeded ${MAX_DEPTH}.`);
      continue;
    }
    const call = await loadTree(ctx, called, errors, depth + 1);
    if (call) wf.jobs[i] = { ...job, call };
  }
  return wf;
}

/** Top level: a job's `permissions:`, else the workflow's; effective: that, else the policy. */
function assignTopPermissions(ctx: LoadContext, wf: LoadedWorkflow): void {
  const rootToken = field(wf.root, 'permissions');
  const rootPerms = rootToken && readPermissions(rootToken);
  for (const job of wf.jobs) {
    const own = field(job.raw, 'permissions');
    job.explicit = own ? readPermissions(own) : rootPerms;
    job.effective = job.explicit ?? policyPermissions(ctx.policy);
  }
}

/** A called workflow keeps or lowers its caller job's permissions (ConvertToReferencedWorkflow). */
function assignCalledPermissions(
  ctx: LoadContext,
  caller: LoadedWorkflow,
  job: LoadedJob,
  errors: Set<string>,
): void {
  const called = job.call;
  if (!called) return;
  const max = job.explicit ?? policyPermissions(ctx.policy);
  const ref = `${ctx.repository}/${called.path}@${ctx.sha}`;
  const at = where(caller.path, job.model.id);
  const check = (nested: string | undefined, requested: Permissions): void => {
    const message = exceedsMessage(ref, nested, requested, max);
    if (message) errors.add(`${at}: ${message}`);
  };
  let propagated = job.explicit;
  const rootToken = field(called.root, 'permissions');
  if (rootToken) {
    propagated = readPermissions(rootToken);
    check(undefined, propagated);
  }
  for (const nested of called.jobs) {
    const own = field(nested.raw, 'permissions');
    if (own) {
      nested.explicit = readPermissions(own);
      check(nested.key, nested.explicit);
    } else nested.explicit = propagated;
    nested.effective = nested.explicit ?? job.effective;
    assignCalledPermissions(ctx, called, nested, errors);
  }
}

/** Literal `with:` values against the called workflow's input types (the parser's early validation). */
function checkLiteralInputs(caller: LoadedWorkflow, job: LoadedJob, errors: Set<string>): void {
  if (!job.call || !isReusableWorkflowJob(job.model)) return;
  const defs = callSection(job.call, 'inputs');
  for (const { key, value } of job.model['input-values'] ?? []) {
    const type = field(field(defs, key.assertString('with key').value), 'type');
    if (!type || !isString(type) || value.isExpression) continue;
    const ok =
      type.value === 'boolean'
        ? isBoolean(value)
        : type.value === 'number'
          ? isNumber(value)
          : true;
    if (!ok) errors.add(`${where(caller.path, value)}: Unexpected value '${literalText(value)}'`);
  }
  for (const nested of job.call.jobs) checkLiteralInputs(job.call, nested, errors);
}

function literalText(token: TemplateToken): string {
  if (isString(token)) return token.value;
  if (isBoolean(token) || isNumber(token)) return String(token.value);
  return token.typeName();
}

/** The workflow at `path` with its called workflows, validated; throws WorkflowError. */
export async function loadWorkflow(ctx: LoadContext, path: string): Promise<LoadedWorkflow> {
  const errors = new Set<string>();
  const wf = await loadTree(ctx, path, errors, 0);
  if (wf) {
    assignTopPermissions(ctx, wf);
    for (const job of wf.jobs) {
      assignCalledPermissions(ctx, wf, job, errors);
      checkLiteralInputs(wf, job, errors);
    }
  }
  if (!wf || errors.size > 0) throw new WorkflowError([...errors]);
  return wf;
}
