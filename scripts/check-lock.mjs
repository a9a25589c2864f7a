// The lock-file guard (npm test and .ci/run run it before anything else, before `npm ci` even):
// fails, naming the package and the path to it, when a dependency spec in package-lock.json is a
// dist-tag or a wildcard that no `overrides` entry pins, or when a package's install script is
// neither allowed nor denied by `allowScripts`. Usage: node scripts/check-lock.mjs [folder]
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lockProblems } from './lib/lockfile.mjs';

const root = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), '..', '..'));
const read = (name) => JSON.parse(readFileSync(join(root, name), 'utf8'));
const problems = lockProblems(read('package-lock.json'), read('package.json'));
if (problems.length > 0) {
  console.error('check-lock: package-lock.json cannot be installed the same way twice:');
  for (const line of problems) console.error(`  ${line}`);
  process.exit(1);
}
console.log('check-lock: every dependency spec is held by the lock, every install script reviewed');
