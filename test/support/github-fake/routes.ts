/**
 * The operations the fake serves, by OpenAPI operationId: each turns a validated request into GitHub's
 * answer (status, JSON body, headers such as Link).
 */
import { commit, publicUser, repository, team } from './objects.js';
import {
  GithubError,
  type DeploymentRequest,
  type EnvironmentRequest,
  type StatusRequest,
} from './records.js';
import {
  renderDeployment,
  renderEnvironment,
  renderPolicy,
  renderStatus,
  repoBase,
  type RenderContext,
} from './render.js';
import type { RepoState } from './state.js';

/** What a handler sees: the validated request, the fake's state, and what rendering needs. */
export interface RouteContext extends RenderContext {
  readonly state: RepoState;
  readonly params: Record<string, string>;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
  /** The request URL as the client sent it (for Link headers). */
  readonly url: URL;
}

/** A handler's answer; `body` undefined means no body (204, 303). */
export interface RouteAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

type Handler = (c: RouteContext) => RouteAnswer;

/** The permission (GitHub App style) each write operation needs; reads need a valid token only. */
export const WRITE_PERMISSIONS: Record<string, [string, 'read' | 'write']> = {
  'repos/create-deployment': ['deployments', 'write'],
  'repos/delete-deployment': ['deployments', 'write'],
  'repos/create-deployment-status': ['deployments', 'write'],
  'repos/create-or-update-environment': ['administration', 'write'],
  'repos/delete-an-environment': ['administration', 'write'],
  'repos/create-deployment-branch-policy': ['administration', 'write'],
  'repos/update-deployment-branch-policy': ['administration', 'write'],
  'repos/delete-deployment-branch-policy': ['administration', 'write'],
};

/**
 * One page of `items` as GitHub pages lists: `per_page` (default 30, at most 100) and `page`, with a Link
 * header `<url>; rel="prev", <url>; rel="next", <url>; rel="last", <url>; rel="first"` (those that apply).
 */
