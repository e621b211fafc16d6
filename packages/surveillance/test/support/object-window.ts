// The trade window as it was kept before the columns: one object per trade in an array, pruned from
// the front, and the two closing detectors reading it. The differential test holds the columns to
// this, result for result.

import type { Alert, FillEvidence } from '../../src/alerts.ts';
import type { Thresholds } from '../../src/thresholds.ts';

export interface TapeTrade extends FillEvidence {
  /** The last price before this trade (undefined for the market's first trade). */
  readonly prevLastTicks: number | undefined;
}

export class ObjectTape {
  readonly instrumentId: number;
  readonly tickSize: number;
  lastTicks: number | undefined;
  readonly trades: TapeTrade[] = [];

  constructor(instrumentId: number, tickSize: number) {
    this.instrumentId = instrumentId;
    this.tickSize = tickSize;
  }

  trade(t: Omit<TapeTrade, 'prevLastTicks'>): void {
    this.trades.push({ ...t, prevLastTicks: this.lastTicks });
    this.lastTicks = t.priceTicks;
  }

  prune(ts: number, keepMs: number): void {
    let drop = 0;
    while (drop < this.trades.length && this.trades[drop]!.ts < ts - keepMs) drop++;
    if (drop > 0) this.trades.splice(0, drop);
  }

  steps(fromTicks: number, toTicks: number): number {
    return (toTicks - fromTicks) / this.tickSize;
  }
}

export function markingAlert(
  tape: ObjectTape,
  endSeq: number,
  endTs: number,
  t: Thresholds,
): Alert | undefined {
  const window = tape.trades.filter((x) => x.ts >= endTs - t.markWindowMs && x.ts <= endTs);
  const close = window.at(-1)?.priceTicks;
  if (close === undefined) return undefined;
  const flagged = new Map<number, { side: 'buy' | 'sell'; swept: number; move: number }>();
  for (const side of ['buy', 'sell'] as const) {
    for (const [acct, cmds] of takerCommands(window, side)) {
      const swept = cmds.reduce(
        (s, c) => s + Math.abs(tape.steps(c[0]!.priceTicks, c.at(-1)!.priceTicks)),
        0,
      );
      const sign = side === 'buy' ? 1 : -1;
      const move = Math.max(
        ...cmds.map((c) => sign * tape.steps(c[0]!.prevLastTicks ?? c[0]!.priceTicks, close)),
      );
      if (swept >= t.markMinSweepSteps && move >= t.markMinMoveSteps) {
        flagged.set(acct, { side, swept, move });
      }
    }
  }
  if (flagged.size === 0) return undefined;
  const accountIds = [...flagged.keys()].sort((a, b) => a - b);
  const fills = window.filter((x) => flagged.get(x.takerAccountId)?.side === x.takerSide);
  const top = [...flagged.values()].sort((a, b) => b.move - a.move)[0]!;
  return {
    alertId: `marking:${tape.instrumentId}:${endSeq}`,
    kind: 'marking',
    instrumentId: tape.instrumentId,
    accountIds,
    firstSeq: fills[0]!.seq,
    firstTs: fills[0]!.ts,
    lastSeq: endSeq,
    lastTs: endTs,
    summary:
      `in the ${Math.round(t.markWindowMs / 1000)} s before the close, account` +
      `${accountIds.length === 1 ? '' : 's'} ${accountIds.join(', ')} swept ${top.swept} steps ` +
      `through the book and the close ended ${top.move} steps ${top.side === 'buy' ? 'up' : 'down'}`,
    orders: [],
    fills: fills.map(evidence),
    measures: { moveSteps: top.move, sweptSteps: top.swept },
  };
}

/** Each account's taker commands on one side, as the lists of their trades, in order. */
function takerCommands(window: TapeTrade[], side: 'buy' | 'sell'): Map<number, TapeTrade[][]> {
  const bySeq = new Map<number, TapeTrade[]>();
  for (const x of window) {
    if (x.takerSide !== side) continue;
    const list = bySeq.get(x.seq);
    if (list === undefined) bySeq.set(x.seq, [x]);
    else list.push(x);
  }
  const out = new Map<number, TapeTrade[][]>();
  for (const list of bySeq.values()) {
    const acct = list[0]!.takerAccountId;
    const cmds = out.get(acct);
    if (cmds === undefined) out.set(acct, [list]);
    else cmds.push(list);
  }
  return out;
}

/** Pre-settlement buying: net lots on the winning side over `[endTs − preSettleWindowMs, endTs]`. */
export function preSettlementAlerts(
  tape: ObjectTape,
  result: 'yes' | 'no' | 'scalar',
  endTs: number,
  settleSeq: number,
  settleTs: number,
  t: Thresholds,
): Alert[] {
  if (result === 'scalar') return [];
  const win = result === 'yes' ? 'buy' : 'sell';
  const window = tape.trades.filter((x) => x.ts >= endTs - t.preSettleWindowMs && x.ts <= endTs);
  const volume = window.reduce((s, x) => s + x.qtyLots, 0);
  if (volume === 0) return [];
  const net = new Map<number, number>();
  for (const x of window) {
    const takerGain = x.takerSide === win ? x.qtyLots : -x.qtyLots;
    net.set(x.takerAccountId, (net.get(x.takerAccountId) ?? 0) + takerGain);
    net.set(x.makerAccountId, (net.get(x.makerAccountId) ?? 0) - takerGain);
  }
  const alerts: Alert[] = [];
  for (const [accountId, lots] of [...net].sort((a, b) => a[0] - b[0])) {
    if (lots < t.preSettleMinLots || lots < t.preSettleMinShare * volume) continue;
    const fills = window.filter(
      (x) =>
        (x.takerAccountId === accountId && x.takerSide === win) ||
        (x.makerAccountId === accountId && x.takerSide !== win),
    );
    const share = Math.round((lots / volume) * 1000) / 1000;
    alerts.push({
      alertId: `preSettlement:${tape.instrumentId}:${accountId}`,
      kind: 'preSettlement',
      instrumentId: tape.instrumentId,
      accountIds: [accountId],
      firstSeq: fills[0]!.seq,
      firstTs: fills[0]!.ts,
      lastSeq: settleSeq,
      lastTs: settleTs,
      summary:
        `account ${accountId} ${win === 'buy' ? 'bought' : 'sold'} ${lots} lots net ` +
        `(${Math.round(share * 100)}% of the volume) in the ${Math.round(t.preSettleWindowMs / 60_000)} ` +
        `min before trading ended, and the market settled ${result}`,
      orders: [],
      fills: fills.map(evidence),
      measures: { netLots: lots, share, windowVolume: volume },
    });
  }
  return alerts;
}

function evidence(x: TapeTrade): FillEvidence {
  const { prevLastTicks: _, ...fill } = x;
  return fill;
}
