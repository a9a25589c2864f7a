/**
 * Parsers for single settings that both the file and the override inputs take, so the checks and the
 * wording are the same wherever a value comes from. Each throws an {@link InputError} named by `name`.
 */
import { InputError, parseInteger } from '@switchyard/kit';
import { APP_NAME, APP_NAME_MAX, ENVIRONMENT_NAME_MAX } from './types.js';

/** How app and environment names are written, for messages. */
export const NAME_RULE = 'lowercase letters, digits and hyphens, starting with a letter or digit';
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

/** A URL path starting with `/`. */
export function parseHealthPath(name: string, raw: string): string {
  const s = raw.trim();
  if (!s.startsWith('/') || /\s/.test(s))
    throw new InputError(name, raw, 'is not a URL path', 'Start it with /, e.g. /healthz');
  return s;
}

/** An OCI image reference (no spaces). */
export function parseImage(name: string, raw: string): string {
  const s = raw.trim();
  // Starts with a letter or digit: a value such as --privileged must never reach a tool's argv as an option.
  if (!/^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$/.test(s))
    throw new InputError(
      name,
      raw,
      'is not an image reference',
      'Use [registry/]name[:tag][@sha256:digest], e.g. haproxy:3.2',
    );
  return s;
}
