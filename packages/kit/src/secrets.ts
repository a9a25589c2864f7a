/**
 * Credentials written into a URL or a host (`https://user:pass@host`, `ssh://user:pass@host`,
 * `user:pass@registry.example`): group 1 is what precedes the password, group 2 the password. The
 * user name stays visible; a value that fails to parse as a URL still has its password found.
 */
const URL_CREDENTIALS =
  /((?:^|[\s"'(<,=[]|[a-z][a-z0-9+.-]*:\/\/)[^\s:/@"'<>]*:)([^\s/<>]+)(?=@[^\s/@<>]*(?:$|[\s/<>?#"']))/gi;

/** The passwords written in URLs or `user:pass@host` values anywhere in `text`, as written and decoded. */
export function credentialsIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(URL_CREDENTIALS)) {
    const pass = m[2] ?? '';
    found.push(pass);
    try {
      const decoded = decodeURIComponent(pass);
      if (decoded !== pass) found.push(decoded);
    } catch {
      // not percent-encoded
    }
  }
  return found;
}

/** `text` with the password of every URL or `user:pass@host` in it replaced by `***`. */
export function redactCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1***');
}

/**
 * Secret masking. Every secret value is registered once; {@link Secrets.mask} replaces it in any text
 * before it is logged, and the `onAdd` hook tells the runner (`::add-mask::`) so its log masks it too.
 */
export class Secrets {
  private readonly values = new Set<string>();

  constructor(private readonly onAdd: (value: string) => void = () => undefined) {}

  /**
   * Registers a secret (and each line of a multi-line one), with the forms it takes when quoted in
   * JSON or put in a URL, as the runner's own masker does. Values shorter than 3 characters are
   * ignored, like the runner.
   */
  add(value: string | undefined): void {
    if (!value) return;
    for (const v of [value, ...value.split(/\r?\n/)]) {
      const s = v.trim();
      for (const form of [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]) {
        if (form.length < 3 || this.values.has(form)) continue;
        this.values.add(form);
        this.onAdd(form);
      }
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
