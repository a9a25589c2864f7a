/**
 * The repository a workflow scenario plays `examples/workflows/*.yml` in: a git repository made of
 * test/fixtures/scenario-repo plus the example app (its bundled server.mjs from the testbed's app
 * image, its Dockerfile and smoke.yml) and a switchyard.yml with staging and production on the
 * testbed's Docker engine (loopback ports, unique app name). Each play gets a fresh clone as its
 * workspace, a checkout stand-in that checks out the ref as actions/checkout does, the repository
 * variables that point build-image at the testbed's registry, and GitHub environments with their
 * secrets and variables (production has required reviewers). GitHub itself is a loopback fake
 * (test/support/github-fake) for acme/shop that knows the repository's commits, branches and tags:
 * every job gets GITHUB_API_URL pointing at it and a GITHUB_TOKEN with the job's permissions, so the
 * actions write the Deployments record there.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { switchyard } from './cli-source.js';
import { startGithubFake, type DeploymentRecord, type GithubFake } from './github-fake/index.js';
import { ROOT } from './runner.js';
import { docker, freePort, testbed } from './testbed.js';
import {
  play,
  repoFiles,
  type ConcurrencyGroups,
  type Decision,
  type EnvironmentSetup,
  type JobConclusion,
  type PlayEvent,
  type PlayResult,
  type RepoFiles,
  type StandIn,
  type StepResult,
} from './workflow-player/index.js';

const FIXTURE = join(ROOT, 'test/fixtures/scenario-repo');

/** Where one environment answers. */
export interface EnvironmentPorts {
  readonly port: number;
  readonly previewPort: number;
  readonly url: string;
  readonly previewUrl: string;
}

/** One environment in `switchyard status --json`. */
export interface EnvironmentStatus {
  readonly environment: string;
  readonly live: string | null;
  readonly version?: string;
  readonly digest?: string;
  readonly image?: string;
  readonly previous: string | null;
  readonly previousState?: string;
  readonly previousVersion?: string;
  readonly pending?: unknown;
  readonly history: readonly {
    readonly action: string;
    readonly version: string;
    readonly reason?: string;
    readonly actor?: string;
  }[];
}

export interface ScenarioPlay {
  /** `pipeline`, `hotfix`, `rollback`, `retire` (examples/workflows/<name>.yml). */
  readonly workflow: string;
  readonly event: PlayEvent;
  readonly approve?: (request: { environment: string }) => Decision | Promise<Decision>;
  /** Extra variables per environment (e.g. PROMETHEUS_URL), over the defaults. */
  readonly vars?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly concurrency?: ConcurrencyGroups;
  /**
   * Edits of the example workflows for this play only (file name → new text from the old), e.g. a
   * caller that doesn't grant `deployments: write`.
   */
  readonly edit?: Readonly<Record<string, (text: string) => string>>;
}

/** One Deployment as GitHub holds it, in short: what the scenarios compare. */
export interface DeploymentSummary {
  readonly version: string;
  readonly ref: string;
  readonly sha: string;
  /** Its statuses, oldest first. */
  readonly states: readonly string[];
  readonly record: DeploymentRecord;
}

export interface ScenarioRepo {
  readonly app: string;
  /** The repository (origin of every play's clone); its work tree is on main. */
  readonly dir: string;
  /** The repository as the player reads it: examples/workflows mounted as .github/workflows. */
  readonly files: RepoFiles;
  /** vars.IMAGE: the testbed registry's repository of this app. */
  readonly image: string;
  readonly staging: EnvironmentPorts;
  readonly production: EnvironmentPorts;
  /** The fake GitHub the plays talk to (owner acme, repo shop). */
  readonly github: GithubFake;
  /** The Deployments of an environment on the fake GitHub, oldest first. */
  deployments(environment: string): DeploymentSummary[];
  /** Runs git in the repository; its trimmed stdout. */
  git(...args: string[]): string;
  /** Writes files (null deletes one), commits them on the current branch; the new commit's SHA. */
  commit(message: string, files?: Readonly<Record<string, string | null>>): string;
  /** The commit a ref or tag points at. */
  sha(ref: string): string;
  /** The environments' secrets and variables every play has (secrets are dummies, checked by the stand-ins). */
  environments(vars?: ScenarioPlay['vars']): Record<string, EnvironmentSetup>;
  play(opts: ScenarioPlay): Promise<PlayResult>;
  /** `switchyard status --json` of both environments (in-process CLI, from source). */
  status(): Promise<Record<'staging' | 'production', EnvironmentStatus>>;
  /** Removes the app's containers, networks, proxy volumes, local images, registry tags, temp folders; stops the fake GitHub. */
  remove(): Promise<void>;
}

