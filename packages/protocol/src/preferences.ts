// A person's own settings kept by the server, so they follow the person to every browser and device:
// today the indicators on the price chart. The server checks only the shape (the catalogue of
// indicators and their parameter bounds is the web UI's; it drops an entry that no longer fits).

import { type Static, Type } from '@sinclair/typebox';
import { strict } from './primitives.ts';

/** Indicators one chart may carry at once; each draws a series or a pane. */
export const MAX_CHART_INDICATORS = 12;

export const ChosenIndicator = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$' }),
    params: Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]{0,15}$' }), Type.Number(), {
      maxProperties: 8,
    }),
  },
  strict,
);

export const ChartPreferences = Type.Object(
  { indicators: Type.Array(ChosenIndicator, { maxItems: MAX_CHART_INDICATORS }) },
  strict,
);

/** What the server holds: `saved` is false until the person first saves (the web then imports). */
export const ChartPreferencesView = Type.Object(
  {
    saved: Type.Boolean(),
    indicators: Type.Array(ChosenIndicator),
    updatedAt: Type.Union([Type.Integer(), Type.Null()]),
  },
  strict,
);

export type ChosenIndicator = Static<typeof ChosenIndicator>;
export type ChartPreferences = Static<typeof ChartPreferences>;
export type ChartPreferencesView = Static<typeof ChartPreferencesView>;
