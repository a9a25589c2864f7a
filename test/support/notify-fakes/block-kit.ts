/**
 * Block Kit checks the Slack fakes apply to every message, from Slack's documented limits. Test-only.
 *
 * https://docs.slack.dev/reference/block-kit/blocks (block types; ≤ 50 blocks in a message),
 * https://docs.slack.dev/reference/block-kit/blocks/header-block (plain_text ≤ 150),
 * https://docs.slack.dev/reference/block-kit/blocks/section-block (text ≤ 3000; fields ≤ 10 of ≤ 2000;
 * text or fields required), https://docs.slack.dev/reference/block-kit/blocks/context-block (1–10
 * elements), https://docs.slack.dev/reference/block-kit/composition-objects/text-object (type
 * plain_text | mrkdwn, text ≥ 1 character), block_id ≤ 255. Escaping of &, <, >:
 * https://docs.slack.dev/messaging/formatting-message-text#escaping
 */

/** Block types a message may hold. */
const MESSAGE_BLOCKS = new Set([
  'actions',
  'context',
  'divider',
  'file',
  'header',
  'image',
  'markdown',
  'rich_text',
  'section',
  'table',
  'video',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Problems with mrkdwn text: a `&` that starts no entity, or a `<…>` that is not an http(s) link
 * (`<!channel>`, `<@U123>` and `<#C1>` are mentions a notification must never make).
 */
export function mrkdwnProblems(text: string): string[] {
  const out: string[] = [];
  if (/&(?!(amp|lt|gt);)/.test(text)) out.push('unescaped &');
  for (const m of text.matchAll(/<([^>]*)>?/g)) {
    const inner = m[1] ?? '';
    if (!m[0].endsWith('>')) out.push('unescaped <');
    else if (!/^https?:\/\/[^|<>\s]+(\|[^<>]+)?$/.test(inner))
      out.push(`<${inner.slice(0, 30)}> is not a link`);
  }
  if (/>/.test(text.replace(/<[^>]*>/g, ''))) out.push('unescaped >');
  return out;
}

function textObject(at: string, v: unknown, max: number, types: string[]): string[] {
  if (!isObj(v)) return [`${at}: not a text object`];
  const out: string[] = [];
  if (typeof v.type !== 'string' || !types.includes(v.type))
    out.push(`${at}.type: ${String(v.type)} is not ${types.join(' or ')}`);
  if (typeof v.text !== 'string' || v.text.length === 0) out.push(`${at}.text: empty`);
  else {
    if (v.text.length > max) out.push(`${at}.text: ${v.text.length} characters > ${max}`);
    if (v.type === 'mrkdwn') out.push(...mrkdwnProblems(v.text).map((p) => `${at}.text: ${p}`));
  }
  return out;
}

function block(at: string, b: unknown): string[] {
  if (!isObj(b)) return [`${at}: not an object`];
  const out: string[] = [];
  if (typeof b.type !== 'string' || !MESSAGE_BLOCKS.has(b.type))
    return [`${at}.type: ${String(b.type)} is not a message block type`];
  if (b.block_id !== undefined && (typeof b.block_id !== 'string' || b.block_id.length > 255))
    out.push(`${at}.block_id: not a string of ≤ 255`);
  if (b.type === 'header') out.push(...textObject(`${at}.text`, b.text, 150, ['plain_text']));
  if (b.type === 'section') {
    if (b.text === undefined && b.fields === undefined) out.push(`${at}: neither text nor fields`);
    if (b.text !== undefined)
      out.push(...textObject(`${at}.text`, b.text, 3000, ['plain_text', 'mrkdwn']));
    if (b.fields !== undefined) {
      if (!Array.isArray(b.fields) || b.fields.length === 0 || b.fields.length > 10)
        out.push(`${at}.fields: not a list of 1–10`);
      else
        b.fields.forEach((f, i) =>
          out.push(...textObject(`${at}.fields[${i}]`, f, 2000, ['plain_text', 'mrkdwn'])),
        );
    }
  }
  if (b.type === 'context') {
    if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10)
      out.push(`${at}.elements: not a list of 1–10`);
    else
      b.elements.forEach((e, i) => {
        if (isObj(e) && e.type === 'image') return;
        out.push(...textObject(`${at}.elements[${i}]`, e, 3000, ['plain_text', 'mrkdwn']));
      });
  }
  return out;
}

/** Every problem with a message's `text` and `blocks` (both as sent, blocks already parsed). */
export function messageProblems(text: unknown, blocks: unknown): string[] {
  const out: string[] = [];
  if (text === undefined && blocks === undefined) return ['neither text nor blocks'];
  if (text !== undefined) {
    if (typeof text !== 'string') out.push('text: not a string');
    else {
      if (text.length > 40_000) out.push(`text: ${text.length} characters > 40000`);
      out.push(...mrkdwnProblems(text).map((p) => `text: ${p}`));
    }
  }
  if (blocks !== undefined) {
    if (!Array.isArray(blocks)) out.push('blocks: not a list');
    else {
      if (blocks.length > 50) out.push(`blocks: ${blocks.length} > 50`);
      blocks.forEach((b, i) => out.push(...block(`blocks[${i}]`, b)));
    }
  }
  return out;
}
