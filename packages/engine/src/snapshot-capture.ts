// The engine thread's part of a binary snapshot: a copy of everything the snapshot holds, taken
// between two commands, as typed arrays (the order store's and the books' columns copied whole, the
// accounts' numbers gathered into flat columns in the engine's dense order) and the small parts'
// JSON. `encodeSnapshot` (snapshot-binary.ts) turns a capture into the snapshot's bytes without the
// engine, so a server encodes on another thread while this one goes on with orders: sorting the
// accounts, choosing column widths, walking the queues and account lists all happen there. The
// capture shares nothing with the engine, so later commands cannot change it.

import type { EngineState } from './engine-state.ts';
import type { SparseFields } from './order-store.ts';
import { snapshotState } from './snapshot.ts';
import type { Position } from './state.ts';

/**
 * Numbers per account in `SnapshotCapture.accounts`: id, user id, subaccount, frozen (0/1), head
 * slot of its order list, then how many balances and reserved amounts it has in the flat columns.
 */
export const ACCOUNT_FIELDS = 7;
/**
 * Numbers per holder in `SnapshotCapture.holders`: the account's dense index, then the position's
 * lots, cost basis, realised P&L, fees, reserved YES / NO.
 */
export const HOLDER_FIELDS = 7;

/** One instrument's book and parked stops, as slots of the captured order columns. */
export interface CapturedBook {
  readonly levels: number;
  /** Indexed by side × levels + level, as `Book.head` / `Book.count`. */
  readonly head: Int32Array;
  readonly count: Int32Array;
  readonly stopHead: number;
  readonly stopCount: number;
}

/** The order store's columns a snapshot reads (see `OrderStore`), copied whole. */
export interface CapturedOrders {
  readonly live: number;
  readonly id: Float64Array;
  readonly side: Uint8Array;
  readonly type: Uint8Array;
  readonly tif: Uint8Array;
  readonly flags: Uint8Array;
  readonly price: Float64Array;
  readonly open: Float64Array;
  readonly filled: Float64Array;
  readonly resCash: Float64Array;
  readonly resFee: Float64Array;
  readonly resPos: Float64Array;
  readonly next: Int32Array;
  readonly acctNext: Int32Array;
  /** Dense index of the owning account: its row in `SnapshotCapture.accounts`. */
  readonly acct: Int32Array;
  readonly sparse: SparseFields;
}

export interface SnapshotCapture {
  readonly seq: number;
  /** `snapshotState` without orders and accounts, as JSON. */
  readonly meta: string;
  /** `ACCOUNT_FIELDS` numbers per account, in dense order. */
  readonly accounts: Float64Array;
  /** Every account's balances, in dense order (counts in `accounts`). */
  readonly available: Float64Array;
  readonly reserved: Float64Array;
  /**
   * Per instrument, every position opened there in settlement order, `HOLDER_FIELDS` numbers each:
   * an account's positions are exactly the holders it appears among (`positionOf` makes both).
   */
  readonly holders: Float64Array[];
  /** The instruments' ids, by index. */
  readonly instrumentIds: Float64Array;
  readonly books: CapturedBook[];
  readonly orders: CapturedOrders;
  /** The expiry heap as it is (dead entries included): times and order ids. */
  readonly gtd: [Float64Array, Float64Array];
}

/** Room for `need` more values after `at`, doubling. */
function room(xs: Float64Array<ArrayBuffer>, at: number, need: number): Float64Array<ArrayBuffer> {
  if (at + need <= xs.length) return xs;
  const grown = new Float64Array(Math.max(2 * xs.length, at + need));
  grown.set(xs.subarray(0, at));
  return grown;
}

/** The state at its last command, for `encodeSnapshot`. */
export function captureSnapshot(e: EngineState): SnapshotCapture {
  const meta = JSON.stringify(snapshotState(e, true, false, false));
  return {
    seq: e.lastSeq,
    meta,
    ...captureAccounts(e),
    holders: e.instList.map((inst) => captureHolders(inst.holders)),
    instrumentIds: Float64Array.from(e.instList, (inst) => inst.spec.instrumentId),
    books: e.instList.map((inst) => ({
      levels: inst.book.levels,
      head: inst.book.head.slice(),
      count: inst.book.count.slice(),
      stopHead: inst.stopHead,
      stopCount: inst.stopCount,
    })),
    orders: captureOrders(e),
    gtd: [Float64Array.from(e.gtdTs), Float64Array.from(e.gtdId)],
  };
}

