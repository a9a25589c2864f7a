import {
  errorLines,
  instructionLine,
  isPushFailure,
  isTransientPushFailure,
  isTransientRegistryError,
  parseBuildFailure,
} from '@switchyard/image';

const DOCKERFILE = [
  'FROM switchyard-testbed/node:local',
  'RUN echo hello',
  'RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3',
  'CMD ["true"]',
  '',
].join('\n');

// Captured from `DOCKER_BUILDKIT=0 docker build --rm --force-rm .` (Docker 28.2 client, engine 20.10)
// of DOCKERFILE: stderr of the RUN is wrapped in colour codes, and the context line ends in \r\r.
const CLASSIC_LOG = [
  'DEPRECATED: The legacy builder is deprecated and will be removed in a future release.',
  '            BuildKit is currently disabled; enable it by removing the DOCKER_BUILDKIT=0',
  '            environment-variable.',
  '',
  'Sending build context to Docker daemon  3.072kB\r\r',
  'Step 1/4 : FROM switchyard-testbed/node:local',
  ' ---> b5c8a4159dbc',
  'Step 2/4 : RUN echo hello',
  ' ---> Running in 0e5e9981c371',
  'hello',
  'Removing intermediate container 0e5e9981c371',
  ' ---> d799f0ac1a0b',
  'Step 3/4 : RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3',
  ' ---> Running in 750e450dc851',
  '\x1b[91mmake: *** [test] Error 3',
  '\x1b[0mcompiling',
  'Removing intermediate container 750e450dc851',
  `The command '/bin/sh -c echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3' returned a non-zero code: 3`,
  '',
].join('\n');

// Captured the same way from `FROM …` + `RUN exit 3` + `CMD ["true"]`.
const CLASSIC_EXIT_3 = [
  'Step 1/3 : FROM switchyard-testbed/node:local',
  ' ---> b5c8a4159dbc',
  'Step 2/3 : RUN exit 3',
  ' ---> Running in 12ca90e6a170',
  'Removing intermediate container 12ca90e6a170',
  "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
].join('\n');

// Captured: a Dockerfile with `RUNN exit 3` on line 2.
const CLASSIC_PARSE_ERROR = [
  'Sending build context to Docker daemon  3.072kB\r\r',
  'Error response from daemon: dockerfile parse error line 2: unknown instruction: RUNN',
].join('\n');

// Captured from `buildah bud .` (buildah 1.28.2, BUILDAH_ISOLATION=chroot) of DOCKERFILE.
const BUILDAH_LOG = [
  'STEP 1/4: FROM switchyard-testbed/node:local',
  'STEP 2/4: RUN echo hello',
  'hello',
  'STEP 3/4: RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3',
  'compiling',
  'make: *** [test] Error 3',
  'subprocess exited with status 3',
  'subprocess exited with status 3',
  'Error: building at STEP "RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3": exit status 3',
].join('\n');

// Older buildah releases word the last line differently.
const BUILDAH_OLD = [
  'STEP 1/3: FROM alpine:3.19',
  'STEP 2/3: RUN exit 3',
  'error running container: error from /usr/bin/crun creating container for [/bin/sh -c exit 3]: : exit status 3',
  'error building at STEP "RUN exit 3": exit status 3',
].join('\n');

// buildx plain progress (buildx 0.13, docker driver); no buildx here to capture it, written from its format.
const BUILDX_LOG = `#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 178B done
#1 DONE 0.0s

#2 [internal] load metadata for docker.io/library/alpine:3.19
#2 DONE 0.8s

#3 [internal] load .dockerignore
#3 transferring context: 2B done
#3 DONE 0.0s

#4 [1/3] FROM docker.io/library/alpine:3.19@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b
#4 CACHED

#5 [2/3] RUN echo hello
#5 0.231 hello
#5 DONE 0.3s

#6 [3/3] RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3
#6 0.262 compiling
#6 0.263 make: *** [test] Error 3
#6 ERROR: process "/bin/sh -c echo \\"compiling\\" && echo \\"make: *** [test] Error 3\\" >&2 && exit 3" did not complete successfully: exit code: 3
------
 > [3/3] RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3:
0.262 compiling
0.263 make: *** [test] Error 3
------
Dockerfile:3
--------------------
   1 |     FROM alpine:3.19
   2 |     RUN echo hello
   3 | >>> RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3
   4 |     CMD ["true"]
   5 |
--------------------
ERROR: failed to solve: process "/bin/sh -c echo \\"compiling\\" && echo \\"make: *** [test] Error 3\\" >&2 && exit 3" did not complete successfully: exit code: 3
`;

