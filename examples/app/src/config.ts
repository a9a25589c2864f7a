/** Process configuration, read once from the environment at start. */
import { parseInteger, parseRate } from './parse.js';

/** The largest delay, in milliseconds, that the env, the admin API or a request may ask for. */
export const MAX_DELAY_MS = 60_000;

/** The env config; see ../README.md for defaults. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly version: string;
  readonly color: string;
  /** Initial fraction of `/` requests that answer 500. */
  readonly errorRate: number;
  /** Initial latency added to every counted request. */
  readonly delayMs: number;
}

/** Reads PORT, HOST, APP_VERSION, COLOR, ERROR_RATE and DELAY_MS; throws KnobError on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const value = (key: string): string | undefined => {
    const raw = env[key];
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const port = value('PORT');
  const errorRate = value('ERROR_RATE');
  const delayMs = value('DELAY_MS');
  return {
    port: port === undefined ? 8080 : parseInteger('PORT', port, 0, 65_535),
    host: value('HOST') ?? '0.0.0.0',
    version: value('APP_VERSION') ?? '0.0.0',
    // SWITCHYARD_COLOR is what deploy-bluegreen sets on every color's container.
    color: env['COLOR'] ?? env['SWITCHYARD_COLOR'] ?? '',
    errorRate: errorRate === undefined ? 0 : parseRate('ERROR_RATE', errorRate),
    delayMs: delayMs === undefined ? 0 : parseInteger('DELAY_MS', delayMs, 0, MAX_DELAY_MS),
  };
}
