/** @switchyard/targets: where colors run (Target), the Docker target, and blue-green over them. See README.md. */
export * from './contract.js';
export * from './model.js';
export * from './record.js';
export * from './target.js';
export * from './ready.js';
export * from './bluegreen.js';
export * from './plan.js';
export * from './docker/cli.js';
export * from './docker/haproxy.js';
export * from './docker/inspect.js';
export * from './docker/lock.js';
export * from './docker/proxy.js';
export * from './docker/run-args.js';
export * from './docker/session.js';
export * from './docker/tar.js';
export * from './docker/target.js';
export * from './create.js';
