// Cumulative depth as two step areas (bids left, asks right) in SVG, scaled to the visible levels.

import { memo, useMemo } from 'react';
import { useThrottled } from '../state/use-throttled.ts';
import type { Level, MarketInfo } from '../api/types.ts';
import { price } from '../format/units.ts';

const W = 400;
const H = 140;

/**
 * The closed area of one side: from the best price outwards, each level raises the cumulative size,
 * and the last total runs on to the chart's edge (`edgeX`), so even one level reads as an area.
 */
function area(
  levels: readonly Level[],
  x: (p: number) => number,
  y: (q: number) => number,
  edgeX: number,
): string {
  if (levels.length === 0) return '';
  let sum = 0;
  const base = y(0).toFixed(1);
  let d = `M${x(levels[0]![0]).toFixed(1)},${base}`;
  for (const [p, q] of levels) {
    d += ` L${x(p).toFixed(1)},${y(sum).toFixed(1)}`;
    sum += q;
    d += ` L${x(p).toFixed(1)},${y(sum).toFixed(1)}`;
  }
  return `${d} L${edgeX.toFixed(1)},${y(sum).toFixed(1)} L${edgeX.toFixed(1)},${base} Z`;
}

export const DepthChart = memo(function DepthChart(props: {
  m: MarketInfo;
  bids: readonly Level[];
  asks: readonly Level[];
}) {
  // Depth is read as a shape, not level by level: four redraws a second are plenty and keep the
  // frame budget for the ladder.
  const latest = useMemo(() => ({ bids: props.bids, asks: props.asks }), [props.bids, props.asks]);
  const book = useThrottled(latest, 250);
  const bids = book.bids.slice(0, 40);
  const asks = book.asks.slice(0, 40);
  if (bids.length === 0 && asks.length === 0) {
    return (
      <div className="card depth">
        <h2>Depth</h2>
        <p className="muted">No orders yet.</p>
      </div>
    );
  }
  // A few ticks of margin so a book of one or two levels still reads as a chart.
  const pad = 3 * props.m.spec.tickSize;
  const lo = Math.min(...bids.map((l) => l[0]), ...asks.map((l) => l[0])) - pad;
  const hi = Math.max(...bids.map((l) => l[0]), ...asks.map((l) => l[0])) + pad;
  const span = Math.max(1, hi - lo);
  const total = Math.max(
    1,
    bids.reduce((s, l) => s + l[1], 0),
    asks.reduce((s, l) => s + l[1], 0),
  );
  const x = (p: number) => ((p - lo) / span) * (W - 2) + 1;
  const y = (q: number) => H - 1 - (q / total) * (H - 10);
  return (
    <div className="card depth">
      <h2>Depth</h2>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Cumulative depth from ${price(props.m, lo)} to ${price(props.m, hi)}`}
      >
        <path d={area(bids, x, y, x(lo))} className="depth-bid" vectorEffect="non-scaling-stroke" />
        <path d={area(asks, x, y, x(hi))} className="depth-ask" vectorEffect="non-scaling-stroke" />
      </svg>
      <div className="axis-row">
        <span>{price(props.m, lo)}</span>
        <span>{price(props.m, hi)}</span>
      </div>
    </div>
  );
});
