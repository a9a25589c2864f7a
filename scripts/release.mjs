#!/usr/bin/env node
// Cuts a release; .github/workflows/release.yml runs it, and it runs by hand the same way.
//
//   node scripts/release.mjs check X.Y.Z [--notes FILE]
//     Refuses, naming why, unless X.Y.Z is a version, CHANGELOG.md has a non-empty "## [X.Y.Z]"
//     section, vX.Y.Z is not a tag yet and the ref (GITHUB_REF) is a branch. Prints the plan, writes
//     the section to FILE, and the plan to $GITHUB_OUTPUT when there is one.
//   node scripts/release.mjs publish X.Y.Z --sha SHA [--dry-run]
//     Checks again, then: the annotated tag vX.Y.Z on SHA, pushed; the GitHub release vX.Y.Z with the
//     CHANGELOG section as its notes (gh, with GH_TOKEN); the major tag vX moved to SHA and
//     force-pushed, unless a higher vX.*.* exists (a backport). --dry-run prints the commands only.
//
// Plain Node, no dependencies; the decisions are in scripts/lib/release.mjs (unit-tested).
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planRelease } from './lib/release.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage =
  'usage: node scripts/release.mjs check X.Y.Z [--notes FILE]\n' +
  '       node scripts/release.mjs publish X.Y.Z --sha SHA [--dry-run]';

function fail(message) {
  for (const line of message.split('\n'))
    console.error(process.env.GITHUB_ACTIONS === 'true' ? `::error::${line}` : line);
  process.exit(1);
}

function parseArgs(argv) {
  const [command, version, ...rest] = argv;
  const options = { command, version, dryRun: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--dry-run') options.dryRun = true;
    else if (arg === '--notes' || arg === '--sha') {
      const value = rest[++i];
      if (value === undefined || value.startsWith('--')) fail(`${arg} needs a value\n${usage}`);
      options[arg.slice(2)] = value;
    } else fail(`unknown argument ${JSON.stringify(arg)}\n${usage}`);
  }
  if (!['check', 'publish'].includes(command) || version === undefined) fail(usage);
  if (command === 'publish' && !/^[0-9a-f]{40}$/.test(options.sha ?? ''))
    fail(`publish needs --sha with the full 40-hex commit to tag\n${usage}`);
  return options;
}

const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

function plan(version) {
  const result = planRelease({
    version,
    changelog: readFileSync(join(root, 'CHANGELOG.md'), 'utf8'),
    tags: git('tag', '--list').split('\n').filter(Boolean),
    ref: process.env.GITHUB_REF,
  });
  if (!result.ok) fail(`release ${version} refused:\n${result.problems.join('\n')}`);
  return result;
}

function describe(p) {
  return [
    `release ${p.version}: tag ${p.tag}`,
    p.moveMajor
      ? `${p.majorTag} moves to ${p.tag}`
      : `${p.majorTag} stays (a higher ${p.majorTag}.x.y exists: this is a backport)`,
    p.latest ? 'the GitHub release becomes Latest' : 'the GitHub release is not marked Latest',
  ].join('; ');
}

const options = parseArgs(process.argv.slice(2));
const p = plan(options.version);

if (options.command === 'check') {
  console.log(describe(p));
  if (options.notes) writeFileSync(options.notes, `${p.notes}\n`);
  if (process.env.GITHUB_OUTPUT)
    appendFileSync(
      process.env.GITHUB_OUTPUT,
      `version=${p.version}\ntag=${p.tag}\nmajor-tag=${p.majorTag}\nmove-major=${p.moveMajor}\n`,
    );
  process.exit(0);
}

// publish
const notesFile = join(mkdtempSync(join(tmpdir(), 'switchyard-release-')), 'notes.md');
writeFileSync(notesFile, `${p.notes}\n`);
const steps = [
  ['git', ['tag', '--annotate', p.tag, '--message', `switchyard ${p.version}`, options.sha]],
  ['git', ['push', 'origin', `refs/tags/${p.tag}`]],
  [
    'gh',
    [
      'release',
      'create',
      p.tag,
      '--verify-tag',
      '--title',
      p.tag,
      '--notes-file',
      notesFile,
      `--latest=${p.latest}`,
    ],
  ],
];
if (p.moveMajor)
  steps.push(
    ['git', ['tag', '--force', p.majorTag, options.sha]],
    ['git', ['push', '--force', 'origin', `refs/tags/${p.majorTag}`]],
  );

console.log(describe(p));
for (const [program, args] of steps) {
  console.log(`${options.dryRun ? '(dry run) ' : ''}$ ${program} ${args.join(' ')}`);
  if (!options.dryRun) execFileSync(program, args, { cwd: root, stdio: 'inherit' });
}
