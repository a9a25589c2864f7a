/**
 * Repairs what a run that stopped mid-switch left out of step (`TargetState.interrupted`): the
 * router's saved routes and the stored record are brought to the routes in force, with a warning
 * and a `reconcile` history entry. The switch itself is one atomic step on the router, so the
 * routes in force are the truth: either the switch happened (and the rest follows it now), or a
 * router restart already put the saved routes back (and nothing is out of step).
 *
 * Writes happen under the deploy lock only: deploy, promote, rollback and retire repair as they
 * start; status and monitor-window repair when the lock is free ({@link repairIfFree}) and else
 * leave it to the lock's holder.
 */
import { errorMessage, type Clock, type Logger } from '@switchyard/kit';
import { LEASE_TTL_MS, type LockHolder } from './lock.js';
import type { DeployRecord, HistoryEntry, TargetState } from './model.js';
import { liveEntry, recordOf } from './record.js';
import { HISTORY_LENGTH } from './contract.js';
import type { Target } from './target.js';

export interface RepairDeps {
  readonly clock: Clock;
  readonly log: Logger;
}

/** The target's state, its notes logged as warnings. */
export async function readState(target: Target, log: Logger): Promise<TargetState> {
  const state = await target.status();
  state.notes.forEach((n) => log.warning(n));
  return state;
}

/** Holding the deploy lock: the state ({@link readState}), with an interrupted switch repaired. */
export async function readRepaired(
  target: Target,
  holder: LockHolder,
  deps: RepairDeps,
): Promise<TargetState> {
  return repairInterrupted(target, await readState(target, deps.log), holder, deps);
}

/** Without the deploy lock: the state ({@link readState}), repaired if the lock is free now. */
export async function readRepairedIfFree(
  target: Target,
  holder: LockHolder,
  deps: RepairDeps,
): Promise<TargetState> {
  return repairIfFree(target, await readState(target, deps.log), holder, deps);
}

/**
 * Holding the deploy lock: repairs `state.interrupted` (if set) and returns the state as it is now
 * stored; an undisturbed state comes back unchanged.
 */
export async function repairInterrupted(
  target: Target,
  state: TargetState,
  holder: LockHolder,
  deps: RepairDeps,
): Promise<TargetState> {
  const out = state.interrupted;
  if (!out) return state;
  if (out.routes !== undefined) await target.saveRoutes();
  const live = state.live ? (state.colors[state.live] ?? liveEntry(state)) : undefined;
  const entry: HistoryEntry | undefined =
    out.record !== undefined && state.live && live
      ? {
          at: new Date(deps.clock.now()).toISOString(),
          action: 'reconcile',
          color: state.live,
          image: live.image,
          digest: live.digest,
          version: live.version,
          deployId: holder.deployId,
          actor: holder.actor,
          ...(state.previous && { previousColor: state.previous }),
          reason: 'a run stopped between the switch and saving it; repaired by the next run',
        }
      : undefined;
  const record: DeployRecord = entry
    ? { ...recordOf(state), history: [entry, ...state.history].slice(0, HISTORY_LENGTH) }
    : recordOf(state);
  // Saved even without an entry: the state's record is the corrected one.
  await target.saveRecord(record);
  deps.log.warning(
    `repaired an interrupted switch on ${target.description}: ${Object.values(out).join('; ')}. Live stays ${state.live ?? 'none'}, now saved where a restart reads it`,
  );
  return { colors: state.colors, exists: state.exists, notes: state.notes, ...record };
}

/**
 * Without the deploy lock (status, monitor-window): repairs `state.interrupted` if the lock is free
 * this moment, reading the state again under it; otherwise warns that the lock's holder will.
 */
export async function repairIfFree(
  target: Target,
  state: TargetState,
  holder: LockHolder,
  deps: RepairDeps,
): Promise<TargetState> {
  if (!state.interrupted) return state;
  let lease;
  try {
    lease = await target.lock(holder, { timeoutMs: 0, ttlMs: LEASE_TTL_MS });
  } catch (error) {
    deps.log.warning(
      `an interrupted switch is left to the run holding the deploy lock to repair (${errorMessage(error)})`,
    );
    return state;
  }
  try {
    return await repairInterrupted(target, await target.status(), holder, deps);
  } finally {
    await lease.release();
  }
}
