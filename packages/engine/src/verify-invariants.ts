// Every engine invariant, checked from scratch against the whole state. Tests call it after simulated
// commands; the `verify` CLI runs it against a live data directory. It returns violations as
// readable strings (empty when the state is sound) and never mutates the state (only the state hash's
// kept digests are brought up to date, as any `stateHash()` call does).

import type { Engine } from './engine.ts';
import { F_PARKED } from './order-store.ts';
import { NIL } from './slot.ts';
import { fullStateDigest, STATE_HASH_VERSION, stateHashVersion } from './state-digest.ts';
import type { Instrument } from './state.ts';

export function verifyInvariants(e: Engine): string[] {
  const out: string[] = [];
  const s = e.store;
  const nAssets = e.assetList.length;
  // Money held per asset: accounts + escrow must equal what came in from outside.
  const held = new Array<number>(nAssets).fill(0);
  for (const a of e.accountsById.values()) {
    const needRes = new Array<number>(nAssets).fill(0);
    for (let k = 0; k < nAssets; k++) {
      const av = a.available[k]!;
      const rs = a.reserved[k]!;
      if (av < 0 || rs < 0)
        out.push(`account ${a.accountId} asset ${k}: negative balance ${av}/${rs}`);
      if (!Number.isSafeInteger(av) || !Number.isSafeInteger(rs)) {
        out.push(`account ${a.accountId} asset ${k}: non-integer balance`);
      }
      held[k]! += av + rs;
    }
    const resYes = new Map<number, number>();
    const resNo = new Map<number, number>();
    let count = 0;
    for (let o = a.orderHead; o !== NIL; o = s.acctNext[o]!) {
      count++;
      const inst = e.instList[s.inst[o]!]!;
      needRes[inst.moneyAsset]! += s.resCash[o]! + s.resFee[o]!;
      if (inst.spec.kind === 'spot') {
        if (s.side[o] === 1) needRes[inst.baseAsset]! += s.resPos[o]!;
      } else {
        const map = s.side[o] === 0 ? resNo : resYes;
        map.set(inst.index, (map.get(inst.index) ?? 0) + s.resPos[o]!);
      }
      checkOrderReservation(e, o, out);
    }
    if (count !== a.openOrders)
      out.push(`account ${a.accountId}: openOrders ${a.openOrders} ≠ ${count}`);
    for (let k = 0; k < nAssets; k++) {
      if (needRes[k] !== a.reserved[k]) {
        out.push(
          `account ${a.accountId} asset ${k}: reserved ${a.reserved[k]} ≠ orders' ${needRes[k]}`,
        );
      }
    }
    for (const p of a.positions) {
      if (p === undefined) continue;
      const ry = resYes.get(p.instIndex) ?? 0;
      const rn = resNo.get(p.instIndex) ?? 0;
      if (p.reservedYes !== ry || p.reservedNo !== rn) {
        out.push(
          `account ${a.accountId} inst ${p.instIndex}: position reservations differ from orders`,
        );
      }
      if (p.reservedYes > Math.max(p.lots, 0) || p.reservedNo > Math.max(-p.lots, 0)) {
        out.push(`account ${a.accountId} inst ${p.instIndex}: reserves more position than held`);
      }
    }
  }
  for (const inst of e.instList) {
    if (inst.spec.kind === 'binary') {
      held[inst.moneyAsset]! += inst.escrow;
      let yes = 0;
      let no = 0;
      for (const p of inst.holders) {
        if (p.lots > 0) yes += p.lots;
        else no -= p.lots;
      }
      if (yes !== no || yes !== inst.openInterest) {
        out.push(
          `instrument ${inst.spec.instrumentId}: YES ${yes} / NO ${no} / OI ${inst.openInterest}`,
        );
      }
      const escrow = inst.openInterest * inst.spec.payoutTicks * inst.spec.moneyPerTickLot;
      if (inst.escrow !== escrow) {
        out.push(`instrument ${inst.spec.instrumentId}: escrow ${inst.escrow} ≠ ${escrow}`);
      }
    }
    checkBook(e, inst.index, out);
    checkSchedule(e, inst, out);
  }
  for (let k = 0; k < nAssets; k++) {
    const asset = e.assetList[k]!;
    if (held[k] !== asset.external) {
      out.push(
        `asset ${asset.code}: held ${held[k]} ≠ external ${asset.external} (money not conserved)`,
      );
    }
  }
  checkOpenLots(e, out);
  checkOrderGroups(e, out);
  let live = 0;
  for (const a of e.accountsById.values()) live += a.openOrders;
  if (live !== e.orderSlots.size)
    out.push(`order index has ${e.orderSlots.size}, accounts ${live}`);
  // The state hash keeps its accounts' part between calls (marked where accounts change): a missed
  // mark would leave a stale digest, which a walk of every account shows. (An engine of another
  // version, as a bench's baseline, hashes by its own rules: not compared.)
  const kept = e.stateHash();
  const full = fullStateDigest(e, e.accountList);
  if (kept !== full && stateHashVersion(kept) === STATE_HASH_VERSION) {
    out.push(`state hash kept as ${kept}, a full walk gives ${full}`);
  }
  return out;
}

