/**
 * `switchyard github plan|apply`: the `github:` sections of switchyard.yml against the repository's
 * environments on GitHub; and the GitHub access `log` shares: a token from `--token`, GITHUB_TOKEN
 * or GH_TOKEN (masked), the repository from `--repo` or GITHUB_REPOSITORY, GITHUB_API_URL honoured.
 */
import { dirname } from 'node:path';
import { loadConfigFile, parseEnvironmentName, readOverrides } from '@switchyard/config';
import {
  applyEnvironments,
  createGithubClient,
  planEnvironments,
  planIsEmpty,
  renderPlan,
  repositoryFrom,
  type AppliedEnvironment,
  type DesiredProtection,
  type GithubClient,
  type Repository,
} from '@switchyard/github';
import { InputError, Summary, UNQUOTED, visibleControls, type ActionIO } from '@switchyard/kit';

type Env = Readonly<Record<string, string | undefined>>;

/** A client and the repository it works on. */
export interface GithubAccess {
  readonly octokit: GithubClient;
  readonly repo: Repository;
}

/** The token: `--token`, else GITHUB_TOKEN, else GH_TOKEN; '' when none is set. */
export function githubToken(values: ReadonlyMap<string, string>, env: Env): string {
  return (values.get('token') || env.GITHUB_TOKEN || env.GH_TOKEN || '').trim();
}

/** The repository from `--repo owner/name`, else GITHUB_REPOSITORY; undefined when neither is set. */
export function githubRepo(values: ReadonlyMap<string, string>, env: Env): Repository | undefined {
  const given = values.get('repo')?.trim();
  if (!given) return env.GITHUB_REPOSITORY?.trim() ? repositoryFrom(env) : undefined;
  try {
    return repositoryFrom({ GITHUB_REPOSITORY: given });
  } catch {
    throw new InputError('repo', given, 'is not owner/name', 'Write it as acme/shop');
  }
}

/** Why GitHub is out of reach, naming the option and the variable that would give it. */
export const NO_TOKEN_FIX =
  'Pass --token or set GITHUB_TOKEN (or GH_TOKEN), e.g. GITHUB_TOKEN=$(gh auth token)';
export const NO_REPO_FIX = 'Pass --repo owner/name or set GITHUB_REPOSITORY';

/**
 * The GitHub client for a command, or what is missing (`token` or `repo`, with the fix). The token
 * is registered as a secret before anything uses it; a malformed `--repo` throws.
 */
export function githubAccess(
  values: ReadonlyMap<string, string>,
  env: Env,
  io: ActionIO,
): GithubAccess | InputError {
  const token = githubToken(values, env);
  if (token) io.setSecret(token);
  const repo = githubRepo(values, env);
  if (!token) return new InputError('token', UNQUOTED, 'is not set', NO_TOKEN_FIX);
  if (!repo) return new InputError('repo', UNQUOTED, 'is not set', NO_REPO_FIX);
  const octokit = createGithubClient({
    token,
    env,
    log: io,
    setSecret: (s) => io.setSecret(s),
    userAgent: 'switchyard-cli',
  });
  return { octokit, repo };
}

/**
 * The desired protection of every environment of the config file with a `github:` section, or of
 * the ones `--environment` names (each must have one).
 */
export function desiredProtection(
  values: ReadonlyMap<string, string>,
  cwd: string,
): Map<string, DesiredProtection> {
  const { doc, path } = loadConfigFile(values.get('config') ?? '', cwd);
  const asked = (values.get('environment') ?? '')
    .split('\n')
    .map((n) => n.trim())
    .filter(Boolean)
    .map((n) => parseEnvironmentName('environment', n));
  const names = asked.length ? asked : doc.environments;
  const overrides = readOverrides(() => undefined);
  const desired = new Map<string, DesiredProtection>();
  for (const name of names) {
    const github = doc.resolve(name, overrides, dirname(path)).github;
    if (github) desired.set(name, github);
    else if (asked.length)
      throw new InputError(
        'environment',
        name,
        `has no github: section in ${doc.file}`,
        'Add one (github: { reviewers: [octocat] }) or leave --environment out',
      );
  }
  if (!desired.size)
    throw new InputError(
      'config',
      doc.file,
      'has no environment with a github: section',
      'Add one under an environment (github: { reviewers: [octocat], wait-timer: 10m })',
    );
  return desired;
}

/** What a change made, as people read it. */
export function appliedLines(applied: readonly AppliedEnvironment[]): string[] {
  return applied.map((a) => {
    const parts = [
      ...(a.settings ? ['protection updated'] : []),
      ...a.added.map((p) => `+ ${p.type} ${p.name}`),
      ...a.removed.map((p) => `- ${p.type} ${p.name}`),
    ];
    return `${visibleControls(a.environment)}: ${parts.join(', ') || 'no changes'}`;
  });
}

/** `switchyard github plan` / `apply`. Sets the outputs `plan` (lines) and, for apply, `applied`. */
export async function runGithub(
  values: ReadonlyMap<string, string>,
  env: Env,
  cwd: string,
  io: ActionIO,
): Promise<void> {
  const sub = (values.get('subcommand') ?? 'plan').trim();
  if (sub !== 'plan' && sub !== 'apply')
    throw new InputError(
      'subcommand',
      sub,
      'is not a github subcommand',
      'Use plan (list the changes) or apply (make them)',
    );
  const desired = desiredProtection(values, cwd);
  const access = githubAccess(values, env, io);
  if (access instanceof InputError) throw access;
  const { octokit, repo } = access;
  const plan = await planEnvironments(octokit, repo, desired);
  const lines = renderPlan(plan);
  io.setOutput('plan', lines);
  const s = new Summary().heading(`github ${sub}: ${repo.owner}/${repo.repo}`);
  if (sub === 'plan' || planIsEmpty(plan)) {
    s.code(lines.join('\n'));
    if (sub === 'plan' && !planIsEmpty(plan))
      s.paragraph('Run `switchyard github apply` to make these changes.');
    if (sub === 'apply') s.paragraph('Nothing to change.');
    io.setOutput('changed', planIsEmpty(plan) ? 'false' : 'true');
    await io.appendSummary(s.toString());
    return;
  }
  const applied = await applyEnvironments(octokit, repo, plan);
  io.setOutput('applied', appliedLines(applied));
  io.setOutput('changed', applied.length ? 'true' : 'false');
  s.paragraph('Changed:').code(lines.join('\n'));
  await io.appendSummary(s.toString());
}
