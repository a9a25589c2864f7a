/**
 * The Kubernetes deploy lock: a coordination.k8s.io/v1 Lease, over a fake API server that does
 * what the real one does for it (create is atomic; replace is refused with Conflict unless it
 * carries the resourceVersion in force). The same contract as the conformance suite's lock tests.
 */
import { LeaseLostError, type LockHolder } from '@switchyard/targets';
import { Kubectl } from '../src/kubernetes/kubectl.js';
import { KubernetesLock, leaseObject, microTime, parseLease } from '../src/kubernetes/lock.js';
import { FakeClock, RecordingLogger } from '../../../test/support/fakes.js';
import { recorded } from './kubernetes-fixtures.js';
import { ReplayExec } from './kubernetes-replay.js';

const NAME = 'switchyard-shop-production';
const ACCESS = ['--namespace=shop'];
const LABELS = { 'switchyard.dev/app': 'shop', 'switchyard.dev/environment': 'production' };

/** One Lease on a fake API server, shared by every holder's kubectl. */
class LeaseServer {
  stored: Record<string, unknown> | undefined;
  private version = 0;

  script(): ConstructorParameters<typeof ReplayExec>[1] {
    const save = (input: string): string => {
      const o = JSON.parse(input) as { metadata: Record<string, unknown> };
      this.stored = { ...o, metadata: { ...o.metadata, resourceVersion: String(++this.version) } };
      return JSON.stringify(this.stored);
    };
    return {
      'create --filename=- --output=json': (c) =>
        this.stored
          ? {
              exitCode: 1,
              stderr: `Error from server (AlreadyExists): leases.coordination.k8s.io "${NAME}" already exists\n`,
            }
          : { stdout: save(c.input ?? '') },
      [`get lease ${NAME} --output=json`]: () =>
        this.stored
          ? { stdout: JSON.stringify(this.stored) }
          : recorded('80-get-missing-deployment'),
      'replace --filename=- --output=json': (c) => {
        const rv = (JSON.parse(c.input ?? '{}') as { metadata: { resourceVersion?: string } })
          .metadata.resourceVersion;
        if (!this.stored) return recorded('80-get-missing-deployment');
        if (rv !== (this.stored.metadata as { resourceVersion: string }).resourceVersion)
          return {
            exitCode: 1,
            stderr: `Error from server (Conflict): Operation cannot be fulfilled on leases.coordination.k8s.io "${NAME}": the object has been modified; please apply your changes to the latest version and try again\n`,
          };
        return { stdout: save(c.input ?? '') };
      },
    };
  }
}

const holder = (n: number, breakReason?: string): LockHolder => ({
  deployId: `run/${n}`,
  actor: `actor-${n}`,
  token: `token-${n}`,
  ...(breakReason !== undefined && { breakReason }),
});

function setup() {
  const server = new LeaseServer();
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 9));
  const log = new RecordingLogger();
  const lock = () =>
    new KubernetesLock(
      new Kubectl(new ReplayExec(ACCESS, server.script()), { namespace: 'shop' }),
      NAME,
      LABELS,
      clock,
      log,
    );
  return { server, clock, log, lock };
}

test('the Lease names its holder, renew time (MicroTime) and duration', () => {
  const json = JSON.parse(
    leaseObject(
      NAME,
      LABELS,
      {
        me: holder(1),
        since: Date.UTC(2026, 0, 1, 9),
        now: Date.UTC(2026, 0, 1, 9, 0, 15),
        ttlMs: 45_000,
      },
      '7',
    ),
  ) as unknown;
  expect(json).toEqual({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: NAME,
      labels: LABELS,
      resourceVersion: '7',
      annotations: {
        'switchyard.dev/lock-token': 'token-1',
        'switchyard.dev/lock-actor': 'actor-1',
        'switchyard.dev/lock-since': '2026-01-01T09:00:00.000Z',
      },
    },
    spec: {
      holderIdentity: 'run/1',
      leaseDurationSeconds: 45,
      acquireTime: '2026-01-01T09:00:00.000000Z',
      renewTime: '2026-01-01T09:00:15.000000Z',
    },
  });
  expect(parseLease(JSON.stringify(json)).held).toEqual({
    deployId: 'run/1',
    actor: 'actor-1',
    since: '2026-01-01T09:00:00.000Z',
    expiresAt: Date.UTC(2026, 0, 1, 9, 1, 0),
    token: 'token-1',
  });
  expect(microTime(Date.UTC(2026, 0, 1, 9, 0, 0, 123))).toBe('2026-01-01T09:00:00.123000Z');
});

