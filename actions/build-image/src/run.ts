/** build-image logic: plan (tags, labels, argv), then the pipeline; no @actions imports. */
import { relative } from 'node:path';
import {
  ActionError,
  displayCommand,
  formatDuration,
  Summary,
  type Clock,
  type Exec,
} from '@switchyard/kit';
import {
  buildCommand,
  buildFiles,
  computeTags,
  detectBuilder,
  imageLabels,
  isLoopback,
  loadCommands,
  needsDriver,
  pushCommands,
  readGitTags,
  repository,
  runPipeline,
  unsupported,
  type BuilderInfo,
  type BuildResult,
  type BuildSpec,
  type GitContext,
  type PipelineDeps,
  type RepositoryInfo,
  type TagResult,
} from '@switchyard/image';
import type { Http } from '@switchyard/probe';
import type { BuildImageInputs } from './inputs.js';

/** What the runner tells about the repository and this run. */
export interface RunFacts {
  readonly git: Omit<GitContext, 'existingTags'>;
  readonly repo: RepositoryInfo;
  readonly serverUrl?: string;
  readonly repository?: string;
  readonly workspace: string;
}

export interface Plan {
  readonly tags: TagResult;
  readonly repository: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: BuildSpec;
}

/** Tags, labels and the build spec: pure. */
export function plan(inputs: BuildImageInputs, git: GitContext, facts: RunFacts): Plan {
  const tags = computeTags(inputs.tagRules, git, inputs.latest);
  if (tags.tags.length === 0)
    throw new ActionError(
      `the tag rules made no tag for ${git.event} on ${git.ref}${tags.notes.length ? ` (${tags.notes.join('; ')})` : ''}. Add a rule that applies, e.g. type=sha`,
    );
  const repo = repository(inputs.image);
  const labels = imageLabels(
    {
      serverUrl: facts.serverUrl,
      repository: facts.repository,
      sha: git.sha,
      version: tags.version,
      created: git.date,
      repo: facts.repo,
    },
    inputs.labels,
  );
  const spec: BuildSpec = {
    context: inputs.context,
    file: inputs.file,
    refs: tags.tags.map((t) => `${repo}:${t}`),
    buildArgs: inputs.versionBuildArg
      ? [...inputs.buildArgs, [inputs.versionBuildArg, tags.version] as const]
      : inputs.buildArgs,
    labels,
    ...(inputs.target ? { target: inputs.target } : {}),
    secrets: inputs.secrets,
    pull: inputs.pull,
    noCache: inputs.noCache,
    platforms: inputs.platforms,
    cacheFrom: inputs.cacheFrom,
    cacheTo: inputs.cacheTo,
    ...(inputs.provenance !== undefined ? { provenance: inputs.provenance } : {}),
    ...(inputs.sbom !== undefined ? { sbom: inputs.sbom } : {}),
    push: inputs.push,
    load: inputs.load,
    insecure: inputs.registry !== undefined && isLoopback(inputs.registry),
  };
  return { tags, repository: repo, labels, spec };
}

export interface BuildReport {
  readonly plan: Plan;
  readonly builder: BuilderInfo;
  readonly result?: BuildResult;
  readonly dryRun: boolean;
  readonly elapsedMs: number;
}

export interface RunDeps extends Omit<PipelineDeps, 'http'> {
  readonly http: Http;
  readonly clock: Clock;
  readonly exec: Exec;
}

/** Fails with every capability the builder lacks, naming the input that asked for it. */
function checkCapabilities(spec: BuildSpec, builder: BuilderInfo): void {
  const problems = unsupported(spec, builder);
  if (problems.length)
    throw new ActionError(problems.map(([input, why]) => `input "${input}": ${why}`).join('; '));
}

