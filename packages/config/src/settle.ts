/**
 * Layers sections (defaults, environment, override inputs), fills in every default, and checks the
 * rules that span keys. A problem is blamed on the layer that set the offending key: a key path in the
 * file, or the override input. The target's own part of each section is settled by its schema.
 */
import { InputError } from '@switchyard/kit';
import { parseStatus } from '@switchyard/probe';
import { merge, origin, type Layer } from './layer.js';
import { MAPPING_KEYS, type Section, type WarmUpSection } from './section.js';
import { DEFAULT_TARGET, TARGET_SCHEMAS } from './target-schemas.js';
import type { EnvironmentConfig, TargetName, WarmUpSettings } from './types.js';

/** One source of settings, with its part for each target's section. */
export interface SectionLayer extends Layer<Section> {
  /** The same source's part for the target's own section (`<target>:`). */
  target(name: TargetName): Layer<object>;
}

/** Everything but the identity of the environment and the notices, with file paths as written. */
export type Settings = Omit<EnvironmentConfig, 'app' | 'environment' | 'notices'>;

/** The default of every common setting, as the file would write it. */
export const DEFAULTS = {
  target: DEFAULT_TARGET,
  healthPath: '/',
  expectStatus: '200-399',
  intervalMs: 1000,
  timeoutMs: 5000,
  keepPreviousMs: 30 * 60_000,
  readyTimeoutMs: 5 * 60_000,
  warmUpRequests: 200,
  warmUpConcurrency: 20,
} as const;

const DEFAULT_STATUS = parseStatus('expect-status', DEFAULTS.expectStatus);

/** The layered settings with every default filled in, after the cross-key checks. */
export function settle(layers: readonly SectionLayer[]): Settings {
  const s = merge(layers, MAPPING_KEYS);
  const env = s.env ?? {};
  checkSecrets(layers, env);
  const health = s.health ?? {};
  const kind = s.target ?? DEFAULTS.target;
  return {
    target: TARGET_SCHEMAS[kind].settle(layers.map((l) => l.target(kind))),
    ...(s.url === undefined ? {} : { url: s.url }),
    ...(s['preview-url'] === undefined ? {} : { previewUrl: s['preview-url'] }),
    health: {
      path: health.path ?? DEFAULTS.healthPath,
      expectStatus: health['expect-status'] ?? DEFAULT_STATUS,
      json: [...(health['expect-json'] ?? [])],
      bodyContains: [...(health['body-contains'] ?? [])],
      intervalMs: health.interval ?? DEFAULTS.intervalMs,
      timeoutMs: health.timeout ?? DEFAULTS.timeoutMs,
      headers: { ...(health.headers ?? {}) },
    },
    env: { ...env },
    secrets: [...(s.secrets ?? [])],
    keepPreviousMs: s['keep-previous'] ?? DEFAULTS.keepPreviousMs,
    readyTimeoutMs: s['ready-timeout'] ?? DEFAULTS.readyTimeoutMs,
    warmUp: warmUpOf(s['warm-up'] ?? {}, health.path ?? DEFAULTS.healthPath),
    monitor: { ...s.monitor },
    ...(s.notify !== undefined && { notify: s.notify }),
    ...(s.windows !== undefined && { windows: s.windows }),
    ...(s.github !== undefined && { github: s.github }),
  };
}

/** The layered `warm-up:` with its defaults; `null` when it is off (`requests: 0`). */
function warmUpOf(w: WarmUpSection, healthPath: string): WarmUpSettings | null {
  const requests = w.requests ?? DEFAULTS.warmUpRequests;
  if (requests === 0) return null;
  return {
    requests,
    concurrency: w.concurrency ?? DEFAULTS.warmUpConcurrency,
    path: w.path ?? healthPath,
  };
}

function checkSecrets(
  layers: readonly Layer<Section>[],
  env: Readonly<Record<string, string>>,
): void {
  const from = origin(layers, 'secrets');
  from?.section.secrets?.forEach((name, i) => {
    if (Object.hasOwn(env, name))
      throw from.wrap(
        new InputError(
          `${from.at('secrets')}[${i}]`,
          name,
          'is also set in env',
          'Remove it from env: a secret gets its value from the action at run time',
        ),
      );
  });
}
