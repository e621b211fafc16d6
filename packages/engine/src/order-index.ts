// Live order id → order slot, as an open-addressing hash table with linear probing and backward-shift
// deletion (no tombstones). Order ids are positive safe integers; the table never holds more than half
// its capacity, so probes stay short, and nothing allocates except when it doubles.

const EMPTY = 0;

export class OrderIndex {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  private shift: number;
  size = 0;

  constructor(capacityPow2 = 1 << 12) {
    this.keys = new Float64Array(capacityPow2);
    this.vals = new Int32Array(capacityPow2);
    this.mask = capacityPow2 - 1;
    this.shift = 32 - Math.log2(capacityPow2);
  }

  private home(id: number): number {
    // Fibonacci hashing of the low 32 bits mixed with the high bits.
    const lo = id | 0;
    const hi = (id / 4294967296) | 0;
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }

  /** The slot of order `id`, or −1. */
  get(id: number): number {
    const keys = this.keys;
    let i = this.home(id);
    for (;;) {
      const k = keys[i]!;
      if (k === id) return this.vals[i]!;
      if (k === EMPTY) return -1;
      i = (i + 1) & this.mask;
    }
  }

  has(id: number): boolean {
    return this.get(id) >= 0;
  }

  /** Inserts a new id (ids are unique: the engine never re-inserts a live one). */
  set(id: number, slot: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    let i = this.home(id);
    while (keys[i] !== EMPTY && keys[i] !== id) i = (i + 1) & this.mask;
    if (keys[i] === EMPTY) this.size++;
    keys[i] = id;
    this.vals[i] = slot;
  }

  delete(id: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let i = this.home(id);
    for (;;) {
      const k = keys[i]!;
      if (k === EMPTY) return;
      if (k === id) break;
      i = (i + 1) & mask;
    }
    this.size--;
    // Backward-shift: move later entries of the probe run into the hole when it is on their path.
    let hole = i;
    let j = (i + 1) & mask;
    for (;;) {
      const k = keys[j]!;
      if (k === EMPTY) break;
      const h = this.home(k);
      const between = hole <= j ? h > hole && h <= j : h > hole || h <= j;
      if (!between) {
        keys[hole] = k;
        this.vals[hole] = this.vals[j]!;
        hole = j;
      }
      j = (j + 1) & mask;
    }
    keys[hole] = EMPTY;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!;
      if (k !== EMPTY) this.set(k, oldVals[i]!);
    }
  }
}
