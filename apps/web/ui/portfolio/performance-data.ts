// What the performance section asks the server for: a range preset turned into the query of
// `GET /api/v1/portfolio/performance` (the server picks the bucket size), and the links to its CSV.
// The value history used to be sampled in this browser's localStorage; the server now computes it
// exactly from the read models, so the old samples are dropped once.

import type { PerformanceView } from '@bourse/protocol';

export type { PerformanceView };

export type RangePreset = '1d' | '1w' | '1m' | 'all';

export const RANGE_PRESETS: readonly { readonly id: RangePreset; readonly label: string }[] = [
  { id: '1d', label: '1D' },
  { id: '1w', label: '1W' },
  { id: '1m', label: '1M' },
  { id: 'all', label: 'All' },
];

const DAY_MS = 86_400_000;
const SPAN: Readonly<Record<Exclude<RangePreset, 'all'>, number>> = {
  '1d': DAY_MS,
  '1w': 7 * DAY_MS,
  '1m': 30 * DAY_MS,
};

/** The query for a preset ending at `now`; "all" starts at the account's first movement. */
export function rangeQuery(preset: RangePreset, now: number): Record<string, number> {
  return preset === 'all' ? { to: now } : { from: now - SPAN[preset], to: now };
}

export const PERFORMANCE_PATH = '/api/v1/portfolio/performance';

export function csvHref(query: Record<string, number>): string {
  const search = new URLSearchParams(
    Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
  );
  return `${PERFORMANCE_PATH}/csv?${search}`;
}

/** Removes the value samples earlier versions kept in this browser (the server has the history now). */
export function forgetBrowserSamples(userId: number): void {
  try {
    localStorage.removeItem(`bourse.value-history.v1.${userId}`);
  } catch {
    // Storage blocked: nothing was kept there either.
  }
}

/** Win rate as a percentage with one decimal, or a dash with no closed market. */
export function winRateText(bps: number | null): string {
  return bps === null ? '—' : `${(bps / 100).toFixed(1)}%`;
}