/** Secrets the environments hold; the stand-ins fail when a step gets an empty one. */
export const SECRETS = {
  DEPLOY_SSH_KEY:
    '-----BEGIN OPENSSH PRIVATE KEY-----\nscenario-dummy\n-----END OPENSSH PRIVATE KEY-----',
  DEPLOY_KNOWN_HOSTS: 'deploy.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIScenarioDummy',
  DATABASE_URL: 'postgres://shop:scenario-pw@db.internal/shop',
} as const;

/**
 * The GITHUB_TOKENs the fake GitHub knows. GitHub mints a job's token with the job's permissions:
 * a job with `deployments: write` gets `deploy`, any other `read` (contents: read, as every job here).
 */
export const GITHUB_TOKENS = {
  deploy: 'ghs_scenarioDeploymentsWrite00000000000000',
  read: 'ghs_scenarioContentsRead000000000000000000',
} as const;

let counter = 0;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'octocat',
      GIT_AUTHOR_EMAIL: 'octocat@example.com',
      GIT_COMMITTER_NAME: 'octocat',
      GIT_COMMITTER_EMAIL: 'octocat@example.com',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
    },
  }).trim();
}

/** The example app's bundle, as the testbed built it into its app image. */
async function serverBundle(): Promise<string> {
  const id = await docker('create', testbed().appImage);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-scenario-server-'));
  try {
    await docker('cp', `${id}:/app/server.mjs`, join(dir, 'server.mjs'));
    return readFileSync(join(dir, 'server.mjs'), 'utf8');
  } finally {
    await docker('rm', id);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ports(): Promise<EnvironmentPorts> {
  const port = await freePort();
  let previewPort = await freePort();
  while (previewPort === port) previewPort = await freePort();
  return {
    port,
    previewPort,
    url: `http://127.0.0.1:${port}`,
    previewUrl: `http://127.0.0.1:${previewPort}`,
  };
}

/**
 * actions/checkout as it checks out: `ref` (a branch, a tag or a SHA), else the run's GITHUB_REF at
 * GITHUB_SHA; a branch as a local branch, a tag or SHA detached. Untracked files go, as on a fresh
 * runner (every job of a play shares the clone).
 */
const checkoutStandIn: StandIn = (call) => {
  const ws = call.workspace;
  const ref = call.inputs.ref || call.env.GITHUB_REF || 'refs/heads/main';
  const name = ref.replace(/^refs\/(heads|tags)\//, '');
  const exists = (r: string): boolean => {
    try {
      git(ws, 'rev-parse', '--verify', '--quiet', r);
      return true;
    } catch {
      return false;
    }
  };
  if (!ref.startsWith('refs/tags/') && exists(`refs/remotes/origin/${name}`)) {
    const at = call.inputs.ref ? `origin/${name}` : call.env.GITHUB_SHA || `origin/${name}`;
    git(ws, 'checkout', '--quiet', '--force', '-B', name, at);
  } else if (exists(`refs/tags/${name}`)) {
    git(ws, 'checkout', '--quiet', '--force', '--detach', `refs/tags/${name}`);
  } else git(ws, 'checkout', '--quiet', '--force', '--detach', ref);
  git(ws, 'clean', '-ffdxq');
  return { log: `stand-in checkout: ${ref} at ${git(ws, 'rev-parse', 'HEAD')}` };
};

/** webfactory/ssh-agent: fails on an empty key as the action does, makes ~/.ssh, starts no agent. */
const sshAgentStandIn: StandIn = (call) => {
  if (!call.inputs['ssh-private-key'])
    return {
      failed:
        'The ssh-private-key argument is empty. Maybe the secret has not been configured, or you are using a wrong secret name in your workflow file.',
    };
  mkdirSync(join(call.env.HOME ?? '', '.ssh'), { recursive: true, mode: 0o700 });
  return { log: 'stand-in ssh-agent: key received, no agent started' };
};

/** A new scenario repository: one commit on main with the app, its workflows mounted from examples/. */
export async function scenarioRepo(
  opts: { readonly keepPrevious?: { staging?: string; production?: string } } = {},
): Promise<ScenarioRepo> {
  const tb = testbed();
  const app = `wfs${process.pid % 10_000}-${++counter}`;
  const image = `${tb.registry}/switchyard-scenarios/${app}`;
  const root = mkdtempSync(join(tmpdir(), 'switchyard-scenario-'));
  const dir = join(root, 'shop');
  const [staging, production] = [await ports(), await ports()];
  cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !src.endsWith('README.md') });
  writeFileSync(join(dir, 'server.mjs'), await serverBundle());
  writeFileSync(
    join(dir, 'Dockerfile'),
    readFileSync(join(ROOT, 'examples/app/Dockerfile'), 'utf8').replace(
      /^ARG BASE_IMAGE$/m,
      `ARG BASE_IMAGE=${tb.baseImage}`,
    ),
  );
  cpSync(join(ROOT, 'examples/app/smoke.yml'), join(dir, 'smoke.yml'));
  const section = (
    p: EnvironmentPorts,
    extra: Record<string, unknown>,
  ): Record<string, unknown> => ({
    docker: {
      port: p.port,
      'preview-port': p.previewPort,
      bind: '127.0.0.1',
      'stop-timeout': '2s',
      proxy: { image: tb.haproxyImage },
    },
    health: { path: '/healthz', interval: '200ms', timeout: '2s' },
    'ready-timeout': '30s',
    monitor: { interval: '1s', 'rate-window': '5s', 'baseline-window': '15s' },
    ...extra,
  });
  writeFileSync(
    join(dir, 'switchyard.yml'),
    stringify({
      app,
      staging: section(staging, { 'keep-previous': opts.keepPrevious?.staging ?? '30m' }),
      production: section(production, {
        'keep-previous': opts.keepPrevious?.production ?? '30m',
        secrets: ['DATABASE_URL'],
      }),
    }),
  );
  git(root, 'init', '--quiet', '--initial-branch=main', dir);
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '-m', 'shop: the example app');
  const files = repoFiles(dir, { '.github/workflows': join(ROOT, 'examples/workflows') });
  const workspaces: string[] = [];
  // The fake holds this array: syncGithub() keeps it (and the refs) as the repository has them.
  const commits: string[] = [];
  const github = await startGithubFake({
    owner: 'acme',
    repo: 'shop',
    tokens: {
      [GITHUB_TOKENS.deploy]: { contents: 'read', deployments: 'write' },
      [GITHUB_TOKENS.read]: { contents: 'read' },
    },
    commits,
    refs: {},
  });
  const syncGithub = (): void => {
    const all = git(dir, 'rev-list', '--reverse', '--topo-order', '--all').split('\n');
    commits.splice(0, commits.length, ...all.filter(Boolean));
    const refs = github.state.setup.refs;
    for (const line of git(
      dir,
      'for-each-ref',
      '--format=%(refname:short) %(objectname)',
      'refs/heads',
      'refs/tags',
    ).split('\n')) {
      const [name, sha] = line.split(' ');
      if (name && sha) refs[name] = sha;
    }
  };
  let edits = 0;
  /** examples/workflows with this play's edits, in a folder of its own. */
  const editedFiles = (edit: NonNullable<ScenarioPlay['edit']>): RepoFiles => {
    const folder = join(root, `workflows-${++edits}`);
    cpSync(join(ROOT, 'examples/workflows'), folder, { recursive: true });
    for (const [name, change] of Object.entries(edit)) {
      const file = join(folder, name);
      const before = readFileSync(file, 'utf8');
      const after = change(before);
      if (after === before) throw new Error(`scenario edit of ${name} changed nothing`);
      writeFileSync(file, after);
    }
    return repoFiles(dir, { '.github/workflows': folder });
  };

  const repo: ScenarioRepo = {
    app,
    dir,
    files,
    image,
    staging,
    production,
    github,
    deployments: (environment) =>
      github.deploymentsOf(environment).map((d) => ({
        version:
          typeof d.payload === 'object' && typeof d.payload.version === 'string'
            ? d.payload.version
            : '',
        ref: d.ref,
        sha: d.sha,
        states: d.statuses.map((s) => s.state),
        record: d,
      })),
    git: (...args) => git(dir, ...args),
    commit(message, changes = {}) {
      for (const [path, text] of Object.entries(changes)) {
        const file = join(dir, path);
        if (text === null) rmSync(file, { force: true });
        else {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, text);
        }
      }
      git(dir, 'add', '-A');
      git(dir, 'commit', '--quiet', '--allow-empty', '-m', message);
      return git(dir, 'rev-parse', 'HEAD');
    },
    sha: (ref) => git(dir, 'rev-list', '-n', '1', ref),
    environments(vars = {}) {
      const { DEPLOY_SSH_KEY, DEPLOY_KNOWN_HOSTS, DATABASE_URL } = SECRETS;
      const ssh = { DEPLOY_SSH_KEY, DEPLOY_KNOWN_HOSTS };
      return {
        staging: { secrets: ssh, vars: { MONITOR_DURATION: '2s', ...vars.staging } },
        production: {
          requiredReviewers: true,
          secrets: { ...ssh, DATABASE_URL },
          vars: { MONITOR_DURATION: '2s', ...vars.production },
        },
        'staging-maintenance': { secrets: ssh },
        'production-maintenance': { secrets: ssh },
      };
    },
    async play(p) {
      const ws = join(mkdtempSync(join(tmpdir(), 'switchyard-scenario-ws-')), 'shop');
      workspaces.push(dirname(ws));
      git(root, 'clone', '--quiet', dir, ws);
      const ref = p.event.name === 'push' ? p.event.ref : (p.event.ref ?? 'refs/heads/main');
      syncGithub();
      const r = await play({
        repo: p.edit ? editedFiles(p.edit) : files,
        workspace: ws,
        workflow: `.github/workflows/${p.workflow}.yml`,
        event: p.event,
        sha: repo.sha(ref),
        vars: { REGISTRY: tb.registry, IMAGE: image },
        repository: 'acme/shop',
        apiUrl: github.url,
        githubToken: ({ permissions }) =>
          permissions.deployments === 'write' ? GITHUB_TOKENS.deploy : GITHUB_TOKENS.read,
        environments: repo.environments(p.vars),
        ...(p.approve && { approve: p.approve }),
        ...(p.concurrency && { concurrency: p.concurrency }),
        standIns: {
          'actions/checkout': checkoutStandIn,
          'webfactory/ssh-agent': sshAgentStandIn,
        },
        stepTimeoutMs: 5 * 60_000,
      });
      recordGithubsOwn(github, r);
      return r;
    },
    async status() {
      const r = await switchyard(dir, ['status', '--json']);
      const parsed = JSON.parse(r.stdout) as { outputs: { environments: EnvironmentStatus[] } };
      const by = Object.fromEntries(parsed.outputs.environments.map((e) => [e.environment, e]));
      return by as Record<'staging' | 'production', EnvironmentStatus>;
    },
    async remove() {
      const ids = (await docker('ps', '-aq', '--filter', `label=switchyard.app=${app}`))
        .split('\n')
        .filter(Boolean);
      if (ids.length) await docker('rm', '-f', ...ids);
      for (const env of ['staging', 'production']) {
        await docker('network', 'rm', `${app}-${env}`).catch(() => '');
        await docker('volume', 'rm', '-f', `${app}-${env}-proxy`).catch(() => '');
      }
      const images = (await docker('images', '-q', '--no-trunc', image).catch(() => ''))
        .split('\n')
        .filter(Boolean);
      if (images.length) await docker('image', 'rm', '-f', ...new Set(images)).catch(() => '');
      await deleteFromRegistry(tb.registry, image.slice(tb.registry.length + 1));
      for (const d of [root, ...workspaces]) rmSync(d, { recursive: true, force: true });
      await github.close();
    },
  };
  return repo;
}

