/** `switchyard status`: every environment of the app from its target (the truth lives there, DESIGN §3). */
import { dirname } from 'node:path';
import {
  loadConfigFile,
  parseEnvironmentName,
  readOverrides,
  type Overrides,
} from '@switchyard/config';
import {
  errorMessage,
  InputError,
  parseInteger,
  type Clock,
  type Exec,
  type Logger,
} from '@switchyard/kit';
import { createTarget, lockHolder, readRepairedIfFree } from '@switchyard/targets';
import { overview, unreadable, type EnvironmentOverview } from '@switchyard/targets/overview';
import { freezeLine, markdownText, type TargetFactory } from './freeze.js';

export interface StatusDeps {
  readonly exec: Exec;
  readonly clock: Clock;
  readonly log: Logger;
  readonly cwd: string;
  /** Builds each environment's target (default: createTarget). */
  readonly makeTarget?: TargetFactory;
}

/** One environment as `status` shows it: the overview, and its standing freeze if any. */
export type EnvironmentStatus = EnvironmentOverview & {
  /** `frozen since … by …: reason`, while a freeze (`switchyard freeze`) stands. */
  readonly frozen?: string;
};

/** Reads every environment named in the config file (or the one asked for) from its target. */
export async function environmentsStatus(
  values: ReadonlyMap<string, string>,
  deps: StatusDeps,
): Promise<EnvironmentStatus[]> {
  const { doc, path } = loadConfigFile(values.get('config') ?? '', deps.cwd);
  const count = parseInteger('history', values.get('history') ?? '10', { min: 0 });
  const one = values.get('environment');
  const names = one ? [parseEnvironmentName('environment', one)] : doc.environments;
  if (!names.length)
    throw new InputError(
      'environment',
      '',
      `is not set and ${doc.file} names no environments`,
      'Name one (switchyard status production) or add a section per environment to the config file',
    );
  const overrides: Overrides = readOverrides((n) => values.get(n));
  // Resolve all first: a config error stops before any docker command.
  const configs = names.map((n) => doc.resolve(n, overrides, dirname(path)));
  return Promise.all(
    configs.map(async (c): Promise<EnvironmentStatus> => {
      const target = (deps.makeTarget ?? createTarget)(c, deps);
      try {
        // A switch a dead run left half-saved is repaired here when the deploy lock is free.
        const state = await readRepairedIfFree(target, lockHolder(process.env), deps);
        const frozen = freezeLine(state.freeze, target.description, deps.clock.now());
        return {
          ...overview(c.environment, c.app, target.url, state, count),
          ...(frozen !== undefined && { frozen }),
        };
      } catch (error) {
        return unreadable(c.environment, c.app, target.url, errorMessage(error));
      }
    }),
  );
}

/**
 * Why `status` fails, or `undefined` when every environment was read and none is down: the
 * environments whose target could not be read, and those whose live color is down (no container,
 * or not running: live traffic reaches nothing), each saying what is missing.
 */
export function statusFailure(list: readonly EnvironmentOverview[]): string | undefined {
  const unread = list.filter((e) => e.error);
  const down = list.filter((e) => !e.error && e.down);
  const parts = [
    ...(unread.length
      ? [`could not read ${unread.map((e) => `${e.environment} (${e.error ?? ''})`).join('; ')}`]
      : []),
    ...down.map((e) => `${e.environment}: ${e.down ?? ''}: live traffic reaches nothing`),
  ];
  return parts.length ? parts.join('; ') : undefined;
}

/** The freeze lines under `status`'s table: one per frozen environment (markdown). */
export function freezeParagraphs(list: readonly EnvironmentStatus[]): string {
  return list
    .filter((e) => e.frozen !== undefined)
    .map((e) => `**${markdownText(e.environment)}**: ❄ ${markdownText(e.frozen ?? '')}`)
    .join('\n\n');
}
