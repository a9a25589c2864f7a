/**
 * The text side of terminal output (pure): ANSI styling, visible width (wide characters, emoji,
 * escapes) and wrapping that keeps styles across line breaks. `terminal.ts` renders markdown with it.
 */
import { stripAnsi } from './log-line.js';

export interface TerminalStyle {
  /** ANSI bold and colours; false gives plain text with no escape codes at all. */
  readonly color: boolean;
  /** Columns to fit (default 100, at least 20). Tables wrap their widest columns; prose wraps at spaces. */
  readonly width?: number;
}

/** ANSI styling helpers; each is the identity when colour is off. */
export interface Styler {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
}

const sgr =
  (open: number, close: number) =>
  (s: string): string =>
    s ? `\u001b[${open}m${s}\u001b[${close}m` : s;

/** ANSI styling helpers that are the identity when `color` is false. */
export function styler(color: boolean): Styler {
  const id = (s: string): string => s;
  if (!color) return { bold: id, dim: id, red: id, green: id, yellow: id, cyan: id };
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

/* eslint-disable no-control-regex -- the escape codes we write ourselves */
const SGR = /\u001b\[([0-9;]*)m/g;
const SGR_PIECES = /(\u001b\[[0-9;]*m)/;
/** Runs of spaces, and words (runs of anything else, styles included). */
const TOKENS = /( +)|((?:\u001b\[[0-9;]*m|[^ ])+)/g;
/* eslint-enable no-control-regex */
const RESET = '\u001b[0m';
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// prettier-ignore
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff],
  [0xa000, 0xa4cf], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60],
  [0xffe0, 0xffe6], [0x20000, 0x3fffd],
];

function graphemeWidth(g: string): number {
  // Emoji: presentation by default (✅ ❌) or asked for with VS16 (⚠️), and keycaps.
  if (/\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\u20E3/u.test(g)) return 2;
  if (/^[\p{Cc}\p{Cf}\p{Mn}\p{Me}]/u.test(g)) return 0;
  const cp = g.codePointAt(0) ?? 0;
  return WIDE.some(([lo, hi]) => cp >= lo && cp <= hi) ? 2 : 1;
}

/**
 * Columns a string takes in a terminal: ANSI escapes count 0, East Asian wide characters and emoji
 * (✅, ❌, ⚠️ with its variation selector) count 2, combining marks 0.
 */
export function visibleWidth(s: string): number {
  const text = stripAnsi(s);
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const { segment } of segmenter.segment(text)) width += graphemeWidth(segment);
  return width;
}

/** Updates the open SGR codes after `text` (ours close with 22 and 39; 0 resets). */
function track(active: string[], text: string): void {
  for (const m of text.matchAll(SGR)) {
    const code = Number(m[1] || 0);
    const closes = code === 22 ? [1, 2] : code === 39 ? [31, 32, 33, 36] : [];
    if (code === 0) active.length = 0;
    else if (closes.length) {
      const kept = active.filter((a) => !closes.some((c) => a === `\u001b[${c}m`));
      active.splice(0, active.length, ...kept);
    } else active.push(m[0]);
  }
}

/**
 * Breaks one line into lines of at most `width` columns at spaces. A word wider than that overflows,
 * or with `hard` is cut, after `/ : @ , = & ? -` where it can. Styles open at a break are closed and
 * reopened on the next line.
 */
function wrapLine(s: string, width: number, hard: boolean): string[] {
  if (visibleWidth(s) <= width) return [s];
  const lines: string[] = [];
  const active: string[] = [];
  let line = '';
  let used = 0;
  let spaces = '';
  const add = (text: string, w: number): void => {
    line += text;
    used += w;
    track(active, text);
  };
  const breakLine = (): void => {
    lines.push(active.length ? line + RESET : line);
    line = active.join('');
    used = 0;
  };
  for (const [, gap, word = ''] of s.matchAll(TOKENS)) {
    if (gap !== undefined) {
      if (used > 0) spaces += gap;
      continue;
    }
    const w = visibleWidth(word);
    if (w > 0 && used > 0 && used + spaces.length + w > width) breakLine();
    else if (w > 0) add(spaces, spaces.length);
    if (w > 0) spaces = '';
    if (!hard || used + w <= width) {
      add(word, w);
      continue;
    }
    // Too long: break after URL and path punctuation where possible, else between characters.
    for (const part of word.split(/(?<=[/:@,=&?-])/)) {
      const pw = visibleWidth(part);
      if (used > 0 && used + pw > width && pw <= width) breakLine();
      if (used + pw <= width) add(part, pw);
      else
        for (const piece of part.split(SGR_PIECES)) {
          if (piece.startsWith('\u001b')) add(piece, 0);
          else
            for (const { segment } of segmenter.segment(piece)) {
              const gw = graphemeWidth(segment);
              if (used > 0 && used + gw > width) breakLine();
              add(segment, gw);
            }
        }
    }
  }
  lines.push(line);
  return lines;
}

/** `wrapLine` for each line of `s`; a style open across a newline is carried to the next line. */
export function wrap(s: string, width: number, hard: boolean): string[] {
  const active: string[] = [];
  return s.split('\n').flatMap((piece) => {
    const lines = wrapLine(active.join('') + piece, width, hard);
    track(active, piece);
    if (active.length) lines[lines.length - 1] += RESET;
    return lines;
  });
}
