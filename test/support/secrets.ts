/**
 * Secrets in test output: the forms a secret takes when it leaks, and where any shows. Used by the
 * runner-protocol harness, the CLI runner and the hostile-input suites alike.
 */

/** A secret as it may leak: raw, JSON-escaped (as an error quotes it) and URL-encoded. */
export function secretForms(secret: string): { form: string; text: string }[] {
  const forms = [
    { form: 'raw', text: secret },
    { form: 'JSON-escaped', text: JSON.stringify(secret).slice(1, -1) },
    { form: 'URL-encoded', text: encodeURIComponent(secret) },
  ];
  return forms.filter((f, i) => forms.findIndex((g) => g.text === f.text) === i);
}

/**
 * Where any form of any secret shows in `places` (name → text). Lines starting `::add-mask::` are
 * skipped: the runner never prints them. The message names the secret by its index, not its value.
 */
export function secretLeaks(
  secrets: readonly string[],
  places: Readonly<Record<string, string>>,
): string[] {
  const leaks: string[] = [];
  for (const [where, text] of Object.entries(places)) {
    const visible = text
      .split(/\r\n|\r|\n/)
      .filter((l) => !l.trimStart().startsWith('::add-mask::'))
      .join('\n');
    secrets.forEach((secret, i) => {
      if (secret.length < 3) return;
      for (const { form, text: t } of secretForms(secret)) {
        const at = visible.indexOf(t);
        if (at >= 0)
          leaks.push(
            `secret #${i} (${form}) in ${where}: …${visible.slice(Math.max(0, at - 50), at)}[SECRET]…`,
          );
      }
    });
  }
  return leaks;
}

/** Throws when {@link secretLeaks} finds any form of any secret in `places`. */
export function assertNoSecret(
  who: string,
  secrets: readonly string[],
  places: Readonly<Record<string, string>>,
): void {
  const leaks = secretLeaks(secrets, places);
  if (leaks.length) throw new Error(`${who}: ${leaks.join('; ')}`);
}
