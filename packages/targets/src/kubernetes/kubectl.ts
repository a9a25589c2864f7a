/**
 * kubectl as switchyard uses it: argument arrays (never a shell), the environment's kubeconfig,
 * context and namespace on every call, and failures worded by errors.ts. The one place that knows
 * how the target reaches its cluster.
 */
import {
  ActionError,
  ExecError,
  type Exec,
  type ExecOptions,
  type ExecResult,
} from '@switchyard/kit';
import { classifyKubectl, explainKubectl, type Where } from './errors.js';

/** Where the cluster is: kubectl's own way of choosing it. */
export interface ClusterAccess {
  /** A kubeconfig file (`--kubeconfig`); KUBECONFIG from the environment when not set. */
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
}

/** The oldest kubectl switchyard runs: server-side apply with --field-manager, `auth can-i`. */
export const MIN_KUBECTL = { major: 1, minor: 24 } as const;

/** The cluster did not answer: every kubectl call would fail the same way. */
export class ClusterUnreachableError extends ActionError {
  override readonly name = 'ClusterUnreachableError';
}

/** How a cluster is named in messages: `context prod, namespace shop` (never a credential). */
export function describeAccess(a: ClusterAccess): Where {
  return {
    cluster: `${a.context ? `context ${a.context}` : "kubectl's current context"}${a.kubeconfig ? ` of the kubeconfig input` : ''}`,
    ...(a.namespace !== undefined && { namespace: a.namespace }),
  };
}

/** The global arguments that select the cluster, namespace included. */
export function accessArgs(a: ClusterAccess): string[] {
  return [
    ...(a.kubeconfig ? [`--kubeconfig=${a.kubeconfig}`] : []),
    ...(a.context ? [`--context=${a.context}`] : []),
    ...(a.namespace ? [`--namespace=${a.namespace}`] : []),
  ];
}

/** Runs kubectl against one cluster and namespace. */
export class Kubectl {
  readonly where: Where;

  constructor(
    private readonly exec: Exec,
    readonly access: ClusterAccess,
  ) {
    this.where = describeAccess(access);
  }

  /**
   * Runs one kubectl command; resolves to its result whatever the exit code (callers decide),
   * except a cluster that can't be reached ({@link ClusterUnreachableError}) and a kubectl that
   * can't start.
   */
  async run(args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    let result: ExecResult;
    try {
      result = await this.exec.run('kubectl', [...accessArgs(this.access), ...args], {
        quiet: true,
        ...options,
        allowFailure: true,
      });
    } catch (error) {
      if (error instanceof ExecError && error.result.exitCode === -1)
        throw new ActionError(
          `kubectl could not run (${error.result.stderr.trim() || error.message}): the kubernetes target needs kubectl v${MIN_KUBECTL.major}.${MIN_KUBECTL.minor} or later on PATH (azure/setup-kubectl installs it)`,
        );
      throw error;
    }
    if (result.exitCode !== 0 && classifyKubectl(result.stderr).kind === 'unreachable')
      throw new ClusterUnreachableError(
        explainKubectl(`run kubectl ${args[0] ?? ''}`, result.stderr, this.where),
      );
    return result;
  }

  /** Runs a command that must succeed; a failure is explained as failing to do `what`. */
  async must(what: string, args: readonly string[], options: ExecOptions = {}): Promise<string> {
    const r = await this.run(args, options);
    if (r.exitCode !== 0) throw new ActionError(explainKubectl(what, r.stderr, this.where));
    return r.stdout;
  }

  /** An object as JSON text, or undefined when it does not exist. */
  async get(what: string, kind: string, name: string): Promise<string | undefined> {
    const r = await this.run(['get', kind, name, '--output=json']);
    if (r.exitCode === 0) return r.stdout;
    if (classifyKubectl(r.stderr).kind === 'not-found') return undefined;
    throw new ActionError(explainKubectl(`read ${what}`, r.stderr, this.where));
  }

  /**
   * Server-side apply of `objects` (a JSON List) with switchyard's field manager, taking over any
   * field another manager set (`--force-conflicts`): switchyard owns what it applies.
   */
  apply(what: string, list: string, dryRun = false): Promise<string> {
    return this.must(
      what,
      [
        'apply',
        '--server-side',
        '--field-manager=switchyard',
        '--force-conflicts',
        ...(dryRun ? ['--dry-run=server'] : []),
        '--filename=-',
        '--output=name',
      ],
      { input: list },
    );
  }
}