/**
 * One pass over the accounts in dense order, a few stores per number, the balances exactly as the
 * account holds them (a hole reads as undefined, so NaN, as the columns always wrote it). Positions
 * come with the holders and open lots from the books: walking each account's sparse arrays for them
 * cost more than the rest of the capture.
 */
function captureAccounts(
  e: EngineState,
): Pick<SnapshotCapture, 'accounts' | 'available' | 'reserved'> {
  const list = e.store.accounts;
  const n = list.length;
  const accounts = new Float64Array(n * ACCOUNT_FIELDS);
  let available = new Float64Array(n * e.assetList.length + 8);
  let reserved = new Float64Array(n * e.assetList.length + 8);
  let [b, r] = [0, 0];
  for (let i = 0, at = 0; i < n; i++, at += ACCOUNT_FIELDS) {
    const a = list[i]!;
    accounts[at] = a.accountId;
    accounts[at + 1] = a.userId;
    accounts[at + 2] = a.subaccount;
    accounts[at + 3] = a.frozen ? 1 : 0;
    accounts[at + 4] = a.orderHead;
    const av = a.available;
    available = room(available, b, av.length);
    for (let j = 0; j < av.length; j++) available[b++] = av[j]!;
    accounts[at + 5] = av.length;
    const re = a.reserved;
    reserved = room(reserved, r, re.length);
    for (let j = 0; j < re.length; j++) reserved[r++] = re[j]!;
    accounts[at + 6] = re.length;
  }
  return { accounts, available: available.subarray(0, b), reserved: reserved.subarray(0, r) };
}

function captureHolders(holders: readonly Position[]): Float64Array {
  const out = new Float64Array(holders.length * HOLDER_FIELDS);
  for (let i = 0, at = 0; i < holders.length; i++, at += HOLDER_FIELDS) {
    const p = holders[i]!;
    out[at] = p.account.index;
    out[at + 1] = p.lots;
    out[at + 2] = p.costBasis;
    out[at + 3] = p.realisedPnl;
    out[at + 4] = p.feesPaid;
    out[at + 5] = p.reservedYes;
    out[at + 6] = p.reservedNo;
  }
  return out;
}

function captureOrders(e: EngineState): CapturedOrders {
  const s = e.store;
  return {
    live: e.orderSlots.size,
    id: s.id.slice(),
    side: s.side.slice(),
    type: s.type.slice(),
    tif: s.tif.slice(),
    flags: s.flags.slice(),
    price: s.price.slice(),
    open: s.open.slice(),
    filled: s.filled.slice(),
    resCash: s.resCash.slice(),
    resFee: s.resFee.slice(),
    resPos: s.resPos.slice(),
    next: s.next.slice(),
    acctNext: s.acctNext.slice(),
    acct: s.acct.slice(),
    sparse: s.sparseCopy(),
  };
}

/** The buffers a capture's arrays use, to move it to another thread without copying them again. */
export function captureBuffers(c: SnapshotCapture): ArrayBuffer[] {
  const o = c.orders;
  const arrays: ArrayBufferView[] = [
    c.accounts,
    c.available,
    c.reserved,
    ...c.holders,
    c.instrumentIds,
    ...c.books.flatMap((b) => [b.head, b.count]),
    ...[o.id, o.side, o.type, o.tif, o.flags, o.price, o.open, o.filled, o.resCash, o.resFee],
    ...[o.resPos, o.next, o.acctNext, o.acct],
    ...[o.sparse.stopPrices[0], o.sparse.stopPrices[1], o.sparse.expiries[0]],
    ...[o.sparse.expiries[1], o.sparse.clientIds[0], ...c.gtd],
  ];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}
