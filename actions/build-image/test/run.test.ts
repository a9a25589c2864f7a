import { ActionError } from '@switchyard/kit';
import {
  OCI,
  parseTagRules,
  type BuilderInfo,
  type BuildResult,
  type GitContext,
} from '@switchyard/image';
import type { BuildImageInputs } from '../src/inputs.js';
import { outputs, plan, renderSummary, type BuildReport, type RunFacts } from '../src/run.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const DATE = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const DIGEST = `sha256:${'d'.repeat(64)}`;

const inputs = (over: Partial<BuildImageInputs> = {}): BuildImageInputs => ({
  image: { registry: 'ghcr.io', path: 'acme/shop' },
  registry: 'ghcr.io',
  tagRules: parseTagRules(
    'tags',
    'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=sha',
  ),
  latest: 'auto',
  context: '/work/repo',
  file: '/work/repo/Dockerfile',
  buildArgs: [['NODE_VERSION', '24']],
  labels: {},
  secrets: [],
  pull: false,
  noCache: false,
  platforms: [],
  cacheFrom: [],
  cacheTo: [],
  builder: 'auto',
  push: true,
  load: false,
  pushAttempts: 4,
  dryRun: false,
  ...over,
});

const git = (over: Partial<GitContext> = {}): GitContext => ({
  event: 'push',
  ref: 'refs/tags/v1.4.2',
  sha: SHA,
  defaultBranch: 'main',
  existingTags: ['v1.4.1', 'v1.4.2'],
  date: DATE,
  ...over,
});

const facts: RunFacts = {
  git: git(),
  repo: { name: 'shop', htmlUrl: 'https://github.com/acme/shop', license: 'MIT' },
  serverUrl: 'https://github.com',
  repository: 'acme/shop',
  workspace: '/work/repo',
};

const BUILDX: BuilderInfo = {
  kind: 'buildx',
  version: 'github.com/docker/buildx 0.13.1',
  driver: 'docker-container',
};

