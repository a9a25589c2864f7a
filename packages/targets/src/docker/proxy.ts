/**
 * The HAProxy container in front of one app+environment, managed only through the Docker API:
 * created on first deploy, its files in a named volume, its routes changed on the admin socket
 * (`docker exec … socat`), its config validated (`haproxy -c`) before it is ever applied.
 */
import { ActionError, poll, type Clock, type Logger } from '@switchyard/kit';
import { LABELS, type Color } from '../contract.js';
import { ADMIN_SOCKET, PROXY_DIR, PROXY_FILES, PROXY_PORTS, type DockerNames } from './contract.js';
import type { DockerCli } from './cli.js';
import {
  parseMap,
  parseServersState,
  renderConfig,
  renderMap,
  runtimeError,
  switchCommands,
  type ProxyConfig,
  type Routes,
  type ServerState,
} from './haproxy.js';
import type { RuntimeSession, RuntimeSessionFactory } from './session.js';
import { tarFile, untarFirstFile } from './tar.js';

export interface ProxySpec {
  readonly image: string;
  /** Host address the ports are published on. */
  readonly bind: string;
  readonly port: number;
  readonly previewPort: number;
  readonly config: ProxyConfig;
  /** Labels every object of this app+environment carries. */
  readonly labels: Readonly<Record<string, string>>;
}

/** What `ensure` did to the proxy. */
export type ProxyChange = 'created' | 'started' | 'reloaded' | 'unchanged';

export interface ProxyInfo {
  readonly running: boolean;
  readonly image: string;
  readonly publish: string;
}

/** `bind:port,preview`: recorded on the proxy so a changed port is noticed, not ignored. */
export function publishLabel(spec: Pick<ProxySpec, 'bind' | 'port' | 'previewPort'>): string {
  return `${spec.bind}:${spec.port},${spec.previewPort}`;
}

export class DockerProxy {
  private session: RuntimeSession | undefined;

  constructor(
    private readonly docker: DockerCli,
    private readonly names: DockerNames,
    private readonly spec: ProxySpec,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Opens a kept-open runtime session; without it every command is a one-shot exec. */
    private readonly openSession?: RuntimeSessionFactory,
  ) {}

  /**
   * Opens the kept-open runtime session if it isn't (best effort): later commands, the switch
   * above all, then skip the cost of starting a `docker exec`.
   */
  async arm(): Promise<void> {
    if (!this.openSession || this.session?.alive) return;
    const { args, env } = this.docker.selector;
    try {
      this.session = await this.openSession([...args, ...this.socatArgs()], env);
    } catch (error) {
      this.session = undefined;
      this.log.debug(`runtime session not available, using one exec per command: ${String(error)}`);
    }
  }

  /** Closes the runtime session, if one is open. */
  close(): void {
    this.session?.close();
    this.session = undefined;
  }

  /** `exec … socat stdio unix-connect:<socket>` (with `-i`: stdin carries the commands). */
  private socatArgs(): string[] {
    return [
      'exec',
      '-i',
      '-u',
      '0',
      this.names.proxy,
      'socat',
      'stdio',
      `unix-connect:${ADMIN_SOCKET}`,
    ];
  }

  /** The proxy container, or undefined before the first deploy. */
  async info(): Promise<ProxyInfo | undefined> {
    const r = await this.docker.run(
      ['container', 'inspect', '--format', '{{json .}}', this.names.proxy],
      { allowFailure: true, quiet: true },
    );
    if (r.exitCode !== 0) {
      if (/no such (container|object)/i.test(r.stderr)) return undefined;
      throw new ActionError(`docker inspect ${this.names.proxy} failed: ${r.stderr.trim()}`);
    }
    const c = JSON.parse(r.stdout) as {
      State?: { Running?: boolean };
      Config?: { Image?: string; Labels?: Record<string, string> | null };
    };
    const labels = c.Config?.Labels ?? {};
    if (labels[LABELS.role] !== 'proxy')
      throw new ActionError(
        `a container named ${this.names.proxy} exists but switchyard did not create it (no ${LABELS.role}=proxy label). Rename or remove it, or pick another app/environment name`,
      );
    return {
      running: c.State?.Running === true,
      image: c.Config?.Image ?? '',
      publish: labels[LABELS.publish] ?? '',
    };
  }

