/**
 * The proxy's repair (proxy-setup.ts, proxy.ts) against a scripted Docker: a crash-looping proxy on
 * a broken config, a stopped one, a changed proxy.image, a config HAProxy rejects, and the runtime
 * API of a proxy that does not answer.
 */
import { LABELS } from '@switchyard/targets';
import {
  DockerCli,
  DockerProxy,
  dockerNames,
  ProxySetup,
  publishLabel,
  renderConfig,
  tarFile,
  untarFirstFile,
  type ProxySpec,
} from '@switchyard/targets/docker';
import {
  FakeClock,
  FakeExec,
  RecordingLogger,
  type ExecCall,
} from '../../../test/support/fakes.js';

const SPEC: ProxySpec = {
  image: 'haproxy:3.2',
  bind: '127.0.0.1',
  port: 8080,
  previewPort: 8081,
  labels: { [LABELS.app]: 'shop', [LABELS.environment]: 'prod' },
  config: {
    app: 'shop',
    environment: 'prod',
    prefix: 'shop-prod',
    defaults: [],
  },
};
const PORT = { port: 8080, source: 'docker.container-port' };
const GOOD = renderConfig({ ...SPEC.config, containerPort: PORT.port });
const ALERT =
  "[ALERT]    (1) : config : parsing [/var/lib/switchyard/haproxy.cfg:1]: unknown keyword 'garbage' out of section.";
const MAP = 'live green\npreview blue\n';

/** The Docker host as the fake sees it: one proxy container and the files of its volume. */
interface Host {
  state: 'running' | 'restarting' | 'exited';
  restarts: number;
  image: string;
  files: Record<string, string>;
  /** Whether HAProxy accepts a config (the throwaway `haproxy -c`, and a start). */
  accepts: (config: string, image: string) => boolean;
  /** Images that start at all. */
  starts: (image: string) => boolean;
  /** Names of existing containers → image. */
  containers: Record<string, string>;
  /** The runtime map (`show map`) when it differs from the map file (a switch not saved yet). */
  runtimeMap?: string;
}

function host(over: Partial<Host> = {}): Host {
  return {
    state: 'running',
    restarts: 0,
    image: SPEC.image,
    files: { 'haproxy.cfg': GOOD, 'colors.map': MAP },
    accepts: (c) => !c.includes('garbage') && !c.includes('no-such-keyword'),
    starts: () => true,
    containers: { 'shop-prod-proxy': over.image ?? SPEC.image },
    ...over,
  };
}

const PROXY = 'shop-prod-proxy';

/** A fake `docker` over a {@link Host}: enough of inspect, cp, run, exec, start, restart, create. */
function dockerOver(h: Host): FakeExec {
  const tarOf = (name: string): string => tarFile(name, h.files[name] ?? '', 0).toString('utf8');
  const fileName = (input: string): string => {
    // The tar header's name field: the first 100 bytes, NUL-padded.
    return input.slice(0, 100).replace(/\0.*$/s, '');
  };
  return new FakeExec((call: ExecCall) => {
    const a = call.args;
    const input = call.options.input ?? '';
    switch (a[0]) {
      case 'container':
        if (!(PROXY in h.containers)) return { exitCode: 1, stderr: 'Error: No such container' };
        return {
          stdout: JSON.stringify({
            State: {
              Status: h.state,
              Running: h.state !== 'exited',
              Restarting: h.state === 'restarting',
            },
            RestartCount: h.restarts,
            Config: {
              Image: h.containers[PROXY],
              Labels: { [LABELS.role]: 'proxy', [LABELS.publish]: publishLabel(SPEC) },
            },
          }),
        };
      case 'cp': {
        if (a[1] === '-') {
          const name = fileName(input);
          h.files[name] = untarFirstFile(Buffer.from(input, 'utf8')) ?? '';
          return {};
        }
        const name = (a[1] ?? '').split('/').at(-1) ?? '';
        return name in h.files ? { stdout: tarOf(name) } : { exitCode: 1, stderr: 'no such file' };
      }
      case 'run': {
        const image = a[a.indexOf('--entrypoint') + 2] ?? '';
        return h.accepts(input, image)
          ? { stdout: 'Configuration file is valid' }
          : { exitCode: 1, stderr: `${ALERT}\n[ALERT] (1) : config : Fatal errors found.` };
      }
      case 'exec': {
        if (h.state !== 'running')
          return {
            exitCode: 126,
            stderr: `Error response from daemon: Container 0123 is restarting, wait until the container is running`,
          };
        if (a.includes('socat')) {
          if (input.startsWith('show info')) return { stdout: 'Name: HAProxy\n' };
          if (input.startsWith('show map'))
            return { stdout: h.runtimeMap ?? (h.files['colors.map'] ?? '').replace(/^/gm, '0x1 ') };
          return {};
        }
        h.files[(a.at(-1) ?? '').split('/').at(-1) ?? ''] = input;
        return {};
      }
      case 'logs':
        return { stderr: `[NOTICE] (1) : haproxy version is 2.6.12\n${ALERT}\n` };
      case 'start':
      case 'restart': {
        const image = h.containers[PROXY] ?? '';
        const ok = h.starts(image) && h.accepts(h.files['haproxy.cfg'] ?? '', image);
        h.state = ok ? 'running' : 'restarting';
        h.restarts = ok ? 0 : h.restarts + 1;
        return {};
      }
      case 'create':
        h.containers[a[a.indexOf('--name') + 1] ?? ''] = a[a.indexOf('--entrypoint') + 2] ?? '';
        return {};
      case 'rm':
        delete h.containers[a[2] ?? ''];
        return {};
      case 'rename':
        h.containers[a[2] ?? ''] = h.containers[a[1] ?? ''] ?? '';
        delete h.containers[a[1] ?? ''];
        h.state = 'exited';
        return {};
      default:
        return {};
    }
  });
}

