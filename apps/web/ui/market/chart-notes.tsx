// What the price chart says in words beside its canvas: the crosshair readout (the hovered candle, or
// the newest one, in the market's unit) and, for each indicator shown without enough history, how many
// candles it needs, so an empty pane never looks like a flat market.

import type { AxisFormat, Bar } from './candle-bars.ts';
import type { IndicatorChoice } from './candle-chart.ts';
import { CANDLES_NEEDED } from './indicators.ts';

const NAMES = { bb: 'Bollinger', rsi: 'RSI', macd: 'MACD' } as const;

export function ChartReadout({ bar, axis }: { bar: Bar | undefined; axis: AxisFormat }) {
  const f = axis.format;
  const volume = bar === undefined ? '' : String(Math.round(bar.volume * 100) / 100);
  return (
    <p className="chart-readout small" data-testid="chart-readout" aria-live="off">
      {bar === undefined
        ? ' '
        : `O ${f(bar.open)} H ${f(bar.high)} L ${f(bar.low)} C ${f(bar.close)} Vol ${volume}`}
    </p>
  );
}

export function IndicatorNeeds({ show, bars }: { show: IndicatorChoice; bars: number }) {
  const short = (['bb', 'rsi', 'macd'] as const).filter((k) => show[k] && bars < CANDLES_NEEDED[k]);
  // With no candles at all the chart already says why it is empty.
  if (short.length === 0 || bars === 0) return null;
  return (
    <div className="muted small" data-testid="indicator-needs">
      {short.map((k) => (
        <p key={k}>
          {NAMES[k]} needs {CANDLES_NEEDED[k]} candles ({bars} so far).
        </p>
      ))}
    </div>
  );
}