  /**
   * Makes sure the network, the volume and a running proxy with the current config exist. A new
   * config is checked with `haproxy -c` first; a rejected one changes nothing.
   */
  async ensure(): Promise<ProxyChange> {
    const existing = await this.info();
    if (!existing) {
      await this.create();
      return 'created';
    }
    const wanted = publishLabel(this.spec);
    if (existing.publish !== wanted)
      throw new ActionError(
        `the proxy ${this.names.proxy} publishes ${existing.publish} but the config asks for ${wanted} (bind:port,preview-port). ` +
          `Changing ports means re-creating the proxy, a short outage: run "docker rm -f ${this.names.proxy}" on the host at a quiet time, then deploy again`,
      );
    let change: ProxyChange = 'unchanged';
    if (!existing.running) {
      this.log.warning(`the proxy ${this.names.proxy} was not running; starting it`);
      await this.docker.run(['start', this.names.proxy]);
      await this.waitAnswering();
      change = 'started';
    }
    const config = renderConfig(this.spec.config);
    const current = await this.readFile(PROXY_FILES.config);
    const port = /server app \S+:(\d+)/.exec(current ?? '')?.[1];
    if (port !== undefined && Number(port) !== this.spec.config.containerPort)
      throw new ActionError(
        `container-port changed from ${port} to ${this.spec.config.containerPort}; the live color still listens on ${port}, so the proxy can't switch ports in place. ` +
          `Deploy the new port under a new environment name, or remove the proxy ("docker rm -f ${this.names.proxy}", a short outage) and deploy again`,
      );
    if (current !== config) {
      await this.applyConfig(config);
      change = change === 'started' ? 'started' : 'reloaded';
    }
    return change;
  }

  /**
   * Sends commands to the HAProxy runtime API and returns its answer. For commands that change
   * something (`check`), any answer that reads as an error throws; `show` answers are data (they
   * contain container names, which may hold any word) and are parsed by their callers instead.
   */
  async runtime(commands: string, check = true): Promise<string> {
    let answer: string | undefined;
    if (this.session?.alive) {
      answer = await this.session.send(commands).catch(() => undefined);
      if (answer === undefined) this.close();
    }
    answer ??= (await this.docker.run(this.socatArgs(), { input: `${commands}\n`, quiet: true }))
      .stdout;
    const bad = check ? runtimeError(answer) : undefined;
    if (bad) throw new ActionError(`the proxy's runtime API refused "${commands}": ${bad}`);
    return answer;
  }

  /**
   * The routes in force: the runtime map when the proxy runs, else the map file. Pass the proxy's
   * `info()` when the caller has just read it.
   */
  async routes(known?: ProxyInfo): Promise<Routes> {
    const info = known ?? (await this.info());
    if (!info) return { live: null, preview: null };
    if (info.running) return parseMap(await this.runtime(`show map ${PROXY_FILES.map}`, false));
    return parseMap((await this.readFile(PROXY_FILES.map)) ?? '');
  }

  /**
   * Sets both routes in one runtime call (the atomic switch), checks the proxy took them, then
   * rewrites the map file so a restart keeps them. Returns how long the runtime call took: from
   * its end on, every new request goes to the new route.
   */
  async setRoutes(routes: Routes): Promise<number> {
    const routedMs = await this.route(routes);
    await this.saveRoutes(routes);
    return routedMs;
  }

  /**
   * Sets both routes in one runtime call and checks the proxy took them; the map file is left as
   * it was ({@link saveRoutes} persists them). Returns how long the runtime call took.
   */
  async route(routes: Routes): Promise<number> {
    const start = this.clock.now();
    await this.runtime(switchCommands(routes));
    const routedMs = this.clock.now() - start;
    const now = parseMap(await this.runtime(`show map ${PROXY_FILES.map}`, false));
    if (now.live !== routes.live || now.preview !== routes.preview)
      throw new ActionError(
        `the proxy reports live=${now.live ?? 'none'} preview=${now.preview ?? 'none'} after the switch to live=${routes.live ?? 'none'}`,
      );
    return routedMs;
  }

  /** Rewrites the map file (atomically), so a proxy restart routes as `routes` says. */
  async saveRoutes(routes: Routes): Promise<void> {
    await this.writeFile(PROXY_FILES.map, renderMap(routes));
  }

  /** The routes the map file holds (what a restart would route), or undefined when it is missing. */
  async savedRoutes(): Promise<Routes | undefined> {
    const text = await this.readFile(PROXY_FILES.map);
    return text === undefined ? undefined : parseMap(text);
  }

  /** The backend servers as the proxy sees them now. */
  async servers(): Promise<ServerState[]> {
    return parseServersState(await this.runtime('show servers state', false));
  }

  /**
   * Points a color's backend at a container address right away (the resolver would take up to a
   * second). A server that never resolved can't be set this way; the resolver then does it.
   */
  async pointAt(color: Color, address: string, port: number): Promise<void> {
    await this.runtime(`set server be_${color}/app addr ${address} port ${port}`).catch(
      () => undefined,
    );
  }

  /** A file from the proxy's volume (undefined when missing); works whether or not it runs. */
  async readFile(path: string): Promise<string | undefined> {
    const r = await this.docker.run(['cp', `${this.names.proxy}:${path}`, '-'], {
      allowFailure: true,
      quiet: true,
    });
    if (r.exitCode !== 0) return undefined;
    return untarFirstFile(Buffer.from(r.stdout, 'utf8'));
  }

