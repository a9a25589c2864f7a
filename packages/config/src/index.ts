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
export {
  MONITOR_DEFAULTS,
  MONITOR_INPUTS,
  MONITOR_KEYS,
  readMonitorInputs,
  SECTION_KEYS,
  type MonitorSection,
} from './section.js';
export {
  OVERRIDES,
  OVERRIDE_INPUTS,
  readOverrides,
  type OverrideInput,
  type Overrides,
} from './overrides.js';
export {
  NAME_RULE,
  parseAppName,
  parseEnvironmentName,
  parseHealthPath,
  parseImage,
  parsePort,
} from './fields.js';
export {
  DEFAULT_PROXY_IMAGE,
  DOCKER_DEFAULTS,
  DOCKER_FLAT_KEYS,
  memoryBytes,
  parseBind,
  parseCpus,
  parseDockerHost,
  parseMemory,
  parseVolume,
  type DockerHost,
  type DockerSettings,
  type ProxySettings,
  type Resources,
} from './docker.js';
export { SERVICE_NAME_MAX, type KubernetesSettings } from './kubernetes.js';
export { containerSecrets } from './secrets.js';
