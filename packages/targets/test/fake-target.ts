/** A hand-written {@link Target} for the blue-green orchestration tests: scripted answers, recorded calls. */
import {
  EMPTY_RECORD,
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
} from '@switchyard/targets';
import { RecordingLogger, type FakeClock } from '../../../test/support/fakes.js';

export const DIGEST_A = `sha256:${'a'.repeat(64)}`;
export const DIGEST_B = `sha256:${'b'.repeat(64)}`;
export const DIGEST_C = `sha256:${'c'.repeat(64)}`;

/** A resolved image as the target would report it. */
export const image = (digest = DIGEST_A, over: Partial<ResolvedImage> = {}): ResolvedImage => ({
  ref: 'registry.test/shop:1.0.0',
  pinned: `registry.test/shop@${digest}`,
  digest,
  version: '1.0.0',
  ...over,
});

/** A running color holding `digest`. */
export const colorRunning = (
  color: Color,
  digest: string,
  over: Partial<ColorStatus> = {},
): ColorStatus => ({
  color,
  image: `registry.test/shop@${digest}`,
  digest,
  version: 'old',
  deployId: 'run/1',
  actor: 'alice',
  createdAt: '2025-12-31T00:00:00.000Z',
  state: 'running',
  running: true,
  health: 'none',
  ...over,
});

/** One readiness look. Defaults: running, routed, no Docker health check: ready for HTTP. */
export const readiness = (over: Partial<Readiness> = {}): Readiness => ({
  running: true,
  failed: false,
  health: 'none',
  routed: true,
  detail: 'container running',
  ...over,
});

export interface FakeTargetScript {
  /** The state before the run (exists: true, nothing live, unless given). */
  readonly state?: Partial<TargetState>;
  readonly image?: ResolvedImage;
  /** Readiness looks in order, per color; the last one repeats. */
  readonly readiness?: readonly Readiness[];
  /** Thrown by `start`. */
  readonly startError?: Error;
  readonly logs?: string;
}

/**
 * A target kept in memory. `start`, `switchTo` and `saveRecord` change the state that `status`
 * reports, as a real target would; every call is recorded in order in `calls`.
 */
/** How plans word the fake target's steps. */
export const FAKE_WORDS: TargetWords = {
  setup: 'create the fake router',
  ready: 'the fake workload running',
  switch: 'one fake switch',
};

export class FakeTarget implements Target {
  readonly description = 'fake (test)';
  readonly words = FAKE_WORDS;
  readonly url = 'http://shop.test';
  readonly previewUrl = 'http://shop.test:8081';
  readonly calls: string[] = [];
  readonly saved: DeployRecord[] = [];
  readonly started: { color: Color; image: ResolvedImage; release: Release }[] = [];
  readonly locks: { holder: LockHolder; opts: LockOptions }[] = [];
  state: TargetState;
  private readonly looks = new Map<Color, number>();

  constructor(private readonly script: FakeTargetScript = {}) {
    this.state = { ...EMPTY_RECORD, colors: {}, exists: true, notes: [], ...script.state };
  }

  /** The calls other than the reads (`status`, `readiness`) and lease renewals, the ones that change something. */
  get changes(): string[] {
    return this.calls.filter((c) => !/^(status|readiness|connect|logs|lockHandle|renew)/.test(c));
  }

  connect(): Promise<string> {
    this.calls.push('connect');
    return Promise.resolve('Fake 27.0.0');
  }

  resolveImage(ref: string, pull: 'always' | 'missing' | 'never'): Promise<ResolvedImage> {
    this.calls.push(`resolveImage ${ref} ${pull}`);
    return Promise.resolve(this.script.image ?? image());
  }

  findImage(ref: string): Promise<ResolvedImage | undefined> {
    this.calls.push(`findImage ${ref}`);
    return Promise.resolve(this.script.image);
  }

  lockHandle(holder: LockHolder): LockHandle {
    this.calls.push('lockHandle');
    return { kind: 'fake', token: holder.token };
  }

  lock(holder: LockHolder, opts: LockOptions): Promise<Lease> {
    this.calls.push('lock');
    this.locks.push({ holder, opts });
    return Promise.resolve({
      id: 'lock-1',
      expiresAt: Date.parse('2026-01-01T00:00:00Z') + opts.ttlMs,
      renew: () => {
        this.calls.push('renew lock-1');
        return Promise.resolve();
      },
      release: () => {
        this.calls.push('release lock-1');
        return Promise.resolve();
      },
    });
  }

  prepare(): Promise<RouterChange> {
    this.calls.push('prepare');
    return Promise.resolve('unchanged');
  }

  status(): Promise<TargetState> {
    this.calls.push('status');
    return Promise.resolve(structuredClone(this.state));
  }

  start(color: Color, img: ResolvedImage, release: Release): Promise<void> {
    this.calls.push(`start ${color}`);
    if (this.script.startError) return Promise.reject(this.script.startError);
    this.started.push({ color, image: img, release });
    const status: ColorStatus = {
      ...release,
      color,
      state: 'running',
      running: true,
      health: 'none',
    };
    this.state = { ...this.state, colors: { ...this.state.colors, [color]: status } };
    return Promise.resolve();
  }

  readiness(color: Color): Promise<Readiness> {
    this.calls.push(`readiness ${color}`);
    const script = this.script.readiness ?? [readiness()];
    const n = this.looks.get(color) ?? 0;
    this.looks.set(color, n + 1);
    return Promise.resolve(script[Math.min(n, script.length - 1)] ?? readiness());
  }

  logs(color: Color, lines: number): Promise<string> {
    this.calls.push(`logs ${color} ${lines}`);
    return Promise.resolve(this.script.logs ?? '');
  }

  stop(color: Color): Promise<void> {
    this.calls.push(`stop ${color}`);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.calls.push('close');
    return Promise.resolve();
  }

  switchTo(color: Color): Promise<number> {
    this.calls.push(`switchTo ${color}`);
    this.state = { ...this.state, live: color };
    return Promise.resolve(0);
  }

  saveRoutes(): Promise<void> {
    this.calls.push('saveRoutes');
    return Promise.resolve();
  }

  saveRecord(record: DeployRecord): Promise<void> {
    this.calls.push('saveRecord');
    this.saved.push(structuredClone(record));
    const { colors, exists, notes } = this.state;
    this.state = { ...record, colors, exists, notes };
    return Promise.resolve();
  }
}

/** A {@link RecordingLogger} with the `group` blue-green needs; group titles are kept in order. */
export class GroupLogger extends RecordingLogger {
  readonly groups: string[] = [];

  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.groups.push(title);
    return fn();
  }
}

/** A {@link RecordingLogger} that notes the virtual time of every line. */
export class TimedLogger extends RecordingLogger {
  private readonly times: number[] = [];

  constructor(private readonly clock: FakeClock) {
    super();
  }

  override info(message: string): void {
    super.info(message);
    this.times[this.lines.length - 1] = this.clock.now();
  }

  /** Seconds after `t0` at which info lines matching `pattern` were written. */
  secondsOf(pattern: RegExp, t0: number): number[] {
    return this.lines.flatMap((l, i) =>
      l.level === 'info' && pattern.test(l.message) ? [((this.times[i] ?? NaN) - t0) / 1000] : [],
    );
  }
}
