/** The build-image inputs, parsed and checked once, before any command runs (STYLE.md §2). */
import { join } from 'node:path';
import { InputError, workspaceFile, type InputReader } from '@switchyard/kit';
import {
  defaultTagRules,
  parseImageName,
  parseRegistry,
  parseTagRules,
  type BuilderKind,
  type BuildOptions,
  type Credentials,
  type ImageName,
  type LatestMode,
  readCredentials,
  type TagRule,
} from '@switchyard/image';

/** The parsed inputs: the build options as the builder takes them, plus what tags, logs in and pushes. */
export interface BuildImageInputs extends BuildOptions {
  readonly image: ImageName;
  /** Where to push; undefined = nothing to push to. */
  readonly registry?: string;
  readonly credentials?: Credentials;
  readonly tagRules: readonly TagRule[];
  readonly latest: LatestMode;
  /** The user's labels; they override the automatic OCI labels. */
  readonly labels: Readonly<Record<string, string>>;
  readonly builder: 'auto' | BuilderKind;
  /** Attempts of each push (1 = no retry). */
  readonly pushAttempts: number;
  readonly dryRun: boolean;
  /** A build argument that receives the computed version (version-build-arg), e.g. APP_VERSION. */
  readonly versionBuildArg?: string;
}

/** The file system questions input checking asks. */
export interface PathChecks {
  isDirectory(path: string): boolean;
  isFile(path: string): boolean;
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;
const SECRET_ID = /^[A-Za-z0-9_.-]+$/;

function tristate(r: InputReader, name: string): boolean | undefined {
  const s = r.text(name);
  return s === '' || s === 'auto' ? undefined : r.boolean(name);
}

export function parseInputs(
  r: InputReader,
  workspace: string,
  fs: PathChecks,
  gitTagIsSemver: boolean,
): BuildImageInputs {
  const registry = parseRegistry('registry', r.text('registry'));
  const image = parseImageName(
    'image',
    r.required('image', 'Set image to the repository name, e.g. team/app'),
    registry,
  );
  const credentials = readCredentials(r, 'username', 'password');
  const username = credentials?.username ?? '';
  const pushWanted = tristate(r, 'push');
  const loadWanted = tristate(r, 'load');
  const pushRegistry = image.registry;
  if (pushWanted === true && !pushRegistry)
    throw new InputError(
      'push',
      'true',
      'has no registry to push to',
      'Set registry (e.g. ghcr.io), or put the host in image',
    );
  const push = pushWanted ?? registry !== undefined;
  if (push && loadWanted === true)
    throw new InputError(
      'load',
      'true',
      'conflicts with push',
      'Choose one: push (pull image-ref afterwards) or load (set push: false)',
    );
  const load = loadWanted ?? !push;
  if (username && !pushRegistry)
    throw new InputError(
      'username',
      username,
      'is set but there is no registry to log in to',
      'Set registry, or drop username and password',
    );

  const context = workspaceFile('context', r.text('context') || '.', workspace);
  if (!fs.isDirectory(context))
    throw new InputError(
      'context',
      r.text('context') || '.',
      `is not a directory (${context})`,
      'Give the build context folder, relative to the workspace',
    );
  const fileRaw = r.text('file');
  const file = workspaceFile('file', fileRaw || join(context, 'Dockerfile'), workspace);
  if (!fs.isFile(file))
    throw new InputError(
      'file',
      fileRaw || '<context>/Dockerfile',
      `does not exist (${file})`,
      'Give the Dockerfile path relative to the workspace',
    );

  const target = r.text('target');
  if (target && !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(target))
    throw new InputError(
      'target',
      target,
      'is not a build stage name',
      'Give the name of a stage of the Dockerfile (FROM … AS <name>): letters, digits, _ . and -',
    );

  const platforms = r.list('platforms');
  for (const p of platforms)
    if (!PLATFORM.test(p))
      throw new InputError(
        'platforms',
        p,
        'is not an os/arch[/variant] platform',
        'Use e.g. linux/amd64,linux/arm64',
      );
  const secrets = Object.entries(r.keyValues('secrets')).map(([id, value]) => {
    if (!SECRET_ID.test(id))
      throw new InputError('secrets', id, 'is not a valid secret id', 'Use letters, digits, _ . -');
    return { id, value };
  });
  const provenance = r.text('provenance');
  const sbom = r.text('sbom');
  const tags = r.text('tags');
  const buildArgs = Object.entries(r.keyValues('build-args'));
  const versionBuildArg = r.text('version-build-arg').trim();
  if (versionBuildArg && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(versionBuildArg))
    throw new InputError(
      'version-build-arg',
      versionBuildArg,
      'is not a build argument name',
      'Use letters, digits and _, not starting with a digit, e.g. APP_VERSION',
    );
  if (versionBuildArg && buildArgs.some(([k]) => k === versionBuildArg))
    throw new InputError(
      'version-build-arg',
      versionBuildArg,
      'is also set in build-args',
      `Leave ${versionBuildArg} out of build-args: version-build-arg sets it to the computed version`,
    );
  return {
    image,
    ...(pushRegistry && push ? { registry: pushRegistry } : {}),
    ...(credentials && { credentials }),
    tagRules: parseTagRules('tags', tags ? tags : defaultTagRules(gitTagIsSemver)),
    latest: r.enum('latest', ['auto', 'true', 'false'] as const, { default: 'auto' }),
    context,
    file,
    buildArgs,
    ...(versionBuildArg && { versionBuildArg }),
    labels: r.keyValues('labels'),
    ...(target ? { target } : {}),
    secrets,
    pull: r.boolean('pull', { default: false }),
    noCache: r.boolean('no-cache', { default: false }),
    platforms,
    cacheFrom: r.lines('cache-from'),
    cacheTo: r.lines('cache-to'),
    ...(provenance
      ? { provenance: /^(true|false)$/.test(provenance) ? provenance : checkProvenance(provenance) }
      : {}),
    ...(sbom ? { sbom: r.boolean('sbom') } : {}),
    builder: r.enum('builder', ['auto', 'buildx', 'docker', 'buildah'] as const, {
      default: 'auto',
    }),
    push,
    load,
    pushAttempts: r.integer('push-retries', { default: 3, min: 0, max: 10 }) + 1,
    dryRun: r.boolean('dry-run', { default: false }),
  };
}

function checkProvenance(raw: string): string {
  if (/^mode=(min|max)$/.test(raw)) return raw;
  throw new InputError(
    'provenance',
    raw,
    'is not a provenance setting',
    'Use true, false, mode=min or mode=max',
  );
}
