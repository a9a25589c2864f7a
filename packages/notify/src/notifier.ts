/**
 * Fans an event out to the configured channels. Each request is retried with backoff on the injected
 * clock while the event's time budget lasts; a delivery that still fails is a warning line, never a
 * thrown error: a notification must never fail a deploy or hold up a rollback.
 */
import {
  errorMessage,
  retry,
  type Backoff,
  type Clock,
  type Logger,
  type Secrets,
} from '@switchyard/kit';
import { DeliveryError, type Channel, type Send } from './delivery.js';
import { selects, type EventTerm, type NotifyEvent } from './events.js';

/** A channel and the events it takes. */
export interface ChannelEntry {
  readonly channel: Channel;
  readonly events: readonly EventTerm[];
}

/** Defaults and bounds of the delivery settings. */
export const DELIVERY_DEFAULTS = {
  budgetMs: 30_000,
  requestTimeoutMs: 10_000,
  attempts: 4,
  backoff: { initialDelayMs: 1_000, maxDelayMs: 8_000 },
} as const;

/** Bounds of the delivery settings: no event may hold a deploy for more than 2 minutes. */
export const DELIVERY_BOUNDS = {
  budgetMs: { min: 100, max: 120_000 },
  requestTimeoutMs: { min: 50, max: 30_000 },
  attempts: { min: 1, max: 10 },
} as const;

export interface NotifierOptions {
  readonly channels: readonly ChannelEntry[];
  readonly log: Logger;
  readonly clock: Clock;
  /** Masks secrets in every line (the logger masks too; this also covers a logger that does not). */
  readonly secrets?: Secrets;
  /**
   * How long one event may keep retrying, all channels at once: no try starts after it, so an event
   * takes at most the budget plus one request timeout.
   */
  readonly budgetMs?: number;
  /** Longest one request may take. */
  readonly requestTimeoutMs?: number;
  /** Most tries of one request. */
  readonly attempts?: number;
  readonly backoff?: Backoff;
  readonly random?: () => number;
}

/** What became of one request. */
export interface DeliveryReport {
  readonly channel: string;
  readonly label: string;
  readonly ok: boolean;
  readonly attempts: number;
  /** Why it failed (masked). */
  readonly error?: string;
}

const clamp = (v: number | undefined, d: number, b: { min: number; max: number }): number =>
  Math.min(b.max, Math.max(b.min, v ?? d));

/** Sends events to channels; see the module comment. */
export class Notifier {
  private readonly budgetMs: number;
  private readonly requestTimeoutMs: number;
  private readonly attempts: number;

  constructor(private readonly options: NotifierOptions) {
    this.budgetMs = clamp(options.budgetMs, DELIVERY_DEFAULTS.budgetMs, DELIVERY_BOUNDS.budgetMs);
    this.requestTimeoutMs = clamp(
      options.requestTimeoutMs,
      DELIVERY_DEFAULTS.requestTimeoutMs,
      DELIVERY_BOUNDS.requestTimeoutMs,
    );
    this.attempts = clamp(options.attempts, DELIVERY_DEFAULTS.attempts, DELIVERY_BOUNDS.attempts);
  }

  /** The channels, by name (e.g. to read the Slack thread). */
  channels(): readonly Channel[] {
    return this.options.channels.map((c) => c.channel);
  }

  /**
   * Sends `event` to every channel that takes it: channels at once, a channel's requests in order.
   * Resolves with what became of each request; never rejects.
   */
  async send(event: NotifyEvent): Promise<DeliveryReport[]> {
    const deadline = this.options.clock.now() + this.budgetMs;
    const perChannel = await Promise.all(
      this.options.channels.map(async ({ channel, events }) => {
        const reports: DeliveryReport[] = [];
        let sends: readonly Send[];
        try {
          sends = channel.sends(event, selects(events, event));
        } catch (error) {
          sends = [];
          reports.push(this.failed(channel.name, `${channel.name} ${event.kind}`, 0, error));
        }
        for (const send of sends) reports.push(await this.deliver(channel.name, send, deadline));
        return reports;
      }),
    );
    return perChannel.flat();
  }

  private async deliver(channel: string, send: Send, deadline: number): Promise<DeliveryReport> {
    const { clock, log } = this.options;
    let attempts = 0;
    try {
      await retry(
        async () => {
          attempts++;
          try {
            await send.run(this.requestTimeoutMs);
          } catch (error) {
            await this.waitRetryAfter(error, deadline);
            throw error;
          }
        },
        {
          ...(this.options.backoff ?? DELIVERY_DEFAULTS.backoff),
          attempts: this.attempts,
          deadline,
          retryIf: (e) => e instanceof DeliveryError && e.retryable,
          onRetry: ({ attempt, delayMs, error }) =>
            log.debug(
              this.mask(
                `notify: ${send.label} attempt ${attempt} failed (${errorMessage(error)}); retrying in ${delayMs}ms`,
              ),
            ),
          ...(this.options.random && { random: this.options.random }),
        },
        clock,
      );
      log.debug(this.mask(`notify: ${send.label} sent (attempt ${attempts})`));
      return { channel, label: send.label, ok: true, attempts };
    } catch (error) {
      return this.failed(channel, send.label, attempts, error);
    }
  }

  /** A 429's Retry-After, waited out when it fits in the budget (the backoff then adds its delay). */
  private async waitRetryAfter(error: unknown, deadline: number): Promise<void> {
    if (!(error instanceof DeliveryError) || error.retryAfterMs === undefined) return;
    const wait = Math.min(error.retryAfterMs, deadline - this.options.clock.now());
    if (wait > 0) await this.options.clock.sleep(wait);
  }

  private failed(channel: string, label: string, attempts: number, error: unknown): DeliveryReport {
    const why = this.mask(errorMessage(error));
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    this.options.log.warning(
      `notify: ${label} was not delivered (${why}; ${tries}). The deploy goes on without it.`,
    );
    return { channel, label, ok: false, attempts, error: why };
  }

  private mask(text: string): string {
    return this.options.secrets ? this.options.secrets.mask(text) : text;
  }
}
