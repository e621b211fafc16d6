// Portfolio value and P&L lines over the sampled history (lightweight-charts).

import { AreaSeries, createChart, LineSeries, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { ValueSample } from './value-history.ts';

export function ValueChart({ samples }: { samples: readonly ValueSample[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const chart = createChart(el, {
      autoSize: true,
      layout: {
        background: { color: 'transparent' },
        textColor: '#9aa4b2',
        attributionLogo: false,
      },
      grid: { vertLines: { color: '#1f2630' }, horzLines: { color: '#1f2630' } },
      timeScale: { timeVisible: true, borderColor: '#2a3340' },
      leftPriceScale: { visible: true, borderColor: '#2a3340' },
    });
    const value = chart.addSeries(AreaSeries, {
      lineColor: '#60a5fa',
      topColor: 'rgba(96,165,250,0.3)',
      bottomColor: 'rgba(96,165,250,0)',
      lineWidth: 2,
      title: 'Value',
    });
    const pnl = chart.addSeries(LineSeries, {
      color: '#f59e0b',
      lineWidth: 1,
      priceScaleId: 'left',
      title: 'P&L',
    });
    const seen = new Set<number>();
    const rows = samples.filter((s) => {
      const t = Math.floor(s.ts / 1000);
      if (seen.has(t)) return false;
      seen.add(t);
      return true;
    });
    value.setData(
      rows.map((s) => ({ time: Math.floor(s.ts / 1000) as UTCTimestamp, value: s.value / 1e6 })),
    );
    pnl.setData(
      rows.map((s) => ({ time: Math.floor(s.ts / 1000) as UTCTimestamp, value: s.pnl / 1e6 })),
    );
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [samples]);
  return (
    <div
      ref={box}
      className="chart-box small"
      role="img"
      aria-label={`Portfolio value and P&L, ${samples.length} samples`}
    />
  );
}
