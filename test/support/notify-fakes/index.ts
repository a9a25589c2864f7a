/** Loopback fakes of Slack, PagerDuty and a webhook receiver that validate what they get. Test-only. */
export * from './server.js';
export * from './block-kit.js';
export * from './slack.js';
export * from './pagerduty.js';
export * from './webhook.js';