export function paginate<T>(
  c: RouteContext,
  items: readonly T[],
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(c.query.per_page ?? 30)));
  const page = Math.max(1, Number(c.query.page ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number): string => {
    const u = new URL(c.url);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(n));
    return `<${u.toString()}>`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(`${link(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) parts.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  if (page > 1) parts.push(`${link(1)}; rel="first"`);
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: parts.length ? { link: parts.join(', ') } : {},
  };
}

const ok = (body: unknown, status = 200, headers: Record<string, string> = {}): RouteAnswer => ({
  status,
  body,
  headers,
});
const id = (c: RouteContext, name: string): number => Number(c.params[name]);

function compare(c: RouteContext, base: string, head: string): RouteAnswer {
  const { commits } = c.state.setup;
  const [b, h] = [c.state.resolve(base), c.state.resolve(head)];
  if (!b || !h) throw new GithubError(404, 'Not Found');
  const [bi, hi] = [commits.indexOf(b), commits.indexOf(h)];
  const render = (i: number): Record<string, unknown> =>
    commit(c.site, commits[i] ?? '', commits[i - 1], c.created);
  const ahead = Math.max(0, hi - bi);
  const behind = Math.max(0, bi - hi);
  const url = `${repoBase(c.site)}/compare/${base}...${head}`;
  const html = `https://github.com/${c.site.owner}/${c.site.repo}/compare/${base}...${head}`;
  return ok({
    url,
    html_url: html,
    permalink_url: `https://github.com/${c.site.owner}/${c.site.repo}/compare/${b.slice(0, 7)}...${h.slice(0, 7)}`,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    base_commit: render(bi),
    merge_base_commit: render(Math.min(bi, hi)),
    status: ahead > 0 ? 'ahead' : behind > 0 ? 'behind' : 'identical',
    ahead_by: ahead,
    behind_by: behind,
    total_commits: ahead,
    commits: Array.from({ length: ahead }, (_, k) => render(bi + 1 + k)),
    files: [],
  });
}

/** The handlers, by operationId. */
export const ROUTES: Record<string, Handler> = {
  'repos/get': (c) => ok(repository(c.site, c.state.setup.defaultBranch, c.created)),
  'repos/compare-commits-with-basehead': (c) => {
    const [base, head] = (c.params.basehead ?? '').split('...');
    if (base === undefined || head === undefined) throw new GithubError(404, 'Not Found');
    return compare(c, base, head);
  },
  'repos/compare-commits': (c) => compare(c, c.params.base ?? '', c.params.head ?? ''),
  'users/get-by-username': (c) => {
    const user = c.users.find(
      (u) => u.login.toLowerCase() === (c.params.username ?? '').toLowerCase(),
    );
    if (!user) throw new GithubError(404, 'Not Found');
    return ok(publicUser(c.site, user, c.created));
  },
  'teams/get-by-name': (c) => {
    const found = c.teams.find((t) => t.slug === c.params.team_slug);
    if (!found || c.params.org !== c.site.owner) throw new GithubError(404, 'Not Found');
    return ok(team(c.site, found, c.created, true));
  },

  'repos/create-deployment': (c) => {
    const made = c.state.createDeployment(c.body as DeploymentRequest, c.actor.login);
    return 'merged' in made
      ? ok({ message: made.merged }, 202)
      : ok(renderDeployment(c, made), 201);
  },
  'repos/list-deployments': (c) => {
    const filter = (k: string): string | undefined => {
      const v = c.query[k];
      return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
    };
    const all = c.state.listDeployments({
      sha: filter('sha'),
      ref: filter('ref'),
      task: filter('task'),
      environment: filter('environment'),
    });
    const { page, headers } = paginate(c, all);
    return ok(
      page.map((d) => renderDeployment(c, d)),
      200,
      headers,
    );
  },
  'repos/get-deployment': (c) =>
    ok(renderDeployment(c, c.state.deployment(id(c, 'deployment_id')))),
  'repos/delete-deployment': (c) => (
    c.state.deleteDeployment(id(c, 'deployment_id')),
    { status: 204 }
  ),
  'repos/create-deployment-status': (c) => {
    const d = c.state.deployment(id(c, 'deployment_id'));
    const s = c.state.addStatus(d.id, c.body as StatusRequest, c.actor.login);
    return ok(renderStatus(c, d, s), 201, {
      location: `${repoBase(c.site)}/deployments/${d.id}/statuses/${s.id}`,
    });
  },
  'repos/list-deployment-statuses': (c) => {
    const d = c.state.deployment(id(c, 'deployment_id'));
    const { page, headers } = paginate(c, [...d.statuses].reverse());
    return ok(
      page.map((s) => renderStatus(c, d, s)),
      200,
      headers,
    );
  },
  'repos/get-deployment-status': (c) => {
    const d = c.state.deployment(id(c, 'deployment_id'));
    const s = d.statuses.find((x) => x.id === id(c, 'status_id'));
    if (!s) throw new GithubError(404, 'Not Found');
    return ok(renderStatus(c, d, s));
  },

  'repos/get-all-environments': (c) => {
    const all = [...c.state.environments.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { page, headers } = paginate(c, all);
    return ok(
      { total_count: all.length, environments: page.map((e) => renderEnvironment(c, e)) },
      200,
      headers,
    );
  },
  'repos/get-environment': (c) =>
    ok(renderEnvironment(c, c.state.environment(c.params.environment_name ?? ''))),
  'repos/create-or-update-environment': (c) =>
    ok(
      renderEnvironment(
        c,
        c.state.putEnvironment(
          c.params.environment_name ?? '',
          (c.body as EnvironmentRequest | undefined) ?? {},
        ),
      ),
    ),
  'repos/delete-an-environment': (c) => {
    c.state.deleteEnvironment(c.params.environment_name ?? '');
    return { status: 204 };
  },
  'repos/list-deployment-branch-policies': (c) => {
    const all = c.state.policies(c.params.environment_name ?? '');
    const { page, headers } = paginate(c, all);
    return ok({ total_count: all.length, branch_policies: page.map(renderPolicy) }, 200, headers);
  },
  'repos/create-deployment-branch-policy': (c) => {
    const body = c.body as { name: string; type?: 'branch' | 'tag' };
    const made = c.state.addPolicy(c.params.environment_name ?? '', body.name, body.type);
    return made ? ok(renderPolicy(made)) : { status: 303 };
  },
  'repos/get-deployment-branch-policy': (c) =>
    ok(renderPolicy(c.state.policy(c.params.environment_name ?? '', id(c, 'branch_policy_id')))),
  'repos/update-deployment-branch-policy': (c) => {
    const policy = c.state.policy(c.params.environment_name ?? '', id(c, 'branch_policy_id'));
    policy.name = (c.body as { name: string }).name;
    return ok(renderPolicy(policy));
  },
  'repos/delete-deployment-branch-policy': (c) => {
    const policies = c.state.policies(c.params.environment_name ?? '');
    policies.splice(
      policies.indexOf(c.state.policy(c.params.environment_name ?? '', id(c, 'branch_policy_id'))),
      1,
    );
    return { status: 204 };
  },
};
