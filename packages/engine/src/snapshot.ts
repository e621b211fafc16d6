// Canonical snapshot of the engine as data (the JSON form whole, the binary form's small parts): a
// structure in a fixed order (assets and instruments in creation order, accounts by id, orders in
// queue order) so equal states serialise to equal bytes.
// Restore rebuilds every index, including queue and per-account list order, so replay after restore
// makes the same decisions as replay from the start.

import { BUY, Book, SELL } from './book.ts';
import type { EngineState } from './engine-state.ts';
import { liveExpiries } from './gtd-expiry.ts';
import { newBreaker } from './circuit-breaker.ts';
import type { CircuitBreakerConfig, InstrumentSpec, MarketStatus } from './instrument.ts';
import { compileFees } from './instrument-fees.ts';
import { addOpenLots, openLotsOf } from './order-lifecycle.ts';
import { F_PARKED } from './order-store.ts';
import { NIL } from './slot.ts';
import type { Account, BreakerState, Instrument, OrderGroup } from './state.ts';

export type OrderRecord = [
  id: number,
  accountId: number,
  side: number,
  type: number,
  tif: number,
  flags: number,
  price: number,
  stopPrice: number,
  open: number,
  filled: number,
  resCash: number,
  resFee: number,
  resPos: number,
  expiresAt: number,
  clientId: string | null,
];

type PositionRecord = [
  instrumentId: number,
  lots: number,
  costBasis: number,
  realisedPnl: number,
  feesPaid: number,
  reservedYes: number,
  reservedNo: number,
];

type GroupRecord = [
  groupId: number,
  accountId: number,
  limitLots: number,
  triggered: boolean,
  windowTs: number[],
  windowLots: number[],
  orderIds: number[],
];

/** Lots an account's resting orders have open in one instrument (only instruments with some). */
type OpenLotsRecord = [instrumentId: number, buyLots: number, sellLots: number];

interface InstrumentRecord {
  spec: InstrumentSpec;
  status: MarketStatus;
  lastPrice: number;
  hasLast: boolean;
  escrow: number;
  openInterest: number;
  settlement: { result: 'yes' | 'no' | 'scalar'; valueTicks: number } | null;
  holders: number[];
  /** [side, level, orders in queue order] for every non-empty level. */
  levels: [number, number, OrderRecord[]][];
  stops: OrderRecord[];
  /**
   * [opensAt, closesAt] or [opensAt, closesAt, reopensAt], 0 for none; left out when none is set
   * (and the third left out when 0).
   */
  schedule?: [number, number] | [number, number, number];
  /** The circuit breaker, only when the market has one. */
  breaker?: BreakerRecord;
}

interface BreakerRecord {
  config: CircuitBreakerConfig;
  reference: number;
  /** The move window's two queues: [times, prices] each. */
  low: [number[], number[]];
  high: [number[], number[]];
}

export interface SnapshotData {
  v: 1;
  config: EngineState['config'];
  seq?: number;
  ts?: number;
  halted: boolean;
  maxOrderId: number;
  tradeSeq: number;
  assets: [assetId: number, code: string, scale: number, external: number][];
  accounts: {
    id: number;
    userId: number;
    sub: number;
    available: number[];
    reserved: number[];
    orders: number[];
    positions: PositionRecord[];
    /** Absent in snapshots written before open lots were kept: restore then counts them. */
    open?: OpenLotsRecord[];
    /** Only on a frozen account, so the bytes (and hash) of every other account stay as they were. */
    frozen?: true;
  }[];
  instruments: InstrumentRecord[];
  transfers: string[];
  gtd: [number[], number[]];
  /** Order groups by id; left out when there are none (older snapshots have none). */
  groups?: GroupRecord[];
}

function orderRecord(e: EngineState, slot: number): OrderRecord {
  const s = e.store;
  return [
    s.id[slot]!,
    s.accountOf(slot).accountId,
    s.side[slot]!,
    s.type[slot]!,
    s.tif[slot]!,
    s.flags[slot]!,
    s.price[slot]!,
    s.stopPriceOf(slot),
    s.open[slot]!,
    s.filled[slot]!,
    s.resCash[slot]!,
    s.resFee[slot]!,
    s.resPos[slot]!,
    s.expiresAtOf(slot),
    s.clientIdOf(slot) ?? null,
  ];
}