// A multi-stage build whose steps interleave; the failing stage is named and the file is not Dockerfile.
const BUILDX_STAGES = `#7 [build 2/4] COPY package.json ./
#8 [test 1/2] RUN npm ci
#7 DONE 0.1s
#9 [build 3/4] RUN npm test
#8 1.002 added 12 packages
#9 0.512 FAIL src/app.test.ts
#8 DONE 1.2s
#9 0.700 Tests: 1 failed, 4 passed
#9 ERROR: process "/bin/sh -c npm test" did not complete successfully: exit code: 1
------
 > [build 3/4] RUN npm test:
0.512 FAIL src/app.test.ts
------
docker/Dockerfile.prod:12
--------------------
  11 |     COPY . .
  12 | >>> RUN npm test
--------------------
ERROR: failed to solve: process "/bin/sh -c npm test" did not complete successfully: exit code: 1`;

// A base image that does not exist.
const BUILDX_PULL = `#2 [internal] load metadata for docker.io/library/nosuchimage:latest
#2 ERROR: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed
------
 > [internal] load metadata for docker.io/library/nosuchimage:latest:
------
Dockerfile:1
--------------------
   1 | >>> FROM nosuchimage
   2 |     RUN echo hi
--------------------
ERROR: failed to solve: nosuchimage: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;

const pushLog = (error: string): string => `#5 [2/2] RUN echo hello
#5 0.231 hello
#5 DONE 0.3s

#6 exporting to image
#6 exporting layers 0.1s done
#6 exporting manifest sha256:5d1c6b3c2a1e0f9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d done
#6 naming to 127.0.0.1:5000/team/app:1.4.2 done
#6 pushing layers
#6 pushing layers 0.2s done
#6 ERROR: failed to push 127.0.0.1:5000/team/app:1.4.2: ${error}
------
 > exporting to image:
