/**
 * The Kubernetes target (DESIGN.md §3, ADR 0017): Deployments `<app>-blue` / `<app>-green` derived
 * from the user's manifests, the public Service whose selector carries the live color (the switch is
 * one patch of it), a preview Service on the idle color, the record in the public Service's
 * annotations and a Lease as the deploy lock. Only kubectl on the runner; nothing in the cluster.
 */
import { ActionError } from '@switchyard/kit';
import { parseImageReference, repository } from '@switchyard/image';
import { COLORS, otherColor, type Color } from '../contract.js';
import type { DeployRecord, Release, TargetState } from '../model.js';
import { parseRecord, reconcile } from '../record.js';
import type { Lease, LockHandle, LockHolder, LockOptions } from '../lock.js';
import {
  withExtras,
  type Readiness,
  type ResolvedImage,
  type RouterChange,
  type Target,
  type TargetDeps,
  type TargetWords,
} from '../target.js';
import { failpoint, FAILPOINTS } from '../failpoint.js';
import { afterSwitch, type LiveNow } from '../switched.js';
import {
  environmentLabels,
  K8S_LABELS,
  kubernetesNames,
  selectorText,
  type KubernetesNames,
} from './contract.js';
import { Kubectl, type ClusterAccess } from './kubectl.js';
import { explainKubectl } from './errors.js';
import { KubernetesLock } from './lock.js';
import { at, findWorkload, type KObject, type Workload } from './manifests.js';
import { recordPatch, selectorPatch } from './patches.js';
import {
  colorCompanions,
  colorDeployment,
  listOf,
  previewService,
  publicService,
  pullSecret,
  type RenderSettings,
} from './render.js';
import { readManifests } from './source.js';
import {
  colorStatusOf,
  parseDeployment,
  parseService,
  podTroubles,
  rolloutOf,
  routedColor,
  type Routed,
  type ServiceView,
} from './state.js';
import { connectCluster, checkAccess, colorLogs } from './cluster.js';
import { privateKubeconfig, removePrivateKubeconfig } from './kubeconfig.js';

export interface KubernetesTargetSettings {
  readonly app: string;
  readonly environment: string;
  /** Absolute paths of the manifests (files, folders, kustomize folders). */
  readonly manifests: readonly string[];
  readonly container?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly service?: string;
  readonly imagePullSecret?: string;
  readonly url?: string;
  readonly previewUrl?: string;
}

export interface KubernetesTargetDeps extends TargetDeps {
  /** A kubeconfig's content (the action's `kubeconfig` input): written to a private 0600 file. */
  readonly kubeconfig?: string;
}

/** What the post step reads to release a Lease a killed run left (see release.ts). */
export interface KubernetesLockHandle extends LockHandle {
  readonly kind: 'kubernetes';
  readonly name: string;
  readonly access: ClusterAccess;
}

const WORDS: TargetWords = {
  setup: 'apply the public and preview Services (the color in their selectors is switchyard’s)',
  ready: "the color's Deployment rolled out: every pod updated, ready and available",
  switch: 'one patch of the public Service’s selector',
};

export class KubernetesTarget implements Target {
  readonly description: string;
  readonly words = WORDS;
  readonly kubectl: Kubectl;
  readonly names: KubernetesNames;
  private readonly labels: Readonly<Record<string, string>>;
  private readonly render: RenderSettings;
  private readonly privateDir: string | undefined;
  private workload: Workload | undefined;
  private readonly versions = new Map<Color, string>();
  private switched: LiveNow | undefined;

  constructor(
    private readonly s: KubernetesTargetSettings,
    private readonly deps: KubernetesTargetDeps,
  ) {
    const written = deps.kubeconfig === undefined ? undefined : privateKubeconfig(deps);
    this.privateDir = written?.dir;
    this.kubectl = new Kubectl(deps.exec, {
      ...(written && { kubeconfig: written.file }),
      ...(s.context !== undefined && { context: s.context }),
      ...(s.namespace !== undefined && { namespace: s.namespace }),
    });
    this.names = kubernetesNames(s.app, s.environment, s.service);
    this.labels = environmentLabels(s.app, s.environment);
    this.render = {
      names: this.names,
      labels: this.labels,
      ...(s.container !== undefined && { container: s.container }),
      ...(s.imagePullSecret !== undefined && { imagePullSecret: s.imagePullSecret }),
    };
    this.description = `kubernetes (${this.kubectl.where.cluster}, ${s.namespace ? `namespace ${s.namespace}` : "the context's namespace"})`;
  }

