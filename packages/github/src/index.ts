/** @switchyard/github: GitHub as the record of every release. See README.md. */
export * from './context.js';
export * from './client.js';
export * from './permissions.js';
export * from './deployments.js';
export * from './record-log.js';
export * from './environments-config.js';
export * from './environments.js';
export * from './approval.js';
