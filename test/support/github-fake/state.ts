/**
 * What the fake GitHub holds for its one repository: deployments with their statuses, environments with
 * their branch policies, and the commit history they point at. The rules are GitHub's, as its REST docs
 * state them (quoted where they decide something).
 */

import {
  GithubError,
  type BranchPolicyRecord,
  type DeploymentRecord,
  type DeploymentRequest,
  type DeploymentState,
  type EnvironmentRecord,
  type EnvironmentRequest,
  type RepoSetup,
  type StatusRecord,
  type StatusRequest,
} from './records.js';

const INACTIVE_STATES: readonly DeploymentState[] = ['inactive', 'error', 'failure'];

/** The deployments and environments of one repository, with GitHub's rules. */
export class RepoState {
  readonly deployments: DeploymentRecord[] = [];
  readonly environments = new Map<string, EnvironmentRecord>();
  private nextId = 1_000_001;

  constructor(
    readonly setup: RepoSetup,
    private readonly now: () => string,
  ) {}

  /** The full sha a branch, tag or (abbreviated) sha names, or `undefined`. */
  resolve(ref: string): string | undefined {
    const named = this.setup.refs[ref] ?? this.setup.refs[ref.replace(/^refs\/(heads|tags)\//, '')];
    if (named) return named;
    if (!/^[0-9a-f]{7,40}$/i.test(ref)) return undefined;
    const found = this.setup.commits.filter((c) => c.startsWith(ref.toLowerCase()));
    return found.length === 1 ? found[0] : undefined;
  }

  /**
   * POST /deployments. Returns the deployment, or the 202 message when GitHub merges the default branch
   * into a branch that is behind it instead ("auto_merge", default true).
   */
  createDeployment(req: DeploymentRequest, creator: string): DeploymentRecord | { merged: string } {
    const sha = this.resolve(req.ref);
    if (!sha) throw new GithubError(422, `No ref found for: ${req.ref}`);
    const branch = req.ref.replace(/^refs\/heads\//, '');
    const head = this.setup.refs[this.setup.defaultBranch];
    const behind =
      head !== undefined &&
      branch !== this.setup.defaultBranch &&
      this.setup.branches.has(branch) &&
      this.isAncestor(sha, head);
    if (req.auto_merge !== false && behind) {
      this.setup.refs[branch] = head;
      return { merged: `Auto-merged ${this.setup.defaultBranch} into ${branch} on deployment.` };
    }
    this.checkContexts(sha, req.ref, req.required_contexts);
    const environment = req.environment ?? 'production';
    const at = this.now();
    const deployment: DeploymentRecord = {
      id: this.nextId++,
      sha,
      ref: req.ref,
      task: req.task ?? 'deploy',
      environment,
      originalEnvironment: environment,
      payload: req.payload ?? {},
      description: req.description === undefined ? '' : req.description,
      transient: req.transient_environment ?? false,
      production: req.production_environment ?? environment === 'production',
      creator,
      createdAt: at,
      updatedAt: at,
      statuses: [],
    };
    this.deployments.push(deployment);
    // A deployment to an environment the repository does not have yet creates it, as on GitHub.
    if (!this.findEnvironment(environment)) this.putEnvironment(environment, {});
    return deployment;
  }

  /** "By default, commit statuses for every submitted context must be in a success state." */
  private checkContexts(sha: string, ref: string, required: string[] | undefined): void {
    const statuses = this.setup.commitStatuses[sha] ?? {};
    const contexts = required ?? Object.keys(statuses);
    const failing = contexts.filter((c) => statuses[c] !== 'success');
    if (failing.length === 0) return;
    throw new GithubError(409, `Conflict: Commit status checks failed for ${ref}.`, {
      errors: [
        {
          contexts: failing.map((context) => ({ context, state: statuses[context] ?? 'missing' })),
          resource: 'Deployment',
          field: 'required_contexts',
          code: 'invalid',
        },
      ],
    });
  }

  private isAncestor(sha: string, of: string): boolean {
    const a = this.setup.commits.indexOf(sha);
    const b = this.setup.commits.indexOf(of);
    return a >= 0 && b >= 0 && a < b;
  }

  /** The deployment with `id`, or a 404. */
  deployment(id: number): DeploymentRecord {
    const found = this.deployments.find((d) => d.id === id);
    if (!found) throw new GithubError(404, 'Not Found');
    return found;
  }

  /** GET /deployments: filtered on equality, newest first. */
  listDeployments(filter: {
    sha?: string;
    ref?: string;
    task?: string;
    environment?: string;
  }): DeploymentRecord[] {
    return this.deployments
      .filter(
        (d) =>
          (filter.sha === undefined || d.sha === filter.sha) &&
          (filter.ref === undefined || d.ref === filter.ref) &&
          (filter.task === undefined || d.task === filter.task) &&
          (filter.environment === undefined || d.environment === filter.environment),
      )
      .sort((a, b) => b.id - a.id);
  }

  /**
   * DELETE /deployments/{id}: "If the repository has more than one deployment, you can only delete
   * inactive deployments", where a deployment is made inactive "by adding any non-successful deployment
   * status" (here: its latest status is inactive, error or failure).
   */
  deleteDeployment(id: number): void {
    const d = this.deployment(id);
    const latest = d.statuses.at(-1)?.state;
    if (this.deployments.length > 1 && !(latest && INACTIVE_STATES.includes(latest))) {
      throw new GithubError(
        422,
        'We cannot delete an active deployment unless it is the only deployment in a given environment.',
      );
    }
    this.deployments.splice(this.deployments.indexOf(d), 1);
  }

  /**
   * POST /deployments/{id}/statuses. `environment` defaults to the previous status's, then the
   * deployment's; `log_url` sets `target_url` too. `auto_inactive` (default true) "adds a new inactive
   * status to all prior non-transient ... deployments with the same repository and environment name as
   * the created status's deployment. An inactive status is only added to deployments that had a success
   * state." (Read with GitHub's changelog: production deployments are auto-inactivated too.)
   */
  addStatus(id: number, req: StatusRequest, creator: string): StatusRecord {
    const d = this.deployment(id);
    if ((req.description ?? '').length > 140) {
      throw new GithubError(422, 'Validation Failed', {
        errors: [
          {
            resource: 'DeploymentStatus',
            code: 'custom',
            field: 'description',
            message: 'description is too long (maximum is 140 characters)',
          },
        ],
      });
    }
    const environment = req.environment ?? d.statuses.at(-1)?.environment ?? d.environment;
    d.environment = environment;
    const status = this.pushStatus(d, {
      state: req.state,
      description: req.description ?? '',
      environment,
      logUrl: req.log_url ?? req.target_url ?? '',
      environmentUrl: req.environment_url ?? '',
      creator,
    });
    if (req.state === 'success' && req.auto_inactive !== false) {
      for (const prior of this.deployments) {
        if (prior.id >= d.id || prior.transient || prior.environment !== environment) continue;
        const last = prior.statuses.at(-1);
        if (last?.state === 'success') {
          this.pushStatus(prior, {
            ...last,
            state: 'inactive',
            description: '',
            environmentUrl: '',
            creator,
          });
        }
      }
    }
    return status;
  }

  private pushStatus(d: DeploymentRecord, s: Omit<StatusRecord, 'id' | 'createdAt'>): StatusRecord {
    const status: StatusRecord = { ...s, id: this.nextId++, createdAt: this.now() };
    d.statuses.push(status);
    d.updatedAt = status.createdAt;
    return status;
  }

  /** The environment called `name` ("Environment names are not case sensitive"), or a 404. */
  environment(name: string): EnvironmentRecord {
    const env = this.findEnvironment(name);
    if (!env) throw new GithubError(404, 'Not Found');
    return env;
  }

  private findEnvironment(name: string): EnvironmentRecord | undefined {
    const wanted = name.toLowerCase();
    return [...this.environments.values()].find((e) => e.name.toLowerCase() === wanted);
  }

  /** DELETE /environments/{name}; a 404 when there is none. */
  deleteEnvironment(name: string): void {
    this.environments.delete(this.environment(name).name);
  }

  /**
   * PUT /environments/{name}: creates or updates (names are case-insensitive); fields left out keep
   * their value. Checks what the docs
   * state: wait_timer 0–43200 minutes, up to six reviewers who exist, and protected_branches and
   * custom_branch_policies never both true or both false.
   */
  putEnvironment(name: string, req: EnvironmentRequest): EnvironmentRecord {
    const invalid = (message: string): GithubError => new GithubError(422, message);
    // "An environment name may not exceed 255 characters and must be unique within the repository."
    if (name.length < 1 || name.length > 255) throw invalid(`Invalid environment name: ${name}`);
    if (req.wait_timer !== undefined && (req.wait_timer < 0 || req.wait_timer > 43_200)) {
      throw invalid(
        'Failed to create the environment protection rule: Wait timer must be between 0 and 43200',
      );
    }
    const reviewers = req.reviewers ?? undefined;
    if (reviewers && reviewers.length > 6) throw invalid('Only 6 reviewers can be set');
    for (const r of reviewers ?? []) {
      const known = r.type === 'Team' ? this.setup.teamIds : this.setup.userIds;
      if (!r.type || r.id === undefined || !known.has(r.id)) {
        throw invalid(
          `Reviewer ${r.type ?? '?'} ${r.id ?? '?'} does not exist or has no access to the repository`,
        );
      }
    }
    const policy = req.deployment_branch_policy;
    if (policy && policy.protected_branches === policy.custom_branch_policies) {
      throw invalid(
        'Invalid deployment_branch_policy: protected_branches and custom_branch_policies cannot both be ' +
          String(policy.protected_branches),
      );
    }
    const at = this.now();
    const env = this.findEnvironment(name) ?? {
      id: this.nextId++,
      name,
      createdAt: at,
      updatedAt: at,
      waitTimer: 0,
      preventSelfReview: false,
      reviewers: [],
      branchPolicy: null,
      canAdminsBypass: true,
      policies: [],
    };
    env.updatedAt = at;
    if (req.wait_timer !== undefined) env.waitTimer = req.wait_timer;
    if (req.prevent_self_review !== undefined) env.preventSelfReview = req.prevent_self_review;
    if (reviewers)
      env.reviewers = reviewers.map((r) => ({ type: r.type ?? 'User', id: r.id ?? 0 }));
    if (req.can_admins_bypass !== undefined) env.canAdminsBypass = req.can_admins_bypass;
    if (policy !== undefined) {
      env.branchPolicy = policy;
      if (!policy?.custom_branch_policies) env.policies.splice(0);
    }
    this.environments.set(env.name, env);
    return env;
  }

  /** The environment's branch and tag policies; 404 unless it has custom_branch_policies. */
  policies(name: string): BranchPolicyRecord[] {
    const env = this.environment(name);
    if (!env.branchPolicy?.custom_branch_policies) throw new GithubError(404, 'Not Found');
    return env.policies;
  }

  /** POST .../deployment-branch-policies; `undefined` when that pattern exists already (GitHub's 303). */
  addPolicy(
    name: string,
    pattern: string,
    type: 'branch' | 'tag' = 'branch',
  ): BranchPolicyRecord | undefined {
    const policies = this.policies(name);
    if (policies.some((p) => p.name === pattern && p.type === type)) return undefined;
    const policy = { id: this.nextId++, name: pattern, type };
    policies.push(policy);
    return policy;
  }

  /** One branch policy, or a 404. */
  policy(name: string, id: number): BranchPolicyRecord {
    const found = this.policies(name).find((p) => p.id === id);
    if (!found) throw new GithubError(404, 'Not Found');
    return found;
  }
}