test('the lock excludes a second holder until the first releases it; the released Lease stays, holderless', async () => {
  const { server, lock } = setup();
  const first = await lock().lease(holder(1), { timeoutMs: 0, ttlMs: 600_000 });
  await expect(lock().lease(holder(2), { timeoutMs: 0, ttlMs: 600_000 })).rejects.toThrow(
    /holds the lock: run\/1 by actor-1, since 2026-01-01T09:00:00\.000Z\. .*or free it with "kubectl delete lease switchyard-shop-production -n shop"/,
  );
  await first.renew();
  await first.release();
  expect(parseLease(JSON.stringify(server.stored)).held).toBeUndefined();
  const second = await lock().lease(holder(2), { timeoutMs: 0, ttlMs: 600_000 });
  expect(second.id).toBe(`lease/${NAME}`);
  expect(parseLease(JSON.stringify(server.stored)).held?.deployId).toBe('run/2');
});

test('a stale lease is taken over with a warning; its first holder learns it lost, and its release leaves the new one alone', async () => {
  const { server, clock, log, lock } = setup();
  const first = await lock().lease(holder(1), { timeoutMs: 0, ttlMs: 1_000 });
  clock.advance(2_000);
  await lock().lease(holder(2), { timeoutMs: 0, ttlMs: 600_000 });
  expect(log.text()).toMatch(/warning: taking over a stale deploy lock held by run\/1 \(actor-1\)/);
  await expect(first.renew()).rejects.toThrow(LeaseLostError);
  await expect(first.renew()).rejects.toThrow(
    /lost the deploy lock lease\/switchyard-shop-production: run\/2 \(actor-2\) took it over/,
  );
  await first.release();
  expect(parseLease(JSON.stringify(server.stored)).held?.deployId).toBe('run/2');
});

test('a renewed lease outlives its first expiry', async () => {
  const { clock, lock } = setup();
  const first = await lock().lease(holder(1), { timeoutMs: 0, ttlMs: 3_000 });
  const firstExpiry = first.expiresAt;
  for (let i = 0; i < 4; i++) {
    clock.advance(1_000);
    await first.renew();
  }
  expect(first.expiresAt).toBe(firstExpiry + 4_000);
  await expect(lock().lease(holder(2), { timeoutMs: 0, ttlMs: 3_000 })).rejects.toThrow(/run\/1/);
});

test('a held lock is broken with a reason: the lease says whose it was; its holder learns it lost', async () => {
  const { lock, log } = setup();
  const first = await lock().lease(holder(1), { timeoutMs: 0, ttlMs: 600_000 });
  const second = await lock().lease(holder(2, 'run/1 is stuck'), { timeoutMs: 0, ttlMs: 600_000 });
  expect(second.broke).toEqual({
    reason: 'run/1 is stuck',
    held: {
      deployId: 'run/1',
      actor: 'actor-1',
      since: '2026-01-01T09:00:00.000Z',
      expiresAt: Date.UTC(2026, 0, 1, 9, 10),
    },
  });
  await expect(first.renew()).rejects.toThrow(LeaseLostError);
  await second.release();
  const third = await lock().lease(holder(3, 'just in case'), { timeoutMs: 0, ttlMs: 600_000 });
  expect(third.broke).toBeUndefined();
  expect(log.text()).toMatch(/--break-lock: the deploy lock was free, nothing was broken/);
});

test('a cluster that forbids Leases is explained with the fix', async () => {
  const exec = new ReplayExec(ACCESS, {
    'create --filename=- --output=json': {
      exitCode: 1,
      stderr:
        'Error from server (Forbidden): leases.coordination.k8s.io is forbidden: User "deployer" cannot create resource "leases" in API group "coordination.k8s.io" in the namespace "shop"\n',
    },
  });
  const lock = new KubernetesLock(
    new Kubectl(exec, { namespace: 'shop' }),
    NAME,
    LABELS,
    new FakeClock(),
    new RecordingLogger(),
  );
  await expect(lock.lease(holder(1), { timeoutMs: 0, ttlMs: 45_000 })).rejects.toThrow(
    /could not create the deploy lock lease\/switchyard-shop-production: not allowed in namespace shop: .*Grant the deploying identity the Role in docs\/kubernetes\.md/,
  );
});
