import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./packages/kit/src/log-line.ts
/**
 * The one way a line of text reaches a log (the runner's stdout or the CLI's stderr). Text in a log
 * line may come from anywhere: an input, a server's answer, an image label, the target's record. The
 * GitHub runner reads every line of an action's output for workflow commands (actions/runner,
 * `ActionCommand`): a line whose text, after leading white space, starts with `::name…::`, and,
 * in the legacy form, any line holding `##[name…]`. It splits lines on `\n`, `\r\n` and a lone `\r`.
 * So a value with a line break in it could start a line such as `::stop-commands::…`, after which the
 * runner ignores every later command, `::add-mask::` included.
 *
 * {@link logLines} cuts a message into its lines at `\n` (the breaks our own messages mean) and makes
 * each one inert: every other control character (a lone `\r`, escape sequences, C1 controls, Unicode
 * line separators, bidi overrides) is printed visibly (`\r`, `\x1b`, `\u2028`), and a line the runner
 * would read as a command is broken up visibly (`::` at its start becomes `: :`, `##[` becomes `# #[`).
 */
/**
 * Characters that must not reach a log raw: C0 controls but tab and newline, DEL, C1 controls,
 * the Unicode line and paragraph separators, and bidi overrides (which reorder what a reader sees).
 */
const UNSAFE = 
// eslint-disable-next-line no-control-regex
/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** CSI (colours, cursor) and OSC (titles, hyperlinks) escape sequences. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
/** The text without terminal escape sequences (a tool's coloured output, read back as text). */
const stripAnsi = (s) => s.replace(ANSI, '');
/** Any control character, tab and newline included (and separators, bidi overrides): not for one-line values. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const NAMED = {
    '\r': '\\r',
    '\v': '\\v',
    '\f': '\\f',
    '\b': '\\b',
};
/** One unsafe character as visible text: `\r`, `\x1b`, `\u2028`. */
function visible(c) {
    const named = NAMED[c];
    if (named)
        return named;
    const code = c.charCodeAt(0);
    return code <= 0xff
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`;
}
/** The text with every {@link UNSAFE} character (and `\n`) shown visibly: one line, whatever it holds. */
function visibleControls(text, keepNewlines = false) {
    const shown = text.replace(UNSAFE, visible);
    return keepNewlines ? shown : shown.replace(/\n/g, '\\n');
}
/**
 * Whether the GitHub runner could read this line as a workflow command (either syntax); a line
 * starting with `::` counts whatever follows, as the runner's list of commands may grow.
 */
function readsAsCommand(line) {
    return line.trimStart().startsWith('::') || /##\[[^\]]*\]/.test(line);
}
/** A line the runner would read as a command, broken up visibly so that it reads as text. */
function breakCommand(line) {
    return readsAsCommand(line) ? line.replace(/^(\s*):/, '$1: ').replace(/##\[/g, '# #[') : line;
}
/** One line made inert: nothing in it can start a workflow command. */
function inertLine(line) {
    return breakCommand(visibleControls(line));
}
/**
 * Output text whose control characters are our own (the CLI's colours, its progress line redrawn
 * after `\r`) with each line, between any `\r` or `\n`, kept from reading as a workflow command:
 * for a program that may itself run inside a workflow step. Values in it must already have passed
 * through {@link visibleControls}.
 */
function inertText(text) {
    return text.replace(/[^\r\n]+/g, breakCommand);
}
/** A message as the log lines to write: cut at `\n` / `\r\n`, each made inert by {@link inertLine}. */
function logLines(message) {
    return message.split(/\r?\n/).map(inertLine);
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./packages/targets/src/docker/release.ts
/**
 * Releases a Docker deploy lock a killed run left, for the post step: dependency-free (node only),
 * so the post bundle stays tiny. Only a lock carrying the run's own random token is removed.
 */

/** On the lock container: the holder's token (LABELS.token). */
const TOKEN_LABEL = 'switchyard.lock.token';
/** Removes the lock `h` names if it still carries `h.token`; returns what it did, for the log. */
function releaseDockerLock(h) {
    const args = h.host.kind === 'context' && h.host.name ? ['--context', h.host.name] : [];
    const env = h.host.kind === 'host' && h.host.url
        ? { ...process.env, DOCKER_HOST: h.host.url }
        : process.env;
    const docker = (...a) => (0,external_node_child_process_namespaceObject.spawnSync)('docker', [...args, ...a], { env, encoding: 'utf8' });
    const found = docker('container', 'inspect', '--format', `{{.Id}} {{index .Config.Labels "${TOKEN_LABEL}"}}`, h.name);
    if (found.status !== 0)
        return undefined; // released by the main step, as it should be
    const [id = '', token = ''] = found.stdout.trim().split(' ');
    if (token !== h.token)
        return undefined; // someone else's lock now
    return docker('rm', '-f', id).status === 0
        ? `Released the deploy lock ${h.name} the main step left behind`
        : undefined;
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/contract.ts
/** The prefix of every label and annotation switchyard sets on a cluster. */
const PREFIX = 'switchyard.dev/';
/**
 * Labels on the colors' Deployments and pods, in the Deployments' selectors and in the public and
 * preview Services' selectors: app and environment keep environments that share a namespace apart,
 * the color is what a switch changes. Prometheus sees them as `__meta_kubernetes_pod_label_switchyard_dev_<name>`.
 */
const K8S_LABELS = {
    app: `${PREFIX}app`,
    environment: `${PREFIX}environment`,
    color: `${PREFIX}color`,
};
/** Annotations: on a color's Deployment (the release), on the public Service (the record), on the Lease. */
const K8S_ANNOTATIONS = {
    image: `${PREFIX}image`,
    digest: `${PREFIX}digest`,
    version: `${PREFIX}version`,
    deployId: `${PREFIX}deploy-id`,
    actor: `${PREFIX}actor`,
    createdAt: `${PREFIX}created-at`,
    /** The replica count the manifests asked for (a stopped color is scaled back to it). */
    replicas: `${PREFIX}replicas`,
    /** On the public Service: the color the last switch made live (the selector is the truth). */
    liveColor: `${PREFIX}live-color`,
    previousColor: `${PREFIX}previous-color`,
    switchedAt: `${PREFIX}switched-at`,
    retireAfter: `${PREFIX}retire-after`,
    /** On the public Service: the whole deploy record as JSON (history bounded by HISTORY_LENGTH). */
    record: `${PREFIX}record`,
    /** On the Lease: the holder's random token, its actor and since when it holds it. */
    lockToken: `${PREFIX}lock-token`,
    lockActor: `${PREFIX}lock-actor`,
    lockSince: `${PREFIX}lock-since`,
};
/** The field manager of every write switchyard makes (server-side apply and patches). */
const FIELD_MANAGER = 'switchyard';
/** The selector value of the public Service before anything is live: it matches no pod. */
const NOTHING_LIVE = 'none';
/** kubectl's client-side apply record, which switchyard never leaves on objects it owns. */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/**
 * Deployments `<app>-blue` / `<app>-green`, the public Service `<service>` (default: the app),
 * the preview Service `<service>-preview`, and the Lease `switchyard-<app>-<environment>`.
 */
function kubernetesNames(app, environment, service = app) {
    return {
        service,
        preview: `${service}-preview`,
        lease: `switchyard-${app}-${environment}`,
        deployment: (c) => `${app}-${c}`,
    };
}
/** The labels that select one environment's pods (add the color for one color's). */
function environmentLabels(app, environment) {
    return { [K8S_LABELS.app]: app, [K8S_LABELS.environment]: environment };
}
/** `k=v,k=v`: a label selector for kubectl's `-l`. */
function selectorText(labels) {
    return Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/release.ts
/**
 * Releases a Kubernetes deploy lock (a Lease) a killed run left, for the post step:
 * dependency-free (node only), so the post bundle stays tiny. Only a lease still carrying the run's
 * own token is released, by a write conditional on the version read (never a delete, which could
 * remove a newer holder's lease).
 */


/** Clears the holder of the Lease `h` names if it still carries `h.token`; returns what it did, for the log. */
function releaseKubernetesLock(h) {
    const a = h.access;
    const args = [
        ...(a.kubeconfig ? [`--kubeconfig=${a.kubeconfig}`] : []),
        ...(a.context ? [`--context=${a.context}`] : []),
        ...(a.namespace ? [`--namespace=${a.namespace}`] : []),
    ];
    const kubectl = (input, ...rest) => (0,external_node_child_process_namespaceObject.spawnSync)('kubectl', [...args, ...rest], {
        // The step's own environment (KUBECONFIG, PATH), as the main step had it.
        env: process.env,
        encoding: 'utf8',
        ...(input !== undefined && { input }),
    });
    const found = kubectl(undefined, 'get', 'lease', h.name, '--output=json');
    if (found.status !== 0)
        return undefined; // gone, or the cluster is out of reach: it lapses by itself
    let lease;
    try {
        lease = JSON.parse(found.stdout);
    }
    catch {
        return undefined;
    }
    if (lease.metadata?.annotations?.[K8S_ANNOTATIONS.lockToken] !== h.token)
        return undefined;
    const released = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
            name: h.name,
            labels: lease.metadata.labels ?? {},
            resourceVersion: lease.metadata.resourceVersion,
        },
        spec: {},
    };
    return kubectl(JSON.stringify(released), 'replace', '--filename=-').status === 0
        ? `Released the deploy lock lease/${h.name} the main step left behind`
        : undefined;
}

;// CONCATENATED MODULE: ./packages/targets/src/release.ts


/** The state a main step saves the deploy lock's handle (JSON) in, before the lock is taken. */
const LOCK_STATE = 'lock';
/** The state a main step saves a private registry login's folder in. */
const LOGIN_STATE = 'registry-login';
const RELEASERS = {
    docker: releaseDockerLock,
    kubernetes: releaseKubernetesLock,
};
/** Releases the lock `saved` (a LockHandle's JSON) names; returns a line for the log. */
function releaseSavedLock(saved) {
    const handle = JSON.parse(saved);
    const release = RELEASERS[handle.kind];
    if (!release)
        return `No way to release a lock of kind ${handle.kind}: it expires after its time to live`;
    return release(handle);
}

;// CONCATENATED MODULE: ./actions/deploy-bluegreen/src/post.ts
/**
 * The post step of deploy-bluegreen, rollback and monitor-window: if the main step died holding the
 * deploy lock (killed, cancelled), release it so the next deploy doesn't wait for it to lapse; and
 * remove a private registry login left behind. Only a lock carrying this run's own random token is
 * released, never another holder's. Dependency-free: the runner starts it after every run.
 */



const lock = process.env[`STATE_${LOCK_STATE}`] ?? '';
if (lock) {
    const done = releaseSavedLock(lock);
    if (done)
        console.log(inertLine(done));
}
const dir = process.env[`STATE_${LOGIN_STATE}`] ?? '';
if (dir && (0,external_node_fs_namespaceObject.existsSync)(dir)) {
    (0,external_node_fs_namespaceObject.rmSync)(dir, { recursive: true, force: true });
    console.log(inertLine(`Removed the temporary registry login ${dir}`));
}

