/**
 * Entry point of the switchyard example app: reads the env, listens, and shuts down
 * gracefully on SIGTERM/SIGINT (exit 0 within a second). See ../README.md.
 */
import { createServer, type Server } from 'node:http';
import { createApp } from './app.js';
import { loadConfig, type AppConfig } from './config.js';

const FORCE_EXIT_MS = 800;

function shutdown(server: Server, signal: string): void {
  process.stdout.write(`received ${signal}, shutting down\n`);
  // Requests still in flight (e.g. under an injected delay) get FORCE_EXIT_MS to finish.
  setTimeout(() => {
    server.closeAllConnections();
    process.exit(0);
  }, FORCE_EXIT_MS);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
}

function start(config: AppConfig): Server {
  const app = createApp(config);
  const server = createServer(app.handle);
  server.on('error', (error: Error) => {
    process.stderr.write(
      `example-app: cannot listen on ${config.host}:${config.port}: ${error.message}\n`,
    );
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const color = config.color === '' ? '-' : config.color;
    process.stdout.write(
      `listening on ${config.host}:${port} version ${config.version} color ${color}\n`,
    );
  });
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      shutdown(server, signal);
    });
  }
  return server;
}

function main(): void {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error: unknown) {
    process.stderr.write(
      `example-app: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
  start(config);
}

main();
