// An id → number table for the gateway thread's per-order bookkeeping (an order's owner, its slot),
// kept in typed arrays: open addressing with linear probing and backward-shift deletion, so entries
// come and go without tombstones or rehashes, and the table allocates only when it doubles, outside
// the JavaScript heap. A Map used so (an entry per live order, added and deleted at the order rate)
// rehashes all the time into new tables that the old ones point to, and once one of them was old,
// every later one survived each scavenge until the next mark-compact (decision 0950).
// It is not the engine's OrderIndex, which probes the same way with the same hash (`idHome`) but
// stores only a 4-byte slot and reads each key back from the order store's id column (part of what
// keeps a resting order at 103 B); the gateway has no such column, so keys and values sit side by side.

import { idHome as home } from '@bourse/engine';

const EMPTY = -1;

export class IdTable {
  /** Keys (non-negative safe integers) or EMPTY. */
  #keys: Float64Array;
  #values: Float64Array;
  #mask: number;
  /** 32 − log2(capacity): the hash's top bits pick the home slot. */
  #shift: number;
  #size = 0;

  constructor(capacityPow2 = 1 << 10) {
    if (!Number.isInteger(Math.log2(capacityPow2)) || capacityPow2 < 2) {
      throw new RangeError(`capacity must be a power of two, got ${capacityPow2}`);
    }
    this.#keys = new Float64Array(capacityPow2).fill(EMPTY);
    this.#values = new Float64Array(capacityPow2);
    this.#mask = capacityPow2 - 1;
    this.#shift = 32 - Math.log2(capacityPow2);
  }

  get size(): number {
    return this.#size;
  }

  /** The value of `id`, or `fallback` (default −1) when absent. */
  get(id: number, fallback = -1): number {
    const keys = this.#keys;
    const mask = this.#mask;
    for (let i = home(id, this.#shift); ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === id) return this.#values[i]!;
      if (k === EMPTY) return fallback;
    }
  }

  has(id: number): boolean {
    return this.#find(id) >= 0;
  }

  /** Sets the value of `id` (a non-negative safe integer). */
  set(id: number, value: number): void {
    if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`bad id ${id}`);
    const keys = this.#keys;
    const mask = this.#mask;
    let i = home(id, this.#shift);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === id) {
        this.#values[i] = value;
        return;
      }
      if (k === EMPTY) break;
    }
    keys[i] = id;
    this.#values[i] = value;
    // At most half full: probes stay short.
    if (++this.#size * 2 > keys.length) this.#grow();
  }

  /** Removes `id`; true when it was there. */
  delete(id: number): boolean {
    let hole = this.#find(id);
    if (hole < 0) return false;
    const keys = this.#keys;
    const values = this.#values;
    const mask = this.#mask;
    // Backward shift: move up every later entry of the probe run that may sit in the hole.
    for (let i = (hole + 1) & mask; keys[i] !== EMPTY; i = (i + 1) & mask) {
      const want = home(keys[i]!, this.#shift);
      // Entry i may move to the hole unless its home lies cyclically in (hole, i].
      const stays = hole <= i ? hole < want && want <= i : hole < want || want <= i;
      if (stays) continue;
      keys[hole] = keys[i]!;
      values[hole] = values[i]!;
      hole = i;
    }
    keys[hole] = EMPTY;
    this.#size--;
    return true;
  }

  #find(id: number): number {
    const keys = this.#keys;
    const mask = this.#mask;
    for (let i = home(id, this.#shift); ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === id) return i;
      if (k === EMPTY) return -1;
    }
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    const capacity = keys.length * 2;
    this.#keys = new Float64Array(capacity).fill(EMPTY);
    this.#values = new Float64Array(capacity);
    this.#mask = capacity - 1;
    this.#shift--;
    this.#size = 0;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== EMPTY) this.set(keys[i]!, values[i]!);
    }
  }
}
