/**
 * The Docker target (DESIGN.md §3): `<prefix>-blue` / `<prefix>-green` containers on a network of
 * their own, and an HAProxy container in front that owns the public and preview ports. Everything
 * goes through the docker CLI, so a remote host is reached the standard way (DOCKER_HOST, context).
 */
import { ActionError, errorMessage } from '@switchyard/kit';
import { DOCKER_DEFAULTS } from '@switchyard/config';
import { login, parseImageReference, removeDockerConfig } from '@switchyard/image';
import { COLORS, LABELS, otherColor, type Color } from '../contract.js';
import { dockerNames, PROXY_FILES, type DockerNames } from './contract.js';
import { releaseEntries, type DeployRecord, type Release, type TargetState } from '../model.js';
import { parseRecord, reconcile, recordOf } from '../record.js';
import type { Lease, LockHandle, LockHolder, LockOptions } from '../lock.js';
import {
  withExtras,
  type Readiness,
  type ResolvedImage,
  type RouterChange,
  type Target,
  type TargetDeps,
  type TargetWords,
} from '../target.js';
import { DockerCli, describeHost, type DockerHost } from './cli.js';
import { colorStatus, parseContainer, parseImage, type ContainerView } from './inspect.js';
import { DockerLock } from './lock.js';
import type { Routes, ServerState } from './haproxy.js';
import { DockerProxy } from './proxy.js';
import { ProxySetup, routedPort, type AppPort } from './proxy-setup.js';
import { describeProxyState, dockerReason } from './proxy-state.js';
import type { RuntimeSessionFactory } from './session.js';
import { colorRunArgs, type ContainerSettings } from './run-args.js';
import { failpoint, FAILPOINTS } from '../failpoint.js';
import { afterSwitch, type LiveNow } from '../switched.js';

export interface DockerTargetSettings extends ContainerSettings {
  readonly app: string;
  readonly environment: string;
  readonly host: DockerHost;
  readonly port: number;
  readonly previewPort: number;
  readonly bind: string;
  readonly url?: string;
  readonly previewUrl?: string;
  readonly proxyImage: string;
  readonly proxyDefaults: readonly string[];
  readonly stopTimeoutMs: number;
  /** The port the proxy's metrics exporter is published on (`off`: no exporter); unset: not published. */
  readonly proxyMetricsPort?: number | 'off';
  /** The app's port in its container; unset: from the image's EXPOSE (see `appPort()`). */
  readonly containerPort?: number;
  /** A `starting` image health check holds a new color back (docker.wait-for-image-health). */
  readonly waitForImageHealth?: boolean;
}

export interface DockerTargetDeps extends TargetDeps {
  /** Opens a kept-open session on the proxy's runtime API (fast switches); see session.ts. */
  readonly runtimeSession?: RuntimeSessionFactory;
}

/** What the post step reads to release a Docker lock a killed run left (see post.ts). */
export interface DockerLockHandle extends LockHandle {
  readonly kind: 'docker';
  readonly host: DockerHost;
  /** The lock container's name. */
  readonly name: string;
}

/** How plans and logs word the Docker target's steps. */
const WORDS: TargetWords = {
  setup: 'create the proxy, its network and volume',
  ready:
    "container running, its image's health check not unhealthy (healthy with docker.wait-for-image-health)",
  switch: 'one runtime call on the proxy',
};

export class DockerTarget implements Target {
  readonly description: string;
  readonly words = WORDS;
  readonly url: string;
  readonly previewUrl: string;
  readonly docker: DockerCli;
  readonly names: DockerNames;
  private readonly proxy: DockerProxy;
  private readonly setup: ProxySetup;
  private readonly labels: Readonly<Record<string, string>>;
  /** The version each color runs, as last read or started: what a post-switch failure names. */
  private readonly versions = new Map<Color, string>();
  /** Set once this run moved live traffic: later failures say so (switched.ts). */
  private switched: LiveNow | undefined;

