/**
 * Job-summary markdown for a terminal (pure: text in, text out). Covers what our summaries contain:
 * headings, pipe tables, `<details>`, fenced code (Mermaid charts are omitted), lists, quotes,
 * `**bold**`, `code`, links, inline HTML and entities. Anything else passes through as text.
 */

import { styler, visibleWidth, wrap, type Styler, type TerminalStyle } from './terminal-text.js';
import { stripAnsi, UNSAFE } from './log-line.js';

export { styler, visibleWidth, wrap, type Styler, type TerminalStyle } from './terminal-text.js';

// prettier-ignore
const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—',
  hellip: '…', rarr: '→', larr: '←', middot: '·', times: '×', copy: '©', check: '✓',
};

function decodeEntity(name: string): string | undefined {
  if (!name.startsWith('#')) return ENTITIES[name];
  const cp =
    name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
  return cp > 0x10ffff ? '\uFFFD' : String.fromCodePoint(cp).replace(UNSAFE, '');
}

const decodeEntities = (s: string): string =>
  s.replace(
    /&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g,
    (all, name: string) => decodeEntity(name) ?? all,
  );

const STATUS = /^(?:(✅|❌|⚠\uFE0F?)\s*)?(passed|pass|ok|failed|fail|critical|warning)?$/iu;

/** The colour of a status: an emoji alone, a status word alone, or an emoji and one status word. */
function statusColor(plain: string, st: Styler): ((s: string) => string) | undefined {
  const m = STATUS.exec(plain.trim());
  if (!m || !(m[1] ?? m[2])) return undefined;
  const key = m[1] ?? m[2]?.toLowerCase() ?? '';
  if (/^(✅|passed|pass|ok)$/.test(key)) return st.green;
  if (/^(❌|failed|fail|critical)$/.test(key)) return st.red;
  return st.yellow;
}