/**
 * Each group's orders are live orders of its account, known to the order → group index (and it to
 * nothing else); a triggered group holds none; the window's sum is the sum of its fills.
 */
function checkOrderGroups(e: Engine, out: string[]): void {
  let members = 0;
  for (const g of e.groups.values()) {
    if (g.triggered && g.orders.size > 0)
      out.push(`order group ${g.groupId}: triggered yet holds orders`);
    if (g.windowSum !== g.windowLots.reduce((a, b) => a + b, 0)) {
      out.push(`order group ${g.groupId}: window sum ${g.windowSum} is not its fills'`);
    }
    for (const id of g.orders) {
      members++;
      const slot = e.orderSlots.get(id);
      if (slot < 0) out.push(`order group ${g.groupId}: order ${id} is not live`);
      else if (e.store.accountOf(slot) !== g.account) {
        out.push(`order group ${g.groupId}: order ${id} belongs to another account`);
      }
      if (e.groupOfOrder.get(id) !== g) out.push(`order ${id}: group index disagrees`);
    }
  }
  if (members !== e.groupOfOrder.size) {
    out.push(`order group index has ${e.groupOfOrder.size} orders, groups ${members}`);
  }
}

/**
 * A schedule only names changes still to come: an opening only while created, a closing only before
 * close; and nothing due is left waiting (it runs before the command that reaches its time).
 */
function checkSchedule(e: Engine, inst: Instrument, out: string[]): void {
  const id = inst.spec.instrumentId;
  if (inst.opensAt > 0 && inst.status !== 'created') {
    out.push(`instrument ${id}: scheduled to open while ${inst.status}`);
  }
  if (inst.closesAt > 0 && (inst.status === 'closed' || inst.status === 'settled')) {
    out.push(`instrument ${id}: scheduled to close while ${inst.status}`);
  }
  for (const at of [inst.opensAt, inst.closesAt, inst.reopensAt]) {
    if (at > 0 && at <= e.lastTs) out.push(`instrument ${id}: schedule ${at} is past due`);
  }
  checkBreaker(inst, out);
}

/**
 * Only a paused market waits for its breaker to reopen it, and the breaker's move window holds two
 * monotonic queues: times never decreasing, the low queue's prices rising, the high queue's falling.
 */
function checkBreaker(inst: Instrument, out: string[]): void {
  const id = inst.spec.instrumentId;
  if (inst.reopensAt > 0 && inst.status !== 'paused') {
    out.push(`instrument ${id}: breaker reopening while ${inst.status}`);
  }
  const b = inst.breaker;
  if (b === undefined) return;
  const queues: [number[], number[], number][] = [
    [b.lowTs, b.lowPx, 1],
    [b.highTs, b.highPx, -1],
  ];
  for (const [times, prices, dir] of queues) {
    if (times.length !== prices.length) out.push(`instrument ${id}: breaker queue lengths differ`);
    for (let i = 1; i < times.length; i++) {
      if (times[i]! < times[i - 1]! || (prices[i]! - prices[i - 1]!) * dir <= 0) {
        out.push(`instrument ${id}: breaker window queue out of order at ${i}`);
      }
    }
  }
}

