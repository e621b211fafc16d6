// Wires the exchange core's stream of applied commands into the gateway: the market-data hub, the
// private feed, the asset directory and any mounted extension, with one flush per event-loop turn.
// It subscribes BEFORE loading books from the engine: book levels are absolute, so events the loaded
// state already includes converge to the same book when applied over it. Open candles start from the
// read models' newest candles, which say up to which command they count, so no trade counts twice.

import type { MarketDataHub, MarketMessage } from '@bourse/marketdata';
import type { AppliedCommand, ExchangeCore } from '@bourse/core';
import type { GatewayServices } from './api/gateway-services.ts';
import type { PrivateFeed, PrivateUpdate } from './ws/private-feed.ts';

export interface StreamSinks {
  /** Once per turn: the turn's market data and private updates. */
  flush(messages: readonly MarketMessage[], updates: readonly PrivateUpdate[]): void;
  /** Every batch after the hub and the feed saw it (extensions). */
  batch(batch: readonly AppliedCommand[]): void;
}

export class EventStream {
  readonly ready: Promise<void>;
  readonly #hub: MarketDataHub;
  readonly #feed: PrivateFeed;
  readonly #services: GatewayServices;
  readonly #sinks: StreamSinks;
  readonly #unsubscribe: () => void;
  #buffered: AppliedCommand[] | undefined = [];
  #flushScheduled = false;
  #isReady = false;

  constructor(
    core: ExchangeCore,
    services: GatewayServices,
    feed: PrivateFeed,
    sinks: StreamSinks,
  ) {
    this.#hub = services.hub;
    this.#feed = feed;
    this.#services = services;
    this.#sinks = sinks;
    this.#unsubscribe = core.subscribe((batch) => this.#onBatch(batch));
    this.ready = this.#load(core);
  }

  get isReady(): boolean {
    return this.#isReady;
  }

  close(): void {
    this.#unsubscribe();
  }

  async #load(core: ExchangeCore): Promise<void> {
    await this.#services.loadAssets();
    const instruments = await core.query.instruments();
    this.#hub.setHalted((await core.query.exchangeStatus()).halted);
    const books = await Promise.all(instruments.map((v) => core.query.book(v.spec.instrumentId)));
    instruments.forEach((v, i) => {
      this.#hub.load(v.spec, v.status, v.lastPriceTicks, books[i], v.reopensAt);
    });
    await this.#seedVolumes(
      core,
      instruments.map((v) => v.spec.instrumentId),
    );
    await this.#seedCandles(core);
    const pending = this.#buffered ?? [];
    this.#buffered = undefined;
    for (const applied of pending) this.#consume(applied);
    this.#sinks.batch(pending);
    // Nobody is subscribed yet: the first flush only settles the hub's sequence numbers.
    this.#hub.flush();
    this.#feed.flush();
    this.#isReady = true;
  }

  /**
   * The last 24 hours of volume from the 1-minute candles (two halves: a page holds at most 1,000
   * buckets), so tickers survive a restart. Market data works without it, so a failure only logs.
   */
  async #seedVolumes(core: ExchangeCore, ids: readonly number[]): Promise<void> {
    const half = 12 * 3_600_000;
    const since = this.#services.exchangeNow() - 2 * half;
    try {
      for (const instrumentId of ids) {
        for (const [fromTs, toTs] of [
          [since, since + half - 1],
          [since + half, Number.MAX_SAFE_INTEGER],
        ] as const) {
          const candles = await core.readModels.candles({
            instrumentId,
            interval: '1m',
            fromTs,
            toTs,
            limit: 720,
          });
          this.#hub.seedVolume(
            instrumentId,
            candles.map((c) => ({ ts: c.bucketTs, qtyLots: c.volumeLots })),
          );
        }
      }
    } catch (error) {
      this.#services.logger.warn('24h volume not restored from candles', { error });
    }
  }

  /**
   * The open candles from the read models, before any buffered command is applied. The read models
   * must hold every command this stream will not deliver, i.e. all that was durable when it
   * subscribed; they normally do at start (the core catches them up as it opens), so the wait is the
   * history reads' bounded one. Their candles are exact as of their own seq, and the hub skips the
   * trades of commands up to it. If this fails, live candles start with the first trade seen and
   * snapshots of a bucket that began earlier say `complete: false`.
   */
  async #seedCandles(core: ExchangeCore): Promise<void> {
    try {
      await this.#services.historyBarrier();
      const latest = await core.readModels.latestCandles();
      // The rows are REST's candles, notional included: live candles carry on from them unchanged.
      this.#hub.seedCandles(latest.seq, latest.candles);
    } catch (error) {
      this.#services.logger.warn('open candles not restored from the read models', { error });
    }
  }

  #onBatch(batch: readonly AppliedCommand[]): void {
    if (this.#buffered !== undefined) {
      this.#buffered.push(...batch);
      return;
    }
    for (const applied of batch) this.#consume(applied);
    this.#sinks.batch(batch);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    this.#sinks.flush(this.#hub.flush(), this.#feed.flush());
  }

  #consume(applied: AppliedCommand): void {
    this.#hub.apply(applied);
    this.#feed.apply(applied, this.#symbolOf);
    for (const e of applied.events) {
      if (e.type === 'assetCreated') this.#services.rememberAsset(e);
    }
  }

  readonly #symbolOf = (id: number): string => this.#hub.market(id)?.spec.symbol ?? String(id);
}
