export const id = 350;
export const ids = [350];
export const modules = {

/***/ 8350:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createNotifier: () => (/* reexport */ createNotifier)
});

// UNUSED EXPORTS: BLOCK_LIMITS, DEFAULT_EVENTS, DELIVERY_BOUNDS, DELIVERY_DEFAULTS, DeliveryError, EVENT_KINDS, Notifier, PAGERDUTY_EVENTS_URL, PAGERDUTY_LIMITS, PagerDutyChannel, RELEASE_KINDS, SEVERITIES, SLACK_API_URL, SlackBotChannel, SlackWebhookChannel, WEBHOOK_HEADERS, WEBHOOK_SCHEMA, WEBHOOK_TOLERANCE_S, WebhookChannel, cut, dedupKey, escapeMrkdwn, fitMrkdwn, headline, isRelease, link, pagerDutyActions, pagerDutyBody, parseEvents, parseNotify, postJson, quoteBody, reasonsOf, releaseMessage, selects, severityOf, signature, verifyWebhook, warningMessage

// EXTERNAL MODULE: ./packages/notify/src/events.ts
var src_events = __webpack_require__(5730);
// EXTERNAL MODULE: ./packages/probe/src/index.ts + 10 modules
var src = __webpack_require__(3583);
;// CONCATENATED MODULE: ./packages/notify/src/delivery.ts
/**
 * What a channel does with one event, and how a failed request is classified: a 5xx, a 429, a timeout
 * or a refused connection may pass on a later try; a 4xx (a bad token, a payload the service refuses)
 * will not.
 */

/** A delivery that did not go through. */
class DeliveryError extends Error {
    retryable;
    retryAfterMs;
    name = 'DeliveryError';
    constructor(message, 
    /** Whether another try may succeed. */
    retryable, 
    /** How long the service asked us to wait (a 429's Retry-After). */
    retryAfterMs) {
        super(message);
        this.retryable = retryable;
        this.retryAfterMs = retryAfterMs;
    }
}
/** The longest piece of a response body quoted in an error. */
const QUOTE_MAX = 200;
/** A response body cut for a message (the notifier masks secrets in it before logging). */
function quoteBody(body) {
    const s = body.replace(/\s+/g, ' ').trim();
    return s.length > QUOTE_MAX ? `${s.slice(0, QUOTE_MAX - 3)}...` : s;
}
/** Retry-After in milliseconds, when it is a number of seconds (the form Slack and PagerDuty send). */
function retryAfter(res) {
    const secs = Number(res.headers['retry-after'] ?? 'x');
    return Number.isFinite(secs) && secs >= 0 ? secs * 1000 : undefined;
}
/**
 * POSTs JSON and returns the response when its status is in `ok`; otherwise throws a
 * {@link DeliveryError} (retryable for 429, 5xx, timeouts and network failures). `what` names the
 * endpoint in messages; the URL itself is never quoted (a webhook URL is a secret).
 */
async function postJson(http, what, url, body, headers, timeoutMs, ok = (s) => s >= 200 && s < 300) {
    let res;
    try {
        res = await http.request({
            method: 'POST',
            url,
            headers: {
                'content-type': 'application/json',
                'user-agent': 'switchyard-notify',
                ...headers,
            },
            body,
            timeoutMs,
            followRedirects: false,
        });
    }
    catch (error) {
        if (error instanceof src/* HttpError */.j$)
            throw new DeliveryError(`${what}: ${error.message}`, true);
        throw error;
    }
    if (ok(res.status))
        return res;
    const retryable = res.status === 429 || res.status >= 500;
    const quoted = quoteBody(res.body);
    throw new DeliveryError(`${what}: HTTP ${res.status}${quoted ? ` ${JSON.stringify(quoted)}` : ''}`, retryable, res.status === 429 ? retryAfter(res) : undefined);
}

;// CONCATENATED MODULE: ./packages/notify/src/slack-blocks.ts
/**
 * The Slack message of a release, in Block Kit (header, section and context blocks) with a plain-text
 * fallback. Every value from outside (versions, reasons, who approved) is escaped for mrkdwn and cut to
 * Block Kit's limits, so a hostile value can neither ping `@channel`, fake a link, nor get the message
 * refused.
 *
 * Limits: https://docs.slack.dev/reference/block-kit/blocks/header-block (header text ≤ 150),
 * https://docs.slack.dev/reference/block-kit/blocks/section-block (text ≤ 3000, ≤ 10 fields of ≤ 2000),
 * https://docs.slack.dev/reference/block-kit/blocks/context-block (≤ 10 elements),
 * https://docs.slack.dev/reference/methods/chat.postMessage (≤ 50 blocks; `text` is the notification
 * fallback). Escaping: https://docs.slack.dev/messaging/formatting-message-text#escaping
 */

