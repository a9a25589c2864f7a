/** The docker CLI as switchyard uses it: argument arrays, the configured host, clear errors. */
import {
  ActionError,
  ExecError,
  type Exec,
  type ExecOptions,
  type ExecResult,
} from '@switchyard/kit';
import { tarFile, untarFirstFile } from './tar.js';

/** Where the Docker daemon is: the local one, a DOCKER_HOST URL, or a docker context. */
export type DockerHost =
  | { readonly kind: 'local' }
  | { readonly kind: 'host'; readonly url: string }
  | { readonly kind: 'context'; readonly name: string };

/** The daemon did not answer: every docker command would fail the same way. */
export class DockerUnreachableError extends ActionError {
  override readonly name = 'DockerUnreachableError';
}

const UNREACHABLE = [
  /Cannot connect to the Docker daemon/i,
  /error during connect/i,
  /Is the docker daemon running/i,
  /context ".*" does not exist/i,
  /ssh: (connect to host|Could not resolve)/i,
];

/** How a host is named in messages (no credentials). */
export function describeHost(host: DockerHost): string {
  if (host.kind === 'local') return 'the local Docker daemon';
  if (host.kind === 'context') return `docker context ${host.name}`;
  // Up to the last @ before the host: a password may itself contain @.
  return `DOCKER_HOST ${host.url.replace(/\/\/[^/]*@/, (m) => (m.includes(':') ? '//***@' : m))}`;
}

/** Runs `docker` against one host. */
export class DockerCli {
  constructor(
    private readonly exec: Exec,
    readonly host: DockerHost,
  ) {}

  /** The argv prefix and env that select the host (also what a post step needs). */
  get selector(): { readonly args: string[]; readonly env: Record<string, string> } {
    if (this.host.kind === 'context') return { args: ['--context', this.host.name], env: {} };
    if (this.host.kind === 'host') return { args: [], env: { DOCKER_HOST: this.host.url } };
    return { args: [], env: {} };
  }

  /** Runs one docker command; a daemon that can't be reached becomes a {@link DockerUnreachableError}. */
  async run(args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const { args: pre, env } = this.selector;
    try {
      const result = await this.exec.run('docker', [...pre, ...args], {
        ...options,
        env: { ...env, ...options.env },
      });
      if (result.exitCode !== 0 && this.unreachable(result.stderr))
        throw this.unreachableError(result.stderr);
      return result;
    } catch (error) {
      if (error instanceof ExecError && this.unreachable(error.result.stderr))
        throw this.unreachableError(error.result.stderr);
      throw error;
    }
  }

  /** stdout of a command, trimmed. */
  async text(args: readonly string[], options: ExecOptions = {}): Promise<string> {
    return (await this.run(args, options)).stdout.trim();
  }

  /** Whether a command succeeds (exit 0), for existence checks. */
  async ok(args: readonly string[]): Promise<boolean> {
    return (await this.run(args, { allowFailure: true, quiet: true })).exitCode === 0;
  }

  /**
   * One file of a container's filesystem, with `docker cp` (works whatever the container's state);
   * undefined when it can't be read (no such file, or no such container).
   */
  async readFile(container: string, path: string): Promise<string | undefined> {
    const r = await this.run(['cp', `${container}:${path}`, '-'], {
      allowFailure: true,
      quiet: true,
    });
    return r.exitCode === 0 ? untarFirstFile(Buffer.from(r.stdout, 'utf8')) : undefined;
  }

  /**
   * Writes one file (an absolute path) into a container's filesystem with `docker cp` (whatever its
   * state). Resolves to the result, a failure included: callers word it.
   */
  copyInto(
    container: string,
    path: string,
    content: string,
    mtimeSeconds: number,
  ): Promise<ExecResult> {
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    const name = path.slice(path.lastIndexOf('/') + 1);
    return this.run(['cp', '-', `${container}:${dir}`], {
      input: tarFile(name, content, mtimeSeconds).toString('utf8'),
      quiet: true,
      allowFailure: true,
    });
  }

  private unreachable(stderr: string): boolean {
    // "Error response from daemon" means the daemon answered (e.g. a registry it could not reach).
    return UNREACHABLE.some((r) => r.test(stderr)) && !/Error response from daemon/i.test(stderr);
  }

  private unreachableError(stderr: string): DockerUnreachableError {
    const line = stderr.trim().split('\n').filter(Boolean).at(-1) ?? '';
    return new DockerUnreachableError(
      `cannot reach ${describeHost(this.host)}: ${line}. Check that dockerd runs there and that docker-host is right`,
    );
  }
}
