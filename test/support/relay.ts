/**
 * A loopback TCP relay a test can cut: what a monitor sees when the network to its Prometheus goes
 * away mid-window, without stopping the shared Prometheus other suites use.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A relay to `target` (host:port) on a free loopback port; `close()` drops every connection and refuses new ones. */
export async function relay(target: URL): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('relay: no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
