/** The deploy-bluegreen inputs and the config file, parsed and checked once, before any command on the target (STYLE.md §2). */
import { InputError, optional, type InputReader } from '@switchyard/kit';
import {
  type ActionContext,
  containerSecrets,
  loadEnvironment,
  readOverrides,
  parseEnvironmentName,
  type EnvironmentConfig,
} from '@switchyard/config';
import { parseImageReference, readCredentials, type Credentials } from '@switchyard/image';
import type { ExpectedRelease } from '@switchyard/targets';
import { parseOverrideReason } from '@switchyard/calendar';

/** The longest wait-for-window: a day (a deploy job that waits longer should be scheduled instead). */
export const MAX_WINDOW_WAIT_MS = 24 * 3_600_000;

export const ACTIONS = ['deploy', 'promote', 'status', 'retire'] as const;
export type DeployAction = (typeof ACTIONS)[number];

export interface DeployInputs {
  readonly action: DeployAction;
  readonly config: EnvironmentConfig;
  /** Set for action deploy. */
  readonly image?: string;
  /** action promote with image: the release this run deployed, the only one it promotes. */
  readonly expect?: ExpectedRelease;
  readonly version?: string;
  readonly promote: boolean;
  readonly pull: 'always' | 'missing' | 'never';
  readonly lockTimeoutMs: number;
  /** Deploy only if this digest (or `none`: nothing) is live when the lock is taken. */
  readonly ifLiveIs?: string;
  readonly keepFailed: boolean;
  readonly dryRun: boolean;
  /** action retire: stop every idle color now, whatever its keep-warm time. */
  readonly force: boolean;
  /** For the image's registry. */
  readonly credentials?: Credentials;
  /** A kubeconfig's content, for a Kubernetes target (masked by main). */
  readonly kubeconfig?: string;
  /** Secret container variables, by name (values masked by main). */
  readonly secrets: Readonly<Record<string, string>>;
  /** For the GitHub Deployments record ('' : none is written). */
  readonly githubToken: string;
  /** How long a deploy outside the windows waits for the next one (0: refuse at once). */
  readonly waitForWindowMs: number;
  /** `override-window`: the reason a deploy goes through a closed window or a freeze. */
  readonly overrideWindow?: string;
  /** With dry-run: why this release skips staging (the approver's plan says so). */
  readonly hotfixReason?: string;
}

export function parseInputs(r: InputReader, ctx: ActionContext): DeployInputs {
  const action = r.enum('action', ACTIONS, { default: 'deploy' as const });
  const environment = parseEnvironmentName(
    'environment',
    r.required('environment', 'Name the config file section to deploy, e.g. staging or production'),
  );
  const config = loadEnvironment({
    configInput: r.text('config'),
    environment,
    overrides: readOverrides((n) => r.text(n)),
    workspace: ctx.workspace,
    ...(ctx.readFile && { readFile: ctx.readFile }),
  });
  const imageText = r.text('image');
  const reference = imageText ? parseImageReference('image', imageText) : undefined;
  const dryRun = r.boolean('dry-run', { default: false });
  if (action === 'deploy' && !imageText)
    throw new InputError(
      'image',
      '',
      'is required for action deploy',
      'Set image, e.g. to the image-ref output of build-image',
    );
  const credentials = readCredentials(r, 'registry-username', 'registry-password');
  const kubeconfig = r.text('kubeconfig');
  const version = r.line('version');
  const overrideText = r.text('override-window');
  const overrideWindow = overrideText
    ? parseOverrideReason('override-window', overrideText)
    : undefined;
  return {
    action,
    config,
    ...(imageText && { image: imageText }),
    ...(action === 'promote' &&
      imageText && {
        expect: { image: imageText, ...(reference?.digest && { digest: reference.digest }) },
      }),
    ...(version && { version }),
    promote: r.boolean('promote', { default: true }),
    pull: r.enum('pull', ['always', 'missing', 'never'] as const, { default: 'always' as const }),
    lockTimeoutMs: r.duration('lock-timeout', { default: 600_000, min: 0 }),
    ...optional('ifLiveIs', readIfLiveIs(r)),
    keepFailed: r.boolean('keep-failed', { default: false }),
    dryRun,
    force: r.boolean('force', { default: false }),
    ...(credentials && { credentials }),
    ...(kubeconfig && { kubeconfig }),
    githubToken: r.text('github-token').trim(),
    waitForWindowMs: r.duration('wait-for-window', { default: 0, min: 0, max: MAX_WINDOW_WAIT_MS }),
    ...(overrideWindow && { overrideWindow }),
    ...optional('hotfixReason', r.line('hotfix-reason') || undefined),
    // Values of the config's named secrets are needed only to start a container (not for status, promote, dry-run).
    secrets: containerSecrets(
      r.keyValues('secrets'),
      config,
      ctx.env,
      action === 'deploy' && !dryRun,
    ),
  };
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** `if-live-is`: a digest, or `none`; undefined when not set. */
function readIfLiveIs(r: InputReader): string | undefined {
  const s = r.text('if-live-is');
  if (s === '') return undefined;
  if (s === 'none' || DIGEST.test(s)) return s;
  throw new InputError(
    'if-live-is',
    s,
    'is neither a digest nor none',
    'Give the digest of the release that must be live (sha256: and 64 hex digits), or none',
  );
}
