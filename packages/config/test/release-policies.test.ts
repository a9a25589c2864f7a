/**
 * `notify:`, `windows:` and `github:` in switchyard.yml: each parsed by its package's own reader,
 * checked with the whole file (a mistake in staging fails a production deploy before it starts),
 * blamed at the key in the file, and replaced whole by an environment's own section.
 */
import { ConfigError } from '@switchyard/kit';
import { parseConfig } from '@switchyard/config';

const FILE = 'switchyard.yml';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, none was thrown');
}

const YAML = `app: shop
defaults:
  notify:
    webhook: { url: https://hooks.example.com/deploys, secret: HOOK_SECRET, events: [all] }
  windows:
    time-zone: Europe/Berlin
    allow: ["Mon-Fri 09:00-16:00"]
staging: {}
production:
  notify:
    slack: { channel: "#deploys", token-secret: SLACK_BOT_TOKEN }
    pagerduty: { routing-key-secret: PD_ROUTING_KEY }
  github:
    reviewers: [octocat, "@octo-org/release-managers"]
    wait-timer: 10m
    branches: [main]
    tags: ["v*"]
`;

describe('notify, windows and github sections', () => {
  test('an environment gets the defaults, or its own section whole (never a merge of the two)', () => {
    const doc = parseConfig(YAML, FILE);
    const staging = doc.resolve('staging');
    expect(staging.notify?.webhook?.url).toBe('https://hooks.example.com/deploys');
    expect(staging.notify?.slack).toBeUndefined();
    expect(staging.windows?.timeZone).toBe('Europe/Berlin');
    expect(staging.github).toBeUndefined();
    const production = doc.resolve('production');
    expect(production.notify?.webhook).toBeUndefined();
    expect(production.notify?.slack).toMatchObject({ channel: '#deploys' });
    expect(production.notify?.pagerduty).toBeDefined();
    expect(production.windows?.allow).toHaveLength(1);
    expect(production.github).toMatchObject({ waitTimerMinutes: 10 });
    expect(production.github?.reviewers).toHaveLength(2);
  });

  test('nothing set: no notifications, no windows, no protection to manage', () => {
    const c = parseConfig('app: shop\nproduction: {}\n', FILE).resolve('production');
    expect([c.notify, c.windows, c.github]).toEqual([undefined, undefined, undefined]);
  });

  test.each([
    ['staging:\n  windows: { time-zone: Mars/Olympus }', /staging\.windows\.time-zone/],
    ['staging:\n  notify: { slack: { channel: "#x" } }', /staging\.notify\.slack/],
    ['staging:\n  github: { reviewers: [a, b, c, d, e, f, g] }', /staging\.github\.reviewers/],
  ])('a mistake in any environment fails the whole file at its key: %s', (section, at) => {
    const error = thrown(() => parseConfig(`app: shop\nproduction: {}\n${section}\n`, FILE));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(at);
    expect(error.message).toContain(FILE);
  });
});
