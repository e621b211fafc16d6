// The sentiment trend of a market's news: each item's headline score averaged with the few before it
// (oldest first), so one loud headline moves the line without making it, and the mean of the newest
// items that says whether the news is good or bad lately.

import type { NewsItemView } from '@bourse/protocol';

export interface TrendPoint {
  /** The item's time (ms since the epoch). */
  readonly ts: number;
  /** Mean score of this item and the `window - 1` before it. */
  readonly value: number;
}

/** Items averaged per point. */
export const TREND_WINDOW = 5;

/** Points oldest first, one per item. */
export function sentimentTrend(
  items: readonly NewsItemView[],
  window = TREND_WINDOW,
): TrendPoint[] {
  const sorted = [...items].sort((a, b) => a.ts - b.ts || a.itemId - b.itemId);
  const out: TrendPoint[] = [];
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) {
    sum += sorted[i]!.sentiment.score;
    if (i >= window) sum -= sorted[i - window]!.sentiment.score;
    const n = Math.min(i + 1, window);
    out.push({ ts: sorted[i]!.ts, value: sum / n });
  }
  return out;
}

export type Mood = 'positive' | 'negative' | 'neutral';

/** What the newest points say: the last point's mean, and its sign (within ±0.5 is neutral). */
export function latestMood(
  points: readonly TrendPoint[],
): { value: number; mood: Mood } | undefined {
  const last = points.at(-1);
  if (last === undefined) return undefined;
  const mood: Mood = last.value > 0.5 ? 'positive' : last.value < -0.5 ? 'negative' : 'neutral';
  return { value: last.value, mood };
}

/** The SVG path of the points in a `width` × `height` box: zero in the middle, the largest |mean| at the edges. */
export function trendPath(
  points: readonly TrendPoint[],
  width: number,
  height: number,
): { path: string; zeroY: number } {
  const zeroY = height / 2;
  if (points.length === 0) return { path: '', zeroY };
  const scale = Math.max(1, ...points.map((p) => Math.abs(p.value)));
  // One step per item, as a sparkline: a burst of headlines in a minute stays readable.
  const x = (i: number) => (points.length === 1 ? width / 2 : (i / (points.length - 1)) * width);
  const y = (p: TrendPoint) => zeroY - (p.value / scale) * (zeroY - 2);
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p).toFixed(1)}`)
    .join(' ');
  return { path, zeroY };
}
