/** The `docker create` argv for one color: a pure function, table-tested. */
import { LABELS, type Color } from '../contract.js';

/** What the config file says about the app's container. */
export interface ContainerSettings {
  readonly env: Readonly<Record<string, string>>;
  /** Absolute path on the runner (the docker CLI reads it, so remote hosts work). */
  readonly envFile?: string;
  readonly volumes: readonly string[];
  /** An extra network to attach (e.g. to reach a database). */
  readonly network?: string;
  readonly resources: { readonly cpus?: string; readonly memory?: string };
  readonly command?: readonly string[];
  readonly stopTimeoutMs: number;
}

export interface ColorContainer {
  readonly name: string;
  readonly network: string;
  readonly color: Color;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Names of secret variables: passed as `-e NAME`, the value comes from the CLI's environment. */
  readonly secretNames: readonly string[];
}

/** `docker create …` for a color container. Secrets never appear in it, only their names. */
export function colorRunArgs(s: ContainerSettings, c: ColorContainer): string[] {
  const env = {
    ...s.env,
    SWITCHYARD_APP: c.labels[LABELS.app] ?? '',
    SWITCHYARD_ENVIRONMENT: c.labels[LABELS.environment] ?? '',
    SWITCHYARD_COLOR: c.color,
    SWITCHYARD_VERSION: c.labels[LABELS.version] ?? '',
  };
  return [
    'create',
    '--name',
    c.name,
    '--network',
    c.network,
    '--restart',
    'unless-stopped',
    '--stop-timeout',
    String(Math.ceil(s.stopTimeoutMs / 1000)),
    ...Object.entries(c.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...(s.envFile ? ['--env-file', s.envFile] : []),
    ...c.secretNames.flatMap((n) => ['--env', n]),
    ...s.volumes.flatMap((v) => ['--volume', v]),
    ...(s.resources.cpus ? ['--cpus', s.resources.cpus] : []),
    ...(s.resources.memory ? ['--memory', s.resources.memory] : []),
    c.image,
    ...(s.command ?? []),
  ];
}
