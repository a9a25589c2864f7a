#!/usr/bin/env node
// Rebuilds every bundle and fails when dist/ differs from what is committed (STYLE.md §11), then
// starts each bundle under Node 24 with no inputs to prove it loads (ncc has had ESM bugs).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NODE24, ROOT as root } from './lib/bundle.mjs';

execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
// Working tree against the index: on a fresh clone that is the commit; locally, what is staged.
const changed = spawnSync('git', ['diff', '--name-status', '--', 'dist'], {
  cwd: root,
  encoding: 'utf8',
}).stdout;
const untracked = spawnSync('git', ['ls-files', '--others', '--exclude-standard', '--', 'dist'], {
  cwd: root,
  encoding: 'utf8',
}).stdout;
const status = changed + untracked;
if (status.trim() !== '') {
  console.error(`dist/ is stale: rebuild with "npm run build" and commit the result.\n${status}`);
  process.exit(1);
}
// The CLI bundle must start under Node 24 and list every command.
const cli = spawnSync(NODE24, [join(root, 'dist/cli/index.js'), '--help'], {
  encoding: 'utf8',
  env: { PATH: process.env.PATH },
  timeout: 30_000,
});
if (cli.status !== 0 || !cli.stdout.includes('rollback')) {
  console.error(
    `dist/cli/index.js --help did not run under Node 24 (exit ${cli.status}):\n${cli.stdout}\n${cli.stderr}`,
  );
  process.exit(1);
}
for (const name of readdirSync(join(root, 'dist'))) {
  if (name === 'cli') continue;
  // With no inputs every action must fail cleanly with an input error, not crash while loading.
  const r = spawnSync(NODE24, [join(root, 'dist', name, 'index.js')], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
    timeout: 30_000,
  });
  const loaded = r.stdout.includes(`::error::${name}: input `);
  if (!loaded) {
    console.error(
      `dist/${name}/index.js did not start under Node 24 as expected (exit ${r.status}):\n${r.stdout}\n${r.stderr}`,
    );
    process.exit(1);
  }
  // A post bundle with no saved state has nothing to clean up and must exit 0.
  const post = join(root, 'dist', name, 'post', 'index.js');
  if (existsSync(post)) {
    const p = spawnSync(NODE24, [post], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
      timeout: 30_000,
    });
    if (p.status !== 0) {
      console.error(
        `dist/${name}/post/index.js did not run under Node 24 (exit ${p.status}):\n${p.stdout}\n${p.stderr}`,
      );
      process.exit(1);
    }
  }
}
console.log('dist/ is fresh and every bundle starts under Node 24');
