// The pure part of a release (scripts/release.mjs runs it, .github/workflows/release.yml runs that):
// which version, which tags, which notes, and every reason to refuse before anything is pushed.
// No I/O here; unit tests: node --test scripts/lib/release.test.mjs

const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** "1.4.2" → { major: 1, minor: 4, patch: 2 }; throws on anything but X.Y.Z (no "v", no pre-release). */
export function parseVersion(text) {
  const m = VERSION.exec(String(text ?? '').trim());
  if (!m)
    throw new Error(
      `version ${JSON.stringify(text)} is not X.Y.Z (three numbers, no leading zeros, no "v", no pre-release)`,
    );
  const [major, minor, patch] = m.slice(1).map(Number);
  if (![major, minor, patch].every(Number.isSafeInteger))
    throw new Error(`version ${JSON.stringify(text)} has a number too large`);
  return { major, minor, patch };
}

export function formatVersion({ major, minor, patch }) {
  return `${major}.${minor}.${patch}`;
}

export function compareVersions(a, b) {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** The tags a release of `version` makes: the annotated vX.Y.Z and the moving major vX. */
export function tagNames(version) {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  return { release: `v${formatVersion(v)}`, major: `v${v.major}` };
}

/** Release tags (vX.Y.Z) among `tags`, parsed; anything else (v1, v2-beta, x) is left out. */
export function releaseTags(tags) {
  const found = [];
  for (const tag of tags) {
    const name = String(tag).trim();
    if (!name.startsWith('v') || !VERSION.test(name.slice(1))) continue;
    found.push({ tag: name, version: parseVersion(name.slice(1)) });
  }
  return found;
}

/**
 * The body of the "## [X.Y.Z]" section of a Keep a Changelog file: the lines after its heading up to
 * the next "## " heading, without one-line HTML comments and the link definitions ("[1.0.0]: https://…")
 * that end the file.
 * undefined when there is no such section. The heading may carry a date: "## [1.0.0] - 2026-12-07".
 */
export function changelogSection(text, version) {
  const lines = String(text).replace(/\r\n?/g, '\n').split('\n');
  const heading = new RegExp(`^##\\s+\\[${version.replaceAll('.', '\\.')}\\](\\s+-\\s+.*)?\\s*$`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start === -1) return undefined;
  let end = lines.findIndex((line, i) => i > start && /^##?\s/.test(line));
  if (end === -1) end = lines.length;
  // A one-line HTML comment (the hint under Unreleased) is for editors, not for release notes.
  const body = lines.slice(start + 1, end).filter((line) => !/^\s*<!--.*-->\s*$/.test(line));
  const linkDefinition = /^\[[^\]]+\]:\s*\S+/;
  while (body.length > 0 && (body.at(-1).trim() === '' || linkDefinition.test(body.at(-1))))
    body.pop();
  while (body.length > 0 && body[0].trim() === '') body.shift();
  return body.join('\n');
}

/** The date on a section's heading ("## [1.0.0] - 2026-12-07" → "2026-12-07"), if any. */
export function changelogDate(text, version) {
  const heading = new RegExp(
    `^##\\s+\\[${version.replaceAll('.', '\\.')}\\]\\s+-\\s+(\\d{4}-\\d{2}-\\d{2})\\s*$`,
    'm',
  );
  return heading.exec(String(text).replace(/\r\n?/g, '\n'))?.[1];
}

/**
 * Everything a release needs to know, or every reason it must not happen.
 * - version: what the person releasing typed (X.Y.Z)
 * - changelog: CHANGELOG.md's text
 * - tags: the repository's tag names
 * - ref: the ref the workflow runs on (GITHUB_REF); a release is cut from a branch, never a tag
 * Returns { ok: true, version, tag, majorTag, moveMajor, latest, notes } or { ok: false, problems }.
 * moveMajor is false for a backport (a 1.3.1 after 1.4.0 leaves v1 on 1.4.0); latest says whether the
 * GitHub release becomes "Latest" (the highest version of all).
 */
export function planRelease({ version, changelog, tags, ref }) {
  const problems = [];
  let v;
  try {
    v = parseVersion(version);
  } catch (error) {
    return { ok: false, problems: [error.message] };
  }
  const text = formatVersion(v);
  const { release: tag, major: majorTag } = tagNames(v);

  if (ref !== undefined && !String(ref).startsWith('refs/heads/'))
    problems.push(`releases are cut from a branch, not ${ref}: run the workflow on main`);

  const notes = changelogSection(changelog ?? '', text);
  if (notes === undefined)
    problems.push(
      `CHANGELOG.md has no "## [${text}]" section: move the Unreleased entries under "## [${text}] - YYYY-MM-DD" first`,
    );
  else if (notes.trim() === '')
    problems.push(`CHANGELOG.md's "## [${text}]" section is empty: say what the release changes`);

  const existing = releaseTags(tags ?? []);
  if (existing.some((t) => t.tag === tag))
    problems.push(`${tag} already exists: a release tag is never moved; release the next version`);

  const sameMajor = existing.filter((t) => t.version.major === v.major && t.tag !== tag);
  const moveMajor = sameMajor.every((t) => compareVersions(t.version, v) < 0);
  const latest = existing.every((t) => t.tag === tag || compareVersions(t.version, v) < 0);

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, version: text, tag, majorTag, moveMajor, latest, notes };
}
