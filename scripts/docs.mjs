#!/usr/bin/env node
// Writes the inputs/outputs tables of each action README from its action.yml (one source of truth),
// between the markers <!-- inputs:start --> and <!-- inputs:end -->.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { parse } from 'yaml';

const START = '<!-- inputs:start (generated from action.yml by npm run docs) -->';
const END = '<!-- inputs:end -->';

const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The generated block for one parsed action.yml. */
export function actionTables(meta) {
  const inputs = Object.entries(meta.inputs ?? {}).map(
    ([k, v]) =>
      `| \`${k}\` | ${v.required ? 'yes' : 'no'} | ${v.default === undefined ? '' : `\`${esc(v.default)}\``} | ${esc(v.description ?? '')} |`,
  );
  const outputs = Object.entries(meta.outputs ?? {}).map(
    ([k, v]) => `| \`${k}\` | ${esc(v.description ?? '')} |`,
  );
  return [
    START,
    '### Inputs',
    '',
    '| name | required | default | description |',
    '| --- | --- | --- | --- |',
    ...inputs,
    '',
    '### Outputs',
    '',
    '| name | description |',
    '| --- | --- |',
    ...outputs,
    END,
  ].join('\n');
}

/** The README text with fresh tables, formatted as Prettier would; undefined when the markers are missing. */
export async function renderReadme(text, meta, filepath) {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < 0) return undefined;
  const options = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(text.slice(0, a) + actionTables(meta) + text.slice(b + END.length), {
    ...options,
    filepath,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = new URL('..', import.meta.url).pathname;
  for (const name of readdirSync(join(root, 'actions'))) {
    const readme = join(root, 'actions', name, 'README.md');
    if (!existsSync(readme)) continue;
    const meta = parse(readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8'));
    const out = await renderReadme(readFileSync(readme, 'utf8'), meta, readme);
    if (out === undefined) {
      console.error(`actions/${name}/README.md: add the markers ${START} … ${END}`);
      process.exitCode = 1;
      continue;
    }
    writeFileSync(readme, out);
    console.log(`actions/${name}/README.md: tables written`);
  }
}
