/** @switchyard/calendar: deploy windows, freezes, the freeze switch and overrides. See README.md. */
export * from './types.js';
export * from './config.js';
export * from './freeze-entries.js';
export * from './windows.js';
export * from './wait.js';
export * from './freeze.js';
export * from './override.js';
export * from './gate.js';
export { instantText, waitText } from './text.js';
