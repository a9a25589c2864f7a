/** `switchyard status`: every environment of the app from its target (the truth lives there, DESIGN §3). */
import { isAbsolute, join } from 'node:path';
import {
  CONFIG_FILE,
  loadConfig,
  parseEnvironmentName,
  readIfExists,
  type Overrides,
} from '@switchyard/config';
import { errorMessage, InputError, type Clock, type Exec, type Logger } from '@switchyard/kit';
import {
  createTarget,
  overview,
  readState,
  unreadable,
  type EnvironmentOverview,
} from '@switchyard/targets';

export interface StatusDeps {
  readonly exec: Exec;
  readonly clock: Clock;
  readonly log: Logger;
  readonly cwd: string;
}

/** Reads every environment named in the config file (or the one asked for) from its target. */
export async function environmentsStatus(
  values: ReadonlyMap<string, string>,
  deps: StatusDeps,
): Promise<EnvironmentOverview[]> {
  const configInput = values.get('config') ?? '';
  const file = configInput || CONFIG_FILE;
  const path = isAbsolute(file) ? file : join(deps.cwd, file);
  const doc = loadConfig(file, {
    required: configInput !== '' && configInput !== CONFIG_FILE,
    readFile: () => readIfExists(path),
  });
  const count = Number(values.get('history') ?? '10');
  if (!Number.isInteger(count) || count < 0)
    throw new InputError('history', values.get('history'), 'is not a whole number', 'Use e.g. 10');
  const one = values.get('environment');
  const names = one ? [parseEnvironmentName('environment', one)] : doc.environments;
  if (!names.length)
    throw new InputError(
      'environment',
      '',
      `is not set and ${file} names no environments`,
      'Name one (switchyard status production) or add a section per environment to the config file',
    );
  const overrides: Overrides = {
    ...(values.get('app') && { app: values.get('app') }),
    ...(values.get('docker-host') && { 'docker-host': values.get('docker-host') }),
  };
  // Resolve all first: a config error stops before any docker command.
  const configs = names.map((n) => doc.resolve(n, overrides));
  return Promise.all(
    configs.map(async (c) => {
      const target = createTarget(c, deps);
      try {
        return overview(c.environment, c.app, target.url, await readState(target, deps.log), count);
      } catch (error) {
        return unreadable(c.environment, c.app, target.url, errorMessage(error));
      }
    }),
  );
}
