// Bot-like flow through the real engine, fed to the detectors as the read models would feed them: the
// demo bots' behaviour (market makers re-quoting a ladder around a drifting fair value every second,
// noise traders taking the touch with small IOC orders) plus a momentum trader whose occasional larger
// orders sweep a level or two, all on a 100 ms clock. Planted manipulations are commands the test adds.

import {
  type BinarySpec,
  type Command,
  Engine,
  type EngineEvent,
  type PlaceOrder,
} from '@bourse/engine';
import { type Alert, Surveillance } from '../../src/index.ts';

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;
export type Body = DistributiveOmit<Command, 'seq' | 'ts'>;
export type PlaceBody = Omit<PlaceOrder, 'seq' | 'ts' | 'type' | 'orderId'>;

export const USD = 1;
export const STEP = 100;
export const LOT = 100;
export const MAKERS = [1, 2, 3];
export const NOISE = [4, 5, 6, 7];
export const MOMENTUM = 8;
export const T0 = 1_800_000_000_000;

export function spec(instrumentId: number): BinarySpec {
  return {
    kind: 'binary',
    instrumentId,
    symbol: `EVT-${instrumentId}`,
    seriesTicker: 'EVT',
    eventTicker: `EVT-${instrumentId}`,
    title: `Event ${instrumentId}`,
    settlementAssetId: USD,
    payoutTicks: 10_000,
    lotsPerContract: 100,
    tickSize: STEP,
    minPriceTicks: 100,
    maxPriceTicks: 9_900,
    lotSize: LOT,
    moneyPerTickLot: 1,
    fees: { kind: 'none' },
    limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
  };
}

/** mulberry32, as the demo bots use. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}

export class BotFlow {
  readonly engine = new Engine({ feeAccountId: 0 });
  readonly rng: Rng;
  readonly alerts = new Map<string, Alert>();
  readonly surveillance: Surveillance;
  readonly markets: number[] = [];
  /** Beneficial-owner links an admin made: account → owner. */
  readonly links = new Map<number, string>();
  seq = 0;
  ts = T0;
  readonly #fair = new Map<string, number>();
  readonly #nextNoise = new Map<number, number>();
  #nextMomentum = T0;

  constructor(seed: number, accounts: readonly number[]) {
    this.rng = new Rng(seed);
    this.surveillance = new Surveillance({
      ownerOf: (a) => this.links.get(a) ?? `u${this.engine.account(a)?.userId ?? a}`,
    });
    this.apply({ type: 'createAsset', assetId: USD, code: 'USD', scale: 1_000_000 });
    for (const a of [...MAKERS, ...NOISE, MOMENTUM, ...accounts]) {
      this.apply({ type: 'createAccount', accountId: a, userId: a, subaccount: 0 });
      this.apply({ type: 'deposit', accountId: a, assetId: USD, amount: 10 ** 13 });
    }
  }

  apply(body: Body): readonly EngineEvent[] {
    this.seq++;
    const command = { ...body, seq: this.seq, ts: this.ts } as Command;
    if (command.type === 'placeOrder') (command as { orderId: number }).orderId = this.seq;
    const events = [...this.engine.apply(command)];
    for (const a of this.surveillance.feed({ seq: this.seq, ts: this.ts, command, events })) {
      this.alerts.set(a.alertId, a);
    }
    return events;
  }

  place(o: PlaceBody): readonly EngineEvent[] {
    return this.apply({ type: 'placeOrder', orderId: 0, ...o });
  }

  openMarket(id: number): void {
    this.apply({ type: 'createInstrument', spec: spec(id) });
    this.apply({ type: 'setMarketStatus', instrumentId: id, status: 'open' });
    this.markets.push(id);
  }

  best(m: number, side: 'bids' | 'asks'): number | undefined {
    return this.engine.book(m, 1)?.[side][0]?.[0];
  }

  /** Runs the bots until `untilTs`, 100 ms at a time. */
  runUntil(untilTs: number): void {
    while (this.ts + 100 <= untilTs) {
      this.ts += 100;
      const open = this.markets.filter((m) => this.engine.instrument(m)?.status === 'open');
      if (open.length === 0) {
        this.apply({ type: 'tick' });
        continue;
      }
      if ((this.ts - T0) % 1_000 === 0) for (const mm of MAKERS) this.#quote(mm, open);
      for (const n of NOISE) this.#noise(n, open);
      this.#momentum(open);
      this.apply({ type: 'tick' });
    }
  }

  #quote(mm: number, open: number[]): void {
    for (const m of open) {
      const key = `${mm}:${m}`;
      const levels = 4;
      const half = 1 + (mm % 2);
      const margin = (half + levels) * STEP;
      const prev = this.#fair.get(key) ?? 5_000;
      const fair = Math.min(
        9_900 - margin,
        Math.max(100 + margin, prev + this.rng.int(-1, 1) * STEP),
      );
      this.#fair.set(key, fair);
      this.apply({ type: 'cancelAll', accountId: mm, instrumentId: m });
      const bestAsk = this.best(m, 'asks');
      const bestBid = this.best(m, 'bids');
      for (let i = 0; i < levels; i++) {
        const qtyLots = 10 * LOT * this.rng.int(1, 3);
        const bid = fair - (half + i) * STEP;
        const ask = fair + (half + i) * STEP;
        const base = { accountId: mm, instrumentId: m, orderType: 'limit', tif: 'gtc' } as const;
        if (bestAsk === undefined || bid < bestAsk) {
          this.place({ ...base, side: 'buy', priceTicks: bid, qtyLots, postOnly: true });
        }
        if (bestBid === undefined || ask > bestBid) {
          this.place({ ...base, side: 'sell', priceTicks: ask, qtyLots, postOnly: true });
        }
      }
    }
  }

  #noise(n: number, open: number[]): void {
    const due = this.#nextNoise.get(n) ?? T0 + this.rng.int(1, 7) * 100;
    if (this.ts < due) return;
    this.#nextNoise.set(n, this.ts + 700);
    const m = open[this.rng.int(0, open.length - 1)]!;
    const buy = this.rng.next() < 0.5;
    const touch = this.best(m, buy ? 'asks' : 'bids');
    if (touch === undefined) return;
    const side = buy ? 'buy' : 'sell';
    const qtyLots = LOT * this.rng.int(1, 5);
    this.place({
      accountId: n,
      instrumentId: m,
      side,
      orderType: 'limit',
      priceTicks: touch,
      qtyLots,
      tif: 'ioc',
    });
  }

  /** Now and then a larger order that may take the touch and the level behind it. */
  #momentum(open: number[]): void {
    if (this.ts < this.#nextMomentum) return;
    this.#nextMomentum = this.ts + this.rng.int(100, 300) * 100;
    const m = open[this.rng.int(0, open.length - 1)]!;
    const buy = this.rng.next() < 0.5;
    const touch = this.best(m, buy ? 'asks' : 'bids');
    if (touch === undefined) return;
    const priceTicks = buy ? touch + STEP : touch - STEP;
    const side = buy ? 'buy' : 'sell';
    const qtyLots = LOT * this.rng.int(10, 60);
    this.place({
      accountId: MOMENTUM,
      instrumentId: m,
      side,
      orderType: 'limit',
      priceTicks,
      qtyLots,
      tif: 'ioc',
    });
  }
}
