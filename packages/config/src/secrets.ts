/** Secret container variables: the action input checked against the config file (deploy and rollback share it). */
import { InputError } from '@switchyard/kit';
import { ENV_NAME, type EnvironmentConfig } from './types.js';

/**
 * The container's secret variables: the `secrets` input's lines (`given`), checked against the file,
 * plus, when a container `starts`, every name the file lists under `secrets:` from `given` or the
 * step's env. Errors name the `secrets` input.
 */
export function containerSecrets(
  given: Readonly<Record<string, string>>,
  config: EnvironmentConfig,
  env: Readonly<Record<string, string | undefined>>,
  starts: boolean,
): Record<string, string> {
  for (const name of Object.keys(given))
    if (!ENV_NAME.test(name))
      throw new InputError(
        'secrets',
        name,
        'is not a variable name',
        'Use letters, digits and _, not starting with a digit',
      );
  for (const name of Object.keys(given)) {
    if (name in config.env)
      throw new InputError(
        'secrets',
        name,
        `is also set under ${config.environment}.env in the config file`,
        'Give each variable once: as a secret or as a plain env value',
      );
    if (name.startsWith('SWITCHYARD_'))
      throw new InputError(
        'secrets',
        name,
        'is reserved (switchyard sets SWITCHYARD_* itself)',
        'Pick another name',
      );
  }
  const out: Record<string, string> = { ...given };
  if (!starts) return out;
  for (const name of config.secrets) {
    const value = given[name] ?? env[name];
    if (value === undefined || value === '')
      throw new InputError(
        'secrets',
        name,
        `is listed under ${config.environment}.secrets in the config file but has no value`,
        `Pass it as a line ${name}=\${{ secrets.${name} }} in the secrets input, or set it in the step's env`,
      );
    out[name] = value;
  }
  return out;
}
