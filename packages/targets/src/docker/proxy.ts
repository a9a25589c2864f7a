/**
 * The HAProxy container in front of one app+environment, managed only through the Docker API:
 * its files in a named volume, its routes changed on the admin socket (`docker exec … socat`).
 * Files are written with `docker cp` when it does not run (or exec fails), so a stopped or
 * crash-looping proxy can still be repaired. Its creation and repair are in proxy-setup.ts.
 */
import { ActionError, poll, type Clock, type Logger } from '@switchyard/kit';
import type { Color } from '../contract.js';
import { ADMIN_SOCKET, PROXY_FILES, type DockerNames } from './contract.js';
import type { DockerCli } from './cli.js';
import {
  parseMap,
  parseServersState,
  renderMap,
  runtimeError,
  switchCommands,
  type ProxyConfig,
  type Routes,
  type ServerState,
} from './haproxy.js';
import {
  describeProxyState,
  haproxyAlerts,
  lastLine,
  parseProxyInfo,
  type ProxyInfo,
} from './proxy-state.js';
import type { RuntimeSession, RuntimeSessionFactory } from './session.js';

export interface ProxySpec {
  readonly image: string;
  /** Host address the ports are published on. */
  readonly bind: string;
  readonly port: number;
  readonly previewPort: number;
  /** The config but for the app's port, which the target settles at prepare (ProxySetup.ensure). */
  readonly config: Omit<ProxyConfig, 'containerPort'>;
  /** Labels every object of this app+environment carries. */
  readonly labels: Readonly<Record<string, string>>;
}

export class DockerProxy {
  private session: RuntimeSession | undefined;

  constructor(
    private readonly docker: DockerCli,
    private readonly names: DockerNames,
    /** What the proxy should be (read by proxy-setup.ts, which creates and repairs it). */
    readonly spec: ProxySpec,
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
    return parseProxyInfo(r.stdout, this.names.proxy);
  }

  /**
   * HAProxy's complaints in the proxy's last log lines (`[ALERT] …`), '' when there are none: why
   * a proxy that crash-loops does.
   */
  async alerts(): Promise<string> {
    return haproxyAlerts(await this.logs());
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
    if (answer === undefined) {
      const r = await this.docker.run(this.socatArgs(), {
        input: `${commands}\n`,
        quiet: true,
        allowFailure: true,
      });
      if (r.exitCode !== 0) throw await this.notAnswering(r.stderr);
      answer = r.stdout;
    }
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
  readFile(path: string): Promise<string | undefined> {
    return this.docker.readFile(this.names.proxy, path);
  }

  /**
   * Writes a file into the proxy's volume: atomically (write, then rename) through `docker exec`
   * when it runs; with `docker cp` when it doesn't (`running` false) or the exec fails, which works
   * on a stopped or crash-looping container too.
   */
  async writeFile(path: string, content: string, running = true): Promise<void> {
    if (running) {
      const r = await this.docker.run(
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
        { input: content, quiet: true, allowFailure: true },
      );
      if (r.exitCode === 0) return;
      this.log.debug(
        `writing ${path} through docker exec failed (${lastLine(r.stderr)}); writing it with docker cp`,
      );
    }
    await this.copyInto(this.names.proxy, path, content);
  }

  /** Writes one file into a container's filesystem with `docker cp` (whatever its state). */
  async copyInto(container: string, path: string, content: string): Promise<void> {
    const r = await this.docker.copyInto(container, path, content, this.clock.now() / 1000);
    if (r.exitCode !== 0)
      throw new ActionError(
        `could not write ${path} into the proxy ${container} (docker cp): ${lastLine(r.stderr)}`,
      );
  }

  /** The proxy's last 20 log lines ('' when they can't be read). */
  async logs(): Promise<string> {
    return this.docker
      .run(['logs', '--tail', '20', this.names.proxy], { allowFailure: true, quiet: true })
      .then((r) => `${r.stdout}${r.stderr}`)
      .catch(() => '');
  }

  /**
   * Why a one-shot runtime command failed, in words: the proxy's state, docker's and HAProxy's
   * messages, and what repairs it. Never a bare "docker exec … exited with 126".
   */
  private async notAnswering(stderr: string): Promise<ActionError> {
    const { names } = this;
    const info = await this.info().catch(() => undefined);
    const said = info?.running === false || !info ? await this.alerts() : '';
    const state = !info ? 'gone' : info.running ? 'running' : describeProxyState(info);
    const fix =
      info?.running === true
        ? 'Check that the proxy image has socat and sh (docs/adrs/0004)'
        : 'A deploy or rollback repairs it: it writes a valid config with docker cp and restarts the proxy';
    return new ActionError(
      `the proxy ${names.proxy} does not answer on its admin socket: it is ${state} (docker exec: ${lastLine(stderr) || 'failed'})${said ? `; HAProxy said:\n${said}\n` : '. '}${fix}`,
    );
  }

  /** Whether the admin socket answers now (one `show info`). */
  async answers(): Promise<boolean> {
    const r = await this.docker.run(this.socatArgs(), {
      input: 'show info\n',
      allowFailure: true,
      quiet: true,
    });
    return r.exitCode === 0 && /Name: HAProxy/.test(r.stdout);
  }

  /** Waits until the admin socket answers (the proxy started or reloaded). */
  async waitAnswering(): Promise<void> {
    const deadline = this.clock.now() + 15_000;
    const outcome = await poll(
      () => this.answers(),
      { attempts: Infinity, deadline, initialDelayMs: 100, maxDelayMs: 500, done: (ok) => ok },
      this.clock,
    );
    if (!outcome.result)
      throw new ActionError(
        `the proxy ${this.names.proxy}'s admin socket did not answer within 15s`,
      );
  }
}
