import { unreadable, type EnvironmentOverview } from '@switchyard/targets/overview';
import { statusFailure } from '../src/status.js';

const URL = 'http://127.0.0.1:8080';

/** An environment as overview() gives it; `down` as liveDown words it. */
const env = (
  environment: string,
  over: Partial<EnvironmentOverview> = {},
): EnvironmentOverview => ({
  environment,
  app: 'shop',
  url: URL,
  deployed: true,
  live: 'green',
  previous: 'blue',
  history: [],
  notes: [],
  ...over,
});

const DOWN = 'the live color green (1.2.0, registry.test/shop:1.2.0) has no container (removed)';

describe('statusFailure', () => {
  test.each<[string, EnvironmentOverview[], string | undefined]>([
    ['every environment read and live', [env('staging'), env('production')], undefined],
    ['nothing deployed anywhere', [env('dev', { deployed: false, live: null })], undefined],
    [
      'one unreadable (as before)',
      [env('staging'), unreadable('production', 'shop', URL, 'cannot connect')],
      'could not read production (cannot connect)',
    ],
    [
      'one whose live color is down',
      [env('staging'), env('production', { down: DOWN })],
      `production: ${DOWN}: live traffic reaches nothing`,
    ],
    [
      'one unreadable and one down',
      [unreadable('dev', 'shop', URL, 'x'), env('production', { down: DOWN })],
      `could not read dev (x); production: ${DOWN}: live traffic reaches nothing`,
    ],
  ])('[%#] %s', (_name, list, failure) => {
    expect(statusFailure(list)).toBe(failure);
  });
});
