// Follows the exchange's durable stream of applied commands and fires alerts, exactly once each:
// on start it carries on from the seq the store saved (commands it missed, even those of a run that
// crashed, come again from the journal through the core's `appliedRange`), then follows the live
// stream. A firing is committed with the progress past its command in one transaction; without a
// firing the progress is saved once a second (re-reading a second of commands fires the same alerts
// at the same commands, and a fired alert is no longer active). It runs after market data on the
// gateway's thread, does no I/O but a small SQLite commit, and hands deliveries to the dispatcher.

import type { AppliedCommand, ExchangeCore } from '@bourse/core';
import type { AlertStore, NotificationRow } from './alert-store.ts';
import type { Channel } from './conditions.ts';
import { type ActiveAlert, AlertEvaluator, type Firing } from './evaluator.ts';
import { MarketTape } from './market-tape.ts';

export interface RunnerLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** The core as the runner reads it; `appliedRange` is absent on a core without its journal at hand. */
export type RunnerCore = Pick<ExchangeCore, 'subscribe' | 'query' | 'durableSeq'> & {
  appliedRange?(fromSeq: number, toSeq: number, limit: number): Promise<AppliedCommand[]>;
};

export interface RunnerHooks {
  /** A committed firing (its notification), for the in-app channel. */
  notified(n: NotificationRow): void;
  /** Deliveries were queued. */
  queued(): void;
}

const CATCH_UP_PAGE = 2_000;

export class AlertRunner {
  readonly #core: RunnerCore;
  readonly #store: AlertStore;
  readonly #clock: () => number;
  readonly #logger: RunnerLogger;
  readonly #hooks: RunnerHooks;
  #evaluator: AlertEvaluator | undefined;
  #buffered: AppliedCommand[] | undefined = [];
  #unsubscribe: (() => void) | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #savedSeq = 0;
  #channels = new Map<number, readonly Channel[]>();

  constructor(
    core: RunnerCore,
    store: AlertStore,
    clock: () => number,
    logger: RunnerLogger,
    hooks: RunnerHooks,
  ) {
    this.#core = core;
    this.#store = store;
    this.#clock = clock;
    this.#logger = logger;
    this.#hooks = hooks;
  }