function instrumentRecord(
  e: EngineState,
  inst: Instrument,
  withOrders: boolean,
  withAccounts: boolean,
): InstrumentRecord {
  const s = e.store;
  const book = inst.book;
  const levels: InstrumentRecord['levels'] = [];
  for (let side = 0; side < 2 && withOrders; side++) {
    for (let l = 0; l < book.levels; l++) {
      const k = side * book.levels + l;
      if (book.count[k] === 0) continue;
      const orders: OrderRecord[] = [];
      for (let o = book.head[k]!; o !== NIL; o = s.next[o]!) orders.push(orderRecord(e, o));
      levels.push([side, l, orders]);
    }
  }
  const stops: OrderRecord[] = [];
  if (withOrders)
    for (let o = inst.stopHead; o !== NIL; o = s.next[o]!) stops.push(orderRecord(e, o));
  return {
    spec: inst.spec,
    status: inst.status,
    lastPrice: inst.lastPrice,
    hasLast: inst.hasLast,
    escrow: inst.escrow,
    openInterest: inst.openInterest,
    settlement: inst.settlement ?? null,
    holders: withAccounts ? inst.holders.map((p) => p.account.accountId) : [],
    levels,
    stops,
    // Only when set: the bytes (and so the hash) of a market without a schedule stay as they were.
    ...scheduleRecord(inst),
    ...(inst.breaker === undefined ? {} : { breaker: breakerRecord(inst.breaker) }),
  };
}

function scheduleRecord(inst: Instrument): Pick<InstrumentRecord, 'schedule'> {
  if (inst.reopensAt !== 0) return { schedule: [inst.opensAt, inst.closesAt, inst.reopensAt] };
  if (inst.opensAt === 0 && inst.closesAt === 0) return {};
  return { schedule: [inst.opensAt, inst.closesAt] };
}

function breakerRecord(b: BreakerState): BreakerRecord {
  return {
    config: { ...b.config },
    reference: b.reference,
    low: [[...b.lowTs], [...b.lowPx]],
    high: [[...b.highTs], [...b.highPx]],
  };
}

function restoreBreaker(r: BreakerRecord | undefined): BreakerState | undefined {
  if (r === undefined) return undefined;
  const b = newBreaker({ ...r.config }, r.reference);
  // Loops, not push(...spread): a window may hold up to one entry per price level.
  const copy = (from: number[], to: number[]) => {
    for (const x of from) to.push(x);
  };
  copy(r.low[0], b.lowTs);
  copy(r.low[1], b.lowPx);
  copy(r.high[0], b.highTs);
  copy(r.high[1], b.highPx);
  return b;
}

/** The accounts in the snapshot's order (by id). */
function sortedAccounts(e: EngineState): Account[] {
  return [...e.accountsById.values()].sort((a, b) => a.accountId - b.accountId);
}

/**
 * The snapshot as data. `withOrders` false leaves out every per-order part (the levels' and stops'
 * orders, the accounts' order lists, the expiries), `withAccounts` false the accounts and the
 * instruments' holders: the binary form writes those as columns.
 */
export function snapshotState(
  e: EngineState,
  withHeader: boolean,
  withOrders = true,
  withAccounts = true,
): SnapshotData {
  const s = e.store;
  const accounts = (withAccounts ? sortedAccounts(e) : []).map((a) => {
    const orders: number[] = [];
    if (withOrders) for (let o = a.orderHead; o !== NIL; o = s.acctNext[o]!) orders.push(s.id[o]!);
    const positions: PositionRecord[] = [];
    for (const p of a.positions) {
      if (p === undefined) continue;
      positions.push([
        e.instList[p.instIndex]!.spec.instrumentId,
        p.lots,
        p.costBasis,
        p.realisedPnl,
        p.feesPaid,
        p.reservedYes,
        p.reservedNo,
      ]);
    }
    // Instruments in creation order; zeros left out, so an account whose orders have all gone
    // serialises as one that never had any.
    const open: OpenLotsRecord[] = [];
    for (const inst of e.instList) {
      const buy = openLotsOf(a, inst.index, BUY);
      const sell = openLotsOf(a, inst.index, SELL);
      if (buy !== 0 || sell !== 0) open.push([inst.spec.instrumentId, buy, sell]);
    }
    return {
      id: a.accountId,
      userId: a.userId,
      sub: a.subaccount,
      available: [...a.available],
      reserved: [...a.reserved],
      orders,
      positions,
      open,
      ...(a.frozen ? { frozen: true as const } : {}),
    };
  });
  const data: SnapshotData = {
    v: 1,
    config: e.config,
    halted: e.halted,
    maxOrderId: e.maxOrderId,
    tradeSeq: e.tradeSeq,
    assets: e.assetList.map((a) => [a.assetId, a.code, a.scale, a.external]),
    accounts,
    instruments: e.instList.map((i) => instrumentRecord(e, i, withOrders, withAccounts)),
    transfers: [...e.transfers].sort(),
    gtd: withOrders ? liveExpiries(e) : [[], []],
  };
  if (e.groups.size > 0) {
    data.groups = [...e.groups.values()]
      .sort((a, b) => a.groupId - b.groupId)
      .map((g) => [
        g.groupId,
        g.account.accountId,
        g.limitLots,
        g.triggered,
        [...g.windowTs],
        [...g.windowLots],
        [...g.orders].sort((a, b) => a - b),
      ]);
  }
  if (withHeader) {
    data.seq = e.lastSeq;
    data.ts = e.lastTs;
  }
  return data;
}

