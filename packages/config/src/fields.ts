/**
 * Parsers for single settings that both the file and the override inputs take, so the checks and the
 * wording are the same wherever a value comes from. Each throws an {@link InputError} named by `name`.
 */
import { isIP } from 'node:net';
import { InputError, parseInteger, parseUrl } from '@switchyard/kit';
import { APP_NAME, APP_NAME_MAX, ENVIRONMENT_NAME_MAX, type DockerHost } from './types.js';

/** How app and environment names are written, for messages. */
export const NAME_RULE = 'lowercase letters, digits and hyphens, starting with a letter or digit';
const CONTEXT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]*$/;
const HOST_FORMS =
  "Use '' for the local docker, a URL (ssh://user@host, tcp://host:2376, unix:///var/run/docker.sock) or a docker context name";

/** An app name: {@link APP_NAME}, at most {@link APP_NAME_MAX} characters. */
export function parseAppName(name: string, raw: string): string {
  return checkName(name, raw, 'an app name', APP_NAME_MAX);
}

/** An environment name: like an app name, at most {@link ENVIRONMENT_NAME_MAX} characters. */
export function parseEnvironmentName(name: string, raw: string): string {
  return checkName(name, raw, 'an environment name', ENVIRONMENT_NAME_MAX);
}

function checkName(name: string, raw: string, what: string, max: number): string {
  const s = raw.trim();
  if (!APP_NAME.test(s))
    throw new InputError(
      name,
      raw,
      `is not ${what}`,
      `Use ${NAME_RULE}, at most ${max} characters`,
    );
  if (s.length > max)
    throw new InputError(
      name,
      raw,
      `is ${s.length} characters long`,
      `Use at most ${max} characters`,
    );
  return s;
}

/** A TCP port, 1–65535. */
export function parsePort(name: string, raw: string): number {
  return parseInteger(name, raw, { min: 1, max: 65535 });
}

/** '' (local docker), an ssh:// tcp:// unix:// URL, or a docker context name. */
export function parseDockerHost(name: string, raw: string): DockerHost {
  const s = raw.trim();
  if (s === '') return { kind: 'local', display: 'local docker' };
  if (s.includes('://')) {
    const url = parseUrl(name, s, ['ssh:', 'tcp:', 'unix:']);
    if (url.protocol === 'unix:' ? url.pathname === '' || url.pathname === '/' : url.host === '')
      throw new InputError(
        name,
        raw,
        url.protocol === 'unix:' ? 'has no socket path' : 'has no host',
        HOST_FORMS,
      );
    let display = s;
    if (url.password !== '') {
      url.password = '';
      display = url.toString();
    }
    return { kind: 'host', url: s, display };
  }
  if (!CONTEXT_NAME.test(s)) throw new InputError(name, raw, 'is not a docker host', HOST_FORMS);
  return { kind: 'context', name: s, display: `context ${s}` };
}

/** An IPv4 or IPv6 address literal. */
export function parseBind(name: string, raw: string): string {
  const s = raw.trim();
  if (isIP(s) === 0)
    throw new InputError(
      name,
      raw,
      'is not an IP address',
      'Use an IPv4 or IPv6 literal such as 0.0.0.0, 127.0.0.1 or ::',
    );
  return s;
}

/** A URL path starting with `/`. */
export function parseHealthPath(name: string, raw: string): string {
  const s = raw.trim();
  if (!s.startsWith('/') || /\s/.test(s))
    throw new InputError(name, raw, 'is not a URL path', 'Start it with /, e.g. /healthz');
  return s;
}

/** A docker image reference (no spaces). */
export function parseImage(name: string, raw: string): string {
  const s = raw.trim();
  // Starts with a letter or digit: a value such as --privileged must never reach docker's argv as an option.
  if (!/^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$/.test(s))
    throw new InputError(
      name,
      raw,
      'is not an image reference',
      'Use [registry/]name[:tag][@sha256:digest], e.g. haproxy:3.2',
    );
  return s;
}

/** A volume spec `source:target[:ro|:rw]` with an absolute target. */
export function parseVolume(name: string, raw: string): string {
  const s = raw.trim();
  const parts = s.split(':');
  const [source = '', target = '', mode] = parts;
  const forms = 'Write source:target or source:target:ro, e.g. ./data:/data:ro or cache:/cache';
  if (parts.length < 2 || parts.length > 3 || source === '' || target === '')
    throw new InputError(name, raw, 'is not a volume', forms);
  if (!target.startsWith('/'))
    throw new InputError(name, raw, `has a relative target ${target}`, 'Give an absolute path');
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw')
    throw new InputError(name, raw, `has the mode ${mode}`, 'Use ro or rw');
  return s;
}

/** A positive number of CPUs, as docker's `--cpus` takes it. */
export function parseCpus(name: string, raw: string): string {
  const s = raw.trim();
  if (!/^\d+(\.\d+)?$/.test(s) || Number(s) <= 0)
    throw new InputError(
      name,
      raw,
      'is not a number of CPUs',
      'Use a positive number, e.g. 0.5 or 2',
    );
  return s;
}

/** A memory size as docker's `--memory` takes it (`512m`, `1g`, `1073741824`). */
export function parseMemory(name: string, raw: string): string {
  const s = raw.trim();
  if (!/^\d+(\.\d+)?[bkmg]?$/i.test(s))
    throw new InputError(
      name,
      raw,
      'is not a memory size',
      'Use a number with an optional unit b, k, m or g, e.g. 512m or 1g',
    );
  return s;
}
