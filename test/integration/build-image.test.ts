/**
 * build-image, run from dist/ under Node 24 through the runner-protocol harness, against the
 * testbed's Docker engine, two real registries (plain and htpasswd), buildx and buildah.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NODE24, ROOT, runAction, type ActionRun } from '../support/runner.js';
import { docker, freePort, testbed } from '../support/testbed.js';

const exec = promisify(execFile);
const tb = testbed();
const SHA = '0123456789abcdef0123456789abcdef01234567';
const BUSYBOX = '/bin/busybox';
const BUILDAH_ENV = { CONTAINERS_STORAGE_CONF: tb.containersStorageConf };
const BUILDX_ENV = { DOCKER_CONFIG: tb.buildxDockerConfig };

const DOCKERFILE = `FROM scratch
COPY busybox /bin/busybox
ARG GREETING=hello
RUN ["/bin/busybox", "sh", "-c", "echo $GREETING > /greeting"]
CMD ["/bin/busybox", "cat", "/greeting"]
`;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A workspace holding a tiny FROM-scratch build context (and optionally git tags). */
function workspace(dockerfile = DOCKERFILE): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bi-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  writeFileSync(join(dir, 'busybox'), readFileSync(BUSYBOX));
  chmodSync(join(dir, 'busybox'), 0o755);
  return dir;
}

async function gitTags(dir: string, tags: string[]): Promise<void> {
  const git = (...args: string[]): Promise<unknown> =>
    exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir });
  await git('init', '-q');
  await git('commit', '-q', '--allow-empty', '-m', 'x');
  for (const t of tags) await git('tag', t);
}

/** Unique repository per test, so registries never share state between tests. */
let n = 0;
const repo = (what: string): string =>
  `switchyard-test/${what}-${process.pid}-${Date.now() % 100000}-${n++}`;

function refEnv(ref: string, event = 'push'): Record<string, string> {
  return { GITHUB_REF: ref, GITHUB_EVENT_NAME: event, GITHUB_SHA: SHA };
}

async function registryDigest(ref: string, creds?: string): Promise<string> {
  const { stdout } = await exec('skopeo', [
    'inspect',
    '--tls-verify=false',
    ...(creds ? ['--creds', creds] : []),
    '--format',
    '{{.Digest}}',
    `docker://${ref}`,
  ]);
  return stdout.trim();
}

async function registryTags(registry: string, path: string, creds?: string): Promise<string[]> {
  const headers: Record<string, string> = creds
    ? { Authorization: `Basic ${Buffer.from(creds).toString('base64')}` }
    : {};
  const res = await fetch(`http://${registry}/v2/${path}/tags/list`, { headers });
  if (res.status === 404) return [];
  const body = (await res.json()) as { tags?: string[] | null };
  return [...(body.tags ?? [])].sort();
}

const tagsOf = (r: ActionRun): string[] => (r.outputs.tags ?? '').split('\n').filter(Boolean);

function expectOk(r: ActionRun): void {
  if (r.exitCode !== 0) throw new Error(`build-image failed (exit ${r.exitCode}):\n${r.log}`);
}

