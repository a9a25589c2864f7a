/** The monitor-window logic: read the target's state (if an environment is given), build the plan, run the window. */
import {
  ActionError,
  errorMessage,
  formatDuration,
  type Clock,
  type Exec,
  type Logger,
  type Secrets,
} from '@switchyard/kit';
import {
  monitor,
  prometheusClient,
  renderMatchers,
  withLabel,
  type Matcher,
  type MonitorPlan,
  type MonitorReport,
} from '@switchyard/metrics';
import { buildChecks, parseStatus, type Http } from '@switchyard/probe';
import type { EnvironmentConfig } from '@switchyard/config';
import {
  connect,
  describeChoice,
  healthUrl,
  holdLock,
  liveEntry,
  lockHolder,
  openTarget,
  readRepaired,
  readRepairedIfFree,
  rollback,
  ROLLBACK_WATCH_MS,
  RollbackVerifyError,
  watchRollback,
  telemetry,
  type BlueGreenDeps,
  type Color,
  type LockHold,
  type LockHolder,
  type RollbackResult,
  type RollbackWatch,
  type RouterChange,
  type Target,
  type TargetState,
  eventRelease,
  type Announce,
  type EventRelease,
  type StoredThread,
  type TargetDeps,
} from '@switchyard/targets';
import { announcing } from '@switchyard/announce';
import type { MonitorInputs } from './inputs.js';

export interface MonitorDeps {
  readonly exec: Exec;
  readonly clock: Clock;
  readonly http: Http;
  readonly log: Logger;
  /** Folded log groups (the runner's); without it, a rollback's groups are plain lines. */
  readonly group?: <T>(title: string, fn: () => Promise<T>) => Promise<T>;
  /** For rollback-on-failure: who takes the deploy lock, and how a post step can free it. */
  readonly holder?: LockHolder;
  readonly onLock?: BlueGreenDeps['onLock'];
  /** The step's environment: where a registry login for the rollback's pull goes. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Told about a private folder (a registry login) the post step must remove if the run dies. */
  readonly onPrivateDir?: (dir: string) => void;
  /** The step's secrets: with them, the window and its verdict are told (GitHub record, notify). */
  readonly secrets?: Secrets;
  /** The `github-token` input ('' : no GitHub record). */
  readonly githubToken?: string;
  /** Set by run(): what the window tells, and the Slack thread it keeps in the record. */
  readonly announce?: Announce;
  readonly recordExtras?: TargetDeps['recordExtras'];
}

/** What the target said about the release being watched. */
export interface ReleaseContext {
  readonly app: string;
  readonly environment: string;
  /** Label → value on every series of the environment's workload, as its target says. */
  readonly labels: Readonly<Record<string, string>>;
  readonly live: Color;
  readonly previous: Color | null;
  readonly version?: string;
  /** The live release's digest: rollback-on-failure rolls back only if it is still live. */
  readonly digest?: string;
  readonly previousVersion?: string;
  /** ISO time of the switch to `live`. */
  readonly switchedAt?: string;
  readonly url: string;
  /** The live release as the events name it (image, digest, version, the deploy that started it). */
  readonly told?: EventRelease;
  /** The release's Slack message, from the record. */
  readonly thread?: StoredThread;
}

export interface MonitorResult {
  readonly report: MonitorReport;
  /** The automatic rollback after a failed verdict (rollback-on-failure), if one ran. */
  readonly rollback?: RollbackResult;
  /** Why that rollback failed, if it did (the verdict and readings are reported even so). */
  readonly rollbackError?: string;
  readonly release?: ReleaseContext;
  readonly failOn: MonitorInputs['failOn'];
}

/** The release being watched, from the target's state. */
function releaseOf(config: EnvironmentConfig, state: TargetState, target: Target): ReleaseContext {
  if (!state.live)
    throw new ActionError(
      `nothing is live in ${config.app}/${config.environment} on ${target.description}: deploy first (deploy-bluegreen), or watch without environment`,
    );
  const live = state.colors[state.live] ?? liveEntry(state);
  const previous = state.previous ? state.colors[state.previous] : undefined;
  return {
    app: config.app,
    environment: config.environment,
    labels: telemetry(config).selector,
    live: state.live,
    previous: state.previous,
    ...(live && { version: live.version, digest: live.digest }),
    ...(previous && { previousVersion: previous.version }),
    ...(state.switchedAt !== undefined && { switchedAt: state.switchedAt }),
    url: target.url,
    ...(live && { told: eventRelease(live) }),
    ...(state.slackThread && { thread: state.slackThread }),
  };
}

