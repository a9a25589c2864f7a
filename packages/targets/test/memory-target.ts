/**
 * A complete {@link Target} kept in memory, for the conformance suite: every instance built on one
 * {@link World} reads and changes the same environment, as separate processes do on a real target.
 * (FakeTarget, beside it, scripts answers for the orchestration tests; this one behaves.)
 */
import { ActionError, type Clock } from '@switchyard/kit';
import type { HttpRequest } from '@switchyard/probe';
import type { FakeClock } from '../../../test/support/fakes.js';
import { FakeHttp } from '../../../test/support/fakes.js';
import { deps } from './fixtures.js';
import {
  BREAK_HINT,
  describeExpiry,
  EMPTY_RECORD,
  LeaseLostError,
  type BrokenLock,
  type HeldLock,
  otherColor,
  reconcile,
  recordOf,
  type Color,
  type ColorStatus,
  type DeployRecord,
  type Lease,
  type LockHandle,
  type LockHolder,
  type LockOptions,
  type Readiness,
  type Release,
  type ResolvedImage,
  type RouterChange,
  type Target,
  type TargetState,
  type TargetWords,
  FAILPOINTS,
} from '@switchyard/targets';

/** One environment: what a real target keeps on its host or cluster. */
export interface World {
  exists: boolean;
  live: Color | null;
  preview: Color | null;
  /** The routes the router saved: what it serves after a restart ({@link restartRouter}). */
  saved: { live: Color | null; preview: Color | null };
  /** A failpoint (FAILPOINTS) where switchTo stops, as a killed run would. */
  stopAt?: string;
  colors: Partial<Record<Color, ColorStatus>>;
  record: DeployRecord;
  lock?: { id: string; holder: LockHolder; since: number; expiresAt: number };
  readonly images: Map<string, ResolvedImage>;
  seq: number;
}

export function emptyWorld(images: readonly ResolvedImage[]): World {
  return {
    exists: false,
    live: null,
    preview: null,
    saved: { live: null, preview: null },
    colors: {},
    record: EMPTY_RECORD,
    images: new Map(images.map((i) => [i.ref, i])),
    seq: 0,
  };
}

const WORDS: TargetWords = {
  setup: 'create the in-memory router',
  ready: 'the workload running',
  switch: 'one assignment',
};

export class MemoryTarget implements Target {
  readonly description = 'memory (test)';
  readonly words = WORDS;
  readonly url = 'http://memory.test';
  readonly previewUrl = 'http://memory.test:8081';

  constructor(
    private readonly world: World,
    private readonly clock: Clock,
  ) {}

  connect(): Promise<string> {
    return Promise.resolve('memory 1');
  }

  resolveImage(ref: string): Promise<ResolvedImage> {
    const found = this.world.images.get(ref);
    return found ? Promise.resolve(found) : Promise.reject(new ActionError(`no image ${ref}`));
  }

  findImage(ref: string): Promise<ResolvedImage | undefined> {
    return Promise.resolve(this.world.images.get(ref));
  }

  lockHandle(holder: LockHolder): LockHandle {
    return { kind: 'memory', token: holder.token };
  }

  async lock(holder: LockHolder, opts: LockOptions): Promise<Lease> {
    const started = this.clock.now();
    // A break applies to the lock found at the first look only.
    const first = this.world.lock;
    let broke: BrokenLock | undefined;
    if (first && holder.breakReason !== undefined) {
      broke = { held: this.held(first), reason: holder.breakReason };
      delete this.world.lock;
    }
    for (;;) {
      const now = this.clock.now();
      const held = this.world.lock;
      if (!held || held.expiresAt <= now) {
        const id = `lock-${++this.world.seq}`;
        this.world.lock = { id, holder, since: now, expiresAt: now + opts.ttlMs };
        return this.lease(id, opts.ttlMs, broke);
      }
      if (now - started >= opts.timeoutMs)
        throw new ActionError(
          `another deploy holds the lock: ${held.holder.deployId} by ${held.holder.actor}, ${describeExpiry(this.held(held), now)}; ${BREAK_HINT}`,
        );
      await this.clock.sleep(Math.min(1000, started + opts.timeoutMs - now));
    }
  }

  private held(lock: NonNullable<World['lock']>): HeldLock {
    const { deployId, actor } = lock.holder;
    return {
      deployId,
      actor,
      since: new Date(lock.since).toISOString(),
      expiresAt: lock.expiresAt,
    };
  }

