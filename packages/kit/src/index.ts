/** @switchyard/kit: the pieces every action shares. See README.md. */
export * from './errors.js';
export * from './duration.js';
export * from './parse.js';
export * from './inputs.js';
export * from './clock.js';
export * from './retry.js';
export * from './concurrency.js';
export * from './objects.js';
export * from './secrets.js';
export * from './io.js';
export * from './log-line.js';
export * from './exec.js';
export * from './summary.js';
export * from './run-action.js';
export * from './workspace.js';
