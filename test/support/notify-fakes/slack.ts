/**
 * Slack on loopback: the Web API methods we call, and incoming webhooks. Test-only.
 *
 * chat.postMessage (https://docs.slack.dev/reference/methods/chat.postMessage): token in
 * `Authorization: Bearer` or the `token` argument; form-encoded (what @slack/web-api sends, `blocks`
 * as a JSON string) or JSON; `channel` a name or ID; `text` or `blocks` required; `thread_ts` a parent
 * message's ts. Answers HTTP 200 `{ok: true, channel: <ID>, ts, message}` or `{ok: false, error}`.
 * chat.update (https://docs.slack.dev/reference/methods/chat.update): `channel` must be the ID and
 * `ts` an existing message (`message_not_found`, `channel_not_found`).
 * Incoming webhooks (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks): POST
 * JSON to the secret path; 200 `ok`, 400 `invalid_payload` / `no_text`, 404 `no_service`.
 */
import { messageProblems } from './block-kit.js';
import { LoopbackFake, type Answer, type Received } from './server.js';

/** One message as it stands, with every version it had. */
export interface SlackMessageRecord {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs?: string;
  text: unknown;
  blocks: unknown;
  /** `postMessage`, then one `update` per chat.update. */
  readonly versions: { text: unknown; blocks: unknown }[];
}

/** A call the Web API fake served. */
export interface SlackCall {
  readonly method: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** `ok` or the error word. */
  readonly result: string;
}

const ok = (body: object): Answer => ({ status: 200, body: JSON.stringify({ ok: true, ...body }) });
const err = (error: string): Answer => ({
  status: 200,
  body: JSON.stringify({ ok: false, error }),
});

/** The Slack Web API fake: one workspace with channels by name and ID. */
export class SlackApiFake extends LoopbackFake {
  readonly calls: SlackCall[] = [];
  readonly messages: SlackMessageRecord[] = [];
  private seq = 0;
  /** Channel name (without #) → ID. */
  private readonly channels: Map<string, string>;

  constructor(
    private readonly token: string,
    channels: Readonly<Record<string, string>> = { deploys: 'C0DEPLOYS01' },
  ) {
    super();
    this.channels = new Map(Object.entries(channels));
  }

  /** The API base the WebClient takes as `slackApiUrl`. */
  apiUrl(): string {
    return `${this.url()}/api/`;
  }

  /** Top-level messages (not thread replies), oldest first. */
  posts(): SlackMessageRecord[] {
    return this.messages.filter((m) => m.threadTs === undefined);
  }

  /** Replies in the thread of `ts`. */
  replies(ts: string): SlackMessageRecord[] {
    return this.messages.filter((m) => m.threadTs === ts);
  }

  protected answer(req: Received): Answer {
    const method = /^\/api\/([\w.]+)$/.exec(req.path)?.[1];
    if (req.method !== 'POST' || method === undefined)
      return { status: 404, body: JSON.stringify({ ok: false, error: 'unknown_method' }) };
    const args = this.parse(req, method);
    if (args === undefined) return this.record(method, {}, err('invalid_form_data'));
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? args.token;
    if (token === undefined) return this.record(method, args, err('not_authed'));
    if (token !== this.token) return this.record(method, args, err('invalid_auth'));
    if (method === 'chat.postMessage') return this.record(method, args, this.post(args));
    if (method === 'chat.update') return this.record(method, args, this.update(args));
    return this.record(method, args, err('unknown_method'));
  }

  private record(method: string, args: Record<string, unknown>, answer: Answer): Answer {
    const body = JSON.parse(answer.body) as { ok: boolean; error?: string };
    this.calls.push({ method, args, result: body.ok ? 'ok' : (body.error ?? '?') });
    return answer;
  }

