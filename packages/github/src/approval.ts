/**
 * The plan an approver reads before a production job waits for approval: what is live now and what
 * will replace it, the commits between them (GitHub's compare API), the target's dry-run plan, the
 * monitor rules that will judge the release and, for a hotfix, its reason and rollback plan.
 *
 * Commit messages and author names are anyone's text: in the markdown every ASCII punctuation mark
 * is backslash-escaped (no links, HTML, emphasis or code spans can start), in the text every line is
 * made inert for the runner, and control characters are shown visibly in both.
 */
import type { Octokit } from '@octokit/rest';
import { errorMessage, inertLine, visibleControls } from '@switchyard/kit';
import type { Repository } from './context.js';
import { statusOf } from './permissions.js';

/** A version of the app: what is live, or what is about to be. */
export interface ReleaseRef {
  readonly version: string;
  readonly digest: string;
  /** The commit it was built from; without it no commits can be listed. */
  readonly sha?: string;
}

/** What {@link approvalPlan} needs. */
export interface ApprovalPlanOptions {
  /** Omit to leave the commits out (no token). */
  readonly octokit?: Octokit;
  readonly repo: Repository;
  readonly environment: string;
  /** What is live now; null on the first deployment. */
  readonly live: ReleaseRef | null;
  readonly next: ReleaseRef & { readonly sha: string };
  /** The target's dry-run plan, one line each. */
  readonly dryRun: readonly string[];
  /** The monitor rules that will judge the release, one line each. */
  readonly monitorRules: readonly string[];
  readonly hotfix?: { readonly reason: string; readonly rollbackPlan: string };
}

/** The plan as a job-summary section and as log text. */
export interface ApprovalPlan {
  readonly markdown: string;
  readonly text: string;
}

/** The most commits listed; the rest are counted. */
export const MAX_COMMITS = 50;
const MAX_BLOCK_LINES = 200;
const SHA = /^[0-9a-f]{7,40}$/i;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

interface Commit {
  readonly sha: string;
  readonly subject: string;
  readonly author: string;
}

/** What the compare API said, or why there is nothing to list. */
interface Commits {
  readonly list: readonly Commit[];
  readonly more: number;
  /** A sentence in place of, or after, the list. */
  readonly note?: string;
}

/** Builds the approver's plan; a compare that fails is said in the plan, never thrown. */
export async function approvalPlan(options: ApprovalPlanOptions): Promise<ApprovalPlan> {
  const commits = await listCommits(options);
  return { markdown: renderMarkdown(options, commits), text: renderText(options, commits) };
}

async function listCommits(o: ApprovalPlanOptions): Promise<Commits> {
  const none = (note: string): Commits => ({ list: [], more: 0, note });
  if (o.live === null) return none('First deployment: nothing is live to compare with.');
  if (o.live.sha === undefined || !SHA.test(o.live.sha))
    return none("Commits not listed: the live version's commit is not recorded.");
  if (!SHA.test(o.next.sha)) return none('Commits not listed: the new commit is not a commit id.');
  if (o.live.sha.toLowerCase() === o.next.sha.toLowerCase())
    return none('Same commit as the live version.');
  if (!o.octokit) return none('Commits not listed: no GitHub token was given.');
  try {
    const { data } = await o.octokit.rest.repos.compareCommitsWithBasehead({
      ...o.repo,
      basehead: `${o.live.sha}...${o.next.sha}`,
      per_page: MAX_COMMITS,
    });
    const list = data.commits.slice(0, MAX_COMMITS).map((c): Commit => ({
      sha: SHA.test(c.sha) ? c.sha.slice(0, 7) : '???????',
      subject: firstLine(c.commit.message),
      author: firstLine(c.author?.login ?? c.commit.author?.name ?? 'unknown'),
    }));
    const more = Math.max(0, data.total_commits - list.length);
    if (data.status === 'behind')
      return none(
        `The new commit is ${data.behind_by} commit(s) behind the live one: this deploys older code.`,
      );
    const note =
      data.status === 'diverged'
        ? `The live commit has ${data.behind_by} commit(s) that the new one does not.`
        : undefined;
    return { list, more, ...(note && { note }) };
  } catch (error) {
    const why =
      statusOf(error) === 404
        ? 'GitHub does not know one of the commits (force-pushed away, or from another repository)'
        : `GitHub's compare failed: ${oneLine(errorMessage(error)).slice(0, 200)}`;
    return none(`Commits not listed: ${why}.`);
  }
}

function firstLine(s: string): string {
  const line = s.split(/\r?\n|\r/)[0] ?? '';
  return oneLine(line.length > 100 ? `${line.slice(0, 99)}…` : line);
}

