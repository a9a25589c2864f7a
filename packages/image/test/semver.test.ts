import {
  compareSemver,
  formatSemver,
  isPrerelease,
  parseSemver,
  type SemVer,
} from '@switchyard/image';

const v = (text: string): SemVer => {
  const parsed = parseSemver(text);
  if (!parsed) throw new Error(`test setup: ${text} is not a semver`);
  return parsed;
};

describe('parseSemver', () => {
  test.each([
    ['1.4.2', { major: 1, minor: 4, patch: 2, prerelease: [], build: '', raw: '1.4.2' }],
    ['v1.4.2', { major: 1, minor: 4, patch: 2, prerelease: [], build: '', raw: 'v1.4.2' }],
    ['V2.0.0', { major: 2, minor: 0, patch: 0, prerelease: [], build: '', raw: 'V2.0.0' }],
    [' v1.4.2 ', { major: 1, minor: 4, patch: 2, prerelease: [], build: '', raw: 'v1.4.2' }],
    ['0.0.0', { major: 0, minor: 0, patch: 0, prerelease: [], build: '', raw: '0.0.0' }],
    ['v1.3.0-rc.1', { major: 1, minor: 3, patch: 0, prerelease: ['rc', '1'], build: '' }],
    ['1.0.0-alpha', { prerelease: ['alpha'], build: '' }],
    ['1.0.0-0.3.7', { prerelease: ['0', '3', '7'] }],
    ['1.0.0-x.7.z.92', { prerelease: ['x', '7', 'z', '92'] }],
    ['1.0.0-x-y-z.--', { prerelease: ['x-y-z', '--'] }],
    ['1.0.0-0a', { prerelease: ['0a'] }],
    ['1.3.0-rc.1+build.5', { prerelease: ['rc', '1'], build: 'build.5' }],
    ['1.0.0+20130313144700', { prerelease: [], build: '20130313144700' }],
    ['1.0.0+001', { build: '001' }],
    ['1.0.0-beta+exp.sha.5114f85', { prerelease: ['beta'], build: 'exp.sha.5114f85' }],
    ['10.20.30', { major: 10, minor: 20, patch: 30 }],
  ])('[%#] given %o returns %o', (text, expected) => {
    expect(parseSemver(text)).toMatchObject(expected);
  });

  test.each([
    '',
    '1',
    '1.2',
    '1.2.3.4',
    '01.2.3',
    '1.02.3',
    '1.2.03',
    '1.2.3-01',
    '1.2.3-rc.01',
    '1.2.3-',
    '1.2.3+',
    '1.2.3-rc..1',
    '1.2.3+a..b',
    '1.2.3-rc_1',
    'vv1.2.3',
    'release-1.2.3',
    '1.2.3 beta',
    'latest',
    '-1.2.3',
    '99999999999999999999.0.0',
  ])('[%#] given %o returns undefined', (text) => {
    expect(parseSemver(text)).toBeUndefined();
  });
});

describe('formatSemver and isPrerelease', () => {
  test.each([
    ['v1.4.2', '1.4.2', false],
    ['V1.3.0-rc.1', '1.3.0-rc.1', true],
    ['1.0.0+build.5', '1.0.0+build.5', false],
    ['v2.0.0-beta.2+exp.1', '2.0.0-beta.2+exp.1', true],
  ])('[%#] given %o returns %o (pre-release: %o)', (text, formatted, pre) => {
    expect(formatSemver(v(text))).toBe(formatted);
    expect(isPrerelease(v(text))).toBe(pre);
  });
});

describe('compareSemver', () => {
  // semver.org §11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 <
  // 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0, and 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1.
  const precedence = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '2.0.0',
    '2.1.0',
    '2.1.1',
  ];
  const neighbours = precedence.slice(1).map((b, i) => [precedence[i] ?? '', b] as const);

  test.each(neighbours)('[%#] given %o < %o', (a, b) => {
    expect(compareSemver(v(a), v(b))).toBeLessThan(0);
    expect(compareSemver(v(b), v(a))).toBeGreaterThan(0);
  });

  test('sorting a shuffled copy restores the §11 order', () => {
    const shuffled = [...precedence].reverse();
    shuffled.push(shuffled.shift() ?? '');
    expect(shuffled.map(v).sort(compareSemver).map(formatSemver)).toEqual(precedence);
  });

  test.each([
    ['1.9.0', '1.10.0', -1],
    ['1.4.10', '1.4.9', 1],
    ['v1.4.2', '1.4.2', 0],
    ['1.0.0+a', '1.0.0+b', 0],
    ['1.0.0-rc.1+a', '1.0.0-rc.1', 0],
    ['1.0.0-Beta', '1.0.0-alpha', -1],
    ['1.0.0-2', '1.0.0-10', -1],
    ['1.0.0-a10', '1.0.0-a9', -1],
    ['2.0.0-rc.1', '1.9.9', 1],
  ])('[%#] given %o and %o returns sign %o', (a, b, sign) => {
    expect(Math.sign(compareSemver(v(a), v(b)))).toBe(sign);
  });
});