// Inline syntax, each tried where it starts (sticky).
const INLINE: readonly (readonly [RegExp, (m: RegExpExecArray, st: Styler) => string])[] = [
  [/\\([!-/:-@[-`{-~])/y, (m) => m[1] ?? ''],
  [
    /(`+)([\s\S]*?[^`])\1(?!`)/y,
    // Entities are decoded in code too: cell() escapes `<` after the author wrote the span.
    (m, st) => st.cyan(decodeEntities((m[2] ?? '').replace(/\n/g, ' ').replace(/^ (.*) $/, '$1'))),
  ],
  [/\*\*(?=\S)([\s\S]*?\S)\*\*/y, (m, st) => strong(m[1] ?? '', st)],
  [
    /(?<![\p{L}\p{N}_])__(?=\S)([\s\S]*?\S)__(?![\p{L}\p{N}_])/uy,
    (m, st) => strong(m[1] ?? '', st),
  ],
  [
    /!?\[((?:\\.|[^\]\\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/y,
    (m, st) => {
      const text = inline(m[1] ?? '', st);
      const url = decodeEntities(m[2] ?? '');
      return stripAnsi(text) === url || !text ? url : `${text} (${url})`;
    },
  ],
  [/<((?:https?|mailto):[^<>\s]+)>/y, (m) => decodeEntities(m[1] ?? '')],
  [/<br\s*\/?>/iy, () => '\n'],
  [/<!--[\s\S]*?-->|<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>/y, () => ''],
  [/&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/y, (m) => decodeEntities(m[0])],
  [/(?<![\p{L}\p{N}_])_(?=\S)([^_]*?\S)_(?![\p{L}\p{N}_])/uy, (m, st) => inline(m[1] ?? '', st)],
  [/(?<!\*)\*(?=[^\s*])([^*]*?[^\s*])\*(?!\*)/y, (m, st) => inline(m[1] ?? '', st)],
  [/✅/y, (m, st) => st.green(m[0])],
  [/❌/y, (m, st) => st.red(m[0])],
  [/⚠\uFE0F?/y, (m, st) => st.yellow(m[0])],
];

/** Bold; a status word alone (`**passed**`) is coloured too. */
function strong(text: string, st: Styler): string {
  const inner = inline(text, st);
  const plain = stripAnsi(inner);
  return st.bold(statusColor(plain, st)?.(plain) ?? inner);
}

/** Renders inline markdown to styled text; `<br>` becomes a newline. */
function inline(text: string, st: Styler): string {
  let out = '';
  let i = 0;
  scan: while (i < text.length) {
    if (/[\\`*_[!<&✅❌⚠]/.test(text[i] ?? '')) {
      for (const [re, render] of INLINE) {
        re.lastIndex = i;
        const m = re.exec(text);
        if (!m) continue;
        out += render(m, st);
        i += m[0].length;
        continue scan;
      }
    }
    out += text[i] ?? '';
    i++;
  }
  return out;
}

/** Cells of a table row, split at pipes that are not escaped; `\|` becomes `|`. */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  const s = line.trim().replace(/^\|/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '\\' && s[i + 1] === '|') cur += s[++i];
    else if (c === '\\') cur += c + (s[++i] ?? '');
    else if (c === '|') {
      cells.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim() || !s.endsWith('|')) cells.push(cur.trim());
  return cells;
}

const isSeparator = (line: string | undefined): boolean =>
  line !== undefined && line.includes('-') && splitRow(line).every((c) => /^:?-+:?$/.test(c));
const isTableStart = (line: string, next: string | undefined): boolean =>
  line.trimStart().startsWith('|') && isSeparator(next);

/** Smallest width a table column is shrunk to. */
const MIN_COLUMN = 6;

/** Fits column widths into `available`: the widest columns are capped first (water-filling). */
function fitColumns(natural: readonly number[], available: number): number[] {
  const total = (cap: number): number => natural.reduce((a, w) => a + Math.min(w, cap), 0);
  let cap = Math.max(0, ...natural);
  while (cap > MIN_COLUMN && total(cap) > available) cap--;
  let spare = available - total(cap);
  return natural.map((w) => (w > cap && spare-- > 0 ? cap + 1 : Math.min(w, cap)));
}

function pad(s: string, width: number, align: string): string {
  const gap = Math.max(0, width - visibleWidth(s));
  if (align === 'right') return ' '.repeat(gap) + s;
  if (align === 'center') return ' '.repeat(gap >> 1) + s + ' '.repeat(gap - (gap >> 1));
  return s + ' '.repeat(gap);
}

/**
 * A pipe table as aligned columns, two spaces apart, with a `─` rule under the header. A header of
 * only empty or `–` cells (a key/value table) is left out. Too wide: the widest columns wrap.
 */
function renderTable(lines: readonly string[], st: Styler, width: number): string[] {
  const [head = '', sep = '', ...body] = lines;
  const header = splitRow(head);
  const aligns = splitRow(sep).map((c) =>
    c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : 'left',
  );
  const headless = header.every((c) => c === '' || c === '–');
  const rows = (headless ? [] : [header]).concat(body.map(splitRow));
  const cells = rows.map((row, r) =>
    header.map((_, c) => {
      const source = row[c] ?? '';
      // cell('') writes `–`: an empty header cell stays empty.
      const text = inline(r === 0 && !headless && source === '–' ? '' : source, st);
      const plain = stripAnsi(text);
      const styled = statusColor(plain, st)?.(plain) ?? text;
      return r === 0 && !headless ? st.bold(styled) : styled;
    }),
  );
  const natural = header.map((_, c) =>
    Math.max(0, ...cells.flatMap((row) => (row[c] ?? '').split('\n').map(visibleWidth))),
  );
  const widths = fitColumns(natural, width - 2 * (header.length - 1));
  const out: string[] = [];
  cells.forEach((row, r) => {
    const wrapped = row.map((text, c) => wrap(text, widths[c] ?? 0, true));
    const height = Math.max(...wrapped.map((w) => w.length));
    for (let h = 0; h < height; h++)
      out.push(
        wrapped.map((w, c) => pad(w[h] ?? '', widths[c] ?? 0, aligns[c] ?? 'left')).join('  '),
      );
    if (r === 0 && !headless) out.push(st.dim(widths.map((w) => '─'.repeat(w)).join('  ')));
  });
  return out;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const LIST = /^( *)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const DETAILS = /^\s*<\/?(details|summary)\b[^>]*>/i;

const startsBlock = (line: string, next: string | undefined): boolean =>
  [FENCE, HEADING, RULE, LIST, QUOTE, DETAILS].some((re) => re.test(line)) ||
  isTableStart(line, next);

interface Context {
  readonly st: Styler;
  readonly width: number;
}

/** Wraps inline text after `prefix`, continuation lines indented to match. */
function hanging(prefix: string, text: string, ctx: Context): string[] {
  const indent = ' '.repeat(visibleWidth(prefix));
  const room = Math.max(10, ctx.width - indent.length);
  return wrap(inline(text, ctx.st), room, false).map((l, i) => (i ? indent : prefix) + l);
}

/** Joins the source lines of a paragraph or list item; hard breaks (`\` or two spaces) stay. */
const joinLines = (lines: readonly string[]): string =>
  lines
    .map((l, i) => (i === lines.length - 1 ? l.trim() : l.trimStart()))
    .map((l, i, all) =>
      i === all.length - 1
        ? l
        : /(\\|\s{2,})$/.test(l)
          ? `${l.replace(/(\\|\s+)$/, '')}<br>`
          : `${l.trimEnd()} `,
    )
    .join('');

/** Renders block markdown: blocks separated by one blank line. */
function renderBlocks(source: readonly string[], ctx: Context): string[] {
  const lines = [...source];
  const blocks: string[][] = [];
  const { st, width } = ctx;
  let i = 0;
  const take = (ok: (line: string) => boolean): string[] => {
    const taken: string[] = [];
    while (i < lines.length && ok(lines[i] ?? '')) taken.push(lines[i++] ?? '');
    return taken;
  };
  while (i < lines.length) {
    const line = lines[i] ?? '';
    let m: RegExpExecArray | null;
    if (!line.trim()) i++;
    else if ((m = FENCE.exec(line))) {
      const [, fence = '```', lang = ''] = m;
      const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
      i++;
      const body = take((l) => !close.test(l));
      i++;
      const title = /^\s*title\s+"?([^"\n]*)"?/m.exec(body.join('\n'))?.[1]?.trim();
      blocks.push(
        lang.toLowerCase() === 'mermaid'
          ? [st.dim(`(chart omitted in the terminal${title ? `: ${title}` : ''})`)]
          : body.map((l) => (l.trim() ? `  ${l}` : '')),
      );
    } else if (DETAILS.test(line)) {
      const title = /<summary>([\s\S]*?)<\/summary>/i.exec(line)?.[1];
      if (title !== undefined) blocks.push([`▸ ${st.bold(inline(title.trim(), st))}`]);
      const rest = line.replace(/<summary>[\s\S]*?<\/summary>|<\/?(details|summary)\b[^>]*>/gi, '');
      lines[i] = rest.trim() ? rest : '';
    } else if ((m = HEADING.exec(line))) {
      i++;
      const text = st.bold(inline(m[2] ?? '', st));
      const level = m[1]?.length ?? 1;
      const rule = (level === 1 ? '═' : '─').repeat(Math.min(width, visibleWidth(text)));
      blocks.push(level <= 2 ? [text, rule] : [text]);
    } else if (RULE.test(line)) {
      i++;
      blocks.push([st.dim('─'.repeat(Math.min(width, 40)))]);
    } else if (isTableStart(line, lines[i + 1])) {
      const table = [line, lines[i + 1] ?? ''];
      i += 2;
      table.push(...take((l) => l.trimStart().startsWith('|')));
      blocks.push(renderTable(table, st, width));
    } else if (QUOTE.test(line)) {
      const inner = take((l) => QUOTE.test(l)).map((l) => QUOTE.exec(l)?.[1] ?? '');
      const body = renderBlocks(inner, { st, width: Math.max(10, width - 2) });
      blocks.push(body.map((l) => st.dim('│') + (l ? ` ${l}` : '')));
    } else if (LIST.test(line)) {
      const items: string[][] = [];
      take((l) => {
        if (LIST.test(l)) return items.push([l]) > 0;
        if (!l.trim() || startsBlock(l, undefined)) return false;
        return (items.at(-1)?.push(l) ?? 0) > 0;
      });
      blocks.push(
        items.flatMap(([first = '', ...more]) => {
          const [, indent = '', marker = '-', text = ''] = LIST.exec(first) ?? [];
          const bullet = /\d/.test(marker) ? marker : '•';
          return hanging(`${indent}${bullet} `, joinLines([text, ...more]), ctx);
        }),
      );
    } else {
      const para = [line];
      i++;
      para.push(...take((l) => !!l.trim() && !startsBlock(l, lines[i + 1])));
      const text = inline(joinLines(para), st);
      if (stripAnsi(text).trim()) blocks.push(wrap(text, width, false));
    }
  }
  return blocks.flatMap((b, k) => (k ? ['', ...b] : b));
}

/** Expands tabs to 8-column stops, so widths are known. */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const part of line.split(/(\t)/))
    out += part === '\t' ? ' '.repeat(8 - (visibleWidth(out) % 8)) : part;
  return out;
}

/**
 * Renders job-summary markdown (what `Summary` builds) for a terminal. Tables become aligned
 * columns; when a table is wider than `width`, its widest columns are wrapped (never truncated, so
 * digests and URLs stay whole). Control characters in the text are removed, so an untrusted value
 * cannot send escape codes; with `color: false` the output has none at all.
 */
export function renderTerminal(markdown: string, style: TerminalStyle): string {
  const ctx = { st: styler(style.color), width: Math.max(20, style.width ?? 100) };
  const lines = markdown.replace(/\r\n?/g, '\n').replace(UNSAFE, '').split('\n').map(expandTabs);
  const out = renderBlocks(lines, ctx);
  return out.length ? `${out.join('\n')}\n` : '';
}
