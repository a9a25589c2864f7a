#!/usr/bin/env node
// Builds one ncc bundle per action: actions/<name>/src/index.ts → dist/<name>/index.js (ESM).
// and the CLI: cli/src/index.ts → dist/cli/index.js.
// Usage: node scripts/build.mjs [name ...] (name: an action, or cli)
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundle, ROOT } from './lib/bundle.mjs';

const all = readdirSync(join(ROOT, 'actions')).filter((n) =>
  existsSync(join(ROOT, 'actions', n, 'src', 'index.ts')),
);
const names = process.argv.length > 2 ? process.argv.slice(2) : [...all, 'cli'];
for (const name of names) {
  if (name === 'cli') {
    bundle(join(ROOT, 'cli', 'src', 'index.ts'), join(ROOT, 'dist', 'cli'), {
      license: 'licenses.txt',
    });
    console.log('built dist/cli/index.js');
    continue;
  }
  bundle(join(ROOT, 'actions', name, 'src', 'index.ts'), join(ROOT, 'dist', name), {
    license: 'licenses.txt',
  });
  console.log(`built dist/${name}/index.js`);
  // A post step gets its own small bundle: the runner starts it after every run.
  const post = join(ROOT, 'actions', name, 'src', 'post.ts');
  if (existsSync(post)) {
    bundle(post, join(ROOT, 'dist', name, 'post'));
    console.log(`built dist/${name}/post/index.js`);
  }
}
