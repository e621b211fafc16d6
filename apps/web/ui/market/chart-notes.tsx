// What the price chart says in words beside its canvas: the crosshair readout (the hovered candle, or
// the newest one, in the market's unit) and, for each indicator shown without enough history, how many
// candles it needs, so an empty pane never looks like a flat market.

import type { AxisFormat, Bar } from './candle-bars.ts';
import { candlesNeeded, findIndicator } from './indicator-catalogue.ts';
import { type Chosen, chosenLabel } from './indicator-selection.ts';

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

export function IndicatorNeeds({ chosen, bars }: { chosen: readonly Chosen[]; bars: number }) {
  const short = chosen.flatMap((c) => {
    const spec = findIndicator(c.id);
    const needs = spec === undefined ? 0 : candlesNeeded(spec, c.params);
    return bars < needs ? [{ label: chosenLabel(c), needs }] : [];
  });
  // With no candles at all the chart already says why it is empty.
  if (short.length === 0 || bars === 0) return null;
  return (
    <div className="muted small" data-testid="indicator-needs">
      {short.map(({ label, needs }, i) => (
        // Index keys: the same indicator may be on twice.
        <p key={i}>
          {label} needs {needs} candles ({bars} so far).
        </p>
      ))}
    </div>
  );
}
