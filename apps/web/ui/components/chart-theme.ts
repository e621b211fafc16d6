// The look every lightweight-charts chart of the UI shares (the market's candles, the portfolio's
// value): transparent on the card, muted text, the grid and the axes' borders in the cards' tones.

import type { DeepPartial, TimeChartOptions } from 'lightweight-charts';

export const AXIS_BORDER = '#2a3340';

/** A chart's options before its own scales: spread them into `createChart`'s. */
export const CHART_THEME = {
  autoSize: true,
  layout: {
    background: { color: 'transparent' },
    textColor: '#9aa4b2',
    attributionLogo: false,
  },
  grid: { vertLines: { color: '#1f2630' }, horzLines: { color: '#1f2630' } },
} as const satisfies DeepPartial<TimeChartOptions>;