/** Reads the live and previous colors, the switch time and the live URL from the target. */
export async function readRelease(
  inputs: MonitorInputs,
  deps: MonitorDeps,
): Promise<ReleaseContext | undefined> {
  const config = inputs.config;
  if (!config) return undefined;
  const target = openTarget(
    config,
    { ...(inputs.kubeconfig && { kubeconfig: inputs.kubeconfig }) },
    deps,
  );
  try {
    await connect(target, deps.log);
    // A switch a dead run left half-saved is repaired before the window when the lock is free.
    const state = await readRepairedIfFree(target, deps.holder ?? lockHolder(process.env), deps);
    return releaseOf(config, state, target);
  } finally {
    await target.close();
  }
}

/**
 * rollback-on-failure, made ready before the window: the target connected, the deploy lock taken
 * and kept renewed for the whole window (nothing deploys into a window being judged), the state
 * read (and a half-saved switch repaired) and the router prepared, so that a failed verdict goes
 * straight to the switch.
 */
interface PreparedRollback {
  readonly target: Target;
  readonly held: LockHold;
  readonly state: TargetState;
  readonly router: RouterChange;
  readonly release: ReleaseContext;
}

/** A prepared rollback while the window runs: its state read again every 10 s (watchRollback). */
interface WatchedRollback extends PreparedRollback {
  readonly watch: RollbackWatch;
}

async function prepareRollback(
  inputs: MonitorInputs,
  deps: MonitorDeps,
): Promise<PreparedRollback> {
  const config = inputs.config as EnvironmentConfig;
  const settings = inputs.rollback as NonNullable<MonitorInputs['rollback']>;
  const holder = deps.holder ?? lockHolder(process.env);
  const target = openTarget(
    config,
    {
      ...(settings.credentials && { credentials: settings.credentials }),
      ...(inputs.kubeconfig && { kubeconfig: inputs.kubeconfig }),
      secrets: settings.containerSecrets,
    },
    deps,
  );
  let held: LockHold | undefined;
  try {
    await connect(target, deps.log);
    held = await holdLock(
      target,
      { holder, lockTimeoutMs: settings.lockTimeoutMs },
      { clock: deps.clock, log: deps.log, ...(deps.onLock && { onLock: deps.onLock }) },
    );
    const state = await readRepaired(target, holder, deps);
    const release = releaseOf(config, state, target);
    const router = await target.prepare();
    deps.log.info(
      `rollback-on-failure is ready: ${describeChoice(state)}; the deploy lock is held for the window, and the state is read again every ${formatDuration(ROLLBACK_WATCH_MS)}`,
    );
    return { target, held, state, router, release };
  } catch (error) {
    if (held) await held.release();
    else await target.close();
    throw error;
  }
}

/** The watched and baseline selectors: the given ones, else the target's workload labels, split by color when known. */
export function selectors(
  inputs: MonitorInputs,
  release: ReleaseContext | undefined,
): { selector: Matcher[]; baseline: Matcher[] | null } {
  let selector: Matcher[] = inputs.selector ?? [];
  if (!inputs.selector && release)
    selector = Object.entries(release.labels).map(([label, value]) => ({
      label,
      op: '=' as const,
      value,
    }));
  let baseline: Matcher[] | null = selector;
  const label = inputs.colorLabel;
  if (label && release) {
    // No previous color (a first deploy): before the switch only preview and smoke traffic reached
    // the new color, which is no baseline of anything.
    baseline = release.previous ? withLabel(selector, label, release.previous) : null;
    // A selector that already names the color is the user's choice; otherwise watch the live one.
    if (!selector.some((m) => m.label === label))
      selector = withLabel(selector, label, release.live);
  }
  return { selector, baseline: inputs.baselineSelector ?? baseline };
}

/**
 * The proxy's series of the live and the previous color: the target's labels on its exporter, and
 * the label that names each color's backend. Undefined without a release or a proxy.
 */
export function proxySelectors(
  inputs: MonitorInputs,
  release: ReleaseContext | undefined,
): MonitorPlan['proxy'] {
  const proxy = inputs.proxy;
  if (!proxy || !release) return undefined;
  const base: Matcher[] = Object.entries(proxy.selector).map(([label, value]) => ({
    label,
    op: '=' as const,
    value,
  }));
  const of = (color: Color): Matcher[] =>
    withLabel(base, proxy.colorLabel, proxy.colorValues[color] ?? color);
  return {
    selector: of(release.live),
    baselineSelector: release.previous ? of(release.previous) : null,
  };
}

