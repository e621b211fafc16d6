// News items as chart markers: a dot on the candle whose bucket holds the item's time, green for good
// news, red for bad, grey otherwise, with the headline as its text. Items before the first bar are
// left out; several items on one candle make one marker (the newest headline, and how many more).

import type { NewsItemView } from '@bourse/protocol';
import type { Bar } from '../market/candle-bars.ts';

export interface NewsMarker {
  /** The bar's time (seconds). */
  readonly time: number;
  readonly label: 'positive' | 'negative' | 'neutral';
  readonly text: string;
}

const TEXT_CHARS = 40;

export function newsMarkers(items: readonly NewsItemView[], bars: readonly Bar[]): NewsMarker[] {
  const byBar = new Map<number, NewsItemView[]>();
  for (const item of items) {
    const bar = barAt(bars, item.ts / 1000);
    if (bar === undefined) continue;
    const list = byBar.get(bar.time) ?? [];
    list.push(item);
    byBar.set(bar.time, list);
  }
  return [...byBar.entries()]
    .sort(([a], [b]) => a - b)
    .map(([time, list]) => {
      const newest = list.reduce((a, b) => (b.ts > a.ts ? b : a));
      const head =
        newest.title.length > TEXT_CHARS
          ? `${newest.title.slice(0, TEXT_CHARS - 1)}…`
          : newest.title;
      const more = list.length > 1 ? ` (+${list.length - 1})` : '';
      return { time, label: newest.sentiment.label, text: `${head}${more}` };
    });
}

/** The last bar starting at or before `at` (seconds), if `at` is not before the first bar. */
function barAt(bars: readonly Bar[], at: number): Bar | undefined {
  let found: Bar | undefined;
  for (let lo = 0, hi = bars.length - 1; lo <= hi; ) {
    const mid = (lo + hi) >> 1;
    if (bars[mid]!.time <= at) {
      found = bars[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
