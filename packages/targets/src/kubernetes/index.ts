/** @switchyard/targets/kubernetes: the Kubernetes target's parts (kubectl, manifests, state, lock), for its tests and benches. */
export * from './contract.js';
export * from './errors.js';
export * from './kubectl.js';
export * from './manifests.js';
export * from './render.js';
export * from './state.js';
export * from './lock.js';
export * from './patches.js';
export * from './limits.js';
export * from './target.js';
