// A thin driver for engine tests: it plays the sequencer (strictly increasing `seq`, a settable
// clock, `orderId = seq` for placements), copies the reused event array, and builds the default
// instrument specs (USD in micros, binary prices in 1/10,000 $ on a cent grid, whole contracts of
// 100 lots).

import type { BinarySpec, Command, EngineEvent, PlaceOrder, SpotSpec } from '../../src/index.ts';
import { CENTS_BINARY_GRID, Engine } from '../../src/index.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A command as a client writes it: the sequencer fills in `seq` and `ts`. */
export type Body = DistributiveOmit<Command, 'seq' | 'ts'>;
export type PlaceBody = Omit<PlaceOrder, 'seq' | 'ts' | 'type' | 'orderId'> & { orderId?: number };

export const USD = 1;
export const BTC = 2;
/** One dollar in micros. */
export const DOLLAR = 1_000_000;
export const T0 = 1_700_000_000_000;

export function binarySpec(instrumentId: number, over: Partial<BinarySpec> = {}): BinarySpec {
  return {
    kind: 'binary',
    instrumentId,
    symbol: `EVT-${instrumentId}`,
    seriesTicker: 'EVT',
    eventTicker: `EVT-${instrumentId}`,
    title: `Event ${instrumentId}`,
    settlementAssetId: USD,
    ...CENTS_BINARY_GRID,
    fees: { kind: 'none' },
    limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
    ...over,
  };
}

/** BTC/USD: prices in whole dollars per BTC, 1 lot = 0.001 BTC (BTC in satoshis, USD in micros). */
export function spotSpec(instrumentId: number, over: Partial<SpotSpec> = {}): SpotSpec {
  return {
    kind: 'spot',
    instrumentId,
    symbol: `BTC-USD-${instrumentId}`,
    baseAssetId: BTC,
    quoteAssetId: USD,
    baseUnitsPerLot: 100_000,
    tickSize: 1,
    minPriceTicks: 1,
    maxPriceTicks: 200_000,
    lotSize: 1,
    // A lot is 0.001 BTC, so one dollar of price is 0.001 $ = 1,000 micros per lot.
    moneyPerTickLot: 1_000,
    fees: { kind: 'none' },
    limits: { maxOrderQtyLots: 0, maxOrderNotional: 0, maxPositionLots: 0, priceBandTicks: 0 },
    ...over,
  };
}

export class Harness {
  readonly engine: Engine;
  seq = 0;
  ts = T0;

  constructor(maxOpenOrdersPerAccount = 10_000, engine?: Engine) {
    this.engine = engine ?? new Engine({ feeAccountId: 0, maxOpenOrdersPerAccount });
    if (engine !== undefined) {
      this.seq = engine.lastSeq;
    }
  }

  /** Applies one command with the next seq at the current clock; returns a copy of its events. */
  apply(body: Body): EngineEvent[] {
    this.seq++;
    const cmd = { ...body, seq: this.seq, ts: this.ts } as Command;
    return [...this.engine.apply(cmd)];
  }

  /** Places an order whose id is the command's seq (unless given); returns the id and events. */
  place(o: PlaceBody): { orderId: number; events: EngineEvent[] } {
    const orderId = o.orderId ?? this.seq + 1;
    const events = this.apply({ type: 'placeOrder', ...o, orderId });
    return { orderId, events };
  }

  /** Places an order and fails unless it was accepted. */
  ok(o: PlaceBody): number {
    const { orderId, events } = this.place(o);
    const rej = events.find((e) => e.type === 'rejected');
    if (rej !== undefined) throw new Error(`order rejected: ${JSON.stringify(rej)}`);
    return orderId;
  }

  /** Applies a command and fails if it was rejected. */
  must(body: Body): EngineEvent[] {
    const events = this.apply(body);
    const rej = events.find((e) => e.type === 'rejected');
    if (rej !== undefined) throw new Error(`${body.type} rejected: ${JSON.stringify(rej)}`);
    return events;
  }

  /**
   * USD (and BTC) assets, the given accounts (user id = account id) funded with `usd` micros each.
   */
  setup(accounts: readonly number[], usd: number, btc = 0): this {
    this.must({ type: 'createAsset', assetId: USD, code: 'USD', scale: 1_000_000 });
    this.must({ type: 'createAsset', assetId: BTC, code: 'BTC', scale: 100_000_000 });
    for (const a of accounts) {
      this.must({ type: 'createAccount', accountId: a, userId: a, subaccount: 0 });
      if (usd > 0) this.must({ type: 'deposit', accountId: a, assetId: USD, amount: usd });
      if (btc > 0) this.must({ type: 'deposit', accountId: a, assetId: BTC, amount: btc });
    }
    return this;
  }

  /** Creates and opens an instrument. */
  market(spec: BinarySpec | SpotSpec): this {
    this.must({ type: 'createInstrument', spec });
    this.must({ type: 'setMarketStatus', instrumentId: spec.instrumentId, status: 'open' });
    return this;
  }

  usd(accountId: number): { available: number; reserved: number } {
    const b = this.engine.balance(accountId, USD);
    return { available: b.available, reserved: b.reserved };
  }

  btc(accountId: number): { available: number; reserved: number } {
    const b = this.engine.balance(accountId, BTC);
    return { available: b.available, reserved: b.reserved };
  }

  lots(accountId: number, instrumentId: number): number {
    return this.engine.position(accountId, instrumentId)?.positionLots ?? 0;
  }
}

export function fills(events: readonly EngineEvent[]) {
  return events.flatMap((e) =>
    e.type === 'fill'
      ? [{ maker: e.makerOrderId, taker: e.takerOrderId, price: e.priceTicks, qty: e.qtyLots }]
      : [],
  );
}

export function ofType<K extends EngineEvent['type']>(
  events: readonly EngineEvent[],
  type: K,
): Extract<EngineEvent, { type: K }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: K }> => e.type === type);
}
