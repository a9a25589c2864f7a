/**
 * The per-app+environment deploy lock on the cluster itself: a `coordination.k8s.io/v1` Lease
 * `switchyard-<app>-<environment>` in the environment's namespace (ADR 0012, ADR 0017).
 *
 * - `kubectl create` is atomic: of two creators one gets AlreadyExists.
 * - Every other write is a `kubectl replace` carrying the resourceVersion it read, so the server
 *   refuses it (Conflict) if anyone wrote in between: a renewal, a take-over of a lapsed lease, a
 *   break and a release can't race each other.
 * - A released lease stays as an object with no holder (a release is a conditional write, where a
 *   delete could remove a newer holder's lease).
 * - The lease lapses `leaseDurationSeconds` after its `renewTime`, on the waiter's clock.
 */
import { ActionError, formatDuration, type Clock, type Logger } from '@switchyard/kit';
import {
  LeaseLostError,
  LockWait,
  type BrokenLock,
  type HeldLock,
  type Lease,
  type LockHolder,
  type LockOptions,
} from '../lock.js';
import { K8S_ANNOTATIONS } from './contract.js';
import { classifyKubectl, explainKubectl } from './errors.js';
import type { Kubectl } from './kubectl.js';
import { at, stringMap } from './manifests.js';

/** A Lease as read: who holds it (if anyone) and the version a conditional write needs. */
export interface LeaseView {
  readonly resourceVersion: string;
  /** Undefined when nobody holds it (released). */
  readonly held?: HeldLock & { readonly token: string };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `2026-01-01T09:00:00.000000Z`: a Kubernetes MicroTime. */
export const microTime = (ms: number): string =>
  new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** Reads `kubectl get lease -o json`. */
export function parseLease(json: string): LeaseView {
  const l = JSON.parse(json) as unknown;
  const a = stringMap(at(l, 'metadata', 'annotations'));
  const holder = at(l, 'spec', 'holderIdentity');
  const renewed = Date.parse(text(at(l, 'spec', 'renewTime')));
  const seconds = at(l, 'spec', 'leaseDurationSeconds');
  const expiresAt =
    Number.isNaN(renewed) || typeof seconds !== 'number' ? Infinity : renewed + seconds * 1000;
  const resourceVersion = text(at(l, 'metadata', 'resourceVersion'));
  if (typeof holder !== 'string' || holder === '') return { resourceVersion };
  return {
    resourceVersion,
    held: {
      deployId: holder,
      actor: a[K8S_ANNOTATIONS.lockActor] ?? 'unknown',
      since: a[K8S_ANNOTATIONS.lockSince] ?? 'unknown',
      expiresAt,
      token: a[K8S_ANNOTATIONS.lockToken] ?? '',
    },
  };
}

/** The Lease object for `me` (or, without `me`, released), as JSON for kubectl's stdin. */
export function leaseObject(
  name: string,
  labels: Readonly<Record<string, string>>,
  holder:
    | {
        readonly me: LockHolder;
        readonly since: number;
        readonly now: number;
        readonly ttlMs: number;
      }
    | undefined,
  resourceVersion?: string,
): string {
  return JSON.stringify({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      labels,
      ...(resourceVersion !== undefined && { resourceVersion }),
      ...(holder && {
        annotations: {
          [K8S_ANNOTATIONS.lockToken]: holder.me.token,
          [K8S_ANNOTATIONS.lockActor]: holder.me.actor,
          [K8S_ANNOTATIONS.lockSince]: new Date(holder.since).toISOString(),
        },
      }),
    },
    spec: holder
      ? {
          holderIdentity: holder.me.deployId,
          leaseDurationSeconds: Math.max(1, Math.ceil(holder.ttlMs / 1000)),
          acquireTime: microTime(holder.since),
          renewTime: microTime(holder.now),
        }
      : {},
  });
}

const iso = (ms: number): string => new Date(ms).toISOString();
const versionOf = (json: string): string =>
  text(at(JSON.parse(json) as unknown, 'metadata', 'resourceVersion'));

