/**
 * `switchyard freeze <env> --reason … [--until …]` and `switchyard unfreeze <env>`: the freeze switch
 * stored in the environment's record on its target (under the deploy lock), which every deploy and
 * promote reads; and the line `status` shows for a standing freeze.
 */
import { dirname } from 'node:path';
import {
  loadConfigFile,
  parseEnvironmentName,
  readOverrides,
  type EnvironmentConfig,
} from '@switchyard/config';
import {
  createFreeze,
  freezeMessage,
  instantText,
  isFrozen,
  parseFreezeRecord,
  serialiseFreeze,
  unfreezeMessage,
  type FreezeSwitch,
} from '@switchyard/calendar';
import {
  errorMessage,
  InputError,
  parseDuration,
  Summary,
  UNQUOTED,
  type ActionIO,
  type Clock,
  type Exec,
} from '@switchyard/kit';
import { nodeHttp } from '@switchyard/probe';
import {
  createTarget,
  lockHolder,
  readState,
  setFreeze,
  type Target,
  type TargetDeps,
} from '@switchyard/targets';

type Env = Readonly<Record<string, string | undefined>>;

/** Builds an environment's target (createTarget; a test hands in one of its own). */
export type TargetFactory = (config: EnvironmentConfig, deps: TargetDeps) => Target;

/** What the target commands need from the CLI. */
export interface TargetCommandDeps {
  readonly exec: Exec;
  readonly clock: Clock;
  readonly io: ActionIO;
  readonly cwd: string;
  readonly env: Env;
  readonly makeTarget?: TargetFactory;
}

/** The environment the command names (`switchyard freeze production`), its config and its target. */
export function environmentTarget(
  command: string,
  values: ReadonlyMap<string, string>,
  deps: TargetCommandDeps,
): { readonly config: EnvironmentConfig; readonly target: Target } {
  const raw = values.get('environment')?.trim() ?? '';
  if (!raw)
    throw new InputError(
      'environment',
      UNQUOTED,
      'is not set',
      `Name it: switchyard ${command} production`,
    );
  const name = parseEnvironmentName('environment', raw);
  const { path, doc } = loadConfigFile(values.get('config') ?? '', deps.cwd);
  const config = doc.resolve(
    name,
    readOverrides((n) => values.get(n)),
    dirname(path),
  );
  const make = deps.makeTarget ?? createTarget;
  const target = make(config, { exec: deps.exec, clock: deps.clock, log: deps.io, env: deps.env });
  return { config, target };
}

/** `--until`: an ISO 8601 time with its offset (`2026-12-24T08:00:00Z`, `…+01:00`). */
export function parseUntil(raw: string | undefined): Date | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
  const at = iso.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()))
    throw new InputError(
      'until',
      text,
      'is not an ISO time with its offset',
      'Write it as 2026-12-24T08:00:00Z (or with +01:00)',
    );
  return at;
}

/** The freeze a record holds, if any: parsed, or the problem when it does not parse. */
export function storedFreeze(
  raw: string | undefined,
  source: string,
): { readonly freeze?: FreezeSwitch; readonly problem?: string } {
  if (raw === undefined || raw === '') return {};
  try {
    return { freeze: parseFreezeRecord(raw, source) };
  } catch (error) {
    return { problem: errorMessage(error) };
  }
}

/**
 * The line `status` shows for an environment's standing freeze (`frozen since … by …: reason`), or
 * undefined when none stands. A record that does not parse is shown too: deploys stay refused.
 */
export function freezeLine(
  raw: string | undefined,
  source: string,
  now: number,
): string | undefined {
  const { freeze, problem } = storedFreeze(raw, source);
  if (problem) return problem;
  if (!freeze || !isFrozen(freeze, new Date(now))) return undefined;
  const lifts = freeze.until ? ` (lifts ${instantText(freeze.until, 'UTC')})` : '';
  return `frozen since ${instantText(freeze.at, 'UTC')} by ${freeze.by}: ${freeze.reason}${lifts}`;
}

/** Text from a record as markdown: pipes and angle brackets escaped, one line. */
export function markdownText(text: string): string {
  return text
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\s+/g, ' ');
}

function lockTimeout(values: ReadonlyMap<string, string>): number {
  return parseDuration('lock-timeout', values.get('lock-timeout') ?? '2m', { min: 0 });
}

/** `switchyard freeze`: stores a new freeze (replacing one that stands, and saying so). */
export async function runFreeze(
  values: ReadonlyMap<string, string>,
  deps: TargetCommandDeps,
): Promise<void> {
  const { io, clock } = deps;
  const until = parseUntil(values.get('until'));
  const lockTimeoutMs = lockTimeout(values);
  const holder = lockHolder(deps.env);
  const now = new Date(clock.now());
  // Checked before the target is touched: a bad reason or time changes nothing.
  const freeze = createFreeze(
    { reason: values.get('reason') ?? '', by: holder.actor, ...(until && { until }) },
    now,
  );
  const { config, target } = environmentTarget('freeze', values, deps);
  const env = config.environment;
  const change = await setFreeze(
    target,
    serialiseFreeze(freeze),
    { holder, lockTimeoutMs },
    { clock, log: io, http: nodeHttp },
  );
  const old = storedFreeze(change.before.freeze, target.description).freeze;
  const replaced =
    old && isFrozen(old, now)
      ? `It replaces the freeze by ${old.by} since ${instantText(old.at, 'UTC')}: ${old.reason}`
      : undefined;
  const message = freezeMessage(env, freeze, now);
  io.info(message);
  if (replaced) io.info(replaced);
  io.setOutput('frozen', 'true');
  io.setOutput('freeze', {
    environment: env,
    by: freeze.by,
    at: freeze.at.toISOString(),
    reason: freeze.reason,
    ...(freeze.until && { until: freeze.until.toISOString() }),
    replaced: replaced !== undefined,
  });
  const s = new Summary()
    .heading(`freeze: ${config.app} ${env}`)
    .table(
      ['frozen', 'by', 'reason', 'until'],
      [[env, freeze.by, freeze.reason, until && instantText(until, 'UTC')]],
    );
  if (replaced) s.paragraph(markdownText(replaced));
  await io.appendSummary(s.toString());
}

/** `switchyard unfreeze`: removes the freeze; an environment not frozen is left untouched. */
export async function runUnfreeze(
  values: ReadonlyMap<string, string>,
  deps: TargetCommandDeps,
): Promise<void> {
  const { io, clock } = deps;
  const lockTimeoutMs = lockTimeout(values);
  const holder = lockHolder(deps.env);
  const { config, target } = environmentTarget('unfreeze', values, deps);
  const env = config.environment;
  const current = await readState(target, io);
  if (current.freeze === undefined) {
    io.info(unfreezeMessage(env, undefined, holder.actor));
    io.setOutput('unfrozen', 'false');
    await io.appendSummary(
      new Summary().paragraph(markdownText(`${env} was not frozen: nothing to do`)).toString(),
    );
    return;
  }
  const change = await setFreeze(
    target,
    undefined,
    { holder, lockTimeoutMs },
    { clock, log: io, http: nodeHttp },
  );
  const { freeze, problem } = storedFreeze(change.before.freeze, target.description);
  const message = problem
    ? `${env} unfrozen by ${holder.actor} (its freeze record could not be read; it is removed)`
    : unfreezeMessage(env, freeze, holder.actor);
  io.info(message);
  io.setOutput('unfrozen', change.before.freeze === undefined ? 'false' : 'true');
  await io.appendSummary(new Summary().paragraph(markdownText(message)).toString());
}