  /** The configured URL, or the Service's cluster DNS name (a runner inside the cluster). */
  get url(): string {
    return this.s.url ?? this.serviceUrl(this.names.service);
  }

  get previewUrl(): string {
    return this.s.previewUrl ?? this.serviceUrl(this.names.preview);
  }

  private serviceUrl(name: string): string {
    const ports = at(this.workload?.service, 'spec', 'ports');
    const port = Array.isArray(ports) ? at(ports[0], 'port') : undefined;
    return `http://${name}.${this.s.namespace ?? 'default'}.svc${typeof port === 'number' && port !== 80 ? `:${port}` : ''}`;
  }

  connect(): Promise<string> {
    return connectCluster(this.kubectl, this.deps.log);
  }

  findImage(ref: string): Promise<ResolvedImage | undefined> {
    return Promise.resolve(pinnedImage(ref));
  }

  /**
   * The image by digest: the nodes pull it, not the runner, so there is nothing to pull here and
   * a tag alone is refused (it could move between the deploy and a rollback).
   */
  resolveImage(ref: string): Promise<ResolvedImage> {
    const found = pinnedImage(ref);
    if (!found)
      throw new ActionError(
        `image ${ref} has no digest: the kubernetes target runs images by digest (the cluster's nodes pull them, and a tag can move). Give build-image's image-ref output (repository@sha256:…), or look the digest up with "docker buildx imagetools inspect ${ref}"`,
      );
    return Promise.resolve(found);
  }

  lockHandle(holder: LockHolder): KubernetesLockHandle {
    return {
      kind: 'kubernetes',
      token: holder.token,
      name: this.names.lease,
      access: this.kubectl.access,
    };
  }

  lock(holder: LockHolder, opts: LockOptions): Promise<Lease> {
    return new KubernetesLock(
      this.kubectl,
      this.names.lease,
      this.labels,
      this.deps.clock,
      this.deps.log,
    ).lease(holder, opts);
  }

  /** The user's workload, read once per run (a missing or broken manifest fails before any change). */
  private async load(): Promise<Workload> {
    this.workload ??= findWorkload(
      await readManifests(this.s.manifests, this.kubectl),
      this.names,
      this.s.namespace,
    );
    return this.workload;
  }

  /**
   * Applies the public Service with the color it routes to now in its selector (never the
   * manifest's own: finding 1), and the preview Service on the idle color.
   */
  async prepare(): Promise<RouterChange> {
    const w = await this.load();
    await checkAccess(this.kubectl);
    const [svc, preview] = await Promise.all([this.readService(), this.readPreview()]);
    const live = svc ? routedColor(svc, K8S_LABELS.color).live : null;
    const previewColor = preview ?? (live ? otherColor(live) : null);
    await this.kubectl.apply(
      `apply the Services ${this.names.service} and ${this.names.preview}`,
      listOf([publicService(w, this.render, live), previewService(w, this.render, previewColor)]),
    );
    return svc ? 'unchanged' : 'created';
  }

  status(): Promise<TargetState> {
    return afterSwitch(this.switched, () => this.readStatus());
  }

