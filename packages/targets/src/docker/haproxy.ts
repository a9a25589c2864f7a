/**
 * HAProxy as the Docker target's router (DESIGN.md §3), as pure functions: the config file, the
 * color map, and parsers for the runtime API's answers. The live frontend picks its backend per
 * request from a map (`live → blue|green`), so a switch is one `set map` on the admin socket: no
 * reload, no dropped keep-alive request. The map file is rewritten too, so a restart keeps the color.
 */
import { COLORS, type Color } from '../contract.js';
import { ADMIN_SOCKET, PROXY_FILES, PROXY_PORTS } from './contract.js';

export interface ProxyConfig {
  readonly app: string;
  readonly environment: string;
  /** Container name prefix: backends reach `<prefix>-blue` / `<prefix>-green` by name. */
  readonly prefix: string;
  readonly containerPort: number;
  /** Extra lines for the `defaults` section, from the config file's proxy.defaults. */
  readonly defaults: readonly string[];
  /**
   * HAProxy's Prometheus exporter, a frontend of its own on {@link EXPORTER_PORT}: absent, it is
   * on (reached on the environment's network); a number: also published on that host port (by
   * proxy-setup.ts); `off`: left out (an image built without it).
   */
  readonly metricsPort?: number | 'off';
}

/**
 * The port of HAProxy's Prometheus exporter inside the proxy container (HAProxy's own docs use
 * 8405). Its backend series name the color: `proxy="be_blue"`, `proxy="be_green"`.
 */
export const EXPORTER_PORT = 8405;

/** The exporter's frontend: `/metrics` answers in Prometheus's text format, nothing else is served. */
function exporterSection(c: ProxyConfig): string[] {
  if (c.metricsPort === 'off') return [];
  return [
    'frontend metrics',
    `  bind :${EXPORTER_PORT}`,
    '  no log',
    '  http-request use-service prometheus-exporter if { path /metrics }',
    '  http-request return status 404 content-type text/plain string "switchyard: the metrics are at /metrics"',
    '',
  ];
}

/** The routing: which color each frontend sends requests to (`null`: none, answer 503). */
export interface Routes {
  readonly live: Color | null;
  readonly preview: Color | null;
}

/** The haproxy.cfg for one app+environment. Deterministic: same input, same text. */
export function renderConfig(c: ProxyConfig): string {
  const backends = COLORS.map((color) =>
    [
      `backend be_${color}`,
      // Docker's DNS resolves the container name; a replaced container's new address is picked
      // up by the resolver, and the deploy also sets it on the runtime API before any switch.
      `  server app ${c.prefix}-${color}:${c.containerPort} resolvers docker init-addr libc,none`,
    ].join('\n'),
  );
  const route = (key: keyof Routes): string =>
    `  use_backend be_%[str(${key}),map(${PROXY_FILES.map},none)]`;
  return [
    `# Written by switchyard for ${c.app} (${c.environment}). Do not edit: every deploy rewrites it.`,
    `# The live color is in ${PROXY_FILES.map}; switches go through the admin socket.`,
    'global',
    `  stats socket ${ADMIN_SOCKET} mode 600 level admin`,
    '  stats timeout 10s',
    '  log stdout format raw daemon notice',
    '',
    'resolvers docker',
    '  nameserver dns 127.0.0.11:53',
    '  timeout resolve 1s',
    '  timeout retry 1s',
    '  hold valid 10s',
    '  hold obsolete 10s',
    '  hold nx 10s',
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option http-keep-alive',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-request 10s',
    ...c.defaults.map((l) => `  ${l.trim()}`),
    '',
    'frontend live',
    `  bind :${PROXY_PORTS.live}`,
    route('live'),
    '  default_backend be_none',
    '',
    'frontend preview',
    `  bind :${PROXY_PORTS.preview}`,
    route('preview'),
    '  default_backend be_none',
    '',
    ...exporterSection(c),
    'backend be_none',
    '  http-request return status 503 content-type text/plain string "switchyard: no color is routed here yet"',
    '',
    ...backends.flatMap((b) => [b, '']),
  ].join('\n');
}

/**
 * The map file: always both keys, `live <color|none>` and `preview <color|none>`, so the runtime
 * API can `set map` either one (it only sets existing keys). `none` routes to be_none (503).
 */
export function renderMap(routes: Routes): string {
  return `live ${routes.live ?? 'none'}\npreview ${routes.preview ?? 'none'}\n`;
}

/** Reads a map file or a `show map` answer (`0x55… live green` lines). */
export function parseMap(text: string): Routes {
  const routes: { live: Color | null; preview: Color | null } = { live: null, preview: null };
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    const [key, value] = parts.length === 3 ? parts.slice(1) : parts;
    const color = COLORS.find((c) => c === value);
    if ((key === 'live' || key === 'preview') && color) routes[key] = color;
  }
  return routes;
}

/** The runtime commands that set both routes, `;`-separated (one admin-socket connection). */
export function switchCommands(routes: Routes): string {
  return (['live', 'preview'] as const)
    .map((k) => `set map ${PROXY_FILES.map} ${k} ${routes[k] ?? 'none'}`)
    .join(';');
}

/** One backend server as `show servers state` reports it. */
export interface ServerState {
  readonly backend: string;
  readonly address: string;
  /** 0 stopped, 1 starting, 2 running, 3 stopping. */
  readonly operational: number;
  /** Bit flags; 0 = in service. */
  readonly admin: number;
}

/** Parses `show servers state` (version line, `#` header, one line per server). */
export function parseServersState(text: string): ServerState[] {
  const lines = text.split('\n').map((l) => l.trim());
  const header =
    lines
      .find((l) => l.startsWith('# be_id'))
      ?.slice(2)
      .split(/\s+/) ?? [];
  const col = (name: string): number => header.indexOf(name);
  return lines
    .filter((l) => l !== '' && !l.startsWith('#') && l.split(/\s+/).length > 5)
    .map((l) => {
      const f = l.split(/\s+/);
      return {
        backend: f[col('be_name')] ?? '',
        address: f[col('srv_addr')] ?? '',
        operational: Number(f[col('srv_op_state')] ?? -1),
        admin: Number(f[col('srv_admin_state')] ?? -1),
      };
    });
}

/**
 * Whether an answer of the runtime API reports a failure. It always answers with exit 0; errors
 * are text (`Unknown command`, `No such …`, `Permission denied`, …).
 */
export function runtimeError(answer: string): string | undefined {
  const text = answer.trim();
  if (text === '') return undefined;
  const bad =
    /unknown|no such|not found|denied|invalid|error|require|can't|cannot|missing|expects/i;
  return text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => bad.test(l));
}
