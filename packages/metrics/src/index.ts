/** @switchyard/metrics: Prometheus queries, rules with thresholds and baselines, and the verdict of a monitor window. See README.md. */
export * from './prometheus.js';
export * from './promql.js';
export * from './rules.js';
export * from './verdict.js';
export * from './monitor.js';
