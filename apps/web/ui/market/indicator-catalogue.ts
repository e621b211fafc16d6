// The chart's indicator catalogue: every indicator a person can put on the price chart, with its
// parameters (default, bounds), where it draws (over the candles or in a pane of its own), the lines it
// draws and how many candles it needs, all computed by the trading-signals library (decision 0710).
// One home for this list: the chart, the picker and the persisted selection all read it from here.

import type { Bar } from './candle-bars.ts';
import { CATALOGUE_ENTRIES } from './indicator-list.ts';

export interface Point {
  readonly time: number;
  readonly value: number;
}

export interface ParamSpec {
  readonly key: string;
  readonly label: string;
  readonly def: number;
  readonly min: number;
  readonly max: number;
  /** 1 for periods (whole candles); smaller for multipliers and factors. */
  readonly step: number;
}

export type Params = Readonly<Record<string, number>>;

/** One candle's values, one per line, or null while the indicator is still warming up. */
export type Step = (bar: Bar) => readonly number[] | null;

/** The library object behind a catalogue entry, as far as the catalogue uses it. */
export interface Engine {
  readonly step: Step;
  /** Candles the library needs before the first value (its own `getRequiredInputs`). */
  readonly needs: number;
}

export interface IndicatorSpec {
  readonly id: string;
  readonly name: string;
  /** Overlays share the candles' price scale; the others get a pane of their own. */
  readonly pane: 'overlay' | 'own';
  readonly params: readonly ParamSpec[];
  readonly lines: readonly string[];
  readonly make: (p: Params) => Engine;
}

export const CATALOGUE: readonly IndicatorSpec[] = CATALOGUE_ENTRIES;

const byId = new Map(CATALOGUE.map((s) => [s.id, s]));

export function findIndicator(id: string): IndicatorSpec | undefined {
  return byId.get(id);
}

export function defaults(spec: IndicatorSpec): Params {
  return Object.fromEntries(spec.params.map((p) => [p.key, p.def]));
}

export type ParamCheck =
  | { readonly ok: true; readonly params: Params }
  | {
      readonly ok: false;
      readonly code: 'param_out_of_range';
      readonly field: string;
      readonly rule: string;
    };

/** Checks parameters against the catalogue's bounds; missing ones take their default. */
export function checkParams(
  spec: IndicatorSpec,
  given: Readonly<Record<string, unknown>>,
): ParamCheck {
  const out: Record<string, number> = {};
  for (const p of spec.params) {
    const v = given[p.key] ?? p.def;
    const whole = p.step >= 1;
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < p.min ||
      v > p.max ||
      (whole && !Number.isInteger(v))
    ) {
      const rule = `${whole ? 'a whole number' : 'a number'} from ${p.min} to ${p.max}`;
      return { ok: false, code: 'param_out_of_range', field: p.key, rule };
    }
    out[p.key] = v;
  }
  return { ok: true, params: out };
}

/** Candles the indicator needs with these parameters before it draws anything. */
export function candlesNeeded(spec: IndicatorSpec, params: Params): number {
  return spec.make(params).needs;
}

/** The indicator's lines over the bars, each starting at its first meaningful value. */
export function computeLines(spec: IndicatorSpec, params: Params, bars: readonly Bar[]): Point[][] {
  const { step } = spec.make(params);
  const lines: Point[][] = spec.lines.map(() => []);
  for (const bar of bars) {
    const values = step(bar);
    if (values === null) continue;
    for (const [i, v] of values.entries()) {
      if (Number.isFinite(v)) lines[i]!.push({ time: bar.time, value: v });
    }
  }
  return lines;
}