describe('plan', () => {
  test('refs from the tags, labels from git, and the spec from the inputs', () => {
    const p = plan(inputs({ target: 'runtime', provenance: 'mode=max', sbom: true }), git(), facts);
    expect(p.repository).toBe('ghcr.io/acme/shop');
    expect(p.tags.tags).toEqual(['1.4.2', '1.4', 'latest', 'sha-0123456']);
    expect(p.spec).toMatchObject({
      context: '/work/repo',
      file: '/work/repo/Dockerfile',
      refs: [
        'ghcr.io/acme/shop:1.4.2',
        'ghcr.io/acme/shop:1.4',
        'ghcr.io/acme/shop:latest',
        'ghcr.io/acme/shop:sha-0123456',
      ],
      buildArgs: [['NODE_VERSION', '24']],
      target: 'runtime',
      provenance: 'mode=max',
      sbom: true,
      push: true,
      load: false,
      insecure: false,
    });
    expect(p.labels).toEqual({
      [OCI.title]: 'shop',
      [OCI.source]: 'https://github.com/acme/shop',
      [OCI.url]: 'https://github.com/acme/shop',
      [OCI.revision]: SHA,
      [OCI.version]: '1.4.2',
      [OCI.created]: '2026-01-02T03:04:05.000Z',
      [OCI.licenses]: 'MIT',
    });
    expect(p.spec.labels).toEqual(p.labels);
  });

  test('version-build-arg: the computed version reaches the build as that argument, after build-args', () => {
    const p = plan(inputs({ versionBuildArg: 'APP_VERSION' }), git(), facts);
    expect(p.spec.buildArgs).toEqual([
      ['NODE_VERSION', '24'],
      ['APP_VERSION', '1.4.2'],
    ]);
    const branch = plan(
      inputs({ versionBuildArg: 'APP_VERSION', tagRules: parseTagRules('tags', 'type=sha') }),
      git({ ref: 'refs/heads/hotfix-login' }),
      facts,
    );
    expect(branch.spec.buildArgs).toContainEqual(['APP_VERSION', branch.tags.version]);
    expect(plan(inputs(), git(), facts).spec.buildArgs).toEqual([['NODE_VERSION', '24']]);
  });

  test('the user labels override the automatic ones', () => {
    const p = plan(
      inputs({ labels: { [OCI.version]: 'custom', 'com.example.team': 'payments' } }),
      git(),
      facts,
    );
    expect(p.labels).toMatchObject({
      [OCI.version]: 'custom',
      'com.example.team': 'payments',
      [OCI.revision]: SHA,
    });
  });

  test('a branch build is versioned by its sha tag', () => {
    const p = plan(
      inputs({ tagRules: parseTagRules('tags', 'type=ref,event=branch\ntype=sha') }),
      git({ ref: 'refs/heads/main' }),
      facts,
    );
    expect(p.spec.refs).toEqual(['ghcr.io/acme/shop:main', 'ghcr.io/acme/shop:sha-0123456']);
    expect(p.labels[OCI.version]).toBe('sha-0123456');
  });

  test.each([
    ['127.0.0.1:5000', true],
    ['localhost:5000', true],
    ['ghcr.io', false],
    [undefined, false],
  ])('[%#] registry %o: insecure %o', (registry, insecure) => {
    const p = plan(
      inputs({
        image: { ...(registry ? { registry } : {}), path: 'team/app' },
        registry,
        push: registry !== undefined,
        load: registry === undefined,
      }),
      git(),
      facts,
    );
    expect(p.spec.insecure).toBe(insecure);
    expect(p.spec.refs[0]).toBe(registry ? `${registry}/team/app:1.4.2` : 'team/app:1.4.2');
  });

  test('optional spec fields are left out when not set', () => {
    const spec = plan(inputs(), git(), facts).spec;
    for (const key of ['target', 'provenance', 'sbom']) expect(spec).not.toHaveProperty(key);
  });

  test('no tag at all is an ActionError that says why and what to add', () => {
    const run = () =>
      plan(
        inputs({ tagRules: parseTagRules('tags', 'type=semver,pattern={{major}}') }),
        git({ ref: 'refs/tags/v1.3.0-rc.1' }),
        facts,
      );
    expect(run).toThrow(ActionError);
    expect(run).toThrow(
      'the tag rules made no tag for push on refs/tags/v1.3.0-rc.1 (1.3.0-rc.1 is a pre-release: no "1" tag (type=semver,pattern={{major}})). Add a rule that applies, e.g. type=sha',
    );
  });
});

