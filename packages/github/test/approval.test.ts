/**
 * The approver's plan. Commits come from the fake GitHub (real Octokit, real HTTP, OpenAPI-checked);
 * the hostile commit messages from a small server of our own, as the fake's commits have fixed messages.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { startGithubFake, type GithubFake } from '../../../test/support/github-fake/index.js';
import { approvalPlan, MAX_COMMITS, type ApprovalPlanOptions } from '../src/approval.js';

const REPO = { owner: 'octo-org', repo: 'service' };
const DIGEST_A = `sha256:${'a'.repeat(64)}`;
const DIGEST_B = `sha256:${'b'.repeat(64)}`;
const QUIET = { debug() {}, info() {}, warn() {}, error() {} };
const octokitAt = (baseUrl: string): Octokit =>
  new Octokit({ auth: 'ghs_full', baseUrl, log: QUIET });
/** Control characters but newline (a plan's lines are joined with it). */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

function options(
  octokit: Octokit | undefined,
  live: ApprovalPlanOptions['live'],
  nextSha: string,
): ApprovalPlanOptions {
  return {
    ...(octokit && { octokit }),
    repo: REPO,
    environment: 'production',
    live,
    next: { version: '1.4.0', digest: DIGEST_B, sha: nextSha },
    dryRun: [
      'start green with ghcr.io/octo-org/service@' + DIGEST_B,
      'switch traffic blue → green',
    ],
    monitorRules: ['error ratio > 1% for 2m: critical', 'p95 latency > 300ms: warning'],
  };
}

