/** Test helper: each option's entry in a `--help` text, whitespace collapsed (`--name <value> description (…)`). */
export function helpEntries(help: string): Map<string, string> {
  const section = help.split('\nOptions:\n')[1]?.split('\n\n')[0] ?? '';
  const out = new Map<string, string>();
  let current: string | undefined;
  for (const line of section.split('\n')) {
    const head = /^ {2}--([a-z0-9-]+)/.exec(line);
    if (head) current = head[1]!;
    if (current !== undefined) out.set(current, `${out.get(current) ?? ''} ${line}`);
  }
  return new Map([...out].map(([k, v]) => [k, v.replace(/\s+/g, ' ').trim()]));
}
