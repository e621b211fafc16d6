// The GTD expiry queue: a binary min-heap over (expiresAt, orderId) in two parallel arrays. An order
// that leaves the book early (filled, cancelled) keeps its entry, which is skipped when its time comes;
// so that a client placing and cancelling far-dated GTD orders cannot grow the heap without bound, the
// heap is rebuilt from the live entries once it holds more than twice as many entries as there are
// open orders. The ordering is total (time, then id), so which orders expire, and in what order, does
// not depend on when a rebuild happened; snapshots and the state hash see only live entries.

import type { EngineState } from './engine-state.ts';

/** Below this many entries the heap is never rebuilt: dead entries cost less than the rebuild. */
const COMPACT_MIN_ENTRIES = 1024;

export function pushExpiry(e: EngineState, at: number, orderId: number): void {
  if (e.gtdTs.length >= COMPACT_MIN_ENTRIES && e.gtdTs.length > 2 * e.orderSlots.size) {
    compactExpiries(e);
  }
  const ts = e.gtdTs;
  const ids = e.gtdId;
  let i = ts.length;
  ts.push(at);
  ids.push(orderId);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (ts[p]! < at || (ts[p] === at && ids[p]! < orderId)) break;
    ts[i] = ts[p]!;
    ids[i] = ids[p]!;
    i = p;
  }
  ts[i] = at;
  ids[i] = orderId;
}

/** Removes and returns the order id with the earliest (time, id); the heap must not be empty. */
export function popExpiry(e: EngineState): number {
  const ts = e.gtdTs;
  const ids = e.gtdId;
  const top = ids[0]!;
  const lastT = ts.pop()!;
  const lastI = ids.pop()!;
  const n = ts.length;
  if (n > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && (ts[r]! < ts[l]! || (ts[r] === ts[l] && ids[r]! < ids[l]!))) c = r;
      if (ts[c]! > lastT || (ts[c] === lastT && ids[c]! > lastI)) break;
      ts[i] = ts[c]!;
      ids[i] = ids[c]!;
      i = c;
    }
    ts[i] = lastT;
    ids[i] = lastI;
  }
  return top;
}

/**
 * Pending expiries of live (open or parked) orders, sorted by (time, id). A sorted array is itself a
 * valid heap, so snapshots store it and restores and rebuilds use it as is.
 */
export function liveExpiries(e: EngineState): [number[], number[]] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < e.gtdId.length; i++) {
    if (e.orderSlots.get(e.gtdId[i]!) >= 0) pairs.push([e.gtdTs[i]!, e.gtdId[i]!]);
  }
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
}

function compactExpiries(e: EngineState): void {
  const [ts, ids] = liveExpiries(e);
  e.gtdTs.length = 0;
  e.gtdId.length = 0;
  for (let i = 0; i < ts.length; i++) {
    e.gtdTs.push(ts[i]!);
    e.gtdId.push(ids[i]!);
  }
}
