/**
 * Talking to the cluster beyond single objects: who answers (`kubectl version`), what the deploying
 * identity may do (`kubectl auth can-i`), and a color's last log lines (a crashed container's
 * previous run included).
 */
import { ActionError, type Logger } from '@switchyard/kit';
import { explainKubectl } from './errors.js';
import { MIN_KUBECTL, type Kubectl } from './kubectl.js';
import { at } from './manifests.js';
import { podTroubles } from './state.js';

const asText = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `{major, minor}` of a version object of `kubectl version -o json` (`minor: "32+"` reads 32). */
function versionOf(v: unknown): { major: number; minor: number; text: string } | undefined {
  const major = Number.parseInt(asText(at(v, 'major')), 10);
  const minor = Number.parseInt(asText(at(v, 'minor')), 10);
  const text = at(v, 'gitVersion');
  if (Number.isNaN(major) || Number.isNaN(minor) || typeof text !== 'string') return undefined;
  return { major, minor, text };
}

/**
 * Checks kubectl is recent enough and the cluster answers; returns what answered
 * (`Kubernetes v1.24.0+0, kubectl v1.32.4`). kubectl's version-skew warning (stderr) is passed on.
 */
export async function connectCluster(kubectl: Kubectl, log: Logger): Promise<string> {
  const r = await kubectl.run(['version', '--output=json']);
  let doc: unknown;
  try {
    doc = JSON.parse(r.stdout) as unknown;
  } catch {
    doc = undefined;
  }
  const client = versionOf(at(doc, 'clientVersion'));
  if (
    client &&
    (client.major < MIN_KUBECTL.major ||
      (client.major === MIN_KUBECTL.major && client.minor < MIN_KUBECTL.minor))
  )
    throw new ActionError(
      `kubectl ${client.text} is too old: the kubernetes target needs v${MIN_KUBECTL.major}.${MIN_KUBECTL.minor} or later (server-side apply with a field manager). Install a newer one (azure/setup-kubectl)`,
    );
  const server = versionOf(at(doc, 'serverVersion'));
  if (r.exitCode !== 0 || !server)
    throw new ActionError(explainKubectl('reach the cluster', r.stderr, kubectl.where));
  for (const line of r.stderr.split('\n'))
    if (/^WARNING:/.test(line.trim())) log.warning(`kubectl: ${line.trim()}`);
  return `Kubernetes ${server.text}, kubectl ${client?.text ?? 'unknown'}`;
}

/** What a changing run needs to be allowed (verb, resource). */
export const NEEDED_ACCESS: readonly (readonly [string, string])[] = [
  ['patch', 'services'],
  ['patch', 'deployments.apps'],
  ['create', 'deployments.apps'],
  ['update', 'leases.coordination.k8s.io'],
];

/**
 * Asks the cluster whether the deploying identity may do what a deploy does, before it changes
 * anything; fails listing what is missing. `auth can-i` answers `no` with exit code 1 (fixture 89).
 */
export async function checkAccess(kubectl: Kubectl): Promise<void> {
  const answers = await Promise.all(
    NEEDED_ACCESS.map(async ([verb, resource]) => {
      const r = await kubectl.run(['auth', 'can-i', verb, resource]);
      return { verb, resource, yes: r.exitCode === 0 && r.stdout.trim() === 'yes' };
    }),
  );
  const missing = answers.filter((a) => !a.yes).map((a) => `${a.verb} ${a.resource}`);
  if (missing.length > 0)
    throw new ActionError(
      `the deploying identity may not ${missing.join(', ')} in ${kubectl.where.namespace ? `namespace ${kubectl.where.namespace}` : "the context's namespace"} (kubectl auth can-i said no): grant it the Role in docs/kubernetes.md. Nothing was changed`,
    );
}

/**
 * The last `lines` log lines of a color's pods (every container, each line prefixed with its pod
 * and container), and for a container that crashed, the end of its previous run: the reason a
 * crash-looping pod never got ready.
 */
export async function colorLogs(
  kubectl: Kubectl,
  labels: Readonly<Record<string, string>>,
  lines: number,
): Promise<string> {
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await kubectl.run(['get', 'pods', `--selector=${selector}`, '--output=json']);
  const crashed = pods.exitCode === 0 ? podTroubles(pods.stdout).filter((t) => t.crashed) : [];
  const previous = await Promise.all(
    crashed.slice(0, 3).map(async (t) => {
      const r = await kubectl.run([
        'logs',
        t.pod,
        `--container=${t.container ?? ''}`,
        '--previous',
        `--tail=${lines}`,
      ]);
      return r.exitCode === 0 && r.stdout.trim()
        ? `--- ${t.pod}/${t.container ?? ''}, before its last restart ---\n${r.stdout.trimEnd()}`
        : '';
    }),
  );
  const now = await kubectl.run([
    'logs',
    `--selector=${selector}`,
    '--all-containers=true',
    '--prefix=true',
    `--tail=${lines}`,
    '--max-log-requests=10',
  ]);
  const current = `${now.stdout}${now.exitCode === 0 ? '' : now.stderr}`.trimEnd();
  return [...previous.filter(Boolean), current].filter(Boolean).join('\n');
}
