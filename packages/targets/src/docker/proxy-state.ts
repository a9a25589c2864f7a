/**
 * Pure parts of the proxy's container lifecycle (proxy.ts): reading `docker inspect`, naming the
 * state a broken proxy is in, picking HAProxy's complaints out of its output, and the argv of the
 * throwaway container that checks a config without touching the proxy.
 */
import { ActionError } from '@switchyard/kit';
import { LABELS } from '../contract.js';
import { PROXY_DIR } from './contract.js';

/** The proxy container as `docker inspect` shows it. */
export interface ProxyInfo {
  /** HAProxy's process runs: Docker says running, and not between two crashes (`restarting`). */
  readonly running: boolean;
  /** Docker's word for it: `running`, `restarting`, `exited`, `created`, `paused`, `dead`. */
  readonly state: string;
  /** Restarts by the restart policy since the last start: a crash loop counts up here. */
  readonly restarts: number;
  /** The image reference the container was created from, as given to `docker create`. */
  readonly image: string;
  /** The published ports, from the publish label (see `publishLabel`). */
  readonly publish: string;
}

interface ProxyJson {
  State?: { Status?: string; Running?: boolean; Restarting?: boolean };
  RestartCount?: number;
  Config?: { Image?: string; Labels?: Record<string, string> | null };
}

/**
 * Reads the proxy from `docker container inspect --format '{{json .}}'`. A container of that name
 * that switchyard did not create is an error (it would be replaced or routed through otherwise).
 */
export function parseProxyInfo(json: string, name: string): ProxyInfo {
  const c = JSON.parse(json) as ProxyJson;
  const labels = c.Config?.Labels ?? {};
  if (labels[LABELS.role] !== 'proxy')
    throw new ActionError(
      `a container named ${name} exists but switchyard did not create it (no ${LABELS.role}=proxy label). Rename or remove it, or pick another app/environment name`,
    );
  const restarting = c.State?.Restarting === true || c.State?.Status === 'restarting';
  return {
    // Docker reports a crash-looping container as Running (and Restarting) between its crashes.
    running: c.State?.Running === true && !restarting,
    state: restarting ? 'restarting' : (c.State?.Status ?? 'unknown'),
    restarts: c.RestartCount ?? 0,
    image: c.Config?.Image ?? '',
    publish: labels[LABELS.publish] ?? '',
  };
}

/** How a proxy that does not run is named in messages: `crash-looping (restarted 5 times)`. */
export function describeProxyState(info: Pick<ProxyInfo, 'state' | 'restarts'>): string {
  if (info.state === 'restarting')
    return `crash-looping (restarted ${info.restarts} time${info.restarts === 1 ? '' : 's'})`;
  if (info.state === 'exited') return 'stopped (exited)';
  if (info.state === 'created') return 'created but never started';
  return info.state;
}

/**
 * HAProxy's own complaints in its output or logs (`[ALERT] … : config : parsing [...]: …`), each
 * once (a crash loop repeats them), the last `max` of them, without the `[NOTICE]` noise; '' when
 * there are none. When some are about the config, only those: they say why it won't start, where
 * an alert such as a worker terminated by the last stop says nothing.
 */
export function haproxyAlerts(text: string, max = 5): string {
  const all = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /\[ALERT\]|\berror\b/i.test(l));
  const config = all.filter((l) => /: config :/.test(l));
  const lines = config.length > 0 ? config : all;
  return lines
    .filter((l, i) => lines.lastIndexOf(l) === i)
    .slice(-max)
    .join('\n');
}

/** Where the throwaway check container writes the candidate config (never the proxy's volume). */
const CHECK_FILE = '/tmp/haproxy.cfg';

/**
 * `docker run` argv that validates a config (given on stdin) with `haproxy -c` in a throwaway
 * container of `image`, with the proxy's volume mounted read-only so the map file the config
 * names is there. It works whatever state the proxy is in (crash-looping included) and never
 * writes to the volume, so a rejected config changes nothing.
 */
export function checkConfigArgs(image: string, volume: string): string[] {
  return [
    'run',
    '--rm',
    '-i',
    '-u',
    '0',
    '--network',
    'none',
    '-v',
    `${volume}:${PROXY_DIR}:ro`,
    '--entrypoint',
    'sh',
    image,
    '-c',
    `cat > ${CHECK_FILE} && exec haproxy -c -f ${CHECK_FILE}`,
  ];
}

/**
 * Docker's reason in a command's stderr: the daemon's own answer (`Error response from daemon: …`)
 * when there is one (the CLI adds a vaguer last line, `Error: failed to start containers: x`),
 * else the last non-empty line.
 */
export function dockerReason(text: string): string {
  const daemon = text.split('\n').find((l) => l.includes('Error response from daemon'));
  return daemon?.trim() ?? lastLine(text);
}

/** The last non-empty line of a command's stderr. */
export function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => l.trim())
      .at(-1)
      ?.trim() ?? ''
  );
}
