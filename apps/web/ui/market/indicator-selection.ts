// The indicators a person has put on the price chart, with their parameters, kept in this browser's
// localStorage per user (the gateway has no user-preferences store yet; decision 0710). A stored entry
// that no longer fits the catalogue (unknown id, parameter out of bounds) is dropped on load.

import { checkParams, findIndicator, type Params } from './indicator-catalogue.ts';

export interface Chosen {
  readonly id: string;
  readonly params: Params;
}

/** What a chart shows before the person chooses: the chart's long-standing Bollinger Bands and RSI. */
export const DEFAULT_SELECTION: readonly Chosen[] = [
  { id: 'bb', params: { n: 20, k: 2 } },
  { id: 'rsi', params: { n: 14 } },
];

const key = (userId: number | undefined) => `bourse.indicators.v1.${userId ?? 'guest'}`;

/** Keeps the entries that still fit the catalogue, with their parameters re-checked. */
export function validSelection(raw: unknown): Chosen[] {
  if (!Array.isArray(raw)) return [];
  const out: Chosen[] = [];
  for (const item of raw as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { id, params } = item as { id?: unknown; params?: unknown };
    const spec = typeof id === 'string' ? findIndicator(id) : undefined;
    if (spec === undefined || typeof params !== 'object' || params === null) continue;
    const checked = checkParams(spec, params as Record<string, unknown>);
    if (checked.ok) out.push({ id: spec.id, params: checked.params });
  }
  return out;
}

export function loadSelection(userId: number | undefined): readonly Chosen[] {
  try {
    const stored = localStorage.getItem(key(userId));
    return stored === null ? DEFAULT_SELECTION : validSelection(JSON.parse(stored));
  } catch {
    return DEFAULT_SELECTION;
  }
}

export function saveSelection(userId: number | undefined, selection: readonly Chosen[]): void {
  localStorage.setItem(key(userId), JSON.stringify(selection));
}

/** "RSI (14)": the name a chosen indicator goes by in the picker and the notes. */
export function chosenLabel(c: Chosen): string {
  const spec = findIndicator(c.id);
  const values = Object.values(c.params);
  const name = spec?.name ?? c.id;
  return values.length === 0 ? name : `${name} (${values.join(', ')})`;
}
