/** The rollback inputs and the config file, parsed and checked once, before any command on the target (STYLE.md §2). */
import type { InputReader } from '@switchyard/kit';
import { readCredentials, type Credentials } from '@switchyard/image';
import {
  type ActionContext,
  containerSecrets,
  loadEnvironment,
  parseEnvironmentName,
  readOverrides,
  type EnvironmentConfig,
} from '@switchyard/config';

export interface RollbackInputs {
  readonly config: EnvironmentConfig;
  readonly to?: string;
  readonly reason?: string;
  readonly failIfNoop: boolean;
  readonly verifyTimeoutMs: number;
  readonly lockTimeoutMs: number;
  /** For a redeploy that pulls a private image: logged in to that image's registry. */
  readonly credentials?: Credentials;
  /** A kubeconfig's content, for a Kubernetes target (masked by main). */
  readonly kubeconfig?: string;
  /** Secret container variables for a redeploy, by name (values masked by main). */
  readonly secrets: Readonly<Record<string, string>>;
  /** For the GitHub Deployments record ('': none is written). */
  readonly githubToken: string;
}

export function parseInputs(r: InputReader, ctx: ActionContext): RollbackInputs {
  const environment = parseEnvironmentName(
    'environment',
    r.required('environment', 'Name the config file section to roll back, e.g. production'),
  );
  const config = loadEnvironment({
    configInput: r.text('config'),
    environment,
    overrides: readOverrides((n) => r.text(n)),
    workspace: ctx.workspace,
    ...(ctx.readFile && { readFile: ctx.readFile }),
  });
  const credentials = readCredentials(r, 'registry-username', 'registry-password');
  const kubeconfig = r.text('kubeconfig');
  const to = r.text('to');
  const reason = r.line('reason');
  return {
    config,
    ...(to && { to }),
    ...(reason && { reason }),
    failIfNoop: r.boolean('fail-if-noop', { default: false }),
    ...(credentials && { credentials }),
    ...(kubeconfig && { kubeconfig }),
    verifyTimeoutMs: r.duration('verify-timeout', { default: 30_000, min: 0 }),
    lockTimeoutMs: r.duration('lock-timeout', { default: 600_000, min: 0 }),
    githubToken: r.text('github-token').trim(),
    // A redeploy starts a container, so the file's secrets need their values up front.
    secrets: containerSecrets(r.keyValues('secrets'), config, ctx.env, true),
  };
}