/** A resting limit order reserves exactly what its open quantity needs at its limit price. */
function checkOrderReservation(e: Engine, o: number, out: string[]): void {
  const s = e.store;
  const inst = e.instList[s.inst[o]!]!;
  const spec = inst.spec;
  if ((s.flags[o]! & F_PARKED) !== 0) return;
  const open = s.open[o]!;
  const price = s.price[o]!;
  let want: number;
  if (spec.kind === 'binary') {
    if (s.resPos[o]! > open) out.push(`order ${s.id[o]}: reserves more position than it is for`);
    const perLot = s.side[o] === 0 ? price : spec.payoutTicks - price;
    want = perLot * (open - s.resPos[o]!) * spec.moneyPerTickLot;
  } else if (s.side[o] === 0) {
    want = price * open * spec.moneyPerTickLot;
  } else {
    want = 0;
    if (s.resPos[o] !== open * spec.baseUnitsPerLot)
      out.push(`order ${s.id[o]}: base reserve wrong`);
  }
  if (s.resCash[o] !== want) out.push(`order ${s.id[o]}: reserved cash ${s.resCash[o]} ≠ ${want}`);
  if (open <= 0) out.push(`order ${s.id[o]}: resting with open ${open}`);
}

/**
 * Every account's open lots per instrument and side equal the open quantity of its orders resting in
 * that side of the book (parked stops do not count), recounted from the book.
 */
function checkOpenLots(e: Engine, out: string[]): void {
  const s = e.store;
  const width = 2 * e.instList.length;
  const counted = new Map<number, number[]>();
  for (const inst of e.instList) {
    const book = inst.book;
    for (let k = 0; k < 2 * book.levels; k++) {
      const side = k < book.levels ? 0 : 1;
      for (let o = book.head[k]!; o !== NIL; o = s.next[o]!) {
        let lots = counted.get(s.acct[o]!);
        if (lots === undefined) counted.set(s.acct[o]!, (lots = new Array<number>(width).fill(0)));
        lots[2 * inst.index + side]! += s.open[o]!;
      }
    }
  }
  for (const a of e.accountsById.values()) {
    const lots = counted.get(a.index);
    if (a.openLots.length > width) {
      out.push(`account ${a.accountId}: open lots kept for unknown instruments`);
    }
    for (let k = 0; k < width; k++) {
      const kept = a.openLots[k] ?? 0;
      const want = lots?.[k] ?? 0;
      if (kept !== want) {
        const inst = e.instList[k >> 1]!.spec.instrumentId;
        const side = (k & 1) === 0 ? 'buy' : 'sell';
        out.push(
          `account ${a.accountId} inst ${inst} ${side}: open lots ${kept} ≠ resting ${want}`,
        );
      }
    }
  }
}

function checkBook(e: Engine, instIndex: number, out: string[]): void {
  const inst = e.instList[instIndex]!;
  const book = inst.book;
  const s = e.store;
  const id = inst.spec.instrumentId;
  const best = [-1, -1];
  for (let side = 0; side < 2; side++) {
    for (let l = 0; l < book.levels; l++) {
      const k = side * book.levels + l;
      let qty = 0;
      let count = 0;
      for (let o = book.head[k]!; o !== NIL; o = s.next[o]!) {
        qty += s.open[o]!;
        count++;
        if (s.side[o] !== side || s.inst[o] !== instIndex)
          out.push(`book ${id}: order in wrong queue`);
      }
      if (qty !== book.qty[k] || count !== book.count[k]) {
        out.push(
          `book ${id} side ${side} level ${l}: aggregate ${book.qty[k]}/${book.count[k]} ≠ ${qty}/${count}`,
        );
      }
      if (count > 0) {
        if (side === 0) best[0] = l;
        else if (best[1]! < 0) best[1] = l;
      }
    }
  }
  if (best[0] !== book.best[0] || best[1] !== book.best[1]) {
    out.push(`book ${id}: best ${book.best[0]}/${book.best[1]} ≠ ${best[0]}/${best[1]}`);
  }
  if (best[0]! >= 0 && best[1]! >= 0 && best[0]! >= best[1]!) {
    out.push(`book ${id}: crossed at rest (bid level ${best[0]} ≥ ask level ${best[1]})`);
  }
}
