/**
 * Image names and registries, checked against the distribution reference grammar before anything
 * runs: `[host[:port]/]path` with lower-case path components, tags `[\w][\w.-]{0,127}`.
 */
import { InputError } from '@switchyard/kit';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST =
  /^(?:localhost|\[[0-9a-fA-F:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::\d{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** Docker Hub's name as users write it, and the host its API answers on. */
export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';

export interface ImageName {
  /** Registry host[:port], or undefined for a local-only name. */
  readonly registry?: string;
  /** The path inside the registry, e.g. `team/app`. */
  readonly path: string;
}

/** `host/path` or `path`: what `docker tag` and `docker push` take, without a tag. */
export function repository(name: ImageName): string {
  return name.registry ? `${name.registry}/${name.path}` : name.path;
}

/** True when the first component names a registry host (has `.` or `:`, or is `localhost`). */
function looksLikeHost(component: string): boolean {
  return component === 'localhost' || component.includes('.') || component.includes(':');
}

/** Parses the `registry` input: `host[:port]`, optionally with `https://`, never with a path. */
export function parseRegistry(input: string, raw: string): string | undefined {
  let s = raw.trim();
  if (s === '') return undefined;
  const accepted =
    'Give the registry as host[:port], e.g. ghcr.io or 127.0.0.1:5000; put the namespace in image';
  const scheme = /^([a-z]+):\/\//i.exec(s);
  if (scheme) {
    if (!/^https?$/i.test(scheme[1] ?? ''))
      throw new InputError(input, raw, `has scheme ${scheme[1]}://`, accepted);
    s = s.slice(scheme[0].length);
  }
  s = s.replace(/\/+$/, '');
  if (s.includes('/'))
    throw new InputError(input, raw, `has a path (/${s.slice(s.indexOf('/') + 1)})`, accepted);
  if (!HOST.test(s)) throw new InputError(input, raw, 'is not a host[:port]', accepted);
  const port = /:(\d+)$/.exec(s)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    throw new InputError(input, raw, `has port ${port}, outside 1-65535`, accepted);
  return s.toLowerCase();
}

/**
 * Parses the `image` input (no tag, no digest: tags come from the tag rules) and joins it with the
 * `registry` input. A host in the image must agree with `registry` when both are given.
 */
export function parseImageName(
  input: string,
  text: string,
  registry: string | undefined,
  /** For callers that parse a part of a longer value: what to quote and what to suggest. */
  shown?: { readonly value: string; readonly accepted: string },
): ImageName {
  const s = text.trim();
  const raw = shown?.value ?? text;
  const accepted =
    shown?.accepted ??
    'Give a repository name such as team/app or ghcr.io/org/app: lower case, no tag (tags come from the tags input)';
  if (s === '') throw new InputError(input, raw, 'is empty', accepted);
  if (s.includes('@')) throw new InputError(input, raw, 'has a digest', accepted);
  const parts = s.split('/');
  let host: string | undefined;
  if (parts.length > 1 && looksLikeHost(parts[0] ?? '')) {
    host = parseRegistry(input, parts.shift() ?? '');
  }
  const last = parts[parts.length - 1] ?? '';
  if (last.includes(':'))
    throw new InputError(input, raw, `has a tag (${last.slice(last.indexOf(':'))})`, accepted);
  for (const c of parts)
    if (!COMPONENT.test(c))
      throw new InputError(
        input,
        raw,
        `has an invalid path component "${c}"${c !== c.toLowerCase() ? ' (upper case)' : ''}`,
        accepted,
      );
  if (host && registry && host !== registry)
    throw new InputError(
      input,
      raw,
      `names registry ${host}, but the registry input is ${registry}`,
      'Drop the host from image, or make the two agree',
    );
  let path = parts.join('/');
  const reg = host ?? registry;
  if (reg === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  if ((reg ? reg.length + 1 : 0) + path.length > 255)
    throw new InputError(input, raw, 'is longer than 255 characters with its registry', accepted);
  return { ...(reg ? { registry: reg } : {}), path };
}

/** True for a valid tag. */
export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** The host the registry's HTTP API answers on (Docker Hub's differs from its name). */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}

/** Loopback registries speak plain HTTP, as dockerd allows for 127.0.0.0/8 by default. */
export function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** An image reference as `docker pull` takes it: a name plus a tag, a digest, or both. */
export interface ImageReference extends ImageName {
  readonly tag?: string;
  /** `sha256:<64 hex>`. */
  readonly digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Parses an image reference to deploy: `[host[:port]/]path[:tag][@sha256:…]`. Without tag and
 * digest the tag is `latest`, as docker would pull it (`latest` is allowed, but pinning is better).
 */
export function parseImageReference(input: string, raw: string): ImageReference {
  const s = raw.trim();
  const accepted =
    'Give an image reference such as 127.0.0.1:5000/team/app:1.4.2, ghcr.io/org/app@sha256:<digest>, or the build-image output image-ref';
  if (s === '') throw new InputError(input, raw, 'is empty', accepted);
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest))
      throw new InputError(input, raw, `has an invalid digest "${digest}"`, accepted);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isValidTag(tag)) throw new InputError(input, raw, `has an invalid tag "${tag}"`, accepted);
  }
  const name = parseImageName(input, rest, undefined, { value: raw, accepted });
  return { ...name, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/** The reference as docker takes it (Docker Hub names keep their short form). */
export function formatReference(ref: ImageReference): string {
  const path =
    ref.registry === DOCKER_HUB && ref.path.startsWith('library/') ? ref.path.slice(8) : ref.path;
  const name = ref.registry && ref.registry !== DOCKER_HUB ? `${ref.registry}/${path}` : path;
  return `${name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
