/** @switchyard/targets/docker: the Docker target's parts (CLI, HAProxy, lock, proxy, session), for its tests and benches. */
export * from './contract.js';
export * from './cli.js';
export * from './haproxy.js';
export * from './inspect.js';
export * from './lock.js';
export * from './proxy.js';
export * from './proxy-setup.js';
export * from './proxy-state.js';
export * from './run-args.js';
export * from './session.js';
export * from './tar.js';
export * from './target.js';
