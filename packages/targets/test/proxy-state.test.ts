import {
  checkConfigArgs,
  describeProxyState,
  dockerReason,
  haproxyAlerts,
  lastLine,
  parseProxyInfo,
} from '@switchyard/targets/docker';
import { LABELS } from '@switchyard/targets';

const NAME = 'shop-prod-proxy';
const LABELS_OK = { [LABELS.role]: 'proxy', [LABELS.publish]: '127.0.0.1:8080,8081' };

/** A `docker container inspect --format '{{json .}}'` document of the proxy. */
const inspect = (state: object, restarts = 0, labels: object = LABELS_OK): string =>
  JSON.stringify({
    State: state,
    RestartCount: restarts,
    Config: { Image: 'haproxy:3.2', Labels: labels },
  });

describe('parseProxyInfo', () => {
  test.each([
    [
      'running',
      inspect({ Status: 'running', Running: true }),
      { running: true, state: 'running', restarts: 0 },
    ],
    [
      // Docker says Running: true between two crashes of a crash loop.
      'crash-looping',
      inspect({ Status: 'restarting', Running: true, Restarting: true }, 7),
      { running: false, state: 'restarting', restarts: 7 },
    ],
    [
      'stopped',
      inspect({ Status: 'exited', Running: false }),
      { running: false, state: 'exited', restarts: 0 },
    ],
    [
      'created, never started',
      inspect({ Status: 'created', Running: false }),
      { running: false, state: 'created', restarts: 0 },
    ],
  ])('[%#] a %s proxy', (_name, json, expected) => {
    expect(parseProxyInfo(json, NAME)).toEqual({
      ...expected,
      image: 'haproxy:3.2',
      publish: '127.0.0.1:8080,8081',
    });
  });

  test('a container of that name without the proxy role is refused, naming it', () => {
    expect(() => parseProxyInfo(inspect({ Running: true }, 0, {}), NAME)).toThrow(
      /a container named shop-prod-proxy exists but switchyard did not create it/,
    );
  });
});

describe('describeProxyState', () => {
  test.each([
    [{ state: 'restarting', restarts: 5 }, 'crash-looping (restarted 5 times)'],
    [{ state: 'restarting', restarts: 1 }, 'crash-looping (restarted 1 time)'],
    [{ state: 'exited', restarts: 0 }, 'stopped (exited)'],
    [{ state: 'created', restarts: 0 }, 'created but never started'],
    [{ state: 'paused', restarts: 0 }, 'paused'],
  ])('[%#] given %o returns %o', (info, expected) => {
    expect(describeProxyState(info)).toBe(expected);
  });
});

describe('haproxyAlerts', () => {
  const LOG = [
    '[NOTICE]   (1) : haproxy version is 2.6.12-1+deb12u4',
    '[NOTICE]   (1) : path to executable is /usr/sbin/haproxy',
    "[ALERT]    (1) : config : parsing [/var/lib/switchyard/haproxy.cfg:1]: unknown keyword 'garbage' out of section.",
    '[ALERT]    (1) : config : Fatal errors found in configuration.',
    '',
  ].join('\n');

  test('keeps HAProxy’s alerts, drops its notices', () => {
    expect(haproxyAlerts(LOG)).toBe(
      [
        "[ALERT]    (1) : config : parsing [/var/lib/switchyard/haproxy.cfg:1]: unknown keyword 'garbage' out of section.",
        '[ALERT]    (1) : config : Fatal errors found in configuration.',
      ].join('\n'),
    );
  });

  test('config alerts come first in what it says: a worker the last stop terminated is left out', () => {
    const stopped = '[ALERT]    (1) : Current worker (8) exited with code 143 (Terminated)\n';
    expect(haproxyAlerts(`${stopped}${LOG}`)).toBe(haproxyAlerts(LOG));
    expect(haproxyAlerts(stopped)).toBe(stopped.trim());
  });

  test('a crash loop repeats them: each is kept once, at its last place', () => {
    expect(haproxyAlerts(`${LOG}${LOG}`).split('\n')).toHaveLength(2);
  });

  test('only the last `max` of them, and nothing when there are none', () => {
    expect(haproxyAlerts(LOG, 1)).toBe(
      '[ALERT]    (1) : config : Fatal errors found in configuration.',
    );
    expect(haproxyAlerts('[NOTICE] all good\n')).toBe('');
  });
});

test('checkConfigArgs: a throwaway container of the image, the volume read-only, config on stdin', () => {
  expect(checkConfigArgs('haproxy:3.2', 'shop-prod-proxy')).toEqual([
    'run',
    '--rm',
    '-i',
    '-u',
    '0',
    '--network',
    'none',
    '-v',
    'shop-prod-proxy:/var/lib/switchyard:ro',
    '--entrypoint',
    'sh',
    'haproxy:3.2',
    '-c',
    'cat > /tmp/haproxy.cfg && exec haproxy -c -f /tmp/haproxy.cfg',
  ]);
});

test.each([
  [
    'Error response from daemon: Container abc is restarting\n',
    'Error response from daemon: Container abc is restarting',
  ],
  ['first\n\n  second  \n\n', 'second'],
  ['', ''],
])('[%#] lastLine(%o) is %o', (text, expected) => {
  expect(lastLine(text)).toBe(expected);
});

test.each([
  [
    'Error response from daemon: failed to create shim task: exec: "/x": no such file\nError: failed to start containers: c\n',
    'Error response from daemon: failed to create shim task: exec: "/x": no such file',
  ],
  ['Error: something else\n', 'Error: something else'],
])('[%#] dockerReason picks the daemon’s answer', (text, expected) => {
  expect(dockerReason(text)).toBe(expected);
});