/** Block Kit's documented limits that our messages meet. */
const BLOCK_LIMITS = {
    blocks: 50,
    headerText: 150,
    sectionText: 3000,
    fields: 10,
    fieldText: 2000,
    contextElements: 10,
    /** Slack truncates a message's `text` beyond 40,000 characters; we keep it far shorter. */
    fallbackText: 3000,
};
/** The most reasons listed in a message; the rest are counted. */
const REASONS_SHOWN = 10;
/** `&`, `<` and `>` as Slack's mrkdwn wants them, so they show as themselves and parse as nothing. */
function escapeMrkdwn(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
/** Text cut to `max` characters, with `…` when cut (never in the middle of a surrogate pair). */
function cut(text, max) {
    if (text.length <= max)
        return text;
    let end = max - 1;
    const c = text.charCodeAt(end - 1);
    if (c >= 0xd800 && c <= 0xdbff)
        end--;
    return `${text.slice(0, end)}…`;
}
/** Raw text escaped for mrkdwn and cut so the escaped form fits `max` (no entity cut in half). */
function fitMrkdwn(raw, max) {
    let r = raw;
    for (;;) {
        const escaped = escapeMrkdwn(r);
        if (escaped.length <= max)
            return escaped;
        const shorter = cut(r, Math.max(1, r.length - (escaped.length - max)));
        if (shorter === r)
            return '…'.slice(0, max);
        r = shorter;
    }
}
/**
 * One line of an untrusted value: control characters, line breaks and bidi overrides (which reorder
 * what a reader sees) become spaces.
 */
function oneLine(value) {
    return value.replace(CONTROLS, ' ').trim();
}
const CONTROLS = 
// eslint-disable-next-line no-control-regex
/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;
/** A link for mrkdwn when `url` is http(s), else the label alone. */
function slack_blocks_link(url, label) {
    if (url === undefined)
        return escapeMrkdwn(label);
    let u;
    try {
        u = new URL(url);
    }
    catch {
        return escapeMrkdwn(label);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
        return escapeMrkdwn(label);
    const href = escapeMrkdwn(u.href.replace(/\|/g, '%7C'));
    return `<${href}|${escapeMrkdwn(oneLine(label).replace(/\|/g, '/'))}>`;
}
const ICONS = {
    started: ':rocket:',
    preview: ':eyes:',
    live: ':large_green_circle:',
    watching: ':hourglass_flowing_sand:',
    passed: ':white_check_mark:',
    failed: ':x:',
    warning: ':warning:',
    'rolled-back': ':leftwards_arrow_with_hook:',
    'rollback-failed': ':rotating_light:',
    freeze: ':ice_cube:',
    unfreeze: ':sunny:',
};
/** The path a release took to its state: `started → preview → live → *watching*`. */
function progress(event) {
    const path = ['started', 'preview', 'live', 'watching'];
    const end = event.kind === 'passed' || event.kind === 'failed'
        ? [...path, event.kind]
        : event.kind === 'rolled-back' || event.kind === 'rollback-failed'
            ? [...path, 'failed', event.kind]
            : path.slice(0, src_events/* RELEASE_KINDS */.ez.indexOf(event.kind) + 1);
    return end.map((k, i) => (i === end.length - 1 ? `*${k}*` : k)).join(' → ');
}
function field(label, value) {
    if (value === undefined || value === '')
        return [];
    const head = `*${label}*\n`;
    const text = head + fitMrkdwn(oneLine(value), BLOCK_LIMITS.fieldText - head.length);
    return [{ type: 'mrkdwn', text }];
}
/** The reasons as a bulleted list, at most {@link REASONS_SHOWN}, fitted to one section. */
function reasonsText(reasons) {
    const lines = reasons.slice(0, REASONS_SHOWN).map((r) => `• ${cut(oneLine(r), 280)}`);
    if (reasons.length > REASONS_SHOWN)
        lines.push(`… and ${reasons.length - REASONS_SHOWN} more`);
    return fitMrkdwn(lines.join('\n'), BLOCK_LIMITS.sectionText);
}
/** The context line: links to the run and the service, and the digest. */
function contextBlock(event) {
    const elements = [];
    if (event.runUrl)
        elements.push({ type: 'mrkdwn', text: slack_blocks_link(event.runUrl, 'Workflow run') });
    if ((0,src_events/* isRelease */.MU)(event)) {
        if (event.liveUrl)
            elements.push({ type: 'mrkdwn', text: slack_blocks_link(event.liveUrl, 'Live URL') });
        if (event.digest)
            elements.push({ type: 'mrkdwn', text: fitMrkdwn(oneLine(event.digest), 200) });
    }
    return elements.length ? { type: 'context', elements } : undefined;
}
/** The whole message of a release (or freeze) in its current state. */
function releaseMessage(event) {
    const title = (0,src_events/* headline */.Pl)(event);
    const blocks = [
        {
            type: 'header',
            text: {
                type: 'plain_text',
                // Slack parses &, < and > in every text object, plain_text included.
                text: fitMrkdwn(oneLine(`${ICONS[event.kind] ?? ''} ${title}`), BLOCK_LIMITS.headerText),
            },
        },
    ];
    if ((0,src_events/* isRelease */.MU)(event)) {
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: progress(event) } });
        const fields = [
            ...field('Environment', event.environment),
            ...field('Version', event.previousVersion ? `${event.previousVersion} → ${event.version}` : event.version),
            ...field('Color', event.color),
            ...field('Deploy', event.deployId),
            ...field('Approved by', event.approvedBy),
            ...field('Window override', event.override),
            ...(event.kind === 'rolled-back' ? field('Rolled back to', event.to) : []),
        ].slice(0, BLOCK_LIMITS.fields);
        blocks.push({ type: 'section', fields });
    }
    else {
        const fields = [...field('Environment', event.environment), ...field('By', event.by)];
        if (fields.length)
            blocks.push({ type: 'section', fields });
    }
    const reasons = (0,src_events/* reasonsOf */.zM)(event);
    if (reasons.length)
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: reasonsText(reasons) } });
    const context = contextBlock(event);
    if (context)
        blocks.push(context);
    return { text: fallback(event), blocks: blocks.slice(0, BLOCK_LIMITS.blocks) };
}
/** A thread reply for a monitor warning: the reasons, short. */
function warningMessage(event) {
    const reasons = (0,src_events/* reasonsOf */.zM)(event);
    const title = `:warning: ${fitMrkdwn(oneLine((0,src_events/* headline */.Pl)(event)), 200)}`;
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: title } }];
    if (reasons.length)
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: reasonsText(reasons) } });
    return { text: fallback(event), blocks };
}
/** The plain-text fallback: the headline, then the reasons (escaped, cut). */
function fallback(event) {
    const reasons = (0,src_events/* reasonsOf */.zM)(event).slice(0, REASONS_SHOWN).map(oneLine);
    const raw = [oneLine((0,src_events/* headline */.Pl)(event)), ...reasons.map((r) => `- ${r}`)].join('\n');
    return fitMrkdwn(raw, BLOCK_LIMITS.fallbackText);
}

