/** The `monitor:` section: parsed with monitor-window's own parsers, layered over `defaults:`, errors naming file and key. */
import { ConfigError } from '@switchyard/kit';
import { MONITOR_INPUTS, MONITOR_KEYS, parseConfig, readMonitorInputs } from '@switchyard/config';

const FILE = 'switchyard.yml';

function errorOf(yaml: string): ConfigError {
  try {
    parseConfig(yaml, FILE).resolve('production');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('monitor: section', () => {
  test('defaults.monitor and the environment merge key by key; rules replace as a whole', () => {
    const doc = parseConfig(
      [
        'app: shop',
        'defaults:',
        '  monitor:',
        '    prometheus-url: http://prom:9090',
        '    interval: 10s',
        '    rules:',
        '      - name: cpu',
        '        enabled: false',
        'production:',
        '  monitor:',
        '    interval: 30s',
        '    color-label: none',
        '    min-requests: 0',
        '    rules:',
        '      - name: p95-latency',
        '        critical: 3x',
      ].join('\n'),
      FILE,
    );
    const m = doc.resolve('production').monitor;
    expect(m['prometheus-url']).toBe('http://prom:9090');
    expect(m.interval).toBe(30_000);
    expect(m['color-label']).toBe('');
    expect(m['min-requests']).toBe(0);
    const rules = m.rules ?? [];
    expect(rules.find((r) => r.name === 'p95-latency')?.critical).toEqual({
      kind: 'baseline',
      factor: 3,
      text: '3x baseline',
    });
    // The environment's list replaced the defaults' list: cpu is the built-in again.
    expect(rules.find((r) => r.name === 'cpu')?.enabled).toBe(true);
  });

  test('no monitor: section resolves to {}', () => {
    expect(
      parseConfig('app: shop\nproduction:\n  port: 80', FILE).resolve('production').monitor,
    ).toEqual({});
  });

  test.each([
    ['selector: app==web', /^switchyard\.yml: production\.monitor\.selector: "app==web" has/],
    [
      'color-label: 9x',
      /^switchyard\.yml: production\.monitor\.color-label: "9x" is not a Prometheus label name/,
    ],
    ['duration: 15', /^switchyard\.yml: production\.monitor\.duration: "15" is not a duration/],
    ['failure-limit: 0', /^switchyard\.yml: production\.monitor\.failure-limit: "0"/],
    ['no-data: maybe', /^switchyard\.yml: production\.monitor\.no-data: "maybe"/],
    [
      'prometheus-url: prom:9090',
      /^switchyard\.yml: production\.monitor\.prometheus-url: "prom:9090"/,
    ],
    [
      'intervall: 1s',
      /^switchyard\.yml: production\.monitor\.intervall: "intervall" is not a known key \(did you mean interval\?\)/,
    ],
    [
      'rules:\n      - name: error-rate\n        critical: lots',
      /^switchyard\.yml: production\.monitor\.rules\[0\]\.critical: "lots" is not a threshold/,
    ],
    [
      'rules:\n      - name: q\n        query: max(x{$sel})\n        critical: 1',
      /^switchyard\.yml: production\.monitor\.rules\[0\]\.query: .* uses \$sel, which is not known/,
    ],
    [
      'metrics:\n      requests: 9bad',
      /^switchyard\.yml: production\.monitor\.metrics\.requests: "9bad" is not a Prometheus metric name/,
    ],
  ])('%s → an error naming the file and key path', (setting, message) => {
    const e = errorOf(`app: shop\nproduction:\n  monitor:\n    ${setting}\n`);
    expect(e.message).toMatch(message);
    expect(e.file).toBe(FILE);
  });
});

describe('readMonitorInputs: the monitor-window inputs as a monitor: layer', () => {
  const inputs = (values: Record<string, string>): ReturnType<typeof readMonitorInputs> =>
    readMonitorInputs((n) => values[n] ?? '');

  test('each input is read by its key’s reader; empty and blank ones are not set', () => {
    expect(
      inputs({ duration: '5m', interval: ' ', 'no-data': 'pass', 'color-label': 'none' }),
    ).toEqual({ duration: 300_000, 'no-data': 'pass', 'color-label': '' });
    expect(inputs({})).toEqual({});
  });

  test.each([
    ['interval', '50ms', /^input "interval": "50ms" is/],
    ['failure-limit', '0', /^input "failure-limit": "0" is out of range/],
    ['no-data', 'maybe', /^input "no-data": "maybe"/],
    ['selector', 'app=', /^input "selector": /],
  ])('a bad %s names the input', (name, value, message) => {
    expect(() => inputs({ [name]: value })).toThrow(message);
  });

  test('every input is a key of monitor:, and the file key reads the same value the same way', () => {
    for (const key of MONITOR_INPUTS) expect(MONITOR_KEYS).toContain(key);
    const file = parseConfig(
      'app: shop\nproduction:\n  monitor: {duration: 5m, failure-limit: 4, selector: job="web"}\n',
      'switchyard.yml',
    ).resolve('production').monitor;
    expect(inputs({ duration: '5m', 'failure-limit': '4', selector: 'job="web"' })).toEqual(file);
  });
});
