// The records a command touched (balances, positions, book levels), collected as it runs and turned
// into one event per record when it ends, in a fixed order: book levels, then balances, then
// positions. Arrays only grow and carry a live count, so the order path never reallocates them.

import type { EventSink } from './event-sink.ts';
import type { Account, Asset, Instrument, Position } from './state.ts';

export class TouchedRecords {
  /** The current command's stamp; records compare against it to be collected once per command. */
  #stamp = 0;
  /** Stamps handed out so far (each command collecting records gets the next). */
  #commands = 0;
  readonly #balAcct: Account[] = [];
  readonly #balAsset: number[] = [];
  #nBal = 0;
  readonly #pos: Position[] = [];
  #nPos = 0;
  readonly #levelInst: number[] = [];
  readonly #levelKey: number[] = [];
  #nLevels = 0;
  /** Per instrument: stamp of the last touch of each book level key (side × levels + level). */
  readonly #levelStamps: Int32Array[] = [];

  /**
   * Starts a command: nothing it touches has been collected yet. A command applied for its state
   * alone (`quiet`) collects nothing anyone reads: all such commands share the stamp −1, so a record
   * touched by an earlier one is passed over at its first comparison instead of collected again.
   */
  begin(quiet: boolean): void {
    this.#stamp = quiet ? -1 : ++this.#commands;
  }

  /** Makes room for a new instrument's book levels (instruments are added in index order). */
  addInstrument(levels: number): void {
    this.#levelStamps.push(new Int32Array(2 * levels));
  }

  balance(acct: Account, assetIndex: number): void {
    if (acct.balStamp[assetIndex] === this.#stamp) return;
    acct.balStamp[assetIndex] = this.#stamp;
    this.#balAcct[this.#nBal] = acct;
    this.#balAsset[this.#nBal++] = assetIndex;
  }

  position(pos: Position): void {
    if (pos.stamp === this.#stamp) return;
    pos.stamp = this.#stamp;
    this.#pos[this.#nPos++] = pos;
  }

  level(inst: Instrument, key: number): void {
    const stamps = this.#levelStamps[inst.index]!;
    if (stamps[key] === this.#stamp) return;
    stamps[key] = this.#stamp;
    this.#levelInst[this.#nLevels] = inst.index;
    this.#levelKey[this.#nLevels++] = key;
  }

  /** Emits one event per touched record, with its state now, and forgets them. */
  flush(out: EventSink, instList: readonly Instrument[], assetList: readonly Asset[]): void {
    const nLevels = this.#nLevels;
    const nBal = this.#nBal;
    const nPos = this.#nPos;
    this.#nLevels = 0;
    this.#nBal = 0;
    this.#nPos = 0;
    // Applied for the state alone (see `begin`): no event is made, so nothing is read.
    if (out.out === null && out.discard) return;
    const levelInst = this.#levelInst;
    const levelKey = this.#levelKey;
    for (let i = 0; i < nLevels; i++) {
      const inst = instList[levelInst[i]!]!;
      const key = levelKey[i]!;
      const book = inst.book;
      const side = key >= book.levels ? 1 : 0;
      const level = key - side * book.levels;
      const price = inst.spec.minPriceTicks + level * inst.spec.tickSize;
      out.bookLevel(inst.spec.instrumentId, side, price, book.qty[key]!, book.count[key]!);
    }
    const balAcct = this.#balAcct;
    const balAsset = this.#balAsset;
    for (let i = 0; i < nBal; i++) {
      const a = balAcct[i]!;
      const k = balAsset[i]!;
      out.balance(a.accountId, assetList[k]!.assetId, a.available[k]!, a.reserved[k]!);
    }
    const positions = this.#pos;
    for (let i = 0; i < nPos; i++) {
      const p = positions[i]!;
      const instrumentId = instList[p.instIndex]!.spec.instrumentId;
      out.position(
        p.account.accountId,
        instrumentId,
        p.lots,
        p.costBasis,
        p.realisedPnl,
        p.feesPaid,
      );
    }
  }
}
