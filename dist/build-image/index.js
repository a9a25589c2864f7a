import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 356:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(441);

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .main */ .i)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 441:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  i: () => (/* binding */ main)
});

;// CONCATENATED MODULE: ./packages/kit/src/secrets.ts
/**
 * Credentials written into a URL or a host (`https://user:pass@host`, `ssh://user:pass@host`,
 * `user:pass@registry.example`): group 1 is what precedes the password, group 2 the password. The
 * user name stays visible; a value that fails to parse as a URL still has its password found.
 */
const URL_CREDENTIALS = /((?:^|[\s"'(<,=[]|[a-z][a-z0-9+.-]*:\/\/)[^\s:/@"'<>]*:)([^\s/<>]+)(?=@[^\s/@<>]*(?:$|[\s/<>?#"']))/gi;
/** The passwords written in URLs or `user:pass@host` values anywhere in `text`, as written and decoded. */
function secrets_credentialsIn(text) {
    const found = [];
    for (const m of text.matchAll(URL_CREDENTIALS)) {
        const pass = m[2] ?? '';
        found.push(pass);
        try {
            const decoded = decodeURIComponent(pass);
            if (decoded !== pass)
                found.push(decoded);
        }
        catch {
            // not percent-encoded
        }
    }
    return found;
}
/** `text` with the password of every URL or `user:pass@host` in it replaced by `***`. */
function redactCredentials(text) {
    return text.replace(URL_CREDENTIALS, '$1***');
}
/**
 * Secret masking. Every secret value is registered once; {@link Secrets.mask} replaces it in any text
 * before it is logged, and the `onAdd` hook tells the runner (`::add-mask::`) so its log masks it too.
 */
class Secrets {
    onAdd;
    values = new Set();
    constructor(onAdd = () => undefined) {
        this.onAdd = onAdd;
    }
    /**
     * Registers a secret (and each line of a multi-line one), with the forms it takes when quoted in
     * JSON or put in a URL, as the runner's own masker does. Values shorter than 3 characters are
     * ignored, like the runner.
     */
    add(value) {
        if (!value)
            return;
        for (const v of [value, ...value.split(/\r?\n/)]) {
            const s = v.trim();
            for (const form of [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]) {
                if (form.length < 3 || this.values.has(form))
                    continue;
                this.values.add(form);
                this.onAdd(form);
            }
        }
    }
    /** The text with every registered secret replaced by `***`, longest first. */
    mask(text) {
        let out = text;
        for (const v of [...this.values].sort((a, b) => b.length - a.length))
            out = out.split(v).join('***');
        return out;
    }
    /** The registered values (for tests and the harness). */
    list() {
        return [...this.values];
    }
}

;// CONCATENATED MODULE: ./packages/kit/src/errors.ts
/**
 * One error policy for every action (STYLE.md §6):
 * - {@link InputError}: a bad input, found before any side effect; names the input and the fix.
 *   {@link ConfigError} is one found in a config file; it names the file and the key path.
 * - {@link ActionError}: an expected failure while doing the work (a check failed, a deploy timed out).
 * - anything else is a bug; {@link errorMessage} turns it into text without losing non-Error throws.
 */

/**
 * Give this as an {@link InputError}'s value to leave the value out of the message: for a document,
 * a mapping or anything else that may hold a secret. The message then says what is wrong with its
 * structure (`is a mapping, not a list`, a line and column), never what it holds.
 */
const errors_UNQUOTED = Symbol('unquoted');
/** How a parsed value is called in a message that must not quote it: `a mapping`, `a list`, … */
function errors_kindOf(value) {
    if (value === null || value === undefined)
        return 'empty';
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'object')
        return 'a mapping';
    return `a ${typeof value}`;
}
/** A bad input value. The message names the input, shows the value and lists what is accepted. */
class errors_InputError extends Error {
    name = 'InputError';
    /** Input name, or a path inside it such as `checks[2].method`. */
    input;
    value;
    /**
     * The message after the input name: the value, the problem and the fix
     * (`"5x" is not a duration. Use ...`), so a caller can re-state it for another source.
     */
    detail;
    constructor(input, value, problem, accepted) {
        const shown = value === errors_UNQUOTED ? '' : `${errors_showValue(value)} `;
        const detail = `${shown}${problem}` + (accepted ? `. ${accepted}` : '');
        super(`input "${input}": ${detail}`);
        this.input = input;
        this.value = value;
        this.detail = detail;
    }
}
/**
 * A bad value in a config file: `<file>: <path>: <detail>`. It is an {@link InputError} (actions treat
 * it as bad input) whose `input` is the key path inside the file (`production.health.timeout`), or ''
 * for a problem with the file as a whole (then the message is `<file>: <detail>`).
 */
class ConfigError extends errors_InputError {
    name = 'ConfigError';
    detail;
    /** The config file, as the user knows it (`switchyard.yml`). */
    file;
    /** `detail` is the whole explanation after the path, e.g. `"5x" is not a duration. Use ...`. */
    constructor(file, path, detail, value) {
        super(path, value, detail);
        this.detail = detail;
        this.file = file;
        this.message = path === '' ? `${file}: ${detail}` : `${file}: ${path}: ${detail}`;
    }
    /** Re-states an {@link InputError} whose input is a key path in `file` (as kit's parsers throw). */
    static from(file, error) {
        return new ConfigError(file, error.input, error.detail, error.value);
    }
}
/** An expected failure of the work itself (not a bug, not a bad input). */
class ActionError extends Error {
    name = 'ActionError';
}
/** The message of anything thrown, `Error` or not. */
function errorMessage(error) {
    if (error instanceof Error)
        return error.message;
    if (typeof error === 'string')
        return error;
    try {
        return `non-error thrown: ${JSON.stringify(error)}`;
    }
    catch {
        return `non-error thrown: ${String(error)}`;
    }
}
/**
 * Shows a value the way an error message should quote it: short and unambiguous, with the password
 * of any URL in it (`https://user:pass@host`) left out, since a value that failed to parse was never
 * registered as a secret.
 */
function errors_showValue(value) {
    const text = typeof value === 'string'
        ? JSON.stringify(redactCredentials(value))
        : redactCredentials(safeJson(value));
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
function safeJson(value) {
    if (value === undefined)
        return 'undefined';
    try {
        return JSON.stringify(value) ?? typeof value;
    }
    catch {
        return Object.prototype.toString.call(value);
    }
}

;// CONCATENATED MODULE: ./packages/kit/src/duration.ts
/** Durations as people write them in workflow files: `500ms`, `30s`, `15m`, `1h`, `1h30m`, `2d`. */
const UNIT_MS = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
};
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
/** The accepted forms, for error messages. */
const DURATION_FORMS = 'Use a number with a unit: 500ms, 30s, 15m, 1h, 2d, or a sum like 1h30m';
/** Parses a duration to milliseconds, or returns undefined when the text is not one. */
function parseDurationMs(text) {
    const s = text.trim();
    if (s === '')
        return undefined;
    PART.lastIndex = 0;
    let total = 0;
    let consumed = 0;
    for (let m = PART.exec(s); m !== null; m = PART.exec(s)) {
        const [whole, amount = '', unit = ''] = m;
        total += Number(amount) * (UNIT_MS[unit] ?? Number.NaN);
        consumed += whole.length;
    }
    if (consumed !== s.length || !Number.isFinite(total))
        return undefined;
    return Math.round(total);
}
/** Formats milliseconds for people: `850ms`, `4.2s`, `2m 5s`, `1h 30m`. */
function formatDuration(ms) {
    if (!Number.isFinite(ms))
        return String(ms);
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    if (ms < 60_000)
        return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1).replace(/\.?0+$/, '')}s`;
    const totalSeconds = Math.round(ms / 1000);
    const h = Math.floor(totalSeconds / 3600);
    const m = Math.floor((totalSeconds % 3600) / 60);
    const sec = totalSeconds % 60;
    const parts = [h ? `${h}h` : '', m ? `${m}m` : '', sec ? `${sec}s` : ''].filter(Boolean);
    return parts.join(' ');
}

;// CONCATENATED MODULE: ./packages/kit/src/parse.ts
/**
 * Pure value parsers shared by action inputs and config files. Each takes the name to blame (an input
 * name or a path such as `checks[2].timeout`) and throws an {@link InputError} that names it, shows the
 * bad value and lists the accepted forms. Nothing is coerced silently.
 */


const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];
/** `true` / `false` in the spellings the GitHub runner accepts (YAML 1.2 core schema). */
function parse_parseBoolean(name, raw) {
    const s = raw.trim();
    if (TRUE.includes(s))
        return true;
    if (FALSE.includes(s))
        return false;
    throw new errors_InputError(name, raw, 'is not a boolean', 'Use true or false');
}
/** A whole number, optionally within a range. */
function parseInteger(name, raw, range = {}) {
    const s = raw.trim();
    if (!/^[-+]?\d+$/.test(s))
        throw new errors_InputError(name, raw, 'is not a whole number', rangeText(range, 'Use a whole number'));
    const n = Number(s);
    checkRange(name, raw, n, range, String);
    return n;
}
/**
 * The longest duration an input may give unless it sets its own maximum: 6 hours, the longest a
 * GitHub job may run. (Node fires a timer of 24.8 days or more after 1 ms, so an unbounded duration
 * would silently mean "at once".)
 */
const MAX_DURATION_MS = 6 * 3_600_000;
/** The longest any duration may be: a week (keep-previous), well under Node's timer limit. */
const MAX_LONG_DURATION_MS = 7 * 86_400_000;
/** A duration bound as people write one: `0s`, `100ms`, `6h`, `7d`. */
function showDuration(ms) {
    if (ms === 0)
        return '0s';
    return ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : formatDuration(ms);
}
/** A duration in milliseconds (`500ms`, `30s`, `15m`, `1h`), at most {@link MAX_DURATION_MS} unless `range.max` says otherwise. */
function parse_parseDuration(name, raw, range = {}) {
    const ms = parseDurationMs(raw);
    if (ms === undefined)
        throw new errors_InputError(name, raw, 'is not a duration', DURATION_FORMS);
    const max = Math.min(range.max ?? MAX_DURATION_MS, MAX_LONG_DURATION_MS);
    checkRange(name, raw, ms, { ...range, max }, showDuration);
    return ms;
}
/** A percentage (`1%`, `0.5%`), returned as a fraction (0.01, 0.005). */
function parsePercent(name, raw, range = { min: 0, max: 100 }) {
    const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(raw);
    if (!m)
        throw new errors_InputError(name, raw, 'is not a percentage', 'Use a number followed by %, e.g. 1% or 0.5%');
    const pct = Number(m[1]);
    checkRange(name, raw, pct, range, (v) => `${v}%`);
    return pct / 100;
}
/** A list: one item per line or comma-separated; items are trimmed, empty ones dropped. */
function parseList(raw) {
    return raw
        .split(/\r?\n|,/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
}
/** A list of newline-separated items (for items that may themselves contain commas). */
function parseLines(raw) {
    return raw
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
}
/** One of a fixed set of values (case-sensitive, as written in the docs). */
function parseEnum(name, raw, values) {
    const s = raw.trim();
    const found = values.find((v) => v === s);
    if (found === undefined)
        throw new errors_InputError(name, raw, 'is not a valid value', `Use one of: ${values.join(', ')}`);
    return found;
}
/** An absolute URL with one of the given protocols (default http and https). */
function parse_parseUrl(name, raw, protocols = ['http:', 'https:']) {
    let url;
    try {
        url = new URL(raw.trim());
    }
    catch {
        throw new errors_InputError(name, raw, 'is not a valid URL', `Use an absolute URL such as ${protocols[0] ?? 'http:'}//host:port/path`);
    }
    if (!protocols.includes(url.protocol)) {
        throw new errors_InputError(name, raw, `has protocol ${url.protocol}`, `Use one of: ${protocols.join(', ')}`);
    }
    return url;
}
/**
 * What a JSON syntax error says, without the text V8 quotes around it (`Unexpected token 'x',
 * "…secret…" is not valid JSON` → `Unexpected token 'x'`): the document may hold a secret.
 */
function jsonErrorText(error) {
    const message = error instanceof Error ? error.message : String(error);
    return (message.split('\n')[0] ?? '')
        .replace(/,\s*(?:\.\.\.)?".*$/, '')
        .replace(/ (?:in JSON )?at position \d+.*$/, '');
}
/** A JSON document; a syntax error is described, the document never quoted. */
function parseJson(name, raw) {
    try {
        return JSON.parse(raw);
    }
    catch (error) {
        throw new errors_InputError(name, errors_UNQUOTED, `is not valid JSON (${jsonErrorText(error)})`, 'Check quotes, commas and brackets');
    }
}
/** `key=value` pairs, one per line (or comma-separated when `commas` is true). Values keep their `=`. */
function parseKeyValues(name, raw, commas = false) {
    const out = {};
    for (const item of commas ? parseList(raw) : parseLines(raw)) {
        const eq = item.indexOf('=');
        const key = eq > 0 ? item.slice(0, eq).trim() : '';
        if (key === '')
            throw new errors_InputError(name, item, 'is not a key=value pair', 'Write one KEY=value per line');
        if (Object.hasOwn(out, key))
            throw new errors_InputError(name, item, `repeats the key "${key}"`, 'Give each key once');
        // An own property even for keys such as __proto__ or constructor: every key is an ordinary name.
        Object.defineProperty(out, key, {
            value: item.slice(eq + 1).trim(),
            enumerable: true,
            writable: true,
            configurable: true,
        });
    }
    return out;
}
function checkRange(name, raw, n, range, show) {
    if ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
        throw new errors_InputError(name, raw, 'is out of range', rangeText(range, '', show));
    }
}
function rangeText(range, lead, show = String) {
    const { min, max } = range;
    const bounds = min !== undefined && max !== undefined
        ? `from ${show(min)} to ${show(max)}`
        : min !== undefined
            ? `of at least ${show(min)}`
            : max !== undefined
                ? `of at most ${show(max)}`
                : '';
    if (!bounds)
        return lead;
    return lead ? `${lead} ${bounds}` : `Use a value ${bounds}`;
}

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

;// CONCATENATED MODULE: ./packages/kit/src/inputs.ts
/**
 * Typed reading of action inputs. An {@link InputReader} wraps a raw getter (the runner's `INPUT_*`
 * variables in production, a map in tests) and parses each input once, before any side effect.
 * An unset input reads as an empty string, as on the runner; `required` turns that into an error.
 */




class InputReader {
    rawInput;
    secrets;
    /**
     * `secrets`, when given, is told every password written in a URL or `user:pass@host` in any input
     * as the input is read, before it is parsed or quoted by an error message.
     */
    constructor(rawInput, secrets) {
        this.rawInput = rawInput;
        this.secrets = secrets;
    }
    /** The raw value of an input; what may be secret in it is registered first. */
    raw(name) {
        const value = this.rawInput(name);
        if (this.secrets)
            for (const c of secrets_credentialsIn(value))
                this.secrets.add(c);
        return value;
    }
    /** Registers a value that may be secret (a header value in a document an input holds). */
    addSecret(value) {
        this.secrets?.add(value);
    }
    /** The trimmed text of an input; '' when unset. */
    text(name) {
        return this.raw(name).trim();
    }
    /**
     * The trimmed text of a one-line input ('' when unset): a line break or any other control
     * character in it is an error, since the value is shown in logs and recorded on the target.
     */
    line(name) {
        const s = this.text(name);
        if (CONTROL.test(s))
            throw new errors_InputError(name, s, 'contains a line break or another control character', 'Give it on one line, in plain text');
        return s;
    }
    /** A required string. */
    required(name, hint = "Set it in the step's with: block") {
        const s = this.text(name);
        if (s === '')
            throw new errors_InputError(name, s, 'is required', hint);
        return s;
    }
    boolean(name, opts = {}) {
        return this.parsed(name, opts, (s) => parse_parseBoolean(name, s));
    }
    integer(name, opts = {}) {
        return this.parsed(name, opts, (s) => parseInteger(name, s, opts));
    }
    /** Milliseconds. */
    duration(name, opts = {}) {
        return this.parsed(name, opts, (s) => parse_parseDuration(name, s, opts));
    }
    /** A fraction (`1%` → 0.01). */
    percent(name, opts = {}) {
        return this.parsed(name, opts, (s) => parsePercent(name, s, opts));
    }
    enum(name, values, opts = {}) {
        return this.parsed(name, opts, (s) => parseEnum(name, s, values));
    }
    url(name, opts = {}) {
        return this.parsed(name, opts, (s) => parse_parseUrl(name, s, opts.protocols));
    }
    /** Newline- or comma-separated items; [] when unset. */
    list(name) {
        return parseList(this.raw(name));
    }
    /** Newline-separated items; [] when unset. */
    lines(name) {
        return parseLines(this.raw(name));
    }
    json(name, opts = {}) {
        return this.parsed(name, opts, (s) => parseJson(name, s));
    }
    /** `KEY=value` lines; {} when unset. */
    keyValues(name) {
        return parseKeyValues(name, this.raw(name));
    }
    parsed(name, opts, parse) {
        const s = this.text(name);
        if (s === '') {
            if ('default' in opts)
                return opts.default;
            throw new errors_InputError(name, s, 'is required', "Set it in the step's with: block");
        }
        return parse(s);
    }
}

;// CONCATENATED MODULE: ./packages/kit/src/clock.ts
/** The real clock. */
const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve) => {
        if (signal?.aborted)
            return resolve();
        const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
        };
        const timer = setTimeout(done, Math.max(0, ms));
        signal?.addEventListener('abort', done, { once: true });
    }),
};

;// CONCATENATED MODULE: ./packages/kit/src/retry.ts
/**
 * The delay before retry number `retry` (1 for the first retry): initial × factor^(retry-1), capped,
 * then spread by ±jitter/2 so that many clients do not retry in lockstep. Never exceeds the cap.
 */
function backoffDelay(retry, b, random = Math.random) {
    const factor = b.factor ?? 2;
    const jitter = b.jitter ?? 0.2;
    const base = Math.min(b.maxDelayMs, b.initialDelayMs * factor ** Math.max(0, retry - 1));
    const spread = base * jitter * (random() - 0.5);
    return Math.max(0, Math.min(b.maxDelayMs, Math.round(base + spread)));
}
/**
 * Calls `fn` until `done(result)`, the attempts are used up, or the next attempt would start after the
 * deadline. A wait is shortened so that the last attempt starts at the deadline, not after it.
 */
