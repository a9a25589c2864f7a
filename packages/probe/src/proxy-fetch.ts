/**
 * A `fetch` that honours the proxy variables by the same rules as {@link nodeHttp} (proxy-env.ts),
 * for clients built on fetch (Octokit, Slack's WebClient): the global fetch for a request that goes
 * direct; undici's own `fetch` with a `ProxyAgent` as `dispatcher` for one that goes through a
 * proxy, undici imported on the first such request (one agent per proxy).
 */
import { proxyFor, readProxyEnv, type Env } from './proxy-env.js';

type Fetch = typeof globalThis.fetch;

/** The `fetch` for `env`'s proxy variables (the global fetch when none is set). */
export function proxiedFetch(env: Env): Fetch {
  const proxies = readProxyEnv(env);
  if (!proxies) return globalThis.fetch;
  const agents = new Map<string, Promise<Fetch>>();
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const proxy = proxyFor(url, proxies);
    if (!proxy) return globalThis.fetch(input, init);
    let send = agents.get(proxy.href);
    if (!send) {
      send = import('undici').then(({ ProxyAgent, fetch }) => {
        const dispatcher = new ProxyAgent(proxy.href);
        return ((i, o) => fetch(i as never, { ...o, dispatcher } as never)) as Fetch;
      });
      agents.set(proxy.href, send);
    }
    return (await send)(input, init);
  };
}
