/**
 * The three builders as pure argv mappings (STYLE.md §3): `docker buildx build`, the classic
 * `docker build`, and daemonless `buildah bud`. Each states what it cannot do, so an unsupported
 * request is an error before the build, never a silently dropped flag.
 */
export type BuilderKind = 'buildx' | 'docker' | 'buildah';

export interface BuildSecret {
  readonly id: string;
  readonly value: string;
}

/** Everything a build needs, parsed and resolved (absolute paths, full image refs). */
export interface BuildSpec {
  readonly context: string;
  readonly file: string;
  /** Full references `repo:tag` to tag the image with. */
  readonly refs: readonly string[];
  readonly buildArgs: readonly (readonly [string, string])[];
  readonly labels: Readonly<Record<string, string>>;
  readonly target?: string;
  readonly secrets: readonly BuildSecret[];
  readonly pull: boolean;
  readonly noCache: boolean;
  readonly platforms: readonly string[];
  readonly cacheFrom: readonly string[];
  readonly cacheTo: readonly string[];
  /** `--provenance` value as given (true, false, mode=max), when set. */
  readonly provenance?: string;
  readonly sbom?: boolean;
  readonly push: boolean;
  readonly load: boolean;
  /** The push registry speaks plain HTTP (loopback). */
  readonly insecure: boolean;
}

/** What a build is asked to do, before tags, labels and the registry are known. */
export type BuildOptions = Omit<BuildSpec, 'refs' | 'labels' | 'insecure'>;

/** What was detected about the builder that will run. */
export interface BuilderInfo {
  readonly kind: BuilderKind;
  /** e.g. `github.com/docker/buildx 0.13.1`, `buildah version 1.28.2`. */
  readonly version: string;
  /** buildx driver: docker, docker-container, kubernetes, remote. */
  readonly driver?: string;
}

