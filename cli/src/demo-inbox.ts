/**
 * The demo's inbox: one loopback server that answers like Slack's Web API (`chat.postMessage`,
 * `chat.update`), PagerDuty's Events API v2 (alerts and change events) and a receiver of switchyard's
 * signed webhooks, and keeps every payload, so the demo's report can show what an on-call engineer
 * would have got. Bodies are untrusted: size-capped, parsed defensively, kept as plain values.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { verifyWebhook } from '@switchyard/notify';

/** The names the demo's switchyard.yml gives its secrets (values only in the steps' env). */
export const INBOX_SECRETS = {
  slackToken: 'SWITCHYARD_DEMO_SLACK_TOKEN',
  routingKey: 'SWITCHYARD_DEMO_PAGERDUTY_KEY',
  hookSecret: 'SWITCHYARD_DEMO_WEBHOOK_SECRET',
} as const;

/** The Slack channel the demo posts to, and the ID the inbox answers with. */
export const INBOX_CHANNEL = { name: '#deploys', id: 'C0DEMODEPLOY' } as const;

/** One Slack message as it stands, with the header of each version it had. */
export interface InboxSlackMessage {
  readonly ts: string;
  readonly threadTs?: string;
  /** The plain-text fallback as it stands. */
  text: string;
  /** The header block's text as it stands. */
  header: string;
  /** The header (or text) of the post and of each update, oldest first. */
  readonly history: string[];
}

/** One PagerDuty event accepted. */
export interface InboxPagerDutyEvent {
  /** `change`, `trigger`, `acknowledge` or `resolve`. */
  readonly action: string;
  readonly dedupKey?: string;
  readonly summary: string;
  readonly severity?: string;
}

/** One webhook delivery, and whether its signature and timestamp checked out. */
export interface InboxWebhook {
  readonly kind: string;
  readonly verified: boolean;
  readonly problem?: string;
}

/** Everything the inbox kept. */
export interface InboxRecord {
  readonly slack: readonly InboxSlackMessage[];
  readonly pagerduty: readonly InboxPagerDutyEvent[];
  readonly webhooks: readonly InboxWebhook[];
}

const MAX_BODY = 512 * 1024;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown, max = 3000): string => (typeof v === 'string' ? v.slice(0, max) : '');

/** Slack's escaping undone (`&amp;`, `&lt;`, `&gt;`), as a person reads the message. */
const unescapeSlack = (t: string): string =>
  t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The header block's text of Block Kit `blocks` (a JSON string in a form, or a list). */
function headerOf(blocks: unknown): string {
  let list = blocks;
  if (typeof blocks === 'string')
    try {
      list = JSON.parse(blocks) as unknown;
    } catch {
      return '';
    }
  if (!Array.isArray(list)) return '';
  const header: unknown = list.find((b) => isObj(b) && b.type === 'header');
  return isObj(header) && isObj(header.text) ? text(header.text.text, 150) : '';
}

/** A running inbox: its base URL, the secrets' values and what it kept. */
export class DemoInbox {
  private readonly messages: InboxSlackMessage[] = [];
  private readonly alerts: InboxPagerDutyEvent[] = [];
  private readonly hooks: InboxWebhook[] = [];
  private seq = 0;
  private server: Server | undefined;
  private base = '';
  /** The secrets' values for this run, by name (pass them in the steps' env). */
  readonly secrets: Readonly<Record<string, string>> = {
    [INBOX_SECRETS.slackToken]: `xoxb-demo-${randomBytes(12).toString('hex')}`,
    [INBOX_SECRETS.routingKey]: randomBytes(16).toString('hex'),
    [INBOX_SECRETS.hookSecret]: randomBytes(24).toString('hex'),
  };

  /** Starts listening on 127.0.0.1 (a free port); resolves with the base URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.serve(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    this.server = server;
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('demo inbox: no port');
    this.base = `http://127.0.0.1:${address.port}`;
    return this.base;
  }

  /** Slack's API base (`slack.api-url`). */
  slackApiUrl(): string {
    return `${this.base}/slack/api/`;
  }

  /** PagerDuty's Events API base (`pagerduty.endpoint`). */
  pagerDutyUrl(): string {
    return `${this.base}/pagerduty`;
  }

  /** The webhook receiver (`webhook.url`). */
  webhookUrl(): string {
    return `${this.base}/hooks/deploys`;
  }

  /** A copy of everything kept so far. */
  record(): InboxRecord {
    return {
      slack: this.messages.map((m) => ({ ...m, history: [...m.history] })),
      pagerduty: [...this.alerts],
      webhooks: [...this.hooks],
    };
  }

