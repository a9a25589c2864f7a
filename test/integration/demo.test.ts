/**
 * The README's main command, end to end: `switchyard demo` (what `npm run demo` runs) under Node 24
 * on the testbed, and its report: 0 failed requests at every switch under steady load, v2 passed its
 * monitor window, v3 (20 % injected errors) failed it and was rolled back, v2 live at the end; and
 * what on-call got on the demo's local Slack and PagerDuty endpoints: v3's Slack message updated in
 * place from deploying to failed to rolled back, and a PagerDuty trigger → resolve pair on one key.
 * Then `--down` removes what it created.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoReport } from '../../cli/src/demo-report.js';
import { get } from '../support/deploy.js';
import { runCli, type CliRun } from '../support/cli.js';
import { ROOT } from '../support/runner.js';
import { docker } from '../support/testbed.js';

function demo(args: string[]): Promise<CliRun> {
  return runCli(['demo', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    script: join(ROOT, 'bin/switchyard.mjs'),
  });
}

const dir = mkdtempSync(join(tmpdir(), 'switchyard-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('npm run demo: the whole pipeline, a bad release caught and rolled back, 0 failed requests at every switch', async () => {
  const file = join(dir, 'report.json');
  const r = await demo(['--report', file, '--port', '18280']);
  if (r.code !== 0) throw new Error(`demo exit ${r.code}\n${r.stderr.slice(-6000)}\n${r.stdout}`);
  const report = JSON.parse(readFileSync(file, 'utf8')) as DemoReport;
  // Deploy v1, promote v2, deploy+promote v3, rollback to v2: four switches, none lost a request.
  expect(report.switches.map((s) => `${s.action} ${s.version}`)).toEqual([
    'deploy 1.0.0',
    'promote 2.0.0',
    'deploy 3.0.0',
    'rollback 2.0.0',
  ]);
  for (const s of report.switches) {
    expect(s.failed).toBe(0);
    expect(s.requests).toBeGreaterThan(0);
  }
  // v1 is live before the load starts; the other switches happen under it.
  expect(report.switches.slice(1).every((s) => s.served > 50)).toBe(true);
  expect(report.verdicts).toEqual({ v2: 'passed', v3: 'failed' });
  expect(report.rolledBack).toBe(true);
  expect(report.live.version).toBe('2.0.0');
  expect(report.load.failed).toBe(0);
  expect(report.load.appErrors).toBeGreaterThan(0); // v3's injected 500s, while it was live
  expect(report.detectionMs).toBeGreaterThan(0);
  expect(report.recoveryMs).toBeGreaterThan(report.detectionMs ?? 0);

  // What on-call got for v3: one Slack message told the whole story in place ...
  const slack = report.onCall.slack;
  expect(slack?.history[0]).toMatch(/Deploying example 3\.0\.0 to demo/);
  const failedAt = slack?.history.findIndex((h) => /3\.0\.0 failed its verdict/.test(h)) ?? -1;
  expect(failedAt).toBeGreaterThan(0);
  expect(slack?.history.at(-1)).toMatch(/rolled back from 3\.0\.0 to 2\.0\.0 \(healthy\)/);
  expect(slack?.header).toBe(slack?.history.at(-1));
  expect(report.onCall.otherMessages).toBe(2); // v1 and v2, one message each
  // ... and PagerDuty paged once and resolved it on the same key, with change events at the switches.
  const key = report.onCall.dedupKey ?? '';
  expect(key).toMatch(/^switchyard\/example\/demo\//);
  const alerts = report.onCall.pagerduty.filter((e) => e.action !== 'change');
  expect(alerts.map((e) => `${e.action} ${e.dedupKey ?? ''}`)).toEqual([
    `trigger ${key}`,
    `resolve ${key}`,
  ]);
  expect(alerts[0]).toMatchObject({ severity: 'critical' });
  expect(alerts[0]?.summary).toMatch(/3\.0\.0/);
  // One change per switch: deploy v1, promote v2, deploy v3, the rollback.
  expect(report.onCall.pagerduty.filter((e) => e.action === 'change')).toHaveLength(4);
  expect(report.onCall.webhooks.delivered).toBeGreaterThan(0);
  expect(report.onCall.webhooks.verified).toBe(report.onCall.webhooks.delivered);
  expect(report.checks.filter((c) => c.name.startsWith('on-call:')).every((c) => c.ok)).toBe(true);

  expect(report.ok).toBe(true);
  expect(r.stdout).toMatch(/every promise held/);
  expect(r.stdout).toMatch(/What on-call got/);
  expect(r.stdout).toMatch(/status: example/);
  expect((await get('http://127.0.0.1:18280/')).json).toMatchObject({ version: '2.0.0' });

  const down = await demo(['--down']);
  expect(down.code).toBe(0);
  expect(
    await docker(
      'ps',
      '-aq',
      '--filter',
      'label=switchyard.app=example',
      '--filter',
      'label=switchyard.environment=demo',
    ),
  ).toBe('');
}, 600_000);