describe('build-image on a real engine and registry', () => {
  test('buildx, tag v1.4.2: semver + latest + sha tags, and the digest is the registry’s', async () => {
    const ws = workspace();
    const image = repo('buildx');
    const r = await runAction('build-image', {
      workspace: ws,
      inputs: { image, registry: tb.registry, 'build-args': 'GREETING=from-buildx' },
      env: { ...refEnv('refs/tags/v1.4.2'), ...BUILDX_ENV },
    });
    expectOk(r);
    const name = `${tb.registry}/${image}`;
    expect(tagsOf(r)).toEqual(
      ['1.4.2', '1.4', '1', 'latest', 'sha-0123456'].map((t) => `${name}:${t}`),
    );
    expect(r.outputs.builder).toBe('buildx');
    expect(r.log).toContain('builder: buildx');
    expect(r.outputs.version).toBe('1.4.2');
    expect(r.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    for (const ref of tagsOf(r)) expect(await registryDigest(ref)).toBe(r.outputs.digest);
    expect(r.outputs['image-ref']).toBe(`${name}@${r.outputs.digest}`);
    await docker('pull', '-q', r.outputs['image-ref'] ?? '');
    const labels = JSON.parse(
      await docker(
        'image',
        'inspect',
        '--format',
        '{{json .Config.Labels}}',
        r.outputs['image-ref'] ?? '',
      ),
    ) as Record<string, string>;
    expect(labels).toMatchObject({
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.version': '1.4.2',
      'org.opencontainers.image.source': 'https://github.com/acme/shop',
    });
    expect(await docker('run', '--rm', r.outputs['image-ref'] ?? '')).toBe('from-buildx');
    expect(r.summary).toContain(r.outputs.digest);
    expect(r.summary).toContain('buildx');
    const meta = JSON.parse(r.outputs.metadata ?? '{}') as { size?: number; pushed?: string[] };
    expect(meta.size).toBeGreaterThan(500_000);
    expect(meta.pushed).toHaveLength(5);
  });

  test('classic builder (auto without buildx), pre-release: no latest, no 1 / 1.5, digest verified', async () => {
    const ws = workspace();
    await gitTags(ws, ['v1.4.2', 'v1.5.0-rc.1']);
    const image = repo('classic');
    const r = await runAction('build-image', {
      workspace: ws,
      inputs: { image, registry: tb.registry },
      env: refEnv('refs/tags/v1.5.0-rc.1'),
    });
    expectOk(r);
    expect(r.outputs.builder).toBe('docker');
    expect(r.log).toMatch(
      /builder: docker, the classic builder \(auto: docker buildx is not installed\)/,
    );
    const name = `${tb.registry}/${image}`;
    expect(tagsOf(r)).toEqual([`${name}:1.5.0-rc.1`, `${name}:sha-0123456`]);
    expect(r.log).toContain('1.5.0-rc.1 is a pre-release: no "latest" tag');
    for (const ref of tagsOf(r)) expect(await registryDigest(ref)).toBe(r.outputs.digest);
    expect(await registryTags(tb.registry, image)).toEqual(['1.5.0-rc.1', 'sha-0123456']);
  });

  test('a backport release keeps latest and the major tag on the newest release', async () => {
    const ws = workspace();
    await gitTags(ws, ['v1.4.2', 'v1.2.9']);
    const image = repo('backport');
    const r = await runAction('build-image', {
      workspace: ws,
      inputs: { image, registry: tb.registry, builder: 'docker' },
      env: refEnv('refs/tags/v1.2.9'),
    });
    expectOk(r);
    expect(await registryTags(tb.registry, image)).toEqual(['1.2', '1.2.9', 'sha-0123456']);
  });

  test('a branch push gets the branch and sha tags; a PR gets pr-N', async () => {
    const branch = await runAction('build-image', {
      workspace: workspace(),
      inputs: { image: repo('branch'), registry: tb.registry },
      env: { ...refEnv('refs/heads/Feature/Login'), ...BUILDX_ENV },
    });
    expectOk(branch);
    expect(tagsOf(branch).map((t) => t.split(':').at(-1))).toEqual([
      'feature-login',
      'sha-0123456',
    ]);
    expect(branch.outputs.version).toBe('sha-0123456');

    const pr = await runAction('build-image', {
      workspace: workspace(),
      inputs: { image: repo('pr'), registry: tb.registry },
      env: {
        ...refEnv('refs/pull/17/merge', 'pull_request'),
        GITHUB_HEAD_REF: 'feature/login',
        ...BUILDX_ENV,
      },
      event: { number: 17, pull_request: { number: 17 }, repository: { default_branch: 'main' } },
    });
    expectOk(pr);
    expect(tagsOf(pr).map((t) => t.split(':').at(-1))).toEqual(['pr-17', 'sha-0123456']);
  });

  test('buildah: the same tags and digest contract, daemonless', async () => {
    const image = repo('buildah');
    const r = await runAction('build-image', {
      workspace: workspace(),
      inputs: { image, registry: tb.registry, builder: 'buildah' },
      env: { ...refEnv('refs/tags/v2.0.1'), ...BUILDAH_ENV },
    });
    expectOk(r);
    const name = `${tb.registry}/${image}`;
    expect(tagsOf(r)).toEqual(
      ['2.0.1', '2.0', '2', 'latest', 'sha-0123456'].map((t) => `${name}:${t}`),
    );
    expect(r.outputs.builder).toBe('buildah');
    for (const ref of tagsOf(r)) expect(await registryDigest(ref)).toBe(r.outputs.digest);
    await docker('pull', '-q', r.outputs['image-ref'] ?? '');
    expect(await docker('run', '--rm', r.outputs['image-ref'] ?? '')).toBe('hello');
  });
});

describe('build-image login, secrets and failures', () => {
  const auth = tb.authRegistry;
  const creds = `${auth.user}:${auth.password}`;

  test.each([
    ['buildx', BUILDX_ENV],
    ['buildah', BUILDAH_ENV],
  ] as const)(
    '%s: logs in to the auth registry, never shows the password, removes the credentials',
    async (builder, env) => {
      const image = repo(`auth-${builder}`);
      const before = existsSync('/root/.docker/config.json')
        ? readFileSync('/root/.docker/config.json', 'utf8')
        : '';
      const r = await runAction('build-image', {
        workspace: workspace(),
        inputs: {
          image,
          registry: auth.host,
          username: auth.user,
          password: auth.password,
          builder,
        },
        env: { ...refEnv('refs/heads/main'), ...env },
        secrets: [auth.password],
      });
      expectOk(r);
      expect(r.masked).toContain(auth.password);
      expect(r.log).toContain(`Logged in to ${auth.host} as ${auth.user}`);
      for (const ref of tagsOf(r)) expect(await registryDigest(ref, creds)).toBe(r.outputs.digest);
      // The private docker config lived in RUNNER_TEMP and is gone; the user's config is untouched.
      expect(r.state['docker-config']).toMatch(/switchyard-docker-/);
      expect(r.tempFiles.filter((f) => f.includes('switchyard-'))).toEqual([]);
      expect(r.post?.exitCode).toBe(0);
      const after = existsSync('/root/.docker/config.json')
        ? readFileSync('/root/.docker/config.json', 'utf8')
        : '';
      expect(after).toBe(before);
    },
  );

  test('the post step removes a private config the main step left behind (killed mid-run)', async () => {
    const left = mkdtempSync(join(tmpdir(), 'switchyard-docker-'));
    writeFileSync(join(left, 'config.json'), '{"auths":{"x":{"auth":"c2VjcmV0"}}}');
    const { stdout } = await exec(NODE24, [join(ROOT, 'dist/build-image/post/index.js')], {
      env: { PATH: process.env.PATH ?? '', 'STATE_docker-config': left },
    });
    expect(stdout).toContain(`Removed the temporary docker config ${left}`);
    expect(existsSync(left)).toBe(false);
    // Nothing saved: nothing to do, and no error.
    await exec(NODE24, [join(ROOT, 'dist/build-image/post/index.js')], { env: {} });
  });

  test('a wrong password fails clearly and pushes nothing', async () => {
    const image = repo('badpw');
    const r = await runAction('build-image', {
      workspace: workspace(),
      inputs: { image, registry: auth.host, username: auth.user, password: 'not-the-password' },
      env: { ...refEnv('refs/heads/main'), ...BUILDX_ENV },
      secrets: ['not-the-password'],
    });
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(
      new RegExp(
        `::error::build-image: login to ${auth.host.replace(/\./g, '\\.')} as ci failed: .*(401|unauthorized)`,
        'i',
      ),
    );
    expect(r.log).not.toContain('docker buildx build');
    expect(await registryTags(auth.host, image, creds)).toEqual([]);
    expect(r.tempFiles.filter((f) => f.includes('switchyard-'))).toEqual([]);
  });

  test('a build secret reaches RUN --mount but never the log or the image', async () => {
    const secret = 's3cr3t-build-token-42';
    const hash = createHash('sha256').update(secret).digest('hex');
    const ws = workspace(`FROM scratch
COPY busybox /bin/busybox
RUN --mount=type=secret,id=token ["/bin/busybox", "sh", "-c", "test \\"$(/bin/busybox sha256sum /run/secrets/token | /bin/busybox cut -d' ' -f1)\\" = ${hash} && echo ok > /checked"]
CMD ["/bin/busybox", "sh", "-c", "cat /checked; ls /run/secrets 2>&1 || true"]
`);
    const r = await runAction('build-image', {
      workspace: ws,
      inputs: { image: repo('secret'), registry: tb.registry, secrets: `token=${secret}` },
      env: { ...refEnv('refs/heads/main'), ...BUILDX_ENV },
      secrets: [secret],
    });
    expectOk(r);
    const out = await docker('run', '--rm', r.outputs['image-ref'] ?? '');
    expect(out.split('\n')[0]).toBe('ok');
    expect(out).not.toContain(secret);
    const history = await docker('history', '--no-trunc', r.outputs['image-ref'] ?? '');
    expect(history).not.toContain(secret);
  });

  test('a failing RUN step: folded step output, an annotation on the Dockerfile line, nothing pushed', async () => {
    const image = repo('fail');
    const ws = workspace(`FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "sh", "-c", "echo compiling; echo broken >&2; exit 3"]
`);
    for (const [builder, env] of [
      ['buildx', BUILDX_ENV],
      ['docker', {}],
    ] as const) {
      const r = await runAction('build-image', {
        workspace: ws,
        inputs: { image, registry: tb.registry, builder },
        env: { ...refEnv('refs/heads/main'), ...env },
      });
      expect(r.exitCode).toBe(1);
      expect(r.log).toContain(
        '::group::Failed step: RUN ["/bin/busybox", "sh", "-c", "echo compiling; echo broken >&2; exit 3"]',
      );
      const annotation = r.annotations.find(
        (a) => a.level === 'error' && a.props.includes('file=Dockerfile'),
      );
      expect(annotation?.props).toContain('line=3');
      expect(r.log).toMatch(/::error::build-image: the build failed at .*Nothing was pushed/);
      expect(await registryTags(tb.registry, image)).toEqual([]);
    }
  });

  test('a registry that is down: retried with backoff, then a clear error, nothing reported pushed', async () => {
    const port = await freePort();
    for (const [builder, env] of [
      ['buildx', BUILDX_ENV],
      ['docker', {}],
    ] as const) {
      const r = await runAction('build-image', {
        workspace: workspace(),
        inputs: {
          image: repo('down'),
          registry: `127.0.0.1:${port}`,
          builder,
          'push-retries': '2',
        },
        env: { ...refEnv('refs/heads/main'), ...env },
      });
      expect(r.exitCode).toBe(1);
      expect(r.log.match(/::warning::.*attempt \d of 3/g)).toHaveLength(2);
      expect(r.log).toMatch(/::error::build-image: push.*failed.*connection refused/);
      expect(r.outputs.digest).toBeUndefined();
    }
  });

  test.each([
    ['platforms', { platforms: 'linux/amd64,linux/arm64' }, 'cannot build several platforms'],
    [
      'cache-to',
      { 'cache-to': 'type=registry,ref=127.0.0.1:5999/x:cache' },
      'can only export type=inline',
    ],
    ['provenance', { provenance: 'mode=max' }, 'cannot attach attestations'],
  ] as const)(
    'buildx with the real docker driver refuses %s clearly, before building',
    async (input, extra, problem) => {
      const r = await runAction('build-image', {
        workspace: workspace(),
        inputs: { image: repo('capability'), registry: tb.registry, ...extra },
        env: { ...refEnv('refs/heads/main'), ...BUILDX_ENV },
      });
      expect(r.exitCode).toBe(1);
      expect(r.log).toContain(
        `::error::build-image: input "${input}": buildx with the "docker" driver ${problem}`,
      );
      expect(r.log).not.toContain('[command] docker buildx build');
    },
  );

  test('a malformed secrets line is rejected without showing its value', async () => {
    const r = await runAction('build-image', {
      workspace: workspace(),
      inputs: { image: repo('badsecret'), secrets: 'NPM_TOKEN: npm_abcdef123456' },
      env: refEnv('refs/heads/main'),
      secrets: ['npm_abcdef123456'],
    });
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(
      /::error::build-image: input "secrets": "\*\*\*" is not a key=value pair/,
    );
  });

  test('dry-run prints the exact commands with secrets masked and builds nothing', async () => {
    const r = await runAction('build-image', {
      workspace: workspace(),
      inputs: {
        image: repo('dry'),
        registry: tb.registry,
        secrets: 'token=dry-run-secret-99',
        'dry-run': 'true',
      },
      env: { ...refEnv('refs/tags/v3.1.0'), ...BUILDX_ENV },
      secrets: ['dry-run-secret-99'],
    });
    expectOk(r);
    expect(r.log).toContain('::group::Dry run');
    expect(r.log).toMatch(
      /docker buildx build --progress plain .*--secret id=token,env=SWITCHYARD_BUILD_SECRET_0 .*--push/,
    );
    expect(r.outputs.tags).toContain(':3.1.0');
    expect(r.outputs.digest).toBe('');
    expect(r.log).not.toContain('[command] docker buildx build');
  });
});

describe('build-image rejects bad input before any command runs', () => {
  let bin: string;
  let calls: string;
  beforeAll(async () => {
    bin = mkdtempSync(join(tmpdir(), 'switchyard-bin-'));
    dirs.push(bin);
    calls = join(bin, 'calls.log');
    for (const tool of ['docker', 'buildah', 'git']) {
      const real = (await exec('sh', ['-c', `command -v ${tool}`])).stdout.trim();
      writeFileSync(
        join(bin, tool),
        `#!/bin/sh\necho "${tool} $*" >> ${calls}\nexec ${real} "$@"\n`,
        { mode: 0o755 },
      );
    }
  });

  const cases: [string, Record<string, string>][] = [
    ['image', { image: 'team/app:1.0' }],
    ['image', { image: 'Team/App' }],
    ['image', { image: 'team/app@sha256:abc' }],
    ['registry', { image: 'team/app', registry: 'ghcr.io/acme' }],
    ['registry', { image: 'team/app', registry: 'ftp://ghcr.io' }],
    ['image', { image: 'quay.io/team/app', registry: 'ghcr.io' }],
    ['file', { image: 'team/app', file: 'missing/Dockerfile' }],
    ['context', { image: 'team/app', context: 'no-such-dir' }],
    ['build-args', { image: 'team/app', 'build-args': 'GOOD=1\nBROKEN' }],
    ['labels', { image: 'team/app', labels: 'no-equals-sign' }],
    ['load', { image: 'team/app', registry: '127.0.0.1:5999', push: 'true', load: 'true' }],
    ['push', { image: 'team/app', push: 'true' }],
    ['password', { image: 'team/app', registry: '127.0.0.1:5999', username: 'ci' }],
    ['tags (line 1)', { image: 'team/app', tags: 'type=semver,pattern=latest' }],
    ['tags (line 2)', { image: 'team/app', tags: 'type=sha\ntype=ref,event=commit' }],
    ['platforms', { image: 'team/app', platforms: 'amd64' }],
    ['builder', { image: 'team/app', builder: 'kaniko' }],
    ['push-retries', { image: 'team/app', 'push-retries': '50' }],
    ['image', {}],
  ];

  test.each(cases)('input "%s" (%o)', async (input, inputs) => {
    rmSync(calls, { force: true });
    const r = await runAction('build-image', {
      workspace: workspace(),
      inputs,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, ...refEnv('refs/heads/main') },
    });
    expect(r.exitCode).toBe(1);
    expect(r.log).toMatch(
      new RegExp(`::error::build-image: input "${input.replace(/[()]/g, '\\$&')}"`),
    );
    expect(existsSync(calls) ? readFileSync(calls, 'utf8') : '').toBe('');
  });
});