  constructor(
    private readonly s: DockerTargetSettings,
    private readonly deps: DockerTargetDeps,
  ) {
    this.docker = new DockerCli(deps.exec, s.host);
    this.names = dockerNames(`${s.app}-${s.environment}`);
    this.labels = { [LABELS.app]: s.app, [LABELS.environment]: s.environment };
    this.description = `docker (${describeHost(s.host)})`;
    const host = publicHost(s.host, s.bind);
    this.url = s.url ?? `http://${host}:${s.port}`;
    this.previewUrl = s.previewUrl ?? `http://${host}:${s.previewPort}`;
    this.proxy = new DockerProxy(
      this.docker,
      this.names,
      {
        image: s.proxyImage,
        bind: s.bind,
        port: s.port,
        previewPort: s.previewPort,
        labels: this.labels,
        config: {
          app: s.app,
          environment: s.environment,
          prefix: `${s.app}-${s.environment}`,
          defaults: s.proxyDefaults,
          ...(s.proxyMetricsPort !== undefined && { metricsPort: s.proxyMetricsPort }),
        },
      },
      deps.clock,
      deps.log,
      deps.runtimeSession,
    );
    this.setup = new ProxySetup(
      this.proxy,
      this.docker,
      this.names,
      this.proxy.spec,
      deps.clock,
      deps.log,
    );
  }

  async connect(): Promise<string> {
    const version = await this.docker.text(['version', '--format', '{{.Server.Version}}']);
    if (!version) throw new ActionError(`${describeHost(this.s.host)} did not report a version`);
    if (this.s.host.kind === 'context' && !this.s.previewUrl)
      this.deps.log.warning(
        `docker-host is a context, so the host name is unknown: readiness checks use ${this.previewUrl}. Set url and preview-url in the config file if the context is remote`,
      );
    return `Docker ${version}`;
  }

  async findImage(ref: string): Promise<ResolvedImage | undefined> {
    const parsed = parseImageReference('image', ref);
    const r = await this.docker.run(['image', 'inspect', '--format', '{{json .}}', ref], {
      allowFailure: true,
      quiet: true,
    });
    return r.exitCode === 0 ? parseImage(r.stdout, parsed, ref) : undefined;
  }

  /** The private docker config of a registry login (credentials given), per registry. */
  private readonly logins = new Map<string, string>();

  /**
   * A pull's environment: with credentials, a login into a private DOCKER_CONFIG first (once per
   * registry). The proxy image is the target's own and is pulled as the host is set up.
   */
  private async pullEnv(ref: string): Promise<Readonly<Record<string, string>> | undefined> {
    const creds = this.deps.credentials;
    if (!creds || ref === this.s.proxyImage) return undefined;
    const registry = parseImageReference('image', ref).registry ?? 'docker.io';
    let dir = this.logins.get(registry);
    if (dir === undefined) {
      dir = await login(registry, creds, { kind: 'docker', version: '' }, false, {
        exec: this.deps.exec,
        clock: this.deps.clock,
        log: this.deps.log,
        env: this.deps.env ?? {},
        ...(this.deps.onPrivateDir && { onAuthDir: this.deps.onPrivateDir }),
      });
      this.logins.set(registry, dir);
    }
    return { DOCKER_CONFIG: dir };
  }

  /** The ports of the last image a deploy resolved (for {@link appPort}). */
  private exposed: { readonly ref: string; readonly ports: readonly number[] } | undefined;
  private settledPort: AppPort | undefined;

  /**
   * The port the app listens on in its containers, settled once per run: `container-port` when
   * set; else the one port the image being deployed exposes (EXPOSE), or the one of several the
   * proxy already routes to; else the port the proxy routes to (a rollback, promote or status);
   * else the default, with a line that says so.
   */
  private async appPort(read?: { readonly config: string | undefined }): Promise<AppPort> {
    if (this.settledPort) return this.settledPort;
    const settle = (port: number, source: string): AppPort => (this.settledPort = { port, source });
    if (this.s.containerPort !== undefined)
      return settle(this.s.containerPort, 'docker.container-port');
    const routed = routedPort(read ? read.config : await this.proxy.readFile(PROXY_FILES.config));
    const image = this.exposed;
    const ports = image?.ports ?? [];
    const [only] = ports;
    if (ports.length === 1 && only !== undefined) {
      if (routed === undefined)
        this.deps.log.info(
          `the app listens on port ${only}, as ${image?.ref ?? 'the image'} exposes it (set docker.container-port to override)`,
        );
      return settle(only, `the image's EXPOSE ${only}/tcp`);
    }
    if (ports.length > 1) {
      if (routed !== undefined && ports.includes(routed))
        return settle(
          routed,
          `of the image's EXPOSE ${ports.join(', ')}, the one the proxy routes to`,
        );
      throw new ActionError(
        `${image?.ref ?? 'the image'} exposes several ports (${ports.join(', ')}), so switchyard can't tell which one serves the app: set docker.container-port (or the container-port input) to it`,
      );
    }
    if (routed !== undefined) return settle(routed, 'the port the proxy already routes to');
    this.deps.log.info(
      `${image ? `${image.ref} exposes no port` : 'no image says which port the app listens on'}: the proxy sends requests to port ${DOCKER_DEFAULTS.containerPort}, the default. Set docker.container-port if the app listens elsewhere`,
    );
    return settle(DOCKER_DEFAULTS.containerPort, 'the default');
  }

