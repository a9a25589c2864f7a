/** Pure readers of `docker inspect` JSON: containers and images, as the Docker target needs them. */
import { formatReference, repository, type ImageReference } from '@switchyard/image';
import { COLORS, LABELS, type Color } from '../contract.js';
import { storedRelease, type ColorStatus } from '../model.js';
import type { ResolvedImage } from '../target.js';

interface ContainerJson {
  Id?: string;
  Name?: string;
  State?: {
    Status?: string;
    Running?: boolean;
    ExitCode?: number;
    Health?: { Status?: string } | null;
  };
  RestartCount?: number;
  Config?: { Labels?: Record<string, string> | null };
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> | null };
}

/** What the Docker target reads from one color's container. */
export interface ContainerView {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly status: string;
  readonly running: boolean;
  readonly exitCode: number;
  readonly health: ColorStatus['health'];
  readonly restarts: number;
  /** Address on the given network ('' when not attached). */
  readonly address: string;
}

const HEALTH = ['starting', 'healthy', 'unhealthy'] as const;

/** Reads one container from `docker container inspect --format '{{json .}}'`. */
export function parseContainer(json: string, network: string): ContainerView {
  const c = JSON.parse(json) as ContainerJson;
  const health = HEALTH.find((h) => h === c.State?.Health?.Status) ?? 'none';
  return {
    id: c.Id ?? '',
    labels: c.Config?.Labels ?? {},
    status: c.State?.Status ?? 'unknown',
    running: c.State?.Running === true,
    exitCode: c.State?.ExitCode ?? 0,
    health,
    restarts: c.RestartCount ?? 0,
    address: c.NetworkSettings?.Networks?.[network]?.IPAddress ?? '',
  };
}

/**
 * The color status a container's labels and state describe: undefined if it isn't one of ours, or
 * if it never started (`created`: a `docker start` that failed, or a run killed before it), which
 * runs no release, whatever its labels say.
 */
export function colorStatus(view: ContainerView): ColorStatus | undefined {
  const l = view.labels;
  const color = COLORS.find((c) => c === l[LABELS.color]);
  if (!color || l[LABELS.role] !== 'app' || view.status === 'created') return undefined;
  return {
    color: color satisfies Color,
    ...storedRelease(l, LABELS),
    state: view.status,
    running: view.running,
    health: view.health,
    ...(view.running ? {} : { exitCode: view.exitCode }),
  };
}

interface ImageJson {
  Id?: string;
  RepoDigests?: string[] | null;
  Config?: {
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] } | null;
    ExposedPorts?: Record<string, unknown> | null;
  };
}

/** The TCP ports of an image's `ExposedPorts` (`{"80/tcp": {}}`), sorted. */
export function exposedPorts(exposed: Record<string, unknown> | null | undefined): number[] {
  return Object.keys(exposed ?? {})
    .map((k) => /^(\d+)(?:\/tcp)?$/.exec(k)?.[1])
    .filter((p): p is string => p !== undefined)
    .map(Number)
    .filter((n) => n >= 1 && n <= 65535)
    .sort((a, b) => a - b);
}

/**
 * Reads an image from `docker image inspect --format '{{json .}}'`. The identity is the digest
 * the reference pins, else the repo digest of the reference's repository, else the image id.
 */
export function parseImage(json: string, ref: ImageReference, given: string): ResolvedImage {
  const i = JSON.parse(json) as ImageJson;
  const repo = formatReference({ ...(ref.registry && { registry: ref.registry }), path: ref.path });
  const repoDigest = (i.RepoDigests ?? []).find(
    (d) => d.startsWith(`${repo}@`) || d.startsWith(`${repository(ref)}@`),
  );
  const digest = ref.digest ?? repoDigest?.slice(repoDigest.indexOf('@') + 1);
  const version = i.Config?.Labels?.['org.opencontainers.image.version'];
  // A label is anyone's text: only a commit sha is taken as the revision.
  const revision = i.Config?.Labels?.['org.opencontainers.image.revision'];
  return {
    ref: given,
    pinned: digest ? `${repo}@${digest}` : (i.Id ?? given),
    digest: digest ?? i.Id ?? '',
    ...(version ? { version } : {}),
    ...(revision && /^[0-9a-f]{7,40}$/.test(revision) && { revision }),
    ports: exposedPorts(i.Config?.ExposedPorts),
  };
}
