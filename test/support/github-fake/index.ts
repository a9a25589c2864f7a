/**
 * A fake GitHub REST API on loopback for tests of our GitHub integration. Every request and every answer
 * is checked against GitHub's OpenAPI description; whatever it does not document lands in `violations`
 * and is answered as GitHub would (404, 422). Point `GITHUB_API_URL` (or Octokit's `baseUrl`) at `url`.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  allows,
  authenticate,
  faultAnswer,
  Faults,
  requestId,
  standardHeaders,
  type CannedAnswer,
  type FaultRule,
  type Permissions,
} from './faults.js';
import { timestamp, type Account, type Site, type TeamAccount } from './objects.js';
import {
  checkParameters,
  checkRequestBody,
  checkResponse,
  matchRoute,
  type RouteMatch,
} from './openapi.js';
import { ROUTES, WRITE_PERMISSIONS, type RouteAnswer } from './routes.js';
import { GithubError, type DeploymentRecord } from './records.js';
import { RepoState } from './state.js';

export type { FaultAnswer, FaultRule, Permissions } from './faults.js';
export type { DeploymentRecord, EnvironmentRecord, StatusRecord } from './records.js';
export type { RepoState } from './state.js';

/** How the fake starts; every field has a default. */
export interface GithubFakeOptions {
  /** Default `octo-org`. */
  readonly owner?: string;
  /** Default `service`. */
  readonly repo?: string;
  /**
   * Tokens and their permissions. Default: `ghs_full` (deployments and administration write, contents
   * read) and `ghs_nodeploy` (contents read).
   */
  readonly tokens?: Readonly<Record<string, Permissions>>;
  /** The repository's linear history, oldest first (full shas). Default: five made-up commits. */
  readonly commits?: readonly string[];
  /** Branches and tags → sha. Default: the default branch at the newest commit. */
  readonly refs?: Readonly<Record<string, string>>;
  /**
   * Which names in `refs` are branches other than the default one: deploying one that is behind the
   * default branch with `auto_merge` (GitHub's default) gets GitHub's 202 merge answer. Default: none.
   */
  readonly branches?: readonly string[];
  /** Default `main`. */
  readonly defaultBranch?: string;
  /** Commit statuses by sha: context → state (`success`, `failure`, `pending`, ...). */
  readonly commitStatuses?: Readonly<Record<string, Record<string, string>>>;
  /** Users GitHub knows (reviewers, /users/{username}). */
  readonly users?: readonly Account[];
  /** Teams of `owner` (reviewers, /orgs/{org}/teams/{team_slug}). */
  readonly teams?: readonly TeamAccount[];
  /** Who the tokens act as; creator of deployments and statuses. Default `github-actions[bot]`. */
  readonly actor?: Account;
}

/** One request the fake served. */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: unknown;
  status: number;
}

