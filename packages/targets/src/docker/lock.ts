/**
 * The per-app+environment deploy lock on the Docker host itself: a container with a fixed name.
 * `docker create --name` is atomic (a second create fails with a conflict), so two runners can't
 * both hold it. The container is never started; its labels say who holds it, since when and its
 * first expiry. Labels can't change, so a renewal writes the new expiry into the container as a
 * small file (`docker cp`, by container id): see docs/adrs/0012-lease-lock.md.
 */
import {
  ActionError,
  formatDuration,
  type Clock,
  type ExecResult,
  type Logger,
} from '@switchyard/kit';
import { LABELS } from '../contract.js';
import type { DockerNames } from './contract.js';
import {
  LeaseLostError,
  LockWait,
  type BrokenLock,
  type HeldLock,
  type Lease,
  type LockHolder,
  type LockOptions,
} from '../lock.js';
import type { DockerCli } from './cli.js';

/** The file in the lock container that holds the renewed expiry: `{"expires": ISO, "renewedAt": ISO}`. */
export const LEASE_FILE = 'switchyard-lease.json';

/** A lock container someone holds. */
interface Found extends HeldLock {
  readonly id: string;
}

/** What `acquire` took. */
export interface Acquired {
  /** The lock container's id. */
  readonly id: string;
  readonly expiresAt: number;
  readonly broke?: BrokenLock;
}

const iso = (ms: number): string => new Date(ms).toISOString();
/** An ISO time as ms; a missing or unreadable one never expires (a lock that is not ours). */
const expiryOf = (text: string | undefined): number => {
  const ms = text === undefined ? NaN : Date.parse(text);
  return Number.isNaN(ms) ? Infinity : ms;
};

