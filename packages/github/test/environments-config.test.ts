import { InputError } from '@switchyard/kit';
import { parseGithubProtection, type DesiredProtection } from '../src/environments-config.js';

const PATH = 'environments.production.github';

/** The error a bad value throws (the test fails when nothing is thrown). */
function rejection(raw: unknown): InputError {
  try {
    parseGithubProtection(PATH, raw);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('parseGithubProtection: valid', () => {
  const base: DesiredProtection = {
    reviewers: [],
    preventSelfReview: false,
    waitTimerMinutes: 0,
    refs: { kind: 'any' },
  };
  test.each<[string, unknown, DesiredProtection]>([
    ['empty (null)', null, base],
    ['empty mapping', {}, base],
    [
      'the documented example',
      {
        reviewers: ['octocat', '@octo-org/release-managers'],
        'prevent-self-review': true,
        'wait-timer': '10m',
        branches: ['main', 'release/*'],
        tags: ['v*'],
        'admin-bypass': false,
      },
      {
        reviewers: [
          { kind: 'user', login: 'octocat' },
          { kind: 'team', org: 'octo-org', slug: 'release-managers' },
        ],
        preventSelfReview: true,
        waitTimerMinutes: 10,
        refs: { kind: 'custom', branches: ['main', 'release/*'], tags: ['v*'] },
        adminBypass: false,
      },
    ],
    [
      'team without @, user with @, one string for a list',
      { reviewers: ['octo-org/sre', '@hubot'], tags: 'v*' },
      {
        ...base,
        reviewers: [
          { kind: 'team', org: 'octo-org', slug: 'sre' },
          { kind: 'user', login: 'hubot' },
        ],
        refs: { kind: 'custom', branches: [], tags: ['v*'] },
      },
    ],
    [
      'protected branches',
      { 'protected-branches': true },
      { ...base, refs: { kind: 'protected' } },
    ],
    ['wait timer 0 (a number)', { 'wait-timer': 0 }, base],
    ['wait timer 1h30m', { 'wait-timer': '1h30m' }, { ...base, waitTimerMinutes: 90 }],
    [
      'wait timer 30d (the maximum)',
      { 'wait-timer': '30d' },
      { ...base, waitTimerMinutes: 43_200 },
    ],
    ['admin bypass "true" as text', { 'admin-bypass': 'true' }, { ...base, adminBypass: true }],
    [
      'six reviewers',
      { reviewers: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'] },
      {
        ...base,
        reviewers: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((login) => ({ kind: 'user', login })),
      },
    ],
  ])('[%s]', (_, raw, expected) => {
    expect(parseGithubProtection(PATH, raw)).toEqual(expected);
  });
});

describe('parseGithubProtection: invalid values name the key and the fix', () => {
  test.each<[string, unknown, string, RegExp]>([
    ['not a mapping', ['octocat'], PATH, /is a list, not a mapping.*Write github: \{reviewers/],
    [
      'unknown key',
      { reviewer: ['octocat'] },
      `${PATH}.reviewer`,
      /not a known key.*Valid keys: reviewers, /,
    ],
    [
      'seven reviewers',
      { reviewers: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'] },
      `${PATH}.reviewers`,
      /lists 7 reviewers.*at most 6/,
    ],
    [
      'reviewers a mapping',
      { reviewers: { a: 1 } },
      `${PATH}.reviewers`,
      /a mapping, not a list.*YAML list/,
    ],
    [
      'bad user name',
      { reviewers: ['octo cat'] },
      `${PATH}.reviewers[0]`,
      /not a GitHub user name.*octocat/,
    ],
    [
      'user name starting with -',
      { reviewers: ['-octocat'] },
      `${PATH}.reviewers[0]`,
      /not a GitHub user name/,
    ],
    [
      'bad team slug',
      { reviewers: ['@org/Release Managers'] },
      `${PATH}.reviewers[0]`,
      /not a team.*slug/,
    ],
    [
      'reviewer twice',
      { reviewers: ['octocat', '@OctoCat'] },
      `${PATH}.reviewers[1]`,
      /listed twice.*once/,
    ],
    [
      'reviewer a list',
      { reviewers: [['x']] },
      `${PATH}.reviewers[0]`,
      /a list, not a single value/,
    ],
    [
      'prevent-self-review without reviewers',
      { 'prevent-self-review': true },
      `${PATH}.prevent-self-review`,
      /needs required reviewers.*reviewers/,
    ],
    [
      'prevent-self-review yes',
      { 'prevent-self-review': 'yes' },
      `${PATH}.prevent-self-review`,
      /not a boolean.*true or false/,
    ],
    ['wait timer without unit', { 'wait-timer': 10 }, `${PATH}.wait-timer`, /not a duration.*15m/],
    [
      'wait timer in seconds',
      { 'wait-timer': '90s' },
      `${PATH}.wait-timer`,
      /whole number of minutes/,
    ],
    [
      'wait timer over 30 days',
      { 'wait-timer': '31d' },
      `${PATH}.wait-timer`,
      /out of range.*0 to 30d/,
    ],
    ['branch pattern empty', { branches: [''] }, `${PATH}.branches[0]`, /is empty.*main/],
    [
      'branch pattern with a newline',
      { branches: ['main\n::x'] },
      `${PATH}.branches[0]`,
      /control character.*one line/,
    ],
    ['tag twice', { tags: ['v*', 'v*'] }, `${PATH}.tags[1]`, /listed twice/],
    [
      'pattern too long',
      { branches: ['x'.repeat(256)] },
      `${PATH}.branches[0]`,
      /256 characters.*at most 255/,
    ],
    [
      'protected branches and a list',
      { 'protected-branches': true, tags: ['v*'] },
      `${PATH}.protected-branches`,
      /cannot be combined with tags.*either/,
    ],
    ['admin-bypass a number', { 'admin-bypass': 1 }, `${PATH}.admin-bypass`, /not a boolean/],
  ])('[%s]', (_, raw, input, message) => {
    const error = rejection(raw);
    expect(error.input).toBe(input);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`input "${input}": `)).toBe(true);
  });
});
