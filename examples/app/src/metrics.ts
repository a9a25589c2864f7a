/** Prometheus metrics for the example app (prom-client, its own registry). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The `route` label: the known paths, and `other` for everything that answers 404. */
export type Route = '/' | '/healthz' | 'other';

/** Every `route` label value. */
export const ROUTES: readonly Route[] = ['/', '/healthz', 'other'];

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The app's registry and the one call that records a served request. */
export interface AppMetrics {
  readonly registry: Registry;
  /** Records one served request. */
  observe(route: Route, code: number, seconds: number): void;
}

/** Creates the registry (default metrics, `color` default label) and the app's own metrics. */
export function createMetrics(version: string, color: string): AppMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ color });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by status code and route (excludes /metrics and /admin).',
    labelNames: ['code', 'route'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route (excludes /metrics and /admin).',
    labelNames: ['route'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const info = new Gauge({
    name: 'app_info',
    help: 'Always 1; the version label tells which release is running.',
    labelNames: ['version'] as const,
    registers: [registry],
  });
  info.set({ version }, 1);
  // prom-client creates a labelled series only on its first inc(); pre-create the ones that
  // error-ratio queries divide by, so they are 0 rather than absent before the first error.
  for (const code of ['200', '500', '503']) requests.inc({ code, route: '/' }, 0);
  for (const route of ROUTES) duration.zero({ route });
  return {
    registry,
    observe(route: Route, code: number, seconds: number): void {
      requests.inc({ code: String(code), route });
      duration.observe({ route }, seconds);
    },
  };
}
