/** @switchyard/config: the `switchyard.yml` file every action shares. See README.md. */
export * from './types.js';
export { parseConfig } from './document.js';
export {
  loadConfig,
  loadConfigFile,
  loadEnvironment,
  readIfExists,
  type ActionContext,
  type EnvironmentSource,
  type LoadOptions,
} from './load.js';
export { DEFAULTS } from './settle.js';
export { MONITOR_KEYS, SECTION_KEYS, type MonitorSection } from './section.js';
export {
  NAME_RULE,
  parseAppName,
  parseBind,
  parseCpus,
  parseDockerHost,
  parseEnvironmentName,
  parseHealthPath,
  parseImage,
  parseMemory,
  parsePort,
  parseVolume,
} from './fields.js';
export { containerSecrets } from './secrets.js';