describe('outputs and renderSummary', () => {
  const pushedPlan = plan(inputs(), git(), facts);
  const loadedPlan = plan(
    inputs({ image: { path: 'team/app' }, registry: undefined, push: false, load: true }),
    git(),
    facts,
  );
  const pushed: BuildResult = {
    digest: DIGEST,
    imageId: `sha256:${'e'.repeat(64)}`,
    size: 12_345_678,
    sizeKind: 'compressed',
    pushed: pushedPlan.spec.refs,
  };
  const report = (over: Partial<BuildReport>): BuildReport => ({
    plan: pushedPlan,
    builder: BUILDX,
    result: pushed,
    dryRun: false,
    elapsedMs: 42_400,
    ...over,
  });

  test('pushed: image-ref is repository@digest, and metadata is the same as JSON', () => {
    const { metadata, ...o } = outputs(report({}));
    expect(o).toEqual({
      image: 'ghcr.io/acme/shop',
      tags: pushedPlan.spec.refs.join('\n'),
      digest: DIGEST,
      'image-ref': `ghcr.io/acme/shop@${DIGEST}`,
      'image-id': `sha256:${'e'.repeat(64)}`,
      version: '1.4.2',
      labels: Object.entries(pushedPlan.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
      builder: 'buildx',
    });
    expect(JSON.parse(metadata!)).toEqual({
      image: 'ghcr.io/acme/shop',
      tags: pushedPlan.spec.refs,
      digest: DIGEST,
      'image-ref': `ghcr.io/acme/shop@${DIGEST}`,
      'image-id': `sha256:${'e'.repeat(64)}`,
      version: '1.4.2',
      labels: pushedPlan.labels,
      builder: {
        kind: 'buildx',
        version: 'github.com/docker/buildx 0.13.1',
        driver: 'docker-container',
      },
      pushed: pushedPlan.spec.refs,
      size: 12_345_678,
      'size-kind': 'compressed',
      'dry-run': false,
      'duration-ms': 42_400,
    });
  });

  test.each([
    [
      'loaded: the first ref',
      {
        plan: loadedPlan,
        result: { imageId: 'sha256:f', size: 5_000_000, sizeKind: 'unpacked' as const, pushed: [] },
      },
      { digest: '', 'image-ref': 'team/app:1.4.2', 'image-id': 'sha256:f', image: 'team/app' },
    ],
    [
      'built, neither pushed nor loaded: no ref',
      {
        plan: { ...pushedPlan, spec: { ...pushedPlan.spec, push: false } },
        result: { pushed: [] },
      },
      { digest: '', 'image-ref': '', 'image-id': '' },
    ],
    [
      'dry run: no result, no ref',
      { result: undefined, dryRun: true },
      { digest: '', 'image-ref': '', 'image-id': '' },
    ],
    // The rows hold whole plans: the title shows the label only.
  ])('[%#] %s', (_label, over, expected) => {
    expect(outputs(report(over))).toMatchObject(expected);
  });

  test('a dry run: the metadata says so and leaves out what was not made', () => {
    const meta = JSON.parse(
      outputs(report({ result: undefined, dryRun: true, elapsedMs: 12.6 })).metadata!,
    ) as Record<string, unknown>;
    expect(meta).toMatchObject({
      'dry-run': true,
      pushed: [],
      'duration-ms': 13,
      version: '1.4.2',
    });
    for (const key of ['digest', 'image-ref', 'image-id', 'size', 'size-kind'])
      expect(meta).not.toHaveProperty(key);
  });

  test('the summary of a push', () => {
    const md = renderSummary(report({}));
    expect(md).toContain('## Build image');
    expect(md).toContain('✅ Built and pushed 4 tags in 42.4s.');
    expect(md).toContain(`| Image | \`ghcr.io/acme/shop\` |`);
    expect(md).toContain(`| Digest | \`${DIGEST}\` |`);
    expect(md).toContain(`| Image ref (deploy this) | \`ghcr.io/acme/shop@${DIGEST}\` |`);
    expect(md).toContain('| Version | 1.4.2 |');
    expect(md).toContain('| Size | 12.3 MB (compressed) |');
    expect(md).toContain('| Builder | buildx (docker-container driver) |');
    expect(md).toContain('### Tags');
    expect(md).toContain('- `ghcr.io/acme/shop:sha-0123456`');
    expect(md).toContain('<details><summary>Labels</summary>');
    expect(md).toContain(`| ${OCI.revision} | ${SHA} |`);
  });

  test.each([
    [
      'loaded',
      {
        plan: loadedPlan,
        builder: { kind: 'docker' as const, version: 'Docker 20.10' },
        result: { size: 999, sizeKind: 'unpacked' as const, pushed: [] },
      },
      [
        '✅ Built and loaded in 42.4s (not pushed).',
        '| Digest | — |',
        '| Image ref (deploy this) | `team/app:1.4.2` |',
        '| Size | 999 B (unpacked) |',
        '| Builder | docker |',
      ],
    ],
    [
      'dry run',
      { result: undefined, dryRun: true },
      [
        '🧪 Dry run: nothing was built or pushed.',
        '| Image ref (deploy this) | — |',
        '| Size | — |',
      ],
    ],
    [
      'a gigabyte image',
      { result: { ...pushed, size: 2_500_000_000 } },
      ['| Size | 2.5 GB (compressed) |'],
    ],
  ])('[%#] the summary when %s', (_label, over, lines) => {
    const md = renderSummary(report(over));
    for (const line of lines) expect(md).toContain(line);
  });
});
