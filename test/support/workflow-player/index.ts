/**
 * The workflow player: plays a GitHub Actions workflow as GitHub would, for tests. Built on GitHub's
 * own `@actions/workflow-parser` (structure, validation, reusable workflows) and `@actions/expressions`
 * (`${{ }}`). plan() works out what would run, play() runs it against the testbed. See README.md here.
 */
export { plan } from './plan.js';
export { play, sharedGroups } from './play.js';
export { repoFiles, type RepoFiles } from './repo.js';
export { WorkflowError } from './load.js';
export { DispatchError, matchesFilters } from './triggers.js';
export { ConcurrencyGroups, cancelMessage, type GroupEvent } from './concurrency.js';
export { granted, SCOPES, type Level, type Permissions, type Scope } from './permissions.js';
export { DEFAULT_STAND_INS } from './steps.js';
export { REJECTED } from './jobs.js';
export type * from './types.js';