/** The version-1 JSON form; anything that is not a JSON object is an error saying so. */
export function parseJsonSnapshot(bytes: Uint8Array): SnapshotData {
  if (bytes[0] !== 0x7b) throw new Error('snapshot: neither the binary form nor JSON');
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as SnapshotData;
  } catch (err) {
    throw new Error(`snapshot: JSON unreadable: ${(err as Error).message}`);
  }
}

export function restoreInto(e: EngineState, d: SnapshotData): void {
  if (d.v !== 1) throw new Error(`unsupported snapshot version ${String(d.v)}`);
  e.halted = d.halted;
  e.maxOrderId = d.maxOrderId;
  e.tradeSeq = d.tradeSeq;
  e.lastSeq = d.seq ?? 0;
  e.lastTs = d.ts ?? 0;
  for (const [assetId, code, scale, external] of d.assets) {
    const asset = { assetId, index: e.assetList.length, code, scale, external };
    e.assetsById.set(assetId, asset);
    e.assetList.push(asset);
  }
  for (const a of d.accounts) {
    const acct = e.addAccount(a.id, a.userId, a.sub);
    acct.available = [...a.available];
    acct.reserved = [...a.reserved];
    acct.balStamp = a.available.map(() => 0);
    acct.frozen = a.frozen === true;
  }
  for (const r of d.instruments) restoreInstrument(e, r);
  // Positions in each account, then the per-account order lists in their saved order.
  for (const a of d.accounts) {
    const acct = e.accountsById.get(a.id)!;
    for (const [
      instrumentId,
      lots,
      costBasis,
      realisedPnl,
      feesPaid,
      resYes,
      resNo,
    ] of a.positions) {
      const inst = e.instById.get(instrumentId)!;
      const p = acct.positions[inst.index] ?? e.positionOf(acct, inst);
      p.lots = lots;
      p.costBasis = costBasis;
      p.realisedPnl = realisedPnl;
      p.feesPaid = feesPaid;
      p.reservedYes = resYes;
      p.reservedNo = resNo;
    }
    linkAccountOrders(e, acct.accountId, a.orders);
    for (const [instrumentId, buy, sell] of a.open ?? []) {
      const inst = e.instById.get(instrumentId)!;
      addOpenLots(e, acct, inst.index, BUY, buy);
      addOpenLots(e, acct, inst.index, SELL, sell);
    }
  }
  if (d.accounts.some((a) => a.open === undefined)) countOpenLots(e);
  for (const t of d.transfers) e.transfers.add(t);
  // A loop, not push(...spread): a spread of a large heap exceeds the engine's argument limit.
  for (let i = 0; i < d.gtd[0].length; i++) {
    e.gtdTs.push(d.gtd[0][i]!);
    e.gtdId.push(d.gtd[1][i]!);
  }
  for (const [
    groupId,
    accountId,
    limitLots,
    triggered,
    windowTs,
    windowLots,
    orderIds,
  ] of d.groups ?? []) {
    const g: OrderGroup = {
      groupId,
      account: e.accountsById.get(accountId)!,
      limitLots,
      triggered,
      windowTs: [...windowTs],
      windowLots: [...windowLots],
      windowSum: windowLots.reduce((a, b) => a + b, 0),
      orders: new Set(orderIds),
    };
    e.groups.set(groupId, g);
    for (const id of orderIds) e.groupOfOrder.set(id, g);
  }
}