  /** Stops listening; open connections are closed. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) return this.send(res, 413, { error: 'too large' });
      chunks.push(c as Buffer);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST') return this.send(res, 405, { error: 'method not allowed' });
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers))
      headers[k] = Array.isArray(v) ? v.join(', ') : v;
    if (path.startsWith('/slack/api/'))
      return this.send(res, 200, this.slack(path.slice('/slack/api/'.length), body, headers));
    if (path === '/pagerduty/v2/enqueue' || path === '/pagerduty/v2/change/enqueue') {
      const [status, answer] = this.pagerDuty(path.endsWith('/change/enqueue'), body);
      return this.send(res, status, answer);
    }
    if (path === '/hooks/deploys') {
      const problem = verifyWebhook(
        this.secrets[INBOX_SECRETS.hookSecret] ?? '',
        body,
        headers,
        Math.floor(Date.now() / 1000),
      );
      let kind = text(headers['x-switchyard-event'], 40);
      try {
        const parsed = JSON.parse(body) as unknown;
        if (isObj(parsed)) kind = text(parsed.kind, 40) || kind;
      } catch {
        /* the problem says so */
      }
      this.hooks.push({ kind, verified: problem === undefined, ...(problem && { problem }) });
      return this.send(res, problem ? 401 : 200, problem ? { error: problem } : { ok: true });
    }
    return this.send(res, 404, { error: 'not found' });
  }

  private send(res: ServerResponse, status: number, body: object): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  /** chat.postMessage and chat.update, as Slack answers them (HTTP 200, `ok` true or false). */
  private slack(method: string, body: string, headers: Record<string, string | undefined>): Obj {
    let args: Obj;
    if ((headers['content-type'] ?? '').startsWith('application/json')) {
      try {
        const parsed = JSON.parse(body) as unknown;
        args = isObj(parsed) ? parsed : {};
      } catch {
        return { ok: false, error: 'invalid_json' };
      }
    } else args = Object.fromEntries(new URLSearchParams(body));
    const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1] ?? args.token;
    if (token !== this.secrets[INBOX_SECRETS.slackToken])
      return { ok: false, error: 'invalid_auth' };
    const header = unescapeSlack(headerOf(args.blocks));
    const fallback = unescapeSlack(text(args.text));
    if (!header && !fallback) return { ok: false, error: 'no_text' };
    if (method === 'chat.postMessage') {
      if (args.channel !== INBOX_CHANNEL.name && args.channel !== INBOX_CHANNEL.id)
        return { ok: false, error: 'channel_not_found' };
      const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
      if (threadTs !== undefined && !this.messages.some((m) => m.ts === threadTs && !m.threadTs))
        return { ok: false, error: 'thread_not_found' };
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
      this.messages.push({
        ts,
        ...(threadTs !== undefined && { threadTs }),
        text: fallback,
        header,
        history: [header || fallback],
      });
      return { ok: true, channel: INBOX_CHANNEL.id, ts, message: { text: fallback, ts } };
    }
    if (method === 'chat.update') {
      if (args.channel !== INBOX_CHANNEL.id) return { ok: false, error: 'channel_not_found' };
      const message = this.messages.find((m) => m.ts === args.ts);
      if (!message) return { ok: false, error: 'message_not_found' };
      message.text = fallback;
      message.header = header;
      message.history.push(header || fallback);
      return { ok: true, channel: INBOX_CHANNEL.id, ts: message.ts, text: fallback };
    }
    return { ok: false, error: 'unknown_method' };
  }

  /** Events API v2: 202 for a well-formed event, 400 with the errors otherwise. */
  private pagerDuty(change: boolean, body: string): [number, Obj] {
    let event: unknown;
    try {
      event = JSON.parse(body);
    } catch {
      return [400, { status: 'invalid event', errors: ['body is not JSON'] }];
    }
    if (!isObj(event) || (!isObj(event.payload) && (change || event.event_action === 'trigger')))
      return [400, { status: 'invalid event', errors: ['payload missing'] }];
    if (event.routing_key !== this.secrets[INBOX_SECRETS.routingKey])
      return [400, { status: 'invalid event', errors: ['routing_key is not the integration key'] }];
    const payload = isObj(event.payload) ? event.payload : {};
    const action = change ? 'change' : text(event.event_action, 20);
    if (!['change', 'trigger', 'acknowledge', 'resolve'].includes(action))
      return [400, { status: 'invalid event', errors: ['event_action'] }];
    const dedupKey =
      typeof event.dedup_key === 'string' ? event.dedup_key.slice(0, 255) : undefined;
    this.alerts.push({
      action,
      ...(dedupKey !== undefined && { dedupKey }),
      summary: text(payload.summary, 1024),
      ...(typeof payload.severity === 'string' && { severity: text(payload.severity, 20) }),
    });
    return [
      202,
      { status: 'success', message: 'Event processed', ...(dedupKey && { dedup_key: dedupKey }) },
    ];
  }
}