  /** The seq evaluation has reached (new alerts watch what comes after it). */
  get seq(): number {
    return Math.max(this.#evaluator?.seq ?? 0, this.#core.durableSeq);
  }

  get tape(): MarketTape | undefined {
    return this.#evaluator?.tape;
  }

  async start(tickMs = 1_000): Promise<void> {
    this.#unsubscribe = this.#core.subscribe((batch) => this.#onBatch(batch));
    const upTo = this.#core.durableSeq;
    const progress = this.#store.progress();
    const tape = new MarketTape();
    let evaluator: AlertEvaluator;
    if (progress === undefined) {
      evaluator = new AlertEvaluator(tape, upTo);
      for (const v of await this.#core.query.instruments()) {
        tape.load(v, await this.#core.query.book(v.spec.instrumentId));
      }
    } else {
      tape.restore(progress.markets);
      evaluator = new AlertEvaluator(tape, progress.seq);
    }
    for (const a of this.#store.activeAlerts()) this.#activate(evaluator, a);
    await this.#catchUp(evaluator, upTo);
    this.#evaluator = evaluator;
    const pending = this.#buffered ?? [];
    this.#buffered = undefined;
    this.#consume(pending);
    this.#commit([]);
    this.#timer = setInterval(() => this.#onTick(), tickMs);
    this.#timer.unref();
    this.#onTick();
  }

  /** Stops following and saves the progress. */
  close(): void {
    this.#unsubscribe?.();
    clearInterval(this.#timer);
    if (this.#evaluator !== undefined) this.#commit([]);
  }

  /** Starts evaluating a stored alert (just created). */
  watch(alert: ActiveAlert & { channels: readonly Channel[] }): void {
    if (this.#evaluator !== undefined) this.#activate(this.#evaluator, alert);
  }

  unwatch(alertId: number): void {
    this.#evaluator?.remove(alertId);
    this.#channels.delete(alertId);
  }

  #activate(evaluator: AlertEvaluator, a: ActiveAlert & { channels: readonly Channel[] }): void {
    evaluator.add({
      alertId: a.alertId,
      userId: a.userId,
      accountId: a.accountId,
      condition: a.condition,
      fromSeq: a.fromSeq,
      state: a.state,
    });
    this.#channels.set(a.alertId, a.channels);
  }

  /** Commands after the saved progress up to `upTo`, recomputed from the journal. */
  async #catchUp(evaluator: AlertEvaluator, upTo: number): Promise<void> {
    if (evaluator.seq >= upTo) return;
    if (this.#core.appliedRange === undefined) {
      this.#logger.warn(
        'alerts: commands since the last run cannot be read; evaluation resumes live',
        {
          from: evaluator.seq + 1,
          to: upTo,
        },
      );
      return;
    }
    this.#logger.info('alerts catching up', { from: evaluator.seq + 1, to: upTo });
    while (evaluator.seq < upTo) {
      const from = evaluator.seq + 1;
      const page = await this.#core.appliedRange(from, upTo, CATCH_UP_PAGE);
      if (page.length === 0) break;
      const fired: Firing[] = [];
      for (const c of page) for (const f of evaluator.apply(c)) fired.push(f);
      // A clock rule due by the time of these commands fires in order with them.
      fired.push(...evaluator.tick(page[page.length - 1]!.ts));
      this.#commitWith(evaluator, fired);
    }
  }

  #onBatch(batch: readonly AppliedCommand[]): void {
    if (this.#buffered !== undefined) {
      this.#buffered.push(...batch);
      return;
    }
    this.#consume(batch);
  }

  #consume(batch: readonly AppliedCommand[]): void {
    const evaluator = this.#evaluator!;
    const fired: Firing[] = [];
    try {
      for (const c of batch) for (const f of evaluator.apply(c)) fired.push(f);
    } catch (error) {
      this.#logger.error('alert evaluation failed', { error });
    }
    if (fired.length > 0) this.#commit(fired);
  }

  #onTick(): void {
    const evaluator = this.#evaluator;
    if (evaluator === undefined) return;
    const fired = evaluator.tick(this.#clock());
    if (fired.length > 0 || evaluator.seq !== this.#savedSeq) this.#commit(fired);
  }

  #commit(fired: readonly Firing[]): void {
    try {
      this.#commitWith(this.#evaluator!, fired);
    } catch (error) {
      this.#logger.error('alerts: progress not saved', { error });
    }
  }

  /** Firings, their deliveries, changed rule state and the progress, in one transaction. */
  #commitWith(evaluator: AlertEvaluator, fired: readonly Firing[]): void {
    const notes: NotificationRow[] = [];
    let queued = false;
    this.#store.transaction(() => {
      for (const f of fired) {
        const n = notification(f);
        if (!this.#store.markFired(n)) continue;
        notes.push(n);
        queued = this.#queueDeliveries(f.alert, n.ts) || queued;
      }
      for (const a of evaluator.takeDirty()) this.#store.saveState(a.alertId, a.state);
      this.#store.saveProgress({ seq: evaluator.seq, markets: evaluator.tape.save() });
    });
    this.#savedSeq = evaluator.seq;
    for (const f of fired) this.#channels.delete(f.alert.alertId);
    for (const n of notes) this.#hooks.notified(n);
    if (queued) this.#hooks.queued();
  }

  /** One delivery per channel and target the owner has set up; true when any was queued. */
  #queueDeliveries(alert: ActiveAlert, now: number): boolean {
    const channels = this.#channels.get(alert.alertId) ?? [];
    const settings = this.#store.settings(alert.userId);
    const targets: [Channel, string][] = [];
    if (channels.includes('email') && settings.email !== null)
      targets.push(['email', settings.email]);
    if (channels.includes('webhook') && settings.webhookUrl !== null)
      targets.push(['webhook', settings.webhookUrl]);
    if (channels.includes('push')) {
      for (const s of this.#store.pushSubscriptionsOf(alert.userId))
        targets.push(['push', s.endpoint]);
    }
    for (const [channel, target] of targets) {
      this.#store.queueDelivery({
        alertId: alert.alertId,
        userId: alert.userId,
        channel,
        target,
        nextAt: now,
      });
    }
    return targets.length > 0;
  }
}

function notification(f: Firing): NotificationRow {
  return {
    alertId: f.alert.alertId,
    userId: f.alert.userId,
    accountId: f.alert.accountId,
    kind: f.alert.condition.kind,
    seq: f.seq,
    ts: f.ts,
    text: f.trigger.text,
    detail: f.trigger.detail,
  };
}
