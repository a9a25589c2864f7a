/** Dry-run: what a deploy would do, read from the target without changing it. */
import { formatDuration, type Logger } from '@switchyard/kit';
import { parseImageReference } from '@switchyard/image';
import { otherColor, type Color } from './contract.js';
import {
  connect,
  liveStatus,
  versionOf,
  type BlueGreenResult,
  type DeployRequest,
} from './bluegreen.js';
import type { Release, TargetState } from './model.js';
import { healthUrl } from './ready.js';
import type { ResolvedImage, Target } from './target.js';

/** The steps of a deploy, as sentences (pure). `image` is undefined when the target lacks it. */
export function planSteps(
  state: TargetState,
  image: ResolvedImage | undefined,
  req: DeployRequest,
  target: Pick<Target, 'url' | 'previewUrl' | 'description' | 'words'>,
): string[] {
  const steps: string[] = [];
  if (!image && req.pull === 'never') {
    steps.push(`stop with an error: ${req.image} is not on the target and pull is "never"`);
    return steps;
  }
  steps.push(
    image && req.pull !== 'always'
      ? `use ${req.image} already on the target (${image.pinned})`
      : `pull ${req.image}${image ? ` (the target has ${image.digest} now)` : ''}`,
  );
  steps.push(`take the deploy lock (wait up to ${formatDuration(req.lockTimeoutMs)})`);
  if (!state.exists)
    steps.push(`${target.words.setup}, serving ${target.url} (preview ${target.previewUrl})`);
  const live = liveStatus(state);
  if (live && image && live.digest === image.digest && live.running) {
    steps.push(`stop: ${req.image} is already live on ${live.color} (no change)`);
    return steps;
  }
  const color: Color = state.live ? otherColor(state.live) : 'blue';
  const replaced = state.colors[color];
  steps.push(
    `start ${req.image} as ${color}${replaced ? `, replacing the ${replaced.running ? 'running' : 'stopped'} ${color} (${replaced.image})` : ''}; ${state.live ? `${state.live} stays untouched` : 'nothing is live yet'}`,
  );
  steps.push(
    `wait until ${color} is ready: ${target.words.ready}, GET ${healthUrl(target.previewUrl, req.health.path)} (up to ${formatDuration(req.readyTimeoutMs)})`,
  );
  if (req.promote) {
    steps.push(`switch live traffic ${state.live ?? 'none'} → ${color} (${target.words.switch})`);
    if (state.live) steps.push(`keep ${state.live} warm for ${formatDuration(req.keepPreviousMs)}`);
  } else {
    steps.push(
      `leave live traffic on ${state.live ?? 'nothing'}; ${color} waits at ${target.previewUrl} for "action: promote"`,
    );
  }
  return steps;
}

/** Reads the target and returns the plan; changes nothing (no pull, no lock, no workload). */
export async function plan(
  target: Target,
  req: DeployRequest,
  deps: { readonly log: Logger },
): Promise<BlueGreenResult> {
  await connect(target, deps.log);
  const state = await target.status();
  const image = await target.findImage(req.image);
  const steps = planSteps(state, image, req, target);
  if (image && target.dryRun && !steps.some((s) => s.startsWith('stop'))) {
    const color: Color = state.live ? otherColor(state.live) : 'blue';
    const release: Release = {
      image: req.image,
      digest: image.digest,
      version: versionOf(req.image, image, req.version),
      deployId: req.holder.deployId,
      actor: req.holder.actor,
      createdAt: new Date(0).toISOString(),
    };
    steps.push(...(await target.dryRun(color, image, release)));
  }
  const candidate = candidateOf(req, image);
  deps.log.info(`Dry run: a deploy would\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}`);
  return {
    action: 'plan',
    changed: false,
    switched: false,
    before: state,
    after: state,
    url: target.url,
    previewUrl: target.previewUrl,
    plan: steps,
    ...(candidate && { candidate }),
    message: 'dry run: nothing was changed',
  };
}

/**
 * The release a deploy would start: as the target has the image, else as its reference pins it
 * (a Docker host that has not pulled it yet still gets a plan for the approver; no revision then).
 */
function candidateOf(
  req: DeployRequest,
  image: ResolvedImage | undefined,
): BlueGreenResult['candidate'] {
  if (image)
    return {
      image: req.image,
      digest: image.digest,
      version: versionOf(req.image, image, req.version),
      ...(image.revision && { revision: image.revision }),
    };
  const pinned = parseImageReference('image', req.image).digest;
  if (!pinned) return undefined;
  return {
    image: req.image,
    digest: pinned,
    version: versionOf(
      req.image,
      { ref: req.image, pinned: req.image, digest: pinned },
      req.version,
    ),
  };
}
