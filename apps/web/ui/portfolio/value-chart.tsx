// Cash from the server's ledger (exact history) with portfolio value and P&L sampled in this browser,
// on one time axis (lightweight-charts). Points are per second; the last point of a second wins.

import { AreaSeries, createChart, LineSeries, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { CashPoint } from './cash-history.ts';
import type { ValueSample } from './value-history.ts';

function perSecond<T extends { ts: number }>(rows: readonly T[]): T[] {
  const bySecond = new Map<number, T>();
  for (const r of rows) bySecond.set(Math.floor(r.ts / 1000), r);
  return [...bySecond.values()].sort((a, b) => a.ts - b.ts);
}

const time = (ts: number) => Math.floor(ts / 1000) as UTCTimestamp;

export function ValueChart(props: { samples: readonly ValueSample[]; cash: readonly CashPoint[] }) {
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
    const cash = chart.addSeries(LineSeries, {
      color: '#94a3b8',
      lineWidth: 1,
      lineType: 1,
      title: 'Cash',
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
    cash.setData(perSecond(props.cash).map((p) => ({ time: time(p.ts), value: p.value / 1e6 })));
    const samples = perSecond(props.samples);
    value.setData(samples.map((s) => ({ time: time(s.ts), value: s.value / 1e6 })));
    pnl.setData(samples.map((s) => ({ time: time(s.ts), value: s.pnl / 1e6 })));
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [props.samples, props.cash]);
  return (
    <div
      ref={box}
      className="chart-box small"
      role="img"
      aria-label={`Cash over ${props.cash.length} ledger movements; value and P&L over ${props.samples.length} samples`}
    />
  );
}