async function retry_poll(fn, opts, clock) {
    for (let attempt = 1;; attempt++) {
        const result = await fn(attempt);
        if (opts.done(result) || attempt >= opts.attempts)
            return { result, attempts: attempt };
        let delayMs = backoffDelay(attempt, opts, opts.random);
        if (opts.deadline !== undefined) {
            const left = opts.deadline - clock.now();
            if (left <= 0)
                return { result, attempts: attempt };
            delayMs = Math.min(delayMs, left);
        }
        opts.onRetry?.({ attempt, delayMs, result });
        await clock.sleep(delayMs);
    }
}
/** Calls `fn` until it resolves; rethrows the last error when attempts or time run out. */
async function retry(fn, opts, clock) {
    const outcome = await retry_poll(async (attempt) => {
        try {
            return { ok: true, value: await fn(attempt) };
        }
        catch (error) {
            return { ok: false, error };
        }
    }, {
        ...opts,
        done: (t) => t.ok || !(opts.retryIf?.(t.error) ?? true),
        onRetry: ({ attempt, delayMs, result }) => {
            if (!result.ok)
                opts.onRetry?.({ attempt, delayMs, error: result.error });
        },
    }, clock);
    if (outcome.result.ok)
        return outcome.result.value;
    throw outcome.result.error;
}

;// CONCATENATED MODULE: ./packages/kit/src/concurrency.ts
/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
async function concurrency_mapLimit(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            results[i] = await fn(items[i], i);
        }
    };
    const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker());
    await Promise.all(workers);
    return results;
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./packages/kit/src/exec.ts
/**
 * Running programs with argument arrays, never a shell string: inputs can't be interpreted by a shell.
 * The command line is logged with secrets masked; output is captured.
 */



/** A program that exited non-zero (or could not start, or timed out). */
class ExecError extends ActionError {
    result;
    name = 'ExecError';
    constructor(message, result) {
        super(message);
        this.result = result;
    }
}
/**
 * Quotes an argv for display only (it is never given to a shell), as bash would read it back: plain
 * words as they are, others in single quotes, and words holding control characters in ANSI-C quotes
 * (`$'a\nb'`), so a line break in an argument can never start a new log line.
 */
function displayCommand(command, args) {
    return [command, ...args].map(shellWord).join(' ');
}
function shellWord(a) {
    if (/^[\w@%+=:,./-]+$/.test(a))
        return a;
    if (!CONTROL.test(a))
        return `'${a.replace(/'/g, `'\\''`)}'`;
    const body = a
        .replace(/\\/g, '\\\\')
        .replace(/'/g, "\\'")
        .replace(/\n/g, '\\n')
        .replace(/\t/g, '\\t');
    return `$'${visibleControls(body)}'`;
}
/** The real {@link Exec}: `child_process.spawn` with `shell: false`. */
class ProcessExec {
    log;
    secrets;
    constructor(log, secrets) {
        this.log = log;
        this.secrets = secrets;
    }
    run(command, args, options = {}) {
        const shown = this.secrets.mask(displayCommand(command, args));
        if (!options.quiet)
            this.log.info(`[command] ${shown}`);
        return new Promise((resolve, reject) => {
            const child = (0,external_node_child_process_namespaceObject.spawn)(command, [...args], {
                cwd: options.cwd,
                env: { ...process.env, ...options.env },
                shell: false,
                stdio: ['pipe', 'pipe', 'pipe'],
                detached: options.processGroup === true,
            });
            const release = options.processGroup ? holdGroup(child.pid) : undefined;
            const kill = () => {
                if (options.processGroup && child.pid !== undefined)
                    killGroup(child.pid);
                else
                    child.kill('SIGKILL');
            };
            const out = [];
            const err = [];
            let timedOut = false;
            const timer = options.timeoutMs === undefined
                ? undefined
                : setTimeout(() => {
                    timedOut = true;
                    kill();
                }, options.timeoutMs);
            const lines = options.onLine
                ? lineSplitter((l) => options.onLine?.(this.secrets.mask(l)))
                : undefined;
            child.stdout.on('data', (b) => {
                out.push(b);
                lines?.stdout(b);
            });
            child.stderr.on('data', (b) => {
                err.push(b);
                lines?.stderr(b);
            });
            child.on('error', (e) => {
                clearTimeout(timer);
                release?.();
                reject(new ExecError(`${command}: could not start (${e.message})`, {
                    exitCode: -1,
                    stdout: '',
                    stderr: e.message,
                }));
            });
            child.on('close', (code, signal) => {
                clearTimeout(timer);
                release?.();
                lines?.flush();
                const result = {
                    exitCode: code ?? -1,
                    stdout: Buffer.concat(out).toString('utf8'),
                    stderr: Buffer.concat(err).toString('utf8'),
                };
                if (result.exitCode === 0 || (options.allowFailure && !timedOut))
                    return resolve(result);
                const why = timedOut
                    ? `timed out after ${options.timeoutMs}ms`
                    : signal
                        ? `killed by ${signal}`
                        : `exited with ${result.exitCode}`;
                const tail = this.secrets.mask(result.stderr.trim().split('\n').slice(-5).join('\n'));
                reject(new ExecError(`${shown} ${why}${tail ? `: ${tail}` : ''}`, result));
            });
            child.stdin.on('error', () => undefined);
            child.stdin.end(options.input ?? '');
        });
    }
}
/** Process groups started with `processGroup`, killed if this process is told to stop. */
const groups = new Set();
function killGroup(pid) {
    try {
        process.kill(-pid, 'SIGKILL');
    }
    catch {
        // already gone
    }
}
function onStop(signal) {
    for (const pid of groups)
        killGroup(pid);
    process.exit(signal === 'SIGINT' ? 130 : 143);
}
/** Registers a live group; the returned function forgets it (and the signal handlers with the last). */
function holdGroup(pid) {
    if (pid === undefined)
        return () => undefined;
    if (groups.size === 0)
        for (const s of ['SIGINT', 'SIGTERM'])
            process.on(s, onStop);
    groups.add(pid);
    return () => {
        if (!groups.delete(pid) || groups.size > 0)
            return;
        for (const s of ['SIGINT', 'SIGTERM'])
            process.off(s, onStop);
    };
}
/** Cuts two byte streams into lines (a partial line waits for its end, per stream). */
function lineSplitter(emit) {
    const pending = { stdout: '', stderr: '' };
    const feed = (key, b) => {
        const parts = (pending[key] + b.toString('utf8')).split(/\r?\n/);
        pending[key] = parts.pop() ?? '';
        parts.forEach(emit);
    };
    return {
        stdout: (b) => feed('stdout', b),
        stderr: (b) => feed('stderr', b),
        flush: () => {
            for (const key of ['stdout', 'stderr'])
                if (pending[key] !== '')
                    emit(pending[key]);
            pending.stdout = pending.stderr = '';
        },
    };
}

;// CONCATENATED MODULE: ./packages/kit/src/summary.ts
/** A small markdown builder for job summaries (pure: it only makes text). */
/** Escapes text for a markdown table cell: pipes, newlines and HTML angle brackets. */
function cell(value) {
    if (value === null || value === undefined || value === '')
        return '–';
    return String(value)
        .replace(/\|/g, '\\|')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\r?\n/g, '<br>');
}
function escapeHtml(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
class Summary {
    parts = [];
    heading(text, level = 2) {
        this.parts.push(`${'#'.repeat(level)} ${text}`);
        return this;
    }
    /** A paragraph of markdown (not escaped: pass trusted text). */
    paragraph(markdown) {
        this.parts.push(markdown);
        return this;
    }
    /** A table; every cell is escaped. */
    table(headers, rows) {
        const lines = [
            `| ${headers.map(cell).join(' | ')} |`,
            `| ${headers.map(() => '---').join(' | ')} |`,
            ...rows.map((r) => `| ${headers.map((_, i) => cell(r[i])).join(' | ')} |`),
        ];
        this.parts.push(lines.join('\n'));
        return this;
    }
    /** A bulleted list (markdown items). */
    list(items) {
        if (items.length)
            this.parts.push(items.map((i) => `- ${i}`).join('\n'));
        return this;
    }
    /** A fenced code block; the fence grows if the text contains one. */
    code(text, lang = '') {
        const fence = text.includes('```') ? '````' : '```';
        this.parts.push(`${fence}${lang}\n${text}\n${fence}`);
        return this;
    }
    /** A folded block; `body` is markdown (or another Summary). */
    details(title, body) {
        this.parts.push(`<details><summary>${escapeHtml(title)}</summary>\n\n${String(body)}\n\n</details>`);
        return this;
    }
    toString() {
        return this.parts.join('\n\n') + '\n';
    }
}

;// CONCATENATED MODULE: ./packages/kit/src/run-action.ts

/**
 * The one catch of an action (STYLE.md §6): anything thrown, `Error` or not, fails the step with
 * `<action>: <message>`; the stack goes to the debug log.
 */
async function runAction(action, io, body) {
    try {
        await body();
    }
    catch (error) {
        if (error instanceof Error && error.stack)
            io.debug(error.stack);
        io.setFailed(`${action}: ${errorMessage(error)}`);
    }
}

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./packages/kit/src/workspace.ts
/**
 * File inputs stay inside the workspace. A path in an input (a config file, a checks file, a
 * Dockerfile, a report glob) is resolved against the workspace and then through every symlink, so
 * neither `../`, an absolute path nor a link committed in the repository can make an action read
 * (and quote) a file such as `/etc/shadow` or `/proc/self/environ`.
 */



/** The fix every refusal names. */
const INSIDE_WORKSPACE = 'Give a path inside the workspace ($GITHUB_WORKSPACE, the checkout); a symlink must point inside it too';
/** The real path of `path`, or of its nearest existing parent with the rest appended (a file yet to be made). */
function realPath(path) {
    try {
        return (0,external_node_fs_namespaceObject.realpathSync)(path);
    }
    catch (error) {
        const code = error.code;
        const parent = (0,external_node_path_namespaceObject.dirname)(path);
        if ((code === 'ENOENT' || code === 'ENOTDIR') && parent !== path)
            return (0,external_node_path_namespaceObject.resolve)(realPath(parent), (0,external_node_path_namespaceObject.relative)(parent, path));
        throw error;
    }
}
/** Whether `path` (real) is `root` (real) or below it. */
function isInside(root, path) {
    const rel = (0,external_node_path_namespaceObject.relative)(root, path);
    return rel === '' || (!rel.startsWith(`..${external_node_path_namespaceObject.sep}`) && rel !== '..' && !(0,external_node_path_namespaceObject.isAbsolute)(rel));
}
/**
 * The absolute path an input names, resolved against `workspace`, after checking that it stays inside
 * the workspace once every symlink is followed. A path that does not exist yet is checked through
 * its nearest existing parent.
 * @throws InputError naming `input` when the path leads outside the workspace.
 */
function workspaceFile(input, path, workspace) {
    const absolute = (0,external_node_path_namespaceObject.resolve)(workspace, path);
    const root = realPath((0,external_node_path_namespaceObject.resolve)(workspace));
    if (!isInside(root, realPath(absolute)))
        throw new errors_InputError(input, path, 'is outside the workspace', INSIDE_WORKSPACE);
    return absolute;
}
/** Whether `path` (absolute) is inside `workspace` once symlinks are followed: for files a glob matched. */
function insideWorkspace(path, workspace) {
    try {
        return isInside(realPath(resolve(workspace)), realPath(path));
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./packages/kit/src/index.ts
/** @switchyard/kit: the pieces every action shares. See README.md. */
















;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./packages/kit/src/io.ts
/** The action's side of the runner protocol, as a small interface (STYLE.md §4). */
/** Logs a progress line: in place where the logger can, else as info. */
function logProgress(log, message) {
    if (log.progress)
        log.progress(message);
    else
        log.info(message);
}
/** Serialises an output value the way every switchyard action does. */
function outputText(value) {
    return typeof value === 'string'
        ? value
        : typeof value === 'object'
            ? JSON.stringify(value)
            : String(value);
}

;// CONCATENATED MODULE: ./packages/kit/src/actions-io.ts
/**
 * The real {@link ActionIO}: the GitHub runner's documented protocol, written directly — workflow
 * commands on stdout (`::add-mask::`, `::group::`, `::warning file=…::`) and file commands
 * (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY). It replaces `@actions/core`, whose HTTP client
 * (undici, for OIDC tokens we never ask for) tripled every action's start-up time (ADR 0003).
 * Only an action's `main.ts` imports this module; libraries take the interface.
 */







/** Escapes a workflow command's message. */
function escapeData(s) {
    return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** Escapes a workflow command's property value. */
function escapeProperty(s) {
    return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
/** One workflow command line, e.g. `::warning file=a.ts,line=3::message`. */
function command(name, props, message) {
    const p = Object.entries(props)
        .filter((e) => e[1] !== undefined && e[1] !== '')
        .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
        .join(',');
    return `::${name}${p ? ` ${p}` : ''}::${escapeData(message)}`;
}
/** A `name<<delimiter` entry of a file command (GITHUB_OUTPUT, GITHUB_STATE). */
function fileCommandEntry(name, value, delimiter = `ghadelimiter_${(0,external_node_crypto_namespaceObject.randomUUID)()}`) {
    if (name.includes(delimiter) || value.includes(delimiter))
        throw new Error(`file command: "${name}" or its value contains the delimiter`);
    return `${name}<<${delimiter}${external_node_os_namespaceObject.EOL}${value}${external_node_os_namespaceObject.EOL}${delimiter}${external_node_os_namespaceObject.EOL}`;
}
/** The runner's input variable: `INPUT_` + the name upper-cased with spaces as `_`. */
function inputVariable(name) {
    return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
/** Creates the runner-backed IO and the secret registry wired to `::add-mask::`. */
function actionsIO(env = process.env, write = (line) => process.stdout.write(`${line}${external_node_os_namespaceObject.EOL}`)) {
    const secrets = new Secrets((v) => write(command('add-mask', {}, v)));
    const m = (s) => secrets.mask(s);
    // Without the file (an old runner, or a bare `node dist/…`), the legacy workflow command, as the toolkit does.
    const fileCommand = (variable, legacy, name, value) => {
        const file = env[variable];
        if (!file)
            return write(command(legacy, { name }, value));
        try {
            (0,external_node_fs_namespaceObject.appendFileSync)(file, fileCommandEntry(name, value), 'utf8');
        }
        catch (error) {
            // Node's fs errors carry a message even where they are not this realm's Error (jest's VM).
            const why = error?.message;
            throw new Error(`could not write "${name}" to ${variable} (${file}): ${typeof why === 'string' ? why : errorMessage(error)}`, { cause: error });
        }
    };
    const annotate = (level, msg, p) => write(command(level, { title: p?.title && m(p.title), file: p?.file, line: p?.startLine, col: p?.startColumn }, m(msg)));
    const io = {
        getInput: (name) => (env[inputVariable(name)] ?? '').trim(),
        setOutput: (name, value) => fileCommand('GITHUB_OUTPUT', 'set-output', name, outputText(value)),
        setSecret: (value) => secrets.add(value),
        // Masked first (a secret may hold the characters logLines makes visible), then made inert.
        info: (msg) => logLines(m(msg)).forEach(write),
        debug: (msg) => write(command('debug', {}, m(msg))),
        warning: (msg, p) => annotate('warning', msg, p),
        error: (msg, p) => annotate('error', msg, p),
        group: async (title, fn) => {
            write(command('group', {}, m(title)));
            try {
                return await fn();
            }
            finally {
                write('::endgroup::');
            }
        },
        appendSummary: (markdown) => {
            const file = env.GITHUB_STEP_SUMMARY;
            if (!file)
                return Promise.reject(new Error('$GITHUB_STEP_SUMMARY is not set'));
            (0,external_node_fs_namespaceObject.appendFileSync)(file, `${m(markdown)}${external_node_os_namespaceObject.EOL}`, 'utf8');
            return Promise.resolve();
        },
        saveState: (name, value) => fileCommand('GITHUB_STATE', 'save-state', name, value),
        getState: (name) => env[`STATE_${name}`] ?? '',
        setFailed: (msg) => {
            process.exitCode = 1;
            write(command('error', {}, m(msg)));
        },
    };
    return { io, secrets };
}

;// CONCATENATED MODULE: ./packages/image/src/semver.ts
/** Semantic versions (semver.org 2.0.0): parsing a git tag such as `v1.4.2`, and precedence. */
const NUM = '0|[1-9]\\d*';
const ID = `(?:${NUM}|\\d*[a-zA-Z-][0-9a-zA-Z-]*)`;
const SEMVER = new RegExp(`^[vV]?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${ID}(?:\\.${ID})*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$`);
/** Parses `1.4.2`, `v1.4.2`, `1.3.0-rc.1+build.5`; undefined when the text is not a semver. */
function parseSemver(text) {
    const m = SEMVER.exec(text.trim());
    if (!m)
        return undefined;
    const [, major = '', minor = '', patch = '', pre, build] = m;
    const nums = [major, minor, patch].map(Number);
    if (nums.some((n) => !Number.isSafeInteger(n)))
        return undefined;
    return {
        major: nums[0] ?? 0,
        minor: nums[1] ?? 0,
        patch: nums[2] ?? 0,
        prerelease: pre ? pre.split('.') : [],
        build: build ?? '',
        raw: text.trim(),
    };
}
/** `1.4.2`, `1.3.0-rc.1`, `1.0.0+build.5`: the version without a `v` prefix. */
function formatSemver(v) {
    const pre = v.prerelease.length ? `-${v.prerelease.join('.')}` : '';
    return `${v.major}.${v.minor}.${v.patch}${pre}${v.build ? `+${v.build}` : ''}`;
}
function isPrerelease(v) {
    return v.prerelease.length > 0;
}
function compareIdentifiers(a, b) {
    const an = /^\d+$/.test(a);
    const bn = /^\d+$/.test(b);
    if (an && bn)
        return Number(a) - Number(b);
    if (an)
        return -1;
    if (bn)
        return 1;
    return a < b ? -1 : a > b ? 1 : 0;
}
/** Semver precedence: negative when a < b, 0 when equal (build metadata ignored), positive when a > b. */
function compareSemver(a, b) {
    const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
    if (core !== 0)
        return core;
    if (!a.prerelease.length || !b.prerelease.length)
        return b.prerelease.length - a.prerelease.length;
    for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
        const x = a.prerelease[i];
        const y = b.prerelease[i];
        if (x === undefined)
            return -1;
        if (y === undefined)
            return 1;
        const c = compareIdentifiers(x, y);
        if (c !== 0)
            return c;
    }
    return 0;
}

;// CONCATENATED MODULE: ./packages/image/src/git-context.ts
/** The git facts tags and labels are computed from, read once from the runner's environment. */
/** The branch name for refs/heads/… refs, else undefined. */
function branchOf(ctx) {
    return ctx.ref.startsWith('refs/heads/') ? ctx.ref.slice('refs/heads/'.length) : undefined;
}
/** The tag name for refs/tags/… refs, else undefined. */
function tagOf(ctx) {
    return ctx.ref.startsWith('refs/tags/') ? ctx.ref.slice('refs/tags/'.length) : undefined;
}
/** The pull request number, from the payload or from refs/pull/N/…. */
function prOf(ctx) {
    if (ctx.prNumber !== undefined)
        return ctx.prNumber;
    const m = /^refs\/pull\/(\d+)\//.exec(ctx.ref);
    return m ? Number(m[1]) : undefined;
}
/** True when the ref is the default branch (false when the default branch is unknown). */
function isDefaultBranch(ctx) {
    const branch = branchOf(ctx);
    return branch !== undefined && branch === ctx.defaultBranch;
}
function str(o, ...path) {
    let cur = o;
    for (const key of path) {
        if (typeof cur !== 'object' || cur === null)
            return undefined;
        cur = cur[key];
    }
    return typeof cur === 'string' && cur !== ''
        ? cur
        : typeof cur === 'number'
            ? String(cur)
            : undefined;
}
/** Reads the fields we use from a webhook event payload of any event type; unknown shapes give {}. */
function repositoryInfo(payload) {
    const pr = str(payload, 'pull_request', 'number');
    const license = str(payload, 'repository', 'license', 'spdx_id');
    return {
        defaultBranch: str(payload, 'repository', 'default_branch'),
        prNumber: pr === undefined ? undefined : Number(pr),
        htmlUrl: str(payload, 'repository', 'html_url'),
        homepage: str(payload, 'repository', 'homepage'),
        description: str(payload, 'repository', 'description'),
        license: license && license !== 'NOASSERTION' ? license : undefined,
        name: str(payload, 'repository', 'name'),
    };
}
/** The git context of this run from the runner's `GITHUB_*` variables and the event payload. */
function gitContextFromEnv(env, payload, date) {
    const repo = repositoryInfo(payload);
    return {
        event: env.GITHUB_EVENT_NAME ?? '',
        ref: env.GITHUB_REF ?? '',
        sha: env.GITHUB_SHA ?? '',
        ...(repo.defaultBranch ? { defaultBranch: repo.defaultBranch } : {}),
        ...(repo.prNumber !== undefined ? { prNumber: repo.prNumber } : {}),
        ...(env.GITHUB_BASE_REF ? { baseRef: env.GITHUB_BASE_REF } : {}),
        date,
    };
}

;// CONCATENATED MODULE: ./packages/image/src/tag-rules.ts
/**
 * Tag rules, one per line, in docker/metadata-action's syntax: `type=semver,pattern={{version}}`,
 * `type=ref,event=branch`, `type=sha`, `type=raw,value=stable`, `type=schedule,pattern=nightly`,
 * `type=edge`. A line without `type=` is a raw tag. Every rule takes `prefix`, `suffix` and `enable`.
 */

/** Placeholders of a semver pattern. */
const SEMVER_PLACEHOLDERS = ['raw', 'version', 'major', 'minor', 'patch'];
/** Expressions allowed in values, prefixes, suffixes, schedule patterns and `enable`. */
const EXPRESSIONS = ['branch', 'tag', 'sha', 'base_ref', 'is_default_branch'];
const KEYS = {
    semver: ['pattern', 'value'],
    ref: ['event'],
    sha: ['format'],
    raw: ['value'],
    schedule: ['pattern'],
    edge: ['branch'],
};
const COMMON_KEYS = ['type', 'prefix', 'suffix', 'enable'];
const PLACEHOLDER = /\{\{\s*([a-z_]+)(?:\s+'([^']*)')?\s*\}\}/g;
const HAS_PLACEHOLDER = new RegExp(PLACEHOLDER.source);
/** Splits one rule line on commas outside double quotes; `"a,b"` keeps its comma. */
function splitFields(line) {
    const fields = [];
    let cur = '';
    let quoted = false;
    for (const ch of line) {
        if (ch === '"')
            quoted = !quoted;
        else if (ch === ',' && !quoted) {
            fields.push(cur.trim());
            cur = '';
        }
        else
            cur += ch;
    }
    if (quoted)
        throw new Error('has an unclosed double quote');
    fields.push(cur.trim());
    return fields.filter((f) => f !== '');
}
function checkExpressions(text, allowed, fail) {
    for (const m of text.matchAll(PLACEHOLDER)) {
        const name = m[1] ?? '';
        if (name === 'date') {
            if (m[2] === undefined)
                fail(`{{date}} needs a format, e.g. {{date 'YYYYMMDD'}}`);
            continue;
        }
        if (!allowed.includes(name))
            fail(`{{${name}}} is not a known placeholder here (known: ${allowed.map((a) => `{{${a}}}`).join(', ')}, {{date 'FORMAT'}})`);
    }
    const stray = text.replace(PLACEHOLDER, '');
    if (stray.includes('{{') || stray.includes('}}'))
        fail(`"${text}" has an unbalanced {{ or }}`);
}
/** Parses one rule line; `name` is the input to blame (e.g. `tags` line 3). */
function parseTagRule(name, line) {
    const fail = (problem) => {
        throw new errors_InputError(name, line, problem, 'Write rules like type=semver,pattern={{version}} / type=ref,event=branch / type=sha / type=raw,value=stable (see the build-image README)');
    };
    let fields;
    try {
        fields = splitFields(line);
    }
    catch (e) {
        return fail(e.message);
    }
    if (!fields.some((f) => f.startsWith('type=')) &&
        fields.length === 1 &&
        !fields[0]?.includes('='))
        fields = ['type=raw', `value=${fields[0] ?? ''}`];
    const kv = new Map();
    for (const f of fields) {
        const eq = f.indexOf('=');
        if (eq <= 0)
            fail(`"${f}" is not key=value`);
        const key = f.slice(0, eq).trim();
        if (kv.has(key))
            fail(`sets ${key} twice`);
        kv.set(key, f.slice(eq + 1).trim());
    }
    const type = kv.get('type') ?? 'raw';
    if (!(type in KEYS))
        fail(`type "${type}" is unknown (known: ${Object.keys(KEYS).join(', ')})`);
    const t = type;
    for (const key of kv.keys())
        if (!COMMON_KEYS.includes(key) && !KEYS[t].includes(key))
            fail(`"${key}" is not an attribute of type=${t} (it takes ${[...KEYS[t], 'prefix', 'suffix', 'enable'].join(', ')})`);
    const common = {
        prefix: kv.get('prefix') ?? '',
        suffix: kv.get('suffix') ?? '',
        enable: kv.get('enable') ?? 'true',
        source: line,
    };
    for (const key of ['prefix', 'suffix', 'enable'])
        checkExpressions(common[key], EXPRESSIONS, fail);
    if (!/^(true|false)$/.test(common.enable) && !HAS_PLACEHOLDER.test(common.enable))
        fail(`enable must be true, false or an expression such as {{is_default_branch}}`);
    switch (t) {
        case 'semver': {
            const pattern = kv.get('pattern');
            if (!pattern)
                return fail('type=semver needs a pattern, e.g. pattern={{version}}');
            checkExpressions(pattern, SEMVER_PLACEHOLDERS, fail);
            if (![...pattern.matchAll(PLACEHOLDER)].some((m) => SEMVER_PLACEHOLDERS.includes(m[1])))
                fail(`pattern "${pattern}" uses none of ${SEMVER_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
            const value = kv.get('value');
            if (value !== undefined)
                checkExpressions(value, EXPRESSIONS, fail);
            return { ...common, type: t, pattern, ...(value ? { value } : {}) };
        }
        case 'ref': {
            const event = kv.get('event');
            if (event !== 'branch' && event !== 'tag' && event !== 'pr')
                return fail(`type=ref needs event=branch, event=tag or event=pr${event ? `, not "${event}"` : ''}`);
            return {
                ...common,
                type: t,
                event,
                prefix: kv.get('prefix') ?? (event === 'pr' ? 'pr-' : ''),
            };
        }
        case 'sha': {
            const format = kv.get('format') ?? 'short';
            if (format !== 'short' && format !== 'long')
                return fail(`format must be short or long, not "${format}"`);
            return { ...common, type: t, format, prefix: kv.get('prefix') ?? 'sha-' };
        }
        case 'raw': {
            const value = kv.get('value');
            if (!value)
                return fail('type=raw needs a value, e.g. value=stable');
            checkExpressions(value, EXPRESSIONS, fail);
            return { ...common, type: t, value };
        }
        case 'schedule': {
            const pattern = kv.get('pattern') ?? 'nightly';
            checkExpressions(pattern, EXPRESSIONS, fail);
            return { ...common, type: t, pattern };
        }
        case 'edge': {
            const branch = kv.get('branch');
            return { ...common, type: t, ...(branch ? { branch } : {}) };
        }
    }
}
/** Parses the `tags` input: one rule per line; blank lines and `#` comments are skipped. */
function parseTagRules(name, raw) {
    return raw
        .split(/\r?\n/)
        .map((line, i) => ({ line: line.trim(), i }))
        .filter(({ line }) => line !== '' && !line.startsWith('#'))
        .map(({ line, i }) => parseTagRule(`${name} (line ${i + 1})`, line));
}
/**
 * The rules used when `tags` is empty: semver tags for a semver git tag, the tag name for any other
 * git tag, the branch for branch builds, `pr-N` for pull requests, `sha-<7>` always, and `nightly`
 * on schedule events.
 */
