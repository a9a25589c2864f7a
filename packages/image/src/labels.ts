/** OCI image annotations as labels (opencontainers image-spec, annotations.md), filled from git. */
import type { RepositoryInfo } from './git-context.js';

export const OCI = {
  title: 'org.opencontainers.image.title',
  description: 'org.opencontainers.image.description',
  source: 'org.opencontainers.image.source',
  url: 'org.opencontainers.image.url',
  revision: 'org.opencontainers.image.revision',
  version: 'org.opencontainers.image.version',
  created: 'org.opencontainers.image.created',
  licenses: 'org.opencontainers.image.licenses',
} as const;

export interface LabelFacts {
  /** `GITHUB_SERVER_URL`, e.g. https://github.com. */
  readonly serverUrl?: string;
  /** `GITHUB_REPOSITORY`, owner/name. */
  readonly repository?: string;
  readonly sha: string;
  readonly version: string;
  readonly created: Date;
  readonly repo: RepositoryInfo;
}

/** The automatic labels (only those whose value is known), then the user's, which win. */
export function imageLabels(
  facts: LabelFacts,
  overrides: Readonly<Record<string, string>>,
): Record<string, string> {
  const source =
    facts.repo.htmlUrl ??
    (facts.serverUrl && facts.repository
      ? `${facts.serverUrl.replace(/\/+$/, '')}/${facts.repository}`
      : undefined);
  const auto: Record<string, string | undefined> = {
    [OCI.title]: facts.repo.name ?? facts.repository?.split('/')[1],
    [OCI.description]: facts.repo.description,
    [OCI.source]: source,
    [OCI.url]: facts.repo.homepage ?? source,
    [OCI.revision]: facts.sha || undefined,
    [OCI.version]: facts.version || undefined,
    [OCI.created]: facts.created.toISOString(),
    [OCI.licenses]: facts.repo.license,
  };
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(auto)) if (v !== undefined && v !== '') labels[k] = v;
  return { ...labels, ...overrides };
}
