// A drifting fair value on a market's price grid: a bounded random walk in whole ticks of the grid,
// kept away from the edges so quotes on both sides always fit between the minimum and maximum price.

import { type PriceGrid, snapToGrid } from '@bourse/engine/rules';
import type { SeededRandom } from './seeded-random.ts';

export type Grid = PriceGrid;

export class FairValue {
  readonly #grid: Grid;
  readonly #margin: number;
  #priceTicks: number;

  constructor(grid: Grid, startTicks: number, marginSteps: number) {
    this.#grid = grid;
    this.#margin = marginSteps * grid.tickSize;
    this.#priceTicks = this.#clamp(snapToGrid(grid, startTicks));
  }

  get priceTicks(): number {
    return this.#priceTicks;
  }

  /** Moves by -maxSteps..+maxSteps grid steps. */
  step(rng: SeededRandom, maxSteps: number): number {
    const steps = rng.int(-maxSteps, maxSteps);
    this.#priceTicks = this.#clamp(this.#priceTicks + steps * this.#grid.tickSize);
    return this.#priceTicks;
  }

  #clamp(p: number): number {
    const lo = this.#grid.minPriceTicks + this.#margin;
    const hi = this.#grid.maxPriceTicks - this.#margin;
    return Math.min(hi, Math.max(lo, p));
  }
}
