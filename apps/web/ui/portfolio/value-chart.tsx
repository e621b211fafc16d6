// The account's value, cash and P&L over time from the server's performance series, on one time axis
// (lightweight-charts): value as an area, cash as a thin line, P&L on the left scale.

import type { PerformanceView } from '@bourse/protocol';
import { AreaSeries, createChart, LineSeries, type UTCTimestamp } from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import { AXIS_BORDER, CHART_THEME } from '../components/chart-theme.ts';

type Point = PerformanceView['points'][number];

const time = (ts: number) => Math.floor(ts / 1000) as UTCTimestamp;

export function ValueChart(props: { points: readonly Point[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const chart = createChart(el, {
      ...CHART_THEME,
      timeScale: { timeVisible: true, borderColor: AXIS_BORDER },
      leftPriceScale: { visible: true, borderColor: AXIS_BORDER },
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
    cash.setData(props.points.map((p) => ({ time: time(p.ts), value: p.cash / 1e6 })));
    value.setData(props.points.map((p) => ({ time: time(p.ts), value: p.value / 1e6 })));
    pnl.setData(props.points.map((p) => ({ time: time(p.ts), value: p.pnl / 1e6 })));
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [props.points]);
  return (
    <div
      ref={box}
      className="chart-box small"
      role="img"
      data-testid="performance-chart"
      aria-label={`Value, cash and P&L over ${props.points.length} points`}
    />
  );
}
