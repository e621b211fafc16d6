// Delivers the outbox: pending deliveries are read from the alert store when due, sent by their
// channel's sender a few at a time (a bounded number in flight, whatever the backlog), and each
// attempt is logged. A failure is retried with exponential backoff until `maxAttempts`; a sender that
// knows a failure is final (a push subscription that is gone) stops the retries at once. Nothing here
// runs on the order path: it is driven by timers and the alert runner's `kick`.

import type { AlertStore, DeliveryRow, NotificationRow } from '../alert-store.ts';
import type { Channel } from '../conditions.ts';

export interface SendResult {
  readonly ok: boolean;
  /** What happened, for the delivery log (a status code, an error message). */
  readonly detail: string;
  /** A failure no retry can mend. */
  readonly final?: boolean;
}

export type Sender = (delivery: DeliveryRow, notification: NotificationRow) => Promise<SendResult>;

export interface DispatcherOptions {
  /** Deliveries in flight at once. */
  readonly concurrency: number;
  /** Delay before the first retry; each further retry doubles it, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxAttempts: number;
}

export const DEFAULT_DISPATCH: DispatcherOptions = {
  concurrency: 4,
  baseDelayMs: 2_000,
  maxDelayMs: 10 * 60_000,
  maxAttempts: 10,
};

/** When attempt `attempts` (1-based, just failed) is retried: base × 2^(attempts − 1), capped. */
export function retryDelayMs(
  attempts: number,
  o: Pick<DispatcherOptions, 'baseDelayMs' | 'maxDelayMs'>,
): number {
  return Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempts - 1));
}

export class Dispatcher {
  readonly #store: AlertStore;
  readonly #senders: Partial<Record<Channel, Sender>>;
  readonly #clock: () => number;
  readonly #options: DispatcherOptions;
  readonly #inFlight = new Map<number, Promise<void>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(
    store: AlertStore,
    senders: Partial<Record<Channel, Sender>>,
    clock: () => number,
    options: Partial<DispatcherOptions> = {},
  ) {
    this.#store = store;
    this.#senders = senders;
    this.#clock = clock;
    this.#options = { ...DEFAULT_DISPATCH, ...options };
  }

  /** Look for due deliveries now (new ones were queued). */
  kick(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(), 0);
  }

  /** Stops taking deliveries and waits for those in flight, so a clean stop repeats none. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await Promise.all(this.#inFlight.values());
  }

  #run(): void {
    if (this.#closed) return;
    const room = this.#options.concurrency - this.#inFlight.size;
    const now = this.#clock();
    if (room > 0) {
      for (const d of this.#store.dueDeliveries(now, room + this.#inFlight.size)) {
        if (this.#inFlight.has(d.deliveryId)) continue;
        if (this.#inFlight.size >= this.#options.concurrency) break;
        const done = this.#deliver(d).finally(() => {
          this.#inFlight.delete(d.deliveryId);
          this.kick();
        });
        this.#inFlight.set(d.deliveryId, done);
      }
    }
    this.#schedule();
  }

  /** Wakes up when the next retry is due (at most a minute away, so clock changes are noticed). */
  #schedule(): void {
    const next = this.#store.nextDeliveryAt();
    if (next === undefined || this.#closed) return;
    const wait = Math.min(60_000, Math.max(10, next - this.#clock()));
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(), wait);
    this.#timer.unref();
  }

  async #deliver(d: DeliveryRow): Promise<void> {
    const note = this.#store.notification(d.alertId);
    const sender = this.#senders[d.channel];
    let result: SendResult;
    if (note === undefined) result = { ok: false, detail: 'alert deleted', final: true };
    else if (sender === undefined)
      result = { ok: false, detail: `${d.channel} is not configured on this server`, final: true };
    else {
      try {
        result = await sender(d, note);
      } catch (error) {
        result = { ok: false, detail: (error as Error).message ?? String(error) };
      }
    }
    const attempts = d.attempts + 1;
    const now = this.#clock();
    const giveUp = !result.ok && (result.final === true || attempts >= this.#options.maxAttempts);
    this.#store.recordAttempt(d, now, {
      ok: result.ok,
      detail: result.detail,
      status: result.ok ? 'delivered' : giveUp ? 'failed' : 'pending',
      nextAt: result.ok || giveUp ? now : now + retryDelayMs(attempts, this.#options),
    });
  }
}