  private async readStatus(): Promise<TargetState> {
    const [svcJson, list] = await Promise.all([
      this.kubectl.get(`the Service ${this.names.service}`, 'service', this.names.service),
      this.kubectl.must('read the Deployments', [
        'get',
        'deployments',
        `--selector=${selectorText(this.labels)}`,
        '--output=json',
      ]),
    ]);
    const colors: { -readonly [C in Color]?: TargetState['colors'][C] } = {};
    for (const item of (at(JSON.parse(list) as unknown, 'items') as unknown[] | undefined) ?? []) {
      const d = parseDeployment(item, K8S_LABELS.color);
      if (!d.color || d.name !== this.names.deployment(d.color)) continue;
      colors[d.color] = colorStatusOf(d, d.color);
      this.versions.set(d.color, colors[d.color]?.version ?? '');
    }
    if (svcJson === undefined)
      return { live: null, previous: null, history: [], colors, exists: false, notes: [] };
    const svc = parseService(svcJson);
    const routed: Routed = routedColor(svc, K8S_LABELS.color);
    const { record, notes } = parseRecord(svc.annotations['switchyard.dev/record']);
    const fixed = reconcile(record, routed.live, this.deps.clock.now());
    const note = fixed.note?.replace(
      'the proxy routes',
      `the Service ${this.names.service} routes`,
    );
    return {
      ...fixed.record,
      colors,
      exists: true,
      notes: [...(routed.problem ? [routed.problem] : []), ...notes, ...(note ? [note] : [])],
      ...(note !== undefined && { interrupted: { record: note } }),
    };
  }

  async start(color: Color, image: ResolvedImage, release: Release): Promise<void> {
    const w = await this.load();
    const svc = await this.readService();
    const live = svc ? routedColor(svc, K8S_LABELS.color).live : null;
    const name = this.names.deployment(color);
    if (live === color) throw new ActionError(`refusing to replace ${name}: it is the live color`);
    await this.kubectl.apply(
      `apply ${name} (${release.image})`,
      listOf(this.colorObjects(w, color, image, release)),
    );
    this.versions.set(color, release.version);
    await this.kubectl.apply(
      `point ${this.names.preview} at ${color}`,
      listOf([previewService(w, this.render, color)]),
    );
  }

  /** What a start of `color` applies: the other objects (its own autoscaler among them) and its Deployment. */
  private colorObjects(
    w: Workload,
    color: Color,
    image: ResolvedImage,
    release: Release,
  ): KObject[] {
    return [
      ...this.pullSecrets(image),
      ...colorCompanions(w, this.render, color),
      colorDeployment(w, this.render, color, image.pinned, release),
    ];
  }

  /**
   * The pull Secret, when asked for (kubernetes.image-pull-secret) and the step has registry
   * credentials: written for the image's registry. Without credentials the Secret is the user's.
   */
  private pullSecrets(image: ResolvedImage): KObject[] {
    const name = this.render.imagePullSecret;
    const creds = this.deps.credentials;
    if (name === undefined || !creds) return [];
    const registry = parseImageReference('image', image.pinned).registry ?? 'docker.io';
    return [
      pullSecret({ ...this.render, imagePullSecret: name }, registry, creds, this.s.namespace),
    ];
  }

  /**
   * What the API server says of a deploy of `image` into `color`, without making it: the Services
   * as prepare() would apply them and the color's objects, through `kubectl apply --dry-run=server`
   * (admission, validation and defaulting included). A refusal is the plan's answer, not an error.
   */
  async dryRun(color: Color, image: ResolvedImage, release: Release): Promise<string[]> {
    const w = await this.load();
    const svc = await this.readService();
    const live = svc ? routedColor(svc, K8S_LABELS.color).live : null;
    const objects = [
      publicService(w, this.render, live),
      previewService(w, this.render, color),
      ...this.colorObjects(w, color, image, release),
    ];
    const r = await this.kubectl.run(
      [
        'apply',
        '--server-side',
        '--field-manager=switchyard',
        '--force-conflicts',
        '--dry-run=server',
        '--filename=-',
      ],
      { input: listOf(objects) },
    );
    if (r.exitCode !== 0)
      return [
        `stop with an error: ${explainKubectl('apply the manifests (server dry run)', r.stderr, this.kubectl.where)}`,
      ];
    const lines = r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    return [`the cluster accepts the change (server dry run): ${lines.join('; ')}`];
  }

