import { DockerCli, DockerProxy, dockerNames, type ProxySpec } from '@switchyard/targets/docker';
import { FakeClock, FakeExec, RecordingLogger } from '../../../test/support/fakes.js';
import {
  parseMap,
  parseServersState,
  PROXY_FILES,
  renderConfig,
  renderMap,
  runtimeError,
  switchCommands,
  type ProxyConfig,
  type Routes,
} from '@switchyard/targets/docker';

const config: ProxyConfig = {
  app: 'shop',
  environment: 'production',
  prefix: 'shop-production',
  containerPort: 3000,
  defaults: ['  timeout tunnel 1h', 'option forwardfor  '],
};
const PROXY_SPEC: ProxySpec = {
  image: 'haproxy:3.2',
  bind: '127.0.0.1',
  port: 8080,
  previewPort: 8081,
  config,
  labels: {},
};
const silentLog = new RecordingLogger();

/** The lines of one section: from its header line to the next blank line. */
const section = (text: string, header: string): string[] => {
  const lines = text.split('\n');
  const start = lines.indexOf(header);
  const end = lines.indexOf('', start);
  return start < 0 ? [] : lines.slice(start, end);
};

describe('renderConfig', () => {
  const text = renderConfig(config);

  test('is deterministic: the same input renders the same text', () => {
    expect(renderConfig({ ...config, defaults: [...config.defaults] })).toBe(text);
  });

  test.each([
    ['blue', '  server app shop-production-blue:3000 resolvers docker init-addr libc,none'],
    ['green', '  server app shop-production-green:3000 resolvers docker init-addr libc,none'],
  ])('[%#] backend be_%s reaches %o', (color, server) => {
    expect(section(text, `backend be_${color}`)).toEqual([`backend be_${color}`, server]);
  });

  test.each([
    ['live', 8080],
    ['preview', 8081],
  ])('[%#] frontend %s binds :%d and picks its backend from the map', (name, port) => {
    expect(section(text, `frontend ${name}`)).toEqual([
      `frontend ${name}`,
      `  bind :${port}`,
      `  use_backend be_%[str(${name}),map(${PROXY_FILES.map},none)]`,
      '  default_backend be_none',
    ]);
  });

  test("puts the user's defaults lines, trimmed and indented, in the defaults section", () => {
    const defaults = section(text, 'defaults');
    expect(defaults.slice(-2)).toEqual(['  timeout tunnel 1h', '  option forwardfor']);
    expect(defaults).toContain('  mode http');
  });

  test('has be_none answering 503 and the admin socket at level admin', () => {
    expect(section(text, 'backend be_none')[1]).toMatch(/^ {2}http-request return status 503 /);
    expect(section(text, 'global')[1]).toBe(
      '  stats socket /tmp/switchyard-admin.sock mode 600 level admin',
    );
  });

  test('names the app and environment in its header comment', () => {
    expect(text.split('\n')[0]).toContain('shop (production)');
  });
});

describe('renderMap / parseMap', () => {
  test.each<[Routes, string]>([
    [{ live: 'blue', preview: 'green' }, 'live blue\npreview green\n'],
    [{ live: 'green', preview: 'blue' }, 'live green\npreview blue\n'],
    [{ live: null, preview: 'blue' }, 'live none\npreview blue\n'],
    [{ live: null, preview: null }, 'live none\npreview none\n'],
  ])('[%#] given %o renders %o, and parses back', (routes, text) => {
    expect(renderMap(routes)).toBe(text);
    expect(parseMap(text)).toEqual(routes);
  });

  test.each<[string, Routes]>([
    // `show map <file>` answers: `<entry pointer> <key> <value>`, a blank line at the end.
    [
      '0x55d1c0a3e2f0 live green\n0x55d1c0a3e340 preview blue\n\n',
      { live: 'green', preview: 'blue' },
    ],
    ['0x55d1c0a3e2f0 live none\n0x55d1c0a3e340 preview blue\n\n', { live: null, preview: 'blue' }],
    ['', { live: null, preview: null }],
    ['live purple\npreview green\n', { live: null, preview: 'green' }],
    ['  live   blue  \n', { live: 'blue', preview: null }],
  ])('[%#] given %o returns %o', (text, routes) => {
    expect(parseMap(text)).toEqual(routes);
  });
});

