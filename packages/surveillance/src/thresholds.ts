// What each detector counts as suspicious, per market. Every market uses DEFAULT_THRESHOLDS unless an
// admin stored overrides for it; docs/surveillance.md explains each figure and how it was chosen.

export interface Thresholds {
  /** Wash trading: fewest lots a fill between one beneficial owner's accounts must have. */
  readonly washMinLots: number;
  /** Fills of one owner in one market within this many ms of the last join the same alert. */
  readonly washEpisodeMs: number;
  /** Spoofing: an order is large when it is at least this many times the market's mean rested size… */
  readonly spoofSizeFactor: number;
  /** …and at least this many lots. */
  readonly spoofMinLots: number;
  /** Near the touch: within this many grid steps of the best price on its side when it rested. */
  readonly spoofTouchSteps: number;
  /** Cancelled within this many ms of resting… */
  readonly spoofMaxLifeMs: number;
  /** …having filled at most this fraction of its size. */
  readonly spoofMaxFilledFraction: number;
  /** The account traded the other side between the order's resting and this long after its cancel. */
  readonly spoofTradeWindowMs: number;
  /** Layering: distinct prices among one episode's cancelled large orders. */
  readonly layeringMinPrices: number;
  /** Marking the close: the window before the close (or settlement) that is examined, ms. */
  readonly markWindowMs: number;
  /** The close differs from the price before the window by at least this many grid steps… */
  readonly markMinMoveSteps: number;
  /** …and an account's own orders swept at least this many grid steps through the book in it. */
  readonly markMinSweepSteps: number;
  /** Pre-settlement: the window before trading ended that is examined, ms. */
  readonly preSettleWindowMs: number;
  /** Net lots an account bought (or sold) in the window, on the side that won… */
  readonly preSettleMinLots: number;
  /** …and at least this share of the market's volume in the window. */
  readonly preSettleMinShare: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  washMinLots: 1,
  washEpisodeMs: 60_000,
  spoofSizeFactor: 5,
  spoofMinLots: 1,
  spoofTouchSteps: 2,
  spoofMaxLifeMs: 10_000,
  spoofMaxFilledFraction: 0.1,
  spoofTradeWindowMs: 5_000,
  layeringMinPrices: 2,
  markWindowMs: 60_000,
  markMinMoveSteps: 3,
  markMinSweepSteps: 3,
  preSettleWindowMs: 600_000,
  preSettleMinLots: 1,
  preSettleMinShare: 0.3,
};

/** The keys, for validating stored overrides. */
export const THRESHOLD_KEYS = Object.keys(DEFAULT_THRESHOLDS) as (keyof Thresholds)[];

/** The thresholds of a market: the defaults with its overrides (unknown keys ignored). */
export function withOverrides(overrides: Partial<Thresholds> | undefined): Thresholds {
  if (overrides === undefined) return DEFAULT_THRESHOLDS;
  const out: Record<string, number> = { ...DEFAULT_THRESHOLDS };
  for (const k of THRESHOLD_KEYS) {
    const v = overrides[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = v;
  }
  return out as unknown as Thresholds;
}
