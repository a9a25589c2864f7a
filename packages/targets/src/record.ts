/** The deploy record as data: reading it back leniently, and the pure transitions on it. */
import { COLORS, HISTORY_LENGTH, type Color } from './contract.js';
import {
  EMPTY_RECORD,
  LOCK_BREAKS_KEPT,
  type DeployRecord,
  type HistoryEntry,
  type LockBreak,
  type Pending,
  type StoredThread,
  type TargetState,
} from './model.js';

const asColor = (v: unknown): Color | null => COLORS.find((c) => c === v) ?? null;
const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Parses a stored record. Damage never blocks a deploy: what can't be read is dropped and
 * reported in `notes` (the routes and containers remain the truth about what runs).
 */
export function parseRecord(text: string | undefined): { record: DeployRecord; notes: string[] } {
  if (text === undefined || text.trim() === '') return { record: EMPTY_RECORD, notes: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return {
      record: EMPTY_RECORD,
      notes: ['the stored deploy record is not JSON; starting a new one'],
    };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    return {
      record: EMPTY_RECORD,
      notes: ['the stored deploy record is not an object; starting a new one'],
    };
  const o = doc as Record<string, unknown>;
  const history = Array.isArray(o.history)
    ? o.history.filter(
        (h): h is HistoryEntry =>
          !!h &&
          typeof h === 'object' &&
          asColor((h as HistoryEntry).color) !== null &&
          typeof (h as HistoryEntry).digest === 'string',
      )
    : [];
  const p = o.pending as Pending | undefined;
  const pending =
    p && typeof p === 'object' && asColor(p.color) && typeof p.digest === 'string' ? p : undefined;
  const switchedAt = asString(o.switchedAt);
  const retireAfter = asString(o.retireAfter);
  const rollingBackFrom = asString(o.rollingBackFrom);
  const lockBreaks = Array.isArray(o.lockBreaks)
    ? o.lockBreaks.filter(
        (b): b is LockBreak =>
          !!b &&
          typeof b === 'object' &&
          ['at', 'by', 'actor', 'held', 'reason'].every(
            (k) => typeof (b as Record<string, unknown>)[k] === 'string',
          ),
      )
    : [];
  const freeze = boundedText(o.freeze, 4096);
  const slackThread = storedThread(o.slackThread);
  return {
    record: {
      live: asColor(o.live),
      previous: asColor(o.previous),
      ...(switchedAt !== undefined && { switchedAt }),
      ...(retireAfter !== undefined && { retireAfter }),
      ...(pending && { pending }),
      ...(rollingBackFrom !== undefined && { rollingBackFrom }),
      history: history.slice(0, HISTORY_LENGTH),
      ...(lockBreaks.length > 0 && { lockBreaks: lockBreaks.slice(0, LOCK_BREAKS_KEPT) }),
      ...(freeze !== undefined && { freeze }),
      ...(slackThread && { slackThread }),
    },
    notes: [],
  };
}

/** A stored string up to `max` characters; undefined for anything else (a longer one is damage). */
function boundedText(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v.length <= max ? v : undefined;
}

/** A stored Slack thread: three short one-line strings, or nothing. */
function storedThread(v: unknown): StoredThread | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const t = v as Record<string, unknown>;
  const field = (k: string): string | undefined => {
    const x = boundedText(t[k], 300);
    // eslint-disable-next-line no-control-regex
    return x && !/[\u0000-\u001f\u007f]/.test(x) ? x : undefined;
  };
  const channel = field('channel');
  const ts = field('ts');
  const release = field('release');
  return channel && ts && release ? { channel, ts, release } : undefined;
}

/** What every record written keeps of the one before: the lock breaks, the freeze, the thread. */
function kept(record: DeployRecord): Partial<DeployRecord> {
  return {
    ...(record.lockBreaks && { lockBreaks: record.lockBreaks }),
    ...(record.freeze !== undefined && { freeze: record.freeze }),
    ...(record.slackThread && { slackThread: record.slackThread }),
  };
}

/** The record after live traffic moved to `entry.color` at `now`. */
export function recordSwitch(
  record: DeployRecord,
  entry: HistoryEntry,
  now: number,
  keepPreviousMs: number,
): DeployRecord {
  const previous = record.live !== null && record.live !== entry.color ? record.live : null;
  return {
    live: entry.color,
    previous,
    switchedAt: new Date(now).toISOString(),
    ...(previous !== null && { retireAfter: new Date(now + keepPreviousMs).toISOString() }),
    history: [entry, ...record.history].slice(0, HISTORY_LENGTH),
    ...kept(record),
  };
}

/** The record with a lock break added (newest first, the last {@link LOCK_BREAKS_KEPT} kept). */
export function recordLockBreak(record: DeployRecord, lockBreak: LockBreak): DeployRecord {
  return {
    ...recordOf(record),
    lockBreaks: [lockBreak, ...(record.lockBreaks ?? [])].slice(0, LOCK_BREAKS_KEPT),
  };
}

