// The seals a journal wrote since it was opened, the newest 65,536 of them (about 2.1 MiB), so the
// chain value covering a seq a little behind the journal's end (a snapshot's, a report's) is found
// without reading a segment back.
import type { ChainHead } from './file-journal.ts';
import { CHAIN_BYTES } from './journal-format.ts';
import type { BatchSealMark } from './pending-batch.ts';

const CAPACITY = 1 << 16;

export class RecentSeals {
  readonly #firstSeqs = new Float64Array(CAPACITY);
  readonly #lastSeqs = new Float64Array(CAPACITY);
  readonly #chains = Buffer.alloc(CAPACITY * CHAIN_BYTES);
  /** Seals added so far; seal k sits at slot k % CAPACITY. */
  #added = 0;

  add(seal: BatchSealMark): void {
    const slot = this.#added % CAPACITY;
    this.#firstSeqs[slot] = seal.firstSeq;
    this.#lastSeqs[slot] = seal.lastSeq;
    this.#chains.write(seal.chain, slot * CHAIN_BYTES, CHAIN_BYTES, 'latin1');
    this.#added++;
  }

  /** The kept seal whose batch holds `seq`, if any. */
  find(seq: number): ChainHead | undefined {
    // Binary search over the kept seals, oldest first, for the first that ends at or after seq.
    let lo = Math.max(0, this.#added - CAPACITY);
    let hi = this.#added;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#lastSeqs[mid % CAPACITY]! < seq) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.#added) return undefined;
    const slot = lo % CAPACITY;
    if (this.#firstSeqs[slot]! > seq) return undefined;
    const at = slot * CHAIN_BYTES;
    return {
      seq: this.#lastSeqs[slot]!,
      chain: Buffer.from(this.#chains.subarray(at, at + CHAIN_BYTES)),
    };
  }
}