/** A running fake GitHub. */
export interface GithubFake {
  /** `http://127.0.0.1:<port>`: the API base URL. */
  readonly url: string;
  /** What did not match GitHub's OpenAPI description; tests assert it stays empty. */
  readonly violations: string[];
  readonly requests: LoggedRequest[];
  /** What GitHub holds: deployments (with statuses), environments; its methods apply GitHub's rules. */
  readonly state: RepoState;
  /** The commits of the repository, oldest first. */
  readonly commits: readonly string[];
  /** Deployments to `environment`, oldest first, each with its statuses (oldest first). */
  deploymentsOf(environment: string): DeploymentRecord[];
  /** Scripts a fault for the next matching requests. */
  failNext(rule: FaultRule): void;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

function sha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/** Starts a fake GitHub on 127.0.0.1 with a random port. */
export async function startGithubFake(options: GithubFakeOptions = {}): Promise<GithubFake> {
  const commits = options.commits ?? Array.from({ length: 5 }, (_, i) => sha(`commit-${i}`));
  const defaultBranch = options.defaultBranch ?? 'main';
  const users = options.users ?? [
    { login: 'octo-dev', id: 1001 },
    { login: 'octo-lead', id: 1002 },
  ];
  const teams = options.teams ?? [{ slug: 'release-managers', id: 2001, name: 'Release Managers' }];
  const actor = options.actor ?? { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
  const tokens = options.tokens ?? {
    ghs_full: { deployments: 'write', administration: 'write', contents: 'read' },
    ghs_nodeploy: { contents: 'read' },
  };
  const now = (): string => timestamp(new Date());
  const created = now();
  const state = new RepoState(
    {
      commits,
      refs: { ...(options.refs ?? { [defaultBranch]: commits.at(-1) ?? '' }) },
      branches: new Set([defaultBranch, ...(options.branches ?? [])]),
      defaultBranch,
      commitStatuses: { ...options.commitStatuses },
      userIds: new Set(users.map((u) => u.id)),
      teamIds: new Set(teams.map((t) => t.id)),
    },
    now,
  );
  const violations: string[] = [];
  const requests: LoggedRequest[] = [];
  const faults = new Faults();
  const site: Site = {
    api: '',
    owner: options.owner ?? 'octo-org',
    repo: options.repo ?? 'service',
    repoId: 70_000_001,
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', site.api);
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const query = Object.fromEntries(url.searchParams);
    const parsed = parseJson(raw);
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      query: { ...query },
      body: parsed === INVALID ? raw : parsed,
      status: 0,
    };
    requests.push(entry);
    const id = requestId();
    const send = (a: RouteAnswer | CannedAnswer): void => {
      entry.status = a.status;
      const headers = { ...standardHeaders(id, requests.length, Date.now()), ...a.headers };
      res
        .writeHead(a.status, headers)
        .end(a.body === undefined ? undefined : JSON.stringify(a.body));
    };
    const match = matchRoute(method, url.pathname);
    const route = typeof match === 'object' ? match : undefined;
    const fault = faults.take(method, url.pathname, route?.operation.template);
    if (typeof fault === 'object') await new Promise((r) => setTimeout(r, fault.delay));
    else if (fault) return send(faultAnswer(fault, id, Date.now()));
    const auth = authenticate(req.headers.authorization, tokens);
    if ('status' in auth) return send(auth);
    const violation = (what: string): void =>
      void violations.push(`${method} ${url.pathname}: ${what}`);
    if (!route) {
      violation(
        match
          ? `${method} is not documented for this path`
          : 'no documented operation has this path',
      );
      return send(error(404, 'Not Found', 'https://docs.github.com/rest'));
    }
    send(answer(route, raw, query, url, auth.permissions, violation));
  };

  const answer = (
    route: RouteMatch,
    raw: string,
    query: Record<string, unknown>,
    url: URL,
    permissions: Permissions,
    violation: (what: string) => void,
  ): RouteAnswer | CannedAnswer => {
    const op = route.operation;
    const docs = op.docsUrl;
    const pathProblems = checkParameters(op, 'path', route.params);
    if (pathProblems.length)
      return (pathProblems.forEach(violation), error(404, 'Not Found', docs));
    checkParameters(op, 'query', query).forEach(violation);
    let body: unknown;
    if (raw.length) {
      body = parseJson(raw);
      if (body === INVALID)
        return (violation('body is not JSON'), error(400, 'Problems parsing JSON', docs));
    }
    const bodyProblems = checkRequestBody(op, body);
    if (bodyProblems.length) {
      bodyProblems.forEach(violation);
      return error(422, `Invalid request.\n\n${bodyProblems.join('\n')}`, docs);
    }
    const needed = WRITE_PERMISSIONS[op.operationId];
    if (needed && !allows(permissions, ...needed))
      return error(403, 'Resource not accessible by integration', docs);
    const handler = ROUTES[op.operationId];
    if (!handler)
      return (
        violation(`${op.operationId} is documented but the fake does not serve it`),
        error(404, 'Not Found', docs)
      );
    const { owner, repo } = route.params;
    if (
      owner !== undefined &&
      (owner.toLowerCase() !== site.owner.toLowerCase() ||
        repo?.toLowerCase() !== site.repo.toLowerCase())
    ) {
      return error(404, 'Not Found', docs);
    }
    let result: RouteAnswer;
    try {
      result = handler({
        site,
        state,
        params: route.params,
        query,
        body,
        url,
        actor,
        users,
        teams,
        created,
      });
    } catch (e) {
      if (!(e instanceof GithubError)) {
        violation(`the fake failed: ${e instanceof Error ? e.message : String(e)}`);
        return error(500, 'Server Error', docs);
      }
      result = error(e.status, e.message, docs, e.extra);
    }
    checkResponse(op, result.status, result.body).forEach((p) => violation(`our answer: ${p}`));
    return result;
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((e: unknown) => {
      violations.push(`${req.method} ${req.url}: the fake failed: ${String(e)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: site.api,
    violations,
    requests,
    state,
    commits,
    deploymentsOf: (environment) => state.deployments.filter((d) => d.environment === environment),
    failNext: (rule) => faults.add(rule),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

const INVALID = Symbol('invalid JSON');

function parseJson(raw: string): unknown {
  if (!raw.length) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return INVALID;
  }
}

function error(
  status: number,
  message: string,
  docs: string,
  extra: Record<string, unknown> = {},
): CannedAnswer {
  return {
    status,
    headers: {},
    body: { message, documentation_url: docs, ...extra, status: String(status) },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