export class KubernetesLock {
  constructor(
    private readonly kubectl: Kubectl,
    private readonly name: string,
    private readonly labels: Readonly<Record<string, string>>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Takes the lock, waiting up to `timeoutMs`, as a lease that `renew` extends by `ttlMs`. */
  async lease(me: LockHolder, opts: LockOptions): Promise<Lease> {
    const since = this.clock.now();
    const taken = await this.acquire(me, opts);
    let version = taken.resourceVersion;
    let expiresAt = taken.expiresAt;
    return {
      id: `lease/${this.name}`,
      get expiresAt() {
        return expiresAt;
      },
      ...(taken.broke && { broke: taken.broke }),
      renew: async () => {
        const now = this.clock.now();
        version = await this.renew(me, taken.since ?? since, version, opts.ttlMs);
        expiresAt = now + opts.ttlMs;
      },
      release: () => this.release(me, version),
    };
  }

  private async acquire(
    me: LockHolder,
    opts: LockOptions,
  ): Promise<{ resourceVersion: string; expiresAt: number; since?: number; broke?: BrokenLock }> {
    const waiting = new LockWait(this.clock.now(), opts.timeoutMs, this.clock, this.log);
    let breakable = me.breakReason !== undefined;
    for (;;) {
      const now = this.clock.now();
      const mine = { me, since: now, now, ttlMs: opts.ttlMs };
      const created = await this.kubectl.run(['create', '--filename=-', '--output=json'], {
        input: leaseObject(this.name, this.labels, mine),
      });
      if (created.exitCode === 0) {
        this.took(opts, now, breakable);
        return {
          resourceVersion: versionOf(created.stdout),
          expiresAt: now + opts.ttlMs,
          since: now,
        };
      }
      if (classifyKubectl(created.stderr).kind !== 'already-exists')
        throw new ActionError(
          explainKubectl(
            `create the deploy lock lease/${this.name}`,
            created.stderr,
            this.kubectl.where,
          ),
        );
      const found = await this.read();
      if (!found) continue; // gone between our create and our look
      const held = found.held;
      const breaking = breakable && held !== undefined && me.breakReason !== undefined;
      if (!held || held.expiresAt <= now || breaking) {
        if (held && !breaking)
          this.log.warning(
            `taking over a stale deploy lock held by ${held.deployId} (${held.actor}) since ${held.since}, expired at ${iso(held.expiresAt)}`,
          );
        const r = await this.replace(
          leaseObject(this.name, this.labels, mine, found.resourceVersion),
        );
        breakable = false;
        if (r.exitCode !== 0) {
          if (['conflict', 'not-found'].includes(classifyKubectl(r.stderr).kind)) continue;
          throw new ActionError(
            explainKubectl(`take the deploy lock lease/${this.name}`, r.stderr, this.kubectl.where),
          );
        }
        this.took(opts, now, breaking ? false : me.breakReason !== undefined && !held);
        const { deployId, actor, since, expiresAt } = held ?? ({} as HeldLock);
        return {
          resourceVersion: versionOf(r.stdout),
          expiresAt: now + opts.ttlMs,
          since: now,
          ...(breaking &&
            held && {
              broke: { held: { deployId, actor, since, expiresAt }, reason: me.breakReason ?? '' },
            }),
        };
      }
      breakable = false;
      const namespace = this.kubectl.access.namespace;
      await waiting.turn(
        held,
        now,
        `free it with "kubectl delete lease ${this.name}${namespace ? ` -n ${namespace}` : ''}"`,
      );
    }
  }

  private took(opts: LockOptions, now: number, brokeNothing: boolean): void {
    this.log.info(
      `took the deploy lock lease/${this.name} (a lease until ${iso(now + opts.ttlMs)}, renewed every ${formatDuration(opts.ttlMs / 3)} while this run works)`,
    );
    if (brokeNothing) this.log.info('--break-lock: the deploy lock was free, nothing was broken');
  }

  /**
   * Moves this holder's lease on to `ttlMs` from now; resolves to its new resourceVersion. A lease
   * that another holder wrote since (taken over, broken) or that is gone is lost.
   */
  async renew(
    me: LockHolder,
    since: number,
    version: string,
    ttlMs: number,
    retried = false,
  ): Promise<string> {
    const now = this.clock.now();
    const r = await this.replace(
      leaseObject(this.name, this.labels, { me, since, now, ttlMs }, version),
    );
    if (r.exitCode === 0) return versionOf(r.stdout);
    const kind = classifyKubectl(r.stderr).kind;
    if (kind === 'conflict' || kind === 'not-found') {
      const found = await this.read();
      if (found?.held?.token !== me.token)
        throw new LeaseLostError(
          `lost the deploy lock lease/${this.name}: ${found?.held ? `${found.held.deployId} (${found.held.actor}) took it over (it had lapsed) or broke it` : 'it was released or removed by someone else'}`,
        );
      // Still ours, on a newer version (a renewal whose answer was lost): once more on it.
      if (!retried) return this.renew(me, since, found.resourceVersion, ttlMs, true);
    }
    throw new ActionError(
      explainKubectl(`renew the deploy lock lease/${this.name}`, r.stderr, this.kubectl.where),
    );
  }

  /** Gives the lease up if it is still this holder's: a conditional write that clears the holder. */
  async release(me: LockHolder, version: string): Promise<void> {
    const r = await this.replace(leaseObject(this.name, this.labels, undefined, version));
    if (r.exitCode === 0) return;
    const found = await this.read().catch(() => undefined);
    if (found?.held?.token !== me.token) return; // another holder's now: left alone
    await this.replace(leaseObject(this.name, this.labels, undefined, found.resourceVersion));
  }

  private replace(json: string): ReturnType<Kubectl['run']> {
    return this.kubectl.run(['replace', '--filename=-', '--output=json'], { input: json });
  }

  private async read(): Promise<LeaseView | undefined> {
    const json = await this.kubectl.get(`the deploy lock lease/${this.name}`, 'lease', this.name);
    return json === undefined ? undefined : parseLease(json);
  }
}
