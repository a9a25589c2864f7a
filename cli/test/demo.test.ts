import { parseConfig } from '@switchyard/config';
import { InputError, Secrets } from '@switchyard/kit';
import { createNotifier, type NotifyEvent, type Release } from '@switchyard/notify';
import { nodeHttp } from '@switchyard/probe';
import { FakeClock, RecordingLogger } from '../../test/support/fakes.js';
import type { CommandResult } from '../src/cli.js';
import { demo, demoConfig, parseEnvFile } from '../src/demo.js';
import { DemoInbox, INBOX_SECRETS } from '../src/demo-inbox.js';
import { onCallOf } from '../src/demo-report.js';

describe('demo: bad options', () => {
  test.each(['80', '65535', 'http', '18080.5'])(
    '[%#] --port %j is an input error before the testbed or any command',
    async (port) => {
      const calls: (readonly string[])[] = [];
      const written: string[] = [];
      const run = (argv: readonly string[]): Promise<CommandResult> => {
        calls.push(argv);
        return Promise.reject(new Error('no command may run'));
      };
      const error = await demo(new Map([['port', port]]), run, {
        root: '/nonexistent',
        stdout: (t) => written.push(t),
        stderr: (t) => written.push(t),
        color: false,
        columns: 100,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe('port');
      expect(calls).toEqual([]);
      expect(written).toEqual([]);
    },
  );
});

describe('parseEnvFile', () => {
  test('KEY=value lines; values keep their = and spaces; other lines are skipped', () => {
    expect(
      parseEnvFile(
        'SWITCHYARD_REGISTRY=127.0.0.1:5000\n# a comment\nA_B=x=y z\nlower=no\n\nEMPTY=\n',
      ),
    ).toEqual({ SWITCHYARD_REGISTRY: '127.0.0.1:5000', A_B: 'x=y z', EMPTY: '' });
  });
});

describe('the demo inbox, spoken to by notify itself over loopback', () => {
  let inbox: DemoInbox;
  beforeEach(async () => {
    inbox = new DemoInbox();
    await inbox.start();
  });
  afterEach(async () => {
    await inbox.close();
  });

  /** The demo's switchyard.yml, read by the real config loader: its `notify:` for `demo`. */
  const notifyOfConfig = () => {
    const text = demoConfig(18080, 'haproxy:test', {
      slackApiUrl: inbox.slackApiUrl(),
      pagerDutyUrl: inbox.pagerDutyUrl(),
      webhookUrl: inbox.webhookUrl(),
    });
    return parseConfig(text, 'switchyard.yml').resolve('demo', {}, '/work', '/work').notify;
  };

  const v3: Release = {
    app: 'example',
    environment: 'demo',
    version: '3.0.0',
    previousVersion: '2.0.0',
    digest: `sha256:${'3'.repeat(64)}`,
    deployId: 'local:me@host/3',
    color: 'blue',
    liveUrl: 'http://127.0.0.1:18080',
  };

  function notifier(secretValues: Readonly<Record<string, string>>) {
    const log = new RecordingLogger();
    const settings = notifyOfConfig();
    if (!settings) throw new Error('the demo config has no notify section');
    const n = createNotifier(settings, {
      secret: (name) => secretValues[name],
      secrets: new Secrets(),
      log,
      // The inbox checks a webhook's timestamp against its own clock, as a receiver must.
      clock: new FakeClock(Date.now()),
      http: nodeHttp,
      delivery: { attempts: 1 },
    });
    return { n, log };
  }

  test('the config names the secrets, never their values, and points every channel at the inbox', () => {
    const notify = notifyOfConfig();
    expect(notify).toMatchObject({
      slack: {
        mode: 'bot',
        channel: '#deploys',
        tokenSecret: INBOX_SECRETS.slackToken,
        apiUrl: inbox.slackApiUrl(),
      },
      pagerduty: { routingKeySecret: INBOX_SECRETS.routingKey, endpoint: inbox.pagerDutyUrl() },
      webhook: { url: inbox.webhookUrl(), secret: INBOX_SECRETS.hookSecret },
    });
    for (const value of Object.values(inbox.secrets))
      expect(JSON.stringify(notify)).not.toContain(value);
  });

  test("a bad release's story: one Slack message updated in place with a reply, PagerDuty trigger → resolve, every webhook verified", async () => {
    const { n, log } = notifier(inbox.secrets);
    const events: NotifyEvent[] = [
      { kind: 'started', ...v3 },
      { kind: 'live', ...v3 },
      { kind: 'watching', ...v3 },
      { kind: 'warning', ...v3, reasons: ['p95 latency 0.3s > 0.25s'] },
      { kind: 'failed', ...v3, reasons: ['error rate 20% > 5%'] },
      { kind: 'rolled-back', ...v3, to: '2.0.0', healthy: true },
    ];
    for (const e of events) expect((await n.send(e)).filter((d) => !d.ok)).toEqual([]);
    expect(log.lines.filter((l) => l.level === 'warning')).toEqual([]);

    const onCall = onCallOf(inbox.record());
    expect(onCall.slack?.history).toHaveLength(5); // posted, then 4 updates (the warning is a reply)
    expect(onCall.slack?.history[0]).toContain('Deploying example 3.0.0 to demo');
    expect(onCall.slack?.header).toContain('rolled back from 3.0.0 to 2.0.0');
    expect(onCall.slack?.replies).toHaveLength(1);
    expect(onCall.slack?.replies[0]).toContain('p95 latency 0.3s > 0.25s');
    expect(onCall.otherMessages).toBe(0);
    const key = 'switchyard/example/demo/local:me@host/3';
    expect(onCall.dedupKey).toBe(key);
    expect(onCall.pagerduty.map((e) => `${e.action}${e.dedupKey ? ` ${e.dedupKey}` : ''}`)).toEqual(
      ['change', `trigger ${key}`, 'change', `resolve ${key}`],
    );
    expect(onCall.webhooks).toEqual({ delivered: events.length, verified: events.length });
  });

  test('wrong secrets are refused as Slack and PagerDuty refuse them: nothing kept, a warning per channel', async () => {
    const wrong = {
      [INBOX_SECRETS.slackToken]: 'xoxb-not-the-token',
      [INBOX_SECRETS.routingKey]: 'f'.repeat(32),
      [INBOX_SECRETS.hookSecret]: 'not-the-secret',
    };
    const { n, log } = notifier(wrong);
    const reports = await n.send({ kind: 'failed', ...v3, reasons: ['error rate 20% > 5%'] });
    expect(reports.map((r) => r.ok)).toEqual([false, false, false]);
    const record = inbox.record();
    expect(record.slack).toEqual([]);
    expect(record.pagerduty).toEqual([]);
    expect(record.webhooks).toEqual([
      { kind: 'failed', verified: false, problem: 'signature does not match' },
    ]);
    expect(log.lines.filter((l) => l.level === 'warning')).toHaveLength(3);
  });
});
