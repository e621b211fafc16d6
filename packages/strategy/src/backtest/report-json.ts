// The backtest report as JSON: canonical (keys sorted at every depth, two-space indent, a final
// newline), holding only what the inputs determine (no wall-clock time, no paths), so the same
// inputs give the same bytes and two reports can be compared with diff.

import type { BacktestResult } from './result.ts';

export const REPORT_FORMAT = 'bourse-backtest/1';

/** What names the run in the report besides its result (the strategy file's name, its params). */
export interface ReportMeta {
  readonly strategy: string;
  readonly params: Readonly<Record<string, string>>;
}

export function reportObject(result: BacktestResult, meta: ReportMeta): Record<string, unknown> {
  return { format: REPORT_FORMAT, strategy: meta.strategy, params: meta.params, ...result };
}

export function reportJson(result: BacktestResult, meta: ReportMeta): string {
  return `${canonicalJson(reportObject(result, meta))}\n`;
}

/** JSON with object keys sorted by code unit at every depth; undefined members are left out. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}
