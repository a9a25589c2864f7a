/** @switchyard/notify: Slack, PagerDuty and signed webhooks for releases. See README.md. */
export * from './events.js';
export * from './delivery.js';
export * from './slack-blocks.js';
export * from './slack.js';
export * from './pagerduty.js';
export * from './webhook.js';
export * from './notifier.js';
export * from './config.js';
export * from './setup.js';