/** The record with a color waiting for promotion (or none). */
export function recordPending(record: DeployRecord, pending: Pending | undefined): DeployRecord {
  const rest = recordOf({ ...record, pending: undefined });
  return pending ? { ...rest, pending } : rest;
}

/**
 * The record after a retire: no keep-warm time once the previous color is stopped, and nothing
 * waiting for promotion once the pending color is.
 */
export function recordRetired(
  record: DeployRecord,
  stopped: { readonly previous: boolean; readonly pending: boolean },
): DeployRecord {
  return recordOf({
    ...record,
    ...(stopped.previous && { retireAfter: undefined }),
    ...(stopped.pending && { pending: undefined }),
  });
}

/**
 * Brings the record in line with the route the proxy really has (a run killed between the switch
 * and the write leaves them apart). Returns the record unchanged when they agree.
 */
export function reconcile(
  record: DeployRecord,
  routedLive: Color | null,
  now: number,
): { record: DeployRecord; note?: string } {
  if (record.live === routedLive) return { record };
  const note = `the record said live=${record.live ?? 'none'} but the proxy routes live=${routedLive ?? 'none'}; the record now follows the proxy`;
  return {
    record: {
      ...record,
      live: routedLive,
      previous: record.live,
      switchedAt: new Date(now).toISOString(),
    },
    note,
  };
}

/** Only the record's own fields of a state (what is stored; colors and notes are read live). */
export function recordOf(s: DeployRecord): DeployRecord {
  return {
    live: s.live,
    previous: s.previous,
    ...(s.switchedAt !== undefined && { switchedAt: s.switchedAt }),
    ...(s.retireAfter !== undefined && { retireAfter: s.retireAfter }),
    ...(s.pending !== undefined && { pending: s.pending }),
    ...(s.rollingBackFrom !== undefined && { rollingBackFrom: s.rollingBackFrom }),
    history: s.history,
    ...kept(s),
  };
}

/**
 * The digests a rollback moved away from and that have not gone live again since: never chosen
 * again as "the last good version" (a rollback `to:` one still can).
 *
 * The rule, read over the history oldest to newest (the record prepends each switch, so the list's
 * order is the order of events, whatever the clocks said):
 * - a `rollback` entry marks its `previousDigest` (the release it moved away from);
 * - a `deploy`, `promote` or `rollback` entry that puts a marked digest live again clears that
 *   digest's mark: it passed. History entries are written only for switches, so the release was
 *   started, found ready and switched live again after the rollback; were it bad again, the
 *   rollback away from it (by hand, or monitor-window's rollback-on-failure) is a newer entry that
 *   marks it again. While it is live a rollback never picks it anyway (it is the one live);
 * - a `reconcile` entry (a run killed after its switch, repaired by the next run) clears nothing:
 *   no one chose that release again, a run merely repaired the record.
 *
 * `rollingBackFrom` (a rollback killed between its mark and its switch) is marked whatever the
 * history says: the next switch drops it from the record.
 */
export function rolledBackFrom(
  record: Pick<DeployRecord, 'history' | 'rollingBackFrom'>,
): Set<string> {
  const marked = new Set<string>();
  for (const h of [...record.history].reverse()) {
    if (h.action === 'reconcile') continue;
    marked.delete(h.digest);
    if (h.action === 'rollback' && h.previousDigest && h.previousDigest !== h.digest)
      marked.add(h.previousDigest);
  }
  if (record.rollingBackFrom) marked.add(record.rollingBackFrom);
  return marked;
}

/**
 * The history entry that made the live color live: the newest switch to it. It names the release the
 * record says is live, even when the color's container is gone.
 */
export function liveEntry(record: DeployRecord): HistoryEntry | undefined {
  return record.live ? record.history.find((h) => h.color === record.live) : undefined;
}

/**
 * What is wrong with the live color, as a clause (`the live color green (2.0.0, shop:2.0.0) has no
 * container (removed)`), or `undefined` when it runs or nothing is live: its container is missing
 * or not running (exited, crashed for good), or the router in front of it serves nothing
 * (`routerDown`). Either way live traffic reaches nothing, and `status` fails on it.
 */
export function liveDown(state: TargetState): string | undefined {
  return colorDown(state) ?? (state.live ? state.routerDown : undefined);
}

/**
 * {@link liveDown} of the live color alone, not its router (which a deploy or rollback repairs
 * anyway): a rollback treats it as a reason to roll back.
 */
export function colorDown(state: TargetState): string | undefined {
  if (!state.exists || !state.live) return undefined;
  const c = state.colors[state.live];
  if (c?.running) return undefined;
  const release = c ?? liveEntry(state);
  const what = release ? ` (${release.version}, ${release.image})` : '';
  if (!c) return `the live color ${state.live}${what} has no container (removed)`;
  const exit = c.exitCode !== undefined ? `, exit code ${c.exitCode}` : '';
  return `the live color ${state.live}${what} is not running (${c.state}${exit})`;
}
