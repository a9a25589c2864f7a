/**
 * Message rendering under hostile and oversized values: escaped for mrkdwn, cut to Block Kit's limits,
 * and accepted by the fakes' checks of Slack's documented shapes; PagerDuty summaries cut to 1024.
 */
import {
  BLOCK_LIMITS,
  dedupKey,
  escapeMrkdwn,
  fitMrkdwn,
  link,
  pagerDutyActions,
  pagerDutyBody,
  releaseMessage,
  warningMessage,
  type ReleaseEvent,
} from '@switchyard/notify';
import { messageProblems, mrkdwnProblems } from '../../../test/support/notify-fakes/index.js';
import { ev, ROUTING_KEY } from './helpers.js';

const HOSTILE = '<!channel> & <https://evil.example|click> >quote\n*bold* \u0007\u202e';

test.each<[string, string]>([
  ['a & b', 'a &amp; b'],
  ['<!here>', '&lt;!here&gt;'],
  ['&amp;', '&amp;amp;'],
])('[%s] escapes to %s', (raw, escaped) => {
  expect(escapeMrkdwn(raw)).toBe(escaped);
});

test('fitting never cuts an entity in half and stays within the limit', () => {
  expect(fitMrkdwn('<', 1)).toBe('…');
  for (let max = 1; max < 40; max++) {
    const out = fitMrkdwn('<&>'.repeat(20), max);
    expect(out.length).toBeLessThanOrEqual(max);
    expect(mrkdwnProblems(out)).toEqual([]);
  }
});

test.each<[string | undefined, string]>([
  ['https://shop.example.com/a?x=1&y=2', '<https://shop.example.com/a?x=1&amp;y=2|Live>'],
  ['https://x.example/a|b>c', '<https://x.example/a%7Cb%3Ec|Live>'],
  ['javascript:alert(1)', 'Live'],
  ['not a url', 'Live'],
  [undefined, 'Live'],
])('[%s] links as %s', (url, expected) => {
  expect(link(url, 'Live')).toBe(expected);
});

test('hostile values are escaped everywhere and make no mention or link', () => {
  const event = ev({
    kind: 'failed',
    version: HOSTILE,
    approvedBy: HOSTILE,
    override: HOSTILE,
    reasons: [HOSTILE, HOSTILE],
  });
  for (const m of [releaseMessage(event), warningMessage(event)]) {
    expect(messageProblems(m.text, m.blocks)).toEqual([]);
    const json = JSON.stringify(m);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).not.toContain('\u202e');
  }
});

test('oversized values are cut to Block Kit limits', () => {
  const huge = 'x'.repeat(10_000);
  const event = ev({
    kind: 'failed',
    app: huge,
    version: huge,
    approvedBy: huge,
    reasons: Array.from({ length: 200 }, (_, i) => `${i} ${huge}`),
  });
  const m = releaseMessage(event);
  expect(messageProblems(m.text, m.blocks)).toEqual([]);
  expect(m.blocks.length).toBeLessThanOrEqual(BLOCK_LIMITS.blocks);
  expect(m.text.length).toBeLessThanOrEqual(BLOCK_LIMITS.fallbackText);
  const header = m.blocks[0];
  expect(header?.type === 'header' && header.text.text.length).toBe(BLOCK_LIMITS.headerText);
  expect(JSON.stringify(m.blocks)).toContain('… and 190 more');
});

test('PagerDuty: the summary is cut to 1024, the dedup key to 255, and actions follow the outcome', () => {
  const huge = 'y'.repeat(5_000);
  const failed = ev({ kind: 'failed', reasons: [huge], deployId: huge });
  const body = pagerDutyBody('trigger', failed, ROUTING_KEY, '2026-01-01T00:00:00.000Z') as {
    payload: { summary: string };
    dedup_key: string;
  };
  expect(body.payload.summary.length).toBe(1024);
  expect(body.dedup_key).toBe(dedupKey(failed));
  expect(body.dedup_key.length).toBe(255);

  const table: [ReleaseEvent, boolean, string[]][] = [
    [ev({ kind: 'started' }), true, []],
    [ev({ kind: 'live' }), true, ['change']],
    [ev({ kind: 'live' }), false, ['change']],
    [ev({ kind: 'failed', reasons: [] }), true, ['trigger']],
    [ev({ kind: 'failed', reasons: [] }), false, []],
    [ev({ kind: 'rolled-back', to: '1', healthy: true }), true, ['change', 'resolve']],
    [ev({ kind: 'rolled-back', to: '1', healthy: false }), true, ['change', 'trigger']],
    [ev({ kind: 'rollback-failed', reasons: [] }), true, ['trigger']],
    [ev({ kind: 'warning', reasons: [] }), true, []],
  ];
  for (const [event, alerts, actions] of table)
    expect([event.kind, alerts, pagerDutyActions(event, alerts)]).toEqual([
      event.kind,
      alerts,
      actions,
    ]);
});
