// Cumulative depth as two step areas (bids left, asks right) in SVG, scaled to the visible levels.

import { memo } from 'react';
import { useThrottled } from '../state/use-throttled.ts';
import type { Level, MarketInfo } from '../api/types.ts';
import { price } from '../format/units.ts';

const W = 400;
const H = 140;

function steps(levels: readonly Level[], x: (p: number) => number, y: (q: number) => number) {
  let sum = 0;
  const pts: string[] = [];
  for (const [p, q] of levels) {
    pts.push(`${x(p).toFixed(1)},${y(sum).toFixed(1)}`);
    sum += q;
    pts.push(`${x(p).toFixed(1)},${y(sum).toFixed(1)}`);
  }
  return { pts, total: sum };
}

export const DepthChart = memo(function DepthChart(props: {
  m: MarketInfo;
  bids: readonly Level[];
  asks: readonly Level[];
}) {
  // Depth is read as a shape, not level by level: four redraws a second are plenty and keep the
  // frame budget for the ladder.
  const book = useThrottled({ bids: props.bids, asks: props.asks }, 250);
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
  const y = (q: number) => H - 14 - (q / total) * (H - 24);
  const b = steps(bids, x, y);
  const a = steps(asks, x, y);
  const base = y(0).toFixed(1);
  const area = (pts: string[]) =>
    pts.length === 0 ? '' : `M${pts[0]!.split(',')[0]},${base} L${pts.join(' L')} V${base} Z`;
  return (
    <div className="card depth">
      <h2>Depth</h2>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Cumulative depth chart">
        <path d={area(b.pts)} className="depth-bid" />
        <path d={area(a.pts)} className="depth-ask" />
        <text x="2" y={H - 2} className="axis">
          {price(props.m, lo)}
        </text>
        <text x={W - 2} y={H - 2} className="axis" textAnchor="end">
          {price(props.m, hi)}
        </text>
      </svg>
    </div>
  );
});
