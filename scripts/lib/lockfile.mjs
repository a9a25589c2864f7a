// The lock-file guard's logic, pure: which dependency specs in a package-lock.json (v2/v3) the lock
// cannot hold steady, and which install scripts no `allowScripts` entry has reviewed.
// Plain Node with no dependencies: scripts/check-lock.mjs runs it before `npm ci`.

/** The dependency fields of a lock entry the guard reads, and what each is called in a report. */
const FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies'];

/**
 * How a spec floats, or null when the lock can hold it. A dist-tag (`latest`, `next`, `beta`) is
 * resolved against the registry at install time, so `npm ci` rejects the lock as soon as the tag
 * moves; a wildcard (`*`, `x`, an empty spec) accepts whatever the next `npm install` finds.
 * Ranges, exact versions, URLs, git and file specs are left alone; an `npm:` alias is judged by
 * the spec inside it (`npm:foo` alone means `npm:foo@latest`).
 * @param {string} spec
 * @returns {'dist-tag' | 'wildcard' | null}
 */
export function floatingKind(spec) {
  const s = String(spec).trim();
  if (s.startsWith('npm:')) {
    const target = s.slice(4);
    const at = target.indexOf('@', 1);
    return at < 0 ? 'dist-tag' : floatingKind(target.slice(at + 1));
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(s) || s.includes('/')) return null; // URL, git, file:, link:, owner/repo
  if (s.split('||').some((part) => /^(?:[*xX](?:\.[*xX]){0,2})?$/.test(part.trim())))
    return 'wildcard';
  if (/^[A-Za-z][\w.-]*$/.test(s) && !/^v\d/.test(s)) return 'dist-tag';
  return null;
}

/** `@scope/name@range` → `@scope/name`; `name` → `name`. */
function overrideKeyName(key) {
  const at = key.indexOf('@', 1);
  return at < 0 ? key : key.slice(0, at);
}

/**
 * Whether an `overrides` value pins: a string (or an object's `"."`) that does not float itself;
 * `$name` refers to the root package's own spec for `name`, as npm reads it.
 */
function pins(value, rootSpecs) {
  const spec = typeof value === 'object' && value !== null ? value['.'] : value;
  if (typeof spec !== 'string') return false;
  const resolved = spec.startsWith('$') ? rootSpecs[spec.slice(1)] : spec;
  return typeof resolved === 'string' && floatingKind(resolved) === null;
}

/**
 * Whether an `overrides` block pins dependency `name` for a package reached through `chain` (the
 * package names from the root's direct dependency down to the one that asks). A top-level entry
 * pins everywhere; an entry nested under a package pins inside that package's subtree, as npm
 * applies it. A key's version range (`pkg@1`) is not compared with the installed version.
 * @param {Record<string, unknown> | undefined} overrides
 * @param {string[]} chain
 * @param {string} name
 * @param {Record<string, string>} rootSpecs
 * @returns {boolean}
 */
export function pinnedByOverride(overrides, chain, name, rootSpecs) {
  if (!overrides || typeof overrides !== 'object') return false;
  for (const [key, value] of Object.entries(overrides)) {
    const keyName = overrideKeyName(key);
    if (keyName === name && pins(value, rootSpecs)) return true;
    if (typeof value !== 'object' || value === null) continue;
    const at = chain.indexOf(keyName);
    if (at >= 0 && pinnedByOverride(value, chain.slice(at + 1), name, rootSpecs)) return true;
  }
  return false;
}

/** The package name at a lock location: `node_modules/a/node_modules/@s/b` → `@s/b`. */
function nameAt(location, entry) {
  if (entry?.name) return entry.name;
  const i = location.lastIndexOf('node_modules/');
  return i < 0 ? location : location.slice(i + 'node_modules/'.length);
}

