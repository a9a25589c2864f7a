import { ConfigError } from '@switchyard/kit';
import { DEFAULTS, parseConfig, type WarmUpSettings } from '@switchyard/config';

const FILE = 'switchyard.yml';

/** The warm-up of `production` in a file with `defaults:` and `production:` sections as given. */
function warmUp(defaults: string, production: string): WarmUpSettings | null {
  const yaml = `app: shop\ndefaults:\n${defaults}\nproduction:\n${production}\n`;
  return parseConfig(yaml, FILE).resolve('production').warmUp;
}

/** What a function throws (fails the test when it returns). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, none was thrown');
}

const DEFAULT_WARM_UP: WarmUpSettings = {
  requests: DEFAULTS.warmUpRequests,
  concurrency: DEFAULTS.warmUpConcurrency,
  path: '/',
};

describe('warm-up: on by default, layered like a mapping', () => {
  test.each<[string, string, string, WarmUpSettings | null]>([
    ['not set: the defaults, on the health path', '  port: 9000', '  {}', DEFAULT_WARM_UP],
    [
      'not set, with a health path: that path',
      '  health: {path: /healthz}',
      '  {}',
      { ...DEFAULT_WARM_UP, path: '/healthz' },
    ],
    [
      'every key set',
      '  port: 9000',
      '  warm-up: {requests: 50, concurrency: 5, path: /api/ping}',
      { requests: 50, concurrency: 5, path: '/api/ping' },
    ],
    [
      'a section key over a defaults key',
      '  warm-up: {requests: 50, concurrency: 5}',
      '  warm-up: {concurrency: 8}',
      { requests: 50, concurrency: 8, path: '/' },
    ],
    ['off', '  port: 9000', '  warm-up: off', null],
    ['OFF', '  port: 9000', '  warm-up: OFF', null],
    ['false', '  port: 9000', '  warm-up: false', null],
    ['0', '  port: 9000', '  warm-up: 0', null],
    ['requests: 0', '  port: 9000', '  warm-up: {requests: 0}', null],
    ['off in defaults', '  warm-up: off', '  {}', null],
    [
      'off in defaults, requests in the section: on again',
      '  warm-up: off',
      '  warm-up: {requests: 10}',
      { ...DEFAULT_WARM_UP, requests: 10 },
    ],
    [
      'a section turning off what defaults set',
      '  warm-up: {requests: 10}',
      '  warm-up: off',
      null,
    ],
    ['an empty warm-up: the defaults', '  port: 9000', '  warm-up:', DEFAULT_WARM_UP],
    [
      'the largest values',
      '  port: 9000',
      '  warm-up: {requests: 10000, concurrency: 500}',
      { ...DEFAULT_WARM_UP, requests: 10_000, concurrency: 500 },
    ],
  ])('[%#] %s', (_title, defaults, production, expected) => {
    expect(warmUp(defaults, production)).toEqual(expected);
  });

  test('the health-path override moves a warm-up that sets no path with it', () => {
    const doc = parseConfig('app: shop\nproduction: {}\n', FILE);
    expect(doc.resolve('production', { 'health-path': '/ready' }).warmUp?.path).toBe('/ready');
  });
});

describe('a bad warm-up is an error at its key', () => {
  test.each<[string, string]>([
    ['warm-up: on', 'production.warm-up: "on" is a string, not a mapping or off'],
    ['warm-up: 5', 'production.warm-up: 5 is a number, not a mapping or off'],
    ['warm-up: [1]', 'production.warm-up'],
    ['warm-up: {requests: 10001}', 'production.warm-up.requests: "10001" is out of range'],
    ['warm-up: {requests: -1}', 'production.warm-up.requests: "-1" is out of range'],
    ['warm-up: {requests: 2.5}', 'production.warm-up.requests: "2.5" is not a whole number'],
    ['warm-up: {concurrency: 0}', 'production.warm-up.concurrency: "0" is out of range'],
    ['warm-up: {concurrency: 501}', 'production.warm-up.concurrency: "501" is out of range'],
    ['warm-up: {path: ping}', 'production.warm-up.path: "ping" is not a URL path'],
    ['warm-up: {request: 10}', 'production.warm-up.request: "request" is not a known key'],
  ])('[%#] %s', (line, message) => {
    const error = thrown(() => parseConfig(`app: shop\nproduction:\n  ${line}\n`, FILE));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(message);
  });
});
