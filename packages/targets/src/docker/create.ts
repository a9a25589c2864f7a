/**
 * The Docker target as a kind (see kinds.ts): built from an environment whose target section is
 * `docker:`, and what it tells a monitor about the workload (the labels its metrics carry, the
 * container's limits).
 */
import { memoryBytes, type DockerSettings, type EnvironmentConfig } from '@switchyard/config';
import type { Target, TargetDeps } from '../target.js';
import type { TargetKind, Telemetry } from '../kinds.js';
import { openRuntimeSession } from './session.js';
import { DockerTarget } from './target.js';

function create(c: EnvironmentConfig, d: DockerSettings, deps: TargetDeps): Target {
  return new DockerTarget(
    {
      app: c.app,
      environment: c.environment,
      host: d.host,
      port: d.port,
      previewPort: d.previewPort,
      bind: d.bind,
      ...(c.url !== undefined && { url: c.url }),
      ...(c.previewUrl !== undefined && { previewUrl: c.previewUrl }),
      proxyImage: d.proxy.image,
      proxyDefaults: d.proxy.defaults,
      ...(d.proxy.metricsPort !== undefined && { proxyMetricsPort: d.proxy.metricsPort }),
      ...(d.containerPort !== undefined && { containerPort: d.containerPort }),
      env: c.env,
      ...(d.envFile !== undefined && { envFile: d.envFile }),
      volumes: d.volumes,
      ...(d.network !== undefined && { network: d.network }),
      resources: d.resources,
      ...(d.command !== undefined && { command: d.command }),
      stopTimeoutMs: d.stopTimeoutMs,
      waitForImageHealth: d.waitForImageHealth,
    },
    // HAProxy's runtime API through one kept-open session: switches in milliseconds.
    { ...deps, runtimeSession: openRuntimeSession },
  );
}

/**
 * The series of an environment's containers carry `app`, `environment` and `color` when Prometheus
 * maps the containers' switchyard.* labels to them (docker_sd relabelling; the monitor-window README
 * shows it). Limits are docker's `--cpus` and `--memory`.
 */
function telemetry(c: EnvironmentConfig, d: DockerSettings): Telemetry {
  const memory = d.resources.memory === undefined ? Number.NaN : memoryBytes(d.resources.memory);
  return {
    selector: { app: c.app, environment: c.environment },
    colorLabel: 'color',
    ...(d.resources.cpus !== undefined && { cpuLimit: Number(d.resources.cpus) }),
    ...(Number.isFinite(memory) && { memoryLimitBytes: memory }),
    limitsFrom: 'docker.resources',
    ...(d.proxy.metricsPort !== 'off' && {
      proxy: {
        selector: { app: c.app, environment: c.environment },
        colorLabel: 'proxy',
        colorValues: { blue: 'be_blue', green: 'be_green' },
      },
    }),
  };
}

export const DOCKER_KIND: TargetKind<DockerSettings> = { create, telemetry };
