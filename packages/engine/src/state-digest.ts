// The state hash: the snapshot's content without its header (seq, ts) read straight from the records
// and typed-array columns into a word digest, with no JSON and no intermediate copy. Assets and
// instruments go in creation order; accounts and each instrument's holders go as multisets (sums of
// their members' digests), kept between hashes by a `DigestCache` so the engine thread pays for the
// accounts changed since the last hash, not for every account. Orders go as a multiset scanned in slot
// order, each with the ids of the orders ahead of it in its queue and in its account's list, which
// pins both orders exactly. Two engines hash equal exactly when a snapshot of each restores the same
// engine, however their slots, maps and pools were allocated.

import { DigestCache } from './digest-cache.ts';
import type { EngineState } from './engine-state.ts';
import { NIL } from './slot.ts';
import { MAX_INT_WORDS, putInt, putStr, SetHash, strWords, WordHash } from './state-hash.ts';
import type { Account, Instrument } from './state.ts';

/**
 * The version of the state hash's content and digest; the hash text starts with it (`3:…`), so a
 * hash of another version is recognised, never compared. Version 1 (16 hex digits, no prefix) hashed
 * the snapshot's JSON; version 2 took the accounts in id order and the holders as lists.
 */
export const STATE_HASH_VERSION = 3;

/** The version a state hash was made by (1 for the unprefixed hashes of before versions). */
export function stateHashVersion(hash: string): number {
  const colon = hash.indexOf(':');
  return colon < 0 ? 1 : Number(hash.slice(0, colon));
}

/**
 * The state hash with the accounts' and holders' parts from `cache`, brought up to date first (the
 * engine's own cache, which it marks as accounts change).
 */
export function stateDigest(
  e: EngineState,
  accounts: readonly Account[],
  cache: DigestCache,
): string {
  cache.update(e, accounts);
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
  h.int(accounts.length);
  h.words4(cache.accountSums);
  h.word(e.instList.length);
  for (const inst of e.instList) hashInstrument(h, inst, cache.holderSums(inst.index));
  hashOrders(h, e);
  hashTransfers(h, e);
  hashExpiries(h, e);
  hashGroups(h, e);
  return `${STATE_HASH_VERSION}:${h.hex()}`;
}

/** The same hash from a walk of every account and holder: the checker of the kept parts. */
export function fullStateDigest(e: EngineState, accounts: readonly Account[]): string {
  return stateDigest(e, accounts, new DigestCache());
}

function hashInstrument(h: WordHash, inst: Instrument, holderSums: Int32Array): void {
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
  h.int(inst.holders.length);
  h.words4(holderSums);
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
