/** The rollback action's own code: inputs, outputs and summary facts (the logic is tested in packages/targets). */
import { ConfigError, InputError, InputReader } from '@switchyard/kit';
import type { RollbackResult, TargetState } from '@switchyard/targets';
import { parseInputs } from '../src/inputs.js';
import { facts, outputs } from '../src/run.js';

const FILE = '/ws/switchyard.yml';
const YAML = [
  'app: shop',
  'production:',
  '  port: 80',
  '  secrets: [DATABASE_URL]',
  'staging:',
  '  port: 8080',
].join('\n');

const parse = (values: Record<string, string>, env: Record<string, string> = {}) =>
  parseInputs(new InputReader((n) => values[n] ?? ''), {
    workspace: '/ws',
    env,
    readFile: (p) => (p === FILE ? YAML : undefined),
  });

const errorOf = (fn: () => unknown): InputError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('rollback inputs', () => {
  test('defaults: no to, no reason, verify 30s, lock 10m, fail-if-noop false', () => {
    const i = parse({ environment: 'staging' });
    expect(i).toMatchObject({
      failIfNoop: false,
      verifyTimeoutMs: 30_000,
      lockTimeoutMs: 600_000,
      secrets: {},
    });
    expect(i.to).toBeUndefined();
    expect(i.reason).toBeUndefined();
    expect(i.config).toMatchObject({
      app: 'shop',
      environment: 'staging',
      target: { kind: 'docker', port: 8080 },
    });
  });

  test('to, reason and the overrides reach the inputs and the config', () => {
    const i = parse({
      environment: 'staging',
      to: ' 1.4.2 ',
      reason: 'p95 doubled',
      'fail-if-noop': 'true',
      'ready-timeout': '2m',
      'keep-previous': '1h',
      'verify-timeout': '5s',
    });
    expect(i).toMatchObject({
      to: '1.4.2',
      reason: 'p95 doubled',
      failIfNoop: true,
      verifyTimeoutMs: 5000,
    });
    expect(i.config.readyTimeoutMs).toBe(120_000);
    expect(i.config.keepPreviousMs).toBe(3_600_000);
  });

  test('a secret the file lists is required up front (a rollback may redeploy), from the input or the env', () => {
    const e = errorOf(() => parse({ environment: 'production' }));
    expect(e.input).toBe('secrets');
    expect(e.message).toContain('DATABASE_URL');
    expect(parse({ environment: 'production' }, { DATABASE_URL: 'postgres://x' }).secrets).toEqual({
      DATABASE_URL: 'postgres://x',
    });
    expect(
      parse({ environment: 'production', secrets: 'DATABASE_URL=postgres://y' }).secrets,
    ).toEqual({ DATABASE_URL: 'postgres://y' });
  });

  test('a reason is one line of plain text: it is logged and recorded on the target', () => {
    for (const reason of ['bad\n::stop-commands::x', 'bad\rx', 'bad\u001b[8m']) {
      const e = errorOf(() => parse({ environment: 'staging', reason }));
      expect(e.input).toBe('reason');
      expect(e.message).toContain('contains a line break or another control character');
    }
  });

  test('registry credentials: both or neither', () => {
    expect(
      parse({ environment: 'staging', 'registry-username': 'ci', 'registry-password': 'pw' })
        .credentials,
    ).toEqual({ username: 'ci', password: 'pw' });
    expect(parse({ environment: 'staging' }).credentials).toBeUndefined();
    expect(errorOf(() => parse({ environment: 'staging', 'registry-username': 'ci' })).input).toBe(
      'registry-password',
    );
  });

  test.each([
    [{}, 'environment', /is required/],
    [{ environment: 'Prod' }, 'environment', /is not an environment name/],
    [{ environment: 'staging', 'verify-timeout': '5' }, 'verify-timeout', /is not a duration/],
    [{ environment: 'staging', 'fail-if-noop': 'yes' }, 'fail-if-noop', /"yes"/],
    [{ environment: 'staging', 'lock-timeout': 'later' }, 'lock-timeout', /is not a duration/],
  ])('%o → an error naming %s', (values, input, message) => {
    const e = errorOf(() => parse(values));
    expect(e.input).toBe(input);
    expect(e.message).toMatch(message);
  });

  test('an environment the file lacks names the input and the sections there are', () => {
    const e = errorOf(() => parse({ environment: 'qa' }));
    expect(e.input).toBe('environment');
    expect(e.message).toContain('Use one of: production, staging');
  });

  test('a bad override names the input, a bad file names the file', () => {
    expect(errorOf(() => parse({ environment: 'staging', 'ready-timeout': 'x' })).input).toBe(
      'ready-timeout',
    );
    expect(() =>
      parseInputs(new InputReader((n) => (n === 'environment' ? 'staging' : '')), {
        workspace: '/ws',
        env: {},
        readFile: () => 'app: shop\nstaging:\n  port: none\n',
      }),
    ).toThrow(ConfigError);
  });
});

const state = (live: 'blue' | 'green'): TargetState => ({
  live,
  previous: live === 'blue' ? 'green' : 'blue',
  history: [],
  colors: {},
  exists: true,
  notes: [],
});

describe('rollback outputs and facts', () => {
  const done: RollbackResult = {
    action: 'rollback',
    changed: true,
    switched: true,
    rolledBack: true,
    method: 'switch',
    before: state('green'),
    after: state('blue'),
    url: 'http://shop:80',
    previewUrl: 'http://shop:81',
    from: { image: 'r/shop:2.0.0', digest: 'sha256:b', version: '2.0.0' },
    to: { image: 'r/shop:1.0.0', digest: 'sha256:a', version: '1.0.0' },
    reason: 'errors',
    durationMs: 1234,
    verified: { ok: true, attempts: 1, detail: 'GET http://shop:80/healthz: 200 in 3ms' },
    message: 'rolled back to 1.0.0 on blue by switch in 1.23s',
  };

  test('a rollback: every output', () => {
    expect(outputs(done)).toEqual({
      'rolled-back': 'true',
      method: 'switch',
      'from-image': 'r/shop:2.0.0',
      'from-version': '2.0.0',
      'to-image': 'r/shop:1.0.0',
      'to-version': '1.0.0',
      color: 'blue',
      duration: '1.23',
      url: 'http://shop:80',
      state: expect.stringContaining('"live":"blue"') as unknown,
    });
    expect(facts(done)).toEqual([
      ['method', 'switch'],
      ['rolled back', '2.0.0 → 1.0.0'],
      ['reason', 'errors'],
      ['verified', '✅ GET http://shop:80/healthz: 200 in 3ms (1 attempt)'],
      ['took', '1.23s'],
    ]);
  });

  test('a no-op: rolled-back false, the rest empty', () => {
    const noop: RollbackResult = {
      action: 'rollback',
      changed: false,
      switched: false,
      rolledBack: false,
      before: state('blue'),
      after: state('blue'),
      url: 'http://shop:80',
      previewUrl: 'http://shop:81',
      message: 'no earlier release',
    };
    expect(outputs(noop)).toMatchObject({
      'rolled-back': 'false',
      method: '',
      'from-image': '',
      'to-image': '',
      color: 'blue',
      duration: '',
    });
    expect(facts(noop)).toEqual([]);
  });
});
