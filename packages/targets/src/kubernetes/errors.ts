/**
 * kubectl failures, classified (pure) from the exit code and stderr, into messages that name the
 * cause and the fix. Real texts are in test/fixtures/kubernetes: every failure exits 1 and writes
 * to stderr, in several shapes (`Error from server (NotFound): …`, `The Deployment "x" is invalid:
 * …` without a prefix, `error: …` for client-side errors), and the wording moves between server
 * versions, so the patterns are broad (fixtures README, findings 2–4).
 */

/** What went wrong, as far as switchyard acts on it. */
export type KubectlFailureKind =
  | 'not-found'
  | 'already-exists'
  | 'conflict'
  | 'forbidden'
  | 'unauthorized'
  | 'unreachable'
  | 'immutable'
  | 'invalid'
  | 'deadline'
  | 'timeout'
  | 'other';

export interface KubectlFailure {
  readonly kind: KubectlFailureKind;
  /** The line that says it (the last meaningful stderr line, without `error: `). */
  readonly line: string;
}

const PATTERNS: readonly (readonly [KubectlFailureKind, RegExp])[] = [
  ['not-found', /\(NotFound\)|\bnot found\b/i],
  ['already-exists', /\(AlreadyExists\)|already exists/i],
  [
    'conflict',
    /\(Conflict\)|the object has been modified|please apply your changes to the latest version/i,
  ],
  ['forbidden', /\(Forbidden\)|is forbidden|cannot (get|list|create|patch|update|delete|watch)/i],
  ['unauthorized', /\(Unauthorized\)|You must be logged in|provide credentials/i],
  [
    'unreachable',
    /Unable to connect to the server|The connection to the server .* was refused|dial tcp|no such host|i\/o timeout|context .* does not exist|no configuration has been provided|current-context is not set|couldn't get current server API group list/i,
  ],
  ['immutable', /field is immutable/i],
  ['deadline', /exceeded its progress deadline/i],
  ['timeout', /timed out waiting for the condition/i],
  [
    'invalid',
    /\bis invalid\b|error validating|ValidationError|unknown field|field not declared in schema|failed to create typed patch object|Invalid value|unrecognized type|\(BadRequest\)/i,
  ],
];

/** The kind of a failed kubectl run, from its stderr. */
export function classifyKubectl(stderr: string): KubectlFailure {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^WARNING: version difference/.test(l));
  const line = (lines.at(-1) ?? '').replace(/^error: /, '');
  const text = lines.join('\n');
  const found = PATTERNS.find(([, re]) => re.test(text));
  return { kind: found?.[0] ?? 'other', line };
}

/** Where the run was pointed, for messages: `context prod, namespace shop`. */
export interface Where {
  readonly cluster: string;
  /** The namespace's name; undefined: the context's namespace. */
  readonly namespace?: string;
}

/**
 * A failure as a sentence that names its cause and the fix; `what` says what was being done
 * (`apply the green Deployment`).
 */
export function explainKubectl(what: string, stderr: string, where: Where): string {
  const f = classifyKubectl(stderr);
  const said = f.line ? `: ${f.line}` : '';
  switch (f.kind) {
    case 'unreachable':
      return `could not ${what}: the cluster did not answer (${where.cluster})${said}. Check KUBECONFIG (or the kubeconfig input), kubernetes.context, and that the runner can reach the API server`;
    case 'unauthorized':
      return `could not ${what}: the cluster refused the credentials (${where.cluster})${said}. Refresh the kubeconfig (a cloud login step before this one), or check the kubeconfig input`;
    case 'forbidden':
      return `could not ${what}: not allowed in ${where.namespace ? `namespace ${where.namespace}` : "the context's namespace"}${said}. Grant the deploying identity the Role in docs/kubernetes.md (deployments, services, leases; \`kubectl auth can-i --list${where.namespace ? ` -n ${where.namespace}` : ''}\` shows what it has)`;
    case 'immutable':
      return `could not ${what}${said}. A Deployment's selector can't change: the manifests' selector changed since this color was created. Delete the idle color's Deployment (never the live one) and deploy again, or put the selector back`;
    case 'invalid':
      return `could not ${what}: the cluster refused the manifest${said}. Fix the manifest (\`kubectl apply --dry-run=server -f <manifests>\` shows the same error)`;
    case 'not-found':
      return `could not ${what}${said}`;
    case 'deadline':
      return `could not ${what}: the Deployment exceeded its progress deadline (its spec.progressDeadlineSeconds)${said}`;
    default:
      return `could not ${what}${said}`;
  }
}
