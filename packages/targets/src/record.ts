/** The deploy record as data: reading it back leniently, and the pure transitions on it. */
import { COLORS, HISTORY_LENGTH, type Color } from './contract.js';
import { EMPTY_RECORD, type DeployRecord, type HistoryEntry, type Pending } from './model.js';

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
  return {
    record: {
      live: asColor(o.live),
      previous: asColor(o.previous),
      ...(switchedAt !== undefined && { switchedAt }),
      ...(retireAfter !== undefined && { retireAfter }),
      ...(pending && { pending }),
      ...(rollingBackFrom !== undefined && { rollingBackFrom }),
      history: history.slice(0, HISTORY_LENGTH),
    },
    notes: [],
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
  };
}
