/**
 * @switchyard/targets: where colors run (Target), blue-green over them, and `createTarget`, the one
 * place that knows each kind. Each kind's own parts have their own entry (`@switchyard/targets/<kind>`).
 * See README.md.
 */
export * from './contract.js';
export * from './model.js';
export * from './record.js';
export * from './target.js';
export * from './lock.js';
export * from './ready.js';
export * from './warmup.js';
export * from './bluegreen.js';
export * from './plan.js';
export * from './create.js';
export { telemetry, type Telemetry } from './kinds.js';
export * from './rollback.js';
export * from './report.js';
export * from './holder.js';
export * from './repair.js';
export * from './switched.js';
export * from './events.js';
export * from './freeze.js';
export { FAILPOINTS, FAILPOINT_VARIABLE } from './failpoint.js';
