/**
 * What happens to a release, as it happens: the events blue-green, rollback and the monitor window
 * announce, for whoever records or tells them (GitHub Deployments, Slack, PagerDuty, webhooks). The
 * core only announces; a listener that fails or hangs never fails a deploy or blocks a rollback
 * ({@link announcer}).
 */
import { errorMessage, type Logger } from '@switchyard/kit';
import type { Color } from './contract.js';
import type { Release, StoredThread } from './model.js';

/** A release as the events name it: what runs, and the deploy (a run URL) that started it. */
export interface EventRelease {
  readonly image: string;
  readonly digest: string;
  readonly version: string;
  readonly deployId: string;
}

/**
 * One thing that happened to a release of an app+environment. `thread` is the Slack message the
 * record names (an earlier step posted it), for a listener that updates it in place.
 */
export type ReleaseEvent = { readonly thread?: StoredThread } &
  /** A deploy is starting `release` in the idle `color` (live traffic untouched). */
  (
    | {
        readonly kind: 'started';
        readonly release: EventRelease;
        readonly color: Color;
        readonly previous?: EventRelease;
        /** The commit the image was built from, when its labels say (the record's ref). */
        readonly revision?: string;
      }
    /** The new color is ready and reachable on the preview URL. */
    | {
        readonly kind: 'preview';
        readonly release: EventRelease;
        readonly color: Color;
        readonly previewUrl: string;
      }
    /** Live traffic moved to `release` (a deploy, a promote or a rollback's switch). */
    | {
        readonly kind: 'live';
        readonly release: EventRelease;
        readonly color: Color;
        readonly url: string;
        readonly action: 'deploy' | 'promote' | 'rollback';
        readonly previous?: EventRelease;
      }
    /** A deploy or promote failed before live traffic reached the release. */
    | { readonly kind: 'failed'; readonly release: EventRelease; readonly reason: string }
    /** The monitor window started judging the live release. */
    | {
        readonly kind: 'watching';
        readonly release: EventRelease;
        readonly windowMs: number;
        readonly rules: readonly string[];
      }
    /** The monitor window's verdict: the release passed. */
    | { readonly kind: 'passed'; readonly release: EventRelease; readonly summary: string }
    /** The monitor window's verdict: the release failed (before any rollback). */
    | {
        readonly kind: 'verdict-failed';
        readonly release: EventRelease;
        readonly reasons: readonly string[];
      }
    /** A warning worth a person's eye during the window (not a failure). */
    | { readonly kind: 'warning'; readonly release?: EventRelease; readonly message: string }
    /** Live traffic is back on `to` (on `color`); `healthy` when the live URL passed its check after. */
    | {
        readonly kind: 'rolled-back';
        readonly from?: EventRelease;
        readonly to: EventRelease;
        readonly color: Color;
        readonly reason: string;
        readonly healthy: boolean;
        readonly url: string;
      }
    /** A rollback did not restore a healthy release. */
    | { readonly kind: 'rollback-failed'; readonly from?: EventRelease; readonly reason: string }
  );

/** Whoever listens: records and notifications. May fail or be slow; {@link announcer} bounds it. */
export interface ReleaseListener {
  readonly name: string;
  on(event: ReleaseEvent): Promise<void>;
}

/** How the core announces: never throws, never waits longer than its bound. */
export type Announce = (event: ReleaseEvent) => Promise<void>;

/** How long one event may take all listeners together before the work goes on without them. */
export const ANNOUNCE_TIMEOUT_MS = 20_000;

/** The release part of a recorded release. */
export const eventRelease = (
  r: Pick<Release, 'image' | 'digest' | 'version' | 'deployId'>,
): EventRelease => ({
  image: r.image,
  digest: r.digest,
  version: r.version,
  deployId: r.deployId,
});

/**
 * Fans an event out to every listener at once, each bounded by `timeoutMs`: a listener that throws
 * or times out is a warning naming it, never an error of the deploy or rollback.
 */
export function announcer(
  listeners: readonly ReleaseListener[],
  deps: { readonly log: Logger },
  timeoutMs = ANNOUNCE_TIMEOUT_MS,
): Announce {
  if (listeners.length === 0) return () => Promise.resolve();
  return async (event) => {
    await Promise.all(
      listeners.map(async (l) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), timeoutMs);
          (timer as { unref?: () => void }).unref?.();
        });
        try {
          const outcome = await Promise.race([l.on(event).then(() => 'done' as const), late]);
          if (outcome === 'late')
            deps.log.warning(
              `${l.name}: no answer within ${Math.round(timeoutMs / 1000)}s for the ${event.kind} event; going on without it`,
            );
        } catch (error) {
          deps.log.warning(
            `${l.name}: the ${event.kind} event was not delivered: ${errorMessage(error)}`,
          );
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  };
}