// EXTERNAL MODULE: ./node_modules/@slack/web-api/dist/index.js
var dist = __webpack_require__(5105);
;// CONCATENATED MODULE: ./packages/notify/src/slack.ts
/**
 * Slack, two ways. With a bot token: one message per release, posted once (chat.postMessage) and
 * updated in place (chat.update) as the release moves, monitor warnings replied in its thread
 * (`thread_ts`). The message's place ({@link SlackThread}) outlives the job: the caller stores it (in the
 * deploy record) and hands it back to the next job's channel. With only an incoming-webhook URL: one
 * message per state change.
 *
 * https://docs.slack.dev/reference/methods/chat.postMessage — channel ID or name; answers
 * `{ok, channel, ts}` (the channel's ID). https://docs.slack.dev/reference/methods/chat.update —
 * `channel` must be the ID, `ts` the message's. https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 * — POST JSON, answers 200 `ok`, or 400/403/404/410 with an error word.
 */




/** Slack's API base (what the SDK uses by default). */
const SLACK_API_URL = 'https://slack.com/api/';
/** Slack errors (`{ok:false, error}`) that say "try again later". */
const TRANSIENT = new Set([
    'ratelimited',
    'rate_limited',
    'fatal_error',
    'internal_error',
    'service_unavailable',
    'request_timeout',
]);
const releaseKey = (e) => (0,src_events/* isRelease */.MU)(e) ? `${e.app}/${e.environment}/${e.deployId}` : undefined;
/** Slack with a bot token, through `@slack/web-api`'s WebClient. */
class SlackBotChannel {
    options;
    name = 'slack';
    current;
    constructor(options) {
        this.options = options;
        this.current = options.thread;
    }
    /** Where this release's message is, once posted (store it; pass it back as `thread`). */
    thread() {
        return this.current;
    }
    sends(event, selected) {
        if (!selected)
            return [];
        const key = releaseKey(event);
        const thread = key !== undefined && this.current?.release === key ? this.current : undefined;
        if (event.kind === 'warning' && thread)
            return [this.send('slack chat.postMessage (thread)', (c) => this.reply(c, thread, event))];
        if (event.kind === 'warning' || key === undefined)
            return [this.send('slack chat.postMessage', (c) => this.post(c, event, undefined))];
        return [
            thread
                ? this.send('slack chat.update', (c) => this.update(c, thread, event, key))
                : this.send('slack chat.postMessage', (c) => this.post(c, event, key)),
        ];
    }
    send(label, call) {
        return {
            label,
            run: async (timeoutMs) => {
                try {
                    await call(this.client(timeoutMs));
                }
                catch (error) {
                    throw slackFailure(label, error, timeoutMs);
                }
            },
        };
    }
    /**
     * A client for one request. The SDK's own retries are off (`retries: 0`, rate limits rejected at
     * once): the notifier retries, on its clock, within the event's time budget.
     */
    client(timeoutMs) {
        return new dist.WebClient(this.options.token, {
            slackApiUrl: this.options.apiUrl ?? SLACK_API_URL,
            retryConfig: { retries: 0 },
            rejectRateLimitedCalls: true,
            timeout: timeoutMs,
            ...(this.options.fetch && { fetch: this.options.fetch }),
            logger: SILENT,
            allowAbsoluteUrls: false,
        });
    }
    async post(client, event, key) {
        const message = event.kind === 'warning' ? warningMessage(event) : releaseMessage(event);
        const res = await call(client, 'chat.postMessage', {
            channel: this.options.channel,
            ...message,
        });
        if (key === undefined)
            return;
        const channel = typeof res.channel === 'string' ? res.channel : undefined;
        const ts = typeof res.ts === 'string' ? res.ts : undefined;
        if (!channel || !ts || !/^\d+\.\d+$/.test(ts))
            throw new DeliveryError('slack chat.postMessage: the answer has no channel and ts', false);
        this.current = { channel, ts, release: key };
        this.options.onThread?.(this.current);
    }
    async update(client, thread, event, key) {
        try {
            await call(client, 'chat.update', {
                channel: thread.channel,
                ts: thread.ts,
                ...releaseMessage(event),
            });
        }
        catch (error) {
            // The message was deleted: post a new one rather than lose the update.
            if (platformError(error) === 'message_not_found')
                return this.post(client, event, key);
            throw error;
        }
    }
    async reply(client, thread, event) {
        await call(client, 'chat.postMessage', {
            channel: thread.channel,
            thread_ts: thread.ts,
            ...warningMessage(event),
        });
    }
}
/** One Web API call; its answer as a record (the SDK throws on `ok: false`). */
async function call(client, method, args) {
    const res = await client.apiCall(method, args);
    return res;
}
/** A WebClient logger that prints nothing (every line we print goes through our own writer). */
const SILENT = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    setLevel: () => undefined,
    getLevel: () => dist.LogLevel.ERROR,
    setName: () => undefined,
};
/** Slack's error word (`invalid_auth`, `channel_not_found`) of a WebClient platform error. */
function platformError(error) {
    if (typeof error !== 'object' || error === null)
        return undefined;
    const e = error;
    return e.code === dist.ErrorCode.PlatformError && typeof e.data?.error === 'string'
        ? e.data.error
        : undefined;
}
/** A WebClient failure as a {@link DeliveryError}: retryable for 5xx, 429, timeouts, transient errors. */
function slackFailure(label, error, timeoutMs) {
    if (error instanceof DeliveryError)
        return error;
    const e = (typeof error === 'object' && error !== null ? error : {});
    const word = platformError(error);
    if (word !== undefined)
        return new DeliveryError(`${label}: Slack answered ${JSON.stringify(word.slice(0, 80))}`, TRANSIENT.has(word));
    if (e.code === dist.ErrorCode.RateLimitedError)
        return new DeliveryError(`${label}: rate limited`, true, typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : undefined);
    if (e.code === dist.ErrorCode.HTTPError && typeof e.statusCode === 'number')
        return new DeliveryError(`${label}: HTTP ${e.statusCode}`, e.statusCode >= 500);
    if (e.code === dist.ErrorCode.RequestError) {
        const why = 
        // The SDK may hand the abort over as Error(String(domException)): read the text too.
        e.original?.name === 'TimeoutError' || /^TimeoutError\b/.test(String(e.original?.message))
            ? `no response within ${timeoutMs}ms`
            : typeof e.original?.message === 'string'
                ? e.original.message
                : 'no response';
        return new DeliveryError(`${label}: ${why}`, true);
    }
    return new DeliveryError(`${label}: ${error instanceof Error ? error.message : String(error)}`, false);
}
/** Slack through an incoming webhook: one message per state change, warnings included. */
class SlackWebhookChannel {
    options;
    name = 'slack';
    constructor(options) {
        this.options = options;
    }
    sends(event, selected) {
        if (!selected)
            return [];
        const message = event.kind === 'warning' ? warningMessage(event) : releaseMessage(event);
        return [
            {
                label: 'slack webhook',
                run: async (timeoutMs) => {
                    await postJson(this.options.http, 'slack webhook', this.options.url, JSON.stringify(message), {}, timeoutMs, (s) => s === 200);
                },
            },
        ];
    }
}

