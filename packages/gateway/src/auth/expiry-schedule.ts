// When the credentials behind long-lived connections run out (a bearer token's or a web session's end),
// in one min-heap ordered by expiry: a check costs O(1) while nothing is due and O(log n) per connection
// that is, so a periodic sweep does no work per open connection. Connections that close earlier leave
// the heap at once (each entry knows its place), so the heap holds open connections only.

/** A place in the schedule, for taking the item out before it is due. */
export interface ExpiryEntry<T> {
  readonly item: T;
  readonly expiresAt: number;
  /** Position in the heap; -1 once out of it. */
  index: number;
}

export class ExpirySchedule<T> {
  readonly #heap: ExpiryEntry<T>[] = [];

  add(item: T, expiresAt: number): ExpiryEntry<T> {
    const entry: ExpiryEntry<T> = { item, expiresAt, index: this.#heap.length };
    this.#heap.push(entry);
    this.#up(entry.index);
    return entry;
  }

  /** Takes the entry out (the connection closed first); nothing happens if it already left. */
  remove(entry: ExpiryEntry<T>): void {
    const i = entry.index;
    if (i < 0 || this.#heap[i] !== entry) return;
    entry.index = -1;
    const last = this.#heap.pop()!;
    if (last === entry) return;
    this.#heap[i] = last;
    last.index = i;
    this.#down(i);
    this.#up(last.index);
  }

  /** Removes and returns the items whose expiry is at or before `now`, earliest first. */
  due(now: number): T[] {
    const out: T[] = [];
    while (this.#heap.length > 0 && this.#heap[0]!.expiresAt <= now) {
      const top = this.#heap[0]!;
      this.remove(top);
      out.push(top.item);
    }
    return out;
  }

  /** The earliest expiry, if any. */
  get next(): number | undefined {
    return this.#heap[0]?.expiresAt;
  }

  get size(): number {
    return this.#heap.length;
  }

  #up(i: number): void {
    const h = this.#heap;
    const e = h[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (p.expiresAt <= e.expiresAt) break;
      h[i] = p;
      p.index = i;
      i = parent;
    }
    h[i] = e;
    e.index = i;
  }

  #down(i: number): void {
    const h = this.#heap;
    const n = h.length;
    const e = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r]!.expiresAt < h[l]!.expiresAt ? r : l;
      const child = h[c]!;
      if (child.expiresAt >= e.expiresAt) break;
      h[i] = child;
      child.index = i;
      i = c;
    }
    h[i] = e;
    e.index = i;
  }
}
