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
import {
  headline,
  isRelease,
  reasonsOf,
  RELEASE_KINDS,
  type NotifyEvent,
  type ReleaseEvent,
} from './events.js';

/** Block Kit's documented limits that our messages meet. */
export const BLOCK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  /** Slack truncates a message's `text` beyond 40,000 characters; we keep it far shorter. */
  fallbackText: 3000,
} as const;

/** The most reasons listed in a message; the rest are counted. */
const REASONS_SHOWN = 10;

/** A Block Kit text object. */
export interface TextObject {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
}

/** The blocks we use. */
export type Block =
  | { readonly type: 'header'; readonly text: TextObject }
  | { readonly type: 'section'; readonly text?: TextObject; readonly fields?: TextObject[] }
  | { readonly type: 'context'; readonly elements: TextObject[] }
  | { readonly type: 'divider' };

/** A Slack message: blocks plus the plain-text fallback shown in notifications. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: Block[];
}

/** `&`, `<` and `>` as Slack's mrkdwn wants them, so they show as themselves and parse as nothing. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text cut to `max` characters, with `…` when cut (never in the middle of a surrogate pair). */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** Raw text escaped for mrkdwn and cut so the escaped form fits `max` (no entity cut in half). */
export function fitMrkdwn(raw: string, max: number): string {
  let r = raw;
  for (;;) {
    const escaped = escapeMrkdwn(r);
    if (escaped.length <= max) return escaped;
    const shorter = cut(r, Math.max(1, r.length - (escaped.length - max)));
    if (shorter === r) return '…'.slice(0, max);
    r = shorter;
  }
}

/**
 * One line of an untrusted value: control characters, line breaks and bidi overrides (which reorder
 * what a reader sees) become spaces.
 */
function oneLine(value: string): string {
  return value.replace(CONTROLS, ' ').trim();
}

const CONTROLS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** A link for mrkdwn when `url` is http(s), else the label alone. */
export function link(url: string | undefined, label: string): string {
  if (url === undefined) return escapeMrkdwn(label);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return escapeMrkdwn(label);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return escapeMrkdwn(label);
  const href = escapeMrkdwn(u.href.replace(/\|/g, '%7C'));
  return `<${href}|${escapeMrkdwn(oneLine(label).replace(/\|/g, '/'))}>`;
}

const ICONS: Readonly<Record<string, string>> = {
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
function progress(event: ReleaseEvent): string {
  const path = ['started', 'preview', 'live', 'watching'];
  const end =
    event.kind === 'passed' || event.kind === 'failed'
      ? [...path, event.kind]
      : event.kind === 'rolled-back' || event.kind === 'rollback-failed'
        ? [...path, 'failed', event.kind]
        : path.slice(0, RELEASE_KINDS.indexOf(event.kind) + 1);
  return end.map((k, i) => (i === end.length - 1 ? `*${k}*` : k)).join(' → ');
}

function field(label: string, value: string | undefined): TextObject[] {
  if (value === undefined || value === '') return [];
  const head = `*${label}*\n`;
  const text = head + fitMrkdwn(oneLine(value), BLOCK_LIMITS.fieldText - head.length);
  return [{ type: 'mrkdwn', text }];
}

/** The reasons as a bulleted list, at most {@link REASONS_SHOWN}, fitted to one section. */
function reasonsText(reasons: readonly string[]): string {
  const lines = reasons.slice(0, REASONS_SHOWN).map((r) => `• ${cut(oneLine(r), 280)}`);
  if (reasons.length > REASONS_SHOWN) lines.push(`… and ${reasons.length - REASONS_SHOWN} more`);
  return fitMrkdwn(lines.join('\n'), BLOCK_LIMITS.sectionText);
}

/** The context line: links to the run and the service, and the digest. */
function contextBlock(event: NotifyEvent): Block | undefined {
  const elements: TextObject[] = [];
  if (event.runUrl) elements.push({ type: 'mrkdwn', text: link(event.runUrl, 'Workflow run') });
  if (isRelease(event)) {
    if (event.liveUrl) elements.push({ type: 'mrkdwn', text: link(event.liveUrl, 'Live URL') });
    if (event.digest)
      elements.push({ type: 'mrkdwn', text: fitMrkdwn(oneLine(event.digest), 200) });
  }
  return elements.length ? { type: 'context', elements } : undefined;
}

/** The whole message of a release (or freeze) in its current state. */
export function releaseMessage(event: NotifyEvent): SlackMessage {
  const title = headline(event);
  const blocks: Block[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        // Slack parses &, < and > in every text object, plain_text included.
        text: fitMrkdwn(oneLine(`${ICONS[event.kind] ?? ''} ${title}`), BLOCK_LIMITS.headerText),
      },
    },
  ];
  if (isRelease(event)) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: progress(event) } });
    const fields = [
      ...field('Environment', event.environment),
      ...field(
        'Version',
        event.previousVersion ? `${event.previousVersion} → ${event.version}` : event.version,
      ),
      ...field('Color', event.color),
      ...field('Deploy', event.deployId),
      ...field('Approved by', event.approvedBy),
      ...field('Window override', event.override),
      ...(event.kind === 'rolled-back' ? field('Rolled back to', event.to) : []),
    ].slice(0, BLOCK_LIMITS.fields);
    blocks.push({ type: 'section', fields });
  } else {
    const fields = [...field('Environment', event.environment), ...field('By', event.by)];
    if (fields.length) blocks.push({ type: 'section', fields });
  }
  const reasons = reasonsOf(event);
  if (reasons.length)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: reasonsText(reasons) } });
  const context = contextBlock(event);
  if (context) blocks.push(context);
  return { text: fallback(event), blocks: blocks.slice(0, BLOCK_LIMITS.blocks) };
}

/** A thread reply for a monitor warning: the reasons, short. */
export function warningMessage(event: NotifyEvent): SlackMessage {
  const reasons = reasonsOf(event);
  const title = `:warning: ${fitMrkdwn(oneLine(headline(event)), 200)}`;
  const blocks: Block[] = [{ type: 'section', text: { type: 'mrkdwn', text: title } }];
  if (reasons.length)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: reasonsText(reasons) } });
  return { text: fallback(event), blocks };
}

/** The plain-text fallback: the headline, then the reasons (escaped, cut). */
function fallback(event: NotifyEvent): string {
  const reasons = reasonsOf(event).slice(0, REASONS_SHOWN).map(oneLine);
  const raw = [oneLine(headline(event)), ...reasons.map((r) => `- ${r}`)].join('\n');
  return fitMrkdwn(raw, BLOCK_LIMITS.fallbackText);
}