/**
 * What GitHub itself records for a job that ran in an environment without `deployment: false`: a
 * Deployment of the run's ref with a status from the job's result (the player plays no GitHub, so it
 * is added here, after the run). The scenarios' record checks then see any job that lacks it.
 */
function recordGithubsOwn(github: GithubFake, r: PlayResult): void {
  const bot = 'github-actions[bot]';
  for (const job of Object.values(r.jobs)) {
    const env = job.environment;
    if (!env || env.deployment === false || job.steps.length === 0) continue;
    const made = github.state.createDeployment(
      {
        ref: String(r.plan.github.ref_name),
        environment: env.name,
        auto_merge: false,
        required_contexts: [],
      },
      bot,
    );
    if (!('id' in made)) continue;
    github.state.addStatus(
      made.id,
      {
        state: job.result === 'success' ? 'success' : 'failure',
        log_url: `https://github.com/acme/shop/actions/runs/${String(r.plan.github.run_id)}`,
        ...(env.url && { environment_url: env.url }),
      },
      bot,
    );
  }
}

/** Deletes every tag of `repository` from the testbed's registry (delete is enabled there). */
async function deleteFromRegistry(registry: string, repository: string): Promise<void> {
  const base = `http://${registry}/v2/${repository}`;
  const list = await fetch(`${base}/tags/list`).catch(() => undefined);
  if (!list?.ok) return;
  const { tags } = (await list.json()) as { tags: string[] | null };
  const accept = [
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.oci.image.index.v1+json',
  ].join(', ');
  const digests = new Set<string>();
  for (const tag of tags ?? []) {
    const head = await fetch(`${base}/manifests/${tag}`, { method: 'HEAD', headers: { accept } });
    const digest = head.headers.get('docker-content-digest');
    if (digest) digests.add(digest);
  }
  for (const digest of digests)
    await fetch(`${base}/manifests/${digest}`, { method: 'DELETE' }).catch(() => undefined);
}

