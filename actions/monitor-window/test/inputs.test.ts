import { ConfigError, InputError } from '@switchyard/kit';
import { BUILTIN_RULES, DEFAULT_METRICS, parseSelector } from '@switchyard/metrics';
import { memoryBytes } from '@switchyard/config';
import { MONITOR_DEFAULTS, type MonitorInputs } from '../src/inputs.js';
import { MIN, parse, SEC, WORKSPACE } from './fixtures.js';

const CONFIG_PATH = `${WORKSPACE}/switchyard.yml`;

/** A switchyard.yml with `app:` and a staging section holding `resources:` and the given `monitor:` lines. */
function configFile(monitorLines: string[] = [], resources = '{cpus: 2, memory: 512m}'): string {
  return [
    'app: shop',
    'staging:',
    '  url: https://staging.shop.test',
    `  resources: ${resources}`,
    ...(monitorLines.length ? ['  monitor:', ...monitorLines.map((l) => `    ${l}`)] : []),
    '',
  ].join('\n');
}

/** parse() with environment staging and the file at the default path. */
const withFile = (values: Record<string, string>, monitorLines: string[] = []) =>
  parse({ environment: 'staging', ...values }, { [CONFIG_PATH]: configFile(monitorLines) });

/** The error parse() throws (fails the test when it does not throw). */
function errorOf(run: () => unknown): InputError {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

const ruleOf = (inputs: MonitorInputs, name: string) => inputs.rules.find((r) => r.name === name)!;

describe('parseInputs: defaults', () => {
  test('a health URL alone: every default, the built-in rules, no Prometheus', () => {
    const i = parse({ 'health-url': 'https://shop.test/healthz' });
    expect(i).toMatchObject({
      durationMs: 15 * MIN,
      intervalMs: 30 * SEC,
      rateWindowMs: MIN,
      baselineWindowMs: 10 * MIN,
      failureLimit: 2,
      maxNoData: 3,
      noData: 'fail',
      minRequests: 10,
      failOn: 'failed',
      colorLabel: 'color',
      secrets: [],
    });
    expect(i.config).toBeUndefined();
    expect(i.prometheus).toBeUndefined();
    expect(i.selector).toBeUndefined();
    expect(i.baselineSelector).toBeUndefined();
    expect(i.baselineEnd).toBeUndefined();
    expect(i.rules).toEqual(BUILTIN_RULES);
    expect(i.health).toEqual({ urls: ['https://shop.test/healthz'], timeoutMs: 5000 });
    expect(i.variables).toEqual({ ...DEFAULT_METRICS, cpu_limit: '1' });
  });

  test('MONITOR_DEFAULTS holds the documented defaults', () => {
    expect(MONITOR_DEFAULTS).toMatchObject({
      durationMs: 15 * MIN,
      intervalMs: 30 * SEC,
      rateWindowMs: MIN,
      baselineWindowMs: 10 * MIN,
      failureLimit: 2,
      maxNoData: 3,
      noData: 'fail',
      minRequests: 10,
      colorLabel: 'color',
    });
  });

  test('an environment alone is something to watch; the file sets no monitor keys', () => {
    const i = withFile({});
    expect(i.config).toMatchObject({ app: 'shop', environment: 'staging' });
    expect(i.config!.monitor).toEqual({});
    expect(i).toMatchObject({ durationMs: 15 * MIN, colorLabel: 'color', noData: 'fail' });
    expect(i.prometheus).toBeUndefined();
    expect(i.health.urls).toEqual([]);
    // The config's health settings fill the health defaults.
    expect(i.health.timeoutMs).toBe(5000);
    expect(i.health.expectStatus?.text).toBe('200-399');
  });

  test('without the default config file, the environment resolves from the defaults and the app input', () => {
    const i = parse({ environment: 'staging', app: 'shop', 'health-url': 'http://a/' });
    expect(i.config).toMatchObject({ app: 'shop', environment: 'staging', monitor: {} });
  });

  test('fail-on takes failed, inconclusive or never', () => {
    const base = { 'health-url': 'http://a/' };
    expect(parse({ ...base, 'fail-on': 'inconclusive' }).failOn).toBe('inconclusive');
    expect(parse({ ...base, 'fail-on': 'never' }).failOn).toBe('never');
    expect(errorOf(() => parse({ ...base, 'fail-on': 'sometimes' })).input).toBe('fail-on');
  });
});

describe('parseInputs: input > monitor: section > default', () => {
  // [input, monitor: line, input value, what to read, from the input, from the file, the default]
  const cases: [
    string,
    string,
    string,
    (i: MonitorInputs) => unknown,
    unknown,
    unknown,
    unknown,
  ][] = [
    ['duration', 'duration: 20m', '5m', (i) => i.durationMs, 5 * MIN, 20 * MIN, 15 * MIN],
    ['interval', 'interval: 1m', '10s', (i) => i.intervalMs, 10 * SEC, MIN, 30 * SEC],
    ['rate-window', 'rate-window: 2m', '30s', (i) => i.rateWindowMs, 30 * SEC, 2 * MIN, MIN],
    [
      'baseline-window',
      'baseline-window: 5m',
      '20m',
      (i) => i.baselineWindowMs,
      20 * MIN,
      5 * MIN,
      10 * MIN,
    ],
    ['failure-limit', 'failure-limit: 4', '6', (i) => i.failureLimit, 6, 4, 2],
    ['max-no-data', 'max-no-data: 5', '7', (i) => i.maxNoData, 7, 5, 3],
    ['no-data', 'no-data: inconclusive', 'pass', (i) => i.noData, 'pass', 'inconclusive', 'fail'],
    ['min-requests', 'min-requests: 50', '0', (i) => i.minRequests, 0, 50, 10],
    [
      'selector',
      'selector: job="file"',
      'job="input",env=~"prod.*"',
      (i) => i.selector,
      parseSelector('s', 'job="input",env=~"prod.*"'),
      parseSelector('s', 'job="file"'),
      undefined,
    ],
    [
      'color-label',
      'color-label: deploy_color',
      'slot',
      (i) => i.colorLabel,
      'slot',
      'deploy_color',
      'color',
    ],
    [
      'prometheus-url',
      'prometheus-url: http://prom.file:9090',
      'https://prom.input/prometheus/',
      (i) => i.prometheus?.url,
      'https://prom.input/prometheus',
      'http://prom.file:9090',
      undefined,
    ],
  ];

  test.each(cases)('%s', (input, line, value, read, fromInput, fromFile, fallback) => {
    expect(read(withFile({}))).toEqual(fallback);
    expect(read(withFile({}, [line]))).toEqual(fromFile);
    expect(read(withFile({ [input]: value }, [line]))).toEqual(fromInput);
    expect(read(withFile({ [input]: value }))).toEqual(fromInput);
  });

  test('every monitor: key at once, none given as an input', () => {
    const i = withFile({}, [
      'prometheus-url: http://prom.file:9090',
      'selector: job="file"',
      'color-label: none',
      'duration: 20m',
      'interval: 1m',
      'rate-window: 2m',
      'baseline-window: 5m',
      'failure-limit: 4',
      'max-no-data: 5',
      'no-data: pass',
      'min-requests: 0',
    ]);
    expect(i).toMatchObject({
      prometheus: { url: 'http://prom.file:9090', headers: {}, timeoutMs: 10_000 },
      selector: [{ label: 'job', op: '=', value: 'file' }],
      colorLabel: '',
      durationMs: 20 * MIN,
      intervalMs: MIN,
      rateWindowMs: 2 * MIN,
      baselineWindowMs: 5 * MIN,
      failureLimit: 4,
      maxNoData: 5,
      noData: 'pass',
      minRequests: 0,
    });
  });

  test('color-label: none (input) means no color split', () => {
    expect(withFile({ 'color-label': 'none' }).colorLabel).toBe('');
    expect(withFile({ 'color-label': 'none' }, ['color-label: deploy_color']).colorLabel).toBe('');
    expect(withFile({}, ['color-label: none']).colorLabel).toBe('');
    expect(errorOf(() => withFile({ 'color-label': '1color' })).input).toBe('color-label');
  });

  test('rules: the input is applied over the file’s rules, key by key', () => {
    const fileRules = ['rules:', '  - name: error-rate', '    critical: 2%'];
    const fromFile = withFile({}, fileRules);
    expect(ruleOf(fromFile, 'error-rate').critical).toEqual({
      kind: 'absolute',
      value: 0.02,
      text: '2%',
    });
    expect(ruleOf(fromFile, 'error-rate').warning).toEqual(
      builtinThreshold('error-rate', 'warning'),
    );

    const both = withFile({ rules: '- name: error-rate\n  warning: 0.5%' }, fileRules);
    expect(ruleOf(both, 'error-rate')).toMatchObject({
      warning: { kind: 'absolute', value: 0.005, text: '0.5%' },
      critical: { kind: 'absolute', value: 0.02, text: '2%' },
      builtin: true,
    });
    // The other built-ins are untouched.
    expect(both.rules.map((r) => r.name)).toEqual(BUILTIN_RULES.map((r) => r.name));
    expect(ruleOf(both, 'p95-latency')).toEqual(BUILTIN_RULES[1]);

    // Without the file's rules, the input applies over the built-ins.
    const inputOnly = withFile({ rules: '- name: error-rate\n  warning: 0.5%' });
    expect(ruleOf(inputOnly, 'error-rate').critical).toEqual(
      builtinThreshold('error-rate', 'critical'),
    );
  });

  test('a custom rule from the file and one from the input are both kept, in order', () => {
    const i = withFile(
      {
        'prometheus-url': 'http://prom:9090',
        rules: '- name: queue\n  query: max(queue_depth{$selector})\n  warning: 100',
      },
      [
        'rules:',
        '  - name: checkout',
        '    query: sum(rate(checkout_failures_total{$selector}[$window]))',
        '    critical: 0.5',
      ],
    );
    expect(i.rules.map((r) => r.name)).toEqual([
      ...BUILTIN_RULES.map((r) => r.name),
      'checkout',
      'queue',
    ]);
  });

  test('query-timeout reaches the Prometheus settings', () => {
    const i = parse({
      'prometheus-url': 'http://prom:9090',
      selector: 'job="web"',
      'query-timeout': '3s',
    });
    expect(i.prometheus).toEqual({ url: 'http://prom:9090', headers: {}, timeoutMs: 3000 });
  });
});

function builtinThreshold(name: string, key: 'warning' | 'critical') {
  return BUILTIN_RULES.find((r) => r.name === name)![key];
}

describe('parseInputs: template variables from resources', () => {
  test('$cpu_limit and $memory_limit (bytes) from the environment’s resources', () => {
    expect(withFile({}).variables).toEqual({
      ...DEFAULT_METRICS,
      cpu_limit: '2',
      memory_limit: '536870912',
    });
  });

  test.each([
    ['{cpus: 0.5, memory: 1g}', '0.5', '1073741824'],
    ['{memory: 1048576}', '1', '1048576'],
    ['{memory: 256k}', '1', '262144'],
    ['{cpus: 4}', '4', undefined],
  ])('resources %s', (resources, cpu, memory) => {
    const i = parse({ environment: 'staging' }, { [CONFIG_PATH]: configFile([], resources) });
    expect(i.variables.cpu_limit).toBe(cpu);
    expect(i.variables.memory_limit).toBe(memory);
  });

  test('monitor.metrics names the app’s metrics', () => {
    const i = withFile({}, [
      'metrics:',
      '  requests: shop_requests_total',
      '  histogram: shop_latency_seconds_bucket',
      '  status-label: status',
    ]);
    expect(i.variables).toMatchObject({
      requests: 'shop_requests_total',
      histogram: 'shop_latency_seconds_bucket',
      status_label: 'status',
    });
  });

  test.each([
    ['512m', 536870912],
    ['512M', 536870912],
    ['1g', 1073741824],
    ['1.5g', 1610612736],
    ['64k', 65536],
    ['100b', 100],
    ['1073741824', 1073741824],
    [' 2g ', 2147483648],
  ])('memoryBytes(%j) = %d', (size, bytes) => {
    expect(memoryBytes(size)).toBe(bytes);
  });

  test('memoryBytes of something docker would not take is NaN', () => {
    expect(memoryBytes('lots')).toBeNaN();
    expect(memoryBytes('1gb')).toBeNaN();
  });
});

describe('parseInputs: health', () => {
  test('health-url lines, timeout and expected status', () => {
    const i = parse({
      'health-url': 'https://a.test/healthz\n  https://b.test/ready  \n',
      'health-timeout': '2s',
      'health-expect-status': '204',
    });
    expect(i.health.urls).toEqual(['https://a.test/healthz', 'https://b.test/ready']);
    expect(i.health.timeoutMs).toBe(2000);
    expect(i.health.expectStatus?.text).toBe('204');
  });

  test('health-failures overrides the health rule’s failure limit, and only that', () => {
    expect(ruleOf(parse({ 'health-url': 'http://a/' }), 'health').failureLimit).toBe(3);
    const i = parse({ 'health-url': 'http://a/', 'health-failures': '5' });
    expect(ruleOf(i, 'health').failureLimit).toBe(5);
    expect(ruleOf(i, 'error-rate').failureLimit).toBeUndefined();
    expect(i.failureLimit).toBe(2);
  });

  test('health-failures wins over a failure-limit the rules give the health rule', () => {
    const i = parse({
      'health-url': 'http://a/',
      rules: '- name: health\n  failure-limit: 4',
      'health-failures': '6',
    });
    expect(ruleOf(i, 'health').failureLimit).toBe(6);
  });

  test('the config file’s health section gives timeout and status; inputs win', () => {
    const file = [
      'app: shop',
      'staging:',
      '  health: {path: /healthz, timeout: 3s, expect-status: 200}',
      '',
    ].join('\n');
    const i = parse({ environment: 'staging' }, { [CONFIG_PATH]: file });
    expect(i.health.timeoutMs).toBe(3000);
    expect(i.health.expectStatus?.text).toBe('200');
    const j = parse(
      { environment: 'staging', 'health-timeout': '1s', 'health-expect-status': '2xx' },
      { [CONFIG_PATH]: file },
    );
    expect(j.health.timeoutMs).toBe(1000);
    expect(j.health.expectStatus?.text).toBe('2xx');
  });

  test.each([
    [{ 'health-url': 'not a url' }, 'health-url'],
    [{ 'health-url': 'http://a/\nftp://b/' }, 'health-url[1]'],
    [{ 'health-url': 'http://a/', 'health-failures': '0' }, 'health-failures'],
    [{ 'health-url': 'http://a/', 'health-timeout': 'soon' }, 'health-timeout'],
    [{ 'health-url': 'http://a/', 'health-expect-status': '2xxx' }, 'health-expect-status'],
  ])('%j fails naming %s', (values, input) => {
    expect(errorOf(() => parse(values)).input).toBe(input);
  });
});

describe('parseInputs: Prometheus and its credentials', () => {
  const base = { 'prometheus-url': 'https://prom.test/prometheus', selector: 'job="web"' };

  test('no credentials: no headers, nothing to mask', () => {
    const i = parse(base);
    expect(i.prometheus).toEqual({
      url: 'https://prom.test/prometheus',
      headers: {},
      timeoutMs: 10_000,
    });
    expect(i.secrets).toEqual([]);
  });

  test('a token becomes a bearer Authorization header; token and header are secrets', () => {
    const i = parse({ ...base, 'prometheus-token': 'tok-123' });
    expect(i.prometheus!.headers).toEqual({ Authorization: 'Bearer tok-123' });
    expect(i.secrets).toEqual(expect.arrayContaining(['tok-123', 'Bearer tok-123']));
  });

  test('username and password become a basic Authorization header', () => {
    const i = parse({ ...base, 'prometheus-username': 'alice', 'prometheus-password': 'pw-9' });
    const basic = `Basic ${Buffer.from('alice:pw-9').toString('base64')}`;
    expect(i.prometheus!.headers).toEqual({ Authorization: basic });
    expect(i.secrets).toEqual(expect.arrayContaining(['pw-9', basic]));
  });

  test('a token together with basic auth is an error naming prometheus-token', () => {
    const e = errorOf(() =>
      parse({
        ...base,
        'prometheus-token': 't',
        'prometheus-username': 'alice',
        'prometheus-password': 'pw',
      }),
    );
    expect(e.input).toBe('prometheus-token');
    expect(e.message).toContain('is set together with prometheus-username');
    expect(e.message).not.toContain('"t"');
  });

  test('a token with only a password is the token-vs-basic conflict, not a missing user', () => {
    const e = errorOf(() =>
      parse({ ...base, 'prometheus-token': 't', 'prometheus-password': 'pw' }),
    );
    expect(e.input).toBe('prometheus-token');
    expect(e.message).toContain('is set together with prometheus-password');
  });

  test('a password in a health-url is a secret', () => {
    const got = parse({ 'health-url': 'http://probe:s3cret-pw@app.example.com/healthz' });
    expect(got.secrets).toContain('s3cret-pw');
    expect(got.health.urls).toEqual(['http://probe:s3cret-pw@app.example.com/healthz']);
  });

  test('a username without a password (and the reverse) is an error', () => {
    expect(errorOf(() => parse({ ...base, 'prometheus-username': 'alice' })).input).toBe(
      'prometheus-password',
    );
    expect(errorOf(() => parse({ ...base, 'prometheus-password': 'pw' })).input).toBe(
      'prometheus-username',
    );
  });

  test('credentials in the URL move to a basic header and out of the URL', () => {
    const i = parse({ ...base, 'prometheus-url': 'https://bob:s3cr%40t@prom.test/prometheus/' });
    const basic = `Basic ${Buffer.from('bob:s3cr@t').toString('base64')}`;
    expect(i.prometheus!.url).toBe('https://prom.test/prometheus');
    expect(i.prometheus!.url).not.toContain('s3cr');
    expect(i.prometheus!.headers).toEqual({ Authorization: basic });
    expect(i.secrets).toEqual(expect.arrayContaining(['s3cr@t', basic]));
  });

  test('every prometheus-headers value is a secret; headers combine with a token', () => {
    const i = parse({
      ...base,
      'prometheus-headers': 'X-Scope-OrgID: team-a\nX-Api-Key=k-77',
      'prometheus-token': 'tok',
    });
    expect(i.prometheus!.headers).toEqual({
      'X-Scope-OrgID': 'team-a',
      'X-Api-Key': 'k-77',
      Authorization: 'Bearer tok',
    });
    expect(i.secrets).toEqual(expect.arrayContaining(['team-a', 'k-77', 'tok', 'Bearer tok']));
  });

  test.each([
    'prometheus-token',
    'prometheus-username',
    'prometheus-password',
    'prometheus-headers',
  ])('%s without prometheus-url is an error naming it, without its value', (name) => {
    const e = errorOf(() => parse({ 'health-url': 'http://a/', [name]: 'X-Secret: v4lue' }));
    expect(e.input).toBe(name);
    expect(e.message).toContain('is set without prometheus-url');
    expect(e.message).not.toContain('v4lue');
  });

  test('the file’s prometheus-url takes the credential inputs', () => {
    const i = withFile({ 'prometheus-token': 'tok' }, ['prometheus-url: http://prom.file:9090']);
    expect(i.prometheus).toEqual({
      url: 'http://prom.file:9090',
      headers: { Authorization: 'Bearer tok' },
      timeoutMs: 10_000,
    });
  });

  test.each([
    [{ 'prometheus-url': 'prom:9090', selector: 'a="b"' }, 'prometheus-url'],
    [{ 'prometheus-url': 'ftp://prom/', selector: 'a="b"' }, 'prometheus-url'],
    [{ ...base, 'query-timeout': '10ms' }, 'query-timeout'],
    [{ ...base, 'prometheus-headers': 'no header here' }, 'prometheus-headers[line 1]'],
  ])('%j fails naming %s', (values, input) => {
    expect(errorOf(() => parse(values)).input).toBe(input);
  });
});

describe('parseInputs: what to watch', () => {
  test('nothing to watch: no prometheus-url, no health-url, no environment', () => {
    const e = errorOf(() => parse({}));
    expect(e.input).toBe('prometheus-url');
    expect(e.message).toContain('and health-url are both empty');
  });

  test('a selector is required with Prometheus and without environment', () => {
    const e = errorOf(() => parse({ 'prometheus-url': 'http://prom:9090' }));
    expect(e.input).toBe('selector');
    expect(e.message).toContain('is required without environment');
    // With an environment, the selector comes from the target.
    expect(withFile({ 'prometheus-url': 'http://prom:9090' }).selector).toBeUndefined();
  });

  test('selector and baseline-selector are parsed as label matchers', () => {
    const i = parse({
      'prometheus-url': 'http://prom:9090',
      selector: '{job="web", color="green"}',
      'baseline-selector': 'job="web",color="blue"',
    });
    expect(i.selector).toEqual([
      { label: 'job', op: '=', value: 'web' },
      { label: 'color', op: '=', value: 'green' },
    ]);
    expect(i.baselineSelector).toEqual([
      { label: 'job', op: '=', value: 'web' },
      { label: 'color', op: '=', value: 'blue' },
    ]);
    expect(
      errorOf(() =>
        parse({
          'prometheus-url': 'http://prom:9090',
          selector: 'job="web"',
          'baseline-selector': 'job=',
        }),
      ).input,
    ).toBe('baseline-selector');
  });

  test('a custom rule without prometheus-url is an error naming prometheus-url', () => {
    const e = errorOf(() =>
      parse({
        'health-url': 'http://a/',
        rules: '- name: queue\n  query: max(queue_depth{$selector})\n  critical: 100',
      }),
    );
    expect(e.input).toBe('prometheus-url');
    expect(e.message).toContain('is required for the rule queue');
    // A disabled custom rule needs no Prometheus.
    const off = parse({
      'health-url': 'http://a/',
      rules:
        '- name: queue\n  query: max(queue_depth{$selector})\n  critical: 100\n  enabled: false',
    });
    expect(off.rules.at(-1)).toMatchObject({ name: 'queue', enabled: false });
  });

  test('a custom rule from the file without any prometheus-url is an error too', () => {
    const e = errorOf(() =>
      withFile({}, [
        'rules:',
        '  - name: queue',
        '    query: max(queue_depth{$selector})',
        '    critical: 100',
      ]),
    );
    expect(e.input).toBe('prometheus-url');
  });

  test('bad rules input names the rule and key', () => {
    expect(
      errorOf(() =>
        parse({ 'health-url': 'http://a/', rules: '- name: error-rate\n  critical: lots' }),
      ).input,
    ).toBe('rules[0].critical');
    expect(errorOf(() => parse({ 'health-url': 'http://a/', rules: '- [unclosed' })).input).toBe(
      'rules',
    );
  });
});

describe('parseInputs: durations', () => {
  test('an interval longer than the duration is an error naming interval', () => {
    const e = errorOf(() => parse({ 'health-url': 'http://a/', duration: '1m', interval: '2m' }));
    expect(e.input).toBe('interval');
    expect(e.message).toBe(
      'input "interval": "2m" is longer than duration (1m). Make interval at most as long as duration, e.g. duration 15m with interval 30s',
    );
    // Equal is fine: one evaluation at the end.
    expect(parse({ 'health-url': 'http://a/', duration: '1m', interval: '1m' }).intervalMs).toBe(
      MIN,
    );
  });

  test('an interval longer than the duration, both from the file, blames the file’s key as written', () => {
    const e = errorOf(() => withFile({}, ['duration: 1m', 'interval: 2m']));
    // Not the input "interval" (never set) with a value nobody wrote ("120000ms").
    expect(e.message).toContain('switchyard.yml');
    expect(e.message).toContain('monitor.interval');
    expect(e.message).not.toContain('120000ms');
    expect(e.message).not.toContain('input "interval"');
  });

  test('an interval from the input longer than the file’s duration is an error too', () => {
    expect(errorOf(() => withFile({ interval: '5m' }, ['duration: 2m'])).input).toBe('interval');
  });

  test.each([
    ['duration', '0s'],
    ['duration', 'forever'],
    ['interval', '10ms'],
    ['rate-window', '500ms'],
    ['baseline-window', 'x'],
    ['failure-limit', '0'],
    ['max-no-data', '1001'],
    ['min-requests', '-1'],
    ['no-data', 'ignore'],
  ])('%s %j is an error naming it', (input, value) => {
    expect(errorOf(() => parse({ 'health-url': 'http://a/', [input]: value })).input).toBe(input);
  });
});

describe('parseInputs: baseline-end', () => {
  const at = (value: string) =>
    parse({ 'health-url': 'http://a/', 'baseline-end': value }).baselineEnd;

  test('an ISO 8601 time with a zone', () => {
    expect(at('2026-01-01T00:05:00Z')).toBe(Date.UTC(2026, 0, 1, 0, 5));
    expect(at('2026-01-01T02:05:00+02:00')).toBe(Date.UTC(2026, 0, 1, 0, 5));
    expect(at('2026-01-01T00:05:00.250Z')).toBe(Date.UTC(2026, 0, 1, 0, 5, 0, 250));
  });

  test('unix seconds, whole or fractional', () => {
    expect(at('1767225900')).toBe(1_767_225_900_000);
    expect(at('1767225900.5')).toBe(1_767_225_900_500);
  });

  test.each([
    'yesterday',
    '2026-01-01',
    '01/01/2026 10:00',
    '2026-13-45T99:00:00Z',
    '-5',
    '2026-01-01T10:15:00', // no zone: would be read in the runner's zone
  ])('%j is not a time', (value) => {
    const e = errorOf(() => at(value));
    expect(e.input).toBe('baseline-end');
    expect(e.message).toContain('is not a time');
  });
});

describe('parseInputs: the config file', () => {
  const bad = (text: string, values: Record<string, string> = {}) =>
    errorOf(() => parse({ environment: 'staging', ...values }, { [CONFIG_PATH]: text }));

  test('a bad threshold in monitor.rules is a ConfigError naming file and key path', () => {
    const e = bad(
      'app: shop\nstaging:\n  monitor:\n    rules:\n      - name: error-rate\n        critical: lots\n',
    );
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(
      /^switchyard\.yml: staging\.monitor\.rules\[0\]\.critical: "lots" is not a threshold/,
    );
    expect((e as ConfigError).file).toBe('switchyard.yml');
    expect(e.input).toBe('staging.monitor.rules[0].critical');
  });

  test.each([
    [
      'staging:\n  monitor:\n    durations: 5m',
      'staging.monitor.durations',
      'is not a known key (did you mean duration?)',
    ],
    [
      'staging:\n  monitor:\n    duration: 5x',
      'staging.monitor.duration',
      '"5x" is not a duration',
    ],
    ['staging:\n  monitor:\n    no-data: ignore', 'staging.monitor.no-data', '"ignore"'],
    ['staging:\n  monitor:\n    failure-limit: 0', 'staging.monitor.failure-limit', 'out of range'],
    [
      'staging:\n  monitor:\n    selector: "job="',
      'staging.monitor.selector',
      'has no value after job=',
    ],
    [
      'staging:\n  monitor:\n    color-label: 1x',
      'staging.monitor.color-label',
      'is not a Prometheus label name',
    ],
    ['staging:\n  monitor:\n    prometheus-url: prom:9090', 'staging.monitor.prometheus-url', ''],
    [
      'staging:\n  monitor:\n    rules:\n      - name: q\n        query: up{$nope}\n        critical: 1',
      'staging.monitor.rules[0].query',
      'uses $nope',
    ],
    [
      'staging:\n  monitor:\n    metrics: {requests: "1bad"}',
      'staging.monitor.metrics.requests',
      'is not a Prometheus metric name',
    ],
    [
      'defaults:\n  monitor:\n    interval: soon\nstaging:',
      'defaults.monitor.interval',
      '"soon" is not a duration',
    ],
  ])('%j → %s', (body, path, detail) => {
    const e = bad(`app: shop\n${body}\n`);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.input).toBe(path);
    expect(e.message.startsWith(`switchyard.yml: ${path}: `)).toBe(true);
    expect(e.message).toContain(detail);
  });

  test('a config input names its own file; a missing one is an error', () => {
    const i = parse(
      { environment: 'staging', config: 'deploy/sy.yml' },
      { [`${WORKSPACE}/deploy/sy.yml`]: configFile(['duration: 7m']) },
    );
    expect(i.durationMs).toBe(7 * MIN);
    const e = errorOf(() => parse({ environment: 'staging', config: 'deploy/missing.yml' }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toContain('deploy/missing.yml: does not exist');
  });

  test('a ConfigError names the config input’s path', () => {
    const e = errorOf(() =>
      parse(
        { environment: 'staging', config: 'deploy/sy.yml' },
        { [`${WORKSPACE}/deploy/sy.yml`]: 'app: shop\nstaging:\n  monitor:\n    duration: 5x\n' },
      ),
    );
    expect(e.message).toMatch(/^deploy\/sy\.yml: staging\.monitor\.duration: /);
  });

  test('defaults.monitor and the environment’s monitor are layered key by key', () => {
    const text = [
      'app: shop',
      'defaults:',
      '  monitor: {duration: 20m, failure-limit: 5}',
      'staging:',
      '  monitor: {duration: 10m}',
      '',
    ].join('\n');
    const i = parse({ environment: 'staging' }, { [CONFIG_PATH]: text });
    expect(i.durationMs).toBe(10 * MIN);
    expect(i.failureLimit).toBe(5);
  });

  test('an environment the file does not have is an error naming environment', () => {
    expect(errorOf(() => withFile({ environment: 'prod' })).input).toBe('environment');
  });
});
