/**
 * What the cluster says about a color and the live route, read (pure) from `kubectl get -o json`:
 * a color's Deployment (at 0 replicas its status counters are absent, not 0: fixtures A1, A2), its
 * pods' troubles, and the public Service's selector (the truth about what is live) and annotations
 * (the record). A selector that disagrees with the recorded live color is said loudly (finding 1).
 */
import { COLORS, type Color } from '../contract.js';
import { storedRelease, type ColorStatus } from '../model.js';
import { K8S_ANNOTATIONS, NOTHING_LIVE } from './contract.js';
import { at, stringMap } from './manifests.js';

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const asColor = (v: unknown): Color | undefined => COLORS.find((c) => c === v);

/** What the target reads of one color's Deployment. */
export interface DeploymentView {
  readonly name: string;
  readonly color?: Color;
  readonly annotations: Readonly<Record<string, string>>;
  /** spec.replicas: what is asked for (0 once stopped). */
  readonly desired: number;
  readonly generation: number;
  readonly observedGeneration: number;
  /** Pods of any revision, and of the newest one; absent counters read as 0. */
  readonly replicas: number;
  readonly updated: number;
  readonly ready: number;
  readonly available: number;
  /** Progressing=False with reason ProgressDeadlineExceeded: its message. */
  readonly deadlineExceeded?: string;
}

/** Reads a Deployment from `kubectl get deploy <name> -o json` (or one item of a List). */
export function parseDeployment(json: unknown, colorLabel: string): DeploymentView {
  const d = typeof json === 'string' ? (JSON.parse(json) as unknown) : json;
  const status = at(d, 'status');
  const conditions = Array.isArray(at(status, 'conditions'))
    ? (at(status, 'conditions') as unknown[])
    : [];
  const progressing = conditions.find((c) => at(c, 'type') === 'Progressing');
  const exceeded =
    at(progressing, 'status') === 'False' &&
    at(progressing, 'reason') === 'ProgressDeadlineExceeded';
  const color = asColor(stringMap(at(d, 'metadata', 'labels'))[colorLabel]);
  const specReplicas = at(d, 'spec', 'replicas');
  return {
    name: str(at(d, 'metadata', 'name')),
    ...(color && { color }),
    annotations: stringMap(at(d, 'metadata', 'annotations')),
    desired: typeof specReplicas === 'number' ? specReplicas : 1,
    generation: num(at(d, 'metadata', 'generation')),
    observedGeneration: num(at(status, 'observedGeneration')),
    replicas: num(at(status, 'replicas')),
    updated: num(at(status, 'updatedReplicas')),
    ready: num(at(status, 'readyReplicas')),
    available: num(at(status, 'availableReplicas')),
    ...(exceeded && { deadlineExceeded: str(at(progressing, 'message')) }),
  };
}

/** Where a rollout stands: done, failed for good, or under way (and how far). */
export interface Rollout {
  readonly complete: boolean;
  readonly failed: boolean;
  readonly detail: string;
}

/**
 * A Deployment's rollout, as `kubectl rollout status` judges it but without waiting: complete once
 * the controller saw the newest spec and every desired pod is updated, ready and available, with
 * no pod of an older revision left (the preview Service would still reach it: finding 5).
 */
export function rolloutOf(d: DeploymentView): Rollout {
  const n = d.desired;
  if (d.deadlineExceeded !== undefined)
    return {
      complete: false,
      failed: true,
      detail: `the Deployment ${d.name} exceeded its progress deadline (spec.progressDeadlineSeconds): ${d.deadlineExceeded}`,
    };
  if (n === 0)
    return { complete: false, failed: false, detail: `${d.name} is scaled to 0 replicas` };
  if (d.observedGeneration < d.generation)
    return {
      complete: false,
      failed: false,
      detail: `${d.name}: the controller has not seen the new spec yet`,
    };
  const counts = `${d.updated}/${n} updated, ${d.ready}/${n} ready, ${d.available}/${n} available`;
  if (d.updated < n || d.ready < n || d.available < n)
    return { complete: false, failed: false, detail: `${d.name}: ${counts}` };
  if (d.replicas > d.updated)
    return {
      complete: false,
      failed: false,
      detail: `${d.name}: ${d.replicas - d.updated} pod(s) of the previous revision still running`,
    };
  return { complete: true, failed: false, detail: `${d.name}: ${counts}` };
}

/** The color as status reports it: the release from the Deployment's annotations, its state from its counters. */
export function colorStatusOf(d: DeploymentView, color: Color): ColorStatus {
  const a = d.annotations;
  const rollout = rolloutOf(d);
  const state =
    d.desired === 0
      ? 'scaled to 0'
      : rollout.failed
        ? 'failed'
        : rollout.complete
          ? 'running'
          : d.ready > 0
            ? 'progressing'
            : 'starting';
  return {
    color,
    ...storedRelease(a, K8S_ANNOTATIONS),
    state: `${state} (${d.ready}/${d.desired} ready)`,
    running: d.desired > 0 && d.ready > 0,
    health: 'none',
  };
}