  async resolveImage(ref: string, pull: 'always' | 'missing' | 'never'): Promise<ResolvedImage> {
    const image = await this.pullOrFind(ref, pull);
    this.exposed = { ref, ports: image.ports ?? [] };
    return image;
  }

  private async pullOrFind(
    ref: string,
    pull: 'always' | 'missing' | 'never',
  ): Promise<ResolvedImage> {
    if (pull !== 'always') {
      const found = await this.findImage(ref);
      if (found) return found;
      if (pull === 'never')
        throw new ActionError(
          `image ${ref} is not on ${describeHost(this.s.host)} and pull is "never". Build or pull it there first, or set pull: missing`,
        );
    }
    const env = await this.pullEnv(ref);
    const r = await this.docker.run(['pull', ref], { allowFailure: true, ...(env && { env }) });
    if (r.exitCode !== 0) {
      const line = r.stderr.trim().split('\n').filter(Boolean).at(-1) ?? '';
      throw new ActionError(
        `could not pull ${ref} on ${describeHost(this.s.host)}: ${line}. Check the image reference, and the registry-username/registry-password inputs for a private registry`,
      );
    }
    const found = await this.findImage(ref);
    if (!found) throw new ActionError(`pulled ${ref}, but docker can't find it afterwards`);
    return found;
  }

  lockHandle(holder: LockHolder): DockerLockHandle {
    return { kind: 'docker', host: this.s.host, name: this.names.lock, token: holder.token };
  }

  /** The lock container, a lease whose renewals write its expiry into it (see lock.ts). */
  async lock(holder: LockHolder, opts: LockOptions): Promise<Lease> {
    // The lock container is created from the proxy image, which every deploy needs anyway (the
    // target's own image: not one a deploy resolves, so it says nothing of the app's port).
    await this.pullOrFind(this.s.proxyImage, 'missing');
    return new DockerLock(
      this.docker,
      this.names,
      this.s.proxyImage,
      this.labels,
      this.deps.clock,
      this.deps.log,
    ).lease(holder, opts);
  }

  /** Creates the proxy, or repairs it (another image, a broken config, crash-looping): proxy-setup.ts. */
  async prepare(): Promise<RouterChange> {
    // The proxy's config, read once: the port it routes to settles the app's, and ensure compares it.
    const read = { config: await this.proxy.readFile(PROXY_FILES.config) };
    const change = await this.setup.ensure(await this.appPort(read), read);
    // The kept-open runtime session from here on: readiness looks and the switch skip a docker exec each.
    await this.proxy.arm();
    return change;
  }

  status(): Promise<TargetState> {
    return afterSwitch(this.switched, () => this.readStatus());
  }

