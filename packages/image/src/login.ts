/** Registry login into a private, temporary docker config (docker and buildx) or auth file (buildah). */
import { join } from 'node:path';
import { ActionError, ExecError, errorMessage, retry, type Logger } from '@switchyard/kit';
import { isTransientRegistryError } from './build-log.js';
import type { BuilderInfo, Command } from './builders.js';
import { createDockerConfig, removeDockerConfig, userDockerConfig } from './docker-config.js';
import type { PipelineDeps } from './pipeline.js';

/** What a login needs: the build pipeline's dependencies, any logger. */
export type LoginDeps = Pick<PipelineDeps, 'exec' | 'clock' | 'env' | 'onAuthDir'> & {
  readonly log: Logger;
};
import { REGISTRY_BACKOFF, type Credentials } from './registry.js';

/** The login command; the password goes to its stdin, never to argv. */
export function loginCommand(
  registry: string,
  username: string,
  builder: BuilderInfo,
  insecure: boolean,
  dir: string,
): Command {
  return builder.kind === 'buildah'
    ? {
        command: 'buildah',
        args: [
          'login',
          '--authfile',
          join(dir, 'config.json'),
          ...(insecure ? ['--tls-verify=false'] : []),
          '--username',
          username,
          '--password-stdin',
          registry,
        ],
      }
    : {
        command: 'docker',
        args: ['login', '--username', username, '--password-stdin', registry],
        env: { DOCKER_CONFIG: dir },
      };
}

/**
 * Logs in and returns the private config dir. Transient registry errors are retried; a rejected
 * login removes the dir and fails with the registry's answer.
 */
export async function login(
  registry: string,
  creds: Credentials,
  builder: BuilderInfo,
  insecure: boolean,
  deps: LoginDeps,
): Promise<string> {
  const dir = createDockerConfig(deps.env.RUNNER_TEMP, userDockerConfig(deps.env), registry);
  deps.onAuthDir?.(dir);
  const c = loginCommand(registry, creds.username, builder, insecure, dir);
  try {
    await retry(
      () =>
        deps.exec.run(c.command, c.args, {
          input: creds.password,
          ...(c.env ? { env: c.env } : {}),
        }),
      {
        attempts: 3,
        ...REGISTRY_BACKOFF,
        retryIf: (e) => e instanceof ExecError && isTransientRegistryError(e.result.stderr),
        onRetry: ({ delayMs, error }) =>
          deps.log.warning(
            `login to ${registry} failed, retrying in ${delayMs} ms: ${errorMessage(error)}`,
          ),
      },
      deps.clock,
    );
  } catch (e) {
    removeDockerConfig(dir);
    const detail =
      e instanceof ExecError ? e.result.stderr.trim().split('\n').at(-1) : errorMessage(e);
    throw new ActionError(
      `login to ${registry} as ${creds.username} failed: ${detail ?? ''}. Check the username and password inputs`,
    );
  }
  deps.log.info(
    `Logged in to ${registry} as ${creds.username} (credentials in a private docker config, removed when the step ends)`,
  );
  return dir;
}
