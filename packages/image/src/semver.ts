/** Semantic versions (semver.org 2.0.0): parsing a git tag such as `v1.4.2`, and precedence. */

export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Dot-separated pre-release identifiers (`['rc', '1']`), empty for a release. */
  readonly prerelease: readonly string[];
  /** Build metadata after `+`, which takes no part in precedence. */
  readonly build: string;
  /** The tag as written, e.g. `v1.4.2`. */
  readonly raw: string;
}

const NUM = '0|[1-9]\\d*';
const ID = `(?:${NUM}|\\d*[a-zA-Z-][0-9a-zA-Z-]*)`;
const SEMVER = new RegExp(
  `^[vV]?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${ID}(?:\\.${ID})*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$`,
);

/** Parses `1.4.2`, `v1.4.2`, `1.3.0-rc.1+build.5`; undefined when the text is not a semver. */
export function parseSemver(text: string): SemVer | undefined {
  const m = SEMVER.exec(text.trim());
  if (!m) return undefined;
  const [, major = '', minor = '', patch = '', pre, build] = m;
  const nums = [major, minor, patch].map(Number);
  if (nums.some((n) => !Number.isSafeInteger(n))) return undefined;
  return {
    major: nums[0] ?? 0,
    minor: nums[1] ?? 0,
    patch: nums[2] ?? 0,
    prerelease: pre ? pre.split('.') : [],
    build: build ?? '',
    raw: text.trim(),
  };
}

/** `1.4.2`, `1.3.0-rc.1`, `1.0.0+build.5`: the version without a `v` prefix. */
export function formatSemver(v: SemVer): string {
  const pre = v.prerelease.length ? `-${v.prerelease.join('.')}` : '';
  return `${v.major}.${v.minor}.${v.patch}${pre}${v.build ? `+${v.build}` : ''}`;
}

export function isPrerelease(v: SemVer): boolean {
  return v.prerelease.length > 0;
}

function compareIdentifiers(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Number(a) - Number(b);
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semver precedence: negative when a < b, 0 when equal (build metadata ignored), positive when a > b. */
export function compareSemver(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return core;
  if (!a.prerelease.length || !b.prerelease.length)
    return b.prerelease.length - a.prerelease.length;
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = compareIdentifiers(x, y);
    if (c !== 0) return c;
  }
  return 0;
}
