export const id = 232;
export const ids = [232];
export const modules = {

/***/ 9232:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEPLOYMENTS_PERMISSIONS: () => (/* reexport */ DEPLOYMENTS_PERMISSIONS),
  DESCRIPTION_LIMIT: () => (/* reexport */ DESCRIPTION_LIMIT),
  GITHUB_ENVIRONMENT_KEYS: () => (/* reexport */ environments_config/* GITHUB_ENVIRONMENT_KEYS */.$N),
  MAX_COMMITS: () => (/* reexport */ MAX_COMMITS),
  MAX_REVIEWERS: () => (/* reexport */ environments_config/* MAX_REVIEWERS */.iP),
  MAX_WAIT_TIMER_MINUTES: () => (/* reexport */ environments_config/* MAX_WAIT_TIMER_MINUTES */.Le),
  apiUrlFrom: () => (/* reexport */ apiUrlFrom),
  applyEnvironments: () => (/* reexport */ applyEnvironments),
  approvalPlan: () => (/* reexport */ approvalPlan),
  createDeploymentRecorder: () => (/* reexport */ createDeploymentRecorder),
  createGithubClient: () => (/* reexport */ createGithubClient),
  disabledRecorder: () => (/* reexport */ disabledRecorder),
  fitDescription: () => (/* reexport */ fitDescription),
  gotAnswer: () => (/* reexport */ gotAnswer),
  isProductionEnvironment: () => (/* reexport */ isProductionEnvironment),
  latestStatus: () => (/* reexport */ latestStatus),
  listDeployments: () => (/* reexport */ listDeployments),
  markdownText: () => (/* reexport */ markdownText),
  parseGithubProtection: () => (/* reexport */ environments_config/* parseGithubProtection */.ac),
  parsePayload: () => (/* reexport */ parsePayload),
  permissionProblem: () => (/* reexport */ permissionProblem),
  planEnvironments: () => (/* reexport */ planEnvironments),
  planIsEmpty: () => (/* reexport */ planIsEmpty),
  readDeploymentLog: () => (/* reexport */ readDeploymentLog),
  renderPlan: () => (/* reexport */ renderPlan),
  repositoryFrom: () => (/* reexport */ repositoryFrom),
  reviewerLabel: () => (/* reexport */ environments_config/* reviewerLabel */.kz),
  runContextFrom: () => (/* reexport */ runContextFrom),
  serverUrlFrom: () => (/* reexport */ serverUrlFrom),
  statusOf: () => (/* reexport */ statusOf),
  waitTimerLabel: () => (/* reexport */ environments_config/* waitTimerLabel */.VQ)
});

// EXTERNAL MODULE: ./packages/kit/src/index.ts + 12 modules
var src = __webpack_require__(5416);
;// CONCATENATED MODULE: ./packages/github/src/context.ts
/**
 * The repository and the run, read from the runner's environment (the `GITHUB_*` variables every
 * job gets). A pure function of an env record, so tests hand it a table and the CLI its own env.
 */

const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const missing = (name, what) => new src/* ActionError */.lZ(`${name} is not set: ${what}. It is set in every GitHub Actions job; outside one, set it yourself`);
/** A required variable, trimmed; an {@link ActionError} naming it when it is unset or blank. */
function required(env, name, what) {
    const value = env[name]?.trim();
    if (!value)
        throw missing(name, what);
    return value;
}
/** `owner/repo` from `GITHUB_REPOSITORY`, checked against GitHub's naming rules. */
function repositoryFrom(env) {
    const full = required(env, 'GITHUB_REPOSITORY', 'the repository as owner/repo');
    const [owner = '', repo = '', ...rest] = full.split('/');
    if (rest.length > 0 || !NAME.test(owner) || !NAME.test(repo) || repo === '.' || repo === '..')
        throw new src/* ActionError */.lZ(`GITHUB_REPOSITORY is ${JSON.stringify(full)}, not owner/repo (letters, digits, '-', '_', '.')`);
    return { owner, repo };
}
/** The server's URL from `GITHUB_SERVER_URL` (default `https://github.com`), without a trailing `/`. */
function serverUrlFrom(env) {
    const raw = env.GITHUB_SERVER_URL?.trim() || 'https://github.com';
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw new src/* ActionError */.lZ(`GITHUB_SERVER_URL is ${JSON.stringify(raw)}, not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        throw new src/* ActionError */.lZ(`GITHUB_SERVER_URL is ${JSON.stringify(raw)}: use an http(s) URL`);
    if (url.username || url.password || url.search || url.hash)
        throw new src/* ActionError */.lZ('GITHUB_SERVER_URL must be a plain server URL (no credentials, query or fragment)');
    return url.href.replace(/\/+$/, '');
}
/** A whole number in a variable, checked against its range. */
function count(env, name, what, min, fallback) {
    const raw = env[name]?.trim() || fallback;
    if (raw === undefined)
        throw missing(name, what);
    const n = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= min))
        throw new src/* ActionError */.lZ(`${name} is ${JSON.stringify(raw)}, not ${what} (a whole number ≥ ${min})`);
    return n;
}
/**
 * The run context from the runner's variables: `GITHUB_REPOSITORY`, `GITHUB_SERVER_URL`,
 * `GITHUB_RUN_ID`, `GITHUB_RUN_ATTEMPT` (default 1), `GITHUB_SHA`, `GITHUB_REF`, `GITHUB_ACTOR`,
 * `GITHUB_WORKFLOW`, `GITHUB_EVENT_NAME`. Throws an {@link ActionError} naming the first variable that is
 * missing or malformed.
 */
function runContextFrom(env) {
    const { owner, repo } = repositoryFrom(env);
    const serverUrl = serverUrlFrom(env);
    const runId = String(count(env, 'GITHUB_RUN_ID', 'the run id', 1));
    const runAttempt = count(env, 'GITHUB_RUN_ATTEMPT', 'the run attempt', 1, '1');
    const sha = required(env, 'GITHUB_SHA', 'the commit the run is for').toLowerCase();
    if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha))
        throw new src/* ActionError */.lZ(`GITHUB_SHA is ${JSON.stringify(sha)}, not a commit id (40 hex digits)`);
    const ref = required(env, 'GITHUB_REF', 'the ref the run is for (refs/heads/…, refs/tags/…)');
    if (!ref.startsWith('refs/') || /[\s\\~^:?*[]|\.\.|@\{/.test(ref) || src/* CONTROL */.W3.test(ref))
        throw new src/* ActionError */.lZ(`GITHUB_REF is ${JSON.stringify(ref)}, not a git ref (refs/…)`);
    const attempt = runAttempt > 1 ? `/attempts/${runAttempt}` : '';
    return {
        owner,
        repo,
        serverUrl,
        runId,
        runAttempt,
        runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}${attempt}`,
        sha,
        ref,
        actor: required(env, 'GITHUB_ACTOR', 'who started the run'),
        workflow: env.GITHUB_WORKFLOW?.trim() ?? '',
        eventName: required(env, 'GITHUB_EVENT_NAME', 'the event that started the run'),
    };
}

// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(9735);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var plugin_throttling_dist_bundle = __webpack_require__(6856);
// EXTERNAL MODULE: ./node_modules/@octokit/rest/dist-src/index.js + 21 modules
var dist_src = __webpack_require__(9988);
// EXTERNAL MODULE: ./packages/probe/src/index.ts + 10 modules
var probe_src = __webpack_require__(3583);
;// CONCATENATED MODULE: ./packages/github/src/client.ts
/**
 * The GitHub client: Octokit (`@octokit/rest`) with `@octokit/plugin-retry` (5xx and network
 * failures, bounded) and `@octokit/plugin-throttling` (primary and secondary rate limits, honouring
 * `retry-after`, bounded), `GITHUB_API_URL` honoured (GitHub Enterprise Server), a timeout on every
 * request, and `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` honoured by the rules every client shares
 * (@switchyard/probe's `proxiedFetch`).
 */





const GithubOctokit = dist_src/* Octokit */.E.plugin(dist_bundle/* retry */.L, plugin_throttling_dist_bundle/* throttling */.A);
/** Retries after a rate limit, at most. */
const RATE_LIMIT_RETRIES = 2;
/** A rate limit that asks for a longer wait than this (seconds) is not waited out: the call fails. */
const MAX_RATE_LIMIT_WAIT_S = 60;
const DEFAULT_API_URL = 'https://api.github.com';
/** The REST API's base URL from `GITHUB_API_URL` (GitHub Enterprise Server: `https://host/api/v3`). */
function apiUrlFrom(env) {
    const raw = env.GITHUB_API_URL?.trim() || DEFAULT_API_URL;
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw new src/* ActionError */.lZ(`GITHUB_API_URL is ${JSON.stringify(raw)}, not a URL`);
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
        throw new src/* ActionError */.lZ(`GITHUB_API_URL is ${JSON.stringify(url.protocol)}…: use an http(s) URL without credentials`);
    return url.href.replace(/\/+$/, '');
}
/**
 * A `fetch` that gives up after `timeoutMs` and says why a request got no answer (`fetch failed`
 * alone names neither the host nor the cause); through a proxy when `env`'s proxy variables send
 * the request to one (`proxiedFetch`).
 */
function boundedFetch(timeoutMs, env) {
    const base = (0,probe_src/* proxiedFetch */.iR)(env);
    return async (input, init) => {
        const timeout = AbortSignal.timeout(timeoutMs);
        const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
        const host = new URL(input instanceof Request ? input.url : String(input)).host;
        try {
            return await base(input, { ...init, signal });
        }
        catch (error) {
            if (timeout.aborted)
                throw new Error(`${host} gave no answer within ${timeoutMs / 1000} s`, { cause: error });
            // fetch's TypeError may come from another realm (a test's VM): read its fields, not instanceof.
            const e = error;
            const said = typeof e?.message === 'string' ? e.message : (0,src/* errorMessage */.gJ)(error);
            const why = typeof e?.cause?.code === 'string' ? e.cause.code : e?.cause?.message;
            const because = typeof why === 'string' ? ` (${why})` : '';
            throw new Error(`could not reach ${host}: ${said}${because}`, { cause: error });
        }
    };
}
/** A whole number option checked against its range (an {@link InputError} names it). */
function ranged(name, value, min, max, fallback) {
    if (value === undefined)
        return fallback;
    if (!Number.isInteger(value) || value < min || value > max)
        throw new src/* InputError */.dz(name, value, `is out of range`, `Use a whole number from ${min} to ${max}`);
    return value;
}
/**
 * The GitHub client for `token`. The token is registered as a secret first. Every request has a
 * timeout; 5xx answers and network failures are retried `retries` times; rate limits (403/429 with
 * `retry-after` or an exhausted quota) are waited out twice at most, and never longer than 60 s, with
 * a warning each time.
 */