function defaultTagRules(gitTagIsSemver) {
    return [
        'type=schedule',
        'type=semver,pattern={{version}}',
        'type=semver,pattern={{major}}.{{minor}}',
        'type=semver,pattern={{major}}',
        ...(gitTagIsSemver ? [] : ['type=ref,event=tag']),
        'type=ref,event=branch',
        'type=ref,event=pr',
        'type=sha',
    ].join('\n');
}

;// CONCATENATED MODULE: ./packages/image/src/tags.ts
/**
 * Tags from rules and the git context: a pure function, table-tested. Past metadata-action:
 * `latest`, `{{major}}` and `{{major}}.{{minor}}` go only to the newest release that they cover, and
 * never to a pre-release, so a backported `v1.2.9` does not steal `latest` or `1` from `v1.4.2`.
 */



/** Longest tag the OCI distribution spec allows. */
const MAX_TAG_LENGTH = 128;
/** Lower case, `[a-z0-9_.-]` only, not starting with `.` or `-`, at most 128 characters. */
function sanitizeTag(raw) {
    return raw
        .toLowerCase()
        .replace(/[^a-z0-9_.-]/g, '-')
        .replace(/^[.-]+/, '')
        .slice(0, MAX_TAG_LENGTH);
}
const pad = (n, w = 2) => String(n).padStart(w, '0');
/** Formats a date in UTC with the tokens YYYY, YY, MM, DD, HH, mm, ss. */
function formatDate(date, format) {
    const parts = {
        YYYY: String(date.getUTCFullYear()),
        YY: pad(date.getUTCFullYear() % 100),
        MM: pad(date.getUTCMonth() + 1),
        DD: pad(date.getUTCDate()),
        HH: pad(date.getUTCHours()),
        mm: pad(date.getUTCMinutes()),
        ss: pad(date.getUTCSeconds()),
    };
    return format.replace(/YYYY|YY|MM|DD|HH|mm|ss/g, (t) => parts[t] ?? t);
}
/** Replaces `{{branch}}`, `{{tag}}`, `{{sha}}`, `{{base_ref}}`, `{{is_default_branch}}`, `{{date 'F'}}`. */
function expand(text, ctx) {
    return text.replace(/\{\{\s*([a-z_]+)(?:\s+'([^']*)')?\s*\}\}/g, (_, name, fmt) => {
        switch (name) {
            case 'branch':
                return branchOf(ctx) ?? '';
            case 'tag':
                return tagOf(ctx) ?? '';
            case 'sha':
                return ctx.sha.slice(0, 7);
            case 'base_ref':
                return ctx.baseRef ?? '';
            case 'is_default_branch':
                return String(isDefaultBranch(ctx));
            case 'date':
                return formatDate(ctx.date, fmt ?? 'YYYYMMDD');
            default:
                return '';
        }
    });
}
/** Which release line a semver pattern follows: exact (`{{version}}`), `{{major}}.{{minor}}`, `{{major}}`. */
function floating(pattern) {
    if (/\{\{\s*(version|raw|patch)\s*\}\}/.test(pattern))
        return 'none';
    if (/\{\{\s*minor\s*\}\}/.test(pattern))
        return 'minor';
    return 'major';
}
function renderSemver(pattern, v) {
    const values = {
        raw: v.raw,
        version: formatSemver(v),
        major: String(v.major),
        minor: String(v.minor),
        patch: String(v.patch),
    };
    return pattern.replace(/\{\{\s*([a-z]+)\s*\}\}/g, (m, k) => values[k] ?? m);
}
/** The newer stable release that keeps `v` from a floating tag, if any. */
function newerRelease(v, scope, ctx) {
    return ctx.existingTags
        .map(parseSemver)
        .filter((e) => e !== undefined && !isPrerelease(e))
        .filter((e) => scope === 'all' || (e.major === v.major && (scope === 'major' || e.minor === v.minor)))
        .filter((e) => compareSemver(e, v) > 0)
        .sort(compareSemver)
        .at(-1);
}
function semverOutcome(rule, ctx) {
    const source = rule.value !== undefined ? expand(rule.value, ctx) : tagOf(ctx);
    if (!source)
        return {};
    const v = parseSemver(source);
    if (!v)
        return { note: `"${source}" is not a semantic version: ${rule.source} made no tag` };
    const kind = floating(rule.pattern);
    if (kind !== 'none') {
        const what = kind === 'major' ? `${v.major}` : `${v.major}.${v.minor}`;
        if (isPrerelease(v))
            return {
                semver: v,
                note: `${formatSemver(v)} is a pre-release: no "${renderSemver(rule.pattern, v)}" tag (${rule.source})`,
            };
        const newer = newerRelease(v, kind, ctx);
        if (newer)
            return {
                semver: v,
                note: `${formatSemver(v)} is older than ${newer.raw}: "${what}" stays with the newer release (${rule.source})`,
            };
    }
    // The parser allows {{date 'F'}} in a semver pattern too; renderSemver leaves it for expand.
    return { semver: v, value: expand(renderSemver(rule.pattern, v), ctx) };
}
function ruleOutcome(rule, ctx) {
    switch (rule.type) {
        case 'semver':
            return semverOutcome(rule, ctx);
        case 'ref': {
            if (rule.event === 'tag')
                return { value: tagOf(ctx) };
            if (rule.event === 'branch')
                return ctx.event.startsWith('pull_request') ? {} : { value: branchOf(ctx) };
            const pr = prOf(ctx);
            return pr === undefined ? {} : { value: String(pr) };
        }
        case 'sha':
            return { value: rule.format === 'long' ? ctx.sha : ctx.sha.slice(0, 7) };
        case 'raw':
            return { value: expand(rule.value, ctx) };
        case 'schedule':
            return ctx.event === 'schedule' ? { value: expand(rule.pattern, ctx) } : {};
        case 'edge': {
            const branch = rule.branch ?? ctx.defaultBranch;
            return branch !== undefined && branchOf(ctx) === branch ? { value: 'edge' } : {};
        }
    }
}
function enabled(rule, ctx) {
    const value = expand(rule.enable, ctx).trim();
    if (value === 'true')
        return true;
    if (value === 'false')
        return false;
    throw new errors_InputError('tags', rule.source, `enable evaluates to "${value}"`, 'enable must come out as true or false');
}
/** Computes the image tags for a build. */
function computeTags(rules, ctx, latest = 'auto') {
    const tags = [];
    const notes = [];
    let release;
    let latestAt = -1;
    let shaTag;
    for (const rule of rules) {
        if (!enabled(rule, ctx))
            continue;
        const out = ruleOutcome(rule, ctx);
        if (out.note)
            notes.push(out.note);
        if (out.semver && !release)
            release = out.semver;
        if (out.value === undefined || out.value === '')
            continue;
        const raw = `${expand(rule.prefix, ctx)}${out.value}${expand(rule.suffix, ctx)}`;
        const tag = sanitizeTag(raw);
        if (tag === '') {
            notes.push(`"${raw}" has no character a tag may hold: ${rule.source} made no tag`);
            continue;
        }
        if (tag !== raw)
            notes.push(`"${raw}" became "${tag}" (tags are lower case [a-z0-9_.-], at most ${MAX_TAG_LENGTH})`);
        if (tags.includes(tag))
            continue;
        tags.push(tag);
        if (rule.type === 'semver')
            latestAt = tags.length;
        if (rule.type === 'sha' && shaTag === undefined)
            shaTag = tag;
    }
    const wantLatest = latest === 'true' ||
        (latest === 'auto' &&
            release !== undefined &&
            latestAt >= 0 &&
            !isPrerelease(release) &&
            !newerRelease(release, 'all', ctx));
    if (latest === 'auto' && release && latestAt >= 0 && !wantLatest) {
        const newer = newerRelease(release, 'all', ctx);
        notes.push(isPrerelease(release)
            ? `${formatSemver(release)} is a pre-release: no "latest" tag`
            : `${formatSemver(release)} is older than ${newer?.raw ?? 'another release'}: no "latest" tag`);
    }
    if (wantLatest && !tags.includes('latest'))
        tags.splice(latestAt >= 0 ? latestAt : tags.length, 0, 'latest');
    const version = release ? formatSemver(release) : (shaTag ?? tags[0] ?? '');
    return { tags, version, ...(release ? { semver: release } : {}), notes };
}