export class DockerLock {
  constructor(
    private readonly docker: DockerCli,
    private readonly names: DockerNames,
    /** Any image on the host: the lock container is only created, never run. */
    private readonly image: string,
    private readonly labels: Readonly<Record<string, string>>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Takes the lock, waiting up to `timeoutMs`, as a lease that `renew` extends by `ttlMs`. */
  async lease(me: LockHolder, opts: LockOptions): Promise<Lease> {
    const taken = await this.acquire(me, opts);
    let expiresAt = taken.expiresAt;
    return {
      id: taken.id,
      get expiresAt() {
        return expiresAt;
      },
      ...(taken.broke && { broke: taken.broke }),
      renew: async () => {
        const next = this.clock.now() + opts.ttlMs;
        await this.renew(taken.id, next);
        expiresAt = next;
      },
      release: () => this.release(taken.id),
    };
  }

  /**
   * Takes the lock, waiting up to `timeoutMs`. A lock past its expiry is removed (by id, so of two
   * waiters only one removes it and only one create wins); with `me.breakReason`, the lock found
   * at the first look is removed whatever its expiry.
   */
  async acquire(me: LockHolder, opts: LockOptions): Promise<Acquired> {
    const waiting = new LockWait(this.clock.now(), opts.timeoutMs, this.clock, this.log);
    let breakable = me.breakReason !== undefined;
    let broke: BrokenLock | undefined;
    for (;;) {
      const now = this.clock.now();
      const r = await this.create(me, now, now + opts.ttlMs);
      if (r.exitCode === 0) {
        this.log.info(
          `took the deploy lock ${this.names.lock} (a lease until ${iso(now + opts.ttlMs)}, renewed every ${formatDuration(opts.ttlMs / 3)} while this run works)`,
        );
        if (breakable) this.log.info('--break-lock: the deploy lock was free, nothing was broken');
        return { id: r.stdout.trim(), expiresAt: now + opts.ttlMs, ...(broke && { broke }) };
      }
      if (!/conflict|already in use/i.test(r.stderr))
        throw new ActionError(`could not create the lock ${this.names.lock}: ${r.stderr.trim()}`);
      const holder = await this.holder();
      if (!holder) continue; // released between our create and our look
      if (breakable && me.breakReason !== undefined) {
        breakable = false;
        await this.remove(holder.id, true);
        const { deployId, actor, since, expiresAt } = holder;
        broke = { held: { deployId, actor, since, expiresAt }, reason: me.breakReason };
        continue;
      }
      if (holder.expiresAt <= now) {
        this.log.warning(
          `removing a stale deploy lock held by ${holder.deployId} (${holder.actor}) since ${holder.since}, expired at ${iso(holder.expiresAt)}`,
        );
        await this.remove(holder.id, false);
        continue;
      }
      await waiting.turn(holder, now, `remove it with "docker rm ${this.names.lock}"`);
    }
  }

  /**
   * Moves the expiry of the lock container `id` (this holder's) to `expiresAt`. Written by id: if
   * the container is gone (taken over as stale, or broken), the lease is lost.
   */
  async renew(id: string, expiresAt: number): Promise<void> {
    const now = this.clock.now();
    const content = JSON.stringify({ expires: iso(expiresAt), renewedAt: iso(now) });
    const r = await this.docker.copyInto(id, `/${LEASE_FILE}`, content, now / 1000);
    if (r.exitCode === 0) return;
    // docker cp words a missing container in several ways ("must be a directory" for `cp -`): ask.
    const gone = await this.docker.run(['container', 'inspect', '--format', '{{.Id}}', id], {
      allowFailure: true,
      quiet: true,
    });
    if (gone.exitCode !== 0 && /no such (container|object)/i.test(gone.stderr))
      throw new LeaseLostError(
        `lost the deploy lock ${this.names.lock}: another run took it over (it had lapsed) or broke it`,
      );
    throw new ActionError(`could not renew the lock ${this.names.lock}: ${r.stderr.trim()}`);
  }

  /** Releases a lock this run holds (by id, so a newer holder's lock is never removed). */
  async release(id: string): Promise<void> {
    await this.docker.run(['rm', '-f', id], { allowFailure: true, quiet: true });
  }

  private create(me: LockHolder, now: number, expiresAt: number): Promise<ExecResult> {
    return this.docker.run(
      [
        'create',
        '--name',
        this.names.lock,
        ...Object.entries({
          ...this.labels,
          [LABELS.role]: 'lock',
          [LABELS.deployId]: me.deployId,
          [LABELS.actor]: me.actor,
          [LABELS.createdAt]: iso(now),
          [LABELS.expires]: iso(expiresAt),
          [LABELS.token]: me.token,
        }).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
        '--entrypoint',
        'haproxy',
        this.image,
      ],
      { allowFailure: true, quiet: true },
    );
  }

  /** Removes another holder's lock container by id; one already gone is fine. */
  private async remove(id: string, force: boolean): Promise<void> {
    const r = await this.docker.run(['rm', ...(force ? ['-f'] : []), id], {
      allowFailure: true,
      quiet: true,
    });
    if (r.exitCode !== 0 && !/no such container/i.test(r.stderr))
      throw new ActionError(`could not remove the lock ${this.names.lock}: ${r.stderr.trim()}`);
  }

  /** The lock's holder: its labels, and the expiry of its last renewal when it renewed. */
  private async holder(): Promise<Found | undefined> {
    const r = await this.docker.run(
      ['container', 'inspect', '--format', '{{json .Id}} {{json .Config.Labels}}', this.names.lock],
      { allowFailure: true, quiet: true },
    );
    if (r.exitCode !== 0) return undefined;
    const [idJson = '""', ...rest] = r.stdout.trim().split(' ');
    const labels = (JSON.parse(rest.join(' ') || '{}') ?? {}) as Record<string, string>;
    const id = JSON.parse(idJson) as string;
    const labelled = expiryOf(labels[LABELS.expires]);
    // A lock without an expiry (not ours, or damaged) never goes stale by itself.
    const renewed = Number.isFinite(labelled) ? await this.renewedExpiry(id) : undefined;
    return {
      id,
      deployId: labels[LABELS.deployId] ?? 'unknown',
      actor: labels[LABELS.actor] ?? 'unknown',
      since: labels[LABELS.createdAt] ?? 'unknown',
      expiresAt: Math.max(labelled, renewed ?? -Infinity),
    };
  }

  /** The expiry the holder's last renewal wrote, if it renewed (and the file reads). */
  private async renewedExpiry(id: string): Promise<number | undefined> {
    const text = await this.docker.readFile(id, `/${LEASE_FILE}`);
    if (text === undefined) return undefined;
    try {
      const doc = JSON.parse(text) as {
        expires?: unknown;
      };
      const ms = typeof doc.expires === 'string' ? Date.parse(doc.expires) : NaN;
      return Number.isNaN(ms) ? undefined : ms;
    } catch {
      return undefined; // damaged: the label's expiry stands
    }
  }
}
