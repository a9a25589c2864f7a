import {
  DockerCli,
  DockerProxy,
  dockerNames,
  type ProxySpec,
  type RuntimeSession,
} from '@switchyard/targets/docker';
import { FakeClock, FakeExec, RecordingLogger } from '../../../test/support/fakes.js';

const SPEC: ProxySpec = {
  image: 'haproxy:3.2',
  bind: '127.0.0.1',
  port: 8080,
  previewPort: 8081,
  labels: {},
  config: {
    app: 'shop',
    environment: 'prod',
    prefix: 'shop-prod',
    defaults: [],
  },
};
const MAP = '0x1 live green\n0x2 preview blue';

/** A scripted session: answers from a function, records what it was sent. */
function fakeSession(
  answer: (cmd: string) => Promise<string>,
): RuntimeSession & { sent: string[] } {
  const sent: string[] = [];
  let alive = true;
  return {
    sent,
    get alive() {
      return alive;
    },
    send: (cmd) => {
      sent.push(cmd);
      return answer(cmd);
    },
    close: () => {
      alive = false;
    },
  };
}

function proxy(exec: FakeExec, session?: RuntimeSession): { p: DockerProxy; opened: string[][] } {
  const opened: string[][] = [];
  const p = new DockerProxy(
    new DockerCli(exec, { kind: 'context', name: 'prod' }),
    dockerNames('shop-prod'),
    SPEC,
    new FakeClock(),
    new RecordingLogger(),
    session
      ? (args) => {
          opened.push([...args]);
          return Promise.resolve(session);
        }
      : undefined,
  );
  return { p, opened };
}

describe('DockerProxy runtime session', () => {
  test('once armed, commands go through the session, not a new docker exec', async () => {
    const exec = new FakeExec();
    const s = fakeSession((cmd) => Promise.resolve(cmd.startsWith('show map') ? MAP : ''));
    const { p, opened } = proxy(exec, s);
    await p.arm();
    expect(opened).toEqual([
      [
        '--context',
        'prod',
        'exec',
        '-i',
        '-u',
        '0',
        'shop-prod-proxy',
        'socat',
        'stdio',
        'unix-connect:/tmp/switchyard-admin.sock',
      ],
    ]);
    await p.setRoutes({ live: 'green', preview: 'blue' });
    expect(s.sent).toEqual([
      'set map /var/lib/switchyard/colors.map live green;set map /var/lib/switchyard/colors.map preview blue',
      'show map /var/lib/switchyard/colors.map',
    ]);
    // Only the map file write is an exec; no socat exec.
    expect(exec.argvs().filter((a) => a.includes('socat'))).toEqual([]);
  });

  test('a session that fails is dropped and the command falls back to one exec', async () => {
    const exec = new FakeExec(() => ({ stdout: MAP }));
    const s = fakeSession(() => Promise.reject(new Error('runtime session ended')));
    const { p } = proxy(exec, s);
    await p.arm();
    await expect(p.runtime('show map /var/lib/switchyard/colors.map', false)).resolves.toBe(MAP);
    expect(s.alive).toBe(false);
    expect(exec.argvs().filter((a) => a.includes('socat'))).toHaveLength(1);
  });

  test('an error answer through the session still fails a change', async () => {
    const s = fakeSession(() => Promise.resolve('Unknown map identifier.'));
    const { p } = proxy(new FakeExec(), s);
    await p.arm();
    await expect(p.setRoutes({ live: 'blue', preview: 'green' })).rejects.toThrow(
      /the proxy's runtime API refused .*Unknown map identifier/,
    );
  });

  test('without a session factory, arm does nothing and every command is an exec', async () => {
    const exec = new FakeExec(() => ({ stdout: MAP }));
    const { p } = proxy(exec);
    await p.arm();
    await expect(p.runtime('show map /var/lib/switchyard/colors.map', false)).resolves.toBe(MAP);
    expect(exec.argvs().filter((a) => a.includes('socat'))).toHaveLength(1);
  });
});