function createGithubClient(options) {
    const token = options.token.trim();
    options.setSecret(token);
    if (!token)
        throw new src/* InputError */.dz('token', '', 'is empty', 'Pass a token (github.token by default)');
    const timeoutMs = ranged('timeoutMs', options.timeoutMs, 1_000, 120_000, 10_000);
    const retries = ranged('retries', options.retries, 0, 3, 2);
    const { log } = options;
    const onLimit = (kind) => (retryAfter, request, _o, retryCount) => {
        const what = `GitHub ${kind} on ${request.method} ${request.url}`;
        if (retryCount >= RATE_LIMIT_RETRIES || retryAfter > MAX_RATE_LIMIT_WAIT_S) {
            log.warning(`${what}: not retrying (asked to wait ${retryAfter} s, retry ${retryCount + 1})`);
            return false;
        }
        log.warning(`${what}: retrying in ${retryAfter} s`);
        return true;
    };
    return new GithubOctokit({
        auth: token,
        baseUrl: apiUrlFrom(options.env),
        userAgent: options.userAgent ?? 'switchyard',
        // Not `request.retries`: plugin-retry would then retry every failure, 403 and 404 included.
        request: { fetch: boundedFetch(timeoutMs, options.env) },
        // 429 is the throttling plugin's (it honours the reset time); plugin-retry would retry it after 1 s.
        retry: { retries, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
        throttle: {
            onRateLimit: onLimit('rate limit'),
            onSecondaryRateLimit: onLimit('secondary rate limit'),
        },
        log: {
            debug: (m) => log.debug(m),
            info: (m) => log.debug(m),
            warn: (m) => log.warning(m),
            // Octokit logs every refused request as an error; what a refusal means is the caller's to say.
            error: (m) => log.debug(m),
        },
    });
}

;// CONCATENATED MODULE: ./packages/github/src/permissions.ts
/**
 * What a refusal from GitHub means, said with the fix: the exact `permissions:` block a job needs,
 * or the kind of token an API wants that the job's `GITHUB_TOKEN` can never be.
 */

/** The `permissions:` block a job that records deployments needs (and no more). */
const DEPLOYMENTS_PERMISSIONS = [
    'permissions:',
    '  contents: read',
    '  deployments: write',
].join('\n');
/** An error's HTTP status, when it carries one (Octokit's `RequestError` does). */
function statusOf(error) {
    const status = error?.status;
    return typeof status === 'number' ? status : undefined;
}
/** Whether the call got an HTTP answer at all (Octokit reports a network failure or timeout as 500 without a response). */
function gotAnswer(error) {
    return !!error?.response;
}
/** GitHub's message from a refusal, on one line and short. */
function githubSays(error) {
    // Octokit appends " - <documentation_url>" to GitHub's message.
    const message = ((0,src/* errorMessage */.gJ)(error).split(/\r?\n/)[0] ?? '').replace(/ - https?:\/\/\S+$/, '');
    return message.length > 200 ? `${message.slice(0, 197)}...` : message;
}
/**
 * The explanation and fix for a refusal caused by the token's permissions, or `undefined` when
 * `error` is something else. A 403 "Resource not accessible by integration", or a 404 (GitHub answers
 * 404 where the token may not see the resource), on `access`'s endpoints.
 */
function permissionProblem(error, access) {
    const status = statusOf(error);
    if (!gotAnswer(error))
        return undefined;
    const said = githubSays(error);
    if (status === 401)
        return `GitHub refused the token (401: ${said}): it is expired, revoked or not a token; check the token input`;
    const refused = status === 404 || (status === 403 && /not accessible|must have|permission/i.test(said));
    if (!refused)
        return undefined;
    // GitHub answers 404 where the token may not see the resource; the repository may also be wrong.
    const orMissing = status === 404 ? ', or cannot see the repository' : '';
    if (access === 'deployments')
        return (`the token may not write deployments${orMissing} (${status}: ${said}). ` +
            `Give the job this block (under the job, beside environment:):\n${DEPLOYMENTS_PERMISSIONS}`);
    return (`the token may not manage environments${orMissing} (${status}: ${said}). That needs "Administration: write" ` +
        `on the repository, which a job's GITHUB_TOKEN can never have: pass a fine-grained personal ` +
        `access token or a GitHub App installation token with that permission as the token input`);
}

;// CONCATENATED MODULE: ./packages/github/src/record-log.ts
/** Deployments per page when listing an environment (GitHub's maximum is 100). */
const PER_PAGE = 30;
const record_log_text = (v, max = 300) => typeof v === 'string' ? (v.length > max ? `${v.slice(0, max - 1)}…` : v) : '';
const record = (v) => v && typeof v === 'object' && !Array.isArray(v) ? v : {};
/** A Deployment's payload (an object, or JSON text on older ones) as ours; foreign ones read as ''. */
function parsePayload(raw) {
    let o = record(raw);
    if (typeof raw === 'string' && raw.length <= 65_536) {
        try {
            o = record(JSON.parse(raw));
        }
        catch {
            o = {};
        }
    }
    return {
        version: record_log_text(o.version, 200),
        digest: record_log_text(o.digest, 200),
        color: record_log_text(o.color, 50),
        target: record_log_text(o.target, 100),
        deployId: record_log_text(o.deployId, 500),
        previousVersion: record_log_text(o.previousVersion, 200),
        actor: record_log_text(o.actor, 100),
        rollbackOf: record_log_text(o.rollbackOf, 500),
    };
}
/**
 * An environment's Deployments, newest first, `pages` pages of 30 at most (optionally only those for
 * `sha`). The bound keeps a long history from costing a deploy many calls.
 */
async function listDeployments(octokit, repository, environment, options = {}) {
    const found = [];
    const pages = Math.max(1, Math.min(10, options.pages ?? 1));
    for (let page = 1; page <= pages; page++) {
        const { data } = await octokit.rest.repos.listDeployments({
            ...repository,
            environment,
            ...(options.sha ? { sha: options.sha } : {}),
            per_page: PER_PAGE,
            page,
        });
        for (const d of Array.isArray(data) ? data : []) {
            if (typeof d.id !== 'number')
                continue;
            found.push({
                id: d.id,
                sha: record_log_text(d.sha, 64),
                ref: record_log_text(d.ref, 300),
                createdAt: record_log_text(d.created_at, 40),
                creator: record_log_text(d.creator?.login, 100),
                payload: parsePayload(d.payload),
            });
        }
        if (!Array.isArray(data) || data.length < PER_PAGE)
            break;
    }
    return found.sort((a, b) => b.id - a.id);
}
/** A Deployment's newest status (by id: GitHub's ids grow), or undefined when it has none. */
async function latestStatus(octokit, repository, deploymentId) {
    const { data } = await octokit.rest.repos.listDeploymentStatuses({
        ...repository,
        deployment_id: deploymentId,
        per_page: 30,
    });
    const statuses = (Array.isArray(data) ? data : []).filter((s) => typeof s.id === 'number');
    const newest = statuses.sort((a, b) => b.id - a.id)[0];
    if (!newest)
        return undefined;
    return {
        id: newest.id,
        state: record_log_text(newest.state, 30),
        description: record_log_text(newest.description, 200),
        createdAt: record_log_text(newest.created_at, 40),
        logUrl: record_log_text(newest.log_url, 500) || record_log_text(newest.target_url, 500),
        environmentUrl: record_log_text(newest.environment_url, 500),
    };
}
/**
 * The GitHub record of `environment` for `switchyard log`: its newest Deployments (at most `limit`,
 * 1 to 100, default 20), each with its newest status, newest first.
 */
async function readDeploymentLog(octokit, repository, environment, limit = 20) {
    const n = Math.max(1, Math.min(100, Math.floor(limit)));
    const deployments = (await listDeployments(octokit, repository, environment, { pages: Math.ceil(n / PER_PAGE) })).slice(0, n);
    const rows = [];
    for (const d of deployments) {
        const status = await latestStatus(octokit, repository, d.id);
        rows.push({
            deploymentId: d.id,
            version: d.payload.version,
            digest: d.payload.digest,
            state: status?.state || 'none',
            when: status?.createdAt || d.createdAt,
            by: d.payload.actor || d.creator,
            description: status?.description ?? '',
            runUrl: status?.logUrl ?? '',
            environmentUrl: status?.environmentUrl ?? '',
        });
    }
    return rows;
}

;// CONCATENATED MODULE: ./packages/github/src/deployments.ts
/**
 * One GitHub Deployment per release, with the true outcome (DESIGN.md §2, issue 24).
 *
 * Decision: switchyard creates its own Deployment for each release, and the example workflows set
 * `environment: { name: X, deployment: false }` on the deploying jobs, so GitHub creates none of its
 * own (its reviewers and wait timers still apply). One record per release, no duplicates. When a
 * Deployment GitHub made for this run is found anyway, one warning says to set `deployment: false`.
 *
 * Statuses follow traffic: `in_progress` while the color starts, `success` (with the live URL and
 * the run) once traffic is on it, `failure` when it never got traffic, when its monitor verdict
 * failed or when it was rolled back; the version live again gets a fresh Deployment with `success`.
 * Older successful Deployments of the environment are made `inactive`: by GitHub's `auto_inactive`,
 * and explicitly too, as GitHub's reference says `auto_inactive` skips production environments.
 *
 * A record never blocks a deploy or a rollback: every method resolves, and a failure (no permission,
 * GitHub unreachable) becomes a warning that the GitHub record was not written. After GitHub was
 * unreachable or refused the token, later calls of the same recorder are skipped at once.
 */



/** GitHub's limit on a status description. */
const DESCRIPTION_LIMIT = 140;
/** Whether an environment's name says end users reach it (`production`, `prod`, `prod-eu`, …). */
function isProductionEnvironment(name) {
    return /^prod(uction)?(?:$|[-_./ ])/i.test(name.trim());
}
const CONTROLS = new RegExp(`${src/* CONTROL */.W3.source}+`, 'g');
/** `text` on one line and within GitHub's 140 characters, cut with an ellipsis when longer. */
function fitDescription(text, limit = DESCRIPTION_LIMIT) {
    const line = text.replace(CONTROLS, ' ').replace(/\s+/g, ' ');
    const chars = Array.from(line.trim());
    return chars.length <= limit ? chars.join('') : `${chars.slice(0, limit - 1).join('')}…`;
}
const WARNING = 'the GitHub record was not written';
/** How many of an environment's newest other Deployments a switch checks for `success` to make inactive. */
const DEACTIVATE_WINDOW = 10;
/** A failure after which later calls cannot succeed either: no permission, or no answer from GitHub. */
function isFatal(error) {
    return (permissionProblem(error, 'deployments') !== undefined ||
        (statusOf(error) !== undefined && !gotAnswer(error)));
}
/** The ref to deploy: a branch or tag by name (as environment branch policies match), else the sha. */
function deployRef(context) {
    const m = /^refs\/(?:heads|tags)\/(.+)$/.exec(context.ref);
    return m?.[1] ?? context.sha;
}
/** A recorder writing to GitHub through `octokit`. */
function createDeploymentRecorder(options) {
    return new GithubRecorder(options);
}
/** A recorder for when there is no token: it writes nothing and says so once. */
function disabledRecorder(log, why = 'no GitHub token') {
    let told = false;
    const skip = () => {
        const warning = `${WARNING}: ${why}`;
        if (!told)
            log.warning(warning);
        told = true;
        return Promise.resolve({ written: false, warning });
    };
    return { start: skip, live: skip, failed: skip, verdictFailed: skip, rolledBack: skip };
}
class GithubRecorder {
    o;
    deploymentId;
    release;
    /** Set once GitHub was unreachable or refused the token: later calls are skipped. */
    stopped;
    constructor(o) {
        this.o = o;
    }
    get repository() {
        return { owner: this.o.context.owner, repo: this.o.context.repo };
    }
    start(release) {
        return this.guard(`start of ${release.version}`, async () => {
            await this.warnIfGithubCreated();
            // The run's ref by name (so branch policies can match it) when the image was built from the
            // run's commit; the image's own commit when it was not (a hotfix built from another ref).
            const { sha } = this.o.context;
            const other = release.revision && !sha.startsWith(release.revision) && !release.revision.startsWith(sha)
                ? release.revision
                : undefined;
            const id = await this.create(release, `deploying ${release.version} to ${release.color}`, {
                ref: other,
            });
            this.deploymentId = id;
            this.release = release;
            await this.status(id, 'in_progress', `starting ${release.version} in ${release.color}`);
            return id;
        });
    }
    live(url) {
        return this.guard('live', async () => {
            const id = await this.current();
            const v = this.release?.version ?? '';
            await this.status(id, 'success', `${v} live on ${this.release?.color ?? ''}`, url);
            await this.deactivateOthers(id);
            return id;
        });
    }
    failed(reason) {
        return this.guard('failure', async () => {
            const id = await this.current();
            await this.status(id, 'failure', `never got traffic: ${reason}`);
            return id;
        });
    }
    verdictFailed(reason) {
        return this.guard('failed verdict', async () => {
            const id = await this.current();
            await this.status(id, 'failure', `monitor verdict failed: ${reason}`);
            return id;
        });
    }
    rolledBack(reason, to, url) {
        return this.guard(`rollback to ${to.version}`, async () => {
            const from = await this.current().catch((error) => {
                if (isFatal(error))
                    throw error;
                this.o.log.warning(`${WARNING} for the release rolled back from: ${(0,src/* errorMessage */.gJ)(error)}`);
                return undefined;
            });
            if (from !== undefined)
                await this.status(from, 'failure', `rolled back to ${to.version}: ${reason}`);
            const ref = (await this.earlierDeploymentOf(to.digest))?.sha;
            const fromVersion = this.release?.version ?? '';
            const id = await this.create({ ...to, previousVersion: fromVersion }, `${to.version} live again after a rollback`, { rollbackOf: this.release?.deployId || this.o.deployId || 'unknown', ref });
            await this.status(id, 'success', fromVersion
                ? `${to.version} live again: rollback from ${fromVersion}`
                : `${to.version} live again after a rollback`, url);
            await this.deactivateOthers(id);
            return id;
        });
    }
    /** Runs one record step; any failure becomes a warning, and a fatal one stops later steps. */
    async guard(what, step) {
        if (this.stopped) {
            const warning = `${WARNING} (${what}): skipped, ${this.stopped}`;
            this.o.log.warning(warning);
            return { written: false, warning };
        }
        try {
            return { written: true, deploymentId: await step() };
        }
        catch (error) {
            const permission = permissionProblem(error, 'deployments');
            if (isFatal(error))
                this.stopped = permission
                    ? 'the token may not write deployments (see above)'
                    : 'GitHub was unreachable (see above)';
            const warning = `${WARNING} (${what}): ${permission ?? (0,src/* errorMessage */.gJ)(error)}`;
            this.o.log.warning(warning);
            return {
                written: false,
                ...(this.deploymentId ? { deploymentId: this.deploymentId } : {}),
                warning,
            };
        }
    }
    /** The Deployment of the release recorded: the one started here, else found by deploy id. */
    async current() {
        if (this.deploymentId !== undefined)
            return this.deploymentId;
        const deployId = this.o.deployId;
        if (!deployId)
            throw new Error('no Deployment was started and no deploy id was given to find one');
        const found = (await listDeployments(this.o.octokit, this.repository, this.o.environment, { pages: 3 })).find((d) => d.payload.deployId === deployId && !d.payload.rollbackOf);
        if (!found)
            throw new Error(`no Deployment of ${this.o.environment} has deploy id ${deployId} among its 90 newest`);
        this.deploymentId = found.id;
        this.release = found.payload;
        return found.id;
    }
    async create(release, description, extra = {}) {
        const { context, environment } = this.o;
        const payload = {
            digest: release.digest,
            version: release.version,
            color: release.color,
            target: release.target,
            deployId: release.deployId,
            previousVersion: release.previousVersion ?? '',
            actor: context.actor,
            ...(extra.rollbackOf ? { rollbackOf: extra.rollbackOf } : {}),
        };
        const { data } = await this.o.octokit.rest.repos.createDeployment({
            ...this.repository,
            ref: extra.ref || deployRef(context),
            task: 'deploy',
            environment,
            payload,
            description: this.describe(description),
            auto_merge: false,
            required_contexts: [],
            transient_environment: false,
            production_environment: isProductionEnvironment(environment),
        });
        if (!('id' in data) || typeof data.id !== 'number')
            throw new Error(`GitHub created no Deployment: ${JSON.stringify(data).slice(0, 200)}`);
        return data.id;
    }
    async status(id, state, description, environmentUrl) {
        await this.o.octokit.rest.repos.createDeploymentStatus({
            ...this.repository,
            deployment_id: id,
            state,
            description: this.describe(description),
            log_url: this.o.context.runUrl,
            ...(environmentUrl ? { environment_url: environmentUrl } : {}),
            ...(state === 'success' ? { auto_inactive: true } : {}),
        });
    }
    describe(text) {
        return fitDescription((0,src/* redactCredentials */.UY)((this.o.mask ?? ((s) => s))(text)));
    }
    /**
     * Marks the other Deployments of the environment whose newest status is `success` as inactive,
     * among its newest {@link DEACTIVATE_WINDOW}: as every switch does this, only the one before can
     * still be `success`, and a long history costs no more calls.
     */
    async deactivateOthers(keep) {
        const all = await listDeployments(this.o.octokit, this.repository, this.o.environment);
        for (const d of all.filter((x) => x.id !== keep).slice(0, DEACTIVATE_WINDOW)) {
            if ((await latestStatus(this.o.octokit, this.repository, d.id))?.state !== 'success')
                continue;
            await this.status(d.id, 'inactive', `replaced by Deployment ${keep}`);
        }
    }
    /** The newest earlier Deployment of `digest` in this environment (its sha is the release's commit). */
    async earlierDeploymentOf(digest) {
        if (!digest)
            return undefined;
        const all = await listDeployments(this.o.octokit, this.repository, this.o.environment, {
            pages: 3,
        });
        return all.find((d) => d.payload.digest === digest && /^[0-9a-f]{40,64}$/.test(d.sha));
    }
    /**
     * Warns once when GitHub made a Deployment of its own for this job (same sha, not ours, a status
     * pointing at this run): the job should set `environment: { deployment: false }`.
     */
    async warnIfGithubCreated() {
        const { context, environment, log, octokit } = this.o;
        try {
            const same = await listDeployments(octokit, this.repository, environment, {
                sha: context.sha,
            });
            for (const d of same.filter((x) => !x.payload.deployId && x.creator === 'github-actions[bot]')) {
                const s = await latestStatus(octokit, this.repository, d.id);
                if (!s?.logUrl.includes(`/actions/runs/${context.runId}`))
                    continue;
                log.warning(`GitHub created Deployment ${d.id} for this job's environment "${environment}" as well as the one switchyard records: ` +
                    `set "environment: { name: ${environment}, deployment: false }" on the job so each release has one Deployment`);
                return;
            }
        }
        catch (error) {
            if (isFatal(error))
                throw error;
            log.debug(`could not look for a Deployment GitHub made for this job: ${(0,src/* errorMessage */.gJ)(error)}`);
        }
    }
}

// EXTERNAL MODULE: ./packages/github/src/environments-config.ts
var environments_config = __webpack_require__(1038);
;// CONCATENATED MODULE: ./packages/github/src/environments.ts



/** GitHub's settings for an environment nobody has configured. */
const NEW_ENVIRONMENT = {
    exists: false,
    reviewers: [],
    preventSelfReview: false,
    waitTimerMinutes: 0,
    refs: 'any',
    policies: [],
    adminBypass: true,
};
const REFS_LABEL = {
    any: 'any branch',
    protected: 'protected branches',
    custom: 'selected branches and tags',
};
/** Whether applying the plan would change nothing. */
function planIsEmpty(plan) {
    return plan.environments.every((e) => e.lines.length === 0);
}
/** The plan as text lines: each environment's name, then its changes indented. */
function renderPlan(plan) {
    const where = `${clean(plan.repo.owner)}/${clean(plan.repo.repo)}`;
    if (planIsEmpty(plan))
        return [`No changes: the environments of ${where} match switchyard.yml.`];
    return plan.environments.flatMap((e) => e.lines.length === 0
        ? [`${clean(e.environment)}: no changes`]
        : [`${clean(e.environment)}:`, ...e.lines.map((l) => `  ${l}`)]);
}
/** Reads what GitHub has for each environment and lists what to change to reach `desired`. */
async function planEnvironments(octokit, repo, desired) {
    const resolve = reviewerResolver(octokit);
    const environments = [];
    for (const [environment, want] of desired) {
        const live = await readEnvironment(octokit, repo, environment);
        const reviewers = [];
        for (const r of want.reviewers)
            reviewers.push(await resolve(r, environment));
        environments.push(diff(environment, want, reviewers, live));
    }
    return { repo, environments };
}
/** Makes GitHub match the plan: the full protection in one PUT, then the branch and tag policies. */
async function applyEnvironments(octokit, repo, plan) {
    const applied = [];
    for (const env of plan.environments) {
        if (env.lines.length === 0)
            continue;
        const { environment, desired } = env;
        const at = { ...repo, environment_name: environment };
        if (env.updateSettings) {
            const body = { ...at, ...protectionBody(desired, env.reviewers) };
            await asAdmin(repo, `update environment "${environment}"`, () => octokit.rest.repos.createOrUpdateEnvironment(body));
        }
        // Reconciled with what GitHub holds now (not the plan's ids): policies may linger from an
        // earlier custom setting, or have changed since the plan.
        const { add, remove } = desired.refs.kind === 'custom'
            ? policyDiff(desired.refs, await listPolicies(octokit, repo, environment))
            : { add: [], remove: [] };
        for (const p of remove)
            await asAdmin(repo, `remove ${p.type} policy from "${environment}"`, () => octokit.rest.repos.deleteDeploymentBranchPolicy({ ...at, branch_policy_id: p.id }));
        for (const p of add)
            await asAdmin(repo, `add ${p.type} policy to "${environment}"`, () => octokit.rest.repos.createDeploymentBranchPolicy({ ...at, name: p.name, type: p.type }));
        applied.push({ environment, settings: env.updateSettings, added: add, removed: remove });
    }
    return applied;
}
/** The PUT body: the whole protection (`can_admins_bypass` only when the file sets it). */
function protectionBody(desired, reviewers) {
    const refs = desired.refs.kind;
    return {
        wait_timer: desired.waitTimerMinutes,
        prevent_self_review: desired.preventSelfReview,
        reviewers: reviewers.map((r) => ({ type: r.type, id: r.id })),
        deployment_branch_policy: refs === 'any'
            ? null
            : { protected_branches: refs === 'protected', custom_branch_policies: refs === 'custom' },
        ...(desired.adminBypass !== undefined && { can_admins_bypass: desired.adminBypass }),
    };
}
function diff(environment, want, reviewers, live) {
    const lines = live.exists ? [] : [`+ environment ${clean(environment)}`];
    const key = (r) => `${r.type}:${r.id}`;
    const liveKeys = new Set(live.reviewers.map(key));
    const wantKeys = new Set(reviewers.map(key));
    const added = reviewers.filter((r) => !liveKeys.has(key(r)));
    const dropped = live.reviewers.filter((r) => !wantKeys.has(key(r)));
    lines.push(...added.map((r) => `+ reviewer ${r.label}`));
    lines.push(...dropped.map((r) => `- reviewer ${r.label}`));
    const change = (what, from, to) => {
        if (from !== to)
            lines.push(`~ ${what} ${from} → ${to}`);
    };
    change('prevent self-review', String(live.preventSelfReview), String(want.preventSelfReview));
    change('wait timer', (0,environments_config/* waitTimerLabel */.VQ)(live.waitTimerMinutes), (0,environments_config/* waitTimerLabel */.VQ)(want.waitTimerMinutes));
    if (want.adminBypass !== undefined)
        change('admin bypass', String(live.adminBypass), String(want.adminBypass));
    change('deployment refs', REFS_LABEL[live.refs], REFS_LABEL[want.refs.kind]);
    const settingsLines = lines.length;
    const { add, remove } = want.refs.kind === 'custom'
        ? policyDiff(want.refs, live.refs === 'custom' ? live.policies : [])
        : { add: [], remove: [] };
    lines.push(...add.map((p) => `+ ${p.type} ${clean(p.name)}`));
    lines.push(...remove.map((p) => `- ${p.type} ${clean(p.name)}`));
    return {
        environment,
        desired: want,
        reviewers,
        updateSettings: settingsLines > 0,
        addPolicies: add,
        removePolicies: remove,
        lines,
    };
}
function policyDiff(refs, live) {
    const want = [
        ...refs.branches.map((name) => ({ name, type: 'branch' })),
        ...refs.tags.map((name) => ({ name, type: 'tag' })),
    ];
    const same = (a, b) => a.name === b.name && a.type === b.type;
    return {
        add: want.filter((w) => !live.some((l) => same(l, w))),
        remove: live.filter((l) => !want.some((w) => same(l, w))),
    };
}
/** The environment as GitHub has it, or GitHub's defaults when it does not exist yet. */
async function readEnvironment(octokit, repo, environment) {
    let data;
    try {
        ({ data } = await octokit.rest.repos.getEnvironment({
            ...repo,
            environment_name: environment,
        }));
    }
    catch (error) {
        if (statusOf(error) === 404)
            return NEW_ENVIRONMENT;
        throw failure(repo, `read environment "${environment}"`, error);
    }
    if (!isRecord(data))
        throw new src/* ActionError */.lZ(`GitHub answered environment "${clean(environment)}" with ${typeof data}, not an object`);
    const rules = Array.isArray(data.protection_rules) ? data.protection_rules : [];
    const rule = (type) => rules.find((r) => isRecord(r) && r.type === type);
    const reviewing = rule('required_reviewers');
    const policy = isRecord(data.deployment_branch_policy) ? data.deployment_branch_policy : {};
    const refs = policy.custom_branch_policies === true
        ? 'custom'
        : policy.protected_branches === true
            ? 'protected'
            : 'any';
    const waitTimer = rule('wait_timer')?.wait_timer;
    return {
        exists: true,
        reviewers: liveReviewers(repo, reviewing?.reviewers),
        preventSelfReview: reviewing?.prevent_self_review === true,
        waitTimerMinutes: typeof waitTimer === 'number' ? waitTimer : 0,
        refs,
        policies: refs === 'custom' ? await listPolicies(octokit, repo, environment) : [],
        adminBypass: data.can_admins_bypass !== false,
    };
}
function liveReviewers(repo, raw) {
    if (!Array.isArray(raw))
        return [];
    return raw.flatMap((item) => {
        if (!isRecord(item) || !isRecord(item.reviewer) || typeof item.reviewer.id !== 'number')
            return [];
        const { id, login, slug } = item.reviewer;
        if (item.type === 'User')
            return [{ type: 'User', id, label: typeof login === 'string' ? clean(login) : `user ${id}` }];
        if (item.type === 'Team')
            return [
                {
                    type: 'Team',
                    id,
                    label: typeof slug === 'string' ? `@${clean(repo.owner)}/${clean(slug)}` : `team ${id}`,
                },
            ];
        return [];
    });
}
async function listPolicies(octokit, repo, environment) {
    const items = await asAdmin(repo, `read the policies of "${environment}"`, () => octokit.paginate(octokit.rest.repos.listDeploymentBranchPolicies, {
        ...repo,
        environment_name: environment,
        per_page: 100,
    }));
    return items.flatMap((p) => isRecord(p) && typeof p.id === 'number' && typeof p.name === 'string'
        ? [{ id: p.id, name: p.name, type: p.type === 'tag' ? 'tag' : 'branch' }]
        : []);
}
/** Resolves reviewer names to GitHub ids, each name once per plan. */
function reviewerResolver(octokit) {
    const known = new Map();
    return (r, environment) => {
        const label = (0,environments_config/* reviewerLabel */.kz)(r);
        const found = known.get(label) ?? lookUp(octokit, r, label, environment);
        known.set(label, found);
        return found;
    };
}
async function lookUp(octokit, r, label, environment) {
    const where = `reviewer ${label} of environment "${environment}"`;
    try {
        if (r.kind === 'team') {
            const { data } = await octokit.rest.teams.getByName({ org: r.org, team_slug: r.slug });
            return { type: 'Team', id: data.id, label };
        }
        const { data } = await octokit.rest.users.getByUsername({ username: r.login });
        if (data.type === 'Organization')
            throw new src/* ActionError */.lZ(`${where} is an organization, not a user. Name one of its teams as "@${r.login}/team-slug"`);
        return { type: 'User', id: data.id, label };
    }
    catch (error) {
        if (error instanceof src/* ActionError */.lZ)
            throw error;
        if (statusOf(error) === 404)
            throw new src/* ActionError */.lZ(r.kind === 'team'
                ? `${where}: GitHub has no such team, or the token can't see it. Check the slug in the team's URL; ` +
                    `a token needs "Members: read" on the organization to see its teams`
                : `${where}: GitHub has no such user. Check the spelling in switchyard.yml`);
        throw failure(undefined, `look up ${where}`, error);
    }
}
/** Runs a call that needs administration rights, turning a 403/404 into the fix. */
async function asAdmin(repo, what, call) {
    try {
        return await call();
    }
    catch (error) {
        throw failure(repo, what, error);
    }
}
/** The error for a failed call: a refusal for lack of permission names the token that is needed. */
function failure(repo, what, error) {
    const problem = repo ? permissionProblem(error, 'environments') : undefined;
    const where = repo ? ` in ${clean(repo.owner)}/${clean(repo.repo)}` : '';
    return new src/* ActionError */.lZ(`Could not ${clean(what)}${where}: ${problem ?? clean((0,src/* errorMessage */.gJ)(error)).slice(0, 300)}`);
}
function isRecord(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
/** Text from GitHub or the file, made one visible line. */
function clean(s) {
    return (0,src/* visibleControls */.xx)(s);
}

;// CONCATENATED MODULE: ./packages/github/src/approval.ts


/** The most commits listed; the rest are counted. */
const MAX_COMMITS = 50;
const MAX_BLOCK_LINES = 200;
const SHA = /^[0-9a-f]{7,40}$/i;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
/** Builds the approver's plan; a compare that fails is said in the plan, never thrown. */
async function approvalPlan(options) {
    const commits = await listCommits(options);
    return { markdown: renderMarkdown(options, commits), text: renderText(options, commits) };
}
async function listCommits(o) {
    const none = (note) => ({ list: [], more: 0, note });
    if (o.live === null)
        return none('First deployment: nothing is live to compare with.');
    if (o.live.sha === undefined || !SHA.test(o.live.sha))
        return none("Commits not listed: the live version's commit is not recorded.");
    if (!SHA.test(o.next.sha))
        return none('Commits not listed: the new commit is not a commit id.');
    if (o.live.sha.toLowerCase() === o.next.sha.toLowerCase())
        return none('Same commit as the live version.');
    if (!o.octokit)
        return none('Commits not listed: no GitHub token was given.');
    try {
        const { data } = await o.octokit.rest.repos.compareCommitsWithBasehead({
            ...o.repo,
            basehead: `${o.live.sha}...${o.next.sha}`,
            per_page: MAX_COMMITS,
        });
        const list = data.commits.slice(0, MAX_COMMITS).map((c) => ({
            sha: SHA.test(c.sha) ? c.sha.slice(0, 7) : '???????',
            subject: firstLine(c.commit.message),
            author: firstLine(c.author?.login ?? c.commit.author?.name ?? 'unknown'),
        }));
        const more = Math.max(0, data.total_commits - list.length);
        if (data.status === 'behind')
            return none(`The new commit is ${data.behind_by} commit(s) behind the live one: this deploys older code.`);
        const note = data.status === 'diverged'
            ? `The live commit has ${data.behind_by} commit(s) that the new one does not.`
            : undefined;
        return { list, more, ...(note && { note }) };
    }
    catch (error) {
        const why = statusOf(error) === 404
            ? 'GitHub does not know one of the commits (force-pushed away, or from another repository)'
            : `GitHub's compare failed: ${oneLine((0,src/* errorMessage */.gJ)(error)).slice(0, 200)}`;
        return none(`Commits not listed: ${why}.`);
    }
}
function firstLine(s) {
    const line = s.split(/\r?\n|\r/)[0] ?? '';
    return oneLine(line.length > 100 ? `${line.slice(0, 99)}…` : line);
}
function oneLine(s) {
    return (0,src/* visibleControls */.xx)(s).trim();
}
/** Untrusted text as inert markdown: every ASCII punctuation mark escaped, controls visible. */
function markdownText(s) {
    return oneLine(s).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}
/** A code block whose fence is longer than any run of backticks in the text. */
function codeBlock(lines) {
    const body = bounded(lines).map((l) => (0,src/* visibleControls */.xx)(l));
    const longest = Math.max(0, ...body.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))));
    const fence = '`'.repeat(Math.max(3, longest + 1));
    return [`${fence}text`, ...body, fence].join('\n');
}
function bounded(lines) {
    if (lines.length <= MAX_BLOCK_LINES)
        return [...lines];
    return [...lines.slice(0, MAX_BLOCK_LINES), `… and ${lines.length - MAX_BLOCK_LINES} more lines`];
}
const code = (s) => `\`${s}\``;
function shownDigest(d, md) {
    if (DIGEST.test(d))
        return md ? code(d) : d;
    return md ? markdownText(d) : oneLine(d);
}
function shownSha(sha, md) {
    if (sha === undefined || !SHA.test(sha))
        return md ? '–' : 'unknown';
    return md ? code(sha.slice(0, 7)) : sha.slice(0, 7);
}
function renderMarkdown(o, commits) {
    const { live, next } = o;
    const out = [
        `## Approve ${markdownText(o.environment)}: ${markdownText(next.version)}`,
        '',
        '| | Live now | To deploy |',
        '| --- | --- | --- |',
        `| Version | ${live ? markdownText(live.version) : '–'} | ${markdownText(next.version)} |`,
        `| Digest | ${live ? shownDigest(live.digest, true) : '–'} | ${shownDigest(next.digest, true)} |`,
        `| Commit | ${shownSha(live?.sha, true)} | ${shownSha(next.sha, true)} |`,
    ];
    if (o.hotfix) {
        const quote = (s) => bounded(s.split(/\r?\n/)).map((l) => `> ${markdownText(l)}`);
        out.push('', '### Hotfix', '', '**Reason**', '', ...quote(o.hotfix.reason));
        out.push('', '**Rollback plan**', '', ...quote(o.hotfix.rollbackPlan));
    }
    out.push('', `### Commits (${commits.list.length + commits.more})`, '');
    for (const c of commits.list)
        out.push(`- ${code(c.sha)} ${markdownText(c.subject)} — ${markdownText(c.author)}`);
    if (commits.more > 0)
        out.push(`- … and ${commits.more} more`);
    if (commits.note)
        out.push(...(commits.list.length ? [''] : []), markdownText(commits.note));
    out.push('', '### Dry run', '');
    out.push(o.dryRun.length ? codeBlock(o.dryRun) : 'The target gave no dry-run plan.');
    out.push('', '### Monitor rules', '');
    out.push(o.monitorRules.length
        ? codeBlock(o.monitorRules)
        : 'No monitor rules: no metrics will judge this release.');
    return out.join('\n') + '\n';
}
function renderText(o, commits) {
    const { live, next } = o;
    const release = (r) => `${oneLine(r.version)} ${shownDigest(r.digest, false)} (commit ${shownSha(r.sha, false)})`;
    const out = [
        `Approve ${oneLine(o.environment)}: ${oneLine(next.version)}`,
        `  live now:  ${live ? release(live) : 'nothing'}`,
        `  to deploy: ${release(next)}`,
    ];
    if (o.hotfix) {
        const indent = (s) => bounded(s.split(/\r?\n/)).map((l) => `    ${oneLine(l)}`);
        out.push('Hotfix reason:', ...indent(o.hotfix.reason));
        out.push('Rollback plan:', ...indent(o.hotfix.rollbackPlan));
    }
    out.push(`Commits (${commits.list.length + commits.more}):`);
    out.push(...commits.list.map((c) => `  ${c.sha} ${c.subject} (${c.author})`));
    if (commits.more > 0)
        out.push(`  … and ${commits.more} more`);
    if (commits.note)
        out.push(`  ${commits.note}`);
    out.push('Dry run:', ...(o.dryRun.length ? bounded(o.dryRun).map((l) => `  ${l}`) : ['  none']));
    out.push('Monitor rules:', ...(o.monitorRules.length ? bounded(o.monitorRules).map((l) => `  ${l}`) : ['  none']));
    return out.map(src/* inertLine */.Fq).join('\n') + '\n';
}

;// CONCATENATED MODULE: ./packages/github/src/index.ts
/** @switchyard/github: GitHub as the record of every release. See README.md. */










/***/ })

};