;// CONCATENATED MODULE: ./packages/notify/src/pagerduty.ts


/** Where the Events API lives unless configured otherwise. */
const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';
/** Documented limits. */
const PAGERDUTY_LIMITS = { summary: 1024, dedupKey: 255, routingKey: 32 };
/** The alert of one release: `switchyard/<app>/<environment>/<deployId>`, cut to 255 characters. */
function dedupKey(event) {
    return `switchyard/${event.app}/${event.environment}/${event.deployId}`.slice(0, PAGERDUTY_LIMITS.dedupKey);
}
/**
 * The actions for an event. A switch (`live`) and a rollback are changes; a failed verdict, a failed
 * rollback or a rollback to an unhealthy version trigger; a rollback to a healthy version resolves.
 * `alerts`: whether the channel's event list takes the event (changes go out regardless).
 */
function pagerDutyActions(event, alerts) {
    if (!(0,src_events/* isRelease */.MU)(event))
        return [];
    const out = [];
    if (event.kind === 'live' || event.kind === 'rolled-back')
        out.push('change');
    if (!alerts)
        return out;
    if (event.kind === 'failed' || event.kind === 'rollback-failed')
        out.push('trigger');
    if (event.kind === 'rolled-back')
        out.push(event.healthy ? 'resolve' : 'trigger');
    return out;
}
const cutSummary = (s) => s.length <= PAGERDUTY_LIMITS.summary ? s : `${s.slice(0, PAGERDUTY_LIMITS.summary - 3)}...`;
function details(event) {
    const d = {
        app: event.app,
        environment: event.environment,
        version: event.version,
        deploy_id: event.deployId,
    };
    if (event.previousVersion)
        d.previous_version = event.previousVersion;
    if (event.color)
        d.color = event.color;
    if (event.digest)
        d.digest = event.digest;
    if (event.approvedBy)
        d.approved_by = event.approvedBy;
    if (event.override)
        d.window_override = event.override;
    if (event.kind === 'rolled-back')
        Object.assign(d, { rolled_back_to: event.to, healthy: event.healthy });
    const reasons = (0,src_events/* reasonsOf */.zM)(event);
    if (reasons.length)
        d.reasons = reasons.slice(0, 20).map((r) => r.slice(0, 500));
    return d;
}
function links(event) {
    const out = [];
    for (const [href, text] of [
        [event.runUrl, 'Workflow run'],
        [event.liveUrl, 'Live URL'],
    ])
        if (href && /^https?:\/\//i.test(href))
            out.push({ href, text });
    return out;
}
/** The JSON body of one action (`timestamp`: ISO 8601). */
function pagerDutyBody(action, event, routingKey, timestamp) {
    const source = `switchyard:${event.app}:${event.environment}`;
    const summary = cutSummary([(0,src_events/* headline */.Pl)(event), ...(0,src_events/* reasonsOf */.zM)(event).slice(0, 3)].join(' — ').replace(/\s+/g, ' '));
    if (action === 'change')
        return {
            routing_key: routingKey,
            payload: { summary, source, timestamp, custom_details: details(event) },
            links: links(event),
        };
    if (action === 'resolve')
        return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey(event) };
    return {
        routing_key: routingKey,
        event_action: 'trigger',
        dedup_key: dedupKey(event),
        payload: {
            summary,
            source,
            severity: 'critical',
            timestamp,
            component: event.app,
            group: event.environment,
            class: event.kind === 'failed' ? 'deploy verdict' : 'rollback',
            custom_details: details(event),
        },
        links: links(event),
        client: 'switchyard',
        ...(event.runUrl && /^https?:\/\//i.test(event.runUrl) && { client_url: event.runUrl }),
    };
}
/** PagerDuty through the Events API v2, over our {@link Http}. */
class PagerDutyChannel {
    options;
    name = 'pagerduty';
    base;
    constructor(options) {
        this.options = options;
        this.base = (options.endpoint ?? PAGERDUTY_EVENTS_URL).replace(/\/+$/, '');
    }
    sends(event, selected) {
        if (!(0,src_events/* isRelease */.MU)(event))
            return [];
        const timestamp = new Date(this.options.now()).toISOString();
        return pagerDutyActions(event, selected).map((action) => {
            const label = `pagerduty ${action}`;
            const path = action === 'change' ? '/v2/change/enqueue' : '/v2/enqueue';
            const body = JSON.stringify(pagerDutyBody(action, event, this.options.routingKey, timestamp));
            return {
                label,
                run: async (timeoutMs) => {
                    await postJson(this.options.http, label, this.base + path, body, {}, timeoutMs);
                },
            };
        });
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./packages/notify/src/webhook.ts
/**
 * The generic webhook: every event as JSON in a versioned schema (`switchyard.event/v1`), signed like
 * GitHub's webhooks: `X-Switchyard-Signature-256: sha256=<hex HMAC-SHA256 of the exact body>`. The
 * body carries `sentAt`, equal to the `X-Switchyard-Timestamp` header, so the signature covers the time
 * too and a receiver can refuse replays. See README.md, "Verifying the webhook".
 */



/** The schema name and version of the JSON we send. */
const WEBHOOK_SCHEMA = 'switchyard.event/v1';
/** Header names. */
const WEBHOOK_HEADERS = {
    signature: 'x-switchyard-signature-256',
    timestamp: 'x-switchyard-timestamp',
    event: 'x-switchyard-event',
    delivery: 'x-switchyard-delivery',
};
/** How far a receiver should let `sentAt` be from its own clock (5 minutes). */
const WEBHOOK_TOLERANCE_S = 300;
/** `sha256=<hex>` of `body` under `secret`. */
function signature(secret, body) {
    return `sha256=${(0,external_node_crypto_.createHmac)('sha256', secret).update(body, 'utf8').digest('hex')}`;
}
/**
 * What a receiver does: checks the signature over the exact body (in constant time), then that `sentAt`
 * equals the timestamp header and is within `toleranceS` of `nowS`. Returns the problem, or undefined.
 */
function verifyWebhook(secret, body, headers, nowS, toleranceS = WEBHOOK_TOLERANCE_S) {
    const given = Buffer.from(headers[WEBHOOK_HEADERS.signature] ?? '', 'utf8');
    const expected = Buffer.from(signature(secret, body), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return 'signature does not match';
    let sentAt;
    try {
        sentAt = JSON.parse(body).sentAt;
    }
    catch {
        return 'body is not JSON';
    }
    if (typeof sentAt !== 'number' || String(sentAt) !== headers[WEBHOOK_HEADERS.timestamp])
        return 'sentAt does not match the timestamp header';
    if (Math.abs(nowS - sentAt) > toleranceS)
        return `sentAt is more than ${toleranceS}s away`;
    return undefined;
}
/** The signed JSON webhook. */
class WebhookChannel {
    options;
    name = 'webhook';
    constructor(options) {
        this.options = options;
    }
    sends(event, selected) {
        if (!selected)
            return [];
        const id = (this.options.newId ?? external_node_crypto_.randomUUID)();
        return [
            {
                label: `webhook ${event.kind}`,
                run: async (timeoutMs) => {
                    const sentAt = Math.floor(this.options.now() / 1000);
                    const body = {
                        schema: WEBHOOK_SCHEMA,
                        id,
                        kind: event.kind,
                        severity: (0,src_events/* severityOf */.xJ)(event),
                        summary: (0,src_events/* headline */.Pl)(event),
                        sentAt,
                        event,
                    };
                    const text = JSON.stringify(body);
                    await postJson(this.options.http, 'webhook', this.options.url, text, {
                        [WEBHOOK_HEADERS.signature]: signature(this.options.secret, text),
                        [WEBHOOK_HEADERS.timestamp]: String(sentAt),
                        [WEBHOOK_HEADERS.event]: event.kind,
                        [WEBHOOK_HEADERS.delivery]: id,
                    }, timeoutMs);
                },
            },
        ];
    }
}

// EXTERNAL MODULE: ./packages/kit/src/index.ts + 11 modules
var kit_src = __webpack_require__(3864);
;// CONCATENATED MODULE: ./packages/notify/src/notifier.ts
/**
 * Fans an event out to the configured channels. Each request is retried with backoff on the injected
 * clock while the event's time budget lasts; a delivery that still fails is a warning line, never a
 * thrown error: a notification must never fail a deploy or hold up a rollback.
 */



/** Defaults and bounds of the delivery settings. */
const DELIVERY_DEFAULTS = {
    budgetMs: 30_000,
    requestTimeoutMs: 10_000,
    attempts: 4,
    backoff: { initialDelayMs: 1_000, maxDelayMs: 8_000 },
};
/** Bounds of the delivery settings: no event may hold a deploy for more than 2 minutes. */
const DELIVERY_BOUNDS = {
    budgetMs: { min: 100, max: 120_000 },
    requestTimeoutMs: { min: 50, max: 30_000 },
    attempts: { min: 1, max: 10 },
};
const clamp = (v, d, b) => Math.min(b.max, Math.max(b.min, v ?? d));
/** Sends events to channels; see the module comment. */
class Notifier {
    options;
    budgetMs;
    requestTimeoutMs;
    attempts;
    constructor(options) {
        this.options = options;
        this.budgetMs = clamp(options.budgetMs, DELIVERY_DEFAULTS.budgetMs, DELIVERY_BOUNDS.budgetMs);
        this.requestTimeoutMs = clamp(options.requestTimeoutMs, DELIVERY_DEFAULTS.requestTimeoutMs, DELIVERY_BOUNDS.requestTimeoutMs);
        this.attempts = clamp(options.attempts, DELIVERY_DEFAULTS.attempts, DELIVERY_BOUNDS.attempts);
    }
    /** The channels, by name (e.g. to read the Slack thread). */
    channels() {
        return this.options.channels.map((c) => c.channel);
    }
    /**
     * Sends `event` to every channel that takes it: channels at once, a channel's requests in order.
     * Resolves with what became of each request; never rejects.
     */
    async send(event) {
        const deadline = this.options.clock.now() + this.budgetMs;
        const perChannel = await Promise.all(this.options.channels.map(async ({ channel, events }) => {
            const reports = [];
            let sends;
            try {
                sends = channel.sends(event, (0,src_events/* selects */.ko)(events, event));
            }
            catch (error) {
                sends = [];
                reports.push(this.failed(channel.name, `${channel.name} ${event.kind}`, 0, error));
            }
            for (const send of sends)
                reports.push(await this.deliver(channel.name, send, deadline));
            return reports;
        }));
        return perChannel.flat();
    }
    async deliver(channel, send, deadline) {
        const { clock, log } = this.options;
        let attempts = 0;
        try {
            await (0,kit_src/* retry */.L5)(async () => {
                attempts++;
                try {
                    await send.run(this.requestTimeoutMs);
                }
                catch (error) {
                    await this.waitRetryAfter(error, deadline);
                    throw error;
                }
            }, {
                ...(this.options.backoff ?? DELIVERY_DEFAULTS.backoff),
                attempts: this.attempts,
                deadline,
                retryIf: (e) => e instanceof DeliveryError && e.retryable,
                onRetry: ({ attempt, delayMs, error }) => log.debug(this.mask(`notify: ${send.label} attempt ${attempt} failed (${(0,kit_src/* errorMessage */.gJ)(error)}); retrying in ${delayMs}ms`)),
                ...(this.options.random && { random: this.options.random }),
            }, clock);
            log.debug(this.mask(`notify: ${send.label} sent (attempt ${attempts})`));
            return { channel, label: send.label, ok: true, attempts };
        }
        catch (error) {
            return this.failed(channel, send.label, attempts, error);
        }
    }
    /** A 429's Retry-After, waited out when it fits in the budget (the backoff then adds its delay). */
    async waitRetryAfter(error, deadline) {
        if (!(error instanceof DeliveryError) || error.retryAfterMs === undefined)
            return;
        const wait = Math.min(error.retryAfterMs, deadline - this.options.clock.now());
        if (wait > 0)
            await this.options.clock.sleep(wait);
    }
    failed(channel, label, attempts, error) {
        const why = this.mask((0,kit_src/* errorMessage */.gJ)(error));
        const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
        this.options.log.warning(`notify: ${label} was not delivered (${why}; ${tries}). The deploy goes on without it.`);
        return { channel, label, ok: false, attempts, error: why };
    }
    mask(text) {
        return this.options.secrets ? this.options.secrets.mask(text) : text;
    }
}

// EXTERNAL MODULE: ./packages/notify/src/config.ts
var config = __webpack_require__(3446);
;// CONCATENATED MODULE: ./packages/notify/src/setup.ts




/** The notifier for an environment's settings; with no channel set it sends nothing. */
function createNotifier(settings, deps) {
    const { log, secrets, http, clock } = deps;
    const value = (channel, key, name) => {
        const v = deps.secret(name);
        if (v === undefined || v.trim() === '') {
            log.warning(`notify: ${channel} is off for this run: ${key} names ${name}, which has no value. Pass it to the step as env: ${name}: \${{ secrets.${name} }}`);
            return undefined;
        }
        secrets.add(v);
        return v.trim();
    };
    const channels = [];
    const { slack, pagerduty, webhook } = settings;
    if (slack?.mode === 'bot') {
        const token = value('slack', 'token-secret', slack.tokenSecret);
        if (token)
            channels.push({
                events: slack.events,
                channel: new SlackBotChannel({
                    token,
                    channel: slack.channel,
                    ...(slack.apiUrl && { apiUrl: slack.apiUrl }),
                    ...(deps.slackThread && { thread: deps.slackThread }),
                    ...(deps.onSlackThread && { onThread: deps.onSlackThread }),
                    ...(deps.slackFetch && { fetch: deps.slackFetch }),
                }),
            });
    }
    else if (slack?.mode === 'webhook') {
        const url = value('slack', 'webhook-secret', slack.webhookSecret);
        if (url)
            channels.push({ events: slack.events, channel: new SlackWebhookChannel({ url, http }) });
    }
    if (pagerduty) {
        const key = value('pagerduty', 'routing-key-secret', pagerduty.routingKeySecret);
        if (key && key.length !== PAGERDUTY_LIMITS.routingKey)
            log.warning(`notify: pagerduty routing key (${pagerduty.routingKeySecret}) is ${key.length} characters, not ${PAGERDUTY_LIMITS.routingKey}; PagerDuty may refuse it. Use the Events API v2 integration key of the service`);
        if (key)
            channels.push({
                events: pagerduty.events,
                channel: new PagerDutyChannel({
                    routingKey: key,
                    http,
                    now: () => clock.now(),
                    ...(pagerduty.endpoint && { endpoint: pagerduty.endpoint }),
                }),
            });
    }
    if (webhook) {
        const secret = value('webhook', 'secret', webhook.secret);
        if (secret)
            channels.push({
                events: webhook.events,
                channel: new WebhookChannel({ url: webhook.url, secret, http, now: () => clock.now() }),
            });
    }
    return new Notifier({ ...deps.delivery, channels, log, clock, secrets });
}

;// CONCATENATED MODULE: ./packages/notify/src/index.ts
/** @switchyard/notify: Slack, PagerDuty and signed webhooks for releases. See README.md. */











/***/ })

};