describe('approvalPlan with the fake GitHub', () => {
  let fake: GithubFake;
  afterEach(async () => {
    expect(fake.violations).toEqual([]);
    await fake.close();
  });

  test('lists the three commits between live and next, with both versions', async () => {
    fake = await startGithubFake();
    const [, live, , , next] = fake.commits;
    const plan = await approvalPlan(
      options(octokitAt(fake.url), { version: '1.3.2', digest: DIGEST_A, sha: live }, next ?? ''),
    );
    const shown = fake.commits.slice(2).map((c) => c.slice(0, 7));
    expect(plan.markdown).toContain('| Version | 1\\.3\\.2 | 1\\.4\\.0 |');
    expect(plan.markdown).toContain(`| Digest | \`${DIGEST_A}\` | \`${DIGEST_B}\` |`);
    expect(plan.markdown).toContain('### Commits (3)');
    const listed = plan.markdown.split('\n').filter((l) => l.startsWith('- `'));
    expect(listed).toEqual(shown.map((s) => `- \`${s}\` commit ${s} — Octo Dev`));
    expect(plan.text).toContain('Commits (3):');
    for (const s of shown) expect(plan.text).toContain(`  ${s} commit ${s} (Octo Dev)`);
    expect(plan.text).toContain(`  live now:  1.3.2 ${DIGEST_A} (commit ${live?.slice(0, 7)})`);
    expect(plan.markdown).toMatch(
      /### Monitor rules\n\n```text\nerror ratio > 1% for 2m: critical/,
    );
    expect(plan.markdown).toContain('switch traffic blue → green');
  });

  test(`lists at most ${MAX_COMMITS} commits and counts the rest`, async () => {
    fake = await startGithubFake({
      commits: Array.from({ length: 60 }, (_, i) => (i + 1).toString(16).padStart(40, '0')),
    });
    const plan = await approvalPlan(
      options(
        octokitAt(fake.url),
        { version: '1.0.0', digest: DIGEST_A, sha: fake.commits[0] },
        fake.commits[59] ?? '',
      ),
    );
    expect(plan.markdown).toContain('### Commits (59)');
    expect(plan.markdown.split('\n').filter((l) => l.startsWith('- `'))).toHaveLength(MAX_COMMITS);
    expect(plan.markdown).toContain('- … and 9 more');
    expect(plan.text).toContain('  … and 9 more');
  });

  test('with no live version there is nothing to compare, and GitHub is not asked', async () => {
    fake = await startGithubFake();
    const plan = await approvalPlan(options(octokitAt(fake.url), null, fake.commits[4] ?? ''));
    expect(plan.markdown).toContain('| Version | – | 1\\.4\\.0 |');
    expect(plan.markdown).toContain('First deployment\\: nothing is live to compare with\\.');
    expect(plan.text).toContain('  live now:  nothing');
    expect(fake.requests).toEqual([]);
  });

  test.each([
    [
      'a commit GitHub does not know',
      'f'.repeat(40),
      undefined,
      /does not know one of the commits/,
    ],
    ['a bad gateway', undefined, 'bad-gateway' as const, /compare failed: /],
  ])('a compare that fails (%s) is said in the plan', async (_, liveSha, fault, said) => {
    fake = await startGithubFake();
    if (fault) fake.failNext({ path: /\/compare\//, answer: fault });
    const live = { version: '1.3.2', digest: DIGEST_A, sha: liveSha ?? fake.commits[1] };
    const plan = await approvalPlan(options(octokitAt(fake.url), live, fake.commits[4] ?? ''));
    expect(plan.text).toMatch(new RegExp(`Commits not listed: .*${said.source}`));
    expect(plan.markdown).toContain('### Commits (0)');
    expect(plan.markdown).toContain('### Dry run');
  });
});

describe('approvalPlan with hostile text', () => {
  const HOSTILE =
    'Fix <img src=x onerror=alert(1)> `rm -rf /` [ok](javascript:alert(1)) **bold** | cell\n' +
    '::set-output name=approved::true\n##[error]fake';
  const commit = (sha: string, message: string, name: string): Record<string, unknown> => ({
    sha,
    commit: { message, author: { name } },
    author: null,
  });
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          status: 'ahead',
          ahead_by: 3,
          behind_by: 0,
          total_commits: 3,
          commits: [
            commit('1'.repeat(40), HOSTILE, 'Eve <script>alert(1)</script>'),
            commit('2'.repeat(40), '::set-output name=approved::true', 'Mallory\u001b[31m\u202e'),
            commit('3'.repeat(40), '##[warning]`code`\r::add-mask::x', '@everyone'),
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('commit messages and authors cannot inject markdown, HTML, commands or controls', async () => {
    const plan = await approvalPlan({
      ...options(
        octokitAt(url),
        { version: '1.3.2', digest: DIGEST_A, sha: 'a'.repeat(40) },
        'b'.repeat(40),
      ),
      hotfix: {
        reason: 'login <b>broken</b>\n::error::x',
        rollbackPlan: 'run rollback.yml\n`undo`',
      },
      dryRun: ['a line with ``` a fence', 'a line with ```` a longer one'],
    });
    const lines = plan.markdown.split('\n');
    const commits = lines.filter((l) => /^- `[0-9a-f]{7}` /.test(l));
    expect(commits).toHaveLength(3);
    for (const line of commits) {
      const rest = line.replace(/^- `[0-9a-f]{7}` /, '');
      expect(rest).not.toMatch(/(?<!\\)[`<>[\]()*|]/); // every markup character is escaped
    }
    expect(commits[0]).toContain('\\<img src\\=x onerror\\=alert\\(1\\)\\>');
    expect(commits[0]).toContain('— Eve \\<script\\>');
    expect(commits[1]).toContain('Mallory\\\\x1b\\[31m\\\\u202e');
    expect(plan.markdown).not.toMatch(/(?<!\\)<(img|script|b)/);
    expect(plan.markdown).toContain('> login \\<b\\>broken\\<\\/b\\>');
    expect(plan.markdown).toMatch(
      /\n`{5}text\na line with ``` a fence\na line with ```` a longer one\n`{5}\n/,
    );
    for (const out of [plan.markdown, plan.text]) {
      expect(out).not.toMatch(CONTROLS);
      expect(out.split('\n').filter((l) => /^\s*::/.test(l) || /##\[/.test(l))).toEqual([]);
    }
    // The first line of a message only; its other lines never reach the plan.
    expect(plan.markdown + plan.text).not.toContain('error]fake');
    expect(plan.text).toContain('  1111111 Fix <img');
    expect(plan.text).toContain('  3333333 # #[warning]`code` (@everyone)');
  });
});
