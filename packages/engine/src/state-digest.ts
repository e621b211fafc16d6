// The state hash: the snapshot's content without its header (seq, ts) read straight from the records
// and typed-array columns into a word digest, with no JSON and no intermediate copy, so the engine
// thread pays milliseconds, not tens of them, at a large book. Assets and instruments go in creation
// order, accounts by id; orders go as a multiset scanned in slot order, each with the ids of the
// orders ahead of it in its queue and in its account's list, which pins both orders exactly. Two
// engines hash equal exactly when a snapshot of each restores the same engine, however their slots,
// maps and pools were allocated.

import { BUY, SELL } from './book.ts';
import type { EngineState } from './engine-state.ts';
import { openLotsOf } from './order-lifecycle.ts';
import { NIL } from './slot.ts';
import { MAX_INT_WORDS, putInt, putStr, SetHash, strWords, WordHash } from './state-hash.ts';
import type { Account, Instrument } from './state.ts';

/**
 * The version of the state hash's content and digest; the hash text starts with it (`2:…`), so a
 * hash of another version is recognised, never compared. Version 1 (16 hex digits, no prefix) hashed
 * the snapshot's JSON.
 */
export const STATE_HASH_VERSION = 2;

/** The version a state hash was made by (1 for the unprefixed hashes of before versions). */
export function stateHashVersion(hash: string): number {
  const colon = hash.indexOf(':');
  return colon < 0 ? 1 : Number(hash.slice(0, colon));
}

export function stateDigest(e: EngineState): string {
  const h = new WordHash();
  h.word(STATE_HASH_VERSION);
  h.str(JSON.stringify(e.config));
  h.bool(e.halted);
  h.int(e.maxOrderId);
  h.int(e.tradeSeq);
  h.word(e.assetList.length);
  for (const a of e.assetList) {
    h.int(a.assetId);
    h.str(a.code);
    h.int(a.scale);
    h.int(a.external);
  }
  const accounts = [...e.accountsById.values()].sort((a, b) => a.accountId - b.accountId);
  h.word(accounts.length);
  for (const a of accounts) hashAccount(h, e, a);
  h.word(e.instList.length);
  for (const inst of e.instList) hashInstrument(h, inst);
  hashOrders(h, e);
  hashTransfers(h, e);
  hashExpiries(h, e);
  hashGroups(h, e);
  return `${STATE_HASH_VERSION}:${h.hex()}`;
}

function hashAccount(h: WordHash, e: EngineState, a: Account): void {
  h.int(a.accountId);
  h.int(a.userId);
  h.int(a.subaccount);
  h.bool(a.frozen);
  h.ints(a.available);
  h.ints(a.reserved);
  // The account's order list is in its orders' records (each names the one before it).
  for (const p of a.positions) {
    if (p === undefined) continue;
    h.int(e.instList[p.instIndex]!.spec.instrumentId);
    h.int(p.lots);
    h.int(p.costBasis);
    h.int(p.realisedPnl);
    h.int(p.feesPaid);
    h.int(p.reservedYes);
    h.int(p.reservedNo);
  }
  h.end();
  // Open lots per instrument, zeros left out (an account whose orders have all gone hashes as one
  // that never had any).
  for (const inst of e.instList) {
    const buy = openLotsOf(a, inst.index, BUY);
    const sell = openLotsOf(a, inst.index, SELL);
    if (buy === 0 && sell === 0) continue;
    h.int(inst.spec.instrumentId);
    h.int(buy);
    h.int(sell);
  }
  h.end();
}

