// Portfolio value over time, sampled by this browser whenever the portfolio is shown and kept in
// localStorage per user (the API has no account-value history). Bounded, and at most one sample per
// ten seconds.

export interface ValueSample {
  readonly ts: number;
  /** Cash plus positions at mark, USD micros. */
  readonly value: number;
  /** Realised plus unrealised P&L, USD micros. */
  readonly pnl: number;
}

const MAX_SAMPLES = 2_000;
const MIN_GAP_MS = 10_000;

function key(userId: number): string {
  return `bourse.value-history.v1.${userId}`;
}

export function loadHistory(userId: number): ValueSample[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key(userId)) ?? '[]');
    return Array.isArray(parsed) ? (parsed as ValueSample[]) : [];
  } catch {
    return [];
  }
}

export function recordSample(userId: number, sample: ValueSample): ValueSample[] {
  const history = loadHistory(userId);
  const last = history.at(-1);
  if (last !== undefined && sample.ts - last.ts < MIN_GAP_MS) {
    history[history.length - 1] = { ...sample, ts: last.ts };
  } else history.push(sample);
  const trimmed = history.slice(-MAX_SAMPLES);
  localStorage.setItem(key(userId), JSON.stringify(trimmed));
  return trimmed;
}
