/**
 * The patches switchyard writes to the Services (pure argv): the switch (one merge patch of the
 * selector's color and the live/previous/switched-at annotations: one request, so atomic) and the
 * record. Every write carries switchyard's field manager.
 */
import type { Color } from '../contract.js';
import type { DeployRecord } from '../model.js';
import { recordOf } from '../record.js';
import { FIELD_MANAGER, K8S_ANNOTATIONS, K8S_LABELS, NOTHING_LIVE } from './contract.js';

const patch = (service: string, body: object): string[] => [
  'patch',
  'service',
  service,
  '--type=merge',
  `--field-manager=${FIELD_MANAGER}`,
  `--patch=${JSON.stringify(body)}`,
];

/**
 * Moves `service`'s selector to `color`. With `switchedAt` (the public Service), the same patch
 * records the live and previous colors and the time.
 */
export function selectorPatch(
  service: string,
  color: Color,
  previous?: Color | null,
  switchedAt?: number,
): string[] {
  return patch(service, {
    ...(switchedAt !== undefined && {
      metadata: {
        annotations: {
          [K8S_ANNOTATIONS.liveColor]: color,
          [K8S_ANNOTATIONS.previousColor]: previous && previous !== color ? previous : null,
          [K8S_ANNOTATIONS.switchedAt]: new Date(switchedAt).toISOString(),
        },
      },
    }),
    spec: { selector: { [K8S_LABELS.color]: color } },
  });
}

/**
 * Stores the record on the public Service: the whole record as JSON (history bounded), and its
 * headline as annotations of their own for `kubectl describe` readers. A field the record lacks is
 * removed (null in a merge patch).
 */
export function recordPatch(service: string, record: DeployRecord): string[] {
  const last = record.history[0];
  return patch(service, {
    metadata: {
      annotations: {
        [K8S_ANNOTATIONS.record]: JSON.stringify(recordOf(record)),
        [K8S_ANNOTATIONS.liveColor]: record.live ?? NOTHING_LIVE,
        [K8S_ANNOTATIONS.previousColor]: record.previous,
        [K8S_ANNOTATIONS.switchedAt]: record.switchedAt ?? null,
        [K8S_ANNOTATIONS.retireAfter]: record.retireAfter ?? null,
        [K8S_ANNOTATIONS.deployId]: last?.deployId ?? null,
      },
    },
  });
}
