/**
 * GitHub's JSON shapes (users, teams, repositories, commits), built the way api.github.com writes them
 * but with the fake's own base URL. Each carries the fields the OpenAPI description requires.
 */

/** Where the fake lives and which repository it serves. */
export interface Site {
  /** The fake's base URL; set once its server listens. */
  api: string;
  readonly owner: string;
  readonly repo: string;
  readonly repoId: number;
}

/** A user or team the fake knows, by login or slug and numeric id. */
export interface Account {
  readonly login: string;
  readonly id: number;
  readonly type?: 'User' | 'Bot' | 'Organization';
}
export interface TeamAccount {
  readonly slug: string;
  readonly id: number;
  readonly name?: string;
}

const WEB = 'https://github.com';

/** GitHub's node ids are base64 of `<type>:<id>` style keys; opaque to clients. */
export function nodeId(kind: string, id: number): string {
  return Buffer.from(`0${kind.length}:${kind}${id}`).toString('base64');
}

/** GitHub's timestamps: ISO 8601, UTC, whole seconds. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The `simple-user` shape. */
export function simpleUser(site: Site, a: Account): Record<string, unknown> {
  const url = `${site.api}/users/${a.login}`;
  return {
    login: a.login,
    id: a.id,
    node_id: nodeId('User', a.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${a.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${WEB}/${a.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: a.type ?? 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The `public-user` shape (GET /users/{username}). */
export function publicUser(site: Site, a: Account, created: string): Record<string, unknown> {
  return {
    ...simpleUser(site, a),
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 1,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: created,
    updated_at: created,
  };
}

/** The `team` shape (a reviewer), or `team-full` with `full` (GET /orgs/{org}/teams/{team_slug}). */
export function team(
  site: Site,
  t: TeamAccount,
  created: string,
  full = false,
): Record<string, unknown> {
  const url = `${site.api}/organizations/${site.repoId}/team/${t.id}`;
  const base = {
    id: t.id,
    node_id: nodeId('Team', t.id),
    url,
    html_url: `${WEB}/orgs/${site.owner}/teams/${t.slug}`,
    name: t.name ?? t.slug,
    slug: t.slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    type: 'organization',
    parent: null,
  };
  if (!full) return base;
  const org = `${site.api}/orgs/${site.owner}`;
  return {
    ...base,
    members_count: 1,
    repos_count: 1,
    created_at: created,
    updated_at: created,
    organization: {
      login: site.owner,
      id: site.repoId + 1,
      node_id: nodeId('Organization', site.repoId + 1),
      url: org,
      repos_url: `${org}/repos`,
      events_url: `${org}/events`,
      hooks_url: `${org}/hooks`,
      issues_url: `${org}/issues`,
      members_url: `${org}/members{/member}`,
      public_members_url: `${org}/public_members{/member}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${site.repoId + 1}?v=4`,
      description: null,
      html_url: `${WEB}/${site.owner}`,
      has_organization_projects: true,
      has_repository_projects: true,
      public_repos: 1,
      public_gists: 0,
      followers: 0,
      following: 0,
      type: 'Organization',
      created_at: created,
      updated_at: created,
      archived_at: null,
    },
  };
}

/** The `full-repository` shape (GET /repos/{owner}/{repo}). */
export function repository(
  site: Site,
  defaultBranch: string,
  created: string,
): Record<string, unknown> {
  const url = `${site.api}/repos/${site.owner}/${site.repo}`;
  const html = `${WEB}/${site.owner}/${site.repo}`;
  const owner = simpleUser(site, { login: site.owner, id: site.repoId + 1, type: 'Organization' });
  const templated = (name: string, suffix: string): [string, string] => [
    `${name}_url`,
    `${url}/${suffix}`,
  ];
  return {
    id: site.repoId,
    node_id: nodeId('Repository', site.repoId),
    name: site.repo,
    full_name: `${site.owner}/${site.repo}`,
    owner,
    private: true,
    visibility: 'private',
    html_url: html,
    description: null,
    fork: false,
    url,
    ...Object.fromEntries([
      templated('archive', '{archive_format}{/ref}'),
      templated('assignees', 'assignees{/user}'),
      templated('blobs', 'git/blobs{/sha}'),
      templated('branches', 'branches{/branch}'),
      templated('collaborators', 'collaborators{/collaborator}'),
      templated('comments', 'comments{/number}'),
      templated('commits', 'commits{/sha}'),
      templated('compare', 'compare/{base}...{head}'),
      templated('contents', 'contents/{+path}'),
      templated('contributors', 'contributors'),
      templated('deployments', 'deployments'),
      templated('downloads', 'downloads'),
      templated('events', 'events'),
      templated('forks', 'forks'),
      templated('git_commits', 'git/commits{/sha}'),
      templated('git_refs', 'git/refs{/sha}'),
      templated('git_tags', 'git/tags{/sha}'),
      templated('hooks', 'hooks'),
      templated('issue_comment', 'issues/comments{/number}'),
      templated('issue_events', 'issues/events{/number}'),
      templated('issues', 'issues{/number}'),
      templated('keys', 'keys{/key_id}'),
      templated('labels', 'labels{/name}'),
      templated('languages', 'languages'),
      templated('merges', 'merges'),
      templated('milestones', 'milestones{/number}'),
      templated('notifications', 'notifications{?since,all,participating}'),
      templated('pulls', 'pulls{/number}'),
      templated('releases', 'releases{/id}'),
      templated('stargazers', 'stargazers'),
      templated('statuses', 'statuses/{sha}'),
      templated('subscribers', 'subscribers'),
      templated('subscription', 'subscription'),
      templated('tags', 'tags'),
      templated('teams', 'teams'),
      templated('trees', 'git/trees{/sha}'),
    ]),
    clone_url: `${html}.git`,
    git_url: `git://github.com/${site.owner}/${site.repo}.git`,
    ssh_url: `git@github.com:${site.owner}/${site.repo}.git`,
    svn_url: html,
    mirror_url: null,
    homepage: null,
    language: 'TypeScript',
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 1,
    default_branch: defaultBranch,
    open_issues: 0,
    open_issues_count: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: created,
    created_at: created,
    updated_at: created,
    network_count: 0,
    subscribers_count: 1,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
  };
}

/** The `commit` shape of a compare answer, for a commit of the fake's linear history. */
export function commit(
  site: Site,
  sha: string,
  parent: string | undefined,
  date: string,
): Record<string, unknown> {
  const url = `${site.api}/repos/${site.owner}/${site.repo}/commits/${sha}`;
  const person = { name: 'Octo Dev', email: 'dev@example.test', date };
  return {
    url,
    sha,
    node_id: nodeId('Commit', parseInt(sha.slice(0, 8), 16)),
    html_url: `${WEB}/${site.owner}/${site.repo}/commit/${sha}`,
    comments_url: `${url}/comments`,
    commit: {
      url: `${site.api}/repos/${site.owner}/${site.repo}/git/commits/${sha}`,
      author: person,
      committer: person,
      message: `commit ${sha.slice(0, 7)}`,
      tree: { sha, url: `${site.api}/repos/${site.owner}/${site.repo}/git/trees/${sha}` },
      comment_count: 0,
    },
    author: null,
    committer: null,
    parents: parent
      ? [{ sha: parent, url: `${site.api}/repos/${site.owner}/${site.repo}/commits/${parent}` }]
      : [],
  };
}
