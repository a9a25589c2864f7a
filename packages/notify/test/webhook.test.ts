/** The signed webhook: the receiver fake verifies each delivery with its own HMAC code. */
import { nodeHttp } from '@switchyard/probe';
import {
  signature,
  verifyWebhook,
  WEBHOOK_HEADERS,
  WebhookChannel,
  type WebhookBody,
} from '@switchyard/notify';
import { WebhookReceiverFake } from '../../../test/support/notify-fakes/index.js';
import { ev, HOOK_SECRET } from './helpers.js';

let receiver: WebhookReceiverFake;
beforeEach(async () => {
  receiver = new WebhookReceiverFake(HOOK_SECRET);
  await receiver.start();
});
afterEach(async () => {
  await receiver.close();
});

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

async function deliver(secret: string): Promise<void> {
  const channel = new WebhookChannel({
    url: `${receiver.url()}/hook`,
    secret,
    http: nodeHttp,
    now: () => NOW,
    newId: () => 'delivery-1',
  });
  for (const send of channel.sends(ev({ kind: 'rolled-back', to: '1.4.2', healthy: true }), true))
    await send.run(2_000);
}

test('a delivery is signed over the exact body, and the receiver verifies it', async () => {
  await deliver(HOOK_SECRET);
  expect(receiver.violations).toEqual([]);
  const [req] = receiver.received;
  const body = JSON.parse(req?.body ?? '{}') as WebhookBody;
  expect(body).toMatchObject({
    schema: 'switchyard.event/v1',
    id: 'delivery-1',
    kind: 'rolled-back',
    severity: 'critical',
    sentAt: NOW / 1000,
    summary: 'production rolled back from 1.5.0 to 1.4.2 (healthy)',
    event: { app: 'shop', to: '1.4.2', healthy: true },
  });
  expect(req?.headers[WEBHOOK_HEADERS.timestamp]).toBe(String(NOW / 1000));
  expect(req?.headers[WEBHOOK_HEADERS.signature]).toBe(signature(HOOK_SECRET, req?.body ?? ''));
  // The documented receiver check accepts it.
  expect(
    verifyWebhook(HOOK_SECRET, req?.body ?? '', req?.headers ?? {}, NOW / 1000 + 10),
  ).toBeUndefined();
});

test('a delivery signed with another secret is refused by the receiver and reported', async () => {
  await expect(deliver('not-the-secret')).rejects.toThrow('webhook: HTTP 401');
  expect(receiver.violations).toEqual(['signature does not match the body']);
  expect(receiver.deliveries).toEqual([]);
});

test.each<
  [
    string,
    (body: string, h: Record<string, string>) => [string, Record<string, string>],
    string | undefined,
    number,
  ]
>([
  ['untouched', (b, h) => [b, h], undefined, 0],
  [
    'body changed by one byte',
    (b, h) => [b.replace('1.4.2', '1.4.3'), h],
    'signature does not match',
    0,
  ],
  [
    'timestamp header changed',
    (b, h) => [b, { ...h, [WEBHOOK_HEADERS.timestamp]: '1' }],
    'sentAt does not match the timestamp header',
    0,
  ],
  ['replayed an hour later', (b, h) => [b, h], 'sentAt is more than 300s away', 3600],
  [
    'no signature',
    (b, h) => [b, { ...h, [WEBHOOK_HEADERS.signature]: '' }],
    'signature does not match',
    0,
  ],
])('[%s] verifyWebhook says %s', async (_, tamper, problem, later) => {
  await deliver(HOOK_SECRET);
  const [req] = receiver.received;
  const [body, headers] = tamper(req?.body ?? '', { ...req?.headers });
  expect(verifyWebhook(HOOK_SECRET, body, headers, NOW / 1000 + later)).toBe(problem);
});