function setup(h: Host): {
  setup: ProxySetup;
  proxy: DockerProxy;
  exec: FakeExec;
  log: RecordingLogger;
} {
  const exec = dockerOver(h);
  const log = new RecordingLogger();
  const docker = new DockerCli(exec, { kind: 'local' });
  const clock = new FakeClock();
  const names = dockerNames('shop-prod');
  const proxy = new DockerProxy(docker, names, SPEC, clock, log);
  return { setup: new ProxySetup(proxy, docker, names, SPEC, clock, log), proxy, exec, log };
}

/** The docker verbs run, in order (`exec` with its program: `exec:socat`, `exec:sh`). */
const verbs = (exec: FakeExec): string[] =>
  exec
    .argvs()
    .map((a) => (a[0] === 'exec' ? `exec:${a[a.indexOf(PROXY) + 1] ?? ''}` : (a[0] ?? '')));

describe('ProxySetup.ensure repairs a broken proxy', () => {
  test('crash-looping on a broken config: a checked config written with docker cp, then a restart', async () => {
    const h = host({ state: 'restarting', restarts: 6 });
    h.files['haproxy.cfg'] = 'garbage here\n';
    const { setup: s, exec, log } = setup(h);
    await expect(s.ensure(PORT)).resolves.toBe('repaired');
    expect(h.files['haproxy.cfg']).toBe(GOOD);
    expect(h.state).toBe('running');
    // Nothing went through exec into the broken container but the socket probe after the restart.
    const v = verbs(exec);
    expect(v.filter((x) => x.startsWith('exec:') && x !== 'exec:socat')).toEqual([]);
    expect(v.indexOf('run')).toBeLessThan(v.indexOf('restart'));
    const checked = exec.calls.find((c) => c.args[0] === 'run');
    expect(checked?.options.input).toBe(GOOD);
    expect(log.text()).toMatch(
      /warning: the proxy shop-prod-proxy was crash-looping \(restarted 6 times\): wrote a valid config and restarting it \(live traffic was not served meanwhile\)\. HAProxy said:\n.*unknown keyword 'garbage'/,
    );
  });

  test('crash-looping on its own (valid) config: a failed check says why at once, nothing restarted', async () => {
    const h = host({ state: 'restarting', restarts: 3, accepts: () => false });
    const { setup: s, exec } = setup(h);
    await expect(s.ensure(PORT)).rejects.toThrow(
      /HAProxy rejected the new proxy config[\s\S]*garbage/,
    );
    expect(verbs(exec)).not.toContain('restart');
  });

  test('stopped with the right config: checked and started', async () => {
    const h = host({ state: 'exited' });
    const { setup: s, exec, log } = setup(h);
    await expect(s.ensure(PORT)).resolves.toBe('started');
    expect(verbs(exec)).toContain('start');
    expect(log.text()).toContain('the proxy shop-prod-proxy was stopped (exited): starting it');
  });

  test('running with the right config: nothing to do, nothing checked or written', async () => {
    const { setup: s, exec } = setup(host());
    await expect(s.ensure(PORT)).resolves.toBe('unchanged');
    expect(verbs(exec)).toEqual(['container', 'cp']);
  });

  test('running with another config: checked in a throwaway container, written, reloaded', async () => {
    const h = host();
    h.files['haproxy.cfg'] = GOOD.replace('timeout connect 5s', 'timeout connect 9s');
    const { setup: s, exec } = setup(h);
    await expect(s.ensure(PORT)).resolves.toBe('reloaded');
    expect(h.files['haproxy.cfg']).toBe(GOOD);
    expect(verbs(exec)).toEqual(['container', 'cp', 'run', 'exec:sh', 'kill', 'exec:socat']);
  });

  test('a config HAProxy rejects changes nothing and says why', async () => {
    const spec = { ...SPEC, config: { ...SPEC.config, defaults: ['no-such-keyword 42'] } };
    const h = host();
    const exec = dockerOver(h);
    const docker = new DockerCli(exec, { kind: 'local' });
    const names = dockerNames('shop-prod');
    const log = new RecordingLogger();
    const proxy = new DockerProxy(docker, names, spec, new FakeClock(), log);
    const s = new ProxySetup(proxy, docker, names, spec, new FakeClock(), log);
    await expect(s.ensure(PORT)).rejects.toThrow(
      /HAProxy rejected the new proxy config, so the running one stays in force/,
    );
    expect(h.files['haproxy.cfg']).toBe(GOOD);
    expect(verbs(exec)).not.toContain('kill');
  });
});

