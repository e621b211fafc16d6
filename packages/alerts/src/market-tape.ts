// What alert rules read of each market, rebuilt from the engine's events in seq order: symbol, status,
// scheduled close, last trade and the two sides of the book (levels are absolute in the events, so a
// level map per side is the whole book). It is plain data so the alert store can save it with the seq
// it is exact at, and a restart carries on from there.

import type { BookView, EngineEvent, InstrumentSpec, InstrumentView } from '@bourse/engine';

/** How a price reads to people: cents per contract (binary) or dollars per lot (spot, USD quoted). */
export interface PriceUnit {
  readonly kind: 'binary' | 'spot';
  /** Minor units (micros) of money one tick is worth per contract (binary) or per lot (spot). */
  readonly microsPerTick: number;
}

export function priceUnit(spec: InstrumentSpec): PriceUnit {
  return spec.kind === 'binary'
    ? { kind: 'binary', microsPerTick: spec.moneyPerTickLot * spec.lotsPerContract }
    : { kind: 'spot', microsPerTick: spec.moneyPerTickLot };
}

export interface MarketFacts {
  readonly instrumentId: number;
  symbol: string;
  unit: PriceUnit | null;
  status: string;
  closesAt: number | null;
  lastPriceTicks: number | null;
  /** priceTicks → lots, each side. */
  readonly bids: Map<number, number>;
  readonly asks: Map<number, number>;
}

export interface SavedMarket {
  readonly instrumentId: number;
  readonly symbol: string;
  readonly unit?: PriceUnit | null;
  readonly status: string;
  readonly closesAt: number | null;
  readonly lastPriceTicks: number | null;
  readonly bids: readonly (readonly [number, number])[];
  readonly asks: readonly (readonly [number, number])[];
}

export class MarketTape {
  readonly #markets = new Map<number, MarketFacts>();

  market(instrumentId: number): MarketFacts | undefined {
    return this.#markets.get(instrumentId);
  }

  bySymbol(symbol: string): MarketFacts | undefined {
    for (const m of this.#markets.values()) if (m.symbol === symbol) return m;
    return undefined;
  }

  all(): IterableIterator<MarketFacts> {
    return this.#markets.values();
  }

  /** One event's effect on the market it concerns. */
  apply(e: EngineEvent): void {
    switch (e.type) {
      case 'instrumentCreated':
        this.#markets.set(
          e.spec.instrumentId,
          fresh(e.spec.instrumentId, e.spec.symbol, priceUnit(e.spec)),
        );
        return;
      case 'marketStatusChanged': {
        const m = this.#markets.get(e.instrumentId);
        if (m !== undefined) m.status = e.status;
        return;
      }
      case 'marketScheduled': {
        const m = this.#markets.get(e.instrumentId);
        if (m !== undefined) m.closesAt = e.closesAt;
        return;
      }
      case 'fill': {
        const m = this.#markets.get(e.instrumentId);
        if (m !== undefined) m.lastPriceTicks = e.priceTicks;
        return;
      }
      case 'bookLevel': {
        const m = this.#markets.get(e.instrumentId);
        if (m === undefined) return;
        const side = e.side === 'buy' ? m.bids : m.asks;
        if (e.qtyLots === 0) side.delete(e.priceTicks);
        else side.set(e.priceTicks, e.qtyLots);
        return;
      }
      default:
        return;
    }
  }

  /** A market as the engine reports it now (a store seeing the exchange for the first time). */
  load(v: InstrumentView, book: BookView | undefined): void {
    const m = fresh(v.spec.instrumentId, v.spec.symbol, priceUnit(v.spec));
    m.status = v.status;
    m.closesAt = v.closesAt ?? null;
    m.lastPriceTicks = v.lastPriceTicks ?? null;
    for (const [price, lots] of book?.bids ?? []) m.bids.set(price, lots);
    for (const [price, lots] of book?.asks ?? []) m.asks.set(price, lots);
    this.#markets.set(m.instrumentId, m);
  }

  save(): SavedMarket[] {
    return [...this.#markets.values()].map((m) => ({
      instrumentId: m.instrumentId,
      symbol: m.symbol,
      unit: m.unit,
      status: m.status,
      closesAt: m.closesAt,
      lastPriceTicks: m.lastPriceTicks,
      bids: [...m.bids],
      asks: [...m.asks],
    }));
  }

  restore(saved: readonly SavedMarket[]): void {
    this.#markets.clear();
    for (const s of saved) {
      this.#markets.set(s.instrumentId, {
        ...s,
        unit: s.unit ?? null,
        bids: new Map(s.bids),
        asks: new Map(s.asks),
      });
    }
  }
}

function fresh(instrumentId: number, symbol: string, unit: PriceUnit): MarketFacts {
  return {
    instrumentId,
    symbol,
    unit,
    status: 'created',
    closesAt: null,
    lastPriceTicks: null,
    bids: new Map(),
    asks: new Map(),
  };
}

/** Best ask − best bid, or undefined while either side is empty. */
export function spreadOf(m: MarketFacts): number | undefined {
  if (m.bids.size === 0 || m.asks.size === 0) return undefined;
  let bid = -Infinity;
  for (const p of m.bids.keys()) if (p > bid) bid = p;
  let ask = Infinity;
  for (const p of m.asks.keys()) if (p < ask) ask = p;
  return ask - bid;
}

/** A price in ticks as people read it (`65¢`, `$101.5`); the bare ticks for a market not known. */
export function formatPrice(m: MarketFacts | undefined, ticks: number): string {
  if (m?.unit === null || m?.unit === undefined) return String(ticks);
  const micros = ticks * m.unit.microsPerTick;
  const shown = (x: number) => String(Number(x.toFixed(6)));
  return m.unit.kind === 'binary' ? `${shown(micros / 10_000)}¢` : `$${shown(micros / 1_000_000)}`;
}
