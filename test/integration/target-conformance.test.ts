/**
 * The Target conformance suite (packages/targets/test/conformance.ts) on the Docker target, on the
 * testbed's engine with its HAProxy image: the same behaviour the in-memory target shows in the unit
 * suite, now with real containers, a real proxy and a real lock container. The clock is real.
 */
import { join } from 'node:path';
import { loadConfig } from '@switchyard/config';
import { ProcessExec, Secrets, systemClock, type Logger } from '@switchyard/kit';
import { createTarget } from '@switchyard/targets';
import { describeTargetConformance } from '../../packages/targets/test/conformance.js';
import { pushAppVersion } from '../support/app-versions.js';
import { deployFixture, type DeployFixture } from '../support/deploy.js';

const quiet: Logger = {
  info: () => undefined,
  debug: () => undefined,
  warning: () => undefined,
  error: () => undefined,
};

let f: DeployFixture | undefined;
const images: string[] = [];

beforeAll(async () => {
  const pushed = await Promise.all(
    ['1.0.0', '2.0.0'].map((v) => pushAppVersion(v, { repository: 'switchyard-e2e/conformance' })),
  );
  images.push(...pushed.map((p) => p.pinned));
}, 120_000);

afterAll(async () => {
  await f?.remove();
});

const config = (fixture: DeployFixture) =>
  loadConfig(join(fixture.workspace, 'switchyard.yml'), { required: true }).resolve(
    fixture.environment,
  );

describeTargetConformance('docker (testbed)', {
  target: () => {
    if (!f) throw new Error('no fixture');
    return createTarget(config(f), {
      exec: new ProcessExec(quiet, new Secrets()),
      clock: systemClock,
      log: quiet,
    });
  },
  reset: async () => {
    await f?.remove();
    f = await deployFixture();
  },
  get images() {
    return [images[0] ?? '', images[1] ?? ''] as const;
  },
  now: () => systemClock.now(),
  pass: (ms) => systemClock.sleep(ms),
  staleTtlMs: 1_000,
});
