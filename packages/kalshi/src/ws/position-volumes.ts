// Each account's traded volume per market, for `market_position.volume_fp` (Kalshi: the member's total
// volume traded in the market). Fills sequenced up to a boundary (what was durable when the adapter
// started) are summed once per account from the read models, when the account first subscribes to
// `market_positions`; fills after it are counted as they are applied. Both parts are fixed sets of
// fills, so their sum is exact whatever order the two arrive in.

import type { EngineEvent } from '@bourse/engine';

type Fill = Extract<EngineEvent, { type: 'fill' }>;

/** The account's lots traded per market in fills with `seq <= uptoSeq`. */
export type LoadVolumes = (accountId: number, uptoSeq: number) => Promise<Map<number, number>>;

export class PositionVolumes {
  readonly #boundary: number;
  readonly #load: LoadVolumes;
  /** account → instrument → lots traded in fills after the boundary (no key built per fill). */
  readonly #live = new Map<number, Map<number, number>>();
  /** account → instrument → lots traded up to the boundary, once loaded. */
  readonly #before = new Map<number, Map<number, number>>();
  readonly #loading = new Map<number, Promise<void>>();

  constructor(boundarySeq: number, load: LoadVolumes) {
    this.#boundary = boundarySeq;
    this.#load = load;
  }

  /** Counts both legs of a fill applied at `seq` (fills at or before the boundary are loaded instead). */
  count(seq: number, f: Fill): void {
    if (seq <= this.#boundary) return;
    // Both legs, as the read models keep one fill row per leg (a self-trade counts twice there too).
    this.#add(f.takerAccountId, f.instrumentId, f.qtyLots);
    this.#add(f.makerAccountId, f.instrumentId, f.qtyLots);
  }

  /** Resolves once the account's volume before the boundary is known (loaded at most once). */
  ready(accountId: number): Promise<void> {
    if (this.#before.has(accountId)) return Promise.resolve();
    let p = this.#loading.get(accountId);
    if (p === undefined) {
      p = this.#load(accountId, this.#boundary).then(
        (m) => {
          this.#before.set(accountId, m);
          this.#loading.delete(accountId);
        },
        (error: unknown) => {
          this.#loading.delete(accountId);
          throw error;
        },
      );
      this.#loading.set(accountId, p);
    }
    return p;
  }

  isReady(accountId: number): boolean {
    return this.#before.has(accountId);
  }

  /** Lots traded in the market after the boundary, so far. */
  liveLots(accountId: number, instrumentId: number): number {
    return this.#live.get(accountId)?.get(instrumentId) ?? 0;
  }

  /** Lots traded in the market up to the boundary (0 until `ready` has resolved). */
  loadedLots(accountId: number, instrumentId: number): number {
    return this.#before.get(accountId)?.get(instrumentId) ?? 0;
  }

  #add(accountId: number, instrumentId: number, lots: number): void {
    let markets = this.#live.get(accountId);
    if (markets === undefined) this.#live.set(accountId, (markets = new Map()));
    markets.set(instrumentId, (markets.get(instrumentId) ?? 0) + lots);
  }
}
