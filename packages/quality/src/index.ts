/** @switchyard/quality: the reports a quality gate reads, its thresholds and its verdict. See README.md. */
export * from './model.js';
export * from './paths.js';
export * from './xml.js';
export * from './junit.js';
export * from './coverage.js';
export * from './sarif.js';
export * from './lint.js';
export * from './audit.js';
export * from './reports.js';
export * from './gates.js';
export * from './quality-gate.js';
export * from './summary.js';
