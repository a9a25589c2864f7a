import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 2754:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4386);

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .main */ .i)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 4386:
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
class errors_ActionError extends Error {
    name = 'ActionError';
}
/** The message of anything thrown, `Error` or not. */
function errors_errorMessage(error) {
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
function duration_formatDuration(ms) {
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
    return ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : duration_formatDuration(ms);
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
async function retry_retry(fn, opts, clock) {
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

;// CONCATENATED MODULE: ./packages/kit/src/io.ts
/** The action's side of the runner protocol, as a small interface (STYLE.md §4). */
/** Logs a progress line: in place where the logger can, else as info. */
function io_logProgress(log, message) {
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

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./packages/kit/src/exec.ts
/**
 * Running programs with argument arrays, never a shell string: inputs can't be interpreted by a shell.
 * The command line is logged with secrets masked; output is captured.
 */



/** A program that exited non-zero (or could not start, or timed out). */
class exec_ExecError extends errors_ActionError {
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
                reject(new exec_ExecError(`${command}: could not start (${e.message})`, {
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
                reject(new exec_ExecError(`${shown} ${why}${tail ? `: ${tail}` : ''}`, result));
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
        io.setFailed(`${action}: ${errors_errorMessage(error)}`);
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
        return isInside(realPath((0,external_node_path_namespaceObject.resolve)(workspace)), realPath(path));
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
            throw new Error(`could not write "${name}" to ${variable} (${file}): ${typeof why === 'string' ? why : errors_errorMessage(error)}`, { cause: error });
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
        throw new errors_InputError(name, value, 'is not an HTTP status', FORMS);
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
    throw new errors_InputError(name, item, 'is not an HTTP status', FORMS);
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

const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '=~'];
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
        throw new errors_InputError(name, text, `has no valid operator after ${pathText}`, `Use one of ${OPERATORS.join(' ')}. ${jsonpath_FORMS}`);
    const valueText = tail.slice(op.length).trim();
    if (op === '=~') {
        const m = /^\/(.*)\/([a-z]*)$/s.exec(valueText);
        if (!m)
            throw new errors_InputError(name, text, 'needs a /regex/ after =~', jsonpath_FORMS);
        try {
            return { text: src, path, pathText, op, regex: new RegExp(m[1] ?? '', m[2]) };
        }
        catch (e) {
            throw new errors_InputError(name, text, `has an invalid regex (${e.message})`, jsonpath_FORMS);
        }
    }
    let value;
    try {
        value = JSON.parse(valueText);
    }
    catch {
        throw new errors_InputError(name, text, `compares with ${errors_showValue(valueText)}, which is not a JSON value`, 'Quote strings: $.status == "healthy"');
    }
    if (['<', '<=', '>', '>='].includes(op) && typeof value !== 'number') {
        throw new errors_InputError(name, text, `uses ${op} with a non-number`, 'Compare numbers with < <= > >=');
    }
    return { text: src, path, pathText, op, value };
}
/** Looks a path up in a parsed JSON value. */
function lookup(root, path) {
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
function checkAssertion(a, body) {
    const { found, value } = lookup(body, a.path);
    if (!found)
        return `${a.pathText} not found`;
    const actual = errors_showValue(value);
    switch (a.op) {
        case 'exists':
            return undefined;
        case '==':
            return deepEqual(value, a.value)
                ? undefined
                : `${a.pathText} is ${actual}, expected ${errors_showValue(a.value)}`;
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
        throw new errors_InputError(name, src, 'does not start with $', jsonpath_FORMS);
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
            throw new errors_InputError(name, src, `has an invalid path segment at ${errors_showValue(rest)}`, jsonpath_FORMS);
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
function extractVersion(source, res, json) {
    switch (source.kind) {
        case 'json': {
            const parsed = json();
            if (!parsed.ok)
                return { missing: `no version at ${source.text}: body is not JSON (${excerpt(res.body)})` };
            const found = lookup(parsed.value, source.path);
            if (!found.found)
                return { missing: `no version at ${source.text}: not found` };
            if (typeof found.value === 'string' || typeof found.value === 'number')
                return { version: String(found.value) };
            return {
                missing: `no version at ${source.text}: ${errors_kindOf(found.value)}, not a string or number`,
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
                    missing: `no version: body does not match ${String(source.regex)} (${excerpt(res.body)})`,
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
function showVersion(v) {
    if (v.length <= SHOWN && /^[\x21-\x7e]+$/.test(v))
        return v;
    return JSON.stringify(v.length > SHOWN ? `${v.slice(0, SHOWN)}…` : v);
}
/** A body as messages show it: whitespace folded, quoted, cut at {@link SHOWN} characters. */
function excerpt(body) {
    const s = body.replace(/\s+/g, ' ').trim();
    return JSON.stringify(s.length > SHOWN ? `${s.slice(0, SHOWN)}…` : s);
}

;// CONCATENATED MODULE: ./packages/probe/src/check.ts
/**
 * What one HTTP check is, and how checks are read from a URL list or a YAML/JSON document.
 * Parsing is pure and strict: every problem is an {@link InputError} naming `<input>[i].<key>`.
 */





const METHODS = (/* unused pure expression or super */ null && (['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']));
const KEYS = (/* unused pure expression or super */ null && ([
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
        if (!KEYS.includes(key))
            throw new InputError(`${at}.${key}`, key, 'is not a check setting', `Use: ${KEYS.join(', ')}`);
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
        return version_DEFAULT_VERSION_SOURCE;
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
async function run_attemptCheck(check, http, versionPath) {
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
        if (error instanceof http_HttpError)
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
        const { result, attempts } = await poll(() => run_attemptCheck(check, deps.http, opts.versionPath), {
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








;// CONCATENATED MODULE: ./packages/targets/src/contract.ts
/**
 * Named contract constants (STYLE.md §9) every target shares: the colors and the labels (or
 * annotations) that other runs, the CLI and people looking at the target rely on. Changing one is a
 * breaking change for deployed environments. A target's own names live in its folder.
 */
/** The two slots of a blue-green pair. */
const contract_COLORS = ['blue', 'green'];
/** The other color. */
function contract_otherColor(color) {
    return color === 'blue' ? 'green' : 'blue';
}
/** Labels on every object switchyard creates. */
const LABELS = {
    app: 'switchyard.app',
    environment: 'switchyard.environment',
    /** What the object is to switchyard: `app`, or the target's own (`proxy`, `lock`, …). */
    role: 'switchyard.role',
    color: 'switchyard.color',
    /** The image reference the deploy asked for. */
    image: 'switchyard.image',
    /** The image's repo digest (or its id when it has none): what "the same image" means. */
    digest: 'switchyard.digest',
    version: 'switchyard.version',
    /** Who started it: the run URL, or `cli:<user>@<host>`. */
    deployId: 'switchyard.deploy-id',
    actor: 'switchyard.actor',
    createdAt: 'switchyard.created-at',
    /** On the lock: when it counts as stale. */
    expires: 'switchyard.lock.expires',
    /** On the lock: a random value only its holder knows (a post step releases only its own lock). */
    token: 'switchyard.lock.token',
    /** On the router: the published ports and bind address, `bind:port,preview`. */
    publish: 'switchyard.proxy.publish',
};
/** How many deploys and rollbacks the target remembers. */
const HISTORY_LENGTH = 10;

;// CONCATENATED MODULE: ./packages/targets/src/model.ts
/** `release` as key → value pairs under `keys`, for a workload's labels or annotations. */
function releaseEntries(release, keys) {
    return {
        [keys.image]: release.image,
        [keys.digest]: release.digest,
        [keys.version]: release.version,
        [keys.deployId]: release.deployId,
        [keys.actor]: release.actor,
        [keys.createdAt]: release.createdAt,
    };
}
/** The release stored under `keys` in a workload's labels or annotations ('' for what is missing). */
function storedRelease(values, keys) {
    return {
        image: values[keys.image] ?? '',
        digest: values[keys.digest] ?? '',
        version: values[keys.version] ?? '',
        deployId: values[keys.deployId] ?? '',
        actor: values[keys.actor] ?? '',
        createdAt: values[keys.createdAt] ?? '',
    };
}
/** How many lock breaks a record keeps. */
const LOCK_BREAKS_KEPT = 10;
/** An empty record: nothing deployed yet. */
const EMPTY_RECORD = { live: null, previous: null, history: [] };

;// CONCATENATED MODULE: ./packages/targets/src/record.ts
/** The deploy record as data: reading it back leniently, and the pure transitions on it. */


const asColor = (v) => contract_COLORS.find((c) => c === v) ?? null;
const asString = (v) => (typeof v === 'string' ? v : undefined);
/**
 * Parses a stored record. Damage never blocks a deploy: what can't be read is dropped and
 * reported in `notes` (the routes and containers remain the truth about what runs).
 */
function parseRecord(text) {
    if (text === undefined || text.trim() === '')
        return { record: EMPTY_RECORD, notes: [] };
    let doc;
    try {
        doc = JSON.parse(text);
    }
    catch {
        return {
            record: EMPTY_RECORD,
            notes: ['the stored deploy record is not JSON; starting a new one'],
        };
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc))
        return {
            record: EMPTY_RECORD,
            notes: ['the stored deploy record is not an object; starting a new one'],
        };
    const o = doc;
    const history = Array.isArray(o.history)
        ? o.history.filter((h) => !!h &&
            typeof h === 'object' &&
            asColor(h.color) !== null &&
            typeof h.digest === 'string')
        : [];
    const p = o.pending;
    const pending = p && typeof p === 'object' && asColor(p.color) && typeof p.digest === 'string' ? p : undefined;
    const switchedAt = asString(o.switchedAt);
    const retireAfter = asString(o.retireAfter);
    const rollingBackFrom = asString(o.rollingBackFrom);
    const lockBreaks = Array.isArray(o.lockBreaks)
        ? o.lockBreaks.filter((b) => !!b &&
            typeof b === 'object' &&
            ['at', 'by', 'actor', 'held', 'reason'].every((k) => typeof b[k] === 'string'))
        : [];
    return {
        record: {
            live: asColor(o.live),
            previous: asColor(o.previous),
            ...(switchedAt !== undefined && { switchedAt }),
            ...(retireAfter !== undefined && { retireAfter }),
            ...(pending && { pending }),
            ...(rollingBackFrom !== undefined && { rollingBackFrom }),
            history: history.slice(0, HISTORY_LENGTH),
            ...(lockBreaks.length > 0 && { lockBreaks: lockBreaks.slice(0, LOCK_BREAKS_KEPT) }),
        },
        notes: [],
    };
}
/** The record after live traffic moved to `entry.color` at `now`. */
function recordSwitch(record, entry, now, keepPreviousMs) {
    const previous = record.live !== null && record.live !== entry.color ? record.live : null;
    return {
        live: entry.color,
        previous,
        switchedAt: new Date(now).toISOString(),
        ...(previous !== null && { retireAfter: new Date(now + keepPreviousMs).toISOString() }),
        history: [entry, ...record.history].slice(0, HISTORY_LENGTH),
        ...(record.lockBreaks && { lockBreaks: record.lockBreaks }),
    };
}
/** The record with a lock break added (newest first, the last {@link LOCK_BREAKS_KEPT} kept). */
function recordLockBreak(record, lockBreak) {
    return {
        ...record_recordOf(record),
        lockBreaks: [lockBreak, ...(record.lockBreaks ?? [])].slice(0, LOCK_BREAKS_KEPT),
    };
}
/** The record with a color waiting for promotion (or none). */
function record_recordPending(record, pending) {
    const rest = record_recordOf({ ...record, pending: undefined });
    return pending ? { ...rest, pending } : rest;
}
/**
 * The record after a retire: no keep-warm time once the previous color is stopped, and nothing
 * waiting for promotion once the pending color is.
 */
function record_recordRetired(record, stopped) {
    return record_recordOf({
        ...record,
        ...(stopped.previous && { retireAfter: undefined }),
        ...(stopped.pending && { pending: undefined }),
    });
}
/**
 * Brings the record in line with the route the proxy really has (a run killed between the switch
 * and the write leaves them apart). Returns the record unchanged when they agree.
 */
function reconcile(record, routedLive, now) {
    if (record.live === routedLive)
        return { record };
    const note = `the record said live=${record.live ?? 'none'} but the proxy routes live=${routedLive ?? 'none'}; the record now follows the proxy`;
    return {
        record: {
            ...record,
            live: routedLive,
            previous: record.live,
            switchedAt: new Date(now).toISOString(),
        },
        note,
    };
}
/** Only the record's own fields of a state (what is stored; colors and notes are read live). */
function record_recordOf(s) {
    return {
        live: s.live,
        previous: s.previous,
        ...(s.switchedAt !== undefined && { switchedAt: s.switchedAt }),
        ...(s.retireAfter !== undefined && { retireAfter: s.retireAfter }),
        ...(s.pending !== undefined && { pending: s.pending }),
        ...(s.rollingBackFrom !== undefined && { rollingBackFrom: s.rollingBackFrom }),
        history: s.history,
        ...(s.lockBreaks && { lockBreaks: s.lockBreaks }),
    };
}
/**
 * The digests a rollback moved away from and that have not gone live again since: never chosen
 * again as "the last good version" (a rollback `to:` one still can).
 *
 * The rule, read over the history oldest to newest (the record prepends each switch, so the list's
 * order is the order of events, whatever the clocks said):
 * - a `rollback` entry marks its `previousDigest` (the release it moved away from);
 * - a `deploy`, `promote` or `rollback` entry that puts a marked digest live again clears that
 *   digest's mark: it passed. History entries are written only for switches, so the release was
 *   started, found ready and switched live again after the rollback; were it bad again, the
 *   rollback away from it (by hand, or monitor-window's rollback-on-failure) is a newer entry that
 *   marks it again. While it is live a rollback never picks it anyway (it is the one live);
 * - a `reconcile` entry (a run killed after its switch, repaired by the next run) clears nothing:
 *   no one chose that release again, a run merely repaired the record.
 *
 * `rollingBackFrom` (a rollback killed between its mark and its switch) is marked whatever the
 * history says: the next switch drops it from the record.
 */
function rolledBackFrom(record) {
    const marked = new Set();
    for (const h of [...record.history].reverse()) {
        if (h.action === 'reconcile')
            continue;
        marked.delete(h.digest);
        if (h.action === 'rollback' && h.previousDigest && h.previousDigest !== h.digest)
            marked.add(h.previousDigest);
    }
    if (record.rollingBackFrom)
        marked.add(record.rollingBackFrom);
    return marked;
}
/**
 * The history entry that made the live color live: the newest switch to it. It names the release the
 * record says is live, even when the color's container is gone.
 */
function record_liveEntry(record) {
    return record.live ? record.history.find((h) => h.color === record.live) : undefined;
}
/**
 * What is wrong with the live color, as a clause (`the live color green (2.0.0, shop:2.0.0) has no
 * container (removed)`), or `undefined` when it runs or nothing is live: its container is missing
 * or not running (exited, crashed for good), or the router in front of it serves nothing
 * (`routerDown`). Either way live traffic reaches nothing, and `status` fails on it.
 */
function record_liveDown(state) {
    return colorDown(state) ?? (state.live ? state.routerDown : undefined);
}
/**
 * {@link liveDown} of the live color alone, not its router (which a deploy or rollback repairs
 * anyway): a rollback treats it as a reason to roll back.
 */
function colorDown(state) {
    if (!state.exists || !state.live)
        return undefined;
    const c = state.colors[state.live];
    if (c?.running)
        return undefined;
    const release = c ?? record_liveEntry(state);
    const what = release ? ` (${release.version}, ${release.image})` : '';
    if (!c)
        return `the live color ${state.live}${what} has no container (removed)`;
    const exit = c.exitCode !== undefined ? `, exit code ${c.exitCode}` : '';
    return `the live color ${state.live}${what} is not running (${c.state}${exit})`;
}

;// CONCATENATED MODULE: ./packages/targets/src/lock.ts
/**
 * The deploy lock every target offers, as a lease: one holder per app and environment at a time;
 * a lease lapses `ttlMs` after it was taken (or last renewed), so a holder that died can't strand
 * the next deploy; the live holder renews it in the background ({@link keepRenewed}); and its
 * handle lets a post step release it after a killed run. Each target keeps it its own way (an
 * object with a fixed name that only one holder can create). See docs/adrs/0012-lease-lock.md.
 */

/** A lease's time to live: a dead holder's lock is free this long after its last renewal. */
const lock_LEASE_TTL_MS = 45_000;
/** The lease is gone: another holder took it over (it had lapsed) or broke it. */
class LeaseLostError extends errors_ActionError {
    name = 'LeaseLostError';
}
const iso = (ms) => (Number.isFinite(ms) ? new Date(ms).toISOString() : 'never');
/** `expires at <when> (in 30s) unless its holder renews it`, or that it never expires. */
function describeExpiry(held, now) {
    const left = held.expiresAt - now;
    return Number.isFinite(held.expiresAt)
        ? `expires at ${iso(held.expiresAt)} (${left > 0 ? `in ${duration_formatDuration(left)}` : 'now'}) unless its holder renews it`
        : 'never expires (it carries no expiry)';
}
/** `<who> (<actor>) since <when>, expires at <when> (in 30s) unless …`: a held lock for people. */
function describeHeld(held, now) {
    return `${held.deployId} (${held.actor}) since ${held.since}, ${describeExpiry(held, now)}`;
}
/** How to break a lock by hand, for waiting lines and the timeout error. */
const BREAK_HINT = 'if that holder is dead or stuck, re-run with --break-lock "<reason>" (switchyard deploy, promote, retire or rollback) to remove it now';
/**
 * Waiting for a lock another holder has, the same for every target's lock: each {@link turn}
 * fails once `timeoutMs` has passed since `started` (naming the holder, its expiry, and how to
 * break or free it), says who holds it at most every 10 s, and sleeps until the next look (≤ 1 s).
 */
class LockWait {
    started;
    timeoutMs;
    clock;
    log;
    lastReport = -Infinity;
    constructor(started, timeoutMs, clock, log) {
        this.started = started;
        this.timeoutMs = timeoutMs;
        this.clock = clock;
        this.log = log;
    }
    /** One turn of waiting for `held`; `freeIt` says how to free the lock by hand on this target. */
    async turn(held, now, freeIt) {
        const waited = now - this.started;
        if (waited >= this.timeoutMs)
            throw new errors_ActionError(`another deploy of this app and environment holds the lock: ${held.deployId} by ${held.actor}, since ${held.since}. ` +
                `Waited ${duration_formatDuration(waited)} (lock-timeout). The lock ${describeExpiry(held, now)}; ${BREAK_HINT}, or ${freeIt}`);
        if (now - this.lastReport >= 10_000) {
            this.log.info(`waiting for the deploy lock, held by ${describeHeld(held, now)} (waited ${duration_formatDuration(waited)} of ${duration_formatDuration(this.timeoutMs)}); ${BREAK_HINT}`);
            this.lastReport = now;
        }
        await this.clock.sleep(Math.min(1000, Math.max(0, this.started + this.timeoutMs - now)));
    }
}
/** How often the keeper wakes up to see whether it was stopped (a renewal is due every ttl/3). */
const TICK_MS = 1_000;
/**
 * Renews `lease` every third of its `ttlMs` (two renewals may fail before it lapses) until stopped.
 * A {@link LeaseLostError} stops the renewals and is logged at once; `check()` then throws it. A
 * failure to reach the target is logged and retried; once `ttlMs` passed since the last renewal
 * that succeeded (on this run's clock), `check()` throws too (another holder may have taken it over).
 */
function keepRenewed(lease, ttlMs, deps) {
    const { clock, log } = deps;
    const everyMs = ttlMs / 3;
    // Counted on our own clock from the last renewal that succeeded (the lease was taken just now).
    let heldUntil = clock.now() + ttlMs;
    let stopped = false;
    // Aborted by stop(): the loop's sleep ends at once, and its timer keeps no process alive.
    const halt = new AbortController();
    let lost;
    let lastError;
    let inFlight;
    const renew = async () => {
        const at = clock.now();
        try {
            await lease.renew();
            heldUntil = at + ttlMs;
            lastError = undefined;
        }
        catch (e) {
            if (stopped)
                return;
            if (e instanceof LeaseLostError) {
                lost = e;
                log.warning(`${e.message}. This run will not switch traffic under the new holder`);
            }
            else {
                lastError = e instanceof Error ? e.message : String(e);
                log.warning(`could not renew the deploy lock ${lease.id} (it lapses at ${iso(heldUntil)}): ${lastError}`);
            }
        }
    };
    const loop = async () => {
        let due = clock.now() + everyMs;
        while (!stopped && !lost) {
            await clock.sleep(Math.min(TICK_MS, Math.max(0, due - clock.now())), halt.signal);
            if (stopped || clock.now() < due)
                continue;
            inFlight = renew();
            await inFlight;
            inFlight = undefined;
            due = clock.now() + everyMs;
        }
    };
    // Never rejects (renew catches everything); stop() does not wait for its last tick.
    void loop();
    const check = () => {
        if (lost)
            throw lost;
        if (clock.now() >= heldUntil)
            throw new LeaseLostError(`the deploy lock ${lease.id} lapsed at ${iso(heldUntil)}: it could not be renewed${lastError ? ` (${lastError})` : ''}, so another run may hold it now`);
    };
    return {
        check,
        confirm: async () => {
            await inFlight;
            if (!lost) {
                inFlight = renew();
                await inFlight;
                inFlight = undefined;
            }
            check();
        },
        stop: async () => {
            stopped = true;
            halt.abort();
            await inFlight;
        },
    };
}

;// CONCATENATED MODULE: ./packages/targets/src/ready.ts
/** Waiting for a new color to be ready: the workload's state, its own health check, and an HTTP check through the preview route. */


/** The first pause between readiness looks; each next one doubles, up to `health.intervalMs`. */
const FIRST_PAUSE_MS = 50;
/** How often a progress line is written while waiting. */
const PROGRESS_EVERY_MS = 5_000;
/** The health check's URL on the preview route. */
function ready_healthUrl(previewUrl, path) {
    return `${previewUrl.replace(/\/+$/, '')}${path}`;
}
/** The probe check of an environment's `health:` section against `url` (readiness, rollback verify). */
function healthCheckSpec(name, url, health, agent) {
    return {
        name,
        method: 'GET',
        url,
        headers: { 'User-Agent': agent, ...health.headers },
        expectStatus: health.expectStatus,
        bodyContains: health.bodyContains,
        json: health.json,
        timeoutMs: health.timeoutMs,
        continueOnFailure: false,
        followRedirects: false,
    };
}
/**
 * Polls a color until it is ready or `timeoutMs` passes: the workload runs (a crash or exit ends
 * the wait at once), its own health check (if any) is not unhealthy — and says healthy, when the
 * target waits for it —, the router sends the preview to it, and the HTTP health check passes
 * through the preview URL.
 */
async function ready_waitReady(target, color, health, timeoutMs, deps) {
    const { clock, log } = deps;
    const start = clock.now();
    const deadline = start + timeoutMs;
    const url = ready_healthUrl(target.previewUrl, health.path);
    const check = healthCheckSpec('health', url, health, 'switchyard-deploy');
    let lastProgress = start;
    let checks = 0;
    let looks = 0;
    for (;;) {
        const r = await target.readiness(color);
        const elapsedMs = clock.now() - start;
        if (r.failed)
            return { ready: false, elapsedMs, checks, reason: r.detail };
        let httpReason = '';
        const healthOk = r.health === 'none' || r.health === 'healthy' || (r.health === 'starting' && !r.awaitHealth);
        if (r.running && r.routed && healthOk) {
            checks++;
            const a = await run_attemptCheck(check, deps.http, []);
            if (a.ok)
                return {
                    ready: true,
                    elapsedMs: clock.now() - start,
                    checks,
                    ...(r.status && { status: r.status }),
                    ...(r.health === 'starting' && { healthStarting: true }),
                };
            httpReason = `GET ${url}: ${a.reason ?? 'failed'}`;
        }
        const now = clock.now();
        const why = [r.detail, httpReason].filter(Boolean).join('; ');
        if (now >= deadline)
            return {
                ready: false,
                elapsedMs: now - start,
                checks,
                reason: `not ready after ${duration_formatDuration(timeoutMs)} (ready-timeout): ${why}`,
            };
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
            io_logProgress(log, `waiting for ${color}: ${why} (${duration_formatDuration(now - start)} of ${duration_formatDuration(timeoutMs)})`);
            lastProgress = now;
        }
        // Quick looks first (a container is often ready within a second of its start), then every
        // health.interval: 50 ms, 100 ms, 200 ms, … up to the interval.
        await clock.sleep(Math.min(health.intervalMs, FIRST_PAUSE_MS * 2 ** looks++, deadline - now));
    }
}

;// CONCATENATED MODULE: ./packages/targets/src/warmup.ts
/**
 * Warming a new color before it takes all live traffic (issue 20; ADR 0014): a burst of requests
 * through the preview route, several in flight at once, judged like the health check. A color that
 * passed one health request has not yet accepted many connections side by side nor run its request
 * path hot; live traffic moving at once would queue on it. Knows nothing of the kind of target.
 */



/** No request of a warm-up starts later than this after its first: it never holds a switch long. */
const WARM_UP_LIMIT_MS = 30_000;
/**
 * Sends `warm.requests` GETs of `warm.path` to the preview URL, `warm.concurrency` at a time, each
 * judged and timed out as the health check says; `undefined` when there is no warm-up (`null` or
 * absent). Failures are counted, never thrown: the color already passed readiness, and what the
 * warm-up shows is logged (a warning when a request failed). Called just before the switch.
 */
async function warmUp(target, color, settings, deps) {
    const warm = settings.warmUp;
    if (!warm || warm.requests < 1)
        return undefined;
    const { clock, http } = deps;
    const url = ready_healthUrl(target.previewUrl, warm.path);
    const check = healthCheckSpec('warm-up', url, settings.health, 'switchyard-warm-up');
    const start = clock.now();
    const deadline = start + WARM_UP_LIMIT_MS;
    let sent = 0;
    let failed = 0;
    let slowestMs = 0;
    let firstFailure;
    const indexes = Array.from({ length: warm.requests }, (_, i) => i);
    await concurrency_mapLimit(indexes, Math.max(1, warm.concurrency), async () => {
        if (clock.now() >= deadline)
            return;
        sent++;
        const a = await run_attemptCheck(check, http, []);
        slowestMs = Math.max(slowestMs, a.latencyMs);
        if (a.ok)
            return;
        failed++;
        firstFailure ??= a.reason ?? `status ${a.status ?? '?'}`;
    });
    const outcome = {
        color,
        url,
        sent,
        failed,
        ...(firstFailure !== undefined && { firstFailure }),
        slowestMs,
        elapsedMs: clock.now() - start,
        cut: sent < warm.requests,
    };
    report(outcome, warm, deps.log);
    return outcome;
}
/** One line for the log; a warning when a request failed or the time limit cut the warm-up short. */
function describeWarmUp(o, warm) {
    return (`warmed ${o.color} with ${o.sent} request(s), ${Math.min(warm.concurrency, warm.requests)} at a time, through ${o.url} in ${duration_formatDuration(o.elapsedMs)}: ` +
        `slowest ${duration_formatDuration(Math.round(o.slowestMs))}, ${o.failed} failed` +
        (o.firstFailure ? ` (first: ${o.firstFailure})` : '') +
        (o.cut
            ? `; stopped after ${duration_formatDuration(WARM_UP_LIMIT_MS)} with ${warm.requests - o.sent} not sent`
            : ''));
}
function report(o, warm, log) {
    const line = describeWarmUp(o, warm);
    if (o.failed > 0 || o.cut)
        log.warning(`${line}. The switch goes ahead: ${o.color} passed its readiness check`);
    else
        log.info(line);
}

;// CONCATENATED MODULE: ./packages/targets/src/repair.ts
/**
 * Repairs what a run that stopped mid-switch left out of step (`TargetState.interrupted`): the
 * router's saved routes and the stored record are brought to the routes in force, with a warning
 * and a `reconcile` history entry. The switch itself is one atomic step on the router, so the
 * routes in force are the truth: either the switch happened (and the rest follows it now), or a
 * router restart already put the saved routes back (and nothing is out of step).
 *
 * Writes happen under the deploy lock only: deploy, promote, rollback and retire repair as they
 * start; status and monitor-window repair when the lock is free ({@link repairIfFree}) and else
 * leave it to the lock's holder.
 */




/** The target's state, its notes logged as warnings. */
async function readState(target, log) {
    const state = await target.status();
    state.notes.forEach((n) => log.warning(n));
    return state;
}
/** Holding the deploy lock: the state ({@link readState}), with an interrupted switch repaired. */
async function repair_readRepaired(target, holder, deps) {
    return repairInterrupted(target, await readState(target, deps.log), holder, deps);
}
/** Without the deploy lock: the state ({@link readState}), repaired if the lock is free now. */
async function repair_readRepairedIfFree(target, holder, deps) {
    return repairIfFree(target, await readState(target, deps.log), holder, deps);
}
/**
 * Holding the deploy lock: repairs `state.interrupted` (if set) and returns the state as it is now
 * stored; an undisturbed state comes back unchanged.
 */
async function repairInterrupted(target, state, holder, deps) {
    const out = state.interrupted;
    if (!out)
        return state;
    if (out.routes !== undefined)
        await target.saveRoutes();
    const live = state.live ? (state.colors[state.live] ?? record_liveEntry(state)) : undefined;
    const entry = out.record !== undefined && state.live && live
        ? {
            at: new Date(deps.clock.now()).toISOString(),
            action: 'reconcile',
            color: state.live,
            image: live.image,
            digest: live.digest,
            version: live.version,
            deployId: holder.deployId,
            actor: holder.actor,
            ...(state.previous && { previousColor: state.previous }),
            reason: 'a run stopped between the switch and saving it; repaired by the next run',
        }
        : undefined;
    const record = entry
        ? { ...record_recordOf(state), history: [entry, ...state.history].slice(0, HISTORY_LENGTH) }
        : record_recordOf(state);
    // Saved even without an entry: the state's record is the corrected one.
    await target.saveRecord(record);
    deps.log.warning(`repaired an interrupted switch on ${target.description}: ${Object.values(out).join('; ')}. Live stays ${state.live ?? 'none'}, now saved where a restart reads it`);
    return { colors: state.colors, exists: state.exists, notes: state.notes, ...record };
}
/**
 * Without the deploy lock (status, monitor-window): repairs `state.interrupted` if the lock is free
 * this moment, reading the state again under it; otherwise warns that the lock's holder will.
 */
async function repairIfFree(target, state, holder, deps) {
    if (!state.interrupted)
        return state;
    let lease;
    try {
        lease = await target.lock(holder, { timeoutMs: 0, ttlMs: LEASE_TTL_MS });
    }
    catch (error) {
        deps.log.warning(`an interrupted switch is left to the run holding the deploy lock to repair (${errorMessage(error)})`);
        return state;
    }
    try {
        return await repairInterrupted(target, await target.status(), holder, deps);
    }
    finally {
        await lease.release();
    }
}

;// CONCATENATED MODULE: ./packages/targets/src/bluegreen.ts
/**
 * Blue-green over any {@link Target}: deploy (start the idle color, wait ready, switch), promote
 * (switch to a color started with promote: false), status. Written once; targets only supply the
 * primitive steps. Live traffic moves only in `switchTo`, and only after the new color is ready.
 */







/** The live color's status, if any. */
function bluegreen_liveStatus(s) {
    return s.live ? s.colors[s.live] : undefined;
}
/** A human version for an image: the input, the image label, the tag, or a short digest. */
/** The first 12 hex digits of a digest: how a release without a version is named. */
const shortDigest = (digest) => digest.replace(/^sha256:/, '').slice(0, 12);
function versionOf(ref, image, given) {
    if (given)
        return given;
    if (image.version)
        return image.version;
    const name = ref.replace(/@sha256:[a-f0-9]+$/, '');
    const colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/'))
        return name.slice(colon + 1);
    return shortDigest(image.digest);
}
/** A state whose record fields are replaced by `record` (a field the record lacks is gone). */
function withRecord(state, record) {
    return { colors: state.colors, exists: state.exists, notes: state.notes, ...record_recordOf(record) };
}
/** Deploys an image: start it in the idle color, wait until ready, switch unless `promote` is false. */
async function deploy(target, req, deps) {
    const { log, clock } = deps;
    const started = clock.now();
    await bluegreen_connect(target, log);
    const image = await deps.log.group(`Pull ${req.image}`, () => target.resolveImage(req.image, req.pull));
    log.info(`Image ${req.image} is ${image.pinned}`);
    return bluegreen_withLock(target, req, deps, async () => {
        const router = await target.prepare();
        const before = await readRepaired(target, req.holder, deps);
        const live = bluegreen_liveStatus(before);
        movedOn(before, started, req, log);
        if (live && live.digest === image.digest && live.running) {
            // Saved even so: it clears a stale pending entry and stores a record reconciled with the proxy.
            const record = recordPending(before, undefined);
            await target.saveRecord(record);
            return {
                action: 'deploy',
                changed: false,
                switched: false,
                before,
                after: withRecord(before, record),
                color: live.color,
                url: target.url,
                previewUrl: target.previewUrl,
                router,
                message: `${req.image} (${image.digest}) is already live on ${live.color}: nothing to do`,
            };
        }
        const color = before.live ? otherColor(before.live) : 'blue';
        const release = {
            image: req.image,
            digest: image.digest,
            version: versionOf(req.image, image, req.version),
            deployId: req.holder.deployId,
            actor: req.holder.actor,
            createdAt: new Date(clock.now()).toISOString(),
        };
        const replaced = before.colors[color];
        await log.group(`Start ${color}: ${req.image}`, async () => {
            if (replaced)
                log.info(`replacing the ${replaced.running ? 'warm' : 'stopped'} ${color} (${replaced.image})`);
            await target.start(color, image, release);
        });
        const ready = await waitReady(target, color, req.health, req.readyTimeoutMs, deps);
        if (!ready.ready)
            await failStart(target, color, ready, req.keepFailed, before, deps);
        log.info(`${color} is ready after ${formatDuration(ready.elapsedMs)} (${ready.checks} health check(s) through ${healthUrl(target.previewUrl, req.health.path)}${ready.healthStarting ? "; the image's own health check has not reported yet" : ''})`);
        if (!req.promote) {
            const record = recordPending(before, {
                color,
                digest: image.digest,
                deployId: release.deployId,
            });
            await target.saveRecord(record);
            return {
                action: 'deploy',
                changed: true,
                switched: false,
                before,
                after: withRecord(await startedState(target, before, color, ready), record),
                color,
                url: target.url,
                previewUrl: target.previewUrl,
                router,
                ready,
                message: `${req.image} is ready on ${color} at ${target.previewUrl}; live traffic stays on ${before.live ?? 'nothing'} until "action: promote"`,
            };
        }
        return switchLive(target, color, 'deploy', before, req, deps, { router, ready, fresh: true });
    });
}
/**
 * The state with the color this run started as readiness last saw it (its container is new since
 * `before` was read); read again only when the target didn't tell. Its notes were logged with `before`.
 */
async function startedState(target, before, color, ready) {
    if (!ready.status)
        return target.status();
    return { ...before, colors: { ...before.colors, [color]: ready.status }, notes: [] };
}
/**
 * What changed live while this deploy pulled and waited for the lock (switches recorded since it
 * started), said as a warning; with `ifLiveIs`, a live release other than the one given refuses
 * the deploy before anything starts.
 */
function movedOn(before, started, req, log) {
    const since = before.history.filter((h) => Date.parse(h.at) >= started);
    const live = bluegreen_liveStatus(before) ?? (before.live ? liveEntry(before) : undefined);
    const liveText = live ? `${live.version} (${live.digest})` : 'nothing';
    const moves = since
        .filter((h) => h.action !== 'reconcile')
        .map((h) => `${h.action} of ${h.version} by ${h.deployId} at ${h.at}`);
    if (moves.length > 0)
        log.warning(`while this deploy waited, the environment moved on: ${moves.join('; ')}. Live is now ${liveText}`);
    if (req.ifLiveIs === undefined)
        return;
    const liveDigest = live?.digest ?? 'none';
    if (liveDigest !== req.ifLiveIs)
        throw new ActionError(`if-live-is: live is ${liveText}, not ${req.ifLiveIs}${moves.length > 0 ? ` (it moved on while this deploy waited: ${moves.join('; ')})` : ''}; nothing was changed. Deploy again against what is live now, or leave if-live-is out`);
}
/**
 * Promotes the color a `promote: false` deploy left ready. With `expect` (the release this run
 * deployed), a waiting color that runs another release is refused, changing nothing: another
 * deploy replaced it meanwhile.
 */
async function promote(target, req, deps) {
    await bluegreen_connect(target, deps.log);
    return bluegreen_withLock(target, req, deps, async () => {
        const router = await target.prepare();
        const before = await readRepaired(target, req.holder, deps);
        const pending = before.pending;
        const candidate = pending ? before.colors[pending.color] : undefined;
        if (!pending ||
            !candidate ||
            candidate.digest !== pending.digest ||
            pending.color === before.live)
            throw new ActionError(`nothing to promote: no color is waiting (live is ${before.live ?? 'none'}). Run a deploy with promote: false first; to go back to the previous version, use rollback`);
        const expect = req.expect;
        if (expect &&
            (expect.digest ? candidate.digest !== expect.digest : candidate.image !== expect.image))
            throw new ActionError(`not promoting: ${pending.color} waits with ${candidate.image} (${shortDigest(candidate.digest)}, deployed by ${pending.deployId}), not ${expect.image}, the release this run expects; nothing was changed and traffic stays on ${before.live ?? 'nothing'}. Another deploy replaced the waiting color meanwhile: deploy ${expect.image} again with promote: false, then promote`);
        const ready = await waitReady(target, pending.color, req.health, req.readyTimeoutMs, deps);
        if (!ready.ready)
            throw new ActionError(`${pending.color} (${candidate.image}) is not ready, so it was not promoted and traffic stays on ${before.live ?? 'nothing'}: ${ready.reason ?? ''}`);
        return switchLive(target, pending.color, 'promote', before, req, deps, { router, ready });
    });
}
/**
 * Reads the state. Changes nothing, but for repairing what a run that stopped mid-switch left out
 * of step, when the deploy lock is free (repair.ts).
 */
async function bluegreen_status(target, holder, deps) {
    await bluegreen_connect(target, deps.log);
    const state = await readRepairedIfFree(target, holder, deps);
    for (const line of describeState(state))
        deps.log.info(line);
    const down = liveDown(state);
    return {
        ...(down && {
            failure: `${down}: live traffic reaches nothing. Roll back (action: rollback, or switchyard rollback) or deploy; either repairs the router too`,
        }),
        action: 'status',
        changed: false,
        switched: false,
        before: state,
        after: state,
        url: target.url,
        previewUrl: target.previewUrl,
        message: state.live
            ? `live: ${state.live} (${bluegreen_liveStatus(state)?.image ?? 'unknown image'})`
            : 'nothing is live yet',
    };
}
/**
 * Moves live traffic to a ready `color`, records it (history entry `action`, with `reason`), and
 * reports the result. The one place every switch goes through: deploy, promote and rollback.
 */
async function switchLive(target, color, action, before, req, deps, extra) {
    const { clock, log } = deps;
    const next = before.colors[color];
    // The lease's last renewal rides along with the warm-up: neither waits for the other.
    await Promise.all([warmUp(target, color, req, deps), confirmLease(target)]);
    const t = clock.now();
    const switchMs = await target.switchTo(color);
    const prev = bluegreen_liveStatus(before);
    log.info(`Switched live traffic ${before.live ?? 'none'} → ${color} in ${duration_formatDuration(switchMs)} (verified and saved after ${duration_formatDuration(clock.now() - t)})`);
    // A color started by this run is as readiness saw it (its container is new); a warm one is as read before.
    const after0 = extra.fresh ? await startedState(target, before, color, extra.ready) : before;
    const started = after0.colors[color] ?? next;
    const entry = {
        at: new Date(clock.now()).toISOString(),
        action,
        color,
        image: started?.image ?? '',
        digest: started?.digest ?? '',
        version: started?.version ?? '',
        deployId: req.holder.deployId,
        actor: req.holder.actor,
        ...(before.live && { previousColor: before.live }),
        ...(prev && { previousImage: prev.image, previousDigest: prev.digest }),
        ...(extra.reason && { reason: extra.reason }),
    };
    const record = recordSwitch(before, entry, clock.now(), req.keepPreviousMs);
    await target.saveRecord(record);
    if (record.retireAfter)
        log.info(`${before.live} stays warm until ${record.retireAfter} (keep-previous ${duration_formatDuration(req.keepPreviousMs)})`);
    return {
        action,
        changed: true,
        switched: true,
        before,
        // after0 was read before the record was saved: its "record disagrees" note is stale.
        after: withRecord({ ...after0, notes: [] }, record),
        color,
        url: target.url,
        previewUrl: target.previewUrl,
        switchMs,
        router: extra.router,
        ready: extra.ready,
        message: `${started?.image ?? color} is live on ${color}${prev ? `; ${prev.color} (${prev.image}) is kept warm` : ''}`,
    };
}
/** The renewer of the lease {@link withLock} holds on each target, for {@link confirmLease}. */
const keepers = new WeakMap();
/**
 * Runs `body` holding the app+environment's deploy lock (the same lock for every changing mode):
 * a short lease (LEASE_TTL_MS), renewed in the background every third of it while `body` works, so
 * a dead holder's lock is free within the ttl. A lock broken to take it (`holder.breakReason`) is
 * logged as a warning naming its holder and the reason. When this process already holds the lock
 * on `target` ({@link holdLock}: monitor-window holding it for its window), `body` runs under it.
 */
async function bluegreen_withLock(target, req, deps, body) {
    if (keepers.has(target))
        return body();
    const held = await holdLock(target, req, deps);
    try {
        return await body();
    }
    finally {
        await held.release();
    }
}
/**
 * Takes the deploy lock on `target` and keeps it renewed until `release()`; meanwhile
 * {@link withLock} on the same target runs under it (so a rollback can run inside a held window).
 */
async function holdLock(target, req, deps) {
    deps.onLock?.(target.lockHandle(req.holder));
    const lease = await target.lock(req.holder, {
        timeoutMs: req.lockTimeoutMs,
        ttlMs: lock_LEASE_TTL_MS,
    });
    const keeper = keepRenewed(lease, lock_LEASE_TTL_MS, deps);
    if (lease.broke)
        await reportBreak(target, lease.broke, req.holder, deps);
    keepers.set(target, keeper);
    return {
        release: async () => {
            keepers.delete(target);
            await keeper.stop();
            await target.close();
            await lease.release();
        },
    };
}
/**
 * A lock this run broke: a warning naming whose it was and why, and an entry in the record's
 * `lockBreaks` (so `status` shows it later). A record out of step after a stopped switch is left
 * for the run's own repair; the break is then only in the log, which says so.
 */
async function reportBreak(target, broke, holder, deps) {
    const now = deps.clock.now();
    const held = describeHeld(broke.held, now);
    deps.log.warning(`broke the deploy lock held by ${held}, for ${holder.deployId} (${holder.actor}): ${broke.reason}`);
    const state = await target.status();
    if (!state.exists || state.interrupted) {
        deps.log.info(`the lock break is not in the deploy record: ${state.exists ? 'the record is out of step after a stopped switch, and this run repairs it first' : 'nothing is deployed here yet'}`);
        return;
    }
    await target.saveRecord(recordLockBreak(state, {
        at: new Date(now).toISOString(),
        by: holder.deployId,
        actor: holder.actor,
        held,
        reason: broke.reason,
    }));
}
/**
 * Renews the lease {@link withLock} holds on `target` (one round trip) and throws a LeaseLostError
 * if it was lost (taken over, broken) or lapsed: called just before live traffic moves, so a run
 * never switches under another holder, and switches with a whole ttl ahead of it.
 */
async function confirmLease(target) {
    await keepers.get(target)?.confirm();
}
/** A new color that never got ready: show why, stop it (unless kept), leave traffic alone, fail. */
async function failStart(target, color, ready, keepFailed, before, deps) {
    await showLogs(target, color, deps);
    if (!keepFailed)
        await target.stop(color);
    throw new ActionError(`the new ${color} did not become ready: ${ready.reason ?? 'unknown'}. ` +
        `Live traffic was not touched (it stays on ${before.live ?? 'nothing'}); ${color} was ${keepFailed ? 'kept running for inspection (keep-failed)' : 'stopped'}`);
}
/** The last 50 log lines of a color that did not get ready, in a folded group. */
async function showLogs(target, color, deps) {
    await deps.log
        .group(`Last log lines of ${color}`, async () => {
        deps.log.info((await target.logs(color, 50)) || '(no output)');
    })
        .catch((e) => deps.log.warning(`could not read the ${color} logs: ${String(e)}`));
}
/** The state as log lines, one per color plus the live/previous facts. */
function describeState(s) {
    if (!s.exists)
        return ['nothing deployed here yet (no proxy)'];
    const lines = [
        `live: ${s.live ?? 'none'}${s.switchedAt ? ` since ${s.switchedAt}` : ''}`,
        ...(s.previous
            ? [
                s.colors[s.previous] && !s.colors[s.previous]?.running
                    ? `previous: ${s.previous}, retired (a rollback redeploys it)`
                    : `previous: ${s.previous}, warm until ${s.retireAfter ?? 'unknown'}`,
            ]
            : []),
        ...(s.pending ? [`waiting for promotion: ${s.pending.color}`] : []),
    ];
    for (const c of COLORS) {
        const x = s.colors[c];
        if (x)
            lines.push(`${c}: ${x.image} (version ${x.version}, ${x.state}${x.health !== 'none' ? `, ${x.health}` : ''}, started ${x.createdAt} by ${x.actor})`);
    }
    const lastBreak = s.lockBreaks?.[0];
    if (lastBreak)
        lines.push(`last lock break: ${lastBreak.at} by ${lastBreak.by} (${lastBreak.actor}), "${lastBreak.reason}"; the lock was held by ${lastBreak.held}`);
    return lines;
}
/** Checks the target answers and logs what it is; every mode starts here. */
async function bluegreen_connect(target, log) {
    log.info(`Target: ${target.description}, ${await target.connect()}`);
}

;// CONCATENATED MODULE: ./packages/targets/src/plan.ts
/** Dry-run: what a deploy would do, read from the target without changing it. */




/** The steps of a deploy, as sentences (pure). `image` is undefined when the target lacks it. */
function planSteps(state, image, req, target) {
    const steps = [];
    if (!image && req.pull === 'never') {
        steps.push(`stop with an error: ${req.image} is not on the target and pull is "never"`);
        return steps;
    }
    steps.push(image && req.pull !== 'always'
        ? `use ${req.image} already on the target (${image.pinned})`
        : `pull ${req.image}${image ? ` (the target has ${image.digest} now)` : ''}`);
    steps.push(`take the deploy lock (wait up to ${formatDuration(req.lockTimeoutMs)})`);
    if (!state.exists)
        steps.push(`${target.words.setup}, serving ${target.url} (preview ${target.previewUrl})`);
    const live = liveStatus(state);
    if (live && image && live.digest === image.digest && live.running) {
        steps.push(`stop: ${req.image} is already live on ${live.color} (no change)`);
        return steps;
    }
    const color = state.live ? otherColor(state.live) : 'blue';
    const replaced = state.colors[color];
    steps.push(`start ${req.image} as ${color}${replaced ? `, replacing the ${replaced.running ? 'running' : 'stopped'} ${color} (${replaced.image})` : ''}; ${state.live ? `${state.live} stays untouched` : 'nothing is live yet'}`);
    steps.push(`wait until ${color} is ready: ${target.words.ready}, GET ${healthUrl(target.previewUrl, req.health.path)} (up to ${formatDuration(req.readyTimeoutMs)})`);
    if (req.promote) {
        steps.push(`switch live traffic ${state.live ?? 'none'} → ${color} (${target.words.switch})`);
        if (state.live)
            steps.push(`keep ${state.live} warm for ${formatDuration(req.keepPreviousMs)}`);
    }
    else {
        steps.push(`leave live traffic on ${state.live ?? 'nothing'}; ${color} waits at ${target.previewUrl} for "action: promote"`);
    }
    return steps;
}
/** Reads the target and returns the plan; changes nothing (no pull, no lock, no workload). */
async function plan(target, req, deps) {
    await connect(target, deps.log);
    const state = await target.status();
    const image = await target.findImage(req.image);
    const steps = planSteps(state, image, req, target);
    deps.log.info(`Dry run: a deploy would\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}`);
    return {
        action: 'plan',
        changed: false,
        switched: false,
        before: state,
        after: state,
        url: target.url,
        previewUrl: target.previewUrl,
        plan: steps,
        message: 'dry run: nothing was changed',
    };
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __nccwpck_require__(8815);
;// CONCATENATED MODULE: ./packages/config/src/types.ts
/** The default config file name, relative to the workspace. */
const CONFIG_FILE = 'switchyard.yml';
/** Where the colors run: each target has its own part of an environment section, named after it. */
const TARGETS = ['docker', 'kubernetes'];
/** App names: lowercase letters, digits and hyphens, starting with a letter or digit. */
const APP_NAME = /^[a-z0-9][a-z0-9-]*$/;
/** The longest app name (container and network names are built from it). */
const APP_NAME_MAX = 40;
/** Environment names follow {@link APP_NAME}, up to this length. */
const ENVIRONMENT_NAME_MAX = 30;
/** Environment variable names (for `env` and `secrets`). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `${app}-${environment}`: the prefix of every container, network and volume name of an environment. */
function resourcePrefix(app, environment) {
    return `${app}-${environment}`;
}

;// CONCATENATED MODULE: ./packages/config/src/fields.ts
/**
 * Parsers for single settings that both the file and the override inputs take, so the checks and the
 * wording are the same wherever a value comes from. Each throws an {@link InputError} named by `name`.
 */


/** How app and environment names are written, for messages. */
const NAME_RULE = 'lowercase letters, digits and hyphens, starting with a letter or digit';
/** An app name: {@link APP_NAME}, at most {@link APP_NAME_MAX} characters. */
function parseAppName(name, raw) {
    return checkName(name, raw, 'an app name', APP_NAME_MAX);
}
/** An environment name: like an app name, at most {@link ENVIRONMENT_NAME_MAX} characters. */
function parseEnvironmentName(name, raw) {
    return checkName(name, raw, 'an environment name', ENVIRONMENT_NAME_MAX);
}
function checkName(name, raw, what, max) {
    const s = raw.trim();
    if (!APP_NAME.test(s))
        throw new errors_InputError(name, raw, `is not ${what}`, `Use ${NAME_RULE}, at most ${max} characters`);
    if (s.length > max)
        throw new errors_InputError(name, raw, `is ${s.length} characters long`, `Use at most ${max} characters`);
    return s;
}
/** A TCP port, 1–65535. */
function parsePort(name, raw) {
    return parseInteger(name, raw, { min: 1, max: 65535 });
}
/** A URL path starting with `/`. */
function parseHealthPath(name, raw) {
    const s = raw.trim();
    if (!s.startsWith('/') || /\s/.test(s))
        throw new errors_InputError(name, raw, 'is not a URL path', 'Start it with /, e.g. /healthz');
    return s;
}
/** An OCI image reference (no spaces). */
function parseImage(name, raw) {
    const s = raw.trim();
    // Starts with a letter or digit: a value such as --privileged must never reach a tool's argv as an option.
    if (!/^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$/.test(s))
        throw new errors_InputError(name, raw, 'is not an image reference', 'Use [registry/]name[:tag][@sha256:digest], e.g. haproxy:3.2');
    return s;
}

;// CONCATENATED MODULE: ./packages/config/src/values.ts
/**
 * Typed reading of parsed YAML values. Every reader takes the key path to blame and throws an
 * {@link InputError} named by it; the document wraps those into {@link ConfigError}s with the file name.
 */

/** What a YAML value is, for messages: `a list`, `a mapping`, `a boolean`, `empty`. */
function values_kindOf(v) {
    if (v === null || v === undefined)
        return 'empty';
    if (Array.isArray(v))
        return 'a list';
    if (typeof v === 'object')
        return 'a mapping';
    if (typeof v === 'boolean')
        return 'a boolean';
    if (typeof v === 'number')
        return 'a number';
    return 'a string';
}
/** Whether a value is a YAML mapping. */
function isMapping(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
}
/**
 * A mapping whose keys are all in `keys`; `null` (a key with nothing under it) reads as `{}`.
 * An unknown key is an error at `path.key` that lists the valid keys, and suggests the nearest valid
 * one, or where a key that belongs elsewhere goes (`elsewhere`: key → its path, e.g. `<target>.host`).
 */
function mapping(path, v, keys, what, elsewhere = {}) {
    if (v === null)
        return {};
    if (!isMapping(v))
        throw new errors_InputError(path, v, `is ${values_kindOf(v)}, not a mapping`, `Write ${what}`);
    for (const key of Object.keys(v)) {
        if (!keys.includes(key)) {
            const near = closest(key, [...keys, ...Object.keys(elsewhere)]);
            const hint = near === undefined ? undefined : (elsewhere[near] ?? near);
            throw new errors_InputError(values_join(path, key), key, 'is not a known key' + (hint ? ` (did you mean ${hint}?)` : ''), `Valid keys: ${keys.join(', ')}`);
        }
    }
    return v;
}
/** A single value as text: a string, or a number written without quotes. */
function values_text(path, v, example) {
    if (typeof v === 'string')
        return v;
    if (typeof v === 'number' && Number.isFinite(v))
        return String(v);
    throw new errors_InputError(path, v, `is ${values_kindOf(v)}, not a single value`, `Give a value such as ${example}`);
}
/** A non-empty single-line string. */
function line(path, v, example) {
    const s = values_text(path, v, example).trim();
    if (s === '')
        throw new errors_InputError(path, s, 'is empty', `Give a value such as ${example}`);
    if (/[\r\n]/.test(s))
        throw new errors_InputError(path, s, 'spans several lines', 'Write it on a single line');
    return s;
}
/** A YAML list; each item read by `item` with its own path (`path[i]`). */
function list(path, v, example, item) {
    if (!Array.isArray(v))
        throw new errors_InputError(path, v, `is ${values_kindOf(v)}, not a list`, `Write a YAML list, e.g. ${example}`);
    return v.map((x, i) => item(`${path}[${i}]`, x));
}
/** One string or a list of them (numbers are taken as written). */
function oneOrMany(path, v, example) {
    return Array.isArray(v)
        ? list(path, v, example, (p, x) => values_text(p, x, example))
        : [values_text(path, v, example)];
}
/** A name matching `pattern`, at most `max` characters. */
function values_name(path, v, pattern, rule, max = Number.POSITIVE_INFINITY) {
    const s = values_text(path, v, 'a name');
    if (!pattern.test(s))
        throw new errors_InputError(path, s, 'is not a valid name', `Use ${rule}`);
    if (s.length > max)
        throw new errors_InputError(path, s, `is ${s.length} characters long`, `Use at most ${max}`);
    return s;
}
/** `a.b`, or `b` at the top level. */
function values_join(path, key) {
    return path === '' ? key : `${path}.${key}`;
}
/** The valid key nearest to a misspelt one, when it is close enough to be a likely typo. */
function closest(key, keys) {
    let best;
    let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
    for (const k of keys) {
        const d = distance(key.toLowerCase(), k);
        if (d < bestDistance)
            [best, bestDistance] = [k, d];
    }
    return best;
}
/** Levenshtein distance. */
function distance(a, b) {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
        }
        prev = cur;
    }
    return prev[b.length] ?? 0;
}
/**
 * Reads a mapping at `path` whose keys are all in `readers`, each with its reader; empty keys
 * (`port:`) read as not set. `what` says what the mapping is, for the error when it is not one.
 */
function readKeys(path, v, readers, what) {
    const m = mapping(path, v, Object.keys(readers), what);
    const out = {};
    for (const [key, value] of Object.entries(m)) {
        const read = readers[key];
        if (read && value !== null && value !== undefined)
            out[key] = read(values_join(path, key), value);
    }
    return out;
}

;// CONCATENATED MODULE: ./packages/config/src/layer.ts
/**
 * Layers of settings (`defaults:`, the environment's section, the override inputs) and how a problem
 * is blamed on the layer that set the offending key: a key path in the file, or the override input.
 */


/**
 * A section of the file at `path` (`defaults`, `production`). `renamed` maps a key to the path
 * the user wrote it at, when that is not `path.key` (a key read from the flat, older form).
 */
function fileLayer(file, path, section, renamed = {}) {
    return {
        section,
        at: (key) => renamed[key] ?? values_join(path, key),
        wrap: (e) => ConfigError.from(file, e),
    };
}
/** Layers sections, later ones winning: mapping keys merge key by key, lists and values are replaced. */
function merge(layers, mappingKeys) {
    const out = Object.assign({}, ...layers.map((l) => l.section));
    for (const key of mappingKeys) {
        const parts = layers.map((l) => l.section[key]).filter((part) => part !== undefined);
        if (parts.length > 0)
            Object.assign(out, { [key]: Object.assign({}, ...parts) });
    }
    return out;
}
/** The last layer that sets `key`. */
function origin(layers, key) {
    return layers.findLast((l) => l.section[key] !== undefined);
}

;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: ./packages/config/src/docker.ts
/**
 * The Docker target's own part of an environment section, `docker:`: where the daemon is, the
 * proxy's ports and image, and how the app container runs. Its schema, defaults and override
 * inputs live here, apart from the settings every target shares (section.ts, settle.ts).
 *
 * Before targets had sections these keys were written at the top of the environment section
 * (`port: 8080`, `docker-host: …`). That flat form is still read, as this section, with a notice
 * that says how to move it ({@link DOCKER_FLAT_KEYS}).
 */





/** The proxy image used when neither the file nor the `proxy-image` input names one. */
const DEFAULT_PROXY_IMAGE = 'haproxy:3.2';
/** The Docker target's defaults, as the file would write them. */
const DOCKER_DEFAULTS = {
    host: '',
    port: 8080,
    bind: '0.0.0.0',
    containerPort: 8080,
    stopTimeoutMs: 10_000,
    waitForImageHealth: false,
    proxyImage: DEFAULT_PROXY_IMAGE,
};
const CONTEXT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;
const HOST_FORMS = "Use '' for the local docker, a URL (ssh://user@host, tcp://host:2376, unix:///var/run/docker.sock) or a docker context name";
const NETWORK = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/** '' (local docker), an ssh:// tcp:// unix:// URL, or a docker context name. */
function parseDockerHost(name, raw) {
    const s = raw.trim();
    if (s === '')
        return { kind: 'local', display: 'local docker' };
    if (s.includes('://')) {
        const url = parse_parseUrl(name, s, ['ssh:', 'tcp:', 'unix:']);
        if (url.protocol === 'unix:' ? url.pathname === '' || url.pathname === '/' : url.host === '')
            throw new errors_InputError(name, raw, url.protocol === 'unix:' ? 'has no socket path' : 'has no host', HOST_FORMS);
        let display = s;
        if (url.password !== '') {
            url.password = '';
            display = url.toString();
        }
        return { kind: 'host', url: s, display };
    }
    if (!CONTEXT_NAME.test(s))
        throw new errors_InputError(name, raw, 'is not a docker host', HOST_FORMS);
    return { kind: 'context', name: s, display: `context ${s}` };
}
/** An IPv4 or IPv6 address literal. */
function parseBind(name, raw) {
    const s = raw.trim();
    if ((0,external_node_net_namespaceObject.isIP)(s) === 0)
        throw new errors_InputError(name, raw, 'is not an IP address', 'Use an IPv4 or IPv6 literal such as 0.0.0.0, 127.0.0.1 or ::');
    return s;
}
/** A volume spec `source:target[:ro|:rw]` with an absolute target. */
function parseVolume(name, raw) {
    const s = raw.trim();
    const parts = s.split(':');
    const [source = '', target = '', mode] = parts;
    const forms = 'Write source:target or source:target:ro, e.g. ./data:/data:ro or cache:/cache';
    if (parts.length < 2 || parts.length > 3 || source === '' || target === '')
        throw new errors_InputError(name, raw, 'is not a volume', forms);
    if (!target.startsWith('/'))
        throw new errors_InputError(name, raw, `has a relative target ${target}`, 'Give an absolute path');
    if (mode !== undefined && mode !== 'ro' && mode !== 'rw')
        throw new errors_InputError(name, raw, `has the mode ${mode}`, 'Use ro or rw');
    return s;
}
/** A positive number of CPUs, as docker's `--cpus` takes it. */
function parseCpus(name, raw) {
    const s = raw.trim();
    if (!/^\d+(\.\d+)?$/.test(s) || Number(s) <= 0)
        throw new errors_InputError(name, raw, 'is not a number of CPUs', 'Use a positive number, e.g. 0.5 or 2');
    return s;
}
const MEMORY = /^(\d+(?:\.\d+)?)([bkmg]?)$/i;
/** A memory size as docker's `--memory` takes it (`512m`, `1g`, `1073741824`). */
function parseMemory(name, raw) {
    const s = raw.trim();
    if (!MEMORY.test(s))
        throw new errors_InputError(name, raw, 'is not a memory size', 'Use a number with an optional unit b, k, m or g, e.g. 512m or 1g');
    return s;
}
/** A memory size of {@link parseMemory}'s form in bytes (NaN for anything else). */
function memoryBytes(size) {
    const m = MEMORY.exec(size.trim());
    if (!m)
        return Number.NaN;
    const unit = (m[2] ?? '').toLowerCase();
    const factor = unit === 'g' ? 1024 ** 3 : unit === 'm' ? 1024 ** 2 : unit === 'k' ? 1024 : 1;
    return Math.round(Number(m[1]) * factor);
}
const port = (p, v) => parsePort(p, values_text(p, v, '8080'));
const RESOURCES = {
    cpus: (p, v) => parseCpus(p, values_text(p, v, '0.5')),
    memory: (p, v) => parseMemory(p, values_text(p, v, '512m')),
};
const PROXY = {
    image: (p, v) => parseImage(p, values_text(p, v, DEFAULT_PROXY_IMAGE)),
    defaults: (p, v) => list(p, v, '["timeout http-request 10s"]', (q, x) => line(q, x, 'timeout client 30s')),
    'metrics-port': (p, v) => v === false || (typeof v === 'string' && /^\s*(off|false)\s*$/i.test(v))
        ? 'off'
        : parsePort(p, values_text(p, v, '8405')),
};
function readCommand(path, v) {
    const args = list(path, v, '[node, server.js]', (at, x) => values_text(at, x, 'server.js'));
    if (args.length === 0)
        throw new errors_InputError(path, v, 'is an empty list', "Leave command out to run the image's CMD");
    return args;
}
/** `docker:` — a reader per key. */
const DOCKER_SECTION = {
    host: (p, v) => parseDockerHost(p, values_text(p, v, 'ssh://deploy@host')),
    port,
    'preview-port': port,
    bind: (p, v) => parseBind(p, values_text(p, v, '0.0.0.0')),
    'container-port': port,
    'env-file': (p, v) => line(p, v, './app.env'),
    volumes: (p, v) => list(p, v, '[data:/data]', (q, x) => parseVolume(q, values_text(q, x, 'data:/data'))),
    network: (p, v) => values_name(p, v, NETWORK, 'letters, digits, _ . and -, starting with a letter or digit'),
    resources: (p, v) => readKeys(p, v, RESOURCES, 'resource limits'),
    command: readCommand,
    'stop-timeout': (p, v) => parse_parseDuration(p, values_text(p, v, '10s'), { min: 0 }),
    'wait-for-image-health': (p, v) => parse_parseBoolean(p, typeof v === 'boolean' ? String(v) : values_text(p, v, 'true')),
    proxy: (p, v) => readKeys(p, v, PROXY, 'proxy settings'),
};
/** The keys of `docker:` whose values are mappings, merged key by key when layered. */
const DOCKER_MAPPING_KEYS = ['resources', 'proxy'];
/**
 * The flat (pre-`docker:`) name of each key of {@link DOCKER_SECTION}, as it was written at the top
 * of an environment section. Only `host` was named differently.
 */
const DOCKER_FLAT_KEYS = {
    host: 'docker-host',
    port: 'port',
    'preview-port': 'preview-port',
    bind: 'bind',
    'container-port': 'container-port',
    'env-file': 'env-file',
    volumes: 'volumes',
    network: 'network',
    resources: 'resources',
    command: 'command',
    'stop-timeout': 'stop-timeout',
    'wait-for-image-health': 'wait-for-image-health',
    proxy: 'proxy',
};
/**
 * The action inputs that override `docker:`: input name → the key path they set. Every action that
 * reads the config declares them (one table: see overrides.ts).
 */
const DOCKER_OVERRIDES = {
    'docker-host': { path: ['host'], parse: parseDockerHost },
    port: { path: ['port'], parse: parsePort },
    'preview-port': { path: ['preview-port'], parse: parsePort },
    'container-port': { path: ['container-port'], parse: parsePort },
    'proxy-image': { path: ['proxy', 'image'], parse: parseImage },
};
const LOCAL_DOCKER = parseDockerHost('docker-host', DOCKER_DEFAULTS.host);
/** The layered `docker:` parts with every default filled in, after the checks across keys. */
function settleDocker(layers) {
    const s = merge(layers, DOCKER_MAPPING_KEYS);
    const livePort = s.port ?? DOCKER_DEFAULTS.port;
    const previewPort = s['preview-port'] ?? livePort + 1;
    checkPorts(layers, livePort, previewPort);
    checkMetricsPort(layers, livePort, previewPort);
    const resources = s.resources ?? {};
    return {
        kind: 'docker',
        host: s.host ?? LOCAL_DOCKER,
        port: livePort,
        previewPort,
        bind: s.bind ?? DOCKER_DEFAULTS.bind,
        ...(s['container-port'] !== undefined && { containerPort: s['container-port'] }),
        ...(s['env-file'] === undefined ? {} : { envFile: s['env-file'] }),
        volumes: [...(s.volumes ?? [])],
        ...(s.network === undefined ? {} : { network: s.network }),
        resources: {
            ...(resources.cpus === undefined ? {} : { cpus: resources.cpus }),
            ...(resources.memory === undefined ? {} : { memory: resources.memory }),
        },
        ...(s.command === undefined ? {} : { command: [...s.command] }),
        stopTimeoutMs: s['stop-timeout'] ?? DOCKER_DEFAULTS.stopTimeoutMs,
        waitForImageHealth: s['wait-for-image-health'] ?? DOCKER_DEFAULTS.waitForImageHealth,
        proxy: {
            image: s.proxy?.image ?? DOCKER_DEFAULTS.proxyImage,
            defaults: [...(s.proxy?.defaults ?? [])],
            ...(s.proxy?.['metrics-port'] === undefined ? {} : { metricsPort: s.proxy['metrics-port'] }),
        },
    };
}
/** The exporter's host port must not be the live or the preview one. */
function checkMetricsPort(layers, livePort, previewPort) {
    const layer = layers.findLast((l) => l.section.proxy?.['metrics-port'] !== undefined);
    const metricsPort = layer?.section.proxy?.['metrics-port'];
    if (!layer || (metricsPort !== livePort && metricsPort !== previewPort))
        return;
    throw layer.wrap(new errors_InputError(`${layer.at('proxy')}.metrics-port`, metricsPort, `is the same as ${metricsPort === livePort ? 'port' : 'preview-port'}`, 'Publish the metrics on a port of their own'));
}
function checkPorts(layers, livePort, previewPort) {
    const portFrom = origin(layers, 'port');
    const previewFrom = origin(layers, 'preview-port');
    if (!previewFrom && livePort === 65535 && portFrom)
        throw portFrom.wrap(new errors_InputError(portFrom.at('port'), livePort, 'leaves no port for the preview (port + 1)', 'Set preview-port, or use a lower port'));
    if (livePort !== previewPort || !previewFrom)
        return;
    // Blame whichever of the two has the higher precedence (the preview port when it is the same layer).
    const blamePort = portFrom !== undefined && layers.indexOf(portFrom) > layers.indexOf(previewFrom);
    const layer = blamePort ? portFrom : previewFrom;
    const [key, other] = blamePort ? ['port', 'preview-port'] : ['preview-port', 'port'];
    throw layer.wrap(new errors_InputError(layer.at(key), livePort, `is the same as ${other}`, 'The live and preview ports must differ'));
}

;// CONCATENATED MODULE: ./packages/config/src/kubernetes.ts
/**
 * The Kubernetes target's own part of an environment section, `kubernetes:`: the user's manifests
 * (the workload switchyard derives its colors from), the cluster (kubeconfig context, namespace) and
 * the names it works with. Its schema, defaults and override inputs live here, apart from the
 * settings every target shares (section.ts, settle.ts). See docs/kubernetes.md and ADR 0017.
 *
 * Access to the cluster is not a setting of the file: kubectl reads `KUBECONFIG` from the step's
 * environment (what cloud login actions leave), or the action's `kubeconfig` input (a secret).
 */



/** Kubernetes names: a DNS-1123 label (namespaces, containers). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Service names: a DNS-1035 label (starts with a letter). */
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Secret names: a DNS-1123 subdomain. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_RULE = 'lowercase letters, digits and -, starting and ending with a letter or digit';
/** The longest public Service name: `<service>-preview` must stay a valid Service name (63). */
const SERVICE_NAME_MAX = 63 - '-preview'.length;
/** A path of a manifest file or folder: one line, never an option for kubectl. */
function manifestPath(p, v) {
    const s = line(p, v, 'k8s/');
    if (s.startsWith('-'))
        throw new errors_InputError(p, s, 'starts with -', 'Give a path such as k8s/ or ./deploy/app.yaml');
    return s;
}
function readManifests(p, v) {
    if (!Array.isArray(v))
        return [manifestPath(p, v)];
    const paths = list(p, v, '[k8s/app.yaml, k8s/config/]', manifestPath);
    if (paths.length === 0)
        throw new errors_InputError(p, v, 'is an empty list', 'Name the manifests folder (or files) that hold the Deployment and its Service');
    return paths;
}
/** A kubeconfig context name: anything on one line (EKS contexts are ARNs), not an option. */
function readContext(p, v) {
    const s = line(p, v, 'production');
    if (s.startsWith('-'))
        throw new errors_InputError(p, s, 'starts with -', 'Give the name of a context in your kubeconfig');
    return s;
}
/** `kubernetes:` — a reader per key. */
const KUBERNETES_SECTION = {
    manifests: readManifests,
    container: (p, v) => values_name(p, v, DNS_LABEL, LABEL_RULE, 63),
    context: readContext,
    namespace: (p, v) => values_name(p, v, DNS_LABEL, LABEL_RULE, 63),
    service: (p, v) => values_name(p, values_text(p, v, 'shop'), DNS_1035, 'lowercase letters, digits and -, starting with a letter', SERVICE_NAME_MAX),
    'image-pull-secret': (p, v) => values_name(p, v, DNS_SUBDOMAIN, 'a Secret name: lowercase letters, digits, - and .', 253),
};
/** Reads `kubernetes:` at `p` (a mapping of {@link KUBERNETES_SECTION} keys). */
function readKubernetesSection(p, v) {
    return readKeys(p, v, KUBERNETES_SECTION, 'the kubernetes target settings: {manifests: k8s/}');
}
/**
 * The action inputs that override `kubernetes:`: none yet (every action would have to declare
 * them); the cluster is chosen by the step's KUBECONFIG and the file's context and namespace.
 */
const KUBERNETES_OVERRIDES = {};
/**
 * The layered `kubernetes:` parts with every default filled in. `manifests` has no default:
 * switchyard derives its colors from the user's own workload and never invents one.
 */
function settleKubernetes(layers) {
    const s = merge(layers, []);
    if (s.manifests === undefined) {
        const last = layers.at(-1);
        const missing = new errors_InputError(last?.at('manifests') ?? 'kubernetes.manifests', errors_UNQUOTED, 'is not set', 'target: kubernetes deploys your own manifests: set kubernetes.manifests to the folder (or files, or kustomize folder) holding the Deployment and its Service, e.g. manifests: k8s/');
        throw last ? last.wrap(missing) : missing;
    }
    return {
        kind: 'kubernetes',
        manifests: [...s.manifests],
        ...(s.container !== undefined && { container: s.container }),
        ...(s.context !== undefined && { context: s.context }),
        ...(s.namespace !== undefined && { namespace: s.namespace }),
        ...(s.service !== undefined && { service: s.service }),
        ...(s['image-pull-secret'] !== undefined && { imagePullSecret: s['image-pull-secret'] }),
    };
}
/** The manifest paths as `files()` reports them: `manifests`, or `manifests[i]` for a list. */
function kubernetesFiles(s) {
    if (s.manifests.length === 1)
        return { manifests: s.manifests[0] ?? '' };
    return Object.fromEntries(s.manifests.map((m, i) => [`manifests[${i}]`, m]));
}
/** The settings with each manifest path replaced by `resolve(path)`. */
function resolveKubernetesFiles(s, resolve) {
    return { ...s, manifests: s.manifests.map(resolve) };
}

;// CONCATENATED MODULE: ./packages/config/src/target-schemas.ts
/**
 * Each target's config schema, by target name: the readers of its own section of an environment
 * (`<name>:`), the older flat names of its keys, how the section settles, and which of its
 * settings are file paths (resolved against the config file's folder, kept in the workspace).
 * The one place in this package that lists the targets.
 */



const TARGET_SCHEMAS = {
    docker: {
        section: DOCKER_SECTION,
        flatKeys: DOCKER_FLAT_KEYS,
        settle: (layers) => settleDocker(layers),
        files: (s) => Object.fromEntries(s.kind !== 'docker' || s.envFile === undefined ? [] : [['env-file', s.envFile]]),
        resolveFiles: (s, resolve) => s.kind !== 'docker' || s.envFile === undefined ? s : { ...s, envFile: resolve(s.envFile) },
    },
    kubernetes: {
        section: KUBERNETES_SECTION,
        flatKeys: {},
        settle: (layers) => settleKubernetes(layers),
        files: (s) => (s.kind === 'kubernetes' ? kubernetesFiles(s) : {}),
        resolveFiles: (s, resolve) => s.kind === 'kubernetes' ? resolveKubernetesFiles(s, resolve) : s,
    },
};
/** The target an environment runs on when its section names none. */
const DEFAULT_TARGET = 'docker';
/** Readers of each target's section as a key of an environment section (typed, for `Section`). */
const TARGET_SECTIONS = {
    docker: (p, v) => readKeys(p, v, DOCKER_SECTION, 'the docker target settings'),
    kubernetes: readKubernetesSection,
};
/** Each target's override inputs, input name → key path under its section. */
const TARGET_OVERRIDES = {
    docker: DOCKER_OVERRIDES,
    kubernetes: KUBERNETES_OVERRIDES,
};

;// CONCATENATED MODULE: ./packages/config/src/overrides.ts




/** Prefixes a target's override paths with its section name. */
function under(target, table) {
    return Object.fromEntries(Object.entries(table).map(([input, o]) => [input, { ...o, path: [target, ...o.path] }]));
}
/** The one table of override inputs: the common ones, then each target's. */
const OVERRIDES = {
    app: { path: [], parse: parseAppName },
    'health-path': { path: ['health', 'path'], parse: parseHealthPath },
    'keep-previous': {
        path: ['keep-previous'],
        parse: (n, r) => parse_parseDuration(n, r, { min: 0, max: MAX_LONG_DURATION_MS }),
    },
    'ready-timeout': {
        path: ['ready-timeout'],
        parse: (n, r) => parse_parseDuration(n, r, { min: 1000 }),
    },
    ...Object.fromEntries(TARGETS.flatMap((t) => Object.entries(under(t, TARGET_OVERRIDES[t])))),
};
/** The action inputs that override the file, by input name: the keys of {@link OVERRIDES}. */
const OVERRIDE_INPUTS = Object.keys(OVERRIDES);
/**
 * The overrides an action or the CLI was given, read by one getter for every name of
 * {@link OVERRIDE_INPUTS}. Empty ones are left out.
 */
function readOverrides(get) {
    return Object.fromEntries(OVERRIDE_INPUTS.map((n) => [n, get(n) ?? '']).filter(([, v]) => v !== ''));
}
/** The input that sets the key at `path` (or a key under it), for blame; else the key itself. */
function inputAt(path) {
    const found = OVERRIDE_INPUTS.find((n) => path.every((p, i) => OVERRIDES[n].path[i] === p));
    return found ?? path.join('.');
}
/** Override inputs as a layer (plain {@link InputError}s naming the input); also returns `app`. */
function overrideLayer(o) {
    const section = {};
    let app;
    for (const input of OVERRIDE_INPUTS) {
        const raw = o[input]?.trim();
        if (raw === undefined || raw === '')
            continue;
        const { path, parse } = OVERRIDES[input];
        const value = parse(input, raw);
        if (path.length === 0)
            app = value;
        else
            setIn(section, path, value);
    }
    const layerAt = (prefix, s) => ({
        section: s,
        at: (key) => inputAt([...prefix, key]),
        wrap: (e) => e,
    });
    return {
        layer: layerAt([], section),
        targetLayer: (target) => layerAt([target], section[target] ?? {}),
        ...(app === undefined ? {} : { app }),
    };
}
function setIn(into, path, value) {
    const [head, ...rest] = path;
    if (head === undefined)
        return;
    if (rest.length === 0)
        into[head] = value;
    else
        setIn((into[head] ??= {}), rest, value);
}

;// CONCATENATED MODULE: ./packages/metrics/src/prometheus.ts
/**
 * A small client for the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`) over the
 * {@link Http} interface, so tests can hand it canned responses shaped exactly like the API's.
 * Queries go as POST forms (long PromQL never hits a URL length limit); auth is a header map built once.
 */

class prometheus_PrometheusError extends Error {
    kind;
    status;
    name = 'PrometheusError';
    constructor(kind, message, 
    /** The HTTP status, when a response came. */
    status) {
        super(message);
        this.kind = kind;
        this.status = status;
    }
}
/** Parses a sample value as the API writes it: a string such as "0.25", "NaN", "+Inf". */
function parseSampleValue(raw) {
    if (typeof raw !== 'string')
        return Number.NaN;
    if (raw === '+Inf' || raw === 'Inf')
        return Number.POSITIVE_INFINITY;
    if (raw === '-Inf')
        return Number.NEGATIVE_INFINITY;
    const n = Number(raw);
    return raw.trim() === '' ? Number.NaN : n;
}
function point(raw) {
    if (!Array.isArray(raw) || raw.length !== 2 || typeof raw[0] !== 'number')
        throw new prometheus_PrometheusError('protocol', `unexpected sample ${JSON.stringify(raw)}`);
    return [raw[0], parseSampleValue(raw[1])];
}
function labelsOf(raw) {
    const metric = raw?.metric;
    return metric && typeof metric === 'object' ? metric : {};
}
/** Turns an instant query's `data` into samples: a vector's samples, or one sample for a scalar. */
function samplesOf(data) {
    const type = data?.resultType;
    const result = data?.result;
    if (type === 'scalar')
        return [{ labels: {}, value: point(result)[1] }];
    if (type === 'vector' && Array.isArray(result))
        return result.map((r) => ({
            labels: labelsOf(r),
            value: point(r.value)[1],
        }));
    throw new prometheus_PrometheusError('protocol', `expected a vector or scalar result, got ${JSON.stringify(type ?? null)}`);
}
/** Turns a range query's `data` into series. */
function seriesOf(data) {
    const result = data?.result;
    if (data?.resultType !== 'matrix' || !Array.isArray(result))
        throw new prometheus_PrometheusError('protocol', `expected a matrix result, got ${JSON.stringify(data?.resultType ?? null)}`);
    return result.map((r) => {
        const values = r.values;
        return { labels: labelsOf(r), points: Array.isArray(values) ? values.map(point) : [] };
    });
}
const seconds = (ms) => (ms / 1000).toFixed(3);
/** A {@link Prometheus} over `http`. */
function prometheusClient(opts, http) {
    const base = opts.url.replace(/\/+$/, '');
    // A second under the HTTP timeout, so a slow query ends as Prometheus's own timeout error.
    const timeout = `${Math.max(1, Math.floor(opts.timeoutMs / 1000) - 1)}s`;
    const call = async (path, form) => {
        let res;
        try {
            res = await http.request({
                method: 'POST',
                url: `${base}${path}`,
                headers: {
                    ...opts.headers,
                    'Content-Type': 'application/x-www-form-urlencoded',
                    Accept: 'application/json',
                    'User-Agent': 'switchyard-monitor',
                },
                body: new URLSearchParams({ ...form, timeout }).toString(),
                timeoutMs: opts.timeoutMs,
                // A followed 301/302 turns the POST into a GET without the query; report the redirect instead.
                followRedirects: false,
            });
        }
        catch (error) {
            if (error instanceof HttpError)
                throw new prometheus_PrometheusError('unreachable', `${base} did not answer: ${error.message}`);
            throw error;
        }
        let body;
        try {
            body = JSON.parse(res.body);
        }
        catch {
            body = undefined;
        }
        if (res.status >= 300 && res.status < 400)
            throw new prometheus_PrometheusError('protocol', `${base}${path} redirects (${res.status}) to ${res.headers.location ?? '?'}: give that URL as prometheus-url`, res.status);
        if (res.status === 401 || res.status === 403)
            throw new prometheus_PrometheusError('auth', `${base} answered ${res.status}${typeof body?.error === 'string' ? `: ${body.error}` : ''}`, res.status);
        if (body?.status === 'success')
            return body.data;
        if (body?.status === 'error') {
            // bad_data: the query does not parse; execution: it parses but cannot run (e.g. many-to-many matching).
            const kind = body.errorType === 'bad_data' || body.errorType === 'execution' ? 'query' : 'server';
            throw new prometheus_PrometheusError(kind, `${typeof body.errorType === 'string' ? body.errorType : 'error'}: ${typeof body.error === 'string' ? body.error : 'no message'}`, res.status);
        }
        const excerpt = res.body.replace(/\s+/g, ' ').trim().slice(0, 120);
        throw new prometheus_PrometheusError(res.status >= 500 ? 'server' : 'protocol', `${base}${path} answered ${res.status} without the Prometheus API's JSON${excerpt ? ` (${excerpt})` : ''}`, res.status);
    };
    return {
        url: base,
        async query(promql, time) {
            return samplesOf(await call('/api/v1/query', { query: promql, time: seconds(time) }));
        },
        async queryRange(promql, start, end, stepMs) {
            const data = await call('/api/v1/query_range', {
                query: promql,
                start: seconds(start),
                end: seconds(end),
                step: seconds(stepMs),
            });
            return seriesOf(data);
        },
    };
}

;// CONCATENATED MODULE: ./packages/metrics/src/promql.ts
/**
 * Label selectors and query templates. A rule's query is a template: `$selector` becomes the label
 * matchers (without braces, so it can sit beside others: `http_requests_total{$selector,code=~"5.."}`),
 * `$window` the rate window, and other `$names` the variables the caller supplies (`$cpu_limit`).
 */

const MATCH_OPS = (/* unused pure expression or super */ null && (['=', '!=', '=~', '!~']));
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SELECTOR_FORMS = 'Write label matchers separated by commas, e.g. app="web",environment="production" (=, !=, =~, !~; quotes optional for simple values)';
/** Parses `app="web", color=~"blue|green"` (braces optional, values quoted or bare). */
function parseSelector(name, raw) {
    let s = raw.trim();
    if (s.startsWith('{') && s.endsWith('}'))
        s = s.slice(1, -1).trim();
    const out = [];
    let i = 0;
    const fail = (problem) => {
        throw new errors_InputError(name, raw, problem, SELECTOR_FORMS);
    };
    while (i < s.length) {
        const labelMatch = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*/.exec(s.slice(i));
        if (!labelMatch) {
            const rest = s.slice(i).trim();
            return fail(`has "${rest.slice(0, 20)}" where a label matcher (label="value") should be`);
        }
        const label = labelMatch[1];
        const op = labelMatch[2];
        i += labelMatch[0].length;
        let value;
        const quote = s[i];
        if (quote === '"' || quote === "'") {
            let j = i + 1;
            let v = '';
            for (; j < s.length && s[j] !== quote; j++) {
                if (s[j] === '\\' && j + 1 < s.length) {
                    j++;
                    const c = s[j];
                    // \" \' \\ \n \t as in PromQL; any other escape keeps its backslash (a regex's \d).
                    v += c === 'n' ? '\n' : c === 't' ? '\t' : c === quote || c === '\\' ? c : `\\${c}`;
                }
                else
                    v += s[j];
            }
            if (j >= s.length)
                fail(`has an unclosed quote after ${label}${op}`);
            value = v;
            i = j + 1;
        }
        else {
            const bare = /^(?:[^,\s"'{}=~!][^,\s"'{}]*)?/.exec(s.slice(i))?.[0] ?? '';
            if (bare === '')
                fail(`has no value after ${label}${op}`);
            value = bare;
            i += bare.length;
        }
        out.push({ label, op, value });
        const sep = /^\s*(,|$)\s*/.exec(s.slice(i));
        if (!sep)
            fail(`has "${s.slice(i).trim().slice(0, 20)}" after ${label}${op}"${value}"`);
        i += sep[0].length;
    }
    return out;
}
/** A label name (for settings such as `color-label`). */
function parseLabelName(name, raw) {
    const s = raw.trim();
    if (!LABEL.test(s))
        throw new errors_InputError(name, raw, 'is not a Prometheus label name', 'Use letters, digits and _, not starting with a digit (e.g. color)');
    return s;
}
/** Quotes a label value for PromQL. */
function quoteLabelValue(value) {
    return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
/** `app="web",color="green"`: the matchers without braces. */
function promql_renderMatchers(matchers) {
    return matchers.map((m) => `${m.label}${m.op}${quoteLabelValue(m.value)}`).join(',');
}
/** The matchers with `label` set to `=value` (replacing any matcher on that label). */
function withLabel(matchers, label, value) {
    return [...matchers.filter((m) => m.label !== label), { label, op: '=', value }];
}
/** A duration as PromQL writes it: `1m`, `30s`, `1500ms`. */
function promql_promDuration(ms) {
    if (ms % 60_000 === 0)
        return `${ms / 60_000}m`;
    if (ms % 1000 === 0)
        return `${ms / 1000}s`;
    return `${Math.round(ms)}ms`;
}
const VARIABLE = /\$([a-zA-Z_][a-zA-Z0-9_]*)/g;
/** The `$names` a template uses. */
function promql_templateVariables(template) {
    return [...new Set([...template.matchAll(VARIABLE)].map((m) => m[1]))];
}
/**
 * Fills a template. `vars` holds every known variable; a missing one throws, naming it. Commas left
 * dangling by an empty `$selector` are removed (`x{,code="500"}` → `x{code="500"}`).
 */
function promql_expandTemplate(template, vars) {
    // An empty value leaves a mark, so that only the commas beside it are cleaned up.
    const EMPTY = '\uE000';
    const filled = template.replace(VARIABLE, (_whole, name) => {
        const v = vars[name];
        if (v === undefined)
            throw new Error(`unknown variable $${name}`);
        return v === '' ? EMPTY : v;
    });
    return filled
        .replace(/\{\s*\uE000\s*,\s*/g, '{')
        .replace(/\s*,\s*\uE000\s*\}/g, '}')
        .replace(/,\s*\uE000\s*,/g, ',')
        .replace(/\uE000/g, '');
}

;// CONCATENATED MODULE: ./packages/metrics/src/rules.ts
/**
 * Rules: what is watched, and when a reading is a warning or critical. Five built-in rules carry the
 * seeds' defaults (error rate, p95 latency, CPU, memory, health); a `rules:` list overrides them by
 * name or adds custom PromQL rules. Parsing is strict: every problem names `<input>[i].<key>`.
 */


const DIRECTIONS = ['above', 'below'];
/** How values are shown; thresholds are compared in the base unit (ratio, seconds, bytes). */
const UNITS = ['ratio', 'seconds', 'bytes', 'number'];
/**
 * Whose series a Prometheus rule reads: the app's own (`app`), or the proxy's in front of the colors
 * (`proxy`: HAProxy's exporter on the Docker target). It picks the rule's `$selector` and its
 * min-requests guard.
 */
const METRIC_SERIES = ['app', 'proxy'];
/** Which built-in rules an environment is judged by (`monitor.metrics`): the app's, the proxy's, or both. */
const METRICS_SOURCES = ['app', 'proxy', 'both'];
/** Whether the series of `series` are watched under `source`. */
function rules_watches(source, series) {
    return source === 'both' || source === series;
}
const THRESHOLD_FORMS = 'Use a number (0.8), a percentage (5%), a duration (1s, 500ms) or a multiple of the baseline (2x); none removes it';
/** Parses a threshold: `5%`, `1s`, `500ms`, `0.8`, `120`, `2x` (× baseline). `relative` makes a bare number a multiple. */
function parseThreshold(name, raw, relative = false) {
    if (typeof raw === 'number') {
        if (!Number.isFinite(raw))
            throw new errors_InputError(name, raw, 'is not a finite number', THRESHOLD_FORMS);
        return relative
            ? multiple(name, raw, raw)
            : { kind: 'absolute', value: raw, text: String(raw) };
    }
    if (typeof raw !== 'string')
        throw new errors_InputError(name, raw, 'is not a threshold', THRESHOLD_FORMS);
    const s = raw.trim();
    if (s === 'none' || s === 'off')
        return undefined;
    let m = /^(\d+(?:\.\d+)?)\s*[x×]$/.exec(s);
    if (m)
        return multiple(name, raw, Number(m[1]));
    m = /^(-?\d+(?:\.\d+)?)\s*%$/.exec(s);
    if (m) {
        const pct = Number(m[1]);
        // A ratio above 100% can never be crossed (the safety net silently off); below 0% always is.
        if (pct < 0 || pct > 100)
            throw new errors_InputError(name, raw, 'is out of range', 'Use a percentage from 0% to 100%');
        return { kind: 'absolute', value: pct / 100, text: s };
    }
    if (/^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(s)) {
        const n = Number(s);
        return relative ? multiple(name, raw, n) : { kind: 'absolute', value: n, text: s };
    }
    const ms = parseDurationMs(s);
    if (ms !== undefined)
        return { kind: 'absolute', value: ms / 1000, text: s };
    throw new errors_InputError(name, raw, 'is not a threshold', THRESHOLD_FORMS);
}
/**
 * The variables a query template may use. `selector` and `window` come from the monitor's settings;
 * `requests`, `histogram` and `status_label` name the app's metrics (config `monitor.metrics`);
 * `cpu_limit` (cores) and `memory_limit` (bytes) come from the environment's `resources`; `color`
 * (the watched color, the previous one in a baseline query), `app` and `environment` from the
 * environment and its target's state.
 */
const TEMPLATE_VARIABLES = [
    'selector',
    'window',
    'requests',
    'histogram',
    'status_label',
    'cpu_limit',
    'memory_limit',
    'color',
    'app',
    'environment',
];
/** The metric names the built-in rules assume (prom-client's and most HTTP middlewares' defaults). */
const DEFAULT_METRICS = {
    requests: 'http_requests_total',
    histogram: 'http_request_duration_seconds_bucket',
    status_label: 'code',
};
/** A multiple of the baseline; only a positive factor makes sense. */
function multiple(name, raw, factor) {
    if (!(factor > 0))
        throw new errors_InputError(name, raw, 'is not a positive multiple', 'Use e.g. 2x or 1.5x');
    return { kind: 'baseline', factor, text: `${factor}x baseline` };
}
/** The query of the traffic guard: requests in the rate window. */
const TRAFFIC_QUERY = 'sum(increase($requests{$selector}[$window]))';
/**
 * HAProxy's exporter (built in since 2.0, `http-request use-service prometheus-exporter`): the
 * metrics the `proxy` rules read. Backend series carry `proxy="<backend>"`, and a color's backend
 * is `be_<color>` on the Docker target.
 */
const HAPROXY_METRICS = {
    /** Counter of HTTP responses by class, `code="1xx"`…`"5xx"`/`"other"`, the proxy's own 502/503/504 included. */
    responses: 'haproxy_backend_http_responses_total',
    /** Counter of HTTP requests the backend received. */
    requests: 'haproxy_backend_http_requests_total',
    /**
     * Gauge: HAProxy's `rtime`, the mean time from the connection to the server until the response
     * headers came back, over the backend's last 1024 requests that got an answer. 1 ms resolution.
     */
    responseTime: 'haproxy_backend_response_time_average_seconds',
};
/** The traffic guard's query per series (app: `$requests`; proxy: the backend's request counter). */
const rules_TRAFFIC_QUERIES = {
    app: TRAFFIC_QUERY,
    proxy: `sum(increase(${HAPROXY_METRICS.requests}{$selector}[$window]))`,
};
/** The built-in rules with the seeds' defaults (DESIGN.md §4). */
const BUILTIN_RULES = [
    {
        name: 'error-rate',
        builtin: true,
        source: 'prometheus',
        query: '(sum(rate($requests{$selector,$status_label=~"5.."}[$window])) or vector(0)) / sum(rate($requests{$selector}[$window]))',
        warning: { kind: 'absolute', value: 0.01, text: '1%' },
        critical: { kind: 'absolute', value: 0.05, text: '5%' },
        direction: 'above',
        unit: 'ratio',
        traffic: true,
        enabled: true,
        origin: 'seeds: error rate > 1% warning, > 5% critical',
    },
    {
        name: 'p95-latency',
        builtin: true,
        source: 'prometheus',
        query: 'histogram_quantile(0.95, sum by (le) (rate($histogram{$selector}[$window])))',
        warning: { kind: 'absolute', value: 1, text: '1s' },
        critical: { kind: 'baseline', factor: 2, text: '2x baseline' },
        direction: 'above',
        unit: 'seconds',
        traffic: true,
        baselineMin: 0.05,
        enabled: true,
        origin: 'seeds: p95 > 1 s warning, > 2× baseline critical',
    },
    {
        name: 'cpu',
        builtin: true,
        source: 'prometheus',
        query: 'max(rate(process_cpu_seconds_total{$selector}[$window])) / $cpu_limit',
        warning: { kind: 'absolute', value: 0.8, text: '80%' },
        direction: 'above',
        unit: 'ratio',
        traffic: false,
        enabled: true,
        origin: 'seeds: CPU > 80% warning (of the target CPU limit, else of one core)',
    },
    {
        name: 'memory',
        builtin: true,
        source: 'prometheus',
        query: 'max(process_resident_memory_bytes{$selector}) / $memory_limit',
        warning: { kind: 'absolute', value: 0.85, text: '85%' },
        direction: 'above',
        unit: 'ratio',
        traffic: false,
        enabled: true,
        origin: 'seeds: memory > 85% warning (of the target memory limit)',
    },
    {
        name: 'health',
        builtin: true,
        source: 'health',
        critical: { kind: 'absolute', value: 0, text: 'check failed' },
        direction: 'above',
        unit: 'number',
        failureLimit: 3,
        traffic: false,
        enabled: true,
        origin: 'seeds: health check every 30 s, 5 s timeout, 3 consecutive failures',
    },
    {
        name: 'proxy-error-rate',
        builtin: true,
        source: 'prometheus',
        metrics: 'proxy',
        query: `(sum(rate(${HAPROXY_METRICS.responses}{$selector,code="5xx"}[$window])) or vector(0)) / sum(rate(${HAPROXY_METRICS.responses}{$selector}[$window]))`,
        warning: { kind: 'absolute', value: 0.01, text: '1%' },
        critical: { kind: 'absolute', value: 0.05, text: '5%' },
        direction: 'above',
        unit: 'ratio',
        traffic: true,
        enabled: true,
        origin: "seeds' error rate, read at the proxy: 5xx share of the color's backend",
    },
    {
        name: 'proxy-response-time',
        builtin: true,
        source: 'prometheus',
        metrics: 'proxy',
        query: `max(${HAPROXY_METRICS.responseTime}{$selector})`,
        warning: { kind: 'absolute', value: 1, text: '1s' },
        critical: { kind: 'baseline', factor: 2, text: '2x baseline' },
        direction: 'above',
        unit: 'seconds',
        traffic: true,
        baselineMin: 0.05,
        enabled: true,
        origin: "seeds' latency thresholds on what HAProxy measures: the mean server response time over the backend's last 1024 requests (not a p95)",
    },
    {
        name: 'proxy-requests',
        builtin: true,
        source: 'prometheus',
        metrics: 'proxy',
        query: `sum(rate(${HAPROXY_METRICS.requests}{$selector}[$window]))`,
        warning: { kind: 'baseline', factor: 0.5, text: '0.5x baseline' },
        direction: 'below',
        unit: 'number',
        traffic: false,
        enabled: true,
        origin: 'request volume per color: a warning when the new color gets under half the old one’s requests/s',
    },
];
const RULE_NAME = /^[a-z0-9][a-z0-9_.-]*$/;
const rules_KEYS = [
    'name',
    'query',
    'warning',
    'critical',
    'direction',
    'relative-to',
    'unit',
    'failure-limit',
    'min-requests-guard',
    'baseline-min',
    'enabled',
    'metrics',
];
function rules_isMapping(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(at, v, example) {
    if (typeof v === 'string')
        return v;
    if (typeof v === 'number' || typeof v === 'boolean')
        return String(v);
    throw new errors_InputError(at, v, 'is not a single value', `Give a string, e.g. ${example}`);
}
function bool(at, v) {
    if (typeof v === 'boolean')
        return v;
    if (v === 'true' || v === 'false')
        return v === 'true';
    throw new errors_InputError(at, v, 'is not a boolean', 'Use true or false');
}
/**
 * The rules after a `rules:` list (already parsed YAML) is applied to the built-ins: an item whose
 * name is a built-in overrides the keys it sets; any other item is a custom rule and needs a query.
 * `variables` lists the template variables the caller can fill, to reject an unknown `$name` up front.
 */
function parseRules(input, doc, variables, base = BUILTIN_RULES) {
    const rules = [...base];
    if (doc === undefined || doc === null)
        return rules;
    if (!Array.isArray(doc))
        throw new errors_InputError(input, doc, 'is not a list of rules', 'Write a YAML list; each item has name: and, for a custom rule, query:, warning: and/or critical:');
    const seen = new Set();
    doc.forEach((item, i) => {
        const at = `${input}[${i}]`;
        if (!rules_isMapping(item))
            throw new errors_InputError(at, item, 'is not a rule', 'Give a mapping with at least name:');
        for (const key of Object.keys(item))
            if (!rules_KEYS.includes(key))
                throw new errors_InputError(`${at}.${key}`, key, 'is not a rule setting', `Use: ${rules_KEYS.join(', ')}`);
        const nameRaw = item.name;
        if (nameRaw === undefined || nameRaw === null)
            throw new errors_InputError(`${at}.name`, '', 'is required', 'Name the rule, e.g. name: error-rate');
        const name = str(`${at}.name`, nameRaw, 'queue-depth').trim();
        if (!RULE_NAME.test(name))
            throw new errors_InputError(`${at}.name`, nameRaw, 'is not a rule name', 'Use lowercase letters, digits, - _ and .');
        if (seen.has(name))
            throw new errors_InputError(`${at}.name`, name, 'is listed twice', 'List each rule once');
        seen.add(name);
        const index = rules.findIndex((r) => r.name === name);
        const existing = index >= 0 ? rules[index] : undefined;
        const rule = readRule(at, item, name, existing, variables);
        if (index >= 0)
            rules[index] = rule;
        else
            rules.push(rule);
    });
    return rules;
}
function readRule(at, o, name, existing, variables) {
    const has = (k) => o[k] !== undefined && o[k] !== null;
    const relativeRaw = has('relative-to')
        ? str(`${at}.relative-to`, o['relative-to'], 'baseline')
        : '';
    if (relativeRaw !== '' && relativeRaw !== 'baseline')
        throw new errors_InputError(`${at}.relative-to`, relativeRaw, 'is not a reference', 'Use relative-to: baseline (thresholds are then multiples of the baseline), or leave it out');
    const relative = relativeRaw === 'baseline';
    if (existing?.source === 'health' && has('query'))
        throw new errors_InputError(`${at}.query`, o.query, 'cannot be set on the health rule', 'The health rule probes health-url; give a custom rule another name');
    let query = existing?.query;
    if (has('query')) {
        query = str(`${at}.query`, o.query, 'max(queue_depth{$selector})').trim();
        if (query === '')
            throw new errors_InputError(`${at}.query`, o.query, 'is empty', 'Give a PromQL query');
        const unknown = promql_templateVariables(query).filter((v) => !variables.includes(v));
        if (unknown.length)
            throw new errors_InputError(`${at}.query`, query, `uses ${unknown.map((v) => `$${v}`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not known`, `Use ${variables.map((v) => `$${v}`).join(', ')}`);
    }
    if (!existing && query === undefined)
        throw new errors_InputError(`${at}.query`, '', `is required for the custom rule ${name}`, `Give a PromQL query, or use a built-in name: ${BUILTIN_RULES.map((r) => r.name).join(', ')}`);
    const threshold = (key) => has(key) ? parseThreshold(`${at}.${key}`, o[key], relative) : existing?.[key];
    const warning = threshold('warning');
    const critical = threshold('critical');
    const enabled = has('enabled') ? bool(`${at}.enabled`, o.enabled) : (existing?.enabled ?? true);
    if (has('metrics') && existing?.source === 'health')
        throw new errors_InputError(`${at}.metrics`, o.metrics, 'cannot be set on the health rule', 'The health rule probes health-url; metrics: is for rules with a query');
    const metrics = has('metrics')
        ? rules_parseOne(`${at}.metrics`, str(`${at}.metrics`, o.metrics, 'proxy'), METRIC_SERIES)
        : existing?.metrics;
    if (enabled && !existing && !warning && !critical)
        throw new errors_InputError(at, name, 'has neither warning nor critical', 'Give a warning: and/or critical: threshold, e.g. critical: 5%');
    const direction = has('direction')
        ? rules_parseOne(`${at}.direction`, str(`${at}.direction`, o.direction, 'above'), DIRECTIONS)
        : (existing?.direction ?? 'above');
    const unit = has('unit')
        ? rules_parseOne(`${at}.unit`, str(`${at}.unit`, o.unit, 'ratio'), UNITS)
        : (existing?.unit ?? 'number');
    if (unit === 'ratio')
        for (const key of ['warning', 'critical']) {
            const t = key === 'warning' ? warning : critical;
            if (t?.kind === 'absolute' && (t.value < 0 || t.value > 1))
                throw new errors_InputError(`${at}.${key}`, t.text, 'is out of range for a ratio', 'Use a percentage from 0% to 100% (or a fraction from 0 to 1)');
        }
    const failureLimit = has('failure-limit')
        ? parseInteger(`${at}.failure-limit`, str(`${at}.failure-limit`, o['failure-limit'], '2'), {
            min: 1,
            max: 1000,
        })
        : existing?.failureLimit;
    const traffic = has('min-requests-guard')
        ? bool(`${at}.min-requests-guard`, o['min-requests-guard'])
        : (existing?.traffic ?? false);
    let baselineMin = existing?.baselineMin;
    if (has('baseline-min')) {
        const t = parseThreshold(`${at}.baseline-min`, o['baseline-min']);
        if (t?.kind !== 'absolute' && t !== undefined)
            throw new errors_InputError(`${at}.baseline-min`, o['baseline-min'], 'is not an absolute value', 'Use e.g. 50ms or 0.01');
        baselineMin = t?.value;
    }
    return {
        name,
        builtin: existing?.builtin ?? false,
        source: existing?.source ?? 'prometheus',
        ...(metrics !== undefined && { metrics }),
        ...(query !== undefined && { query }),
        ...(warning && { warning }),
        ...(critical && { critical }),
        direction,
        unit,
        ...(failureLimit !== undefined && { failureLimit }),
        traffic,
        ...(baselineMin !== undefined && { baselineMin }),
        enabled,
        ...(existing?.origin !== undefined && { origin: existing.origin }),
    };
}
function rules_parseOne(at, raw, values) {
    const s = raw.trim();
    const found = values.find((v) => v === s);
    if (found === undefined)
        throw new errors_InputError(at, raw, `is not one of ${values.join(', ')}`, `Use ${values.join(' or ')}`);
    return found;
}
/** Whether `value` breaches `limit` in the rule's direction. */
function rules_breaches(direction, value, limit) {
    return direction === 'above' ? value > limit : value < limit;
}
/** A value for people, in the rule's unit. */
function rules_formatValue(unit, value) {
    if (value === null || value === undefined || Number.isNaN(value))
        return 'no data';
    if (!Number.isFinite(value))
        return value > 0 ? '+Inf' : '-Inf';
    switch (unit) {
        case 'ratio':
            return `${round(value * 100)}%`;
        case 'seconds':
            return round(value * 1000) < 1000 ? `${round(value * 1000)}ms` : `${round(value)}s`;
        case 'bytes': {
            const [factor, unitName] = value >= 1024 ** 3
                ? [1024 ** 3, 'GiB']
                : value >= 1024 ** 2
                    ? [1024 ** 2, 'MiB']
                    : value >= 1024
                        ? [1024, 'KiB']
                        : [1, 'B'];
            return `${round(value / factor)}${unitName}`;
        }
        default:
            return String(round(value));
    }
}
function round(n) {
    const a = Math.abs(n);
    const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
    return Number(n.toFixed(digits));
}
/** Shows a threshold in the rule's unit (`5%`, `1s`, `2x baseline (= 180ms)`). */
function formatThreshold(unit, t, baseline) {
    if (!t)
        return '–';
    if (t.kind === 'absolute')
        return rules_formatValue(unit, t.value);
    return baseline === null || baseline === undefined
        ? `${t.factor}x baseline`
        : `${t.factor}x baseline (${rules_formatValue(unit, t.factor * baseline)})`;
}

;// CONCATENATED MODULE: ./packages/metrics/src/verdict.ts
/**
 * The verdict machine (DESIGN.md §4), pure: each evaluation's readings go in, and out comes a decision
 * once one is due — `failure-limit` consecutive critical readings of a rule fail the window at once;
 * a rule without data for `max-no-data` evaluations meets the no-data policy; the end of the window
 * passes it, unless a deciding rule never had data at all. A rule the monitor cannot read at all
 * (Prometheus unreachable, a query that errors, no series matched) is `blind`, which is not the
 * app's fault: it makes the verdict `inconclusive`, never `failed`, and never `passed` (ADR 0018).
 */

const NO_DATA_POLICIES = ['fail', 'pass', 'inconclusive'];
/**
 * Classifies a value against a rule's thresholds. A baseline threshold without a baseline is not
 * evaluated; NaN is no data (0/0: no traffic), ±Inf is a value.
 */
function verdict_classify(rule, value, baseline, note) {
    if (value === null || Number.isNaN(value))
        return { rule: rule.name, value: null, state: 'no-data', note: note ?? 'no data' };
    return classifyValue(rule, value, baseline, note);
}
/** A reading of a rule the monitor could not see: `note` says why (the error, the selector). */
function verdict_blindReading(rule, note) {
    return { rule: rule.name, value: null, state: 'blind', note };
}
function classifyValue(rule, value, baseline, note) {
    const limitOf = (t) => {
        if (!t)
            return undefined;
        if (t.kind === 'absolute')
            return t.value;
        if (baseline === null)
            return undefined;
        return t.factor * Math.max(baseline, rule.baselineMin ?? Number.NEGATIVE_INFINITY);
    };
    for (const [state, t] of [
        ['critical', rule.critical],
        ['warning', rule.warning],
    ]) {
        const limit = limitOf(t);
        if (limit !== undefined && breaches(rule.direction, value, limit))
            return {
                rule: rule.name,
                value,
                state,
                limit,
                threshold: t?.kind === 'baseline' ? `${t.factor}x baseline` : t?.text,
                ...(note !== undefined && { note }),
            };
    }
    return { rule: rule.name, value, state: 'ok', ...(note !== undefined && { note }) };
}
/** Whether a rule can fail the window (it has a critical threshold). Only those meet the no-data policy. */
function decides(rule) {
    return rule.critical !== undefined;
}
class verdict_VerdictMachine {
    rules;
    opts;
    tracks = new Map();
    decided;
    /** The first rule that went blind, while rules that can still see keep watching. */
    blindness;
    constructor(rules, opts) {
        this.rules = rules;
        this.opts = opts;
        if (!(opts.failureLimit >= 1 && opts.maxNoData >= 1))
            throw new RangeError('failureLimit and maxNoData must be at least 1');
        for (const r of rules)
            this.tracks.set(r.name, {
                critical: 0,
                gap: 0,
                gapBlind: false,
                everData: false,
                everAnswered: false,
                blind: false,
            });
    }
    /** The decision, once made (later evaluations do not change it). */
    get decision() {
        return this.decided;
    }
    /** Set once a deciding rule went blind: the window cannot pass any more (see {@link observe}). */
    get blind() {
        return this.blindness;
    }
    /**
     * Feeds one evaluation; returns the decision if this evaluation made one. A deciding rule without
     * data for `max-no-data` evaluations meets the no-data policy, unless the monitor was blind in
     * that gap: then the window can no longer pass, and it ends `inconclusive` at once when no
     * deciding rule is left that can see; otherwise those rules (health above all) keep watching,
     * and can still fail it.
     */
    observe(readings) {
        if (this.decided)
            return this.decided;
        let failed;
        let noData;
        for (const reading of readings) {
            const rule = this.rules.find((r) => r.name === reading.rule);
            const track = this.tracks.get(reading.rule);
            if (!rule || !track)
                continue;
            if (reading.state === 'no-data' || reading.state === 'blind') {
                track.gap += 1;
                track.critical = 0;
                if (reading.state === 'blind')
                    track.gapBlind = true;
                else
                    track.everAnswered = true;
            }
            else {
                track.gap = 0;
                track.gapBlind = false;
                track.everData = true;
                track.everAnswered = true;
                track.critical = reading.state === 'critical' ? track.critical + 1 : 0;
            }
            const limit = rule.failureLimit ?? this.opts.failureLimit;
            if (!failed && track.critical >= limit)
                failed = {
                    verdict: 'failed',
                    rule: rule.name,
                    reading,
                    reason: `${verdict_describeReading(rule, reading)} (critical) in ${track.critical} consecutive evaluation${track.critical === 1 ? '' : 's'}` +
                        (reading.note ? `: ${reading.note}` : ''),
                };
            if (!decides(rule) || track.gap < this.opts.maxNoData)
                continue;
            const gap = `${track.gap} consecutive evaluation${track.gap === 1 ? '' : 's'} (max-no-data ${this.opts.maxNoData})${reading.note ? `: ${reading.note}` : ''}`;
            if (track.gapBlind) {
                if (!track.blind && !this.blindness)
                    this.blindness = {
                        verdict: 'inconclusive',
                        blind: true,
                        rule: rule.name,
                        reading,
                        reason: `blind: ${rule.name} could not be read in ${gap}`,
                    };
                track.blind = true;
            }
            else if (!noData && this.opts.noData !== 'pass')
                noData = this.noDataDecision(rule, `${rule.name} had no data in ${gap}`, reading);
        }
        this.decided = failed ?? noData;
        if (!this.decided && this.blindness && this.seeing().length === 0)
            this.decided = {
                ...this.blindness,
                reason: `${this.blindness.reason}; no rule that can fail the window is left that can see`,
            };
        return this.decided;
    }
    /** The deciding rules that have not gone blind. */
    seeing() {
        return this.rules.filter((r) => decides(r) && !(this.tracks.get(r.name)?.blind ?? false));
    }
    /** The decision at the end of the window (or the one made earlier). */
    finish() {
        if (this.decided)
            return this.decided;
        if (this.blindness) {
            const seeing = this.seeing().map((r) => r.name);
            this.decided = {
                ...this.blindness,
                reason: `${this.blindness.reason}; ${seeing.join(', ')} kept watching to the end of the window and did not fail it`,
            };
            return this.decided;
        }
        const silent = this.rules.filter((r) => decides(r) && !(this.tracks.get(r.name)?.everData ?? false));
        // Silent because Prometheus said there is nothing (no traffic), or because it never answered.
        const quiet = silent.filter((r) => this.tracks.get(r.name)?.everAnswered ?? false);
        const unseen = silent.filter((r) => !quiet.includes(r));
        const first = quiet[0];
        if (first && this.opts.noData !== 'pass')
            this.decided = this.noDataDecision(first, `${quiet.map((r) => r.name).join(', ')} had no data during the whole window`);
        else if (unseen[0])
            this.decided = {
                verdict: 'inconclusive',
                blind: true,
                rule: unseen[0].name,
                reason: `blind: ${unseen.map((r) => r.name).join(', ')} could not be read during the whole window`,
            };
        else
            this.decided = {
                verdict: 'passed',
                reason: silent.length > 0
                    ? `no critical breach; ${silent.map((r) => r.name).join(', ')} had no data (no-data: pass)`
                    : 'no rule breached its critical threshold',
            };
        return this.decided;
    }
    noDataDecision(rule, reason, reading) {
        return {
            verdict: this.opts.noData === 'fail' ? 'failed' : 'inconclusive',
            rule: rule.name,
            reason: `${reason} (no-data: ${this.opts.noData})`,
            ...(reading && { reading }),
        };
    }
}
/** `error-rate 21.4% > 5%`, `p95-latency 412ms > 2x baseline (100ms)`, or `health no data`. */
function verdict_describeReading(rule, reading) {
    const value = formatValue(rule.unit, reading.value);
    if (rule.source === 'health')
        return reading.value === null
            ? `${rule.name} no data`
            : `${rule.name} ${reading.value === 0 ? 'ok' : `${value} failed check${reading.value === 1 ? '' : 's'}`}`;
    if (reading.limit === undefined)
        return `${rule.name} ${value}`;
    const op = rule.direction === 'above' ? '>' : '<';
    const shown = reading.threshold?.includes('baseline') === true
        ? `${reading.threshold} (${formatValue(rule.unit, reading.limit)})`
        : formatValue(rule.unit, reading.limit);
    return `${rule.name} ${value} ${op} ${shown}`;
}

;// CONCATENATED MODULE: ./packages/metrics/src/monitor.ts
/**
 * The monitor window: resolve the rules' queries, check them against Prometheus once up front,
 * measure each rule's baseline on the old version, then evaluate every `interval` until the window
 * ends or the verdict machine decides. Time comes from an injected {@link Clock}, Prometheus and the
 * health probes from injected clients, so a 15-minute window runs in milliseconds in tests.
 */






const SEVERITY = {
    ok: 0,
    'no-data': 1,
    blind: 1,
    warning: 2,
    critical: 3,
};
/** The watched and the baseline matchers of a series; undefined when the plan has none for it. */
function seriesSelectors(plan, series) {
    if (series === 'proxy')
        return plan.proxy && { selector: plan.proxy.selector, baseline: plan.proxy.baselineSelector };
    return {
        selector: plan.selector,
        baseline: plan.baselineSelector === null ? null : (plan.baselineSelector ?? plan.selector),
    };
}
/** The variables of a query on `matchers` (`baseline`: with the old color's values). */
function variablesFor(plan, matchers, baseline) {
    return {
        ...plan.variables,
        ...(baseline ? plan.baselineVariables : {}),
        selector: renderMatchers(matchers),
        window: promDuration(plan.rateWindowMs),
    };
}
/**
 * Fills every rule's query for the watched and the baseline selector; says why a rule is off. The
 * built-in rules of series the plan's `source` does not watch are left out.
 */
function resolveRules(plan, hasPrometheus) {
    const source = plan.source ?? 'app';
    // A built-in Prometheus rule runs when its series are watched; a custom one whenever it is given.
    const chosen = plan.rules.filter((rule) => !rule.builtin || rule.source === 'health' || watches(source, rule.metrics ?? 'app'));
    return chosen.map((rule) => {
        if (!rule.enabled)
            return { rule, off: 'disabled' };
        if (rule.source === 'health')
            return plan.healthChecks.length
                ? { rule }
                : { rule, off: 'no health-url (and no live URL from the target)' };
        const series = rule.metrics ?? 'app';
        if (!hasPrometheus)
            return { rule, off: 'no prometheus-url' };
        const matchers = seriesSelectors(plan, series);
        if (!matchers)
            return {
                rule,
                off: "no proxy metrics: the environment's target has no proxy that exports them",
            };
        const watched = variablesFor(plan, matchers.selector, false);
        const old = matchers.baseline && variablesFor(plan, matchers.baseline, true);
        const template = rule.query ?? '';
        const missing = templateVariables(template).filter((v) => watched[v] === undefined);
        if (missing.length)
            return {
                rule,
                off: `needs ${missing.map((v) => `$${v}`).join(', ')}: ${[
                    ...missing.flatMap((v) => plan.variableHints?.[v] ?? []),
                    'give the rule a query',
                ].join(', or ')}`,
            };
        return {
            rule,
            series,
            selector: watched.selector,
            query: expandTemplate(template, watched),
            ...(old && { baselineQuery: expandTemplate(template, old) }),
        };
    });
}
/** The traffic guard's query of a series, when some active rule of that series needs it. */
function trafficQuery(plan, active, series) {
    if (plan.minRequests <= 0)
        return undefined;
    if (!active.some((r) => r.rule.traffic && r.query && r.series === series))
        return undefined;
    const matchers = seriesSelectors(plan, series);
    if (!matchers)
        return undefined;
    try {
        return expandTemplate(TRAFFIC_QUERIES[series], variablesFor(plan, matchers.selector, false));
    }
    catch {
        return undefined;
    }
}
/** The value a rule reads from a query's samples: the worst finite one in its direction. */
function pickValue(rule, samples, selector) {
    if (samples.length === 0)
        return {
            value: null,
            note: `no series matched${selector === undefined ? '' : ` {${selector}}`}`,
            empty: true,
        };
    const usable = samples.filter((s) => !Number.isNaN(s.value));
    if (usable.length === 0)
        return { value: null, note: 'NaN: no traffic in the rate window (0/0)' };
    const worst = usable.reduce((a, b) => rule.direction === 'above' ? (b.value > a.value ? b : a) : b.value < a.value ? b : a);
    if (samples.length === 1)
        return { value: worst.value };
    const labels = Object.entries(worst.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
    return { value: worst.value, note: `worst of ${samples.length} series: {${labels}}` };
}
function median(values) {
    if (values.length === 0)
        return null;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2
        ? sorted[mid]
        : (sorted[mid - 1] + sorted[mid]) / 2;
}
const RETRY = { attempts: 2, initialDelayMs: 250, maxDelayMs: 250, jitter: 0 };
/** Runs the window and returns its report; throws before the window on a bad query or an unreachable Prometheus. */
async function monitor(plan, deps) {
    const { clock, log, prometheus } = deps;
    const resolved = resolveRules(plan, prometheus !== undefined);
    const active = resolved.filter((r) => r.off === undefined);
    if (active.length === 0)
        throw new ActionError(`no rule to evaluate: ${resolved.map((r) => `${r.rule.name} (${r.off ?? 'off'})`).join(', ')}`);
    const traffic = {
        app: trafficQuery(plan, active, 'app'),
        proxy: trafficQuery(plan, active, 'proxy'),
    };
    for (const r of resolved)
        if (r.off)
            log.info(`rule ${r.rule.name}: off (${r.off})`);
        else
            log.info(`rule ${r.rule.name}: ${r.query ?? `probing ${plan.healthChecks.map((c) => c.url).join(', ')}`}`);
    const startedAt = clock.now();
    const baselineEnd = plan.baselineEnd ?? startedAt;
    const baselineStart = baselineEnd - plan.baselineWindowMs;
    if (prometheus)
        await preflight(prometheus, active, traffic, startedAt, log);
    const baselines = new Map();
    if (prometheus)
        await Promise.all(active
            .filter((r) => r.baselineQuery)
            .map(async (r) => {
            baselines.set(r.rule.name, await measureBaseline(prometheus, r, baselineStart, baselineEnd, plan, clock));
        }));
    for (const r of active) {
        const needs = r.rule.critical?.kind === 'baseline' || r.rule.warning?.kind === 'baseline';
        if (r.query && !r.baselineQuery && needs) {
            log.warning(`${r.rule.name}: no previous version to measure a baseline on, so its thresholds relative to the baseline are not evaluated`, { title: 'monitor-window: no baseline' });
            baselines.set(r.rule.name, { value: null, note: 'no previous version' });
        }
        const b = baselines.get(r.rule.name);
        if (!b || !r.baselineQuery)
            continue;
        if (b.value === null && needs)
            log.warning(`${r.rule.name}: no baseline (${b.note ?? 'no data'}), so its thresholds relative to the baseline are not evaluated`, { title: 'monitor-window: no baseline' });
        else if (b.value !== null)
            log.info(`baseline ${r.rule.name}: ${formatValue(r.rule.unit, b.value)}${b.note ? ` (${b.note})` : ''}`);
    }
    const machine = new VerdictMachine(active.map((r) => r.rule), plan.verdict);
    const evaluations = [];
    const breaches = [];
    const announced = new Set();
    const end = startedAt + plan.durationMs;
    log.info(`Watching for ${formatDuration(plan.durationMs)}, evaluating every ${formatDuration(plan.intervalMs)}; ` +
        `fails after ${plan.verdict.failureLimit} consecutive critical evaluations of a rule, ` +
        `no-data policy ${plan.verdict.noData} after ${plan.verdict.maxNoData}`);
    let decision;
    let k = 0;
    for (;;) {
        k = Math.max(k + 1, Math.floor((clock.now() - startedAt) / plan.intervalMs) + 1);
        const tick = Math.min(startedAt + k * plan.intervalMs, end);
        const wait = tick - clock.now();
        if (wait > 0)
            await clock.sleep(wait);
        const evaluation = await evaluate(plan, active, traffic, baselines, tick, startedAt, deps);
        evaluations.push(evaluation);
        for (const reading of evaluation.readings) {
            if ((reading.state === 'warning' || reading.state === 'critical') && reading.value !== null) {
                breaches.push({
                    at: tick,
                    elapsedMs: tick - startedAt,
                    rule: reading.rule,
                    severity: reading.state,
                    value: reading.value,
                    limit: reading.limit ?? Number.NaN,
                    threshold: reading.threshold ?? '',
                });
                const key = `${reading.rule}:${reading.state}`;
                const rule = active.find((r) => r.rule.name === reading.rule)?.rule;
                if (rule && !announced.has(key)) {
                    announced.add(key);
                    log.warning(`${describeReading(rule, reading)} (${reading.state}) at ${formatDuration(tick - startedAt)}${reading.note ? `: ${reading.note}` : ''}`, { title: `monitor-window: ${reading.rule} ${reading.state}` });
                }
            }
        }
        const wasBlind = machine.blind !== undefined;
        decision = machine.observe(evaluation.readings);
        const blind = machine.blind;
        if (!wasBlind && blind && !decision)
            log.warning(`${blind.reason}. The window can no longer pass; the rules that still see keep watching and can still fail it`, { title: 'monitor-window: blind' });
        logProgress(log, progressLine(evaluation, active, plan.durationMs, decision));
        if (decision || tick >= end)
            break;
    }
    decision ??= machine.finish();
    const finishedAt = clock.now();
    const decider = active.find((r) => r.rule.name === decision.rule);
    const reason = decider?.query !== undefined ? `${decision.reason}; query: ${decider.query}` : decision.reason;
    return {
        verdict: decision.verdict,
        reason,
        decision,
        ...(decider?.query !== undefined && { query: decider.query }),
        startedAt,
        finishedAt,
        durationMs: plan.durationMs,
        stoppedEarly: evaluations.length > 0 && (evaluations.at(-1)?.at ?? end) < end,
        selector: renderMatchers(plan.selector),
        baselineSelector: plan.baselineSelector === null ? '' : renderMatchers(plan.baselineSelector ?? plan.selector),
        baselineWindow: { start: baselineStart, end: baselineEnd },
        ...(traffic.app !== undefined && { trafficQuery: traffic.app }),
        ...(plan.proxy &&
            active.some((r) => r.series === 'proxy') && {
            proxySelector: renderMatchers(plan.proxy.selector),
        }),
        ...(traffic.proxy !== undefined && { proxyTrafficQuery: traffic.proxy }),
        rules: resolved.map((r) => ruleReport(r, baselines.get(r.rule.name), evaluations)),
        evaluations,
        breaches,
    };
}
/** One query per rule before the window: bad PromQL, bad credentials or no Prometheus fail here. */
async function preflight(prometheus, active, traffic, at, log) {
    const checks = [];
    for (const r of active) {
        if (r.query)
            checks.push({ name: `rule ${r.rule.name}`, query: r.query });
        if (r.baselineQuery && r.baselineQuery !== r.query)
            checks.push({ name: `rule ${r.rule.name} (baseline)`, query: r.baselineQuery });
    }
    if (traffic.app)
        checks.push({ name: 'the min-requests guard', query: traffic.app });
    if (traffic.proxy)
        checks.push({ name: "the min-requests guard (proxy's series)", query: traffic.proxy });
    const results = await Promise.all(checks.map(async (c) => {
        try {
            return { ...c, samples: await prometheus.query(c.query, at) };
        }
        catch (error) {
            return { ...c, error };
        }
    }));
    for (const r of results) {
        if (!('error' in r))
            continue;
        const e = r.error;
        if (!(e instanceof PrometheusError))
            throw e;
        if (e.kind === 'query')
            throw new ActionError(`${r.name}: Prometheus rejected the query: ${e.message}\n  query: ${r.query}`);
        if (e.kind === 'auth')
            throw new ActionError(`Prometheus refused the request (${e.message}). Check prometheus-token, or prometheus-username and prometheus-password, or prometheus-headers`);
        throw new ActionError(`Prometheus at ${prometheus.url} cannot be queried before the window starts: ${e.message}. Check prometheus-url`);
    }
    for (const r of results)
        if ('samples' in r && r.samples.length === 0)
            log.info(`note: ${r.name} has no data yet (no series match ${r.query})`);
}
async function measureBaseline(prometheus, r, start, end, plan, clock) {
    const step = Math.max(1000, Math.ceil(plan.baselineWindowMs / 200 / 1000) * 1000);
    try {
        const series = await retry(() => prometheus.queryRange(r.baselineQuery, start, end, step), { ...RETRY, retryIf: (e) => !(e instanceof PrometheusError && e.kind === 'query') }, clock);
        const values = series.flatMap((s) => s.points.map(([, v]) => v)).filter(Number.isFinite);
        const value = median(values);
        if (value === null)
            return { value: null, note: 'no data in the baseline window' };
        return { value, note: `median of ${values.length} points` };
    }
    catch (error) {
        return { value: null, note: `query failed: ${errorMessage(error)}` };
    }
}
async function evaluate(plan, active, traffic, baselines, at, startedAt, deps) {
    const { prometheus, clock, http } = deps;
    const query = (q) => retry(() => prometheus.query(q, at), { ...RETRY, retryIf: (e) => !(e instanceof PrometheusError && e.kind === 'query') }, clock);
    const count = (series) => {
        const q = traffic[series];
        if (q === undefined)
            return undefined;
        const selector = active.find((r) => r.series === series)?.selector ?? '';
        return query(q).then((samples) => {
            const v = samples.find((s) => Number.isFinite(s.value))?.value;
            if (v !== undefined)
                return { count: v };
            return samples.length === 0
                ? {
                    count: null,
                    blind: true,
                    note: `the min-requests guard matched no series {${selector}}: ${q}`,
                }
                : { count: null, note: 'no requests counted' };
        }, (error) => ({
            count: null,
            blind: true,
            note: `request count failed: ${errorMessage(error)}`,
        }));
    };
    const counts = {
        ...optionalEntry('app', count('app')),
        ...optionalEntry('proxy', count('proxy')),
    };
    const readingsP = active.map(async (r) => {
        const baseline = baselines.get(r.rule.name)?.value ?? null;
        if (r.rule.source === 'health')
            return probeHealth(r.rule, plan.healthChecks, http);
        let picked;
        try {
            picked = pickValue(r.rule, await query(r.query), r.selector);
        }
        catch (error) {
            // Prometheus unreachable, or a query that errors: the monitor can't see, the app is not at fault.
            return blindReading(r.rule, `query failed: ${errorMessage(error)}`);
        }
        const guard = r.rule.traffic && r.series ? counts[r.series] : undefined;
        if (guard) {
            const requests = await guard;
            if (requests.blind)
                return blindReading(r.rule, requests.note ?? 'no requests counted');
            if (requests.count === null || requests.count < plan.minRequests)
                return classify(r.rule, null, baseline, requests.count === null
                    ? (requests.note ?? 'no requests counted')
                    : `${formatValue('number', requests.count)} requests in the last ${promDuration(plan.rateWindowMs)}, fewer than min-requests ${plan.minRequests}`);
        }
        if (picked.empty)
            return blindReading(r.rule, picked.note ?? 'no series matched');
        return classify(r.rule, picked.value, baseline, picked.note);
    });
    const readings = await Promise.all(readingsP);
    const requests = counts.app ? (await counts.app).count : undefined;
    const proxyRequests = counts.proxy ? (await counts.proxy).count : undefined;
    return {
        at,
        elapsedMs: at - startedAt,
        ...(requests !== undefined && { requests }),
        ...(proxyRequests !== undefined && { proxyRequests }),
        readings,
    };
}
/** `{ [key]: value }` when value is defined, else `{}` (for spreading). */
function optionalEntry(key, value) {
    return value === undefined ? {} : { [key]: value };
}
async function probeHealth(rule, checks, http) {
    const results = await Promise.all(checks.map((c) => attemptCheck(c, http, [])));
    const failed = results
        .map((r, i) => ({ r, check: checks[i] }))
        .filter(({ r }) => !r.ok);
    const note = failed.length
        ? failed.map(({ r, check }) => `${check.url}: ${r.reason ?? 'failed'}`).join('; ')
        : undefined;
    return classify(rule, failed.length, null, note);
}
function progressLine(e, active, durationMs, decision) {
    const parts = e.readings.map((reading) => {
        const rule = active.find((r) => r.rule.name === reading.rule)?.rule;
        if (!rule)
            return reading.rule;
        const state = reading.state === 'ok'
            ? 'ok'
            : reading.state === 'no-data'
                ? `no data (${reading.note ?? '?'})`
                : reading.state === 'blind'
                    ? `BLIND (${reading.note ?? '?'})`
                    : reading.state.toUpperCase();
        if (rule.source === 'health')
            return `${describeReading(rule, reading)}${reading.state === 'critical' ? ` CRITICAL (${reading.note ?? ''})` : ''}`;
        if (reading.state === 'no-data' || reading.state === 'blind')
            return `${rule.name} ${state}`;
        const op = rule.direction === 'above' ? '>' : '<';
        const limit = reading.threshold !== undefined ? ` ${op} ${reading.threshold}` : '';
        return `${rule.name} ${formatValue(rule.unit, reading.value)} ${state}${limit}`;
    });
    const left = Math.max(0, durationMs - e.elapsedMs);
    const verdict = decision ? `verdict ${decision.verdict}` : 'watching';
    return `[${formatDuration(e.elapsedMs)} / ${formatDuration(durationMs)}, ${formatDuration(left)} left] ${parts.join(' · ')} → ${verdict}`;
}
function ruleReport(r, baseline, evaluations) {
    const readings = evaluations.flatMap((e) => e.readings.filter((x) => x.rule === r.rule.name));
    const values = readings.map((x) => x.value).filter((v) => v !== null);
    const worst = readings.reduce((w, x) => (w === undefined || SEVERITY[x.state] > SEVERITY[w] ? x.state : w), undefined);
    const last = readings.at(-1);
    return {
        ...r,
        baseline: baseline?.value ?? null,
        ...(baseline?.note !== undefined && { baselineNote: baseline.note }),
        min: values.length ? Math.min(...values) : null,
        max: values.length ? Math.max(...values) : null,
        last: last?.value ?? null,
        ...(last && { lastState: last.state }),
        ...(worst && { worst }),
    };
}

;// CONCATENATED MODULE: ./packages/metrics/src/index.ts
/** @switchyard/metrics: Prometheus queries, rules with thresholds and baselines, and the verdict of a monitor window. See README.md. */






;// CONCATENATED MODULE: ./packages/config/src/section.ts
/**
 * The schema of one environment section (and of `defaults:`): a reader per key that checks the type
 * and the value and returns it parsed. A section holds only the keys it sets, so sections can be
 * layered (defaults, environment, overrides) before defaults are filled in.
 */







const ENV_RULE = 'letters, digits and _, not starting with a digit (e.g. DATABASE_URL)';
const duration = (min, max) => (p, v) => parse_parseDuration(p, values_text(p, v, '30s'), { min, ...(max !== undefined && { max }) });
const httpUrl = (p, v) => {
    const s = values_text(p, v, 'https://shop.example.com').trim();
    parse_parseUrl(p, s);
    return s;
};
const HEALTH = {
    path: (p, v) => parseHealthPath(p, values_text(p, v, '/healthz')),
    'expect-status': (p, v) => status_parseStatus(p, v),
    'expect-json': (p, v) => oneOrMany(p, v, '[$.status == "ok"]').map((a, i) => jsonpath_parseAssertion(Array.isArray(v) ? `${p}[${i}]` : p, a)),
    'body-contains': (p, v) => oneOrMany(p, v, '[ok]'),
    interval: duration(100),
    timeout: duration(100),
    headers: readHeaders,
};
/** An HTTP header name (RFC 9110 token). */
const section_HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** `health.headers`: Name: value pairs sent with every health request (Host, a probe marker, …). */
function readHeaders(path, v) {
    if (!isMapping(v))
        throw new errors_InputError(path, v, `is ${values_kindOf(v)}, not a mapping`, 'Write Name: value pairs, e.g. {Host: shop.example.com}');
    const out = {};
    for (const [name, value] of Object.entries(v)) {
        const at = values_join(path, name);
        if (!section_HEADER_NAME.test(name))
            throw new errors_InputError(at, name, 'is not an HTTP header name', 'Use letters, digits and -');
        const text = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
        if (text === undefined || /[\r\n\0]/.test(text))
            throw new errors_InputError(at, value, text === undefined ? `is ${values_kindOf(value)}, not a single value` : 'spans lines', 'Give the header value on one line');
        out[name] = text;
    }
    return out;
}
const count = (min, max) => (p, v) => parseInteger(p, values_text(p, v, String(min)), { min, max });
/** The most warm-up requests, and the most in flight at once (sane bounds, not tuning advice). */
const WARM_UP_MAX = { requests: 10_000, concurrency: 500 };
const WARM_UP = {
    requests: count(0, WARM_UP_MAX.requests),
    concurrency: count(1, WARM_UP_MAX.concurrency),
    path: (p, v) => parseHealthPath(p, values_text(p, v, '/')),
};
/**
 * `warm-up:` — requests sent to the new color through the preview route just before the switch.
 * A mapping of {@link WARM_UP} keys, or `off` / `false` / `0`, read as `requests: 0` so that it
 * layers like any mapping (`off` in `defaults:` and `requests: 200` in a section turn it on).
 */
function readWarmUp(p, v) {
    if (v === false || v === 0 || (typeof v === 'string' && /^\s*(off|false|0)\s*$/i.test(v)))
        return { requests: 0 };
    if (!isMapping(v))
        throw new errors_InputError(p, v, `is ${values_kindOf(v)}, not a mapping or off`, 'Write warm-up: {requests: 200, concurrency: 20, path: /} or warm-up: off');
    return readKeys(p, v, WARM_UP, 'warm-up settings: {requests: 200, concurrency: 20, path: /}');
}
const METRICS = {
    requests: (p, v) => parseMetricName(p, values_text(p, v, 'http_requests_total')),
    histogram: (p, v) => parseMetricName(p, values_text(p, v, 'http_request_duration_seconds_bucket')),
    'status-label': (p, v) => parseLabelName(p, values_text(p, v, 'code')),
    source: (p, v) => parseEnum(p, values_text(p, v, 'proxy'), METRICS_SOURCES),
};
/**
 * `monitor.metrics`: `app`, `proxy` or `both` (which built-in rules judge the release: the app's
 * own series, the proxy's, or both), or a mapping of {@link METRICS} keys (`source:` and the app's
 * metric names).
 */
function readMetrics(p, v) {
    if (typeof v === 'string')
        return { source: METRICS.source(p, v) };
    return readKeys(p, v, METRICS, 'app, proxy or both, or metric names: {source: both, requests: http_requests_total}');
}
/** `monitor:` — the monitor-window settings of an environment (inputs override them). */
const MONITOR = {
    'prometheus-url': httpUrl,
    selector: (p, v) => parseSelector(p, values_text(p, v, 'app="web"')),
    'color-label': (p, v) => {
        const s = values_text(p, v, 'color').trim();
        return s === '' || s === 'none' ? '' : parseLabelName(p, s);
    },
    duration: duration(1000),
    interval: duration(100),
    'rate-window': duration(1000),
    'baseline-window': duration(1000),
    'failure-limit': count(1, 1000),
    'max-no-data': count(1, 1000),
    'min-requests': count(0, 1_000_000_000),
    'no-data': (p, v) => parseEnum(p, values_text(p, v, 'fail'), NO_DATA_POLICIES),
    rules: (p, v) => parseRules(p, v, TEMPLATE_VARIABLES),
    metrics: readMetrics,
};
/** The keys of `monitor:`, in reference order. */
const MONITOR_KEYS = Object.keys(MONITOR);
/**
 * The monitor-window inputs that override `monitor:` key by key: each input is named as its key and
 * read by that key's reader, so a value means the same in the file and as an input.
 */
const MONITOR_INPUTS = (/* unused pure expression or super */ null && ([
    'selector',
    'color-label',
    'duration',
    'interval',
    'rate-window',
    'baseline-window',
    'failure-limit',
    'max-no-data',
    'min-requests',
    'no-data',
    'metrics',
]));
/** The monitor inputs given (`get` returns '' for an input not set), as a `monitor:` layer. */
function readMonitorInputs(get) {
    const out = {};
    for (const key of MONITOR_INPUTS) {
        const raw = get(key).trim();
        if (raw !== '')
            out[key] = MONITOR[key](key, raw);
    }
    return out;
}
/** The defaults of `monitor:` (DESIGN.md §4, TESTBED.md §4), for a key neither an input nor the file sets. */
const MONITOR_DEFAULTS = {
    durationMs: 15 * 60_000,
    intervalMs: 30_000,
    rateWindowMs: 60_000,
    baselineWindowMs: 10 * 60_000,
    failureLimit: 2,
    maxNoData: 3,
    noData: 'fail',
    minRequests: 10,
    healthTimeoutMs: 5000,
    queryTimeoutMs: 10_000,
    colorLabel: 'color',
};
const SECTION = {
    target: (p, v) => parseEnum(p, values_text(p, v, DEFAULT_TARGET), TARGETS),
    ...TARGET_SECTIONS,
    url: httpUrl,
    'preview-url': httpUrl,
    health: (p, v) => readKeys(p, v, HEALTH, 'health settings'),
    env: readEnv,
    secrets: readSecrets,
    'keep-previous': duration(0, MAX_LONG_DURATION_MS),
    'ready-timeout': duration(1000),
    'warm-up': readWarmUp,
    monitor: (p, v) => readKeys(p, v, MONITOR, 'monitor settings'),
};
/** The keys of an environment section, in reference order. */
const SECTION_KEYS = Object.keys(SECTION);
/** The section keys whose values are mappings, merged key by key when layered. */
const MAPPING_KEYS = ['health', 'env', 'warm-up', 'monitor'];
/** Flat name → the target and key it is read as. */
const FROM_FLAT = new Map(TARGETS.flatMap((target) => Object.entries(TARGET_SCHEMAS[target].flatKeys).map(([key, flat]) => [flat, { target, key }])));
/** The flat names of target keys (not environment names, not keys of another meaning). */
const FLAT_KEYS = [...FROM_FLAT.keys()];
/** Where a key of a target's section belongs, for "did you mean" (`host` → `<target>.host`). */
const ELSEWHERE = Object.fromEntries(TARGETS.flatMap((t) => Object.keys(TARGET_SCHEMAS[t].section).map((k) => [k, `${t}.${k}`])));
/**
 * Reads and validates an environment section (or `defaults:`) at `path`. An empty section (`staging:`
 * with nothing under it) and empty keys (`port:`) read as not set. Target settings written at the
 * top of the section, as before targets had their own part, are read into the target's section.
 */
function readSection(path, v) {
    const what = 'an environment section: a mapping of settings such as health: {path: /healthz}';
    const m = isMapping(v) ? v : {};
    const own = Object.fromEntries(Object.entries(m).filter(([k]) => !FROM_FLAT.has(k)));
    mapping(path, isMapping(v) ? own : v, SECTION_KEYS, what, ELSEWHERE);
    const section = readKeys(path, own, SECTION, what);
    const flat = [];
    for (const [written, value] of Object.entries(m)) {
        const found = FROM_FLAT.get(written);
        if (found === undefined || value === null || value === undefined)
            continue;
        const { target, key } = found;
        const at = values_join(path, written);
        const part = { ...section[target] };
        if (part[key] !== undefined)
            throw new errors_InputError(at, written, `is also set as ${values_join(path, `${target}.${key}`)}`, `Keep only ${target}.${key}: ${target} settings belong under ${target}:`);
        const read = TARGET_SCHEMAS[target].section[key];
        section[target] = { ...part, [key]: read(at, value) };
        flat.push({ target, key, at });
    }
    return { section, flat };
}
function readEnv(path, v) {
    if (!isMapping(v))
        throw new errors_InputError(path, v, `is ${values_kindOf(v)}, not a mapping`, 'Write NAME: value pairs');
    const out = {};
    for (const [key, value] of Object.entries(v)) {
        const at = values_join(path, key);
        if (!ENV_NAME.test(key))
            throw new errors_InputError(at, key, 'is not a valid variable name', `Use ${ENV_RULE}`);
        if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
            throw new errors_InputError(at, value, value === null ? 'is not a value' : `is ${values_kindOf(value)}`, 'Give a string, number or boolean (write "" for an empty value)');
        out[key] = String(value);
    }
    return out;
}
function readSecrets(path, v) {
    const seen = new Set();
    return list(path, v, '[DATABASE_URL, API_TOKEN]', (at, x) => {
        const s = values_name(at, x, ENV_NAME, ENV_RULE);
        if (seen.has(s))
            throw new errors_InputError(at, s, 'is listed twice', 'List each secret once');
        seen.add(s);
        return s;
    });
}
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
function parseMetricName(path, raw) {
    const s = raw.trim();
    if (!METRIC_NAME.test(s))
        throw new errors_InputError(path, raw, 'is not a Prometheus metric name', 'Use letters, digits, _ and :, not starting with a digit');
    return s;
}

;// CONCATENATED MODULE: ./packages/config/src/settle.ts
/**
 * Layers sections (defaults, environment, override inputs), fills in every default, and checks the
 * rules that span keys. A problem is blamed on the layer that set the offending key: a key path in the
 * file, or the override input. The target's own part of each section is settled by its schema.
 */





/** The default of every common setting, as the file would write it. */
const DEFAULTS = {
    target: DEFAULT_TARGET,
    healthPath: '/',
    expectStatus: '200-399',
    intervalMs: 1000,
    timeoutMs: 5000,
    keepPreviousMs: 30 * 60_000,
    readyTimeoutMs: 5 * 60_000,
    warmUpRequests: 200,
    warmUpConcurrency: 20,
};
const DEFAULT_STATUS = status_parseStatus('expect-status', DEFAULTS.expectStatus);
/** The layered settings with every default filled in, after the cross-key checks. */
function settle(layers) {
    const s = merge(layers, MAPPING_KEYS);
    const env = s.env ?? {};
    checkSecrets(layers, env);
    const health = s.health ?? {};
    const kind = s.target ?? DEFAULTS.target;
    return {
        target: TARGET_SCHEMAS[kind].settle(layers.map((l) => l.target(kind))),
        ...(s.url === undefined ? {} : { url: s.url }),
        ...(s['preview-url'] === undefined ? {} : { previewUrl: s['preview-url'] }),
        health: {
            path: health.path ?? DEFAULTS.healthPath,
            expectStatus: health['expect-status'] ?? DEFAULT_STATUS,
            json: [...(health['expect-json'] ?? [])],
            bodyContains: [...(health['body-contains'] ?? [])],
            intervalMs: health.interval ?? DEFAULTS.intervalMs,
            timeoutMs: health.timeout ?? DEFAULTS.timeoutMs,
            headers: { ...(health.headers ?? {}) },
        },
        env: { ...env },
        secrets: [...(s.secrets ?? [])],
        keepPreviousMs: s['keep-previous'] ?? DEFAULTS.keepPreviousMs,
        readyTimeoutMs: s['ready-timeout'] ?? DEFAULTS.readyTimeoutMs,
        warmUp: warmUpOf(s['warm-up'] ?? {}, health.path ?? DEFAULTS.healthPath),
        monitor: { ...s.monitor },
    };
}
/** The layered `warm-up:` with its defaults; `null` when it is off (`requests: 0`). */
function warmUpOf(w, healthPath) {
    const requests = w.requests ?? DEFAULTS.warmUpRequests;
    if (requests === 0)
        return null;
    return {
        requests,
        concurrency: w.concurrency ?? DEFAULTS.warmUpConcurrency,
        path: w.path ?? healthPath,
    };
}
function checkSecrets(layers, env) {
    const from = origin(layers, 'secrets');
    from?.section.secrets?.forEach((name, i) => {
        if (Object.hasOwn(env, name))
            throw from.wrap(new errors_InputError(`${from.at('secrets')}[${i}]`, name, 'is also set in env', 'Remove it from env: a secret gets its value from the action at run time'));
    });
}

;// CONCATENATED MODULE: ./packages/config/src/document.ts
/**
 * `parseConfig`: YAML text → a validated {@link ConfigDocument}. The whole file is checked up front
 * (every environment section over `defaults:`), so a typo in `staging:` fails a production deploy
 * before it starts rather than a later staging one halfway through.
 */











const TOP_LEVEL = 'Write app:, defaults: and one section per environment (production:, staging: ...)';
/**
 * Parses and validates a config file. `file` names it in messages.
 * @throws ConfigError for a YAML syntax error (with line and column) or any invalid setting.
 */
function parseConfig(text, file) {
    const root = parseYaml(text, file);
    try {
        return new Document(file, root);
    }
    catch (error) {
        throw error instanceof errors_InputError && !(error instanceof ConfigError)
            ? ConfigError.from(file, error)
            : error;
    }
}
function parseYaml(source, file) {
    const doc = (0,dist/* parseDocument */.Tp)(source, {
        prettyErrors: true,
        uniqueKeys: true,
        keepSourceTokens: true,
    });
    const error = doc.errors[0];
    if (error) {
        const pos = error.linePos?.[0];
        const problem = error.code === 'MULTIPLE_DOCS'
            ? 'starts a second YAML document'
            : (error.message.split(/ at line \d+, column \d+/)[0] ?? error.message);
        throw new ConfigError(file, pos ? `line ${pos.line}, column ${pos.col}` : '', `${problem.trim()}. Fix the YAML syntax: indentation (spaces, not tabs), colons, quotes and brackets`);
    }
    let root;
    try {
        root = doc.toJS({ maxAliasCount: 100 });
    }
    catch (e) {
        throw new ConfigError(file, '', `is not valid YAML (${errors_errorMessage(e)})`);
    }
    keepEnvText(doc, root);
    return root;
}
/**
 * Env values are text: `VERSION: 1.10` must stay `1.10`, not become the number 1.1 (nor `012` 12, nor
 * `0x1F` 31). So unquoted numbers and booleans under `<section>.env` keep their source text.
 */
function keepEnvText(doc, root) {
    if (!isMapping(root))
        return;
    for (const [section, value] of Object.entries(root)) {
        const env = isMapping(value) ? value.env : undefined;
        const node = doc.getIn([section, 'env'], true);
        if (!isMapping(env) || !(0,dist/* isMap */.jh)(node))
            continue;
        for (const pair of node.items) {
            const { key, value: scalar } = pair;
            const source = (0,dist/* isScalar */.jn)(scalar) ? scalar.srcToken : undefined;
            if (!(0,dist/* isScalar */.jn)(key) || !(0,dist/* isScalar */.jn)(scalar) || source?.type !== 'scalar')
                continue;
            if (typeof scalar.value === 'number' || typeof scalar.value === 'boolean')
                env[String(key.value)] = source.source;
        }
    }
}
/** A section of the file as a layer; its target part blames keys where the user wrote them. */
function sectionLayer(file, path, read) {
    return {
        ...fileLayer(file, path, read.section),
        target: (name) => fileLayer(file, values_join(path, name), read.section[name] ?? {}, Object.fromEntries(read.flat.filter((f) => f.target === name).map((f) => [f.key, f.at]))),
    };
}
/** What to tell the user about a section that writes target settings in the older flat form. */
function flatNotices(file, path, read) {
    return TARGETS.flatMap((target) => {
        const flat = read.flat.filter((f) => f.target === target);
        if (flat.length === 0)
            return [];
        const flatName = (key) => TARGET_SCHEMAS[target].flatKeys[key] ?? key;
        const renamed = flat.filter((f) => flatName(f.key) !== f.key);
        return [
            `${file}: ${flat.map((f) => f.at).join(', ')} ${flat.length === 1 ? `is a ${target} setting` : `are ${target} settings`} written at the top of ${path}:. ` +
                `They are still read, as ${values_join(path, target)}; move them under ${path}: ${target}:` +
                (renamed.length > 0
                    ? ` (${renamed.map((f) => `${flatName(f.key)} becomes ${target}.${f.key}`).join(', ')})`
                    : ''),
        ];
    });
}
class Document {
    file;
    app;
    environments = [];
    defaults;
    sections = new Map();
    notices = new Map();
    constructor(file, root) {
        this.file = file;
        if (root !== null && root !== undefined && !isMapping(root))
            throw new ConfigError(file, '', `is ${values_kindOf(root)}, not a mapping. ${TOP_LEVEL}`);
        let defaults = { section: {}, flat: [] };
        for (const [key, value] of Object.entries(root ?? {})) {
            if (key === 'app') {
                if (value !== null)
                    this.app = parseAppName('app', values_text('app', value, 'shop'));
            }
            else if (key === 'defaults')
                defaults = readSection('defaults', value);
            else {
                checkEnvironmentKey(key);
                this.environments.push(key);
                const read = readSection(key, value);
                this.sections.set(key, sectionLayer(file, key, read));
                this.notices.set(key, flatNotices(file, key, read));
            }
        }
        this.defaults = sectionLayer(file, 'defaults', defaults);
        this.notices.set('defaults', flatNotices(file, 'defaults', defaults));
        // Settle each section as resolve will, so cross-key problems show now, not at deploy time.
        if (this.sections.size === 0)
            settle([this.defaults]);
        for (const layer of this.sections.values())
            settle([this.defaults, layer]);
    }
    resolve(environment, overrides = {}, baseDir, workspace) {
        const over = overrideLayer(overrides);
        const section = this.sections.get(environment);
        if (this.sections.size > 0 && !section)
            throw new errors_InputError('environment', environment, `is not an environment in ${this.file}`, `Use one of: ${this.environments.join(', ')}, or add a ${environment}: section`);
        parseEnvironmentName('environment', environment);
        const app = over.app ?? this.app;
        if (app === undefined)
            throw new ConfigError(this.file, 'app', `is not set. Set app: at the top of ${this.file}, or the app input`);
        const inputs = { ...over.layer, target: over.targetLayer };
        const layers = section ? [this.defaults, section, inputs] : [this.defaults, inputs];
        const settings = settle(layers);
        const base = baseDir ?? (0,external_node_path_namespaceObject.dirname)((0,external_node_path_namespaceObject.resolve)(this.file));
        const schema = TARGET_SCHEMAS[settings.target.kind];
        const target = schema.resolveFiles(settings.target, (p) => (0,external_node_path_namespaceObject.resolve)(base, p));
        if (workspace !== undefined)
            for (const [key, file] of Object.entries(schema.files(target))) {
                if (insideWorkspace(file, workspace))
                    continue;
                const from = origin(layers.map((l) => l.target(target.kind)), key);
                throw (from ?? inputs).wrap(new errors_InputError(from?.at(key) ?? key, errors_UNQUOTED, 'is outside the workspace', INSIDE_WORKSPACE));
            }
        return {
            app,
            environment,
            ...settings,
            target,
            notices: [...(this.notices.get('defaults') ?? []), ...(this.notices.get(environment) ?? [])],
        };
    }
}
/** A top-level key other than app/defaults must be an environment name, and not a setting's name. */
function checkEnvironmentKey(key) {
    if ([...SECTION_KEYS, ...FLAT_KEYS].includes(key))
        throw new errors_InputError(key, key, 'is a setting, not an environment', 'Put it under defaults: (for every environment) or under an environment such as production:');
    if (!APP_NAME.test(key))
        throw new errors_InputError(key, key, 'is neither app, defaults nor an environment name', `Environment names use ${NAME_RULE}. ${TOP_LEVEL}`);
    parseEnvironmentName(key, key);
}

;// CONCATENATED MODULE: ./packages/config/src/load.ts
/** `loadConfig`: reads a config file from disk (or a fake reader in tests) and parses it. */





/**
 * Reads and parses the config file at `path`. A missing file is a {@link ConfigError} when `required`,
 * else an empty document (no app, no environments: every environment resolves from the defaults).
 */
function loadConfig(path, opts) {
    let text;
    try {
        text = (opts.readFile ?? readIfExists)(path);
    }
    catch (error) {
        throw new ConfigError(path, '', `cannot be read (${errors_errorMessage(error)})`);
    }
    if (text === undefined && opts.required)
        throw new ConfigError(path, '', 'does not exist. Create it (the deploy-bluegreen README has an example) or set the config input to the path of yours');
    return parseConfig(text ?? '', path);
}
/** A file's text, or undefined when it does not exist (other errors throw). */
function readIfExists(path) {
    try {
        return (0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8');
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw error;
    }
}
/**
 * Loads the config file named by a `config` input as every action does: the file is named in
 * messages as the user wrote it and read relative to the workspace; a missing default file is an
 * empty document, a missing named one an error. Returns the document and the path it was read from.
 */
function loadConfigFile(configInput, workspace, readFile = readIfExists) {
    const name = configInput || CONFIG_FILE;
    const path = workspaceFile('config', name, workspace);
    const doc = loadConfig(name, {
        required: configInput !== '' && configInput !== CONFIG_FILE,
        readFile: () => readFile(path),
    });
    return { doc, path };
}
/**
 * Loads the config file ({@link loadConfigFile}) and resolves one environment; relative paths in
 * the file (env-file) are relative to the file's folder.
 */
function loadEnvironment(src) {
    const { doc, path } = loadConfigFile(src.configInput, src.workspace, src.readFile);
    return doc.resolve(src.environment, src.overrides ?? {}, (0,external_node_path_namespaceObject.dirname)(path), src.workspace);
}

;// CONCATENATED MODULE: ./packages/config/src/secrets.ts
/** Secret container variables: the action input checked against the config file (deploy and rollback share it). */


/**
 * The container's secret variables: the `secrets` input's lines (`given`), checked against the file,
 * plus, when a container `starts`, every name the file lists under `secrets:` from `given` or the
 * step's env. Errors name the `secrets` input.
 */
function containerSecrets(given, config, env, starts) {
    for (const name of Object.keys(given))
        if (!ENV_NAME.test(name))
            throw new errors_InputError('secrets', name, 'is not a variable name', 'Use letters, digits and _, not starting with a digit');
    for (const name of Object.keys(given)) {
        if (name in config.env)
            throw new errors_InputError('secrets', name, `is also set under ${config.environment}.env in the config file`, 'Give each variable once: as a secret or as a plain env value');
        if (name.startsWith('SWITCHYARD_'))
            throw new errors_InputError('secrets', name, 'is reserved (switchyard sets SWITCHYARD_* itself)', 'Pick another name');
    }
    const out = { ...given };
    if (!starts)
        return out;
    for (const name of config.secrets) {
        const value = given[name] ?? env[name];
        if (value === undefined || value === '')
            throw new errors_InputError('secrets', name, `is listed under ${config.environment}.secrets in the config file but has no value`, `Pass it as a line ${name}=\${{ secrets.${name} }} in the secrets input, or set it in the step's env`);
        out[name] = value;
    }
    return out;
}

;// CONCATENATED MODULE: ./packages/config/src/index.ts
/** @switchyard/config: the `switchyard.yml` file every action shares. See README.md. */











;// CONCATENATED MODULE: ./packages/targets/src/docker/session.ts
/**
 * A long-lived session on HAProxy's runtime API: one `docker exec -i <proxy> socat …` kept open in
 * HAProxy's interactive mode (`prompt`), so a command costs a write and a read instead of a new
 * `docker exec` (100–600 ms on a busy host). The deploy opens it while the new color gets ready;
 * the switch then lands in milliseconds. A broken session is dropped and the caller falls back to
 * a one-shot exec.
 */

const PROMPT = '\n> ';
const ANSWER_TIMEOUT_MS = 5_000;
class ProcessSession {
    child;
    buffer = '';
    waiting;
    queue = Promise.resolve();
    ended = false;
    constructor(child) {
        this.child = child;
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk) => {
            this.buffer += chunk;
            this.deliver();
        });
        child.on('close', () => {
            this.ended = true;
            this.waiting?.('', true);
        });
        child.on('error', () => {
            this.ended = true;
            this.waiting?.('', true);
        });
        child.stdin.on('error', () => undefined);
        // Never keep the action's process alive for this.
        child.unref();
        for (const stream of [child.stdin, child.stdout, child.stderr])
            stream.unref?.();
    }
    get alive() {
        return !this.ended;
    }
    /** Enters interactive mode: `prompt` is answered by a bare prompt. */
    start() {
        return this.send('prompt');
    }
    send(command) {
        const next = this.queue.then(() => this.exchange(command));
        this.queue = next.catch(() => undefined);
        return next;
    }
    close() {
        if (this.ended)
            return;
        this.ended = true;
        this.child.stdin.end();
        setTimeout(() => this.child.kill('SIGKILL'), 1000).unref();
    }
    /** One line; HAProxy answers each `;`-separated command with its own prompt. */
    exchange(command) {
        if (this.ended)
            return Promise.reject(new Error('runtime session closed'));
        let prompts = command.split(';').length;
        const parts = [];
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.waiting = undefined;
                this.close();
                reject(new Error(`runtime session: no answer to "${command}" in ${ANSWER_TIMEOUT_MS}ms`));
            }, ANSWER_TIMEOUT_MS);
            this.waiting = (text, ended) => {
                if (ended) {
                    clearTimeout(timer);
                    this.waiting = undefined;
                    reject(new Error('runtime session ended'));
                    return;
                }
                if (text !== '')
                    parts.push(text);
                if (--prompts > 0)
                    return;
                clearTimeout(timer);
                this.waiting = undefined;
                resolve(parts.join('\n'));
            };
            this.child.stdin.write(`${command}\n`);
            this.deliver();
        });
    }
    /** Hands every complete answer (text up to a prompt) to the waiting command. */
    deliver() {
        for (let at = this.buffer.indexOf(PROMPT); at >= 0 && this.waiting; at = this.buffer.indexOf(PROMPT)) {
            const text = this.buffer.slice(0, at);
            this.buffer = this.buffer.slice(at + PROMPT.length);
            this.waiting(text.replace(/\n$/, ''), false);
        }
    }
}
/** The real factory: spawns `docker` (argument array, no shell) and enters interactive mode. */
const openRuntimeSession = async (args, env) => {
    const child = (0,external_node_child_process_namespaceObject.spawn)('docker', [...args], {
        env: { ...process.env, ...env },
        shell: false,
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    const session = new ProcessSession(child);
    await session.start();
    return session;
};

;// CONCATENATED MODULE: ./packages/image/src/semver.ts
/** Semantic versions (semver.org 2.0.0): parsing a git tag such as `v1.4.2`, and precedence. */
const NUM = '0|[1-9]\\d*';
const ID = `(?:${NUM}|\\d*[a-zA-Z-][0-9a-zA-Z-]*)`;
const SEMVER = new RegExp(`^[vV]?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${ID}(?:\\.${ID})*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$`);
/** Parses `1.4.2`, `v1.4.2`, `1.3.0-rc.1+build.5`; undefined when the text is not a semver. */
function semver_parseSemver(text) {
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
function semver_formatSemver(v) {
    const pre = v.prerelease.length ? `-${v.prerelease.join('.')}` : '';
    return `${v.major}.${v.minor}.${v.patch}${pre}${v.build ? `+${v.build}` : ''}`;
}
function semver_isPrerelease(v) {
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
function semver_compareSemver(a, b) {
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

;// CONCATENATED MODULE: ./packages/image/src/tag-rules.ts
/**
 * Tag rules, one per line, in docker/metadata-action's syntax: `type=semver,pattern={{version}}`,
 * `type=ref,event=branch`, `type=sha`, `type=raw,value=stable`, `type=schedule,pattern=nightly`,
 * `type=edge`. A line without `type=` is a raw tag. Every rule takes `prefix`, `suffix` and `enable`.
 */

/** Placeholders of a semver pattern. */
const SEMVER_PLACEHOLDERS = (/* unused pure expression or super */ null && (['raw', 'version', 'major', 'minor', 'patch']));
/** Expressions allowed in values, prefixes, suffixes, schedule patterns and `enable`. */
const EXPRESSIONS = (/* unused pure expression or super */ null && (['branch', 'tag', 'sha', 'base_ref', 'is_default_branch']));
const tag_rules_KEYS = {
    semver: ['pattern', 'value'],
    ref: ['event'],
    sha: ['format'],
    raw: ['value'],
    schedule: ['pattern'],
    edge: ['branch'],
};
const COMMON_KEYS = (/* unused pure expression or super */ null && (['type', 'prefix', 'suffix', 'enable']));
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
        throw new InputError(name, line, problem, 'Write rules like type=semver,pattern={{version}} / type=ref,event=branch / type=sha / type=raw,value=stable (see the build-image README)');
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
    if (!(type in tag_rules_KEYS))
        fail(`type "${type}" is unknown (known: ${Object.keys(tag_rules_KEYS).join(', ')})`);
    const t = type;
    for (const key of kv.keys())
        if (!COMMON_KEYS.includes(key) && !tag_rules_KEYS[t].includes(key))
            fail(`"${key}" is not an attribute of type=${t} (it takes ${[...tag_rules_KEYS[t], 'prefix', 'suffix', 'enable'].join(', ')})`);
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
    throw new InputError('tags', rule.source, `enable evaluates to "${value}"`, 'enable must come out as true or false');
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
function reference_apiHost(registry) {
    return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}
/** Loopback registries speak plain HTTP, as dockerd allows for 127.0.0.0/8 by default. */
function reference_isLoopback(registry) {
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
        throw new errors_InputError(input, raw, 'is empty', accepted);
    let rest = s;
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest))
            throw new errors_InputError(input, raw, `has an invalid digest "${digest}"`, accepted);
    }
    let tag;
    const slash = rest.lastIndexOf('/');
    const colon = rest.lastIndexOf(':');
    if (colon > slash) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!isValidTag(tag))
            throw new errors_InputError(input, raw, `has an invalid tag "${tag}"`, accepted);
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
const registry_REGISTRY_BACKOFF = { initialDelayMs: 1000, maxDelayMs: 10_000 };
/** Every manifest type a build can push: OCI and Docker, single-platform and multi-platform. */
const MANIFEST_TYPES = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
    'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
/** A registry request that got an HTTP error status. */
class RegistryError extends errors_ActionError {
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
class registry_RegistryClient {
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
            `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
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
function docker_config_userDockerConfig(env) {
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
function docker_config_removeDockerConfig(dir) {
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
        join(userDockerConfig(env), 'cli-plugins'),
        '/usr/local/lib/docker/cli-plugins',
        '/usr/local/libexec/docker/cli-plugins',
        '/usr/lib/docker/cli-plugins',
        '/usr/libexec/docker/cli-plugins',
    ];
}
/** The docker-buildx plugin the CLI would run, found without starting docker (that costs ~150 ms). */
function findBuildx(env, exists = existsSync) {
    return pluginDirs(env)
        .map((d) => join(d, 'docker-buildx'))
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
function build_log_parseBuildFailure(kind, log, dockerfile = '') {
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
function build_log_isTransientRegistryError(text) {
    if (/unauthorized|denied|forbidden|authentication required|no basic auth credentials|manifest invalid|name unknown|blob unknown|\b40[0-4]\b/i.test(text))
        return false;
    return /\b50[0-4]\b|\b429\b|too ?many ?requests|connection reset|connection refused|broken pipe|i\/o timeout|handshake timeout|unexpected EOF|: EOF\b|server misbehaving|temporary failure|no such host|service unavailable|bad gateway|internal server error|timeout exceeded|deadline exceeded|timed out/i.test(text);
}
/** A buildx build that failed in its push phase (after every step succeeded). */
function build_log_isPushFailure(log) {
    if (/did not complete successfully|returned a non-zero code|error building at STEP/.test(log))
        return false;
    const lines = log.split(/\r?\n/).filter((l) => l.trim() !== '');
    return lines
        .slice(-12)
        .some((l) => /^\s*> pushing |failed to push|pushing layers|failed to do request/i.test(l));
}
/** The last error lines of a log (for messages and classification). */
function build_log_errorLines(log, count = 3) {
    return log
        .split(/\r?\n/)
        .filter((l) => /error/i.test(l))
        .slice(-count)
        .join('\n');
}
/** A build whose push failed for a reason worth another try (buildx pushes inside the build). */
function build_log_isTransientPushFailure(kind, log) {
    if (kind === 'buildx' && !build_log_isPushFailure(log))
        return false;
    return build_log_isTransientRegistryError(build_log_errorLines(log));
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
async function login_login(registry, creds, builder, insecure, deps) {
    const dir = createDockerConfig(deps.env.RUNNER_TEMP, docker_config_userDockerConfig(deps.env), registry);
    deps.onAuthDir?.(dir);
    const c = loginCommand(registry, creds.username, builder, insecure, dir);
    try {
        await retry_retry(() => deps.exec.run(c.command, c.args, {
            input: creds.password,
            ...(c.env ? { env: c.env } : {}),
        }), {
            attempts: 3,
            ...registry_REGISTRY_BACKOFF,
            retryIf: (e) => e instanceof exec_ExecError && build_log_isTransientRegistryError(e.result.stderr),
            onRetry: ({ delayMs, error }) => deps.log.warning(`login to ${registry} failed, retrying in ${delayMs} ms: ${errors_errorMessage(error)}`),
        }, deps.clock);
    }
    catch (e) {
        docker_config_removeDockerConfig(dir);
        const detail = e instanceof exec_ExecError ? e.result.stderr.trim().split('\n').at(-1) : errors_errorMessage(e);
        throw new errors_ActionError(`login to ${registry} as ${creds.username} failed: ${detail ?? ''}. Check the username and password inputs`);
    }
    deps.log.info(`Logged in to ${registry} as ${creds.username} (credentials in a private docker config, removed when the step ends)`);
    return dir;
}

;// CONCATENATED MODULE: ./packages/image/src/verify.ts
/** Reading every pushed tag back from the registry: all must name one digest, the build's. */



async function verify_verifyPush(spec, opts, reported, deps) {
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
    const manifests = [await read(first), ...(await mapLimit(rest, 4, read))];
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
        return readFileSync(path, 'utf8').trim();
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
    const tmp = mkdtempSync(join(deps.env.RUNNER_TEMP || tmpdir(), 'switchyard-build-'));
    let authDir;
    try {
        if (opts.credentials && opts.image.registry) {
            authDir = await login(opts.image.registry, opts.credentials, builder, spec.insecure, deps);
        }
        const files = buildFiles(tmp, authDir);
        // buildah reads build secrets from files; buildx takes them from the environment (builders.ts).
        const secretFiles = builder.kind === 'buildah' ? spec.secrets.map((_, i) => files.secret(i)) : [];
        secretFiles.forEach((f, i) => writeFileSync(f, spec.secrets[i]?.value ?? '', { mode: 0o600 }));
        const dockerEnv = authDir && builder.kind !== 'buildah' ? { DOCKER_CONFIG: authDir } : {};
        const withEnv = (c) => ({ ...c, env: { ...c.env, ...dockerEnv } });
        await build(withEnv(buildCommand(spec, builder, files)), spec, builder, opts, deps);
        secretFiles.forEach((f) => rmSync(f, { force: true }));
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
                ...(await mapLimit(others, 4, (c, i) => pushOne(c, i + 1))),
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
        rmSync(tmp, { recursive: true, force: true });
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















;// CONCATENATED MODULE: ./packages/targets/src/docker/contract.ts
/** Names derive from `<app>-<environment>`, so environments can share a host. */
function dockerNames(prefix) {
    return {
        network: prefix,
        proxy: `${prefix}-proxy`,
        proxyVolume: `${prefix}-proxy`,
        lock: `${prefix}-lock`,
        color: (c) => `${prefix}-${c}`,
    };
}
/** Where the proxy keeps its files: a named volume, so they outlive the proxy container. */
const PROXY_DIR = '/var/lib/switchyard';
const PROXY_FILES = {
    config: `${PROXY_DIR}/haproxy.cfg`,
    map: `${PROXY_DIR}/colors.map`,
    state: `${PROXY_DIR}/state.json`,
};
/** HAProxy's admin socket inside the proxy container (the runtime API). */
const ADMIN_SOCKET = '/tmp/switchyard-admin.sock';
/** The ports the proxy listens on inside its container. */
const PROXY_PORTS = { live: 8080, preview: 8081 };

;// CONCATENATED MODULE: ./packages/targets/src/docker/tar.ts
/**
 * The smallest tar that `docker cp` needs: one regular file in, one regular file out. It lets us
 * write into a container that isn't running and read from one whatever its state, through the
 * Docker API only (so remote hosts work), without temp files on the runner.
 */
const BLOCK = 512;
function octal(n, width) {
    return `${n.toString(8).padStart(width - 1, '0')}\0`;
}
/** A ustar archive holding one file (`name` is a bare file name), as a binary string. */
function tarFile(name, content, mtimeSeconds) {
    if (!/^[\w.-]{1,99}$/.test(name))
        throw new Error(`tar: unsupported file name ${name}`);
    const body = Buffer.from(content, 'utf8');
    const header = Buffer.alloc(BLOCK, 0);
    header.write(name, 0, 'ascii');
    header.write(octal(0o644, 8), 100, 'ascii');
    header.write(octal(0, 8), 108, 'ascii');
    header.write(octal(0, 8), 116, 'ascii');
    header.write(octal(body.length, 12), 124, 'ascii');
    header.write(octal(Math.floor(mtimeSeconds), 12), 136, 'ascii');
    header.write('        ', 148, 'ascii');
    header.write('0', 156, 'ascii');
    header.write('ustar\u000000', 257, 'ascii');
    let sum = 0;
    for (const b of header)
        sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    const pad = Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK, 0);
    return Buffer.concat([header, body, pad, Buffer.alloc(BLOCK * 2, 0)]);
}
/** The content of the first regular file in a tar archive, or undefined when there is none. */
function untarFirstFile(archive) {
    for (let at = 0; at + BLOCK <= archive.length;) {
        const header = archive.subarray(at, at + BLOCK);
        if (header.every((b) => b === 0))
            return undefined;
        const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
        const type = String.fromCharCode(header[156] ?? 0);
        const start = at + BLOCK;
        if (type === '0' || type === '\0')
            return archive.subarray(start, start + size).toString('utf8');
        at = start + Math.ceil(size / BLOCK) * BLOCK;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./packages/targets/src/docker/cli.ts
/** The docker CLI as switchyard uses it: argument arrays, the configured host, clear errors. */


/** The daemon did not answer: every docker command would fail the same way. */
class DockerUnreachableError extends errors_ActionError {
    name = 'DockerUnreachableError';
}
const UNREACHABLE = [
    /Cannot connect to the Docker daemon/i,
    /error during connect/i,
    /Is the docker daemon running/i,
    /context ".*" does not exist/i,
    /ssh: (connect to host|Could not resolve)/i,
];
/** How a host is named in messages (no credentials). */
function describeHost(host) {
    if (host.kind === 'local')
        return 'the local Docker daemon';
    if (host.kind === 'context')
        return `docker context ${host.name}`;
    // Up to the last @ before the host: a password may itself contain @.
    return `DOCKER_HOST ${host.url.replace(/\/\/[^/]*@/, (m) => (m.includes(':') ? '//***@' : m))}`;
}
/** Runs `docker` against one host. */
class DockerCli {
    exec;
    host;
    constructor(exec, host) {
        this.exec = exec;
        this.host = host;
    }
    /** The argv prefix and env that select the host (also what a post step needs). */
    get selector() {
        if (this.host.kind === 'context')
            return { args: ['--context', this.host.name], env: {} };
        if (this.host.kind === 'host')
            return { args: [], env: { DOCKER_HOST: this.host.url } };
        return { args: [], env: {} };
    }
    /** Runs one docker command; a daemon that can't be reached becomes a {@link DockerUnreachableError}. */
    async run(args, options = {}) {
        const { args: pre, env } = this.selector;
        try {
            const result = await this.exec.run('docker', [...pre, ...args], {
                ...options,
                env: { ...env, ...options.env },
            });
            if (result.exitCode !== 0 && this.unreachable(result.stderr))
                throw this.unreachableError(result.stderr);
            return result;
        }
        catch (error) {
            if (error instanceof exec_ExecError && this.unreachable(error.result.stderr))
                throw this.unreachableError(error.result.stderr);
            throw error;
        }
    }
    /** stdout of a command, trimmed. */
    async text(args, options = {}) {
        return (await this.run(args, options)).stdout.trim();
    }
    /** Whether a command succeeds (exit 0), for existence checks. */
    async ok(args) {
        return (await this.run(args, { allowFailure: true, quiet: true })).exitCode === 0;
    }
    /**
     * One file of a container's filesystem, with `docker cp` (works whatever the container's state);
     * undefined when it can't be read (no such file, or no such container).
     */
    async readFile(container, path) {
        const r = await this.run(['cp', `${container}:${path}`, '-'], {
            allowFailure: true,
            quiet: true,
        });
        return r.exitCode === 0 ? untarFirstFile(Buffer.from(r.stdout, 'utf8')) : undefined;
    }
    /**
     * Writes one file (an absolute path) into a container's filesystem with `docker cp` (whatever its
     * state). Resolves to the result, a failure included: callers word it.
     */
    copyInto(container, path, content, mtimeSeconds) {
        const dir = path.slice(0, path.lastIndexOf('/')) || '/';
        const name = path.slice(path.lastIndexOf('/') + 1);
        return this.run(['cp', '-', `${container}:${dir}`], {
            input: tarFile(name, content, mtimeSeconds).toString('utf8'),
            quiet: true,
            allowFailure: true,
        });
    }
    unreachable(stderr) {
        // "Error response from daemon" means the daemon answered (e.g. a registry it could not reach).
        return UNREACHABLE.some((r) => r.test(stderr)) && !/Error response from daemon/i.test(stderr);
    }
    unreachableError(stderr) {
        const line = stderr.trim().split('\n').filter(Boolean).at(-1) ?? '';
        return new DockerUnreachableError(`cannot reach ${describeHost(this.host)}: ${line}. Check that dockerd runs there and that docker-host is right`);
    }
}

;// CONCATENATED MODULE: ./packages/targets/src/docker/inspect.ts
/** Pure readers of `docker inspect` JSON: containers and images, as the Docker target needs them. */



const inspect_HEALTH = ['starting', 'healthy', 'unhealthy'];
/** Reads one container from `docker container inspect --format '{{json .}}'`. */
function parseContainer(json, network) {
    const c = JSON.parse(json);
    const health = inspect_HEALTH.find((h) => h === c.State?.Health?.Status) ?? 'none';
    return {
        id: c.Id ?? '',
        labels: c.Config?.Labels ?? {},
        status: c.State?.Status ?? 'unknown',
        running: c.State?.Running === true,
        exitCode: c.State?.ExitCode ?? 0,
        health,
        restarts: c.RestartCount ?? 0,
        address: c.NetworkSettings?.Networks?.[network]?.IPAddress ?? '',
    };
}
/**
 * The color status a container's labels and state describe: undefined if it isn't one of ours, or
 * if it never started (`created`: a `docker start` that failed, or a run killed before it), which
 * runs no release, whatever its labels say.
 */
function colorStatus(view) {
    const l = view.labels;
    const color = contract_COLORS.find((c) => c === l[LABELS.color]);
    if (!color || l[LABELS.role] !== 'app' || view.status === 'created')
        return undefined;
    return {
        color: color,
        ...storedRelease(l, LABELS),
        state: view.status,
        running: view.running,
        health: view.health,
        ...(view.running ? {} : { exitCode: view.exitCode }),
    };
}
/** The TCP ports of an image's `ExposedPorts` (`{"80/tcp": {}}`), sorted. */
function exposedPorts(exposed) {
    return Object.keys(exposed ?? {})
        .map((k) => /^(\d+)(?:\/tcp)?$/.exec(k)?.[1])
        .filter((p) => p !== undefined)
        .map(Number)
        .filter((n) => n >= 1 && n <= 65535)
        .sort((a, b) => a - b);
}
/**
 * Reads an image from `docker image inspect --format '{{json .}}'`. The identity is the digest
 * the reference pins, else the repo digest of the reference's repository, else the image id.
 */
function inspect_parseImage(json, ref, given) {
    const i = JSON.parse(json);
    const repo = formatReference({ ...(ref.registry && { registry: ref.registry }), path: ref.path });
    const repoDigest = (i.RepoDigests ?? []).find((d) => d.startsWith(`${repo}@`) || d.startsWith(`${repository(ref)}@`));
    const digest = ref.digest ?? repoDigest?.slice(repoDigest.indexOf('@') + 1);
    const version = i.Config?.Labels?.['org.opencontainers.image.version'];
    return {
        ref: given,
        pinned: digest ? `${repo}@${digest}` : (i.Id ?? given),
        digest: digest ?? i.Id ?? '',
        ...(version ? { version } : {}),
        ports: exposedPorts(i.Config?.ExposedPorts),
    };
}

;// CONCATENATED MODULE: ./packages/targets/src/docker/lock.ts
/**
 * The per-app+environment deploy lock on the Docker host itself: a container with a fixed name.
 * `docker create --name` is atomic (a second create fails with a conflict), so two runners can't
 * both hold it. The container is never started; its labels say who holds it, since when and its
 * first expiry. Labels can't change, so a renewal writes the new expiry into the container as a
 * small file (`docker cp`, by container id): see docs/adrs/0012-lease-lock.md.
 */



/** The file in the lock container that holds the renewed expiry: `{"expires": ISO, "renewedAt": ISO}`. */
const LEASE_FILE = 'switchyard-lease.json';
const lock_iso = (ms) => new Date(ms).toISOString();
/** An ISO time as ms; a missing or unreadable one never expires (a lock that is not ours). */
const expiryOf = (text) => {
    const ms = text === undefined ? NaN : Date.parse(text);
    return Number.isNaN(ms) ? Infinity : ms;
};
class DockerLock {
    docker;
    names;
    image;
    labels;
    clock;
    log;
    constructor(docker, names, 
    /** Any image on the host: the lock container is only created, never run. */
    image, labels, clock, log) {
        this.docker = docker;
        this.names = names;
        this.image = image;
        this.labels = labels;
        this.clock = clock;
        this.log = log;
    }
    /** Takes the lock, waiting up to `timeoutMs`, as a lease that `renew` extends by `ttlMs`. */
    async lease(me, opts) {
        const taken = await this.acquire(me, opts);
        let expiresAt = taken.expiresAt;
        return {
            id: taken.id,
            get expiresAt() {
                return expiresAt;
            },
            ...(taken.broke && { broke: taken.broke }),
            renew: async () => {
                const next = this.clock.now() + opts.ttlMs;
                await this.renew(taken.id, next);
                expiresAt = next;
            },
            release: () => this.release(taken.id),
        };
    }
    /**
     * Takes the lock, waiting up to `timeoutMs`. A lock past its expiry is removed (by id, so of two
     * waiters only one removes it and only one create wins); with `me.breakReason`, the lock found
     * at the first look is removed whatever its expiry.
     */
    async acquire(me, opts) {
        const waiting = new LockWait(this.clock.now(), opts.timeoutMs, this.clock, this.log);
        let breakable = me.breakReason !== undefined;
        let broke;
        for (;;) {
            const now = this.clock.now();
            const r = await this.create(me, now, now + opts.ttlMs);
            if (r.exitCode === 0) {
                this.log.info(`took the deploy lock ${this.names.lock} (a lease until ${lock_iso(now + opts.ttlMs)}, renewed every ${duration_formatDuration(opts.ttlMs / 3)} while this run works)`);
                if (breakable)
                    this.log.info('--break-lock: the deploy lock was free, nothing was broken');
                return { id: r.stdout.trim(), expiresAt: now + opts.ttlMs, ...(broke && { broke }) };
            }
            if (!/conflict|already in use/i.test(r.stderr))
                throw new errors_ActionError(`could not create the lock ${this.names.lock}: ${r.stderr.trim()}`);
            const holder = await this.holder();
            if (!holder)
                continue; // released between our create and our look
            if (breakable && me.breakReason !== undefined) {
                breakable = false;
                await this.remove(holder.id, true);
                const { deployId, actor, since, expiresAt } = holder;
                broke = { held: { deployId, actor, since, expiresAt }, reason: me.breakReason };
                continue;
            }
            if (holder.expiresAt <= now) {
                this.log.warning(`removing a stale deploy lock held by ${holder.deployId} (${holder.actor}) since ${holder.since}, expired at ${lock_iso(holder.expiresAt)}`);
                await this.remove(holder.id, false);
                continue;
            }
            await waiting.turn(holder, now, `remove it with "docker rm ${this.names.lock}"`);
        }
    }
    /**
     * Moves the expiry of the lock container `id` (this holder's) to `expiresAt`. Written by id: if
     * the container is gone (taken over as stale, or broken), the lease is lost.
     */
    async renew(id, expiresAt) {
        const now = this.clock.now();
        const content = JSON.stringify({ expires: lock_iso(expiresAt), renewedAt: lock_iso(now) });
        const r = await this.docker.copyInto(id, `/${LEASE_FILE}`, content, now / 1000);
        if (r.exitCode === 0)
            return;
        // docker cp words a missing container in several ways ("must be a directory" for `cp -`): ask.
        const gone = await this.docker.run(['container', 'inspect', '--format', '{{.Id}}', id], {
            allowFailure: true,
            quiet: true,
        });
        if (gone.exitCode !== 0 && /no such (container|object)/i.test(gone.stderr))
            throw new LeaseLostError(`lost the deploy lock ${this.names.lock}: another run took it over (it had lapsed) or broke it`);
        throw new errors_ActionError(`could not renew the lock ${this.names.lock}: ${r.stderr.trim()}`);
    }
    /** Releases a lock this run holds (by id, so a newer holder's lock is never removed). */
    async release(id) {
        await this.docker.run(['rm', '-f', id], { allowFailure: true, quiet: true });
    }
    create(me, now, expiresAt) {
        return this.docker.run([
            'create',
            '--name',
            this.names.lock,
            ...Object.entries({
                ...this.labels,
                [LABELS.role]: 'lock',
                [LABELS.deployId]: me.deployId,
                [LABELS.actor]: me.actor,
                [LABELS.createdAt]: lock_iso(now),
                [LABELS.expires]: lock_iso(expiresAt),
                [LABELS.token]: me.token,
            }).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
            '--entrypoint',
            'haproxy',
            this.image,
        ], { allowFailure: true, quiet: true });
    }
    /** Removes another holder's lock container by id; one already gone is fine. */
    async remove(id, force) {
        const r = await this.docker.run(['rm', ...(force ? ['-f'] : []), id], {
            allowFailure: true,
            quiet: true,
        });
        if (r.exitCode !== 0 && !/no such container/i.test(r.stderr))
            throw new errors_ActionError(`could not remove the lock ${this.names.lock}: ${r.stderr.trim()}`);
    }
    /** The lock's holder: its labels, and the expiry of its last renewal when it renewed. */
    async holder() {
        const r = await this.docker.run(['container', 'inspect', '--format', '{{json .Id}} {{json .Config.Labels}}', this.names.lock], { allowFailure: true, quiet: true });
        if (r.exitCode !== 0)
            return undefined;
        const [idJson = '""', ...rest] = r.stdout.trim().split(' ');
        const labels = (JSON.parse(rest.join(' ') || '{}') ?? {});
        const id = JSON.parse(idJson);
        const labelled = expiryOf(labels[LABELS.expires]);
        // A lock without an expiry (not ours, or damaged) never goes stale by itself.
        const renewed = Number.isFinite(labelled) ? await this.renewedExpiry(id) : undefined;
        return {
            id,
            deployId: labels[LABELS.deployId] ?? 'unknown',
            actor: labels[LABELS.actor] ?? 'unknown',
            since: labels[LABELS.createdAt] ?? 'unknown',
            expiresAt: Math.max(labelled, renewed ?? -Infinity),
        };
    }
    /** The expiry the holder's last renewal wrote, if it renewed (and the file reads). */
    async renewedExpiry(id) {
        const text = await this.docker.readFile(id, `/${LEASE_FILE}`);
        if (text === undefined)
            return undefined;
        try {
            const doc = JSON.parse(text);
            const ms = typeof doc.expires === 'string' ? Date.parse(doc.expires) : NaN;
            return Number.isNaN(ms) ? undefined : ms;
        }
        catch {
            return undefined; // damaged: the label's expiry stands
        }
    }
}

;// CONCATENATED MODULE: ./packages/targets/src/docker/haproxy.ts
/**
 * HAProxy as the Docker target's router (DESIGN.md §3), as pure functions: the config file, the
 * color map, and parsers for the runtime API's answers. The live frontend picks its backend per
 * request from a map (`live → blue|green`), so a switch is one `set map` on the admin socket: no
 * reload, no dropped keep-alive request. The map file is rewritten too, so a restart keeps the color.
 */


/**
 * The port of HAProxy's Prometheus exporter inside the proxy container (HAProxy's own docs use
 * 8405). Its backend series name the color: `proxy="be_blue"`, `proxy="be_green"`.
 */
const EXPORTER_PORT = 8405;
/** The exporter's frontend: `/metrics` answers in Prometheus's text format, nothing else is served. */
function exporterSection(c) {
    if (c.metricsPort === 'off')
        return [];
    return [
        'frontend metrics',
        `  bind :${EXPORTER_PORT}`,
        '  no log',
        '  http-request use-service prometheus-exporter if { path /metrics }',
        '  http-request return status 404 content-type text/plain string "switchyard: the metrics are at /metrics"',
        '',
    ];
}
/** The haproxy.cfg for one app+environment. Deterministic: same input, same text. */
function renderConfig(c) {
    const backends = contract_COLORS.map((color) => [
        `backend be_${color}`,
        // Docker's DNS resolves the container name; a replaced container's new address is picked
        // up by the resolver, and the deploy also sets it on the runtime API before any switch.
        `  server app ${c.prefix}-${color}:${c.containerPort} resolvers docker init-addr libc,none`,
    ].join('\n'));
    const route = (key) => `  use_backend be_%[str(${key}),map(${PROXY_FILES.map},none)]`;
    return [
        `# Written by switchyard for ${c.app} (${c.environment}). Do not edit: every deploy rewrites it.`,
        `# The live color is in ${PROXY_FILES.map}; switches go through the admin socket.`,
        'global',
        `  stats socket ${ADMIN_SOCKET} mode 600 level admin`,
        '  stats timeout 10s',
        '  log stdout format raw daemon notice',
        '',
        'resolvers docker',
        '  nameserver dns 127.0.0.11:53',
        '  timeout resolve 1s',
        '  timeout retry 1s',
        '  hold valid 10s',
        '  hold obsolete 10s',
        '  hold nx 10s',
        '',
        'defaults',
        '  mode http',
        '  log global',
        '  option http-keep-alive',
        '  timeout connect 5s',
        '  timeout client 60s',
        '  timeout server 60s',
        '  timeout http-request 10s',
        ...c.defaults.map((l) => `  ${l.trim()}`),
        '',
        'frontend live',
        `  bind :${PROXY_PORTS.live}`,
        route('live'),
        '  default_backend be_none',
        '',
        'frontend preview',
        `  bind :${PROXY_PORTS.preview}`,
        route('preview'),
        '  default_backend be_none',
        '',
        ...exporterSection(c),
        'backend be_none',
        '  http-request return status 503 content-type text/plain string "switchyard: no color is routed here yet"',
        '',
        ...backends.flatMap((b) => [b, '']),
    ].join('\n');
}
/**
 * The map file: always both keys, `live <color|none>` and `preview <color|none>`, so the runtime
 * API can `set map` either one (it only sets existing keys). `none` routes to be_none (503).
 */
function renderMap(routes) {
    return `live ${routes.live ?? 'none'}\npreview ${routes.preview ?? 'none'}\n`;
}
/** Reads a map file or a `show map` answer (`0x55… live green` lines). */
function parseMap(text) {
    const routes = { live: null, preview: null };
    for (const line of text.split('\n')) {
        const parts = line.trim().split(/\s+/);
        const [key, value] = parts.length === 3 ? parts.slice(1) : parts;
        const color = contract_COLORS.find((c) => c === value);
        if ((key === 'live' || key === 'preview') && color)
            routes[key] = color;
    }
    return routes;
}
/** The runtime commands that set both routes, `;`-separated (one admin-socket connection). */
function switchCommands(routes) {
    return ['live', 'preview']
        .map((k) => `set map ${PROXY_FILES.map} ${k} ${routes[k] ?? 'none'}`)
        .join(';');
}
/** Parses `show servers state` (version line, `#` header, one line per server). */
function parseServersState(text) {
    const lines = text.split('\n').map((l) => l.trim());
    const header = lines
        .find((l) => l.startsWith('# be_id'))
        ?.slice(2)
        .split(/\s+/) ?? [];
    const col = (name) => header.indexOf(name);
    return lines
        .filter((l) => l !== '' && !l.startsWith('#') && l.split(/\s+/).length > 5)
        .map((l) => {
        const f = l.split(/\s+/);
        return {
            backend: f[col('be_name')] ?? '',
            address: f[col('srv_addr')] ?? '',
            operational: Number(f[col('srv_op_state')] ?? -1),
            admin: Number(f[col('srv_admin_state')] ?? -1),
        };
    });
}
/**
 * Whether an answer of the runtime API reports a failure. It always answers with exit 0; errors
 * are text (`Unknown command`, `No such …`, `Permission denied`, …).
 */
function runtimeError(answer) {
    const text = answer.trim();
    if (text === '')
        return undefined;
    const bad = /unknown|no such|not found|denied|invalid|error|require|can't|cannot|missing|expects/i;
    return text
        .split('\n')
        .map((l) => l.trim())
        .find((l) => bad.test(l));
}

;// CONCATENATED MODULE: ./packages/targets/src/docker/proxy-state.ts
/**
 * Pure parts of the proxy's container lifecycle (proxy.ts): reading `docker inspect`, naming the
 * state a broken proxy is in, picking HAProxy's complaints out of its output, and the argv of the
 * throwaway container that checks a config without touching the proxy.
 */



/**
 * Reads the proxy from `docker container inspect --format '{{json .}}'`. A container of that name
 * that switchyard did not create is an error (it would be replaced or routed through otherwise).
 */
function parseProxyInfo(json, name) {
    const c = JSON.parse(json);
    const labels = c.Config?.Labels ?? {};
    if (labels[LABELS.role] !== 'proxy')
        throw new errors_ActionError(`a container named ${name} exists but switchyard did not create it (no ${LABELS.role}=proxy label). Rename or remove it, or pick another app/environment name`);
    const restarting = c.State?.Restarting === true || c.State?.Status === 'restarting';
    return {
        // Docker reports a crash-looping container as Running (and Restarting) between its crashes.
        running: c.State?.Running === true && !restarting,
        state: restarting ? 'restarting' : (c.State?.Status ?? 'unknown'),
        restarts: c.RestartCount ?? 0,
        image: c.Config?.Image ?? '',
        publish: labels[LABELS.publish] ?? '',
    };
}
/** How a proxy that does not run is named in messages: `crash-looping (restarted 5 times)`. */
function describeProxyState(info) {
    if (info.state === 'restarting')
        return `crash-looping (restarted ${info.restarts} time${info.restarts === 1 ? '' : 's'})`;
    if (info.state === 'exited')
        return 'stopped (exited)';
    if (info.state === 'created')
        return 'created but never started';
    return info.state;
}
/**
 * HAProxy's own complaints in its output or logs (`[ALERT] … : config : parsing [...]: …`), each
 * once (a crash loop repeats them), the last `max` of them, without the `[NOTICE]` noise; '' when
 * there are none. When some are about the config, only those: they say why it won't start, where
 * an alert such as a worker terminated by the last stop says nothing.
 */
function haproxyAlerts(text, max = 5) {
    const all = text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /\[ALERT\]|\berror\b/i.test(l));
    const config = all.filter((l) => /: config :/.test(l));
    const lines = config.length > 0 ? config : all;
    return lines
        .filter((l, i) => lines.lastIndexOf(l) === i)
        .slice(-max)
        .join('\n');
}
/** Where the throwaway check container writes the candidate config (never the proxy's volume). */
const CHECK_FILE = '/tmp/haproxy.cfg';
/**
 * `docker run` argv that validates a config (given on stdin) with `haproxy -c` in a throwaway
 * container of `image`, with the proxy's volume mounted read-only so the map file the config
 * names is there. It works whatever state the proxy is in (crash-looping included) and never
 * writes to the volume, so a rejected config changes nothing.
 */
function checkConfigArgs(image, volume) {
    return [
        'run',
        '--rm',
        '-i',
        '-u',
        '0',
        '--network',
        'none',
        '-v',
        `${volume}:${PROXY_DIR}:ro`,
        '--entrypoint',
        'sh',
        image,
        '-c',
        `cat > ${CHECK_FILE} && exec haproxy -c -f ${CHECK_FILE}`,
    ];
}
/**
 * Docker's reason in a command's stderr: the daemon's own answer (`Error response from daemon: …`)
 * when there is one (the CLI adds a vaguer last line, `Error: failed to start containers: x`),
 * else the last non-empty line.
 */
function dockerReason(text) {
    const daemon = text.split('\n').find((l) => l.includes('Error response from daemon'));
    return daemon?.trim() ?? proxy_state_lastLine(text);
}
/** The last non-empty line of a command's stderr. */
function proxy_state_lastLine(text) {
    return (text
        .trim()
        .split('\n')
        .filter((l) => l.trim())
        .at(-1)
        ?.trim() ?? '');
}

;// CONCATENATED MODULE: ./packages/targets/src/docker/proxy.ts
/**
 * The HAProxy container in front of one app+environment, managed only through the Docker API:
 * its files in a named volume, its routes changed on the admin socket (`docker exec … socat`).
 * Files are written with `docker cp` when it does not run (or exec fails), so a stopped or
 * crash-looping proxy can still be repaired. Its creation and repair are in proxy-setup.ts.
 */




class DockerProxy {
    docker;
    names;
    spec;
    clock;
    log;
    openSession;
    session;
    constructor(docker, names, 
    /** What the proxy should be (read by proxy-setup.ts, which creates and repairs it). */
    spec, clock, log, 
    /** Opens a kept-open runtime session; without it every command is a one-shot exec. */
    openSession) {
        this.docker = docker;
        this.names = names;
        this.spec = spec;
        this.clock = clock;
        this.log = log;
        this.openSession = openSession;
    }
    /**
     * Opens the kept-open runtime session if it isn't (best effort): later commands, the switch
     * above all, then skip the cost of starting a `docker exec`.
     */
    async arm() {
        if (!this.openSession || this.session?.alive)
            return;
        const { args, env } = this.docker.selector;
        try {
            this.session = await this.openSession([...args, ...this.socatArgs()], env);
        }
        catch (error) {
            this.session = undefined;
            this.log.debug(`runtime session not available, using one exec per command: ${String(error)}`);
        }
    }
    /** Closes the runtime session, if one is open. */
    close() {
        this.session?.close();
        this.session = undefined;
    }
    /** `exec … socat stdio unix-connect:<socket>` (with `-i`: stdin carries the commands). */
    socatArgs() {
        return [
            'exec',
            '-i',
            '-u',
            '0',
            this.names.proxy,
            'socat',
            'stdio',
            `unix-connect:${ADMIN_SOCKET}`,
        ];
    }
    /** The proxy container, or undefined before the first deploy. */
    async info() {
        const r = await this.docker.run(['container', 'inspect', '--format', '{{json .}}', this.names.proxy], { allowFailure: true, quiet: true });
        if (r.exitCode !== 0) {
            if (/no such (container|object)/i.test(r.stderr))
                return undefined;
            throw new errors_ActionError(`docker inspect ${this.names.proxy} failed: ${r.stderr.trim()}`);
        }
        return parseProxyInfo(r.stdout, this.names.proxy);
    }
    /**
     * HAProxy's complaints in the proxy's last log lines (`[ALERT] …`), '' when there are none: why
     * a proxy that crash-loops does.
     */
    async alerts() {
        return haproxyAlerts(await this.logs());
    }
    /**
     * Sends commands to the HAProxy runtime API and returns its answer. For commands that change
     * something (`check`), any answer that reads as an error throws; `show` answers are data (they
     * contain container names, which may hold any word) and are parsed by their callers instead.
     */
    async runtime(commands, check = true) {
        let answer;
        if (this.session?.alive) {
            answer = await this.session.send(commands).catch(() => undefined);
            if (answer === undefined)
                this.close();
        }
        if (answer === undefined) {
            const r = await this.docker.run(this.socatArgs(), {
                input: `${commands}\n`,
                quiet: true,
                allowFailure: true,
            });
            if (r.exitCode !== 0)
                throw await this.notAnswering(r.stderr);
            answer = r.stdout;
        }
        const bad = check ? runtimeError(answer) : undefined;
        if (bad)
            throw new errors_ActionError(`the proxy's runtime API refused "${commands}": ${bad}`);
        return answer;
    }
    /**
     * The routes in force: the runtime map when the proxy runs, else the map file. Pass the proxy's
     * `info()` when the caller has just read it.
     */
    async routes(known) {
        const info = known ?? (await this.info());
        if (!info)
            return { live: null, preview: null };
        if (info.running)
            return parseMap(await this.runtime(`show map ${PROXY_FILES.map}`, false));
        return parseMap((await this.readFile(PROXY_FILES.map)) ?? '');
    }
    /**
     * Sets both routes in one runtime call (the atomic switch), checks the proxy took them, then
     * rewrites the map file so a restart keeps them. Returns how long the runtime call took: from
     * its end on, every new request goes to the new route.
     */
    async setRoutes(routes) {
        const routedMs = await this.route(routes);
        await this.saveRoutes(routes);
        return routedMs;
    }
    /**
     * Sets both routes in one runtime call and checks the proxy took them; the map file is left as
     * it was ({@link saveRoutes} persists them). Returns how long the runtime call took.
     */
    async route(routes) {
        const start = this.clock.now();
        await this.runtime(switchCommands(routes));
        const routedMs = this.clock.now() - start;
        const now = parseMap(await this.runtime(`show map ${PROXY_FILES.map}`, false));
        if (now.live !== routes.live || now.preview !== routes.preview)
            throw new errors_ActionError(`the proxy reports live=${now.live ?? 'none'} preview=${now.preview ?? 'none'} after the switch to live=${routes.live ?? 'none'}`);
        return routedMs;
    }
    /** Rewrites the map file (atomically), so a proxy restart routes as `routes` says. */
    async saveRoutes(routes) {
        await this.writeFile(PROXY_FILES.map, renderMap(routes));
    }
    /** The routes the map file holds (what a restart would route), or undefined when it is missing. */
    async savedRoutes() {
        const text = await this.readFile(PROXY_FILES.map);
        return text === undefined ? undefined : parseMap(text);
    }
    /** The backend servers as the proxy sees them now. */
    async servers() {
        return parseServersState(await this.runtime('show servers state', false));
    }
    /**
     * Points a color's backend at a container address right away (the resolver would take up to a
     * second). A server that never resolved can't be set this way; the resolver then does it.
     */
    async pointAt(color, address, port) {
        await this.runtime(`set server be_${color}/app addr ${address} port ${port}`).catch(() => undefined);
    }
    /** A file from the proxy's volume (undefined when missing); works whether or not it runs. */
    readFile(path) {
        return this.docker.readFile(this.names.proxy, path);
    }
    /**
     * Writes a file into the proxy's volume: atomically (write, then rename) through `docker exec`
     * when it runs; with `docker cp` when it doesn't (`running` false) or the exec fails, which works
     * on a stopped or crash-looping container too.
     */
    async writeFile(path, content, running = true) {
        if (running) {
            const r = await this.docker.run([
                'exec',
                '-i',
                '-u',
                '0',
                this.names.proxy,
                'sh',
                '-c',
                'cat > "$1.tmp" && mv -f "$1.tmp" "$1"',
                'sh',
                path,
            ], { input: content, quiet: true, allowFailure: true });
            if (r.exitCode === 0)
                return;
            this.log.debug(`writing ${path} through docker exec failed (${proxy_state_lastLine(r.stderr)}); writing it with docker cp`);
        }
        await this.copyInto(this.names.proxy, path, content);
    }
    /** Writes one file into a container's filesystem with `docker cp` (whatever its state). */
    async copyInto(container, path, content) {
        const r = await this.docker.copyInto(container, path, content, this.clock.now() / 1000);
        if (r.exitCode !== 0)
            throw new errors_ActionError(`could not write ${path} into the proxy ${container} (docker cp): ${proxy_state_lastLine(r.stderr)}`);
    }
    /** The proxy's last 20 log lines ('' when they can't be read). */
    async logs() {
        return this.docker
            .run(['logs', '--tail', '20', this.names.proxy], { allowFailure: true, quiet: true })
            .then((r) => `${r.stdout}${r.stderr}`)
            .catch(() => '');
    }
    /**
     * Why a one-shot runtime command failed, in words: the proxy's state, docker's and HAProxy's
     * messages, and what repairs it. Never a bare "docker exec … exited with 126".
     */
    async notAnswering(stderr) {
        const { names } = this;
        const info = await this.info().catch(() => undefined);
        const said = info?.running === false || !info ? await this.alerts() : '';
        const state = !info ? 'gone' : info.running ? 'running' : describeProxyState(info);
        const fix = info?.running === true
            ? 'Check that the proxy image has socat and sh (docs/adrs/0004)'
            : 'A deploy or rollback repairs it: it writes a valid config with docker cp and restarts the proxy';
        return new errors_ActionError(`the proxy ${names.proxy} does not answer on its admin socket: it is ${state} (docker exec: ${proxy_state_lastLine(stderr) || 'failed'})${said ? `; HAProxy said:\n${said}\n` : '. '}${fix}`);
    }
    /** Whether the admin socket answers now (one `show info`). */
    async answers() {
        const r = await this.docker.run(this.socatArgs(), {
            input: 'show info\n',
            allowFailure: true,
            quiet: true,
        });
        return r.exitCode === 0 && /Name: HAProxy/.test(r.stdout);
    }
    /** Waits until the admin socket answers (the proxy started or reloaded). */
    async waitAnswering() {
        const deadline = this.clock.now() + 15_000;
        const outcome = await retry_poll(() => this.answers(), { attempts: Infinity, deadline, initialDelayMs: 100, maxDelayMs: 500, done: (ok) => ok }, this.clock);
        if (!outcome.result)
            throw new errors_ActionError(`the proxy ${this.names.proxy}'s admin socket did not answer within 15s`);
    }
}

;// CONCATENATED MODULE: ./packages/targets/src/docker/proxy-setup.ts
/**
 * The proxy container's lifecycle (ADR 0004): created on the first deploy, and repaired by every
 * deploy and rollback after: re-created on another `proxy.image`, restarted with a valid config
 * when it crash-loops, its config replaced and reloaded when it changed. A config is checked with
 * `haproxy -c` in a throwaway container (proxy-state.ts) before it is ever applied.
 */





/**
 * `bind:port,preview` (`,metrics=<port>` when the exporter is published): recorded on the proxy so
 * a changed port is noticed, not ignored. A proxy created before the exporter had a port keeps
 * its label.
 */
function publishLabel(spec) {
    const metrics = spec.config?.metricsPort;
    return `${spec.bind}:${spec.port},${spec.previewPort}${typeof metrics === 'number' ? `,metrics=${metrics}` : ''}`;
}
/** `-p` for the exporter, when `proxy.metrics-port` publishes it. */
function exporterPublish(spec) {
    const port = spec.config.metricsPort;
    return typeof port === 'number' ? ['-p', `${hostPort(spec.bind, port)}:${EXPORTER_PORT}`] : [];
}
/** The port the proxy's config routes to (`server app <name>:<port>`), if it has one. */
function routedPort(config) {
    const port = /server app \S+:(\d+)/.exec(config ?? '')?.[1];
    return port === undefined ? undefined : Number(port);
}
/** Creates, re-creates and repairs one app+environment's proxy container. */
class ProxySetup {
    proxy;
    docker;
    names;
    spec;
    clock;
    log;
    constructor(proxy, docker, names, spec, clock, log) {
        this.proxy = proxy;
        this.docker = docker;
        this.names = names;
        this.spec = spec;
        this.clock = clock;
        this.log = log;
    }
    /**
     * Makes sure the network, the volume and a running proxy with the current config and image
     * exist, and repairs a broken one:
     * - none yet: created;
     * - another `proxy.image`: re-created on it, which restarts HAProxy (said in the log);
     * - not running (stopped, or crash-looping on a broken config): a valid config written with
     *   `docker cp` when it differs, then (re)started;
     * - running with another config: the config replaced and reloaded (no restart).
     * A new config is checked with `haproxy -c` in a throwaway container first; a rejected one
     * changes nothing. `read` is the proxy's config file as the caller already read it, if it did.
     */
    async ensure(app, read) {
        const config = renderConfig({ ...this.spec.config, containerPort: app.port });
        const found = await this.proxy.info();
        if (!found) {
            await this.create(config);
            return 'created';
        }
        const existing = await this.looping(found);
        const wanted = publishLabel(this.spec);
        if (existing.publish !== wanted)
            throw new errors_ActionError(`the proxy ${this.names.proxy} publishes ${existing.publish} but the config asks for ${wanted} (bind:port,preview-port[,metrics=proxy.metrics-port]). ` +
                `Changing ports means re-creating the proxy, a short outage: run "docker rm -f ${this.names.proxy}" on the host at a quiet time, then deploy again`);
        const current = read ? read.config : await this.proxy.readFile(PROXY_FILES.config);
        const port = routedPort(current);
        if (port !== undefined && port !== app.port)
            throw new errors_ActionError(`the app's port changed from ${port} to ${app.port} (${app.source}); the live color still listens on ${port}, so the proxy can't switch ports in place. ` +
                `Set docker.container-port: ${port} if the app still listens there; else deploy the new port under a new environment name, or remove the proxy ("docker rm -f ${this.names.proxy}", a short outage) and deploy again`);
        if (existing.image !== this.spec.image) {
            await this.recreate(existing, config);
            return 'recreated';
        }
        if (!existing.running)
            return this.repair(existing, config, current === config);
        if (current === config)
            return 'unchanged';
        await this.applyConfig(config);
        return 'reloaded';
    }
    /**
     * A proxy Docker calls running but that has restarted (its restart policy at work) may be in a
     * crash loop, running only for a moment between two crashes: one `show info` tells. One that
     * does not answer is taken as crash-looping, so it is repaired rather than reloaded.
     */
    async looping(info) {
        if (!info.running || info.restarts === 0 || (await this.proxy.answers()))
            return info;
        return { ...info, running: false, state: 'restarting' };
    }
    async create(config) {
        const { names, spec } = this;
        const labels = labelArgs(spec.labels);
        if (!(await this.docker.ok(['network', 'inspect', names.network])))
            await this.docker.run(['network', 'create', ...labels, names.network]);
        await this.docker.run(['volume', 'create', ...labels, names.proxyVolume]);
        this.log.info(`creating the proxy ${names.proxy} (${spec.image}) on ${publishLabel(spec)}`);
        await this.createContainer(names.proxy, spec.image, config);
        await this.startCreated();
    }
    /**
     * `docker create` of a proxy container named `name` on `image`, its config and (if missing) an
     * empty map written into the volume; not started. A failure removes what it created.
     */
    async createContainer(name, image, config) {
        const { names, spec } = this;
        await this.docker.run([
            'create',
            '--name',
            name,
            '--network',
            names.network,
            '--restart',
            'unless-stopped',
            ...labelArgs({
                ...spec.labels,
                [LABELS.role]: 'proxy',
                [LABELS.publish]: publishLabel(spec),
            }),
            '-p',
            `${hostPort(spec.bind, spec.port)}:${PROXY_PORTS.live}`,
            '-p',
            `${hostPort(spec.bind, spec.previewPort)}:${PROXY_PORTS.preview}`,
            ...exporterPublish(spec),
            '-v',
            `${names.proxyVolume}:${PROXY_DIR}`,
            '--entrypoint',
            'haproxy',
            image,
            '-W',
            '-db',
            '-f',
            PROXY_FILES.config,
        ]);
        try {
            await this.proxy.copyInto(name, PROXY_FILES.config, config);
            if ((await this.proxy.readFile(PROXY_FILES.map)) === undefined)
                await this.proxy.copyInto(name, PROXY_FILES.map, renderMap({ live: null, preview: null }));
        }
        catch (error) {
            await this.docker.run(['rm', '-f', name], { allowFailure: true, quiet: true });
            throw error;
        }
    }
    /** Starts the (created) proxy and waits for its admin socket; a failure removes it. */
    async startCreated() {
        const { names } = this;
        try {
            await this.docker.run(['start', names.proxy]);
            await this.proxy.waitAnswering();
        }
        catch (error) {
            const logs = (await this.proxy.logs()).trim();
            await this.docker.run(['rm', '-f', names.proxy], { allowFailure: true, quiet: true });
            throw new errors_ActionError(`the proxy ${names.proxy} did not start${logs ? `; HAProxy said:\n${logs}` : ''}\n(${errors_errorMessage(error)})`);
        }
    }
    /**
     * Re-creates the proxy on the configured image (`proxy.image` changed). Published ports can't
     * pass from one container to another, so this is a restart of HAProxy, not a no-drop switch: new
     * connections are refused, and open ones closed, for about the time `docker start` takes. The
     * new container is created (and its config checked on the new image) before the old one is
     * removed, to keep that short; the routes in force are saved first, so the new one serves the
     * same colors. If the new image does not start, the old one is put back.
     */
    async recreate(existing, config) {
        const { names, spec } = this;
        await this.validate(config, spec.image);
        if (existing.running)
            await this.keepRuntimeRoutes(existing);
        this.log.warning(`proxy.image changed from ${existing.image} to ${spec.image}: re-creating the proxy ${names.proxy}. ` +
            'This restarts HAProxy; it is not a no-drop switch: for about a second new connections are refused and open ones are closed. ' +
            `The routes and the record are kept (volume ${names.proxyVolume})`);
        this.proxy.close();
        const next = `${names.proxy}-next`;
        await this.docker.run(['rm', '-f', next], { allowFailure: true, quiet: true });
        await this.createContainer(next, spec.image, config);
        const removed = this.clock.now();
        await this.docker.run(['rm', '-f', names.proxy], { quiet: true });
        await this.docker.run(['rename', next, names.proxy], { quiet: true });
        try {
            await this.startCreated();
        }
        catch (error) {
            const back = await this.createContainer(names.proxy, existing.image, config)
                .then(() => this.startCreated())
                .then(() => `the proxy runs ${existing.image} again`, (e) => `putting ${existing.image} back failed too: ${errors_errorMessage(e)}`);
            throw new errors_ActionError(`the new proxy image ${spec.image} did not start, so ${back}. ${errors_errorMessage(error)}`);
        }
        this.log.info(`the proxy ${names.proxy} runs ${spec.image}, answering ${duration_formatDuration(this.clock.now() - removed)} after the old one was removed`);
    }
    /**
     * Before a re-create: the runtime routes are the truth, so a map file that disagrees (a run
     * stopped between the switch and its save) is brought in line, or the new proxy would route the
     * old way.
     */
    async keepRuntimeRoutes(existing) {
        const [routes, saved] = await Promise.all([
            this.proxy.routes(existing),
            this.proxy.savedRoutes(),
        ]);
        if (saved?.live === routes.live && saved.preview === routes.preview)
            return;
        this.log.warning(`the proxy routes live=${routes.live ?? 'none'} preview=${routes.preview ?? 'none'} but its map file says otherwise: saving the routes in force before the re-create`);
        await this.proxy.saveRoutes(routes);
    }
    /**
     * Brings back a proxy that does not run: stopped, or crash-looping (a broken config, restarted
     * by its restart policy again and again). `config` (when the file differs from it) is checked,
     * then written with `docker cp`, which works on a container in any state; the config in place is
     * checked too, so a proxy that can't start fails at once with HAProxy's own words.
     */
    async repair(existing, config, inPlace) {
        const { names } = this;
        const looping = existing.state === 'restarting';
        const said = looping ? await this.proxy.alerts() : '';
        await this.validate(config, this.spec.image);
        if (!inPlace)
            await this.proxy.copyInto(names.proxy, PROXY_FILES.config, config);
        this.log.warning(`the proxy ${names.proxy} was ${describeProxyState(existing)}: ` +
            `${!inPlace ? 'wrote a valid config and ' : ''}${looping ? 'restarting' : 'starting'} it (live traffic was not served meanwhile)` +
            (said ? `. HAProxy said:\n${said}` : ''));
        this.proxy.close();
        const started = await this.docker.run([looping ? 'restart' : 'start', names.proxy], {
            allowFailure: true,
            quiet: true,
        });
        try {
            if (started.exitCode !== 0)
                throw new errors_ActionError(proxy_state_lastLine(started.stderr));
            await this.proxy.waitAnswering();
        }
        catch (error) {
            const now = await this.proxy.alerts();
            throw new errors_ActionError(`the proxy ${names.proxy} did not come back after a ${looping ? 'restart' : 'start'}${now ? `; HAProxy said:\n${now}\n` : ''} (${errors_errorMessage(error)})`);
        }
        return !inPlace || looping ? 'repaired' : 'started';
    }
    /**
     * Checks a config with `haproxy -c` in a throwaway container of `image` (proxy-state.ts), so a
     * config is never applied unchecked, whatever state the proxy is in.
     */
    async validate(config, image) {
        const check = await this.docker.run(checkConfigArgs(image, this.names.proxyVolume), {
            input: config,
            allowFailure: true,
            quiet: true,
        });
        if (check.exitCode === 0)
            return;
        const why = haproxyAlerts(`${check.stdout}\n${check.stderr}`, 20);
        throw new errors_ActionError(`HAProxy rejected the new proxy config, so the running one stays in force (check proxy.defaults in the config file):\n${why || check.stderr.trim()}`);
    }
    /**
     * Puts a checked config in place on a running proxy and reloads it (no restart). A proxy that
     * does not take the reload (it died meanwhile) is restarted, the valid config now in place.
     */
    async applyConfig(config) {
        const { names } = this;
        await this.validate(config, this.spec.image);
        await this.proxy.writeFile(PROXY_FILES.config, config);
        this.log.info(`proxy config changed: reloading ${names.proxy} (no restart)`);
        const reload = await this.docker.run(['kill', '--signal', 'USR2', names.proxy], {
            allowFailure: true,
            quiet: true,
        });
        try {
            if (reload.exitCode !== 0)
                throw new errors_ActionError(proxy_state_lastLine(reload.stderr));
            await this.clock.sleep(200);
            await this.proxy.waitAnswering();
        }
        catch (error) {
            this.log.warning(`the proxy ${names.proxy} did not take the reload (${errors_errorMessage(error)}); restarting it with the new config`);
            this.proxy.close();
            await this.docker.run(['restart', names.proxy], { quiet: true });
            await this.proxy.waitAnswering();
        }
    }
}
/** `--label k=v` arguments. */
function labelArgs(labels) {
    return Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}
/** `bind:port` for `docker -p`, with brackets for an IPv6 bind address. */
function hostPort(bind, port) {
    return `${bind.includes(':') ? `[${bind}]` : bind}:${port}`;
}

;// CONCATENATED MODULE: ./packages/targets/src/docker/run-args.ts
/** The `docker create` argv for one color: a pure function, table-tested. */

/** `docker create …` for a color container. Secrets never appear in it, only their names. */
function colorRunArgs(s, c) {
    const env = {
        ...s.env,
        SWITCHYARD_APP: c.labels[LABELS.app] ?? '',
        SWITCHYARD_ENVIRONMENT: c.labels[LABELS.environment] ?? '',
        SWITCHYARD_COLOR: c.color,
        SWITCHYARD_VERSION: c.labels[LABELS.version] ?? '',
    };
    return [
        'create',
        '--name',
        c.name,
        '--network',
        c.network,
        '--restart',
        'unless-stopped',
        '--stop-timeout',
        String(Math.ceil(s.stopTimeoutMs / 1000)),
        ...Object.entries(c.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
        ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
        ...(s.envFile ? ['--env-file', s.envFile] : []),
        ...c.secretNames.flatMap((n) => ['--env', n]),
        ...s.volumes.flatMap((v) => ['--volume', v]),
        ...(s.resources.cpus ? ['--cpus', s.resources.cpus] : []),
        ...(s.resources.memory ? ['--memory', s.resources.memory] : []),
        c.image,
        ...(s.command ?? []),
    ];
}

;// CONCATENATED MODULE: ./packages/targets/src/failpoint.ts
/**
 * Named points where a test can stop a run as a SIGKILL would (no cleanup, no post-processing), to
 * prove that what a dead run leaves behind is repaired by the next one. The step's environment
 * names the point: `SWITCHYARD_FAILPOINT=switch:routed`. Nothing else reads it, and a point that is
 * not named changes nothing.
 */
/** The variable that names the failpoint to stop at. */
const FAILPOINT_VARIABLE = 'SWITCHYARD_FAILPOINT';
/** The points a target stops at, in the order a switch passes them. */
const FAILPOINTS = {
    /** The router serves the new routes; nothing persisted them yet. */
    routed: 'switch:routed',
    /** The router's saved routes are written too; the record is not. */
    routesSaved: 'switch:routes-saved',
};
/** Kills this process at once when `env` names `point`. */
function failpoint(env, point) {
    if (env?.[FAILPOINT_VARIABLE] !== point)
        return;
    process.stderr.write(`failpoint ${point}: killing this process (${FAILPOINT_VARIABLE})\n`);
    process.kill(process.pid, 'SIGKILL');
}

;// CONCATENATED MODULE: ./packages/targets/src/switched.ts
/**
 * Failures after live traffic moved (issue 20): whatever fails after a switch — saving the routes
 * or the record, reading the state back, writing the step's outputs — must not read like a deploy
 * that did not happen. Its message starts with what is live now and that the switch happened.
 */

/** `live traffic is on green (2.0.0) — the switch happened; then: ` */
function switchedPrefix(live) {
    return `live traffic is on ${live.color}${live.version ? ` (${live.version})` : ''} — the switch happened; then: `;
}
/** A failure after a switch: its message says that the switch happened and what is live, then what failed. */
class AfterSwitchError extends errors_ActionError {
    live;
    failure;
    name = 'AfterSwitchError';
    constructor(live, failure) {
        super(`${switchedPrefix(live)}${errors_errorMessage(failure)}`);
        this.live = live;
        this.failure = failure;
    }
}
/**
 * Runs work that follows a switch to `live` (undefined: no switch happened, errors pass as they
 * are). A failure is re-thrown as an {@link AfterSwitchError}; one that already is passes as is.
 */
async function afterSwitch(live, work) {
    try {
        return await work();
    }
    catch (error) {
        if (!live || error instanceof AfterSwitchError)
            throw error;
        throw new AfterSwitchError(live, error);
    }
}
/** What a run's result says is live, when the run switched (else undefined). */
function switchedTo(result) {
    const color = result.after.live;
    if (!result.switched || !color)
        return undefined;
    const version = result.after.colors[color]?.version;
    return { color, ...(version && { version }) };
}

;// CONCATENATED MODULE: ./packages/targets/src/docker/target.ts
/**
 * The Docker target (DESIGN.md §3): `<prefix>-blue` / `<prefix>-green` containers on a network of
 * their own, and an HAProxy container in front that owns the public and preview ports. Everything
 * goes through the docker CLI, so a remote host is reached the standard way (DOCKER_HOST, context).
 */
















/** How plans and logs word the Docker target's steps. */
const WORDS = {
    setup: 'create the proxy, its network and volume',
    ready: "container running, its image's health check not unhealthy (healthy with docker.wait-for-image-health)",
    switch: 'one runtime call on the proxy',
};
class DockerTarget {
    s;
    deps;
    description;
    words = WORDS;
    url;
    previewUrl;
    docker;
    names;
    proxy;
    setup;
    labels;
    /** The version each color runs, as last read or started: what a post-switch failure names. */
    versions = new Map();
    /** Set once this run moved live traffic: later failures say so (switched.ts). */
    switched;
    constructor(s, deps) {
        this.s = s;
        this.deps = deps;
        this.docker = new DockerCli(deps.exec, s.host);
        this.names = dockerNames(`${s.app}-${s.environment}`);
        this.labels = { [LABELS.app]: s.app, [LABELS.environment]: s.environment };
        this.description = `docker (${describeHost(s.host)})`;
        const host = publicHost(s.host, s.bind);
        this.url = s.url ?? `http://${host}:${s.port}`;
        this.previewUrl = s.previewUrl ?? `http://${host}:${s.previewPort}`;
        this.proxy = new DockerProxy(this.docker, this.names, {
            image: s.proxyImage,
            bind: s.bind,
            port: s.port,
            previewPort: s.previewPort,
            labels: this.labels,
            config: {
                app: s.app,
                environment: s.environment,
                prefix: `${s.app}-${s.environment}`,
                defaults: s.proxyDefaults,
                ...(s.proxyMetricsPort !== undefined && { metricsPort: s.proxyMetricsPort }),
            },
        }, deps.clock, deps.log, deps.runtimeSession);
        this.setup = new ProxySetup(this.proxy, this.docker, this.names, this.proxy.spec, deps.clock, deps.log);
    }
    async connect() {
        const version = await this.docker.text(['version', '--format', '{{.Server.Version}}']);
        if (!version)
            throw new errors_ActionError(`${describeHost(this.s.host)} did not report a version`);
        if (this.s.host.kind === 'context' && !this.s.previewUrl)
            this.deps.log.warning(`docker-host is a context, so the host name is unknown: readiness checks use ${this.previewUrl}. Set url and preview-url in the config file if the context is remote`);
        return `Docker ${version}`;
    }
    async findImage(ref) {
        const parsed = parseImageReference('image', ref);
        const r = await this.docker.run(['image', 'inspect', '--format', '{{json .}}', ref], {
            allowFailure: true,
            quiet: true,
        });
        return r.exitCode === 0 ? inspect_parseImage(r.stdout, parsed, ref) : undefined;
    }
    /** The private docker config of a registry login (credentials given), per registry. */
    logins = new Map();
    /**
     * A pull's environment: with credentials, a login into a private DOCKER_CONFIG first (once per
     * registry). The proxy image is the target's own and is pulled as the host is set up.
     */
    async pullEnv(ref) {
        const creds = this.deps.credentials;
        if (!creds || ref === this.s.proxyImage)
            return undefined;
        const registry = parseImageReference('image', ref).registry ?? 'docker.io';
        let dir = this.logins.get(registry);
        if (dir === undefined) {
            dir = await login_login(registry, creds, { kind: 'docker', version: '' }, false, {
                exec: this.deps.exec,
                clock: this.deps.clock,
                log: this.deps.log,
                env: this.deps.env ?? {},
                ...(this.deps.onPrivateDir && { onAuthDir: this.deps.onPrivateDir }),
            });
            this.logins.set(registry, dir);
        }
        return { DOCKER_CONFIG: dir };
    }
    /** The ports of the last image a deploy resolved (for {@link appPort}). */
    exposed;
    settledPort;
    /**
     * The port the app listens on in its containers, settled once per run: `container-port` when
     * set; else the one port the image being deployed exposes (EXPOSE), or the one of several the
     * proxy already routes to; else the port the proxy routes to (a rollback, promote or status);
     * else the default, with a line that says so.
     */
    async appPort(read) {
        if (this.settledPort)
            return this.settledPort;
        const settle = (port, source) => (this.settledPort = { port, source });
        if (this.s.containerPort !== undefined)
            return settle(this.s.containerPort, 'docker.container-port');
        const routed = routedPort(read ? read.config : await this.proxy.readFile(PROXY_FILES.config));
        const image = this.exposed;
        const ports = image?.ports ?? [];
        const [only] = ports;
        if (ports.length === 1 && only !== undefined) {
            if (routed === undefined)
                this.deps.log.info(`the app listens on port ${only}, as ${image?.ref ?? 'the image'} exposes it (set docker.container-port to override)`);
            return settle(only, `the image's EXPOSE ${only}/tcp`);
        }
        if (ports.length > 1) {
            if (routed !== undefined && ports.includes(routed))
                return settle(routed, `of the image's EXPOSE ${ports.join(', ')}, the one the proxy routes to`);
            throw new errors_ActionError(`${image?.ref ?? 'the image'} exposes several ports (${ports.join(', ')}), so switchyard can't tell which one serves the app: set docker.container-port (or the container-port input) to it`);
        }
        if (routed !== undefined)
            return settle(routed, 'the port the proxy already routes to');
        this.deps.log.info(`${image ? `${image.ref} exposes no port` : 'no image says which port the app listens on'}: the proxy sends requests to port ${DOCKER_DEFAULTS.containerPort}, the default. Set docker.container-port if the app listens elsewhere`);
        return settle(DOCKER_DEFAULTS.containerPort, 'the default');
    }
    async resolveImage(ref, pull) {
        const image = await this.pullOrFind(ref, pull);
        this.exposed = { ref, ports: image.ports ?? [] };
        return image;
    }
    async pullOrFind(ref, pull) {
        if (pull !== 'always') {
            const found = await this.findImage(ref);
            if (found)
                return found;
            if (pull === 'never')
                throw new errors_ActionError(`image ${ref} is not on ${describeHost(this.s.host)} and pull is "never". Build or pull it there first, or set pull: missing`);
        }
        const env = await this.pullEnv(ref);
        const r = await this.docker.run(['pull', ref], { allowFailure: true, ...(env && { env }) });
        if (r.exitCode !== 0) {
            const line = r.stderr.trim().split('\n').filter(Boolean).at(-1) ?? '';
            throw new errors_ActionError(`could not pull ${ref} on ${describeHost(this.s.host)}: ${line}. Check the image reference, and the registry-username/registry-password inputs for a private registry`);
        }
        const found = await this.findImage(ref);
        if (!found)
            throw new errors_ActionError(`pulled ${ref}, but docker can't find it afterwards`);
        return found;
    }
    lockHandle(holder) {
        return { kind: 'docker', host: this.s.host, name: this.names.lock, token: holder.token };
    }
    /** The lock container, a lease whose renewals write its expiry into it (see lock.ts). */
    async lock(holder, opts) {
        // The lock container is created from the proxy image, which every deploy needs anyway (the
        // target's own image: not one a deploy resolves, so it says nothing of the app's port).
        await this.pullOrFind(this.s.proxyImage, 'missing');
        return new DockerLock(this.docker, this.names, this.s.proxyImage, this.labels, this.deps.clock, this.deps.log).lease(holder, opts);
    }
    /** Creates the proxy, or repairs it (another image, a broken config, crash-looping): proxy-setup.ts. */
    async prepare() {
        // The proxy's config, read once: the port it routes to settles the app's, and ensure compares it.
        const read = { config: await this.proxy.readFile(PROXY_FILES.config) };
        const change = await this.setup.ensure(await this.appPort(read), read);
        // The kept-open runtime session from here on: readiness looks and the switch skip a docker exec each.
        await this.proxy.arm();
        return change;
    }
    status() {
        return afterSwitch(this.switched, () => this.readStatus());
    }
    async readStatus() {
        // One round of independent reads: the proxy and both colors, then its routes and files.
        const [found, ...views] = await Promise.all([
            this.proxy.info(),
            ...contract_COLORS.map((color) => this.container(color)),
        ]);
        let proxy = found;
        const colors = {};
        contract_COLORS.forEach((color, i) => {
            const view = views[i];
            const status = view && colorStatus(view);
            if (status) {
                colors[color] = status;
                this.versions.set(color, status.version);
            }
        });
        if (!proxy)
            return { live: null, previous: null, history: [], colors, exists: false, notes: [] };
        // A crash-looping proxy shows as running for a moment between two crashes, and then does not
        // answer: it is read as not running (its map file, and a note), not as an error.
        const known = proxy;
        const [routes, stored, savedRead] = await Promise.all([
            this.proxy.routes(known).catch(async (error) => {
                const now = await this.proxy.info();
                if (!now)
                    throw error;
                proxy = now.running
                    ? { ...now, running: false, state: now.restarts > 0 ? 'restarting' : 'not answering' }
                    : now;
                return this.proxy.routes(proxy);
            }),
            this.proxy.readFile(PROXY_FILES.state),
            // Running, the routes in force are the runtime's; what a restart would serve is the file's.
            known.running ? this.proxy.savedRoutes() : undefined,
        ]);
        const saved = proxy.running ? savedRead : undefined;
        const { record, notes } = parseRecord(stored);
        const fixed = reconcile(record, routes.live, this.deps.clock.now());
        const routerDown = proxy.running
            ? undefined
            : `the proxy ${this.names.proxy} is ${describeProxyState(proxy)}`;
        if (!proxy.running) {
            const said = proxy.state === 'restarting' ? await this.proxy.alerts() : '';
            notes.push(`the proxy ${this.names.proxy} is ${describeProxyState(proxy)}: nothing is served${said ? ` (HAProxy said: ${said.replace(/\n/g, ' | ')})` : ''}. ` +
                'A deploy or rollback repairs it: it writes a valid config and restarts the proxy');
        }
        if (proxy.image !== this.s.proxyImage)
            notes.push(`the proxy runs ${proxy.image} but proxy.image is ${this.s.proxyImage}: the next deploy or rollback re-creates it on the new image (a restart of the proxy, about a second without service)`);
        const unsaved = saved && (saved.live !== routes.live || saved.preview !== routes.preview)
            ? `the proxy routes live=${routes.live ?? 'none'} preview=${routes.preview ?? 'none'} but its map file says live=${saved.live ?? 'none'} preview=${saved.preview ?? 'none'}: a restart would serve the latter`
            : undefined;
        const interrupted = {
            ...(unsaved !== undefined && { routes: unsaved }),
            ...(fixed.note !== undefined && { record: fixed.note }),
        };
        return {
            ...fixed.record,
            colors,
            exists: true,
            notes: [...notes, ...Object.values(interrupted)],
            ...(Object.keys(interrupted).length > 0 && { interrupted }),
            ...(routerDown !== undefined && { routerDown }),
        };
    }
    async start(color, image, release) {
        const routes = await this.proxy.routes();
        if (routes.live === color)
            throw new errors_ActionError(`refusing to replace ${this.names.color(color)}: it is the live color`);
        const name = this.names.color(color);
        // Created beside whatever holds this color now (a warm previous release), which gives way
        // only once the new container runs: a failed create or start, or a run killed meanwhile,
        // leaves the warm color in place. A leftover of a killed run goes first.
        const next = `${name}-next`;
        await this.docker.run(['rm', '-f', next], { allowFailure: true, quiet: true });
        const secretEnv = this.deps.secretValues ?? {};
        await this.docker.run(colorRunArgs(this.s, {
            name: next,
            network: this.names.network,
            color,
            image: image.pinned,
            labels: {
                ...this.labels,
                [LABELS.role]: 'app',
                [LABELS.color]: color,
                ...releaseEntries(release, LABELS),
            },
            secretNames: Object.keys(secretEnv),
        }), { env: secretEnv });
        if (this.s.network)
            await this.docker.run(['network', 'connect', this.s.network, next]);
        const started = await this.docker.run(['start', next], { allowFailure: true });
        if (started.exitCode !== 0) {
            // A container that never ran is no release: removed, so status never shows it as one.
            await this.docker.run(['rm', '-f', next], { allowFailure: true, quiet: true });
            throw new errors_ActionError(`could not start ${name} (${release.image}): ${dockerReason(started.stderr) || `docker start exited with ${started.exitCode}`}. ` +
                `The container was removed; live traffic was not touched (it stays on ${routes.live ?? 'nothing'}), and whatever ${color} held before is still there`);
        }
        await this.docker.run(['rm', '-f', name], { allowFailure: true, quiet: true });
        const renamed = await this.docker.run(['rename', next, name], {
            allowFailure: true,
            quiet: true,
        });
        if (renamed.exitCode !== 0) {
            // Docker can't rename a container that is between two crashes (its restart policy restarts
            // it): stopped, renamed, then started again, so readiness sees it crash as it would.
            await this.docker.run(['stop', '-t', '0', next], { allowFailure: true, quiet: true });
            await this.docker.run(['rename', next, name], { quiet: true });
            await this.docker.run(['start', name], { allowFailure: true, quiet: true });
        }
        this.versions.set(color, release.version);
        await this.routePreview(routes, color);
    }
    async readiness(color) {
        const view = await this.container(color);
        if (!view)
            return {
                running: false,
                failed: true,
                health: 'none',
                routed: false,
                detail: 'container is gone',
            };
        const failed = ['exited', 'dead', 'restarting'].includes(view.status) || view.restarts > 0;
        let routed = false;
        if (view.running && view.address) {
            const find = async () => (await this.proxy.servers()).find((s) => s.backend === `be_${color}`);
            let server = await find();
            if (server?.address !== view.address) {
                await this.proxy.pointAt(color, view.address, (await this.appPort()).port);
                server = await find();
            }
            routed = server?.address === view.address && server.operational === 2 && server.admin === 0;
            // Close to ready: open the runtime session now, so the switch doesn't wait for a docker exec.
            if (routed)
                await this.proxy.arm();
        }
        const detail = [
            // A crash restarted by the restart policy shows as running again: name it a crash.
            view.restarts > 0
                ? `container crashed and was restarted ${view.restarts} time(s), now ${view.status}`
                : `container ${view.status}`,
            view.status === 'exited' ? `exit code ${view.exitCode}` : '',
            view.health !== 'none' ? `docker health ${view.health}` : '',
            view.running && !routed ? 'proxy not routed to it yet' : '',
        ]
            .filter(Boolean)
            .join(', ');
        const status = colorStatus(view);
        return {
            running: view.running,
            failed,
            health: view.health,
            awaitHealth: this.s.waitForImageHealth,
            routed,
            detail,
            ...(status && { status }),
        };
    }
    async logs(color, lines) {
        const r = await this.docker.run(['logs', '--tail', String(lines), this.names.color(color)], {
            allowFailure: true,
            quiet: true,
        });
        return `${r.stdout}${r.stderr}`.trimEnd();
    }
    async stop(color) {
        await this.docker.run(['stop', '-t', String(Math.ceil(this.s.stopTimeoutMs / 1000)), this.names.color(color)], { allowFailure: true });
    }
    async switchTo(color) {
        await this.proxy.arm();
        const routes = { live: color, preview: contract_otherColor(color) };
        // Routed first (the atomic step), then saved for a restart; a run that stops in between
        // leaves status().interrupted for the next one to repair.
        const routedMs = await this.proxy.route(routes);
        const version = this.versions.get(color);
        this.switched = { color, ...(version && { version }) };
        failpoint(this.deps.env, FAILPOINTS.routed);
        await afterSwitch(this.switched, () => this.proxy.saveRoutes(routes).catch((error) => {
            throw new errors_ActionError(`could not save the routes in ${PROXY_FILES.map} (${errors_errorMessage(error)}): a restart of the proxy would route the old way until the next deploy, rollback or status repairs it`);
        }));
        failpoint(this.deps.env, FAILPOINTS.routesSaved);
        return routedMs;
    }
    async saveRoutes() {
        await this.proxy.saveRoutes(await this.proxy.routes());
    }
    close() {
        this.proxy.close();
        for (const dir of this.logins.values())
            docker_config_removeDockerConfig(dir);
        this.logins.clear();
        return Promise.resolve();
    }
    /** Routes the preview to `color`, given the routes in force (a start already read them). */
    async routePreview(routes, color) {
        if (routes.preview !== color)
            await this.proxy.setRoutes({ live: routes.live, preview: color });
    }
    saveRecord(record) {
        return afterSwitch(this.switched, () => this.proxy.writeFile(PROXY_FILES.state, `${JSON.stringify(record_recordOf(record), null, 2)}\n`));
    }
    async container(color) {
        const r = await this.docker.run(['container', 'inspect', '--format', '{{json .}}', this.names.color(color)], { allowFailure: true, quiet: true });
        return r.exitCode === 0 ? parseContainer(r.stdout, this.names.network) : undefined;
    }
}
/** The host name users reach a published port on. */
function publicHost(host, bind) {
    if (host.kind === 'host') {
        try {
            const u = new URL(host.url);
            if (u.protocol !== 'unix:' && u.hostname)
                return u.hostname;
        }
        catch {
            /* fall through */
        }
    }
    if (bind === '0.0.0.0' || bind === '::')
        return host.kind === 'context' ? 'localhost' : '127.0.0.1';
    return bind.includes(':') ? `[${bind}]` : bind;
}

;// CONCATENATED MODULE: ./packages/targets/src/docker/create.ts
/**
 * The Docker target as a kind (see kinds.ts): built from an environment whose target section is
 * `docker:`, and what it tells a monitor about the workload (the labels its metrics carry, the
 * container's limits).
 */



function create(c, d, deps) {
    return new DockerTarget({
        app: c.app,
        environment: c.environment,
        host: d.host,
        port: d.port,
        previewPort: d.previewPort,
        bind: d.bind,
        ...(c.url !== undefined && { url: c.url }),
        ...(c.previewUrl !== undefined && { previewUrl: c.previewUrl }),
        proxyImage: d.proxy.image,
        proxyDefaults: d.proxy.defaults,
        ...(d.proxy.metricsPort !== undefined && { proxyMetricsPort: d.proxy.metricsPort }),
        ...(d.containerPort !== undefined && { containerPort: d.containerPort }),
        env: c.env,
        ...(d.envFile !== undefined && { envFile: d.envFile }),
        volumes: d.volumes,
        ...(d.network !== undefined && { network: d.network }),
        resources: d.resources,
        ...(d.command !== undefined && { command: d.command }),
        stopTimeoutMs: d.stopTimeoutMs,
        waitForImageHealth: d.waitForImageHealth,
    }, 
    // HAProxy's runtime API through one kept-open session: switches in milliseconds.
    { ...deps, runtimeSession: openRuntimeSession });
}
/**
 * The series of an environment's containers carry `app`, `environment` and `color` when Prometheus
 * maps the containers' switchyard.* labels to them (docker_sd relabelling; the monitor-window README
 * shows it). Limits are docker's `--cpus` and `--memory`.
 */
function telemetry(c, d) {
    const memory = d.resources.memory === undefined ? Number.NaN : memoryBytes(d.resources.memory);
    return {
        selector: { app: c.app, environment: c.environment },
        colorLabel: 'color',
        ...(d.resources.cpus !== undefined && { cpuLimit: Number(d.resources.cpus) }),
        ...(Number.isFinite(memory) && { memoryLimitBytes: memory }),
        limitsFrom: 'docker.resources',
        ...(d.proxy.metricsPort !== 'off' && {
            proxy: {
                selector: { app: c.app, environment: c.environment },
                colorLabel: 'proxy',
                colorValues: { blue: 'be_blue', green: 'be_green' },
            },
        }),
    };
}
const DOCKER_KIND = { create, telemetry };

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

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/manifests.ts
/**
 * The user's manifests, read (pure): multi-document YAML (or JSON, or a `kind: List`) into plain
 * objects, and the workload found in them — the one Deployment, the public Service (and a preview
 * Service of the user's own, if any) — apart from everything else, which is applied as given.
 * Errors name the source, the object and the fix.
 */



const isRecord = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Server-set fields of an object exported with `kubectl get -o yaml`: never sent back. */
const SERVER_FIELDS = [
    'resourceVersion',
    'uid',
    'creationTimestamp',
    'generation',
    'managedFields',
    'selfLink',
];
/** An object without what the server sets (status, resourceVersion, …) and kubectl's apply record. */
function clean(o) {
    const meta = { ...o.metadata };
    for (const k of SERVER_FIELDS)
        delete meta[k];
    if (isRecord(meta.annotations)) {
        const annotations = { ...meta.annotations };
        delete annotations[LAST_APPLIED];
        delete annotations['deployment.kubernetes.io/revision'];
        meta.annotations = annotations;
        if (Object.keys(annotations).length === 0)
            delete meta.annotations;
    }
    const out = { ...o, metadata: meta };
    delete out.status;
    return out;
}
/**
 * Every object in `text` (a file's content, or `kubectl kustomize` output), `source` naming it in
 * errors. Empty documents are skipped; a `kind: List` (what `kubectl get -o yaml` writes) is
 * flattened.
 */
function parseManifests(text, source) {
    const docs = (0,dist/* parseAllDocuments */.hR)(text, { prettyErrors: true });
    const out = [];
    docs.forEach((doc, i) => {
        const error = doc.errors[0];
        if (error) {
            const at = error.linePos?.[0];
            throw new errors_ActionError(`${source}${at ? ` line ${at.line}, column ${at.col}` : ''} is not valid YAML (${error.message.split('\n')[0] ?? ''}). Fix the manifest: \`kubectl kustomize\` or \`kubectl apply --dry-run=client -f\` shows the same`);
        }
        const value = doc.toJS({ maxAliasCount: 100 });
        if (value === null || value === undefined)
            return;
        const items = isRecord(value) && value.kind === 'List' && Array.isArray(value.items)
            ? value.items
            : [value];
        for (const item of items)
            out.push(checkObject(item, `${source} document ${i + 1}`));
    });
    return out;
}
function checkObject(v, where) {
    if (!isRecord(v))
        throw new errors_ActionError(`${where} is not a Kubernetes object (a mapping with apiVersion, kind and metadata.name)`);
    const meta = v.metadata;
    if (typeof v.apiVersion !== 'string' || typeof v.kind !== 'string')
        throw new errors_ActionError(`${where} has no apiVersion or kind: every manifest needs both`);
    if (!isRecord(meta) || typeof meta.name !== 'string' || meta.name === '')
        throw new errors_ActionError(`${where} (${v.kind}) has no metadata.name${isRecord(meta) && meta.generateName ? ' (generateName is not supported: switchyard applies objects by name)' : ''}`);
    return clean(v);
}
/** `Deployment/shop`: how an object is named in messages. */
const describe = (o) => `${o.kind}/${o.metadata.name}`;
const isKind = (o, kind, group) => o.kind === kind &&
    (o.apiVersion === group ||
        o.apiVersion.startsWith(`${group}/`) ||
        (group === '' && o.apiVersion === 'v1'));
/** A mapping of strings at `path` under `o` ({} when absent). */
function stringMap(v) {
    if (!isRecord(v))
        return {};
    return Object.fromEntries(Object.entries(v).filter((e) => typeof e[1] === 'string'));
}
/** A nested value of a plain object (`at(o, 'spec', 'template')`). */
function at(o, ...path) {
    let v = o;
    for (const key of path)
        v = isRecord(v) ? v[key] : undefined;
    return v;
}
/**
 * The workload in `objects`: exactly one `apps/v1` Deployment, and the Service named
 * `names.service` whose selector picks the Deployment's pods. A Service named `names.preview` is
 * the user's preview Service. Objects in another namespace than the target's are refused.
 */
function findWorkload(objects, names, namespace) {
    const deployments = objects.filter((o) => isKind(o, 'Deployment', 'apps'));
    if (deployments.length !== 1)
        throw new errors_ActionError(deployments.length === 0
            ? `the manifests hold no Deployment (found ${objects.map(describe).join(', ') || 'nothing'}): switchyard derives the blue and green Deployments from yours. Add the Deployment of the app to kubernetes.manifests`
            : `the manifests hold ${deployments.length} Deployments (${deployments.map(describe).join(', ')}): switchyard deploys one workload per app. Keep one in kubernetes.manifests, and deploy the others as apps of their own`);
    const [deployment] = deployments;
    const services = objects.filter((o) => isKind(o, 'Service', ''));
    const service = services.find((s) => s.metadata.name === names.service);
    if (!service) {
        const found = services.map((s) => s.metadata.name).filter((n) => n !== names.preview);
        throw new errors_ActionError(`the manifests hold no Service named ${names.service}${found.length > 0 ? ` (they hold ${found.map((n) => `Service/${n}`).join(', ')})` : ''}: switchyard switches live traffic by the public Service's selector. ${found.length === 1 ? `Set kubernetes.service: ${found[0] ?? ''} in the config file` : `Add a Service named ${names.service} that selects the Deployment's pods, or set kubernetes.service to its name`}`);
    }
    const preview = services.find((s) => s.metadata.name === names.preview);
    for (const o of objects)
        if (namespace !== undefined &&
            o.metadata.namespace !== undefined &&
            o.metadata.namespace !== namespace)
            throw new errors_ActionError(`${describe(o)} is in namespace ${o.metadata.namespace}, but the environment deploys to ${namespace} (kubernetes.namespace): remove metadata.namespace from the manifest, or set kubernetes.namespace to ${o.metadata.namespace}`);
    checkWorkload(deployment, service);
    if (preview)
        checkService(preview, deployment);
    return {
        deployment,
        service,
        ...(preview && { preview }),
        others: objects.filter((o) => o !== deployment && o !== service && o !== preview),
    };
}
/** The keys of a label map that are switchyard's own (the user must not set them). */
const ours = (m) => Object.keys(m).filter((k) => k.startsWith(PREFIX));
function checkWorkload(deployment, service) {
    const selector = at(deployment, 'spec', 'selector');
    const template = stringMap(at(deployment, 'spec', 'template', 'metadata', 'labels'));
    const matchLabels = stringMap(at(selector, 'matchLabels'));
    if (!isRecord(selector) ||
        (Object.keys(matchLabels).length === 0 && !Array.isArray(selector.matchExpressions)))
        throw new errors_ActionError(`${describe(deployment)} has no spec.selector: apps/v1 Deployments need one (matchLabels matching the pod template's labels)`);
    const mine = [...ours(matchLabels), ...ours(template)];
    if (mine.length > 0)
        throw new errors_ActionError(`${describe(deployment)} sets ${[...new Set(mine)].join(', ')}: switchyard sets the ${PREFIX}* labels itself (${K8S_LABELS.color} is what a switch changes). Remove them from the manifest`);
    if (!Array.isArray(at(deployment, 'spec', 'template', 'spec', 'containers')))
        throw new errors_ActionError(`${describe(deployment)} has no spec.template.spec.containers`);
    checkService(service, deployment);
}
function checkService(service, deployment) {
    const selector = stringMap(at(service, 'spec', 'selector'));
    const template = stringMap(at(deployment, 'spec', 'template', 'metadata', 'labels'));
    if (ours(selector).length > 0)
        throw new errors_ActionError(`${describe(service)} selects on ${ours(selector).join(', ')}: switchyard owns the color in the Service's selector (a selector written in the manifest would switch traffic back on the next apply). Remove it from the manifest`);
    const misses = Object.entries(selector).filter(([k, v]) => template[k] !== v);
    if (Object.keys(selector).length === 0 || misses.length > 0)
        throw new errors_ActionError(`${describe(service)} ${Object.keys(selector).length === 0 ? 'has no selector' : `selects ${misses.map(([k, v]) => `${k}=${v}`).join(', ')}, which the pods of ${describe(deployment)} don't carry`}: its selector must pick the Deployment's pods (a subset of spec.template.metadata.labels)`);
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/render.ts
/**
 * The objects switchyard applies, derived from the user's workload (pure): a color's Deployment
 * (`<app>-<color>`: the color in its selector and pod labels, the image by digest in the named or
 * only container, the release in its annotations; replicas, resources, probes and env as written),
 * the public Service with the live color in its selector, and the preview Service on the idle
 * color. A Deployment's selector is immutable, so each color is an object of its own.
 */




const record = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...v } : {};
/** The replica count the manifests ask for (apps/v1 defaults it to 1). */
function manifestReplicas(deployment) {
    const r = at(deployment, 'spec', 'replicas');
    return typeof r === 'number' && Number.isInteger(r) && r >= 0 ? r : 1;
}
/** The container that runs the image: the named one, or the only one. */
function imageContainer(deployment, name) {
    const containers = at(deployment, 'spec', 'template', 'spec', 'containers').map((c) => {
        const n = record(c).name;
        return typeof n === 'string' ? n : '';
    });
    if (name !== undefined) {
        if (containers.includes(name))
            return name;
        throw new errors_ActionError(`${describe(deployment)} has no container named ${name} (kubernetes.container); it has ${containers.join(', ')}`);
    }
    if (containers.length === 1)
        return containers[0] ?? '';
    throw new errors_ActionError(`${describe(deployment)} has ${containers.length} containers (${containers.join(', ')}): set kubernetes.container to the one that runs the deployed image`);
}
/** `color`'s Deployment running `pinned` (`repo@sha256:…`) in the image container. */
function colorDeployment(w, s, color, pinned, release) {
    const d = w.deployment;
    const colored = { ...s.labels, [K8S_LABELS.color]: color };
    const spec = record(d.spec);
    const selector = record(spec.selector);
    const template = record(spec.template);
    const podMeta = record(template.metadata);
    const podSpec = record(template.spec);
    const name = imageContainer(d, s.container);
    const containers = podSpec.containers.map((c) => {
        const x = record(c);
        return x.name === name ? { ...x, image: pinned } : x;
    });
    const pullSecrets = Array.isArray(podSpec.imagePullSecrets)
        ? podSpec.imagePullSecrets
        : [];
    const withSecret = s.imagePullSecret === undefined || pullSecrets.some((p) => record(p).name === s.imagePullSecret)
        ? pullSecrets
        : [...pullSecrets, { name: s.imagePullSecret }];
    return {
        ...d,
        metadata: {
            ...d.metadata,
            name: s.names.deployment(color),
            labels: { ...d.metadata.labels, ...colored },
            annotations: {
                ...d.metadata.annotations,
                ...releaseEntries(release, K8S_ANNOTATIONS),
                [K8S_ANNOTATIONS.replicas]: String(manifestReplicas(d)),
            },
        },
        spec: {
            ...spec,
            selector: { ...selector, matchLabels: { ...stringMap(selector.matchLabels), ...colored } },
            template: {
                ...template,
                metadata: { ...podMeta, labels: { ...stringMap(podMeta.labels), ...colored } },
                spec: {
                    ...podSpec,
                    containers,
                    ...(withSecret.length > 0 && { imagePullSecrets: withSecret }),
                },
            },
        },
    };
}
/** The selector of a Service on `color` (or on nothing: {@link NOTHING_LIVE}). */
function coloredSelector(service, s, color) {
    return {
        ...stringMap(at(service, 'spec', 'selector')),
        ...s.labels,
        [K8S_LABELS.color]: color ?? NOTHING_LIVE,
    };
}
/**
 * The public Service as switchyard applies it: the user's, with `live` (the color the cluster
 * routes to now, read just before) in its selector, so applying it never moves traffic.
 */
function publicService(w, s, live) {
    return {
        ...w.service,
        spec: { ...record(w.service.spec), selector: coloredSelector(w.service, s, live) },
    };
}
/**
 * The preview Service on `color`: the user's own `<service>-preview` when the manifests hold one,
 * else one derived from the public Service: its ports (without fixed node ports), type ClusterIP.
 */
function previewService(w, s, color) {
    if (w.preview)
        return {
            ...w.preview,
            spec: { ...record(w.preview.spec), selector: coloredSelector(w.preview, s, color) },
        };
    const ports = (at(w.service, 'spec', 'ports') ?? []).map((p) => {
        const x = record(p);
        delete x.nodePort;
        return x;
    });
    return {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
            name: s.names.preview,
            ...(w.service.metadata.namespace !== undefined && {
                namespace: w.service.metadata.namespace,
            }),
            labels: { ...w.service.metadata.labels, ...s.labels },
        },
        spec: { type: 'ClusterIP', ports, selector: coloredSelector(w.service, s, color) },
    };
}
/** Objects as one `v1` List (what `kubectl apply -f -` reads as several). */
function listOf(objects) {
    return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/limits.ts
/**
 * The workload's CPU and memory limits as numbers, read from the manifests without a cluster (for
 * monitor-window's `$cpu_limit` / `$memory_limit`): Kubernetes quantities (`500m`, `2`, `256Mi`,
 * `1G`) of the image container's `resources.limits`. Best effort: manifests that can't be read
 * this way (a kustomization, a broken file) give no limits, and a deploy reports what is wrong.
 */




const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const limits_MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const FACTORS = {
    '': 1,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
};
/** A CPU quantity in cores (`500m` → 0.5); NaN for anything else. */
function cpuCores(q) {
    const m = CPU.exec(q.trim());
    if (!m)
        return Number.NaN;
    return Number(m[1]) / (m[2] === 'm' ? 1000 : 1);
}
/** A memory quantity in bytes (`256Mi` → 268435456, `1G` → 1e9); NaN for anything else. */
function memoryBytesOf(q) {
    const m = limits_MEMORY.exec(q.trim());
    if (!m)
        return Number.NaN;
    return Math.round(Number(m[1]) * (FACTORS[m[2] ?? ''] ?? Number.NaN));
}
/** The limits of the image container of `deployment` that are set and readable. */
function containerLimits(deployment, container) {
    const name = imageContainer(deployment, container);
    const c = at(deployment, 'spec', 'template', 'spec', 'containers').find((x) => at(x, 'name') === name);
    const cpu = at(c, 'resources', 'limits', 'cpu');
    const memory = at(c, 'resources', 'limits', 'memory');
    const cores = typeof cpu === 'string' || typeof cpu === 'number' ? cpuCores(String(cpu)) : NaN;
    const bytes = typeof memory === 'string' || typeof memory === 'number' ? memoryBytesOf(String(memory)) : NaN;
    return {
        ...(Number.isFinite(cores) && { cpuLimit: cores }),
        ...(Number.isFinite(bytes) && { memoryLimitBytes: bytes }),
    };
}
/** {@link containerLimits} of the one Deployment in plain manifest files; {} when unreadable. */
function manifestLimits(paths, container) {
    try {
        const objects = [];
        for (const path of paths) {
            if (!(0,external_node_fs_namespaceObject.existsSync)(path))
                return {};
            const files = (0,external_node_fs_namespaceObject.statSync)(path).isDirectory()
                ? (0,external_node_fs_namespaceObject.readdirSync)(path)
                    .sort()
                    .filter((f) => /\.(ya?ml|json)$/i.test(f))
                    .map((f) => (0,external_node_path_namespaceObject.join)(path, f))
                : [path];
            if ((0,external_node_fs_namespaceObject.statSync)(path).isDirectory() && (0,external_node_fs_namespaceObject.readdirSync)(path).some((f) => /^kustomization/i.test(f)))
                return {};
            for (const f of files)
                objects.push(...parseManifests((0,external_node_fs_namespaceObject.readFileSync)(f, 'utf8'), f));
        }
        const deployments = objects.filter((o) => o.kind === 'Deployment');
        const [only] = deployments;
        return deployments.length === 1 && only ? containerLimits(only, container) : {};
    }
    catch {
        return {};
    }
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/errors.ts
/**
 * kubectl failures, classified (pure) from the exit code and stderr, into messages that name the
 * cause and the fix. Real texts are in test/fixtures/kubernetes: every failure exits 1 and writes
 * to stderr, in several shapes (`Error from server (NotFound): …`, `The Deployment "x" is invalid:
 * …` without a prefix, `error: …` for client-side errors), and the wording moves between server
 * versions, so the patterns are broad (fixtures README, findings 2–4).
 */
const PATTERNS = [
    ['not-found', /\(NotFound\)|\bnot found\b/i],
    ['already-exists', /\(AlreadyExists\)|already exists/i],
    [
        'conflict',
        /\(Conflict\)|the object has been modified|please apply your changes to the latest version/i,
    ],
    ['forbidden', /\(Forbidden\)|is forbidden|cannot (get|list|create|patch|update|delete|watch)/i],
    ['unauthorized', /\(Unauthorized\)|You must be logged in|provide credentials/i],
    [
        'unreachable',
        /Unable to connect to the server|The connection to the server .* was refused|dial tcp|no such host|i\/o timeout|context .* does not exist|no configuration has been provided|current-context is not set|couldn't get current server API group list/i,
    ],
    ['immutable', /field is immutable/i],
    ['deadline', /exceeded its progress deadline/i],
    ['timeout', /timed out waiting for the condition/i],
    [
        'invalid',
        /\bis invalid\b|error validating|ValidationError|unknown field|field not declared in schema|failed to create typed patch object|Invalid value|unrecognized type|\(BadRequest\)/i,
    ],
];
/** The kind of a failed kubectl run, from its stderr. */
function classifyKubectl(stderr) {
    const lines = stderr
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !/^WARNING: version difference/.test(l));
    const line = (lines.at(-1) ?? '').replace(/^error: /, '');
    const text = lines.join('\n');
    const found = PATTERNS.find(([, re]) => re.test(text));
    return { kind: found?.[0] ?? 'other', line };
}
/**
 * A failure as a sentence that names its cause and the fix; `what` says what was being done
 * (`apply the green Deployment`).
 */
function explainKubectl(what, stderr, where) {
    const f = classifyKubectl(stderr);
    const said = f.line ? `: ${f.line}` : '';
    switch (f.kind) {
        case 'unreachable':
            return `could not ${what}: the cluster did not answer (${where.cluster})${said}. Check KUBECONFIG (or the kubeconfig input), kubernetes.context, and that the runner can reach the API server`;
        case 'unauthorized':
            return `could not ${what}: the cluster refused the credentials (${where.cluster})${said}. Refresh the kubeconfig (a cloud login step before this one), or check the kubeconfig input`;
        case 'forbidden':
            return `could not ${what}: not allowed in ${where.namespace ? `namespace ${where.namespace}` : "the context's namespace"}${said}. Grant the deploying identity the Role in docs/kubernetes.md (deployments, services, leases; \`kubectl auth can-i --list${where.namespace ? ` -n ${where.namespace}` : ''}\` shows what it has)`;
        case 'immutable':
            return `could not ${what}${said}. A Deployment's selector can't change: the manifests' selector changed since this color was created. Delete the idle color's Deployment (never the live one) and deploy again, or put the selector back`;
        case 'invalid':
            return `could not ${what}: the cluster refused the manifest${said}. Fix the manifest (\`kubectl apply --dry-run=server -f <manifests>\` shows the same error)`;
        case 'not-found':
            return `could not ${what}${said}`;
        case 'deadline':
            return `could not ${what}: the Deployment exceeded its progress deadline (its spec.progressDeadlineSeconds)${said}`;
        default:
            return `could not ${what}${said}`;
    }
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/kubectl.ts
/**
 * kubectl as switchyard uses it: argument arrays (never a shell), the environment's kubeconfig,
 * context and namespace on every call, and failures worded by errors.ts. The one place that knows
 * how the target reaches its cluster.
 */


/** The oldest kubectl switchyard runs: server-side apply with --field-manager, `auth can-i`. */
const MIN_KUBECTL = { major: 1, minor: 24 };
/** The cluster did not answer: every kubectl call would fail the same way. */
class ClusterUnreachableError extends errors_ActionError {
    name = 'ClusterUnreachableError';
}
/** How a cluster is named in messages: `context prod, namespace shop` (never a credential). */
function describeAccess(a) {
    return {
        cluster: `${a.context ? `context ${a.context}` : "kubectl's current context"}${a.kubeconfig ? ` of the kubeconfig input` : ''}`,
        ...(a.namespace !== undefined && { namespace: a.namespace }),
    };
}
/** The global arguments that select the cluster, namespace included. */
function accessArgs(a) {
    return [
        ...(a.kubeconfig ? [`--kubeconfig=${a.kubeconfig}`] : []),
        ...(a.context ? [`--context=${a.context}`] : []),
        ...(a.namespace ? [`--namespace=${a.namespace}`] : []),
    ];
}
/** Runs kubectl against one cluster and namespace. */
class Kubectl {
    exec;
    access;
    where;
    constructor(exec, access) {
        this.exec = exec;
        this.access = access;
        this.where = describeAccess(access);
    }
    /**
     * Runs one kubectl command; resolves to its result whatever the exit code (callers decide),
     * except a cluster that can't be reached ({@link ClusterUnreachableError}) and a kubectl that
     * can't start.
     */
    async run(args, options = {}) {
        let result;
        try {
            result = await this.exec.run('kubectl', [...accessArgs(this.access), ...args], {
                quiet: true,
                ...options,
                allowFailure: true,
            });
        }
        catch (error) {
            if (error instanceof exec_ExecError && error.result.exitCode === -1)
                throw new errors_ActionError(`kubectl could not run (${error.result.stderr.trim() || error.message}): the kubernetes target needs kubectl v${MIN_KUBECTL.major}.${MIN_KUBECTL.minor} or later on PATH (azure/setup-kubectl installs it)`);
            throw error;
        }
        if (result.exitCode !== 0 && classifyKubectl(result.stderr).kind === 'unreachable')
            throw new ClusterUnreachableError(explainKubectl(`run kubectl ${args[0] ?? ''}`, result.stderr, this.where));
        return result;
    }
    /** Runs a command that must succeed; a failure is explained as failing to do `what`. */
    async must(what, args, options = {}) {
        const r = await this.run(args, options);
        if (r.exitCode !== 0)
            throw new errors_ActionError(explainKubectl(what, r.stderr, this.where));
        return r.stdout;
    }
    /** An object as JSON text, or undefined when it does not exist. */
    async get(what, kind, name) {
        const r = await this.run(['get', kind, name, '--output=json']);
        if (r.exitCode === 0)
            return r.stdout;
        if (classifyKubectl(r.stderr).kind === 'not-found')
            return undefined;
        throw new errors_ActionError(explainKubectl(`read ${what}`, r.stderr, this.where));
    }
    /**
     * Server-side apply of `objects` (a JSON List) with switchyard's field manager, taking over any
     * field another manager set (`--force-conflicts`): switchyard owns what it applies.
     */
    apply(what, list, dryRun = false) {
        return this.must(what, [
            'apply',
            '--server-side',
            '--field-manager=switchyard',
            '--force-conflicts',
            ...(dryRun ? ['--dry-run=server'] : []),
            '--filename=-',
            '--output=name',
        ], { input: list });
    }
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/lock.ts
/**
 * The per-app+environment deploy lock on the cluster itself: a `coordination.k8s.io/v1` Lease
 * `switchyard-<app>-<environment>` in the environment's namespace (ADR 0012, ADR 0017).
 *
 * - `kubectl create` is atomic: of two creators one gets AlreadyExists.
 * - Every other write is a `kubectl replace` carrying the resourceVersion it read, so the server
 *   refuses it (Conflict) if anyone wrote in between: a renewal, a take-over of a lapsed lease, a
 *   break and a release can't race each other.
 * - A released lease stays as an object with no holder (a release is a conditional write, where a
 *   delete could remove a newer holder's lease).
 * - The lease lapses `leaseDurationSeconds` after its `renewTime`, on the waiter's clock.
 */





const lock_text = (v) => (typeof v === 'string' ? v : '');
/** `2026-01-01T09:00:00.000000Z`: a Kubernetes MicroTime. */
const microTime = (ms) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
/** Reads `kubectl get lease -o json`. */
function parseLease(json) {
    const l = JSON.parse(json);
    const a = stringMap(at(l, 'metadata', 'annotations'));
    const holder = at(l, 'spec', 'holderIdentity');
    const renewed = Date.parse(lock_text(at(l, 'spec', 'renewTime')));
    const seconds = at(l, 'spec', 'leaseDurationSeconds');
    const expiresAt = Number.isNaN(renewed) || typeof seconds !== 'number' ? Infinity : renewed + seconds * 1000;
    const resourceVersion = lock_text(at(l, 'metadata', 'resourceVersion'));
    if (typeof holder !== 'string' || holder === '')
        return { resourceVersion };
    return {
        resourceVersion,
        held: {
            deployId: holder,
            actor: a[K8S_ANNOTATIONS.lockActor] ?? 'unknown',
            since: a[K8S_ANNOTATIONS.lockSince] ?? 'unknown',
            expiresAt,
            token: a[K8S_ANNOTATIONS.lockToken] ?? '',
        },
    };
}
/** The Lease object for `me` (or, without `me`, released), as JSON for kubectl's stdin. */
function leaseObject(name, labels, holder, resourceVersion) {
    return JSON.stringify({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
            name,
            labels,
            ...(resourceVersion !== undefined && { resourceVersion }),
            ...(holder && {
                annotations: {
                    [K8S_ANNOTATIONS.lockToken]: holder.me.token,
                    [K8S_ANNOTATIONS.lockActor]: holder.me.actor,
                    [K8S_ANNOTATIONS.lockSince]: new Date(holder.since).toISOString(),
                },
            }),
        },
        spec: holder
            ? {
                holderIdentity: holder.me.deployId,
                leaseDurationSeconds: Math.max(1, Math.ceil(holder.ttlMs / 1000)),
                acquireTime: microTime(holder.since),
                renewTime: microTime(holder.now),
            }
            : {},
    });
}
const kubernetes_lock_iso = (ms) => new Date(ms).toISOString();
const lock_versionOf = (json) => lock_text(at(JSON.parse(json), 'metadata', 'resourceVersion'));
class KubernetesLock {
    kubectl;
    name;
    labels;
    clock;
    log;
    constructor(kubectl, name, labels, clock, log) {
        this.kubectl = kubectl;
        this.name = name;
        this.labels = labels;
        this.clock = clock;
        this.log = log;
    }
    /** Takes the lock, waiting up to `timeoutMs`, as a lease that `renew` extends by `ttlMs`. */
    async lease(me, opts) {
        const since = this.clock.now();
        const taken = await this.acquire(me, opts);
        let version = taken.resourceVersion;
        let expiresAt = taken.expiresAt;
        return {
            id: `lease/${this.name}`,
            get expiresAt() {
                return expiresAt;
            },
            ...(taken.broke && { broke: taken.broke }),
            renew: async () => {
                const now = this.clock.now();
                version = await this.renew(me, taken.since ?? since, version, opts.ttlMs);
                expiresAt = now + opts.ttlMs;
            },
            release: () => this.release(me, version),
        };
    }
    async acquire(me, opts) {
        const waiting = new LockWait(this.clock.now(), opts.timeoutMs, this.clock, this.log);
        let breakable = me.breakReason !== undefined;
        for (;;) {
            const now = this.clock.now();
            const mine = { me, since: now, now, ttlMs: opts.ttlMs };
            const created = await this.kubectl.run(['create', '--filename=-', '--output=json'], {
                input: leaseObject(this.name, this.labels, mine),
            });
            if (created.exitCode === 0) {
                this.took(opts, now, breakable);
                return {
                    resourceVersion: lock_versionOf(created.stdout),
                    expiresAt: now + opts.ttlMs,
                    since: now,
                };
            }
            if (classifyKubectl(created.stderr).kind !== 'already-exists')
                throw new errors_ActionError(explainKubectl(`create the deploy lock lease/${this.name}`, created.stderr, this.kubectl.where));
            const found = await this.read();
            if (!found)
                continue; // gone between our create and our look
            const held = found.held;
            const breaking = breakable && held !== undefined && me.breakReason !== undefined;
            if (!held || held.expiresAt <= now || breaking) {
                if (held && !breaking)
                    this.log.warning(`taking over a stale deploy lock held by ${held.deployId} (${held.actor}) since ${held.since}, expired at ${kubernetes_lock_iso(held.expiresAt)}`);
                const r = await this.replace(leaseObject(this.name, this.labels, mine, found.resourceVersion));
                breakable = false;
                if (r.exitCode !== 0) {
                    if (['conflict', 'not-found'].includes(classifyKubectl(r.stderr).kind))
                        continue;
                    throw new errors_ActionError(explainKubectl(`take the deploy lock lease/${this.name}`, r.stderr, this.kubectl.where));
                }
                this.took(opts, now, breaking ? false : me.breakReason !== undefined && !held);
                const { deployId, actor, since, expiresAt } = held ?? {};
                return {
                    resourceVersion: lock_versionOf(r.stdout),
                    expiresAt: now + opts.ttlMs,
                    since: now,
                    ...(breaking &&
                        held && {
                        broke: { held: { deployId, actor, since, expiresAt }, reason: me.breakReason ?? '' },
                    }),
                };
            }
            breakable = false;
            const namespace = this.kubectl.access.namespace;
            await waiting.turn(held, now, `free it with "kubectl delete lease ${this.name}${namespace ? ` -n ${namespace}` : ''}"`);
        }
    }
    took(opts, now, brokeNothing) {
        this.log.info(`took the deploy lock lease/${this.name} (a lease until ${kubernetes_lock_iso(now + opts.ttlMs)}, renewed every ${duration_formatDuration(opts.ttlMs / 3)} while this run works)`);
        if (brokeNothing)
            this.log.info('--break-lock: the deploy lock was free, nothing was broken');
    }
    /**
     * Moves this holder's lease on to `ttlMs` from now; resolves to its new resourceVersion. A lease
     * that another holder wrote since (taken over, broken) or that is gone is lost.
     */
    async renew(me, since, version, ttlMs, retried = false) {
        const now = this.clock.now();
        const r = await this.replace(leaseObject(this.name, this.labels, { me, since, now, ttlMs }, version));
        if (r.exitCode === 0)
            return lock_versionOf(r.stdout);
        const kind = classifyKubectl(r.stderr).kind;
        if (kind === 'conflict' || kind === 'not-found') {
            const found = await this.read();
            if (found?.held?.token !== me.token)
                throw new LeaseLostError(`lost the deploy lock lease/${this.name}: ${found?.held ? `${found.held.deployId} (${found.held.actor}) took it over (it had lapsed) or broke it` : 'it was released or removed by someone else'}`);
            // Still ours, on a newer version (a renewal whose answer was lost): once more on it.
            if (!retried)
                return this.renew(me, since, found.resourceVersion, ttlMs, true);
        }
        throw new errors_ActionError(explainKubectl(`renew the deploy lock lease/${this.name}`, r.stderr, this.kubectl.where));
    }
    /** Gives the lease up if it is still this holder's: a conditional write that clears the holder. */
    async release(me, version) {
        const r = await this.replace(leaseObject(this.name, this.labels, undefined, version));
        if (r.exitCode === 0)
            return;
        const found = await this.read().catch(() => undefined);
        if (found?.held?.token !== me.token)
            return; // another holder's now: left alone
        await this.replace(leaseObject(this.name, this.labels, undefined, found.resourceVersion));
    }
    replace(json) {
        return this.kubectl.run(['replace', '--filename=-', '--output=json'], { input: json });
    }
    async read() {
        const json = await this.kubectl.get(`the deploy lock lease/${this.name}`, 'lease', this.name);
        return json === undefined ? undefined : parseLease(json);
    }
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/patches.ts


const patch = (service, body) => [
    'patch',
    'service',
    service,
    '--type=merge',
    `--field-manager=${FIELD_MANAGER}`,
    `--patch=${JSON.stringify(body)}`,
];
/**
 * Moves `service`'s selector to `color`. With `switchedAt` (the public Service), the same patch
 * records the live and previous colors and the time.
 */
function selectorPatch(service, color, previous, switchedAt) {
    return patch(service, {
        ...(switchedAt !== undefined && {
            metadata: {
                annotations: {
                    [K8S_ANNOTATIONS.liveColor]: color,
                    [K8S_ANNOTATIONS.previousColor]: previous && previous !== color ? previous : null,
                    [K8S_ANNOTATIONS.switchedAt]: new Date(switchedAt).toISOString(),
                },
            },
        }),
        spec: { selector: { [K8S_LABELS.color]: color } },
    });
}
/**
 * Stores the record on the public Service: the whole record as JSON (history bounded), and its
 * headline as annotations of their own for `kubectl describe` readers. A field the record lacks is
 * removed (null in a merge patch).
 */
function recordPatch(service, record) {
    const last = record.history[0];
    return patch(service, {
        metadata: {
            annotations: {
                [K8S_ANNOTATIONS.record]: JSON.stringify(record_recordOf(record)),
                [K8S_ANNOTATIONS.liveColor]: record.live ?? NOTHING_LIVE,
                [K8S_ANNOTATIONS.previousColor]: record.previous,
                [K8S_ANNOTATIONS.switchedAt]: record.switchedAt ?? null,
                [K8S_ANNOTATIONS.retireAfter]: record.retireAfter ?? null,
                [K8S_ANNOTATIONS.deployId]: last?.deployId ?? null,
            },
        },
    });
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/source.ts
/**
 * Reads the user's manifests from `kubernetes.manifests` (paths already resolved inside the
 * workspace by the config): a file, a folder of `*.yaml` / `*.yml` / `*.json` (not recursive, in
 * name order), or a kustomize folder (one holding a kustomization file), built with
 * `kubectl kustomize` — the kustomize kubectl carries, so no other tool is needed.
 */




const KUSTOMIZATION = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MANIFEST = /\.(ya?ml|json)$/i;
/** Every object of the manifests at `paths`, in order. */
async function source_readManifests(paths, kubectl) {
    const out = [];
    for (const path of paths) {
        if (!(0,external_node_fs_namespaceObject.existsSync)(path))
            throw new errors_ActionError(`kubernetes.manifests: ${path} does not exist. Check the path (relative to the config file) and that the workflow checked the repository out`);
        if (!(0,external_node_fs_namespaceObject.statSync)(path).isDirectory()) {
            out.push(...parseManifests((0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8'), path));
            continue;
        }
        const entries = (0,external_node_fs_namespaceObject.readdirSync)(path).sort();
        if (entries.some((e) => KUSTOMIZATION.includes(e))) {
            const built = await kubectl.must(`build the kustomization in ${path}`, ['kustomize', path]);
            out.push(...parseManifests(built, `kubectl kustomize ${path}`));
            continue;
        }
        const files = entries.filter((e) => MANIFEST.test(e) && (0,external_node_fs_namespaceObject.statSync)((0,external_node_path_namespaceObject.join)(path, e)).isFile());
        if (files.length === 0)
            throw new errors_ActionError(`kubernetes.manifests: ${path} holds no *.yaml, *.yml or *.json file and no kustomization`);
        for (const f of files)
            out.push(...parseManifests((0,external_node_fs_namespaceObject.readFileSync)((0,external_node_path_namespaceObject.join)(path, f), 'utf8'), (0,external_node_path_namespaceObject.join)(path, f)));
    }
    return out;
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/state.ts
/**
 * What the cluster says about a color and the live route, read (pure) from `kubectl get -o json`:
 * a color's Deployment (at 0 replicas its status counters are absent, not 0: fixtures A1, A2), its
 * pods' troubles, and the public Service's selector (the truth about what is live) and annotations
 * (the record). A selector that disagrees with the recorded live color is said loudly (finding 1).
 */




const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const state_str = (v) => (typeof v === 'string' ? v : '');
const state_asColor = (v) => contract_COLORS.find((c) => c === v);
/** Reads a Deployment from `kubectl get deploy <name> -o json` (or one item of a List). */
function parseDeployment(json, colorLabel) {
    const d = typeof json === 'string' ? JSON.parse(json) : json;
    const status = at(d, 'status');
    const conditions = Array.isArray(at(status, 'conditions'))
        ? at(status, 'conditions')
        : [];
    const progressing = conditions.find((c) => at(c, 'type') === 'Progressing');
    const exceeded = at(progressing, 'status') === 'False' &&
        at(progressing, 'reason') === 'ProgressDeadlineExceeded';
    const color = state_asColor(stringMap(at(d, 'metadata', 'labels'))[colorLabel]);
    const specReplicas = at(d, 'spec', 'replicas');
    return {
        name: state_str(at(d, 'metadata', 'name')),
        ...(color && { color }),
        annotations: stringMap(at(d, 'metadata', 'annotations')),
        desired: typeof specReplicas === 'number' ? specReplicas : 1,
        generation: num(at(d, 'metadata', 'generation')),
        observedGeneration: num(at(status, 'observedGeneration')),
        replicas: num(at(status, 'replicas')),
        updated: num(at(status, 'updatedReplicas')),
        ready: num(at(status, 'readyReplicas')),
        available: num(at(status, 'availableReplicas')),
        ...(exceeded && { deadlineExceeded: state_str(at(progressing, 'message')) }),
    };
}
/**
 * A Deployment's rollout, as `kubectl rollout status` judges it but without waiting: complete once
 * the controller saw the newest spec and every desired pod is updated, ready and available, with
 * no pod of an older revision left (the preview Service would still reach it: finding 5).
 */
function rolloutOf(d) {
    const n = d.desired;
    if (d.deadlineExceeded !== undefined)
        return {
            complete: false,
            failed: true,
            detail: `the Deployment ${d.name} exceeded its progress deadline (spec.progressDeadlineSeconds): ${d.deadlineExceeded}`,
        };
    if (n === 0)
        return { complete: false, failed: false, detail: `${d.name} is scaled to 0 replicas` };
    if (d.observedGeneration < d.generation)
        return {
            complete: false,
            failed: false,
            detail: `${d.name}: the controller has not seen the new spec yet`,
        };
    const counts = `${d.updated}/${n} updated, ${d.ready}/${n} ready, ${d.available}/${n} available`;
    if (d.updated < n || d.ready < n || d.available < n)
        return { complete: false, failed: false, detail: `${d.name}: ${counts}` };
    if (d.replicas > d.updated)
        return {
            complete: false,
            failed: false,
            detail: `${d.name}: ${d.replicas - d.updated} pod(s) of the previous revision still running`,
        };
    return { complete: true, failed: false, detail: `${d.name}: ${counts}` };
}
/** The color as status reports it: the release from the Deployment's annotations, its state from its counters. */
function colorStatusOf(d, color) {
    const a = d.annotations;
    const rollout = rolloutOf(d);
    const state = d.desired === 0
        ? 'scaled to 0'
        : rollout.failed
            ? 'failed'
            : rollout.complete
                ? 'running'
                : d.ready > 0
                    ? 'progressing'
                    : 'starting';
    return {
        color,
        ...storedRelease(a, K8S_ANNOTATIONS),
        state: `${state} (${d.ready}/${d.desired} ready)`,
        running: d.desired > 0 && d.ready > 0,
        health: 'none',
    };
}
function parseService(json) {
    const s = JSON.parse(json);
    return {
        name: state_str(at(s, 'metadata', 'name')),
        selector: stringMap(at(s, 'spec', 'selector')),
        annotations: stringMap(at(s, 'metadata', 'annotations')),
    };
}
/**
 * The color the Service's selector routes to. The selector is the truth; the `live-color`
 * annotation is what the last switch recorded. A selector without the color selects both colors'
 * pods, and one that disagrees with the annotation was changed behind switchyard's back (a
 * re-applied manifest: fixtures 54, 55, 60, B8).
 */
function routedColor(s, colorLabel) {
    const value = s.selector[colorLabel];
    const recorded = s.annotations[K8S_ANNOTATIONS.liveColor];
    const live = state_asColor(value) ?? null;
    if (value === undefined) {
        // Traffic reaches both colors; the recorded color is the one a changing run puts back.
        const restore = state_asColor(recorded) ?? null;
        return {
            live: restore,
            problem: `the Service ${s.name} has no ${colorLabel} in its selector, so it sends live traffic to the pods of BOTH colors. Something rewrote it (an apply of the manifest as written?): ${restore ? `the last switch made ${restore} live, and ` : ''}a switchyard deploy, promote or rollback puts the color back`,
        };
    }
    if (value !== NOTHING_LIVE && !live)
        return {
            live: null,
            problem: `the Service ${s.name} selects ${colorLabel}=${value}, which is no color: it serves nothing`,
        };
    if (recorded !== undefined && recorded !== (live ?? NOTHING_LIVE))
        return {
            live,
            problem: `the Service ${s.name} routes live traffic to ${live ?? 'nothing'} but the last switch recorded ${recorded} (${K8S_ANNOTATIONS.liveColor}): its selector was changed behind switchyard's back, e.g. by re-applying the manifest with kubectl apply. Live traffic is on ${live ?? 'nothing'} NOW; the record now follows the selector`,
        };
    return { live };
}
/** Waiting reasons that never resolve by themselves. */
const FATAL_WAITING = {
    ImagePullBackOff: 'the image cannot be pulled. Check the image reference, and that the cluster can reach the registry (a private one needs kubernetes.image-pull-secret)',
    ErrImageNeverPull: 'the image is not on the node and imagePullPolicy is Never. Use IfNotPresent or Always in the manifest, or load the image on the nodes',
    InvalidImageName: 'the image reference is not valid',
    CreateContainerConfigError: 'the container cannot be created: a ConfigMap, Secret or key it references is missing. Add it to kubernetes.manifests',
    CrashLoopBackOff: 'the container keeps crashing (its last log lines follow)',
};
/**
 * What is wrong with a color's pods, from `kubectl get pods -l … -o json`: image pulls, crash
 * loops, containers that can't be created, pods no node can take.
 */
function podTroubles(json) {
    const items = at(JSON.parse(json), 'items');
    const out = [];
    for (const pod of Array.isArray(items) ? items : []) {
        const name = state_str(at(pod, 'metadata', 'name'));
        if (at(pod, 'metadata', 'deletionTimestamp') !== undefined)
            continue;
        const conditions = at(pod, 'status', 'conditions');
        const scheduled = Array.isArray(conditions)
            ? conditions.find((c) => at(c, 'type') === 'PodScheduled')
            : undefined;
        if (at(scheduled, 'status') === 'False' && at(scheduled, 'reason') === 'Unschedulable')
            out.push({
                pod: name,
                fatal: false,
                detail: `pod ${name} is unschedulable: ${state_str(at(scheduled, 'message'))} (lower the requests in the manifest, or add nodes)`,
            });
        const statuses = at(pod, 'status', 'containerStatuses');
        for (const c of Array.isArray(statuses) ? statuses : []) {
            const container = state_str(at(c, 'name'));
            const reason = state_str(at(c, 'state', 'waiting', 'reason'));
            const message = state_str(at(c, 'state', 'waiting', 'message'));
            const restarts = num(at(c, 'restartCount'));
            const last = at(c, 'lastState', 'terminated');
            const lastExit = last !== undefined
                ? ` (last exit code ${num(at(last, 'exitCode'))}${state_str(at(last, 'reason')) ? `, ${state_str(at(last, 'reason'))}` : ''})`
                : '';
            if (reason === '' && restarts === 0)
                continue;
            const fix = FATAL_WAITING[reason];
            const what = reason || 'restarted';
            out.push({
                pod: name,
                container,
                fatal: fix !== undefined,
                ...(restarts > 0 && { crashed: true }),
                detail: `pod ${name}, container ${container}: ${what}${restarts > 0 ? `, restarted ${restarts} time(s)${lastExit}` : ''}${message ? `: ${message}` : ''}${fix ? `; ${fix}` : ''}`,
            });
        }
    }
    return out;
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/cluster.ts
/**
 * Talking to the cluster beyond single objects: who answers (`kubectl version`), what the deploying
 * identity may do (`kubectl auth can-i`), and a color's last log lines (a crashed container's
 * previous run included).
 */





const asText = (v) => (typeof v === 'string' ? v : '');
/** `{major, minor}` of a version object of `kubectl version -o json` (`minor: "32+"` reads 32). */
function cluster_versionOf(v) {
    const major = Number.parseInt(asText(at(v, 'major')), 10);
    const minor = Number.parseInt(asText(at(v, 'minor')), 10);
    const text = at(v, 'gitVersion');
    if (Number.isNaN(major) || Number.isNaN(minor) || typeof text !== 'string')
        return undefined;
    return { major, minor, text };
}
/**
 * Checks kubectl is recent enough and the cluster answers; returns what answered
 * (`Kubernetes v1.24.0+0, kubectl v1.32.4`). kubectl's version-skew warning (stderr) is passed on.
 */
async function connectCluster(kubectl, log) {
    const r = await kubectl.run(['version', '--output=json']);
    let doc;
    try {
        doc = JSON.parse(r.stdout);
    }
    catch {
        doc = undefined;
    }
    const client = cluster_versionOf(at(doc, 'clientVersion'));
    if (client &&
        (client.major < MIN_KUBECTL.major ||
            (client.major === MIN_KUBECTL.major && client.minor < MIN_KUBECTL.minor)))
        throw new errors_ActionError(`kubectl ${client.text} is too old: the kubernetes target needs v${MIN_KUBECTL.major}.${MIN_KUBECTL.minor} or later (server-side apply with a field manager). Install a newer one (azure/setup-kubectl)`);
    const server = cluster_versionOf(at(doc, 'serverVersion'));
    if (r.exitCode !== 0 || !server)
        throw new errors_ActionError(explainKubectl('reach the cluster', r.stderr, kubectl.where));
    for (const line of r.stderr.split('\n'))
        if (/^WARNING:/.test(line.trim()))
            log.warning(`kubectl: ${line.trim()}`);
    return `Kubernetes ${server.text}, kubectl ${client?.text ?? 'unknown'}`;
}
/** What a changing run needs to be allowed (verb, resource). */
const NEEDED_ACCESS = [
    ['patch', 'services'],
    ['patch', 'deployments.apps'],
    ['create', 'deployments.apps'],
    ['update', 'leases.coordination.k8s.io'],
];
/**
 * Asks the cluster whether the deploying identity may do what a deploy does, before it changes
 * anything; fails listing what is missing. `auth can-i` answers `no` with exit code 1 (fixture 89).
 */
async function checkAccess(kubectl) {
    const answers = await Promise.all(NEEDED_ACCESS.map(async ([verb, resource]) => {
        const r = await kubectl.run(['auth', 'can-i', verb, resource]);
        return { verb, resource, yes: r.exitCode === 0 && r.stdout.trim() === 'yes' };
    }));
    const missing = answers.filter((a) => !a.yes).map((a) => `${a.verb} ${a.resource}`);
    if (missing.length > 0)
        throw new errors_ActionError(`the deploying identity may not ${missing.join(', ')} in ${kubectl.where.namespace ? `namespace ${kubectl.where.namespace}` : "the context's namespace"} (kubectl auth can-i said no): grant it the Role in docs/kubernetes.md. Nothing was changed`);
}
/**
 * The last `lines` log lines of a color's pods (every container, each line prefixed with its pod
 * and container), and for a container that crashed, the end of its previous run: the reason a
 * crash-looping pod never got ready.
 */
async function colorLogs(kubectl, labels, lines) {
    const selector = Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
    const pods = await kubectl.run(['get', 'pods', `--selector=${selector}`, '--output=json']);
    const crashed = pods.exitCode === 0 ? podTroubles(pods.stdout).filter((t) => t.crashed) : [];
    const previous = await Promise.all(crashed.slice(0, 3).map(async (t) => {
        const r = await kubectl.run([
            'logs',
            t.pod,
            `--container=${t.container ?? ''}`,
            '--previous',
            `--tail=${lines}`,
        ]);
        return r.exitCode === 0 && r.stdout.trim()
            ? `--- ${t.pod}/${t.container ?? ''}, before its last restart ---\n${r.stdout.trimEnd()}`
            : '';
    }));
    const now = await kubectl.run([
        'logs',
        `--selector=${selector}`,
        '--all-containers=true',
        '--prefix=true',
        `--tail=${lines}`,
        '--max-log-requests=10',
    ]);
    const current = `${now.stdout}${now.exitCode === 0 ? '' : now.stderr}`.trimEnd();
    return [...previous.filter(Boolean), current].filter(Boolean).join('\n');
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/kubeconfig.ts
/**
 * A kubeconfig given as content (the action's `kubeconfig` input, a secret) is written to a
 * private 0600 file in a folder of its own under RUNNER_TEMP; the post step removes the folder if
 * the run dies (TargetDeps.onPrivateDir), close() removes it otherwise.
 */



/** Writes `deps.kubeconfig` to a private file; returns the file and its folder. */
function privateKubeconfig(deps) {
    const dir = (0,external_node_fs_namespaceObject.mkdtempSync)((0,external_node_path_namespaceObject.join)(deps.env?.RUNNER_TEMP ?? (0,external_node_os_namespaceObject.tmpdir)(), 'switchyard-kube-'));
    deps.onPrivateDir?.(dir);
    const file = (0,external_node_path_namespaceObject.join)(dir, 'config');
    (0,external_node_fs_namespaceObject.writeFileSync)(file, deps.kubeconfig ?? '', { mode: 0o600 });
    return { dir, file };
}
/** Removes a folder {@link privateKubeconfig} made. */
function removePrivateKubeconfig(dir) {
    (0,external_node_fs_namespaceObject.rmSync)(dir, { recursive: true, force: true });
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/target.ts
/**
 * The Kubernetes target (DESIGN.md §3, ADR 0017): Deployments `<app>-blue` / `<app>-green` derived
 * from the user's manifests, the public Service whose selector carries the live color (the switch is
 * one patch of it), a preview Service on the idle color, the record in the public Service's
 * annotations and a Lease as the deploy lock. Only kubectl on the runner; nothing in the cluster.
 */
















const target_WORDS = {
    setup: 'apply the public and preview Services (the color in their selectors is switchyard’s)',
    ready: "the color's Deployment rolled out: every pod updated, ready and available",
    switch: 'one patch of the public Service’s selector',
};
class KubernetesTarget {
    s;
    deps;
    description;
    words = target_WORDS;
    kubectl;
    names;
    labels;
    render;
    privateDir;
    workload;
    versions = new Map();
    switched;
    constructor(s, deps) {
        this.s = s;
        this.deps = deps;
        const written = deps.kubeconfig === undefined ? undefined : privateKubeconfig(deps);
        this.privateDir = written?.dir;
        this.kubectl = new Kubectl(deps.exec, {
            ...(written && { kubeconfig: written.file }),
            ...(s.context !== undefined && { context: s.context }),
            ...(s.namespace !== undefined && { namespace: s.namespace }),
        });
        this.names = kubernetesNames(s.app, s.environment, s.service);
        this.labels = environmentLabels(s.app, s.environment);
        this.render = {
            names: this.names,
            labels: this.labels,
            ...(s.container !== undefined && { container: s.container }),
            ...(s.imagePullSecret !== undefined && { imagePullSecret: s.imagePullSecret }),
        };
        this.description = `kubernetes (${this.kubectl.where.cluster}, ${s.namespace ? `namespace ${s.namespace}` : "the context's namespace"})`;
    }
    /** The configured URL, or the Service's cluster DNS name (a runner inside the cluster). */
    get url() {
        return this.s.url ?? this.serviceUrl(this.names.service);
    }
    get previewUrl() {
        return this.s.previewUrl ?? this.serviceUrl(this.names.preview);
    }
    serviceUrl(name) {
        const ports = at(this.workload?.service, 'spec', 'ports');
        const port = Array.isArray(ports) ? at(ports[0], 'port') : undefined;
        return `http://${name}.${this.s.namespace ?? 'default'}.svc${typeof port === 'number' && port !== 80 ? `:${port}` : ''}`;
    }
    connect() {
        return connectCluster(this.kubectl, this.deps.log);
    }
    findImage(ref) {
        return Promise.resolve(pinnedImage(ref));
    }
    /**
     * The image by digest: the nodes pull it, not the runner, so there is nothing to pull here and
     * a tag alone is refused (it could move between the deploy and a rollback).
     */
    resolveImage(ref) {
        const found = pinnedImage(ref);
        if (!found)
            throw new errors_ActionError(`image ${ref} has no digest: the kubernetes target runs images by digest (the cluster's nodes pull them, and a tag can move). Give build-image's image-ref output (repository@sha256:…), or look the digest up with "docker buildx imagetools inspect ${ref}"`);
        return Promise.resolve(found);
    }
    lockHandle(holder) {
        return {
            kind: 'kubernetes',
            token: holder.token,
            name: this.names.lease,
            access: this.kubectl.access,
        };
    }
    lock(holder, opts) {
        return new KubernetesLock(this.kubectl, this.names.lease, this.labels, this.deps.clock, this.deps.log).lease(holder, opts);
    }
    /** The user's workload, read once per run (a missing or broken manifest fails before any change). */
    async load() {
        this.workload ??= findWorkload(await source_readManifests(this.s.manifests, this.kubectl), this.names, this.s.namespace);
        return this.workload;
    }
    /**
     * Applies the public Service with the color it routes to now in its selector (never the
     * manifest's own: finding 1), and the preview Service on the idle color.
     */
    async prepare() {
        const w = await this.load();
        await checkAccess(this.kubectl);
        const [svc, preview] = await Promise.all([this.readService(), this.readPreview()]);
        const live = svc ? routedColor(svc, K8S_LABELS.color).live : null;
        const previewColor = preview ?? (live ? contract_otherColor(live) : null);
        await this.kubectl.apply(`apply the Services ${this.names.service} and ${this.names.preview}`, listOf([publicService(w, this.render, live), previewService(w, this.render, previewColor)]));
        return svc ? 'unchanged' : 'created';
    }
    status() {
        return afterSwitch(this.switched, () => this.readStatus());
    }
    async readStatus() {
        const [svcJson, list] = await Promise.all([
            this.kubectl.get(`the Service ${this.names.service}`, 'service', this.names.service),
            this.kubectl.must('read the Deployments', [
                'get',
                'deployments',
                `--selector=${selectorText(this.labels)}`,
                '--output=json',
            ]),
        ]);
        const colors = {};
        for (const item of at(JSON.parse(list), 'items') ?? []) {
            const d = parseDeployment(item, K8S_LABELS.color);
            if (!d.color || d.name !== this.names.deployment(d.color))
                continue;
            colors[d.color] = colorStatusOf(d, d.color);
            this.versions.set(d.color, colors[d.color]?.version ?? '');
        }
        if (svcJson === undefined)
            return { live: null, previous: null, history: [], colors, exists: false, notes: [] };
        const svc = parseService(svcJson);
        const routed = routedColor(svc, K8S_LABELS.color);
        const { record, notes } = parseRecord(svc.annotations['switchyard.dev/record']);
        const fixed = reconcile(record, routed.live, this.deps.clock.now());
        const note = fixed.note?.replace('the proxy routes', `the Service ${this.names.service} routes`);
        return {
            ...fixed.record,
            colors,
            exists: true,
            notes: [...(routed.problem ? [routed.problem] : []), ...notes, ...(note ? [note] : [])],
            ...(note !== undefined && { interrupted: { record: note } }),
        };
    }
    async start(color, image, release) {
        const w = await this.load();
        const svc = await this.readService();
        const live = svc ? routedColor(svc, K8S_LABELS.color).live : null;
        const name = this.names.deployment(color);
        if (live === color)
            throw new errors_ActionError(`refusing to replace ${name}: it is the live color`);
        await this.kubectl.apply(`apply ${name} (${release.image})`, listOf([...w.others, colorDeployment(w, this.render, color, image.pinned, release)]));
        this.versions.set(color, release.version);
        await this.kubectl.apply(`point ${this.names.preview} at ${color}`, listOf([previewService(w, this.render, color)]));
    }
    async readiness(color) {
        const name = this.names.deployment(color);
        const [json, preview] = await Promise.all([
            this.kubectl.get(`the Deployment ${name}`, 'deployment', name),
            this.readPreview(),
        ]);
        if (json === undefined)
            return {
                running: false,
                failed: true,
                health: 'none',
                routed: false,
                detail: `the Deployment ${name} is gone`,
            };
        const d = parseDeployment(json, K8S_LABELS.color);
        const rollout = rolloutOf(d);
        const troubles = rollout.complete
            ? []
            : podTroubles(await this.kubectl.must(`read the pods of ${name}`, [
                'get',
                'pods',
                `--selector=${selectorText({ ...this.labels, [K8S_LABELS.color]: color })}`,
                '--output=json',
            ]));
        const fatal = troubles.filter((t) => t.fatal);
        const routed = preview === color;
        return {
            running: rollout.complete,
            failed: rollout.failed || fatal.length > 0,
            health: 'none',
            routed,
            detail: [
                rollout.detail,
                ...troubles.map((t) => t.detail),
                rollout.complete && !routed ? `${this.names.preview} does not select ${color}` : '',
            ]
                .filter(Boolean)
                .join('; '),
            status: colorStatusOf(d, color),
        };
    }
    logs(color, lines) {
        return colorLogs(this.kubectl, { ...this.labels, [K8S_LABELS.color]: color }, lines);
    }
    async stop(color) {
        await this.kubectl.run(['scale', `deployment/${this.names.deployment(color)}`, '--replicas=0']);
    }
    async switchTo(color) {
        const svc = await this.readService();
        if (!svc)
            throw new errors_ActionError(`the Service ${this.names.service} is gone: deploy again, which re-creates it`);
        const before = routedColor(svc, K8S_LABELS.color).live;
        const t = this.deps.clock.now();
        await this.kubectl.must(`switch the Service ${this.names.service} to ${color}`, selectorPatch(this.names.service, color, before, t));
        const ms = this.deps.clock.now() - t;
        const version = this.versions.get(color);
        this.switched = { color, ...(version && { version }) };
        failpoint(this.deps.env, FAILPOINTS.routed);
        await afterSwitch(this.switched, async () => {
            await this.kubectl.must(`point ${this.names.preview} at ${contract_otherColor(color)}`, selectorPatch(this.names.preview, contract_otherColor(color)));
            const now = await this.readService();
            if (!now || routedColor(now, K8S_LABELS.color).live !== color)
                throw new errors_ActionError(`the Service ${this.names.service} does not select ${color} after the patch: something else writes its selector`);
        });
        failpoint(this.deps.env, FAILPOINTS.routesSaved);
        return ms;
    }
    /** The selector is the route in force and is never saved elsewhere: the record follows it (saveRecord). */
    saveRoutes() {
        return Promise.resolve();
    }
    saveRecord(record) {
        return afterSwitch(this.switched, async () => {
            await this.kubectl.must(`save the deploy record on the Service ${this.names.service}`, recordPatch(this.names.service, record));
        });
    }
    close() {
        if (this.privateDir)
            removePrivateKubeconfig(this.privateDir);
        return Promise.resolve();
    }
    async readService() {
        const json = await this.kubectl.get(`the Service ${this.names.service}`, 'service', this.names.service);
        return json === undefined ? undefined : parseService(json);
    }
    /** The color the preview Service selects, if it exists and selects one. */
    async readPreview() {
        const json = await this.kubectl.get(`the Service ${this.names.preview}`, 'service', this.names.preview);
        if (json === undefined)
            return undefined;
        const value = parseService(json).selector[K8S_LABELS.color];
        return contract_COLORS.find((c) => c === value);
    }
}
/** A reference that pins a digest, as the target runs it; undefined without a digest. */
function pinnedImage(ref) {
    const parsed = parseImageReference('image', ref);
    if (!parsed.digest)
        return undefined;
    return {
        ref,
        pinned: `${repository(parsed)}@${parsed.digest}`,
        digest: parsed.digest,
        ...(parsed.tag !== undefined && { version: parsed.tag }),
    };
}

;// CONCATENATED MODULE: ./packages/targets/src/kubernetes/create.ts


function create_create(c, k, deps) {
    return new KubernetesTarget({
        app: c.app,
        environment: c.environment,
        manifests: k.manifests,
        ...(k.container !== undefined && { container: k.container }),
        ...(k.context !== undefined && { context: k.context }),
        ...(k.namespace !== undefined && { namespace: k.namespace }),
        ...(k.service !== undefined && { service: k.service }),
        ...(k.imagePullSecret !== undefined && { imagePullSecret: k.imagePullSecret }),
        ...(c.url !== undefined && { url: c.url }),
        ...(c.previewUrl !== undefined && { previewUrl: c.previewUrl }),
    }, deps);
}
/**
 * The pods carry `switchyard.dev/app`, `switchyard.dev/environment` and `switchyard.dev/color`;
 * Prometheus' `kubernetes_sd_configs` (role: pod) relabelling maps them to `app`, `environment`
 * and `color` (docs/kubernetes.md). Limits are the image container's `resources.limits`, read from
 * the manifests when they are plain files (a kustomization is only built at deploy time).
 */
function create_telemetry(c, k) {
    return {
        selector: { app: c.app, environment: c.environment },
        colorLabel: 'color',
        ...manifestLimits(k.manifests, k.container),
        limitsFrom: "the image container's resources.limits in kubernetes.manifests",
    };
}
/** The kind's two functions; kinds.ts lists it under `kubernetes`. */
const KUBERNETES_KIND = { create: create_create, telemetry: create_telemetry };

;// CONCATENATED MODULE: ./packages/targets/src/kinds.ts


const KINDS = {
    docker: DOCKER_KIND,
    kubernetes: KUBERNETES_KIND,
};
/** The kind an environment's config names. */
function kinds_kindOf(c) {
    return KINDS[c.target.kind];
}
/** What a monitor can know about an environment's workload (its labels, its limits). */
function kinds_telemetry(c) {
    return kinds_kindOf(c).telemetry(c, c.target);
}

;// CONCATENATED MODULE: ./packages/targets/src/create.ts

/** The target an environment's config names, ready to use; each kind builds its own extras. */
function createTarget(c, deps) {
    return kinds_kindOf(c).create(c, c.target, deps);
}
/**
 * The one way deploy-bluegreen, rollback and monitor-window's rollback build their target: the
 * environment's config, the run's credentials and secrets, and the step's deps. Warns the config's
 * notices (an older form of the file, still read). Close it after use.
 */
function openTarget(c, req, deps) {
    c.notices.forEach((n) => deps.log.warning(n));
    return createTarget(c, {
        exec: deps.exec,
        clock: deps.clock,
        log: deps.log,
        ...(deps.env && { env: deps.env }),
        ...(req.credentials && { credentials: req.credentials }),
        ...(deps.onPrivateDir && { onPrivateDir: deps.onPrivateDir }),
        ...(req.secrets && { secretValues: req.secrets }),
        ...(req.kubeconfig && { kubeconfig: req.kubeconfig }),
    });
}

;// CONCATENATED MODULE: ./packages/targets/src/rollback.ts
/**
 * Rollback and retire over any {@link Target}. Rollback puts live traffic back on an earlier release
 * from the target's own history: a switch when that release still runs warm in the idle color, else a
 * redeploy of its image by digest into the idle color. Either way it goes through the same lock,
 * readiness check and {@link switchLive} as a deploy, then verifies the live URL. Retire stops idle
 * colors whose keep-warm time is up. Both need nothing but the target: the state lives there.
 */







/**
 * The release live traffic is routed to: the live color's container, or, when that is gone, the
 * history entry that made it live (what the record says runs there).
 */
function liveRelease(state) {
    const c = bluegreen_liveStatus(state) ?? record_liveEntry(state);
    return c && { image: c.image, digest: c.digest, version: c.version };
}
/** Whether `to` names this entry: its version, image, digest, or a 12+ digit digest prefix. */
function names(entry, to) {
    const t = to.trim();
    if (entry.version === t || entry.image === t || entry.digest === t)
        return true;
    const hex = t.replace(/^sha256:/, '');
    return /^[a-f0-9]{12,64}$/.test(hex) && entry.digest.replace(/^sha256:/, '').startsWith(hex);
}
/** How often {@link watchRollback} reads the state again during a monitor window. */
const ROLLBACK_WATCH_MS = 10_000;
/** What {@link chooseRollback} would do, in words: for a line when it changes. */
function describeChoice(state) {
    try {
        const c = chooseRollback(state);
        if (c.kind === 'noop')
            return c.message;
        return c.method === 'switch'
            ? `a failed verdict switches to the warm ${c.color} (${c.entry.version})`
            : `a failed verdict redeploys ${c.entry.version} into ${c.color}`;
    }
    catch (error) {
        return errorMessage(error);
    }
}
/**
 * Keeps a prepared rollback current during a monitor window: every `everyMs`, the state is read
 * again (the warm color may have stopped or gone), and a change in what a failed verdict would do
 * is logged as a warning when it happens, not found out at the verdict. A read that fails keeps the
 * last state, with a warning.
 */
function watchRollback(target, state, deps, everyMs = ROLLBACK_WATCH_MS) {
    let current = state;
    let said = describeChoice(state);
    const stopped = new AbortController();
    let reading = Promise.resolve();
    const look = async () => {
        try {
            current = await target.status();
            const now = describeChoice(current);
            if (now !== said)
                deps.log.warning(`rollback-on-failure changed during the window: ${now} (was: ${said})`);
            said = now;
        }
        catch (error) {
            deps.log.warning(`could not read the state during the window (${errorMessage(error)}); a rollback starts from the last one read`);
        }
    };
    void (async () => {
        for (;;) {
            await deps.clock.sleep(everyMs, stopped.signal);
            if (stopped.signal.aborted)
                return;
            reading = look();
            await reading;
        }
    })();
    return {
        current: () => current,
        stop: async () => {
            stopped.abort();
            await reading;
        },
    };
}
/**
 * Picks the release to go back to (pure). Without `to`: the newest release in the history that is
 * not live now and was not rolled back from since it last went live ({@link rolledBackFrom}). With
 * `to`: the newest entry it names.
 *
 * A live color that is down ({@link colorDown}: its container removed, or not running) is a reason
 * to roll back, never "nothing is live": without `to`, a warm idle color holding such a release is
 * preferred (a switch restores service at once), else the newest one is redeployed; a `to` naming
 * the live release itself restores it into the idle color.
 * @throws ActionError when the environment was never deployed, `to` names nothing in the history
 *   (listing what it holds), or the live color is down and there is nothing to go back to.
 */
function chooseRollback(state, to) {
    if (!state.exists)
        throw new errors_ActionError('nothing was ever deployed to this environment here (no router, no record on the target): check app and environment, and the host or cluster the config points at');
    if (!state.live)
        return { kind: 'noop', message: 'nothing is live here, so there is nothing to roll back' };
    const down = colorDown(state);
    const live = liveRelease(state);
    const idle = contract_otherColor(state.live);
    const warm = state.colors[idle];
    const isWarm = (h) => !!warm && warm.running && warm.digest === h.digest;
    let entry;
    if (to) {
        entry = state.history.find((h) => names(h, to));
        if (!entry) {
            const known = [
                ...new Set(state.history.map((h) => `${h.version} (${shortDigest(h.digest)})`)),
            ];
            throw new errors_ActionError(`to: "${to}" is not in the history of this environment. ${known.length ? `It holds: ${known.join(', ')}` : 'The history is empty'}. Give a version or digest from it (deploy-bluegreen action: status lists them)`);
        }
        if (!down && entry.digest === live?.digest)
            return {
                kind: 'noop',
                message: `${entry.version} (${shortDigest(entry.digest)}) is already live on ${state.live}: nothing to roll back`,
            };
    }
    else {
        const bad = rolledBackFrom(state);
        const good = state.history.filter((h) => h.digest !== live?.digest && !bad.has(h.digest));
        entry = (down ? good.find(isWarm) : undefined) ?? good[0];
        if (!entry && down)
            throw new errors_ActionError(`${down}, and there is no earlier release to roll back to${bad.size ? ' (only versions already rolled back from)' : ''}: live traffic reaches nothing. Deploy a release (or roll back with to: naming one)`);
        if (!entry)
            return {
                kind: 'noop',
                message: `no earlier release to roll back to: the history holds only the live ${live?.version ?? '?'} (${shortDigest(live?.digest ?? '')})${bad.size ? ' and versions already rolled back from' : ''}`,
            };
    }
    const method = isWarm(entry) ? 'switch' : 'redeploy';
    return { kind: 'go', entry, color: idle, method, ...(down && { down }) };
}
/** The image reference that pins an entry's release: `repo@digest` for a repo digest, else the image id. */
function pinnedRef(entry) {
    if (!entry.digest.startsWith('sha256:'))
        return entry.digest;
    const name = entry.image.replace(/@sha256:[a-f0-9]+$/, '');
    const slash = name.lastIndexOf('/');
    const colon = name.lastIndexOf(':');
    const repo = colon > slash ? name.slice(0, colon) : name;
    return repo ? `${repo}@${entry.digest}` : entry.digest;
}
/** Puts live traffic back on an earlier release: a switch if it is warm, else a redeploy; then verifies. */
async function rollback(target, req, deps) {
    const { clock, log } = deps;
    await bluegreen_connect(target, log);
    // The lease is renewed while the rollback works (withLock), however long pull, readiness and verify take.
    return bluegreen_withLock(target, req, deps, async () => {
        const started = clock.now();
        // Read before prepare(): a rollback never creates a proxy for an environment never deployed.
        const before = req.prepared?.state ?? (await repair_readRepaired(target, req.holder, deps));
        const choice = chooseRollback(before, req.to);
        const base = { url: target.url, previewUrl: target.previewUrl, before, after: before };
        if (choice.kind === 'noop')
            return {
                ...base,
                action: 'rollback',
                changed: false,
                switched: false,
                rolledBack: false,
                message: choice.message,
            };
        const { entry, color, method, down } = choice;
        const from = liveRelease(before);
        if (req.onlyIfLive && from?.digest !== req.onlyIfLive)
            throw new errors_ActionError(`not rolling back: the release that was judged (${shortDigest(req.onlyIfLive)}) is no longer live; ${before.live} runs ${from?.version ?? '?'} (${shortDigest(from?.digest ?? '')}) now, deployed during the window`);
        const router = req.prepared?.router ?? (await target.prepare());
        if (down)
            log.warning(`${down}: live traffic reaches nothing; rolling back restores service`);
        log.info(`Rolling back ${before.live} (${from?.version ?? '?'}${down ? ', down' : ''}) → ${entry.version} (${shortDigest(entry.digest)}) by ${method === 'switch' ? `a switch to the warm ${color}` : `redeploying it into ${color}`}${req.reason ? `: ${req.reason}` : ''}`);
        if (method === 'redeploy')
            await startRelease(target, entry, color, req, deps);
        const ready = await ready_waitReady(target, color, req.health, req.readyTimeoutMs, deps);
        if (!ready.ready) {
            await showLogs(target, color, deps);
            if (method === 'redeploy')
                await target.stop(color);
            throw new errors_ActionError(`rollback to ${entry.version} did not happen: ${color} did not become ready (${ready.reason ?? 'unknown'}). ` +
                `Live traffic was not touched: it stays on ${before.live} (${from?.version ?? '?'}, ${from?.image ?? '?'})${down ? ', which is down: live traffic still reaches nothing' : ''}${method === 'redeploy' ? `; ${color} was stopped` : ''}`);
        }
        // Marked before the switch, cleared by it: a run killed in between leaves the mark, so a
        // re-run converges on this version instead of switching back to the one rolled back from.
        // (Restoring the live release itself into the idle color moves away from nothing.)
        const away = from && from.digest !== entry.digest ? from : undefined;
        if (away)
            await target.saveRecord({ ...record_recordOf(before), rollingBackFrom: away.digest });
        const switched = await switchLive(target, color, 'rollback', withLiveGone(before, away), req, deps, {
            router,
            ready,
            ...(req.reason && { reason: req.reason }),
            fresh: method === 'redeploy',
        });
        const verified = await verifyLive(target, req, deps);
        const durationMs = clock.now() - started;
        const to = { image: entry.image, digest: entry.digest, version: entry.version };
        const result = {
            ...switched,
            before,
            action: 'rollback',
            rolledBack: true,
            method,
            ...(from && { from: { image: from.image, digest: from.digest, version: from.version } }),
            to,
            ...(req.reason && { reason: req.reason }),
            durationMs,
            verified,
            ...(down && { liveWasDown: down }),
            message: `rolled back to ${entry.version} on ${color} by ${method} in ${duration_formatDuration(durationMs)}${down ? `, restoring service: ${down}` : ''}`,
        };
        if (!verified.ok)
            throw new RollbackVerifyError(`rolled back to ${entry.version} (${entry.image}), but the live URL fails its health check: ${verified.detail}. ` +
                `Live now: ${color} (${entry.version}); ${before.live} (${from?.version ?? '?'}) ${down ? 'was down before' : 'is kept warm'}. Not switching back: that is the version rolled back from`, result);
        return result;
    });
}
/** A redeploy's first half: pulls the entry's release by digest and starts it in `color`. */
async function startRelease(target, entry, color, req, deps) {
    const { clock, log } = deps;
    const ref = pinnedRef(entry);
    const image = await log.group(`Pull ${ref}`, () => target.resolveImage(ref, 'missing').catch(async (error) => {
        // An image the target knows only by its recorded identity (built there, never pushed).
        const local = await target.findImage(entry.digest);
        if (!local)
            throw error;
        return local;
    }));
    const release = {
        image: entry.image,
        digest: image.digest,
        version: entry.version,
        deployId: req.holder.deployId,
        actor: req.holder.actor,
        createdAt: new Date(clock.now()).toISOString(),
    };
    await log.group(`Start ${color}: ${ref}`, () => target.start(color, image, release));
}
/**
 * The state the switch records from. A live color whose container is gone still ran a release (the
 * record's): it stands in as a color that is not running, so the history entry names what the
 * rollback moved away from, as it does for a container that is there.
 */
function withLiveGone(before, away) {
    const made = record_liveEntry(before);
    if (!before.live || before.colors[before.live] || !away || !made)
        return before;
    const gone = {
        ...away,
        color: before.live,
        deployId: made.deployId,
        actor: made.actor,
        createdAt: made.at,
        state: 'missing',
        running: false,
        health: 'none',
    };
    return { ...before, colors: { ...before.colors, [before.live]: gone } };
}
/** A rollback that switched but whose live check failed: the result is still reported. */
class RollbackVerifyError extends errors_ActionError {
    result;
    name = 'RollbackVerifyError';
    constructor(message, result) {
        super(message);
        this.result = result;
    }
}
/** Polls the live URL's health check until it passes or the verify timeout ends. */
async function verifyLive(target, req, deps) {
    const url = ready_healthUrl(target.url, req.health.path);
    const check = healthCheckSpec('verify', url, req.health, 'switchyard-rollback');
    const outcome = await retry_poll(() => run_attemptCheck(check, deps.http, []), {
        attempts: Number.POSITIVE_INFINITY,
        deadline: deps.clock.now() + req.verifyTimeoutMs,
        initialDelayMs: req.health.intervalMs,
        maxDelayMs: Math.max(req.health.intervalMs, 2000),
        done: (r) => r.ok,
    }, deps.clock);
    const r = outcome.result;
    const detail = r.ok
        ? `GET ${url}: ${r.status ?? ''} in ${duration_formatDuration(r.latencyMs)}`
        : `GET ${url}: ${r.reason ?? 'failed'}`;
    deps.log.info(`verify: ${detail} (${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'})`);
    return { ok: r.ok, attempts: outcome.attempts, detail };
}
/**
 * Which running idle colors to stop (pure). Never the live color. The previous color once its
 * retire-after has passed; a color waiting for promotion only when forced; any other idle color
 * (nothing refers to it: a failed start kept for inspection, a leftover) at once. `force` stops all.
 */
function retirePlan(state, now, force) {
    const out = [];
    for (const color of COLORS) {
        const c = state.colors[color];
        if (!c || !c.running || color === state.live)
            continue;
        if (force)
            out.push({ color, retire: true, why: 'force: true' });
        else if (color === state.pending?.color)
            out.push({ color, retire: false, why: 'it waits for promotion (force: true stops it)' });
        else if (color === state.previous) {
            const after = state.retireAfter ? Date.parse(state.retireAfter) : Number.NaN;
            if (Number.isNaN(after) || now >= after)
                out.push({
                    color,
                    retire: true,
                    why: `its keep-warm time ended${state.retireAfter ? ` at ${state.retireAfter}` : ''}`,
                });
            else
                out.push({
                    color,
                    retire: false,
                    why: `it stays warm until ${state.retireAfter} (${formatDuration(after - now)} from now)`,
                });
        }
        else
            out.push({
                color,
                retire: true,
                why: 'nothing refers to it (not live, previous or pending)',
            });
    }
    return out;
}
/** Stops the idle colors whose time is up (under the deploy lock). Idempotent. */
async function retire(target, req, deps) {
    const { clock, log } = deps;
    await connect(target, log);
    return withLock(target, req, deps, async () => {
        const before = await readRepaired(target, req.holder, deps);
        const decisions = retirePlan(before, clock.now(), req.force);
        const retired = [];
        for (const d of decisions) {
            log.info(`${d.color}: ${d.retire ? 'retiring' : 'kept'}: ${d.why}`);
            if (!d.retire)
                continue;
            await target.stop(d.color);
            retired.push(d.color);
        }
        const coldPrevious = !!before.previous && retired.includes(before.previous) && !!before.retireAfter;
        const stoppedPending = !!before.pending && retired.includes(before.pending.color);
        if (coldPrevious || stoppedPending) {
            // No keep-warm time left to report, and nothing waits for promotion any more.
            await target.saveRecord(recordRetired(recordOf(before), { previous: coldPrevious, pending: stoppedPending }));
        }
        const after = retired.length ? await target.status() : before;
        return {
            action: 'retire',
            changed: retired.length > 0,
            switched: false,
            before,
            after,
            url: target.url,
            previewUrl: target.previewUrl,
            retired,
            decisions,
            message: retired.length
                ? `retired ${retired.join(' and ')}; live ${before.live ?? 'none'} untouched`
                : `nothing to retire${decisions.length ? `: ${decisions.map((d) => `${d.color} ${d.why}`).join('; ')}` : ' (no idle color runs)'}`,
        };
    });
}

;// CONCATENATED MODULE: ./packages/targets/src/report.ts
/** Outputs and the job summary of a blue-green run (pure): deploy-bluegreen and rollback share them. */




/** deploy-bluegreen's outputs (names as in its action.yml); rollback adds its own to these. */
function deployOutputs(r) {
    const a = r.after;
    // After a promote: false deploy, the color of interest is the one waiting, not the live one.
    const color = r.action === 'deploy' && r.changed && !r.switched ? r.color : (a.live ?? undefined);
    const shown = color ? a.colors[color] : undefined;
    const previous = r.switched ? r.before.live : a.previous;
    return {
        color: color ?? '',
        'previous-color': previous ?? '',
        url: r.url,
        'preview-url': r.previewUrl,
        image: shown?.image ?? '',
        digest: shown?.digest ?? '',
        'previous-image': previous
            ? (r.before.colors[previous]?.image ?? a.colors[previous]?.image ?? '')
            : '',
        version: shown?.version ?? '',
        changed: String(r.changed),
        'retire-after': a.retireAfter ?? '',
        retired: 'retired' in r && Array.isArray(r.retired) ? r.retired.join(',') : '',
        state: JSON.stringify(stateJson(a)),
    };
}
/** The state as the `state` output and `status` print it. */
function stateJson(s) {
    return {
        live: s.live,
        previous: s.previous,
        switchedAt: s.switchedAt ?? null,
        retireAfter: s.retireAfter ?? null,
        pending: s.pending ?? null,
        colors: s.colors,
        history: s.history,
    };
}
/** The live color, and when it is down what is wrong with it: `green (down: no container)`. */
function liveCell(s) {
    if (!s.live)
        return 'none';
    if (!colorDown(s))
        return s.live;
    const c = s.colors[s.live];
    return `${s.live} (down: ${c ? c.state : 'no container'})`;
}
function roleOf(s, color) {
    if (s.live === color)
        return 'live';
    if (s.pending?.color === color)
        return 'pending promotion';
    if (s.previous === color)
        return s.colors[color]?.running
            ? `previous (warm until ${s.retireAfter ?? '?'})`
            : 'previous (retired)';
    return 'idle';
}
function colorRows(s) {
    return contract_COLORS.filter((c) => s.colors[c]).map((c) => {
        const x = s.colors[c];
        return [
            c,
            roleOf(s, c),
            x?.image,
            x?.version,
            x?.state,
            x?.health === 'none' ? '' : x?.health,
            x?.createdAt,
        ];
    });
}
/**
 * The job summary of a run: the message, before/after, facts (plus `extraFacts`), colors, history.
 * `title` names the action (`deploy-bluegreen`, `rollback`).
 */
function renderSummary(r, app, environment, opts = {}) {
    const s = new Summary().heading(`${opts.title ?? 'deploy-bluegreen'}: ${app} (${environment})`);
    s.paragraph(r.message);
    if (r.plan)
        s.paragraph(r.plan.map((p, i) => `${i + 1}. ${p}`).join('\n'));
    // A live color whose container is gone still names a release: the record's.
    const before = bluegreen_liveStatus(r.before) ?? record_liveEntry(r.before);
    const after = bluegreen_liveStatus(r.after) ?? record_liveEntry(r.after);
    s.table(['', 'before', 'after'], [
        ['live color', liveCell(r.before), liveCell(r.after)],
        ['image', before?.image, after?.image],
        ['version', before?.version, after?.version],
        ['digest', before?.digest, after?.digest],
    ]);
    const facts = [
        ['url', r.url],
        ['preview url', r.previewUrl],
    ];
    if (r.ready)
        facts.push(['ready after', duration_formatDuration(r.ready.elapsedMs)]);
    if (r.switchMs !== undefined)
        facts.push(['switch took', duration_formatDuration(r.switchMs)]);
    if (r.after.retireAfter && r.after.previous)
        facts.push([`${r.after.previous} warm until`, r.after.retireAfter]);
    if (r.router && r.router !== 'unchanged')
        facts.push(['proxy', r.router]);
    if ('decisions' in r && Array.isArray(r.decisions))
        for (const d of r.decisions)
            facts.push([`retire ${d.color}`, `${d.retire ? 'stopped' : 'kept'}: ${d.why}`]);
    facts.push(...(opts.extraFacts ?? []));
    s.table(['', ''], facts);
    const rows = colorRows(r.after);
    if (rows.length)
        s.heading('Colors', 3).table(['color', 'role', 'image', 'version', 'state', 'health', 'started'], rows);
    if (r.after.history.length)
        s.heading('History', 3).table(['at', 'action', 'color', 'version', 'image', 'by', 'reason'], r.after.history.map((h) => [
            h.at,
            h.action,
            h.color,
            h.version,
            h.image,
            `${h.actor} (${h.deployId})`,
            h.reason,
        ]));
    r.after.notes.forEach((n) => s.paragraph(`> ${n}`));
    return s.toString();
}

;// CONCATENATED MODULE: ./packages/targets/src/holder.ts
/** Who holds the deploy lock: the run on GitHub, or the local user (a plain function of the environment). */


/**
 * Set by the CLI's `--break-lock <reason>` for the step it runs: the holder breaks a lock it finds
 * held (see {@link LockHolder.breakReason}). The CLI never passes on a value it inherited.
 */
const BREAK_LOCK_ENV = 'SWITCHYARD_BREAK_LOCK';
const thisProcess = () => ({
    user: (0,external_node_os_namespaceObject.userInfo)().username,
    host: (0,external_node_os_namespaceObject.hostname)(),
    pid: process.pid,
});
/**
 * Who deploys: the run URL and actor on GitHub; `local:user@host pid N` elsewhere (the pid tells
 * a waiter on the same machine, as the same user, whether the holder still runs).
 */
function lockHolder(env, local = thisProcess) {
    const breakReason = env[BREAK_LOCK_ENV]?.trim();
    const breaking = breakReason ? { breakReason } : {};
    const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
    if (server && repo && id) {
        const attempt = env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1'
            ? `/attempts/${env.GITHUB_RUN_ATTEMPT}`
            : '';
        return {
            deployId: `${server}/${repo}/actions/runs/${id}${attempt}`,
            actor: env.GITHUB_ACTOR ?? 'unknown',
            token: (0,external_node_crypto_namespaceObject.randomUUID)(),
            ...breaking,
        };
    }
    const me = local();
    return {
        deployId: `local:${me.user}@${me.host} pid ${me.pid}`,
        actor: me.user,
        token: (0,external_node_crypto_namespaceObject.randomUUID)(),
        ...breaking,
    };
}

;// CONCATENATED MODULE: ./packages/targets/src/index.ts
/**
 * @switchyard/targets: where colors run (Target), blue-green over them, and `createTarget`, the one
 * place that knows each kind. Each kind's own parts have their own entry (`@switchyard/targets/<kind>`).
 * See README.md.
 */


















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

;// CONCATENATED MODULE: ./actions/rollback/src/inputs.ts


function parseInputs(r, ctx) {
    const environment = parseEnvironmentName('environment', r.required('environment', 'Name the config file section to roll back, e.g. production'));
    const config = loadEnvironment({
        configInput: r.text('config'),
        environment,
        overrides: readOverrides((n) => r.text(n)),
        workspace: ctx.workspace,
        ...(ctx.readFile && { readFile: ctx.readFile }),
    });
    const credentials = readCredentials(r, 'registry-username', 'registry-password');
    const kubeconfig = r.text('kubeconfig');
    const to = r.text('to');
    const reason = r.line('reason');
    return {
        config,
        ...(to && { to }),
        ...(reason && { reason }),
        failIfNoop: r.boolean('fail-if-noop', { default: false }),
        ...(credentials && { credentials }),
        ...(kubeconfig && { kubeconfig }),
        verifyTimeoutMs: r.duration('verify-timeout', { default: 30_000, min: 0 }),
        lockTimeoutMs: r.duration('lock-timeout', { default: 600_000, min: 0 }),
        // A redeploy starts a container, so the file's secrets need their values up front.
        secrets: containerSecrets(r.keyValues('secrets'), config, ctx.env, true),
    };
}

;// CONCATENATED MODULE: ./actions/rollback/src/run.ts
/** The rollback logic over the target (never imports the runner protocol), and its outputs. */


/** Rolls the environment back; a no-op fails only with fail-if-noop. */
async function run(inputs, holder, deps) {
    const c = inputs.config;
    const target = openTarget(c, {
        ...(inputs.credentials && { credentials: inputs.credentials }),
        ...(inputs.kubeconfig && { kubeconfig: inputs.kubeconfig }),
        secrets: inputs.secrets,
    }, deps);
    try {
        const result = await rollback(target, {
            health: c.health,
            readyTimeoutMs: c.readyTimeoutMs,
            keepPreviousMs: c.keepPreviousMs,
            warmUp: c.warmUp,
            lockTimeoutMs: inputs.lockTimeoutMs,
            holder,
            verifyTimeoutMs: inputs.verifyTimeoutMs,
            ...(inputs.to && { to: inputs.to }),
            ...(inputs.reason && { reason: inputs.reason }),
        }, deps);
        if (!result.rolledBack && inputs.failIfNoop)
            throw new errors_ActionError(`nothing was rolled back (fail-if-noop): ${result.message}`);
        return result;
    }
    finally {
        await target.close();
    }
}
/** The rollback outputs (names as in action.yml). */
function outputs(r) {
    const deploy = deployOutputs(r);
    return {
        'rolled-back': String(r.rolledBack),
        method: r.method ?? '',
        'from-image': r.from?.image ?? '',
        'from-version': r.from?.version ?? '',
        'to-image': r.to?.image ?? '',
        'to-version': r.to?.version ?? '',
        color: r.after.live ?? '',
        duration: r.durationMs === undefined ? '' : (r.durationMs / 1000).toFixed(2),
        url: r.url,
        state: deploy.state ?? '',
    };
}
/** The summary's extra facts: method, reason, verification. */
function facts(r) {
    const out = [];
    if (r.method)
        out.push(['method', r.method]);
    if (r.from && r.to)
        out.push(['rolled back', `${r.from.version} → ${r.to.version}`]);
    if (r.reason)
        out.push(['reason', r.reason]);
    if (r.verified)
        out.push([
            'verified',
            `${r.verified.ok ? '✅' : '❌'} ${r.verified.detail} (${r.verified.attempts} attempt${r.verified.attempts === 1 ? '' : 's'})`,
        ]);
    if (r.durationMs !== undefined)
        out.push(['took', `${(r.durationMs / 1000).toFixed(2)}s`]);
    return out;
}

;// CONCATENATED MODULE: ./actions/rollback/src/step.ts
/** The work of rollback over any front end (its main.ts on the runner, and the CLI): parseInputs → run → outputs and summary. */






const step = async (io, secrets, env) => {
    secrets.add(io.getInput('secrets'));
    secrets.add(io.getInput('registry-password'));
    secrets.add(io.getInput('kubeconfig'));
    const inputs = parseInputs(new InputReader((n) => io.getInput(n), secrets), {
        workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
        env,
    });
    Object.values(inputs.secrets).forEach((v) => secrets.add(v));
    const report = async (result) => {
        // After a switch, a failure here (an unwritable GITHUB_OUTPUT) says that live traffic moved.
        await afterSwitch(switchedTo(result), () => {
            for (const [name, value] of Object.entries(outputs(result)))
                io.setOutput(name, value);
        });
        await io
            .appendSummary(renderSummary(result, inputs.config.app, inputs.config.environment, {
            title: 'rollback',
            extraFacts: facts(result),
        }))
            .catch((e) => io.warning(`could not write the job summary: ${String(e)}`));
    };
    try {
        const result = await run(inputs, lockHolder(env), {
            exec: new ProcessExec(io, secrets),
            clock: systemClock,
            http: nodeHttp,
            log: io,
            onLock: (handle) => io.saveState(LOCK_STATE, JSON.stringify(handle)),
            env,
            // The shared post step removes a private registry login a killed run left.
            onPrivateDir: (dir) => io.saveState(LOGIN_STATE, dir),
        });
        await report(result);
        io.info(result.message);
    }
    catch (error) {
        // Switched but not verified: say loudly what is live now, with the outputs, then fail.
        if (error instanceof RollbackVerifyError)
            await report(error.result);
        throw error;
    }
};

;// CONCATENATED MODULE: ./actions/rollback/src/main.ts
/** Composition root of rollback on the GitHub runner: the runner's IO around the shared step (step.ts). */



async function main() {
    const { io, secrets } = actionsIO();
    await runAction('rollback', io, () => step(io, secrets, process.env));
}


/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ }),

/***/ 7349:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var resolveBlockMap = __nccwpck_require__(7103);
var resolveBlockSeq = __nccwpck_require__(334);
var resolveFlowCollection = __nccwpck_require__(3142);

function resolveCollection(CN, ctx, token, onError, tagName, tag) {
    const coll = token.type === 'block-map'
        ? resolveBlockMap.resolveBlockMap(CN, ctx, token, onError, tag)
        : token.type === 'block-seq'
            ? resolveBlockSeq.resolveBlockSeq(CN, ctx, token, onError, tag)
            : resolveFlowCollection.resolveFlowCollection(CN, ctx, token, onError, tag);
    const Coll = coll.constructor;
    // If we got a tagName matching the class, or the tag name is '!',
    // then use the tagName from the node class used to create it.
    if (tagName === '!' || tagName === Coll.tagName) {
        coll.tag = Coll.tagName;
        return coll;
    }
    if (tagName)
        coll.tag = tagName;
    return coll;
}
function composeCollection(CN, ctx, token, props, onError) {
    const tagToken = props.tag;
    const tagName = !tagToken
        ? null
        : ctx.directives.tagName(tagToken.source, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg));
    if (token.type === 'block-seq') {
        const { anchor, newlineAfterProp: nl } = props;
        const lastProp = anchor && tagToken
            ? anchor.offset > tagToken.offset
                ? anchor
                : tagToken
            : (anchor ?? tagToken);
        if (lastProp && (!nl || nl.offset < lastProp.offset)) {
            const message = 'Missing newline after block sequence props';
            onError(lastProp, 'MISSING_CHAR', message);
        }
    }
    const expType = token.type === 'block-map'
        ? 'map'
        : token.type === 'block-seq'
            ? 'seq'
            : token.start.source === '{'
                ? 'map'
                : 'seq';
    // shortcut: check if it's a generic YAMLMap or YAMLSeq
    // before jumping into the custom tag logic.
    if (!tagToken ||
        !tagName ||
        tagName === '!' ||
        (tagName === YAMLMap.YAMLMap.tagName && expType === 'map') ||
        (tagName === YAMLSeq.YAMLSeq.tagName && expType === 'seq')) {
        return resolveCollection(CN, ctx, token, onError, tagName);
    }
    let tag = ctx.schema.tags.find(t => t.tag === tagName && t.collection === expType);
    if (!tag) {
        const kt = ctx.schema.knownTags[tagName];
        if (kt?.collection === expType) {
            ctx.schema.tags.push(Object.assign({}, kt, { default: false }));
            tag = kt;
        }
        else {
            if (kt) {
                onError(tagToken, 'BAD_COLLECTION_TYPE', `${kt.tag} used for ${expType} collection, but expects ${kt.collection ?? 'scalar'}`, true);
            }
            else {
                onError(tagToken, 'TAG_RESOLVE_FAILED', `Unresolved tag: ${tagName}`, true);
            }
            return resolveCollection(CN, ctx, token, onError, tagName);
        }
    }
    const coll = resolveCollection(CN, ctx, token, onError, tagName, tag);
    const res = tag.resolve?.(coll, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg), ctx.options) ?? coll;
    const node = identity.isNode(res)
        ? res
        : new Scalar.Scalar(res);
    node.range = coll.range;
    node.tag = tagName;
    if (tag?.format)
        node.format = tag.format;
    return node;
}

exports.composeCollection = composeCollection;


/***/ }),

/***/ 3683:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Document = __nccwpck_require__(3021);
var composeNode = __nccwpck_require__(5937);
var resolveEnd = __nccwpck_require__(7788);
var resolveProps = __nccwpck_require__(4631);

function composeDoc(options, directives, { offset, start, value, end }, onError) {
    const opts = Object.assign({ _directives: directives }, options);
    const doc = new Document.Document(undefined, opts);
    const ctx = {
        atKey: false,
        atRoot: true,
        directives: doc.directives,
        options: doc.options,
        schema: doc.schema
    };
    const props = resolveProps.resolveProps(start, {
        indicator: 'doc-start',
        next: value ?? end?.[0],
        offset,
        onError,
        parentIndent: 0,
        startOnNewline: true
    });
    if (props.found) {
        doc.directives.docStart = true;
        if (value &&
            (value.type === 'block-map' || value.type === 'block-seq') &&
            !props.hasNewline)
            onError(props.end, 'MISSING_CHAR', 'Block collection cannot start on same line with directives-end marker');
    }
    // @ts-expect-error If Contents is set, let's trust the user
    doc.contents = value
        ? composeNode.composeNode(ctx, value, props, onError)
        : composeNode.composeEmptyNode(ctx, props.end, start, null, props, onError);
    const contentEnd = doc.contents.range[2];
    const re = resolveEnd.resolveEnd(end, contentEnd, false, onError);
    if (re.comment)
        doc.comment = re.comment;
    doc.range = [offset, contentEnd, re.offset];
    return doc;
}

exports.composeDoc = composeDoc;


/***/ }),

/***/ 5937:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var composeCollection = __nccwpck_require__(7349);
var composeScalar = __nccwpck_require__(5413);
var resolveEnd = __nccwpck_require__(7788);
var utilEmptyScalarPosition = __nccwpck_require__(2599);

const CN = { composeNode, composeEmptyNode };
function composeNode(ctx, token, props, onError) {
    const atKey = ctx.atKey;
    const { spaceBefore, comment, anchor, tag } = props;
    let node;
    let isSrcToken = true;
    switch (token.type) {
        case 'alias':
            node = composeAlias(ctx, token, onError);
            if (anchor || tag)
                onError(token, 'ALIAS_PROPS', 'An alias node must not specify any properties');
            break;
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
        case 'block-scalar':
            node = composeScalar.composeScalar(ctx, token, tag, onError);
            if (anchor)
                node.anchor = anchor.source.substring(1);
            break;
        case 'block-map':
        case 'block-seq':
        case 'flow-collection':
            try {
                node = composeCollection.composeCollection(CN, ctx, token, props, onError);
                if (anchor)
                    node.anchor = anchor.source.substring(1);
            }
            catch (error) {
                // Almost certainly here due to a stack overflow
                const message = error instanceof Error ? error.message : String(error);
                onError(token, 'RESOURCE_EXHAUSTION', message);
            }
            break;
        default: {
            const message = token.type === 'error'
                ? token.message
                : `Unsupported token (type: ${token.type})`;
            onError(token, 'UNEXPECTED_TOKEN', message);
            isSrcToken = false;
        }
    }
    node ?? (node = composeEmptyNode(ctx, token.offset, undefined, null, props, onError));
    if (anchor && node.anchor === '')
        onError(anchor, 'BAD_ALIAS', 'Anchor cannot be an empty string');
    if (atKey &&
        ctx.options.stringKeys &&
        (!identity.isScalar(node) ||
            typeof node.value !== 'string' ||
            (node.tag && node.tag !== 'tag:yaml.org,2002:str'))) {
        const msg = 'With stringKeys, all keys must be strings';
        onError(tag ?? token, 'NON_STRING_KEY', msg);
    }
    if (spaceBefore)
        node.spaceBefore = true;
    if (comment) {
        if (token.type === 'scalar' && token.source === '')
            node.comment = comment;
        else
            node.commentBefore = comment;
    }
    // @ts-expect-error Type checking misses meaning of isSrcToken
    if (ctx.options.keepSourceTokens && isSrcToken)
        node.srcToken = token;
    return node;
}
function composeEmptyNode(ctx, offset, before, pos, { spaceBefore, comment, anchor, tag, end }, onError) {
    const token = {
        type: 'scalar',
        offset: utilEmptyScalarPosition.emptyScalarPosition(offset, before, pos),
        indent: -1,
        source: ''
    };
    const node = composeScalar.composeScalar(ctx, token, tag, onError);
    if (anchor) {
        node.anchor = anchor.source.substring(1);
        if (node.anchor === '')
            onError(anchor, 'BAD_ALIAS', 'Anchor cannot be an empty string');
    }
    if (spaceBefore)
        node.spaceBefore = true;
    if (comment) {
        node.comment = comment;
        node.range[2] = end;
    }
    return node;
}
function composeAlias({ options }, { offset, source, end }, onError) {
    const alias = new Alias.Alias(source.substring(1));
    if (alias.source === '')
        onError(offset, 'BAD_ALIAS', 'Alias cannot be an empty string');
    if (alias.source.endsWith(':'))
        onError(offset + source.length - 1, 'BAD_ALIAS', 'Alias ending in : is ambiguous', true);
    const valueEnd = offset + source.length;
    const re = resolveEnd.resolveEnd(end, valueEnd, options.strict, onError);
    alias.range = [offset, valueEnd, re.offset];
    if (re.comment)
        alias.comment = re.comment;
    return alias;
}

exports.composeEmptyNode = composeEmptyNode;
exports.composeNode = composeNode;


/***/ }),

/***/ 5413:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var resolveBlockScalar = __nccwpck_require__(8913);
var resolveFlowScalar = __nccwpck_require__(6842);

function composeScalar(ctx, token, tagToken, onError) {
    const { value, type, comment, range } = token.type === 'block-scalar'
        ? resolveBlockScalar.resolveBlockScalar(ctx, token, onError)
        : resolveFlowScalar.resolveFlowScalar(token, ctx.options.strict, onError);
    const tagName = tagToken
        ? ctx.directives.tagName(tagToken.source, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg))
        : null;
    let tag;
    if (ctx.options.stringKeys && ctx.atKey) {
        tag = ctx.schema[identity.SCALAR];
    }
    else if (tagName)
        tag = findScalarTagByName(ctx.schema, value, tagName, tagToken, onError);
    else if (token.type === 'scalar')
        tag = findScalarTagByTest(ctx, value, token, onError);
    else
        tag = ctx.schema[identity.SCALAR];
    let scalar;
    try {
        const res = tag.resolve(value, msg => onError(tagToken ?? token, 'TAG_RESOLVE_FAILED', msg), ctx.options);
        scalar = identity.isScalar(res) ? res : new Scalar.Scalar(res);
    }
    catch (error) {
        const msg = error instanceof Error ? error.message : String(error);
        onError(tagToken ?? token, 'TAG_RESOLVE_FAILED', msg);
        scalar = new Scalar.Scalar(value);
    }
    scalar.range = range;
    scalar.source = value;
    if (type)
        scalar.type = type;
    if (tagName)
        scalar.tag = tagName;
    if (tag.format)
        scalar.format = tag.format;
    if (comment)
        scalar.comment = comment;
    return scalar;
}
function findScalarTagByName(schema, value, tagName, tagToken, onError) {
    if (tagName === '!')
        return schema[identity.SCALAR]; // non-specific tag
    const matchWithTest = [];
    for (const tag of schema.tags) {
        if (!tag.collection && tag.tag === tagName) {
            if (tag.default && tag.test)
                matchWithTest.push(tag);
            else
                return tag;
        }
    }
    for (const tag of matchWithTest)
        if (tag.test?.test(value))
            return tag;
    const kt = schema.knownTags[tagName];
    if (kt && !kt.collection) {
        // Ensure that the known tag is available for stringifying,
        // but does not get used by default.
        schema.tags.push(Object.assign({}, kt, { default: false, test: undefined }));
        return kt;
    }
    onError(tagToken, 'TAG_RESOLVE_FAILED', `Unresolved tag: ${tagName}`, tagName !== 'tag:yaml.org,2002:str');
    return schema[identity.SCALAR];
}
function findScalarTagByTest({ atKey, directives, schema }, value, token, onError) {
    const tag = schema.tags.find(tag => (tag.default === true || (atKey && tag.default === 'key')) &&
        tag.test?.test(value)) || schema[identity.SCALAR];
    if (schema.compat) {
        const compat = schema.compat.find(tag => tag.default && tag.test?.test(value)) ??
            schema[identity.SCALAR];
        if (tag.tag !== compat.tag) {
            const ts = directives.tagString(tag.tag);
            const cs = directives.tagString(compat.tag);
            const msg = `Value may be parsed as either ${ts} or ${cs}`;
            onError(token, 'TAG_RESOLVE_FAILED', msg, true);
        }
    }
    return tag;
}

exports.composeScalar = composeScalar;


/***/ }),

/***/ 9984:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);
var directives = __nccwpck_require__(1342);
var Document = __nccwpck_require__(3021);
var errors = __nccwpck_require__(1464);
var identity = __nccwpck_require__(1127);
var composeDoc = __nccwpck_require__(3683);
var resolveEnd = __nccwpck_require__(7788);

function getErrorPos(src) {
    if (typeof src === 'number')
        return [src, src + 1];
    if (Array.isArray(src))
        return src.length === 2 ? src : [src[0], src[1]];
    const { offset, source } = src;
    return [offset, offset + (typeof source === 'string' ? source.length : 1)];
}
function parsePrelude(prelude) {
    let comment = '';
    let atComment = false;
    let afterEmptyLine = false;
    for (let i = 0; i < prelude.length; ++i) {
        const source = prelude[i];
        switch (source[0]) {
            case '#':
                comment +=
                    (comment === '' ? '' : afterEmptyLine ? '\n\n' : '\n') +
                        (source.substring(1) || ' ');
                atComment = true;
                afterEmptyLine = false;
                break;
            case '%':
                if (prelude[i + 1]?.[0] !== '#')
                    i += 1;
                atComment = false;
                break;
            default:
                // This may be wrong after doc-end, but in that case it doesn't matter
                if (!atComment)
                    afterEmptyLine = true;
                atComment = false;
        }
    }
    return { comment, afterEmptyLine };
}
/**
 * Compose a stream of CST nodes into a stream of YAML Documents.
 *
 * ```ts
 * import { Composer, Parser } from 'yaml'
 *
 * const src: string = ...
 * const tokens = new Parser().parse(src)
 * const docs = new Composer().compose(tokens)
 * ```
 */
class Composer {
    constructor(options = {}) {
        this.doc = null;
        this.atDirectives = false;
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
        this.onError = (source, code, message, warning) => {
            const pos = getErrorPos(source);
            if (warning)
                this.warnings.push(new errors.YAMLWarning(pos, code, message));
            else
                this.errors.push(new errors.YAMLParseError(pos, code, message));
        };
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        this.directives = new directives.Directives({ version: options.version || '1.2' });
        this.options = options;
    }
    decorate(doc, afterDoc) {
        const { comment, afterEmptyLine } = parsePrelude(this.prelude);
        //console.log({ dc: doc.comment, prelude, comment })
        if (comment) {
            const dc = doc.contents;
            if (afterDoc) {
                doc.comment = doc.comment ? `${doc.comment}\n${comment}` : comment;
            }
            else if (afterEmptyLine || doc.directives.docStart || !dc) {
                doc.commentBefore = comment;
            }
            else if (identity.isCollection(dc) && !dc.flow && dc.items.length > 0) {
                let it = dc.items[0];
                if (identity.isPair(it))
                    it = it.key;
                const cb = it.commentBefore;
                it.commentBefore = cb ? `${comment}\n${cb}` : comment;
            }
            else {
                const cb = dc.commentBefore;
                dc.commentBefore = cb ? `${comment}\n${cb}` : comment;
            }
        }
        if (afterDoc) {
            for (let i = 0; i < this.errors.length; ++i)
                doc.errors.push(this.errors[i]);
            for (let i = 0; i < this.warnings.length; ++i)
                doc.warnings.push(this.warnings[i]);
        }
        else {
            doc.errors = this.errors;
            doc.warnings = this.warnings;
        }
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
    }
    /**
     * Current stream status information.
     *
     * Mostly useful at the end of input for an empty stream.
     */
    streamInfo() {
        return {
            comment: parsePrelude(this.prelude).comment,
            directives: this.directives,
            errors: this.errors,
            warnings: this.warnings
        };
    }
    /**
     * Compose tokens into documents.
     *
     * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
     * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
     */
    *compose(tokens, forceDoc = false, endOffset = -1) {
        for (const token of tokens)
            yield* this.next(token);
        yield* this.end(forceDoc, endOffset);
    }
    /** Advance the composer by one CST token. */
    *next(token) {
        if (node_process.env.LOG_STREAM)
            console.dir(token, { depth: null });
        switch (token.type) {
            case 'directive':
                this.directives.add(token.source, (offset, message, warning) => {
                    const pos = getErrorPos(token);
                    pos[0] += offset;
                    this.onError(pos, 'BAD_DIRECTIVE', message, warning);
                });
                this.prelude.push(token.source);
                this.atDirectives = true;
                break;
            case 'document': {
                const doc = composeDoc.composeDoc(this.options, this.directives, token, this.onError);
                if (this.atDirectives && !doc.directives.docStart)
                    this.onError(token, 'MISSING_CHAR', 'Missing directives-end/doc-start indicator line');
                this.decorate(doc, false);
                if (this.doc)
                    yield this.doc;
                this.doc = doc;
                this.atDirectives = false;
                break;
            }
            case 'byte-order-mark':
            case 'space':
                break;
            case 'comment':
            case 'newline':
                this.prelude.push(token.source);
                break;
            case 'error': {
                const msg = token.source
                    ? `${token.message}: ${JSON.stringify(token.source)}`
                    : token.message;
                const error = new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', msg);
                if (this.atDirectives || !this.doc)
                    this.errors.push(error);
                else
                    this.doc.errors.push(error);
                break;
            }
            case 'doc-end': {
                if (!this.doc) {
                    const msg = 'Unexpected doc-end without preceding document';
                    this.errors.push(new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', msg));
                    break;
                }
                this.doc.directives.docEnd = true;
                const end = resolveEnd.resolveEnd(token.end, token.offset + token.source.length, this.doc.options.strict, this.onError);
                this.decorate(this.doc, true);
                if (end.comment) {
                    const dc = this.doc.comment;
                    this.doc.comment = dc ? `${dc}\n${end.comment}` : end.comment;
                }
                this.doc.range[2] = end.offset;
                break;
            }
            default:
                this.errors.push(new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', `Unsupported token ${token.type}`));
        }
    }
    /**
     * Call at end of input to yield any remaining document.
     *
     * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
     * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
     */
    *end(forceDoc = false, endOffset = -1) {
        if (this.doc) {
            this.decorate(this.doc, true);
            yield this.doc;
            this.doc = null;
        }
        else if (forceDoc) {
            const opts = Object.assign({ _directives: this.directives }, this.options);
            const doc = new Document.Document(undefined, opts);
            if (this.atDirectives)
                this.onError(endOffset, 'MISSING_CHAR', 'Missing directives-end indicator line');
            doc.range = [0, endOffset, endOffset];
            this.decorate(doc, false);
            yield doc;
        }
    }
}

exports.Composer = Composer;


/***/ }),

/***/ 7103:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);
var resolveProps = __nccwpck_require__(4631);
var utilContainsNewline = __nccwpck_require__(9499);
var utilFlowIndentCheck = __nccwpck_require__(4051);
var utilMapIncludes = __nccwpck_require__(1187);

const startColMsg = 'All mapping items must start at the same column';
function resolveBlockMap({ composeNode, composeEmptyNode }, ctx, bm, onError, tag) {
    const NodeClass = tag?.nodeClass ?? YAMLMap.YAMLMap;
    const map = new NodeClass(ctx.schema);
    if (ctx.atRoot)
        ctx.atRoot = false;
    let offset = bm.offset;
    let commentEnd = null;
    for (const collItem of bm.items) {
        const { start, key, sep, value } = collItem;
        // key properties
        const keyProps = resolveProps.resolveProps(start, {
            indicator: 'explicit-key-ind',
            next: key ?? sep?.[0],
            offset,
            onError,
            parentIndent: bm.indent,
            startOnNewline: true
        });
        const implicitKey = !keyProps.found;
        if (implicitKey) {
            if (key) {
                if (key.type === 'block-seq')
                    onError(offset, 'BLOCK_AS_IMPLICIT_KEY', 'A block sequence may not be used as an implicit map key');
                else if ('indent' in key && key.indent !== bm.indent)
                    onError(offset, 'BAD_INDENT', startColMsg);
            }
            if (!keyProps.anchor && !keyProps.tag && !sep) {
                commentEnd = keyProps.end;
                if (keyProps.comment) {
                    if (map.comment)
                        map.comment += '\n' + keyProps.comment;
                    else
                        map.comment = keyProps.comment;
                }
                continue;
            }
            if (keyProps.newlineAfterProp || utilContainsNewline.containsNewline(key)) {
                onError(key ?? start[start.length - 1], 'MULTILINE_IMPLICIT_KEY', 'Implicit keys need to be on a single line');
            }
        }
        else if (keyProps.found?.indent !== bm.indent) {
            onError(offset, 'BAD_INDENT', startColMsg);
        }
        // key value
        ctx.atKey = true;
        const keyStart = keyProps.end;
        const keyNode = key
            ? composeNode(ctx, key, keyProps, onError)
            : composeEmptyNode(ctx, keyStart, start, null, keyProps, onError);
        if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bm.indent, key, onError);
        ctx.atKey = false;
        if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
            onError(keyStart, 'DUPLICATE_KEY', 'Map keys must be unique');
        // value properties
        const valueProps = resolveProps.resolveProps(sep ?? [], {
            indicator: 'map-value-ind',
            next: value,
            offset: keyNode.range[2],
            onError,
            parentIndent: bm.indent,
            startOnNewline: !key || key.type === 'block-scalar'
        });
        offset = valueProps.end;
        if (valueProps.found) {
            if (implicitKey) {
                if (value?.type === 'block-map' && !valueProps.hasNewline)
                    onError(offset, 'BLOCK_AS_IMPLICIT_KEY', 'Nested mappings are not allowed in compact mappings');
                if (ctx.options.strict &&
                    keyProps.start < valueProps.found.offset - 1024)
                    onError(keyNode.range, 'KEY_OVER_1024_CHARS', 'The : indicator must be at most 1024 chars after the start of an implicit block mapping key');
            }
            // value value
            const valueNode = value
                ? composeNode(ctx, value, valueProps, onError)
                : composeEmptyNode(ctx, offset, sep, null, valueProps, onError);
            if (ctx.schema.compat)
                utilFlowIndentCheck.flowIndentCheck(bm.indent, value, onError);
            offset = valueNode.range[2];
            const pair = new Pair.Pair(keyNode, valueNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            map.items.push(pair);
        }
        else {
            // key with no value
            if (implicitKey)
                onError(keyNode.range, 'MISSING_CHAR', 'Implicit map keys need to be followed by map values');
            if (valueProps.comment) {
                if (keyNode.comment)
                    keyNode.comment += '\n' + valueProps.comment;
                else
                    keyNode.comment = valueProps.comment;
            }
            const pair = new Pair.Pair(keyNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            map.items.push(pair);
        }
    }
    if (commentEnd && commentEnd < offset)
        onError(commentEnd, 'IMPOSSIBLE', 'Map comment with trailing content');
    map.range = [bm.offset, offset, commentEnd ?? offset];
    return map;
}

exports.resolveBlockMap = resolveBlockMap;


/***/ }),

/***/ 8913:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

function resolveBlockScalar(ctx, scalar, onError) {
    const start = scalar.offset;
    const header = parseBlockScalarHeader(scalar, ctx.options.strict, onError);
    if (!header)
        return { value: '', type: null, comment: '', range: [start, start, start] };
    const type = header.mode === '>' ? Scalar.Scalar.BLOCK_FOLDED : Scalar.Scalar.BLOCK_LITERAL;
    const lines = scalar.source ? splitLines(scalar.source) : [];
    // determine the end of content & start of chomping
    let chompStart = lines.length;
    for (let i = lines.length - 1; i >= 0; --i) {
        const content = lines[i][1];
        if (content === '' || content === '\r')
            chompStart = i;
        else
            break;
    }
    // shortcut for empty contents
    if (chompStart === 0) {
        const value = header.chomp === '+' && lines.length > 0
            ? '\n'.repeat(Math.max(1, lines.length - 1))
            : '';
        let end = start + header.length;
        if (scalar.source)
            end += scalar.source.length;
        return { value, type, comment: header.comment, range: [start, end, end] };
    }
    // find the indentation level to trim from start
    let trimIndent = scalar.indent + header.indent;
    let offset = scalar.offset + header.length;
    let contentStart = 0;
    for (let i = 0; i < chompStart; ++i) {
        const [indent, content] = lines[i];
        if (content === '' || content === '\r') {
            if (header.indent === 0 && indent.length > trimIndent)
                trimIndent = indent.length;
        }
        else {
            if (indent.length < trimIndent) {
                const message = 'Block scalars with more-indented leading empty lines must use an explicit indentation indicator';
                onError(offset + indent.length, 'MISSING_CHAR', message);
            }
            if (header.indent === 0)
                trimIndent = indent.length;
            contentStart = i;
            if (trimIndent === 0 && !ctx.atRoot) {
                const message = 'Block scalar values in collections must be indented';
                onError(offset, 'BAD_INDENT', message);
            }
            break;
        }
        offset += indent.length + content.length + 1;
    }
    // include trailing more-indented empty lines in content
    for (let i = lines.length - 1; i >= chompStart; --i) {
        if (lines[i][0].length > trimIndent)
            chompStart = i + 1;
    }
    let value = '';
    let sep = '';
    let prevMoreIndented = false;
    // leading whitespace is kept intact
    for (let i = 0; i < contentStart; ++i)
        value += lines[i][0].slice(trimIndent) + '\n';
    for (let i = contentStart; i < chompStart; ++i) {
        let [indent, content] = lines[i];
        offset += indent.length + content.length + 1;
        const crlf = content[content.length - 1] === '\r';
        if (crlf)
            content = content.slice(0, -1);
        /* istanbul ignore if already caught in lexer */
        if (content && indent.length < trimIndent) {
            const src = header.indent
                ? 'explicit indentation indicator'
                : 'first line';
            const message = `Block scalar lines must not be less indented than their ${src}`;
            onError(offset - content.length - (crlf ? 2 : 1), 'BAD_INDENT', message);
            indent = '';
        }
        if (type === Scalar.Scalar.BLOCK_LITERAL) {
            value += sep + indent.slice(trimIndent) + content;
            sep = '\n';
        }
        else if (indent.length > trimIndent || content[0] === '\t') {
            // more-indented content within a folded block
            if (sep === ' ')
                sep = '\n';
            else if (!prevMoreIndented && sep === '\n')
                sep = '\n\n';
            value += sep + indent.slice(trimIndent) + content;
            sep = '\n';
            prevMoreIndented = true;
        }
        else if (content === '') {
            // empty line
            if (sep === '\n')
                value += '\n';
            else
                sep = '\n';
        }
        else {
            value += sep + content;
            sep = ' ';
            prevMoreIndented = false;
        }
    }
    switch (header.chomp) {
        case '-':
            break;
        case '+':
            for (let i = chompStart; i < lines.length; ++i)
                value += '\n' + lines[i][0].slice(trimIndent);
            if (value[value.length - 1] !== '\n')
                value += '\n';
            break;
        default:
            value += '\n';
    }
    const end = start + header.length + scalar.source.length;
    return { value, type, comment: header.comment, range: [start, end, end] };
}
function parseBlockScalarHeader({ offset, props }, strict, onError) {
    /* istanbul ignore if should not happen */
    if (props[0].type !== 'block-scalar-header') {
        onError(props[0], 'IMPOSSIBLE', 'Block scalar header not found');
        return null;
    }
    const { source } = props[0];
    const mode = source[0];
    let indent = 0;
    let chomp = '';
    let error = -1;
    for (let i = 1; i < source.length; ++i) {
        const ch = source[i];
        if (!chomp && (ch === '-' || ch === '+'))
            chomp = ch;
        else {
            const n = Number(ch);
            if (!indent && n)
                indent = n;
            else if (error === -1)
                error = offset + i;
        }
    }
    if (error !== -1)
        onError(error, 'UNEXPECTED_TOKEN', `Block scalar header includes extra characters: ${source}`);
    let hasSpace = false;
    let comment = '';
    let length = source.length;
    for (let i = 1; i < props.length; ++i) {
        const token = props[i];
        switch (token.type) {
            case 'space':
                hasSpace = true;
            // fallthrough
            case 'newline':
                length += token.source.length;
                break;
            case 'comment':
                if (strict && !hasSpace) {
                    const message = 'Comments must be separated from other tokens by white space characters';
                    onError(token, 'MISSING_CHAR', message);
                }
                length += token.source.length;
                comment = token.source.substring(1);
                break;
            case 'error':
                onError(token, 'UNEXPECTED_TOKEN', token.message);
                length += token.source.length;
                break;
            /* istanbul ignore next should not happen */
            default: {
                const message = `Unexpected token in block scalar header: ${token.type}`;
                onError(token, 'UNEXPECTED_TOKEN', message);
                const ts = token.source;
                if (ts && typeof ts === 'string')
                    length += ts.length;
            }
        }
    }
    return { mode, indent, chomp, comment, length };
}
/** @returns Array of lines split up as `[indent, content]` */
function splitLines(source) {
    const split = source.split(/\n( *)/);
    const first = split[0];
    const m = first.match(/^( *)/);
    const line0 = m?.[1]
        ? [m[1], first.slice(m[1].length)]
        : ['', first];
    const lines = [line0];
    for (let i = 1; i < split.length; i += 2)
        lines.push([split[i], split[i + 1]]);
    return lines;
}

exports.resolveBlockScalar = resolveBlockScalar;


/***/ }),

/***/ 334:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var YAMLSeq = __nccwpck_require__(2223);
var resolveProps = __nccwpck_require__(4631);
var utilFlowIndentCheck = __nccwpck_require__(4051);

function resolveBlockSeq({ composeNode, composeEmptyNode }, ctx, bs, onError, tag) {
    const NodeClass = tag?.nodeClass ?? YAMLSeq.YAMLSeq;
    const seq = new NodeClass(ctx.schema);
    if (ctx.atRoot)
        ctx.atRoot = false;
    if (ctx.atKey)
        ctx.atKey = false;
    let offset = bs.offset;
    let commentEnd = null;
    for (const { start, value } of bs.items) {
        const props = resolveProps.resolveProps(start, {
            indicator: 'seq-item-ind',
            next: value,
            offset,
            onError,
            parentIndent: bs.indent,
            startOnNewline: true
        });
        if (!props.found) {
            if (props.anchor || props.tag || value) {
                if (value?.type === 'block-seq')
                    onError(props.end, 'BAD_INDENT', 'All sequence items must start at the same column');
                else
                    onError(offset, 'MISSING_CHAR', 'Sequence item without - indicator');
            }
            else {
                commentEnd = props.end;
                if (props.comment)
                    seq.comment = props.comment;
                continue;
            }
        }
        const node = value
            ? composeNode(ctx, value, props, onError)
            : composeEmptyNode(ctx, props.end, start, null, props, onError);
        if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bs.indent, value, onError);
        offset = node.range[2];
        seq.items.push(node);
    }
    seq.range = [bs.offset, offset, commentEnd ?? offset];
    return seq;
}

exports.resolveBlockSeq = resolveBlockSeq;


/***/ }),

/***/ 7788:
/***/ ((__unused_webpack_module, exports) => {



function resolveEnd(end, offset, reqSpace, onError) {
    let comment = '';
    if (end) {
        let hasSpace = false;
        let sep = '';
        for (const token of end) {
            const { source, type } = token;
            switch (type) {
                case 'space':
                    hasSpace = true;
                    break;
                case 'comment': {
                    if (reqSpace && !hasSpace)
                        onError(token, 'MISSING_CHAR', 'Comments must be separated from other tokens by white space characters');
                    const cb = source.substring(1) || ' ';
                    if (!comment)
                        comment = cb;
                    else
                        comment += sep + cb;
                    sep = '';
                    break;
                }
                case 'newline':
                    if (comment)
                        sep += source;
                    hasSpace = true;
                    break;
                default:
                    onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${type} at node end`);
            }
            offset += source.length;
        }
    }
    return { comment, offset };
}

exports.resolveEnd = resolveEnd;


/***/ }),

/***/ 3142:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var resolveEnd = __nccwpck_require__(7788);
var resolveProps = __nccwpck_require__(4631);
var utilContainsNewline = __nccwpck_require__(9499);
var utilMapIncludes = __nccwpck_require__(1187);

const blockMsg = 'Block collections are not allowed within flow collections';
const isBlock = (token) => token && (token.type === 'block-map' || token.type === 'block-seq');
function resolveFlowCollection({ composeNode, composeEmptyNode }, ctx, fc, onError, tag) {
    const isMap = fc.start.source === '{';
    const fcName = isMap ? 'flow map' : 'flow sequence';
    const NodeClass = (tag?.nodeClass ?? (isMap ? YAMLMap.YAMLMap : YAMLSeq.YAMLSeq));
    const coll = new NodeClass(ctx.schema);
    coll.flow = true;
    const atRoot = ctx.atRoot;
    if (atRoot)
        ctx.atRoot = false;
    if (ctx.atKey)
        ctx.atKey = false;
    let offset = fc.offset + fc.start.source.length;
    for (let i = 0; i < fc.items.length; ++i) {
        const collItem = fc.items[i];
        const { start, key, sep, value } = collItem;
        const props = resolveProps.resolveProps(start, {
            flow: fcName,
            indicator: 'explicit-key-ind',
            next: key ?? sep?.[0],
            offset,
            onError,
            parentIndent: fc.indent,
            startOnNewline: false
        });
        if (!props.found) {
            if (!props.anchor && !props.tag && !sep && !value) {
                if (i === 0 && props.comma)
                    onError(props.comma, 'UNEXPECTED_TOKEN', `Unexpected , in ${fcName}`);
                else if (i < fc.items.length - 1)
                    onError(props.start, 'UNEXPECTED_TOKEN', `Unexpected empty item in ${fcName}`);
                if (props.comment) {
                    if (coll.comment)
                        coll.comment += '\n' + props.comment;
                    else
                        coll.comment = props.comment;
                }
                offset = props.end;
                continue;
            }
            if (!isMap && ctx.options.strict && utilContainsNewline.containsNewline(key))
                onError(key, // checked by containsNewline()
                'MULTILINE_IMPLICIT_KEY', 'Implicit keys of flow sequence pairs need to be on a single line');
        }
        if (i === 0) {
            if (props.comma)
                onError(props.comma, 'UNEXPECTED_TOKEN', `Unexpected , in ${fcName}`);
        }
        else {
            if (!props.comma)
                onError(props.start, 'MISSING_CHAR', `Missing , between ${fcName} items`);
            if (props.comment) {
                let prevItemComment = '';
                loop: for (const st of start) {
                    switch (st.type) {
                        case 'comma':
                        case 'space':
                            break;
                        case 'comment':
                            prevItemComment = st.source.substring(1);
                            break loop;
                        default:
                            break loop;
                    }
                }
                if (prevItemComment) {
                    let prev = coll.items[coll.items.length - 1];
                    if (identity.isPair(prev))
                        prev = prev.value ?? prev.key;
                    if (prev.comment)
                        prev.comment += '\n' + prevItemComment;
                    else
                        prev.comment = prevItemComment;
                    props.comment = props.comment.substring(prevItemComment.length + 1);
                }
            }
        }
        if (!isMap && !sep && !props.found) {
            // item is a value in a seq
            // → key & sep are empty, start does not include ? or :
            const valueNode = value
                ? composeNode(ctx, value, props, onError)
                : composeEmptyNode(ctx, props.end, sep, null, props, onError);
            coll.items.push(valueNode);
            offset = valueNode.range[2];
            if (isBlock(value))
                onError(valueNode.range, 'BLOCK_IN_FLOW', blockMsg);
        }
        else {
            // item is a key+value pair
            // key value
            ctx.atKey = true;
            const keyStart = props.end;
            const keyNode = key
                ? composeNode(ctx, key, props, onError)
                : composeEmptyNode(ctx, keyStart, start, null, props, onError);
            if (isBlock(key))
                onError(keyNode.range, 'BLOCK_IN_FLOW', blockMsg);
            ctx.atKey = false;
            // value properties
            const valueProps = resolveProps.resolveProps(sep ?? [], {
                flow: fcName,
                indicator: 'map-value-ind',
                next: value,
                offset: keyNode.range[2],
                onError,
                parentIndent: fc.indent,
                startOnNewline: false
            });
            if (valueProps.found) {
                if (!isMap && !props.found && ctx.options.strict) {
                    if (sep)
                        for (const st of sep) {
                            if (st === valueProps.found)
                                break;
                            if (st.type === 'newline') {
                                onError(st, 'MULTILINE_IMPLICIT_KEY', 'Implicit keys of flow sequence pairs need to be on a single line');
                                break;
                            }
                        }
                    if (props.start < valueProps.found.offset - 1024)
                        onError(valueProps.found, 'KEY_OVER_1024_CHARS', 'The : indicator must be at most 1024 chars after the start of an implicit flow sequence key');
                }
            }
            else if (value) {
                if ('source' in value && value.source?.[0] === ':')
                    onError(value, 'MISSING_CHAR', `Missing space after : in ${fcName}`);
                else
                    onError(valueProps.start, 'MISSING_CHAR', `Missing , or : between ${fcName} items`);
            }
            // value value
            const valueNode = value
                ? composeNode(ctx, value, valueProps, onError)
                : valueProps.found
                    ? composeEmptyNode(ctx, valueProps.end, sep, null, valueProps, onError)
                    : null;
            if (valueNode) {
                if (isBlock(value))
                    onError(valueNode.range, 'BLOCK_IN_FLOW', blockMsg);
            }
            else if (valueProps.comment) {
                if (keyNode.comment)
                    keyNode.comment += '\n' + valueProps.comment;
                else
                    keyNode.comment = valueProps.comment;
            }
            const pair = new Pair.Pair(keyNode, valueNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            if (isMap) {
                const map = coll;
                if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
                    onError(keyStart, 'DUPLICATE_KEY', 'Map keys must be unique');
                map.items.push(pair);
            }
            else {
                const map = new YAMLMap.YAMLMap(ctx.schema);
                map.flow = true;
                map.items.push(pair);
                const endRange = (valueNode ?? keyNode).range;
                map.range = [keyNode.range[0], endRange[1], endRange[2]];
                coll.items.push(map);
            }
            offset = valueNode ? valueNode.range[2] : valueProps.end;
        }
    }
    const expectedEnd = isMap ? '}' : ']';
    const [ce, ...ee] = fc.end;
    let cePos = offset;
    if (ce?.source === expectedEnd)
        cePos = ce.offset + ce.source.length;
    else {
        const name = fcName[0].toUpperCase() + fcName.substring(1);
        const msg = atRoot
            ? `${name} must end with a ${expectedEnd}`
            : `${name} in block collection must be sufficiently indented and end with a ${expectedEnd}`;
        onError(offset, atRoot ? 'MISSING_CHAR' : 'BAD_INDENT', msg);
        if (ce && ce.source.length !== 1)
            ee.unshift(ce);
    }
    if (ee.length > 0) {
        const end = resolveEnd.resolveEnd(ee, cePos, ctx.options.strict, onError);
        if (end.comment) {
            if (coll.comment)
                coll.comment += '\n' + end.comment;
            else
                coll.comment = end.comment;
        }
        coll.range = [fc.offset, cePos, end.offset];
    }
    else {
        coll.range = [fc.offset, cePos, cePos];
    }
    return coll;
}

exports.resolveFlowCollection = resolveFlowCollection;


/***/ }),

/***/ 6842:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var resolveEnd = __nccwpck_require__(7788);

function resolveFlowScalar(scalar, strict, onError) {
    const { offset, type, source, end } = scalar;
    let _type;
    let value;
    const _onError = (rel, code, msg) => onError(offset + rel, code, msg);
    switch (type) {
        case 'scalar':
            _type = Scalar.Scalar.PLAIN;
            value = plainValue(source, _onError);
            break;
        case 'single-quoted-scalar':
            _type = Scalar.Scalar.QUOTE_SINGLE;
            value = singleQuotedValue(source, _onError);
            break;
        case 'double-quoted-scalar':
            _type = Scalar.Scalar.QUOTE_DOUBLE;
            value = doubleQuotedValue(source, _onError);
            break;
        /* istanbul ignore next should not happen */
        default:
            onError(scalar, 'UNEXPECTED_TOKEN', `Expected a flow scalar value, but found: ${type}`);
            return {
                value: '',
                type: null,
                comment: '',
                range: [offset, offset + source.length, offset + source.length]
            };
    }
    const valueEnd = offset + source.length;
    const re = resolveEnd.resolveEnd(end, valueEnd, strict, onError);
    return {
        value,
        type: _type,
        comment: re.comment,
        range: [offset, valueEnd, re.offset]
    };
}
function plainValue(source, onError) {
    let badChar = '';
    switch (source[0]) {
        /* istanbul ignore next should not happen */
        case '\t':
            badChar = 'a tab character';
            break;
        case ',':
            badChar = 'flow indicator character ,';
            break;
        case '%':
            badChar = 'directive indicator character %';
            break;
        case '|':
        case '>': {
            badChar = `block scalar indicator ${source[0]}`;
            break;
        }
        case '@':
        case '`': {
            badChar = `reserved character ${source[0]}`;
            break;
        }
    }
    if (badChar)
        onError(0, 'BAD_SCALAR_START', `Plain value cannot start with ${badChar}`);
    return unfoldLines(source);
}
function singleQuotedValue(source, onError) {
    if (source[source.length - 1] !== "'" || source.length === 1)
        onError(source.length, 'MISSING_CHAR', "Missing closing 'quote");
    return unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
}
function unfoldLines(source) {
    const line = /(.*?)\r?\n/sy;
    let match = line.exec(source);
    if (!match)
        return source;
    /**
     * The negative lookbehinds in these RegExps are to
     * prevent causing a polynomial search time in certain cases.
     *
     * The try-catch is for Safari < 16.4 and other old browsers:
     * https://caniuse.com/js-regexp-lookbehind
     */
    let trimEnd, trimBoth;
    try {
        trimEnd = new RegExp('(?<![ \t])[ \t]+$');
        trimBoth = new RegExp('^[ \t]+|(?<![ \t])[ \t]+$', 'g');
    }
    catch {
        trimEnd = /[ \t]+$/;
        trimBoth = /^[ \t]+|[ \t]+$/g;
    }
    let res = match[1].replace(trimEnd, '');
    let sep = ' ';
    let pos = line.lastIndex;
    while ((match = line.exec(source))) {
        const lm = match[1].replace(trimBoth, '');
        if (lm === '') {
            if (sep === '\n')
                res += sep;
            else
                sep = '\n';
        }
        else {
            res += sep + lm;
            sep = ' ';
        }
        pos = line.lastIndex;
    }
    const last = /[ \t]*(.*)/sy;
    last.lastIndex = pos;
    match = last.exec(source);
    return res + sep + (match?.[1] ?? '');
}
function doubleQuotedValue(source, onError) {
    let res = '';
    for (let i = 1; i < source.length - 1; ++i) {
        const ch = source[i];
        if (ch === '\r' && source[i + 1] === '\n')
            continue;
        if (ch === '\n') {
            const { fold, offset } = foldNewline(source, i);
            res += fold;
            i = offset;
        }
        else if (ch === '\\') {
            let next = source[++i];
            const cc = escapeCodes[next];
            if (cc)
                res += cc;
            else if (next === '\n') {
                // skip escaped newlines, but still trim the following line
                next = source[i + 1];
                while (next === ' ' || next === '\t')
                    next = source[++i + 1];
            }
            else if (next === '\r' && source[i + 1] === '\n') {
                // skip escaped CRLF newlines, but still trim the following line
                next = source[++i + 1];
                while (next === ' ' || next === '\t')
                    next = source[++i + 1];
            }
            else if (next === 'x' || next === 'u' || next === 'U') {
                const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
                res += parseCharCode(source, i + 1, length, onError);
                i += length;
            }
            else {
                const raw = source.substr(i - 1, 2);
                onError(i - 1, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
                res += raw;
            }
        }
        else if (ch === ' ' || ch === '\t') {
            // trim trailing whitespace
            const wsStart = i;
            let next = source[i + 1];
            while (next === ' ' || next === '\t')
                next = source[++i + 1];
            if (next !== '\n' && !(next === '\r' && source[i + 2] === '\n'))
                res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
        }
        else {
            res += ch;
        }
    }
    if (source[source.length - 1] !== '"' || source.length === 1)
        onError(source.length, 'MISSING_CHAR', 'Missing closing "quote');
    return res;
}
/**
 * Fold a single newline into a space, multiple newlines to N - 1 newlines.
 * Presumes `source[offset] === '\n'`
 */
function foldNewline(source, offset) {
    let fold = '';
    let ch = source[offset + 1];
    while (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
        if (ch === '\r' && source[offset + 2] !== '\n')
            break;
        if (ch === '\n')
            fold += '\n';
        offset += 1;
        ch = source[offset + 1];
    }
    if (!fold)
        fold = ' ';
    return { fold, offset };
}
const escapeCodes = {
    '0': '\0', // null character
    a: '\x07', // bell character
    b: '\b', // backspace
    e: '\x1b', // escape character
    f: '\f', // form feed
    n: '\n', // line feed
    r: '\r', // carriage return
    t: '\t', // horizontal tab
    v: '\v', // vertical tab
    N: '\u0085', // Unicode next line
    _: '\u00a0', // Unicode non-breaking space
    L: '\u2028', // Unicode line separator
    P: '\u2029', // Unicode paragraph separator
    ' ': ' ',
    '"': '"',
    '/': '/',
    '\\': '\\',
    '\t': '\t'
};
function parseCharCode(source, offset, length, onError) {
    const cc = source.substr(offset, length);
    const ok = cc.length === length && /^[0-9a-fA-F]+$/.test(cc);
    const code = ok ? parseInt(cc, 16) : NaN;
    try {
        return String.fromCodePoint(code);
    }
    catch {
        const raw = source.substr(offset - 2, length + 2);
        onError(offset - 2, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
        return raw;
    }
}

exports.resolveFlowScalar = resolveFlowScalar;


/***/ }),

/***/ 4631:
/***/ ((__unused_webpack_module, exports) => {



function resolveProps(tokens, { flow, indicator, next, offset, onError, parentIndent, startOnNewline }) {
    let spaceBefore = false;
    let atNewline = startOnNewline;
    let hasSpace = startOnNewline;
    let comment = '';
    let commentSep = '';
    let hasNewline = false;
    let reqSpace = false;
    let tab = null;
    let anchor = null;
    let tag = null;
    let newlineAfterProp = null;
    let comma = null;
    let found = null;
    let start = null;
    for (const token of tokens) {
        if (reqSpace) {
            if (token.type !== 'space' &&
                token.type !== 'newline' &&
                token.type !== 'comma')
                onError(token.offset, 'MISSING_CHAR', 'Tags and anchors must be separated from the next token by white space');
            reqSpace = false;
        }
        if (tab) {
            if (atNewline && token.type !== 'comment' && token.type !== 'newline') {
                onError(tab, 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
            }
            tab = null;
        }
        switch (token.type) {
            case 'space':
                // At the doc level, tabs at line start may be parsed
                // as leading white space rather than indentation.
                // In a flow collection, only the parser handles indent.
                if (!flow &&
                    (indicator !== 'doc-start' || next?.type !== 'flow-collection') &&
                    token.source.includes('\t')) {
                    tab = token;
                }
                hasSpace = true;
                break;
            case 'comment': {
                if (!hasSpace)
                    onError(token, 'MISSING_CHAR', 'Comments must be separated from other tokens by white space characters');
                const cb = token.source.substring(1) || ' ';
                if (!comment)
                    comment = cb;
                else
                    comment += commentSep + cb;
                commentSep = '';
                atNewline = false;
                break;
            }
            case 'newline':
                if (atNewline) {
                    if (comment)
                        comment += token.source;
                    else if (!found || indicator !== 'seq-item-ind')
                        spaceBefore = true;
                }
                else
                    commentSep += token.source;
                atNewline = true;
                hasNewline = true;
                if (anchor || tag)
                    newlineAfterProp = token;
                hasSpace = true;
                break;
            case 'anchor':
                if (anchor)
                    onError(token, 'MULTIPLE_ANCHORS', 'A node can have at most one anchor');
                if (token.source.endsWith(':'))
                    onError(token.offset + token.source.length - 1, 'BAD_ALIAS', 'Anchor ending in : is ambiguous', true);
                anchor = token;
                start ?? (start = token.offset);
                atNewline = false;
                hasSpace = false;
                reqSpace = true;
                break;
            case 'tag': {
                if (tag)
                    onError(token, 'MULTIPLE_TAGS', 'A node can have at most one tag');
                tag = token;
                start ?? (start = token.offset);
                atNewline = false;
                hasSpace = false;
                reqSpace = true;
                break;
            }
            case indicator:
                // Could here handle preceding comments differently
                if (anchor || tag)
                    onError(token, 'BAD_PROP_ORDER', `Anchors and tags must be after the ${token.source} indicator`);
                if (found)
                    onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${token.source} in ${flow ?? 'collection'}`);
                found = token;
                atNewline =
                    indicator === 'seq-item-ind' || indicator === 'explicit-key-ind';
                hasSpace = false;
                break;
            case 'comma':
                if (flow) {
                    if (comma)
                        onError(token, 'UNEXPECTED_TOKEN', `Unexpected , in ${flow}`);
                    comma = token;
                    atNewline = false;
                    hasSpace = false;
                    break;
                }
            // else fallthrough
            default:
                onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${token.type} token`);
                atNewline = false;
                hasSpace = false;
        }
    }
    const last = tokens[tokens.length - 1];
    const end = last ? last.offset + last.source.length : offset;
    if (reqSpace &&
        next &&
        next.type !== 'space' &&
        next.type !== 'newline' &&
        next.type !== 'comma' &&
        (next.type !== 'scalar' || next.source !== '')) {
        onError(next.offset, 'MISSING_CHAR', 'Tags and anchors must be separated from the next token by white space');
    }
    if (tab &&
        ((atNewline && tab.indent <= parentIndent) ||
            next?.type === 'block-map' ||
            next?.type === 'block-seq'))
        onError(tab, 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
    return {
        comma,
        found,
        spaceBefore,
        comment,
        hasNewline,
        anchor,
        tag,
        newlineAfterProp,
        end,
        start: start ?? end
    };
}

exports.resolveProps = resolveProps;


/***/ }),

/***/ 9499:
/***/ ((__unused_webpack_module, exports) => {



function containsNewline(key) {
    if (!key)
        return null;
    switch (key.type) {
        case 'alias':
        case 'scalar':
        case 'double-quoted-scalar':
        case 'single-quoted-scalar':
            if (key.source.includes('\n'))
                return true;
            if (key.end)
                for (const st of key.end)
                    if (st.type === 'newline')
                        return true;
            return false;
        case 'flow-collection':
            for (const it of key.items) {
                for (const st of it.start)
                    if (st.type === 'newline')
                        return true;
                if (it.sep)
                    for (const st of it.sep)
                        if (st.type === 'newline')
                            return true;
                if (containsNewline(it.key) || containsNewline(it.value))
                    return true;
            }
            return false;
        default:
            return true;
    }
}

exports.containsNewline = containsNewline;


/***/ }),

/***/ 2599:
/***/ ((__unused_webpack_module, exports) => {



function emptyScalarPosition(offset, before, pos) {
    if (before) {
        pos ?? (pos = before.length);
        for (let i = pos - 1; i >= 0; --i) {
            let st = before[i];
            switch (st.type) {
                case 'space':
                case 'comment':
                case 'newline':
                    offset -= st.source.length;
                    continue;
            }
            // Technically, an empty scalar is immediately after the last non-empty
            // node, but it's more useful to place it after any whitespace.
            st = before[++i];
            while (st?.type === 'space') {
                offset += st.source.length;
                st = before[++i];
            }
            break;
        }
    }
    return offset;
}

exports.emptyScalarPosition = emptyScalarPosition;


/***/ }),

/***/ 4051:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var utilContainsNewline = __nccwpck_require__(9499);

function flowIndentCheck(indent, fc, onError) {
    if (fc?.type === 'flow-collection') {
        const end = fc.end[0];
        if (end.indent === indent &&
            (end.source === ']' || end.source === '}') &&
            utilContainsNewline.containsNewline(fc)) {
            const msg = 'Flow end indicator should be more indented than parent';
            onError(end, 'BAD_INDENT', msg, true);
        }
    }
}

exports.flowIndentCheck = flowIndentCheck;


/***/ }),

/***/ 1187:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

function mapIncludes(ctx, items, search) {
    const { uniqueKeys } = ctx.options;
    if (uniqueKeys === false)
        return false;
    const isEqual = typeof uniqueKeys === 'function'
        ? uniqueKeys
        : (a, b) => a === b || (identity.isScalar(a) && identity.isScalar(b) && a.value === b.value);
    return items.some(pair => isEqual(pair.key, search));
}

exports.mapIncludes = mapIncludes;


/***/ }),

/***/ 3021:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var toJS = __nccwpck_require__(4043);
var Schema = __nccwpck_require__(5840);
var stringifyDocument = __nccwpck_require__(6829);
var anchors = __nccwpck_require__(1596);
var applyReviver = __nccwpck_require__(3661);
var createNode = __nccwpck_require__(2404);
var directives = __nccwpck_require__(1342);

class Document {
    constructor(value, replacer, options) {
        /** A comment before this Document */
        this.commentBefore = null;
        /** A comment immediately after this Document */
        this.comment = null;
        /** Errors encountered during parsing. */
        this.errors = [];
        /** Warnings encountered during parsing. */
        this.warnings = [];
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.DOC });
        let _replacer = null;
        if (typeof replacer === 'function' || Array.isArray(replacer)) {
            _replacer = replacer;
        }
        else if (options === undefined && replacer) {
            options = replacer;
            replacer = undefined;
        }
        const opt = Object.assign({
            intAsBigInt: false,
            keepSourceTokens: false,
            logLevel: 'warn',
            prettyErrors: true,
            strict: true,
            stringKeys: false,
            uniqueKeys: true,
            version: '1.2'
        }, options);
        this.options = opt;
        let { version } = opt;
        if (options?._directives) {
            this.directives = options._directives.atDocument();
            if (this.directives.yaml.explicit)
                version = this.directives.yaml.version;
        }
        else
            this.directives = new directives.Directives({ version });
        this.setSchema(version, options);
        // @ts-expect-error We can't really know that this matches Contents.
        this.contents =
            value === undefined ? null : this.createNode(value, _replacer, options);
    }
    /**
     * Create a deep copy of this Document and its contents.
     *
     * Custom Node values that inherit from `Object` still refer to their original instances.
     */
    clone() {
        const copy = Object.create(Document.prototype, {
            [identity.NODE_TYPE]: { value: identity.DOC }
        });
        copy.commentBefore = this.commentBefore;
        copy.comment = this.comment;
        copy.errors = this.errors.slice();
        copy.warnings = this.warnings.slice();
        copy.options = Object.assign({}, this.options);
        if (this.directives)
            copy.directives = this.directives.clone();
        copy.schema = this.schema.clone();
        // @ts-expect-error We can't really know that this matches Contents.
        copy.contents = identity.isNode(this.contents)
            ? this.contents.clone(copy.schema)
            : this.contents;
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /** Adds a value to the document. */
    add(value) {
        if (assertCollection(this.contents))
            this.contents.add(value);
    }
    /** Adds a value to the document. */
    addIn(path, value) {
        if (assertCollection(this.contents))
            this.contents.addIn(path, value);
    }
    /**
     * Create a new `Alias` node, ensuring that the target `node` has the required anchor.
     *
     * If `node` already has an anchor, `name` is ignored.
     * Otherwise, the `node.anchor` value will be set to `name`,
     * or if an anchor with that name is already present in the document,
     * `name` will be used as a prefix for a new unique anchor.
     * If `name` is undefined, the generated anchor will use 'a' as a prefix.
     */
    createAlias(node, name) {
        if (!node.anchor) {
            const prev = anchors.anchorNames(this);
            node.anchor =
                // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
                !name || prev.has(name) ? anchors.findNewAnchor(name || 'a', prev) : name;
        }
        return new Alias.Alias(node.anchor);
    }
    createNode(value, replacer, options) {
        let _replacer = undefined;
        if (typeof replacer === 'function') {
            value = replacer.call({ '': value }, '', value);
            _replacer = replacer;
        }
        else if (Array.isArray(replacer)) {
            const keyToStr = (v) => typeof v === 'number' || v instanceof String || v instanceof Number;
            const asStr = replacer.filter(keyToStr).map(String);
            if (asStr.length > 0)
                replacer = replacer.concat(asStr);
            _replacer = replacer;
        }
        else if (options === undefined && replacer) {
            options = replacer;
            replacer = undefined;
        }
        const { aliasDuplicateObjects, anchorPrefix, flow, keepUndefined, onTagObj, tag } = options ?? {};
        const { onAnchor, setAnchors, sourceObjects } = anchors.createNodeAnchors(this, 
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        anchorPrefix || 'a');
        const ctx = {
            aliasDuplicateObjects: aliasDuplicateObjects ?? true,
            keepUndefined: keepUndefined ?? false,
            onAnchor,
            onTagObj,
            replacer: _replacer,
            schema: this.schema,
            sourceObjects
        };
        const node = createNode.createNode(value, tag, ctx);
        if (flow && identity.isCollection(node))
            node.flow = true;
        setAnchors();
        return node;
    }
    /**
     * Convert a key and a value into a `Pair` using the current schema,
     * recursively wrapping all values as `Scalar` or `Collection` nodes.
     */
    createPair(key, value, options = {}) {
        const k = this.createNode(key, null, options);
        const v = this.createNode(value, null, options);
        return new Pair.Pair(k, v);
    }
    /**
     * Removes a value from the document.
     * @returns `true` if the item was found and removed.
     */
    delete(key) {
        return assertCollection(this.contents) ? this.contents.delete(key) : false;
    }
    /**
     * Removes a value from the document.
     * @returns `true` if the item was found and removed.
     */
    deleteIn(path) {
        if (Collection.isEmptyPath(path)) {
            if (this.contents == null)
                return false;
            // @ts-expect-error Presumed impossible if Strict extends false
            this.contents = null;
            return true;
        }
        return assertCollection(this.contents)
            ? this.contents.deleteIn(path)
            : false;
    }
    /**
     * Returns item at `key`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    get(key, keepScalar) {
        return identity.isCollection(this.contents)
            ? this.contents.get(key, keepScalar)
            : undefined;
    }
    /**
     * Returns item at `path`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    getIn(path, keepScalar) {
        if (Collection.isEmptyPath(path))
            return !keepScalar && identity.isScalar(this.contents)
                ? this.contents.value
                : this.contents;
        return identity.isCollection(this.contents)
            ? this.contents.getIn(path, keepScalar)
            : undefined;
    }
    /**
     * Checks if the document includes a value with the key `key`.
     */
    has(key) {
        return identity.isCollection(this.contents) ? this.contents.has(key) : false;
    }
    /**
     * Checks if the document includes a value at `path`.
     */
    hasIn(path) {
        if (Collection.isEmptyPath(path))
            return this.contents !== undefined;
        return identity.isCollection(this.contents) ? this.contents.hasIn(path) : false;
    }
    /**
     * Sets a value in this document. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    set(key, value) {
        if (this.contents == null) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = Collection.collectionFromPath(this.schema, [key], value);
        }
        else if (assertCollection(this.contents)) {
            this.contents.set(key, value);
        }
    }
    /**
     * Sets a value in this document. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    setIn(path, value) {
        if (Collection.isEmptyPath(path)) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = value;
        }
        else if (this.contents == null) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = Collection.collectionFromPath(this.schema, Array.from(path), value);
        }
        else if (assertCollection(this.contents)) {
            this.contents.setIn(path, value);
        }
    }
    /**
     * Change the YAML version and schema used by the document.
     * A `null` version disables support for directives, explicit tags, anchors, and aliases.
     * It also requires the `schema` option to be given as a `Schema` instance value.
     *
     * Overrides all previously set schema options.
     */
    setSchema(version, options = {}) {
        if (typeof version === 'number')
            version = String(version);
        let opt;
        switch (version) {
            case '1.1':
                if (this.directives)
                    this.directives.yaml.version = '1.1';
                else
                    this.directives = new directives.Directives({ version: '1.1' });
                opt = { resolveKnownTags: false, schema: 'yaml-1.1' };
                break;
            case '1.2':
            case 'next':
                if (this.directives)
                    this.directives.yaml.version = version;
                else
                    this.directives = new directives.Directives({ version });
                opt = { resolveKnownTags: true, schema: 'core' };
                break;
            case null:
                if (this.directives)
                    delete this.directives;
                opt = null;
                break;
            default: {
                const sv = JSON.stringify(version);
                throw new Error(`Expected '1.1', '1.2' or null as first argument, but found: ${sv}`);
            }
        }
        // Not using `instanceof Schema` to allow for duck typing
        if (options.schema instanceof Object)
            this.schema = options.schema;
        else if (opt)
            this.schema = new Schema.Schema(Object.assign(opt, options));
        else
            throw new Error(`With a null YAML version, the { schema: Schema } option is required`);
    }
    // json & jsonArg are only used from toJSON()
    toJS({ json, jsonArg, mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        const ctx = {
            anchors: new Map(),
            doc: this,
            keep: !json,
            mapAsMap: mapAsMap === true,
            mapKeyWarned: false,
            maxAliasCount: typeof maxAliasCount === 'number' ? maxAliasCount : 100
        };
        const res = toJS.toJS(this.contents, jsonArg ?? '', ctx);
        if (typeof onAnchor === 'function')
            for (const { count, res } of ctx.anchors.values())
                onAnchor(res, count);
        return typeof reviver === 'function'
            ? applyReviver.applyReviver(reviver, { '': res }, '', res)
            : res;
    }
    /**
     * A JSON representation of the document `contents`.
     *
     * @param jsonArg Used by `JSON.stringify` to indicate the array index or
     *   property name.
     */
    toJSON(jsonArg, onAnchor) {
        return this.toJS({ json: true, jsonArg, mapAsMap: false, onAnchor });
    }
    /** A YAML representation of the document. */
    toString(options = {}) {
        if (this.errors.length > 0)
            throw new Error('Document with errors cannot be stringified');
        if ('indent' in options &&
            (!Number.isInteger(options.indent) || Number(options.indent) <= 0)) {
            const s = JSON.stringify(options.indent);
            throw new Error(`"indent" option must be a positive integer, not ${s}`);
        }
        return stringifyDocument.stringifyDocument(this, options);
    }
}
function assertCollection(contents) {
    if (identity.isCollection(contents))
        return true;
    throw new Error('Expected a YAML collection as document contents');
}

exports.Document = Document;


/***/ }),

/***/ 1596:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var visit = __nccwpck_require__(204);

/**
 * Verify that the input string is a valid anchor.
 *
 * Will throw on errors.
 */
function anchorIsValid(anchor) {
    if (/[\x00-\x19\s,[\]{}]/.test(anchor)) {
        const sa = JSON.stringify(anchor);
        const msg = `Anchor must not contain whitespace or control characters: ${sa}`;
        throw new Error(msg);
    }
    return true;
}
function anchorNames(root) {
    const anchors = new Set();
    visit.visit(root, {
        Value(_key, node) {
            if (node.anchor)
                anchors.add(node.anchor);
        }
    });
    return anchors;
}
/** Find a new anchor name with the given `prefix` and a one-indexed suffix. */
function findNewAnchor(prefix, exclude) {
    for (let i = 1; true; ++i) {
        const name = `${prefix}${i}`;
        if (!exclude.has(name))
            return name;
    }
}
function createNodeAnchors(doc, prefix) {
    const aliasObjects = [];
    const sourceObjects = new Map();
    let prevAnchors = null;
    return {
        onAnchor: (source) => {
            aliasObjects.push(source);
            prevAnchors ?? (prevAnchors = anchorNames(doc));
            const anchor = findNewAnchor(prefix, prevAnchors);
            prevAnchors.add(anchor);
            return anchor;
        },
        /**
         * With circular references, the source node is only resolved after all
         * of its child nodes are. This is why anchors are set only after all of
         * the nodes have been created.
         */
        setAnchors: () => {
            for (const source of aliasObjects) {
                const ref = sourceObjects.get(source);
                if (typeof ref === 'object' &&
                    ref.anchor &&
                    (identity.isScalar(ref.node) || identity.isCollection(ref.node))) {
                    ref.node.anchor = ref.anchor;
                }
                else {
                    const error = new Error('Failed to resolve repeated object (this should not happen)');
                    error.source = source;
                    throw error;
                }
            }
        },
        sourceObjects
    };
}

exports.anchorIsValid = anchorIsValid;
exports.anchorNames = anchorNames;
exports.createNodeAnchors = createNodeAnchors;
exports.findNewAnchor = findNewAnchor;


/***/ }),

/***/ 3661:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Applies the JSON.parse reviver algorithm as defined in the ECMA-262 spec,
 * in section 24.5.1.1 "Runtime Semantics: InternalizeJSONProperty" of the
 * 2021 edition: https://tc39.es/ecma262/#sec-json.parse
 *
 * Includes extensions for handling Map and Set objects.
 */
function applyReviver(reviver, obj, key, val) {
    if (val && typeof val === 'object') {
        if (Array.isArray(val)) {
            for (let i = 0, len = val.length; i < len; ++i) {
                const v0 = val[i];
                const v1 = applyReviver(reviver, val, String(i), v0);
                // eslint-disable-next-line @typescript-eslint/no-array-delete
                if (v1 === undefined)
                    delete val[i];
                else if (v1 !== v0)
                    val[i] = v1;
            }
        }
        else if (val instanceof Map) {
            for (const k of Array.from(val.keys())) {
                const v0 = val.get(k);
                const v1 = applyReviver(reviver, val, k, v0);
                if (v1 === undefined)
                    val.delete(k);
                else if (v1 !== v0)
                    val.set(k, v1);
            }
        }
        else if (val instanceof Set) {
            for (const v0 of Array.from(val)) {
                const v1 = applyReviver(reviver, val, v0, v0);
                if (v1 === undefined)
                    val.delete(v0);
                else if (v1 !== v0) {
                    val.delete(v0);
                    val.add(v1);
                }
            }
        }
        else {
            for (const [k, v0] of Object.entries(val)) {
                const v1 = applyReviver(reviver, val, k, v0);
                if (v1 === undefined)
                    delete val[k];
                else if (v1 !== v0)
                    val[k] = v1;
            }
        }
    }
    return reviver.call(obj, key, val);
}

exports.applyReviver = applyReviver;


/***/ }),

/***/ 2404:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);

const defaultTagPrefix = 'tag:yaml.org,2002:';
function findTagObject(value, tagName, tags) {
    if (tagName) {
        const match = tags.filter(t => t.tag === tagName);
        const tagObj = match.find(t => !t.format) ?? match[0];
        if (!tagObj)
            throw new Error(`Tag ${tagName} not found`);
        return tagObj;
    }
    return tags.find(t => t.identify?.(value) && !t.format);
}
function createNode(value, tagName, ctx) {
    if (identity.isDocument(value))
        value = value.contents;
    if (identity.isNode(value))
        return value;
    if (identity.isPair(value)) {
        const map = ctx.schema[identity.MAP].createNode?.(ctx.schema, null, ctx);
        map.items.push(value);
        return map;
    }
    if (value instanceof String ||
        value instanceof Number ||
        value instanceof Boolean ||
        (typeof BigInt !== 'undefined' && value instanceof BigInt) // not supported everywhere
    ) {
        // https://tc39.es/ecma262/#sec-serializejsonproperty
        value = value.valueOf();
    }
    const { aliasDuplicateObjects, onAnchor, onTagObj, schema, sourceObjects } = ctx;
    // Detect duplicate references to the same object & use Alias nodes for all
    // after first. The `ref` wrapper allows for circular references to resolve.
    let ref = undefined;
    if (aliasDuplicateObjects && value && typeof value === 'object') {
        ref = sourceObjects.get(value);
        if (ref) {
            ref.anchor ?? (ref.anchor = onAnchor(value));
            return new Alias.Alias(ref.anchor);
        }
        else {
            ref = { anchor: null, node: null };
            sourceObjects.set(value, ref);
        }
    }
    if (tagName?.startsWith('!!'))
        tagName = defaultTagPrefix + tagName.slice(2);
    let tagObj = findTagObject(value, tagName, schema.tags);
    if (!tagObj) {
        if (value && typeof value.toJSON === 'function') {
            // eslint-disable-next-line @typescript-eslint/no-unsafe-call
            value = value.toJSON();
        }
        if (!value || typeof value !== 'object') {
            const node = new Scalar.Scalar(value);
            if (ref)
                ref.node = node;
            return node;
        }
        tagObj =
            value instanceof Map
                ? schema[identity.MAP]
                : Symbol.iterator in Object(value)
                    ? schema[identity.SEQ]
                    : schema[identity.MAP];
    }
    if (onTagObj) {
        onTagObj(tagObj);
        delete ctx.onTagObj;
    }
    const node = tagObj?.createNode
        ? tagObj.createNode(ctx.schema, value, ctx)
        : typeof tagObj?.nodeClass?.from === 'function'
            ? tagObj.nodeClass.from(ctx.schema, value, ctx)
            : new Scalar.Scalar(value);
    if (tagName)
        node.tag = tagName;
    else if (!tagObj.default)
        node.tag = tagObj.tag;
    if (ref)
        ref.node = node;
    return node;
}

exports.createNode = createNode;


/***/ }),

/***/ 1342:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var visit = __nccwpck_require__(204);

const escapeChars = {
    '!': '%21',
    ',': '%2C',
    '[': '%5B',
    ']': '%5D',
    '{': '%7B',
    '}': '%7D'
};
const escapeTagName = (tn) => tn.replace(/[!,[\]{}]/g, ch => escapeChars[ch]);
class Directives {
    constructor(yaml, tags) {
        /**
         * The directives-end/doc-start marker `---`. If `null`, a marker may still be
         * included in the document's stringified representation.
         */
        this.docStart = null;
        /** The doc-end marker `...`.  */
        this.docEnd = false;
        this.yaml = Object.assign({}, Directives.defaultYaml, yaml);
        this.tags = Object.assign({}, Directives.defaultTags, tags);
    }
    clone() {
        const copy = new Directives(this.yaml, this.tags);
        copy.docStart = this.docStart;
        return copy;
    }
    /**
     * During parsing, get a Directives instance for the current document and
     * update the stream state according to the current version's spec.
     */
    atDocument() {
        const res = new Directives(this.yaml, this.tags);
        switch (this.yaml.version) {
            case '1.1':
                this.atNextDocument = true;
                break;
            case '1.2':
                this.atNextDocument = false;
                this.yaml = {
                    explicit: Directives.defaultYaml.explicit,
                    version: '1.2'
                };
                this.tags = Object.assign({}, Directives.defaultTags);
                break;
        }
        return res;
    }
    /**
     * @param onError - May be called even if the action was successful
     * @returns `true` on success
     */
    add(line, onError) {
        if (this.atNextDocument) {
            this.yaml = { explicit: Directives.defaultYaml.explicit, version: '1.1' };
            this.tags = Object.assign({}, Directives.defaultTags);
            this.atNextDocument = false;
        }
        const parts = line.trim().split(/[ \t]+/);
        const name = parts.shift();
        switch (name) {
            case '%TAG': {
                if (parts.length !== 2) {
                    onError(0, '%TAG directive should contain exactly two parts');
                    if (parts.length < 2)
                        return false;
                }
                const [handle, prefix] = parts;
                this.tags[handle] = prefix;
                return true;
            }
            case '%YAML': {
                this.yaml.explicit = true;
                if (parts.length !== 1) {
                    onError(0, '%YAML directive should contain exactly one part');
                    return false;
                }
                const [version] = parts;
                if (version === '1.1' || version === '1.2') {
                    this.yaml.version = version;
                    return true;
                }
                else {
                    const isValid = /^\d+\.\d+$/.test(version);
                    onError(6, `Unsupported YAML version ${version}`, isValid);
                    return false;
                }
            }
            default:
                onError(0, `Unknown directive ${name}`, true);
                return false;
        }
    }
    /**
     * Resolves a tag, matching handles to those defined in %TAG directives.
     *
     * @returns Resolved tag, which may also be the non-specific tag `'!'` or a
     *   `'!local'` tag, or `null` if unresolvable.
     */
    tagName(source, onError) {
        if (source === '!')
            return '!'; // non-specific tag
        if (source[0] !== '!') {
            onError(`Not a valid tag: ${source}`);
            return null;
        }
        if (source[1] === '<') {
            const verbatim = source.slice(2, -1);
            if (verbatim === '!' || verbatim === '!!') {
                onError(`Verbatim tags aren't resolved, so ${source} is invalid.`);
                return null;
            }
            if (source[source.length - 1] !== '>')
                onError('Verbatim tags must end with a >');
            return verbatim;
        }
        const [, handle, suffix] = source.match(/^(.*!)([^!]*)$/s);
        if (!suffix)
            onError(`The ${source} tag has no suffix`);
        const prefix = this.tags[handle];
        if (prefix) {
            try {
                return prefix + decodeURIComponent(suffix);
            }
            catch (error) {
                onError(String(error));
                return null;
            }
        }
        if (handle === '!')
            return source; // local tag
        onError(`Could not resolve tag: ${source}`);
        return null;
    }
    /**
     * Given a fully resolved tag, returns its printable string form,
     * taking into account current tag prefixes and defaults.
     */
    tagString(tag) {
        for (const [handle, prefix] of Object.entries(this.tags)) {
            if (tag.startsWith(prefix))
                return handle + escapeTagName(tag.substring(prefix.length));
        }
        return tag[0] === '!' ? tag : `!<${tag}>`;
    }
    toString(doc) {
        const lines = this.yaml.explicit
            ? [`%YAML ${this.yaml.version || '1.2'}`]
            : [];
        const tagEntries = Object.entries(this.tags);
        let tagNames;
        if (doc && tagEntries.length > 0 && identity.isNode(doc.contents)) {
            const tags = {};
            visit.visit(doc.contents, (_key, node) => {
                if (identity.isNode(node) && node.tag)
                    tags[node.tag] = true;
            });
            tagNames = Object.keys(tags);
        }
        else
            tagNames = [];
        for (const [handle, prefix] of tagEntries) {
            if (handle === '!!' && prefix === 'tag:yaml.org,2002:')
                continue;
            if (!doc || tagNames.some(tn => tn.startsWith(prefix)))
                lines.push(`%TAG ${handle} ${prefix}`);
        }
        return lines.join('\n');
    }
}
Directives.defaultYaml = { explicit: false, version: '1.2' };
Directives.defaultTags = { '!!': 'tag:yaml.org,2002:' };

exports.Directives = Directives;


/***/ }),

/***/ 1464:
/***/ ((__unused_webpack_module, exports) => {



class YAMLError extends Error {
    constructor(name, pos, code, message) {
        super();
        this.name = name;
        this.code = code;
        this.message = message;
        this.pos = pos;
    }
}
class YAMLParseError extends YAMLError {
    constructor(pos, code, message) {
        super('YAMLParseError', pos, code, message);
    }
}
class YAMLWarning extends YAMLError {
    constructor(pos, code, message) {
        super('YAMLWarning', pos, code, message);
    }
}
const prettifyError = (src, lc) => (error) => {
    if (error.pos[0] === -1)
        return;
    error.linePos = error.pos.map(pos => lc.linePos(pos));
    const { line, col } = error.linePos[0];
    error.message += ` at line ${line}, column ${col}`;
    let ci = col - 1;
    let lineStr = src
        .substring(lc.lineStarts[line - 1], lc.lineStarts[line])
        .replace(/[\n\r]+$/, '');
    // Trim to max 80 chars, keeping col position near the middle
    if (ci >= 60 && lineStr.length > 80) {
        const trimStart = Math.min(ci - 39, lineStr.length - 79);
        lineStr = '…' + lineStr.substring(trimStart);
        ci -= trimStart - 1;
    }
    if (lineStr.length > 80)
        lineStr = lineStr.substring(0, 79) + '…';
    // Include previous line in context if pointing at line start
    if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
        // Regexp won't match if start is trimmed
        let prev = src.substring(lc.lineStarts[line - 2], lc.lineStarts[line - 1]);
        if (prev.length > 80)
            prev = prev.substring(0, 79) + '…\n';
        lineStr = prev + lineStr;
    }
    if (/[^ ]/.test(lineStr)) {
        let count = 1;
        const end = error.linePos[1];
        if (end?.line === line && end.col > col) {
            count = Math.max(1, Math.min(end.col - col, 80 - ci));
        }
        const pointer = ' '.repeat(ci) + '^'.repeat(count);
        error.message += `:\n\n${lineStr}\n${pointer}\n`;
    }
};

exports.YAMLError = YAMLError;
exports.YAMLParseError = YAMLParseError;
exports.YAMLWarning = YAMLWarning;
exports.prettifyError = prettifyError;


/***/ }),

/***/ 8815:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var __webpack_unused_export__;


var composer = __nccwpck_require__(9984);
var Document = __nccwpck_require__(3021);
var Schema = __nccwpck_require__(5840);
var errors = __nccwpck_require__(1464);
var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var cst = __nccwpck_require__(3461);
var lexer = __nccwpck_require__(361);
var lineCounter = __nccwpck_require__(6628);
var parser = __nccwpck_require__(3456);
var publicApi = __nccwpck_require__(4047);
var visit = __nccwpck_require__(204);



__webpack_unused_export__ = composer.Composer;
__webpack_unused_export__ = Document.Document;
__webpack_unused_export__ = Schema.Schema;
__webpack_unused_export__ = errors.YAMLError;
__webpack_unused_export__ = errors.YAMLParseError;
__webpack_unused_export__ = errors.YAMLWarning;
__webpack_unused_export__ = Alias.Alias;
__webpack_unused_export__ = identity.isAlias;
__webpack_unused_export__ = identity.isCollection;
__webpack_unused_export__ = identity.isDocument;
exports.jh = identity.isMap;
__webpack_unused_export__ = identity.isNode;
__webpack_unused_export__ = identity.isPair;
exports.jn = identity.isScalar;
__webpack_unused_export__ = identity.isSeq;
__webpack_unused_export__ = Pair.Pair;
__webpack_unused_export__ = Scalar.Scalar;
__webpack_unused_export__ = YAMLMap.YAMLMap;
__webpack_unused_export__ = YAMLSeq.YAMLSeq;
__webpack_unused_export__ = cst;
__webpack_unused_export__ = lexer.Lexer;
__webpack_unused_export__ = lineCounter.LineCounter;
__webpack_unused_export__ = parser.Parser;
__webpack_unused_export__ = publicApi.parse;
exports.hR = publicApi.parseAllDocuments;
exports.Tp = publicApi.parseDocument;
__webpack_unused_export__ = publicApi.stringify;
__webpack_unused_export__ = visit.visit;
__webpack_unused_export__ = visit.visitAsync;


/***/ }),

/***/ 7249:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);

function debug(logLevel, ...messages) {
    if (logLevel === 'debug')
        console.log(...messages);
}
function warn(logLevel, warning) {
    if (logLevel === 'debug' || logLevel === 'warn') {
        if (typeof node_process.emitWarning === 'function')
            node_process.emitWarning(warning);
        else
            console.warn(warning);
    }
}

exports.debug = debug;
exports.warn = warn;


/***/ }),

/***/ 4065:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var anchors = __nccwpck_require__(1596);
var visit = __nccwpck_require__(204);
var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);
var toJS = __nccwpck_require__(4043);

class Alias extends Node.NodeBase {
    constructor(source) {
        super(identity.ALIAS);
        this.source = source;
        Object.defineProperty(this, 'tag', {
            set() {
                throw new Error('Alias nodes cannot have tags');
            }
        });
    }
    /**
     * Resolve the value of this alias within `doc`, finding the last
     * instance of the `source` anchor before this node.
     */
    resolve(doc, ctx) {
        if (ctx?.maxAliasCount === 0)
            throw new ReferenceError('Alias resolution is disabled');
        let nodes;
        if (ctx?.aliasResolveCache) {
            nodes = ctx.aliasResolveCache;
        }
        else {
            nodes = [];
            visit.visit(doc, {
                Node: (_key, node) => {
                    if (identity.isAlias(node) || identity.hasAnchor(node))
                        nodes.push(node);
                }
            });
            if (ctx)
                ctx.aliasResolveCache = nodes;
        }
        let found = undefined;
        for (const node of nodes) {
            if (node === this)
                break;
            if (node.anchor === this.source)
                found = node;
        }
        if (found && ctx) {
            const { anchors, doc, maxAliasCount } = ctx;
            let data = anchors.get(found);
            if (!data) {
                // Resolve anchors for Node.prototype.toJS()
                toJS.toJS(found, null, ctx);
                data = anchors.get(found);
            }
            /* istanbul ignore if */
            if (data?.res === undefined) {
                const msg = 'This should not happen: Alias anchor was not resolved?';
                throw new ReferenceError(msg);
            }
            if (maxAliasCount >= 0) {
                data.count += 1;
                if (data.aliasCount === 0)
                    data.aliasCount = getAliasCount(doc, found, anchors);
                if (data.count * data.aliasCount > maxAliasCount) {
                    const msg = 'Excessive alias count indicates a resource exhaustion attack';
                    throw new ReferenceError(msg);
                }
            }
        }
        return found;
    }
    toJSON(_arg, ctx) {
        if (!ctx)
            return { source: this.source };
        const source = this.resolve(ctx.doc, ctx);
        if (!source) {
            const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
            throw new ReferenceError(msg);
        }
        return ctx.anchors.get(source).res;
    }
    toString(ctx, _onComment, _onChompKeep) {
        const src = `*${this.source}`;
        if (ctx) {
            anchors.anchorIsValid(this.source);
            if (ctx.options.verifyAliasOrder && !ctx.anchors.has(this.source)) {
                const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
                throw new Error(msg);
            }
            if (ctx.implicitKey)
                return `${src} `;
        }
        return src;
    }
}
function getAliasCount(doc, node, anchors) {
    if (identity.isAlias(node)) {
        const source = node.resolve(doc);
        const anchor = anchors && source && anchors.get(source);
        return anchor ? anchor.count * anchor.aliasCount : 0;
    }
    else if (identity.isCollection(node)) {
        let count = 0;
        for (const item of node.items) {
            const c = getAliasCount(doc, item, anchors);
            if (c > count)
                count = c;
        }
        return count;
    }
    else if (identity.isPair(node)) {
        const kc = getAliasCount(doc, node.key, anchors);
        const vc = getAliasCount(doc, node.value, anchors);
        return Math.max(kc, vc);
    }
    return 1;
}

exports.Alias = Alias;


/***/ }),

/***/ 101:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);

function collectionFromPath(schema, path, value) {
    let v = value;
    for (let i = path.length - 1; i >= 0; --i) {
        const k = path[i];
        if (typeof k === 'number' && Number.isInteger(k) && k >= 0) {
            const a = [];
            a[k] = v;
            v = a;
        }
        else {
            v = new Map([[k, v]]);
        }
    }
    return createNode.createNode(v, undefined, {
        aliasDuplicateObjects: false,
        keepUndefined: false,
        onAnchor: () => {
            throw new Error('This should not happen, please report a bug.');
        },
        schema,
        sourceObjects: new Map()
    });
}
// Type guard is intentionally a little wrong so as to be more useful,
// as it does not cover untypable empty non-string iterables (e.g. []).
const isEmptyPath = (path) => path == null ||
    (typeof path === 'object' && !!path[Symbol.iterator]().next().done);
class Collection extends Node.NodeBase {
    constructor(type, schema) {
        super(type);
        Object.defineProperty(this, 'schema', {
            value: schema,
            configurable: true,
            enumerable: false,
            writable: true
        });
    }
    /**
     * Create a copy of this collection.
     *
     * @param schema - If defined, overwrites the original's schema
     */
    clone(schema) {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (schema)
            copy.schema = schema;
        copy.items = copy.items.map(it => identity.isNode(it) || identity.isPair(it) ? it.clone(schema) : it);
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /**
     * Adds a value to the collection. For `!!map` and `!!omap` the value must
     * be a Pair instance or a `{ key, value }` object, which may not have a key
     * that already exists in the map.
     */
    addIn(path, value) {
        if (isEmptyPath(path))
            this.add(value);
        else {
            const [key, ...rest] = path;
            const node = this.get(key, true);
            if (identity.isCollection(node))
                node.addIn(rest, value);
            else if (node === undefined && this.schema)
                this.set(key, collectionFromPath(this.schema, rest, value));
            else
                throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
    }
    /**
     * Removes a value from the collection.
     * @returns `true` if the item was found and removed.
     */
    deleteIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
            return this.delete(key);
        const node = this.get(key, true);
        if (identity.isCollection(node))
            return node.deleteIn(rest);
        else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
    }
    /**
     * Returns item at `key`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    getIn(path, keepScalar) {
        const [key, ...rest] = path;
        const node = this.get(key, true);
        if (rest.length === 0)
            return !keepScalar && identity.isScalar(node) ? node.value : node;
        else
            return identity.isCollection(node) ? node.getIn(rest, keepScalar) : undefined;
    }
    hasAllNullValues(allowScalar) {
        return this.items.every(node => {
            if (!identity.isPair(node))
                return false;
            const n = node.value;
            return (n == null ||
                (allowScalar &&
                    identity.isScalar(n) &&
                    n.value == null &&
                    !n.commentBefore &&
                    !n.comment &&
                    !n.tag));
        });
    }
    /**
     * Checks if the collection includes a value with the key `key`.
     */
    hasIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
            return this.has(key);
        const node = this.get(key, true);
        return identity.isCollection(node) ? node.hasIn(rest) : false;
    }
    /**
     * Sets a value in this collection. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    setIn(path, value) {
        const [key, ...rest] = path;
        if (rest.length === 0) {
            this.set(key, value);
        }
        else {
            const node = this.get(key, true);
            if (identity.isCollection(node))
                node.setIn(rest, value);
            else if (node === undefined && this.schema)
                this.set(key, collectionFromPath(this.schema, rest, value));
            else
                throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
    }
}

exports.Collection = Collection;
exports.collectionFromPath = collectionFromPath;
exports.isEmptyPath = isEmptyPath;


/***/ }),

/***/ 6673:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var applyReviver = __nccwpck_require__(3661);
var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);

class NodeBase {
    constructor(type) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: type });
    }
    /** Create a copy of this node.  */
    clone() {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /** A plain JavaScript representation of this node. */
    toJS(doc, { mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        if (!identity.isDocument(doc))
            throw new TypeError('A document argument is required');
        const ctx = {
            anchors: new Map(),
            doc,
            keep: true,
            mapAsMap: mapAsMap === true,
            mapKeyWarned: false,
            maxAliasCount: typeof maxAliasCount === 'number' ? maxAliasCount : 100
        };
        const res = toJS.toJS(this, '', ctx);
        if (typeof onAnchor === 'function')
            for (const { count, res } of ctx.anchors.values())
                onAnchor(res, count);
        return typeof reviver === 'function'
            ? applyReviver.applyReviver(reviver, { '': res }, '', res)
            : res;
    }
}

exports.NodeBase = NodeBase;


/***/ }),

/***/ 7165:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var stringifyPair = __nccwpck_require__(9748);
var addPairToJSMap = __nccwpck_require__(7104);
var identity = __nccwpck_require__(1127);

function createPair(key, value, ctx) {
    const k = createNode.createNode(key, undefined, ctx);
    const v = createNode.createNode(value, undefined, ctx);
    return new Pair(k, v);
}
class Pair {
    constructor(key, value = null) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.PAIR });
        this.key = key;
        this.value = value;
    }
    clone(schema) {
        let { key, value } = this;
        if (identity.isNode(key))
            key = key.clone(schema);
        if (identity.isNode(value))
            value = value.clone(schema);
        return new Pair(key, value);
    }
    toJSON(_, ctx) {
        const pair = ctx?.mapAsMap ? new Map() : {};
        return addPairToJSMap.addPairToJSMap(ctx, pair, this);
    }
    toString(ctx, onComment, onChompKeep) {
        return ctx?.doc
            ? stringifyPair.stringifyPair(this, ctx, onComment, onChompKeep)
            : JSON.stringify(this);
    }
}

exports.Pair = Pair;
exports.createPair = createPair;


/***/ }),

/***/ 3301:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);
var toJS = __nccwpck_require__(4043);

const isScalarValue = (value) => !value || (typeof value !== 'function' && typeof value !== 'object');
class Scalar extends Node.NodeBase {
    constructor(value) {
        super(identity.SCALAR);
        this.value = value;
    }
    toJSON(arg, ctx) {
        return ctx?.keep ? this.value : toJS.toJS(this.value, arg, ctx);
    }
    toString() {
        return String(this.value);
    }
}
Scalar.BLOCK_FOLDED = 'BLOCK_FOLDED';
Scalar.BLOCK_LITERAL = 'BLOCK_LITERAL';
Scalar.PLAIN = 'PLAIN';
Scalar.QUOTE_DOUBLE = 'QUOTE_DOUBLE';
Scalar.QUOTE_SINGLE = 'QUOTE_SINGLE';

exports.Scalar = Scalar;
exports.isScalarValue = isScalarValue;


/***/ }),

/***/ 4454:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyCollection = __nccwpck_require__(1212);
var addPairToJSMap = __nccwpck_require__(7104);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);

function findPair(items, key) {
    const k = identity.isScalar(key) ? key.value : key;
    for (const it of items) {
        if (identity.isPair(it)) {
            if (it.key === key || it.key === k)
                return it;
            if (identity.isScalar(it.key) && it.key.value === k)
                return it;
        }
    }
    return undefined;
}
class YAMLMap extends Collection.Collection {
    static get tagName() {
        return 'tag:yaml.org,2002:map';
    }
    constructor(schema) {
        super(identity.MAP, schema);
        this.items = [];
    }
    /**
     * A generic collection parsing method that can be extended
     * to other node classes that inherit from YAMLMap
     */
    static from(schema, obj, ctx) {
        const { keepUndefined, replacer } = ctx;
        const map = new this(schema);
        const add = (key, value) => {
            if (typeof replacer === 'function')
                value = replacer.call(obj, key, value);
            else if (Array.isArray(replacer) && !replacer.includes(key))
                return;
            if (value !== undefined || keepUndefined)
                map.items.push(Pair.createPair(key, value, ctx));
        };
        if (obj instanceof Map) {
            for (const [key, value] of obj)
                add(key, value);
        }
        else if (obj && typeof obj === 'object') {
            for (const key of Object.keys(obj))
                add(key, obj[key]);
        }
        if (typeof schema.sortMapEntries === 'function') {
            map.items.sort(schema.sortMapEntries);
        }
        return map;
    }
    /**
     * Adds a value to the collection.
     *
     * @param overwrite - If not set `true`, using a key that is already in the
     *   collection will throw. Otherwise, overwrites the previous value.
     */
    add(pair, overwrite) {
        let _pair;
        if (identity.isPair(pair))
            _pair = pair;
        else if (!pair || typeof pair !== 'object' || !('key' in pair)) {
            // In TypeScript, this never happens.
            _pair = new Pair.Pair(pair, pair?.value);
        }
        else
            _pair = new Pair.Pair(pair.key, pair.value);
        const prev = findPair(this.items, _pair.key);
        const sortEntries = this.schema?.sortMapEntries;
        if (prev) {
            if (!overwrite)
                throw new Error(`Key ${_pair.key} already set`);
            // For scalars, keep the old node & its comments and anchors
            if (identity.isScalar(prev.value) && Scalar.isScalarValue(_pair.value))
                prev.value.value = _pair.value;
            else
                prev.value = _pair.value;
        }
        else if (sortEntries) {
            const i = this.items.findIndex(item => sortEntries(_pair, item) < 0);
            if (i === -1)
                this.items.push(_pair);
            else
                this.items.splice(i, 0, _pair);
        }
        else {
            this.items.push(_pair);
        }
    }
    delete(key) {
        const it = findPair(this.items, key);
        if (!it)
            return false;
        const del = this.items.splice(this.items.indexOf(it), 1);
        return del.length > 0;
    }
    get(key, keepScalar) {
        const it = findPair(this.items, key);
        const node = it?.value;
        return (!keepScalar && identity.isScalar(node) ? node.value : node) ?? undefined;
    }
    has(key) {
        return !!findPair(this.items, key);
    }
    set(key, value) {
        this.add(new Pair.Pair(key, value), true);
    }
    /**
     * @param ctx - Conversion context, originally set in Document#toJS()
     * @param {Class} Type - If set, forces the returned collection type
     * @returns Instance of Type, Map, or Object
     */
    toJSON(_, ctx, Type) {
        const map = Type ? new Type() : ctx?.mapAsMap ? new Map() : {};
        if (ctx?.onCreate)
            ctx.onCreate(map);
        for (const item of this.items)
            addPairToJSMap.addPairToJSMap(ctx, map, item);
        return map;
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        for (const item of this.items) {
            if (!identity.isPair(item))
                throw new Error(`Map items must all be pairs; found ${JSON.stringify(item)} instead`);
        }
        if (!ctx.allNullValues && this.hasAllNullValues(false))
            ctx = Object.assign({}, ctx, { allNullValues: true });
        return stringifyCollection.stringifyCollection(this, ctx, {
            blockItemPrefix: '',
            flowChars: { start: '{', end: '}' },
            itemIndent: ctx.indent || '',
            onChompKeep,
            onComment
        });
    }
}

exports.YAMLMap = YAMLMap;
exports.findPair = findPair;


/***/ }),

/***/ 2223:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var stringifyCollection = __nccwpck_require__(1212);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var toJS = __nccwpck_require__(4043);

class YAMLSeq extends Collection.Collection {
    static get tagName() {
        return 'tag:yaml.org,2002:seq';
    }
    constructor(schema) {
        super(identity.SEQ, schema);
        this.items = [];
    }
    add(value) {
        this.items.push(value);
    }
    /**
     * Removes a value from the collection.
     *
     * `key` must contain a representation of an integer for this to succeed.
     * It may be wrapped in a `Scalar`.
     *
     * @returns `true` if the item was found and removed.
     */
    delete(key) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            return false;
        const del = this.items.splice(idx, 1);
        return del.length > 0;
    }
    get(key, keepScalar) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            return undefined;
        const it = this.items[idx];
        return !keepScalar && identity.isScalar(it) ? it.value : it;
    }
    /**
     * Checks if the collection includes a value with the key `key`.
     *
     * `key` must contain a representation of an integer for this to succeed.
     * It may be wrapped in a `Scalar`.
     */
    has(key) {
        const idx = asItemIndex(key);
        return typeof idx === 'number' && idx < this.items.length;
    }
    /**
     * Sets a value in this collection. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     *
     * If `key` does not contain a representation of an integer, this will throw.
     * It may be wrapped in a `Scalar`.
     */
    set(key, value) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            throw new Error(`Expected a valid index, not ${key}.`);
        const prev = this.items[idx];
        if (identity.isScalar(prev) && Scalar.isScalarValue(value))
            prev.value = value;
        else
            this.items[idx] = value;
    }
    toJSON(_, ctx) {
        const seq = [];
        if (ctx?.onCreate)
            ctx.onCreate(seq);
        let i = 0;
        for (const item of this.items)
            seq.push(toJS.toJS(item, String(i++), ctx));
        return seq;
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        return stringifyCollection.stringifyCollection(this, ctx, {
            blockItemPrefix: '- ',
            flowChars: { start: '[', end: ']' },
            itemIndent: (ctx.indent || '') + '  ',
            onChompKeep,
            onComment
        });
    }
    static from(schema, obj, ctx) {
        const { replacer } = ctx;
        const seq = new this(schema);
        if (obj && Symbol.iterator in Object(obj)) {
            let i = 0;
            for (let it of obj) {
                if (typeof replacer === 'function') {
                    const key = obj instanceof Set ? it : String(i++);
                    it = replacer.call(obj, key, it);
                }
                seq.items.push(createNode.createNode(it, undefined, ctx));
            }
        }
        return seq;
    }
}
function asItemIndex(key) {
    let idx = identity.isScalar(key) ? key.value : key;
    if (idx && typeof idx === 'string')
        idx = Number(idx);
    return typeof idx === 'number' && Number.isInteger(idx) && idx >= 0
        ? idx
        : null;
}

exports.YAMLSeq = YAMLSeq;


/***/ }),

/***/ 7104:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var log = __nccwpck_require__(7249);
var merge = __nccwpck_require__(452);
var stringify = __nccwpck_require__(2148);
var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);

function addPairToJSMap(ctx, map, { key, value }) {
    if (identity.isNode(key) && key.addToJSMap)
        key.addToJSMap(ctx, map, value);
    // TODO: Should drop this special case for bare << handling
    else if (merge.isMergeKey(ctx, key))
        merge.addMergeToJSMap(ctx, map, value);
    else {
        const jsKey = toJS.toJS(key, '', ctx);
        if (map instanceof Map) {
            map.set(jsKey, toJS.toJS(value, jsKey, ctx));
        }
        else if (map instanceof Set) {
            map.add(jsKey);
        }
        else {
            const stringKey = stringifyKey(key, jsKey, ctx);
            const jsValue = toJS.toJS(value, stringKey, ctx);
            if (stringKey in map)
                Object.defineProperty(map, stringKey, {
                    value: jsValue,
                    writable: true,
                    enumerable: true,
                    configurable: true
                });
            else
                map[stringKey] = jsValue;
        }
    }
    return map;
}
function stringifyKey(key, jsKey, ctx) {
    if (jsKey === null)
        return '';
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    if (typeof jsKey !== 'object')
        return String(jsKey);
    if (identity.isNode(key) && ctx?.doc) {
        const strCtx = stringify.createStringifyContext(ctx.doc, {});
        strCtx.anchors = new Set();
        for (const node of ctx.anchors.keys())
            strCtx.anchors.add(node.anchor);
        strCtx.inFlow = true;
        strCtx.inStringifyKey = true;
        const strKey = key.toString(strCtx);
        if (!ctx.mapKeyWarned) {
            let jsonStr = JSON.stringify(strKey);
            if (jsonStr.length > 40)
                jsonStr = jsonStr.substring(0, 36) + '..."';
            log.warn(ctx.doc.options.logLevel, `Keys with collection values will be stringified due to JS Object restrictions: ${jsonStr}. Set mapAsMap: true to use object keys.`);
            ctx.mapKeyWarned = true;
        }
        return strKey;
    }
    return JSON.stringify(jsKey);
}

exports.addPairToJSMap = addPairToJSMap;


/***/ }),

/***/ 1127:
/***/ ((__unused_webpack_module, exports) => {



const ALIAS = Symbol.for('yaml.alias');
const DOC = Symbol.for('yaml.document');
const MAP = Symbol.for('yaml.map');
const PAIR = Symbol.for('yaml.pair');
const SCALAR = Symbol.for('yaml.scalar');
const SEQ = Symbol.for('yaml.seq');
const NODE_TYPE = Symbol.for('yaml.node.type');
const isAlias = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === ALIAS;
const isDocument = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === DOC;
const isMap = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === MAP;
const isPair = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === PAIR;
const isScalar = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === SCALAR;
const isSeq = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === SEQ;
function isCollection(node) {
    if (node && typeof node === 'object')
        switch (node[NODE_TYPE]) {
            case MAP:
            case SEQ:
                return true;
        }
    return false;
}
function isNode(node) {
    if (node && typeof node === 'object')
        switch (node[NODE_TYPE]) {
            case ALIAS:
            case MAP:
            case SCALAR:
            case SEQ:
                return true;
        }
    return false;
}
const hasAnchor = (node) => (isScalar(node) || isCollection(node)) && !!node.anchor;

exports.ALIAS = ALIAS;
exports.DOC = DOC;
exports.MAP = MAP;
exports.NODE_TYPE = NODE_TYPE;
exports.PAIR = PAIR;
exports.SCALAR = SCALAR;
exports.SEQ = SEQ;
exports.hasAnchor = hasAnchor;
exports.isAlias = isAlias;
exports.isCollection = isCollection;
exports.isDocument = isDocument;
exports.isMap = isMap;
exports.isNode = isNode;
exports.isPair = isPair;
exports.isScalar = isScalar;
exports.isSeq = isSeq;


/***/ }),

/***/ 4043:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

/**
 * Recursively convert any node or its contents to native JavaScript
 *
 * @param value - The input value
 * @param arg - If `value` defines a `toJSON()` method, use this
 *   as its first argument
 * @param ctx - Conversion context, originally set in Document#toJS(). If
 *   `{ keep: true }` is not set, output should be suitable for JSON
 *   stringification.
 */
function toJS(value, arg, ctx) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return
    if (Array.isArray(value))
        return value.map((v, i) => toJS(v, String(i), ctx));
    if (value && typeof value.toJSON === 'function') {
        // eslint-disable-next-line @typescript-eslint/no-unsafe-call
        if (!ctx || !identity.hasAnchor(value))
            return value.toJSON(arg, ctx);
        const data = { aliasCount: 0, count: 1, res: undefined };
        ctx.anchors.set(value, data);
        ctx.onCreate = res => {
            data.res = res;
            delete ctx.onCreate;
        };
        const res = value.toJSON(arg, ctx);
        if (ctx.onCreate)
            ctx.onCreate(res);
        return res;
    }
    if (typeof value === 'bigint' && !ctx?.keep)
        return Number(value);
    return value;
}

exports.toJS = toJS;


/***/ }),

/***/ 110:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var resolveBlockScalar = __nccwpck_require__(8913);
var resolveFlowScalar = __nccwpck_require__(6842);
var errors = __nccwpck_require__(1464);
var stringifyString = __nccwpck_require__(3069);

function resolveAsScalar(token, strict = true, onError) {
    if (token) {
        const _onError = (pos, code, message) => {
            const offset = typeof pos === 'number' ? pos : Array.isArray(pos) ? pos[0] : pos.offset;
            if (onError)
                onError(offset, code, message);
            else
                throw new errors.YAMLParseError([offset, offset + 1], code, message);
        };
        switch (token.type) {
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return resolveFlowScalar.resolveFlowScalar(token, strict, _onError);
            case 'block-scalar':
                return resolveBlockScalar.resolveBlockScalar({ options: { strict } }, token, _onError);
        }
    }
    return null;
}
/**
 * Create a new scalar token with `value`
 *
 * Values that represent an actual string but may be parsed as a different type should use a `type` other than `'PLAIN'`,
 * as this function does not support any schema operations and won't check for such conflicts.
 *
 * @param value The string representation of the value, which will have its content properly indented.
 * @param context.end Comments and whitespace after the end of the value, or after the block scalar header. If undefined, a newline will be added.
 * @param context.implicitKey Being within an implicit key may affect the resolved type of the token's value.
 * @param context.indent The indent level of the token.
 * @param context.inFlow Is this scalar within a flow collection? This may affect the resolved type of the token's value.
 * @param context.offset The offset position of the token.
 * @param context.type The preferred type of the scalar token. If undefined, the previous type of the `token` will be used, defaulting to `'PLAIN'`.
 */
function createScalarToken(value, context) {
    const { implicitKey = false, indent, inFlow = false, offset = -1, type = 'PLAIN' } = context;
    const source = stringifyString.stringifyString({ type, value }, {
        implicitKey,
        indent: indent > 0 ? ' '.repeat(indent) : '',
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
    });
    const end = context.end ?? [
        { type: 'newline', offset: -1, indent, source: '\n' }
    ];
    switch (source[0]) {
        case '|':
        case '>': {
            const he = source.indexOf('\n');
            const head = source.substring(0, he);
            const body = source.substring(he + 1) + '\n';
            const props = [
                { type: 'block-scalar-header', offset, indent, source: head }
            ];
            if (!addEndtoBlockProps(props, end))
                props.push({ type: 'newline', offset: -1, indent, source: '\n' });
            return { type: 'block-scalar', offset, indent, props, source: body };
        }
        case '"':
            return { type: 'double-quoted-scalar', offset, indent, source, end };
        case "'":
            return { type: 'single-quoted-scalar', offset, indent, source, end };
        default:
            return { type: 'scalar', offset, indent, source, end };
    }
}
/**
 * Set the value of `token` to the given string `value`, overwriting any previous contents and type that it may have.
 *
 * Best efforts are made to retain any comments previously associated with the `token`,
 * though all contents within a collection's `items` will be overwritten.
 *
 * Values that represent an actual string but may be parsed as a different type should use a `type` other than `'PLAIN'`,
 * as this function does not support any schema operations and won't check for such conflicts.
 *
 * @param token Any token. If it does not include an `indent` value, the value will be stringified as if it were an implicit key.
 * @param value The string representation of the value, which will have its content properly indented.
 * @param context.afterKey In most cases, values after a key should have an additional level of indentation.
 * @param context.implicitKey Being within an implicit key may affect the resolved type of the token's value.
 * @param context.inFlow Being within a flow collection may affect the resolved type of the token's value.
 * @param context.type The preferred type of the scalar token. If undefined, the previous type of the `token` will be used, defaulting to `'PLAIN'`.
 */
function setScalarValue(token, value, context = {}) {
    let { afterKey = false, implicitKey = false, inFlow = false, type } = context;
    let indent = 'indent' in token ? token.indent : null;
    if (afterKey && typeof indent === 'number')
        indent += 2;
    if (!type)
        switch (token.type) {
            case 'single-quoted-scalar':
                type = 'QUOTE_SINGLE';
                break;
            case 'double-quoted-scalar':
                type = 'QUOTE_DOUBLE';
                break;
            case 'block-scalar': {
                const header = token.props[0];
                if (header.type !== 'block-scalar-header')
                    throw new Error('Invalid block scalar header');
                type = header.source[0] === '>' ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL';
                break;
            }
            default:
                type = 'PLAIN';
        }
    const source = stringifyString.stringifyString({ type, value }, {
        implicitKey: implicitKey || indent === null,
        indent: indent !== null && indent > 0 ? ' '.repeat(indent) : '',
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
    });
    switch (source[0]) {
        case '|':
        case '>':
            setBlockScalarValue(token, source);
            break;
        case '"':
            setFlowScalarValue(token, source, 'double-quoted-scalar');
            break;
        case "'":
            setFlowScalarValue(token, source, 'single-quoted-scalar');
            break;
        default:
            setFlowScalarValue(token, source, 'scalar');
    }
}
function setBlockScalarValue(token, source) {
    const he = source.indexOf('\n');
    const head = source.substring(0, he);
    const body = source.substring(he + 1) + '\n';
    if (token.type === 'block-scalar') {
        const header = token.props[0];
        if (header.type !== 'block-scalar-header')
            throw new Error('Invalid block scalar header');
        header.source = head;
        token.source = body;
    }
    else {
        const { offset } = token;
        const indent = 'indent' in token ? token.indent : -1;
        const props = [
            { type: 'block-scalar-header', offset, indent, source: head }
        ];
        if (!addEndtoBlockProps(props, 'end' in token ? token.end : undefined))
            props.push({ type: 'newline', offset: -1, indent, source: '\n' });
        for (const key of Object.keys(token))
            if (key !== 'type' && key !== 'offset')
                delete token[key];
        Object.assign(token, { type: 'block-scalar', indent, props, source: body });
    }
}
/** @returns `true` if last token is a newline */
function addEndtoBlockProps(props, end) {
    if (end)
        for (const st of end)
            switch (st.type) {
                case 'space':
                case 'comment':
                    props.push(st);
                    break;
                case 'newline':
                    props.push(st);
                    return true;
            }
    return false;
}
function setFlowScalarValue(token, source, type) {
    switch (token.type) {
        case 'scalar':
        case 'double-quoted-scalar':
        case 'single-quoted-scalar':
            token.type = type;
            token.source = source;
            break;
        case 'block-scalar': {
            const end = token.props.slice(1);
            let oa = source.length;
            if (token.props[0].type === 'block-scalar-header')
                oa -= token.props[0].source.length;
            for (const tok of end)
                tok.offset += oa;
            delete token.props;
            Object.assign(token, { type, source, end });
            break;
        }
        case 'block-map':
        case 'block-seq': {
            const offset = token.offset + source.length;
            const nl = { type: 'newline', offset, indent: token.indent, source: '\n' };
            delete token.items;
            Object.assign(token, { type, source, end: [nl] });
            break;
        }
        default: {
            const indent = 'indent' in token ? token.indent : -1;
            const end = 'end' in token && Array.isArray(token.end)
                ? token.end.filter(st => st.type === 'space' ||
                    st.type === 'comment' ||
                    st.type === 'newline')
                : [];
            for (const key of Object.keys(token))
                if (key !== 'type' && key !== 'offset')
                    delete token[key];
            Object.assign(token, { type, indent, source, end });
        }
    }
}

exports.createScalarToken = createScalarToken;
exports.resolveAsScalar = resolveAsScalar;
exports.setScalarValue = setScalarValue;


/***/ }),

/***/ 1733:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Stringify a CST document, token, or collection item
 *
 * Fair warning: This applies no validation whatsoever, and
 * simply concatenates the sources in their logical order.
 */
const stringify = (cst) => 'type' in cst ? stringifyToken(cst) : stringifyItem(cst);
function stringifyToken(token) {
    switch (token.type) {
        case 'block-scalar': {
            let res = '';
            for (const tok of token.props)
                res += stringifyToken(tok);
            return res + token.source;
        }
        case 'block-map':
        case 'block-seq': {
            let res = '';
            for (const item of token.items)
                res += stringifyItem(item);
            return res;
        }
        case 'flow-collection': {
            let res = token.start.source;
            for (const item of token.items)
                res += stringifyItem(item);
            for (const st of token.end)
                res += st.source;
            return res;
        }
        case 'document': {
            let res = stringifyItem(token);
            if (token.end)
                for (const st of token.end)
                    res += st.source;
            return res;
        }
        default: {
            let res = token.source;
            if ('end' in token && token.end)
                for (const st of token.end)
                    res += st.source;
            return res;
        }
    }
}
function stringifyItem({ start, key, sep, value }) {
    let res = '';
    for (const st of start)
        res += st.source;
    if (key)
        res += stringifyToken(key);
    if (sep)
        for (const st of sep)
            res += st.source;
    if (value)
        res += stringifyToken(value);
    return res;
}

exports.stringify = stringify;


/***/ }),

/***/ 7715:
/***/ ((__unused_webpack_module, exports) => {



const BREAK = Symbol('break visit');
const SKIP = Symbol('skip children');
const REMOVE = Symbol('remove item');
/**
 * Apply a visitor to a CST document or item.
 *
 * Walks through the tree (depth-first) starting from the root, calling a
 * `visitor` function with two arguments when entering each item:
 *   - `item`: The current item, which included the following members:
 *     - `start: SourceToken[]` – Source tokens before the key or value,
 *       possibly including its anchor or tag.
 *     - `key?: Token | null` – Set for pair values. May then be `null`, if
 *       the key before the `:` separator is empty.
 *     - `sep?: SourceToken[]` – Source tokens between the key and the value,
 *       which should include the `:` map value indicator if `value` is set.
 *     - `value?: Token` – The value of a sequence item, or of a map pair.
 *   - `path`: The steps from the root to the current node, as an array of
 *     `['key' | 'value', number]` tuples.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this token, continue with
 *      next sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current item, then continue with the next one
 *   - `number`: Set the index of the next step. This is useful especially if
 *     the index of the current token has changed.
 *   - `function`: Define the next visitor for this item. After the original
 *     visitor is called on item entry, next visitors are called after handling
 *     a non-empty `key` and when exiting the item.
 */
function visit(cst, visitor) {
    if ('type' in cst && cst.type === 'document')
        cst = { start: cst.start, value: cst.value };
    _visit(Object.freeze([]), cst, visitor);
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visit.BREAK = BREAK;
/** Do not visit the children of the current item */
visit.SKIP = SKIP;
/** Remove the current item */
visit.REMOVE = REMOVE;
/** Find the item at `path` from `cst` as the root */
visit.itemAtPath = (cst, path) => {
    let item = cst;
    for (const [field, index] of path) {
        const tok = item?.[field];
        if (tok && 'items' in tok) {
            item = tok.items[index];
        }
        else
            return undefined;
    }
    return item;
};
/**
 * Get the immediate parent collection of the item at `path` from `cst` as the root.
 *
 * Throws an error if the collection is not found, which should never happen if the item itself exists.
 */
visit.parentCollection = (cst, path) => {
    const parent = visit.itemAtPath(cst, path.slice(0, -1));
    const field = path[path.length - 1][0];
    const coll = parent?.[field];
    if (coll && 'items' in coll)
        return coll;
    throw new Error('Parent collection not found');
};
function _visit(path, item, visitor) {
    let ctrl = visitor(item, path);
    if (typeof ctrl === 'symbol')
        return ctrl;
    for (const field of ['key', 'value']) {
        const token = item[field];
        if (token && 'items' in token) {
            for (let i = 0; i < token.items.length; ++i) {
                const ci = _visit(Object.freeze(path.concat([[field, i]])), token.items[i], visitor);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    token.items.splice(i, 1);
                    i -= 1;
                }
            }
            if (typeof ctrl === 'function' && field === 'key')
                ctrl = ctrl(item, path);
        }
    }
    return typeof ctrl === 'function' ? ctrl(item, path) : ctrl;
}

exports.visit = visit;


/***/ }),

/***/ 3461:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var cstScalar = __nccwpck_require__(110);
var cstStringify = __nccwpck_require__(1733);
var cstVisit = __nccwpck_require__(7715);

/** The byte order mark */
const BOM = '\u{FEFF}';
/** Start of doc-mode */
const DOCUMENT = '\x02'; // C0: Start of Text
/** Unexpected end of flow-mode */
const FLOW_END = '\x18'; // C0: Cancel
/** Next token is a scalar value */
const SCALAR = '\x1f'; // C0: Unit Separator
/** @returns `true` if `token` is a flow or block collection */
const isCollection = (token) => !!token && 'items' in token;
/** @returns `true` if `token` is a flow or block scalar; not an alias */
const isScalar = (token) => !!token &&
    (token.type === 'scalar' ||
        token.type === 'single-quoted-scalar' ||
        token.type === 'double-quoted-scalar' ||
        token.type === 'block-scalar');
/* istanbul ignore next */
/** Get a printable representation of a lexer token */
function prettyToken(token) {
    switch (token) {
        case BOM:
            return '<BOM>';
        case DOCUMENT:
            return '<DOC>';
        case FLOW_END:
            return '<FLOW_END>';
        case SCALAR:
            return '<SCALAR>';
        default:
            return JSON.stringify(token);
    }
}
/** Identify the type of a lexer token. May return `null` for unknown tokens. */
function tokenType(source) {
    switch (source) {
        case BOM:
            return 'byte-order-mark';
        case DOCUMENT:
            return 'doc-mode';
        case FLOW_END:
            return 'flow-error-end';
        case SCALAR:
            return 'scalar';
        case '---':
            return 'doc-start';
        case '...':
            return 'doc-end';
        case '':
        case '\n':
        case '\r\n':
            return 'newline';
        case '-':
            return 'seq-item-ind';
        case '?':
            return 'explicit-key-ind';
        case ':':
            return 'map-value-ind';
        case '{':
            return 'flow-map-start';
        case '}':
            return 'flow-map-end';
        case '[':
            return 'flow-seq-start';
        case ']':
            return 'flow-seq-end';
        case ',':
            return 'comma';
    }
    switch (source[0]) {
        case ' ':
        case '\t':
            return 'space';
        case '#':
            return 'comment';
        case '%':
            return 'directive-line';
        case '*':
            return 'alias';
        case '&':
            return 'anchor';
        case '!':
            return 'tag';
        case "'":
            return 'single-quoted-scalar';
        case '"':
            return 'double-quoted-scalar';
        case '|':
        case '>':
            return 'block-scalar-header';
    }
    return null;
}

exports.createScalarToken = cstScalar.createScalarToken;
exports.resolveAsScalar = cstScalar.resolveAsScalar;
exports.setScalarValue = cstScalar.setScalarValue;
exports.stringify = cstStringify.stringify;
exports.visit = cstVisit.visit;
exports.BOM = BOM;
exports.DOCUMENT = DOCUMENT;
exports.FLOW_END = FLOW_END;
exports.SCALAR = SCALAR;
exports.isCollection = isCollection;
exports.isScalar = isScalar;
exports.prettyToken = prettyToken;
exports.tokenType = tokenType;


/***/ }),

/***/ 361:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var cst = __nccwpck_require__(3461);

/*
START -> stream

stream
  directive -> line-end -> stream
  indent + line-end -> stream
  [else] -> line-start

line-end
  comment -> line-end
  newline -> .
  input-end -> END

line-start
  doc-start -> doc
  doc-end -> stream
  [else] -> indent -> block-start

block-start
  seq-item-start -> block-start
  explicit-key-start -> block-start
  map-value-start -> block-start
  [else] -> doc

doc
  line-end -> line-start
  spaces -> doc
  anchor -> doc
  tag -> doc
  flow-start -> flow -> doc
  flow-end -> error -> doc
  seq-item-start -> error -> doc
  explicit-key-start -> error -> doc
  map-value-start -> doc
  alias -> doc
  quote-start -> quoted-scalar -> doc
  block-scalar-header -> line-end -> block-scalar(min) -> line-start
  [else] -> plain-scalar(false, min) -> doc

flow
  line-end -> flow
  spaces -> flow
  anchor -> flow
  tag -> flow
  flow-start -> flow -> flow
  flow-end -> .
  seq-item-start -> error -> flow
  explicit-key-start -> flow
  map-value-start -> flow
  alias -> flow
  quote-start -> quoted-scalar -> flow
  comma -> flow
  [else] -> plain-scalar(true, 0) -> flow

quoted-scalar
  quote-end -> .
  [else] -> quoted-scalar

block-scalar(min)
  newline + peek(indent < min) -> .
  [else] -> block-scalar(min)

plain-scalar(is-flow, min)
  scalar-end(is-flow) -> .
  peek(newline + (indent < min)) -> .
  [else] -> plain-scalar(min)
*/
function isEmpty(ch) {
    switch (ch) {
        case undefined:
        case ' ':
        case '\n':
        case '\r':
        case '\t':
            return true;
        default:
            return false;
    }
}
const hexDigits = new Set('0123456789ABCDEFabcdef');
const tagChars = new Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()");
const flowIndicatorChars = new Set(',[]{}');
const invalidAnchorChars = new Set(' ,[]{}\n\r\t');
const isNotAnchorChar = (ch) => !ch || invalidAnchorChars.has(ch);
/**
 * Splits an input string into lexical tokens, i.e. smaller strings that are
 * easily identifiable by `tokens.tokenType()`.
 *
 * Lexing starts always in a "stream" context. Incomplete input may be buffered
 * until a complete token can be emitted.
 *
 * In addition to slices of the original input, the following control characters
 * may also be emitted:
 *
 * - `\x02` (Start of Text): A document starts with the next token
 * - `\x18` (Cancel): Unexpected end of flow-mode (indicates an error)
 * - `\x1f` (Unit Separator): Next token is a scalar value
 * - `\u{FEFF}` (Byte order mark): Emitted separately outside documents
 */
class Lexer {
    constructor() {
        /**
         * Flag indicating whether the end of the current buffer marks the end of
         * all input
         */
        this.atEnd = false;
        /**
         * Explicit indent set in block scalar header, as an offset from the current
         * minimum indent, so e.g. set to 1 from a header `|2+`. Set to -1 if not
         * explicitly set.
         */
        this.blockScalarIndent = -1;
        /**
         * Block scalars that include a + (keep) chomping indicator in their header
         * include trailing empty lines, which are otherwise excluded from the
         * scalar's contents.
         */
        this.blockScalarKeep = false;
        /** Current input */
        this.buffer = '';
        /**
         * Flag noting whether the map value indicator : can immediately follow this
         * node within a flow context.
         */
        this.flowKey = false;
        /** Count of surrounding flow collection levels. */
        this.flowLevel = 0;
        /**
         * Minimum level of indentation required for next lines to be parsed as a
         * part of the current scalar value.
         */
        this.indentNext = 0;
        /** Indentation level of the current line. */
        this.indentValue = 0;
        /** Position of the next \n character. */
        this.lineEndPos = null;
        /** Stores the state of the lexer if reaching the end of incpomplete input */
        this.next = null;
        /** A pointer to `buffer`; the current position of the lexer. */
        this.pos = 0;
    }
    /**
     * Generate YAML tokens from the `source` string. If `incomplete`,
     * a part of the last line may be left as a buffer for the next call.
     *
     * @returns A generator of lexical tokens
     */
    *lex(source, incomplete = false) {
        if (source) {
            if (typeof source !== 'string')
                throw TypeError('source is not a string');
            this.buffer = this.buffer ? this.buffer + source : source;
            this.lineEndPos = null;
        }
        this.atEnd = !incomplete;
        let next = this.next ?? 'stream';
        while (next && (incomplete || this.hasChars(1)))
            next = yield* this.parseNext(next);
    }
    atLineEnd() {
        let i = this.pos;
        let ch = this.buffer[i];
        while (ch === ' ' || ch === '\t')
            ch = this.buffer[++i];
        if (!ch || ch === '#' || ch === '\n')
            return true;
        if (ch === '\r')
            return this.buffer[i + 1] === '\n';
        return false;
    }
    charAt(n) {
        return this.buffer[this.pos + n];
    }
    continueScalar(offset) {
        let ch = this.buffer[offset];
        if (this.indentNext > 0) {
            let indent = 0;
            while (ch === ' ')
                ch = this.buffer[++indent + offset];
            if (ch === '\r') {
                const next = this.buffer[indent + offset + 1];
                if (next === '\n' || (!next && !this.atEnd))
                    return offset + indent + 1;
            }
            return ch === '\n' || indent >= this.indentNext || (!ch && !this.atEnd)
                ? offset + indent
                : -1;
        }
        if (ch === '-' || ch === '.') {
            const dt = this.buffer.substr(offset, 3);
            if ((dt === '---' || dt === '...') && isEmpty(this.buffer[offset + 3]))
                return -1;
        }
        return offset;
    }
    getLine() {
        let end = this.lineEndPos;
        if (typeof end !== 'number' || (end !== -1 && end < this.pos)) {
            end = this.buffer.indexOf('\n', this.pos);
            this.lineEndPos = end;
        }
        if (end === -1)
            return this.atEnd ? this.buffer.substring(this.pos) : null;
        if (this.buffer[end - 1] === '\r')
            end -= 1;
        return this.buffer.substring(this.pos, end);
    }
    hasChars(n) {
        return this.pos + n <= this.buffer.length;
    }
    setNext(state) {
        this.buffer = this.buffer.substring(this.pos);
        this.pos = 0;
        this.lineEndPos = null;
        this.next = state;
        return null;
    }
    peek(n) {
        return this.buffer.substr(this.pos, n);
    }
    *parseNext(next) {
        switch (next) {
            case 'stream':
                return yield* this.parseStream();
            case 'line-start':
                return yield* this.parseLineStart();
            case 'block-start':
                return yield* this.parseBlockStart();
            case 'doc':
                return yield* this.parseDocument();
            case 'flow':
                return yield* this.parseFlowCollection();
            case 'quoted-scalar':
                return yield* this.parseQuotedScalar();
            case 'block-scalar':
                return yield* this.parseBlockScalar();
            case 'plain-scalar':
                return yield* this.parsePlainScalar();
        }
    }
    *parseStream() {
        let line = this.getLine();
        if (line === null)
            return this.setNext('stream');
        if (line[0] === cst.BOM) {
            yield* this.pushCount(1);
            line = line.substring(1);
        }
        if (line[0] === '%') {
            let dirEnd = line.length;
            let cs = line.indexOf('#');
            while (cs !== -1) {
                const ch = line[cs - 1];
                if (ch === ' ' || ch === '\t') {
                    dirEnd = cs - 1;
                    break;
                }
                else {
                    cs = line.indexOf('#', cs + 1);
                }
            }
            while (true) {
                const ch = line[dirEnd - 1];
                if (ch === ' ' || ch === '\t')
                    dirEnd -= 1;
                else
                    break;
            }
            const n = (yield* this.pushCount(dirEnd)) + (yield* this.pushSpaces(true));
            yield* this.pushCount(line.length - n); // possible comment
            this.pushNewline();
            return 'stream';
        }
        if (this.atLineEnd()) {
            const sp = yield* this.pushSpaces(true);
            yield* this.pushCount(line.length - sp);
            yield* this.pushNewline();
            return 'stream';
        }
        yield cst.DOCUMENT;
        return yield* this.parseLineStart();
    }
    *parseLineStart() {
        const ch = this.charAt(0);
        if (!ch && !this.atEnd)
            return this.setNext('line-start');
        if (ch === '-' || ch === '.') {
            if (!this.atEnd && !this.hasChars(4))
                return this.setNext('line-start');
            const s = this.peek(3);
            if ((s === '---' || s === '...') && isEmpty(this.charAt(3))) {
                yield* this.pushCount(3);
                this.indentValue = 0;
                this.indentNext = 0;
                return s === '---' ? 'doc' : 'stream';
            }
        }
        this.indentValue = yield* this.pushSpaces(false);
        if (this.indentNext > this.indentValue && !isEmpty(this.charAt(1)))
            this.indentNext = this.indentValue;
        return yield* this.parseBlockStart();
    }
    *parseBlockStart() {
        const [ch0, ch1] = this.peek(2);
        if (!ch1 && !this.atEnd)
            return this.setNext('block-start');
        if ((ch0 === '-' || ch0 === '?' || ch0 === ':') && isEmpty(ch1)) {
            const n = (yield* this.pushCount(1)) + (yield* this.pushSpaces(true));
            this.indentNext = this.indentValue + 1;
            this.indentValue += n;
            return 'block-start';
        }
        return 'doc';
    }
    *parseDocument() {
        yield* this.pushSpaces(true);
        const line = this.getLine();
        if (line === null)
            return this.setNext('doc');
        let n = yield* this.pushIndicators();
        switch (line[n]) {
            case '#':
                yield* this.pushCount(line.length - n);
            // fallthrough
            case undefined:
                yield* this.pushNewline();
                return yield* this.parseLineStart();
            case '{':
            case '[':
                yield* this.pushCount(1);
                this.flowKey = false;
                this.flowLevel = 1;
                return 'flow';
            case '}':
            case ']':
                // this is an error
                yield* this.pushCount(1);
                return 'doc';
            case '*':
                yield* this.pushUntil(isNotAnchorChar);
                return 'doc';
            case '"':
            case "'":
                return yield* this.parseQuotedScalar();
            case '|':
            case '>':
                n += yield* this.parseBlockScalarHeader();
                n += yield* this.pushSpaces(true);
                yield* this.pushCount(line.length - n);
                yield* this.pushNewline();
                return yield* this.parseBlockScalar();
            default:
                return yield* this.parsePlainScalar();
        }
    }
    *parseFlowCollection() {
        let nl, sp;
        let indent = -1;
        do {
            nl = yield* this.pushNewline();
            if (nl > 0) {
                sp = yield* this.pushSpaces(false);
                this.indentValue = indent = sp;
            }
            else {
                sp = 0;
            }
            sp += yield* this.pushSpaces(true);
        } while (nl + sp > 0);
        const line = this.getLine();
        if (line === null)
            return this.setNext('flow');
        if ((indent !== -1 && indent < this.indentNext && line[0] !== '#') ||
            (indent === 0 &&
                (line.startsWith('---') || line.startsWith('...')) &&
                isEmpty(line[3]))) {
            // Allowing for the terminal ] or } at the same (rather than greater)
            // indent level as the initial [ or { is technically invalid, but
            // failing here would be surprising to users.
            const atFlowEndMarker = indent === this.indentNext - 1 &&
                this.flowLevel === 1 &&
                (line[0] === ']' || line[0] === '}');
            if (!atFlowEndMarker) {
                // this is an error
                this.flowLevel = 0;
                yield cst.FLOW_END;
                return yield* this.parseLineStart();
            }
        }
        let n = 0;
        while (line[n] === ',') {
            n += yield* this.pushCount(1);
            n += yield* this.pushSpaces(true);
            this.flowKey = false;
        }
        n += yield* this.pushIndicators();
        switch (line[n]) {
            case undefined:
                return 'flow';
            case '#':
                yield* this.pushCount(line.length - n);
                return 'flow';
            case '{':
            case '[':
                yield* this.pushCount(1);
                this.flowKey = false;
                this.flowLevel += 1;
                return 'flow';
            case '}':
            case ']':
                yield* this.pushCount(1);
                this.flowKey = true;
                this.flowLevel -= 1;
                return this.flowLevel ? 'flow' : 'doc';
            case '*':
                yield* this.pushUntil(isNotAnchorChar);
                return 'flow';
            case '"':
            case "'":
                this.flowKey = true;
                return yield* this.parseQuotedScalar();
            case ':': {
                const next = this.charAt(1);
                if (this.flowKey || isEmpty(next) || next === ',') {
                    this.flowKey = false;
                    yield* this.pushCount(1);
                    yield* this.pushSpaces(true);
                    return 'flow';
                }
            }
            // fallthrough
            default:
                this.flowKey = false;
                return yield* this.parsePlainScalar();
        }
    }
    *parseQuotedScalar() {
        const quote = this.charAt(0);
        let end = this.buffer.indexOf(quote, this.pos + 1);
        if (quote === "'") {
            while (end !== -1 && this.buffer[end + 1] === "'")
                end = this.buffer.indexOf("'", end + 2);
        }
        else {
            // double-quote
            while (end !== -1) {
                let n = 0;
                while (this.buffer[end - 1 - n] === '\\')
                    n += 1;
                if (n % 2 === 0)
                    break;
                end = this.buffer.indexOf('"', end + 1);
            }
        }
        // Only looking for newlines within the quotes
        const qb = this.buffer.substring(0, end);
        let nl = qb.indexOf('\n', this.pos);
        if (nl !== -1) {
            while (nl !== -1) {
                const cs = this.continueScalar(nl + 1);
                if (cs === -1)
                    break;
                nl = qb.indexOf('\n', cs);
            }
            if (nl !== -1) {
                // this is an error caused by an unexpected unindent
                end = nl - (qb[nl - 1] === '\r' ? 2 : 1);
            }
        }
        if (end === -1) {
            if (!this.atEnd)
                return this.setNext('quoted-scalar');
            end = this.buffer.length;
        }
        yield* this.pushToIndex(end + 1, false);
        return this.flowLevel ? 'flow' : 'doc';
    }
    *parseBlockScalarHeader() {
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        let i = this.pos;
        while (true) {
            const ch = this.buffer[++i];
            if (ch === '+')
                this.blockScalarKeep = true;
            else if (ch > '0' && ch <= '9')
                this.blockScalarIndent = Number(ch) - 1;
            else if (ch !== '-')
                break;
        }
        return yield* this.pushUntil(ch => isEmpty(ch) || ch === '#');
    }
    *parseBlockScalar() {
        let nl = this.pos - 1; // may be -1 if this.pos === 0
        let indent = 0;
        let ch;
        loop: for (let i = this.pos; (ch = this.buffer[i]); ++i) {
            switch (ch) {
                case ' ':
                    indent += 1;
                    break;
                case '\n':
                    nl = i;
                    indent = 0;
                    break;
                case '\r': {
                    const next = this.buffer[i + 1];
                    if (!next && !this.atEnd)
                        return this.setNext('block-scalar');
                    if (next === '\n')
                        break;
                } // fallthrough
                default:
                    break loop;
            }
        }
        if (!ch && !this.atEnd)
            return this.setNext('block-scalar');
        if (indent >= this.indentNext) {
            if (this.blockScalarIndent === -1)
                this.indentNext = indent;
            else {
                this.indentNext =
                    this.blockScalarIndent + (this.indentNext === 0 ? 1 : this.indentNext);
            }
            do {
                const cs = this.continueScalar(nl + 1);
                if (cs === -1)
                    break;
                nl = this.buffer.indexOf('\n', cs);
            } while (nl !== -1);
            if (nl === -1) {
                if (!this.atEnd)
                    return this.setNext('block-scalar');
                nl = this.buffer.length;
            }
        }
        // Trailing insufficiently indented tabs are invalid.
        // To catch that during parsing, we include them in the block scalar value.
        let i = nl + 1;
        ch = this.buffer[i];
        while (ch === ' ')
            ch = this.buffer[++i];
        if (ch === '\t') {
            while (ch === '\t' || ch === ' ' || ch === '\r' || ch === '\n')
                ch = this.buffer[++i];
            nl = i - 1;
        }
        else if (!this.blockScalarKeep) {
            do {
                let i = nl - 1;
                let ch = this.buffer[i];
                if (ch === '\r')
                    ch = this.buffer[--i];
                const lastChar = i; // Drop the line if last char not more indented
                while (ch === ' ')
                    ch = this.buffer[--i];
                if (ch === '\n' && i >= this.pos && i + 1 + indent > lastChar)
                    nl = i;
                else
                    break;
            } while (true);
        }
        yield cst.SCALAR;
        yield* this.pushToIndex(nl + 1, true);
        return yield* this.parseLineStart();
    }
    *parsePlainScalar() {
        const inFlow = this.flowLevel > 0;
        let end = this.pos - 1;
        let i = this.pos - 1;
        let ch;
        while ((ch = this.buffer[++i])) {
            if (ch === ':') {
                const next = this.buffer[i + 1];
                if (isEmpty(next) || (inFlow && flowIndicatorChars.has(next)))
                    break;
                end = i;
            }
            else if (isEmpty(ch)) {
                let next = this.buffer[i + 1];
                if (ch === '\r') {
                    if (next === '\n') {
                        i += 1;
                        ch = '\n';
                        next = this.buffer[i + 1];
                    }
                    else
                        end = i;
                }
                if (next === '#' || (inFlow && flowIndicatorChars.has(next)))
                    break;
                if (ch === '\n') {
                    const cs = this.continueScalar(i + 1);
                    if (cs === -1)
                        break;
                    i = Math.max(i, cs - 2); // to advance, but still account for ' #'
                }
            }
            else {
                if (inFlow && flowIndicatorChars.has(ch))
                    break;
                end = i;
            }
        }
        if (!ch && !this.atEnd)
            return this.setNext('plain-scalar');
        yield cst.SCALAR;
        yield* this.pushToIndex(end + 1, true);
        return inFlow ? 'flow' : 'doc';
    }
    *pushCount(n) {
        if (n > 0) {
            yield this.buffer.substr(this.pos, n);
            this.pos += n;
            return n;
        }
        return 0;
    }
    *pushToIndex(i, allowEmpty) {
        const s = this.buffer.slice(this.pos, i);
        if (s) {
            yield s;
            this.pos += s.length;
            return s.length;
        }
        else if (allowEmpty)
            yield '';
        return 0;
    }
    *pushIndicators() {
        let n = 0;
        loop: while (true) {
            switch (this.charAt(0)) {
                case '!':
                    n += yield* this.pushTag();
                    n += yield* this.pushSpaces(true);
                    continue loop;
                case '&':
                    n += yield* this.pushUntil(isNotAnchorChar);
                    n += yield* this.pushSpaces(true);
                    continue loop;
                case '-': // this is an error
                case '?': // this is an error outside flow collections
                case ':': {
                    const inFlow = this.flowLevel > 0;
                    const ch1 = this.charAt(1);
                    if (isEmpty(ch1) || (inFlow && flowIndicatorChars.has(ch1))) {
                        if (!inFlow)
                            this.indentNext = this.indentValue + 1;
                        else if (this.flowKey)
                            this.flowKey = false;
                        n += yield* this.pushCount(1);
                        n += yield* this.pushSpaces(true);
                        continue loop;
                    }
                }
            }
            break loop;
        }
        return n;
    }
    *pushTag() {
        if (this.charAt(1) === '<') {
            let i = this.pos + 2;
            let ch = this.buffer[i];
            while (!isEmpty(ch) && ch !== '>')
                ch = this.buffer[++i];
            return yield* this.pushToIndex(ch === '>' ? i + 1 : i, false);
        }
        else {
            let i = this.pos + 1;
            let ch = this.buffer[i];
            while (ch) {
                if (tagChars.has(ch))
                    ch = this.buffer[++i];
                else if (ch === '%' &&
                    hexDigits.has(this.buffer[i + 1]) &&
                    hexDigits.has(this.buffer[i + 2])) {
                    ch = this.buffer[(i += 3)];
                }
                else
                    break;
            }
            return yield* this.pushToIndex(i, false);
        }
    }
    *pushNewline() {
        const ch = this.buffer[this.pos];
        if (ch === '\n')
            return yield* this.pushCount(1);
        else if (ch === '\r' && this.charAt(1) === '\n')
            return yield* this.pushCount(2);
        else
            return 0;
    }
    *pushSpaces(allowTabs) {
        let i = this.pos - 1;
        let ch;
        do {
            ch = this.buffer[++i];
        } while (ch === ' ' || (allowTabs && ch === '\t'));
        const n = i - this.pos;
        if (n > 0) {
            yield this.buffer.substr(this.pos, n);
            this.pos = i;
        }
        return n;
    }
    *pushUntil(test) {
        let i = this.pos;
        let ch = this.buffer[i];
        while (!test(ch))
            ch = this.buffer[++i];
        return yield* this.pushToIndex(i, false);
    }
}

exports.Lexer = Lexer;


/***/ }),

/***/ 6628:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Tracks newlines during parsing in order to provide an efficient API for
 * determining the one-indexed `{ line, col }` position for any offset
 * within the input.
 */
class LineCounter {
    constructor() {
        this.lineStarts = [];
        /**
         * Should be called in ascending order. Otherwise, call
         * `lineCounter.lineStarts.sort()` before calling `linePos()`.
         */
        this.addNewLine = (offset) => this.lineStarts.push(offset);
        /**
         * Performs a binary search and returns the 1-indexed { line, col }
         * position of `offset`. If `line === 0`, `addNewLine` has never been
         * called or `offset` is before the first known newline.
         */
        this.linePos = (offset) => {
            let low = 0;
            let high = this.lineStarts.length;
            while (low < high) {
                const mid = (low + high) >> 1; // Math.floor((low + high) / 2)
                if (this.lineStarts[mid] < offset)
                    low = mid + 1;
                else
                    high = mid;
            }
            if (this.lineStarts[low] === offset)
                return { line: low + 1, col: 1 };
            if (low === 0)
                return { line: 0, col: offset };
            const start = this.lineStarts[low - 1];
            return { line: low, col: offset - start + 1 };
        };
    }
}

exports.LineCounter = LineCounter;


/***/ }),

/***/ 3456:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);
var cst = __nccwpck_require__(3461);
var lexer = __nccwpck_require__(361);

function includesToken(list, type) {
    for (let i = 0; i < list.length; ++i)
        if (list[i].type === type)
            return true;
    return false;
}
function findNonEmptyIndex(list) {
    for (let i = 0; i < list.length; ++i) {
        switch (list[i].type) {
            case 'space':
            case 'comment':
            case 'newline':
                break;
            default:
                return i;
        }
    }
    return -1;
}
function isFlowToken(token) {
    switch (token?.type) {
        case 'alias':
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
        case 'flow-collection':
            return true;
        default:
            return false;
    }
}
function getPrevProps(parent) {
    switch (parent.type) {
        case 'document':
            return parent.start;
        case 'block-map': {
            const it = parent.items[parent.items.length - 1];
            return it.sep ?? it.start;
        }
        case 'block-seq':
            return parent.items[parent.items.length - 1].start;
        /* istanbul ignore next should not happen */
        default:
            return [];
    }
}
/** Note: May modify input array */
function getFirstKeyStartProps(prev) {
    if (prev.length === 0)
        return [];
    let i = prev.length;
    loop: while (--i >= 0) {
        switch (prev[i].type) {
            case 'doc-start':
            case 'explicit-key-ind':
            case 'map-value-ind':
            case 'seq-item-ind':
            case 'newline':
                break loop;
        }
    }
    while (prev[++i]?.type === 'space') {
        /* loop */
    }
    return prev.splice(i, prev.length);
}
function arrayPushArray(target, source) {
    // May exhaust call stack with large `source` array
    if (source.length < 1e5)
        Array.prototype.push.apply(target, source);
    else
        for (let i = 0; i < source.length; ++i)
            target.push(source[i]);
}
function fixFlowSeqItems(fc) {
    if (fc.start.type === 'flow-seq-start') {
        for (const it of fc.items) {
            if (it.sep &&
                !it.value &&
                !includesToken(it.start, 'explicit-key-ind') &&
                !includesToken(it.sep, 'map-value-ind')) {
                if (it.key)
                    it.value = it.key;
                delete it.key;
                if (isFlowToken(it.value)) {
                    if (it.value.end)
                        arrayPushArray(it.value.end, it.sep);
                    else
                        it.value.end = it.sep;
                }
                else
                    arrayPushArray(it.start, it.sep);
                delete it.sep;
            }
        }
    }
}
/**
 * A YAML concrete syntax tree (CST) parser
 *
 * ```ts
 * const src: string = ...
 * for (const token of new Parser().parse(src)) {
 *   // token: Token
 * }
 * ```
 *
 * To use the parser with a user-provided lexer:
 *
 * ```ts
 * function* parse(source: string, lexer: Lexer) {
 *   const parser = new Parser()
 *   for (const lexeme of lexer.lex(source))
 *     yield* parser.next(lexeme)
 *   yield* parser.end()
 * }
 *
 * const src: string = ...
 * const lexer = new Lexer()
 * for (const token of parse(src, lexer)) {
 *   // token: Token
 * }
 * ```
 */
class Parser {
    /**
     * @param onNewLine - If defined, called separately with the start position of
     *   each new line (in `parse()`, including the start of input).
     */
    constructor(onNewLine) {
        /** If true, space and sequence indicators count as indentation */
        this.atNewLine = true;
        /** If true, next token is a scalar value */
        this.atScalar = false;
        /** Current indentation level */
        this.indent = 0;
        /** Current offset since the start of parsing */
        this.offset = 0;
        /** On the same line with a block map key */
        this.onKeyLine = false;
        /** Top indicates the node that's currently being built */
        this.stack = [];
        /** The source of the current token, set in parse() */
        this.source = '';
        /** The type of the current token, set in parse() */
        this.type = '';
        // Must be defined after `next()`
        this.lexer = new lexer.Lexer();
        this.onNewLine = onNewLine;
    }
    /**
     * Parse `source` as a YAML stream.
     * If `incomplete`, a part of the last line may be left as a buffer for the next call.
     *
     * Errors are not thrown, but yielded as `{ type: 'error', message }` tokens.
     *
     * @returns A generator of tokens representing each directive, document, and other structure.
     */
    *parse(source, incomplete = false) {
        if (this.onNewLine && this.offset === 0)
            this.onNewLine(0);
        for (const lexeme of this.lexer.lex(source, incomplete))
            yield* this.next(lexeme);
        if (!incomplete)
            yield* this.end();
    }
    /**
     * Advance the parser by the `source` of one lexical token.
     */
    *next(source) {
        this.source = source;
        if (node_process.env.LOG_TOKENS)
            console.log('|', cst.prettyToken(source));
        if (this.atScalar) {
            this.atScalar = false;
            yield* this.step();
            this.offset += source.length;
            return;
        }
        const type = cst.tokenType(source);
        if (!type) {
            const message = `Not a YAML token: ${source}`;
            yield* this.pop({ type: 'error', offset: this.offset, message, source });
            this.offset += source.length;
        }
        else if (type === 'scalar') {
            this.atNewLine = false;
            this.atScalar = true;
            this.type = 'scalar';
        }
        else {
            this.type = type;
            yield* this.step();
            switch (type) {
                case 'newline':
                    this.atNewLine = true;
                    this.indent = 0;
                    if (this.onNewLine)
                        this.onNewLine(this.offset + source.length);
                    break;
                case 'space':
                    if (this.atNewLine && source[0] === ' ')
                        this.indent += source.length;
                    break;
                case 'explicit-key-ind':
                case 'map-value-ind':
                case 'seq-item-ind':
                    if (this.atNewLine)
                        this.indent += source.length;
                    break;
                case 'doc-mode':
                case 'flow-error-end':
                    return;
                default:
                    this.atNewLine = false;
            }
            this.offset += source.length;
        }
    }
    /** Call at end of input to push out any remaining constructions */
    *end() {
        while (this.stack.length > 0)
            yield* this.pop();
    }
    get sourceToken() {
        const st = {
            type: this.type,
            offset: this.offset,
            indent: this.indent,
            source: this.source
        };
        return st;
    }
    *step() {
        const top = this.peek(1);
        if (this.type === 'doc-end' && top?.type !== 'doc-end') {
            while (this.stack.length > 0)
                yield* this.pop();
            this.stack.push({
                type: 'doc-end',
                offset: this.offset,
                source: this.source
            });
            return;
        }
        if (!top)
            return yield* this.stream();
        switch (top.type) {
            case 'document':
                return yield* this.document(top);
            case 'alias':
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return yield* this.scalar(top);
            case 'block-scalar':
                return yield* this.blockScalar(top);
            case 'block-map':
                return yield* this.blockMap(top);
            case 'block-seq':
                return yield* this.blockSequence(top);
            case 'flow-collection':
                return yield* this.flowCollection(top);
            case 'doc-end':
                return yield* this.documentEnd(top);
        }
        /* istanbul ignore next should not happen */
        yield* this.pop();
    }
    peek(n) {
        return this.stack[this.stack.length - n];
    }
    *pop(error) {
        const token = error ?? this.stack.pop();
        /* istanbul ignore if should not happen */
        if (!token) {
            const message = 'Tried to pop an empty stack';
            yield { type: 'error', offset: this.offset, source: '', message };
        }
        else if (this.stack.length === 0) {
            yield token;
        }
        else {
            const top = this.peek(1);
            if (token.type === 'block-scalar') {
                // Block scalars use their parent rather than header indent
                token.indent = 'indent' in top ? top.indent : 0;
            }
            else if (token.type === 'flow-collection' && top.type === 'document') {
                // Ignore all indent for top-level flow collections
                token.indent = 0;
            }
            if (token.type === 'flow-collection')
                fixFlowSeqItems(token);
            switch (top.type) {
                case 'document':
                    top.value = token;
                    break;
                case 'block-scalar':
                    top.props.push(token); // error
                    break;
                case 'block-map': {
                    const it = top.items[top.items.length - 1];
                    if (it.value) {
                        top.items.push({ start: [], key: token, sep: [] });
                        this.onKeyLine = true;
                        return;
                    }
                    else if (it.sep) {
                        it.value = token;
                    }
                    else {
                        Object.assign(it, { key: token, sep: [] });
                        this.onKeyLine = !it.explicitKey;
                        return;
                    }
                    break;
                }
                case 'block-seq': {
                    const it = top.items[top.items.length - 1];
                    if (it.value)
                        top.items.push({ start: [], value: token });
                    else
                        it.value = token;
                    break;
                }
                case 'flow-collection': {
                    const it = top.items[top.items.length - 1];
                    if (!it || it.value)
                        top.items.push({ start: [], key: token, sep: [] });
                    else if (it.sep)
                        it.value = token;
                    else
                        Object.assign(it, { key: token, sep: [] });
                    return;
                }
                /* istanbul ignore next should not happen */
                default:
                    yield* this.pop();
                    yield* this.pop(token);
            }
            if ((top.type === 'document' ||
                top.type === 'block-map' ||
                top.type === 'block-seq') &&
                (token.type === 'block-map' || token.type === 'block-seq')) {
                const last = token.items[token.items.length - 1];
                if (last &&
                    !last.sep &&
                    !last.value &&
                    last.start.length > 0 &&
                    findNonEmptyIndex(last.start) === -1 &&
                    (token.indent === 0 ||
                        last.start.every(st => st.type !== 'comment' || st.indent < token.indent))) {
                    if (top.type === 'document')
                        top.end = last.start;
                    else
                        top.items.push({ start: last.start });
                    token.items.splice(-1, 1);
                }
            }
        }
    }
    *stream() {
        switch (this.type) {
            case 'directive-line':
                yield { type: 'directive', offset: this.offset, source: this.source };
                return;
            case 'byte-order-mark':
            case 'space':
            case 'comment':
            case 'newline':
                yield this.sourceToken;
                return;
            case 'doc-mode':
            case 'doc-start': {
                const doc = {
                    type: 'document',
                    offset: this.offset,
                    start: []
                };
                if (this.type === 'doc-start')
                    doc.start.push(this.sourceToken);
                this.stack.push(doc);
                return;
            }
        }
        yield {
            type: 'error',
            offset: this.offset,
            message: `Unexpected ${this.type} token in YAML stream`,
            source: this.source
        };
    }
    *document(doc) {
        if (doc.value)
            return yield* this.lineEnd(doc);
        switch (this.type) {
            case 'doc-start': {
                if (findNonEmptyIndex(doc.start) !== -1) {
                    yield* this.pop();
                    yield* this.step();
                }
                else
                    doc.start.push(this.sourceToken);
                return;
            }
            case 'anchor':
            case 'tag':
            case 'space':
            case 'comment':
            case 'newline':
                doc.start.push(this.sourceToken);
                return;
        }
        const bv = this.startBlockValue(doc);
        if (bv)
            this.stack.push(bv);
        else {
            yield {
                type: 'error',
                offset: this.offset,
                message: `Unexpected ${this.type} token in YAML document`,
                source: this.source
            };
        }
    }
    *scalar(scalar) {
        if (this.type === 'map-value-ind') {
            const prev = getPrevProps(this.peek(2));
            const start = getFirstKeyStartProps(prev);
            let sep;
            if (scalar.end) {
                sep = scalar.end;
                sep.push(this.sourceToken);
                delete scalar.end;
            }
            else
                sep = [this.sourceToken];
            const map = {
                type: 'block-map',
                offset: scalar.offset,
                indent: scalar.indent,
                items: [{ start, key: scalar, sep }]
            };
            this.onKeyLine = true;
            this.stack[this.stack.length - 1] = map;
        }
        else
            yield* this.lineEnd(scalar);
    }
    *blockScalar(scalar) {
        switch (this.type) {
            case 'space':
            case 'comment':
            case 'newline':
                scalar.props.push(this.sourceToken);
                return;
            case 'scalar':
                scalar.source = this.source;
                // block-scalar source includes trailing newline
                this.atNewLine = true;
                this.indent = 0;
                if (this.onNewLine) {
                    let nl = this.source.indexOf('\n') + 1;
                    while (nl !== 0) {
                        this.onNewLine(this.offset + nl);
                        nl = this.source.indexOf('\n', nl) + 1;
                    }
                }
                yield* this.pop();
                break;
            /* istanbul ignore next should not happen */
            default:
                yield* this.pop();
                yield* this.step();
        }
    }
    *blockMap(map) {
        const it = map.items[map.items.length - 1];
        // it.sep is true-ish if pair already has key or : separator
        switch (this.type) {
            case 'newline':
                this.onKeyLine = false;
                if (it.value) {
                    const end = 'end' in it.value ? it.value.end : undefined;
                    const last = Array.isArray(end) ? end[end.length - 1] : undefined;
                    if (last?.type === 'comment')
                        end?.push(this.sourceToken);
                    else
                        map.items.push({ start: [this.sourceToken] });
                }
                else if (it.sep) {
                    it.sep.push(this.sourceToken);
                }
                else {
                    it.start.push(this.sourceToken);
                }
                return;
            case 'space':
            case 'comment':
                if (it.value) {
                    map.items.push({ start: [this.sourceToken] });
                }
                else if (it.sep) {
                    it.sep.push(this.sourceToken);
                }
                else {
                    if (this.atIndentedComment(it.start, map.indent)) {
                        const prev = map.items[map.items.length - 2];
                        const end = prev?.value?.end;
                        if (Array.isArray(end)) {
                            arrayPushArray(end, it.start);
                            end.push(this.sourceToken);
                            map.items.pop();
                            return;
                        }
                    }
                    it.start.push(this.sourceToken);
                }
                return;
        }
        if (this.indent >= map.indent) {
            const atMapIndent = !this.onKeyLine && this.indent === map.indent;
            const atNextItem = atMapIndent &&
                (it.sep || it.explicitKey) &&
                this.type !== 'seq-item-ind';
            // For empty nodes, assign newline-separated not indented empty tokens to following node
            let start = [];
            if (atNextItem && it.sep && !it.value) {
                const nl = [];
                for (let i = 0; i < it.sep.length; ++i) {
                    const st = it.sep[i];
                    switch (st.type) {
                        case 'newline':
                            nl.push(i);
                            break;
                        case 'space':
                            break;
                        case 'comment':
                            if (st.indent > map.indent)
                                nl.length = 0;
                            break;
                        default:
                            nl.length = 0;
                    }
                }
                if (nl.length >= 2)
                    start = it.sep.splice(nl[1]);
            }
            switch (this.type) {
                case 'anchor':
                case 'tag':
                    if (atNextItem || it.value) {
                        start.push(this.sourceToken);
                        map.items.push({ start });
                        this.onKeyLine = true;
                    }
                    else if (it.sep) {
                        it.sep.push(this.sourceToken);
                    }
                    else {
                        it.start.push(this.sourceToken);
                    }
                    return;
                case 'explicit-key-ind':
                    if (!it.sep && !it.explicitKey) {
                        it.start.push(this.sourceToken);
                        it.explicitKey = true;
                    }
                    else if (atNextItem || it.value) {
                        start.push(this.sourceToken);
                        map.items.push({ start, explicitKey: true });
                    }
                    else {
                        this.stack.push({
                            type: 'block-map',
                            offset: this.offset,
                            indent: this.indent,
                            items: [{ start: [this.sourceToken], explicitKey: true }]
                        });
                    }
                    this.onKeyLine = true;
                    return;
                case 'map-value-ind':
                    if (it.explicitKey) {
                        if (!it.sep) {
                            if (includesToken(it.start, 'newline')) {
                                Object.assign(it, { key: null, sep: [this.sourceToken] });
                            }
                            else {
                                const start = getFirstKeyStartProps(it.start);
                                this.stack.push({
                                    type: 'block-map',
                                    offset: this.offset,
                                    indent: this.indent,
                                    items: [{ start, key: null, sep: [this.sourceToken] }]
                                });
                            }
                        }
                        else if (it.value) {
                            map.items.push({ start: [], key: null, sep: [this.sourceToken] });
                        }
                        else if (includesToken(it.sep, 'map-value-ind')) {
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start, key: null, sep: [this.sourceToken] }]
                            });
                        }
                        else if (isFlowToken(it.key) &&
                            !includesToken(it.sep, 'newline')) {
                            const start = getFirstKeyStartProps(it.start);
                            const key = it.key;
                            const sep = it.sep;
                            sep.push(this.sourceToken);
                            // @ts-expect-error type guard is wrong here
                            delete it.key;
                            // @ts-expect-error type guard is wrong here
                            delete it.sep;
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start, key, sep }]
                            });
                        }
                        else if (start.length > 0) {
                            // Not actually at next item
                            it.sep = it.sep.concat(start, this.sourceToken);
                        }
                        else {
                            it.sep.push(this.sourceToken);
                        }
                    }
                    else {
                        if (!it.sep) {
                            Object.assign(it, { key: null, sep: [this.sourceToken] });
                        }
                        else if (it.value || atNextItem) {
                            map.items.push({ start, key: null, sep: [this.sourceToken] });
                        }
                        else if (includesToken(it.sep, 'map-value-ind')) {
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start: [], key: null, sep: [this.sourceToken] }]
                            });
                        }
                        else {
                            it.sep.push(this.sourceToken);
                        }
                    }
                    this.onKeyLine = true;
                    return;
                case 'alias':
                case 'scalar':
                case 'single-quoted-scalar':
                case 'double-quoted-scalar': {
                    const fs = this.flowScalar(this.type);
                    if (atNextItem || it.value) {
                        map.items.push({ start, key: fs, sep: [] });
                        this.onKeyLine = true;
                    }
                    else if (it.sep) {
                        this.stack.push(fs);
                    }
                    else {
                        Object.assign(it, { key: fs, sep: [] });
                        this.onKeyLine = true;
                    }
                    return;
                }
                default: {
                    const bv = this.startBlockValue(map);
                    if (bv) {
                        if (bv.type === 'block-seq') {
                            if (!it.explicitKey &&
                                it.sep &&
                                !includesToken(it.sep, 'newline')) {
                                yield* this.pop({
                                    type: 'error',
                                    offset: this.offset,
                                    message: 'Unexpected block-seq-ind on same line with key',
                                    source: this.source
                                });
                                return;
                            }
                        }
                        else if (atMapIndent) {
                            map.items.push({ start });
                        }
                        this.stack.push(bv);
                        return;
                    }
                }
            }
        }
        yield* this.pop();
        yield* this.step();
    }
    *blockSequence(seq) {
        const it = seq.items[seq.items.length - 1];
        switch (this.type) {
            case 'newline':
                if (it.value) {
                    const end = 'end' in it.value ? it.value.end : undefined;
                    const last = Array.isArray(end) ? end[end.length - 1] : undefined;
                    if (last?.type === 'comment')
                        end?.push(this.sourceToken);
                    else
                        seq.items.push({ start: [this.sourceToken] });
                }
                else
                    it.start.push(this.sourceToken);
                return;
            case 'space':
            case 'comment':
                if (it.value)
                    seq.items.push({ start: [this.sourceToken] });
                else {
                    if (this.atIndentedComment(it.start, seq.indent)) {
                        const prev = seq.items[seq.items.length - 2];
                        const end = prev?.value?.end;
                        if (Array.isArray(end)) {
                            arrayPushArray(end, it.start);
                            end.push(this.sourceToken);
                            seq.items.pop();
                            return;
                        }
                    }
                    it.start.push(this.sourceToken);
                }
                return;
            case 'anchor':
            case 'tag':
                if (it.value || this.indent <= seq.indent)
                    break;
                it.start.push(this.sourceToken);
                return;
            case 'seq-item-ind':
                if (this.indent !== seq.indent)
                    break;
                if (it.value || includesToken(it.start, 'seq-item-ind'))
                    seq.items.push({ start: [this.sourceToken] });
                else
                    it.start.push(this.sourceToken);
                return;
        }
        if (this.indent > seq.indent) {
            const bv = this.startBlockValue(seq);
            if (bv) {
                this.stack.push(bv);
                return;
            }
        }
        yield* this.pop();
        yield* this.step();
    }
    *flowCollection(fc) {
        const it = fc.items[fc.items.length - 1];
        if (this.type === 'flow-error-end') {
            let top;
            do {
                yield* this.pop();
                top = this.peek(1);
            } while (top?.type === 'flow-collection');
        }
        else if (fc.end.length === 0) {
            switch (this.type) {
                case 'comma':
                case 'explicit-key-ind':
                    if (!it || it.sep)
                        fc.items.push({ start: [this.sourceToken] });
                    else
                        it.start.push(this.sourceToken);
                    return;
                case 'map-value-ind':
                    if (!it || it.value)
                        fc.items.push({ start: [], key: null, sep: [this.sourceToken] });
                    else if (it.sep)
                        it.sep.push(this.sourceToken);
                    else
                        Object.assign(it, { key: null, sep: [this.sourceToken] });
                    return;
                case 'space':
                case 'comment':
                case 'newline':
                case 'anchor':
                case 'tag':
                    if (!it || it.value)
                        fc.items.push({ start: [this.sourceToken] });
                    else if (it.sep)
                        it.sep.push(this.sourceToken);
                    else
                        it.start.push(this.sourceToken);
                    return;
                case 'alias':
                case 'scalar':
                case 'single-quoted-scalar':
                case 'double-quoted-scalar': {
                    const fs = this.flowScalar(this.type);
                    if (!it || it.value)
                        fc.items.push({ start: [], key: fs, sep: [] });
                    else if (it.sep)
                        this.stack.push(fs);
                    else
                        Object.assign(it, { key: fs, sep: [] });
                    return;
                }
                case 'flow-map-end':
                case 'flow-seq-end':
                    fc.end.push(this.sourceToken);
                    return;
            }
            const bv = this.startBlockValue(fc);
            /* istanbul ignore else should not happen */
            if (bv)
                this.stack.push(bv);
            else {
                yield* this.pop();
                yield* this.step();
            }
        }
        else {
            const parent = this.peek(2);
            if (parent.type === 'block-map' &&
                ((this.type === 'map-value-ind' && parent.indent === fc.indent) ||
                    (this.type === 'newline' &&
                        !parent.items[parent.items.length - 1].sep))) {
                yield* this.pop();
                yield* this.step();
            }
            else if (this.type === 'map-value-ind' &&
                parent.type !== 'flow-collection') {
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                fixFlowSeqItems(fc);
                const sep = fc.end.splice(1, fc.end.length);
                sep.push(this.sourceToken);
                const map = {
                    type: 'block-map',
                    offset: fc.offset,
                    indent: fc.indent,
                    items: [{ start, key: fc, sep }]
                };
                this.onKeyLine = true;
                this.stack[this.stack.length - 1] = map;
            }
            else {
                yield* this.lineEnd(fc);
            }
        }
    }
    flowScalar(type) {
        if (this.onNewLine) {
            let nl = this.source.indexOf('\n') + 1;
            while (nl !== 0) {
                this.onNewLine(this.offset + nl);
                nl = this.source.indexOf('\n', nl) + 1;
            }
        }
        return {
            type,
            offset: this.offset,
            indent: this.indent,
            source: this.source
        };
    }
    startBlockValue(parent) {
        switch (this.type) {
            case 'alias':
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return this.flowScalar(this.type);
            case 'block-scalar-header':
                return {
                    type: 'block-scalar',
                    offset: this.offset,
                    indent: this.indent,
                    props: [this.sourceToken],
                    source: ''
                };
            case 'flow-map-start':
            case 'flow-seq-start':
                return {
                    type: 'flow-collection',
                    offset: this.offset,
                    indent: this.indent,
                    start: this.sourceToken,
                    items: [],
                    end: []
                };
            case 'seq-item-ind':
                return {
                    type: 'block-seq',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: [this.sourceToken] }]
                };
            case 'explicit-key-ind': {
                this.onKeyLine = true;
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                start.push(this.sourceToken);
                return {
                    type: 'block-map',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, explicitKey: true }]
                };
            }
            case 'map-value-ind': {
                this.onKeyLine = true;
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                return {
                    type: 'block-map',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, key: null, sep: [this.sourceToken] }]
                };
            }
        }
        return null;
    }
    atIndentedComment(start, indent) {
        if (this.type !== 'comment')
            return false;
        if (this.indent <= indent)
            return false;
        return start.every(st => st.type === 'newline' || st.type === 'space');
    }
    *documentEnd(docEnd) {
        if (this.type !== 'doc-mode') {
            if (docEnd.end)
                docEnd.end.push(this.sourceToken);
            else
                docEnd.end = [this.sourceToken];
            if (this.type === 'newline')
                yield* this.pop();
        }
    }
    *lineEnd(token) {
        switch (this.type) {
            case 'comma':
            case 'doc-start':
            case 'doc-end':
            case 'flow-seq-end':
            case 'flow-map-end':
            case 'map-value-ind':
                yield* this.pop();
                yield* this.step();
                break;
            case 'newline':
                this.onKeyLine = false;
            // fallthrough
            case 'space':
            case 'comment':
            default:
                // all other values are errors
                if (token.end)
                    token.end.push(this.sourceToken);
                else
                    token.end = [this.sourceToken];
                if (this.type === 'newline')
                    yield* this.pop();
        }
    }
}

exports.Parser = Parser;


/***/ }),

/***/ 4047:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var composer = __nccwpck_require__(9984);
var Document = __nccwpck_require__(3021);
var errors = __nccwpck_require__(1464);
var log = __nccwpck_require__(7249);
var identity = __nccwpck_require__(1127);
var lineCounter = __nccwpck_require__(6628);
var parser = __nccwpck_require__(3456);

function parseOptions(options) {
    const prettyErrors = options.prettyErrors !== false;
    const lineCounter$1 = options.lineCounter || (prettyErrors && new lineCounter.LineCounter()) || null;
    return { lineCounter: lineCounter$1, prettyErrors };
}
/**
 * Parse the input as a stream of YAML documents.
 *
 * Documents should be separated from each other by `...` or `---` marker lines.
 *
 * @returns If an empty `docs` array is returned, it will be of type
 *   EmptyStream and contain additional stream information. In
 *   TypeScript, you should use `'empty' in docs` as a type guard for it.
 */
function parseAllDocuments(source, options = {}) {
    const { lineCounter, prettyErrors } = parseOptions(options);
    const parser$1 = new parser.Parser(lineCounter?.addNewLine);
    const composer$1 = new composer.Composer(options);
    const docs = Array.from(composer$1.compose(parser$1.parse(source)));
    if (prettyErrors && lineCounter)
        for (const doc of docs) {
            doc.errors.forEach(errors.prettifyError(source, lineCounter));
            doc.warnings.forEach(errors.prettifyError(source, lineCounter));
        }
    if (docs.length > 0)
        return docs;
    return Object.assign([], { empty: true }, composer$1.streamInfo());
}
/** Parse an input string into a single YAML.Document */
function parseDocument(source, options = {}) {
    const { lineCounter, prettyErrors } = parseOptions(options);
    const parser$1 = new parser.Parser(lineCounter?.addNewLine);
    const composer$1 = new composer.Composer(options);
    // `doc` is always set by compose.end(true) at the very latest
    let doc = null;
    for (const _doc of composer$1.compose(parser$1.parse(source), true, source.length)) {
        if (!doc)
            doc = _doc;
        else if (doc.options.logLevel !== 'silent') {
            doc.errors.push(new errors.YAMLParseError(_doc.range.slice(0, 2), 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
            break;
        }
    }
    if (prettyErrors && lineCounter) {
        doc.errors.forEach(errors.prettifyError(source, lineCounter));
        doc.warnings.forEach(errors.prettifyError(source, lineCounter));
    }
    return doc;
}
function parse(src, reviver, options) {
    let _reviver = undefined;
    if (typeof reviver === 'function') {
        _reviver = reviver;
    }
    else if (options === undefined && reviver && typeof reviver === 'object') {
        options = reviver;
    }
    const doc = parseDocument(src, options);
    if (!doc)
        return null;
    doc.warnings.forEach(warning => log.warn(doc.options.logLevel, warning));
    if (doc.errors.length > 0) {
        if (doc.options.logLevel !== 'silent')
            throw doc.errors[0];
        else
            doc.errors = [];
    }
    return doc.toJS(Object.assign({ reviver: _reviver }, options));
}
function stringify(value, replacer, options) {
    let _replacer = null;
    if (typeof replacer === 'function' || Array.isArray(replacer)) {
        _replacer = replacer;
    }
    else if (options === undefined && replacer) {
        options = replacer;
    }
    if (typeof options === 'string')
        options = options.length;
    if (typeof options === 'number') {
        const indent = Math.round(options);
        options = indent < 1 ? undefined : indent > 8 ? { indent: 8 } : { indent };
    }
    if (value === undefined) {
        const { keepUndefined } = options ?? replacer ?? {};
        if (!keepUndefined)
            return undefined;
    }
    if (identity.isDocument(value) && !_replacer)
        return value.toString(options);
    return new Document.Document(value, _replacer, options).toString(options);
}

exports.parse = parse;
exports.parseAllDocuments = parseAllDocuments;
exports.parseDocument = parseDocument;
exports.stringify = stringify;


/***/ }),

/***/ 5840:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var map = __nccwpck_require__(7451);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var tags = __nccwpck_require__(18);

const sortMapEntriesByKey = (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
class Schema {
    constructor({ compat, customTags, merge, resolveKnownTags, schema, sortMapEntries, toStringDefaults }) {
        this.compat = Array.isArray(compat)
            ? tags.getTags(compat, 'compat')
            : compat
                ? tags.getTags(null, compat)
                : null;
        this.name = (typeof schema === 'string' && schema) || 'core';
        this.knownTags = resolveKnownTags ? tags.coreKnownTags : {};
        this.tags = tags.getTags(customTags, this.name, merge);
        this.toStringOptions = toStringDefaults ?? null;
        Object.defineProperty(this, identity.MAP, { value: map.map });
        Object.defineProperty(this, identity.SCALAR, { value: string.string });
        Object.defineProperty(this, identity.SEQ, { value: seq.seq });
        // Used by createMap()
        this.sortMapEntries =
            typeof sortMapEntries === 'function'
                ? sortMapEntries
                : sortMapEntries === true
                    ? sortMapEntriesByKey
                    : null;
    }
    clone() {
        const copy = Object.create(Schema.prototype, Object.getOwnPropertyDescriptors(this));
        copy.tags = this.tags.slice();
        return copy;
    }
}

exports.Schema = Schema;


/***/ }),

/***/ 7451:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var YAMLMap = __nccwpck_require__(4454);

const map = {
    collection: 'map',
    default: true,
    nodeClass: YAMLMap.YAMLMap,
    tag: 'tag:yaml.org,2002:map',
    resolve(map, onError) {
        if (!identity.isMap(map))
            onError('Expected a mapping for this tag');
        return map;
    },
    createNode: (schema, obj, ctx) => YAMLMap.YAMLMap.from(schema, obj, ctx)
};

exports.map = map;


/***/ }),

/***/ 3632:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

const nullTag = {
    identify: value => value == null,
    createNode: () => new Scalar.Scalar(null),
    default: true,
    tag: 'tag:yaml.org,2002:null',
    test: /^(?:~|[Nn]ull|NULL)?$/,
    resolve: () => new Scalar.Scalar(null),
    stringify: ({ source }, ctx) => typeof source === 'string' && nullTag.test.test(source)
        ? source
        : ctx.options.nullStr
};

exports.nullTag = nullTag;


/***/ }),

/***/ 1706:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var YAMLSeq = __nccwpck_require__(2223);

const seq = {
    collection: 'seq',
    default: true,
    nodeClass: YAMLSeq.YAMLSeq,
    tag: 'tag:yaml.org,2002:seq',
    resolve(seq, onError) {
        if (!identity.isSeq(seq))
            onError('Expected a sequence for this tag');
        return seq;
    },
    createNode: (schema, obj, ctx) => YAMLSeq.YAMLSeq.from(schema, obj, ctx)
};

exports.seq = seq;


/***/ }),

/***/ 6464:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyString = __nccwpck_require__(3069);

const string = {
    identify: value => typeof value === 'string',
    default: true,
    tag: 'tag:yaml.org,2002:str',
    resolve: str => str,
    stringify(item, ctx, onComment, onChompKeep) {
        ctx = Object.assign({ actualString: true }, ctx);
        return stringifyString.stringifyString(item, ctx, onComment, onChompKeep);
    }
};

exports.string = string;


/***/ }),

/***/ 3959:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

const boolTag = {
    identify: value => typeof value === 'boolean',
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
    resolve: str => new Scalar.Scalar(str[0] === 't' || str[0] === 'T'),
    stringify({ source, value }, ctx) {
        if (source && boolTag.test.test(source)) {
            const sv = source[0] === 't' || source[0] === 'T';
            if (value === sv)
                return source;
        }
        return value ? ctx.options.trueStr : ctx.options.falseStr;
    }
};

exports.boolTag = boolTag;


/***/ }),

/***/ 8405:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var stringifyNumber = __nccwpck_require__(8689);

const floatNaN = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: str => str.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : str[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    stringify: stringifyNumber.stringifyNumber
};
const floatExp = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'EXP',
    test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
    resolve: str => parseFloat(str),
    stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
    }
};
const float = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
    resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str));
        const dot = str.indexOf('.');
        if (dot !== -1 && str[str.length - 1] === '0')
            node.minFractionDigits = str.length - dot - 1;
        return node;
    },
    stringify: stringifyNumber.stringifyNumber
};

exports.float = float;
exports.floatExp = floatExp;
exports.floatNaN = floatNaN;


/***/ }),

/***/ 9874:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

const intIdentify = (value) => typeof value === 'bigint' || Number.isInteger(value);
const intResolve = (str, offset, radix, { intAsBigInt }) => (intAsBigInt ? BigInt(str) : parseInt(str.substring(offset), radix));
function intStringify(node, radix, prefix) {
    const { value } = node;
    if (intIdentify(value) && value >= 0)
        return prefix + value.toString(radix);
    return stringifyNumber.stringifyNumber(node);
}
const intOct = {
    identify: value => intIdentify(value) && value >= 0,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'OCT',
    test: /^0o[0-7]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 8, opt),
    stringify: node => intStringify(node, 8, '0o')
};
const int = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?[0-9]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
    stringify: stringifyNumber.stringifyNumber
};
const intHex = {
    identify: value => intIdentify(value) && value >= 0,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'HEX',
    test: /^0x[0-9a-fA-F]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
    stringify: node => intStringify(node, 16, '0x')
};

exports.int = int;
exports.intHex = intHex;
exports.intOct = intOct;


/***/ }),

/***/ 896:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var bool = __nccwpck_require__(3959);
var float = __nccwpck_require__(8405);
var int = __nccwpck_require__(9874);

const schema = [
    map.map,
    seq.seq,
    string.string,
    _null.nullTag,
    bool.boolTag,
    int.intOct,
    int.int,
    int.intHex,
    float.floatNaN,
    float.floatExp,
    float.float
];

exports.schema = schema;


/***/ }),

/***/ 3559:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var map = __nccwpck_require__(7451);
var seq = __nccwpck_require__(1706);

function intIdentify(value) {
    return typeof value === 'bigint' || Number.isInteger(value);
}
const stringifyJSON = ({ value }) => JSON.stringify(value);
const jsonScalars = [
    {
        identify: value => typeof value === 'string',
        default: true,
        tag: 'tag:yaml.org,2002:str',
        resolve: str => str,
        stringify: stringifyJSON
    },
    {
        identify: value => value == null,
        createNode: () => new Scalar.Scalar(null),
        default: true,
        tag: 'tag:yaml.org,2002:null',
        test: /^null$/,
        resolve: () => null,
        stringify: stringifyJSON
    },
    {
        identify: value => typeof value === 'boolean',
        default: true,
        tag: 'tag:yaml.org,2002:bool',
        test: /^true$|^false$/,
        resolve: str => str === 'true',
        stringify: stringifyJSON
    },
    {
        identify: intIdentify,
        default: true,
        tag: 'tag:yaml.org,2002:int',
        test: /^-?(?:0|[1-9][0-9]*)$/,
        resolve: (str, _onError, { intAsBigInt }) => intAsBigInt ? BigInt(str) : parseInt(str, 10),
        stringify: ({ value }) => intIdentify(value) ? value.toString() : JSON.stringify(value)
    },
    {
        identify: value => typeof value === 'number',
        default: true,
        tag: 'tag:yaml.org,2002:float',
        test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,
        resolve: str => parseFloat(str),
        stringify: stringifyJSON
    }
];
const jsonError = {
    default: true,
    tag: '',
    test: /^/,
    resolve(str, onError) {
        onError(`Unresolved plain scalar ${JSON.stringify(str)}`);
        return str;
    }
};
const schema = [map.map, seq.seq].concat(jsonScalars, jsonError);

exports.schema = schema;


/***/ }),

/***/ 18:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var bool = __nccwpck_require__(3959);
var float = __nccwpck_require__(8405);
var int = __nccwpck_require__(9874);
var schema = __nccwpck_require__(896);
var schema$1 = __nccwpck_require__(3559);
var binary = __nccwpck_require__(6083);
var merge = __nccwpck_require__(452);
var omap = __nccwpck_require__(303);
var pairs = __nccwpck_require__(8385);
var schema$2 = __nccwpck_require__(5913);
var set = __nccwpck_require__(1528);
var timestamp = __nccwpck_require__(6752);

const schemas = new Map([
    ['core', schema.schema],
    ['failsafe', [map.map, seq.seq, string.string]],
    ['json', schema$1.schema],
    ['yaml11', schema$2.schema],
    ['yaml-1.1', schema$2.schema]
]);
const tagsByName = {
    binary: binary.binary,
    bool: bool.boolTag,
    float: float.float,
    floatExp: float.floatExp,
    floatNaN: float.floatNaN,
    floatTime: timestamp.floatTime,
    int: int.int,
    intHex: int.intHex,
    intOct: int.intOct,
    intTime: timestamp.intTime,
    map: map.map,
    merge: merge.merge,
    null: _null.nullTag,
    omap: omap.omap,
    pairs: pairs.pairs,
    seq: seq.seq,
    set: set.set,
    timestamp: timestamp.timestamp
};
const coreKnownTags = {
    'tag:yaml.org,2002:binary': binary.binary,
    'tag:yaml.org,2002:merge': merge.merge,
    'tag:yaml.org,2002:omap': omap.omap,
    'tag:yaml.org,2002:pairs': pairs.pairs,
    'tag:yaml.org,2002:set': set.set,
    'tag:yaml.org,2002:timestamp': timestamp.timestamp
};
function getTags(customTags, schemaName, addMergeTag) {
    const schemaTags = schemas.get(schemaName);
    if (schemaTags && !customTags) {
        return addMergeTag && !schemaTags.includes(merge.merge)
            ? schemaTags.concat(merge.merge)
            : schemaTags.slice();
    }
    let tags = schemaTags;
    if (!tags) {
        if (Array.isArray(customTags))
            tags = [];
        else {
            const keys = Array.from(schemas.keys())
                .filter(key => key !== 'yaml11')
                .map(key => JSON.stringify(key))
                .join(', ');
            throw new Error(`Unknown schema "${schemaName}"; use one of ${keys} or define customTags array`);
        }
    }
    if (Array.isArray(customTags)) {
        for (const tag of customTags)
            tags = tags.concat(tag);
    }
    else if (typeof customTags === 'function') {
        tags = customTags(tags.slice());
    }
    if (addMergeTag)
        tags = tags.concat(merge.merge);
    return tags.reduce((tags, tag) => {
        const tagObj = typeof tag === 'string' ? tagsByName[tag] : tag;
        if (!tagObj) {
            const tagName = JSON.stringify(tag);
            const keys = Object.keys(tagsByName)
                .map(key => JSON.stringify(key))
                .join(', ');
            throw new Error(`Unknown custom tag ${tagName}; use one of ${keys}`);
        }
        if (!tags.includes(tagObj))
            tags.push(tagObj);
        return tags;
    }, []);
}

exports.coreKnownTags = coreKnownTags;
exports.getTags = getTags;


/***/ }),

/***/ 6083:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_buffer = __nccwpck_require__(181);
var Scalar = __nccwpck_require__(3301);
var stringifyString = __nccwpck_require__(3069);

const binary = {
    identify: value => value instanceof Uint8Array, // Buffer inherits from Uint8Array
    default: false,
    tag: 'tag:yaml.org,2002:binary',
    /**
     * Returns a Buffer in node and an Uint8Array in browsers
     *
     * To use the resulting buffer as an image, you'll want to do something like:
     *
     *   const blob = new Blob([buffer], { type: 'image/jpeg' })
     *   document.querySelector('#photo').src = URL.createObjectURL(blob)
     */
    resolve(src, onError) {
        if (typeof node_buffer.Buffer === 'function') {
            return node_buffer.Buffer.from(src, 'base64');
        }
        else if (typeof atob === 'function') {
            // On IE 11, atob() can't handle newlines
            const str = atob(src.replace(/[\n\r]/g, ''));
            const buffer = new Uint8Array(str.length);
            for (let i = 0; i < str.length; ++i)
                buffer[i] = str.charCodeAt(i);
            return buffer;
        }
        else {
            onError('This environment does not support reading binary tags; either Buffer or atob is required');
            return src;
        }
    },
    stringify({ comment, type, value }, ctx, onComment, onChompKeep) {
        if (!value)
            return '';
        const buf = value; // checked earlier by binary.identify()
        let str;
        if (typeof node_buffer.Buffer === 'function') {
            str =
                buf instanceof node_buffer.Buffer
                    ? buf.toString('base64')
                    : node_buffer.Buffer.from(buf.buffer).toString('base64');
        }
        else if (typeof btoa === 'function') {
            let s = '';
            for (let i = 0; i < buf.length; ++i)
                s += String.fromCharCode(buf[i]);
            str = btoa(s);
        }
        else {
            throw new Error('This environment does not support writing binary tags; either Buffer or btoa is required');
        }
        type ?? (type = Scalar.Scalar.BLOCK_LITERAL);
        if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
            const lineWidth = Math.max(ctx.options.lineWidth - ctx.indent.length, ctx.options.minContentWidth);
            const n = Math.ceil(str.length / lineWidth);
            const lines = new Array(n);
            for (let i = 0, o = 0; i < n; ++i, o += lineWidth) {
                lines[i] = str.substr(o, lineWidth);
            }
            str = lines.join(type === Scalar.Scalar.BLOCK_LITERAL ? '\n' : ' ');
        }
        return stringifyString.stringifyString({ comment, type, value: str }, ctx, onComment, onChompKeep);
    }
};

exports.binary = binary;


/***/ }),

/***/ 8398:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

function boolStringify({ value, source }, ctx) {
    const boolObj = value ? trueTag : falseTag;
    if (source && boolObj.test.test(source))
        return source;
    return value ? ctx.options.trueStr : ctx.options.falseStr;
}
const trueTag = {
    identify: value => value === true,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
    resolve: () => new Scalar.Scalar(true),
    stringify: boolStringify
};
const falseTag = {
    identify: value => value === false,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
    resolve: () => new Scalar.Scalar(false),
    stringify: boolStringify
};

exports.falseTag = falseTag;
exports.trueTag = trueTag;


/***/ }),

/***/ 5782:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var stringifyNumber = __nccwpck_require__(8689);

const floatNaN = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: (str) => str.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : str[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    stringify: stringifyNumber.stringifyNumber
};
const floatExp = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'EXP',
    test: /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
    resolve: (str) => parseFloat(str.replace(/_/g, '')),
    stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
    }
};
const float = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
    resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str.replace(/_/g, '')));
        const dot = str.indexOf('.');
        if (dot !== -1) {
            const f = str.substring(dot + 1).replace(/_/g, '');
            if (f[f.length - 1] === '0')
                node.minFractionDigits = f.length;
        }
        return node;
    },
    stringify: stringifyNumber.stringifyNumber
};

exports.float = float;
exports.floatExp = floatExp;
exports.floatNaN = floatNaN;


/***/ }),

/***/ 873:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

const intIdentify = (value) => typeof value === 'bigint' || Number.isInteger(value);
function intResolve(str, offset, radix, { intAsBigInt }) {
    const sign = str[0];
    if (sign === '-' || sign === '+')
        offset += 1;
    str = str.substring(offset).replace(/_/g, '');
    if (intAsBigInt) {
        switch (radix) {
            case 2:
                str = `0b${str}`;
                break;
            case 8:
                str = `0o${str}`;
                break;
            case 16:
                str = `0x${str}`;
                break;
        }
        const n = BigInt(str);
        return sign === '-' ? BigInt(-1) * n : n;
    }
    const n = parseInt(str, radix);
    return sign === '-' ? -1 * n : n;
}
function intStringify(node, radix, prefix) {
    const { value } = node;
    if (intIdentify(value)) {
        const str = value.toString(radix);
        return value < 0 ? '-' + prefix + str.substr(1) : prefix + str;
    }
    return stringifyNumber.stringifyNumber(node);
}
const intBin = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'BIN',
    test: /^[-+]?0b[0-1_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 2, opt),
    stringify: node => intStringify(node, 2, '0b')
};
const intOct = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'OCT',
    test: /^[-+]?0[0-7_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 1, 8, opt),
    stringify: node => intStringify(node, 8, '0')
};
const int = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?[0-9][0-9_]*$/,
    resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
    stringify: stringifyNumber.stringifyNumber
};
const intHex = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'HEX',
    test: /^[-+]?0x[0-9a-fA-F_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
    stringify: node => intStringify(node, 16, '0x')
};

exports.int = int;
exports.intBin = intBin;
exports.intHex = intHex;
exports.intOct = intOct;


/***/ }),

/***/ 452:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);

// If the value associated with a merge key is a single mapping node, each of
// its key/value pairs is inserted into the current mapping, unless the key
// already exists in it. If the value associated with the merge key is a
// sequence, then this sequence is expected to contain mapping nodes and each
// of these nodes is merged in turn according to its order in the sequence.
// Keys in mapping nodes earlier in the sequence override keys specified in
// later mapping nodes. -- http://yaml.org/type/merge.html
const MERGE_KEY = '<<';
const merge = {
    identify: value => value === MERGE_KEY ||
        (typeof value === 'symbol' && value.description === MERGE_KEY),
    default: 'key',
    tag: 'tag:yaml.org,2002:merge',
    test: /^<<$/,
    resolve: () => Object.assign(new Scalar.Scalar(Symbol(MERGE_KEY)), {
        addToJSMap: addMergeToJSMap
    }),
    stringify: () => MERGE_KEY
};
const isMergeKey = (ctx, key) => (merge.identify(key) ||
    (identity.isScalar(key) &&
        (!key.type || key.type === Scalar.Scalar.PLAIN) &&
        merge.identify(key.value))) &&
    ctx?.doc.schema.tags.some(tag => tag.tag === merge.tag && tag.default);
function addMergeToJSMap(ctx, map, value) {
    const source = resolveAliasValue(ctx, value);
    if (identity.isSeq(source))
        for (const it of source.items)
            mergeValue(ctx, map, it);
    else if (Array.isArray(source))
        for (const it of source)
            mergeValue(ctx, map, it);
    else
        mergeValue(ctx, map, source);
}
function mergeValue(ctx, map, value) {
    const source = resolveAliasValue(ctx, value);
    if (!identity.isMap(source))
        throw new Error('Merge sources must be maps or map aliases');
    const srcMap = source.toJSON(null, ctx, Map);
    for (const [key, value] of srcMap) {
        if (map instanceof Map) {
            if (!map.has(key))
                map.set(key, value);
        }
        else if (map instanceof Set) {
            map.add(key);
        }
        else if (!Object.prototype.hasOwnProperty.call(map, key)) {
            Object.defineProperty(map, key, {
                value,
                writable: true,
                enumerable: true,
                configurable: true
            });
        }
    }
    return map;
}
function resolveAliasValue(ctx, value) {
    return ctx && identity.isAlias(value) ? value.resolve(ctx.doc, ctx) : value;
}

exports.addMergeToJSMap = addMergeToJSMap;
exports.isMergeKey = isMergeKey;
exports.merge = merge;


/***/ }),

/***/ 303:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var pairs = __nccwpck_require__(8385);

class YAMLOMap extends YAMLSeq.YAMLSeq {
    constructor() {
        super();
        this.add = YAMLMap.YAMLMap.prototype.add.bind(this);
        this.delete = YAMLMap.YAMLMap.prototype.delete.bind(this);
        this.get = YAMLMap.YAMLMap.prototype.get.bind(this);
        this.has = YAMLMap.YAMLMap.prototype.has.bind(this);
        this.set = YAMLMap.YAMLMap.prototype.set.bind(this);
        this.tag = YAMLOMap.tag;
    }
    /**
     * If `ctx` is given, the return type is actually `Map<unknown, unknown>`,
     * but TypeScript won't allow widening the signature of a child method.
     */
    toJSON(_, ctx) {
        if (!ctx)
            return super.toJSON(_);
        const map = new Map();
        if (ctx?.onCreate)
            ctx.onCreate(map);
        for (const pair of this.items) {
            let key, value;
            if (identity.isPair(pair)) {
                key = toJS.toJS(pair.key, '', ctx);
                value = toJS.toJS(pair.value, key, ctx);
            }
            else {
                key = toJS.toJS(pair, '', ctx);
            }
            if (map.has(key))
                throw new Error('Ordered maps must not include duplicate keys');
            map.set(key, value);
        }
        return map;
    }
    static from(schema, iterable, ctx) {
        const pairs$1 = pairs.createPairs(schema, iterable, ctx);
        const omap = new this();
        omap.items = pairs$1.items;
        return omap;
    }
}
YAMLOMap.tag = 'tag:yaml.org,2002:omap';
const omap = {
    collection: 'seq',
    identify: value => value instanceof Map,
    nodeClass: YAMLOMap,
    default: false,
    tag: 'tag:yaml.org,2002:omap',
    resolve(seq, onError) {
        const pairs$1 = pairs.resolvePairs(seq, onError);
        const seenKeys = [];
        for (const { key } of pairs$1.items) {
            if (identity.isScalar(key)) {
                if (seenKeys.includes(key.value)) {
                    onError(`Ordered maps must not include duplicate keys: ${key.value}`);
                }
                else {
                    seenKeys.push(key.value);
                }
            }
        }
        return Object.assign(new YAMLOMap(), pairs$1);
    },
    createNode: (schema, iterable, ctx) => YAMLOMap.from(schema, iterable, ctx)
};

exports.YAMLOMap = YAMLOMap;
exports.omap = omap;


/***/ }),

/***/ 8385:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);
var YAMLSeq = __nccwpck_require__(2223);

function resolvePairs(seq, onError) {
    if (identity.isSeq(seq)) {
        for (let i = 0; i < seq.items.length; ++i) {
            let item = seq.items[i];
            if (identity.isPair(item))
                continue;
            else if (identity.isMap(item)) {
                if (item.items.length > 1)
                    onError('Each pair must have its own sequence indicator');
                const pair = item.items[0] || new Pair.Pair(new Scalar.Scalar(null));
                if (item.commentBefore)
                    pair.key.commentBefore = pair.key.commentBefore
                        ? `${item.commentBefore}\n${pair.key.commentBefore}`
                        : item.commentBefore;
                if (item.comment) {
                    const cn = pair.value ?? pair.key;
                    cn.comment = cn.comment
                        ? `${item.comment}\n${cn.comment}`
                        : item.comment;
                }
                item = pair;
            }
            seq.items[i] = identity.isPair(item) ? item : new Pair.Pair(item);
        }
    }
    else
        onError('Expected a sequence for this tag');
    return seq;
}
function createPairs(schema, iterable, ctx) {
    const { replacer } = ctx;
    const pairs = new YAMLSeq.YAMLSeq(schema);
    pairs.tag = 'tag:yaml.org,2002:pairs';
    let i = 0;
    if (iterable && Symbol.iterator in Object(iterable))
        for (let it of iterable) {
            if (typeof replacer === 'function')
                it = replacer.call(iterable, String(i++), it);
            let key, value;
            if (Array.isArray(it)) {
                if (it.length === 2) {
                    key = it[0];
                    value = it[1];
                }
                else
                    throw new TypeError(`Expected [key, value] tuple: ${it}`);
            }
            else if (it && it instanceof Object) {
                const keys = Object.keys(it);
                if (keys.length === 1) {
                    key = keys[0];
                    value = it[key];
                }
                else {
                    throw new TypeError(`Expected tuple with one key, not ${keys.length} keys`);
                }
            }
            else {
                key = it;
            }
            pairs.items.push(Pair.createPair(key, value, ctx));
        }
    return pairs;
}
const pairs = {
    collection: 'seq',
    default: false,
    tag: 'tag:yaml.org,2002:pairs',
    resolve: resolvePairs,
    createNode: createPairs
};

exports.createPairs = createPairs;
exports.pairs = pairs;
exports.resolvePairs = resolvePairs;


/***/ }),

/***/ 5913:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var binary = __nccwpck_require__(6083);
var bool = __nccwpck_require__(8398);
var float = __nccwpck_require__(5782);
var int = __nccwpck_require__(873);
var merge = __nccwpck_require__(452);
var omap = __nccwpck_require__(303);
var pairs = __nccwpck_require__(8385);
var set = __nccwpck_require__(1528);
var timestamp = __nccwpck_require__(6752);

const schema = [
    map.map,
    seq.seq,
    string.string,
    _null.nullTag,
    bool.trueTag,
    bool.falseTag,
    int.intBin,
    int.intOct,
    int.int,
    int.intHex,
    float.floatNaN,
    float.floatExp,
    float.float,
    binary.binary,
    merge.merge,
    omap.omap,
    pairs.pairs,
    set.set,
    timestamp.intTime,
    timestamp.floatTime,
    timestamp.timestamp
];

exports.schema = schema;


/***/ }),

/***/ 1528:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);

class YAMLSet extends YAMLMap.YAMLMap {
    constructor(schema) {
        super(schema);
        this.tag = YAMLSet.tag;
    }
    add(key) {
        let pair;
        if (identity.isPair(key))
            pair = key;
        else if (key &&
            typeof key === 'object' &&
            'key' in key &&
            'value' in key &&
            key.value === null)
            pair = new Pair.Pair(key.key, null);
        else
            pair = new Pair.Pair(key, null);
        const prev = YAMLMap.findPair(this.items, pair.key);
        if (!prev)
            this.items.push(pair);
    }
    /**
     * If `keepPair` is `true`, returns the Pair matching `key`.
     * Otherwise, returns the value of that Pair's key.
     */
    get(key, keepPair) {
        const pair = YAMLMap.findPair(this.items, key);
        return !keepPair && identity.isPair(pair)
            ? identity.isScalar(pair.key)
                ? pair.key.value
                : pair.key
            : pair;
    }
    set(key, value) {
        if (typeof value !== 'boolean')
            throw new Error(`Expected boolean value for set(key, value) in a YAML set, not ${typeof value}`);
        const prev = YAMLMap.findPair(this.items, key);
        if (prev && !value) {
            this.items.splice(this.items.indexOf(prev), 1);
        }
        else if (!prev && value) {
            this.items.push(new Pair.Pair(key));
        }
    }
    toJSON(_, ctx) {
        return super.toJSON(_, ctx, Set);
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        if (this.hasAllNullValues(true))
            return super.toString(Object.assign({}, ctx, { allNullValues: true }), onComment, onChompKeep);
        else
            throw new Error('Set items must all have null values');
    }
    static from(schema, iterable, ctx) {
        const { replacer } = ctx;
        const set = new this(schema);
        if (iterable && Symbol.iterator in Object(iterable))
            for (let value of iterable) {
                if (typeof replacer === 'function')
                    value = replacer.call(iterable, value, value);
                set.items.push(Pair.createPair(value, null, ctx));
            }
        return set;
    }
}
YAMLSet.tag = 'tag:yaml.org,2002:set';
const set = {
    collection: 'map',
    identify: value => value instanceof Set,
    nodeClass: YAMLSet,
    default: false,
    tag: 'tag:yaml.org,2002:set',
    createNode: (schema, iterable, ctx) => YAMLSet.from(schema, iterable, ctx),
    resolve(map, onError) {
        if (identity.isMap(map)) {
            if (map.hasAllNullValues(true))
                return Object.assign(new YAMLSet(), map);
            else
                onError('Set items must all have null values');
        }
        else
            onError('Expected a mapping for this tag');
        return map;
    }
};

exports.YAMLSet = YAMLSet;
exports.set = set;


/***/ }),

/***/ 6752:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

/** Internal types handle bigint as number, because TS can't figure it out. */
function parseSexagesimal(str, asBigInt) {
    const sign = str[0];
    const parts = sign === '-' || sign === '+' ? str.substring(1) : str;
    const num = (n) => asBigInt ? BigInt(n) : Number(n);
    const res = parts
        .replace(/_/g, '')
        .split(':')
        .reduce((res, p) => res * num(60) + num(p), num(0));
    return (sign === '-' ? num(-1) * res : res);
}
/**
 * hhhh:mm:ss.sss
 *
 * Internal types handle bigint as number, because TS can't figure it out.
 */
function stringifySexagesimal(node) {
    let { value } = node;
    let num = (n) => n;
    if (typeof value === 'bigint')
        num = n => BigInt(n);
    else if (isNaN(value) || !isFinite(value))
        return stringifyNumber.stringifyNumber(node);
    let sign = '';
    if (value < 0) {
        sign = '-';
        value *= num(-1);
    }
    const _60 = num(60);
    const parts = [value % _60]; // seconds, including ms
    if (value < 60) {
        parts.unshift(0); // at least one : is required
    }
    else {
        value = (value - parts[0]) / _60;
        parts.unshift(value % _60); // minutes
        if (value >= 60) {
            value = (value - parts[0]) / _60;
            parts.unshift(value); // hours
        }
    }
    return (sign +
        parts
            .map(n => String(n).padStart(2, '0'))
            .join(':')
            .replace(/000000\d*$/, '') // % 60 may introduce error
    );
}
const intTime = {
    identify: value => typeof value === 'bigint' || Number.isInteger(value),
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'TIME',
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
    resolve: (str, _onError, { intAsBigInt }) => parseSexagesimal(str, intAsBigInt),
    stringify: stringifySexagesimal
};
const floatTime = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'TIME',
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
    resolve: str => parseSexagesimal(str, false),
    stringify: stringifySexagesimal
};
const timestamp = {
    identify: value => value instanceof Date,
    default: true,
    tag: 'tag:yaml.org,2002:timestamp',
    // If the time zone is omitted, the timestamp is assumed to be specified in UTC. The time part
    // may be omitted altogether, resulting in a date format. In such a case, the time part is
    // assumed to be 00:00:00Z (start of day, UTC).
    test: RegExp('^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})' + // YYYY-Mm-Dd
        '(?:' + // time is optional
        '(?:t|T|[ \\t]+)' + // t | T | whitespace
        '([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)' + // Hh:Mm:Ss(.ss)?
        '(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?' + // Z | +5 | -03:30
        ')?$'),
    resolve(str) {
        const match = str.match(timestamp.test);
        if (!match)
            throw new Error('!!timestamp expects a date, starting with yyyy-mm-dd');
        const [, year, month, day, hour, minute, second] = match.map(Number);
        const millisec = match[7] ? Number((match[7] + '00').substr(1, 3)) : 0;
        let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millisec);
        const tz = match[8];
        if (tz && tz !== 'Z') {
            let d = parseSexagesimal(tz, false);
            if (Math.abs(d) < 30)
                d *= 60;
            date -= 60000 * d;
        }
        return new Date(date);
    },
    stringify: ({ value }) => value?.toISOString().replace(/(T00:00:00)?\.000Z$/, '') ?? ''
};

exports.floatTime = floatTime;
exports.intTime = intTime;
exports.timestamp = timestamp;


/***/ }),

/***/ 4475:
/***/ ((__unused_webpack_module, exports) => {



const FOLD_FLOW = 'flow';
const FOLD_BLOCK = 'block';
const FOLD_QUOTED = 'quoted';
/**
 * Tries to keep input at up to `lineWidth` characters, splitting only on spaces
 * not followed by newlines or spaces unless `mode` is `'quoted'`. Lines are
 * terminated with `\n` and started with `indent`.
 */
function foldFlowLines(text, indent, mode = 'flow', { indentAtStart, lineWidth = 80, minContentWidth = 20, onFold, onOverflow } = {}) {
    if (!lineWidth || lineWidth < 0)
        return text;
    if (lineWidth < minContentWidth)
        minContentWidth = 0;
    const endStep = Math.max(1 + minContentWidth, 1 + lineWidth - indent.length);
    if (text.length <= endStep)
        return text;
    const folds = [];
    const escapedFolds = {};
    let end = lineWidth - indent.length;
    if (typeof indentAtStart === 'number') {
        if (indentAtStart > lineWidth - Math.max(2, minContentWidth))
            folds.push(0);
        else
            end = lineWidth - indentAtStart;
    }
    let split = undefined;
    let prev = undefined;
    let overflow = false;
    let i = -1;
    let escStart = -1;
    let escEnd = -1;
    if (mode === FOLD_BLOCK) {
        i = consumeMoreIndentedLines(text, i, indent.length);
        if (i !== -1)
            end = i + endStep;
    }
    for (let ch; (ch = text[(i += 1)]);) {
        if (mode === FOLD_QUOTED && ch === '\\') {
            escStart = i;
            switch (text[i + 1]) {
                case 'x':
                    i += 3;
                    break;
                case 'u':
                    i += 5;
                    break;
                case 'U':
                    i += 9;
                    break;
                default:
                    i += 1;
            }
            escEnd = i;
        }
        if (ch === '\n') {
            if (mode === FOLD_BLOCK)
                i = consumeMoreIndentedLines(text, i, indent.length);
            end = i + indent.length + endStep;
            split = undefined;
        }
        else {
            if (ch === ' ' &&
                prev &&
                prev !== ' ' &&
                prev !== '\n' &&
                prev !== '\t') {
                // space surrounded by non-space can be replaced with newline + indent
                const next = text[i + 1];
                if (next && next !== ' ' && next !== '\n' && next !== '\t')
                    split = i;
            }
            if (i >= end) {
                if (split) {
                    folds.push(split);
                    end = split + endStep;
                    split = undefined;
                }
                else if (mode === FOLD_QUOTED) {
                    // white-space collected at end may stretch past lineWidth
                    while (prev === ' ' || prev === '\t') {
                        prev = ch;
                        ch = text[(i += 1)];
                        overflow = true;
                    }
                    // Account for newline escape, but don't break preceding escape
                    const j = i > escEnd + 1 ? i - 2 : escStart - 1;
                    // Bail out if lineWidth & minContentWidth are shorter than an escape string
                    if (escapedFolds[j])
                        return text;
                    folds.push(j);
                    escapedFolds[j] = true;
                    end = j + endStep;
                    split = undefined;
                }
                else {
                    overflow = true;
                }
            }
        }
        prev = ch;
    }
    if (overflow && onOverflow)
        onOverflow();
    if (folds.length === 0)
        return text;
    if (onFold)
        onFold();
    let res = text.slice(0, folds[0]);
    for (let i = 0; i < folds.length; ++i) {
        const fold = folds[i];
        const end = folds[i + 1] || text.length;
        if (fold === 0)
            res = `\n${indent}${text.slice(0, end)}`;
        else {
            if (mode === FOLD_QUOTED && escapedFolds[fold])
                res += `${text[fold]}\\`;
            res += `\n${indent}${text.slice(fold + 1, end)}`;
        }
    }
    return res;
}
/**
 * Presumes `i + 1` is at the start of a line
 * @returns index of last newline in more-indented block
 */
function consumeMoreIndentedLines(text, i, indent) {
    let end = i;
    let start = i + 1;
    let ch = text[start];
    while (ch === ' ' || ch === '\t') {
        if (i < start + indent) {
            ch = text[++i];
        }
        else {
            do {
                ch = text[++i];
            } while (ch && ch !== '\n');
            end = i;
            start = i + 1;
            ch = text[start];
        }
    }
    return end;
}

exports.FOLD_BLOCK = FOLD_BLOCK;
exports.FOLD_FLOW = FOLD_FLOW;
exports.FOLD_QUOTED = FOLD_QUOTED;
exports.foldFlowLines = foldFlowLines;


/***/ }),

/***/ 2148:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var anchors = __nccwpck_require__(1596);
var identity = __nccwpck_require__(1127);
var stringifyComment = __nccwpck_require__(9799);
var stringifyString = __nccwpck_require__(3069);

function createStringifyContext(doc, options) {
    const opt = Object.assign({
        blockQuote: true,
        commentString: stringifyComment.stringifyComment,
        defaultKeyType: null,
        defaultStringType: 'PLAIN',
        directives: null,
        doubleQuotedAsJSON: false,
        doubleQuotedMinMultiLineLength: 40,
        falseStr: 'false',
        flowCollectionPadding: true,
        indentSeq: true,
        lineWidth: 80,
        minContentWidth: 20,
        nullStr: 'null',
        simpleKeys: false,
        singleQuote: null,
        trailingComma: false,
        trueStr: 'true',
        verifyAliasOrder: true
    }, doc.schema.toStringOptions, options);
    let inFlow;
    switch (opt.collectionStyle) {
        case 'block':
            inFlow = false;
            break;
        case 'flow':
            inFlow = true;
            break;
        default:
            inFlow = null;
    }
    return {
        anchors: new Set(),
        doc,
        flowCollectionPadding: opt.flowCollectionPadding ? ' ' : '',
        indent: '',
        indentStep: typeof opt.indent === 'number' ? ' '.repeat(opt.indent) : '  ',
        inFlow,
        options: opt
    };
}
function getTagObject(tags, item) {
    if (item.tag) {
        const match = tags.filter(t => t.tag === item.tag);
        if (match.length > 0)
            return match.find(t => t.format === item.format) ?? match[0];
    }
    let tagObj = undefined;
    let obj;
    if (identity.isScalar(item)) {
        obj = item.value;
        let match = tags.filter(t => t.identify?.(obj));
        if (match.length > 1) {
            const testMatch = match.filter(t => t.test);
            if (testMatch.length > 0)
                match = testMatch;
        }
        tagObj =
            match.find(t => t.format === item.format) ?? match.find(t => !t.format);
    }
    else {
        obj = item;
        tagObj = tags.find(t => t.nodeClass && obj instanceof t.nodeClass);
    }
    if (!tagObj) {
        const name = obj?.constructor?.name ?? (obj === null ? 'null' : typeof obj);
        throw new Error(`Tag not resolved for ${name} value`);
    }
    return tagObj;
}
// needs to be called before value stringifier to allow for circular anchor refs
function stringifyProps(node, tagObj, { anchors: anchors$1, doc }) {
    if (!doc.directives)
        return '';
    const props = [];
    const anchor = (identity.isScalar(node) || identity.isCollection(node)) && node.anchor;
    if (anchor && anchors.anchorIsValid(anchor)) {
        anchors$1.add(anchor);
        props.push(`&${anchor}`);
    }
    const tag = node.tag ?? (tagObj.default ? null : tagObj.tag);
    if (tag)
        props.push(doc.directives.tagString(tag));
    return props.join(' ');
}
function stringify(item, ctx, onComment, onChompKeep) {
    if (identity.isPair(item))
        return item.toString(ctx, onComment, onChompKeep);
    if (identity.isAlias(item)) {
        if (ctx.doc.directives)
            return item.toString(ctx);
        if (ctx.resolvedAliases?.has(item)) {
            throw new TypeError(`Cannot stringify circular structure without alias nodes`);
        }
        else {
            if (ctx.resolvedAliases)
                ctx.resolvedAliases.add(item);
            else
                ctx.resolvedAliases = new Set([item]);
            item = item.resolve(ctx.doc);
        }
    }
    let tagObj = undefined;
    const node = identity.isNode(item)
        ? item
        : ctx.doc.createNode(item, { onTagObj: o => (tagObj = o) });
    tagObj ?? (tagObj = getTagObject(ctx.doc.schema.tags, node));
    const props = stringifyProps(node, tagObj, ctx);
    if (props.length > 0)
        ctx.indentAtStart = (ctx.indentAtStart ?? 0) + props.length + 1;
    const str = typeof tagObj.stringify === 'function'
        ? tagObj.stringify(node, ctx, onComment, onChompKeep)
        : identity.isScalar(node)
            ? stringifyString.stringifyString(node, ctx, onComment, onChompKeep)
            : node.toString(ctx, onComment, onChompKeep);
    if (!props)
        return str;
    return identity.isScalar(node) || str[0] === '{' || str[0] === '['
        ? `${props} ${str}`
        : `${props}\n${ctx.indent}${str}`;
}

exports.createStringifyContext = createStringifyContext;
exports.stringify = stringify;


/***/ }),

/***/ 1212:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyCollection(collection, ctx, options) {
    const flow = ctx.inFlow ?? collection.flow;
    const stringify = flow ? stringifyFlowCollection : stringifyBlockCollection;
    return stringify(collection, ctx, options);
}
function stringifyBlockCollection({ comment, items }, ctx, { blockItemPrefix, flowChars, itemIndent, onChompKeep, onComment }) {
    const { indent, options: { commentString } } = ctx;
    const itemCtx = Object.assign({}, ctx, { indent: itemIndent, type: null });
    let chompKeep = false; // flag for the preceding node's status
    const lines = [];
    for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
            if (!chompKeep && item.spaceBefore)
                lines.push('');
            addCommentBefore(ctx, lines, item.commentBefore, chompKeep);
            if (item.comment)
                comment = item.comment;
        }
        else if (identity.isPair(item)) {
            const ik = identity.isNode(item.key) ? item.key : null;
            if (ik) {
                if (!chompKeep && ik.spaceBefore)
                    lines.push('');
                addCommentBefore(ctx, lines, ik.commentBefore, chompKeep);
            }
        }
        chompKeep = false;
        let str = stringify.stringify(item, itemCtx, () => (comment = null), () => (chompKeep = true));
        if (comment)
            str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        if (chompKeep && comment)
            chompKeep = false;
        lines.push(blockItemPrefix + str);
    }
    let str;
    if (lines.length === 0) {
        str = flowChars.start + flowChars.end;
    }
    else {
        str = lines[0];
        for (let i = 1; i < lines.length; ++i) {
            const line = lines[i];
            str += line ? `\n${indent}${line}` : '\n';
        }
    }
    if (comment) {
        str += '\n' + stringifyComment.indentComment(commentString(comment), indent);
        if (onComment)
            onComment();
    }
    else if (chompKeep && onChompKeep)
        onChompKeep();
    return str;
}
function stringifyFlowCollection({ items }, ctx, { flowChars, itemIndent }) {
    const { indent, indentStep, flowCollectionPadding: fcPadding, options: { commentString } } = ctx;
    itemIndent += indentStep;
    const itemCtx = Object.assign({}, ctx, {
        indent: itemIndent,
        inFlow: true,
        type: null
    });
    let reqNewline = false;
    let linesAtValue = 0;
    const lines = [];
    for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
            if (item.spaceBefore)
                lines.push('');
            addCommentBefore(ctx, lines, item.commentBefore, false);
            if (item.comment)
                comment = item.comment;
        }
        else if (identity.isPair(item)) {
            const ik = identity.isNode(item.key) ? item.key : null;
            if (ik) {
                if (ik.spaceBefore)
                    lines.push('');
                addCommentBefore(ctx, lines, ik.commentBefore, false);
                if (ik.comment)
                    reqNewline = true;
            }
            const iv = identity.isNode(item.value) ? item.value : null;
            if (iv) {
                if (iv.comment)
                    comment = iv.comment;
                if (iv.commentBefore)
                    reqNewline = true;
            }
            else if (item.value == null && ik?.comment) {
                comment = ik.comment;
            }
        }
        if (comment)
            reqNewline = true;
        let str = stringify.stringify(item, itemCtx, () => (comment = null));
        reqNewline || (reqNewline = lines.length > linesAtValue || str.includes('\n'));
        if (i < items.length - 1) {
            str += ',';
        }
        else if (ctx.options.trailingComma) {
            if (ctx.options.lineWidth > 0) {
                reqNewline || (reqNewline = lines.reduce((sum, line) => sum + line.length + 2, 2) +
                    (str.length + 2) >
                    ctx.options.lineWidth);
            }
            if (reqNewline) {
                str += ',';
            }
        }
        if (comment)
            str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        lines.push(str);
        linesAtValue = lines.length;
    }
    const { start, end } = flowChars;
    if (lines.length === 0) {
        return start + end;
    }
    else {
        if (!reqNewline) {
            const len = lines.reduce((sum, line) => sum + line.length + 2, 2);
            reqNewline = ctx.options.lineWidth > 0 && len > ctx.options.lineWidth;
        }
        if (reqNewline) {
            let str = start;
            for (const line of lines)
                str += line ? `\n${indentStep}${indent}${line}` : '\n';
            return `${str}\n${indent}${end}`;
        }
        else {
            return `${start}${fcPadding}${lines.join(' ')}${fcPadding}${end}`;
        }
    }
}
function addCommentBefore({ indent, options: { commentString } }, lines, comment, chompKeep) {
    if (comment && chompKeep)
        comment = comment.replace(/^\n+/, '');
    if (comment) {
        const ic = stringifyComment.indentComment(commentString(comment), indent);
        lines.push(ic.trimStart()); // Avoid double indent on first line
    }
}

exports.stringifyCollection = stringifyCollection;


/***/ }),

/***/ 9799:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Stringifies a comment.
 *
 * Empty comment lines are left empty,
 * lines consisting of a single space are replaced by `#`,
 * and all other lines are prefixed with a `#`.
 */
const stringifyComment = (str) => str.replace(/^(?!$)(?: $)?/gm, '#');
function indentComment(comment, indent) {
    if (/^\n+$/.test(comment))
        return comment.substring(1);
    return indent ? comment.replace(/^(?! *$)/gm, indent) : comment;
}
const lineComment = (str, indent, comment) => str.endsWith('\n')
    ? indentComment(comment, indent)
    : comment.includes('\n')
        ? '\n' + indentComment(comment, indent)
        : (str.endsWith(' ') ? '' : ' ') + comment;

exports.indentComment = indentComment;
exports.lineComment = lineComment;
exports.stringifyComment = stringifyComment;


/***/ }),

/***/ 6829:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyDocument(doc, options) {
    const lines = [];
    let hasDirectives = options.directives === true;
    if (options.directives !== false && doc.directives) {
        const dir = doc.directives.toString(doc);
        if (dir) {
            lines.push(dir);
            hasDirectives = true;
        }
        else if (doc.directives.docStart)
            hasDirectives = true;
    }
    if (hasDirectives)
        lines.push('---');
    const ctx = stringify.createStringifyContext(doc, options);
    const { commentString } = ctx.options;
    if (doc.commentBefore) {
        if (lines.length !== 1)
            lines.unshift('');
        const cs = commentString(doc.commentBefore);
        lines.unshift(stringifyComment.indentComment(cs, ''));
    }
    let chompKeep = false;
    let contentComment = null;
    if (doc.contents) {
        if (identity.isNode(doc.contents)) {
            if (doc.contents.spaceBefore && hasDirectives)
                lines.push('');
            if (doc.contents.commentBefore) {
                const cs = commentString(doc.contents.commentBefore);
                lines.push(stringifyComment.indentComment(cs, ''));
            }
            // top-level block scalars need to be indented if followed by a comment
            ctx.forceBlockIndent = !!doc.comment;
            contentComment = doc.contents.comment;
        }
        const onChompKeep = contentComment ? undefined : () => (chompKeep = true);
        let body = stringify.stringify(doc.contents, ctx, () => (contentComment = null), onChompKeep);
        if (contentComment)
            body += stringifyComment.lineComment(body, '', commentString(contentComment));
        if ((body[0] === '|' || body[0] === '>') &&
            lines[lines.length - 1] === '---') {
            // Top-level block scalars with a preceding doc marker ought to use the
            // same line for their header.
            lines[lines.length - 1] = `--- ${body}`;
        }
        else
            lines.push(body);
    }
    else {
        lines.push(stringify.stringify(doc.contents, ctx));
    }
    if (doc.directives?.docEnd) {
        if (doc.comment) {
            const cs = commentString(doc.comment);
            if (cs.includes('\n')) {
                lines.push('...');
                lines.push(stringifyComment.indentComment(cs, ''));
            }
            else {
                lines.push(`... ${cs}`);
            }
        }
        else {
            lines.push('...');
        }
    }
    else {
        let dc = doc.comment;
        if (dc && chompKeep)
            dc = dc.replace(/^\n+/, '');
        if (dc) {
            if ((!chompKeep || contentComment) && lines[lines.length - 1] !== '')
                lines.push('');
            lines.push(stringifyComment.indentComment(commentString(dc), ''));
        }
    }
    return lines.join('\n') + '\n';
}

exports.stringifyDocument = stringifyDocument;


/***/ }),

/***/ 8689:
/***/ ((__unused_webpack_module, exports) => {



function stringifyNumber({ format, minFractionDigits, tag, value }) {
    if (typeof value === 'bigint')
        return String(value);
    const num = typeof value === 'number' ? value : Number(value);
    if (!isFinite(num))
        return isNaN(num) ? '.nan' : num < 0 ? '-.inf' : '.inf';
    let n = Object.is(value, -0) ? '-0' : JSON.stringify(value);
    if (!format &&
        minFractionDigits &&
        (!tag || tag === 'tag:yaml.org,2002:float') &&
        /^-?\d/.test(n) &&
        !n.includes('e')) {
        let i = n.indexOf('.');
        if (i < 0) {
            i = n.length;
            n += '.';
        }
        let d = minFractionDigits - (n.length - i - 1);
        while (d-- > 0)
            n += '0';
    }
    return n;
}

exports.stringifyNumber = stringifyNumber;


/***/ }),

/***/ 9748:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyPair({ key, value }, ctx, onComment, onChompKeep) {
    const { allNullValues, doc, indent, indentStep, options: { commentString, indentSeq, simpleKeys } } = ctx;
    let keyComment = (identity.isNode(key) && key.comment) || null;
    if (simpleKeys) {
        if (keyComment) {
            throw new Error('With simple keys, key nodes cannot have comments');
        }
        if (identity.isCollection(key) || (!identity.isNode(key) && typeof key === 'object')) {
            const msg = 'With simple keys, collection cannot be used as a key value';
            throw new Error(msg);
        }
    }
    let explicitKey = !simpleKeys &&
        (!key ||
            (keyComment && value == null && !ctx.inFlow) ||
            identity.isCollection(key) ||
            (identity.isScalar(key)
                ? key.type === Scalar.Scalar.BLOCK_FOLDED || key.type === Scalar.Scalar.BLOCK_LITERAL
                : typeof key === 'object'));
    ctx = Object.assign({}, ctx, {
        allNullValues: false,
        implicitKey: !explicitKey && (simpleKeys || !allNullValues),
        indent: indent + indentStep
    });
    let keyCommentDone = false;
    let chompKeep = false;
    let str = stringify.stringify(key, ctx, () => (keyCommentDone = true), () => (chompKeep = true));
    if (!explicitKey && !ctx.inFlow && str.length > 1024) {
        if (simpleKeys)
            throw new Error('With simple keys, single line scalar must not span more than 1024 characters');
        explicitKey = true;
    }
    if (ctx.inFlow) {
        if (allNullValues || value == null) {
            if (keyCommentDone && onComment)
                onComment();
            return str === '' ? '?' : explicitKey ? `? ${str}` : str;
        }
    }
    else if ((allNullValues && !simpleKeys) || (value == null && explicitKey)) {
        str = `? ${str}`;
        if (keyComment && !keyCommentDone) {
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        }
        else if (chompKeep && onChompKeep)
            onChompKeep();
        return str;
    }
    if (keyCommentDone)
        keyComment = null;
    if (explicitKey) {
        if (keyComment)
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        str = `? ${str}\n${indent}:`;
    }
    else {
        str = `${str}:`;
        if (keyComment)
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
    }
    let vsb, vcb, valueComment;
    if (identity.isNode(value)) {
        vsb = !!value.spaceBefore;
        vcb = value.commentBefore;
        valueComment = value.comment;
    }
    else {
        vsb = false;
        vcb = null;
        valueComment = null;
        if (value && typeof value === 'object')
            value = doc.createNode(value);
    }
    ctx.implicitKey = false;
    if (!explicitKey && !keyComment && identity.isScalar(value))
        ctx.indentAtStart = str.length + 1;
    chompKeep = false;
    if (!indentSeq &&
        indentStep.length >= 2 &&
        !ctx.inFlow &&
        !explicitKey &&
        identity.isSeq(value) &&
        !value.flow &&
        !value.tag &&
        !value.anchor) {
        // If indentSeq === false, consider '- ' as part of indentation where possible
        ctx.indent = ctx.indent.substring(2);
    }
    let valueCommentDone = false;
    const valueStr = stringify.stringify(value, ctx, () => (valueCommentDone = true), () => (chompKeep = true));
    let ws = ' ';
    if (keyComment || vsb || vcb) {
        ws = vsb ? '\n' : '';
        if (vcb) {
            const cs = commentString(vcb);
            ws += `\n${stringifyComment.indentComment(cs, ctx.indent)}`;
        }
        if (valueStr === '' && !ctx.inFlow) {
            if (ws === '\n' && valueComment)
                ws = '\n\n';
        }
        else {
            ws += `\n${ctx.indent}`;
        }
    }
    else if (!explicitKey && identity.isCollection(value)) {
        const vs0 = valueStr[0];
        const nl0 = valueStr.indexOf('\n');
        const hasNewline = nl0 !== -1;
        const flow = ctx.inFlow ?? value.flow ?? value.items.length === 0;
        if (hasNewline || !flow) {
            let hasPropsLine = false;
            if (hasNewline && (vs0 === '&' || vs0 === '!')) {
                let sp0 = valueStr.indexOf(' ');
                if (vs0 === '&' &&
                    sp0 !== -1 &&
                    sp0 < nl0 &&
                    valueStr[sp0 + 1] === '!') {
                    sp0 = valueStr.indexOf(' ', sp0 + 1);
                }
                if (sp0 === -1 || nl0 < sp0)
                    hasPropsLine = true;
            }
            if (!hasPropsLine)
                ws = `\n${ctx.indent}`;
        }
    }
    else if (valueStr === '' || valueStr[0] === '\n') {
        ws = '';
    }
    str += ws + valueStr;
    if (ctx.inFlow) {
        if (valueCommentDone && onComment)
            onComment();
    }
    else if (valueComment && !valueCommentDone) {
        str += stringifyComment.lineComment(str, ctx.indent, commentString(valueComment));
    }
    else if (chompKeep && onChompKeep) {
        onChompKeep();
    }
    return str;
}

exports.stringifyPair = stringifyPair;


/***/ }),

/***/ 3069:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var foldFlowLines = __nccwpck_require__(4475);

const getFoldOptions = (ctx, isBlock) => ({
    indentAtStart: isBlock ? ctx.indent.length : ctx.indentAtStart,
    lineWidth: ctx.options.lineWidth,
    minContentWidth: ctx.options.minContentWidth
});
// Also checks for lines starting with %, as parsing the output as YAML 1.1 will
// presume that's starting a new document.
const containsDocumentMarker = (str) => /^(%|---|\.\.\.)/m.test(str);
function lineLengthOverLimit(str, lineWidth, indentLength) {
    if (!lineWidth || lineWidth < 0)
        return false;
    const limit = lineWidth - indentLength;
    const strLen = str.length;
    if (strLen <= limit)
        return false;
    for (let i = 0, start = 0; i < strLen; ++i) {
        if (str[i] === '\n') {
            if (i - start > limit)
                return true;
            start = i + 1;
            if (strLen - start <= limit)
                return false;
        }
    }
    return true;
}
function doubleQuotedString(value, ctx) {
    const json = JSON.stringify(value);
    if (ctx.options.doubleQuotedAsJSON)
        return json;
    const { implicitKey } = ctx;
    const minMultiLineLength = ctx.options.doubleQuotedMinMultiLineLength;
    const indent = ctx.indent || (containsDocumentMarker(value) ? '  ' : '');
    let str = '';
    let start = 0;
    for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
        if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
            // space before newline needs to be escaped to not be folded
            str += json.slice(start, i) + '\\ ';
            i += 1;
            start = i;
            ch = '\\';
        }
        if (ch === '\\')
            switch (json[i + 1]) {
                case 'u':
                    {
                        str += json.slice(start, i);
                        const code = json.substr(i + 2, 4);
                        switch (code) {
                            case '0000':
                                str += '\\0';
                                break;
                            case '0007':
                                str += '\\a';
                                break;
                            case '000b':
                                str += '\\v';
                                break;
                            case '001b':
                                str += '\\e';
                                break;
                            case '0085':
                                str += '\\N';
                                break;
                            case '00a0':
                                str += '\\_';
                                break;
                            case '2028':
                                str += '\\L';
                                break;
                            case '2029':
                                str += '\\P';
                                break;
                            default:
                                if (code.substr(0, 2) === '00')
                                    str += '\\x' + code.substr(2);
                                else
                                    str += json.substr(i, 6);
                        }
                        i += 5;
                        start = i + 1;
                    }
                    break;
                case 'n':
                    if (implicitKey ||
                        json[i + 2] === '"' ||
                        json.length < minMultiLineLength) {
                        i += 1;
                    }
                    else {
                        // folding will eat first newline
                        str += json.slice(start, i) + '\n\n';
                        while (json[i + 2] === '\\' &&
                            json[i + 3] === 'n' &&
                            json[i + 4] !== '"') {
                            str += '\n';
                            i += 2;
                        }
                        str += indent;
                        // space after newline needs to be escaped to not be folded
                        if (json[i + 2] === ' ')
                            str += '\\';
                        i += 1;
                        start = i + 1;
                    }
                    break;
                default:
                    i += 1;
            }
    }
    str = start ? str + json.slice(start) : json;
    return implicitKey
        ? str
        : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_QUOTED, getFoldOptions(ctx, false));
}
function singleQuotedString(value, ctx) {
    if (ctx.options.singleQuote === false ||
        (ctx.implicitKey && value.includes('\n')) ||
        /[ \t]\n|\n[ \t]/.test(value) // single quoted string can't have leading or trailing whitespace around newline
    )
        return doubleQuotedString(value, ctx);
    const indent = ctx.indent || (containsDocumentMarker(value) ? '  ' : '');
    const res = "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&\n${indent}`) + "'";
    return ctx.implicitKey
        ? res
        : foldFlowLines.foldFlowLines(res, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
}
function quotedString(value, ctx) {
    const { singleQuote } = ctx.options;
    let qs;
    if (singleQuote === false)
        qs = doubleQuotedString;
    else {
        const hasDouble = value.includes('"');
        const hasSingle = value.includes("'");
        if (hasDouble && !hasSingle)
            qs = singleQuotedString;
        else if (hasSingle && !hasDouble)
            qs = doubleQuotedString;
        else
            qs = singleQuote ? singleQuotedString : doubleQuotedString;
    }
    return qs(value, ctx);
}
// The negative lookbehind avoids a polynomial search,
// but isn't supported yet on Safari: https://caniuse.com/js-regexp-lookbehind
let blockEndNewlines;
try {
    blockEndNewlines = new RegExp('(^|(?<!\n))\n+(?!\n|$)', 'g');
}
catch {
    blockEndNewlines = /\n+(?!\n|$)/g;
}
function blockString({ comment, type, value }, ctx, onComment, onChompKeep) {
    const { blockQuote, commentString, lineWidth } = ctx.options;
    // 1. Block can't end in whitespace unless the last line is non-empty.
    // 2. Strings consisting of only whitespace are best rendered explicitly.
    if (!blockQuote || /\n[\t ]+$/.test(value)) {
        return quotedString(value, ctx);
    }
    const indent = ctx.indent ||
        (ctx.forceBlockIndent || containsDocumentMarker(value) ? '  ' : '');
    const literal = blockQuote === 'literal'
        ? true
        : blockQuote === 'folded' || type === Scalar.Scalar.BLOCK_FOLDED
            ? false
            : type === Scalar.Scalar.BLOCK_LITERAL
                ? true
                : !lineLengthOverLimit(value, lineWidth, indent.length);
    if (!value)
        return literal ? '|\n' : '>\n';
    // determine chomping from whitespace at value end
    let chomp;
    let endStart;
    for (endStart = value.length; endStart > 0; --endStart) {
        const ch = value[endStart - 1];
        if (ch !== '\n' && ch !== '\t' && ch !== ' ')
            break;
    }
    let end = value.substring(endStart);
    const endNlPos = end.indexOf('\n');
    if (endNlPos === -1) {
        chomp = '-'; // strip
    }
    else if (value === end || endNlPos !== end.length - 1) {
        chomp = '+'; // keep
        if (onChompKeep)
            onChompKeep();
    }
    else {
        chomp = ''; // clip
    }
    if (end) {
        value = value.slice(0, -end.length);
        if (end[end.length - 1] === '\n')
            end = end.slice(0, -1);
        end = end.replace(blockEndNewlines, `$&${indent}`);
    }
    // determine indent indicator from whitespace at value start
    let startWithSpace = false;
    let startEnd;
    let startNlPos = -1;
    for (startEnd = 0; startEnd < value.length; ++startEnd) {
        const ch = value[startEnd];
        if (ch === ' ')
            startWithSpace = true;
        else if (ch === '\n')
            startNlPos = startEnd;
        else
            break;
    }
    let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
    if (start) {
        value = value.substring(start.length);
        start = start.replace(/\n+/g, `$&${indent}`);
    }
    const indentSize = indent ? '2' : '1'; // root is at -1
    // Leading | or > is added later
    let header = (startWithSpace ? indentSize : '') + chomp;
    if (comment) {
        header += ' ' + commentString(comment.replace(/ ?[\r\n]+/g, ' '));
        if (onComment)
            onComment();
    }
    if (!literal) {
        const foldedValue = value
            .replace(/\n+/g, '\n$&')
            .replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g, '$1$2') // more-indented lines aren't folded
            //                ^ more-ind. ^ empty     ^ capture next empty lines only at end of indent
            .replace(/\n+/g, `$&${indent}`);
        let literalFallback = false;
        const foldOptions = getFoldOptions(ctx, true);
        if (blockQuote !== 'folded' && type !== Scalar.Scalar.BLOCK_FOLDED) {
            foldOptions.onOverflow = () => {
                literalFallback = true;
            };
        }
        const body = foldFlowLines.foldFlowLines(`${start}${foldedValue}${end}`, indent, foldFlowLines.FOLD_BLOCK, foldOptions);
        if (!literalFallback)
            return `>${header}\n${indent}${body}`;
    }
    value = value.replace(/\n+/g, `$&${indent}`);
    return `|${header}\n${indent}${start}${value}${end}`;
}
function plainString(item, ctx, onComment, onChompKeep) {
    const { type, value } = item;
    const { actualString, implicitKey, indent, indentStep, inFlow } = ctx;
    if ((implicitKey && value.includes('\n')) ||
        (inFlow && /[[\]{},]/.test(value))) {
        return quotedString(value, ctx);
    }
    if (/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value)) {
        // not allowed:
        // - '-' or '?'
        // - start with an indicator character (except [?:-]) or /[?-] /
        // - '\n ', ': ' or ' \n' anywhere
        // - '#' not preceded by a non-space char
        // - end with ' ' or ':'
        return implicitKey || inFlow || !value.includes('\n')
            ? quotedString(value, ctx)
            : blockString(item, ctx, onComment, onChompKeep);
    }
    if (!implicitKey &&
        !inFlow &&
        type !== Scalar.Scalar.PLAIN &&
        value.includes('\n')) {
        // Where allowed & type not set explicitly, prefer block style for multiline strings
        return blockString(item, ctx, onComment, onChompKeep);
    }
    if (containsDocumentMarker(value)) {
        if (indent === '') {
            ctx.forceBlockIndent = true;
            return blockString(item, ctx, onComment, onChompKeep);
        }
        else if (implicitKey && indent === indentStep) {
            return quotedString(value, ctx);
        }
    }
    const str = value.replace(/\n+/g, `$&\n${indent}`);
    // Verify that output will be parsed as a string, as e.g. plain numbers and
    // booleans get parsed with those types in v1.2 (e.g. '42', 'true' & '0.9e-3'),
    // and others in v1.1.
    if (actualString) {
        const test = (tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test?.test(str);
        const { compat, tags } = ctx.doc.schema;
        if (tags.some(test) || compat?.some(test))
            return quotedString(value, ctx);
    }
    return implicitKey
        ? str
        : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
}
function stringifyString(item, ctx, onComment, onChompKeep) {
    const { implicitKey, inFlow } = ctx;
    const ss = typeof item.value === 'string'
        ? item
        : Object.assign({}, item, { value: String(item.value) });
    let { type } = item;
    if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
        // force double quotes on control characters & unpaired surrogates
        if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(ss.value))
            type = Scalar.Scalar.QUOTE_DOUBLE;
    }
    const _stringify = (_type) => {
        switch (_type) {
            case Scalar.Scalar.BLOCK_FOLDED:
            case Scalar.Scalar.BLOCK_LITERAL:
                return implicitKey || inFlow
                    ? quotedString(ss.value, ctx) // blocks are not valid inside flow containers
                    : blockString(ss, ctx, onComment, onChompKeep);
            case Scalar.Scalar.QUOTE_DOUBLE:
                return doubleQuotedString(ss.value, ctx);
            case Scalar.Scalar.QUOTE_SINGLE:
                return singleQuotedString(ss.value, ctx);
            case Scalar.Scalar.PLAIN:
                return plainString(ss, ctx, onComment, onChompKeep);
            default:
                return null;
        }
    };
    let res = _stringify(type);
    if (res === null) {
        const { defaultKeyType, defaultStringType } = ctx.options;
        const t = (implicitKey && defaultKeyType) || defaultStringType;
        res = _stringify(t);
        if (res === null)
            throw new Error(`Unsupported default string type ${t}`);
    }
    return res;
}

exports.stringifyString = stringifyString;


/***/ }),

/***/ 204:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

const BREAK = Symbol('break visit');
const SKIP = Symbol('skip children');
const REMOVE = Symbol('remove node');
/**
 * Apply a visitor to an AST node or document.
 *
 * Walks through the tree (depth-first) starting from `node`, calling a
 * `visitor` function with three arguments:
 *   - `key`: For sequence values and map `Pair`, the node's index in the
 *     collection. Within a `Pair`, `'key'` or `'value'`, correspondingly.
 *     `null` for the root node.
 *   - `node`: The current node.
 *   - `path`: The ancestry of the current node.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this node, continue with next
 *     sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current node, then continue with the next one
 *   - `Node`: Replace the current node, then continue by visiting it
 *   - `number`: While iterating the items of a sequence or map, set the index
 *     of the next step. This is useful especially if the index of the current
 *     node has changed.
 *
 * If `visitor` is a single function, it will be called with all values
 * encountered in the tree, including e.g. `null` values. Alternatively,
 * separate visitor functions may be defined for each `Map`, `Pair`, `Seq`,
 * `Alias` and `Scalar` node. To define the same visitor function for more than
 * one node type, use the `Collection` (map and seq), `Value` (map, seq & scalar)
 * and `Node` (alias, map, seq & scalar) targets. Of all these, only the most
 * specific defined one will be used for each node.
 */
function visit(node, visitor) {
    const visitor_ = initVisitor(visitor);
    if (identity.isDocument(node)) {
        const cd = visit_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
            node.contents = null;
    }
    else
        visit_(null, node, visitor_, Object.freeze([]));
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visit.BREAK = BREAK;
/** Do not visit the children of the current node */
visit.SKIP = SKIP;
/** Remove the current node */
visit.REMOVE = REMOVE;
function visit_(key, node, visitor, path) {
    const ctrl = callVisitor(key, node, visitor, path);
    if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visit_(key, ctrl, visitor, path);
    }
    if (typeof ctrl !== 'symbol') {
        if (identity.isCollection(node)) {
            path = Object.freeze(path.concat(node));
            for (let i = 0; i < node.items.length; ++i) {
                const ci = visit_(i, node.items[i], visitor, path);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    node.items.splice(i, 1);
                    i -= 1;
                }
            }
        }
        else if (identity.isPair(node)) {
            path = Object.freeze(path.concat(node));
            const ck = visit_('key', node.key, visitor, path);
            if (ck === BREAK)
                return BREAK;
            else if (ck === REMOVE)
                node.key = null;
            const cv = visit_('value', node.value, visitor, path);
            if (cv === BREAK)
                return BREAK;
            else if (cv === REMOVE)
                node.value = null;
        }
    }
    return ctrl;
}
/**
 * Apply an async visitor to an AST node or document.
 *
 * Walks through the tree (depth-first) starting from `node`, calling a
 * `visitor` function with three arguments:
 *   - `key`: For sequence values and map `Pair`, the node's index in the
 *     collection. Within a `Pair`, `'key'` or `'value'`, correspondingly.
 *     `null` for the root node.
 *   - `node`: The current node.
 *   - `path`: The ancestry of the current node.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `Promise`: Must resolve to one of the following values
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this node, continue with next
 *     sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current node, then continue with the next one
 *   - `Node`: Replace the current node, then continue by visiting it
 *   - `number`: While iterating the items of a sequence or map, set the index
 *     of the next step. This is useful especially if the index of the current
 *     node has changed.
 *
 * If `visitor` is a single function, it will be called with all values
 * encountered in the tree, including e.g. `null` values. Alternatively,
 * separate visitor functions may be defined for each `Map`, `Pair`, `Seq`,
 * `Alias` and `Scalar` node. To define the same visitor function for more than
 * one node type, use the `Collection` (map and seq), `Value` (map, seq & scalar)
 * and `Node` (alias, map, seq & scalar) targets. Of all these, only the most
 * specific defined one will be used for each node.
 */
async function visitAsync(node, visitor) {
    const visitor_ = initVisitor(visitor);
    if (identity.isDocument(node)) {
        const cd = await visitAsync_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
            node.contents = null;
    }
    else
        await visitAsync_(null, node, visitor_, Object.freeze([]));
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visitAsync.BREAK = BREAK;
/** Do not visit the children of the current node */
visitAsync.SKIP = SKIP;
/** Remove the current node */
visitAsync.REMOVE = REMOVE;
async function visitAsync_(key, node, visitor, path) {
    const ctrl = await callVisitor(key, node, visitor, path);
    if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visitAsync_(key, ctrl, visitor, path);
    }
    if (typeof ctrl !== 'symbol') {
        if (identity.isCollection(node)) {
            path = Object.freeze(path.concat(node));
            for (let i = 0; i < node.items.length; ++i) {
                const ci = await visitAsync_(i, node.items[i], visitor, path);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    node.items.splice(i, 1);
                    i -= 1;
                }
            }
        }
        else if (identity.isPair(node)) {
            path = Object.freeze(path.concat(node));
            const ck = await visitAsync_('key', node.key, visitor, path);
            if (ck === BREAK)
                return BREAK;
            else if (ck === REMOVE)
                node.key = null;
            const cv = await visitAsync_('value', node.value, visitor, path);
            if (cv === BREAK)
                return BREAK;
            else if (cv === REMOVE)
                node.value = null;
        }
    }
    return ctrl;
}
function initVisitor(visitor) {
    if (typeof visitor === 'object' &&
        (visitor.Collection || visitor.Node || visitor.Value)) {
        return Object.assign({
            Alias: visitor.Node,
            Map: visitor.Node,
            Scalar: visitor.Node,
            Seq: visitor.Node
        }, visitor.Value && {
            Map: visitor.Value,
            Scalar: visitor.Value,
            Seq: visitor.Value
        }, visitor.Collection && {
            Map: visitor.Collection,
            Seq: visitor.Collection
        }, visitor);
    }
    return visitor;
}
function callVisitor(key, node, visitor, path) {
    if (typeof visitor === 'function')
        return visitor(key, node, path);
    if (identity.isMap(node))
        return visitor.Map?.(key, node, path);
    if (identity.isSeq(node))
        return visitor.Seq?.(key, node, path);
    if (identity.isPair(node))
        return visitor.Pair?.(key, node, path);
    if (identity.isScalar(node))
        return visitor.Scalar?.(key, node, path);
    if (identity.isAlias(node))
        return visitor.Alias?.(key, node, path);
    return undefined;
}
function replaceNode(key, path, node) {
    const parent = path[path.length - 1];
    if (identity.isCollection(parent)) {
        parent.items[key] = node;
    }
    else if (identity.isPair(parent)) {
        if (key === 'key')
            parent.key = node;
        else
            parent.value = node;
    }
    else if (identity.isDocument(parent)) {
        parent.contents = node;
    }
    else {
        const pt = identity.isAlias(parent) ? 'alias' : 'scalar';
        throw new Error(`Cannot replace node with ${pt} parent`);
    }
}

exports.visit = visit;
exports.visitAsync = visitAsync;


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
/******/ var __webpack_exports__ = __nccwpck_require__(2754);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