  private lease(id: string, ttlMs: number, broke: BrokenLock | undefined): Lease {
    const world = this.world;
    const clock = this.clock;
    return {
      id,
      ...(broke && { broke }),
      get expiresAt() {
        return world.lock?.id === id ? world.lock.expiresAt : 0;
      },
      renew: () => {
        if (world.lock?.id !== id)
          return Promise.reject(
            new LeaseLostError(`lost the deploy lock ${id}: taken over or broken`),
          );
        world.lock.expiresAt = clock.now() + ttlMs;
        return Promise.resolve();
      },
      release: () => {
        if (world.lock?.id === id) delete world.lock;
        return Promise.resolve();
      },
    };
  }

  prepare(): Promise<RouterChange> {
    const change = this.world.exists ? 'unchanged' : 'created';
    this.world.exists = true;
    return Promise.resolve(change);
  }

  status(): Promise<TargetState> {
    const { record, note } = reconcile(this.world.record, this.world.live, this.clock.now());
    const { live, preview, saved } = this.world;
    const unsaved =
      saved.live !== live || saved.preview !== preview
        ? `routes live=${live ?? 'none'} but saved live=${saved.live ?? 'none'}`
        : undefined;
    const interrupted = {
      ...(unsaved !== undefined && { routes: unsaved }),
      ...(note !== undefined && { record: note }),
    };
    return Promise.resolve({
      ...structuredClone(record),
      colors: structuredClone(this.world.colors),
      exists: this.world.exists,
      notes: Object.values(interrupted),
      ...(Object.keys(interrupted).length > 0 && { interrupted }),
    });
  }

  start(color: Color, _image: ResolvedImage, release: Release): Promise<void> {
    if (this.world.live === color)
      return Promise.reject(new ActionError(`refusing to replace ${color}: it is the live color`));
    this.world.saved = { ...this.world.saved, preview: color };
    this.world.colors[color] = {
      ...release,
      color,
      state: 'running',
      running: true,
      health: 'none',
    };
    this.world.preview = color;
    return Promise.resolve();
  }

  readiness(color: Color): Promise<Readiness> {
    const c = this.world.colors[color];
    return Promise.resolve({
      running: c?.running ?? false,
      failed: false,
      health: 'none',
      routed: this.world.preview === color,
      detail: c?.state ?? 'absent',
    });
  }

  logs(): Promise<string> {
    return Promise.resolve('');
  }

  stop(color: Color): Promise<void> {
    const c = this.world.colors[color];
    if (c) this.world.colors[color] = { ...c, state: 'exited', running: false };
    return Promise.resolve();
  }

  switchTo(color: Color): Promise<number> {
    this.world.live = color;
    this.world.preview = otherColor(color);
    if (this.world.stopAt === FAILPOINTS.routed)
      return Promise.reject(new Killed(FAILPOINTS.routed));
    this.world.saved = { live: this.world.live, preview: this.world.preview };
    if (this.world.stopAt === FAILPOINTS.routesSaved)
      return Promise.reject(new Killed(FAILPOINTS.routesSaved));
    return Promise.resolve(0);
  }

  saveRoutes(): Promise<void> {
    this.world.saved = { live: this.world.live, preview: this.world.preview };
    return Promise.resolve();
  }

  saveRecord(record: DeployRecord): Promise<void> {
    this.world.record = recordOf(record);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** What a run stopped at a failpoint throws here (a real one is killed: nothing after it runs). */
export class Killed extends Error {
  constructor(readonly point: string) {
    super(`stopped at ${point}`);
  }
}

/** The router restarts: it serves the routes it saved, as a restarted proxy reads its map file. */
export function restartRouter(world: World): void {
  world.live = world.saved.live;
  world.preview = world.saved.preview;
}

/**
 * An environment kept in memory, with blue-green deps whose HTTP health checks answer 200 only when
 * the color the URL routes to (the preview URL: `world.preview`, else `world.live`) runs in the
 * world. `make` builds the target (a subclass, for a test that needs a hook).
 */
export function memoryEnvironment<T extends MemoryTarget = MemoryTarget>(
  images: readonly ResolvedImage[],
  make: (world: World, clock: FakeClock) => T = (world, clock) =>
    new MemoryTarget(world, clock) as T,
) {
  const base = deps();
  const world = emptyWorld(images);
  const target = make(world, base.clock);
  const http = new FakeHttp((req: HttpRequest) => {
    const color = req.url.startsWith(target.previewUrl) ? world.preview : world.live;
    return { status: color && world.colors[color]?.running ? 200 : 503, latencyMs: 0 };
  }, base.clock);
  return { world, target, clock: base.clock, log: base.log, d: { ...base.deps, http } };
}
