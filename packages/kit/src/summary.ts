/** A small markdown builder for job summaries (pure: it only makes text). */

export type Cell = string | number | boolean | null | undefined;

/** Escapes text for a markdown table cell: pipes, newlines and HTML angle brackets. */
export function cell(value: Cell): string {
  if (value === null || value === undefined || value === '') return '–';
  return String(value)
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, '<br>');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export class Summary {
  private readonly parts: string[] = [];

  heading(text: string, level: 1 | 2 | 3 | 4 = 2): this {
    this.parts.push(`${'#'.repeat(level)} ${text}`);
    return this;
  }

  /** A paragraph of markdown (not escaped: pass trusted text). */
  paragraph(markdown: string): this {
    this.parts.push(markdown);
    return this;
  }

  /** A table; every cell is escaped. */
  table(headers: readonly string[], rows: readonly (readonly Cell[])[]): this {
    const lines = [
      `| ${headers.map(cell).join(' | ')} |`,
      `| ${headers.map(() => '---').join(' | ')} |`,
      ...rows.map((r) => `| ${headers.map((_, i) => cell(r[i])).join(' | ')} |`),
    ];
    this.parts.push(lines.join('\n'));
    return this;
  }

  /** A bulleted list (markdown items). */
  list(items: readonly string[]): this {
    if (items.length) this.parts.push(items.map((i) => `- ${i}`).join('\n'));
    return this;
  }

  /** A fenced code block; the fence grows if the text contains one. */
  code(text: string, lang = ''): this {
    const fence = text.includes('```') ? '````' : '```';
    this.parts.push(`${fence}${lang}\n${text}\n${fence}`);
    return this;
  }

  /** A folded block; `body` is markdown (or another Summary). */
  details(title: string, body: string | Summary): this {
    this.parts.push(
      `<details><summary>${escapeHtml(title)}</summary>\n\n${String(body)}\n\n</details>`,
    );
    return this;
  }

  toString(): string {
    return this.parts.join('\n\n') + '\n';
  }
}
