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

;// CONCATENATED MODULE: ./packages/targets/src/release.ts

/** The state a main step saves the deploy lock's handle (JSON) in, before the lock is taken. */
const LOCK_STATE = 'lock';
/** The state a main step saves a private registry login's folder in. */
const LOGIN_STATE = 'registry-login';
const RELEASERS = {
    docker: releaseDockerLock,
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