function hashInstrument(h: WordHash, inst: Instrument): void {
  h.str(JSON.stringify(inst.spec));
  h.str(inst.status);
  h.int(inst.lastPrice);
  h.bool(inst.hasLast);
  h.int(inst.escrow);
  h.int(inst.openInterest);
  const st = inst.settlement;
  if (st === undefined) h.word(0);
  else {
    h.word(1);
    h.str(st.result);
    h.int(st.valueTicks);
  }
  h.word(inst.holders.length);
  for (const p of inst.holders) h.int(p.account.accountId);
  // The queues and the parked stops are in their orders' records (hashOrders).
  h.int(inst.opensAt);
  h.int(inst.closesAt);
  h.int(inst.reopensAt);
  const b = inst.breaker;
  if (b === undefined) h.word(0);
  else {
    h.word(1);
    h.str(JSON.stringify(b.config));
    h.int(b.reference);
    h.ints(b.lowTs);
    h.ints(b.lowPx);
    h.ints(b.highTs);
    h.ints(b.highPx);
  }
}

/** Words of one order's record before its client id (14 numbers and 2 small words). */
const ORDER_WORDS = 14 * MAX_INT_WORDS + 2;

/**
 * Every live order (`id > 0`), in slot order, as a multiset: its instrument, fields, and the ids of
 * the orders before it in its queue (price level or parked stops) and in its account's list (0 at a
 * head). The ids pin every list's order; the slots themselves never enter.
 */
function hashOrders(h: WordHash, e: EngineState): void {
  const s = e.store;
  const set = new SetHash();
  const insts = e.instList;
  for (let o = 0; o < s.capacity; o++) {
    const id = s.id[o]!;
    if (id === 0) continue;
    const cid = s.clientIdOf(o);
    const b = set.ensure(ORDER_WORDS + (cid === undefined ? 1 : strWords(cid)));
    let n = putInt(b, 0, insts[s.inst[o]!]!.spec.instrumentId);
    n = putInt(b, n, id);
    n = putInt(b, n, s.accountOf(o).accountId);
    b[n++] = s.side[o]! | (s.type[o]! << 8) | (s.tif[o]! << 16);
    b[n++] = s.flags[o]!;
    n = putInt(b, n, s.price[o]!);
    n = putInt(b, n, s.stopPriceOf(o));
    n = putInt(b, n, s.open[o]!);
    n = putInt(b, n, s.filled[o]!);
    n = putInt(b, n, s.resCash[o]!);
    n = putInt(b, n, s.resFee[o]!);
    n = putInt(b, n, s.resPos[o]!);
    n = putInt(b, n, s.expiresAtOf(o));
    const prev = s.prev[o]!;
    n = putInt(b, n, prev === NIL ? 0 : s.id[prev]!);
    const acctPrev = s.acctPrev[o]!;
    n = putInt(b, n, acctPrev === NIL ? 0 : s.id[acctPrev]!);
    if (cid === undefined) b[n++] = -1;
    else n = putStr(b, n, cid);
    set.add(n);
  }
  set.into(h);
}

/** Transfer ids: a set whose order is history (the snapshot sorts it; the hash need not). */
function hashTransfers(h: WordHash, e: EngineState): void {
  const set = new SetHash();
  for (const t of e.transfers) set.add(putStr(set.ensure(strWords(t)), 0, t));
  set.into(h);
}

/** The expiry entries of live orders, as a multiset (the heap's layout is history). */
function hashExpiries(h: WordHash, e: EngineState): void {
  const set = new SetHash();
  for (let i = 0; i < e.gtdId.length; i++) {
    const id = e.gtdId[i]!;
    if (e.orderSlots.get(id) < 0) continue;
    const b = set.ensure(2 * MAX_INT_WORDS);
    set.add(putInt(b, putInt(b, 0, e.gtdTs[i]!), id));
  }
  set.into(h);
}

function hashGroups(h: WordHash, e: EngineState): void {
  const groups = [...e.groups.values()].sort((a, b) => a.groupId - b.groupId);
  h.word(groups.length);
  for (const g of groups) {
    h.int(g.groupId);
    h.int(g.account.accountId);
    h.int(g.limitLots);
    h.bool(g.triggered);
    h.ints(g.windowTs);
    h.ints(g.windowLots);
    h.ints([...g.orders].sort((a, b) => a - b));
  }
}