------
ERROR: failed to solve: failed to push 127.0.0.1:5000/team/app:1.4.2: ${error}`;

const REFUSED =
  'failed to do request: Head "http://127.0.0.1:5000/v2/team/app/blobs/sha256:abc": dial tcp 127.0.0.1:5000: connect: connection refused';
const UNAUTHORIZED =
  'unexpected status from HEAD request to https://ghcr.io/v2/acme/shop/blobs/sha256:abc: 401 Unauthorized';
const UNAVAILABLE =
  'unexpected status from PUT request to https://ghcr.io/v2/acme/shop/manifests/1.4.2: 503 Service Unavailable';

describe('parseBuildFailure', () => {
  test('buildx: the failing step, its own lines, the solver message and the Dockerfile line', () => {
    expect(parseBuildFailure('buildx', BUILDX_LOG)).toEqual({
      step: 'RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3',
      output: [
        '#6 [3/3] RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3',
        '#6 0.262 compiling',
        '#6 0.263 make: *** [test] Error 3',
        '#6 ERROR: process "/bin/sh -c echo \\"compiling\\" && echo \\"make: *** [test] Error 3\\" >&2 && exit 3" did not complete successfully: exit code: 3',
      ],
      message:
        'failed to solve: process "/bin/sh -c echo \\"compiling\\" && echo \\"make: *** [test] Error 3\\" >&2 && exit 3" did not complete successfully: exit code: 3',
      line: 3,
    });
  });

  test('buildx: interleaved stages, a named stage and another Dockerfile name', () => {
    expect(parseBuildFailure('buildx', BUILDX_STAGES)).toEqual({
      step: 'RUN npm test',
      output: [
        '#9 [build 3/4] RUN npm test',
        '#9 0.512 FAIL src/app.test.ts',
        '#9 0.700 Tests: 1 failed, 4 passed',
        '#9 ERROR: process "/bin/sh -c npm test" did not complete successfully: exit code: 1',
      ],
      message:
        'failed to solve: process "/bin/sh -c npm test" did not complete successfully: exit code: 1',
      line: 12,
    });
  });

  test('buildx: a missing base image is placed on the FROM line', () => {
    const f = parseBuildFailure('buildx', BUILDX_PULL);
    expect(f).toMatchObject({
      step: 'load metadata for docker.io/library/nosuchimage:latest',
      line: 1,
    });
    expect(f.message).toMatch(/^failed to solve: nosuchimage: pull access denied/);
  });

  test('classic docker: the last Step, its output and the non-zero code; the line from the Dockerfile', () => {
    expect(parseBuildFailure('docker', CLASSIC_LOG, DOCKERFILE)).toEqual({
      step: 'RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3',
      output: [
        'Step 3/4 : RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3',
        ' ---> Running in 750e450dc851',
        '\x1b[91mmake: *** [test] Error 3',
        '\x1b[0mcompiling',
        'Removing intermediate container 750e450dc851',
        `The command '/bin/sh -c echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3' returned a non-zero code: 3`,
      ],
      message: `The command '/bin/sh -c echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3' returned a non-zero code: 3`,
      line: 3,
    });
  });

  test.each(
    (
      [
        [
          'classic, RUN exit 3',
          'docker',
          CLASSIC_EXIT_3,
          {
            step: 'RUN exit 3',
            message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3",
          },
        ],
        [
          'classic, a Dockerfile parse error: no step',
          'docker',
          CLASSIC_PARSE_ERROR,
          {
            message:
              'Error response from daemon: dockerfile parse error line 2: unknown instruction: RUNN',
          },
        ],
        [
          'buildah 1.28',
          'buildah',
          BUILDAH_LOG,
          {
            step: 'RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3',
            message:
              'building at STEP "RUN echo "compiling" && echo "make: *** [test] Error 3" >&2 && exit 3": exit status 3',
          },
        ],
        [
          'older buildah',
          'buildah',
          BUILDAH_OLD,
          { step: 'RUN exit 3', message: 'error building at STEP "RUN exit 3": exit status 3' },
        ],
        [
          'an unrecognised buildx log: the last line',
          'buildx',
          'something went wrong\nbadly',
          { output: [], message: 'badly' },
        ],
        ['an empty log', 'docker', '', { output: [], message: 'the build failed' }],
      ] as const
    )
      // The log is long: titles show the label and the expectation.
      .map(([label, kind, log, expected]) => [label, expected, kind, log] as const),
  )('[%#] %s: returns %o', (_label, expected, kind, log) => {
    const f = parseBuildFailure(kind, log);
    expect(f).toMatchObject(expected);
    if (!('step' in expected)) expect(f.step).toBeUndefined();
    expect(f.line).toBeUndefined();
  });

  test.each([
    [
      'classic RUN exit 3',
      2,
      'docker',
      CLASSIC_EXIT_3,
      'FROM alpine:3.19\nrun   exit 3\nCMD ["true"]',
    ],
    ['buildah 1.28', 3, 'buildah', BUILDAH_LOG, DOCKERFILE],
    ['older buildah', 2, 'buildah', BUILDAH_OLD, 'FROM alpine:3.19\nRUN exit 3'],
  ] as const)(
    '[%#] %s: the Dockerfile text places the step on line %o',
    (_label, line, kind, log, dockerfile) => {
      expect(parseBuildFailure(kind, log, dockerfile).line).toBe(line);
    },
  );

  test('the step output of buildah and classic runs from the failing step to the end', () => {
    expect(parseBuildFailure('buildah', BUILDAH_LOG).output).toEqual(
      BUILDAH_LOG.split('\n').slice(3),
    );
  });
});

describe('instructionLine', () => {
  test.each([
    ['FROM a\nRUN make test\n', 'RUN make test', 2],
    ['FROM a\r\nRUN   make    test\r\n', 'RUN make test', 2],
    ['FROM a\nrun make test', 'RUN make test', 2],
    ['FROM a\nRUN make test\nRUN make test', 'RUN make test', 2],
    ['FROM a\n  RUN make test  ', 'RUN make test', 2],
    ['FROM a\nRUN make \\\n  test', 'RUN make test', undefined],
    ['FROM a\nRUN make', 'RUN make test', undefined],
    ['', 'RUN make test', undefined],
  ])('[%#] given %o and %o returns %o', (dockerfile, instruction, line) => {
    expect(instructionLine(dockerfile, instruction)).toBe(line);
  });
});

describe('isTransientRegistryError', () => {
  test.each([
    ['received unexpected HTTP status: 500 Internal Server Error', true],
    ['unknown: 502 Bad Gateway', true],
    [UNAVAILABLE, true],
    ['error parsing HTTP 504 response body: unexpected end of JSON input', true],
    ['toomanyrequests: You have reached your pull rate limit', true],
    ['unexpected status: 429 Too Many Requests', true],
    ['dial tcp 127.0.0.1:5000: connect: connection refused', true],
    ['read tcp 10.1.0.4:51234->140.82.112.33:443: read: connection reset by peer', true],
    ['Put "https://ghcr.io/v2/acme/shop/blobs/uploads/abc": EOF', true],
    ['unexpected EOF', true],
    ['write tcp 10.1.0.4:51234->140.82.112.33:443: write: broken pipe', true],
    ['dial tcp 140.82.112.33:443: i/o timeout', true],
    ['Get "https://ghcr.io/v2/": net/http: TLS handshake timeout', true],
    [
      'Error response from daemon: Get "https://ghcr.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
      true,
    ],
    ['Get "https://registry-1.docker.io/v2/": context deadline exceeded', true],
    ['dial tcp 140.82.112.33:443: connect: connection timed out', true],
    ['dial tcp: lookup ghcr.io on 127.0.0.53:53: server misbehaving', true],
    ['dial tcp: lookup ghcr.io: Temporary failure in name resolution', true],
    ['unauthorized: authentication required', false],
    ['denied: requested access to the resource is denied', false],
    ['denied: permission_denied: write_package (after a 503)', false],
    [UNAUTHORIZED, false],
    ['unexpected status: 403 Forbidden', false],
    ['manifest unknown: manifest unknown', false],
    ['name unknown: repository name not known to registry', false],
    ['blob unknown: blob unknown to registry', false],
    ['unexpected status: 404 Not Found', false],
    ['unexpected status: 400 Bad Request', false],
    ['manifest invalid: manifest invalid', false],
    ['no basic auth credentials', false],
    ['pushing to 127.0.0.1:5000 failed', false],
    ['', false],
  ])('[%#] given %o returns %o', (text, transient) => {
    expect(isTransientRegistryError(text)).toBe(transient);
  });
});

describe('isPushFailure and isTransientPushFailure', () => {
  test.each(
    (
      [
        ['buildx push, connection refused', 'buildx', pushLog(REFUSED), true, true],
        ['buildx push, 503', 'buildx', pushLog(UNAVAILABLE), true, true],
        ['buildx push, 401', 'buildx', pushLog(UNAUTHORIZED), true, false],
        ['buildx failed step', 'buildx', BUILDX_LOG, false, false],
        [
          'buildx failed step that printed connection refused',
          'buildx',
          BUILDX_LOG.replace('#6 0.262 compiling', '#6 0.262 error: connect: connection refused'),
          false,
          false,
        ],
        ['buildx missing base image', 'buildx', BUILDX_PULL, false, false],
        [
          'docker push, 500',
          'docker',
          'The push refers to repository [ghcr.io/acme/shop]\n5f70bf18a086: Retrying in 1 second\nreceived unexpected HTTP status: 500 Internal Server Error',
          false,
          true,
        ],
        [
          'docker push, denied',
          'docker',
          'The push refers to repository [ghcr.io/acme/shop]\nerror from registry: denied',
          false,
          false,
        ],
        ['classic failed step', 'docker', CLASSIC_LOG, false, false],
        [
          'buildah push, reset',
          'buildah',
          'Getting image source signatures\nError: writing blob: initiating layer upload to /v2/acme/shop/blobs/uploads/ in ghcr.io: read: connection reset by peer',
          false,
          true,
        ],
      ] as const
    )
      // The log is long: titles show the label and the verdicts.
      .map(([label, kind, log, push, transient]) => [label, push, transient, kind, log] as const),
  )('[%#] %s: push failure %o, transient %o', (_label, push, transient, kind, log) => {
    expect(isPushFailure(log)).toBe(push);
    expect(isTransientPushFailure(kind, log)).toBe(transient);
  });
});

describe('errorLines', () => {
  test.each([
    [
      'a\nERROR: one\nb\nerror: two\nError three\nc\nfinal error',
      3,
      'error: two\nError three\nfinal error',
    ],
    ['a\nERROR: one\nb', 3, 'ERROR: one'],
    ['x\nERROR: one\nerror: two', 1, 'error: two'],
    ['no trouble here', 3, ''],
  ])('[%#] given %o and %o returns %o', (log, count, lines) => {
    expect(errorLines(log, count)).toBe(lines);
  });
});
