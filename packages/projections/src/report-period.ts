// The named periods of the compliance reports, in UTC: a day (`YYYY-MM-DD`) for the trade register and
// a month (`YYYY-MM`) for statements, each as `[fromTs, toTs)` in ms. A malformed or impossible date is
// an InvalidQueryError naming the field.

import { InvalidQueryError } from './invalid-query-error.ts';
import type { ReportPeriod } from './report-types.ts';

const DAY_MS = 86_400_000;

export function dayPeriod(date: string, field = 'date'): ReportPeriod {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const fromTs = m === null ? Number.NaN : Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!);
  // Date.UTC rolls 2026-02-30 over to March: only a date that reads back the same is real.
  if (!Number.isFinite(fromTs) || new Date(fromTs).toISOString().slice(0, 10) !== date) {
    throw new InvalidQueryError('INVALID_QUERY', `${field} must be a UTC day YYYY-MM-DD`);
  }
  return { fromTs, toTs: fromTs + DAY_MS };
}

export function monthPeriod(month: string, field = 'month'): ReportPeriod {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const year = m === null ? Number.NaN : +m[1]!;
  const index = m === null ? Number.NaN : +m[2]! - 1;
  if (!Number.isInteger(year) || !(index >= 0 && index <= 11)) {
    throw new InvalidQueryError('INVALID_QUERY', `${field} must be a UTC month YYYY-MM`);
  }
  return { fromTs: Date.UTC(year, index, 1), toTs: Date.UTC(year, index + 1, 1) };
}