/** Counts every account's open lots from the books (a snapshot from before they were kept). */
function countOpenLots(e: EngineState): void {
  const s = e.store;
  for (const a of e.accountsById.values()) a.openLots.fill(0);
  for (const inst of e.instList) {
    const book = inst.book;
    for (let k = 0; k < 2 * book.levels; k++) {
      const side = k < book.levels ? BUY : SELL;
      for (let o = book.head[k]!; o !== NIL; o = s.next[o]!) {
        addOpenLots(e, s.accountOf(o), inst.index, side, s.open[o]!);
      }
    }
  }
}

function restoreInstrument(e: EngineState, r: InstrumentRecord): void {
  const spec = r.spec;
  const levels = (spec.maxPriceTicks - spec.minPriceTicks) / spec.tickSize + 1;
  const moneyAssetId = spec.kind === 'binary' ? spec.settlementAssetId : spec.quoteAssetId;
  const inst: Instrument = {
    index: e.instList.length,
    spec,
    moneyAsset: e.assetsById.get(moneyAssetId)!.index,
    baseAsset: spec.kind === 'spot' ? e.assetsById.get(spec.baseAssetId)!.index : -1,
    book: new Book(levels),
    ...compileFees(spec),
    status: r.status,
    lastPrice: r.lastPrice,
    hasLast: r.hasLast,
    escrow: r.escrow,
    openInterest: r.openInterest,
    holders: [],
    stopHead: NIL,
    stopTail: NIL,
    stopCount: 0,
    settlement: r.settlement ?? undefined,
    opensAt: r.schedule?.[0] ?? 0,
    closesAt: r.schedule?.[1] ?? 0,
    reopensAt: r.schedule?.[2] ?? 0,
    breaker: restoreBreaker(r.breaker),
  };
  e.registerInstrument(inst);
  // Holders in their original order, so settlement walks them identically.
  for (const accountId of r.holders) e.positionOf(e.accountsById.get(accountId)!, inst);
  const s = e.store;
  for (const [side, level, orders] of r.levels) {
    if ((side !== BUY && side !== SELL) || !(level >= 0 && level < levels)) {
      throw new Error(`instrument ${spec.instrumentId}: no price level ${side}/${level}`);
    }
    for (const rec of orders) {
      const slot = restoreOrder(e, inst, rec);
      inst.book.push(s, side, level, slot);
    }
  }
  for (const rec of r.stops) {
    const slot = restoreOrder(e, inst, rec);
    s.prev[slot] = inst.stopTail;
    if (inst.stopTail === NIL) inst.stopHead = slot;
    else s.next[inst.stopTail] = slot;
    inst.stopTail = slot;
    inst.stopCount++;
    s.flags[slot]! |= F_PARKED;
  }
}

function restoreOrder(e: EngineState, inst: Instrument, rec: OrderRecord): number {
  const s = e.store;
  const slot = s.alloc();
  const [id, accountId, side, type, tif, flags, price, stopPrice, open, filled] = rec;
  s.id[slot] = id;
  s.inst[slot] = inst.index;
  s.side[slot] = side;
  s.type[slot] = type;
  s.tif[slot] = tif;
  s.flags[slot] = flags;
  s.price[slot] = price;
  s.setStopPrice(slot, stopPrice);
  s.open[slot] = open;
  s.filled[slot] = filled;
  s.resCash[slot] = rec[10];
  s.resFee[slot] = rec[11];
  s.resPos[slot] = rec[12];
  s.setExpiresAt(slot, rec[13]);
  s.setClientId(slot, rec[14] ?? undefined);
  const account = e.accountsById.get(accountId);
  if (account === undefined) throw new Error(`order ${id}: no account ${accountId}`);
  s.acct[slot] = account.index;
  e.orderSlots.set(id, slot);
  return slot;
}

function linkAccountOrders(e: EngineState, accountId: number, orderIds: number[]): void {
  const s = e.store;
  const acct = e.accountsById.get(accountId)!;
  let prev = NIL;
  for (const id of orderIds) {
    const slot = e.orderSlots.get(id);
    if (slot < 0) throw new Error(`account ${accountId} lists order ${id}, which no book holds`);
    s.acctPrev[slot] = prev;
    s.acctNext[slot] = NIL;
    if (prev === NIL) acct.orderHead = slot;
    else s.acctNext[prev] = slot;
    prev = slot;
    acct.openOrders++;
    const cid = s.clientIdOf(slot);
    if (cid !== undefined) acct.clientIds.set(cid, slot);
  }
}
