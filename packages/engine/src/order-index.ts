// Live order id → order slot, as an open-addressing hash table of slots with linear probing and
// backward-shift deletion (no tombstones). It stores only the slot (4 bytes); the key is read back
// from the order store's id column. The table stays at most half full, so probes are short, and
// nothing allocates except when it doubles (at most 16 B per live order, 8–16 B on average).

import type { OrderStore } from './order-store.ts';

const EMPTY = -1;

/**
 * The home slot of an id in a table of 2^(32 − shift) slots: Fibonacci hashing of the low 32 bits
 * mixed with the high bits. Scaling by 2^-32 is exact, the same value as dividing by 2^32, without a
 * division's latency. (The gateway's id tables hash the same way.)
 */
export function idHome(id: number, shift: number): number {
  const lo = id | 0;
  const hi = (id * 2.3283064365386963e-10) | 0;
  return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> shift;
}

export class OrderIndex {
  private readonly store: OrderStore;
  private table: Int32Array;
  private mask: number;
  private shift: number;
  size = 0;

  constructor(store: OrderStore, capacityPow2 = 1 << 12) {
    this.store = store;
    this.table = new Int32Array(capacityPow2).fill(EMPTY);
    this.mask = capacityPow2 - 1;
    this.shift = 32 - Math.log2(capacityPow2);
  }

  private home(id: number): number {
    return idHome(id, this.shift);
  }

  /** Bytes the table takes. */
  byteLength(): number {
    return this.table.byteLength;
  }

  /** The slot of order `id`, or −1. */
  get(id: number): number {
    const table = this.table;
    const ids = this.store.id;
    let i = this.home(id);
    for (;;) {
      const slot = table[i]!;
      if (slot === EMPTY) return -1;
      if (ids[slot] === id) return slot;
      i = (i + 1) & this.mask;
    }
  }

  /** Inserts a live order whose id is already in the store (ids are unique among live orders). */
  set(id: number, slot: number): void {
    if ((this.size + 1) * 2 > this.table.length) this.grow();
    const table = this.table;
    let i = this.home(id);
    while (table[i] !== EMPTY) i = (i + 1) & this.mask;
    table[i] = slot;
    this.size++;
  }

  /** Removes order `id`; call before its slot is released. */
  delete(id: number): void {
    const table = this.table;
    const ids = this.store.id;
    const mask = this.mask;
    let i = this.home(id);
    for (;;) {
      const slot = table[i]!;
      if (slot === EMPTY) return;
      if (ids[slot] === id) break;
      i = (i + 1) & mask;
    }
    this.size--;
    // Backward shift: move later entries of the probe run into the hole when it is on their path.
    let hole = i;
    let j = (i + 1) & mask;
    for (;;) {
      const slot = table[j]!;
      if (slot === EMPTY) break;
      const h = this.home(ids[slot]!);
      const onPath = hole <= j ? h > hole && h <= j : h > hole || h <= j;
      if (!onPath) {
        table[hole] = slot;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    table[hole] = EMPTY;
  }

  private grow(): void {
    const old = this.table;
    const cap = old.length * 2;
    this.table = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    this.size = 0;
    const ids = this.store.id;
    for (let i = 0; i < old.length; i++) {
      const slot = old[i]!;
      if (slot !== EMPTY) this.set(ids[slot]!, slot);
    }
  }
}
