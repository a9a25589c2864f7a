/**
 * The per-app+environment deploy lock on the Docker host itself: a container with a fixed name.
 * `docker create --name` is atomic (a second create fails with a conflict), so two runners can't
 * both hold it. The container is never started; its labels say who holds it and until when.
 */
import { ActionError, formatDuration, type Clock, type Logger } from '@switchyard/kit';
import { LABELS } from '../contract.js';
import type { DockerNames } from './contract.js';
import type { LockHolder, LockOptions } from '../lock.js';
import type { DockerCli } from './cli.js';

interface Holder extends Omit<LockHolder, 'token'> {
  readonly id: string;
  readonly since: string;
  readonly expires: string;
}

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

  /** Takes the lock, waiting up to `timeoutMs`; returns the lock container's id. */
  async acquire(me: LockHolder, opts: LockOptions): Promise<string> {
    const started = this.clock.now();
    let lastReport = -Infinity;
    for (;;) {
      const now = this.clock.now();
      const expires = new Date(now + opts.ttlMs).toISOString();
      const r = await this.docker.run(
        [
          'create',
          '--name',
          this.names.lock,
          ...Object.entries({
            ...this.labels,
            [LABELS.role]: 'lock',
            [LABELS.deployId]: me.deployId,
            [LABELS.actor]: me.actor,
            [LABELS.createdAt]: new Date(now).toISOString(),
            [LABELS.expires]: expires,
            [LABELS.token]: me.token,
          }).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
          '--entrypoint',
          'haproxy',
          this.image,
        ],
        { allowFailure: true, quiet: true },
      );
      if (r.exitCode === 0) {
        this.log.info(`took the deploy lock ${this.names.lock} (stale after ${expires})`);
        return r.stdout.trim();
      }
      if (!/conflict|already in use/i.test(r.stderr))
        throw new ActionError(`could not create the lock ${this.names.lock}: ${r.stderr.trim()}`);
      const holder = await this.holder();
      if (!holder) continue; // released between our create and our look
      if (Date.parse(holder.expires) <= now) {
        this.log.warning(
          `removing a stale deploy lock held by ${holder.deployId} (${holder.actor}) since ${holder.since}, expired at ${holder.expires}`,
        );
        await this.docker.run(['rm', holder.id], { allowFailure: true, quiet: true });
        continue;
      }
      const waited = now - started;
      if (waited >= opts.timeoutMs)
        throw new ActionError(
          `another deploy of this app and environment holds the lock: ${holder.deployId} by ${holder.actor}, since ${holder.since}. ` +
            `Waited ${formatDuration(waited)} (lock-timeout). If that run is dead, the lock expires at ${holder.expires}, or remove it with "docker rm ${this.names.lock}"`,
        );
      if (now - lastReport >= 10_000) {
        this.log.info(
          `waiting for the deploy lock, held by ${holder.deployId} (${holder.actor}) since ${holder.since} (${formatDuration(waited)} of ${formatDuration(opts.timeoutMs)})`,
        );
        lastReport = now;
      }
      await this.clock.sleep(Math.min(1000, Math.max(0, started + opts.timeoutMs - now)));
    }
  }

  /** Whether the lock container `id` (this holder's) still holds the lock. */
  async holds(id: string): Promise<boolean> {
    return (await this.holder())?.id === id;
  }

  /** Releases a lock this run holds (by id, so a newer holder's lock is never removed). */
  async release(id: string): Promise<void> {
    await this.docker.run(['rm', '-f', id], { allowFailure: true, quiet: true });
  }

  private async holder(): Promise<Holder | undefined> {
    const r = await this.docker.run(
      ['container', 'inspect', '--format', '{{json .Id}} {{json .Config.Labels}}', this.names.lock],
      { allowFailure: true, quiet: true },
    );
    if (r.exitCode !== 0) return undefined;
    const [idJson = '""', ...rest] = r.stdout.trim().split(' ');
    const labels = (JSON.parse(rest.join(' ') || '{}') ?? {}) as Record<string, string>;
    return {
      id: JSON.parse(idJson) as string,
      deployId: labels[LABELS.deployId] ?? 'unknown',
      actor: labels[LABELS.actor] ?? 'unknown',
      since: labels[LABELS.createdAt] ?? 'unknown',
      // A lock without an expiry (not ours, or damaged) never goes stale by itself.
      expires: labels[LABELS.expires] ?? '9999-12-31T00:00:00.000Z',
    };
  }
}
