/** Reading every pushed tag back from the registry: all must name one digest, the build's. */
import { ActionError, errorMessage, mapLimit, retry } from '@switchyard/kit';
import { isTransientRegistryError } from './build-log.js';
import type { BuildSpec } from './builders.js';
import type { PipelineDeps, PipelineOptions } from './pipeline.js';
import { REGISTRY_BACKOFF, RegistryClient, type Manifest } from './registry.js';

export async function verifyPush(
  spec: BuildSpec,
  opts: PipelineOptions,
  reported: string | undefined,
  deps: Pick<PipelineDeps, 'http' | 'clock' | 'log'>,
): Promise<{ digest: string; size?: number }> {
  const registry = opts.image.registry ?? '';
  const client = new RegistryClient(deps.http, registry, opts.credentials);
  const read = (ref: string): Promise<Manifest> =>
    retry(
      () => client.manifest(opts.image.path, ref.slice(ref.lastIndexOf(':') + 1)),
      {
        attempts: opts.pushAttempts,
        ...REGISTRY_BACKOFF,
        retryIf: (e) => isTransientRegistryError(errorMessage(e)),
      },
      deps.clock,
    ).catch((e: unknown) => {
      throw new ActionError(`reading ${ref} back from the registry failed: ${errorMessage(e)}`);
    });
  const [first, ...rest] = spec.refs;
  if (first === undefined) throw new ActionError('the build pushed no tags to verify');
  // The first read settles the registry's auth; the others then go in parallel.
  const manifests = [await read(first), ...(await mapLimit(rest, 4, read))];
  const digest = reported ?? manifests[0]?.digest ?? '';
  manifests.forEach((m, i) => {
    if (m.digest !== digest)
      throw new ActionError(
        `the registry has ${m.digest} for ${spec.refs[i] ?? ''}, but the build pushed ${digest}: another push raced this one, or the registry rewrote the manifest`,
      );
  });
  deps.log.info(`Verified: all ${spec.refs.length} tags in ${registry} point to ${digest}`);
  const size = manifests[0]?.size;
  return { digest, ...(size !== undefined ? { size } : {}) };
}