describe('switchCommands', () => {
  test.each<[Routes, string]>([
    [
      { live: 'green', preview: 'blue' },
      `set map ${PROXY_FILES.map} live green;set map ${PROXY_FILES.map} preview blue`,
    ],
    [
      { live: null, preview: 'blue' },
      `set map ${PROXY_FILES.map} live none;set map ${PROXY_FILES.map} preview blue`,
    ],
  ])('[%#] given %o returns %o', (routes, commands) => {
    expect(switchCommands(routes)).toBe(commands);
  });
});

const HEADER =
  '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';
/** A real `show servers state be_green` answer (HAProxy 3.0). */
const SERVERS_GREEN = `1\n${HEADER}\n5 be_green 1 app 172.18.0.4 2 0 1 1 20 1 0 0 0 0 0 0 exp-green 8080 - 0 0 - - 0\n\n`;
const UNRESOLVED = '5 be_green 1 app - 0 32 1 1 2 1 0 0 0 0 0 0 exp-green 8080 - 0 0 - - 0';

describe('parseServersState', () => {
  test.each([
    [
      'the real be_green answer',
      SERVERS_GREEN,
      [{ backend: 'be_green', address: '172.18.0.4', operational: 2, admin: 0 }],
    ],
    [
      'an unresolved server',
      `1\n${HEADER}\n${UNRESOLVED}\n\n`,
      [{ backend: 'be_green', address: '-', operational: 0, admin: 32 }],
    ],
    [
      'both backends',
      `1\n${HEADER}\n4 be_blue 1 app 172.18.0.3 2 0 1 1 9 1 0 0 0 0 0 0 exp-blue 8080 - 0 0 - - 0\n${UNRESOLVED}\n`,
      [
        { backend: 'be_blue', address: '172.18.0.3', operational: 2, admin: 0 },
        { backend: 'be_green', address: '-', operational: 0, admin: 32 },
      ],
    ],
    ['no servers', `1\n${HEADER}\n\n`, []],
  ])('[%#] given %s returns %o', (_name, text, servers) => {
    expect(parseServersState(text)).toEqual(servers);
  });
});

describe('runtimeError', () => {
  test.each([
    ['', undefined],
    ['\n', undefined],
    ["IP changed from '172.18.0.4' to '172.18.0.5' by 'stats socket command'\n", undefined],
    ['0x55d1c0a3e2f0 live green\n0x55d1c0a3e340 preview blue\n', undefined],
    [
      "Unknown command: 'sho', but maybe one of the following ones is a better match:\n  show map\n",
      "Unknown command: 'sho', but maybe one of the following ones is a better match:",
    ],
    ['No such backend.\n', 'No such backend.'],
    ['entry not found.\n', 'entry not found.'],
    ['Permission denied\n', 'Permission denied'],
  ])('[%#] given %j returns %o', (answer, error) => {
    expect(runtimeError(answer)).toBe(error);
  });

  test('the real show servers state answer is data, not an error', () => {
    expect(runtimeError(SERVERS_GREEN)).toBeUndefined();
    expect(runtimeError(`1\n${HEADER}\n${UNRESOLVED}\n`)).toBeUndefined();
  });

  // `show` answers carry container names (`<app>-<env>-<color>`), which may hold any word, so
  // DockerProxy only checks answers of commands that change something; show answers are data.
  test('a show servers state answer for an app named error-pages reads as data through the proxy', async () => {
    const answer = SERVERS_GREEN.replace('exp-green', 'error-pages-production-green');
    expect(runtimeError(answer)).toBeDefined(); // why show answers must not go through it
    const exec = new FakeExec(() => ({ stdout: answer }));
    const proxy = new DockerProxy(
      new DockerCli(exec, { kind: 'local' }),
      dockerNames('error-pages-production'),
      PROXY_SPEC,
      new FakeClock(),
      silentLog,
    );
    await expect(proxy.servers()).resolves.toEqual([
      { backend: 'be_green', address: '172.18.0.4', operational: 2, admin: 0 },
    ]);
  });
});
