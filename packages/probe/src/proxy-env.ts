/**
 * Which forward proxy a request goes through, from `HTTP_PROXY` / `HTTPS_PROXY` / `NO_PROXY` (and their
 * lowercase forms), with the semantics curl, Go and `@actions/http-client` share. See docs/http-proxy.md.
 */
import { redactCredentials } from '@switchyard/kit';

/** The environment as a plain map, like `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** One `NO_PROXY` entry: a host (exact, or with `.`: its subdomains only), and a port or 0 for any. */
export interface NoProxyEntry {
  readonly host: string;
  /** The entry was `.example.com` or `*.example.com`: subdomains match, the domain itself doesn't. */
  readonly subdomainsOnly: boolean;
  readonly port: number;
}

/** The proxy settings read from the environment. */
export interface ProxyEnv {
  /** For `http://` targets (`http_proxy`, then `HTTP_PROXY`). */
  readonly http?: URL;
  /** For `https://` targets (`https_proxy`, then `HTTPS_PROXY`); no fallback to the http proxy. */
  readonly https?: URL;
  /** `NO_PROXY` was `*`: nothing goes through a proxy. */
  readonly bypassAll: boolean;
  readonly noProxy: readonly NoProxyEntry[];
}

/** The variables, lowercase first (curl's, `@actions/http-client`'s and undici's order). */
const VARIABLES = {
  http: ['http_proxy', 'HTTP_PROXY'],
  https: ['https_proxy', 'HTTPS_PROXY'],
  noProxy: ['no_proxy', 'NO_PROXY'],
} as const;

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/** The first variable of `names` set to something other than blanks, with its name. */
function pick(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/**
 * The proxy settings in `env`, or `undefined` when neither proxy variable is set (the caller then
 * talks to every host directly and needs nothing else). A value without a scheme is taken as
 * `http://` (curl does the same). Throws an `Error` naming the variable, with any password masked,
 * when a value is not an `http://` or `https://` proxy URL.
 */
export function readProxyEnv(env: Env): ProxyEnv | undefined {
  const http = pick(env, VARIABLES.http);
  const https = pick(env, VARIABLES.https);
  if (!http && !https) return undefined;
  const noProxy = pick(env, VARIABLES.noProxy)?.value ?? '';
  const entries = noProxy.split(/[\s,]+/).filter((e) => e !== '');
  return {
    ...(http && { http: proxyUrl(http.name, http.value) }),
    ...(https && { https: proxyUrl(https.name, https.value) }),
    bypassAll: entries.includes('*'),
    noProxy: entries.filter((e) => e !== '*').map(noProxyEntry),
  };
}

function proxyUrl(name: string, value: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(
      `${name} ${JSON.stringify(redactCredentials(value))} is not a URL; ` +
        'expected http://[user:password@]host:port',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(
      `${name} ${JSON.stringify(redactCredentials(value))} uses ${url.protocol.slice(0, -1)}, ` +
        'which is not supported; expected an http:// or https:// proxy',
    );
  return url;
}

/** `[::1]`, `::1` and `::1.` all become `::1`; names are compared lowercase, without a final dot. */
function normalHost(host: string): string {
  return host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/** `host`, `host:port`, `.domain`, `*.domain`, `[v6]:port`, or a bare IPv6 address. */
function noProxyEntry(entry: string): NoProxyEntry {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:]+)(?::(\d+))?$/.exec(entry);
  const host = m?.[1] ?? entry; // several colons, no brackets: an IPv6 address without port
  const port = m?.[2] ? Number(m[2]) : 0;
  const subdomainsOnly = host.startsWith('.') || host.startsWith('*.');
  return { host: normalHost(host.replace(/^\*?\./, '')), subdomainsOnly, port };
}

/** Whether `NO_PROXY` sends `target` directly. Loopback is not special: list it to bypass it. */
export function bypassesProxy(target: URL, proxies: ProxyEnv): boolean {
  if (proxies.bypassAll) return true;
  const host = normalHost(target.hostname);
  const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
  return proxies.noProxy.some(
    (e) =>
      (e.port === 0 || e.port === port) &&
      ((!e.subdomainsOnly && host === e.host) || host.endsWith(`.${e.host}`)),
  );
}

/** The proxy `target` goes through, or `undefined` to go directly. */
export function proxyFor(target: URL, proxies: ProxyEnv): URL | undefined {
  const proxy = target.protocol === 'https:' ? proxies.https : proxies.http;
  return proxy && !bypassesProxy(target, proxies) ? proxy : undefined;
}

/** How errors name a proxy: its scheme, host and port, never its credentials. */
export function proxyLabel(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}