;// CONCATENATED MODULE: ./packages/image/src/reference.ts
/**
 * Image names and registries, checked against the distribution reference grammar before anything
 * runs: `[host[:port]/]path` with lower-case path components, tags `[\w][\w.-]{0,127}`.
 */

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:localhost|\[[0-9a-fA-F:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::\d{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
/** Docker Hub's name as users write it, and the host its API answers on. */
const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';
/** `host/path` or `path`: what `docker tag` and `docker push` take, without a tag. */
function repository(name) {
    return name.registry ? `${name.registry}/${name.path}` : name.path;
}
/** True when the first component names a registry host (has `.` or `:`, or is `localhost`). */
function looksLikeHost(component) {
    return component === 'localhost' || component.includes('.') || component.includes(':');
}
/** Parses the `registry` input: `host[:port]`, optionally with `https://`, never with a path. */
function parseRegistry(input, raw) {
    let s = raw.trim();
    if (s === '')
        return undefined;
    const accepted = 'Give the registry as host[:port], e.g. ghcr.io or 127.0.0.1:5000; put the namespace in image';
    const scheme = /^([a-z]+):\/\//i.exec(s);
    if (scheme) {
        if (!/^https?$/i.test(scheme[1] ?? ''))
            throw new errors_InputError(input, raw, `has scheme ${scheme[1]}://`, accepted);
        s = s.slice(scheme[0].length);
    }
    s = s.replace(/\/+$/, '');
    if (s.includes('/'))
        throw new errors_InputError(input, raw, `has a path (/${s.slice(s.indexOf('/') + 1)})`, accepted);
    if (!HOST.test(s))
        throw new errors_InputError(input, raw, 'is not a host[:port]', accepted);
    const port = /:(\d+)$/.exec(s)?.[1];
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
        throw new errors_InputError(input, raw, `has port ${port}, outside 1-65535`, accepted);
    return s.toLowerCase();
}
/**
 * Parses the `image` input (no tag, no digest: tags come from the tag rules) and joins it with the
 * `registry` input. A host in the image must agree with `registry` when both are given.
 */
function parseImageName(input, text, registry, 
/** For callers that parse a part of a longer value: what to quote and what to suggest. */
shown) {
    const s = text.trim();
    const raw = shown?.value ?? text;
    const accepted = shown?.accepted ??
        'Give a repository name such as team/app or ghcr.io/org/app: lower case, no tag (tags come from the tags input)';
    if (s === '')
        throw new errors_InputError(input, raw, 'is empty', accepted);
    if (s.includes('@'))
        throw new errors_InputError(input, raw, 'has a digest', accepted);
    const parts = s.split('/');
    let host;
    if (parts.length > 1 && looksLikeHost(parts[0] ?? '')) {
        host = parseRegistry(input, parts.shift() ?? '');
    }
    const last = parts[parts.length - 1] ?? '';
    if (last.includes(':'))
        throw new errors_InputError(input, raw, `has a tag (${last.slice(last.indexOf(':'))})`, accepted);
    for (const c of parts)
        if (!COMPONENT.test(c))
            throw new errors_InputError(input, raw, `has an invalid path component "${c}"${c !== c.toLowerCase() ? ' (upper case)' : ''}`, accepted);
    if (host && registry && host !== registry)
        throw new errors_InputError(input, raw, `names registry ${host}, but the registry input is ${registry}`, 'Drop the host from image, or make the two agree');
    let path = parts.join('/');
    const reg = host ?? registry;
    if (reg === DOCKER_HUB && !path.includes('/'))
        path = `library/${path}`;
    if ((reg ? reg.length + 1 : 0) + path.length > 255)
        throw new errors_InputError(input, raw, 'is longer than 255 characters with its registry', accepted);
    return { ...(reg ? { registry: reg } : {}), path };
}
/** True for a valid tag. */
function isValidTag(tag) {
    return TAG.test(tag);
}
/** The host the registry's HTTP API answers on (Docker Hub's differs from its name). */
function apiHost(registry) {
    return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}
/** Loopback registries speak plain HTTP, as dockerd allows for 127.0.0.0/8 by default. */
function isLoopback(registry) {
    const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/**
 * Parses an image reference to deploy: `[host[:port]/]path[:tag][@sha256:…]`. Without tag and
 * digest the tag is `latest`, as docker would pull it (`latest` is allowed, but pinning is better).
 */
function parseImageReference(input, raw) {
    const s = raw.trim();
    const accepted = 'Give an image reference such as 127.0.0.1:5000/team/app:1.4.2, ghcr.io/org/app@sha256:<digest>, or the build-image output image-ref';
    if (s === '')
        throw new InputError(input, raw, 'is empty', accepted);
    let rest = s;
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest))
            throw new InputError(input, raw, `has an invalid digest "${digest}"`, accepted);
    }
    let tag;
    const slash = rest.lastIndexOf('/');
    const colon = rest.lastIndexOf(':');
    if (colon > slash) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!isValidTag(tag))
            throw new InputError(input, raw, `has an invalid tag "${tag}"`, accepted);
    }
    const name = parseImageName(input, rest, undefined, { value: raw, accepted });
    return { ...name, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}
/** The reference as docker takes it (Docker Hub names keep their short form). */
function formatReference(ref) {
    const path = ref.registry === DOCKER_HUB && ref.path.startsWith('library/') ? ref.path.slice(8) : ref.path;
    const name = ref.registry && ref.registry !== DOCKER_HUB ? `${ref.registry}/${path}` : path;
    return `${name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

;// CONCATENATED MODULE: ./packages/image/src/labels.ts
const OCI = {
    title: 'org.opencontainers.image.title',
    description: 'org.opencontainers.image.description',
    source: 'org.opencontainers.image.source',
    url: 'org.opencontainers.image.url',
    revision: 'org.opencontainers.image.revision',
    version: 'org.opencontainers.image.version',
    created: 'org.opencontainers.image.created',
    licenses: 'org.opencontainers.image.licenses',
};
/** The automatic labels (only those whose value is known), then the user's, which win. */
function imageLabels(facts, overrides) {
    const source = facts.repo.htmlUrl ??
        (facts.serverUrl && facts.repository
            ? `${facts.serverUrl.replace(/\/+$/, '')}/${facts.repository}`
            : undefined);
    const auto = {
        [OCI.title]: facts.repo.name ?? facts.repository?.split('/')[1],
        [OCI.description]: facts.repo.description,
        [OCI.source]: source,
        [OCI.url]: facts.repo.homepage ?? source,
        [OCI.revision]: facts.sha || undefined,
        [OCI.version]: facts.version || undefined,
        [OCI.created]: facts.created.toISOString(),
        [OCI.licenses]: facts.repo.license,
    };
    const labels = {};
    for (const [k, v] of Object.entries(auto))
        if (v !== undefined && v !== '')
            labels[k] = v;
    return { ...labels, ...overrides };
}

;// CONCATENATED MODULE: ./packages/image/src/builders.ts
/** The scratch files of a build in `dir` (a placeholder such as `<tmp>` for a dry run). */
function buildFiles(dir, authDir) {
    return {
        metadata: `${dir}/metadata.json`,
        iid: `${dir}/iid`,
        secret: (i) => `${dir}/secret-${i}`,
        digest: (i) => `${dir}/digest-${i}`,
        ...(authDir ? { authDir } : {}),
    };
}
/** True when the spec asks for something only some buildx drivers can do (so the driver matters). */
function needsDriver(spec) {
    return (spec.platforms.length > 1 ||
        spec.cacheTo.length > 0 ||
        spec.provenance !== undefined ||
        spec.sbom !== undefined);
}
/** Each capability a builder lacks, as `[input, problem]`; empty when the spec can be built. */
function unsupported(spec, b) {
    const out = [];
    const who = b.kind === 'buildx'
        ? `buildx with the "${b.driver ?? 'docker'}" driver`
        : b.kind === 'docker'
            ? 'the classic docker builder'
            : 'buildah';
    const limited = b.kind !== 'buildx' || (b.driver ?? 'docker') === 'docker';
    if (spec.platforms.length > 1 && limited)
        out.push([
            'platforms',
            `${who} cannot build several platforms at once; use buildx with a docker-container builder (docker/setup-buildx-action)`,
        ]);
    if (spec.platforms.length > 1 && spec.load)
        out.push([
            'load',
            'a multi-platform image cannot be loaded into the docker engine; push it instead',
        ]);
    const inlineOnly = spec.cacheTo.filter((c) => !/^type=inline\b/.test(c));
    if (b.kind !== 'buildx' && spec.cacheTo.length)
        out.push(['cache-to', `${who} cannot export a build cache; use builder buildx`]);
    else if (limited && inlineOnly.length)
        out.push([
            'cache-to',
            `${who} can only export type=inline caches (asked: ${inlineOnly.join(' ')}); use a docker-container builder`,
        ]);
    if (b.kind === 'buildah' && spec.cacheFrom.length)
        out.push([
            'cache-from',
            `${who} in this action takes no cache-from; use builder buildx or docker`,
        ]);
    if ((spec.provenance !== undefined && spec.provenance !== 'false') || spec.sbom)
        if (limited)
            out.push([
                spec.sbom ? 'sbom' : 'provenance',
                `${who} cannot attach attestations; use a docker-container builder`,
            ]);
    if (b.kind === 'docker' && spec.secrets.length)
        out.push([
            'secrets',
            `${who} has no build secrets (they need BuildKit); use builder buildx or buildah`,
        ]);
    return out;
}
const pairs = (flag, entries) => [...entries].flatMap(([k, v]) => [flag, `${k}=${v}`]);
function commonArgs(spec) {
    return [
        '--file',
        spec.file,
        ...pairs('--build-arg', spec.buildArgs),
        ...pairs('--label', Object.entries(spec.labels)),
        ...(spec.target ? ['--target', spec.target] : []),
        ...(spec.noCache ? ['--no-cache'] : []),
        ...(spec.platforms.length ? ['--platform', spec.platforms.join(',')] : []),
        ...spec.refs.flatMap((r) => ['--tag', r]),
    ];
}
/** Environment variable that carries build secret `i` to buildx. */
const secretEnv = (i) => `SWITCHYARD_BUILD_SECRET_${i}`;
/** The build command. buildx pushes within the build; the others push afterwards ({@link pushCommands}). */
function buildCommand(spec, b, files) {
    switch (b.kind) {
        case 'buildx':
            return {
                command: 'docker',
                args: [
                    'buildx',
                    'build',
                    '--progress',
                    'plain',
                    ...commonArgs(spec),
                    ...(spec.pull ? ['--pull'] : []),
                    ...spec.secrets.flatMap((s, i) => ['--secret', `id=${s.id},env=${secretEnv(i)}`]),
                    ...spec.cacheFrom.flatMap((c) => ['--cache-from', c]),
                    ...spec.cacheTo.flatMap((c) => ['--cache-to', c]),
                    ...(spec.provenance !== undefined ? ['--provenance', spec.provenance] : []),
                    ...(spec.sbom !== undefined ? ['--sbom', String(spec.sbom)] : []),
                    '--metadata-file',
                    files.metadata,
                    '--iidfile',
                    files.iid,
                    ...(spec.push ? ['--push'] : spec.load ? ['--load'] : []),
                    spec.context,
                ],
                env: Object.fromEntries(spec.secrets.map((s, i) => [secretEnv(i), s.value])),
            };
        case 'docker':
            return {
                command: 'docker',
                args: [
                    'build',
                    ...commonArgs(spec),
                    ...(spec.pull ? ['--pull'] : []),
                    ...spec.cacheFrom.flatMap((c) => ['--cache-from', c]),
                    '--iidfile',
                    files.iid,
                    '--rm',
                    '--force-rm',
                    spec.context,
                ],
                env: { DOCKER_BUILDKIT: '0' },
            };
        case 'buildah':
            return {
                command: 'buildah',
                args: [
                    'bud',
                    ...commonArgs(spec),
                    ...(spec.pull ? ['--pull-always'] : []),
                    ...spec.secrets.flatMap((s, i) => ['--secret', `id=${s.id},src=${files.secret(i)}`]),
                    ...(spec.insecure ? ['--tls-verify=false'] : []),
                    ...(files.authDir ? ['--authfile', `${files.authDir}/config.json`] : []),
                    '--iidfile',
                    files.iid,
                    spec.context,
                ],
            };
    }
}
/** The pushes after the build, one per tag (none for buildx, whose build pushes). */
function pushCommands(spec, b, files) {
    if (!spec.push || b.kind === 'buildx')
        return [];
    if (b.kind === 'docker')
        return spec.refs.map((r) => ({ command: 'docker', args: ['push', r] }));
    return spec.refs.map((r, i) => ({
        command: 'buildah',
        args: [
            'push',
            ...(spec.insecure ? ['--tls-verify=false'] : []),
            ...(files.authDir ? ['--authfile', `${files.authDir}/config.json`] : []),
            '--digestfile',
            files.digest(i),
            r,
            `docker://${r}`,
        ],
    }));
}
/** buildah keeps images in its own storage; `load` hands them to the docker engine. */
function loadCommands(spec, b) {
    if (!spec.load || b.kind !== 'buildah')
        return [];
    return spec.refs.map((r) => ({ command: 'buildah', args: ['push', r, `docker-daemon:${r}`] }));
}

;// CONCATENATED MODULE: ./packages/image/src/registry.ts
/**
 * The registry's HTTP API (OCI distribution spec), read-only: the manifest digest a tag points to, and
 * the manifest itself for the image size. Handles anonymous, Basic and Bearer-token registries.
 */



/**
 * Registry credentials from a pair of inputs (e.g. `username`/`password`): both or neither.
 * Undefined when neither is set.
 */
