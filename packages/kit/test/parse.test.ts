import {
  InputError,
  InputReader,
  formatDuration,
  parseBoolean,
  parseDuration,
  parseDurationMs,
  parseEnum,
  parseInteger,
  parseJson,
  parseKeyValues,
  parseList,
  parsePercent,
  parseUrl,
} from '@switchyard/kit';

describe('parseDurationMs', () => {
  test.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    [' 10s ', 10_000],
  ])('[%#] %s is %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  test.each(['', '30', '5x', 's', '1 h', '-1s', '1h 30m', '30sec', '1e3ms', 'ms500'])(
    '[%#] %o is not a duration',
    (text) => {
      expect(parseDurationMs(text)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  test.each([
    [850, '850ms'],
    [4200, '4.2s'],
    [12_345, '12.3s'],
    [125_000, '2m 5s'],
    [5_400_000, '1h 30m'],
  ])('[%#] %d ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('value parsers name the input, show the value and the accepted forms', () => {
  test.each([
    [
      () => parseDuration('timeout', '5x'),
      'input "timeout": "5x" is not a duration. Use a number with a unit: 500ms, 30s, 15m, 1h, 2d, or a sum like 1h30m',
    ],
    [
      () => parseDuration('timeout', '10ms', { min: 1000 }),
      'input "timeout": "10ms" is out of range. Use a value from 1s to 6h',
    ],
    [
      // Node fires a timer of 24.8 days or more at once: no duration may get near it.
      () => parseDuration('timeout', '25d'),
      'input "timeout": "25d" is out of range. Use a value of at most 6h',
    ],
    [
      () => parseDuration('keep', '30d', { max: 365 * 86_400_000 }),
      'input "keep": "30d" is out of range. Use a value of at most 7d',
    ],
    [
      () => parseInteger('attempts', 'three'),
      'input "attempts": "three" is not a whole number. Use a whole number',
    ],
    [
      () => parseInteger('concurrency', '0', { min: 1, max: 256 }),
      'input "concurrency": "0" is out of range. Use a value from 1 to 256',
    ],
    [
      () => parseBoolean('promote', 'yes'),
      'input "promote": "yes" is not a boolean. Use true or false',
    ],
    [
      () => parsePercent('error-rate', '1'),
      'input "error-rate": "1" is not a percentage. Use a number followed by %, e.g. 1% or 0.5%',
    ],
    [
      () => parsePercent('error-rate', '120%'),
      'input "error-rate": "120%" is out of range. Use a value from 0% to 100%',
    ],
    [
      () => parseEnum('mode', 'Enforce', ['enforce', 'warn'] as const),
      'input "mode": "Enforce" is not a valid value. Use one of: enforce, warn',
    ],
    [
      () => parseUrl('base-url', 'localhost:8080'),
      'input "base-url": "localhost:8080" has protocol localhost:. Use one of: http:, https:',
    ],
    [
      () => parseUrl('base-url', 'http//x'),
      'input "base-url": "http//x" is not a valid URL. Use an absolute URL such as http://host:port/path',
    ],
    [
      () => parseJson('payload', '{"a":'),
      /^input "payload": is not valid JSON \(.+\)\. Check quotes, commas and brackets$/,
    ],
    [
      // The document is never quoted, not even by V8's message around the error.
      () => parseJson('payload', 'token-s3cr3t-value'),
      'input "payload": is not valid JSON (Unexpected token \'o\'). Check quotes, commas and brackets',
    ],
    [
      () => parseKeyValues('env', 'A=1\n=2'),
      'input "env": "=2" is not a key=value pair. Write one KEY=value per line',
    ],
    [
      () => parseKeyValues('env', 'A=1\nA=2'),
      'input "env": "A=2" repeats the key "A". Give each key once',
    ],
  ])('[%#] %s', (fn, message) => {
    let caught: unknown;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    if (typeof message === 'string') expect((caught as Error).message).toBe(message);
    else expect((caught as Error).message).toMatch(message);
  });

  test.each([
    ['true', true],
    ['True', true],
    ['FALSE', false],
  ])('[%#] boolean %s', (raw, v) => expect(parseBoolean('x', raw)).toBe(v));

  test('percent returns a fraction', () => {
    expect(parsePercent('p', '0.5%')).toBeCloseTo(0.005);
    expect(parsePercent('p', '80 %')).toBeCloseTo(0.8);
  });

  test('lists split on newlines and commas, trimming and dropping empties', () => {
    expect(parseList('a, b\n\n c ,\r\nd')).toEqual(['a', 'b', 'c', 'd']);
  });

  test('key=value keeps later = signs in the value', () => {
    expect(parseKeyValues('env', 'DSN=postgres://u@h/db?x=1\n B = 2 ')).toEqual({
      DSN: 'postgres://u@h/db?x=1',
      B: '2',
    });
  });
});

describe('InputReader', () => {
  const reader = (values: Record<string, string>): InputReader =>
    new InputReader((n) => values[n] ?? '');

  test('applies defaults only to empty inputs', () => {
    const r = reader({ timeout: '2m', attempts: ' ' });
    expect(r.duration('timeout', { default: 5000 })).toBe(120_000);
    expect(r.integer('attempts', { default: 3 })).toBe(3);
    expect(r.duration('missing', { default: undefined })).toBeUndefined();
  });

  test('an empty input without default is required', () => {
    expect(() => reader({}).duration('window')).toThrow('input "window": "" is required');
    expect(() => reader({}).required('app')).toThrow(InputError);
  });

  test('never coerces an unknown enum value to the default', () => {
    expect(() =>
      reader({ mode: 'strict' }).enum('mode', ['enforce', 'warn'] as const, { default: 'enforce' }),
    ).toThrow('input "mode": "strict" is not a valid value. Use one of: enforce, warn');
  });

  test('reads lists, key=values, urls and json', () => {
    const r = reader({ l: 'a\nb', kv: 'A=1', u: 'https://x.test/p', j: '[1,2]' });
    expect(r.lines('l')).toEqual(['a', 'b']);
    expect(r.keyValues('kv')).toEqual({ A: '1' });
    expect(r.url('u')?.host).toBe('x.test');
    expect(r.json('j')).toEqual([1, 2]);
    expect(r.percent('nope', { default: 0.01 })).toBe(0.01);
  });
});