export async function run(
  inputs: BuildImageInputs,
  facts: RunFacts,
  deps: RunDeps,
): Promise<BuildReport> {
  const started = deps.clock.now();
  const [existingTags, builder] = await Promise.all([
    readGitTags(deps.exec, facts.workspace, deps.log),
    detectBuilder(deps.exec, inputs.builder, deps.log, deps.env, needsDriver(inputs)),
  ]);
  const p = plan(inputs, { ...facts.git, existingTags }, facts);
  p.tags.notes.forEach((n) => deps.log.info(`tags: ${n}`));
  deps.log.info(`Tags: ${p.spec.refs.join(', ')}`);
  checkCapabilities(p.spec, builder);
  if (inputs.dryRun) {
    const files = buildFiles('<tmp>');
    const commands = [
      buildCommand(p.spec, builder, files),
      ...pushCommands(p.spec, builder, files),
      ...loadCommands(p.spec, builder),
    ];
    await deps.log.group('Dry run: the commands a real run would execute', () => {
      commands.forEach((c) => deps.log.info(displayCommand(c.command, c.args)));
      return Promise.resolve();
    });
    return { plan: p, builder, dryRun: true, elapsedMs: deps.clock.now() - started };
  }
  const result = await runPipeline(
    p.spec,
    builder,
    {
      image: inputs.image,
      ...(inputs.credentials ? { credentials: inputs.credentials } : {}),
      pushAttempts: inputs.pushAttempts,
      dockerfileLabel: relative(facts.workspace, inputs.file) || inputs.file,
    },
    deps,
  );
  return { plan: p, builder, result, dryRun: false, elapsedMs: deps.clock.now() - started };
}

/** The step outputs, as strings. */
export function outputs(r: BuildReport): Record<string, string> {
  const digest = r.result?.digest ?? '';
  const imageRef = digest
    ? `${r.plan.repository}@${digest}`
    : r.result && r.plan.spec.load
      ? (r.plan.spec.refs[0] ?? '')
      : '';
  const labels = Object.entries(r.plan.labels).map(([k, v]) => `${k}=${v}`);
  return {
    image: r.plan.repository,
    tags: r.plan.spec.refs.join('\n'),
    digest,
    'image-ref': imageRef,
    'image-id': r.result?.imageId ?? '',
    version: r.plan.tags.version,
    labels: labels.join('\n'),
    builder: r.builder.kind,
    metadata: JSON.stringify({
      image: r.plan.repository,
      tags: r.plan.spec.refs,
      digest: digest || undefined,
      'image-ref': imageRef || undefined,
      'image-id': r.result?.imageId,
      version: r.plan.tags.version,
      labels: r.plan.labels,
      builder: { kind: r.builder.kind, version: r.builder.version, driver: r.builder.driver },
      pushed: r.result?.pushed ?? [],
      size: r.result?.size,
      'size-kind': r.result?.sizeKind,
      'dry-run': r.dryRun,
      'duration-ms': Math.round(r.elapsedMs),
    }),
  };
}

function bytes(n: number | undefined): string {
  if (n === undefined) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

export function renderSummary(r: BuildReport): string {
  const o = outputs(r);
  const res = r.result;
  const head = r.dryRun
    ? '🧪 Dry run: nothing was built or pushed.'
    : res?.digest
      ? `✅ Built and pushed ${r.plan.spec.refs.length} tags in ${formatDuration(r.elapsedMs)}.`
      : `✅ Built ${r.plan.spec.load ? 'and loaded ' : ''}in ${formatDuration(r.elapsedMs)} (not pushed).`;
  return new Summary()
    .heading('Build image', 2)
    .paragraph(head)
    .table(
      ['What', 'Value'],
      [
        ['Image', `\`${o.image}\``],
        ['Digest', o.digest ? `\`${o.digest}\`` : '—'],
        ['Image ref (deploy this)', o['image-ref'] ? `\`${o['image-ref']}\`` : '—'],
        ['Version', o.version],
        ['Size', res?.size !== undefined ? `${bytes(res.size)} (${res.sizeKind})` : '—'],
        ['Builder', `${r.builder.kind}${r.builder.driver ? ` (${r.builder.driver} driver)` : ''}`],
        ['Time', formatDuration(r.elapsedMs)],
      ],
    )
    .heading('Tags', 3)
    .list(r.plan.spec.refs.map((t) => `\`${t}\``))
    .details('Labels', new Summary().table(['Label', 'Value'], Object.entries(r.plan.labels)))
    .toString();
}