/** Where `name` required from `location` resolves, by Node's walk up the node_modules folders. */
function resolveFrom(packages, location, name) {
  let base = location;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return null;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

/**
 * The shortest chain of package names from the root to each location, following the lock's
 * dependency edges (breadth first), so a report can say how a package got into the tree.
 * @returns {Map<string, string[]>}
 */
export function chains(lock) {
  const packages = lock.packages ?? {};
  const found = new Map([['', []]]);
  const queue = [''];
  while (queue.length > 0) {
    const location = queue.shift();
    const entry = packages[location] ?? {};
    for (const field of FIELDS) {
      if (field === 'devDependencies' && location !== '') continue;
      for (const dep of Object.keys(entry[field] ?? {})) {
        const to = resolveFrom(packages, location, dep);
        if (to === null || found.has(to)) continue;
        found.set(to, [...found.get(location), nameAt(to, packages[to])]);
        queue.push(to);
      }
    }
  }
  return found;
}

/**
 * @typedef {object} Floating
 * @property {string} name      the dependency asked for
 * @property {string} spec      the floating spec, as written
 * @property {'dist-tag' | 'wildcard'} kind
 * @property {string} field     dependencies, optionalDependencies, peerDependencies or devDependencies
 * @property {string} by        `name@version` of the package that asks (`the root package` for ours)
 * @property {string[]} chain   root → … → the package that asks
 */

/**
 * Every dependency spec in the lock's tree that floats and that no `overrides` entry pins. The
 * specs are the ones the lock recorded from each package's manifest; optional peers that are not
 * installed are skipped (nothing installs them). `overrides` is the root package.json's block.
 * @param {{packages?: Record<string, any>}} lock
 * @param {{overrides?: Record<string, unknown>, dependencies?: Record<string,string>, devDependencies?: Record<string,string>}} pkg
 * @returns {Floating[]}
 */
export function floatingSpecs(lock, pkg) {
  const packages = lock.packages ?? {};
  const rootSpecs = { ...pkg.devDependencies, ...pkg.dependencies };
  const paths = chains(lock);
  const found = [];
  for (const [location, entry] of Object.entries(packages)) {
    if (location.includes('node_modules/') === false && location !== '') continue; // workspace links
    const chain = paths.get(location) ?? [nameAt(location, entry)];
    const by = location === '' ? 'the root package' : `${nameAt(location, entry)}@${entry.version}`;
    for (const field of FIELDS) {
      if (field === 'devDependencies' && location !== '') continue;
      for (const [name, spec] of Object.entries(entry[field] ?? {})) {
        const kind = floatingKind(spec);
        if (kind === null) continue;
        const optionalPeer =
          field === 'peerDependencies' && entry.peerDependenciesMeta?.[name]?.optional;
        if (optionalPeer && resolveFrom(packages, location, name) === null) continue;
        if (location !== '' && pinnedByOverride(pkg.overrides, chain, name, rootSpecs)) continue;
        found.push({ name, spec, kind, field, by, chain: [...chain, name] });
      }
    }
  }
  return found;
}

/**
 * Packages in the lock with install scripts (`hasInstallScript`) that the root package.json's
 * `allowScripts` neither allows nor denies, by name or `name@version` (npm 11's script policy).
 * @returns {{name: string, version: string, location: string}[]}
 */
export function unreviewedScripts(lock, pkg) {
  const policy = pkg.allowScripts ?? {};
  const out = [];
  for (const [location, entry] of Object.entries(lock.packages ?? {})) {
    if (!location || !entry.hasInstallScript) continue;
    const name = nameAt(location, entry);
    if (Object.hasOwn(policy, name) || Object.hasOwn(policy, `${name}@${entry.version}`)) continue;
    out.push({ name, version: entry.version, location });
  }
  return out;
}

/** The guard's report: an empty list when the lock is steady, else one line per problem and a fix. */
export function lockProblems(lock, pkg) {
  const lines = [];
  for (const f of floatingSpecs(lock, pkg)) {
    lines.push(
      `${f.name} "${f.spec}" is a ${f.kind} in ${f.field} of ${f.by} (${f.chain.join(' > ')})`,
    );
  }
  if (lines.length > 0) {
    lines.push(
      'fix: pin each one with an "overrides" entry in package.json (and say why in docs/adrs/0009-pinned-dependencies.md), or drop the dependency that asks for it',
    );
  }
  const scripts = unreviewedScripts(lock, pkg);
  for (const s of scripts)
    lines.push(
      `${s.name}@${s.version} (${s.location}) has an install script no "allowScripts" entry reviews`,
    );
  if (scripts.length > 0) {
    lines.push(
      'fix: read the script, then add "<name>": true (it must run) or false (it need not) to "allowScripts" in package.json',
    );
  }
  return lines;
}