  private async readStatus(): Promise<TargetState> {
    // One round of independent reads: the proxy and both colors, then its routes and files.
    const [found, ...views] = await Promise.all([
      this.proxy.info(),
      ...COLORS.map((color) => this.container(color)),
    ]);
    let proxy = found;
    const colors: { blue?: TargetState['colors']['blue']; green?: TargetState['colors']['green'] } =
      {};
    COLORS.forEach((color, i) => {
      const view = views[i];
      const status = view && colorStatus(view);
      if (status) {
        colors[color] = status;
        this.versions.set(color, status.version);
      }
    });
    if (!proxy)
      return { live: null, previous: null, history: [], colors, exists: false, notes: [] };
    // A crash-looping proxy shows as running for a moment between two crashes, and then does not
    // answer: it is read as not running (its map file, and a note), not as an error.
    const known = proxy;
    const [routes, stored, savedRead] = await Promise.all([
      this.proxy.routes(known).catch(async (error: unknown) => {
        const now = await this.proxy.info();
        if (!now) throw error;
        proxy = now.running
          ? { ...now, running: false, state: now.restarts > 0 ? 'restarting' : 'not answering' }
          : now;
        return this.proxy.routes(proxy);
      }),
      this.proxy.readFile(PROXY_FILES.state),
      // Running, the routes in force are the runtime's; what a restart would serve is the file's.
      known.running ? this.proxy.savedRoutes() : undefined,
    ]);
    const saved = proxy.running ? savedRead : undefined;
    const { record, notes } = parseRecord(stored);
    const fixed = reconcile(record, routes.live, this.deps.clock.now());
    const routerDown = proxy.running
      ? undefined
      : `the proxy ${this.names.proxy} is ${describeProxyState(proxy)}`;
    if (!proxy.running) {
      const said = proxy.state === 'restarting' ? await this.proxy.alerts() : '';
      notes.push(
        `the proxy ${this.names.proxy} is ${describeProxyState(proxy)}: nothing is served${said ? ` (HAProxy said: ${said.replace(/\n/g, ' | ')})` : ''}. ` +
          'A deploy or rollback repairs it: it writes a valid config and restarts the proxy',
      );
    }
    if (proxy.image !== this.s.proxyImage)
      notes.push(
        `the proxy runs ${proxy.image} but proxy.image is ${this.s.proxyImage}: the next deploy or rollback re-creates it on the new image (a restart of the proxy, about a second without service)`,
      );
    const unsaved =
      saved && (saved.live !== routes.live || saved.preview !== routes.preview)
        ? `the proxy routes live=${routes.live ?? 'none'} preview=${routes.preview ?? 'none'} but its map file says live=${saved.live ?? 'none'} preview=${saved.preview ?? 'none'}: a restart would serve the latter`
        : undefined;
    const interrupted = {
      ...(unsaved !== undefined && { routes: unsaved }),
      ...(fixed.note !== undefined && { record: fixed.note }),
    };
    return {
      ...fixed.record,
      colors,
      exists: true,
      notes: [...notes, ...Object.values(interrupted)],
      ...(Object.keys(interrupted).length > 0 && { interrupted }),
      ...(routerDown !== undefined && { routerDown }),
    };
  }

  async start(color: Color, image: ResolvedImage, release: Release): Promise<void> {
    const routes = await this.proxy.routes();
    if (routes.live === color)
      throw new ActionError(`refusing to replace ${this.names.color(color)}: it is the live color`);
    const name = this.names.color(color);
    // Created beside whatever holds this color now (a warm previous release), which gives way
    // only once the new container runs: a failed create or start, or a run killed meanwhile,
    // leaves the warm color in place. A leftover of a killed run goes first.
    const next = `${name}-next`;
    await this.docker.run(['rm', '-f', next], { allowFailure: true, quiet: true });
    const secretEnv = this.deps.secretValues ?? {};
    await this.docker.run(
      colorRunArgs(this.s, {
        name: next,
        network: this.names.network,
        color,
        image: image.pinned,
        labels: {
          ...this.labels,
          [LABELS.role]: 'app',
          [LABELS.color]: color,
          ...releaseEntries(release, LABELS),
        },
        secretNames: Object.keys(secretEnv),
      }),
      { env: secretEnv },
    );
    if (this.s.network) await this.docker.run(['network', 'connect', this.s.network, next]);
    const started = await this.docker.run(['start', next], { allowFailure: true });
    if (started.exitCode !== 0) {
      // A container that never ran is no release: removed, so status never shows it as one.
      await this.docker.run(['rm', '-f', next], { allowFailure: true, quiet: true });
      throw new ActionError(
        `could not start ${name} (${release.image}): ${dockerReason(started.stderr) || `docker start exited with ${started.exitCode}`}. ` +
          `The container was removed; live traffic was not touched (it stays on ${routes.live ?? 'nothing'}), and whatever ${color} held before is still there`,
      );
    }
    await this.docker.run(['rm', '-f', name], { allowFailure: true, quiet: true });
    const renamed = await this.docker.run(['rename', next, name], {
      allowFailure: true,
      quiet: true,
    });
    if (renamed.exitCode !== 0) {
      // Docker can't rename a container that is between two crashes (its restart policy restarts
      // it): stopped, renamed, then started again, so readiness sees it crash as it would.
      await this.docker.run(['stop', '-t', '0', next], { allowFailure: true, quiet: true });
      await this.docker.run(['rename', next, name], { quiet: true });
      await this.docker.run(['start', name], { allowFailure: true, quiet: true });
    }
    this.versions.set(color, release.version);
    await this.routePreview(routes, color);
  }

