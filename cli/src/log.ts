/**
 * `switchyard log <env>`: the environment's own history from its target's record (newest first), and
 * GitHub's Deployments record beside it when a token and the repository are at hand.
 */
import { permissionProblem, readDeploymentLog, type DeploymentLogRow } from '@switchyard/github';
import { errorMessage, InputError, parseInteger, Summary } from '@switchyard/kit';
import {
  lockHolder,
  readRepairedIfFree,
  shortDigest,
  type HistoryEntry,
} from '@switchyard/targets';
import { shortTime } from '@switchyard/targets/overview';
import { environmentTarget, freezeLine, markdownText, type TargetCommandDeps } from './freeze.js';
import { githubAccess, NO_REPO_FIX, NO_TOKEN_FIX } from './github.js';

/** The target's history as `log` lists it: when, action, version, digest, by, reason. */
export function historyRows(history: readonly HistoryEntry[]): string[][] {
  return history.map((h) => [
    shortTime(h.at),
    h.action,
    h.version,
    shortDigest(h.digest),
    h.actor,
    h.reason ?? (h.action === 'rollback' ? '(no reason given)' : ''),
  ]);
}

/** GitHub's record as `log` lists it: version, state, when, description, run. */
export function deploymentRows(rows: readonly DeploymentLogRow[]): string[][] {
  return rows.map((r) => [
    r.version || '?',
    r.state,
    r.when ? shortTime(r.when) : '',
    r.description,
    r.runUrl,
  ]);
}

/** `switchyard log`. Outputs `history` (the target's entries) and `deployments` (GitHub's rows). */
export async function runLog(
  values: ReadonlyMap<string, string>,
  deps: TargetCommandDeps,
): Promise<void> {
  const { io } = deps;
  const limit = parseInteger('limit', values.get('limit') ?? '20', { min: 1, max: 100 });
  const github = githubAccess(values, deps.env, io);
  const { config, target } = environmentTarget('log', values, deps);
  const env = config.environment;
  const state = await readRepairedIfFree(target, lockHolder(deps.env), { ...deps, log: io });
  const history = state.history.slice(0, limit);
  io.setOutput('history', history);
  const s = new Summary().heading(`log: ${config.app} ${env}`);
  const frozen = freezeLine(state.freeze, target.description, deps.clock.now());
  if (frozen) s.paragraph(`❄ ${markdownText(frozen)}`);
  s.heading(`${env}: the target's record (newest first)`, 3);
  if (history.length)
    s.table(['when', 'action', 'version', 'digest', 'by', 'reason'], historyRows(history));
  else s.paragraph('Nothing deployed yet.');
  if (github instanceof InputError) {
    const fix = github.input === 'repo' ? NO_REPO_FIX : NO_TOKEN_FIX;
    s.paragraph(`GitHub's Deployments record is not shown. To list it beside this one: ${fix}.`);
    await io.appendSummary(s.toString());
    return;
  }
  s.heading(`${env}: GitHub's Deployments (${github.repo.owner}/${github.repo.repo})`, 3);
  try {
    const rows = await readDeploymentLog(github.octokit, github.repo, env, limit);
    io.setOutput('deployments', rows);
    if (rows.length)
      s.table(['version', 'state', 'when', 'description', 'run'], deploymentRows(rows));
    else s.paragraph('No Deployments recorded on GitHub for this environment.');
  } catch (error) {
    const why = permissionProblem(error, 'deployments') ?? errorMessage(error);
    io.warning(`GitHub's Deployments record could not be read: ${why}`);
    s.paragraph(`GitHub's Deployments record could not be read (see the warning above).`);
  }
  await io.appendSummary(s.toString());
}
