/**
 * Secret masking. Every secret value is registered once; {@link Secrets.mask} replaces it in any text
 * before it is logged, and the `onAdd` hook tells the runner (`::add-mask::`) so its log masks it too.
 */
export class Secrets {
  private readonly values = new Set<string>();

  constructor(private readonly onAdd: (value: string) => void = () => undefined) {}

  /** Registers a secret (and each line of a multi-line one). Values shorter than 3 characters are ignored, like the runner. */
  add(value: string | undefined): void {
    if (!value) return;
    for (const v of [value, ...value.split(/\r?\n/)]) {
      const s = v.trim();
      if (s.length < 3 || this.values.has(s)) continue;
      this.values.add(s);
      this.onAdd(s);
    }
  }

  /** The text with every registered secret replaced by `***`, longest first. */
  mask(text: string): string {
    let out = text;
    for (const v of [...this.values].sort((a, b) => b.length - a.length))
      out = out.split(v).join('***');
    return out;
  }

  /** The registered values (for tests and the harness). */
  list(): string[] {
    return [...this.values];
  }
}