  /** Writes a file into the proxy's volume; atomically (write, then rename) when it runs. */
  async writeFile(path: string, content: string, running = true): Promise<void> {
    if (running) {
      await this.docker.run(
        [
          'exec',
          '-i',
          '-u',
          '0',
          this.names.proxy,
          'sh',
          '-c',
          'cat > "$1.tmp" && mv -f "$1.tmp" "$1"',
          'sh',
          path,
        ],
        { input: content, quiet: true },
      );
      return;
    }
    const dir = path.slice(0, path.lastIndexOf('/'));
    const name = path.slice(path.lastIndexOf('/') + 1);
    await this.docker.run(['cp', '-', `${this.names.proxy}:${dir}`], {
      input: tarFile(name, content, this.clock.now() / 1000).toString('utf8'),
      quiet: true,
    });
  }

  private async create(): Promise<void> {
    const { names, spec } = this;
    const labelArgs = (extra: Record<string, string>): string[] =>
      Object.entries({ ...spec.labels, ...extra }).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    if (!(await this.docker.ok(['network', 'inspect', names.network])))
      await this.docker.run(['network', 'create', ...labelArgs({}), names.network]);
    await this.docker.run(['volume', 'create', ...labelArgs({}), names.proxyVolume]);
    this.log.info(`creating the proxy ${names.proxy} (${spec.image}) on ${publishLabel(spec)}`);
    await this.docker.run([
      'create',
      '--name',
      names.proxy,
      '--network',
      names.network,
      '--restart',
      'unless-stopped',
      ...labelArgs({ [LABELS.role]: 'proxy', [LABELS.publish]: publishLabel(spec) }),
      '-p',
      `${hostPort(spec.bind, spec.port)}:${PROXY_PORTS.live}`,
      '-p',
      `${hostPort(spec.bind, spec.previewPort)}:${PROXY_PORTS.preview}`,
      '-v',
      `${names.proxyVolume}:${PROXY_DIR}`,
      '--entrypoint',
      'haproxy',
      spec.image,
      '-W',
      '-db',
      '-f',
      PROXY_FILES.config,
    ]);
    try {
      await this.writeFile(PROXY_FILES.config, renderConfig(spec.config), false);
      if ((await this.readFile(PROXY_FILES.map)) === undefined)
        await this.writeFile(PROXY_FILES.map, renderMap({ live: null, preview: null }), false);
      await this.docker.run(['start', names.proxy]);
      await this.waitAnswering();
    } catch (error) {
      const logs = await this.docker
        .run(['logs', '--tail', '20', names.proxy], { allowFailure: true, quiet: true })
        .then((r) => `${r.stdout}${r.stderr}`.trim())
        .catch(() => '');
      await this.docker.run(['rm', '-f', names.proxy], { allowFailure: true, quiet: true });
      throw new ActionError(
        `the proxy ${names.proxy} did not start${logs ? `; HAProxy said:\n${logs}` : ''}\n(${String(error instanceof Error ? error.message : error)})`,
      );
    }
  }

  /** Validates a new config inside the proxy, then puts it in place and reloads (no restart). */
  private async applyConfig(config: string): Promise<void> {
    const candidate = `${PROXY_FILES.config}.new`;
    await this.writeFile(candidate, config);
    const check = await this.docker.run(
      ['exec', '-u', '0', this.names.proxy, 'haproxy', '-c', '-f', candidate],
      { allowFailure: true, quiet: true },
    );
    if (check.exitCode !== 0) {
      const why = `${check.stdout}\n${check.stderr}`
        .split('\n')
        .filter((l) => /ALERT|error/i.test(l))
        .join('\n');
      throw new ActionError(
        `HAProxy rejected the new proxy config, so the running one stays in force (check proxy.defaults in the config file):\n${why || check.stderr.trim()}`,
      );
    }
    await this.docker.run(
      ['exec', '-u', '0', this.names.proxy, 'mv', '-f', candidate, PROXY_FILES.config],
      { quiet: true },
    );
    this.log.info(`proxy config changed: reloading ${this.names.proxy} (no restart)`);
    await this.docker.run(['kill', '--signal', 'USR2', this.names.proxy]);
    await this.clock.sleep(200);
    await this.waitAnswering();
  }

  /** Waits until the admin socket answers (the proxy started or reloaded). */
  private async waitAnswering(): Promise<void> {
    const deadline = this.clock.now() + 15_000;
    const outcome = await poll(
      async () => {
        const r = await this.docker.run(this.socatArgs(), {
          input: 'show info\n',
          allowFailure: true,
          quiet: true,
        });
        return r.exitCode === 0 && /Name: HAProxy/.test(r.stdout);
      },
      { attempts: Infinity, deadline, initialDelayMs: 100, maxDelayMs: 500, done: (ok) => ok },
      this.clock,
    );
    if (!outcome.result)
      throw new ActionError(
        `the proxy ${this.names.proxy}'s admin socket did not answer within 15s`,
      );
  }
}

/** `bind:port` for `docker -p`, with brackets for an IPv6 bind address. */
function hostPort(bind: string, port: number): string {
  return `${bind.includes(':') ? `[${bind}]` : bind}:${port}`;
}
