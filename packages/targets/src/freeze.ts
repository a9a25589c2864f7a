/**
 * The deploy freeze switch on a target (`switchyard freeze <env>` / `unfreeze`): stored in the
 * record, so it stands for every runner and every workflow until lifted. What it holds is
 * @switchyard/calendar's serialised form; deploy and promote read it through their `admit` check.
 */
import type { BlueGreenDeps, DeploySettings } from './bluegreen.js';
import { connect, withLock, withRecord } from './bluegreen.js';
import type { TargetState } from './model.js';
import { recordOf } from './record.js';
import { readRepaired } from './repair.js';
import type { Target } from './target.js';

/** What a freeze or unfreeze changed. */
export interface FreezeChange {
  readonly before: TargetState;
  readonly after: TargetState;
}

/**
 * Stores `freeze` (the serialised freeze; undefined lifts it) in the environment's record, under the
 * deploy lock. An environment never deployed can be frozen too (it has no record yet to keep).
 */
export async function setFreeze(
  target: Target,
  freeze: string | undefined,
  req: Pick<DeploySettings, 'holder' | 'lockTimeoutMs'>,
  deps: BlueGreenDeps,
): Promise<FreezeChange> {
  await connect(target, deps.log);
  return withLock(target, req, deps, async () => {
    const before = await readRepaired(target, req.holder, deps);
    const record = recordOf({ ...before, freeze });
    await target.saveRecord(record);
    return { before, after: withRecord(before, record) };
  });
}
