// The indicators a person has put on the price chart, with their parameters: kept by the server per
// user (so they follow the person to every browser), with this browser's localStorage as the copy the
// chart starts from before the server answers, and the source of a one-time import when the server has
// nothing yet. A stored entry that no longer fits the catalogue (unknown id, parameter out of bounds)
// is dropped on load.

import { api } from '../api/http.ts';
import type { ChartPreferences, ChartPreferencesView } from '../api/types.ts';
import { checkParams, findIndicator, type Params } from './indicator-catalogue.ts';

const PREFERENCES = '/api/v1/account/preferences/chart';

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

/** Saves locally and, for a signed-in person, on the server (a failed save keeps the local copy). */
export function saveSelection(userId: number | undefined, selection: readonly Chosen[]): void {
  localStorage.setItem(key(userId), JSON.stringify(selection));
  if (userId === undefined) return;
  const body: ChartPreferences = { indicators: selection.map((c) => ({ ...c })) };
  api('PUT', PREFERENCES, body).catch(() => {});
}

/**
 * The person's selection as the server holds it (also cached locally), or undefined when the server
 * has none — then this browser's own selection, if it has one, is imported once — or cannot be asked.
 */
export async function fetchSelection(userId: number): Promise<readonly Chosen[] | undefined> {
  let view: ChartPreferencesView;
  try {
    view = await api<ChartPreferencesView>('GET', PREFERENCES);
  } catch {
    return undefined;
  }
  if (view.saved) {
    const selection = validSelection(view.indicators);
    localStorage.setItem(key(userId), JSON.stringify(selection));
    return selection;
  }
  if (localStorage.getItem(key(userId)) !== null) saveSelection(userId, loadSelection(userId));
  return undefined;
}

/** "RSI (14)": the name a chosen indicator goes by in the picker and the notes. */
export function chosenLabel(c: Chosen): string {
  const spec = findIndicator(c.id);
  const values = Object.values(c.params);
  const name = spec?.name ?? c.id;
  return values.length === 0 ? name : `${name} (${values.join(', ')})`;
}