export interface Command {
  readonly command: string;
  readonly args: readonly string[];
  /** Extra environment (build secrets travel here, never in argv). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Scratch files of one build, inside a private temporary directory. */
export interface BuildFiles {
  readonly metadata: string;
  readonly iid: string;
  /** Path of the file that holds secret number `i` (buildah reads secrets from files). */
  secret(i: number): string;
  /** Path of the digest file of push number `i` (buildah). */
  digest(i: number): string;
  /** The docker config dir or buildah auth file holding a login, when there is one. */
  readonly authDir?: string;
}

/** The scratch files of a build in `dir` (a placeholder such as `<tmp>` for a dry run). */
export function buildFiles(dir: string, authDir?: string): BuildFiles {
  return {
    metadata: `${dir}/metadata.json`,
    iid: `${dir}/iid`,
    secret: (i) => `${dir}/secret-${i}`,
    digest: (i) => `${dir}/digest-${i}`,
    ...(authDir ? { authDir } : {}),
  };
}

/** True when the spec asks for something only some buildx drivers can do (so the driver matters). */
export function needsDriver(
  spec: Pick<BuildSpec, 'platforms' | 'cacheTo' | 'provenance' | 'sbom'>,
): boolean {
  return (
    spec.platforms.length > 1 ||
    spec.cacheTo.length > 0 ||
    spec.provenance !== undefined ||
    spec.sbom !== undefined
  );
}

/** Each capability a builder lacks, as `[input, problem]`; empty when the spec can be built. */
export function unsupported(spec: BuildSpec, b: BuilderInfo): [string, string][] {
  const out: [string, string][] = [];
  const who =
    b.kind === 'buildx'
      ? `buildx with the "${b.driver ?? 'docker'}" driver`
      : b.kind === 'docker'
        ? 'the classic docker builder'
        : 'buildah';
  const limited = b.kind !== 'buildx' || (b.driver ?? 'docker') === 'docker';
  if (spec.platforms.length > 1 && limited)
    out.push([
      'platforms',
      `${who} cannot build several platforms at once; use buildx with a docker-container builder (docker/setup-buildx-action)`,
    ]);
  if (spec.platforms.length > 1 && spec.load)
    out.push([
      'load',
      'a multi-platform image cannot be loaded into the docker engine; push it instead',
    ]);
  const inlineOnly = spec.cacheTo.filter((c) => !/^type=inline\b/.test(c));
  if (b.kind !== 'buildx' && spec.cacheTo.length)
    out.push(['cache-to', `${who} cannot export a build cache; use builder buildx`]);
  else if (limited && inlineOnly.length)
    out.push([
      'cache-to',
      `${who} can only export type=inline caches (asked: ${inlineOnly.join(' ')}); use a docker-container builder`,
    ]);
  if (b.kind === 'buildah' && spec.cacheFrom.length)
    out.push([
      'cache-from',
      `${who} in this action takes no cache-from; use builder buildx or docker`,
    ]);
  if ((spec.provenance !== undefined && spec.provenance !== 'false') || spec.sbom)
    if (limited)
      out.push([
        spec.sbom ? 'sbom' : 'provenance',
        `${who} cannot attach attestations; use a docker-container builder`,
      ]);
  if (b.kind === 'docker' && spec.secrets.length)
    out.push([
      'secrets',
      `${who} has no build secrets (they need BuildKit); use builder buildx or buildah`,
    ]);
  return out;
}

const pairs = (flag: string, entries: Iterable<readonly [string, string]>): string[] =>
  [...entries].flatMap(([k, v]) => [flag, `${k}=${v}`]);

function commonArgs(spec: BuildSpec): string[] {
  return [
    '--file',
    spec.file,
    ...pairs('--build-arg', spec.buildArgs),
    ...pairs('--label', Object.entries(spec.labels)),
    ...(spec.target ? ['--target', spec.target] : []),
    ...(spec.noCache ? ['--no-cache'] : []),
    ...(spec.platforms.length ? ['--platform', spec.platforms.join(',')] : []),
    ...spec.refs.flatMap((r) => ['--tag', r]),
  ];
}

/** Environment variable that carries build secret `i` to buildx. */
export const secretEnv = (i: number): string => `SWITCHYARD_BUILD_SECRET_${i}`;

/** The build command. buildx pushes within the build; the others push afterwards ({@link pushCommands}). */
export function buildCommand(spec: BuildSpec, b: BuilderInfo, files: BuildFiles): Command {
  switch (b.kind) {
    case 'buildx':
      return {
        command: 'docker',
        args: [
          'buildx',
          'build',
          '--progress',
          'plain',
          ...commonArgs(spec),
          ...(spec.pull ? ['--pull'] : []),
          ...spec.secrets.flatMap((s, i) => ['--secret', `id=${s.id},env=${secretEnv(i)}`]),
          ...spec.cacheFrom.flatMap((c) => ['--cache-from', c]),
          ...spec.cacheTo.flatMap((c) => ['--cache-to', c]),
          ...(spec.provenance !== undefined ? ['--provenance', spec.provenance] : []),
          ...(spec.sbom !== undefined ? ['--sbom', String(spec.sbom)] : []),
          '--metadata-file',
          files.metadata,
          '--iidfile',
          files.iid,
          ...(spec.push ? ['--push'] : spec.load ? ['--load'] : []),
          spec.context,
        ],
        env: Object.fromEntries(spec.secrets.map((s, i) => [secretEnv(i), s.value])),
      };
    case 'docker':
      return {
        command: 'docker',
        args: [
          'build',
          ...commonArgs(spec),
          ...(spec.pull ? ['--pull'] : []),
          ...spec.cacheFrom.flatMap((c) => ['--cache-from', c]),
          '--iidfile',
          files.iid,
          '--rm',
          '--force-rm',
          spec.context,
        ],
        env: { DOCKER_BUILDKIT: '0' },
      };
    case 'buildah':
      return {
        command: 'buildah',
        args: [
          'bud',
          ...commonArgs(spec),
          ...(spec.pull ? ['--pull-always'] : []),
          ...spec.secrets.flatMap((s, i) => ['--secret', `id=${s.id},src=${files.secret(i)}`]),
          ...(spec.insecure ? ['--tls-verify=false'] : []),
          ...(files.authDir ? ['--authfile', `${files.authDir}/config.json`] : []),
          '--iidfile',
          files.iid,
          spec.context,
        ],
      };
  }
}

/** The pushes after the build, one per tag (none for buildx, whose build pushes). */
export function pushCommands(spec: BuildSpec, b: BuilderInfo, files: BuildFiles): Command[] {
  if (!spec.push || b.kind === 'buildx') return [];
  if (b.kind === 'docker') return spec.refs.map((r) => ({ command: 'docker', args: ['push', r] }));
  return spec.refs.map((r, i) => ({
    command: 'buildah',
    args: [
      'push',
      ...(spec.insecure ? ['--tls-verify=false'] : []),
      ...(files.authDir ? ['--authfile', `${files.authDir}/config.json`] : []),
      '--digestfile',
      files.digest(i),
      r,
      `docker://${r}`,
    ],
  }));
}

/** buildah keeps images in its own storage; `load` hands them to the docker engine. */
export function loadCommands(spec: BuildSpec, b: BuilderInfo): Command[] {
  if (!spec.load || b.kind !== 'buildah') return [];
  return spec.refs.map((r) => ({ command: 'buildah', args: ['push', r, `docker-daemon:${r}`] }));
}
