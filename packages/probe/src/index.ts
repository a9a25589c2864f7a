/** @switchyard/probe: HTTP checks (status, body, JSON, latency, version) with retries. See README.md. */
export * from './status.js';
export * from './jsonpath.js';
export * from './version.js';
export * from './check.js';
export * from './headers.js';
export * from './http.js';
export * from './run.js';
export * from './proxy-env.js';
export { proxiedFetch } from './proxy-fetch.js';
