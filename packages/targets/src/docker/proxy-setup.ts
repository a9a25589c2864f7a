/**
 * The proxy container's lifecycle (ADR 0004): created on the first deploy, and repaired by every
 * deploy and rollback after: re-created on another `proxy.image`, restarted with a valid config
 * when it crash-loops, its config replaced and reloaded when it changed. A config is checked with
 * `haproxy -c` in a throwaway container (proxy-state.ts) before it is ever applied.
 */
import {
  ActionError,
  errorMessage,
  formatDuration,
  type Clock,
  type Logger,
} from '@switchyard/kit';
import { LABELS } from '../contract.js';
import { PROXY_DIR, PROXY_FILES, PROXY_PORTS, type DockerNames } from './contract.js';
import type { DockerCli } from './cli.js';
import { EXPORTER_PORT, renderConfig, renderMap } from './haproxy.js';
import type { DockerProxy, ProxySpec } from './proxy.js';
import {
  checkConfigArgs,
  describeProxyState,
  haproxyAlerts,
  lastLine,
  type ProxyInfo,
} from './proxy-state.js';

/**
 * What `ensure` did to the proxy: `recreated` on another image (a restart of HAProxy), `repaired`
 * when a crash-looping proxy or a broken config was fixed and the proxy restarted.
 */
export type ProxyChange =
  'created' | 'recreated' | 'repaired' | 'started' | 'reloaded' | 'unchanged';

/**
 * `bind:port,preview` (`,metrics=<port>` when the exporter is published): recorded on the proxy so
 * a changed port is noticed, not ignored. A proxy created before the exporter had a port keeps
 * its label.
 */
export function publishLabel(
  spec: Pick<ProxySpec, 'bind' | 'port' | 'previewPort'> & {
    readonly config?: Pick<ProxySpec['config'], 'metricsPort'>;
  },
): string {
  const metrics = spec.config?.metricsPort;
  return `${spec.bind}:${spec.port},${spec.previewPort}${typeof metrics === 'number' ? `,metrics=${metrics}` : ''}`;
}

/** `-p` for the exporter, when `proxy.metrics-port` publishes it. */
function exporterPublish(spec: ProxySpec): string[] {
  const port = spec.config.metricsPort;
  return typeof port === 'number' ? ['-p', `${hostPort(spec.bind, port)}:${EXPORTER_PORT}`] : [];
}

/** The port the app listens on in its containers, and where that came from (for messages). */
export interface AppPort {
  readonly port: number;
  /** e.g. `container-port`, `the image's EXPOSE 80/tcp`. */
  readonly source: string;
}

/** The port the proxy's config routes to (`server app <name>:<port>`), if it has one. */
export function routedPort(config: string | undefined): number | undefined {
  const port = /server app \S+:(\d+)/.exec(config ?? '')?.[1];
  return port === undefined ? undefined : Number(port);
}

