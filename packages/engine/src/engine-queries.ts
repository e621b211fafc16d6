// Read-only views of the engine state for queries: accounts, balances, positions, open orders, books,
// instruments and order groups, as plain objects that share nothing mutable with the state.

import type { EngineState } from './engine-state.ts';
import { groupView } from './order-groups.ts';
import { orderView } from './order-view.ts';
import { NIL } from './slot.ts';
import type {
  AccountView,
  BalanceView,
  BookView,
  InstrumentView,
  OrderGroupView,
  OrderView,
  PositionView,
} from './views.ts';

export function accountsView(e: EngineState): AccountView[] {
  return [...e.accountsById.values()]
    .map((a) => ({
      accountId: a.accountId,
      userId: a.userId,
      subaccount: a.subaccount,
      frozen: a.frozen,
    }))
    .sort((x, y) => x.accountId - y.accountId);
}

export function balanceView(e: EngineState, accountId: number, assetId: number): BalanceView {
  const a = e.accountsById.get(accountId);
  const asset = e.assetsById.get(assetId);
  if (a === undefined || asset === undefined) {
    return { accountId, assetId, available: 0, reserved: 0 };
  }
  return {
    accountId,
    assetId,
    available: a.available[asset.index]!,
    reserved: a.reserved[asset.index]!,
  };
}

export function positionView(
  e: EngineState,
  accountId: number,
  instrumentId: number,
): PositionView | undefined {
  const a = e.accountsById.get(accountId);
  const inst = e.instById.get(instrumentId);
  const p = a && inst ? a.positions[inst.index] : undefined;
  if (p === undefined) return undefined;
  return {
    accountId,
    instrumentId,
    positionLots: p.lots,
    costBasis: p.costBasis,
    realisedPnl: p.realisedPnl,
    feesPaid: p.feesPaid,
  };
}

export function positionsView(e: EngineState, accountId: number): PositionView[] {
  const a = e.accountsById.get(accountId);
  if (a === undefined) return [];
  const out: PositionView[] = [];
  for (const p of a.positions) {
    if (p === undefined) continue;
    const view = positionView(e, accountId, e.instList[p.instIndex]!.spec.instrumentId);
    if (view !== undefined) out.push(view);
  }
  return out;
}

export function openOrdersView(
  e: EngineState,
  accountId: number,
  instrumentId: number | undefined,
): OrderView[] {
  const a = e.accountsById.get(accountId);
  if (a === undefined) return [];
  const out: OrderView[] = [];
  for (let slot = a.orderHead; slot !== NIL; slot = e.store.acctNext[slot]!) {
    const view = orderView(e, slot);
    if (instrumentId === undefined || view.instrumentId === instrumentId) out.push(view);
  }
  return out.sort((x, y) => x.orderId - y.orderId);
}

export function bookView(
  e: EngineState,
  instrumentId: number,
  depth: number,
): BookView | undefined {
  const inst = e.instById.get(instrumentId);
  if (inst === undefined) return undefined;
  const { book, spec } = inst;
  const side = (s: number) => {
    const out: [number, number, number][] = [];
    const step = s === 0 ? -1 : 1;
    for (let l = book.best[s]!; l >= 0 && l < book.levels && out.length < depth; l += step) {
      const k = s * book.levels + l;
      if (book.count[k]! > 0) {
        out.push([spec.minPriceTicks + l * spec.tickSize, book.qty[k]!, book.count[k]!]);
      }
    }
    return out;
  };
  return { instrumentId, bids: side(0), asks: side(1) };
}

export function instrumentView(e: EngineState, instrumentId: number): InstrumentView | undefined {
  const inst = e.instById.get(instrumentId);
  if (inst === undefined) return undefined;
  const b = inst.breaker;
  return {
    spec: inst.spec,
    status: inst.status,
    lastPriceTicks: inst.hasLast ? inst.lastPrice : undefined,
    escrow: inst.escrow,
    openInterestLots: inst.openInterest,
    settlement: inst.settlement === undefined ? undefined : { ...inst.settlement },
    opensAt: inst.opensAt === 0 ? undefined : inst.opensAt,
    closesAt: inst.closesAt === 0 ? undefined : inst.closesAt,
    reopensAt: inst.reopensAt === 0 ? undefined : inst.reopensAt,
    circuitBreaker:
      b === undefined
        ? undefined
        : {
            config: { ...b.config },
            referencePriceTicks: b.reference < 0 ? undefined : b.reference,
          },
  };
}

/** The account's order groups, by group id. */
export function orderGroupsView(e: EngineState, accountId: number): OrderGroupView[] {
  const out: OrderGroupView[] = [];
  for (const g of e.groups.values()) {
    if (g.account.accountId === accountId) out.push(groupView(g, e.lastTs));
  }
  return out.sort((a, b) => a.groupId - b.groupId);
}