/** What the target reads of the public Service. */
export interface ServiceView {
  readonly name: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export function parseService(json: string): ServiceView {
  const s = JSON.parse(json) as unknown;
  return {
    name: str(at(s, 'metadata', 'name')),
    selector: stringMap(at(s, 'spec', 'selector')),
    annotations: stringMap(at(s, 'metadata', 'annotations')),
  };
}

/** The live color the Service routes to, and what is wrong with its selector, if anything. */
export interface Routed {
  readonly live: Color | null;
  /** Set when the selector or its record are not what switchyard left: said loudly. */
  readonly problem?: string;
}

/**
 * The color the Service's selector routes to. The selector is the truth; the `live-color`
 * annotation is what the last switch recorded. A selector without the color selects both colors'
 * pods, and one that disagrees with the annotation was changed behind switchyard's back (a
 * re-applied manifest: fixtures 54, 55, 60, B8).
 */
export function routedColor(s: ServiceView, colorLabel: string): Routed {
  const value = s.selector[colorLabel];
  const recorded = s.annotations[K8S_ANNOTATIONS.liveColor];
  const live = asColor(value) ?? null;
  if (value === undefined) {
    // Traffic reaches both colors; the recorded color is the one a changing run puts back.
    const restore = asColor(recorded) ?? null;
    return {
      live: restore,
      problem: `the Service ${s.name} has no ${colorLabel} in its selector, so it sends live traffic to the pods of BOTH colors. Something rewrote it (an apply of the manifest as written?): ${restore ? `the last switch made ${restore} live, and ` : ''}a switchyard deploy, promote or rollback puts the color back`,
    };
  }
  if (value !== NOTHING_LIVE && !live)
    return {
      live: null,
      problem: `the Service ${s.name} selects ${colorLabel}=${value}, which is no color: it serves nothing`,
    };
  if (recorded !== undefined && recorded !== (live ?? NOTHING_LIVE))
    return {
      live,
      problem: `the Service ${s.name} routes live traffic to ${live ?? 'nothing'} but the last switch recorded ${recorded} (${K8S_ANNOTATIONS.liveColor}): its selector was changed behind switchyard's back, e.g. by re-applying the manifest with kubectl apply. Live traffic is on ${live ?? 'nothing'} NOW; the record now follows the selector`,
    };
  return { live };
}

/** One pod's trouble, classified; `fatal` when waiting longer won't help. */
export interface PodTrouble {
  readonly pod: string;
  readonly container?: string;
  readonly fatal: boolean;
  readonly detail: string;
  /** The pod crashed: its previous container's log tells why. */
  readonly crashed?: boolean;
}

/** Waiting reasons that never resolve by themselves. */
const FATAL_WAITING: Readonly<Record<string, string>> = {
  ImagePullBackOff:
    'the image cannot be pulled. Check the image reference, and that the cluster can reach the registry (a private one needs kubernetes.image-pull-secret)',
  ErrImageNeverPull:
    'the image is not on the node and imagePullPolicy is Never. Use IfNotPresent or Always in the manifest, or load the image on the nodes',
  InvalidImageName: 'the image reference is not valid',
  CreateContainerConfigError:
    'the container cannot be created: a ConfigMap, Secret or key it references is missing. Add it to kubernetes.manifests',
  CrashLoopBackOff: 'the container keeps crashing (its last log lines follow)',
};

/**
 * What is wrong with a color's pods, from `kubectl get pods -l … -o json`: image pulls, crash
 * loops, containers that can't be created, pods no node can take.
 */
export function podTroubles(json: string): PodTrouble[] {
  const items = at(JSON.parse(json) as unknown, 'items');
  const out: PodTrouble[] = [];
  for (const pod of Array.isArray(items) ? (items as unknown[]) : []) {
    const name = str(at(pod, 'metadata', 'name'));
    if (at(pod, 'metadata', 'deletionTimestamp') !== undefined) continue;
    const conditions = at(pod, 'status', 'conditions');
    const scheduled = Array.isArray(conditions)
      ? (conditions as unknown[]).find((c) => at(c, 'type') === 'PodScheduled')
      : undefined;
    if (at(scheduled, 'status') === 'False' && at(scheduled, 'reason') === 'Unschedulable')
      out.push({
        pod: name,
        fatal: false,
        detail: `pod ${name} is unschedulable: ${str(at(scheduled, 'message'))} (lower the requests in the manifest, or add nodes)`,
      });
    const statuses = at(pod, 'status', 'containerStatuses');
    for (const c of Array.isArray(statuses) ? (statuses as unknown[]) : []) {
      const container = str(at(c, 'name'));
      const reason = str(at(c, 'state', 'waiting', 'reason'));
      const message = str(at(c, 'state', 'waiting', 'message'));
      const restarts = num(at(c, 'restartCount'));
      const last = at(c, 'lastState', 'terminated');
      const lastExit =
        last !== undefined
          ? ` (last exit code ${num(at(last, 'exitCode'))}${str(at(last, 'reason')) ? `, ${str(at(last, 'reason'))}` : ''})`
          : '';
      if (reason === '' && restarts === 0) continue;
      const fix = FATAL_WAITING[reason];
      const what = reason || 'restarted';
      out.push({
        pod: name,
        container,
        fatal: fix !== undefined,
        ...(restarts > 0 && { crashed: true }),
        detail: `pod ${name}, container ${container}: ${what}${restarts > 0 ? `, restarted ${restarts} time(s)${lastExit}` : ''}${message ? `: ${message}` : ''}${fix ? `; ${fix}` : ''}`,
      });
    }
  }
  return out;
}
