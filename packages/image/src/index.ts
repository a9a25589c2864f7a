/** @switchyard/image: image names, tag rules, OCI labels, builders and the registry API. See README.md. */
export * from './semver.js';
export * from './git-context.js';
export * from './tag-rules.js';
export * from './tags.js';
export * from './reference.js';
export * from './labels.js';
export * from './builders.js';
export * from './build-log.js';
export * from './registry.js';
export * from './docker-config.js';
export * from './detect.js';
export * from './pipeline.js';
export * from './login.js';
export * from './verify.js';