/** `$color` (the previous color in a baseline query), `$app`, `$environment`, from the release. */
function releaseVariables(release: ReleaseContext | undefined): {
  variables: Record<string, string>;
  baseline: Record<string, string>;
} {
  if (!release) return { variables: {}, baseline: {} };
  return {
    variables: { color: release.live, app: release.app, environment: release.environment },
    baseline: release.previous ? { color: release.previous } : {},
  };
}

/** Builds the plan from inputs and the release, then watches. */
export async function run(inputs: MonitorInputs, deps: MonitorDeps): Promise<MonitorResult> {
  const config = inputs.config;
  if (config && deps.secrets) {
    const told = announcing({
      config,
      target: config.target.kind,
      env: deps.env ?? {},
      ...(deps.githubToken !== undefined && { githubToken: deps.githubToken }),
      secrets: deps.secrets,
      log: deps.log,
      clock: deps.clock,
      http: deps.http,
    });
    deps = { ...deps, announce: told.announce, recordExtras: told.recordExtras };
  }
  const ready = inputs.config && inputs.rollback ? await prepareRollback(inputs, deps) : undefined;
  const prepared = ready && {
    ...ready,
    watch: watchRollback(ready.target, ready.state, deps),
  };
  try {
    return await watch(inputs, deps, prepared);
  } finally {
    await prepared?.watch.stop();
    await prepared?.held.release();
  }
}

/** The window itself, with the rollback made ready before it (rollback-on-failure). */
async function watch(
  inputs: MonitorInputs,
  deps: MonitorDeps,
  prepared: WatchedRollback | undefined,
): Promise<MonitorResult> {
  const release = prepared?.release ?? (await readRelease(inputs, deps));
  if (release)
    deps.log.info(
      `Watching ${release.app}/${release.environment}: ${release.live} live${release.version ? ` (${release.version})` : ''}` +
        `${release.switchedAt ? ` since ${release.switchedAt}` : ''}` +
        `${release.previous ? `; baseline from ${release.previous}${release.previousVersion ? ` (${release.previousVersion})` : ''}` : ''}`,
    );
  const { selector, baseline } = selectors(inputs, release);
  const healthUrls =
    inputs.health.urls.length > 0
      ? inputs.health.urls
      : release && inputs.config
        ? [healthUrl(release.url, inputs.config.health.path)]
        : [];
  const built = buildChecks(
    healthUrls,
    undefined,
    {
      headers: { 'User-Agent': 'switchyard-monitor' },
      expectStatus: inputs.health.expectStatus ?? parseStatus('health-expect-status', '200-399'),
      timeoutMs: inputs.health.timeoutMs,
      followRedirects: true,
    },
    'health-url',
  );
  // Checks derived from the config file judge the body as its health section says, like readiness.
  const health = !inputs.health.urls.length && inputs.config ? inputs.config.health : undefined;
  const checks = built.checks.map((c) =>
    health
      ? {
          ...c,
          json: health.json,
          bodyContains: health.bodyContains,
          headers: { ...c.headers, ...health.headers },
        }
      : c,
  );
  const proxy = proxySelectors(inputs, release);
  const named = releaseVariables(release);
  const switchedAt = release?.switchedAt ? Date.parse(release.switchedAt) : undefined;
  const baselineEnd = inputs.baselineEnd ?? (Number.isNaN(switchedAt) ? undefined : switchedAt);
  const plan: MonitorPlan = {
    durationMs: inputs.durationMs,
    intervalMs: inputs.intervalMs,
    rateWindowMs: inputs.rateWindowMs,
    baselineWindowMs: inputs.baselineWindowMs,
    ...(baselineEnd !== undefined && { baselineEnd }),
    selector,
    baselineSelector: baseline,
    ...(proxy && { proxy }),
    source: inputs.source,
    rules: inputs.rules,
    variables: { ...inputs.variables, ...named.variables },
    baselineVariables: named.baseline,
    variableHints: inputs.variableHints,
    minRequests: inputs.minRequests,
    verdict: {
      failureLimit: inputs.failureLimit,
      maxNoData: inputs.maxNoData,
      noData: inputs.noData,
    },
    healthChecks: checks,
  };
  if (inputs.prometheus) {
    deps.log.info(
      `Prometheus ${inputs.prometheus.url}; selector {${renderMatchers(selector)}}, baseline ${baseline ? `{${renderMatchers(baseline)}}` : 'none (no previous version)'}` +
        (inputs.source === 'app' ? '' : `; metrics: ${inputs.source}`),
    );
    if (proxy && inputs.source !== 'app')
      deps.log.info(
        `proxy selector {${renderMatchers(proxy.selector)}}, baseline ${proxy.baselineSelector ? `{${renderMatchers(proxy.baselineSelector)}}` : 'none (no previous version)'}`,
      );
  }
  const told = release?.told;
  const thread = release?.thread && { thread: release.thread };
  if (told)
    await deps.announce?.({
      kind: 'watching',
      release: told,
      windowMs: inputs.durationMs,
      rules: inputs.rules.map((r) => r.name),
      ...thread,
    });
  const report = await monitor(plan, {
    ...(inputs.prometheus && { prometheus: prometheusClient(inputs.prometheus, deps.http) }),
    http: deps.http,
    clock: deps.clock,
    log: deps.log,
  });
  if (told)
    await deps.announce?.(
      report.verdict === 'passed'
        ? { kind: 'passed', release: told, summary: report.reason, ...thread }
        : report.verdict === 'failed'
          ? { kind: 'verdict-failed', release: told, reasons: [report.reason], ...thread }
          : {
              kind: 'warning',
              release: told,
              message: `verdict ${report.verdict}: ${report.reason}`,
              ...thread,
            },
    );
  let rolledBack: RollbackResult | undefined;
  let rollbackError: string | undefined;
  if (report.decision.blind && inputs.rollback)
    deps.log.info(
      'rollback-on-failure: not rolling back: the verdict is inconclusive because the monitor could not see, and no rule that could see failed the release',
    );
  if (report.verdict === 'failed' && inputs.rollback && inputs.config) {
    try {
      rolledBack = await rollbackAfter(
        report,
        inputs,
        release?.digest,
        prepared as WatchedRollback,
        deps,
      );
    } catch (error) {
      rollbackError = errorMessage(error);
      if (error instanceof RollbackVerifyError) rolledBack = error.result;
    }
  }
  return {
    report,
    ...(release && { release }),
    ...(rolledBack && { rollback: rolledBack }),
    ...(rollbackError !== undefined && { rollbackError }),
    failOn: inputs.failOn,
  };
}