function readCredentials(r, usernameInput, passwordInput) {
    const username = r.line(usernameInput);
    const password = r.text(passwordInput);
    if ((username === '') !== (password === ''))
        throw new errors_InputError(username ? passwordInput : usernameInput, '', 'is empty while the other credential input is set', `Set both ${usernameInput} and ${passwordInput}, or neither`);
    return username ? { username, password } : undefined;
}
/** Backoff between retries of registry operations (push, login, reads). */
const REGISTRY_BACKOFF = { initialDelayMs: 1000, maxDelayMs: 10_000 };
/** Every manifest type a build can push: OCI and Docker, single-platform and multi-platform. */
const MANIFEST_TYPES = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
/** A registry request that got an HTTP error status. */
class RegistryError extends ActionError {
    status;
    name = 'RegistryError';
    constructor(message, status) {
        super(message);
        this.status = status;
    }
}
/** Parses `Bearer realm="…",service="…",scope="…"` into its scheme and parameters. */
function parseChallenge(header) {
    const m = /^\s*(\w+)\s*(.*)$/.exec(header) ?? [];
    const params = {};
    for (const p of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g))
        params[(p[1] ?? '').toLowerCase()] = p[2] ?? '';
    return { scheme: (m[1] ?? '').toLowerCase(), params };
}
function sizeOf(body) {
    try {
        const doc = JSON.parse(body);
        if (!doc.layers)
            return undefined;
        return (doc.config?.size ?? 0) + doc.layers.reduce((sum, l) => sum + (l.size ?? 0), 0);
    }
    catch {
        return undefined;
    }
}
class RegistryClient {
    http;
    registry;
    credentials;
    timeoutMs;
    token;
    base;
    constructor(http, registry, credentials, timeoutMs = 15_000) {
        this.http = http;
        this.registry = registry;
        this.credentials = credentials;
        this.timeoutMs = timeoutMs;
        this.base = `${isLoopback(registry) ? 'http' : 'https'}://${apiHost(registry)}`;
    }
    basic() {
        const c = this.credentials;
        return c ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` : undefined;
    }
    async send(method, url, accept) {
        const auth = this.token ?? this.basic();
        const headers = {
            Accept: accept,
            ...(auth ? { Authorization: auth } : {}),
        };
        return this.http.request({
            method,
            url,
            headers,
            timeoutMs: this.timeoutMs,
            followRedirects: true,
        });
    }
    /** Follows a Bearer challenge: asks the token service for a pull token for `path`. */
    async authenticate(challenge, path) {
        const { scheme, params } = parseChallenge(challenge);
        if (scheme === 'basic') {
            if (!this.credentials)
                throw new RegistryError(`${this.registry} wants a login (Basic auth): set username and password`, 401);
            this.token = this.basic();
            return;
        }
        if (scheme !== 'bearer' || !params.realm)
            throw new RegistryError(`${this.registry} sent an auth challenge this client does not speak: ${challenge}`, 401);
        const url = new URL(params.realm);
        if (params.service)
            url.searchParams.set('service', params.service);
        url.searchParams.set('scope', params.scope ?? `repository:${path}:pull`);
        const basic = this.basic();
        const res = await this.http.request({
            method: 'GET',
            url: url.toString(),
            headers: basic ? { Authorization: basic } : {},
            timeoutMs: this.timeoutMs,
            followRedirects: true,
        });
        if (res.status !== 200)
            throw new RegistryError(`${this.registry} token service answered ${res.status}`, res.status);
        const body = JSON.parse(res.body);
        const token = body.token ?? body.access_token;
        if (!token)
            throw new RegistryError(`${this.registry} token service sent no token`, res.status);
        this.token = `Bearer ${token}`;
    }
    /** GET of a manifest by tag or digest, with its digest: from the registry's header, else the body's sha256. */
    async manifest(path, reference) {
        const url = `${this.base}/v2/${path}/manifests/${reference}`;
        let res = await this.send('GET', url, MANIFEST_TYPES);
        if (res.status === 401) {
            await this.authenticate(res.headers['www-authenticate'] ?? '', path);
            res = await this.send('GET', url, MANIFEST_TYPES);
        }
        if (res.status !== 200)
            throw new RegistryError(`${this.registry}/${path}:${reference}: the registry answered ${res.status}${res.status === 404 ? ' (no such manifest)' : ''}`, res.status);
        const digest = res.headers['docker-content-digest'] ??
            `sha256:${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(res.body).digest('hex')}`;
        const mediaType = res.headers['content-type']?.split(';')[0]?.trim() ?? '';
        const size = sizeOf(res.body);
        return { digest, mediaType, ...(size !== undefined ? { size } : {}) };
    }
}

;// CONCATENATED MODULE: ./packages/image/src/docker-config.ts
/**
 * A private, temporary docker config directory for one login: the user's settings and plugins
 * (cli-plugins, buildx builders, contexts) stay visible, but the credentials go to a file we own and
 * delete, never to the user's ~/.docker or a credential helper.
 */



/** The docker config dir the CLI would use: `$DOCKER_CONFIG`, else `~/.docker`. */
function userDockerConfig(env) {
    return env.DOCKER_CONFIG || (0,external_node_path_namespaceObject.join)(env.HOME || (0,external_node_os_namespaceObject.homedir)(), '.docker');
}
/** The user's config.json without the parts that would send a login elsewhere. */
function privateConfig(userConfig, registry) {
    let doc = {};
    try {
        const parsed = JSON.parse(userConfig);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            doc = { ...parsed };
    }
    catch {
        doc = {};
    }
    delete doc.credsStore;
    const helpers = doc.credHelpers;
    if (helpers && typeof helpers === 'object') {
        const rest = { ...helpers };
        delete rest[registry];
        doc.credHelpers = rest;
    }
    return `${JSON.stringify(doc, null, 2)}\n`;
}
/**
 * Creates the temporary config dir under `parent` (the runner's temp dir): config.json copied without
 * credsStore, every other entry of the user's dir linked. Returns its path.
 */
function createDockerConfig(parent, userDir, registry) {
    const dir = (0,external_node_fs_namespaceObject.mkdtempSync)((0,external_node_path_namespaceObject.join)(parent || (0,external_node_os_namespaceObject.tmpdir)(), 'switchyard-docker-'));
    const configFile = (0,external_node_path_namespaceObject.join)(userDir, 'config.json');
    const user = (0,external_node_fs_namespaceObject.existsSync)(configFile) ? (0,external_node_fs_namespaceObject.readFileSync)(configFile, 'utf8') : '{}';
    (0,external_node_fs_namespaceObject.writeFileSync)((0,external_node_path_namespaceObject.join)(dir, 'config.json'), privateConfig(user, registry), { mode: 0o600 });
    if ((0,external_node_fs_namespaceObject.existsSync)(userDir))
        for (const entry of (0,external_node_fs_namespaceObject.readdirSync)(userDir))
            if (entry !== 'config.json')
                (0,external_node_fs_namespaceObject.symlinkSync)((0,external_node_path_namespaceObject.join)(userDir, entry), (0,external_node_path_namespaceObject.join)(dir, entry));
    return dir;
}
/** Removes a directory made by {@link createDockerConfig}; true when something was removed. */
function removeDockerConfig(dir) {
    if (!dir || !(0,external_node_fs_namespaceObject.existsSync)(dir))
        return false;
    (0,external_node_fs_namespaceObject.rmSync)(dir, { recursive: true, force: true });
    return true;
}

;// CONCATENATED MODULE: ./packages/image/src/detect.ts
/** Finding out which builder will run, and which releases the repository already has. */





/** Reads `Driver:` and the BuildKit version from `docker buildx inspect`. */
function parseBuildxInspect(stdout) {
    const driver = /^Driver:\s*(\S+)/m.exec(stdout)?.[1];
    const buildkit = /^BuildKit(?: version)?:\s*(\S+)/m.exec(stdout)?.[1];
    return { ...(driver ? { driver } : {}), ...(buildkit ? { buildkit } : {}) };
}
/** Where the docker CLI looks for plugins: the user's config dir first, then the system dirs. */
function pluginDirs(env) {
    return [
        (0,external_node_path_namespaceObject.join)(userDockerConfig(env), 'cli-plugins'),
        '/usr/local/lib/docker/cli-plugins',
        '/usr/local/libexec/docker/cli-plugins',
        '/usr/lib/docker/cli-plugins',
        '/usr/libexec/docker/cli-plugins',
    ];
}
/** The docker-buildx plugin the CLI would run, found without starting docker (that costs ~150 ms). */
function findBuildx(env, exists = external_node_fs_namespaceObject.existsSync) {
    return pluginDirs(env)
        .map((d) => (0,external_node_path_namespaceObject.join)(d, 'docker-buildx'))
        .find((p) => exists(p));
}
/** Asks buildx for the current builder's driver (docker, docker-container, kubernetes, remote). */
async function buildxDriver(exec) {
    const r = await exec.run('docker', ['buildx', 'inspect'], { allowFailure: true, quiet: true });
    if (r.exitCode !== 0)
        throw new ActionError(`"docker buildx inspect" failed: ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`);
    const { driver, buildkit } = parseBuildxInspect(r.stdout);
    return {
        driver: driver ?? 'docker',
        version: `docker buildx${buildkit ? ` (BuildKit ${buildkit})` : ''}`,
    };
}
/**
 * Picks the builder. `auto` takes buildx when its plugin is installed, else the classic builder, and
 * says why in the log; an explicit choice that is not installed is an error. The buildx driver is
 * asked for only when `needDriver` (a request only some drivers can serve), to keep start-up fast.
 */
async function detectBuilder(exec, wanted, log, env, needDriver) {
    if (wanted === 'buildah') {
        const r = await exec
            .run('buildah', ['--version'], { allowFailure: true, quiet: true })
            .catch(() => undefined);
        if (!r || r.exitCode !== 0)
            throw new ActionError('builder: buildah was asked for, but buildah is not installed here (apt-get install buildah)');
        return { kind: 'buildah', version: r.stdout.trim() };
    }
    const classic = { kind: 'docker', version: 'docker build (classic builder)' };
    if (wanted === 'docker')
        return classic;
    const plugin = findBuildx(env);
    if (!plugin) {
        if (wanted === 'buildx')
            throw new ActionError(`builder: buildx was asked for, but no docker-buildx plugin is installed (looked in ${pluginDirs(env).join(', ')}). Install buildx (docker/setup-buildx-action) or set builder: docker`);
        log.info('builder: docker, the classic builder (auto: docker buildx is not installed)');
        return classic;
    }
    const info = needDriver
        ? { kind: 'buildx', ...(await buildxDriver(exec)) }
        : { kind: 'buildx', version: 'docker buildx' };
    if (wanted === 'auto')
        log.info(`builder: buildx${info.driver ? `, driver ${info.driver}` : ''} (auto: found ${plugin})`);
    return info;
}
/** The repository's git tags (for "is this the newest release?"); [] with a note when git cannot say. */
async function readGitTags(exec, cwd, log) {
    const r = await exec
        .run('git', ['tag', '--list'], { cwd, allowFailure: true, quiet: true })
        .catch(() => undefined);
    if (!r || r.exitCode !== 0) {
        log.info('No git tags readable in the workspace: every release counts as the newest (fetch tags with actions/checkout fetch-depth: 0 to change that)');
        return [];
    }
    return r.stdout
        .split('\n')
        .map((t) => t.trim())
        .filter(Boolean);
}
/**
 * Reads what is checked out in `cwd`, as docker/metadata-action's `context: git` does: the commit
 * at HEAD, and its branch (or, detached, a tag pointing at it; the highest semver one when several).
 * @throws ActionError when `cwd` holds no git repository with a commit.
 */
async function readCheckout(exec, cwd) {
    const git = (args) => exec.run('git', args, { cwd, allowFailure: true, quiet: true }).catch((e) => ({
        exitCode: -1,
        stdout: '',
        stderr: String(e),
    }));
    const head = await git(['rev-parse', '--verify', 'HEAD']);
    const sha = head.stdout.trim();
    if (head.exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(sha))
        throw new ActionError(`metadata-source: git: no checked-out commit in ${cwd} (git rev-parse HEAD: ${(head.stderr || head.stdout).trim() || `exit ${head.exitCode}`}). Check the repository out first (actions/checkout), or use metadata-source: workflow`);
    const branch = await git(['symbolic-ref', '-q', 'HEAD']);
    if (branch.exitCode === 0 && branch.stdout.trim().startsWith('refs/heads/'))
        return { ref: branch.stdout.trim(), sha };
    const tags = await git(['tag', '--points-at', 'HEAD']);
    const names = tags.exitCode === 0
        ? tags.stdout
            .split('\n')
            .map((t) => t.trim())
            .filter(Boolean)
        : [];
    const tag = highestTag(names);
    return { ref: tag ? `refs/tags/${tag}` : '', sha };
}
/** Of several tags on one commit, the highest semver one, else the first in name order. */
function highestTag(names) {
    const semver = names
        .map((n) => ({ n, v: parseSemver(n) }))
        .filter((x) => x.v !== undefined)
        .sort((a, b) => compareSemver(b.v, a.v));
    return semver[0]?.n ?? [...names].sort()[0];
}

;// CONCATENATED MODULE: ./packages/image/src/build-log.ts
function lastMatch(lines, re) {
    for (let i = lines.length - 1; i >= 0; i--)
        if (re.test(lines[i] ?? ''))
            return i;
    return -1;
}
/** The 1-based line of `instruction` in the Dockerfile text (first exact match, whitespace-insensitive). */
function instructionLine(dockerfile, instruction) {
    const norm = (s) => s.trim().replace(/\s+/g, ' ').toLowerCase();
    const want = norm(instruction);
    const i = dockerfile.split(/\r?\n/).findIndex((l) => norm(l) === want);
    return i >= 0 ? i + 1 : undefined;
}
function buildxFailure(lines) {
    const errorAt = lastMatch(lines, /^#\d+ ERROR: /);
    const stepId = errorAt >= 0 ? /^(#\d+) /.exec(lines[errorAt] ?? '')?.[1] : undefined;
    const output = stepId ? lines.filter((l) => l.startsWith(`${stepId} `)) : [];
    const header = output[0] ? /^#\d+ \[[^\]]*\] (.*)$/.exec(output[0])?.[1] : undefined;
    const msgAt = lastMatch(lines, /^(ERROR|error): /);
    const message = msgAt >= 0
        ? (lines[msgAt] ?? '').replace(/^(ERROR|error): /, '')
        : (lines.at(-1) ?? 'the build failed');
    let line;
    for (let i = 0; i + 1 < lines.length; i++) {
        const m = /^\S+:(\d+)$/.exec(lines[i] ?? '');
        if (m && /^-{5,}$/.test(lines[i + 1] ?? ''))
            line = Number(m[1]);
    }
    return { ...(header ? { step: header } : {}), output, message, ...(line ? { line } : {}) };
}
function stepFailure(lines, stepRe, errRe) {
    const at = lastMatch(lines, stepRe);
    const output = at >= 0 ? lines.slice(at) : lines.slice(-30);
    const step = at >= 0 ? stepRe.exec(lines[at] ?? '')?.[1] : undefined;
    const msgAt = lastMatch(lines, errRe);
    const message = (msgAt >= 0 ? lines[msgAt] : lines.at(-1)) ?? 'the build failed';
    return {
        ...(step ? { step: step.trim() } : {}),
        output,
        message: message.replace(/^(Error|error): /, ''),
    };
}
/**
 * Finds the failing step in a build log. `dockerfile` is the Dockerfile text, used to place the
 * annotation when the log has no line number.
 */
function parseBuildFailure(kind, log, dockerfile = '') {
    const lines = log.split(/\r?\n/).filter((l) => l.trim() !== '');
    const f = kind === 'buildx'
        ? buildxFailure(lines)
        : kind === 'docker'
            ? stepFailure(lines, /^Step \d+\/\d+ : (.*)$/, /returned a non-zero code|^(Error|error)/)
            : stepFailure(lines, /^STEP \d+\/\d+: (.*)$/, /^(Error|error)\b|error building at STEP/);
    if (f.line === undefined && f.step && dockerfile) {
        const line = instructionLine(dockerfile, f.step);
        if (line)
            return { ...f, line };
    }
    return f;
}
/** Registry errors worth another try: 5xx, 429, resets, refused connections, timeouts. */
function isTransientRegistryError(text) {
    if (/unauthorized|denied|forbidden|authentication required|no basic auth credentials|manifest invalid|name unknown|blob unknown|\b40[0-4]\b/i.test(text))
        return false;
    return /\b50[0-4]\b|\b429\b|too ?many ?requests|connection reset|connection refused|broken pipe|i\/o timeout|handshake timeout|unexpected EOF|: EOF\b|server misbehaving|temporary failure|no such host|service unavailable|bad gateway|internal server error|timeout exceeded|deadline exceeded|timed out/i.test(text);
}
/** A buildx build that failed in its push phase (after every step succeeded). */
function isPushFailure(log) {
    if (/did not complete successfully|returned a non-zero code|error building at STEP/.test(log))
        return false;
    const lines = log.split(/\r?\n/).filter((l) => l.trim() !== '');
    return lines
        .slice(-12)
        .some((l) => /^\s*> pushing |failed to push|pushing layers|failed to do request/i.test(l));
}
/** The last error lines of a log (for messages and classification). */
function errorLines(log, count = 3) {
    return log
        .split(/\r?\n/)
        .filter((l) => /error/i.test(l))
        .slice(-count)
        .join('\n');
}
/** A build whose push failed for a reason worth another try (buildx pushes inside the build). */
function isTransientPushFailure(kind, log) {
    if (kind === 'buildx' && !isPushFailure(log))
        return false;
    return isTransientRegistryError(errorLines(log));
}

;// CONCATENATED MODULE: ./packages/image/src/login.ts
/** Registry login into a private, temporary docker config (docker and buildx) or auth file (buildah). */





/** The login command; the password goes to its stdin, never to argv. */
function loginCommand(registry, username, builder, insecure, dir) {
    return builder.kind === 'buildah'
        ? {
            command: 'buildah',
            args: [
                'login',
                '--authfile',
                (0,external_node_path_namespaceObject.join)(dir, 'config.json'),
                ...(insecure ? ['--tls-verify=false'] : []),
                '--username',
                username,
                '--password-stdin',
                registry,
            ],
        }
        : {
            command: 'docker',
            args: ['login', '--username', username, '--password-stdin', registry],
            env: { DOCKER_CONFIG: dir },
        };
}
/**
 * Logs in and returns the private config dir. Transient registry errors are retried; a rejected
 * login removes the dir and fails with the registry's answer.
 */
async function login(registry, creds, builder, insecure, deps) {
    const dir = createDockerConfig(deps.env.RUNNER_TEMP, userDockerConfig(deps.env), registry);
    deps.onAuthDir?.(dir);
    const c = loginCommand(registry, creds.username, builder, insecure, dir);
    try {
        await retry(() => deps.exec.run(c.command, c.args, {
            input: creds.password,
            ...(c.env ? { env: c.env } : {}),
        }), {
            attempts: 3,
            ...REGISTRY_BACKOFF,
            retryIf: (e) => e instanceof ExecError && isTransientRegistryError(e.result.stderr),
            onRetry: ({ delayMs, error }) => deps.log.warning(`login to ${registry} failed, retrying in ${delayMs} ms: ${errorMessage(error)}`),
        }, deps.clock);
    }
    catch (e) {
        removeDockerConfig(dir);
        const detail = e instanceof ExecError ? e.result.stderr.trim().split('\n').at(-1) : errorMessage(e);
        throw new ActionError(`login to ${registry} as ${creds.username} failed: ${detail ?? ''}. Check the username and password inputs`);
    }
    deps.log.info(`Logged in to ${registry} as ${creds.username} (credentials in a private docker config, removed when the step ends)`);
    return dir;
}

;// CONCATENATED MODULE: ./packages/image/src/verify.ts
/** Reading every pushed tag back from the registry: all must name one digest, the build's. */



async function verifyPush(spec, opts, reported, deps) {
    const registry = opts.image.registry ?? '';
    const client = new RegistryClient(deps.http, registry, opts.credentials);
    const read = (ref) => retry(() => client.manifest(opts.image.path, ref.slice(ref.lastIndexOf(':') + 1)), {
        attempts: opts.pushAttempts,
        ...REGISTRY_BACKOFF,
        retryIf: (e) => isTransientRegistryError(errorMessage(e)),
    }, deps.clock).catch((e) => {
        throw new ActionError(`reading ${ref} back from the registry failed: ${errorMessage(e)}`);
    });
    const [first, ...rest] = spec.refs;
    if (first === undefined)
        throw new ActionError('the build pushed no tags to verify');
    // The first read settles the registry's auth; the others then go in parallel.
    const manifests = [await read(first), ...(await concurrency_mapLimit(rest, 4, read))];
    const digest = reported ?? manifests[0]?.digest ?? '';
    manifests.forEach((m, i) => {
        if (m.digest !== digest)
            throw new ActionError(`the registry has ${m.digest} for ${spec.refs[i] ?? ''}, but the build pushed ${digest}: another push raced this one, or the registry rewrote the manifest`);
    });
    deps.log.info(`Verified: all ${spec.refs.length} tags in ${registry} point to ${digest}`);
    const size = manifests[0]?.size;
    return { digest, ...(size !== undefined ? { size } : {}) };
}

;// CONCATENATED MODULE: ./packages/image/src/pipeline.ts
/**
 * One build, end to end: log in (into a private config), build with the chosen builder, push each tag
 * with retries on transient registry errors, then read every tag back from the registry and check
 * that all of them name the digest the build produced. Nothing half-pushed is reported as success.
 */










function readText(path) {
    try {
        return (0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8').trim();
    }
    catch {
        return undefined;
    }
}
/** The digest `docker push` prints: `<tag>: digest: sha256:… size: N`. */
function pushedDigest(stdout) {
    return /digest: (sha256:[a-f0-9]{64})/.exec(stdout)?.[1];
}
async function runPipeline(spec, builder, opts, deps) {
    const { exec } = deps;
    const tmp = (0,external_node_fs_namespaceObject.mkdtempSync)((0,external_node_path_namespaceObject.join)(deps.env.RUNNER_TEMP || (0,external_node_os_namespaceObject.tmpdir)(), 'switchyard-build-'));
    let authDir;
    try {
        if (opts.credentials && opts.image.registry) {
            authDir = await login(opts.image.registry, opts.credentials, builder, spec.insecure, deps);
        }
        const files = buildFiles(tmp, authDir);
        // buildah reads build secrets from files; buildx takes them from the environment (builders.ts).
        const secretFiles = builder.kind === 'buildah' ? spec.secrets.map((_, i) => files.secret(i)) : [];
        secretFiles.forEach((f, i) => (0,external_node_fs_namespaceObject.writeFileSync)(f, spec.secrets[i]?.value ?? '', { mode: 0o600 }));
        const dockerEnv = authDir && builder.kind !== 'buildah' ? { DOCKER_CONFIG: authDir } : {};
        const withEnv = (c) => ({ ...c, env: { ...c.env, ...dockerEnv } });
        await build(withEnv(buildCommand(spec, builder, files)), spec, builder, opts, deps);
        secretFiles.forEach((f) => (0,external_node_fs_namespaceObject.rmSync)(f, { force: true }));
        let reported = builder.kind === 'buildx' ? buildxDigest(files.metadata) : undefined;
        const pushed = builder.kind === 'buildx' && spec.push ? [...spec.refs] : [];
        const pushes = pushCommands(spec, builder, files);
        const pushOne = async (c, i) => {
            const ref = spec.refs[i] ?? '';
            const run = () => exec.run(c.command, c.args, { env: withEnv(c).env });
            const r = await withRetries(`push ${ref}`, opts.pushAttempts, deps, run, pushed);
            pushed.push(ref);
            return builder.kind === 'buildah' ? readText(files.digest(i)) : pushedDigest(r.stdout);
        };
        // The first push uploads the layers; the other tags then only add manifests, in parallel.
        const [first, ...others] = pushes;
        if (first) {
            const digests = [
                await pushOne(first, 0),
                ...(await concurrency_mapLimit(others, 4, (c, i) => pushOne(c, i + 1))),
            ];
            reported ??= digests.find((d) => d !== undefined);
        }
        for (const c of loadCommands(spec, builder))
            await exec.run(c.command, c.args);
        const imageId = readText(files.iid);
        if (!spec.push) {
            const size = spec.load && builder.kind !== 'buildah' && imageId
                ? await localSize(exec, imageId)
                : undefined;
            return {
                ...(imageId ? { imageId } : {}),
                ...(size ? { size, sizeKind: 'unpacked' } : {}),
                pushed,
            };
        }
        const verified = await verifyPush(spec, opts, reported, deps);
        return {
            digest: verified.digest,
            ...(imageId ? { imageId } : {}),
            ...(verified.size ? { size: verified.size, sizeKind: 'compressed' } : {}),
            pushed,
        };
    }
    finally {
        (0,external_node_fs_namespaceObject.rmSync)(tmp, { recursive: true, force: true });
        if (authDir)
            removeDockerConfig(authDir);
    }
}
async function withRetries(what, attempts, deps, fn, pushed) {
    try {
        return await retry(fn, {
            attempts,
            ...REGISTRY_BACKOFF,
            retryIf: (e) => e instanceof ExecError &&
                isTransientRegistryError(`${e.result.stderr}\n${e.result.stdout}`),
            onRetry: ({ attempt, delayMs, error }) => deps.log.warning(`${what}: attempt ${attempt} of ${attempts} failed (${lastLine(error)}); retrying in ${delayMs} ms`),
        }, deps.clock);
    }
    catch (e) {
        const done = pushed.length
            ? ` Already pushed: ${pushed.join(', ')}; the release is incomplete, do not deploy it.`
            : ' Nothing was pushed.';
        throw new ActionError(`${what} failed: ${lastLine(e)}.${done}`);
    }
}
function lastLine(e) {
    const text = e instanceof ExecError ? e.result.stderr.trim() || e.message : errorMessage(e);
    return (text
        .split('\n')
        .filter((l) => l.trim())
        .at(-1) ?? text);
}
async function build(c, spec, builder, opts, deps) {
    const title = `Build ${spec.refs[0] ?? 'image'} with ${builder.kind}${builder.driver ? ` (${builder.driver} driver)` : ''}`;
    let lines = [];
    const attempt = () => {
        lines = [];
        return deps.exec.run(c.command, c.args, {
            env: c.env,
            onLine: (l) => {
                lines.push(l);
                deps.log.info(l);
            },
        });
    };
    const pushesInBuild = builder.kind === 'buildx' && spec.push;
    try {
        await deps.log.group(title, () => retry(attempt, {
            attempts: pushesInBuild ? opts.pushAttempts : 1,
            ...REGISTRY_BACKOFF,
            retryIf: (e) => e instanceof ExecError && isTransientPushFailure(builder.kind, lines.join('\n')),
            onRetry: ({ attempt: n, delayMs }) => deps.log.warning(`push during the build: attempt ${n} of ${opts.pushAttempts} failed (${errorLines(lines.join('\n'), 1) || 'registry error'}); retrying in ${delayMs} ms`),
        }, deps.clock));
    }
    catch (e) {
        if (!(e instanceof ExecError))
            throw e;
        const log = lines.join('\n');
        if (pushesInBuild && isPushFailure(log)) {
            const tries = isTransientPushFailure(builder.kind, log)
                ? ` after ${opts.pushAttempts} attempts`
                : '';
            const why = errorLines(log, 1)
                .replace(/^#\d+ /, '')
                .replace(/^ERROR: /, '') || e.message;
            throw new ActionError(`push to ${opts.image.registry ?? 'the registry'} failed${tries}: ${why}. Nothing was reported as pushed.`);
        }
        const failure = parseBuildFailure(builder.kind, log, readText(spec.file) ?? '');
        await deps.log.group(`Failed step: ${failure.step ?? 'build'}`, () => {
            failure.output.forEach((l) => deps.log.info(l));
            return Promise.resolve();
        });
        deps.log.error(failure.message, {
            title: `Build failed${failure.step ? ` at ${failure.step}` : ''}`,
            file: opts.dockerfileLabel,
            ...(failure.line ? { startLine: failure.line } : {}),
        });
        throw new ActionError(`the build failed${failure.step ? ` at "${failure.step}"` : ''}: ${failure.message}. Nothing was pushed.`);
    }
}
function buildxDigest(metadataFile) {
    const text = readText(metadataFile);
    if (!text)
        return undefined;
    try {
        const d = JSON.parse(text)['containerimage.digest'];
        return typeof d === 'string' ? d : undefined;
    }
    catch {
        return undefined;
    }
}
async function localSize(exec, imageId) {
    const r = await exec.run('docker', ['image', 'inspect', '--format', '{{.Size}}', imageId], {
        allowFailure: true,
        quiet: true,
    });
    const n = Number(r.stdout.trim());
    return r.exitCode === 0 && Number.isFinite(n) ? n : undefined;
}

;// CONCATENATED MODULE: ./packages/image/src/index.ts
/** @switchyard/image: image names, tag rules, OCI labels, builders and the registry API. See README.md. */















;// CONCATENATED MODULE: ./packages/probe/src/status.ts
/** Expected HTTP status: `200`, `2xx`, `200-299`, or a list of those (`200,204`, `[200, 3xx]`). */

const FORMS = 'Use a code (200), a class (2xx), a range (200-299), or a list of those (200,204)';
/** Parses an expected-status value from an input string, a YAML number, or a YAML list. */
function status_parseStatus(name, value) {
    const items = Array.isArray(value)
        ? value
        : typeof value === 'number'
            ? [value]
            : typeof value === 'string'
                ? value.split(',')
                : undefined;
    if (items === undefined || items.length === 0)
        throw new InputError(name, value, 'is not an HTTP status', FORMS);
    const parts = items.map((item) => parseOne(name, item));
    return {
        text: parts.map((p) => p.text).join(','),
        matches: (status) => parts.some((p) => status >= p.lo && status <= p.hi),
    };
}
function parseOne(name, item) {
    const s = String(item).trim().toLowerCase();
    let m;
    if ((m = /^([1-5])xx$/.exec(s))) {
        const c = Number(m[1]) * 100;
        return { text: s, lo: c, hi: c + 99 };
    }
    if ((m = /^(\d{3})$/.exec(s)) && valid(Number(m[1])))
        return { text: s, lo: Number(m[1]), hi: Number(m[1]) };
    if ((m = /^(\d{3})\s*-\s*(\d{3})$/.exec(s)) &&
        valid(Number(m[1])) &&
        valid(Number(m[2])) &&
        Number(m[1]) <= Number(m[2])) {
        return { text: `${m[1]}-${m[2]}`, lo: Number(m[1]), hi: Number(m[2]) };
    }
    throw new InputError(name, item, 'is not an HTTP status', FORMS);
}
function valid(code) {
    return code >= 100 && code <= 599;
}

;// CONCATENATED MODULE: ./packages/probe/src/jsonpath.ts
/**
 * A small, strict JSONPath subset for assertions on response bodies:
 * `$`, `.name`, `['name']`, `["name"]`, `[0]`, `[-1]`, then an optional comparison:
 * `$.status == "healthy"`, `$.items[0].count >= 3`, `$.version != "1.0.0"`, `$.name =~ /^shop-/i`;
 * a bare path asserts that the value exists. Values are JSON literals (quote strings).
 */

const OPERATORS = (/* unused pure expression or super */ null && (['==', '!=', '<=', '>=', '<', '>', '=~']));
const jsonpath_FORMS = 'Write a path from $ with an optional comparison, e.g. $.status == "healthy", $.items[0].count >= 3, $.name =~ /^shop/';
/** Parses a JSONPath (no comparison). Returns the segments. */
function jsonpath_parseJsonPath(name, text) {
    const { path, rest } = readPath(name, text.trim());
    if (rest.trim() !== '')
        throw new InputError(name, text, `has unexpected text after the path: ${showValue(rest.trim())}`, jsonpath_FORMS);
    return path;
}
/** Parses an assertion such as `$.status == "healthy"`. */
function jsonpath_parseAssertion(name, text) {
    const src = text.trim();
    const { path, rest, pathText } = readPath(name, src);
    const tail = rest.trim();
    if (tail === '')
        return { text: src, path, pathText, op: 'exists' };
    const op = OPERATORS.find((o) => tail.startsWith(o));
    if (!op)
        throw new InputError(name, text, `has no valid operator after ${pathText}`, `Use one of ${OPERATORS.join(' ')}. ${jsonpath_FORMS}`);
    const valueText = tail.slice(op.length).trim();
    if (op === '=~') {
        const m = /^\/(.*)\/([a-z]*)$/s.exec(valueText);
        if (!m)
            throw new InputError(name, text, 'needs a /regex/ after =~', jsonpath_FORMS);
        try {
            return { text: src, path, pathText, op, regex: new RegExp(m[1] ?? '', m[2]) };
        }
        catch (e) {
            throw new InputError(name, text, `has an invalid regex (${e.message})`, jsonpath_FORMS);
        }
    }
    let value;
    try {
        value = JSON.parse(valueText);
    }
    catch {
        throw new InputError(name, text, `compares with ${showValue(valueText)}, which is not a JSON value`, 'Quote strings: $.status == "healthy"');
    }
    if (['<', '<=', '>', '>='].includes(op) && typeof value !== 'number') {
        throw new InputError(name, text, `uses ${op} with a non-number`, 'Compare numbers with < <= > >=');
    }
    return { text: src, path, pathText, op, value };
}
/** Looks a path up in a parsed JSON value. */
function jsonpath_lookup(root, path) {
    let cur = root;
    for (const seg of path) {
        if (typeof seg === 'number') {
            if (!Array.isArray(cur))
                return { found: false };
            const i = seg < 0 ? cur.length + seg : seg;
            if (i < 0 || i >= cur.length)
                return { found: false };
            cur = cur[i];
        }
        else {
            if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, seg))
                return { found: false };
            cur = cur[seg];
        }
    }
    return { found: true, value: cur };
}
/** Checks an assertion against a parsed body; returns a failure reason or undefined when it holds. */
function jsonpath_checkAssertion(a, body) {
    const { found, value } = jsonpath_lookup(body, a.path);
    if (!found)
        return `${a.pathText} not found`;
    const actual = showValue(value);
    switch (a.op) {
        case 'exists':
            return undefined;
        case '==':
            return deepEqual(value, a.value)
                ? undefined
                : `${a.pathText} is ${actual}, expected ${showValue(a.value)}`;
        case '!=':
            return !deepEqual(value, a.value)
                ? undefined
                : `${a.pathText} is ${actual}, expected anything else`;
        case '=~':
            return typeof value === 'string' && a.regex?.test(value)
                ? undefined
                : `${a.pathText} is ${actual}, expected a match of ${String(a.regex)}`;
        default: {
            const n = a.value;
            if (typeof value !== 'number')
                return `${a.pathText} is ${actual}, expected a number ${a.op} ${n}`;
            const ok = a.op === '<'
                ? value < n
                : a.op === '<='
                    ? value <= n
                    : a.op === '>'
                        ? value > n
                        : value >= n;
            return ok ? undefined : `${a.pathText} is ${actual}, expected ${a.op} ${n}`;
        }
    }
}
function deepEqual(a, b) {
    if (a === b)
        return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
        return false;
    return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}
function sortKeys(v) {
    if (Array.isArray(v))
        return v.map(sortKeys);
    if (v && typeof v === 'object') {
        return Object.fromEntries(Object.entries(v)
            .sort(([x], [y]) => x.localeCompare(y))
            .map(([k, x]) => [k, sortKeys(x)]));
    }
    return v;
}
function readPath(name, src) {
    if (!src.startsWith('$'))
        throw new InputError(name, src, 'does not start with $', jsonpath_FORMS);
    const path = [];
    let i = 1;
    for (;;) {
        const rest = src.slice(i);
        let m;
        if ((m = /^\.([A-Za-z_$][\w$-]*)/.exec(rest)))
            path.push(m[1]);
        else if ((m = /^\[\s*(-?\d+)\s*\]/.exec(rest)))
            path.push(Number(m[1]));
        else if ((m = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest)) ||
            (m = /^\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest)))
            path.push(m[1].replace(/\\(.)/g, '$1'));
        else if (/^(\.|\[)/.test(rest))
            throw new InputError(name, src, `has an invalid path segment at ${showValue(rest)}`, jsonpath_FORMS);
        else
            return { path, rest, pathText: src.slice(0, i) };
        i += m[0].length;
    }
}

;// CONCATENATED MODULE: ./packages/probe/src/headers.ts
/** Request headers: parsing, which values are secrets, and credentials carried in URLs. */

const SECRET_HEADER = /authorization|cookie|token|secret|password|api[-_]?key|credential/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Whether `name` is a valid HTTP header name (an RFC 9110 token). */
function headers_isHeaderName(name) {
    return HEADER_NAME.test(name);
}
/** Whether a header's value is treated as a secret. */
function isSecretHeader(name) {
    return SECRET_HEADER.test(name);
}
/** A secret value whole and by its words after the first (`Bearer <token>` → the token too). */
const secretWords = (v) => [v, ...v.split(/\s+/).slice(1)];
/** The values of secret headers, each whole and by its words. */
function headers_secretValues(headers) {
    return Object.entries(headers)
        .filter(([k]) => isSecretHeader(k))
        .flatMap(([, v]) => secretWords(v));
}
/**
 * Everything in a parsed checks document (or any value) that may be secret, found before the
 * document is validated, so that no error about it can show one: the values of secret-named keys
 * at any depth (each whole and by its words; all the text under one that is a mapping or a list),
 * and the passwords of URLs.
 */
function secretsInDocument(value, underSecret = false) {
    if (typeof value === 'string' || typeof value === 'number') {
        const s = String(value);
        return underSecret ? secretWords(s) : credentialsIn(s);
    }
    if (Array.isArray(value))
        return value.flatMap((v) => secretsInDocument(v, underSecret));
    if (value && typeof value === 'object')
        return Object.entries(value).flatMap(([k, v]) => secretsInDocument(v, underSecret || isSecretHeader(k)));
    return [];
}
/** The values of secret header lines of an input (`Name: value`), before they are parsed. */
function secretsInHeaderLines(text) {
    return text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
        .flatMap((line) => {
        const m = /^([^:=\s]+)\s*[:=]\s*(.*)$/.exec(line);
        // A line that does not parse is hidden in its error; mask it all the same.
        if (!m)
            return [line];
        return isSecretHeader(m[1] ?? '')
            ? headers_secretValues({ [m[1] ?? '']: m[2] ?? '' })
            : credentialsIn(line);
    });
}
/**
 * fetch refuses URLs with credentials: moves `user:pass@` into an `Authorization: Basic` header
 * (unless one is set), clears them from the URL, and records the password as a secret.
 */
function headers_moveCredentials(url, headers, secrets) {
    if (!url.password && !url.username)
        return;
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    if (pass)
        secrets.push(pass, url.password);
    headers.Authorization ??= `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    url.username = '';
    url.password = '';
}
/** Header maps from YAML (mapping) or an input (`Name: value` or `Name=value` lines). */
function headers_parseHeaders(at, v) {
    if (v === undefined || v === null)
        return {};
    let entries;
    if (typeof v === 'string') {
        entries = v
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter(Boolean)
            .map((line, i) => {
            const m = /^([^:=\s]+)\s*[:=]\s*(.*)$/.exec(line);
            // The value is not shown: a header line may hold a credential.
            if (!m)
                throw new InputError(`${at}[line ${i + 1}]`, '(hidden)', 'is not a header line', 'Write one "Name: value" per line');
            return [m[1], m[2]];
        });
    }
    else if (typeof v === 'object' && !Array.isArray(v)) {
        entries = Object.entries(v);
    }
    else {
        throw new InputError(at, UNQUOTED, `is ${kindOf(v)}, not a header map`, 'Write a mapping of header names to values');
    }
    const out = {};
    for (const [k, val] of entries) {
        if (!headers_isHeaderName(k))
            throw new InputError(`${at}.${k}`, k, 'is not a valid header name', 'Use letters, digits and -');
        if (typeof val !== 'string' && typeof val !== 'number')
            throw new InputError(`${at}.${k}`, UNQUOTED, `is ${kindOf(val)}, not a header value`, 'Give a string');
        const s = String(val);
        if (/[\r\n]/.test(s))
            throw new InputError(`${at}.${k}`, '(hidden)', 'contains a line break', 'Header values are one line');
        out[k] = s;
    }
    return out;
}

;// CONCATENATED MODULE: ./packages/probe/src/version.ts
/**
 * Where a response reports its version, for expect-version: a JSON path in the body, a response
 * header, or the one capture group of a regex on the body.
 *
 * Written as a compact string (`json:$.build.version`, `header:X-App-Version`,
 * `regex:v(\d+\.\d+\.\d+)`) in the action's `version-from` input and in checks, or as a one-key
 * mapping in a check (`version-from: {header: X-App-Version}`). Parsing is strict: errors name the
 * input or `checks[i].version-from`. Bodies and headers are the server's: what is shown of them is
 * quoted and cut short.
 */



const VERSION_SOURCES = (/* unused pure expression or super */ null && (['json', 'header', 'regex']));
/** `json:$.version`: the default. */
const version_DEFAULT_VERSION_SOURCE = {
    kind: 'json',
    path: ['version'],
    text: '$.version',
};
const version_FORMS = 'Use json:<JSON path> (json:$.build.version), header:<name> (header:X-App-Version) or regex:<pattern with one capture group> (regex:v(\\d+\\.\\d+\\.\\d+))';
/** Longest piece of a body or a version that a message shows. */
const SHOWN = 80;
/**
 * Parses `version-from` at `at` (an input name or `checks[i].version-from`): a compact string
 * `<kind>:<value>`, or (in a checks document) a mapping with exactly one of json, header, regex.
 */
function version_parseVersionFrom(at, value) {
    if (typeof value === 'string') {
        const m = /^\s*([A-Za-z]+)\s*:(.*)$/s.exec(value);
        const kind = VERSION_SOURCES.find((k) => k === m?.[1]?.toLowerCase());
        if (!m || !kind)
            throw new InputError(at, value, 'is not a version source', version_FORMS);
        return sourceOf(at, kind, (m[2] ?? '').trim());
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
        const entries = Object.entries(value);
        const [entry] = entries;
        if (entries.length !== 1 || !entry)
            throw new InputError(at, UNQUOTED, `has ${entries.length === 0 ? 'no keys' : `${entries.length} keys (${entries.map(([k]) => k).join(', ')})`}`, `Give exactly one of ${VERSION_SOURCES.join(', ')}. ${version_FORMS}`);
        const [key, v] = entry;
        const kind = VERSION_SOURCES.find((k) => k === key);
        if (!kind)
            throw new InputError(`${at}.${key}`, key, 'is not a version source', `Use one of ${VERSION_SOURCES.join(', ')}. ${version_FORMS}`);
        if (typeof v !== 'string')
            throw new InputError(`${at}.${key}`, UNQUOTED, `is ${kindOf(v)}, not a string`, version_FORMS);
        return sourceOf(`${at}.${key}`, kind, v.trim());
    }
    throw new InputError(at, UNQUOTED, `is ${kindOf(value)}, not a version source`, `Give a string such as json:$.build.version, or a mapping with one of ${VERSION_SOURCES.join(', ')}`);
}
function sourceOf(at, kind, text) {
    if (text === '')
        throw new InputError(at, text, `gives no ${kind === 'json' ? 'JSON path' : kind}`, version_FORMS);
    switch (kind) {
        case 'json':
            return { kind, path: parseJsonPath(at, text), text };
        case 'header':
            if (!isHeaderName(text))
                throw new InputError(at, text, 'is not a valid header name', 'Use letters, digits and -, e.g. header:X-App-Version');
            return { kind, name: text };
        case 'regex':
            return { kind, regex: parseVersionRegex(at, text) };
    }
}
/** `/pattern/flags` or a bare pattern, with exactly one capture group: the version. */
function parseVersionRegex(at, text) {
    const m = /^\/(.*)\/([a-z]*)$/s.exec(text);
    const [source, flags] = m ? [m[1] ?? '', m[2] ?? ''] : [text, ''];
    const fix = 'Write one capture group around the version, e.g. regex:v(\\d+\\.\\d+\\.\\d+)';
    const bad = flags.replace(/[imsuv]/g, '');
    if (bad)
        throw new InputError(at, text, `has flags that do not apply here (${bad})`, `Use i, m, s, u or v. ${fix}`);
    let regex;
    try {
        regex = new RegExp(source, flags);
    }
    catch (e) {
        throw new InputError(at, text, `is not a valid regular expression (${e.message})`, fix);
    }
    // An alternative that matches '' reports every group of the pattern.
    const groups = (new RegExp(`${source}|`, flags).exec('')?.length ?? 1) - 1;
    if (groups !== 1)
        throw new InputError(at, text, `has ${groups === 0 ? 'no capture group' : `${groups} capture groups`}`, `${fix}; group other parts with (?:…)`);
    return regex;
}
/** The compact form of a source, as a user writes it (`header:X-App-Version`). */
function describeVersionSource(source) {
    switch (source.kind) {
        case 'json':
            return `json:${source.text}`;
        case 'header':
            return `header:${source.name}`;
        case 'regex':
            return `regex:${String(source.regex)}`;
    }
}
/**
 * Reads the version from a response. `json` is the body parsed once by the caller (undefined when
 * it is not JSON), so a check with JSON assertions does not parse it twice.
 */
function version_extractVersion(source, res, json) {
    switch (source.kind) {
        case 'json': {
            const parsed = json();
            if (!parsed.ok)
                return { missing: `no version at ${source.text}: body is not JSON (${version_excerpt(res.body)})` };
            const found = lookup(parsed.value, source.path);
            if (!found.found)
                return { missing: `no version at ${source.text}: not found` };
            if (typeof found.value === 'string' || typeof found.value === 'number')
                return { version: String(found.value) };
            return {
                missing: `no version at ${source.text}: ${kindOf(found.value)}, not a string or number`,
            };
        }
        case 'header': {
            const wanted = source.name.toLowerCase();
            const entry = Object.entries(res.headers).find(([k]) => k.toLowerCase() === wanted);
            if (!entry)
                return { missing: `no version: no ${source.name} header in the response` };
            if (entry[1].trim() === '')
                return { missing: `no version: header ${source.name} is empty` };
            return { version: entry[1].trim() };
        }
        case 'regex': {
            const m = source.regex.exec(res.body);
            if (!m)
                return {
                    missing: `no version: body does not match ${String(source.regex)} (${version_excerpt(res.body)})`,
                };
            const v = m.slice(1).find((g) => g !== undefined);
            if (!v)
                return { missing: `no version: ${String(source.regex)} matched, its group is empty` };
            return { version: v };
        }
    }
}
/**
 * A version as messages show it: as is when it is short and plain (`1.4.2`), else quoted and cut
 * (a server's value may hold line breaks, workflow commands or a whole page).
 */
function version_showVersion(v) {
    if (v.length <= SHOWN && /^[\x21-\x7e]+$/.test(v))
        return v;
    return JSON.stringify(v.length > SHOWN ? `${v.slice(0, SHOWN)}…` : v);
}
/** A body as messages show it: whitespace folded, quoted, cut at {@link SHOWN} characters. */
function version_excerpt(body) {
    const s = body.replace(/\s+/g, ' ').trim();
    return JSON.stringify(s.length > SHOWN ? `${s.slice(0, SHOWN)}…` : s);
}

;// CONCATENATED MODULE: ./packages/probe/src/check.ts
/**
 * What one HTTP check is, and how checks are read from a URL list or a YAML/JSON document.
 * Parsing is pure and strict: every problem is an {@link InputError} naming `<input>[i].<key>`.
 */





const METHODS = (/* unused pure expression or super */ null && (['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']));
const check_KEYS = (/* unused pure expression or super */ null && ([
    'name',
    'url',
    'method',
    'headers',
    'body',
    'expect-status',
    'body-contains',
    'body-regex',
    'expect-json',
    'max-latency',
    'timeout',
    'continue-on-failure',
    'expect-version',
    'version-from',
    'follow-redirects',
]));
/**
 * Builds checks from plain URLs (input `urlsInput`) and from a parsed YAML/JSON value (input
 * `checksInput`: a list of URL strings or check objects).
 */
function buildChecks(urls, doc, defaults, urlsInput = 'urls', checksInput = 'checks') {
    const secrets = secretValues(defaults.headers);
    const checks = urls.map((u, i) => fromObject(`${urlsInput}[${i}]`, { url: u }, defaults, secrets));
    if (doc !== undefined && doc !== null) {
        if (!Array.isArray(doc))
            throw new InputError(checksInput, UNQUOTED, `is ${kindOf(doc)}, not a list of checks`, isMappingLike(doc)
                ? 'Start each check with "- " (a YAML list item), e.g. "- url: http://host/healthz"'
                : 'Write a YAML list: each item a URL or a mapping with at least url:');
        doc.forEach((item, i) => {
            const at = `${checksInput}[${i}]`;
            if (typeof item === 'string')
                checks.push(fromObject(at, { url: item }, defaults, secrets));
            else if (item && typeof item === 'object' && !Array.isArray(item))
                checks.push(fromObject(at, item, defaults, secrets));
            else
                throw new InputError(at, UNQUOTED, `is ${kindOf(item)}, not a check`, 'Give a URL or a mapping with at least url:');
        });
    }
    nameUniquely(checks);
    return { checks, secrets };
}
function fromObject(at, o, d, secrets) {
    for (const key of Object.keys(o)) {
        if (!check_KEYS.includes(key))
            throw new InputError(`${at}.${key}`, key, 'is not a check setting', `Use: ${check_KEYS.join(', ')}`);
    }
    const str = (key) => {
        const v = o[key];
        if (v === undefined || v === null)
            return undefined;
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
            throw new InputError(`${at}.${key}`, UNQUOTED, `is ${kindOf(v)}, not a single value`, 'Give a string');
        return String(v);
    };
    const rawUrl = str('url');
    if (rawUrl === undefined || rawUrl.trim() === '')
        throw new InputError(`${at}.url`, rawUrl ?? '', 'is required', 'Every check needs a url');
    const url = resolveUrl(`${at}.url`, rawUrl.trim(), d.baseUrl);
    const headers = {
        ...d.headers,
        ...parseHeaders(`${at}.headers`, o.headers),
    };
    moveCredentials(url, headers, secrets);
    secrets.push(...secretValues(headers));
    const methodText = str('method') ?? 'GET';
    const method = METHODS.find((m) => m === methodText.toUpperCase());
    if (!method)
        throw new InputError(`${at}.method`, methodText, 'is not an HTTP method', `Use one of: ${METHODS.join(', ')}`);
    const body = readBody(at, o.body, headers);
    if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
        throw new InputError(`${at}.body`, body, `is set on a ${method} check`, 'GET and HEAD requests carry no body: set method to POST, PUT or PATCH');
    }
    /** A setting's parsed value, or the fallback when the check does not set it. */
    const setting = (key, parse, fallback) => {
        const raw = str(key);
        return raw === undefined ? fallback : parse(`${at}.${key}`, raw);
    };
    const duration = (name, raw) => parseDuration(name, raw, { min: 1 });
    const ev = o['expect-version'];
    const expectVersion = ev === false
        ? undefined
        : ev === undefined || ev === true
            ? d.expectVersion
            : str('expect-version');
    // Parsed even when no version is expected, so that a bad one fails before any request.
    const ownSource = o['version-from'] === undefined || o['version-from'] === null
        ? undefined
        : parseVersionFrom(`${at}.version-from`, o['version-from']);
    return {
        name: str('name')?.trim() ?? '',
        method,
        url: url.toString(),
        headers,
        ...optional('body', body),
        expectStatus: o['expect-status'] === undefined
            ? d.expectStatus
            : parseStatus(`${at}.expect-status`, o['expect-status']),
        bodyContains: stringList(`${at}.body-contains`, o['body-contains']),
        ...optional('bodyRegex', setting('body-regex', parseRegex, undefined)),
        json: stringList(`${at}.expect-json`, o['expect-json']).map((a, i) => parseAssertion(`${at}.expect-json[${i}]`, a)),
        ...optional('maxLatencyMs', setting('max-latency', duration, d.maxLatencyMs)),
        timeoutMs: setting('timeout', duration, d.timeoutMs),
        continueOnFailure: setting('continue-on-failure', parseBoolean, false),
        // expect-version: false opts out, true (or unset) takes the default, a string sets this check's own.
        ...(expectVersion !== undefined && {
            expectVersion,
            versionFrom: ownSource ?? d.versionFrom ?? DEFAULT_VERSION_SOURCE,
        }),
        followRedirects: setting('follow-redirects', parseBoolean, d.followRedirects),
    };
}
function isMappingLike(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function resolveUrl(at, raw, base) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(raw))
        return parseUrl(at, raw);
    if (!base)
        throw new InputError(at, raw, 'is a relative URL but no base-url is set', 'Give an absolute URL (http://host:port/path) or set base-url');
    const joined = new URL(base.toString());
    const [path = '', query] = raw.split('?', 2);
    joined.pathname = `${joined.pathname.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
    if (query !== undefined)
        joined.search = query;
    return parseUrl(at, joined.toString());
}
function readBody(at, v, headers) {
    if (v === undefined || v === null)
        return undefined;
    if (typeof v === 'string')
        return v;
    if (typeof v === 'object') {
        if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
            headers['Content-Type'] = 'application/json';
        return JSON.stringify(v);
    }
    throw new InputError(`${at}.body`, v, 'is not a request body', 'Give a string, or a mapping to send as JSON');
}
function stringList(at, v) {
    if (v === undefined || v === null)
        return [];
    const items = Array.isArray(v) ? v : [v];
    return items.map((x, i) => {
        if (typeof x !== 'string' && typeof x !== 'number')
            throw new InputError(Array.isArray(v) ? `${at}[${i}]` : at, x, 'is not a string', 'Give a string or a list of strings');
        return String(x);
    });
}
/** `/pattern/flags` or a bare pattern. */
function parseRegex(at, text) {
    const m = /^\/(.*)\/([dgimsuvy]*)$/s.exec(text);
    try {
        return m ? new RegExp(m[1] ?? '', m[2]) : new RegExp(text);
    }
    catch (e) {
        throw new InputError(at, text, `is not a valid regular expression (${e.message})`, 'Write a JavaScript regex, e.g. /ok|healthy/i');
    }
}
function nameUniquely(checks) {
    const seen = new Set();
    for (const c of checks) {
        if (!c.name)
            continue;
        if (seen.has(c.name))
            throw new InputError('checks', c.name, 'names two checks', 'Give every check its own name');
        seen.add(c.name);
    }
    checks.forEach((c, i) => {
        if (c.name)
            return;
        const u = new URL(c.url);
        let name = `${c.method} ${u.host}${u.pathname}`;
        for (let n = 2; seen.has(name); n++)
            name = `${c.method} ${u.host}${u.pathname} #${n}`;
        seen.add(name);
        checks[i] = { ...c, name };
    });
}

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
;// CONCATENATED MODULE: ./packages/probe/src/http.ts
/** HTTP as a dependency: the real adapter over node:http, and the shapes a fake must return. */


