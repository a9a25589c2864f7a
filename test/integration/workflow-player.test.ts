// The workflow player running one of our bundles: a fixture workflow whose step uses
// ./actions/smoke-test (dist/smoke-test, through runAction) against a server this test starts; the
// action's outputs feed a later run: step and the job's outputs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { play } from '../support/workflow-player/index.js';
import { ROOT } from '../support/runner.js';

const REPO = join(ROOT, 'test/fixtures/workflows/repo');
let server: Server;
let status = 200;
let baseUrl = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url === '/health' ? status : 404, { 'content-type': 'text/plain' });
    res.end(req.url === '/health' && status === 200 ? 'ok' : 'down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const smoke = () =>
  play({
    repo: REPO,
    workflow: '.github/workflows/smoke.yml',
    event: { name: 'workflow_dispatch', inputs: { 'base-url': baseUrl } },
  });

test('our smoke-test bundle passes and its outputs reach the next step and the job outputs', async () => {
  status = 200;
  const r = await smoke();
  const job = r.job('smoke');
  expect(job.steps.map((s) => [s.id, s.conclusion])).toEqual([
    ['__actions_checkout', 'success'],
    ['smoke', 'success'],
    ['count', 'success'],
  ]);
  expect(job.steps[1]?.inputs).toEqual({ 'base-url': baseUrl, 'checks-file': 'smoke.yml' });
  expect(job.outputs).toEqual({ passed: 'true', checked: '1' });
  expect(r.conclusion).toBe('success');
});

test('a failing smoke test fails its step and the job, and the steps after it are skipped', async () => {
  status = 503;
  const r = await smoke();
  const job = r.job('smoke');
  expect(job.result).toBe('failure');
  expect(job.steps.map((s) => [s.id, s.outcome])).toEqual([
    ['__actions_checkout', 'success'],
    ['smoke', 'failure'],
    ['count', 'skipped'],
  ]);
  expect(job.steps[1]?.outputs.passed).toBe('false');
  expect(job.outputs).toEqual({ passed: 'false' });
});
