// The parts of the state hash that grow with the accounts, kept between hashes so that a hash costs
// the accounts changed since the last one rather than a walk of every account on the engine thread.
// Each account's digest is a member of an order-free sum (lane by lane, mod 2^32): the engine marks
// an account wherever it
// changes what the digest reads, and the next hash digests the marked accounts again, in index order
// (the account records lie roughly in that order in memory), and moves the sum by the difference.
// The instruments' holders only ever grow, so only new ones are digested. A fresh cache has every
// account marked: `fullStateDigest` (the checker the tests and `verifyInvariants` compare against) is
// the same digest taken by one.

import { BUY, SELL } from './book.ts';
import type { EngineState } from './engine-state.ts';
import { openLotsOf } from './order-lifecycle.ts';
import { WordHash } from './state-hash.ts';
import type { Account, Position } from './state.ts';

/** One instrument's holders digested so far: the list they came from, how many, their sum. */
interface HolderSums {
  list: readonly Position[];
  seen: number;
  readonly sums: Int32Array;
}

export class DigestCache {
  /** Per account index, its digest now in `accountSums` (zeros before its first). */
  #lanes = new Int32Array(4 * 64);
  /** Per account index, 1 while it is marked. */
  #marked = new Uint8Array(64);
  #list = new Int32Array(64);
  #nMarked = 0;
  /** Every account is still to be digested (a fresh cache). */
  #all = true;
  readonly accountSums = new Int32Array(4);
  readonly #holders: HolderSums[] = [];
  readonly #w = new WordHash();

  /** Makes room for the account at `index` (called as it is added, before any mark). */
  grow(index: number): void {
    if (index < this.#marked.length) return;
    const size = Math.max(2 * this.#marked.length, index + 1);
    const lanes = new Int32Array(4 * size);
    lanes.set(this.#lanes);
    this.#lanes = lanes;
    const marked = new Uint8Array(size);
    marked.set(this.#marked);
    this.#marked = marked;
    const list = new Int32Array(size);
    list.set(this.#list);
    this.#list = list;
  }

  /** The account's digest is to be taken again at the next hash. */
  mark(index: number): void {
    if (this.#marked[index] === 1) return;
    this.#marked[index] = 1;
    this.#list[this.#nMarked++] = index;
  }

  /** Brings `accountSums` and the holders' sums up to the state now. */
  update(e: EngineState, accounts: readonly Account[]): void {
    if (this.#all) {
      this.#all = false;
      if (accounts.length > 0) this.grow(accounts.length - 1);
      for (let i = 0; i < this.#nMarked; i++) this.#marked[this.#list[i]!] = 0;
      this.#nMarked = 0;
      for (let i = 0; i < accounts.length; i++) this.#digestAccount(e, accounts[i]!);
    } else {
      const list = this.#list.subarray(0, this.#nMarked).sort();
      for (let i = 0; i < list.length; i++) {
        const index = list[i]!;
        this.#marked[index] = 0;
        this.#digestAccount(e, accounts[index]!);
      }
      this.#nMarked = 0;
    }
    for (const inst of e.instList) this.#digestHolders(inst.index, inst.holders);
  }

  /** The sum of the holders' digests of the instrument at `index` (after `update`). */
  holderSums(index: number): Int32Array {
    return this.#holders[index]!.sums;
  }

  #digestAccount(e: EngineState, a: Account): void {
    const w = this.#w;
    w.reset();
    hashAccount(w, e, a);
    const d = w.lanes();
    const lanes = this.#lanes;
    const sums = this.accountSums;
    const at = 4 * a.index;
    for (let i = 0; i < 4; i++) {
      sums[i] = sums[i]! - lanes[at + i]! + d[i]!;
      lanes[at + i] = d[i]!;
    }
  }

  /** Each holder is a member (its place in the list, its account's id): the place pins the order. */
  #digestHolders(index: number, list: readonly Position[]): void {
    let h = this.#holders[index];
    if (h === undefined || h.list !== list) {
      // A list replaced (a restore builds new ones): digested again from its start.
      h = { list, seen: 0, sums: new Int32Array(4) };
      this.#holders[index] = h;
    }
    const w = this.#w;
    for (; h.seen < list.length; h.seen++) {
      w.reset();
      w.int(h.seen);
      w.int(list[h.seen]!.account.accountId);
      const d = w.lanes();
      for (let i = 0; i < 4; i++) h.sums[i] = h.sums[i]! + d[i]!;
    }
  }
}

/** One account's words: identity, frozen flag, balances, positions, open lots per instrument. */
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