/** Creates, re-creates and repairs one app+environment's proxy container. */
export class ProxySetup {
  constructor(
    private readonly proxy: DockerProxy,
    private readonly docker: DockerCli,
    private readonly names: DockerNames,
    private readonly spec: ProxySpec,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * Makes sure the network, the volume and a running proxy with the current config and image
   * exist, and repairs a broken one:
   * - none yet: created;
   * - another `proxy.image`: re-created on it, which restarts HAProxy (said in the log);
   * - not running (stopped, or crash-looping on a broken config): a valid config written with
   *   `docker cp` when it differs, then (re)started;
   * - running with another config: the config replaced and reloaded (no restart).
   * A new config is checked with `haproxy -c` in a throwaway container first; a rejected one
   * changes nothing. `read` is the proxy's config file as the caller already read it, if it did.
   */
  async ensure(app: AppPort, read?: { readonly config: string | undefined }): Promise<ProxyChange> {
    const config = renderConfig({ ...this.spec.config, containerPort: app.port });
    const found = await this.proxy.info();
    if (!found) {
      await this.create(config);
      return 'created';
    }
    const existing = await this.looping(found);
    const wanted = publishLabel(this.spec);
    if (existing.publish !== wanted)
      throw new ActionError(
        `the proxy ${this.names.proxy} publishes ${existing.publish} but the config asks for ${wanted} (bind:port,preview-port[,metrics=proxy.metrics-port]). ` +
          `Changing ports means re-creating the proxy, a short outage: run "docker rm -f ${this.names.proxy}" on the host at a quiet time, then deploy again`,
      );
    const current = read ? read.config : await this.proxy.readFile(PROXY_FILES.config);
    const port = routedPort(current);
    if (port !== undefined && port !== app.port)
      throw new ActionError(
        `the app's port changed from ${port} to ${app.port} (${app.source}); the live color still listens on ${port}, so the proxy can't switch ports in place. ` +
          `Set docker.container-port: ${port} if the app still listens there; else deploy the new port under a new environment name, or remove the proxy ("docker rm -f ${this.names.proxy}", a short outage) and deploy again`,
      );
    if (existing.image !== this.spec.image) {
      await this.recreate(existing, config);
      return 'recreated';
    }
    if (!existing.running) return this.repair(existing, config, current === config);
    if (current === config) return 'unchanged';
    await this.applyConfig(config);
    return 'reloaded';
  }

  /**
   * A proxy Docker calls running but that has restarted (its restart policy at work) may be in a
   * crash loop, running only for a moment between two crashes: one `show info` tells. One that
   * does not answer is taken as crash-looping, so it is repaired rather than reloaded.
   */
  private async looping(info: ProxyInfo): Promise<ProxyInfo> {
    if (!info.running || info.restarts === 0 || (await this.proxy.answers())) return info;
    return { ...info, running: false, state: 'restarting' };
  }

  private async create(config: string): Promise<void> {
    const { names, spec } = this;
    const labels = labelArgs(spec.labels);
    if (!(await this.docker.ok(['network', 'inspect', names.network])))
      await this.docker.run(['network', 'create', ...labels, names.network]);
    await this.docker.run(['volume', 'create', ...labels, names.proxyVolume]);
    this.log.info(`creating the proxy ${names.proxy} (${spec.image}) on ${publishLabel(spec)}`);
    await this.createContainer(names.proxy, spec.image, config);
    await this.startCreated();
  }

  /**
   * `docker create` of a proxy container named `name` on `image`, its config and (if missing) an
   * empty map written into the volume; not started. A failure removes what it created.
   */
  private async createContainer(name: string, image: string, config: string): Promise<void> {
    const { names, spec } = this;
    await this.docker.run([
      'create',
      '--name',
      name,
      '--network',
      names.network,
      '--restart',
      'unless-stopped',
      ...labelArgs({
        ...spec.labels,
        [LABELS.role]: 'proxy',
        [LABELS.publish]: publishLabel(spec),
      }),
      '-p',
      `${hostPort(spec.bind, spec.port)}:${PROXY_PORTS.live}`,
      '-p',
      `${hostPort(spec.bind, spec.previewPort)}:${PROXY_PORTS.preview}`,
      ...exporterPublish(spec),
      '-v',
      `${names.proxyVolume}:${PROXY_DIR}`,
      '--entrypoint',
      'haproxy',
      image,
      '-W',
      '-db',
      '-f',
      PROXY_FILES.config,
    ]);
    try {
      await this.proxy.copyInto(name, PROXY_FILES.config, config);
      if ((await this.proxy.readFile(PROXY_FILES.map)) === undefined)
        await this.proxy.copyInto(name, PROXY_FILES.map, renderMap({ live: null, preview: null }));
    } catch (error) {
      await this.docker.run(['rm', '-f', name], { allowFailure: true, quiet: true });
      throw error;
    }
  }

  /** Starts the (created) proxy and waits for its admin socket; a failure removes it. */
  private async startCreated(): Promise<void> {
    const { names } = this;
    try {
      await this.docker.run(['start', names.proxy]);
      await this.proxy.waitAnswering();
    } catch (error) {
      const logs = (await this.proxy.logs()).trim();
      await this.docker.run(['rm', '-f', names.proxy], { allowFailure: true, quiet: true });
      throw new ActionError(
        `the proxy ${names.proxy} did not start${logs ? `; HAProxy said:\n${logs}` : ''}\n(${errorMessage(error)})`,
      );
    }
  }

  /**
   * Re-creates the proxy on the configured image (`proxy.image` changed). Published ports can't
   * pass from one container to another, so this is a restart of HAProxy, not a no-drop switch: new
   * connections are refused, and open ones closed, for about the time `docker start` takes. The
   * new container is created (and its config checked on the new image) before the old one is
   * removed, to keep that short; the routes in force are saved first, so the new one serves the
   * same colors. If the new image does not start, the old one is put back.
   */
  private async recreate(existing: ProxyInfo, config: string): Promise<void> {
    const { names, spec } = this;
    await this.validate(config, spec.image);
    if (existing.running) await this.keepRuntimeRoutes(existing);
    this.log.warning(
      `proxy.image changed from ${existing.image} to ${spec.image}: re-creating the proxy ${names.proxy}. ` +
        'This restarts HAProxy; it is not a no-drop switch: for about a second new connections are refused and open ones are closed. ' +
        `The routes and the record are kept (volume ${names.proxyVolume})`,
    );
    this.proxy.close();
    const next = `${names.proxy}-next`;
    await this.docker.run(['rm', '-f', next], { allowFailure: true, quiet: true });
    await this.createContainer(next, spec.image, config);
    const removed = this.clock.now();
    await this.docker.run(['rm', '-f', names.proxy], { quiet: true });
    await this.docker.run(['rename', next, names.proxy], { quiet: true });
    try {
      await this.startCreated();
    } catch (error) {
      const back = await this.createContainer(names.proxy, existing.image, config)
        .then(() => this.startCreated())
        .then(
          () => `the proxy runs ${existing.image} again`,
          (e: unknown) => `putting ${existing.image} back failed too: ${errorMessage(e)}`,
        );
      throw new ActionError(
        `the new proxy image ${spec.image} did not start, so ${back}. ${errorMessage(error)}`,
      );
    }
    this.log.info(
      `the proxy ${names.proxy} runs ${spec.image}, answering ${formatDuration(this.clock.now() - removed)} after the old one was removed`,
    );
  }

  /**
   * Before a re-create: the runtime routes are the truth, so a map file that disagrees (a run
   * stopped between the switch and its save) is brought in line, or the new proxy would route the
   * old way.
   */
  private async keepRuntimeRoutes(existing: ProxyInfo): Promise<void> {
    const [routes, saved] = await Promise.all([
      this.proxy.routes(existing),
      this.proxy.savedRoutes(),
    ]);
    if (saved?.live === routes.live && saved.preview === routes.preview) return;
    this.log.warning(
      `the proxy routes live=${routes.live ?? 'none'} preview=${routes.preview ?? 'none'} but its map file says otherwise: saving the routes in force before the re-create`,
    );
    await this.proxy.saveRoutes(routes);
  }

  /**
   * Brings back a proxy that does not run: stopped, or crash-looping (a broken config, restarted
   * by its restart policy again and again). `config` (when the file differs from it) is checked,
   * then written with `docker cp`, which works on a container in any state; the config in place is
   * checked too, so a proxy that can't start fails at once with HAProxy's own words.
   */
  private async repair(
    existing: ProxyInfo,
    config: string,
    inPlace: boolean,
  ): Promise<ProxyChange> {
    const { names } = this;
    const looping = existing.state === 'restarting';
    const said = looping ? await this.proxy.alerts() : '';
    await this.validate(config, this.spec.image);
    if (!inPlace) await this.proxy.copyInto(names.proxy, PROXY_FILES.config, config);
    this.log.warning(
      `the proxy ${names.proxy} was ${describeProxyState(existing)}: ` +
        `${!inPlace ? 'wrote a valid config and ' : ''}${looping ? 'restarting' : 'starting'} it (live traffic was not served meanwhile)` +
        (said ? `. HAProxy said:\n${said}` : ''),
    );
    this.proxy.close();
    const started = await this.docker.run([looping ? 'restart' : 'start', names.proxy], {
      allowFailure: true,
      quiet: true,
    });
    try {
      if (started.exitCode !== 0) throw new ActionError(lastLine(started.stderr));
      await this.proxy.waitAnswering();
    } catch (error) {
      const now = await this.proxy.alerts();
      throw new ActionError(
        `the proxy ${names.proxy} did not come back after a ${looping ? 'restart' : 'start'}${now ? `; HAProxy said:\n${now}\n` : ''} (${errorMessage(error)})`,
      );
    }
    return !inPlace || looping ? 'repaired' : 'started';
  }

  /**
   * Checks a config with `haproxy -c` in a throwaway container of `image` (proxy-state.ts), so a
   * config is never applied unchecked, whatever state the proxy is in.
   */
  private async validate(config: string, image: string): Promise<void> {
    const check = await this.docker.run(checkConfigArgs(image, this.names.proxyVolume), {
      input: config,
      allowFailure: true,
      quiet: true,
    });
    if (check.exitCode === 0) return;
    const why = haproxyAlerts(`${check.stdout}\n${check.stderr}`, 20);
    throw new ActionError(
      `HAProxy rejected the new proxy config, so the running one stays in force (check proxy.defaults in the config file):\n${why || check.stderr.trim()}`,
    );
  }

  /**
   * Puts a checked config in place on a running proxy and reloads it (no restart). A proxy that
   * does not take the reload (it died meanwhile) is restarted, the valid config now in place.
   */
  private async applyConfig(config: string): Promise<void> {
    const { names } = this;
    await this.validate(config, this.spec.image);
    await this.proxy.writeFile(PROXY_FILES.config, config);
    this.log.info(`proxy config changed: reloading ${names.proxy} (no restart)`);
    const reload = await this.docker.run(['kill', '--signal', 'USR2', names.proxy], {
      allowFailure: true,
      quiet: true,
    });
    try {
      if (reload.exitCode !== 0) throw new ActionError(lastLine(reload.stderr));
      await this.clock.sleep(200);
      await this.proxy.waitAnswering();
    } catch (error) {
      this.log.warning(
        `the proxy ${names.proxy} did not take the reload (${errorMessage(error)}); restarting it with the new config`,
      );
      this.proxy.close();
      await this.docker.run(['restart', names.proxy], { quiet: true });
      await this.proxy.waitAnswering();
    }
  }
}

/** `--label k=v` arguments. */
function labelArgs(labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
}

/** `bind:port` for `docker -p`, with brackets for an IPv6 bind address. */
function hostPort(bind: string, port: number): string {
  return `${bind.includes(':') ? `[${bind}]` : bind}:${port}`;
}