  async readiness(color: Color): Promise<Readiness> {
    const name = this.names.deployment(color);
    const [json, preview] = await Promise.all([
      this.kubectl.get(`the Deployment ${name}`, 'deployment', name),
      this.readPreview(),
    ]);
    if (json === undefined)
      return {
        running: false,
        failed: true,
        health: 'none',
        routed: false,
        detail: `the Deployment ${name} is gone`,
      };
    const d = parseDeployment(json, K8S_LABELS.color);
    const rollout = rolloutOf(d);
    const troubles = rollout.complete
      ? []
      : podTroubles(
          await this.kubectl.must(`read the pods of ${name}`, [
            'get',
            'pods',
            `--selector=${selectorText({ ...this.labels, [K8S_LABELS.color]: color })}`,
            '--output=json',
          ]),
        );
    const fatal = troubles.filter((t) => t.fatal);
    const routed = preview === color;
    return {
      running: rollout.complete,
      failed: rollout.failed || fatal.length > 0,
      health: 'none',
      routed,
      detail: [
        rollout.detail,
        ...troubles.map((t) => t.detail),
        rollout.complete && !routed ? `${this.names.preview} does not select ${color}` : '',
      ]
        .filter(Boolean)
        .join('; '),
      status: colorStatusOf(d, color),
    };
  }

  logs(color: Color, lines: number): Promise<string> {
    return colorLogs(this.kubectl, { ...this.labels, [K8S_LABELS.color]: color }, lines);
  }

  async stop(color: Color): Promise<void> {
    await this.kubectl.run(['scale', `deployment/${this.names.deployment(color)}`, '--replicas=0']);
  }

  async switchTo(color: Color): Promise<number> {
    const svc = await this.readService();
    if (!svc)
      throw new ActionError(
        `the Service ${this.names.service} is gone: deploy again, which re-creates it`,
      );
    const before = routedColor(svc, K8S_LABELS.color).live;
    const t = this.deps.clock.now();
    await this.kubectl.must(
      `switch the Service ${this.names.service} to ${color}`,
      selectorPatch(this.names.service, color, before, t),
    );
    const ms = this.deps.clock.now() - t;
    const version = this.versions.get(color);
    this.switched = { color, ...(version && { version }) };
    failpoint(this.deps.env, FAILPOINTS.routed);
    await afterSwitch(this.switched, async () => {
      await this.kubectl.must(
        `point ${this.names.preview} at ${otherColor(color)}`,
        selectorPatch(this.names.preview, otherColor(color)),
      );
      const now = await this.readService();
      if (!now || routedColor(now, K8S_LABELS.color).live !== color)
        throw new ActionError(
          `the Service ${this.names.service} does not select ${color} after the patch: something else writes its selector`,
        );
    });
    failpoint(this.deps.env, FAILPOINTS.routesSaved);
    return ms;
  }

  /** The selector is the route in force and is never saved elsewhere: the record follows it (saveRecord). */
  saveRoutes(): Promise<void> {
    return Promise.resolve();
  }

  saveRecord(record: DeployRecord): Promise<void> {
    return afterSwitch(this.switched, async () => {
      await this.kubectl.must(
        `save the deploy record on the Service ${this.names.service}`,
        recordPatch(this.names.service, withExtras(record, this.deps)),
      );
    });
  }

  close(): Promise<void> {
    if (this.privateDir) removePrivateKubeconfig(this.privateDir);
    return Promise.resolve();
  }

  private async readService(): Promise<ServiceView | undefined> {
    const json = await this.kubectl.get(
      `the Service ${this.names.service}`,
      'service',
      this.names.service,
    );
    return json === undefined ? undefined : parseService(json);
  }

  /** The color the preview Service selects, if it exists and selects one. */
  private async readPreview(): Promise<Color | undefined> {
    const json = await this.kubectl.get(
      `the Service ${this.names.preview}`,
      'service',
      this.names.preview,
    );
    if (json === undefined) return undefined;
    const value = parseService(json).selector[K8S_LABELS.color];
    return COLORS.find((c) => c === value);
  }
}

/** A reference that pins a digest, as the target runs it; undefined without a digest. */
export function pinnedImage(ref: string): ResolvedImage | undefined {
  const parsed = parseImageReference('image', ref);
  if (!parsed.digest) return undefined;
  return {
    ref,
    pinned: `${repository(parsed)}@${parsed.digest}`,
    digest: parsed.digest,
    ...(parsed.tag !== undefined && { version: parsed.tag }),
  };
}