describe('ProxySetup.ensure on a changed proxy.image', () => {
  test('re-creates the proxy on the new image, saying it is a restart, the routes kept', async () => {
    const h = host({ containers: { [PROXY]: 'haproxy:3.0' } });
    const { setup: s, exec, log } = setup(h);
    await expect(s.ensure(PORT)).resolves.toBe('recreated');
    expect(h.containers).toEqual({ [PROXY]: 'haproxy:3.2' });
    expect(h.files['colors.map']).toBe(MAP);
    const v = verbs(exec).filter((x) => !['container', 'cp', 'exec:socat'].includes(x));
    // Checked on the new image and created beside the old one before the old one is removed.
    expect(v).toEqual(['run', 'rm', 'create', 'rm', 'rename', 'start']);
    expect(exec.argvs().find((a) => a[0] === 'run')).toContain('haproxy:3.2');
    expect(exec.argvs().find((a) => a[0] === 'create')).toEqual(
      expect.arrayContaining(['--name', `${PROXY}-next`, 'haproxy:3.2']),
    );
    expect(log.text()).toMatch(
      /warning: proxy.image changed from haproxy:3.0 to haproxy:3.2: re-creating the proxy shop-prod-proxy\. This restarts HAProxy; it is not a no-drop switch/,
    );
  });

  test('a runtime route the map file lacks is saved before the re-create', async () => {
    const h = host({
      containers: { [PROXY]: 'haproxy:3.0' },
      runtimeMap: '0x1 live green\n0x2 preview blue\n',
    });
    h.files['colors.map'] = 'live blue\npreview green\n';
    const { setup: s, log } = setup(h);
    await expect(s.ensure(PORT)).resolves.toBe('recreated');
    expect(h.files['colors.map']).toBe(MAP);
    expect(log.text()).toContain('saving the routes in force before the re-create');
  });

  test('a new image that does not start: the old one is put back, and the error says so', async () => {
    const h = host({ containers: { [PROXY]: 'haproxy:3.0' }, starts: (i) => i !== 'haproxy:3.2' });
    const { setup: s } = setup(h);
    await expect(s.ensure(PORT)).rejects.toThrow(
      /the new proxy image haproxy:3.2 did not start, so the proxy runs haproxy:3.0 again/,
    );
    expect(h.containers).toEqual({ [PROXY]: 'haproxy:3.0' });
    expect(h.state).toBe('running');
  });
});

describe('DockerProxy on a proxy that does not run', () => {
  test('a runtime command fails in words: the state, HAProxy’s alert and the repair, no "exited with 126"', async () => {
    const h = host({ state: 'restarting', restarts: 4 });
    const { proxy } = setup(h);
    const error = await proxy.runtime('show map /var/lib/switchyard/colors.map', false).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(
      /^the proxy shop-prod-proxy does not answer on its admin socket: it is crash-looping \(restarted 4 times\) \(docker exec: .*is restarting.*\); HAProxy said:\n.*unknown keyword 'garbage'[\s\S]*A deploy or rollback repairs it/,
    );
    expect(error?.message).not.toMatch(/exited with/);
  });

  test('routes come from the map file, and files are written with docker cp', async () => {
    const h = host({ state: 'restarting', restarts: 4 });
    const { proxy, exec } = setup(h);
    await expect(proxy.routes()).resolves.toEqual({ live: 'green', preview: 'blue' });
    await proxy.writeFile('/var/lib/switchyard/state.json', '{}\n');
    expect(h.files['state.json']).toBe('{}\n');
    // The exec was tried (it runs, as far as the caller knew), then docker cp.
    expect(verbs(exec).slice(-2)).toEqual(['exec:sh', 'cp']);
  });
});
