// Traded quantity over the last 24 hours in one-minute buckets, driven by the command timestamps of the
// trades (never a clock), so the figure is the same whenever the same events are replayed.

const BUCKET_MS = 60_000;
const BUCKETS = 24 * 60;

export class RollingVolume {
  readonly #lots = new Array<number>(BUCKETS).fill(0);
  readonly #minute = new Array<number>(BUCKETS).fill(-1);
  #total = 0;
  #latestMinute = -1;

  add(ts: number, qtyLots: number): void {
    const minute = Math.floor(ts / BUCKET_MS);
    this.#advance(minute);
    const i = minute % BUCKETS;
    if (this.#minute[i] !== minute) {
      this.#total -= this.#lots[i]!;
      this.#lots[i] = 0;
      this.#minute[i] = minute;
    }
    this.#lots[i]! += qtyLots;
    this.#total += qtyLots;
  }

  /** Volume of the 24 hours ending at `ts` (or at the latest trade when `ts` is older). */
  total(ts: number): number {
    this.#advance(Math.floor(ts / BUCKET_MS));
    return this.#total;
  }

  #advance(minute: number): void {
    if (minute <= this.#latestMinute) return;
    for (let i = 0; i < BUCKETS; i++) {
      const m = this.#minute[i]!;
      if (m >= 0 && m <= minute - BUCKETS) {
        this.#total -= this.#lots[i]!;
        this.#lots[i] = 0;
        this.#minute[i] = -1;
      }
    }
    this.#latestMinute = minute;
  }
}