/**
 * rollback-on-failure: the rollback action's own code path, with the verdict as the reason, on the
 * target prepared before the window and under the lock held for it.
 */
async function rollbackAfter(
  report: MonitorReport,
  inputs: MonitorInputs,
  judged: string | undefined,
  prepared: WatchedRollback,
  deps: MonitorDeps,
): Promise<RollbackResult> {
  // The state as last read during the window: no read between the verdict and the switch.
  await prepared.watch.stop();
  const config = inputs.config as EnvironmentConfig;
  const settings = inputs.rollback as NonNullable<MonitorInputs['rollback']>;
  deps.log.info(
    `Verdict failed: rolling ${config.app}/${config.environment} back (rollback-on-failure)`,
  );
  return rollback(
    prepared.target,
    {
      health: config.health,
      readyTimeoutMs: config.readyTimeoutMs,
      keepPreviousMs: config.keepPreviousMs,
      warmUp: config.warmUp,
      lockTimeoutMs: settings.lockTimeoutMs,
      verifyTimeoutMs: settings.verifyTimeoutMs,
      holder: deps.holder ?? lockHolder(process.env),
      reason: `monitor-window: ${report.decision.reason}`,
      ...(judged && { onlyIfLive: judged }),
      prepared: { state: prepared.watch.current(), router: prepared.router },
    },
    {
      clock: deps.clock,
      log: grouped(deps.log, deps.group),
      http: deps.http,
      ...(deps.onLock && { onLock: deps.onLock }),
      ...(deps.announce && { announce: deps.announce }),
    },
  );
}

/** A logger with folded groups, as blue-green wants it. */
function grouped(log: Logger, group: MonitorDeps['group']): BlueGreenDeps['log'] {
  return {
    info: (m) => log.info(m),
    debug: (m) => log.debug(m),
    warning: (m, p) => log.warning(m, p),
    error: (m, p) => log.error(m, p),
    group:
      group ??
      (async (title, fn) => {
        log.info(title);
        return fn();
      }),
  };
}

/**
 * Whether the step fails, per fail-on (a failed automatic rollback always fails it). A window the
 * monitor could not see (a blind `inconclusive`) fails it under `failed` too: nobody saw the
 * release, so it must not read as good; only `never` keeps the step green.
 */
export function stepFails(result: MonitorResult): boolean {
  if (result.rollbackError !== undefined) return true;
  const v = result.report.verdict;
  if (result.failOn === 'never') return false;
  if (result.failOn === 'inconclusive') return v !== 'passed';
  return v === 'failed' || result.report.decision.blind === true;
}
