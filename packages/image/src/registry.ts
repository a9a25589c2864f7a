/**
 * The registry's HTTP API (OCI distribution spec), read-only: the manifest digest a tag points to, and
 * the manifest itself for the image size. Handles anonymous, Basic and Bearer-token registries.
 */
import { createHash } from 'node:crypto';
import { ActionError, InputError, type InputReader } from '@switchyard/kit';
import type { Http, HttpResponse } from '@switchyard/probe';
import { apiHost, isLoopback } from './reference.js';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Registry credentials from a pair of inputs (e.g. `username`/`password`): both or neither.
 * Undefined when neither is set.
 */
export function readCredentials(
  r: InputReader,
  usernameInput: string,
  passwordInput: string,
): Credentials | undefined {
  const username = r.line(usernameInput);
  const password = r.text(passwordInput);
  if ((username === '') !== (password === ''))
    throw new InputError(
      username ? passwordInput : usernameInput,
      '',
      'is empty while the other credential input is set',
      `Set both ${usernameInput} and ${passwordInput}, or neither`,
    );
  return username ? { username, password } : undefined;
}

/** Backoff between retries of registry operations (push, login, reads). */
export const REGISTRY_BACKOFF = { initialDelayMs: 1000, maxDelayMs: 10_000 } as const;

/** Every manifest type a build can push: OCI and Docker, single-platform and multi-platform. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface Manifest {
  readonly digest: string;
  readonly mediaType: string;
  /** Compressed size: config + layers; undefined for a multi-platform index. */
  readonly size?: number;
}

/** A registry request that got an HTTP error status. */
export class RegistryError extends ActionError {
  override readonly name = 'RegistryError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Parses `Bearer realm="…",service="…",scope="…"` into its scheme and parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const m = /^\s*(\w+)\s*(.*)$/.exec(header) ?? [];
  const params: Record<string, string> = {};
  for (const p of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g))
    params[(p[1] ?? '').toLowerCase()] = p[2] ?? '';
  return { scheme: (m[1] ?? '').toLowerCase(), params };
}

function sizeOf(body: string): number | undefined {
  try {
    const doc = JSON.parse(body) as { config?: { size?: number }; layers?: { size?: number }[] };
    if (!doc.layers) return undefined;
    return (doc.config?.size ?? 0) + doc.layers.reduce((sum, l) => sum + (l.size ?? 0), 0);
  } catch {
    return undefined;
  }
}

export class RegistryClient {
  private token: string | undefined;
  private readonly base: string;

  constructor(
    private readonly http: Http,
    readonly registry: string,
    private readonly credentials?: Credentials,
    private readonly timeoutMs = 15_000,
  ) {
    this.base = `${isLoopback(registry) ? 'http' : 'https'}://${apiHost(registry)}`;
  }

  private basic(): string | undefined {
    const c = this.credentials;
    return c ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` : undefined;
  }

  private async send(method: string, url: string, accept: string): Promise<HttpResponse> {
    const auth = this.token ?? this.basic();
    const headers: Record<string, string> = {
      Accept: accept,
      ...(auth ? { Authorization: auth } : {}),
    };
    return this.http.request({
      method,
      url,
      headers,
      timeoutMs: this.timeoutMs,
      followRedirects: true,
    });
  }

  /** Follows a Bearer challenge: asks the token service for a pull token for `path`. */
  private async authenticate(challenge: string, path: string): Promise<void> {
    const { scheme, params } = parseChallenge(challenge);
    if (scheme === 'basic') {
      if (!this.credentials)
        throw new RegistryError(
          `${this.registry} wants a login (Basic auth): set username and password`,
          401,
        );
      this.token = this.basic();
      return;
    }
    if (scheme !== 'bearer' || !params.realm)
      throw new RegistryError(
        `${this.registry} sent an auth challenge this client does not speak: ${challenge}`,
        401,
      );
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? `repository:${path}:pull`);
    const basic = this.basic();
    const res = await this.http.request({
      method: 'GET',
      url: url.toString(),
      headers: basic ? { Authorization: basic } : {},
      timeoutMs: this.timeoutMs,
      followRedirects: true,
    });
    if (res.status !== 200)
      throw new RegistryError(`${this.registry} token service answered ${res.status}`, res.status);
    const body = JSON.parse(res.body) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`${this.registry} token service sent no token`, res.status);
    this.token = `Bearer ${token}`;
  }

  /** GET of a manifest by tag or digest, with its digest: from the registry's header, else the body's sha256. */
  async manifest(path: string, reference: string): Promise<Manifest> {
    const url = `${this.base}/v2/${path}/manifests/${reference}`;
    let res = await this.send('GET', url, MANIFEST_TYPES);
    if (res.status === 401) {
      await this.authenticate(res.headers['www-authenticate'] ?? '', path);
      res = await this.send('GET', url, MANIFEST_TYPES);
    }
    if (res.status !== 200)
      throw new RegistryError(
        `${this.registry}/${path}:${reference}: the registry answered ${res.status}${res.status === 404 ? ' (no such manifest)' : ''}`,
        res.status,
      );
    const digest =
      res.headers['docker-content-digest'] ??
      `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
    const mediaType = res.headers['content-type']?.split(';')[0]?.trim() ?? '';
    const size = sizeOf(res.body);
    return { digest, mediaType, ...(size !== undefined ? { size } : {}) };
  }
}