/**
 * Fails unless GitHub's record of `environment` tells what the target says: exactly one Deployment
 * whose newest status is `success`, of the version live now, with the live URL; every description
 * within GitHub's 140 characters; nothing the fake found against GitHub's OpenAPI description.
 */
export function expectRecordMatchesTraffic(
  repo: ScenarioRepo,
  environment: 'staging' | 'production',
  status: EnvironmentStatus,
): void {
  const deployments = repo.deployments(environment);
  const successful = deployments.filter((d) => d.states.at(-1) === 'success');
  expect(successful.map((d) => d.version)).toEqual([status.version]);
  const newest = successful[0]?.record.statuses.at(-1);
  expect(newest?.environmentUrl).toBe(repo[environment].url);
  for (const d of deployments)
    for (const s of d.record.statuses) expect(s.description.length).toBeLessThanOrEqual(140);
  expect(repo.github.violations).toEqual([]);
}

/** Markdown as it reads: backslash escapes removed (`1\\.4\\.2` → `1.4.2`). */
export const plainText = (markdown: string): string =>
  markdown.replace(/\\([\\`*_{}[\]()#+\-.!|:<>~])/g, '$1');

/** A Deployment as the scenarios compare it: version, ref and the states of its statuses. */
export const recorded = (
  d: DeploymentSummary,
): { version: string; ref: string; states: string[] } => ({
  version: d.version,
  ref: d.ref,
  states: [...d.states],
});

/**
 * Fails unless the play's jobs ended as `expected` (every job, or with `only` just those named),
 * with the errors and the failed steps' logs in the message.
 */
export function expectJobs(
  r: PlayResult,
  expected: Readonly<Record<string, JobConclusion>>,
  only = false,
): void {
  const got: Record<string, JobConclusion> = {};
  for (const j of Object.values(r.jobs)) got[j.id] = j.result;
  const keys = only
    ? Object.keys(expected)
    : [...new Set([...Object.keys(got), ...Object.keys(expected)])];
  if (keys.every((k) => got[k] === expected[k])) return;
  const logs = Object.values(r.jobs).flatMap((j) => [
    ...j.errors.map((e) => `${j.id}: ${e}`),
    ...j.steps
      .filter((s) => s.outcome === 'failure')
      .map((s) => `--- ${j.id} / ${s.name ?? s.id}\n${s.log.slice(-3000)}`),
  ]);
  throw new Error(
    `jobs ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}\n${logs.join('\n')}`,
  );
}

/** The step of `job` with this id, or the first whose `uses:` contains it. */
export function stepOf(r: PlayResult, job: string, id: string): StepResult {
  const found = r.job(job).steps.find((s) => s.id === id || s.uses?.includes(id));
  if (!found) throw new Error(`${job} has no step ${id}`);
  return found;
}
