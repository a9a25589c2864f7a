/**
 * The operator's view of every environment of an app (the CLI's `status`), pure: target states in,
 * one record per environment and its markdown out.
 */
import { formatDuration, Summary } from '@switchyard/kit';
import { liveStatus, shortDigest } from './bluegreen.js';
import type { Color } from './contract.js';
import type { HistoryEntry, TargetState } from './model.js';
import { liveDown, liveEntry } from './record.js';

/** One environment, as `status` shows it. */
export interface EnvironmentOverview {
  readonly environment: string;
  readonly app: string;
  readonly url: string;
  /** False before the first deploy. */
  readonly deployed: boolean;
  readonly live: Color | null;
  readonly image?: string;
  readonly digest?: string;
  readonly version?: string;
  /** When traffic moved to the live color. */
  readonly since?: string;
  /** Who and what put it there: the actor and the run (or `local:user@host`). */
  readonly deployedBy?: string;
  readonly deployId?: string;
  /** The live container's health, else its state; `no container` when it is gone. */
  readonly health?: string;
  /**
   * Set when the live color is down ({@link liveDown}: no container, or not running): what is
   * missing, in a sentence. `status` fails on it.
   */
  readonly down?: string;
  readonly previous: Color | null;
  readonly previousVersion?: string;
  /** `warm` (running), `retired` (stopped) or absent. */
  readonly previousState?: 'warm' | 'retired';
  /** When the previous color may be retired. */
  readonly warmUntil?: string;
  /** A color started with promote: false, waiting. */
  readonly pending?: { readonly color: Color; readonly version?: string };
  /** The last deploys, promotions and rollbacks, newest first. */
  readonly history: readonly HistoryEntry[];
  readonly notes: readonly string[];
  /** Set when the target could not be read (the others are still shown). */
  readonly error?: string;
}

/** The overview of one environment from its target state; `historyCount` newest entries. */
export function overview(
  environment: string,
  app: string,
  url: string,
  s: TargetState,
  historyCount = 10,
): EnvironmentOverview {
  const live = liveStatus(s);
  const prev = s.previous ? s.colors[s.previous] : undefined;
  // The record keeps history newest first. The entry that made the live color live: the newest on it.
  const made = liveEntry(s);
  const down = liveDown(s);
  const pendingColor = s.pending ? s.colors[s.pending.color] : undefined;
  return {
    environment,
    app,
    url,
    deployed: s.exists && (s.live !== null || s.history.length > 0),
    live: s.live,
    ...(live && {
      image: live.image,
      digest: live.digest,
      version: live.version,
      deployedBy: made?.actor ?? live.actor,
      deployId: made?.deployId ?? live.deployId,
      health: live.health === 'none' || !live.running ? live.state : live.health,
    }),
    // No container: the record still says what should be running there.
    ...(s.live &&
      !live && {
        health: 'no container',
        ...(made && {
          image: made.image,
          digest: made.digest,
          version: made.version,
          deployedBy: made.actor,
          deployId: made.deployId,
        }),
      }),
    ...(down && { down }),
    ...((s.switchedAt ?? made?.at) !== undefined && { since: s.switchedAt ?? made?.at }),
    previous: s.previous,
    ...(prev && { previousVersion: prev.version }),
    ...(s.previous && { previousState: prev?.running ? ('warm' as const) : ('retired' as const) }),
    ...(prev?.running && s.retireAfter !== undefined && { warmUntil: s.retireAfter }),
    ...(s.pending && {
      pending: {
        color: s.pending.color,
        ...(pendingColor && { version: pendingColor.version }),
      },
    }),
    history: s.history.slice(0, historyCount),
    notes: s.notes,
  };
}

/** An environment whose target could not be read. */
export function unreadable(
  environment: string,
  app: string,
  url: string,
  error: string,
): EnvironmentOverview {
  return {
    environment,
    app,
    url,
    deployed: false,
    live: null,
    previous: null,
    history: [],
    notes: [],
    error,
  };
}

/**
 * The markdown of `status`: one row per environment, then each environment's URL, image and recent
 * history. `now` (epoch ms) gives the warm color's time left.
 */
export function renderOverview(list: readonly EnvironmentOverview[], now: number): string {
  const app = [...new Set(list.map((e) => e.app))].join(', ');
  const s = new Summary().heading(`status: ${app}`);
  s.table(
    ['environment', 'live', 'version', 'since', 'by', 'previous'],
    list.map((e) => [
      e.environment,
      e.error ? `❌ unreadable` : e.live ? `${e.live} (${e.health ?? '?'})` : 'nothing live',
      e.version,
      e.since && shortTime(e.since),
      e.deployedBy,
      previousText(e, now),
    ]),
  );
  for (const e of list) {
    if (e.error) {
      s.paragraph(`**${e.environment}**: ${e.error}`);
      continue;
    }
    const image = e.digest ? `, ${e.image?.split('@')[0] ?? ''}@${shortDigest(e.digest)}` : '';
    s.paragraph(`**${e.environment}**: ${e.url}${image}${e.deployId ? ` (${e.deployId})` : ''}`);
    if (e.down)
      s.paragraph(
        `**${e.environment}**: ❌ ${e.down}: live traffic reaches nothing. Roll back (switchyard rollback ${e.environment}) or deploy`,
      );
    if (e.pending)
      s.paragraph(
        `**${e.environment}**: ${e.pending.color} (${e.pending.version ?? '?'}) is waiting for promote`,
      );
    e.notes.forEach((n) => s.paragraph(`> ${e.environment}: ${n}`));
    if (!e.history.length) continue;
    s.heading(`${e.environment}: last ${e.history.length} deploys and rollbacks`, 3).table(
      ['at', 'action', 'color', 'version', 'by', 'reason'],
      e.history.map((h) => [
        shortTime(h.at),
        h.action,
        h.color,
        h.version,
        h.actor,
        h.reason ?? (h.action === 'rollback' ? '(no reason given)' : ''),
      ]),
    );
  }
  return s.toString();
}

/** `2026-11-22T08:27:28.442Z` → `2026-11-22 08:27:28Z`: narrow enough for a terminal table. */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function previousText(e: EnvironmentOverview, now: number): string {
  if (!e.previous) return '';
  const v = e.previousVersion ? ` ${e.previousVersion}` : '';
  if (e.previousState !== 'warm') return `${e.previous}${v}, retired`;
  const left = e.warmUntil ? Date.parse(e.warmUntil) - now : NaN;
  if (Number.isNaN(left)) return `${e.previous}${v}, warm`;
  if (left <= 0) return `${e.previous}${v}, warm (retire due)`;
  const shown = left < 60_000 ? 'under 1m' : formatDuration(Math.round(left / 60_000) * 60_000);
  return `${e.previous}${v}, warm (${shown} left)`;
}
