/**
 * A fake kubectl for the Kubernetes target's unit tests: each call's argv (after the cluster
 * arguments) is looked up in a script of recorded outputs; a call the script does not hold fails
 * the test. The recorded objects carry the recording's own label (`color`); {@link asOurs} renames
 * it to the target's (`switchyard.dev/color`) and adds the app and environment labels, so the
 * shapes the target parses stay the real ones.
 */
import { ExecError, type Exec, type ExecOptions, type ExecResult } from '@switchyard/kit';
import { K8S_LABELS } from '../src/kubernetes/contract.js';
import { fixture } from './kubernetes-fixtures.js';

export interface Call {
  readonly argv: readonly string[];
  readonly input?: string;
}

type Answer = Partial<ExecResult> | ((call: Call) => Partial<ExecResult>);

export class ReplayExec implements Exec {
  readonly calls: Call[] = [];
  private readonly script = new Map<string, Answer>();

  constructor(
    private readonly access: readonly string[],
    script: Readonly<Record<string, Answer>> = {},
  ) {
    for (const [k, v] of Object.entries(script)) this.script.set(k, v);
  }

  /** Adds or replaces the answer to an argv (joined by spaces, cluster arguments left out). */
  on(argv: string, answer: Answer): this {
    this.script.set(argv, answer);
    return this;
  }

  /** The argv of every call, cluster arguments left out, joined by spaces. */
  get argvs(): string[] {
    return this.calls.map((c) => c.argv.join(' '));
  }

  run(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (command !== 'kubectl') throw new Error(`unexpected command ${command}`);
    const pre = args.slice(0, this.access.length);
    if (pre.join(' ') !== this.access.join(' '))
      throw new Error(
        `kubectl ${args.join(' ')} lacks the cluster arguments ${this.access.join(' ')}`,
      );
    const call: Call = {
      argv: args.slice(this.access.length),
      ...(options.input !== undefined && { input: options.input }),
    };
    this.calls.push(call);
    const answer = this.script.get(call.argv.join(' '));
    if (answer === undefined)
      return Promise.reject(new Error(`unexpected kubectl call: ${call.argv.join(' ')}`));
    let a: Partial<ExecResult>;
    try {
      a = typeof answer === 'function' ? answer(call) : answer;
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const result = { exitCode: a.exitCode ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
    if (result.exitCode !== 0 && !options.allowFailure)
      return Promise.reject(new ExecError(`kubectl exited with ${result.exitCode}`, result));
    return Promise.resolve(result);
  }
}

type Json = Record<string, unknown>;

/** Renames the label `color` to the target's in labels, selectors and matchLabels; adds app and environment. */
function relabel(o: unknown, ours: Readonly<Record<string, string>>): unknown {
  if (Array.isArray(o)) return o.map((x) => relabel(x, ours));
  if (o === null || typeof o !== 'object') return o;
  const out: Json = {};
  for (const [k, v] of Object.entries(o as Json)) {
    if (
      ['labels', 'selector', 'matchLabels'].includes(k) &&
      v &&
      typeof v === 'object' &&
      'color' in v
    ) {
      const { color, ...rest } = v as Json;
      out[k] = { ...rest, ...ours, [K8S_LABELS.color]: color };
    } else out[k] = relabel(v, ours);
  }
  return out;
}

/** A recorded object (or List) as the target's own would look: its labels, and `annotations` added. */
export function asOurs(name: string, annotations: Readonly<Record<string, string>> = {}): Json {
  const ours = { [K8S_LABELS.app]: 'shop', [K8S_LABELS.environment]: 'production' };
  const o = relabel(JSON.parse(fixture(name)), ours) as Json;
  const meta = o.metadata as Json | undefined;
  if (meta) meta.annotations = { ...(meta.annotations as Json | undefined), ...annotations };
  return o;
}

/** `{ stdout: JSON }` of an object. */
export const out = (o: unknown): Partial<ExecResult> => ({ stdout: JSON.stringify(o, null, 4) });
