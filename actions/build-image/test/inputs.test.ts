import { InputError, InputReader } from '@switchyard/kit';
import { parseInputs, type PathChecks } from '../src/inputs.js';

const WS = '/work/repo';

/** The workspace as the checks see it: these folders and files exist, nothing else. */
const fs = (
  dirs = [WS, `${WS}/app`],
  files = [`${WS}/Dockerfile`, `${WS}/app/Dockerfile`, `${WS}/docker/prod.Dockerfile`],
): PathChecks => ({
  isDirectory: (p) => dirs.includes(p),
  isFile: (p) => files.includes(p),
});

const parse = (values: Record<string, string>, checks: PathChecks = fs(), semver = false) =>
  parseInputs(new InputReader((n) => values[n] ?? ''), WS, checks, semver);

const rejection = (values: Record<string, string>, checks?: PathChecks): InputError => {
  try {
    parse(values, checks);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('parseInputs: defaults', () => {
  test('only image: build and load locally, default rules, files from the workspace', () => {
    const i = parse({ image: 'team/app' });
    expect(i).toMatchObject({
      image: { path: 'team/app' },
      latest: 'auto',
      context: WS,
      file: `${WS}/Dockerfile`,
      buildArgs: [],
      labels: {},
      secrets: [],
      pull: false,
      noCache: false,
      platforms: [],
      cacheFrom: [],
      cacheTo: [],
      builder: 'auto',
      push: false,
      load: true,
      pushAttempts: 4,
      dryRun: false,
    });
    expect(i.registry).toBeUndefined();
    expect(i.credentials).toBeUndefined();
    expect(i.target).toBeUndefined();
    expect(i.provenance).toBeUndefined();
    expect(i.sbom).toBeUndefined();
    expect(i.tagRules.map((r) => r.source)).toContain('type=ref,event=tag');
  });

  test.each([
    [{ image: 'team/app' }, { push: false, load: true }],
    [
      { image: 'team/app', registry: 'ghcr.io' },
      { push: true, load: false, registry: 'ghcr.io' },
    ],
    [
      { image: 'team/app', registry: 'ghcr.io', push: 'auto' },
      { push: true, load: false },
    ],
    [
      { image: 'team/app', registry: 'ghcr.io', push: 'false' },
      { push: false, load: true },
    ],
    [
      { image: 'team/app', registry: 'ghcr.io', push: 'false', load: 'false' },
      { push: false, load: false },
    ],
    [
      { image: 'team/app', load: 'false' },
      { push: false, load: false },
    ],
    [
      { image: 'ghcr.io/acme/app', push: 'true' },
      { push: true, load: false, registry: 'ghcr.io' },
    ],
    [{ image: 'ghcr.io/acme/app' }, { push: false, load: true }],
    [
      { image: 'team/app', registry: 'https://127.0.0.1:5000/' },
      { push: true, registry: '127.0.0.1:5000', image: { registry: '127.0.0.1:5000' } },
    ],
  ])('[%#] given %o returns %o', (values, expected) => {
    const i = parse(values);
    expect(i).toMatchObject(expected);
    if (!i.push) expect(i.registry).toBeUndefined();
  });

  test('every input set', () => {
    const i = parse({
      image: 'acme/shop',
      registry: 'ghcr.io',
      username: 'ci',
      password: 'p4ss',
      tags: 'type=sha\ntype=raw,value=stable',
      latest: 'false',
      context: 'app',
      file: 'docker/prod.Dockerfile',
      'build-args': 'NODE_VERSION=24\nFLAGS=a=b',
      labels: 'com.example.team=payments',
      target: 'runtime',
      secrets: 'npm=s3cr3t\ngh.token=t0k3n',
      pull: 'true',
      'no-cache': 'true',
      platforms: 'linux/amd64, linux/arm64/v8',
      'cache-from': 'type=registry,ref=ghcr.io/acme/shop:cache',
      'cache-to': 'type=inline',
      provenance: 'mode=max',
      sbom: 'true',
      builder: 'buildx',
      'push-retries': '0',
      'dry-run': 'true',
    });
    expect(i).toEqual({
      image: { registry: 'ghcr.io', path: 'acme/shop' },
      registry: 'ghcr.io',
      credentials: { username: 'ci', password: 'p4ss' },
      tagRules: [
        expect.objectContaining({ type: 'sha' }),
        expect.objectContaining({ type: 'raw' }),
      ],
      latest: 'false',
      context: `${WS}/app`,
      file: `${WS}/docker/prod.Dockerfile`,
      buildArgs: [
        ['NODE_VERSION', '24'],
        ['FLAGS', 'a=b'],
      ],
      labels: { 'com.example.team': 'payments' },
      target: 'runtime',
      secrets: [
        { id: 'npm', value: 's3cr3t' },
        { id: 'gh.token', value: 't0k3n' },
      ],
      pull: true,
      noCache: true,
      platforms: ['linux/amd64', 'linux/arm64/v8'],
      cacheFrom: ['type=registry,ref=ghcr.io/acme/shop:cache'],
      cacheTo: ['type=inline'],
      provenance: 'mode=max',
      sbom: true,
      builder: 'buildx',
      push: true,
      load: false,
      pushAttempts: 1,
      dryRun: true,
    });
  });

  test.each([
    [{}, `${WS}/Dockerfile`],
    [{ context: 'app' }, `${WS}/app/Dockerfile`],
    [{ context: 'app', file: 'docker/prod.Dockerfile' }, `${WS}/docker/prod.Dockerfile`],
    [{ file: `${WS}/docker/prod.Dockerfile` }, `${WS}/docker/prod.Dockerfile`],
  ])('[%#] given %o the Dockerfile is %o', (values, file) => {
    expect(parse({ image: 'team/app', ...values }).file).toBe(file);
  });

  test.each([
    [true, ['type=ref,event=tag'], []],
    [false, [], ['type=ref,event=tag']],
  ])('[%#] default rules for a semver tag %o', (semver, has, hasNot) => {
    const sources = parse({ image: 'team/app' }, fs(), semver).tagRules.map((r) => r.source);
    for (const s of has) expect(sources).not.toContain(s);
    for (const s of hasNot) expect(sources).toContain(s);
  });

  test.each([
    ['true', 'true'],
    ['false', 'false'],
    ['mode=min', 'mode=min'],
    ['mode=max', 'mode=max'],
  ])('[%#] provenance %o is kept as %o', (raw, provenance) => {
    expect(parse({ image: 'team/app', provenance: raw }).provenance).toBe(provenance);
  });
});

describe('parseInputs: malformed inputs fail before any side effect, naming the input', () => {
  const img = { image: 'team/app' };
  test.each([
    ['image', {}, 'is required'],
    ['version-build-arg', { ...img, 'version-build-arg': '1APP' }, 'is not a build argument name'],
    [
      'version-build-arg',
      { ...img, 'version-build-arg': 'APP_VERSION', 'build-args': 'APP_VERSION=1' },
      'is also set in build-args',
    ],
    ['image', { image: 'team/app:1.0' }, 'has a tag (:1.0)'],
    ['image', { image: 'Team/App' }, 'has an invalid path component "Team" (upper case)'],
    ['image', { image: `team/app@sha256:${'a'.repeat(64)}` }, 'has a digest'],
    ['registry', { ...img, registry: 'ghcr.io/acme' }, 'has a path (/acme)'],
    ['registry', { ...img, registry: 'ftp://ghcr.io' }, 'has scheme ftp://'],
    ['registry', { ...img, registry: 'ghcr.io:70000' }, 'has port 70000, outside 1-65535'],
    [
      'image',
      { image: 'quay.io/acme/app', registry: 'ghcr.io' },
      'names registry quay.io, but the registry input is ghcr.io',
    ],
    ['password', { ...img, registry: 'ghcr.io', username: 'ci' }, 'is empty while the other'],
    ['username', { ...img, registry: 'ghcr.io', password: 'p' }, 'is empty while the other'],
    [
      'username',
      { ...img, username: 'ci', password: 'p' },
      'is set but there is no registry to log in to',
    ],
    ['push', { ...img, push: 'true' }, 'has no registry to push to'],
    ['push', { ...img, push: 'yes' }, 'is not a boolean'],
    ['load', { ...img, registry: 'ghcr.io', push: 'true', load: 'true' }, 'conflicts with push'],
    ['load', { ...img, registry: 'ghcr.io', load: 'true' }, 'conflicts with push'],
    ['load', { ...img, load: 'sometimes' }, 'is not a boolean'],
    ['context', { ...img, context: 'missing' }, `is not a directory (${WS}/missing)`],
    ['context', { ...img, context: '..' }, 'is outside the workspace'],
    ['context', { ...img, context: '/etc' }, 'is outside the workspace'],
    ['file', { ...img, file: '/etc/passwd' }, 'is outside the workspace'],
    ['file', { ...img, file: '../Dockerfile' }, 'is outside the workspace'],
    ['target', { ...img, target: 'run\n::stop-commands::x' }, 'is not a build stage name'],
    ['target', { ...img, target: '--network=host' }, 'is not a build stage name'],
    [
      'username',
      { ...img, registry: 'ghcr.io', username: 'ci\r::x', password: 'p' },
      'contains a line break',
    ],
    ['context', { ...img, context: 'Dockerfile' }, 'is not a directory'],
    ['file', { ...img, file: 'nope/Dockerfile' }, `does not exist (${WS}/nope/Dockerfile)`],
    ['build-args', { ...img, 'build-args': 'NODE_VERSION' }, 'is not a key=value pair'],
    ['build-args', { ...img, 'build-args': 'A=1\nA=2' }, 'repeats the key "A"'],
    ['labels', { ...img, labels: 'com.example.team' }, 'is not a key=value pair'],
    ['secrets', { ...img, secrets: 'npm token=x' }, 'is not a valid secret id'],
    ['secrets', { ...img, secrets: 'no-equals-sign' }, 'is not a key=value pair'],
    ['platforms', { ...img, platforms: 'linux' }, 'is not an os/arch[/variant] platform'],
    ['platforms', { ...img, platforms: 'linux/amd64,Linux/ARM64' }, 'is not an os/arch'],
    ['builder', { ...img, builder: 'kaniko' }, 'is not a valid value. Use one of: auto, buildx'],
    ['latest', { ...img, latest: 'always' }, 'is not a valid value. Use one of: auto, true, false'],
    ['provenance', { ...img, provenance: 'yes' }, 'is not a provenance setting'],
    ['provenance', { ...img, provenance: 'mode=full' }, 'is not a provenance setting'],
    ['sbom', { ...img, sbom: 'spdx' }, 'is not a boolean'],
    ['pull', { ...img, pull: 'always' }, 'is not a boolean'],
    ['no-cache', { ...img, 'no-cache': '1' }, 'is not a boolean'],
    ['dry-run', { ...img, 'dry-run': 'y' }, 'is not a boolean'],
    ['push-retries', { ...img, 'push-retries': '11' }, 'is out of range'],
    ['push-retries', { ...img, 'push-retries': '-1' }, 'is out of range'],
    ['push-retries', { ...img, 'push-retries': 'three' }, 'is not a whole number'],
    ['tags (line 1)', { ...img, tags: 'type=bogus' }, 'type "bogus" is unknown'],
    ['tags (line 3)', { ...img, tags: 'type=sha\n\ntype=ref,event=nope' }, 'needs event=branch'],
  ])('[%#] %s: given %o throws %o', (input, values, problem) => {
    const e = rejection(values);
    expect(e.input).toBe(input);
    expect(e.message).toMatch(new RegExp(`^input "${input.replace(/[()]/g, '\\$&')}": `));
    expect(e.message).toContain(problem);
  });

  test('a missing default Dockerfile names <context>/Dockerfile', () => {
    const e = rejection({ image: 'team/app' }, fs([WS], []));
    expect(e.message).toBe(
      `input "file": "<context>/Dockerfile" does not exist (${WS}/Dockerfile). Give the Dockerfile path relative to the workspace`,
    );
  });
});