/** A request that got no HTTP response: timeout, refused, reset, DNS, TLS. */
class http_HttpError extends Error {
    kind;
    latencyMs;
    name = 'HttpError';
    constructor(kind, message, latencyMs) {
        super(message);
        this.kind = kind;
        this.latencyMs = latencyMs;
    }
}
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/**
 * The real {@link Http}, over `node:http` / `node:https`, one connection per request (no keep-alive
 * pool). Not fetch: loading undici costs ~70 ms on an action's first request and its idle sockets
 * ~90 ms more at exit, which a short action pays in full (bench/build-image-overhead). The timeout
 * covers the whole exchange, body included; redirects are followed like fetch does (303, and 301/302
 * after a POST, become a GET without body).
 */
const nodeHttp = {
    request(req) {
        const start = performance.now();
        const deadline = start + req.timeoutMs;
        const once = (url, method, body, hops) => new Promise((resolve, reject) => {
            const client = url.protocol === 'https:' ? external_node_https_namespaceObject.request : external_node_http_namespaceObject.request;
            const r = client(url, { method, headers: req.headers, agent: false });
            const timer = setTimeout(() => r.destroy(new TimeoutSignal()), Math.max(0, deadline - performance.now()));
            const fail = (error) => {
                clearTimeout(timer);
                reject(error);
            };
            r.on('error', fail);
            r.on('response', (res) => {
                const location = res.headers.location;
                if (req.followRedirects && REDIRECTS.has(res.statusCode ?? 0) && location) {
                    res.resume();
                    clearTimeout(timer);
                    if (hops >= MAX_REDIRECTS)
                        return reject(new Error(`more than ${MAX_REDIRECTS} redirects`));
                    const toGet = res.statusCode === 303 ||
                        ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST');
                    return resolve(once(new URL(location, url), toGet ? 'GET' : method, toGet ? undefined : body, hops + 1));
                }
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('error', fail);
                res.on('aborted', () => fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
                res.on('end', () => {
                    clearTimeout(timer);
                    if (!res.complete)
                        return reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
                    const headers = {};
                    for (const [k, v] of Object.entries(res.headers))
                        if (v !== undefined)
                            headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
                    resolve({
                        status: res.statusCode ?? 0,
                        headers,
                        body: Buffer.concat(chunks).toString('utf8'),
                        latencyMs: performance.now() - start,
                    });
                });
            });
            r.end(body);
        });
        return once(new URL(req.url), req.method, req.body, 0).catch((error) => {
            const latencyMs = performance.now() - start;
            if (error instanceof TimeoutSignal)
                // Timers have 1 ms resolution: never report less than the timeout that fired.
                throw new http_HttpError('timeout', `no response within ${req.timeoutMs}ms`, Math.max(latencyMs, req.timeoutMs));
            throw new http_HttpError('network', networkReason(error), latencyMs);
        });
    },
};
/** Destroys a request whose deadline passed. */
class TimeoutSignal extends Error {
    name = 'TimeoutSignal';
}
/** Reads a string property of a thrown value (structural: it may come from another realm). */
function field(value, key) {
    if (typeof value !== 'object' || value === null)
        return undefined;
    const v = value[key];
    return typeof v === 'string' ? v : undefined;
}
function networkReason(error) {
    const code = field(error, 'code');
    if (code === 'ECONNREFUSED')
        return 'connection refused';
    if (code === 'ECONNRESET' || code === 'EPIPE')
        return 'connection reset';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
        return 'host not found';
    const message = field(error, 'message') ?? String(error);
    return code ? `${message} (${code})` : message;
}

;// CONCATENATED MODULE: ./packages/probe/src/run.ts
/** Running checks: one attempt, retries until a deadline, many checks at once. */




/** Longest version a result reports (a longer one is cut, with …). */
const MAX_VERSION = 256;
/** Where `check` reads its version: its own source, else a legacy JSON path, else `$.version`. */
function run_sourceOf(check, versionPath) {
    if (check.versionFrom)
        return check.versionFrom;
    if (versionPath === undefined)
        return DEFAULT_VERSION_SOURCE;
    const text = `$${versionPath.map((s) => (typeof s === 'number' ? `[${s}]` : `[${JSON.stringify(s)}]`)).join('')}`;
    return { kind: 'json', path: versionPath, text };
}
/**
 * Every way a response falls short of a check (empty when it passes), and the version it reported
 * when the check expects one. `versionPath` (deprecated) is for checks without `versionFrom`.
 */
function evaluateResponse(check, res, versionPath) {
    const failures = [];
    if (!check.expectStatus.matches(res.status))
        failures.push(`status ${res.status}, expected ${check.expectStatus.text}`);
    for (const text of check.bodyContains) {
        if (!res.body.includes(text))
            failures.push(`body does not contain ${JSON.stringify(text)}`);
    }
    if (check.bodyRegex && !check.bodyRegex.test(res.body))
        failures.push(`body does not match ${String(check.bodyRegex)}`);
    let json;
    let parsed = false;
    const parse = () => {
        if (!parsed) {
            parsed = true;
            try {
                json = JSON.parse(res.body);
            }
            catch {
                json = undefined;
                return false;
            }
        }
        return json !== undefined;
    };
    if (check.json.length) {
        if (!parse())
            failures.push(`body is not JSON: ${excerpt(res.body)}`);
        else
            for (const a of check.json) {
                const why = checkAssertion(a, json);
                if (why)
                    failures.push(why);
            }
    }
    let version;
    if (check.expectVersion !== undefined) {
        const got = extractVersion(run_sourceOf(check, versionPath), res, () => parse() ? { ok: true, value: json } : { ok: false });
        if ('missing' in got)
            failures.push(got.missing);
        else {
            // Reported as found, unless the server sent a page of it.
            version =
                got.version.length > MAX_VERSION ? `${got.version.slice(0, MAX_VERSION)}…` : got.version;
            if (got.version !== check.expectVersion)
                failures.push(`version ${showVersion(version)}, expected ${check.expectVersion}`);
        }
    }
    if (check.maxLatencyMs !== undefined && res.latencyMs > check.maxLatencyMs) {
        failures.push(`latency ${Math.round(res.latencyMs)}ms over the ${check.maxLatencyMs}ms budget`);
    }
    return { failures, ...(version !== undefined && { version }) };
}
/** Sends the check's request once and judges the response. */
async function attemptCheck(check, http, versionPath) {
    let res;
    try {
        res = await http.request({
            method: check.method,
            url: check.url,
            headers: check.headers,
            ...(check.body !== undefined && { body: check.body }),
            timeoutMs: check.timeoutMs,
            followRedirects: check.followRedirects,
        });
    }
    catch (error) {
        if (error instanceof HttpError)
            return {
                ok: false,
                latencyMs: error.latencyMs,
                reason: error.kind === 'timeout' ? `timed out: ${error.message}` : error.message,
            };
        throw error;
    }
    const { failures, version } = evaluateResponse(check, res, versionPath);
    return {
        ok: failures.length === 0,
        status: res.status,
        latencyMs: res.latencyMs,
        ...(failures.length && { reason: failures.join('; ') }),
        ...(version !== undefined && { version }),
    };
}
/** Runs every check (bounded concurrency), each retried with backoff until it passes or time/attempts run out. */
async function runChecks(checks, opts, deps) {
    return mapLimit(checks, opts.concurrency, async (check) => {
        const start = deps.clock.now();
        const { result, attempts } = await poll(() => attemptCheck(check, deps.http, opts.versionPath), {
            ...opts.backoff,
            attempts: opts.attempts,
            ...(opts.deadline !== undefined && { deadline: opts.deadline }),
            ...(opts.random && { random: opts.random }),
            done: (r) => r.ok,
            onRetry: ({ attempt, delayMs, result: r }) => opts.onRetry?.(check, attempt, delayMs, r),
        }, deps.clock);
        return {
            name: check.name,
            method: check.method,
            url: check.url,
            required: !check.continueOnFailure,
            attempts,
            elapsedMs: deps.clock.now() - start,
            ...result,
        };
    });
}

;// CONCATENATED MODULE: ./packages/probe/src/index.ts
/** @switchyard/probe: HTTP checks (status, body, JSON, latency, version) with retries. See README.md. */








;// CONCATENATED MODULE: ./actions/build-image/src/inputs.ts
/** The build-image inputs, parsed and checked once, before any command runs (STYLE.md §2). */



const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;
const SECRET_ID = /^[A-Za-z0-9_.-]+$/;
function tristate(r, name) {
    const s = r.text(name);
    return s === '' || s === 'auto' ? undefined : r.boolean(name);
}
function parseInputs(r, workspace, fs, gitTagIsSemver) {
    const registry = parseRegistry('registry', r.text('registry'));
    const image = parseImageName('image', r.required('image', 'Set image to the repository name, e.g. team/app'), registry);
    const credentials = readCredentials(r, 'username', 'password');
    const username = credentials?.username ?? '';
    const pushWanted = tristate(r, 'push');
    const loadWanted = tristate(r, 'load');
    const pushRegistry = image.registry;
    if (pushWanted === true && !pushRegistry)
        throw new errors_InputError('push', 'true', 'has no registry to push to', 'Set registry (e.g. ghcr.io), or put the host in image');
    const push = pushWanted ?? registry !== undefined;
    if (push && loadWanted === true)
        throw new errors_InputError('load', 'true', 'conflicts with push', 'Choose one: push (pull image-ref afterwards) or load (set push: false)');
    const load = loadWanted ?? !push;
    if (username && !pushRegistry)
        throw new errors_InputError('username', username, 'is set but there is no registry to log in to', 'Set registry, or drop username and password');
    const context = workspaceFile('context', r.text('context') || '.', workspace);
    if (!fs.isDirectory(context))
        throw new errors_InputError('context', r.text('context') || '.', `is not a directory (${context})`, 'Give the build context folder, relative to the workspace');
    const fileRaw = r.text('file');
    const file = workspaceFile('file', fileRaw || (0,external_node_path_namespaceObject.join)(context, 'Dockerfile'), workspace);
    if (!fs.isFile(file))
        throw new errors_InputError('file', fileRaw || '<context>/Dockerfile', `does not exist (${file})`, 'Give the Dockerfile path relative to the workspace');
    const target = r.text('target');
    if (target && !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(target))
        throw new errors_InputError('target', target, 'is not a build stage name', 'Give the name of a stage of the Dockerfile (FROM … AS <name>): letters, digits, _ . and -');
    const platforms = r.list('platforms');
    for (const p of platforms)
        if (!PLATFORM.test(p))
            throw new errors_InputError('platforms', p, 'is not an os/arch[/variant] platform', 'Use e.g. linux/amd64,linux/arm64');
    const secrets = Object.entries(r.keyValues('secrets')).map(([id, value]) => {
        if (!SECRET_ID.test(id))
            throw new errors_InputError('secrets', id, 'is not a valid secret id', 'Use letters, digits, _ . -');
        return { id, value };
    });
    const provenance = r.text('provenance');
    const sbom = r.text('sbom');
    const tags = r.text('tags');
    const buildArgs = Object.entries(r.keyValues('build-args'));
    const versionBuildArg = r.text('version-build-arg').trim();
    if (versionBuildArg && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(versionBuildArg))
        throw new errors_InputError('version-build-arg', versionBuildArg, 'is not a build argument name', 'Use letters, digits and _, not starting with a digit, e.g. APP_VERSION');
    if (versionBuildArg && buildArgs.some(([k]) => k === versionBuildArg))
        throw new errors_InputError('version-build-arg', versionBuildArg, 'is also set in build-args', `Leave ${versionBuildArg} out of build-args: version-build-arg sets it to the computed version`);
    return {
        image,
        ...(pushRegistry && push ? { registry: pushRegistry } : {}),
        ...(credentials && { credentials }),
        tagRules: parseTagRules('tags', tags ? tags : defaultTagRules(gitTagIsSemver)),
        latest: r.enum('latest', ['auto', 'true', 'false'], { default: 'auto' }),
        context,
        file,
        buildArgs,
        ...(versionBuildArg && { versionBuildArg }),
        labels: r.keyValues('labels'),
        ...(target ? { target } : {}),
        secrets,
        pull: r.boolean('pull', { default: false }),
        noCache: r.boolean('no-cache', { default: false }),
        platforms,
        cacheFrom: r.lines('cache-from'),
        cacheTo: r.lines('cache-to'),
        ...(provenance
            ? { provenance: /^(true|false)$/.test(provenance) ? provenance : checkProvenance(provenance) }
            : {}),
        ...(sbom ? { sbom: r.boolean('sbom') } : {}),
        builder: r.enum('builder', ['auto', 'buildx', 'docker', 'buildah'], {
            default: 'auto',
        }),
        push,
        load,
        pushAttempts: r.integer('push-retries', { default: 3, min: 0, max: 10 }) + 1,
        dryRun: r.boolean('dry-run', { default: false }),
    };
}
function checkProvenance(raw) {
    if (/^mode=(min|max)$/.test(raw))
        return raw;
    throw new errors_InputError('provenance', raw, 'is not a provenance setting', 'Use true, false, mode=min or mode=max');
}

;// CONCATENATED MODULE: ./actions/build-image/src/run.ts
/** build-image logic: plan (tags, labels, argv), then the pipeline; no @actions imports. */



/** Tags, labels and the build spec: pure. */
function plan(inputs, git, facts) {
    const tags = computeTags(inputs.tagRules, git, inputs.latest);
    if (tags.tags.length === 0)
        throw new ActionError(`the tag rules made no tag for ${git.event} on ${git.ref}${tags.notes.length ? ` (${tags.notes.join('; ')})` : ''}. Add a rule that applies, e.g. type=sha`);
    const repo = repository(inputs.image);
    const labels = imageLabels({
        serverUrl: facts.serverUrl,
        repository: facts.repository,
        sha: git.sha,
        version: tags.version,
        created: git.date,
        repo: facts.repo,
    }, inputs.labels);
    const spec = {
        context: inputs.context,
        file: inputs.file,
        refs: tags.tags.map((t) => `${repo}:${t}`),
        buildArgs: inputs.versionBuildArg
            ? [...inputs.buildArgs, [inputs.versionBuildArg, tags.version]]
            : inputs.buildArgs,
        labels,
        ...(inputs.target ? { target: inputs.target } : {}),
        secrets: inputs.secrets,
        pull: inputs.pull,
        noCache: inputs.noCache,
        platforms: inputs.platforms,
        cacheFrom: inputs.cacheFrom,
        cacheTo: inputs.cacheTo,
        ...(inputs.provenance !== undefined ? { provenance: inputs.provenance } : {}),
        ...(inputs.sbom !== undefined ? { sbom: inputs.sbom } : {}),
        push: inputs.push,
        load: inputs.load,
        insecure: inputs.registry !== undefined && isLoopback(inputs.registry),
    };
    return { tags, repository: repo, labels, spec };
}
/** Fails with every capability the builder lacks, naming the input that asked for it. */
function checkCapabilities(spec, builder) {
    const problems = unsupported(spec, builder);
    if (problems.length)
        throw new ActionError(problems.map(([input, why]) => `input "${input}": ${why}`).join('; '));
}
async function run(inputs, facts, deps) {
    const started = deps.clock.now();
    const [existingTags, builder] = await Promise.all([
        readGitTags(deps.exec, facts.workspace, deps.log),
        detectBuilder(deps.exec, inputs.builder, deps.log, deps.env, needsDriver(inputs)),
    ]);
    const p = plan(inputs, { ...facts.git, existingTags }, facts);
    p.tags.notes.forEach((n) => deps.log.info(`tags: ${n}`));
    deps.log.info(`Tags: ${p.spec.refs.join(', ')}`);
    checkCapabilities(p.spec, builder);
    if (inputs.dryRun) {
        const files = buildFiles('<tmp>');
        const commands = [
            buildCommand(p.spec, builder, files),
            ...pushCommands(p.spec, builder, files),
            ...loadCommands(p.spec, builder),
        ];
        await deps.log.group('Dry run: the commands a real run would execute', () => {
            commands.forEach((c) => deps.log.info(displayCommand(c.command, c.args)));
            return Promise.resolve();
        });
        return { plan: p, builder, dryRun: true, elapsedMs: deps.clock.now() - started };
    }
    const result = await runPipeline(p.spec, builder, {
        image: inputs.image,
        ...(inputs.credentials ? { credentials: inputs.credentials } : {}),
        pushAttempts: inputs.pushAttempts,
        dockerfileLabel: (0,external_node_path_namespaceObject.relative)(facts.workspace, inputs.file) || inputs.file,
    }, deps);
    return { plan: p, builder, result, dryRun: false, elapsedMs: deps.clock.now() - started };
}
/** The step outputs, as strings. */
function outputs(r) {
    const digest = r.result?.digest ?? '';
    const imageRef = digest
        ? `${r.plan.repository}@${digest}`
        : r.result && r.plan.spec.load
            ? (r.plan.spec.refs[0] ?? '')
            : '';
    const labels = Object.entries(r.plan.labels).map(([k, v]) => `${k}=${v}`);
    return {
        image: r.plan.repository,
        tags: r.plan.spec.refs.join('\n'),
        digest,
        'image-ref': imageRef,
        'image-id': r.result?.imageId ?? '',
        version: r.plan.tags.version,
        labels: labels.join('\n'),
        builder: r.builder.kind,
        metadata: JSON.stringify({
            image: r.plan.repository,
            tags: r.plan.spec.refs,
            digest: digest || undefined,
            'image-ref': imageRef || undefined,
            'image-id': r.result?.imageId,
            version: r.plan.tags.version,
            labels: r.plan.labels,
            builder: { kind: r.builder.kind, version: r.builder.version, driver: r.builder.driver },
            pushed: r.result?.pushed ?? [],
            size: r.result?.size,
            'size-kind': r.result?.sizeKind,
            'dry-run': r.dryRun,
            'duration-ms': Math.round(r.elapsedMs),
        }),
    };
}
function bytes(n) {
    if (n === undefined)
        return '';
    const units = ['B', 'KB', 'MB', 'GB'];
    let v = n;
    let u = 0;
    while (v >= 1000 && u < units.length - 1) {
        v /= 1000;
        u++;
    }
    return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}
function renderSummary(r) {
    const o = outputs(r);
    const res = r.result;
    const head = r.dryRun
        ? '🧪 Dry run: nothing was built or pushed.'
        : res?.digest
            ? `✅ Built and pushed ${r.plan.spec.refs.length} tags in ${formatDuration(r.elapsedMs)}.`
            : `✅ Built ${r.plan.spec.load ? 'and loaded ' : ''}in ${formatDuration(r.elapsedMs)} (not pushed).`;
    return new Summary()
        .heading('Build image', 2)
        .paragraph(head)
        .table(['What', 'Value'], [
        ['Image', `\`${o.image}\``],
        ['Digest', o.digest ? `\`${o.digest}\`` : '—'],
        ['Image ref (deploy this)', o['image-ref'] ? `\`${o['image-ref']}\`` : '—'],
        ['Version', o.version],
        ['Size', res?.size !== undefined ? `${bytes(res.size)} (${res.sizeKind})` : '—'],
        ['Builder', `${r.builder.kind}${r.builder.driver ? ` (${r.builder.driver} driver)` : ''}`],
        ['Time', formatDuration(r.elapsedMs)],
    ])
        .heading('Tags', 3)
        .list(r.plan.spec.refs.map((t) => `\`${t}\``))
        .details('Labels', new Summary().table(['Label', 'Value'], Object.entries(r.plan.labels)))
        .toString();
}

;// CONCATENATED MODULE: ./actions/build-image/src/step.ts
/** The work of build-image over any front end (its main.ts on the runner, and the CLI): parseInputs → run → outputs and summary. */






/** State read by the post step (src/post.ts) as STATE_docker-config. */
const AUTH_STATE = 'docker-config';
function eventPayload(path) {
    return path && (0,external_node_fs_namespaceObject.existsSync)(path) ? JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8')) : {};
}
const step = async (io, secrets, env) => {
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const payload = eventPayload(env.GITHUB_EVENT_PATH);
    secrets.add(io.getInput('password'));
    // Every line of `secrets` is masked before parsing, so not even an error about it shows a value.
    secrets.add(io.getInput('secrets'));
    const r = new InputReader((n) => io.getInput(n), secrets);
    const exec = new ProcessExec(io, secrets);
    const fromRun = gitContextFromEnv(env, payload, new Date());
    // metadata-source: git reads the checkout (only a read) before the other inputs: their default
    // tag rules depend on whether its ref is a semver tag.
    const source = r.enum('metadata-source', ['workflow', 'git'], {
        default: 'workflow',
    });
    const git = source === 'git' ? { ...fromRun, ...(await readCheckout(exec, workspace)) } : fromRun;
    if (source === 'git')
        io.info(`metadata-source git: ${git.ref || 'a detached commit (no branch or tag)'} at ${git.sha} in the workspace (the run's own: ${fromRun.ref} at ${fromRun.sha})`);
    const fs = {
        isDirectory: (p) => (0,external_node_fs_namespaceObject.existsSync)(p) && (0,external_node_fs_namespaceObject.statSync)(p).isDirectory(),
        isFile: (p) => (0,external_node_fs_namespaceObject.existsSync)(p) && (0,external_node_fs_namespaceObject.statSync)(p).isFile(),
    };
    const inputs = parseInputs(r, workspace, fs, parseSemver(tagOf(git) ?? '') !== undefined);
    inputs.secrets.forEach((s) => secrets.add(s.value));
    const report = await run(inputs, {
        git,
        repo: repositoryInfo(payload),
        serverUrl: env.GITHUB_SERVER_URL,
        repository: env.GITHUB_REPOSITORY,
        workspace,
    }, {
        exec,
        http: nodeHttp,
        clock: systemClock,
        log: io,
        env,
        onAuthDir: (dir) => io.saveState(AUTH_STATE, dir),
    });
    for (const [name, value] of Object.entries(outputs(report)))
        io.setOutput(name, value);
    await io
        .appendSummary(renderSummary(report))
        .catch((e) => io.warning(`could not write the job summary: ${String(e)}`));
};

;// CONCATENATED MODULE: ./actions/build-image/src/main.ts
/** Composition root of build-image on the GitHub runner: the runner's IO around the shared step (step.ts). */



async function main() {
    const { io, secrets } = actionsIO();
    await runAction('build-image', io, () => step(io, secrets, process.env));
}


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(356);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