function oneLine(s: string): string {
  return visibleControls(s).trim();
}

/** Untrusted text as inert markdown: every ASCII punctuation mark escaped, controls visible. */
export function markdownText(s: string): string {
  return oneLine(s).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** A code block whose fence is longer than any run of backticks in the text. */
function codeBlock(lines: readonly string[]): string {
  const body = bounded(lines).map((l) => visibleControls(l));
  const longest = Math.max(
    0,
    ...body.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))),
  );
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${fence}text`, ...body, fence].join('\n');
}

function bounded(lines: readonly string[]): string[] {
  if (lines.length <= MAX_BLOCK_LINES) return [...lines];
  return [...lines.slice(0, MAX_BLOCK_LINES), `… and ${lines.length - MAX_BLOCK_LINES} more lines`];
}

const code = (s: string): string => `\`${s}\``;

function shownDigest(d: string, md: boolean): string {
  if (DIGEST.test(d)) return md ? code(d) : d;
  return md ? markdownText(d) : oneLine(d);
}

function shownSha(sha: string | undefined, md: boolean): string {
  if (sha === undefined || !SHA.test(sha)) return md ? '–' : 'unknown';
  return md ? code(sha.slice(0, 7)) : sha.slice(0, 7);
}

function renderMarkdown(o: ApprovalPlanOptions, commits: Commits): string {
  const { live, next } = o;
  const out = [
    `## Approve ${markdownText(o.environment)}: ${markdownText(next.version)}`,
    '',
    '| | Live now | To deploy |',
    '| --- | --- | --- |',
    `| Version | ${live ? markdownText(live.version) : '–'} | ${markdownText(next.version)} |`,
    `| Digest | ${live ? shownDigest(live.digest, true) : '–'} | ${shownDigest(next.digest, true)} |`,
    `| Commit | ${shownSha(live?.sha, true)} | ${shownSha(next.sha, true)} |`,
  ];
  if (o.hotfix) {
    const quote = (s: string): string[] =>
      bounded(s.split(/\r?\n/)).map((l) => `> ${markdownText(l)}`);
    out.push('', '### Hotfix', '', '**Reason**', '', ...quote(o.hotfix.reason));
    out.push('', '**Rollback plan**', '', ...quote(o.hotfix.rollbackPlan));
  }
  out.push('', `### Commits (${commits.list.length + commits.more})`, '');
  for (const c of commits.list)
    out.push(`- ${code(c.sha)} ${markdownText(c.subject)} — ${markdownText(c.author)}`);
  if (commits.more > 0) out.push(`- … and ${commits.more} more`);
  if (commits.note) out.push(...(commits.list.length ? [''] : []), markdownText(commits.note));
  out.push('', '### Dry run', '');
  out.push(o.dryRun.length ? codeBlock(o.dryRun) : 'The target gave no dry-run plan.');
  out.push('', '### Monitor rules', '');
  out.push(
    o.monitorRules.length
      ? codeBlock(o.monitorRules)
      : 'No monitor rules: no metrics will judge this release.',
  );
  return out.join('\n') + '\n';
}

function renderText(o: ApprovalPlanOptions, commits: Commits): string {
  const { live, next } = o;
  const release = (r: ReleaseRef): string =>
    `${oneLine(r.version)} ${shownDigest(r.digest, false)} (commit ${shownSha(r.sha, false)})`;
  const out = [
    `Approve ${oneLine(o.environment)}: ${oneLine(next.version)}`,
    `  live now:  ${live ? release(live) : 'nothing'}`,
    `  to deploy: ${release(next)}`,
  ];
  if (o.hotfix) {
    const indent = (s: string): string[] =>
      bounded(s.split(/\r?\n/)).map((l) => `    ${oneLine(l)}`);
    out.push('Hotfix reason:', ...indent(o.hotfix.reason));
    out.push('Rollback plan:', ...indent(o.hotfix.rollbackPlan));
  }
  out.push(`Commits (${commits.list.length + commits.more}):`);
  out.push(...commits.list.map((c) => `  ${c.sha} ${c.subject} (${c.author})`));
  if (commits.more > 0) out.push(`  … and ${commits.more} more`);
  if (commits.note) out.push(`  ${commits.note}`);
  out.push('Dry run:', ...(o.dryRun.length ? bounded(o.dryRun).map((l) => `  ${l}`) : ['  none']));
  out.push(
    'Monitor rules:',
    ...(o.monitorRules.length ? bounded(o.monitorRules).map((l) => `  ${l}`) : ['  none']),
  );
  return out.map(inertLine).join('\n') + '\n';
}