  async readiness(color: Color): Promise<Readiness> {
    const view = await this.container(color);
    if (!view)
      return {
        running: false,
        failed: true,
        health: 'none',
        routed: false,
        detail: 'container is gone',
      };
    const failed = ['exited', 'dead', 'restarting'].includes(view.status) || view.restarts > 0;
    let routed = false;
    if (view.running && view.address) {
      const find = async (): Promise<ServerState | undefined> =>
        (await this.proxy.servers()).find((s) => s.backend === `be_${color}`);
      let server = await find();
      if (server?.address !== view.address) {
        await this.proxy.pointAt(color, view.address, (await this.appPort()).port);
        server = await find();
      }
      routed = server?.address === view.address && server.operational === 2 && server.admin === 0;
      // Close to ready: open the runtime session now, so the switch doesn't wait for a docker exec.
      if (routed) await this.proxy.arm();
    }
    const detail = [
      // A crash restarted by the restart policy shows as running again: name it a crash.
      view.restarts > 0
        ? `container crashed and was restarted ${view.restarts} time(s), now ${view.status}`
        : `container ${view.status}`,
      view.status === 'exited' ? `exit code ${view.exitCode}` : '',
      view.health !== 'none' ? `docker health ${view.health}` : '',
      view.running && !routed ? 'proxy not routed to it yet' : '',
    ]
      .filter(Boolean)
      .join(', ');
    const status = colorStatus(view);
    return {
      running: view.running,
      failed,
      health: view.health,
      awaitHealth: this.s.waitForImageHealth,
      routed,
      detail,
      ...(status && { status }),
    };
  }

  async logs(color: Color, lines: number): Promise<string> {
    const r = await this.docker.run(['logs', '--tail', String(lines), this.names.color(color)], {
      allowFailure: true,
      quiet: true,
    });
    return `${r.stdout}${r.stderr}`.trimEnd();
  }

  async stop(color: Color): Promise<void> {
    await this.docker.run(
      ['stop', '-t', String(Math.ceil(this.s.stopTimeoutMs / 1000)), this.names.color(color)],
      { allowFailure: true },
    );
  }

  async switchTo(color: Color): Promise<number> {
    await this.proxy.arm();
    const routes = { live: color, preview: otherColor(color) };
    // Routed first (the atomic step), then saved for a restart; a run that stops in between
    // leaves status().interrupted for the next one to repair.
    const routedMs = await this.proxy.route(routes);
    const version = this.versions.get(color);
    this.switched = { color, ...(version && { version }) };
    failpoint(this.deps.env, FAILPOINTS.routed);
    await afterSwitch(this.switched, () =>
      this.proxy.saveRoutes(routes).catch((error: unknown) => {
        throw new ActionError(
          `could not save the routes in ${PROXY_FILES.map} (${errorMessage(error)}): a restart of the proxy would route the old way until the next deploy, rollback or status repairs it`,
        );
      }),
    );
    failpoint(this.deps.env, FAILPOINTS.routesSaved);
    return routedMs;
  }

  async saveRoutes(): Promise<void> {
    await this.proxy.saveRoutes(await this.proxy.routes());
  }

  close(): Promise<void> {
    this.proxy.close();
    for (const dir of this.logins.values()) removeDockerConfig(dir);
    this.logins.clear();
    return Promise.resolve();
  }

  /** Routes the preview to `color`, given the routes in force (a start already read them). */
  private async routePreview(routes: Routes, color: Color): Promise<void> {
    if (routes.preview !== color) await this.proxy.setRoutes({ live: routes.live, preview: color });
  }

  saveRecord(record: DeployRecord): Promise<void> {
    return afterSwitch(this.switched, () =>
      this.proxy.writeFile(
        PROXY_FILES.state,
        `${JSON.stringify(recordOf(withExtras(record, this.deps)), null, 2)}\n`,
      ),
    );
  }

  private async container(color: Color): Promise<ContainerView | undefined> {
    const r = await this.docker.run(
      ['container', 'inspect', '--format', '{{json .}}', this.names.color(color)],
      { allowFailure: true, quiet: true },
    );
    return r.exitCode === 0 ? parseContainer(r.stdout, this.names.network) : undefined;
  }
}

/** The host name users reach a published port on. */
function publicHost(host: DockerHost, bind: string): string {
  if (host.kind === 'host') {
    try {
      const u = new URL(host.url);
      if (u.protocol !== 'unix:' && u.hostname) return u.hostname;
    } catch {
      /* fall through */
    }
  }
  if (bind === '0.0.0.0' || bind === '::')
    return host.kind === 'context' ? 'localhost' : '127.0.0.1';
  return bind.includes(':') ? `[${bind}]` : bind;
}