  /** Form or JSON arguments; `blocks` (a JSON string in a form) parsed. */
  private parse(req: Received, method: string): Record<string, unknown> | undefined {
    const type = req.headers['content-type'] ?? '';
    let args: Record<string, unknown>;
    if (type.startsWith('application/x-www-form-urlencoded'))
      args = Object.fromEntries(new URLSearchParams(req.body));
    else if (type.startsWith('application/json')) {
      try {
        args = JSON.parse(req.body) as Record<string, unknown>;
      } catch {
        this.violation(`${method}: body is not JSON`);
        return undefined;
      }
    } else {
      this.violation(`${method}: content-type ${type} is neither form nor JSON`);
      return undefined;
    }
    if (typeof args.blocks === 'string') {
      try {
        args.blocks = JSON.parse(args.blocks) as unknown;
      } catch {
        this.violation(`${method}: blocks is not JSON`);
        return undefined;
      }
    }
    return args;
  }

  private channelId(ref: unknown, namesAllowed: boolean): string | undefined {
    if (typeof ref !== 'string') return undefined;
    if (ref.startsWith('#')) return namesAllowed ? this.channels.get(ref.slice(1)) : undefined;
    return [...this.channels.values()].includes(ref) ? ref : undefined;
  }

  private content(method: string, args: Record<string, unknown>): Answer | undefined {
    const problems = messageProblems(args.text, args.blocks);
    if (problems.length === 0) return undefined;
    for (const p of problems) this.violation(`${method}: ${p}`);
    return err(problems[0] === 'neither text nor blocks' ? 'no_text' : 'invalid_blocks');
  }

  private post(args: Record<string, unknown>): Answer {
    const channel = this.channelId(args.channel, true);
    if (channel === undefined) return err('channel_not_found');
    const bad = this.content('chat.postMessage', args);
    if (bad) return bad;
    const threadTs = args.thread_ts;
    if (threadTs !== undefined) {
      const parent = this.messages.find((m) => m.ts === threadTs && m.channel === channel);
      if (!parent || parent.threadTs !== undefined) {
        this.violation(
          `chat.postMessage: thread_ts ${JSON.stringify(threadTs)} is no parent message`,
        );
        return err('thread_not_found');
      }
    }
    this.seq++;
    const ts = `${1_765_000_000 + this.seq}.${String(this.seq).padStart(6, '0')}`;
    this.messages.push({
      channel,
      ts,
      ...(typeof threadTs === 'string' && { threadTs }),
      text: args.text,
      blocks: args.blocks,
      versions: [{ text: args.text, blocks: args.blocks }],
    });
    return ok({ channel, ts, message: { text: args.text, ts } });
  }

  private update(args: Record<string, unknown>): Answer {
    const channel = this.channelId(args.channel, false);
    if (channel === undefined) {
      this.violation(`chat.update: channel ${String(args.channel)} is not a channel ID`);
      return err('channel_not_found');
    }
    const message = this.messages.find((m) => m.ts === args.ts && m.channel === channel);
    if (!message) return err('message_not_found');
    const bad = this.content('chat.update', args);
    if (bad) return bad;
    message.text = args.text;
    message.blocks = args.blocks;
    message.versions.push({ text: args.text, blocks: args.blocks });
    return ok({ channel, ts: message.ts, text: args.text });
  }
}

/** A Slack incoming webhook at a secret path. */
export class SlackWebhookFake extends LoopbackFake {
  /** Messages accepted, in order. */
  readonly messages: { text: unknown; blocks: unknown }[] = [];
  readonly path = '/services/T0000000/B0000000/abcdefghijklmnopqrstuvwx';

  /** The webhook URL (a secret to the notifier). */
  hookUrl(): string {
    return this.url() + this.path;
  }

  protected answer(req: Received): Answer {
    if (req.method !== 'POST' || req.path !== this.path) return { status: 404, body: 'no_service' };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      this.violation('webhook: body is not JSON');
      return { status: 400, body: 'invalid_payload' };
    }
    const problems = messageProblems(body.text, body.blocks);
    for (const p of problems) this.violation(`webhook: ${p}`);
    if (problems.length)
      return {
        status: 400,
        body: problems[0] === 'neither text nor blocks' ? 'no_text' : 'invalid_blocks',
      };
    this.messages.push({ text: body.text, blocks: body.blocks });
    return { status: 200, body: 'ok', headers: { 'content-type': 'text/html' } };
  }
}
