// Spoofing and layering: large orders resting near the touch that are cancelled before they can trade,
// while the same account trades the other side. An order is tracked when it rests large (against the
// market's mean rested size) and near the touch; when it is cancelled young and nearly unfilled it
// becomes a candidate, and a fill of the account on the other side between the order's resting and
// `spoofTradeWindowMs` after its cancel makes the alert. One account's candidates in one market form
// one episode; cancelled large orders at several prices make it layering.

import type { Alert, FillEvidence, OrderEvidence } from './alerts.ts';
import type { MarketTape } from './market-tape.ts';
import type { Thresholds } from './thresholds.ts';

interface Tracked {
  readonly instrumentId: number;
  readonly accountId: number;
  readonly side: 'buy' | 'sell';
  readonly priceTicks: number;
  readonly qtyLots: number;
  filledLots: number;
  readonly placedTs: number;
  readonly placedSeq: number;
}

interface Episode {
  readonly key: string;
  orders: OrderEvidence[];
  fills: FillEvidence[];
  alert: Alert | undefined;
  lastTs: number;
}

const VOLUNTARY = new Set(['user', 'cancelAll', 'decreasedToZero']);

export class SpoofingDetector {
  readonly #live = new Map<number, Tracked>();
  /** Recent fills per account and market, for a candidate whose opposite trade came first. */
  readonly #fills = new Map<string, FillEvidence[]>();
  readonly #episodes = new Map<string, Episode>();

  /** An order rested: tracked if it is large and near the touch (the book before this command). */
  rested(tape: MarketTape, o: Omit<Tracked, 'filledLots' | 'instrumentId'>, t: Thresholds): void {
    const mean = tape.rested(o.qtyLots);
    if (tape.restedCount < 2 || o.qtyLots < t.spoofMinLots) return;
    if (o.qtyLots < t.spoofSizeFactor * mean) return;
    const best = tape.best(o.side);
    if (best !== undefined) {
      const behind =
        o.side === 'buy' ? tape.steps(o.priceTicks, best) : tape.steps(best, o.priceTicks);
      if (behind > t.spoofTouchSteps) return;
    }
    this.#live.set(o.placedSeq, { ...o, instrumentId: tape.instrumentId, filledLots: 0 });
  }

  /** A fill: counts against a tracked maker or taker, and may complete an episode. */
  fill(f: FillEvidence, t: Thresholds): Alert[] {
    for (const id of [f.makerOrderId, f.takerOrderId]) {
      const o = this.#live.get(id);
      if (o !== undefined) o.filledLots += f.qtyLots;
    }
    const out: Alert[] = [];
    for (const [accountId, side] of [
      [f.takerAccountId, f.takerSide],
      [f.makerAccountId, f.takerSide === 'buy' ? 'sell' : 'buy'],
    ] as const) {
      const key = `${accountId}:${f.instrumentId}`;
      const list = this.#fills.get(key) ?? [];
      list.push(f);
      this.#fills.set(key, list);
      const ep = this.#episodes.get(key);
      if (ep === undefined || f.ts - ep.lastTs > t.spoofTradeWindowMs) continue;
      // A fill on the other side of the episode's orders, after one of them rested.
      if (ep.orders.some((o) => o.side !== side && o.placedTs <= f.ts)) {
        ep.fills.push(f);
        const a = this.#raise(ep, f.instrumentId, accountId, f.seq, f.ts, t);
        if (a !== undefined) out.push(a);
      }
    }
    return out;
  }

  /** The orders of one cancel: a young, nearly unfilled tracked order becomes a candidate. */
  cancelled(
    orderId: number,
    reason: string,
    seq: number,
    ts: number,
    t: Thresholds,
  ): Alert | undefined {
    const o = this.#live.get(orderId);
    if (o === undefined) return undefined;
    this.#live.delete(orderId);
    if (!VOLUNTARY.has(reason) || ts - o.placedTs > t.spoofMaxLifeMs) return undefined;
    if (o.filledLots > t.spoofMaxFilledFraction * o.qtyLots) return undefined;
    const key = `${o.accountId}:${o.instrumentId}`;
    let ep = this.#episodes.get(key);
    if (ep === undefined || ts - ep.lastTs > t.spoofTradeWindowMs + t.spoofMaxLifeMs) {
      ep = { key, orders: [], fills: [], alert: undefined, lastTs: ts };
      this.#episodes.set(key, ep);
    }
    ep.lastTs = ts;
    ep.orders.push({
      orderId,
      accountId: o.accountId,
      side: o.side,
      priceTicks: o.priceTicks,
      qtyLots: o.qtyLots,
      filledLots: o.filledLots,
      placedTs: o.placedTs,
      placedSeq: o.placedSeq,
      cancelledTs: ts,
      cancelledSeq: seq,
    });
    // Opposite fills of the account while this order rested.
    const seen = new Set(ep.fills.map((f) => f.tradeId));
    for (const f of this.#fills.get(key) ?? []) {
      const mine = f.takerAccountId === o.accountId ? f.takerSide : opposite(f.takerSide);
      if (mine !== o.side && f.ts >= o.placedTs && !seen.has(f.tradeId)) ep.fills.push(f);
    }
    return this.#raise(ep, o.instrumentId, o.accountId, seq, ts, t);
  }

  #raise(
    ep: Episode,
    instrumentId: number,
    accountId: number,
    seq: number,
    ts: number,
    t: Thresholds,
  ): Alert | undefined {
    if (ep.fills.length === 0) return undefined;
    const prices = new Set(ep.orders.map((o) => o.priceTicks)).size;
    const kind = prices >= t.layeringMinPrices ? 'layering' : 'spoofing';
    const first = ep.orders[0]!;
    const spoofLots = ep.orders.reduce((s, o) => s + o.qtyLots, 0);
    const tradedLots = ep.fills.reduce((s, f) => s + f.qtyLots, 0);
    ep.alert = {
      alertId: ep.alert?.alertId ?? `spoofing:${instrumentId}:${first.orderId}`,
      kind,
      instrumentId,
      accountIds: [accountId],
      firstSeq: first.placedSeq,
      firstTs: first.placedTs,
      lastSeq: seq,
      lastTs: ts,
      summary:
        `account ${accountId} cancelled ${ep.orders.length} large ${first.side} order` +
        `${ep.orders.length === 1 ? '' : 's'} (${spoofLots} lots at ${prices} price` +
        `${prices === 1 ? '' : 's'}) near the touch and traded ${tradedLots} lots the other way`,
      orders: [...ep.orders],
      fills: [...ep.fills],
      measures: { cancelledLots: spoofLots, prices, tradedLots },
    };
    return ep.alert;
  }

  /** Forgets fills and episodes older than every window. */
  prune(ts: number, t: Thresholds): void {
    const keep = t.spoofMaxLifeMs + t.spoofTradeWindowMs;
    for (const [k, list] of this.#fills) {
      const kept = list.filter((f) => ts - f.ts <= keep);
      if (kept.length === 0) this.#fills.delete(k);
      else this.#fills.set(k, kept);
    }
    for (const [k, ep] of this.#episodes) if (ts - ep.lastTs > keep) this.#episodes.delete(k);
  }

  /** An order left the book other than by a cancel (filled): stop tracking it. */
  gone(orderId: number): void {
    this.#live.delete(orderId);
  }
}

function opposite(side: 'buy' | 'sell'): 'buy' | 'sell' {
  return side === 'buy' ? 'sell' : 'buy';
}
