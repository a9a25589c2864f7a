/**
 * GITHUB_TOKEN permissions as GitHub's workflow parser computes them (actions/runner,
 * src/Sdk/WorkflowParser: Permissions.cs, Conversion/PermissionsHelper.cs, WorkflowTemplateConverter.cs):
 * a `permissions:` mapping names scopes and leaves the others `none`; `read-all` / `write-all` set all;
 * a job without `permissions:` gets the workflow's, and with neither, the repository's default policy.
 * A called workflow may only keep or lower what its caller job allows.
 */
import { isMapping, isString } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';

export type Level = 'none' | 'read' | 'write';

/** The scopes in the order GitHub lists them in its errors. */
export const SCOPES = [
  'actions',
  'artifact-metadata',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'issues',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'statuses',
  'security-events',
  'id-token',
  'models',
  'vulnerability-alerts',
] as const;
export type Scope = (typeof SCOPES)[number];
export type Permissions = Readonly<Record<Scope, Level>>;

const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };

function all(level: Level): Record<Scope, Level> {
  return Object.fromEntries(SCOPES.map((s) => [s, level])) as Record<Scope, Level>;
}

/** The repository's default token permissions. */
export function policyPermissions(policy: 'restricted' | 'permissive'): Permissions {
  if (policy === 'permissive')
    return { ...all('write'), models: 'read', 'vulnerability-alerts': 'none' };
  return { ...all('none'), contents: 'read', packages: 'read' };
}

/** A `permissions:` token as a full map (scopes it doesn't name are `none`). */
export function readPermissions(token: TemplateToken): Permissions {
  if (isString(token)) {
    if (token.value === 'read-all') return { ...all('read'), 'vulnerability-alerts': 'none' };
    if (token.value === 'write-all')
      return { ...all('write'), models: 'read', 'vulnerability-alerts': 'none' };
    throw new Error(`Unexpected value '${token.value}'`);
  }
  if (!isMapping(token)) throw new Error('permissions: expected a mapping');
  const out = all('none');
  for (const { key, value } of token) {
    const scope = key.assertString('permissions key').value as Scope;
    const level = value.assertString('permission level').value as Level;
    if (!SCOPES.includes(scope)) throw new Error(`Unexpected value '${scope}'`);
    out[scope] = scope === 'models' && level === 'write' ? 'read' : level;
  }
  return out;
}

/**
 * GitHub's error when a called workflow (`nestedJob` undefined) or one of its jobs asks for more
 * than `max`, or undefined when it doesn't. `ref` is the fully qualified `owner/repo/path@sha`.
 */
export function exceedsMessage(
  ref: string,
  nestedJob: string | undefined,
  requested: Permissions,
  max: Permissions,
): string | undefined {
  const over = SCOPES.filter((s) => RANK[requested[s]] > RANK[max[s]]);
  if (over.length === 0) return undefined;
  const asked = over.map((s) => `${s}: ${requested[s]}`).join(', ');
  const allowed = over.map((s) => `${s}: ${max[s]}`).join(', ');
  const who = nestedJob === undefined ? 'The workflow' : `The nested job '${nestedJob}'`;
  return `Error calling workflow '${ref}'. ${who} is requesting '${asked}', but is only allowed '${allowed}'.`;
}

/** Only the scopes above `none`, for short assertions: `{ contents: 'read', packages: 'write' }`. */
export function granted(p: Permissions): Partial<Record<Scope, Level>> {
  return Object.fromEntries(SCOPES.filter((s) => p[s] !== 'none').map((s) => [s, p[s]]));
}
