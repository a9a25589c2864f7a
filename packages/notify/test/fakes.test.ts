/**
 * The fakes refuse what Slack and PagerDuty would refuse, so "no violations" in the other tests means
 * something. Raw HTTP on loopback, outside our channels.
 */
import { nodeHttp } from '@switchyard/probe';
import {
  PagerDutyFake,
  SlackApiFake,
  SlackWebhookFake,
} from '../../../test/support/notify-fakes/index.js';
import { ROUTING_KEY, TOKEN } from './helpers.js';

const post = async (url: string, body: string, headers: Record<string, string> = {}) =>
  nodeHttp.request({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    body,
    timeoutMs: 2_000,
    followRedirects: false,
  });

test('the PagerDuty fake answers 400 with the reasons for events that break the documented shape', async () => {
  const pd = new PagerDutyFake();
  const base = await pd.start();
  try {
    const bad = await post(
      `${base}/v2/enqueue`,
      JSON.stringify({
        routing_key: 'short',
        event_action: 'explode',
        payload: { summary: 'x'.repeat(1025), severity: 'fatal' },
      }),
    );
    expect(bad.status).toBe(400);
    expect(pd.violations).toEqual([
      'routing_key: not 32 characters',
      'event_action: not trigger, acknowledge or resolve',
      'dedup_key: required to explode',
    ]);
    const resolveWithoutKey = await post(
      `${base}/v2/enqueue`,
      JSON.stringify({ routing_key: ROUTING_KEY, event_action: 'resolve' }),
    );
    expect(resolveWithoutKey.status).toBe(400);
    const trigger = await post(
      `${base}/v2/enqueue`,
      JSON.stringify({
        routing_key: ROUTING_KEY,
        event_action: 'trigger',
        payload: { summary: 'x'.repeat(1025), severity: 'fatal' },
      }),
    );
    expect(trigger.status).toBe(400);
    expect(JSON.parse(trigger.body)).toMatchObject({
      status: 'invalid event',
      errors: [
        'payload.summary: 1025 characters > 1024',
        'payload.source: missing',
        'payload.severity: not critical, error, warning or info',
      ],
    });
    const change = await post(
      `${base}/v2/change/enqueue`,
      JSON.stringify({
        routing_key: ROUTING_KEY,
        event_action: 'trigger',
        payload: { summary: 's', severity: 'info' },
      }),
    );
    expect(change.status).toBe(400);
    expect(pd.violations.slice(-2)).toEqual([
      'event_action: unknown field',
      'payload.severity: unknown field',
    ]);
    const ok = await post(
      `${base}/v2/enqueue`,
      JSON.stringify({
        routing_key: ROUTING_KEY,
        event_action: 'trigger',
        dedup_key: 'k',
        payload: { summary: 's', source: 'src', severity: 'critical' },
      }),
    );
    expect([ok.status, JSON.parse(ok.body)]).toEqual([
      202,
      { status: 'success', message: 'Event processed', dedup_key: 'k' },
    ]);
    expect(pd.events).toHaveLength(1);
  } finally {
    await pd.close();
  }
});

test('the Slack fakes refuse mentions, unescaped text, oversized headers, updates by channel name and unknown tokens', async () => {
  const slack = new SlackApiFake(TOKEN);
  const hook = new SlackWebhookFake();
  await Promise.all([slack.start(), hook.start()]);
  try {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const message = {
      channel: '#deploys',
      text: 'hi <!channel> & you',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
        { type: 'marquee' },
      ],
    };
    const bad = await post(`${slack.apiUrl()}chat.postMessage`, JSON.stringify(message), auth);
    expect(JSON.parse(bad.body)).toEqual({ ok: false, error: 'invalid_blocks' });
    expect(slack.violations).toEqual([
      'chat.postMessage: text: unescaped &',
      'chat.postMessage: text: <!channel> is not a link',
      'chat.postMessage: blocks[0].text.text: 151 characters > 150',
      'chat.postMessage: blocks[1].type: marquee is not a message block type',
    ]);

    const posted = await post(
      `${slack.apiUrl()}chat.postMessage`,
      JSON.stringify({ channel: '#deploys', text: 'ok' }),
      auth,
    );
    const { ts } = JSON.parse(posted.body) as { ts: string };
    const byName = await post(
      `${slack.apiUrl()}chat.update`,
      JSON.stringify({ channel: '#deploys', ts, text: 'x' }),
      auth,
    );
    expect(JSON.parse(byName.body)).toEqual({ ok: false, error: 'channel_not_found' });
    const gone = await post(
      `${slack.apiUrl()}chat.update`,
      JSON.stringify({ channel: 'C0DEPLOYS01', ts: '1.2', text: 'x' }),
      auth,
    );
    expect(JSON.parse(gone.body)).toEqual({ ok: false, error: 'message_not_found' });
    const stranger = await post(
      `${slack.apiUrl()}chat.postMessage`,
      JSON.stringify({ channel: '#deploys', text: 'x' }),
      {
        authorization: 'Bearer xoxb-nope',
      },
    );
    expect(JSON.parse(stranger.body)).toEqual({ ok: false, error: 'invalid_auth' });

    const hookBad = await post(hook.hookUrl(), JSON.stringify({ username: 'x' }));
    expect([hookBad.status, hookBad.body]).toEqual([400, 'no_text']);
    const hookWrongPath = await post(`${hook.url()}/services/x`, JSON.stringify({ text: 'x' }));
    expect(hookWrongPath.status).toBe(404);
  } finally {
    await Promise.all([slack.close(), hook.close()]);
  }
});
